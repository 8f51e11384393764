//! The command launched by `retrace-record -- COMMAND ARGS...`: started once the
//! probes are attached, watched by a thread, and its exit status passed on.

use std::process::{Child, Command};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

use anyhow::{Context, Result};

pub struct Launched {
    pub pid: u32,
    pub argv: Vec<String>,
    done: Arc<AtomicBool>,
    status: Arc<Mutex<Option<i32>>>,
}

/// Exit code as a shell reports it: the code, or 128 + the signal number.
fn shell_status(st: std::process::ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    st.code().unwrap_or_else(|| 128 + st.signal().unwrap_or(0))
}

impl Launched {
    pub fn spawn(argv: &[String]) -> Result<Self> {
        let mut child: Child = Command::new(&argv[0])
            .args(&argv[1..])
            .spawn()
            .with_context(|| format!("starting {:?}", argv[0]))?;
        let pid = child.id();
        let done = Arc::new(AtomicBool::new(false));
        let status = Arc::new(Mutex::new(None));
        let (d, s) = (done.clone(), status.clone());
        thread::Builder::new()
            .name("wait-child".into())
            .spawn(move || {
                let code = child.wait().map(shell_status).unwrap_or(1);
                *s.lock().unwrap() = Some(code);
                d.store(true, Ordering::SeqCst);
            })?;
        Ok(Launched {
            pid,
            argv: argv.to_vec(),
            done,
            status,
        })
    }

    pub fn exited(&self) -> bool {
        self.done.load(Ordering::SeqCst)
    }

    /// Exit status once it has exited.
    pub fn status(&self) -> Option<i32> {
        *self.status.lock().unwrap()
    }
}
