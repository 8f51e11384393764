//! The scheduler tools without a query engine, around the pairings they share with
//! the SQL views (queries/views/runq_wait.sql, thread_switch.sql, oncpu_run.sql,
//! offcpu_run.sql): the events per thread ([`events`], [`threads`]), the pairs
//! ([`pairs`]), the rows of each view ([`views`], which tests compare with the SQL
//! views), and the tools runqlat, cpudist and runqslower over those pairs ([`tools`],
//! with the histograms of [`hist`]). Same parameters, same rows, same order as their
//! `queries/*.sql`.

mod events;
mod hist;
mod pairs;
mod threads;
mod tools;
pub mod views;

pub use tools::{cpudist, runqlat, runqslower};
