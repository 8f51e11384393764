//! `--workload disk`: a small, polite disk workload for trying retrace out — random
//! 4 KiB O_DIRECT reads and fdatasync'd writes on a 32 MiB scratch file, and one
//! short command per second (so execsnoop has something to show).

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

const FILE_BYTES: u64 = 32 << 20;
const BLOCK: usize = 4096;

pub struct Workload {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    path: PathBuf,
}

/// A 4 KiB-aligned buffer, as O_DIRECT requires.
struct Aligned(Box<[u8]>, usize);

impl Aligned {
    fn new() -> Self {
        let raw = vec![0xa5u8; BLOCK * 2].into_boxed_slice();
        let off = raw.as_ptr().align_offset(BLOCK);
        Aligned(raw, off)
    }
    fn buf(&mut self) -> &mut [u8] {
        &mut self.0[self.1..self.1 + BLOCK]
    }
}

fn prepare(path: &Path) -> std::io::Result<()> {
    let mut f = File::create(path)?;
    let chunk = vec![0x5au8; 1 << 20];
    for _ in 0..(FILE_BYTES >> 20) {
        f.write_all(&chunk)?;
    }
    f.sync_all()
}

fn run(path: PathBuf, stop: Arc<AtomicBool>) {
    let file = match OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_DIRECT)
        .open(&path)
    {
        Ok(f) => f,
        Err(e) => {
            eprintln!("retrace-record: workload: {}: {e}", path.display());
            return;
        }
    };
    let mut buf = Aligned::new();
    let mut x: u64 = 0x9e3779b97f4a7c15;
    let mut last_exec = Instant::now() - Duration::from_secs(1);
    while !stop.load(Ordering::Relaxed) {
        for i in 0..50 {
            // xorshift: a different block each time, no dependency on a rand crate.
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let off = (x % (FILE_BYTES / BLOCK as u64)) * BLOCK as u64;
            if i % 10 == 0 {
                let _ = file.write_at(buf.buf(), off);
                let _ = file.sync_data();
            } else {
                let _ = file.read_at(buf.buf(), off);
            }
        }
        if last_exec.elapsed() >= Duration::from_secs(1) {
            last_exec = Instant::now();
            let _ = std::process::Command::new("/bin/sh")
                .args(["-c", "exit 0"])
                .status();
        }
        thread::sleep(Duration::from_millis(20));
    }
}

impl Workload {
    /// Start the workload on a scratch file in `dir`.
    pub fn start(dir: &Path) -> std::io::Result<Self> {
        let path = dir.join(format!(".retrace-workload-{}", std::process::id()));
        prepare(&path)?;
        let stop = Arc::new(AtomicBool::new(false));
        let (p, s) = (path.clone(), stop.clone());
        let thread = thread::Builder::new()
            .name("workload".into())
            .spawn(move || run(p, s))?;
        Ok(Workload {
            stop,
            thread: Some(thread),
            path,
        })
    }
}

impl Drop for Workload {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        let _ = fs::remove_file(&self.path);
    }
}
