//! Source `tcp` and its tables: TCP sessions from their state changes, retransmits
//! and accepted connections, for tcplife, tcpstates, tcpconnect, tcpaccept,
//! tcpconnlat and tcpretrans.

use crate::sources::{tp_btf_probe, tracepoint_probe};
use crate::sources::{Loader, SourceDef};
use crate::tables::{col, net_columns, origin::*, t, ColType::*, Table, MONO};

pub static SOURCE: SourceDef = SourceDef {
    name: "tcp",
    about: "TCP state changes (with the socket's byte, retransmit and RTT counters), retransmits and accepted connections",
    rate: "about 10 rows per connection and one per retransmit: low on most hosts (a host opening 10k connections/s writes ~100k rows/s); default",
    default: true,
    object: Some("tcp"),
    probes: &[
        tp_btf_probe!("sock:inet_sock_set_state", "inet_sock_set_state", false),
        tp_btf_probe!("tcp:tcp_retransmit_skb", "tcp_retransmit_skb", true),
        tp_btf_probe!("tcp:tcp_retransmit_synack", "tcp_retransmit_synack", true),
        tracepoint_probe!("syscalls:sys_exit_accept", true),
        tracepoint_probe!("syscalls:sys_exit_accept4", true),
    ],
    needs: "sock:inet_sock_set_state (4.16+), tcp:tcp_retransmit_skb (4.15+), syscall tracepoints; BTF for the socket's counters",
    loader: Loader::Generic,
    records_stacks: false,
};

pub static TABLES: &[&Table] = &[&TCP_STATE, &TCP_RETRANSMIT, &TCP_ACCEPT];

pub static TCP_STATE: Table = Table {
    name: t("tcp_state"),
    source: t("tcp"),
    record: Some(t("rt_tcp_state")),
    doc: t("One row per TCP state change (sock:inet_sock_set_state), with the socket's \
            endpoints and its byte, retransmit and RTT counters at the change. A session is \
            a socket's rows from its first change out of CLOSE or LISTEN to its change into \
            CLOSE. --pid and --comm do not filter this table (a session's changes are made by its \
            task and by softirq alike): tools filter by a session's task."),
    sort_key: t("ts_ns"),
    time_column: Some(t("ts_ns")),
    keep_in_ring: false,
    columns: net_columns!(
        col("ts_ns", U64, MONO, "When the socket changed state.", field("ts")),
        "for a change made by a system call (connect: SYN_SENT; listen: LISTEN; close or shutdown: FIN_WAIT1, LAST_ACK) the socket's owner; for one made by an arriving packet (softirq: ESTABLISHED after a SYN-ACK, CLOSE_WAIT, CLOSE, ...) whatever task the interrupt found, as tcpstates shows it.",
        [
            col("skaddr", U64, "address", "The socket's kernel address: with ts_ns, what tells one connection from another (an address is reused after TCP_CLOSE).", field("skaddr")),
            col("oldstate", I32, "", "State before: 1 ESTABLISHED, 2 SYN_SENT, 3 SYN_RECV, 4 FIN_WAIT1, 5 FIN_WAIT2, 6 TIME_WAIT, 7 CLOSE, 8 CLOSE_WAIT, 9 LAST_ACK, 10 LISTEN, 11 CLOSING, 12 NEW_SYN_RECV (tcp_state_name() prints them).", field("oldstate")),
            col("newstate", I32, "", "State after (as oldstate).", field("newstate")),
            col("protocol", U32, "", "6 TCP; also 132 SCTP, 262 MPTCP, whose sockets share the tracepoint (their counters are 0).", field("protocol")),
        ],
        [
            col("bytes_acked", U64, "bytes", "Bytes sent and acknowledged by the peer so far (tcp_sock.bytes_acked): at TCP_CLOSE, the session's TX bytes.", field("bytes_acked")),
            col("bytes_received", U64, "bytes", "Bytes received so far (tcp_sock.bytes_received): at TCP_CLOSE, the session's RX bytes.", field("bytes_received")),
            col("total_retrans", U32, "", "Segments retransmitted so far (tcp_sock.total_retrans).", field("total_retrans")),
            col("srtt_us", U32, "us", "Smoothed round-trip time at the change (tcp_sock.srtt_us / 8); 0 before the first measurement.", field("srtt_us")),
        ]
    ),
};

pub static TCP_RETRANSMIT: Table = Table {
    name: t("tcp_retransmit"),
    source: t("tcp"),
    record: Some(t("rt_tcp_retransmit")),
    doc: t("One row per TCP segment sent again (tcp:tcp_retransmit_skb) or SYN-ACK sent again \
            (tcp:tcp_retransmit_synack): timer and fast retransmits alike; tail loss probes \
            are not retransmits here (the kernel has no tracepoint for them). Not filtered by \
            --pid or --comm."),
    sort_key: t("ts_ns"),
    time_column: Some(t("ts_ns")),
    keep_in_ring: false,
    columns: net_columns!(
        col("ts_ns", U64, MONO, "When the segment was sent again.", field("ts")),
        "for a segment sent again from a timer or on an arriving ACK (softirq, most of them) whatever task the interrupt found; the sending task for one sent by a system call.",
        [
            col("skaddr", U64, "address", "The socket's kernel address (for a SYN-ACK, the listener's).", field("skaddr")),
            col("state", I32, "", "The socket's TCP state (numbers as tcp_state.oldstate; 12 NEW_SYN_RECV for a SYN-ACK).", field("state")),
            col("synack", Bool, "", "True for a SYN-ACK sent again (tcp_retransmit_synack), false for a data or control segment (tcp_retransmit_skb).", field("synack")),
        ],
        []
    ),
};

pub static TCP_ACCEPT: Table = Table {
    name: t("tcp_accept"),
    source: t("tcp"),
    record: Some(t("rt_tcp_accept")),
    doc: t("One row per TCP connection accepted by a process: accept(2) or accept4(2) \
            returning a TCP socket (IPv4 or IPv6), with the accepting task."),
    sort_key: t("ts_ns"),
    time_column: Some(t("ts_ns")),
    keep_in_ring: false,
    columns: net_columns!(
        col("ts_ns", U64, MONO, "When accept(2) or accept4(2) returned.", field("ts")),
        "the task that accepted the connection.",
        [
            col("fd", I32, "", "The accepted connection's file descriptor.", field("fd")),
            col("skaddr", U64, "address", "The connection's socket (tcp_state.skaddr of its session).", field("skaddr")),
        ],
        []
    ),
};
