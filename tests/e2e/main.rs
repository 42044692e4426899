//! The end-to-end tests, compiled as one test binary (as ripgrep's): one
//! link instead of one per file, and one place for the helpers (`common`).
//! Each module is one area; they run the real binary against the real
//! toolchains (gccgo, objcopy, qemu-user, the soft-float SDKs).

mod architecture;
mod attribution;
mod bisect;
mod buildinfo;
mod cache;
mod cgo;
mod common;
mod compare;
mod cover;
mod failures;
mod faults;
mod flags_table;
mod flash;
mod gate;
mod gobuild;
mod gobuild_refusals;
mod gocmd;
mod gocompat;
mod goenv;
mod goflags;
mod golist;
mod golist_errors;
mod golist_export;
mod gotest;
mod gotest_flags;
mod inspect_doctor;
mod jobserver;
mod main_job;
mod modcmd;
mod moddirect;
mod modfetch;
mod progress;
mod reapi;
mod remote;
mod replay;
mod reproducible;
mod routers;
mod sdk_lto;
mod size;
mod size_why;
mod sysrun;
mod toolchains;
mod workspace;
