//! `gen-synthetic OUT [--sched-events N] [--block-io N] [--cpus N] [--threads N] [--seed S]`:
//! write a large synthetic capture in the real schema for the analyzer benchmark
//! (`bench/analyzer.py`). Counts take k/M/G suffixes (`10M`). Deterministic per seed;
//! memory stays bounded whatever the size. See `retrace_tests::synthetic`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use retrace_tests::synthetic::{self, parse_count, Spec};

const USAGE: &str = "usage: gen-synthetic OUT [--sched-events N] [--block-io N] [--cpus N] \
                     [--threads N] [--seed S] [--quiet]";

fn parse_args() -> Result<(PathBuf, Spec, bool), String> {
    let mut spec = Spec::default();
    let mut out = None;
    let mut quiet = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let (key, inline) = match a.split_once('=') {
            Some((k, v)) if k.starts_with("--") => (k.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        let mut value = |name: &str| -> Result<u64, String> {
            let v = inline
                .clone()
                .or_else(|| args.next())
                .ok_or(format!("{name} needs a value"))?;
            parse_count(&v).ok_or(format!("{name}: not a count: {v}"))
        };
        match key.as_str() {
            "--sched-events" => spec.sched_events = value("--sched-events")?,
            "--block-io" => spec.block_io = value("--block-io")?,
            "--cpus" => spec.cpus = value("--cpus")?.clamp(1, 4096) as u32,
            "--threads" => spec.threads = value("--threads")?.clamp(1, 1_000_000) as u32,
            "--seed" => spec.seed = value("--seed")?,
            "--quiet" | "-q" => quiet = true,
            "-h" | "--help" => return Err(String::new()),
            s if s.starts_with('-') => return Err(format!("unknown option {s}")),
            _ if out.is_none() => out = Some(PathBuf::from(&a)),
            _ => return Err(format!("unexpected argument {a}")),
        }
    }
    let out = out.ok_or("no output folder given")?;
    Ok((out, spec, quiet))
}

fn main() -> ExitCode {
    let (out, spec, quiet) = match parse_args() {
        Ok(v) => v,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("gen-synthetic: {e}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let t0 = Instant::now();
    let mut last_report = Instant::now();
    let mut progress = |table: &str, rows: u64| {
        if !quiet && last_report.elapsed().as_secs_f64() >= 5.0 {
            eprintln!(
                "gen-synthetic: {table}: {rows} rows, {:.0} s",
                synthetic::elapsed(t0)
            );
            last_report = Instant::now();
        }
    };
    match synthetic::write(&out, &spec, &mut progress) {
        Ok(m) => {
            for (name, t) in &m.tables {
                println!(
                    "{name}: {} rows, {} segments, {} bytes ({:.2} B/row)",
                    t.rows,
                    t.segments,
                    t.bytes,
                    t.bytes as f64 / t.rows.max(1) as f64
                );
            }
            println!("wrote {} in {:.1} s", out.display(), synthetic::elapsed(t0));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen-synthetic: {}: {e}", out.display());
            ExitCode::FAILURE
        }
    }
}
