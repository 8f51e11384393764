//! The layout of a BPF object's records, read from its BTF: each `struct rt_*`'s size
//! and fields (offset, width, signedness, array length), and each record's kind
//! (enumerator `RT_KIND_<NAME>` for `struct rt_<name>`). This is what lets a table
//! declaration name record fields instead of Rust code mirroring C structs.

use std::collections::HashMap;

use anyhow::{anyhow, Context, Result};
use libbpf_rs::btf::types::{Array, DataSec, Enum, Int, IntEncoding, MemberAttr, Struct};
use libbpf_rs::btf::{Btf, BtfKind, BtfType, HasSize};

/// A scalar or array field of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldLayout {
    pub offset: usize,
    /// Bytes of one element (the whole field for scalars).
    pub size: usize,
    pub signed: bool,
    /// Elements of an array field (`char comm[16]`: 16); None for scalars.
    pub len: Option<usize>,
}

/// A record struct.
#[derive(Debug, Clone)]
pub struct RecordLayout {
    pub name: String,
    pub size: usize,
    pub fields: HashMap<String, FieldLayout>,
}

impl RecordLayout {
    pub fn field(&self, name: &str) -> Result<FieldLayout> {
        self.fields
            .get(name)
            .copied()
            .ok_or_else(|| anyhow!("struct {} has no field {name}", self.name))
    }
}

/// The records of one BPF object.
#[derive(Debug, Clone, Default)]
pub struct ObjectLayouts {
    pub records: HashMap<String, RecordLayout>,
    /// Record struct name → kind value.
    pub kinds: HashMap<String, u32>,
    /// Named constants of `rt_*` enums (kinds, limits), by enumerator name.
    pub constants: HashMap<String, i64>,
    /// Global variables by section (`.rodata`, `.bss`): name → (offset, size).
    pub globals: HashMap<String, HashMap<String, (usize, usize)>>,
}

impl ObjectLayouts {
    /// Read from the object as compiled (no kernel needed).
    pub fn of_object(name: &str, bytes: &[u8]) -> Result<Self> {
        let btf = Btf::from_raw(name, bytes)
            .with_context(|| format!("reading the BTF of BPF object {name}"))?
            .ok_or_else(|| anyhow!("BPF object {name} has no BTF"))?;
        let mut out = ObjectLayouts::default();
        for s in btf.type_by_kind::<Struct<'_>>() {
            let Some(name) = s.name().and_then(|n| n.to_str()) else {
                continue;
            };
            if !name.starts_with("rt_") {
                continue;
            }
            out.records
                .insert(name.to_string(), record(&btf, name, &s)?);
        }
        for e in btf.type_by_kind::<Enum<'_>>() {
            for m in e.iter() {
                let Some(n) = m.name.and_then(|n| n.to_str()) else {
                    continue;
                };
                if !n.starts_with("RT_") {
                    continue;
                }
                out.constants.insert(n.to_string(), m.value);
                if let Some(rest) = n.strip_prefix("RT_KIND_") {
                    out.kinds
                        .insert(format!("rt_{}", rest.to_ascii_lowercase()), m.value as u32);
                }
            }
        }
        for sec in btf.type_by_kind::<DataSec<'_>>() {
            let Some(sec_name) = sec.name().and_then(|n| n.to_str()) else {
                continue;
            };
            let vars = out.globals.entry(sec_name.to_string()).or_default();
            for v in sec.iter() {
                let name = btf
                    .type_by_id::<BtfType<'_>>(v.ty)
                    .and_then(|t| t.name().and_then(|n| n.to_str()).map(str::to_string));
                if let Some(name) = name {
                    vars.insert(name, (v.offset as usize, v.size));
                }
            }
        }
        Ok(out)
    }

    /// Offset and size of a global variable in a section (`.rodata`, `.bss`).
    pub fn global(&self, section: &str, name: &str) -> Option<(usize, usize)> {
        self.globals.get(section)?.get(name).copied()
    }

    pub fn record(&self, name: &str) -> Result<&RecordLayout> {
        self.records
            .get(name)
            .ok_or_else(|| anyhow!("the BPF object has no struct {name} in its BTF"))
    }

    /// The kind value of a record, from its `RT_KIND_*` enumerator.
    pub fn kind(&self, record: &str) -> Result<u32> {
        self.kinds.get(record).copied().ok_or_else(|| {
            anyhow!(
                "the BPF object has no enumerator RT_KIND_{} for struct {record}",
                record.trim_start_matches("rt_").to_ascii_uppercase()
            )
        })
    }
}

fn record(btf: &Btf<'_>, name: &str, s: &Struct<'_>) -> Result<RecordLayout> {
    let mut fields = HashMap::new();
    for m in s.iter() {
        let Some(fname) = m.name.and_then(|n| n.to_str()) else {
            continue;
        };
        let MemberAttr::Normal { offset } = m.attr else {
            continue; // bitfields: never used in records
        };
        let ty: BtfType<'_> = btf
            .type_by_id::<BtfType<'_>>(m.ty)
            .ok_or_else(|| anyhow!("{name}.{fname}: unknown BTF type"))?
            .skip_mods_and_typedefs();
        if let Some(f) = field(btf, (offset / 8) as usize, ty) {
            fields.insert(fname.to_string(), f);
        }
    }
    Ok(RecordLayout {
        name: name.to_string(),
        size: s.size(),
        fields,
    })
}

fn field(btf: &Btf<'_>, offset: usize, ty: BtfType<'_>) -> Option<FieldLayout> {
    match ty.kind() {
        BtfKind::Int => {
            let i = Int::try_from(ty).ok()?;
            Some(FieldLayout {
                offset,
                size: usize::from(i.bits / 8),
                signed: matches!(i.encoding, IntEncoding::Signed),
                len: None,
            })
        }
        BtfKind::Enum => Some(FieldLayout {
            offset,
            size: Enum::try_from(ty).ok()?.size(),
            signed: false,
            len: None,
        }),
        BtfKind::Ptr => Some(FieldLayout {
            offset,
            size: 8,
            signed: false,
            len: None,
        }),
        BtfKind::Array => {
            let a = Array::try_from(ty).ok()?;
            let elem = btf
                .type_by_id::<BtfType<'_>>(a.ty())?
                .skip_mods_and_typedefs();
            let e = field(btf, offset, elem)?;
            Some(FieldLayout {
                len: Some(a.capacity()),
                ..e
            })
        }
        _ => None,
    }
}
