//! Source `proc` and its tables: exec, fork, exit and a /proc snapshot.

use std::borrow::Cow;

use crate::sources::{Attach::*, Loader, Probe, SourceDef};
use crate::sources::tracepoint_probe;
use crate::tables::{origin::*, t, ColType::*, Table, col};

pub static SOURCE: SourceDef = SourceDef {
    name: "proc",
    about: "process exec (argv, return value), fork, exit, and a /proc snapshot",
    rate: "low rate; default",
    default: true,
    object: Some("proc"),
    probes: &[
        tracepoint_probe!("syscalls:sys_enter_execve", false),
        tracepoint_probe!("syscalls:sys_exit_execve", false),
        tracepoint_probe!("syscalls:sys_enter_execveat", false),
        tracepoint_probe!("syscalls:sys_exit_execveat", false),
        Probe { name: "sched:sched_process_fork", alternatives: &[TpBtf("sched_process_fork"), RawTp("sched_process_fork")], optional: false },
        Probe { name: "sched:sched_process_exit", alternatives: &[TpBtf("sched_process_exit"), RawTp("sched_process_exit")], optional: false },
        Probe { name: "/proc snapshot", alternatives: &[Userspace("/proc")], optional: false },
    ],
    needs: "syscall tracepoints (tracefs), sched tracepoints, bpf_loop (5.17+)",
    loader: Loader::Custom,
    records_stacks: false,
};

pub static TABLES: &[&Table] = &[&PROCESS_EXEC, &PROCESS_FORK, &PROCESS_EXIT, &PROCESS_SNAPSHOT];

pub static PROCESS_EXEC: Table = Table {
    name: t("process_exec"),
    source: t("proc"),
    record: Some(t("rt_exec")),
    doc: t("One row per execve/execveat call that returned (successfully or not), from the \
          syscalls:sys_enter_execve(at) and sys_exit_execve(at) tracepoints."),
    sort_key: t("ts_ns"),
    time_column: Some(t("ts_ns")),
    keep_in_ring: false,
    columns: Cow::Borrowed(&[
        col(
            "ts_ns",
            U64,
            "ns, CLOCK_MONOTONIC",
            "When the exec call returned.",
            field("ts_exit"),
        ),
        col(
            "ts_enter_ns",
            U64,
            "ns, CLOCK_MONOTONIC",
            "When the exec call was entered.",
            field("ts_enter"),
        ),
        col("pid", U32, "", "Process id (tgid).", field("pid")),
        col("tid", U32, "", "Thread id that called exec.", field("tid")),
        col(
            "ppid",
            U32,
            "",
            "Parent process id (tgid of the real parent).",
            field("ppid"),
        ),
        col("uid", U32, "", "Real user id.", field("uid")),
        col(
            "comm",
            Str,
            "",
            "Command name after the call (the new program's on success).",
            cstr("comm"),
        ),
        col(
            "filename",
            Str,
            "",
            "Path passed to exec, at most 255 bytes.",
            path("filename"),
        ),
        col(
            "args",
            StrList,
            "",
            "argv as passed to exec, at most 32 arguments and 4096 bytes in all.",
            argv("args", "args_count", "args_size"),
        ),
        col(
            "args_truncated",
            Bool,
            "",
            "True when argv was longer than the bounds above and was cut.",
            field("args_truncated"),
        ),
        col(
            "ret",
            I32,
            "",
            "Return value of the call: 0 on success, negative errno on failure.",
            field("ret"),
        ),
    ]),
};

pub static PROCESS_FORK: Table = Table {
    name: t("process_fork"),
    source: t("proc"),
    record: Some(t("rt_fork")),
    doc: t("One row per new task (process or thread), from the sched_process_fork tracepoint."),
    sort_key: t("ts_ns"),
    time_column: Some(t("ts_ns")),
    keep_in_ring: false,
    columns: Cow::Borrowed(&[
        col(
            "ts_ns",
            U64,
            "ns, CLOCK_MONOTONIC",
            "When the child was created.",
            field("ts"),
        ),
        col("parent_pid", U32, "", "Parent's process id (tgid).", field("parent_pid")),
        col("parent_tid", U32, "", "Parent's thread id.", field("parent_tid")),
        col(
            "child_pid",
            U32,
            "",
            "Child's process id (tgid); equal to parent_pid for a new thread.",
            field("child_pid"),
        ),
        col("child_tid", U32, "", "Child's thread id.", field("child_tid")),
        col(
            "comm",
            Str,
            "",
            "Command name of the parent (and the child, at fork).",
            cstr("comm"),
        ),
    ]),
};

pub static PROCESS_EXIT: Table = Table {
    name: t("process_exit"),
    source: t("proc"),
    record: Some(t("rt_exit")),
    doc: t("One row per task exit (process or thread), from the sched_process_exit tracepoint."),
    sort_key: t("ts_ns"),
    time_column: Some(t("ts_ns")),
    keep_in_ring: false,
    columns: Cow::Borrowed(&[
        col("ts_ns", U64, "ns, CLOCK_MONOTONIC", "When the task exited.", field("ts")),
        col(
            "start_ns",
            U64,
            "ns, CLOCK_MONOTONIC",
            "When the task started (task start_time); ts_ns - start_ns is its lifetime.",
            field("start_ns"),
        ),
        col("pid", U32, "", "Process id (tgid).", field("pid")),
        col(
            "tid",
            U32,
            "",
            "Thread id; equal to pid for the main thread.",
            field("tid"),
        ),
        col("ppid", U32, "", "Parent process id.", field("ppid")),
        col("comm", Str, "", "Command name.", cstr("comm")),
        col(
            "exit_code",
            I32,
            "",
            "Exit status passed to exit() (0-255); 0 when killed by a signal.",
            wait_code("exit_code"),
        ),
        col(
            "signal",
            I32,
            "",
            "Signal that killed the task, 0 when it exited normally.",
            wait_signal("exit_code"),
        ),
        col("core_dumped", Bool, "", "True when the task dumped core.", wait_core("exit_code")),
    ]),
};

pub static PROCESS_SNAPSHOT: Table = Table {
    name: t("process_snapshot"),
    source: t("proc"),
    record: None,
    doc: t("Every process in /proc when the recording started, so that any pid seen later \
          can be named. Read by the recorder in user space."),
    sort_key: t("pid"),
    time_column: Some(t("ts_ns")),
    keep_in_ring: true,
    columns: Cow::Borrowed(&[
        col(
            "ts_ns",
            U64,
            "ns, CLOCK_MONOTONIC",
            "When the snapshot was taken.",
            host("/proc/PID"),
        ),
        col("pid", U32, "", "Process id.", host("/proc/PID")),
        col("ppid", U32, "", "Parent process id.", host("/proc/PID")),
        col("uid", U32, "", "Real user id.", host("/proc/PID")),
        col("comm", Str, "", "Command name.", host("/proc/PID")),
        col(
            "cmdline",
            Str,
            "",
            "Command line, arguments separated by spaces (empty for kernel threads).",
            host("/proc/PID"),
        ),
        col(
            "start_ns",
            U64,
            "ns, CLOCK_MONOTONIC",
            "When the process started (from /proc/PID/stat starttime).",
            host("/proc/PID"),
        ),
        col("cgroup", Str, "", "cgroup v2 path of the process.", host("/proc/PID")),
    ]),
};
