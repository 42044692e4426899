//! Render: the human report of `gccgo-build doctor`, as plain text: the
//! device, the binary, each finding with its symptom and fix, the
//! recommended target, and a closing count. It only formats what the other
//! layers decided (the [`Device`], [`check`](fn@super::check)'s findings, the
//! [`Recommendation`]); it decides nothing and prints nothing itself. The
//! `--json` output is serialized from the same values in `doctor::main`.

use super::{Device, Finding, Recommendation, Severity, tally};
use crate::inspect::{ElfInfo, human_bytes};
use crate::sizes::flash::Flash;

/// The human report: device, binary, findings (each with symptom and fix),
/// the recommended target, and a closing count.
pub fn render_text(
    d: &Device,
    b: Option<&ElfInfo>,
    findings: &[Finding],
    r: &Recommendation,
) -> String {
    let mut s = String::new();
    render_device(&mut s, d);
    if let Some(b) = b {
        render_binary(&mut s, b);
    }
    render_findings(&mut s, findings);
    render_recommendation(&mut s, r);
    if b.is_some() {
        let (errors, warnings) = tally(findings);
        line(
            &mut s,
            format_args!(
                "\n{}",
                if errors + warnings == 0 {
                    "result: no problems found".to_string()
                } else {
                    format!("result: {errors} problem(s), {warnings} warning(s)")
                }
            ),
        );
    }
    s
}

/// `text` (from [`render_text`]) with a line after the `binary:` line
/// saying what the binary takes on the device's flash, and which figure
/// counts against the persistent file system's free space: zlib's on a
/// JFFS2 overlay ([`super::check::jffs2`]), else the file's size.
/// `text` unchanged when `flash` is `None`.
pub fn with_flash(text: &str, flash: Option<&Flash>, d: &Device) -> String {
    let Some(f) = flash else {
        return text.to_string();
    };
    let mount = |p: &str| d.mounts.iter().find(|m| m.mounted_on == p);
    let counts = match mount("/overlay").or_else(|| mount("/")) {
        Some(m) if super::check::jffs2(m) => format!(
            "; {} is JFFS2 (on {}): the zlib figure is what its {} free are spent on",
            m.mounted_on,
            m.filesystem,
            human_bytes(m.available)
        ),
        Some(m) => format!(
            "; {} is not JFFS2 (on {}): the file's size counts",
            m.mounted_on, m.filesystem
        ),
        None => String::new(),
    };
    let note = format!(
        "  on flash: {}{counts}\n",
        crate::sizes::flash::describe(f, human_bytes)
    );
    let mut out = String::with_capacity(text.len() + note.len());
    for l in text.split_inclusive('\n') {
        out.push_str(l);
        if l.starts_with("binary: ") {
            out.push_str(&note);
        }
    }
    out
}

/// Appends one line.
fn line(s: &mut String, text: std::fmt::Arguments) {
    use std::fmt::Write;
    // Writing to a String cannot fail.
    let _ = writeln!(s, "{text}");
}

/// The `device:` block: board and SoC, cpu, family/word size/byte order,
/// ISA, FPU, system and libc, free space on `/`, `/overlay` and `/tmp`.
fn render_device(s: &mut String, d: &Device) {
    line(
        s,
        format_args!(
            "device: {}{}",
            d.board.as_deref().unwrap_or("(no board name)"),
            d.system_type
                .as_deref()
                .map(|t| format!(" ({t})"))
                .unwrap_or_default()
        ),
    );
    line(
        s,
        format_args!("  cpu: {}", d.cpu_model.as_deref().unwrap_or("unknown")),
    );
    line(
        s,
        format_args!(
            "  arch: {}, {}, {}",
            d.arch,
            d.bits
                .map(|b| format!("{b}-bit kernel"))
                .unwrap_or_else(|| "word size unknown".into()),
            match (&d.endian, &d.endian_source) {
                (Some(e), Some(src)) => format!("{e}-endian ({src})"),
                _ => "byte order unknown".into(),
            }
        ),
    );
    if !d.isa.is_empty() {
        line(s, format_args!("  isa: {}", d.isa.join(" ")));
    }
    let fpu = match (d.fpu, &d.fpu_source) {
        (Some(f), Some(src)) => format!("{} ({src})", if f { "yes" } else { "no" }),
        _ => "unknown".into(),
    };
    line(s, format_args!("  fpu: {fpu}"));
    if d.kernel.is_some() || d.libc.is_some() {
        line(
            s,
            format_args!(
                "  system: {}kernel {}, libc {}",
                if d.openwrt { "OpenWrt, " } else { "" },
                d.kernel.as_deref().unwrap_or("?"),
                match (&d.libc, &d.libc_source) {
                    (Some(l), Some(src)) => format!("{l} ({src})"),
                    _ => "unknown".into(),
                }
            ),
        );
    }
    for m in &d.mounts {
        if matches!(m.mounted_on.as_str(), "/" | "/overlay" | "/tmp") {
            line(
                s,
                format_args!("  free on {}: {}", m.mounted_on, human_bytes(m.available)),
            );
        }
    }
}

/// The one `binary:` line: class, machine, byte order, GOARCH, MIPS ABI
/// and ISA, float ABI, linkage and interpreter, size.
fn render_binary(s: &mut String, b: &ElfInfo) {
    line(
        s,
        format_args!(
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
        ),
    );
}

/// Each finding: `severity: problem`, then its symptom and fix.
fn render_findings(s: &mut String, findings: &[Finding]) {
    for f in findings {
        let sev = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        };
        line(s, format_args!("\n{sev}: {}", f.problem));
        if let Some(x) = &f.symptom {
            line(s, format_args!("  symptom: {x}"));
        }
        if let Some(x) = &f.fix {
            line(s, format_args!("  fix: {x}"));
        }
    }
}

/// The `recommended target` block: triples, GOARCH, float ABI, flags, link
/// mode, gc equivalent, profile, qemu, commands and notes.
fn render_recommendation(s: &mut String, r: &Recommendation) {
    let opt = |o: &Option<String>| o.clone().unwrap_or_else(|| "unknown".into());
    line(s, format_args!("\nrecommended target for this device:"));
    line(s, format_args!("  triple: {}", opt(&r.triple)));
    if let Some(o) = &r.openwrt_triple {
        line(s, format_args!("  openwrt triple: {o}"));
    }
    line(s, format_args!("  goarch: {}", opt(&r.goarch)));
    line(s, format_args!("  float abi: {}", r.float_abi));
    if !r.gccgoflags.is_empty() {
        line(s, format_args!("  gccgoflags: {}", r.gccgoflags.join(" ")));
    }
    if !r.ldflags.is_empty() {
        line(s, format_args!("  ldflags: {}", r.ldflags.join(" ")));
    }
    line(s, format_args!("  link: {}", r.link));
    if !r.gc_env.is_empty() {
        line(s, format_args!("  gc equivalent: {}", r.gc_env.join(" ")));
    }
    let optional = [
        ("profile", &r.profile),
        ("qemu cpu", &r.qemu_cpu),
        ("command", &r.command),
        ("try it", &r.qemu_command),
    ];
    for (label, v) in optional {
        if let Some(v) = v {
            line(s, format_args!("  {label}: {v}"));
        }
    }
    if let Some(c) = r
        .debian_command
        .as_ref()
        .filter(|c| Some(*c) != r.command.as_ref())
    {
        line(s, format_args!("  with Debian's toolchain: {c}"));
    }
    for n in &r.notes {
        line(s, format_args!("  note: {n}"));
    }
}
