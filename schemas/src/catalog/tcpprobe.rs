//! Source `tcpprobe` and its table: an established TCP socket's RTT, windows and
//! sequence numbers at each segment it receives, for tcprtt and tcpwin.

use crate::sources::tp_btf_probe;
use crate::sources::{Loader, SourceDef};
use crate::tables::{col, net_columns, origin::*, t, ColType::*, Table, MONO};

pub static SOURCE: SourceDef = SourceDef {
    name: "tcpprobe",
    about: "every segment an established TCP socket receives: smoothed RTT, congestion window, ssthresh, send and receive windows",
    rate: "one row per incoming TCP segment: 100k/s and more on a busy host; opt-in",
    default: false,
    object: Some("tcpprobe"),
    probes: &[tp_btf_probe!("tcp:tcp_probe", "tcp_probe", false)],
    needs: "tcp:tcp_probe (4.16+)",
    loader: Loader::Generic,
    records_stacks: false,
};

pub static TABLES: &[&Table] = &[&TCP_PROBE];

pub static TCP_PROBE: Table = Table {
    name: t("tcp_probe"),
    source: t("tcpprobe"),
    record: Some(t("rt_tcp_probe")),
    doc: t("One row per segment an established TCP socket received (tcp:tcp_probe, at \
            tcp_rcv_established: the fast path libbpf-tools' tcprtt probes), with the \
            socket's state as the sender sees it then. Mostly in softirq; not filtered \
            by --pid or --comm."),
    sort_key: t("ts_ns"),
    time_column: Some(t("ts_ns")),
    keep_in_ring: false,
    columns: net_columns!(
        col("ts_ns", U64, MONO, "When the segment was processed.", field("ts")),
        "for a segment processed in softirq (most), whatever task the interrupt found; the socket's owner for one processed when it released the socket.",
        [
            col("skaddr", U64, "address", "The socket's kernel address (tcp_state.skaddr).", field("skaddr")),
        ],
        [
            col("srtt_us", U32, "us", "Smoothed round-trip time (tcp_sock.srtt_us / 8).", field("srtt_us")),
            col("snd_cwnd", U32, "segments", "Congestion window.", field("snd_cwnd")),
            col("ssthresh", U32, "segments", "Slow-start threshold (2147483647: not yet set).", field("ssthresh")),
            col("snd_wnd", U32, "bytes", "The peer's receive window, as last advertised.", field("snd_wnd")),
            col("rcv_wnd", U32, "bytes", "Our receive window.", field("rcv_wnd")),
            col("snd_nxt", U32, "", "Next sequence number to send.", field("snd_nxt")),
            col("snd_una", U32, "", "First unacknowledged sequence number.", field("snd_una")),
            col("data_len", U32, "bytes", "Payload of the received segment (0 for a pure ACK).", field("data_len")),
        ]
    ),
};
