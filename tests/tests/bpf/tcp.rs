//! Sources `tcp` and `sockio` end to end, driven by `tests/workloads/tcpwork.c`:
//! a client process makes a known number of connections on loopback (IPv4 and
//! IPv6) to a server process, sends and receives known byte counts on each,
//! holds it a known time and closes it. tcplife, tcpconnect, tcpaccept,
//! tcpconnlat, tcpstates, tcptop, socksize and socketio count exactly those sessions,
//! bytes and calls, and tcp_probe (tcprtt) every segment received.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::common::*;

const CONNECTIONS: usize = 6;
const SEND: u64 = 10_000;
const REPLY: u64 = 50_000;
const HOLD_MS: f64 = 200.0;
/// The workload writes in chunks of this many bytes (one send call each).
const CHUNK: u64 = 16_384;

struct Run {
    cap: std::path::PathBuf,
    server: u64,
    client: u64,
    port: u64,
    _dir: tempfile::TempDir,
}

fn run(test: &str, family: u32) -> Option<Run> {
    if !bpf_or_skip(test) || !have_program(test, "cc") {
        return None;
    }
    let dir = scratch("tcp");
    let work = build_workload(dir.path(), "tcpwork", &["-O1", "-Wall"]);
    let cap = dir.path().join("cap");
    let out = record(
        &[
            "-s",
            "tcp,sockio,tcpprobe,socket",
            "-o",
            cap.to_str().unwrap(),
            "--",
            work.to_str().unwrap(),
            &family.to_string(),
            &CONNECTIONS.to_string(),
            &SEND.to_string(),
            &REPLY.to_string(),
            &(HOLD_MS as u64).to_string(),
        ],
        0,
    );
    assert_attached(&cap, "tcp");
    assert_attached(&cap, "sockio");
    assert_attached(&cap, "tcpprobe");
    assert_attached(&cap, "socket");
    let stdout = String::from_utf8_lossy(&out.stdout);
    Some(Run {
        server: printed(&stdout, "server").parse().unwrap(),
        client: printed(&stdout, "client").parse().unwrap(),
        port: printed(&stdout, "port").parse().unwrap(),
        cap,
        _dir: dir,
    })
}

fn f64_of(row: &Value, key: &str) -> f64 {
    row.get(key)
        .and_then(Value::as_f64)
        .unwrap_or_else(|| panic!("no number {key:?} in {row}"))
}

fn tool(r: &Run, args: &[&str]) -> Vec<Value> {
    let mut a = vec![args[0], r.cap.to_str().unwrap()];
    a.extend(&args[1..]);
    retrace_json(&a)
}

/// Every check of one family's run.
fn check(r: &Run, loopback: &str) {
    let (server, client, port) = (r.server.to_string(), r.client.to_string(), r.port);

    // tcplife: one session per connection on each side, with the kernel's byte
    // counts (a SYN and a FIN take one sequence number each) and the hold time.
    let clients = tool(r, &["tcplife", "-p", &client]);
    assert_eq!(clients.len(), CONNECTIONS, "client sessions: {clients:?}");
    let mut client_ports = BTreeSet::new();
    for s in &clients {
        assert_eq!(str_of(s, "comm"), "rttcp-client", "{s}");
        assert_eq!(str_of(s, "saddr"), loopback, "{s}");
        assert_eq!(str_of(s, "daddr"), loopback, "{s}");
        assert_eq!(u64_of(s, "dport"), port, "{s}");
        assert_ne!(u64_of(s, "sport"), 0, "{s}");
        assert_eq!(u64_of(s, "tx_bytes"), SEND + 2, "SYN + data + FIN: {s}");
        assert_eq!(u64_of(s, "rx_bytes"), REPLY + 1, "data + the peer's FIN: {s}");
        let ms = f64_of(s, "ms");
        assert!(
            (HOLD_MS..=HOLD_MS * 1.1).contains(&ms),
            "a session lasts the hold time (within 10%): {s}"
        );
        client_ports.insert(u64_of(s, "sport"));
    }
    assert_eq!(client_ports.len(), CONNECTIONS, "distinct client ports");
    let servers = tool(r, &["tcplife", "-p", &server, "-L", &port.to_string()]);
    assert_eq!(servers.len(), CONNECTIONS, "server sessions: {servers:?}");
    for s in &servers {
        assert_eq!(str_of(s, "comm"), "rttcp-server", "the acceptor: {s}");
        assert_eq!(u64_of(s, "sport"), port, "{s}");
        assert!(client_ports.contains(&u64_of(s, "dport")), "{s}");
        assert_eq!(u64_of(s, "tx_bytes"), REPLY + 1, "data + FIN: {s}");
        assert_eq!(u64_of(s, "rx_bytes"), SEND + 1, "data + the peer's FIN: {s}");
    }

    // tcpconnect and tcpaccept: each connection once, by the right process.
    let connects = tool(r, &["tcpconnect", "-p", &client, "-L"]);
    assert_eq!(connects.len(), CONNECTIONS, "connects: {connects:?}");
    let connect_ports: BTreeSet<u64> = connects.iter().map(|c| u64_of(c, "sport")).collect();
    assert_eq!(connect_ports, client_ports, "-L: the local ports of the sessions");
    for c in &connects {
        assert_eq!(u64_of(c, "dport"), port, "{c}");
        assert_eq!(str_of(c, "daddr"), loopback, "{c}");
    }
    let counted = tool(r, &["tcpconnect", "-p", &client, "-c"]);
    assert_eq!(counted.len(), 1, "one address pair and port: {counted:?}");
    assert_eq!(u64_of(&counted[0], "connects"), CONNECTIONS as u64);
    let accepts = tool(r, &["tcpaccept", "-P", &port.to_string()]);
    assert_eq!(accepts.len(), CONNECTIONS, "accepts: {accepts:?}");
    let accepted: BTreeSet<u64> = accepts.iter().map(|a| u64_of(a, "dport")).collect();
    assert_eq!(accepted, client_ports, "accepted the client's ports");
    for a in &accepts {
        assert_eq!(u64_of(a, "pid"), r.server, "{a}");
        assert_eq!(str_of(a, "daddr"), loopback, "{a}");
    }

    // tcpconnlat: every connect was established, faster than the hold.
    let lat = tool(r, &["tcpconnlat", "-p", &client]);
    assert_eq!(lat.len(), CONNECTIONS, "connect latencies: {lat:?}");
    for l in &lat {
        let ms = f64_of(l, "lat_ms");
        assert!(ms > 0.0 && ms < HOLD_MS, "{l}");
    }

    // tcpstates: each connection's full sequence of changes on both ends, and
    // the listener's.
    let states = tool(r, &["tcpstates"]);
    let mut sessions: BTreeMap<String, Vec<Vec<(String, String)>>> = BTreeMap::new();
    let mut ours: BTreeSet<(String, usize)> = BTreeSet::new();
    for s in &states {
        let sk = str_of(s, "skaddr").to_string();
        let list = sessions.entry(sk.clone()).or_default();
        if list.last().is_none_or(|l| l.last().is_some_and(|(_, n)| n == "CLOSE")) {
            list.push(Vec::new());
        }
        let n = list.len() - 1;
        list[n].push((str_of(s, "oldstate").into(), str_of(s, "newstate").into()));
        if u64_of(s, "sport") == port || u64_of(s, "dport") == port {
            ours.insert((sk, n));
        }
    }
    let seq = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    };
    let active = seq(&[
        ("CLOSE", "SYN_SENT"),
        ("SYN_SENT", "ESTABLISHED"),
        ("ESTABLISHED", "FIN_WAIT1"),
        ("FIN_WAIT1", "FIN_WAIT2"),
        ("FIN_WAIT2", "CLOSE"),
    ]);
    let passive = seq(&[
        ("LISTEN", "SYN_RECV"),
        ("SYN_RECV", "ESTABLISHED"),
        ("ESTABLISHED", "CLOSE_WAIT"),
        ("CLOSE_WAIT", "LAST_ACK"),
        ("LAST_ACK", "CLOSE"),
    ]);
    let listener = seq(&[("CLOSE", "LISTEN"), ("LISTEN", "CLOSE")]);
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (sk, n) in &ours {
        let got = &sessions[sk][*n];
        let kind = if *got == active {
            "active"
        } else if *got == passive {
            "passive"
        } else if *got == listener {
            "listener"
        } else {
            panic!("unexpected changes of socket {sk}: {got:?}")
        };
        *seen.entry(kind).or_default() += 1;
    }
    let want: BTreeMap<&str, usize> =
        [("active", CONNECTIONS), ("passive", CONNECTIONS), ("listener", 1)].into();
    assert_eq!(seen, want, "sessions by their sequence of changes");

    // tcptop: the data bytes each side's send and receive calls moved.
    let top = tool(r, &["tcptop"]);
    let flows = |pid: u64| -> Vec<&Value> { top.iter().filter(|t| u64_of(t, "pid") == pid).collect() };
    for (pid, tx, rx) in [(r.client, SEND, REPLY), (r.server, REPLY, SEND)] {
        let f = flows(pid);
        assert_eq!(f.len(), CONNECTIONS, "flows of {pid}: {f:?}");
        for t in f {
            assert_eq!(u64_of(t, "tx_bytes"), tx, "{t}");
            assert_eq!(u64_of(t, "rx_bytes"), rx, "{t}");
        }
    }

    // socksize: the server's replies went out in CHUNK-byte writes and a rest.
    let sizes = tool(r, &["socksize", "-p", &server]);
    let sends: BTreeMap<i64, u64> = sizes
        .iter()
        .filter(|s| str_of(s, "dir") == "send")
        .map(|s| (i64_of(s, "bucket"), u64_of(s, "count")))
        .collect();
    let slot = |v: u64| 63 - i64::from(v.leading_zeros());
    let full = REPLY / CHUNK;
    let rest = REPLY % CHUNK;
    let want: BTreeMap<i64, u64> = [
        (slot(CHUNK), full * CONNECTIONS as u64),
        (slot(rest), CONNECTIONS as u64),
    ]
    .into();
    assert_eq!(sends, want, "the server's send sizes by log2 slot");

    // socketio: the server's sends on its one local port, counted.
    let io = tool(r, &["socketio", "-p", &server]);
    let send: Vec<&Value> = io.iter().filter(|s| str_of(s, "dir") == "send").collect();
    assert_eq!(send.len(), 1, "{io:?}");
    assert_eq!(u64_of(send[0], "sport"), port);
    assert_eq!(u64_of(send[0], "calls"), (full + 1) * CONNECTIONS as u64);
    assert_eq!(u64_of(send[0], "bytes"), REPLY * CONNECTIONS as u64);
    assert_eq!(u64_of(send[0], "errors"), 0);

    // tcp_probe: every segment an established socket received, whose payloads add
    // up to what the peer sent; tcprtt counts each once.
    for (side, bytes) in [("dport", REPLY), ("sport", SEND)] {
        let n = sql_count(
            &r.cap,
            &format!(
                "SELECT CAST(sum(data_len) AS BIGINT) AS n FROM tcp_probe WHERE {side} = {port}"
            ),
        );
        assert_eq!(n, bytes * CONNECTIONS as u64, "payload received, {side} = {port}");
    }
    let segments = sql_count(
        &r.cap,
        &format!("SELECT count(*) AS n FROM tcp_probe WHERE dport = {port} AND srtt_us > 0"),
    );
    let hist = tool(r, &["tcprtt", "-P", &port.to_string()]);
    let counted: u64 = hist.iter().map(|h| u64_of(h, "count")).sum();
    assert!(segments > 0);
    assert_eq!(
        counted,
        sql_count(&r.cap, &format!("SELECT count(*) AS n FROM tcp_probe WHERE dport = {port}")),
        "tcprtt counts every segment"
    );
    assert_eq!(counted, segments, "an RTT was measured before any data came back");

    // The socket calls: the listener's socket, bind (port 0: any) and listen made
    // before the fork (by the client's pid), then a socket and a blocking
    // connect per connection.
    let connects = tool(r, &["soconnect", "-p", &client]);
    assert_eq!(connects.len(), CONNECTIONS, "{connects:?}");
    for c in &connects {
        assert_eq!(u64_of(c, "port"), port, "{c}");
        assert_eq!(str_of(c, "addr"), loopback, "{c}");
        assert_eq!(str_of(c, "result"), "Success", "{c}");
    }
    let binds = tool(r, &["bindsnoop", "-p", &client]);
    assert_eq!(binds.len(), 1, "{binds:?}");
    assert_eq!((u64_of(&binds[0], "port"), str_of(&binds[0], "addr")), (0, loopback));
    assert_eq!(str_of(&binds[0], "proto"), "TCP");
    let listens = tool(r, &["solisten", "-p", &client]);
    assert_eq!(listens.len(), 1, "{listens:?}");
    assert_eq!(u64_of(&listens[0], "backlog"), CONNECTIONS as u64 + 1);
    assert_eq!(u64_of(&listens[0], "port"), port);
    assert_eq!(str_of(&listens[0], "addr"), loopback);
    let sockets = sql_count(
        &r.cap,
        &format!("SELECT count(*) AS n FROM socket_call WHERE pid = {client} AND call = 'socket' AND ret >= 0"),
    );
    assert_eq!(sockets, CONNECTIONS as u64 + 1, "the listener's and one per connection");
}

#[test]
fn tcp_sessions_on_ipv4_loopback_are_counted_exactly() {
    if let Some(r) = run("tcp_sessions_on_ipv4_loopback_are_counted_exactly", 4) {
        check(&r, "127.0.0.1");
    }
}

#[test]
fn tcp_sessions_on_ipv6_loopback_are_counted_exactly() {
    if let Some(r) = run("tcp_sessions_on_ipv6_loopback_are_counted_exactly", 6) {
        check(&r, "::1");
    }
}

/// A network namespace made for one test (its loopback up, at Ethernet's MTU so
/// that a transfer takes many packets), deleted when dropped.
struct Netns(String);

impl Netns {
    fn new(name: &str, nft_rules: Option<&str>) -> Netns {
        let ns = Netns(format!("{name}-{}", std::process::id()));
        let ip = |args: &[&str]| {
            let st = std::process::Command::new("ip").args(args).status().expect("ip");
            assert!(st.success(), "ip {args:?}");
        };
        ip(&["netns", "add", &ns.0]);
        ip(&["-n", &ns.0, "link", "set", "lo", "up", "mtu", "1500"]);
        if let Some(rules) = nft_rules {
            let mut nft = std::process::Command::new("ip")
                .args(["netns", "exec", &ns.0, "nft", "-f", "-"])
                .stdin(std::process::Stdio::piped())
                .spawn()
                .expect("nft");
            use std::io::Write;
            nft.stdin.take().unwrap().write_all(rules.as_bytes()).unwrap();
            assert!(nft.wait().unwrap().success(), "nft rules:\n{rules}");
        }
        ns
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = std::process::Command::new("ip").args(["netns", "del", &self.0]).status();
    }
}

/// Drops a tenth of the data segments arriving in the namespace (after the
/// sender counted them sent: they are lost, and sent again).
const LOSSY: &str = "table inet retrace {
  chain in {
    type filter hook input priority 0; policy accept;
    tcp flags & (syn | fin | rst) == 0 numgen random mod 100 < 10 drop
  }
}
";

#[test]
fn tcp_retransmits_are_seen_on_the_lossy_flows_only() {
    let test = "tcp_retransmits_are_seen_on_the_lossy_flows_only";
    if !bpf_or_skip(test)
        || !have_program(test, "cc")
        || !have_program(test, "ip")
        || !have_program(test, "nft")
    {
        return;
    }
    let dir = scratch("tcpretrans");
    let work = build_workload(dir.path(), "tcpwork", &["-O1", "-Wall"]);
    let lossy = Netns::new("rt-lossy", Some(LOSSY));
    let clean = Netns::new("rt-clean", None);
    let out = |name: &str| dir.path().join(name);
    let script = format!(
        "ip netns exec {l} {w} 4 4 200000 200000 10 > {a} & \
         ip netns exec {c} {w} 4 4 200000 200000 10 > {b}; wait",
        l = lossy.0,
        c = clean.0,
        w = work.display(),
        a = out("lossy.txt").display(),
        b = out("clean.txt").display(),
    );
    let cap = out("cap");
    record(&["-s", "tcp", "-o", cap.to_str().unwrap(), "--", "sh", "-c", &script], 0);
    assert_attached(&cap, "tcp");
    let port = |f: &str| -> u64 {
        let text = std::fs::read_to_string(out(f)).unwrap();
        assert!(text.contains("done"), "{f}: {text}");
        printed(&text, "port").parse().unwrap()
    };
    let (lossy_port, clean_port) = (port("lossy.txt"), port("clean.txt"));
    let c = cap.to_str().unwrap();

    let rows = retrace_json(&["tcpretrans", c]);
    assert!(!rows.is_empty(), "a tenth of the data was dropped: retransmits");
    let on = |r: &Value, p: u64| {
        let ends = [str_of(r, "local"), str_of(r, "remote")];
        ends.iter().any(|e| e.ends_with(&format!(":{p}")))
    };
    assert!(rows.iter().all(|r| on(r, lossy_port) && str_of(r, "t") == "R"), "{rows:?}");
    assert!(!rows.iter().any(|r| on(r, clean_port)), "{rows:?}");

    // Every session whose counters say it retransmitted has rows, and only such.
    let sockets = sql(
        &cap,
        "SELECT s.skaddr, s.ts_ns, s.total_retrans, count(r.ts_ns) AS n FROM tcp_session s \
         LEFT JOIN tcp_retransmit r \
           ON r.skaddr = s.skaddr AND r.ts_ns >= s.open_ns AND r.ts_ns <= s.ts_ns \
         GROUP BY s.skaddr, s.ts_ns, s.total_retrans",
    );
    assert!(sockets.iter().any(|s| u64_of(s, "total_retrans") > 0), "{sockets:?}");
    for s in &sockets {
        assert_eq!(
            u64_of(s, "total_retrans") > 0,
            u64_of(s, "n") > 0,
            "retransmit rows of a socket agree with its counter: {s}"
        );
    }
}

#[test]
fn udp_connects_are_listed_by_udpconnect() {
    let test = "udp_connects_are_listed_by_udpconnect";
    if !bpf_or_skip(test) || !have_program(test, "python3") {
        return;
    }
    const N: usize = 7;
    let dir = scratch("udpconnect");
    let cap = dir.path().join("cap");
    // A UDP connect only fixes the destination: no server is needed.
    let script = format!(
        "import os, socket\nprint('pid', os.getpid(), flush=True)\n\
         for _ in range({N}):\n\
         \x20   for fam, addr in ((socket.AF_INET, '127.0.0.1'), (socket.AF_INET6, '::1')):\n\
         \x20       s = socket.socket(fam, socket.SOCK_DGRAM)\n\
         \x20       s.connect((addr, 53))\n\
         \x20       s.close()\n"
    );
    let out = record(
        &["-s", "socket", "-o", cap.to_str().unwrap(), "--", "python3", "-c", &script],
        0,
    );
    assert_attached(&cap, "socket");
    let pid = printed(&String::from_utf8_lossy(&out.stdout), "pid").to_string();
    let rows = retrace_json(&["udpconnect", cap.to_str().unwrap(), "-p", &pid]);
    assert_eq!(rows.len(), 2 * N, "{rows:?}");
    for (i, r) in rows.iter().enumerate() {
        let want = if i % 2 == 0 { "127.0.0.1" } else { "::1" };
        assert_eq!(str_of(r, "raddr"), want, "{r}");
        assert_eq!(u64_of(r, "rport"), 53, "{r}");
        assert_eq!(i64_of(r, "ret"), 0, "{r}");
    }
    // socket() calls too: one per connect, of UDP sockets.
    let n = sql_count(
        &cap,
        &format!("SELECT count(*) AS n FROM socket_call WHERE pid = {pid} AND call = 'socket' AND protocol = 17"),
    );
    assert_eq!(n, 2 * N as u64);
}
