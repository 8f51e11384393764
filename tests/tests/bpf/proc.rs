//! Source `proc` end to end: K processes with a known name, arguments and exit
//! codes, and one failing exec, counted by execsnoop and exitsnoop.

use std::os::unix::fs::PermissionsExt;

use super::common::*;

const K: u64 = 12;
const NAME: &str = "rtprobe-e2e";

#[test]
fn execsnoop_and_exitsnoop_list_exactly_the_spawned_processes() {
    if !bpf_or_skip("execsnoop_and_exitsnoop_list_exactly_the_spawned_processes") {
        return;
    }
    let dir = scratch("exec");
    let probe = dir.path().join(NAME);
    std::fs::write(&probe, "#!/bin/sh\nexit \"$1\"\n").unwrap();
    std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o755)).unwrap();
    let cap = dir.path().join("cap");
    // Process i exits with code i % 4 and gets the argument marker-i. One exec
    // of a missing file fails with ENOENT.
    let script = format!(
        "i=1; while [ $i -le {K} ]; do {} $((i % 4)) marker-$i; i=$((i + 1)); done; \
         /nonexistent/{NAME}-missing 2>/dev/null; exit 0",
        probe.display()
    );
    record(
        &[
            "-s",
            "proc",
            "-o",
            cap.to_str().unwrap(),
            "--",
            "/bin/sh",
            "-c",
            &script,
        ],
        0,
    );
    let c = cap.to_str().unwrap();
    let shell_pid = manifest(&cap)["command"]["pid"].as_u64().unwrap();

    let execs: Vec<_> = retrace_json(&["execsnoop", c])
        .into_iter()
        .filter(|r| str_of(r, "comm") == NAME)
        .collect();
    assert_eq!(
        execs.len() as u64,
        K,
        "execsnoop rows for {NAME}: {execs:?}"
    );
    let mut pids = std::collections::HashMap::new();
    for i in 1..=K {
        let want = format!("{} {} marker-{i}", probe.display(), i % 4);
        let row = execs
            .iter()
            .find(|r| str_of(r, "args") == want)
            .unwrap_or_else(|| panic!("execsnoop has no line with args {want:?}: {execs:?}"));
        assert_eq!(u64_of(row, "ppid"), shell_pid, "parent of {want}");
        assert_eq!(row["ret"].as_i64(), Some(0));
        pids.insert(u64_of(row, "pid"), i % 4);
    }

    // The failed exec shows only with -x, with ENOENT.
    let failed = |rows: Vec<serde_json::Value>| {
        rows.into_iter()
            .filter(|r| str_of(r, "filename").ends_with("-missing"))
            .collect::<Vec<_>>()
    };
    assert!(failed(retrace_json(&["execsnoop", c])).is_empty());
    let with_x = failed(retrace_json(&["execsnoop", c, "-x"]));
    assert_eq!(with_x.len(), 1, "execsnoop -x: {with_x:?}");
    assert_eq!(with_x[0]["ret"].as_i64(), Some(-2));

    // exitsnoop: each of those pids exited once, with its code.
    let exits: Vec<_> = retrace_json(&["exitsnoop", c])
        .into_iter()
        .filter(|r| str_of(r, "comm") == NAME)
        .collect();
    assert_eq!(
        exits.len() as u64,
        K,
        "exitsnoop rows for {NAME}: {exits:?}"
    );
    for row in &exits {
        let pid = u64_of(row, "pid");
        let want = pids
            .get(&pid)
            .unwrap_or_else(|| panic!("exit of unknown pid {pid}"));
        assert_eq!(
            row["exit_code"].as_u64(),
            Some(*want),
            "exit code of pid {pid}"
        );
    }
    // Independent check on the raw rows.
    let raw = sql_count(
        &cap,
        &format!("SELECT count(*) AS n FROM process_exit WHERE comm = '{NAME}' AND pid = tid"),
    );
    assert_eq!(raw, K);
}

/// A thread other than the leader that calls exec takes the leader's place (its
/// tid becomes the pid) before the call returns; the exec is still recorded.
#[test]
fn exec_from_a_non_leader_thread_is_recorded() {
    if !bpf_or_skip("exec_from_a_non_leader_thread_is_recorded")
        || !have_program("exec_from_a_non_leader_thread_is_recorded", "python3")
    {
        return;
    }
    let dir = scratch("thread-exec");
    let cap = dir.path().join("cap");
    let script = "import os, threading, time\n\
                  t = threading.Thread(target=lambda: os.execv('/bin/true', ['/bin/true', 'thread-exec-marker']))\n\
                  t.start()\n\
                  time.sleep(5)\n";
    record(
        &[
            "-s",
            "proc",
            "-o",
            cap.to_str().unwrap(),
            "--",
            "python3",
            "-c",
            script,
        ],
        0,
    );
    let shell_pid = manifest(&cap)["command"]["pid"].as_u64().unwrap();
    let rows = sql(
        &cap,
        "SELECT pid, tid, ret FROM process_exec \
         WHERE comm = 'true' AND join_args(args) LIKE '%thread-exec-marker%'",
    );
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(u64_of(&rows[0], "pid"), shell_pid);
    assert_eq!(
        u64_of(&rows[0], "tid"),
        shell_pid,
        "the thread took the leader's tid"
    );
    assert_eq!(rows[0]["ret"].as_i64(), Some(0));
}
