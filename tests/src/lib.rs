//! Test support for retrace: the generator of the committed fixture captures
//! (`fixtures/`, written by `fixtures/make.sh` through the `make-fixtures` binary).

pub mod fixture;
pub mod rng;
pub mod synthetic;
