//! The network chapter's tools over `fixtures/net` (tcplife, tcpstates,
//! tcpconnect, tcpaccept, tcpconnlat, tcpretrans, tcptop, socksize), each
//! checked against values computed here from the raw tcp_state, tcp_accept,
//! tcp_retransmit and sock_io rows, and text snapshots.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::support::*;

type Row = BTreeMap<String, String>;

fn net() -> PathBuf {
    fixture().join("../net")
}

fn fx() -> String {
    net().to_string_lossy().into_owned()
}

/// Every row of a table, each column as text, in time order.
fn rows(table: &str) -> Vec<Row> {
    let mut out = text_rows(&net(), table);
    let key = |r: &Row, k: &str| r.get(k).map_or(0, |v| v.parse::<u64>().unwrap());
    out.sort_by_key(|r| (key(r, "ts_ns"), key(r, "skaddr")));
    out
}

fn int(r: &Row, k: &str) -> i64 {
    r[k].parse().unwrap_or_else(|_| panic!("{k} of {r:?}"))
}

const CLOSE: i64 = 7;
const SYN_SENT: i64 = 2;
const ESTABLISHED: i64 = 1;
const LISTEN: i64 = 10;
const SYN_RECV: i64 = 3;

/// A session as computed here: the changes of one socket from one that opens it
/// (out of CLOSE, or a listener's child out of LISTEN) to its CLOSE.
struct Session<'a> {
    changes: Vec<&'a Row>,
}

fn sessions(state: &[Row]) -> Vec<Session<'_>> {
    let mut open: BTreeMap<String, Session> = BTreeMap::new();
    let mut done = Vec::new();
    for r in state {
        let (old, new) = (int(r, "oldstate"), int(r, "newstate"));
        let opens = old == CLOSE || (old == LISTEN && new == SYN_RECV);
        let sk = r["skaddr"].clone();
        if opens {
            open.insert(sk.clone(), Session { changes: Vec::new() });
        }
        let Some(s) = open.get_mut(&sk) else { continue };
        s.changes.push(r);
        if new == CLOSE {
            let s = open.remove(&sk).unwrap();
            if !s.changes.iter().any(|c| int(c, "newstate") == LISTEN) {
                done.push(s);
            }
        }
    }
    done.sort_by_key(|s| int(s.changes.last().unwrap(), "ts_ns"));
    done
}

#[test]
fn tcplife_lists_each_closed_session_with_its_counters() {
    let state = rows("tcp_state");
    let accepts = rows("tcp_accept");
    let want = sessions(&state);
    // 12 + 4 client sessions, a refused connect and 8 accepted ones; not the
    // session that began before the recording, nor the one still open, nor the
    // listener.
    assert_eq!(want.len(), 25);
    let got = json_rows(&["tcplife", &fx()]);
    assert_eq!(got.len(), want.len(), "{got:?}");
    for (g, s) in got.iter().zip(&want) {
        let close = s.changes.last().unwrap();
        assert_eq!(num(g, "ts_ns"), int(close, "ts_ns"));
        assert_eq!(num(g, "tx_bytes"), int(close, "bytes_acked"));
        assert_eq!(num(g, "rx_bytes"), int(close, "bytes_received"));
        assert_eq!(text(g, "daddr"), close["daddr"]);
        assert_eq!(num(g, "dport"), int(close, "dport"));
        let est = s
            .changes
            .iter()
            .rev()
            .find(|c| [ESTABLISHED, SYN_SENT, SYN_RECV].contains(&int(c, "newstate")))
            .unwrap();
        let ms = (int(close, "ts_ns") - int(est, "ts_ns")) as f64 / 1e6;
        assert!((g["ms"].as_f64().unwrap() - ms).abs() < 1e-9, "{g:?}");
        // The task: the accept of the socket, else its connect.
        let first = s.changes[0];
        let task = accepts
            .iter()
            .find(|a| {
                a["skaddr"] == first["skaddr"]
                    && int(a, "ts_ns") >= int(first, "ts_ns")
                    && int(a, "ts_ns") <= int(close, "ts_ns")
            })
            .unwrap_or(first);
        assert_eq!(num(g, "pid"), int(task, "pid"), "{g:?}");
        assert_eq!(text(g, "comm"), task["comm"]);
    }
    // The socket address curl's first session had is reused by nginx's last.
    let first_sk = &want[0].changes[0]["skaddr"];
    assert_eq!(want.iter().filter(|s| &s.changes[0]["skaddr"] == first_sk).count(), 2);

    let v6 = json_rows(&["tcplife", &fx(), "-6"]);
    assert_eq!(v6.len(), 4);
    assert!(v6.iter().all(|r| text(r, "saddr") == "2001:db8::5"));
    let https = json_rows(&["tcplife", &fx(), "-D", "443, 9"]);
    assert_eq!(https.len(), 13, "12 sessions to 443 and the refused one to 9");
    let nginx = json_rows(&["tcplife", &fx(), "-p", "5200", "-L", "8080"]);
    assert_eq!(nginx.len(), 8);
}

#[test]
fn tcpstates_times_each_state_from_the_sockets_previous_change() {
    let state = rows("tcp_state");
    let got = json_rows(&["tcpstates", &fx()]);
    assert_eq!(got.len(), state.len());
    let mut prev: BTreeMap<String, &Row> = BTreeMap::new();
    for (g, r) in got.iter().zip(&state) {
        let ms = match prev.get(&r["skaddr"]) {
            Some(p) if int(p, "newstate") != CLOSE => {
                (int(r, "ts_ns") - int(p, "ts_ns")) as f64 / 1e6
            }
            _ => 0.0,
        };
        assert!((g["ms"].as_f64().unwrap() - ms).abs() < 1e-9, "{g:?} {r:?}");
        assert_eq!(
            text(g, "skaddr"),
            format!("{:x}", r["skaddr"].parse::<u64>().unwrap())
        );
        prev.insert(r["skaddr"].clone(), r);
    }
    let port22 = json_rows(&["tcpstates", &fx(), "-D", "22"]);
    assert_eq!(port22.len(), 3, "the session that began before the recording");
}

#[test]
fn tcpconnect_and_tcpconnlat_count_the_active_opens() {
    let state = rows("tcp_state");
    let connects: Vec<&Row> = state
        .iter()
        .filter(|r| int(r, "oldstate") == CLOSE && int(r, "newstate") == SYN_SENT)
        .collect();
    assert_eq!(connects.len(), 18);
    let got = json_rows(&["tcpconnect", &fx(), "-L"]);
    assert_eq!(got.len(), connects.len());
    for (g, c) in got.iter().zip(&connects) {
        assert_eq!(num(g, "pid"), int(c, "pid"));
        assert_eq!(num(g, "dport"), int(c, "dport"));
        // The local port, bound after the connect's change, from the next one.
        let next = state
            .iter()
            .find(|r| r["skaddr"] == c["skaddr"] && int(r, "ts_ns") > int(c, "ts_ns"))
            .unwrap();
        assert_eq!(num(g, "sport"), int(next, "sport"));
    }
    let counted = json_rows(&["tcpconnect", &fx(), "-c"]);
    let mut want: BTreeMap<(i64, String, i64), i64> = BTreeMap::new();
    for c in &connects {
        *want.entry((int(c, "pid"), c["daddr"].clone(), int(c, "dport"))).or_default() += 1;
    }
    let got: BTreeMap<(i64, String, i64), i64> = counted
        .iter()
        .map(|r| ((num(r, "pid"), text(r, "daddr"), num(r, "dport")), num(r, "connects")))
        .collect();
    assert_eq!(got, want);
    assert_eq!(json_rows(&["tcpconnect", &fx(), "-P", "80"]).len(), 4);

    // Latency: from each connect to its SYN_SENT -> ESTABLISHED change.
    let mut lats = Vec::new();
    for c in &connects {
        let next = state
            .iter()
            .find(|r| r["skaddr"] == c["skaddr"] && int(r, "ts_ns") > int(c, "ts_ns"))
            .unwrap();
        if int(next, "newstate") == ESTABLISHED {
            lats.push((int(next, "ts_ns") - int(c, "ts_ns")) as f64 / 1e6);
        }
    }
    assert_eq!(lats.len(), 17, "every connect but the refused one");
    let got = json_rows(&["tcpconnlat", &fx()]);
    let got: Vec<f64> = got.iter().map(|r| r["lat_ms"].as_f64().unwrap()).collect();
    assert_eq!(got.len(), lats.len());
    for (g, w) in got.iter().zip(&lats) {
        assert!((g - w).abs() < 1e-9);
    }
    let slow = json_rows(&["tcpconnlat", &fx(), "1"]);
    assert_eq!(slow.len(), lats.iter().filter(|l| **l >= 1.0).count());
}

#[test]
fn tcpaccept_and_tcpretrans_list_their_rows() {
    let accepts = rows("tcp_accept");
    let got = json_rows(&["tcpaccept", &fx(), "-P", "8080"]);
    assert_eq!(got.len(), accepts.len());
    for (g, a) in got.iter().zip(&accepts) {
        assert_eq!(num(g, "pid"), int(a, "pid"));
        assert_eq!(num(g, "dport"), int(a, "dport"));
        assert_eq!(text(g, "daddr"), a["daddr"]);
    }
    let retrans = rows("tcp_retransmit");
    let got = json_rows(&["tcpretrans", &fx()]);
    assert_eq!(got.len(), retrans.len());
    let counted = json_rows(&["tcpretrans", &fx(), "-c"]);
    let got: BTreeMap<(String, String), i64> = counted
        .iter()
        .map(|r| ((text(r, "remote"), text(r, "t")), num(r, "retransmits")))
        .collect();
    let mut want: BTreeMap<(String, String), i64> = BTreeMap::new();
    for r in &retrans {
        let t = if r["synack"] == "true" { "S" } else { "R" };
        *want
            .entry((format!("{}:{}", r["daddr"], r["dport"]), t.to_string()))
            .or_default() += 1;
    }
    assert_eq!(got, want);
}

#[test]
fn tcptop_and_socksize_sum_the_socket_calls() {
    let io = rows("sock_io");
    let mut want: BTreeMap<(i64, String, String), (i64, i64)> = BTreeMap::new();
    let mut sizes: BTreeMap<(String, i64), i64> = BTreeMap::new();
    for r in io.iter().filter(|r| int(r, "ret") > 0) {
        let end = |a: &str, p: &str| {
            if r["family"] == "10" {
                format!("[{}]:{}", r[a], r[p])
            } else {
                format!("{}:{}", r[a], r[p])
            }
        };
        let key = (int(r, "pid"), end("saddr", "sport"), end("daddr", "dport"));
        let e = want.entry(key).or_default();
        let recv = r["recv"] == "true";
        if recv {
            e.0 += int(r, "ret");
        } else {
            e.1 += int(r, "ret");
        }
        let dir = if recv { "recv" } else { "send" };
        *sizes.entry((dir.to_string(), slot(int(r, "ret") as u64) as i64)).or_default() += 1;
    }
    let top = json_rows(&["tcptop", &fx(), "-r", "100"]);
    let got: BTreeMap<(i64, String, String), (i64, i64)> = top
        .iter()
        .map(|r| {
            let key = (num(r, "pid"), text(r, "local"), text(r, "remote"));
            (key, (num(r, "rx_bytes"), num(r, "tx_bytes")))
        })
        .collect();
    assert_eq!(got, want);
    let ranked: Vec<i64> = top.iter().map(|r| num(r, "rx_bytes") + num(r, "tx_bytes")).collect();
    assert!(ranked.windows(2).all(|w| w[0] >= w[1]), "largest first");
    assert_eq!(json_rows(&["tcptop", &fx(), "-r", "3"]).len(), 3);

    // socketio: calls, bytes and errors per process, direction and local port.
    let mut calls: BTreeMap<(i64, String, i64), (i64, i64, i64)> = BTreeMap::new();
    for r in &io {
        let dir = if r["recv"] == "true" { "recv" } else { "send" };
        let e = calls.entry((int(r, "pid"), dir.to_string(), int(r, "sport"))).or_default();
        let ret = int(r, "ret");
        e.0 += 1;
        e.1 += ret.max(0);
        e.2 += i64::from(ret < 0);
    }
    let got: BTreeMap<(i64, String, i64), (i64, i64, i64)> = json_rows(&["socketio", &fx()])
        .iter()
        .map(|r| {
            let key = (num(r, "pid"), text(r, "dir"), num(r, "sport"));
            (key, (num(r, "calls"), num(r, "bytes"), num(r, "errors")))
        })
        .collect();
    assert_eq!(got, calls);

    let hist = json_rows(&["socksize", &fx()]);
    let mut got: BTreeMap<(String, i64), i64> = BTreeMap::new();
    for h in &hist {
        *got.entry((text(h, "dir"), num(h, "bucket"))).or_default() += num(h, "count");
    }
    assert_eq!(got, sizes);
}

#[test]
fn tcprtt_and_tcpwin_read_each_received_segment() {
    let probes = rows("tcp_probe");
    assert!(probes.len() > 50);
    let tally = |rows: &[&Row], by: Option<&str>, ms: bool| -> BTreeMap<(String, i64), i64> {
        let mut out = BTreeMap::new();
        for r in rows {
            let us = int(r, "srtt_us") as u64;
            let key = by.map_or(String::new(), |k| r[k].clone());
            let v = if ms { us / 1000 } else { us };
            *out.entry((key, slot(v) as i64)).or_default() += 1;
        }
        out
    };
    let got = |args: &[&str], by: &str| -> BTreeMap<(String, i64), i64> {
        let mut a = vec!["tcprtt", fx_str()];
        a.extend(args);
        let mut out = BTreeMap::new();
        for h in json_rows(&a) {
            let key = if by.is_empty() { String::new() } else { text(&h, by) };
            *out.entry((key, num(&h, "bucket"))).or_default() += num(&h, "count");
        }
        out.retain(|_, v| *v > 0);
        out
    };
    let all: Vec<&Row> = probes.iter().collect();
    assert_eq!(got(&[], ""), tally(&all, None, false));
    assert_eq!(got(&["-B", "-m"], "raddr"), tally(&all, Some("daddr"), true));
    let https: Vec<&Row> = probes.iter().filter(|r| r["dport"] == "443").collect();
    assert!(!https.is_empty() && https.len() < probes.len());
    assert_eq!(got(&["-P", "443"], ""), tally(&https, None, false));

    let win = json_rows(&["tcpwin", &fx(), "-P", "80"]);
    let want: Vec<&Row> = probes.iter().filter(|r| r["dport"] == "80").collect();
    assert_eq!(win.len(), want.len());
    for (w, r) in win.iter().zip(&want) {
        assert_eq!(num(w, "snd_cwnd"), int(r, "snd_cwnd"));
        assert_eq!(num(w, "srtt_us"), int(r, "srtt_us"));
        assert_eq!(num(w, "data_len"), int(r, "data_len"));
    }
}

#[test]
fn soconnect_bindsnoop_and_solisten_list_the_socket_calls() {
    let calls = rows("socket_call");
    let of = |call: &str| -> Vec<&Row> { calls.iter().filter(|r| r["call"] == call).collect() };
    let connects: Vec<&Row> = of("connect").into_iter().filter(|r| r["protocol"] == "6").collect();
    assert_eq!(connects.len(), 18, "one per active open");
    let udp: Vec<&Row> = calls
        .iter()
        .filter(|r| r["call"] == "connect" && r["protocol"] == "17")
        .collect();
    let got = json_rows(&["udpconnect", &fx()]);
    assert_eq!(got.len(), udp.len());
    for (g, u) in got.iter().zip(&udp) {
        assert_eq!(text(g, "raddr"), u["addr"]);
        assert_eq!(num(g, "rport"), int(u, "port"));
        assert_eq!(num(g, "ret"), int(u, "ret"));
    }
    let got: Vec<_> = json_rows(&["soconnect", &fx()])
        .into_iter()
        .filter(|g| text(g, "comm") != "systemd-resolve")
        .collect();
    assert_eq!(got.len(), connects.len());
    for (g, c) in got.iter().zip(&connects) {
        assert_eq!(num(g, "pid"), int(c, "pid"));
        assert_eq!(num(g, "port"), int(c, "port"));
        assert_eq!(text(g, "addr"), c["addr"]);
        let result = match int(c, "ret") {
            0 => "Success",
            -115 => "In progress",
            -111 => "ECONNREFUSED",
            other => panic!("unexpected ret {other}"),
        };
        assert_eq!(text(g, "result"), result);
        assert_eq!(num(g, "lat_us"), (int(c, "ts_ns") - int(c, "ts_enter_ns")) / 1000);
    }
    let failed = json_rows(&["soconnect", &fx(), "-x"]);
    assert_eq!(failed.len(), 2, "the refused TCP connect and the unreachable DNS server");
    assert_eq!(num(&failed[0], "port"), 9);
    assert_eq!(text(&failed[1], "result"), "ENETUNREACH");

    let binds = json_rows(&["bindsnoop", &fx()]);
    assert_eq!(binds.len(), 1, "the failed bind only with -x: {binds:?}");
    assert_eq!((num(&binds[0], "port"), text(&binds[0], "proto")), (8080, "TCP".into()));
    let all = json_rows(&["bindsnoop", &fx(), "-x", "-P", "8080"]);
    assert_eq!(all.len(), of("bind").len());
    assert!(all.iter().any(|b| num(b, "ret") == -98));
    let listens = json_rows(&["solisten", &fx()]);
    assert_eq!(listens.len(), 1);
    assert_eq!(num(&listens[0], "backlog"), 511);
    assert_eq!(text(&listens[0], "proto"), "TCPv4");
    assert_eq!(text(&listens[0], "addr"), "10.1.0.5");
}

/// The fixture's path, leaked once for argument slices.
fn fx_str() -> &'static str {
    Box::leak(fx().into_boxed_str())
}

#[test]
fn net_tool_text_snapshots() {
    assert_snapshots([
        ("net-tcplife", ok(&["tcplife", &fx()])),
        ("net-tcpstates-D443", ok(&["tcpstates", &fx(), "-D", "443", "-T"])),
        ("net-tcpconnect-c", ok(&["tcpconnect", &fx(), "-c"])),
        ("net-tcpaccept", ok(&["tcpaccept", &fx()])),
        ("net-tcpconnlat", ok(&["tcpconnlat", &fx(), "-L"])),
        ("net-tcpretrans", ok(&["tcpretrans", &fx()])),
        ("net-tcptop", ok(&["tcptop", &fx(), "--interval", "5", "-r", "3"])),
        ("net-socksize", ok(&["socksize", &fx(), "-p", "5200"])),
        ("net-socketio-R", ok(&["socketio", &fx(), "-R", "-p", "5150"])),
        ("net-tcprtt-B", ok(&["tcprtt", &fx(), "-B"])),
        ("net-soconnect", ok(&["soconnect", &fx()])),
        ("net-bindsnoop-x", ok(&["bindsnoop", &fx(), "-x"])),
        ("net-solisten", ok(&["solisten", &fx()])),
        ("net-udpconnect", ok(&["udpconnect", &fx(), "-T"])),
        ("net-tcpwin-P80", ok(&["tcpwin", &fx(), "-P", "80"])),
    ]);
}

/// `retrace diff` of the capture against itself: tcplife's sessions and bytes per
/// remote port, tcpretrans's retransmits per remote end and tcpconnlat's
/// latencies are the tools' own, and nothing changed.
#[test]
fn diff_compares_sessions_retransmits_and_connect_latency() {
    let out = ok(&["diff", &fx(), &fx(), "--json"]);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let tool = |name: &str| {
        report["tools"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["tool"] == name)
            .unwrap_or_else(|| panic!("no {name} in {report}"))
            .clone()
    };
    let mut want: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for s in json_rows(&["tcplife", &fx()]) {
        let e = want.entry(num(&s, "dport").to_string()).or_default();
        e.0 += 1;
        e.1 += num(&s, "tx_bytes") + num(&s, "rx_bytes");
    }
    let life = tool("tcplife");
    assert_eq!(life["verdict"], "same");
    assert_eq!(life["base"]["count"], 25);
    let bytes: i64 = want.values().map(|v| v.1).sum();
    assert_eq!(life["base"]["bytes"], bytes);
    let got: BTreeMap<String, i64> = life["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["key"].as_str().unwrap().to_string(), r["base"].as_i64().unwrap()))
        .collect();
    let counts: BTreeMap<String, i64> = want.iter().map(|(k, v)| (k.clone(), v.0)).collect();
    assert_eq!(got, counts);

    let retrans = tool("tcpretrans");
    assert_eq!(retrans["base"]["count"], json_rows(&["tcpretrans", &fx()]).len());
    let lat = tool("tcpconnlat");
    assert_eq!(lat["base"]["count"], json_rows(&["tcpconnlat", &fx()]).len());
    let p99 = json_rows(&["tcpconnlat", &fx()])
        .iter()
        .map(|r| r["lat_ms"].as_f64().unwrap() * 1000.0)
        .fold(0.0, f64::max);
    assert!((lat["base"]["max"].as_f64().unwrap() - p99).abs() < 1e-6);
}
