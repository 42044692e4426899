//! gccgo-build: a build driver for Go programs compiled with gccgo.
//!
//! The pipeline, one module per stage, data flowing one way:
//! `scan` (file headers, build constraints) → `resolve` (import path to
//! directory) → `graph` (petgraph, frozen) → `plan` (exact commands) →
//! `exec` (parallel runner, with `cache`) → `link`. `build` drives it;
//! `cli` turns the command line into a validated configuration.

pub mod build;
pub mod cache;
pub mod cli;
pub mod constraint;
pub mod doctor;
pub mod embed;
pub mod exec;
pub mod gate;
pub mod gomod;
pub mod graph;
pub mod inspect;
pub mod link;
pub mod list;
pub mod overlay;
pub mod plan;
pub mod process;
pub mod profile;
pub mod progress;
pub mod resolve;
pub mod scan;
pub mod target;
pub mod toolchain;

/// Runs the command line of this process; returns the exit status.
///
/// Errors are bad input or a failed build, already worded for the user
/// (`main` prints them as `gccgo-build: error: …`).
pub fn run() -> anyhow::Result<i32> {
    cli::run(std::env::args_os().collect())
}
