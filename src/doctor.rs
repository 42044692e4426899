//! Doctor: holds an executable (described by `inspect`) against a device
//! described by its `/proc/cpuinfo`, `uname -a` and `df -h` output, and says
//! in plain words what will go wrong and which flags fix it; with no
//! executable it recommends the target for the device.
//!
//! Three pure layers, each unit-tested: parsing (submodule [`device`]:
//! cpuinfo, uname and df folded into a [`Device`]), checking (submodule
//! [`check`](mod@check): one [`Finding`] per problem) and recommending
//! (submodule [`recommend`](mod@recommend)); the text report is formatted
//! by submodule [`render`]. This module reads no ELF itself (it takes
//! `inspect`'s [`ElfInfo`](crate::inspect::ElfInfo)) and runs nothing.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Serialize;

use crate::inspect::{OutputFormat, inspect_file};
pub use crate::target::Endian;

pub mod check;
pub mod device;
pub mod recommend;
pub mod render;

pub use check::{arch_of_elf, check, expected_loader, libc_of_interpreter};
pub use device::{Device, Mount, describe_device};
pub use recommend::{Recommendation, recommend};
pub use render::render_text;

/// What `gccgo-build doctor` runs with (built from the command line by
/// `cli::doctor::DoctorArgs::config`). Paths are relative to the working
/// directory and reported as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoctorConfig {
    /// The executable to check; `None`: only recommend a target.
    pub binary: Option<PathBuf>,
    /// The device's `/proc/cpuinfo`.
    pub cpuinfo: PathBuf,
    /// The device's `uname -a` output.
    pub uname: Option<PathBuf>,
    /// The device's `df -h` (or `df`) output.
    pub df: Option<PathBuf>,
    /// The device's byte order, overriding what the description implies.
    pub endian: Option<Endian>,
    /// The device's C library, overriding what the description implies.
    pub libc: Option<Libc>,
    /// Text report or one JSON object.
    pub format: OutputFormat,
}

/// A device's C library, as `--libc` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Libc {
    /// GNU libc (Debian's toolchains).
    Glibc,
    /// musl (OpenWrt since 17.01).
    Musl,
    /// uClibc (OpenWrt 15.05 and older).
    Uclibc,
}

impl Libc {
    /// The name [`Device::libc`] holds: `glibc`, `musl` or `uclibc`.
    pub fn as_str(self) -> &'static str {
        match self {
            Libc::Glibc => "glibc",
            Libc::Musl => "musl",
            Libc::Uclibc => "uclibc",
        }
    }
}

/// Runs `gccgo-build doctor`; returns 1 when an error-level problem was
/// found, else 0 (warnings alone give 0).
///
/// Errors: a description file or the binary cannot be read, or the binary is not ELF.
pub fn main(cwd: &Path, config: &DoctorConfig) -> Result<i32> {
    let read = |p: &Path| {
        let p = cwd.join(p);
        std::fs::read_to_string(&p)
            .with_context(|| format!("reading device description {}", p.display()))
    };
    let cpuinfo = read(&config.cpuinfo)?;
    let uname = config.uname.as_deref().map(read).transpose()?;
    let df = config.df.as_deref().map(read).transpose()?;
    let mut device = describe_device(&cpuinfo, uname.as_deref(), df.as_deref());
    if let Some(e) = config.endian {
        device.endian = Some(e.as_str().into());
        device.endian_source = Some("--endian".into());
    }
    if let Some(l) = config.libc {
        device.libc = Some(l.as_str().into());
        device.libc_source = Some("--libc".into());
    }
    let binary = match &config.binary {
        Some(b) => {
            let mut info = inspect_file(&cwd.join(b))?;
            info.path = b.display().to_string();
            Some(info)
        }
        None => None,
    };
    // What the file takes on the device's flash (compressed), when the
    // device's free space is known to hold it against.
    let flash = match (&config.binary, &df) {
        (Some(b), Some(_)) => {
            let data =
                std::fs::read(cwd.join(b)).with_context(|| format!("reading {}", b.display()))?;
            Some(crate::sizes::flash::measure(&data)?)
        }
        _ => None,
    };
    let rec = recommend(&device);
    let findings = match &binary {
        Some(b) => check::check_on_flash(b, &device, &rec, flash.as_ref()),
        None => Vec::new(),
    };
    let (errors, warnings) = tally(&findings);
    let status = i32::from(errors > 0);
    if config.format == OutputFormat::Json {
        let v = serde_json::json!({
            "device": device,
            "binary": binary,
            "flash": flash,
            "findings": findings,
            "recommendation": rec,
            "errors": errors,
            "warnings": warnings,
            "exit_status": status,
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        let text = render_text(&device, binary.as_ref(), &findings, &rec);
        print!("{}", render::with_flash(&text, flash.as_ref(), &device));
    }
    Ok(status)
}

/// How bad a finding is: errors make the exit status 1.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The program will not run, or not as built: exit status 1.
    Error,
    /// It runs, but badly or only with help (slow FPU emulation, a libgo to install).
    Warning,
    /// Something doctor could not check.
    Note,
}

/// One problem: what is wrong, what the user will see, how to fix it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Finding {
    /// How bad it is.
    pub severity: Severity,
    /// Stable identifier: `wrong-machine`, `wrong-word-size`, `wrong-endianness`,
    /// `endianness-unknown`, `isa-too-new`, `hard-float-without-fpu`,
    /// `missing-interpreter`, `libgo-shared`, `too-big`, `fits-only-tmp`.
    pub code: String,
    /// What is wrong, in one sentence.
    pub problem: String,
    /// What the user sees on the device (the error message), when there is one.
    pub symptom: Option<String>,
    /// How to fix it: the flags or commands to use.
    pub fix: Option<String>,
}

/// How many of `findings` are errors and how many warnings (notes are not counted).
fn tally(findings: &[Finding]) -> (usize, usize) {
    let count = |sev| findings.iter().filter(|f| f.severity == sev).count();
    (count(Severity::Error), count(Severity::Warning))
}
