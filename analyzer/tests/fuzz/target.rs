//! What one fuzz input is run through: the opener, `info`, two tools (one per source)
//! and a count over every table, the way the binary runs them. Panics are recorded by
//! a hook, because DataFusion may run parts of a query on other tasks.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use clap::{Args, Command, FromArgMatches};
use retrace::tools::{biolatency, execsnoop, Tool};
use retrace::{info, tools, Capture, OpenOptions, Params, Session};
use tokio::runtime::Runtime;

static PANICS: Mutex<Vec<String>> = Mutex::new(Vec::new());
/// Whether an input is running (panics then are findings, recorded, not printed).
static RUNNING: AtomicBool = AtomicBool::new(false);

/// Outcomes seen, for the summary line.
#[derive(Debug, Default)]
pub struct Stats {
    pub refused: u64,
    pub opened_with_warnings: u64,
    pub opened_clean: u64,
    pub query_errors: u64,
}

pub enum Outcome {
    Refused,
    Opened { warnings: bool, query_error: bool },
}

impl Stats {
    pub fn count(&mut self, o: Outcome) {
        match o {
            Outcome::Refused => self.refused += 1,
            Outcome::Opened {
                warnings,
                query_error,
            } => {
                if warnings {
                    self.opened_with_warnings += 1;
                } else {
                    self.opened_clean += 1;
                }
                if query_error {
                    self.query_errors += 1;
                }
            }
        }
    }
}

/// Record panics (except those retrace contains on purpose) instead of printing them.
pub fn install_panic_recorder() {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| record_panic(info, &default)));
    });
}

fn record_panic(
    info: &std::panic::PanicHookInfo<'_>,
    default: &(dyn Fn(&std::panic::PanicHookInfo<'_>) + Send + Sync),
) {
    {
        if retrace::panic_guard::is_quiet() {
            return;
        }
        if !RUNNING.load(Ordering::SeqCst) {
            return default(info);
        }
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        PANICS.lock().unwrap().push(format!("{what} at {at}"));
    }
}

/// Run the input; Err describes a failure of retrace (a panic, a multi-line message).
pub fn run(runtime: &Runtime, dir: &Path) -> Result<Outcome, String> {
    PANICS.lock().unwrap().clear();
    RUNNING.store(true, Ordering::SeqCst);
    let result = catch_unwind(AssertUnwindSafe(|| runtime.block_on(exercise(dir))));
    RUNNING.store(false, Ordering::SeqCst);
    if let Some(p) = PANICS.lock().unwrap().first() {
        return Err(format!("panicked: {p}"));
    }
    match result {
        Err(_) => Err("panicked".into()),
        Ok(r) => r,
    }
}

fn one_line(what: &str, text: &str) -> Result<(), String> {
    if text.contains('\n') || text.is_empty() {
        return Err(format!("{what} is not one line: {text:?}"));
    }
    Ok(())
}

fn tool_args<T: Args + FromArgMatches>(name: &'static str, dir: &Path) -> T {
    let matches = T::augment_args(Command::new(name))
        .try_get_matches_from([name.as_ref(), dir.as_os_str()])
        .unwrap();
    T::from_arg_matches(&matches).unwrap()
}

async fn exercise(dir: &Path) -> Result<Outcome, String> {
    let capture = match Capture::open_with(dir, OpenOptions::default()) {
        Ok(c) => c,
        Err(e) => {
            one_line("open error", &e.to_string())?;
            return Ok(Outcome::Refused);
        }
    };
    let warnings = capture.warnings();
    for w in &warnings {
        one_line("warning", w)?;
    }
    let mut sink = Vec::new();
    info::print_info(&capture, &mut sink).map_err(|e| format!("info failed: {e}"))?;
    let mut query_error = false;
    let bio: biolatency::Args = tool_args("biolatency", dir);
    let exec: execsnoop::Args = tool_args("execsnoop", dir);
    for tool in [&bio as &dyn Tool, &exec] {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        if let Err(e) = tools::run(tool, OpenOptions::default(), &mut out, &mut err).await {
            one_line("tool error", &e.to_string())?;
            query_error = true;
        }
        for line in String::from_utf8_lossy(&err).lines() {
            if !line.starts_with("retrace: ") {
                return Err(format!("stray stderr line: {line:?}"));
            }
        }
    }
    let mut session = Session::open(capture)
        .await
        .map_err(|e| format!("session: {e}"))?;
    for table in retrace_schema::TABLES.iter() {
        let sql = format!(
            "SELECT count(*), max({}) FROM {}",
            table.time_column.as_deref().unwrap_or(&table.sort_key),
            table.name
        );
        if let Err(e) = session.query(&sql, &Params::new()).await {
            one_line("query error", &e.to_string())?;
            query_error = true;
        }
    }
    Ok(Outcome::Opened {
        warnings: !warnings.is_empty(),
        query_error,
    })
}
