//! The catalog: one file per source, holding the source's declaration
//! ([`crate::sources::SourceDef`]) and its tables ([`crate::tables::Table`]). `build.rs`
//! lists the files, so adding a source with its tables is adding one file here.

include!(concat!(env!("OUT_DIR"), "/catalog.rs"));
