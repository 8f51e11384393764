//! Source `socket` and its table: the system calls that set IPv4 and IPv6 sockets
//! up (socket, bind, listen, connect), for soconnect, bindsnoop, solisten and
//! udpconnect.

use std::borrow::Cow;

use crate::sources::tracepoint_probe;
use crate::sources::{Loader, SourceDef};
use crate::tables::{col, opt, origin::*, t, ColType::*, Table, MONO};

pub static SOURCE: SourceDef = SourceDef {
    name: "socket",
    about: "socket, bind, listen and connect calls on IPv4 and IPv6 sockets: address, port, result and latency",
    rate: "one row per call: as many as connections opened (a busy client: 10k/s); opt-in",
    default: false,
    object: Some("socket"),
    probes: &[
        tracepoint_probe!("syscalls:sys_enter_socket", false),
        tracepoint_probe!("syscalls:sys_exit_socket", false),
        tracepoint_probe!("syscalls:sys_enter_bind", false),
        tracepoint_probe!("syscalls:sys_exit_bind", false),
        tracepoint_probe!("syscalls:sys_enter_listen", false),
        tracepoint_probe!("syscalls:sys_exit_listen", false),
        tracepoint_probe!("syscalls:sys_enter_connect", false),
        tracepoint_probe!("syscalls:sys_exit_connect", false),
    ],
    needs: "syscall tracepoints (CONFIG_FTRACE_SYSCALLS), task storage (5.11+)",
    loader: Loader::Generic,
    records_stacks: false,
};

pub static TABLES: &[&Table] = &[&SOCKET_CALL];

pub static SOCKET_CALL: Table = Table {
    name: t("socket_call"),
    source: t("socket"),
    record: Some(t("rt_socket_call")),
    doc: t("One row per socket(2), bind(2), listen(2) or connect(2) call on an IPv4 or IPv6 \
            socket (a failed socket() asking for one included), at its return: the address \
            a bind or connect named, the socket's own for listen and socket, the socket's \
            type and protocol, and the result."),
    sort_key: t("ts_ns"),
    time_column: Some(t("ts_ns")),
    keep_in_ring: false,
    columns: Cow::Borrowed(&[
        col("ts_ns", U64, MONO, "When the call returned.", field("ts")),
        col("ts_enter_ns", U64, MONO, "When it was entered.", field("ts_enter")),
        col("pid", U32, "", "Process (tgid) that made the call.", field("pid")),
        col("tid", U32, "", "Thread that made it.", field("tid")),
        col("comm", Str, "", "Command name of that thread.", cstr("comm")),
        col("call", Str, "", "socket, bind, listen or connect.", cstr("call")),
        col("fd", I32, "", "The socket's descriptor (for socket(), the one returned).", field("fd")),
        col("ret", I32, "", "Return value: 0 (a descriptor for socket()) or a negative errno (-115 EINPROGRESS: a non-blocking connect under way).", field("ret")),
        col("family", U32, "", "Address family of the address: 2 AF_INET, 10 AF_INET6 (0 AF_UNSPEC: a connect that dissolves an association).", field("family")),
        col("type", U32, "", "Socket type: 1 SOCK_STREAM, 2 SOCK_DGRAM, 3 SOCK_RAW, 5 SOCK_SEQPACKET (0 for a failed socket()).", field("type")),
        col("protocol", U32, "", "Socket protocol: 6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, 132 SCTP, 262 MPTCP.", field("protocol")),
        opt("addr", Str, "", "The address: the one bind or connect named, the socket's local one for listen and socket; null for other families.", inet_addr("family", "addr")),
        col("port", U32, "", "The port, as addr (host byte order; 0: any).", field("port")),
        col("backlog", I32, "", "listen()'s backlog (0 for the other calls).", field("backlog")),
    ]),
};
