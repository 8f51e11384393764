//! Containing panics of code that reads hostile input: [`quietly`] runs a closure and
//! [`quietly_async`] a future (a query, whose readers run on other threads), turn a
//! panic into `None`, and tell the binary's panic hook (via [`is_quiet`]) not to print
//! it, since the caller reports the input as damaged instead.

use std::cell::Cell;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe, UnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};

use futures::FutureExt;

/// Futures running under [`quietly_async`], process-wide: their panics may happen on
/// any worker thread.
static QUIET_FUTURES: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static QUIET: Cell<u32> = const { Cell::new(0) };
}

/// Run `f`; a panic inside it becomes `None` and is not printed by the panic hook.
pub fn quietly<T>(f: impl FnOnce() -> T + UnwindSafe) -> Option<T> {
    QUIET.with(|q| q.set(q.get() + 1));
    let result = catch_unwind(f);
    QUIET.with(|q| q.set(q.get() - 1));
    result.ok()
}

/// Await `fut`; a panic while it runs (on any thread, as long as it reaches this
/// future) becomes `None`, and no panic is printed while it runs.
pub async fn quietly_async<T>(fut: impl Future<Output = T>) -> Option<T> {
    QUIET_FUTURES.fetch_add(1, Ordering::SeqCst);
    let result = AssertUnwindSafe(fut).catch_unwind().await;
    QUIET_FUTURES.fetch_sub(1, Ordering::SeqCst);
    result.ok()
}

/// Whether a panic now is contained: the current thread is inside [`quietly`], or a
/// [`quietly_async`] future is running.
pub fn is_quiet() -> bool {
    QUIET.with(|q| q.get() > 0) || QUIET_FUTURES.load(Ordering::SeqCst) > 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error() {
        let r = quietly(|| -> u32 {
            assert!(is_quiet());
            panic!("boom")
        });
        assert!(r.is_none());
        assert!(!is_quiet());
        assert_eq!(quietly(|| 7), Some(7));
    }
}
