//! Render: the human report of `gccgo-build doctor`, as plain text: the
//! device, the binary, each finding with its symptom and fix, the
//! recommended target, and a closing count. It only formats what the other
//! layers decided (the [`Device`], [`check`](fn@super::check)'s findings, the
//! [`Recommendation`]); it decides nothing and prints nothing itself. The
//! `--json` output is serialized from the same values in `doctor::main`.

use super::{Device, Finding, Recommendation, Severity, tally};
use crate::inspect::{ElfInfo, human_bytes};

/// The human report: device, binary, findings (each with symptom and fix),
/// the recommended target, and a closing count.
pub fn render_text(
    d: &Device,
    b: Option<&ElfInfo>,
    findings: &[Finding],
    r: &Recommendation,
) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "device: {}{}",
        d.board.as_deref().unwrap_or("(no board name)"),
        d.system_type
            .as_deref()
            .map(|t| format!(" ({t})"))
            .unwrap_or_default()
    );
    let _ = writeln!(s, "  cpu: {}", d.cpu_model.as_deref().unwrap_or("unknown"));
    let _ = writeln!(
        s,
        "  arch: {}, {}, {}",
        d.arch,
        d.bits
            .map(|b| format!("{b}-bit kernel"))
            .unwrap_or_else(|| "word size unknown".into()),
        match (&d.endian, &d.endian_source) {
            (Some(e), Some(src)) => format!("{e}-endian ({src})"),
            _ => "byte order unknown".into(),
        }
    );
    if !d.isa.is_empty() {
        let _ = writeln!(s, "  isa: {}", d.isa.join(" "));
    }
    let _ = writeln!(
        s,
        "  fpu: {}",
        match (d.fpu, &d.fpu_source) {
            (Some(f), Some(src)) => format!("{} ({src})", if f { "yes" } else { "no" }),
            _ => "unknown".into(),
        }
    );
    if d.kernel.is_some() || d.libc.is_some() {
        let _ = writeln!(
            s,
            "  system: {}kernel {}, libc {}",
            if d.openwrt { "OpenWrt, " } else { "" },
            d.kernel.as_deref().unwrap_or("?"),
            match (&d.libc, &d.libc_source) {
                (Some(l), Some(src)) => format!("{l} ({src})"),
                _ => "unknown".into(),
            }
        );
    }
    for m in &d.mounts {
        if matches!(m.mounted_on.as_str(), "/" | "/overlay" | "/tmp") {
            let _ = writeln!(
                s,
                "  free on {}: {}",
                m.mounted_on,
                human_bytes(m.available)
            );
        }
    }
    if let Some(b) = b {
        let _ = writeln!(
            s,
            "binary: {}: ELF{} {} {}-endian (GOARCH {}){}{}, {}{}, {}",
            b.path,
            b.class,
            b.machine,
            b.endian,
            b.goarch.as_deref().unwrap_or("?"),
            b.mips
                .as_ref()
                .map(|m| format!(", {} {}", m.abi, m.isa))
                .unwrap_or_default(),
            b.float_abi
                .as_ref()
                .map(|f| format!(", {} float", f.abi))
                .unwrap_or_default(),
            b.linkage,
            b.interpreter
                .as_deref()
                .map(|i| format!(" ({i})"))
                .unwrap_or_default(),
            human_bytes(b.file_size)
        );
    }
    for f in findings {
        let sev = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        };
        let _ = writeln!(s, "\n{sev}: {}", f.problem);
        if let Some(x) = &f.symptom {
            let _ = writeln!(s, "  symptom: {x}");
        }
        if let Some(x) = &f.fix {
            let _ = writeln!(s, "  fix: {x}");
        }
    }
    let _ = writeln!(s, "\nrecommended target for this device:");
    let opt = |o: &Option<String>| o.clone().unwrap_or_else(|| "unknown".into());
    let _ = writeln!(s, "  triple: {}", opt(&r.triple));
    if let Some(o) = &r.openwrt_triple {
        let _ = writeln!(s, "  openwrt triple: {o}");
    }
    let _ = writeln!(s, "  goarch: {}", opt(&r.goarch));
    let _ = writeln!(s, "  float abi: {}", r.float_abi);
    if !r.gccgoflags.is_empty() {
        let _ = writeln!(s, "  gccgoflags: {}", r.gccgoflags.join(" "));
    }
    if !r.ldflags.is_empty() {
        let _ = writeln!(s, "  ldflags: {}", r.ldflags.join(" "));
    }
    let _ = writeln!(s, "  link: {}", r.link);
    if !r.gc_env.is_empty() {
        let _ = writeln!(s, "  gc equivalent: {}", r.gc_env.join(" "));
    }
    if let Some(p) = &r.profile {
        let _ = writeln!(s, "  profile: {p}");
    }
    if let Some(c) = &r.qemu_cpu {
        let _ = writeln!(s, "  qemu cpu: {c}");
    }
    if let Some(c) = &r.command {
        let _ = writeln!(s, "  command: {c}");
    }
    if let Some(c) = &r.qemu_command {
        let _ = writeln!(s, "  try it: {c}");
    }
    if let Some(c) = r
        .debian_command
        .as_ref()
        .filter(|c| Some(*c) != r.command.as_ref())
    {
        let _ = writeln!(s, "  with Debian's toolchain: {c}");
    }
    for n in &r.notes {
        let _ = writeln!(s, "  note: {n}");
    }
    if b.is_some() {
        let (errors, warnings) = tally(findings);
        let _ = writeln!(
            s,
            "\n{}",
            if errors + warnings == 0 {
                "result: no problems found".to_string()
            } else {
                format!("result: {errors} problem(s), {warnings} warning(s)")
            }
        );
    }
    s
}
