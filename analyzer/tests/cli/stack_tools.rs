//! The stack tools (profile, offcputime, flamegraph) on the `stacks` fixture
//! (`fixtures/stacks`), each checked against stacks named here from the raw Parquet
//! rows with a deliberately naive symbolizer (linear scans), plus exact-text
//! snapshots of their layouts (`tests/cli/snapshots/stacks-*.snap`).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use arrow::array::{Array, AsArray, RecordBatch};
use arrow::datatypes::{UInt32Type, UInt64Type};

use crate::support::*;

fn stacks_fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/stacks")
}

fn fx() -> String {
    stacks_fixture().to_string_lossy().into_owned()
}

fn u64s(b: &RecordBatch, name: &str) -> Vec<Option<u64>> {
    let c = b.column_by_name(name).unwrap().as_primitive::<UInt64Type>();
    (0..c.len())
        .map(|i| (!c.is_null(i)).then(|| c.value(i)))
        .collect()
}
fn u32s(b: &RecordBatch, name: &str) -> Vec<u32> {
    let c = b.column_by_name(name).unwrap().as_primitive::<UInt32Type>();
    c.values().to_vec()
}
fn strs(b: &RecordBatch, name: &str) -> Vec<Option<String>> {
    let c = b.column_by_name(name).unwrap().as_string::<i32>();
    c.iter().map(|s| s.map(str::to_string)).collect()
}

/// One row of `profile` or `offcpu` (ts_off = ts for profile).
#[derive(Debug, Clone)]
struct Event {
    ts: u64,
    ts_off: u64,
    pid: u32,
    comm: String,
    kstack: u32,
    ustack: u32,
}

fn events(table: &str) -> Vec<Event> {
    let mut out = Vec::new();
    for b in read_table(&stacks_fixture(), table) {
        let ts = u64s(&b, "ts_ns");
        let off = if table == "offcpu" {
            u64s(&b, "ts_off_ns")
        } else {
            ts.clone()
        };
        let pid = u32s(&b, "pid");
        let comm = strs(&b, "comm");
        let k = u32s(&b, "kstack_id");
        let u = u32s(&b, "ustack_id");
        for i in 0..b.num_rows() {
            out.push(Event {
                ts: ts[i].unwrap(),
                ts_off: off[i].unwrap(),
                pid: pid[i],
                comm: comm[i].clone().unwrap(),
                kstack: k[i],
                ustack: u[i],
            });
        }
    }
    out
}

/// Everything needed to name frames, read straight from the capture.
struct Naive {
    stacks: HashMap<(bool, u32), Vec<u64>>,
    ksyms: Vec<(u64, String)>,
    /// (pid, addr, symbol, module)
    usyms: Vec<(u32, u64, Option<String>, Option<String>)>,
    /// (pid, start, end, file_offset, path)
    maps: Vec<(u32, u64, u64, u64, String)>,
}

impl Naive {
    fn load() -> Naive {
        let cap = stacks_fixture();
        let mut stacks = HashMap::new();
        for b in read_table(&cap, "stacks") {
            let ids = u32s(&b, "stack_id");
            let user = b.column_by_name("user").unwrap().as_boolean().clone();
            let frames = b.column_by_name("frames").unwrap().as_list::<i32>().clone();
            for (i, id) in ids.into_iter().enumerate() {
                let f = frames.value(i);
                let f = f.as_primitive::<UInt64Type>();
                stacks.insert((user.value(i), id), f.values().to_vec());
            }
        }
        let mut ksyms = Vec::new();
        for b in read_table(&cap, "kernel_symbols") {
            let a = u64s(&b, "addr");
            let n = strs(&b, "name");
            for i in 0..b.num_rows() {
                ksyms.push((a[i].unwrap(), n[i].clone().unwrap()));
            }
        }
        let mut usyms = Vec::new();
        for b in read_table(&cap, "user_symbols") {
            let (p, a) = (u32s(&b, "pid"), u64s(&b, "addr"));
            let (s, m) = (strs(&b, "symbol"), strs(&b, "module"));
            for i in 0..b.num_rows() {
                usyms.push((p[i], a[i].unwrap(), s[i].clone(), m[i].clone()));
            }
        }
        let mut maps = Vec::new();
        for b in read_table(&cap, "user_mappings") {
            let (p, s, e, o) = (
                u32s(&b, "pid"),
                u64s(&b, "start"),
                u64s(&b, "end"),
                u64s(&b, "file_offset"),
            );
            let path = strs(&b, "path");
            for i in 0..b.num_rows() {
                maps.push((
                    p[i],
                    s[i].unwrap(),
                    e[i].unwrap(),
                    o[i].unwrap(),
                    path[i].clone().unwrap(),
                ));
            }
        }
        Naive {
            stacks,
            ksyms,
            usyms,
            maps,
        }
    }

    fn kernel(&self, addr: u64) -> String {
        self.ksyms
            .iter()
            .filter(|(a, _)| *a <= addr)
            .max_by_key(|(a, _)| *a)
            .map_or("[unknown]".to_string(), |(_, n)| n.clone())
    }

    fn user(&self, pid: u32, addr: u64) -> String {
        let row = self.usyms.iter().find(|r| r.0 == pid && r.1 == addr);
        if let Some((_, _, Some(sym), _)) = row {
            return sym.clone();
        }
        if let Some(m) = self
            .maps
            .iter()
            .find(|m| m.0 == pid && m.1 <= addr && addr < m.2)
        {
            let file = m.4.rsplit('/').next().unwrap();
            return format!("{file}+{:#x}", addr - m.1 + m.3);
        }
        "[unknown]".to_string()
    }

    /// (kernel frames, user frames), leaf first.
    fn frames(&self, e: &Event, kernel: bool, user: bool) -> (Vec<String>, Vec<String>) {
        let k = match self.stacks.get(&(false, e.kstack)) {
            Some(f) if kernel && e.kstack != 0 => f.iter().map(|a| self.kernel(*a)).collect(),
            _ => Vec::new(),
        };
        let u = match self.stacks.get(&(true, e.ustack)) {
            Some(f) if user && e.ustack != 0 => f.iter().map(|a| self.user(e.pid, *a)).collect(),
            _ => Vec::new(),
        };
        (k, u)
    }

    /// The folded line of an event, without its value.
    fn folded(&self, e: &Event, kernel: bool, user: bool) -> String {
        let (k, u) = self.frames(e, kernel, user);
        let mut parts = vec![e.comm.clone()];
        parts.extend(u.into_iter().rev());
        parts.extend(k.into_iter().rev());
        parts.join(";")
    }
}

/// Folded output parsed back: stack -> value (the value after the last space).
fn parse_folded(text: &str) -> BTreeMap<String, u64> {
    let mut m = BTreeMap::new();
    for line in text.lines() {
        let (stack, value) = line.rsplit_once(' ').expect("stack and value");
        let old = m.insert(stack.to_string(), value.parse().expect("a count"));
        assert!(old.is_none(), "stack {stack} printed twice");
    }
    m
}

fn sum_by<K: Ord>(items: impl IntoIterator<Item = (K, u64)>) -> BTreeMap<K, u64> {
    let mut m = BTreeMap::new();
    for (k, v) in items {
        *m.entry(k).or_insert(0) += v;
    }
    m
}

#[test]
fn profile_folded_counts_every_non_idle_sample_in_its_named_stack() {
    let naive = Naive::load();
    let samples = events("profile");
    let want = sum_by(
        samples
            .iter()
            .filter(|e| e.pid != 0)
            .map(|e| (naive.folded(e, true, true), 1)),
    );
    let got = parse_folded(&ok(&["profile", &fx(), "-f"]));
    assert_eq!(got, want);
    // The fixture's landmarks are all there: a module symbol, a kernel frame below
    // every symbol, an unnamed libc frame by file offset, unnamed frames of a process
    // without mappings, and samples without any stack.
    let all: String = got.keys().cloned().collect::<Vec<_>>().join("\n");
    for needle in [
        "nvme_queue_rq",
        "process_one_work;[unknown]",
        "td_io_queue;libc.so.6+0x",
        "date;[unknown]",
        "gzip;__libc_start_call_main;main;zip;deflate;longest_match",
    ] {
        assert!(all.contains(needle), "{needle} missing in:\n{all}");
    }
    assert!(got.contains_key("gzip"), "samples without stacks");
    let total: u64 = got.values().sum();
    assert_eq!(
        total as usize,
        samples.iter().filter(|e| e.pid != 0).count()
    );
}

#[test]
fn profile_idle_pid_and_stack_filters() {
    let naive = Naive::load();
    let samples = events("profile");
    let got = parse_folded(&ok(&["profile", &fx(), "-f", "-I"]));
    assert_eq!(got.values().sum::<u64>() as usize, samples.len());
    assert!(got.keys().any(|k| k.starts_with("swapper/0;")));

    let picked = |e: &&Event| e.pid == 5000 || e.pid == 4242;
    let want = sum_by(
        samples
            .iter()
            .filter(picked)
            .map(|e| (naive.folded(e, true, true), 1)),
    );
    assert_eq!(
        parse_folded(&ok(&["profile", &fx(), "-f", "-p", "5000,4242"])),
        want
    );
    assert_eq!(
        parse_folded(&ok(&["profile", &fx(), "-f", "-p", "5000", "-p", "4242"])),
        want
    );

    for (flag, kernel, user) in [("-U", false, true), ("-K", true, false)] {
        let want = sum_by(
            samples
                .iter()
                .filter(|e| e.pid != 0)
                .map(|e| (naive.folded(e, kernel, user), 1)),
        );
        assert_eq!(
            parse_folded(&ok(&["profile", &fx(), "-f", flag])),
            want,
            "{flag}"
        );
    }

    // A window: the short-lived `date` ran only around 3 s.
    let lo = START_NS + 2_000_000_000;
    let hi = START_NS + 4_000_000_000;
    let want = sum_by(
        samples
            .iter()
            .filter(|e| e.pid != 0 && e.ts >= lo && e.ts < hi)
            .map(|e| (naive.folded(e, true, true), 1)),
    );
    let got = parse_folded(&ok(&[
        "profile",
        &fx(),
        "-f",
        "--since",
        "2s",
        "--until",
        "4s",
    ]));
    assert_eq!(got, want);
    assert!(got.keys().any(|k| k.starts_with("date;")));
}

#[test]
fn profile_json_rows_per_process_and_stack_pair() {
    let naive = Naive::load();
    let samples = events("profile");
    let want = sum_by(
        samples
            .iter()
            .filter(|e| e.pid != 0)
            .map(|e| ((e.pid, e.comm.clone(), e.kstack, e.ustack), 1)),
    );
    let rows = json_rows(&["profile", &fx()]);
    let got = sum_by(rows.iter().map(|r| {
        (
            (
                num(r, "pid") as u32,
                text(r, "comm"),
                num(r, "kstack_id") as u32,
                num(r, "ustack_id") as u32,
            ),
            num(r, "samples") as u64,
        )
    }));
    assert_eq!(got, want);
    // Frames as named here, leaf first; hottest last.
    for r in &rows {
        let e = samples
            .iter()
            .find(|e| {
                e.pid as i64 == num(r, "pid")
                    && e.kstack as i64 == num(r, "kstack_id")
                    && e.ustack as i64 == num(r, "ustack_id")
            })
            .unwrap();
        let (k, u) = naive.frames(e, true, true);
        let names = |key: &str| -> Vec<String> {
            r[key]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_string())
                .collect()
        };
        assert_eq!(names("kernel_stack"), k);
        assert_eq!(names("user_stack"), u);
        assert_eq!(text(r, "folded"), naive.folded(e, true, true));
    }
    let values: Vec<i64> = rows.iter().map(|r| num(r, "samples")).collect();
    assert!(values.windows(2).all(|w| w[0] <= w[1]), "hottest last");
}

/// A block of the bcc layout: (comm, pid, frames without `--`).
type Block = (String, u32, Vec<String>);

/// The bcc layout parsed back into blocks and their values.
fn parse_multiline(text: &str) -> Vec<(Block, u64)> {
    let mut out = Vec::new();
    let body = text.split("\nWARNING").next().unwrap();
    for block in body.split("\n\n").filter(|b| !b.trim().is_empty()) {
        let lines: Vec<&str> = block.lines().collect();
        let value: u64 = lines[lines.len() - 1].trim().parse().expect("value line");
        let who = lines[lines.len() - 2]
            .trim()
            .strip_prefix('-')
            .unwrap()
            .trim();
        let (comm, pid) = who.rsplit_once(" (").unwrap();
        let pid: u32 = pid.trim_end_matches(')').parse().unwrap();
        let frames = lines[..lines.len() - 2]
            .iter()
            .map(|l| l.trim().to_string())
            .filter(|l| l != "--")
            .collect();
        out.push(((comm.to_string(), pid, frames), value));
    }
    out
}

#[test]
fn profile_default_output_is_bcc_layout_hottest_last_with_warnings() {
    let naive = Naive::load();
    let samples = events("profile");
    let want = sum_by(samples.iter().filter(|e| e.pid != 0).map(|e| {
        let (k, u) = naive.frames(e, true, true);
        ((e.comm.clone(), e.pid, [k, u].concat()), 1)
    }));
    let text = ok(&["profile", &fx()]);
    let blocks = parse_multiline(&text);
    let values: Vec<u64> = blocks.iter().map(|b| b.1).collect();
    assert!(values.windows(2).all(|w| w[0] <= w[1]), "hottest last");
    assert_eq!(sum_by(blocks), want);
    // A kernel + user stack is split by `--`, kernel frames first.
    assert!(
        text.contains("    entry_SYSCALL_64\n    --\n    syscall\n"),
        "{text}"
    );
    assert!(text.contains("    -                fio (4242)\n        60\n"));
    for w in [
        "WARNING: 3 events lost in source profile (ring buffer full)",
        "WARNING: 12 events of this capture have no stack",
        "WARNING: 1 of 4 processes exited before their mappings were read",
        "WARNING: 4 of 28 user frame addresses have no symbol",
    ] {
        assert!(text.contains(w), "{w} missing:\n{text}");
    }
}

#[test]
fn folded_output_keeps_warnings_on_stderr() {
    let o = retrace(&["profile", &fx(), "-f"]);
    assert!(o.status.success());
    assert!(!stdout(&o).contains("WARNING"));
    assert!(stderr(&o).contains("retrace: WARNING: 12 events of this capture have no stack"));
    let delimited = ok(&["profile", &fx(), "-f", "-d"]);
    assert!(delimited.contains("td_io_queue;syscall;-;entry_SYSCALL_64;"));
}

/// Blocked time of each off-CPU row as offcputime counts it: whole microseconds.
fn block_us(e: &Event) -> u64 {
    (e.ts - e.ts_off) / 1000
}

#[test]
fn offcputime_sums_whole_microseconds_per_stack() {
    let naive = Naive::load();
    let blocks = events("offcpu");
    assert!(
        blocks.iter().any(|e| block_us(e) == 0),
        "the fixture has sub-microsecond blocks"
    );
    let want = sum_by(
        blocks
            .iter()
            .filter(|e| block_us(e) >= 1)
            .map(|e| (naive.folded(e, true, true), block_us(e))),
    );
    assert_eq!(parse_folded(&ok(&["offcputime", &fx(), "-f"])), want);

    let want = sum_by(
        blocks
            .iter()
            .filter(|e| (1000..=50_000).contains(&block_us(e)) && e.pid == 4242)
            .map(|e| (naive.folded(e, true, true), block_us(e))),
    );
    let got = parse_folded(&ok(&[
        "offcputime",
        &fx(),
        "-f",
        "-m",
        "1000",
        "-M",
        "50000",
        "-p",
        "4242",
    ]));
    assert_eq!(got, want);
    assert!(!got.is_empty());

    let rows = json_rows(&["offcputime", &fx(), "-K"]);
    let got = sum_by(rows.iter().flat_map(|r| {
        let key = (num(r, "pid") as u32, num(r, "kstack_id") as u32);
        [
            ((key, "blocks"), num(r, "blocks") as u64),
            ((key, "us"), num(r, "total_us") as u64),
        ]
    }));
    let want = sum_by(blocks.iter().filter(|e| block_us(e) >= 1).flat_map(|e| {
        [
            (((e.pid, e.kstack), "blocks"), 1),
            (((e.pid, e.kstack), "us"), block_us(e)),
        ]
    }));
    assert_eq!(got, want);
    assert!(
        rows.iter().all(|r| num(r, "ustack_id") == 0),
        "-K drops user stacks"
    );

    let text = ok(&["offcputime", &fx()]);
    assert!(text.contains("WARNING: 2 events lost in source offcpu"));
    assert!(!text.contains("source profile"));
}

/// The `all (N unit, 100%)` title of a flame graph's root frame.
fn root_total(svg: &str) -> String {
    let start = svg.find("<title>all (").expect("root frame") + "<title>all (".len();
    let len = svg[start..].find(')').expect("closing parenthesis");
    svg[start..start + len].to_string()
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[test]
fn flamegraph_svg_of_profile_and_offcputime() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("cpu.svg");
    let o = retrace(&[
        "flamegraph".as_ref(),
        fx().as_ref(),
        "-o".as_ref(),
        path.as_os_str(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    let svg = std::fs::read_to_string(&path).unwrap();
    assert!(svg.starts_with("<?xml"), "{}", &svg[..100]);
    assert!(svg.trim_end().ends_with("</svg>"));
    assert!(svg.contains("CPU flame graph: stacks (retrace profile)"));
    let samples = events("profile");
    let total = samples.iter().filter(|e| e.pid != 0).count() as u64;
    assert_eq!(
        root_total(&svg),
        format!("{} samples, 100%", thousands(total))
    );
    for hot in ["longest_match", "deflate", "nvme_queue_rq", "gzip"] {
        assert!(svg.contains(hot), "{hot} not in the graph");
    }
    assert!(!svg.contains("swapper"), "idle left out by default");

    // Off-CPU, to stdout (not a terminal here), in microseconds.
    let svg = ok(&["flamegraph", &fx(), "--tool", "offcputime", "-p", "4242"]);
    let us: u64 = events("offcpu")
        .iter()
        .filter(|e| e.pid == 4242 && block_us(e) >= 1)
        .map(block_us)
        .sum();
    assert_eq!(root_total(&svg), format!("{} us, 100%", thousands(us)));
    assert!(svg.contains("Off-CPU time flame graph: stacks (retrace offcputime)"));
    assert!(svg.contains("io_schedule") && svg.contains("pthread_cond_wait"));
    assert!(!svg.contains("kworker"));
}

#[test]
fn flamegraph_refuses_options_of_the_other_tool() {
    let (code, err) = fails(&["flamegraph", &fx(), "--tool", "offcputime", "-I"]);
    assert_eq!(code, 1);
    assert!(err.contains("-I is an option of --tool profile"), "{err}");
    let (_, err) = fails(&["flamegraph", &fx(), "-m", "10"]);
    assert!(
        err.contains("-m / -M are options of --tool offcputime"),
        "{err}"
    );
}

#[test]
fn stack_tools_need_their_source_not_a_stacks_source() {
    let listing = ok(&["tools", &fx()]);
    for tool in ["profile", "offcputime"] {
        let line = listing.lines().find(|l| l.starts_with(tool)).unwrap();
        assert!(line.contains(" yes "), "{line}");
    }
    let basic = fixture().to_string_lossy().into_owned();
    let (code, err) = fails(&["profile", &basic]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "retrace: profile cannot run: this capture was recorded without source `profile` (record with --sources profile)\n"
    );
}

#[test]
fn stack_tools_show_their_sql() {
    let out = ok(&["profile", &fx(), "-p", "5000", "-U", "--show-sql"]);
    assert!(out.contains("--param 'pids=,5000,'"), "{out}");
    assert!(out.contains("--param 'kernel=0'"), "{out}");
    assert!(out.contains("FROM profile"));
}

/// Exact text of each layout on the fixture, against committed snapshots
/// (see `support::assert_snapshots` to review changes).
#[test]
fn stack_outputs_match_snapshots() {
    let fx = fx();
    let cases: &[(&str, &[&str])] = &[
        ("stacks-profile", &["profile", &fx]),
        ("stacks-profile-f", &["profile", &fx, "-f"]),
        (
            "stacks-profile-offsets-p",
            &["profile", &fx, "-f", "--offsets", "-p", "4242,6100"],
        ),
        ("stacks-offcputime", &["offcputime", &fx]),
        ("stacks-offcputime-f-d", &["offcputime", &fx, "-f", "-d"]),
    ];
    assert_snapshots(cases.iter().map(|(name, args)| (*name, ok(args))));
}

/// `retrace diff --tool profile`: folded stacks matched between captures. NEW is the
/// fixture without its second profile segment (the second half of the samples), so
/// each stack's NEW count is its first-half count, computed here from the rows.
#[test]
fn diff_aligns_folded_stacks() {
    let naive = Naive::load();
    let samples = events("profile");
    let cut = copy_capture(&stacks_fixture());
    let second: Vec<RecordBatch> = {
        let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(
            std::fs::File::open(cut.path().join("profile/000001.parquet")).unwrap(),
        )
        .unwrap()
        .build()
        .unwrap();
        reader.map(|b| b.unwrap()).collect()
    };
    let dropped_from = second
        .iter()
        .flat_map(|b| u64s(b, "ts_ns"))
        .flatten()
        .min()
        .unwrap();
    std::fs::remove_file(cut.path().join("profile/000001.parquet")).unwrap();
    let kept = samples.iter().filter(|e| e.ts < dropped_from).count();
    edit_manifest(cut.path(), |m| {
        m["tables"]["profile"]["rows"] = kept.into();
        m["tables"]["profile"]["segments"] = 1.into();
    });

    let base = sum_by(
        samples
            .iter()
            .filter(|e| e.pid != 0)
            .map(|e| (naive.folded(e, true, true), 1)),
    );
    let new = sum_by(
        samples
            .iter()
            .filter(|e| e.pid != 0 && e.ts < dropped_from)
            .map(|e| (naive.folded(e, true, true), 1)),
    );
    let out = ok(&[
        "diff".as_ref(),
        stacks_fixture().as_os_str(),
        cut.path().as_os_str(),
        "--tool".as_ref(),
        "profile".as_ref(),
        "--json".as_ref(),
    ]);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let tool = &report["tools"][0];
    assert_eq!(tool["tool"], "profile");
    let side = |key: &str| -> BTreeMap<String, u64> {
        tool["rows"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r[key].as_u64().unwrap() > 0)
            .map(|r| {
                (
                    r["key"].as_str().unwrap().to_string(),
                    r[key].as_u64().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(side("base"), base);
    assert_eq!(side("new"), new);
    // Rates per second of each capture's span (10 s, the manifest's, on both sides).
    for r in tool["rows"].as_array().unwrap() {
        let key = r["key"].as_str().unwrap();
        let rate = |m: &BTreeMap<String, u64>| m.get(key).copied().unwrap_or(0) as f64 / 10.0;
        assert!(
            (r["base_rate"].as_f64().unwrap() - rate(&base)).abs() < 1e-9,
            "{r}"
        );
        assert!(
            (r["new_rate"].as_f64().unwrap() - rate(&new)).abs() < 1e-9,
            "{r}"
        );
    }

    // Not in the one-line summary unless asked for.
    let summary = ok(&["diff", &fx(), &fx()]);
    assert!(
        !summary
            .lines()
            .any(|l| l.starts_with("profile") || l.starts_with("offcputime")),
        "{summary}"
    );
}

/// (pid, comm, disk, kstack_id, latency ns) of every block_io_stack row.
fn io_requests() -> Vec<(u32, String, String, u32, u64)> {
    let mut out = Vec::new();
    for b in read_table(&stacks_fixture(), "block_io_stack") {
        let (ts, start) = (u64s(&b, "ts_ns"), u64s(&b, "ts_start_ns"));
        let (pid, k) = (u32s(&b, "pid"), u32s(&b, "kstack_id"));
        let (comm, disk) = (strs(&b, "comm"), strs(&b, "disk"));
        for i in 0..b.num_rows() {
            out.push((
                pid[i],
                comm[i].clone().unwrap(),
                disk[i].clone().unwrap(),
                k[i],
                ts[i].unwrap() - start[i].unwrap(),
            ));
        }
    }
    assert!(out.len() > 100);
    out
}

#[test]
fn biostacks_histograms_and_folded_latency_per_stack() {
    let naive = Naive::load();
    let reqs = io_requests();
    let folded_of = |pid: u32, comm: &str, k: u32| {
        let e = Event { ts: 0, ts_off: 0, pid, comm: comm.to_string(), kstack: k, ustack: 0 };
        naive.folded(&e, true, false)
    };
    // Folded: each stack's summed latency in microseconds.
    let want = sum_by(reqs.iter().map(|(pid, comm, _, k, ns)| (folded_of(*pid, comm, *k), ns / 1000)));
    let got = parse_folded(&ok(&["biostacks", &fx(), "-f"]));
    assert_eq!(got, want);
    // JSON: one row per submitter, stack and disk, with its request count.
    let want = sum_by(reqs.iter().map(|(pid, comm, disk, k, _)| ((folded_of(*pid, comm, *k), disk.clone()), 1)));
    let got: BTreeMap<(String, String), u64> = json_rows(&["biostacks", &fx()])
        .iter()
        .map(|r| ((text(r, "folded"), text(r, "disk")), num(r, "requests") as u64))
        .collect();
    assert_eq!(got, want);
    // -d: one disk; -m: the histograms in ms. The text shows each group's slots.
    let nvme: u64 = reqs.iter().filter(|r| r.2 == "nvme0n1").count() as u64;
    let got: u64 = json_rows(&["biostacks", &fx(), "-d", "nvme0n1"])
        .iter()
        .map(|r| num(r, "requests") as u64)
        .sum();
    assert_eq!(got, nvme);
    let text_ms = ok(&["biostacks", &fx(), "-m", "-d", "vda"]);
    let vda: Vec<u64> = reqs.iter().filter(|r| r.2 == "vda").map(|r| r.4 / 1_000_000).collect();
    let mut slots = vec![0u64; 64];
    for ms in &vda {
        slots[slot(*ms) as usize] += 1;
    }
    for (s, n) in slots.iter().enumerate().filter(|(_, n)| **n > 0) {
        let low = if s == 0 { 0 } else { 1u64 << s };
        let line = format!("{low:>10} -> {:<10} : {n:<8}", (1u64 << (s + 1)) - 1);
        assert!(text_ms.contains(&line), "{line:?} in\n{text_ms}");
    }
    assert!(text_ms.contains("msecs"), "{text_ms}");
}

#[test]
fn biostacks_text_snapshot() {
    assert_snapshots([("stacks-biostacks", ok(&["biostacks", &fx()]))]);
}
