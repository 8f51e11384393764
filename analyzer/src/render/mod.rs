//! Renderers: the text layouts of the book's tools, written to `impl Write` so tests
//! compare exact text. `rows` gives typed access to query results, `hist` prints
//! libbpf-tools log2 histograms, `linear` bcc's linear ones, `sections` groups
//! histogram rows into intervals and per-key sections, `events` and `histogram` print
//! the declared event-list and log2-histogram layouts.

pub mod events;
pub mod hist;
pub mod histogram;
pub mod linear;
pub mod rows;
pub mod sections;

pub use hist::print_log2_hist;
pub use rows::Rows;
