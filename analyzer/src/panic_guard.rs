//! Containing panics of code that reads hostile input: [`quietly`] runs a closure,
//! turns a panic into `None`, and tells the binary's panic hook (via [`is_quiet`])
//! not to print it, since the caller reports the input as damaged instead.

use std::cell::Cell;
use std::panic::{catch_unwind, UnwindSafe};

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

/// Whether the current thread is inside [`quietly`].
pub fn is_quiet() -> bool {
    QUIET.with(|q| q.get() > 0)
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
