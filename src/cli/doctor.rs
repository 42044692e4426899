//! The command line of `gccgo-build doctor`: clap's flags and value enums
//! (what was typed) and their translation into [`DoctorConfig`] (what
//! `doctor::main` runs with). Only this layer knows clap; `doctor` knows
//! only the config and its plain enums.

use std::path::PathBuf;

use crate::doctor::{DoctorConfig, Libc};
use crate::inspect::OutputFormat;
use crate::target::Endian;

/// `gccgo-build doctor` flags.
#[derive(Debug, clap::Args)]
pub struct DoctorArgs {
    /// The executable to check; without it, doctor only recommends a target.
    #[arg(value_name = "BINARY")]
    pub binary: Option<PathBuf>,
    /// The device's `/proc/cpuinfo`.
    #[arg(long, value_name = "FILE")]
    pub cpuinfo: PathBuf,
    /// The device's `uname -a` output (kernel word size, OpenWrt).
    #[arg(long, value_name = "FILE")]
    pub uname: Option<PathBuf>,
    /// The device's `df -h` (or `df`) output (free space on /overlay and /tmp).
    #[arg(long, value_name = "FILE")]
    pub df: Option<PathBuf>,
    /// The device's byte order, when the SoC is not one doctor knows.
    #[arg(long, value_enum)]
    pub endian: Option<EndianArg>,
    /// The device's C library, when uname does not tell (OpenWrt implies musl).
    #[arg(long, value_enum)]
    pub libc: Option<LibcArg>,
    /// Print one JSON object: `{device, binary, findings, recommendation, errors, warnings, exit_status}`.
    #[arg(long)]
    pub json: bool,
}

/// `--endian`: the values clap accepts (`little`, `big`).
// No doc comments on the variants of this enum and the next: clap would
// print them in `--help` as descriptions of the possible values.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum EndianArg {
    Little,
    Big,
}

/// `--libc`: the values clap accepts (`glibc`, `musl`, `uclibc`).
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum LibcArg {
    Glibc,
    Musl,
    Uclibc,
}

impl DoctorArgs {
    /// The configuration `doctor::main` runs with: the same files (as
    /// typed, relative to the working directory), the overrides as plain
    /// enums, and the output format.
    pub fn config(&self) -> DoctorConfig {
        DoctorConfig {
            binary: self.binary.clone(),
            cpuinfo: self.cpuinfo.clone(),
            uname: self.uname.clone(),
            df: self.df.clone(),
            endian: self.endian.map(|e| match e {
                EndianArg::Little => Endian::Little,
                EndianArg::Big => Endian::Big,
            }),
            libc: self.libc.map(|l| match l {
                LibcArg::Glibc => Libc::Glibc,
                LibcArg::Musl => Libc::Musl,
                LibcArg::Uclibc => Libc::Uclibc,
            }),
            format: OutputFormat::from_json_flag(self.json),
        }
    }
}
