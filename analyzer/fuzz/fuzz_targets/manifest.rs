//! libFuzzer target: `Manifest::from_json` returns a manifest or an error for any
//! input, and a manifest it accepts survives a write and a read unchanged.
//!
//! From `analyzer/`: `RUSTC_BOOTSTRAP=1 cargo fuzz run manifest /tmp/manifest-corpus
//! fuzz/corpus -- -max_total_time=300` (new inputs go to the first folder; the
//! committed seeds in `fuzz/corpus` are only read).

#![no_main]

use libfuzzer_sys::fuzz_target;
use retrace_schema::Manifest;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(m) = Manifest::from_json(text) {
        let again = Manifest::from_json(&m.to_json()).expect("a written manifest reads back");
        assert_eq!(again, m);
    }
});
