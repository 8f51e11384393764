//! cachestat, readahead and writeback over `fixtures/files`, checked against the
//! raw page_cache and writeback rows read with parquet's own reader.

use std::collections::BTreeMap;
use std::path::PathBuf;

use arrow::array::AsArray;
use arrow::datatypes::{Int32Type, Int64Type, UInt32Type, UInt64Type};

use crate::support::*;

fn files() -> PathBuf {
    fixture().join("../files")
}

fn fx() -> String {
    files().to_string_lossy().into_owned()
}

#[derive(Debug, Clone)]
struct Ev {
    ts: u64,
    tid: u32,
    comm: String,
    event: String,
    ino: u64,
    index: u64,
    pages: u64,
}

fn events() -> Vec<Ev> {
    let mut out = Vec::new();
    for b in read_table(&files(), "page_cache") {
        let col = |n: &str| b.column_by_name(n).unwrap().clone();
        let u64s = |n: &str| col(n).as_primitive::<UInt64Type>().clone();
        let (ts, ino, index, pages) = (u64s("ts_ns"), u64s("ino"), u64s("index"), u64s("pages"));
        let tid = col("tid").as_primitive::<UInt32Type>().clone();
        let (comm, event) = (col("comm"), col("event"));
        let (comm, event) = (comm.as_string::<i32>(), event.as_string::<i32>());
        for i in 0..b.num_rows() {
            out.push(Ev {
                ts: ts.value(i),
                tid: tid.value(i),
                comm: comm.value(i).to_string(),
                event: event.value(i).to_string(),
                ino: ino.value(i),
                index: index.value(i),
                pages: pages.value(i),
            });
        }
    }
    out.sort_by_key(|e| (e.ts, e.tid));
    assert!(out.len() > 100);
    out
}

/// The pages each event is about: a lookup took pages up to where the next lookup
/// of the same thread, file and range end starts, found by scanning forward.
fn batch_pages(evs: &[Ev]) -> Vec<u64> {
    evs.iter()
        .enumerate()
        .map(|(i, e)| {
            if e.event != "get" {
                return e.pages;
            }
            let end = e.index + e.pages;
            let next = evs[i + 1..]
                .iter()
                .find(|n| n.event == "get" && n.tid == e.tid && n.ino == e.ino && n.index + n.pages == end);
            match next {
                Some(n) if n.index > e.index => n.index - e.index,
                _ => e.pages,
            }
        })
        .collect()
}

#[test]
fn cachestat_counts_hits_misses_and_dirties() {
    let evs = events();
    let pages = batch_pages(&evs);
    let sum = |f: &dyn Fn(&Ev) -> bool| -> u64 {
        evs.iter().zip(&pages).filter(|(e, _)| f(e)).map(|(_, p)| p).sum()
    };
    let accesses = sum(&|e| matches!(e.event.as_str(), "get" | "fault" | "map"));
    let added = sum(&|e| e.event == "add");
    let dirties = sum(&|e| e.event == "dirty");
    let misses = added.saturating_sub(dirties);
    let hits = accesses.saturating_sub(misses);
    let rows = json_rows(&["cachestat", &fx()]);
    assert_eq!(rows.len(), 1);
    let r = &rows[0];
    assert_eq!(
        (num(r, "hits") as u64, num(r, "misses") as u64, num(r, "dirties") as u64),
        (hits, misses, dirties)
    );
    let ratio = r["ratio"].as_f64().unwrap();
    assert!((ratio - 100.0 * hits as f64 / accesses as f64).abs() < 1e-9);
    // Per interval: misses are adds less dirties in each interval, never below
    // 0 (the fixture's later intervals dirty more pages than they add).
    let per = json_rows(&["cachestat", &fx(), "--interval", "5"]);
    assert_eq!(per.len(), 4);
    let start = evs.iter().map(|e| e.ts).min().unwrap() / 1_000_000_000 * 1_000_000_000;
    for (i, r) in per.iter().enumerate() {
        let within = |e: &Ev| (e.ts - start) / 5_000_000_000 == i as u64;
        let add = sum(&|e| within(e) && e.event == "add");
        let dirty = sum(&|e| within(e) && e.event == "dirty");
        assert_eq!(num(r, "misses") as u64, add.saturating_sub(dirty), "interval {i}");
        assert_eq!(num(r, "dirties") as u64, dirty, "interval {i}");
    }
    assert!(per.iter().map(|r| num(r, "misses") as u64).sum::<u64>() > misses);
    // The fixture's readers read each file whole: their lookups are the sizes.
    let read: BTreeMap<u64, u64> = evs
        .iter()
        .zip(&pages)
        .filter(|(e, _)| e.event == "get")
        .fold(BTreeMap::new(), |mut m, (e, p)| {
            *m.entry(e.ino).or_default() += p;
            m
        });
    assert_eq!(read[&1311], 3 * 700);
    assert_eq!(read[&131], 512);
}

#[test]
fn readahead_sets_pages_read_ahead_beside_pages_read() {
    let evs = events();
    let pages = batch_pages(&evs);
    let mut want: BTreeMap<(String, u64), [u64; 4]> = BTreeMap::new();
    for (e, p) in evs.iter().zip(&pages) {
        let slot = match e.event.as_str() {
            "ra_sync" => 0,
            "ra_async" => 1,
            "get" => 3,
            _ => continue,
        };
        let w = want.entry((e.comm.clone(), e.ino)).or_default();
        if slot < 2 {
            w[slot] += 1;
            w[2] += e.pages;
        } else {
            w[3] += p;
        }
    }
    want.retain(|_, w| w[0] + w[1] > 0);
    let got: BTreeMap<(String, u64), [u64; 4]> = json_rows(&["readahead", &fx()])
        .iter()
        .map(|r| {
            (
                (text(r, "comm"), num(r, "ino") as u64),
                ["sync", "async", "ra_pages", "read_pages"].map(|k| num(r, k) as u64),
            )
        })
        .collect();
    assert_eq!(got, want);
}

#[test]
fn writeback_pairs_each_end_with_its_start() {
    let mut works = Vec::new();
    for b in read_table(&files(), "writeback") {
        let col = |n: &str| b.column_by_name(n).unwrap().clone();
        let ts = col("ts_ns").as_primitive::<UInt64Type>().clone();
        let tid = col("tid").as_primitive::<UInt32Type>().clone();
        let pages = col("nr_pages").as_primitive::<Int64Type>().clone();
        let reason = col("reason").as_primitive::<Int32Type>().clone();
        let written = col("written").as_boolean().clone();
        let bdi = col("bdi");
        let bdi = bdi.as_string::<i32>();
        for i in 0..b.num_rows() {
            works.push((ts.value(i), tid.value(i), bdi.value(i).to_string(), written.value(i), pages.value(i), reason.value(i)));
        }
    }
    works.sort();
    let mut want = Vec::new();
    for (k, w) in works.iter().enumerate().filter(|(_, w)| w.3) {
        let start = works[..k].iter().rev().find(|s| s.1 == w.1 && s.2 == w.2).unwrap();
        assert!(!start.3);
        want.push((w.2.clone(), start.4 - w.4, (w.0 - start.0) as f64 / 1e6, w.5));
    }
    let rows = json_rows(&["writeback", &fx()]);
    assert_eq!(rows.len(), want.len());
    let names = ["background", "vmscan", "sync", "periodic"];
    for (r, (bdi, pages, ms, reason)) in rows.iter().zip(&want) {
        assert_eq!(text(r, "bdi"), *bdi);
        assert_eq!(num(r, "pages"), *pages);
        assert!((r["lat_ms"].as_f64().unwrap() - ms).abs() < 1e-9);
        assert_eq!(text(r, "reason"), names[*reason as usize]);
    }
}

#[test]
fn page_cache_outputs_match_snapshots() {
    assert_snapshots([
        ("cachestat-T-interval", ok(&["cachestat", &fx(), "-T", "--interval", "5"])),
        ("readahead", ok(&["readahead", &fx()])),
        ("writeback", ok(&["writeback", &fx()])),
    ]);
}
