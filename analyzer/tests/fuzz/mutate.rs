//! Making one fuzz input: a capture folder built from corpus seeds, then damaged by
//! one to three seeded mutations of its manifest or segments.

use std::path::Path;

use serde_json::Value;

use crate::rng::Rng;
use crate::Corpus;

/// A capture to write: its manifest, its segments, and what was done to them.
pub struct Case {
    pub manifest: Vec<u8>,
    /// (table, file name, bytes).
    pub segments: Vec<(String, String, Vec<u8>)>,
    pub what: String,
}

impl Case {
    pub fn write(&self, dir: &Path) {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join("manifest.json"), &self.manifest).unwrap();
        for (table, name, bytes) in &self.segments {
            std::fs::create_dir_all(dir.join(table)).unwrap();
            std::fs::write(dir.join(table).join(name), bytes).unwrap();
        }
    }
}

pub fn make_case(corpus: &Corpus, rng: &mut Rng) -> Case {
    let mut case = Case {
        manifest: rng.pick(&corpus.manifests).clone(),
        segments: Vec::new(),
        what: String::new(),
    };
    for table in retrace_schema::TABLES.iter() {
        let seeds: Vec<&Vec<u8>> = corpus
            .segments
            .iter()
            .filter(|(t, _)| **t == table.name)
            .map(|(_, b)| b)
            .collect();
        if seeds.is_empty() {
            continue;
        }
        for seq in 0..1 + rng.below(2) {
            let bytes = (*rng.pick(&seeds)).clone();
            case.segments
                .push((table.name.to_string(), format!("{seq:06}.parquet"), bytes));
        }
    }
    let mut done = Vec::new();
    for _ in 0..1 + rng.below(3) {
        done.push(mutate(&mut case, corpus, rng));
    }
    case.what = done.join(", ");
    case
}

fn mutate(case: &mut Case, corpus: &Corpus, rng: &mut Rng) -> String {
    match rng.below(10) {
        0..=2 => {
            let what = mutate_bytes(&mut case.manifest, rng);
            format!("manifest {what}")
        }
        3 => {
            let other = rng.pick(&corpus.manifests);
            let what = splice(&mut case.manifest, other, rng);
            format!("manifest {what}")
        }
        4..=5 => edit_json(&mut case.manifest, rng),
        6..=7 => {
            let i = rng.below(case.segments.len());
            let what = mutate_bytes(&mut case.segments[i].2, rng);
            format!("{}/{} {what}", case.segments[i].0, case.segments[i].1)
        }
        8 => {
            let i = rng.below(case.segments.len());
            let (table, other) = rng.pick(&corpus.segments);
            let (table, other) = (table.clone(), other.clone());
            let seg = &mut case.segments[i];
            if rng.below(2) == 0 {
                seg.2 = other;
                format!("{}/{} replaced by a {table} segment", seg.0, seg.1)
            } else {
                let what = splice(&mut seg.2, &other, rng);
                format!("{}/{} {what} with a {table} segment", seg.0, seg.1)
            }
        }
        _ => {
            let i = rng.below(case.segments.len());
            let seg = &mut case.segments[i];
            // Damage the footer, where the schema and offsets live.
            let n = seg.2.len();
            let end = n.saturating_sub(rng.below(9));
            let from = end.saturating_sub(1 + rng.below(400));
            for b in &mut seg.2[from..end] {
                if rng.below(4) == 0 {
                    *b = rng.next_u64() as u8;
                }
            }
            format!("{}/{} footer bytes from {from} scrambled", seg.0, seg.1)
        }
    }
}

/// Flip, truncate, insert, delete or repeat bytes.
fn mutate_bytes(data: &mut Vec<u8>, rng: &mut Rng) -> String {
    let n = data.len();
    if n == 0 {
        data.push(rng.next_u64() as u8);
        return "grown from empty".into();
    }
    match rng.below(6) {
        0 => {
            let count = 1 + rng.below(8);
            for _ in 0..count {
                let i = rng.below(n);
                data[i] ^= 1 << rng.below(8);
            }
            format!("{count} bits flipped")
        }
        1 => {
            let at = rng.below(n);
            data.truncate(at);
            format!("truncated at {at}")
        }
        2 => {
            let at = rng.below(n + 1);
            let len = 1 + rng.below(32);
            let junk: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
            data.splice(at..at, junk);
            format!("{len} random bytes inserted at {at}")
        }
        3 => {
            let at = rng.below(n);
            let len = 1 + rng.below((n - at).min(256));
            data.drain(at..at + len);
            format!("{len} bytes deleted at {at}")
        }
        4 => {
            let at = rng.below(n);
            let len = 1 + rng.below((n - at).min(256));
            let chunk = data[at..at + len].to_vec();
            let to = rng.below(n + 1);
            data.splice(to..to, chunk);
            format!("{len} bytes from {at} repeated at {to}")
        }
        _ => {
            let i = rng.below(n);
            data[i] = *rng.pick(&[0u8, 0xff, b'"', b'{', b'}', b'9', b'-', b'.', b'e', 0x80]);
            format!("byte {i} set to an interesting value")
        }
    }
}

/// The head of `data` followed by the tail of `other`.
fn splice(data: &mut Vec<u8>, other: &[u8], rng: &mut Rng) -> String {
    let at = rng.below(data.len() + 1);
    let from = rng.below(other.len() + 1);
    data.truncate(at);
    data.extend_from_slice(&other[from..]);
    format!("spliced at {at} from {from}")
}

/// Replace, drop or retype one value of the manifest's JSON.
fn edit_json(data: &mut Vec<u8>, rng: &mut Rng) -> String {
    let Ok(mut v) = serde_json::from_slice::<Value>(data) else {
        return format!("manifest {}", mutate_bytes(data, rng));
    };
    let nodes = count_nodes(&v);
    let k = rng.below(nodes);
    let replacement = match rng.below(14) {
        0 => Value::from(0),
        1 => Value::from(-1),
        2 => Value::from(u64::MAX),
        3 => Value::from(u32::MAX as u64 + 1),
        4 => serde_json::json!(1e308),
        5 => serde_json::json!(-0.5),
        6 => Value::from(""),
        7 => Value::from("x\ny"),
        8 => Value::Null,
        9 => Value::from(true),
        10 => serde_json::json!([]),
        11 => serde_json::json!({}),
        12 => Value::from(i64::MIN),
        _ => Value::from("__delete__"),
    };
    let shown = replacement.to_string();
    let mut idx = k;
    replace_nth(&mut v, &mut idx, &replacement);
    *data = serde_json::to_vec_pretty(&v).unwrap();
    format!("manifest node {k} set to {shown}")
}

fn count_nodes(v: &Value) -> usize {
    1 + match v {
        Value::Array(a) => a.iter().map(count_nodes).sum(),
        Value::Object(o) => o.values().map(count_nodes).sum(),
        _ => 0,
    }
}

/// Replace the `k`-th node in pre-order (the string "__delete__" removes an object
/// member instead). Returns true once done.
fn replace_nth(v: &mut Value, k: &mut usize, with: &Value) -> bool {
    if *k == 0 {
        if with.as_str() != Some("__delete__") {
            *v = with.clone();
        }
        return true;
    }
    *k -= 1;
    match v {
        Value::Array(a) => a.iter_mut().any(|c| replace_nth(c, k, with)),
        Value::Object(o) => {
            let keys: Vec<String> = o.keys().cloned().collect();
            for key in keys {
                if *k == 0 && with.as_str() == Some("__delete__") {
                    o.remove(&key);
                    return true;
                }
                if replace_nth(o.get_mut(&key).unwrap(), k, with) {
                    return true;
                }
            }
            false
        }
        _ => false,
    }
}
