//! A deterministic mutation fuzzer for the capture opener (manifest parser, segment
//! checks) and what runs right after it (session, span, a tool query, `info`): seeded
//! byte flips, truncations, insertions and splices of the manifests and segments in
//! `analyzer/fuzz/corpus/`, plus JSON-aware edits of the manifest. Every input must give
//! `Ok` or a clean one-line error; a panic anywhere fails the test with the seed and
//! iteration that reproduce it.
//!
//! Quick run (part of `cargo test`, a few seconds): `cargo test -p retrace --test fuzz`.
//! Long run: `RETRACE_FUZZ_SECS=600 cargo test -p retrace --test fuzz -- --nocapture`
//! (`RETRACE_FUZZ_SEED=N` picks another sequence). Inputs that fail are written to
//! `$CARGO_TARGET_TMPDIR/fuzz-failures/`; once fixed, copy the folder to
//! `analyzer/fuzz/regressions/<what-it-found>/`, which every test run replays.

mod mutate;
mod rng;
mod target;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rng::Rng;

/// One seed input: a manifest or the segment of a table.
pub struct Corpus {
    pub manifests: Vec<Vec<u8>>,
    /// (table, bytes) of every segment seed.
    pub segments: Vec<(String, Vec<u8>)>,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus")
}

fn load_corpus() -> Corpus {
    let mut corpus = Corpus {
        manifests: Vec::new(),
        segments: Vec::new(),
    };
    let mut entries: Vec<_> = std::fs::read_dir(corpus_dir())
        .expect("analyzer/fuzz/corpus")
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        if name.ends_with(".json") {
            corpus.manifests.push(bytes);
        } else if name.ends_with(".parquet") {
            // `<table>.parquet` or `<table>-<anything>.parquet`.
            let table = retrace_schema::TABLES
                .iter()
                .find(|t| name.starts_with(t.name.as_ref()))
                .unwrap_or_else(|| panic!("{name}: corpus segments start with a table name"));
            corpus.segments.push((table.name.to_string(), bytes));
        }
    }
    assert!(!corpus.manifests.is_empty() && !corpus.segments.is_empty());
    corpus
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

#[test]
fn opener_never_panics() {
    let corpus = load_corpus();
    let budget = Duration::from_secs(env_u64("RETRACE_FUZZ_SECS").unwrap_or(4));
    let seed = env_u64("RETRACE_FUZZ_SEED").unwrap_or(1);
    let failures = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-failures");
    target::install_panic_recorder();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let started = Instant::now();
    let mut stats = target::Stats::default();
    let mut iteration = 0u64;
    let mut problems = Vec::new();
    while started.elapsed() < budget {
        let mut rng = Rng::new(seed.wrapping_mul(0x1000_0000_01b3) ^ iteration);
        let case = mutate::make_case(&corpus, &mut rng);
        let tmp = tempfile::tempdir().unwrap();
        case.write(tmp.path());
        match target::run(&runtime, tmp.path()) {
            Ok(outcome) => stats.count(outcome),
            Err(problem) => {
                let keep = failures.join(format!("seed{seed}-iter{iteration}"));
                let _ = std::fs::remove_dir_all(&keep);
                case.write(&keep);
                problems.push(format!(
                    "iteration {iteration} ({}): {problem}; input kept in {}",
                    case.what,
                    keep.display()
                ));
                if problems.len() >= 10 {
                    break;
                }
            }
        }
        iteration += 1;
    }
    eprintln!(
        "fuzz: seed {seed}, {iteration} inputs in {:.1}s: {stats:?}",
        started.elapsed().as_secs_f64()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(iteration > 0);
}

/// Every capture that once made the fuzzer fail still gives Ok or a clean error.
#[test]
fn regressions_stay_fixed() {
    target::install_panic_recorder();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    assert!(!cases.is_empty());
    for case in cases {
        if let Err(problem) = target::run(&runtime, &case) {
            panic!("{}: {problem}", case.display());
        }
    }
}
