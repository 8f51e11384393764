//! Naming stack frames offline, from what the capture saved: kernel frames through
//! `kernel_symbols` (a frame belongs to the symbol with the greatest address not above
//! it), user frames through `user_symbols` on (pid, address), with `user_mappings` for
//! a file+offset name when no symbol is known. Built once per tool run from the frames
//! the result actually needs, so that the cost follows unique stacks, not samples.

use std::collections::{HashMap, HashSet};

use arrow::array::{Array, AsArray, RecordBatch};
use arrow::datatypes::{UInt32Type, UInt64Type};

use crate::error::{Error, Result};
use crate::session::{Params, Session};

/// Name of a frame that nothing covers.
pub const UNKNOWN: &str = "[unknown]";

/// A kernel text symbol.
#[derive(Debug, Clone)]
struct KernelSym {
    addr: u64,
    name: String,
}

/// What the recording host knew about one user address of one process.
#[derive(Debug, Clone, Default)]
struct UserSym {
    symbol: Option<String>,
    offset: Option<u64>,
    module: Option<String>,
}

/// A file mapping of a process.
#[derive(Debug, Clone)]
struct Mapping {
    start: u64,
    end: u64,
    file_offset: u64,
    path: String,
}

/// The symbols of one capture, restricted to the frames that are to be named.
#[derive(Debug, Default)]
pub struct Symbols {
    /// Sorted by address, one symbol per address.
    kernel: Vec<KernelSym>,
    user: HashMap<(u32, u64), UserSym>,
    mappings: HashMap<u32, Vec<Mapping>>,
    /// Add `+0x..` (offset into the function) to named frames.
    pub offsets: bool,
}

/// The frames of stacks by (user, stack id), leaf first.
pub type StackFrames = HashMap<(bool, u32), Vec<u64>>;

fn column<'a>(b: &'a RecordBatch, name: &str) -> Result<&'a dyn Array> {
    b.column_by_name(name)
        .map(|c| c.as_ref())
        .ok_or_else(|| Error::Internal(format!("capture table has no column `{name}`")))
}

fn u64_at(b: &RecordBatch, name: &str, i: usize) -> Result<Option<u64>> {
    let c = column(b, name)?;
    let v = c
        .as_primitive_opt::<UInt64Type>()
        .ok_or_else(|| Error::Data(format!("column `{name}` is not u64")))?;
    Ok((!v.is_null(i)).then(|| v.value(i)))
}

fn u32_at(b: &RecordBatch, name: &str, i: usize) -> Result<u32> {
    let c = column(b, name)?;
    let v = c
        .as_primitive_opt::<UInt32Type>()
        .ok_or_else(|| Error::Data(format!("column `{name}` is not u32")))?;
    Ok(v.value(i))
}

fn str_at(b: &RecordBatch, name: &str, i: usize) -> Result<Option<String>> {
    let c = column(b, name)?;
    let v = c
        .as_string_opt::<i32>()
        .ok_or_else(|| Error::Data(format!("column `{name}` is not a string")))?;
    Ok((!v.is_null(i)).then(|| v.value(i).to_string()))
}

/// Read the frames of the given stacks from the `stacks` table.
pub async fn load_stacks(
    session: &mut Session,
    wanted: &HashSet<(bool, u32)>,
) -> Result<StackFrames> {
    let mut out = StackFrames::new();
    if wanted.is_empty() {
        return Ok(out);
    }
    let result = session
        .query(
            "SELECT stack_id, \"user\", frames FROM stacks",
            &Params::new(),
        )
        .await?;
    for b in &result.batches {
        let user = column(b, "user")?.as_boolean();
        let frames = column(b, "frames")?.as_list::<i32>();
        for i in 0..b.num_rows() {
            let key = (user.value(i), u32_at(b, "stack_id", i)?);
            if !wanted.contains(&key) || frames.is_null(i) {
                continue;
            }
            let list = frames.value(i);
            let addrs = list.as_primitive::<UInt64Type>();
            out.insert(key, addrs.iter().flatten().collect());
        }
    }
    Ok(out)
}

impl Symbols {
    /// Load what names these frames: kernel symbols when any kernel frame is wanted,
    /// and the user symbols and mappings of the wanted (pid, address) pairs.
    pub async fn load(
        session: &mut Session,
        kernel_wanted: bool,
        user_wanted: &HashSet<(u32, u64)>,
    ) -> Result<Symbols> {
        let mut s = Symbols::default();
        if kernel_wanted {
            let r = session
                .query("SELECT addr, name FROM kernel_symbols", &Params::new())
                .await?;
            for b in &r.batches {
                for i in 0..b.num_rows() {
                    s.kernel.push(KernelSym {
                        addr: u64_at(b, "addr", i)?.unwrap_or(0),
                        name: str_at(b, "name", i)?.unwrap_or_default(),
                    });
                }
            }
            // Aliases share an address: keep the alphabetically first name, so the
            // choice does not depend on the order of kallsyms.
            s.kernel
                .sort_by(|a, b| a.addr.cmp(&b.addr).then_with(|| a.name.cmp(&b.name)));
            s.kernel.dedup_by_key(|k| k.addr);
        }
        if user_wanted.is_empty() {
            return Ok(s);
        }
        let pids: HashSet<u32> = user_wanted.iter().map(|(p, _)| *p).collect();
        let r = session
            .query(
                "SELECT pid, addr, symbol, \"offset\", module FROM user_symbols",
                &Params::new(),
            )
            .await?;
        for b in &r.batches {
            for i in 0..b.num_rows() {
                let key = (u32_at(b, "pid", i)?, u64_at(b, "addr", i)?.unwrap_or(0));
                if !user_wanted.contains(&key) {
                    continue;
                }
                s.user.insert(
                    key,
                    UserSym {
                        symbol: str_at(b, "symbol", i)?,
                        offset: u64_at(b, "offset", i)?,
                        module: str_at(b, "module", i)?,
                    },
                );
            }
        }
        let r = session
            .query(
                "SELECT pid, start, \"end\", file_offset, path FROM user_mappings",
                &Params::new(),
            )
            .await?;
        for b in &r.batches {
            for i in 0..b.num_rows() {
                let pid = u32_at(b, "pid", i)?;
                if !pids.contains(&pid) {
                    continue;
                }
                s.mappings.entry(pid).or_default().push(Mapping {
                    start: u64_at(b, "start", i)?.unwrap_or(0),
                    end: u64_at(b, "end", i)?.unwrap_or(0),
                    file_offset: u64_at(b, "file_offset", i)?.unwrap_or(0),
                    path: str_at(b, "path", i)?.unwrap_or_default(),
                });
            }
        }
        Ok(s)
    }

    /// The name of a kernel frame: its symbol (`vfs_read`, or `vfs_read+0x9e` with
    /// offsets), `[unknown]` below the first symbol.
    pub fn kernel(&self, addr: u64) -> String {
        let i = self.kernel.partition_point(|k| k.addr <= addr);
        match i.checked_sub(1).map(|i| &self.kernel[i]) {
            None => UNKNOWN.to_string(),
            Some(k) if self.offsets => clean(&format!("{}+{:#x}", k.name, addr - k.addr)),
            Some(k) => clean(&k.name),
        }
    }

    /// The name of a user frame of process `pid`: its symbol; else the file that
    /// holds it and the offset in that file (`libc.so.6+0x134570`) when a mapping
    /// covers it, or `[libc.so.6]` when only the file is known; else `[unknown]`.
    pub fn user(&self, pid: u32, addr: u64) -> String {
        let known = self.user.get(&(pid, addr));
        if let Some(UserSym {
            symbol: Some(name),
            offset,
            ..
        }) = known
        {
            return match offset {
                Some(off) if self.offsets => clean(&format!("{name}+{off:#x}")),
                _ => clean(name),
            };
        }
        let mapping = self
            .mappings
            .get(&pid)
            .and_then(|ms| ms.iter().find(|m| m.start <= addr && addr < m.end));
        if let Some(m) = mapping {
            let off = addr - m.start + m.file_offset;
            return clean(&format!("{}+{off:#x}", basename(&m.path)));
        }
        match known.and_then(|k| k.module.as_deref()) {
            Some(module) => clean(&format!("[{}]", basename(module))),
            None => UNKNOWN.to_string(),
        }
    }
}

fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// A name safe in folded stacks: `;` separates frames and a line holds one stack, so
/// semicolons become `:` and control characters `?`.
pub fn clean(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            ';' => ':',
            c if c.is_control() => '?',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn symbols() -> Symbols {
        let mut s = Symbols::default();
        for (addr, name) in [
            (0x1000, "a"),
            (0x2000, "b"),
            (0x2000, "_b_alias"),
            (0x3000, "c"),
        ] {
            s.kernel.push(KernelSym {
                addr,
                name: name.into(),
            });
        }
        s.kernel
            .sort_by(|a, b| a.addr.cmp(&b.addr).then_with(|| a.name.cmp(&b.name)));
        s.kernel.dedup_by_key(|k| k.addr);
        s.user.insert(
            (7, 0x40_0010),
            UserSym {
                symbol: Some("main".into()),
                offset: Some(0x10),
                module: Some("/bin/x".into()),
            },
        );
        s.user.insert(
            (7, 0x7000_0100),
            UserSym {
                symbol: None,
                offset: None,
                module: Some("/lib/libc.so.6".into()),
            },
        );
        s.user.insert(
            (7, 0x9000_0000),
            UserSym {
                symbol: None,
                offset: None,
                module: Some("/lib/libm.so.6".into()),
            },
        );
        s.mappings.insert(
            7,
            vec![Mapping {
                start: 0x7000_0000,
                end: 0x7100_0000,
                file_offset: 0x2000,
                path: "/lib/libc.so.6".into(),
            }],
        );
        s
    }

    #[test]
    fn kernel_frames_belong_to_the_greatest_symbol_not_above_them() {
        let mut s = symbols();
        assert_eq!(s.kernel(0xfff), UNKNOWN);
        assert_eq!(s.kernel(0x1000), "a");
        assert_eq!(s.kernel(0x1fff), "a");
        assert_eq!(s.kernel(0x2001), "_b_alias");
        assert_eq!(s.kernel(0x9999), "c");
        s.offsets = true;
        assert_eq!(s.kernel(0x1a1a), "a+0xa1a");
        assert_eq!(s.kernel(0x3000), "c+0x0");
    }

    #[test]
    fn user_frames_by_pid_and_address_with_fallbacks() {
        let mut s = symbols();
        assert_eq!(s.user(7, 0x40_0010), "main");
        assert_eq!(s.user(8, 0x40_0010), UNKNOWN, "another process");
        assert_eq!(s.user(7, 0x7000_0100), "libc.so.6+0x2100");
        assert_eq!(s.user(7, 0x7000_0200), "libc.so.6+0x2200", "mapped, no row");
        assert_eq!(s.user(7, 0x9000_0000), "[libm.so.6]");
        s.offsets = true;
        assert_eq!(s.user(7, 0x40_0010), "main+0x10");
    }

    #[test]
    fn names_are_safe_in_folded_lines() {
        assert_eq!(clean("a;b\nc"), "a:b?c");
    }
}
