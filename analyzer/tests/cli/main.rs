//! Integration tests of the `retrace` binary over the committed fixture captures
//! (`fixtures/basic`, made by `fixtures/make.sh`) and small captures written here.
//! Each tool's JSON output is checked against values computed independently from the
//! raw Parquet rows; text output is compared exactly with snapshots.

mod support;

// One module per other file of this folder (listed by build.rs): a chapter's tests
// are registered by adding the file.
include!(concat!(env!("OUT_DIR"), "/cli_tests.rs"));
