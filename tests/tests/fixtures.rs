//! The committed fixture captures (`fixtures/`) are exactly what `fixtures/make.sh`
//! writes: the generator runs into a temporary folder and every file is compared byte
//! for byte with the committed one, both ways (no file missing, none extra). The
//! generator is deterministic (fixed seeds, fixed clocks, fixed host identity in the
//! manifest, the writer's own version strings), so nothing is exempt.
//!
//! A failure means a change to the generator (tests/src/fixture*) or to the writer
//! (schemas/src/writer.rs) was committed without running `fixtures/make.sh`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every file under `dir`, as paths relative to it.
fn files(dir: &Path) -> BTreeSet<PathBuf> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let path = e.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.insert(path.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    out
}

#[test]
fn committed_fixtures_are_what_make_sh_writes() {
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
    let tmp = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_make-fixtures"))
        .arg(tmp.path())
        .output()
        .expect("run make-fixtures");
    assert!(
        o.status.success(),
        "make-fixtures failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let made = files(tmp.path());
    // make.sh itself lives in fixtures/ but is not generated.
    let kept: BTreeSet<PathBuf> = files(&committed)
        .into_iter()
        .filter(|p| p != Path::new("make.sh"))
        .collect();
    assert!(made.len() > 20, "the generator wrote only {made:?}");
    let missing: Vec<_> = made.difference(&kept).collect();
    let extra: Vec<_> = kept.difference(&made).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "generated but not committed: {missing:?}; committed but not generated: {extra:?} \
         (run fixtures/make.sh)"
    );
    let differ: Vec<_> = made
        .iter()
        .filter(|p| {
            std::fs::read(tmp.path().join(p)).unwrap() != std::fs::read(committed.join(p)).unwrap()
        })
        .collect();
    assert!(
        differ.is_empty(),
        "committed fixtures differ from what fixtures/make.sh writes: {differ:?} (run it)"
    );
}
