//! Integration tests of the `retrace` binary over the committed fixture captures
//! (`fixtures/basic`, made by `fixtures/make.sh`) and small captures written here.
//! Each tool's JSON output is checked against values computed independently from the
//! raw Parquet rows; text output is compared exactly with snapshots.

mod support;

mod bad_input;
mod bio_tools;
mod cli_errors;
mod cpu_tools;
mod diff;
mod docs;
mod native;
mod proc_tools;
mod registry;
mod render_snapshots;
mod signal_tools;
mod sql;
mod stack_tools;
mod time_window;
mod views;
