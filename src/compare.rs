//! `gccgo-build compare`: the same packages through several toolchains
//! (and flags), side by side: build time, sizes, program output, tests.

pub mod spec;
