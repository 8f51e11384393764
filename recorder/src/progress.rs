//! The one-line progress display on a terminal: elapsed, events, bytes, lost.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Progress(Option<ProgressBar>);

fn human_bytes(b: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = b as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    format!("{v:.1} {}", UNITS[u])
}

impl Progress {
    /// A progress line on stderr when `enabled` (stderr is a terminal); else nothing.
    pub fn new(enabled: bool) -> Self {
        if !enabled {
            return Progress(None);
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{spinner} recording {msg}").expect("valid template"),
        );
        Progress(Some(bar))
    }

    pub fn update(&mut self, elapsed: Duration, events: u64, bytes: u64, lost: u64) {
        if let Some(bar) = &self.0 {
            bar.set_message(format!(
                "{:.1}s  events {}  written {}  lost {}",
                elapsed.as_secs_f64(),
                events,
                human_bytes(bytes),
                lost
            ));
            bar.tick();
        }
    }

    pub fn finish(&mut self) {
        if let Some(bar) = self.0.take() {
            bar.finish_and_clear();
        }
    }
}
