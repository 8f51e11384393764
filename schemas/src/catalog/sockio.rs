//! Source `sockio` and its table: send and receive calls on IPv4 and IPv6 sockets,
//! with the bytes each moved, for tcptop, socksize and socketio.

use crate::sources::tp_btf_probe;
use crate::sources::{Loader, SourceDef};
use crate::tables::{col, net_columns, origin::*, t, ColType::*, Table, MONO};

pub static SOURCE: SourceDef = SourceDef {
    name: "sockio",
    about: "send and receive calls on IPv4 and IPv6 sockets (TCP, UDP, ...): endpoints and bytes moved",
    rate: "one row per socket send or receive call: up to several 100k/s on a busy server; opt-in",
    default: false,
    object: Some("sockio"),
    probes: &[
        tp_btf_probe!("sock:sock_send_length", "sock_send_length", false),
        tp_btf_probe!("sock:sock_recv_length", "sock_recv_length", false),
    ],
    needs: "sock:sock_send_length and sock_recv_length (6.0+)",
    loader: Loader::Generic,
    records_stacks: false,
};

pub static TABLES: &[&Table] = &[&SOCK_IO];

pub static SOCK_IO: Table = Table {
    name: t("sock_io"),
    source: t("sockio"),
    record: Some(t("rt_sock_io")),
    doc: t("One row per send or receive call on an IPv4 or IPv6 socket (sock:sock_send_length, \
            sock:sock_recv_length: the return of the protocol's sendmsg or recvmsg, in the \
            calling task), whatever system call made it (write, send, sendmsg, read, recv, \
            splice, ...), with the bytes it moved or its error."),
    sort_key: t("ts_ns"),
    time_column: Some(t("ts_ns")),
    keep_in_ring: false,
    columns: net_columns!(
        col("ts_ns", U64, MONO, "When the call returned.", field("ts")),
        "the task that made the call.",
        [
            col("skaddr", U64, "address", "The socket's kernel address (tcp_state.skaddr for a TCP socket).", field("skaddr")),
            col("recv", Bool, "", "True for a receive call (recvmsg), false for a send (sendmsg).", field("recv")),
            col("protocol", U32, "", "IP protocol: 6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, 262 MPTCP, ...", field("protocol")),
        ],
        [
            col("ret", I32, "bytes", "Bytes moved; a negative errno when the call failed (-11 EAGAIN), 0 at end of stream.", field("ret")),
            col("flags", U32, "", "The call's MSG_* flags (MSG_PEEK 2, MSG_DONTWAIT 0x40, ...).", field("flags")),
        ]
    ),
};
