//! Source `signal` end to end, driven by `tests/workloads/signals.c`: a sender
//! with a known pid and name signals a child with a known name in lockstep
//! (kill, tgkill, sigqueue, and signals the child ignores), and every generated
//! and delivered signal is counted exactly in the raw tables, by sigsnoop (and
//! its filters) and by killsnoop.

use std::collections::BTreeMap;

use serde_json::Value;

use super::common::*;

const SENDER: &str = "rtsig-sender";
const TARGET: &str = "rtsig-target";

const SIGUSR1: i64 = libc::SIGUSR1 as i64;
const SIGUSR2: i64 = libc::SIGUSR2 as i64;
const SIGWINCH: i64 = libc::SIGWINCH as i64;
const SIGURG: i64 = libc::SIGURG as i64;
const SIGCHLD: i64 = libc::SIGCHLD as i64;

// si_code values (include/uapi/asm-generic/siginfo.h): what the kernel stores
// for each way of sending, and for a child's exit notification.
const SI_USER: i64 = 0;
const SI_QUEUE: i64 = -1;
const SI_TKILL: i64 = -6;
const CLD_EXITED: i64 = 1;

// signal_generate's result: delivered (queued to the task) or ignored.
const RESULT_DELIVERED: i64 = 0;
const RESULT_IGNORED: i64 = 1;

/// How many of each the workload sends: kill(SIGUSR2), tgkill(SIGWINCH),
/// sigqueue(SIGUSR1), and kill(SIGURG) that the child ignores.
const KILLS: u64 = 37;
const TGKILLS: u64 = 11;
const QUEUED: u64 = 5;
const IGNORED: u64 = 3;

/// A signal number from a tool's row: the number itself, or its text (a number
/// or a name such as SIGUSR2) should a tool print names.
fn sig_of(row: &Value) -> i64 {
    let v = row.get("sig").unwrap_or_else(|| panic!("no sig in {row}"));
    if let Some(n) = v.as_i64() {
        return n;
    }
    let s = v.as_str().unwrap_or_else(|| panic!("sig {v} in {row}"));
    if let Ok(n) = s.parse() {
        return n;
    }
    match s.trim_start_matches("SIG") {
        "USR1" => SIGUSR1,
        "USR2" => SIGUSR2,
        "WINCH" => SIGWINCH,
        "URG" => SIGURG,
        "CHLD" => SIGCHLD,
        other => panic!("unexpected signal name {other:?} in {row}"),
    }
}

/// Rows per signal number.
type SigCounts = BTreeMap<i64, u64>;

/// Count a tool's rows by signal.
fn by_sig(rows: &[Value]) -> SigCounts {
    let mut m = SigCounts::new();
    for r in rows {
        *m.entry(sig_of(r)).or_insert(0) += 1;
    }
    m
}

#[test]
fn signals_sent_by_kill_tgkill_and_sigqueue_are_counted_exactly() {
    let test = "signals_sent_by_kill_tgkill_and_sigqueue_are_counted_exactly";
    if !bpf_or_skip(test) || !have_program(test, "cc") {
        return;
    }
    let dir = scratch("signal");
    let work = build_workload(dir.path(), "signals", &["-O1", "-Wall"]);
    let cap = dir.path().join("cap");
    let out = record(
        &[
            "-s",
            "signal",
            "-o",
            cap.to_str().unwrap(),
            "--",
            work.to_str().unwrap(),
            &KILLS.to_string(),
            &TGKILLS.to_string(),
            &QUEUED.to_string(),
            &IGNORED.to_string(),
        ],
        0,
    );
    assert_attached(&cap, "signal");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let sender: u64 = printed(&stdout, "sender").parse().unwrap();
    let target: u64 = printed(&stdout, "target").parse().unwrap();
    let handler = u64::from_str_radix(printed(&stdout, "handler").trim_start_matches("0x"), 16)
        .expect("handler address");
    assert_eq!(
        manifest(&cap)["command"]["pid"].as_u64(),
        Some(sender),
        "the launched command is the sender"
    );
    let c = cap.to_str().unwrap();

    // Raw rows of everything the sender generated. Besides what it sent to the
    // child, its own exit notifies its parent (the recorder) with SIGCHLD.
    let sent = sql(
        &cap,
        &format!(
            "SELECT ts_ns, pid, tid, comm, target_pid, target_tid, target_comm, sig, code, \
             CAST(\"group\" AS INT) AS grp, result FROM signal_generate \
             WHERE pid = {sender} ORDER BY ts_ns"
        ),
    );
    let want: [(i64, u64, i64, i64, i64); 4] = [
        // (sig, count, code, group, result)
        (SIGUSR2, KILLS, SI_USER, 1, RESULT_DELIVERED),
        (SIGWINCH, TGKILLS, SI_TKILL, 0, RESULT_DELIVERED),
        (SIGUSR1, QUEUED, SI_QUEUE, 1, RESULT_DELIVERED),
        (SIGURG, IGNORED, SI_USER, 1, RESULT_IGNORED),
    ];
    for (sig, n, code, group, result) in want {
        let rows: Vec<_> = sent.iter().filter(|r| i64_of(r, "sig") == sig).collect();
        assert_eq!(
            rows.len() as u64,
            n,
            "signal {sig} rows from the sender: {rows:?}"
        );
        for r in rows {
            assert_eq!(u64_of(r, "tid"), sender, "{r}");
            assert_eq!(str_of(r, "comm"), SENDER, "{r}");
            assert_eq!(u64_of(r, "target_pid"), target, "{r}");
            assert_eq!(u64_of(r, "target_tid"), target, "{r}");
            assert_eq!(str_of(r, "target_comm"), TARGET, "{r}");
            assert_eq!(i64_of(r, "code"), code, "si_code of signal {sig}: {r}");
            assert_eq!(i64_of(r, "grp"), group, "group of signal {sig}: {r}");
            assert_eq!(i64_of(r, "result"), result, "result of signal {sig}: {r}");
        }
    }
    let exit_notes: Vec<_> = sent
        .iter()
        .filter(|r| i64_of(r, "sig") == SIGCHLD)
        .collect();
    assert_eq!(
        exit_notes.len(),
        1,
        "the sender's own SIGCHLD: {exit_notes:?}"
    );
    assert_eq!(i64_of(exit_notes[0], "code"), CLD_EXITED);
    let sent_total = KILLS + TGKILLS + QUEUED + IGNORED + 1;
    assert_eq!(
        sent.len() as u64,
        sent_total,
        "every row from the sender: {sent:?}"
    );
    // The sender's SIGCHLD goes to the recorder, which may or may not ignore it:
    // the failed-only listing below is checked against this raw count.
    let sender_failed = sent
        .iter()
        .filter(|r| i64_of(r, "result") != RESULT_DELIVERED)
        .count() as u64;

    // The child's exit sends SIGCHLD to the sender, generated in the child.
    let from_child = sql(
        &cap,
        &format!("SELECT sig, code, target_pid, comm FROM signal_generate WHERE pid = {target}"),
    );
    assert_eq!(
        from_child.len(),
        1,
        "rows generated by the child: {from_child:?}"
    );
    assert_eq!(i64_of(&from_child[0], "sig"), SIGCHLD);
    assert_eq!(i64_of(&from_child[0], "code"), CLD_EXITED);
    assert_eq!(u64_of(&from_child[0], "target_pid"), sender);
    assert_eq!(str_of(&from_child[0], "comm"), TARGET);

    // Deliveries: every handled signal once (the lockstep keeps the kernel from
    // merging two pending instances), the ignored ones never.
    let got = sql(
        &cap,
        &format!(
            "SELECT ts_ns, pid, tid, comm, sig, code, sa_handler, sa_flags FROM signal_deliver \
             WHERE pid = {target} ORDER BY ts_ns"
        ),
    );
    let handled = [
        (SIGUSR2, KILLS, SI_USER),
        (SIGWINCH, TGKILLS, SI_TKILL),
        (SIGUSR1, QUEUED, SI_QUEUE),
    ];
    for (sig, n, code) in handled {
        let rows: Vec<_> = got.iter().filter(|r| i64_of(r, "sig") == sig).collect();
        assert_eq!(rows.len() as u64, n, "deliveries of signal {sig}: {rows:?}");
        for r in rows {
            assert_eq!(u64_of(r, "tid"), target, "{r}");
            assert_eq!(str_of(r, "comm"), TARGET, "{r}");
            assert_eq!(i64_of(r, "code"), code, "{r}");
            assert_eq!(u64_of(r, "sa_handler"), handler, "the child's handler: {r}");
            assert_ne!(
                u64_of(r, "sa_flags") & libc::SA_RESTART as u64,
                0,
                "the handler was installed with SA_RESTART: {r}"
            );
        }
    }
    assert_eq!(
        got.len() as u64,
        KILLS + TGKILLS + QUEUED,
        "every delivery to the child: {got:?}"
    );

    // Lockstep in time too: generation and delivery of the handled signals
    // alternate, each delivery naming the signal generated just before it.
    let mut events: Vec<(u64, char, i64)> = sent
        .iter()
        .filter(|r| i64_of(r, "result") == RESULT_DELIVERED && i64_of(r, "sig") != SIGCHLD)
        .map(|r| (u64_of(r, "ts_ns"), 'g', i64_of(r, "sig")))
        .chain(
            got.iter()
                .map(|r| (u64_of(r, "ts_ns"), 'd', i64_of(r, "sig"))),
        )
        .collect();
    events.sort();
    assert_eq!(events.len() as u64, 2 * (KILLS + TGKILLS + QUEUED));
    for pair in events.chunks(2) {
        assert_eq!(
            (pair[0].1, pair[1].1, pair[0].2),
            ('g', 'd', pair[1].2),
            "generation then delivery of one signal, in time order: {pair:?}"
        );
    }

    // sigsnoop -p SENDER lists exactly the raw rows, and its filters cut them.
    let s = sender.to_string();
    let snoop = retrace_json(&["sigsnoop", c, "-p", &s]);
    assert_eq!(snoop.len() as u64, sent_total, "sigsnoop -p {s}: {snoop:?}");
    for r in &snoop {
        assert_eq!(u64_of(r, "pid"), sender, "{r}");
        assert_eq!(str_of(r, "comm"), SENDER, "{r}");
    }
    let counts = by_sig(&snoop);
    let want_counts = [
        (SIGUSR2, KILLS),
        (SIGWINCH, TGKILLS),
        (SIGUSR1, QUEUED),
        (SIGURG, IGNORED),
        (SIGCHLD, 1),
    ];
    assert_eq!(counts, SigCounts::from(want_counts), "sigsnoop -p {s}");
    for r in snoop.iter().filter(|r| sig_of(r) != SIGCHLD) {
        assert_eq!(u64_of(r, "target_pid"), target, "{r}");
        let want = if sig_of(r) == SIGURG {
            RESULT_IGNORED
        } else {
            RESULT_DELIVERED
        };
        assert_eq!(i64_of(r, "result"), want, "{r}");
    }

    // -k: only kill(), tkill() and tgkill(): not sigqueue, not the kernel's SIGCHLD.
    let killed = by_sig(&retrace_json(&["sigsnoop", c, "-p", &s, "-k"]));
    let want_killed = [(SIGUSR2, KILLS), (SIGWINCH, TGKILLS), (SIGURG, IGNORED)];
    assert_eq!(killed, SigCounts::from(want_killed), "sigsnoop -k -p {s}");

    // -x: only signals that were not delivered (the ignored ones, and the exit
    // SIGCHLD if the recorder ignores it).
    let failed = retrace_json(&["sigsnoop", c, "-p", &s, "-x"]);
    assert_eq!(
        failed.len() as u64,
        sender_failed,
        "sigsnoop -x -p {s}: {failed:?}"
    );
    assert_eq!(
        failed.iter().filter(|r| sig_of(r) == SIGURG).count() as u64,
        IGNORED,
        "sigsnoop -x -p {s}: {failed:?}"
    );
    assert!(
        failed
            .iter()
            .all(|r| i64_of(r, "result") != RESULT_DELIVERED),
        "sigsnoop -x -p {s}: {failed:?}"
    );

    // -s SIG and -n NAME.
    let usr2 = retrace_json(&["sigsnoop", c, "-p", &s, "-s", &SIGUSR2.to_string()]);
    assert_eq!(usr2.len() as u64, KILLS, "sigsnoop -s {SIGUSR2}: {usr2:?}");
    assert!(usr2.iter().all(|r| sig_of(r) == SIGUSR2), "{usr2:?}");
    let named = by_sig(&retrace_json(&["sigsnoop", c, "-c", SENDER]));
    assert_eq!(named, counts, "sigsnoop -c {SENDER}");
    let child_named = retrace_json(&["sigsnoop", c, "-c", TARGET]);
    assert_eq!(
        child_named.len(),
        1,
        "sigsnoop -c {TARGET}: {child_named:?}"
    );
    assert_eq!(sig_of(&child_named[0]), SIGCHLD);
    assert_eq!(u64_of(&child_named[0], "target_pid"), sender);

    // The text layout names the sender on every line of -p.
    let text = retrace(&["sigsnoop", c, "-p", &s]);
    let lines: Vec<_> = text
        .lines()
        .filter(|l| l.split_whitespace().any(|w| w == SENDER))
        .collect();
    assert_eq!(lines.len() as u64, sent_total, "sigsnoop text:\n{text}");
    assert!(
        text.lines().next().is_some_and(|h| {
            let cols: Vec<_> = h.split_whitespace().collect();
            ["PID", "COMM", "SIG", "TPID", "RESULT"]
                .iter()
                .all(|c| cols.contains(c))
        }),
        "sigsnoop header:\n{text}"
    );

    // killsnoop: the signals sent by the kill family, as sigsnoop -k.
    let ks: Vec<_> = retrace_json(&["killsnoop", c])
        .into_iter()
        .filter(|r| u64_of(r, "pid") == sender)
        .collect();
    assert_eq!(by_sig(&ks), killed, "killsnoop rows of pid {s}: {ks:?}");
    for r in &ks {
        assert_eq!(str_of(r, "comm"), SENDER, "{r}");
        assert_eq!(u64_of(r, "target_pid"), target, "{r}");
    }
}
