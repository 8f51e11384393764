//! The pairings of the views, over one thread's events in time order (see
//! [`super::events`]): each is the view's `WHERE` on `lag()`, so that a tool walking
//! these finds exactly the view's rows. Each pair is (the event that starts the
//! duration, the event that ends it).

use super::events::{Switches, ENQUEUE, IN, OUT, SWITCH_IN};
use super::threads::Ev;

/// runq_wait: a switch-in whose previous event is an enqueue (runq_threads' events).
pub fn runq_waits(seq: &[Ev]) -> impl Iterator<Item = (Ev, Ev)> + '_ {
    seq.windows(2)
        .filter(|w| w[1].kind() == SWITCH_IN && w[0].kind() == ENQUEUE)
        .map(|w| (w[0], w[1]))
}

/// oncpu_run: a switch-out whose previous event is a switch-in on the same CPU
/// (cpu_threads' events; `sw` must hold the cpu column).
pub fn oncpu_runs<'a>(seq: &'a [Ev], sw: &'a Switches) -> impl Iterator<Item = (Ev, Ev)> + 'a {
    seq.windows(2)
        .filter(|w| {
            w[1].kind() == OUT
                && w[0].kind() == IN
                && sw.cpu[w[1].row as usize] == sw.cpu[w[0].row as usize]
        })
        .map(|w| (w[0], w[1]))
}

/// offcpu_run: a switch-in whose previous event is a switch-out (cpu_threads' events).
pub fn offcpu_runs(seq: &[Ev]) -> impl Iterator<Item = (Ev, Ev)> + '_ {
    seq.windows(2)
        .filter(|w| w[1].kind() == IN && w[0].kind() == OUT)
        .map(|w| (w[0], w[1]))
}
