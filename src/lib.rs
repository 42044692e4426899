//! gccgo-build: a build driver for Go programs compiled with gccgo.
//!
//! The pipeline, one module per stage, data flowing one way:
//! `scan` (file headers, build constraints) → `resolve` (import path to
//! directory) → `graph` (petgraph, frozen) → `plan` (exact commands) →
//! `exec` (parallel runner, with `cache`) → `link`. `build` drives it;
//! `cli` turns the command line into a validated configuration.

// Output goes through `console`, which never panics: a closed stdout ends the
// program quietly, a failing stderr is ignored. These shadow std's macros in
// every module below (macro_rules scope comes before the prelude).
macro_rules! print {
    ($($t:tt)*) => { $crate::console::out(format_args!($($t)*)) };
}
macro_rules! println {
    () => { $crate::console::out(format_args!("\n")) };
    ($($t:tt)*) => { $crate::console::out(format_args!("{}\n", format_args!($($t)*))) };
}
macro_rules! eprint {
    ($($t:tt)*) => { $crate::console::err(format_args!($($t)*)) };
}
macro_rules! eprintln {
    () => { $crate::console::err(format_args!("\n")) };
    ($($t:tt)*) => { $crate::console::err(format_args!("{}\n", format_args!($($t)*))) };
}

pub mod bisect;
pub mod build;
pub mod buildinfo;
pub mod cache;
pub mod cgo;
pub mod cleanup;
pub mod cli;
pub mod compare;
pub mod console;
pub mod constraint;
pub mod cover;
pub mod depgraph;
pub mod doctor;
pub mod embed;
pub mod exec;
pub mod gate;
pub mod gomod;
pub mod gotest;
pub mod graph;
pub mod hint;
pub mod inspect;
pub mod install;
pub mod link;
pub mod list;
pub mod modfetch;
pub mod ninja;
pub mod overlay;
pub mod par;
pub mod plan;
pub mod process;
pub mod profile;
pub mod progress;
pub mod reapi;
pub mod record;
pub mod remote;
pub mod resolve;
pub mod scan;
pub mod sizes;
pub mod store;
pub mod sysrun;
pub mod target;
pub mod test2json;
pub mod testmain;
pub mod toolchain;
pub mod words;
pub mod xflag;

/// Runs the command line of this process; returns the exit status.
///
/// Errors are bad input or a failed build, already worded for the user
/// (`main` prints them as `gccgo-build: error: …`).
pub fn run() -> anyhow::Result<i32> {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == cleanup::REAP_ARG) {
        return Ok(cleanup::reaper_main());
    }
    cleanup::install_signal_handlers();
    cli::run(args)
}
