//! Inspect: what an ELF executable is, read from the file alone. Class,
//! byte order, machine, the MIPS ISA and ABI, the float ABI, static or
//! dynamic, the interpreter and `NEEDED` libraries, whether libgo is linked
//! in, the compiler version (`.comment`), gccgo's `.go_export`, gc's
//! `.go.buildinfo`, and the size of every section.
//!
//! The facts come from the ELF headers and a few sections, parsed with the
//! `object` crate; the encodings follow binutils (`include/elf/mips.h`,
//! `include/elf/ppc.h`, `readelf.c`) and Go's `debug/buildinfo`. This module
//! knows nothing of devices: `doctor` holds an [`ElfInfo`] against one.

use std::path::Path;

use anyhow::{Context, Result, bail};
use object::elf;
use object::read::elf::{ElfFile, FileHeader, ProgramHeader, SectionHeader};
use object::{Endianness, Object, ObjectSymbol};
use serde::Serialize;

pub mod decode;

use decode::{float_abi, gnu_attribute_fp};
pub use decode::{gcc_version, goarch_for, machine_name, mips_fp_abi, mips_info, parse_buildinfo};

/// How `inspect` and `doctor` print their result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// One `field: value` per line (inspect) or a report (doctor).
    Text,
    /// One pretty-printed JSON object.
    Json,
}

impl OutputFormat {
    /// `Json` when a `--json` flag was given, else `Text`.
    pub fn from_json_flag(json: bool) -> OutputFormat {
        if json {
            OutputFormat::Json
        } else {
            OutputFormat::Text
        }
    }
}

/// What `gccgo-build inspect` runs with (built from the command line by
/// `cli::inspect::InspectArgs::config`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectConfig {
    /// The ELF file, relative to the working directory; reported as given.
    pub binary: std::path::PathBuf,
    /// Text or JSON.
    pub format: OutputFormat,
}

/// Runs `gccgo-build inspect`; returns the exit status (0; errors for a file
/// that cannot be read or is not ELF).
pub fn main(cwd: &Path, config: &InspectConfig) -> Result<i32> {
    let mut info = inspect_file(&cwd.join(&config.binary))?;
    info.path = config.binary.display().to_string();
    match config.format {
        OutputFormat::Json => println!("{}", serde_json::to_string_pretty(&info)?),
        OutputFormat::Text => print!("{}", render_text(&info)),
    }
    Ok(0)
}

/// Everything `inspect` reports about one ELF file. Serialized as is for
/// `--json`: the field names are stable, and each field's JSON form is
/// given below (null for `None`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ElfInfo {
    /// The file as named on the command line (string).
    pub path: String,
    /// Size of the file in bytes.
    pub file_size: u64,
    /// ELF class: 32 or 64.
    pub class: u8,
    /// `"little"` or `"big"`.
    pub endian: String,
    /// Readable machine name (`"MIPS"`, `"PowerPC"`, `"Alpha"`, `"x86-64"` …).
    pub machine: String,
    /// The raw `e_machine` number.
    pub e_machine: u16,
    /// The GOARCH this file fits, or null.
    pub goarch: Option<String>,
    /// `"EXEC"`, `"DYN"`, `"REL"`, `"CORE"` or the number.
    pub elf_type: String,
    /// Position-independent executable (bool).
    pub pie: bool,
    /// The raw header flags (number).
    pub e_flags: u32,
    /// Null, or an object (see [`MipsInfo`]).
    pub mips: Option<MipsInfo>,
    /// Null when unknown, or `{abi, detail, source}` (see [`FloatAbi`]).
    pub float_abi: Option<FloatAbi>,
    /// `"dynamic"`, `"static"`, `"static-pie"`, `"shared-library"` or `"relocatable"`.
    pub linkage: String,
    /// The `PT_INTERP` path, or null.
    pub interpreter: Option<String>,
    /// `DT_NEEDED` names in order.
    pub needed: Vec<String>,
    /// The C library it was linked against, with the evidence (see
    /// [`libc_of`]): `"glibc (static: glibc's .note.ABI-tag)"`, or null.
    pub libc: Option<String>,
    /// `"static"` (linked in), `"shared"` (a `libgo.so` is NEEDED) or `"none"`.
    pub libgo: String,
    /// What decided `libgo` (string), or null.
    pub libgo_evidence: Option<String>,
    /// The version of the first `GCC:` line of `.comment` (`"12.2.0"`), or null.
    pub gccgo_version: Option<String>,
    /// Every `.comment` string.
    pub comment: Vec<String>,
    /// Whether gccgo's `.go_export` section is present (bool).
    pub go_export: bool,
    /// Bytes of `.go_export`, or null.
    pub go_export_size: Option<u64>,
    /// Null, or `{format, go_version, path, main_module, mod_info}` (see [`GoBuildInfo`]).
    pub go_buildinfo: Option<GoBuildInfo>,
    /// A `.symtab` is present: not stripped (bool).
    pub symtab: bool,
    /// A `.debug_info` is present (bool).
    pub debug_info: bool,
    /// Bytes of the sections `strip --strip-all -R .go_export` removes
    /// (debug, symbol tables, `.go_export`), so `file_size - removable_size`
    /// estimates the stripped file.
    pub removable_size: u64,
    /// `[{name, size, alloc, in_file}]`, largest first (see [`SectionSize`]).
    pub sections: Vec<SectionSize>,
}

/// MIPS specifics, from `e_flags` and `.MIPS.abiflags` (binutils `include/elf/mips.h`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MipsInfo {
    /// `"o32"`, `"n32"`, `"n64"`, `"o64"`, `"eabi32"` or `"eabi64"`.
    pub abi: String,
    /// The ISA the code needs, as readelf prints it (`"MIPS32r2"`): from
    /// `.MIPS.abiflags` when present, else from the `EF_MIPS_ARCH` bits.
    pub isa: String,
    /// The same ISA as Linux's `/proc/cpuinfo` `isa` line names it (`"mips32r2"`).
    pub cpuinfo_isa: String,
    /// The ISA named by `e_flags` alone.
    pub isa_e_flags: String,
    /// Whether a `.MIPS.abiflags` section was found.
    pub abiflags: bool,
    /// `fp_abi` of `.MIPS.abiflags` (a `Val_GNU_MIPS_ABI_FP_*` number), if present.
    pub fp_abi: Option<u8>,
    /// General register size in bits from `.MIPS.abiflags` (32 or 64), if present.
    pub gpr_size: Option<u8>,
    /// `EF_MIPS_NAN2008`: IEEE 754-2008 NaN encoding (needs an r6-style FPU).
    pub nan2008: bool,
    /// `EF_MIPS_FP64`: 64-bit FPU registers.
    pub fp64: bool,
    /// `EF_MIPS_PIC`.
    pub pic: bool,
}

/// The float ABI of the code.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FloatAbi {
    /// `"hard"`, `"soft"`, `"single"` (hard, single precision only) or `"any"`
    /// (no floating-point code, runs either way).
    pub abi: String,
    /// readelf's wording, e.g. `"Hard float (32-bit CPU, Any FPU)"`.
    pub detail: String,
    /// Where it was read: `".MIPS.abiflags"`, `".gnu.attributes"` or `"e_flags"`.
    pub source: String,
}

/// gc's build information (section `.go.buildinfo`, Go's `debug/buildinfo`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct GoBuildInfo {
    /// `"inline"` (Go 1.18+: strings in the section), `"pointer"` (older,
    /// not decoded: the other fields are then null/empty), or `"gccgo"`
    /// (the text `runtime.setmodinfo` is given, found by its markers).
    pub format: String,
    /// `"go1.19.8"` …
    pub go_version: Option<String>,
    /// The main package's import path (the `path` line of the module info).
    pub path: Option<String>,
    /// The main module's path (the `mod` line).
    pub main_module: Option<String>,
    /// The module info text without its sentinels (as `go version -m` prints it).
    pub mod_info: String,
}

/// The build information gccgo-build (and the go command) compile into a
/// gccgo binary (`buildinfo::go_source`), found by its markers.
fn gccgo_modinfo(data: &[u8], gccgo: Option<&str>) -> Option<GoBuildInfo> {
    let mod_info = crate::buildinfo::find_in(data)?;
    Some(GoBuildInfo {
        format: "gccgo".into(),
        go_version: gccgo.map(|v| format!("gccgo {v}")),
        path: decode::modinfo_field(&mod_info, "path"),
        main_module: decode::modinfo_field(&mod_info, "mod"),
        mod_info,
    })
}

/// One section's size.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SectionSize {
    /// The section's name (`.text`).
    pub name: String,
    /// `sh_size` in bytes.
    pub size: u64,
    /// `SHF_ALLOC`: loaded into memory at run time.
    pub alloc: bool,
    /// False for `SHT_NOBITS` (`.bss`, `.tbss`): takes no bytes in the file.
    pub in_file: bool,
}

/// Reads and describes one ELF file.
///
/// Errors: the file cannot be read, is not ELF, or its headers are corrupt
/// (the message names the file). Sections that fail to parse (attributes,
/// build info) are left out rather than failing the whole description.
pub fn inspect_file(path: &Path) -> Result<ElfInfo> {
    let data = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    inspect_bytes(&path.display().to_string(), &data)
}

/// [`inspect_file`] on bytes already in memory; `path` only names them.
///
/// Errors: not ELF (with the first bytes shown), or corrupt headers.
pub fn inspect_bytes(path: &str, data: &[u8]) -> Result<ElfInfo> {
    if data.len() < 16 || &data[..4] != b"\x7fELF" {
        let head: Vec<String> = data.iter().take(4).map(|b| format!("{b:02x}")).collect();
        bail!(
            "{path}: not an ELF file (it starts with bytes {}, not 7f 45 4c 46); \
             a shell script or an archive cannot be inspected",
            head.join(" ")
        );
    }
    let r = match elf::FileClass(data[4]) {
        elf::ELFCLASS32 => describe::<elf::FileHeader32<Endianness>>(path, data),
        elf::ELFCLASS64 => describe::<elf::FileHeader64<Endianness>>(path, data),
        c => bail!(
            "{path}: ELF class byte is {}, neither 1 (32-bit) nor 2 (64-bit)",
            c.0
        ),
    };
    r.with_context(|| format!("{path}: malformed ELF"))
}

/// [`inspect_bytes`] for one ELF class: the header facts, then what the
/// sections ([`scan_sections`]) and the dynamic linking information
/// ([`scan_dynamic`]) say, combined into an [`ElfInfo`].
fn describe<Elf: FileHeader<Endian = Endianness>>(path: &str, data: &[u8]) -> Result<ElfInfo> {
    let file = ElfFile::<Elf, &[u8]>::parse(data).map_err(|e| anyhow::anyhow!("{e}"))?;
    let endian = file.endian();
    let hdr = file.elf_header();
    let big = hdr.is_big_endian();
    let class: u8 = if hdr.is_class_64() { 64 } else { 32 };
    let e_machine = hdr.e_machine(endian).0;
    let e_flags = hdr.e_flags(endian).0;
    let e_type = hdr.e_type(endian);

    let secs = scan_sections(&file, data);
    let dynamic = scan_dynamic(&file, data);
    let (pie, linkage) = linkage(e_type, &dynamic);
    let (libgo, libgo_evidence) = libgo_of(&file, &secs, &dynamic.needed);
    let mips = (crate::target::family_of_machine(e_machine) == Some("mips"))
        .then(|| mips_info(class, e_flags, secs.abiflags));
    let float_abi = float_abi(e_machine, e_flags, mips.as_ref(), secs.attr_fp);
    let gccgo_version = secs.comment.iter().find_map(|c| gcc_version(c));
    let go_buildinfo = secs
        .buildinfo
        .and_then(parse_buildinfo)
        .or_else(|| gccgo_modinfo(data, gccgo_version.as_deref()));
    let goarch = goarch_for(e_machine, class, big, mips.as_ref()).map(String::from);

    Ok(ElfInfo {
        path: path.to_string(),
        file_size: data.len() as u64,
        class,
        endian: if big { "big" } else { "little" }.to_string(),
        machine: machine_name(e_machine),
        e_machine,
        goarch,
        elf_type: elf_type_name(e_type),
        pie,
        e_flags,
        mips,
        float_abi,
        linkage: linkage.to_string(),
        libc: libc_of(dynamic.interpreter.as_deref(), secs.abi_tag, linkage),
        interpreter: dynamic.interpreter,
        needed: dynamic.needed,
        libgo: libgo.to_string(),
        libgo_evidence,
        gccgo_version,
        comment: secs.comment,
        go_export: secs.go_export_size.is_some(),
        go_export_size: secs.go_export_size,
        go_buildinfo,
        symtab: secs.symtab,
        debug_info: secs.debug_info,
        removable_size: secs.removable_size,
        sections: secs.sections,
    })
}

/// What the section headers say: every section's size, and the contents of
/// the few sections `inspect` decodes (borrowed from the file's bytes).
#[derive(Default)]
struct SectionFacts<'data> {
    /// Every named section, largest first (ties by name).
    sections: Vec<SectionSize>,
    /// The strings of `.comment`, consecutive duplicates dropped.
    comment: Vec<String>,
    go_export_size: Option<u64>,
    abiflags: Option<&'data [u8]>,
    /// `Tag_GNU_*_ABI_FP` of `.gnu.attributes`.
    attr_fp: Option<u64>,
    buildinfo: Option<&'data [u8]>,
    /// glibc's `.note.ABI-tag` (from its crt1.o) is present.
    abi_tag: bool,
    symtab: bool,
    debug_info: bool,
    /// Bytes `strip --strip-all -R .go_export` removes (see [`strip_removes`]).
    removable_size: u64,
    /// Read-only data sections (`.rodata` …) by name: where libgo's strings lie.
    read_only_data: Vec<(String, &'data [u8])>,
}

/// Reads the section headers (and the contents of `.comment`,
/// `.MIPS.abiflags`, `.gnu.attributes`, `.go.buildinfo` and the read-only
/// data). A section whose name or contents cannot be read is left out.
fn scan_sections<'data, Elf: FileHeader<Endian = Endianness>>(
    file: &ElfFile<'data, Elf, &'data [u8]>,
    data: &'data [u8],
) -> SectionFacts<'data> {
    let endian = file.endian();
    let table = file.elf_section_table();
    let mut f = SectionFacts::default();
    for sh in table.iter() {
        let Ok(name) = table.section_name(endian, sh) else {
            continue;
        };
        let name = String::from_utf8_lossy(name).into_owned();
        if name.is_empty() {
            continue;
        }
        let size: u64 = sh.sh_size(endian).into();
        let flags: u64 = sh.sh_flags(endian).0;
        let alloc = flags & elf::SHF_ALLOC.0 != 0;
        let sh_type = sh.sh_type(endian);
        let in_file = sh_type != elf::SHT_NOBITS;
        let contents = || sh.data(endian, data).ok();
        // Allocated, neither writable nor executable: read-only data.
        if sh_type == elf::SHT_PROGBITS
            && alloc
            && flags & (elf::SHF_WRITE.0 | elf::SHF_EXECINSTR.0) == 0
            && let Some(d) = contents()
        {
            f.read_only_data.push((name.clone(), d));
        }
        match name.as_str() {
            ".comment" => {
                if let Some(d) = contents() {
                    f.comment = comment_strings(d);
                }
            }
            ".go_export" => f.go_export_size = Some(size),
            ".MIPS.abiflags" => f.abiflags = contents(),
            ".gnu.attributes" => {
                if let Some(d) = contents() {
                    f.attr_fp = gnu_attribute_fp::<Elf>(endian, d);
                }
            }
            ".go.buildinfo" => f.buildinfo = contents(),
            ".note.ABI-tag" => f.abi_tag = true,
            ".symtab" => f.symtab = true,
            ".debug_info" => f.debug_info = true,
            _ => {}
        }
        if strip_removes(&name, alloc, in_file) {
            f.removable_size += size;
        }
        f.sections.push(SectionSize {
            name,
            size,
            alloc,
            in_file,
        });
    }
    f.sections
        .sort_by(|a, b| b.size.cmp(&a.size).then_with(|| a.name.cmp(&b.name)));
    f
}

/// The NUL-separated strings of `.comment`, empty ones and consecutive
/// duplicates (one `GCC:` line per object file) dropped.
fn comment_strings(d: &[u8]) -> Vec<String> {
    let mut comment: Vec<String> = d
        .split(|&b| b == 0)
        .filter(|s| !s.is_empty())
        .map(|s| String::from_utf8_lossy(s).into_owned())
        .collect();
    comment.dedup();
    comment
}

/// The C library of a linked program, with the evidence: the loader's name
/// for a dynamic one (`ld-musl-*` musl, `ld-uClibc*` uClibc, any other
/// glibc); for a static one, glibc's `.note.ABI-tag` (every glibc start
/// file carries it; musl's and uClibc's do not). `None` for an object file.
pub fn libc_of(interpreter: Option<&str>, abi_tag: bool, linkage: &str) -> Option<String> {
    if let Some(i) = interpreter {
        let l = if i.contains("ld-musl") {
            "musl"
        } else if i.contains("uClibc") {
            "uclibc"
        } else {
            "glibc"
        };
        return Some(format!("{l} (its loader {i})"));
    }
    match (linkage, abi_tag) {
        ("relocatable" | "shared-library", _) => None,
        (_, true) => Some("glibc (static: glibc's .note.ABI-tag)".into()),
        (_, false) => Some("not glibc (static, no glibc .note.ABI-tag): musl or uClibc".into()),
    }
}

/// Whether `strip --strip-all -R .go_export` removes a section: the
/// unloaded debug sections, symbol tables and gccgo's export data.
fn strip_removes(name: &str, alloc: bool, in_file: bool) -> bool {
    !alloc
        && in_file
        && (name.starts_with(".debug")
            || name.starts_with(".zdebug")
            || matches!(name, ".symtab" | ".strtab" | ".go_export"))
}

/// What the program headers and the dynamic section say.
struct DynamicFacts {
    /// The `PT_INTERP` path.
    interpreter: Option<String>,
    /// `DT_NEEDED` names in order.
    needed: Vec<String>,
    /// `DT_FLAGS_1` (0 when absent).
    flags_1: u64,
}

/// Reads the interpreter and the `DT_NEEDED` and `DT_FLAGS_1` entries;
/// a file without them (static, relocatable) gives none.
fn scan_dynamic<'data, Elf: FileHeader<Endian = Endianness>>(
    file: &ElfFile<'data, Elf, &'data [u8]>,
    data: &'data [u8],
) -> DynamicFacts {
    let endian = file.endian();
    let mut interpreter = None;
    for ph in file.elf_program_headers() {
        if let Ok(Some(i)) = ph.interpreter(endian, data) {
            interpreter = Some(String::from_utf8_lossy(i).into_owned());
        }
    }
    let mut needed = Vec::new();
    let mut flags_1 = 0u64;
    if let Ok(dynt) = file.elf_dynamic_table() {
        for d in dynt.iter() {
            match d.tag {
                elf::DT_NEEDED => {
                    if let Ok(s) = dynt.string(d) {
                        needed.push(String::from_utf8_lossy(s).into_owned());
                    }
                }
                elf::DT_FLAGS_1 => flags_1 = d.val,
                _ => {}
            }
        }
    }
    DynamicFacts {
        interpreter,
        needed,
        flags_1,
    }
}

/// `pie` and `linkage` of [`ElfInfo`] from the file type, the interpreter
/// and `DF_1_PIE`.
fn linkage(e_type: elf::FileType, dynamic: &DynamicFacts) -> (bool, &'static str) {
    let df_1_pie = dynamic.flags_1 & elf::DF_1_PIE.0 != 0;
    let interp = dynamic.interpreter.is_some();
    let pie = e_type == elf::ET_DYN && (df_1_pie || interp);
    let linkage = match (e_type, interp) {
        (elf::ET_REL, _) => "relocatable",
        (_, true) => "dynamic",
        (elf::ET_EXEC, false) => "static",
        // DF_1_PIE, or a DYN needing nothing: a static PIE (glibc's -static-pie).
        (elf::ET_DYN, false) if df_1_pie || dynamic.needed.is_empty() => "static-pie",
        (elf::ET_DYN, false) => "shared-library",
        _ => "static",
    };
    (pie, linkage)
}

/// `elf_type` of [`ElfInfo`]: `NONE`, `REL`, `EXEC`, `DYN`, `CORE` or the number.
fn elf_type_name(e_type: elf::FileType) -> String {
    match e_type {
        elf::ET_NONE => "NONE".into(),
        elf::ET_REL => "REL".into(),
        elf::ET_EXEC => "EXEC".into(),
        elf::ET_DYN => "DYN".into(),
        elf::ET_CORE => "CORE".into(),
        n => n.0.to_string(),
    }
}

/// `libgo` and `libgo_evidence` of [`ElfInfo`]: gathers the signals
/// [`libgo_linkage`] decides by (symbols, gc's sections, and for a file
/// without Go symbols libgo's strings in its read-only data).
fn libgo_of<'data, Elf: FileHeader<Endian = Endianness>>(
    file: &ElfFile<'data, Elf, &'data [u8]>,
    secs: &SectionFacts<'data>,
    needed: &[String],
) -> (&'static str, Option<String>) {
    let (runtime_main, libgo_sym) = go_symbols(file);
    let gc_sections = secs
        .sections
        .iter()
        .any(|s| s.name == ".gopclntab" || s.name == ".go.buildinfo");
    // Only a file without Go symbols needs the (slower) search of its data.
    let runtime_string = if runtime_main || libgo_sym.is_some() {
        None
    } else {
        secs.read_only_data
            .iter()
            .find_map(|(name, d)| decode::find_libgo_runtime_string(d).map(|s| (s, name.as_str())))
    };
    libgo_linkage(
        needed,
        runtime_main,
        libgo_sym.as_deref(),
        secs.go_export_size.is_some(),
        gc_sections,
        runtime_string,
    )
}

/// Go runtime symbols: whether `runtime.main` (any Go runtime, gccgo's or
/// gc's) is defined, and the first defined `__go_*` or `runtime_*` symbol
/// (libgo's C parts; gc has none), searched in `.symtab` then `.dynsym`.
fn go_symbols<'data, Elf: FileHeader<Endian = Endianness>>(
    file: &ElfFile<'data, Elf, &'data [u8]>,
) -> (bool, Option<String>) {
    let mut runtime_main = false;
    let mut libgo_sym = None;
    for sym in file.symbols().chain(file.dynamic_symbols()) {
        if !sym.is_definition() {
            continue;
        }
        let Ok(name) = sym.name() else { continue };
        if name == "runtime.main" {
            runtime_main = true;
        } else if libgo_sym.is_none() && (name.starts_with("__go_") || name.starts_with("runtime_"))
        {
            libgo_sym = Some(name.to_string());
        }
        if runtime_main && libgo_sym.is_some() {
            break;
        }
    }
    (runtime_main, libgo_sym)
}

/// Decides `libgo` and its evidence: a NEEDED `libgo.so*` means shared; libgo's
/// own C symbols (`__go_*`, `runtime_*`), or `runtime.main` beside gccgo's
/// `.go_export`, mean linked in; `runtime.main` with gc's `.gopclntab` or
/// `.go.buildinfo` and no libgo symbol is a gc binary (no libgo). A file
/// stripped of all of these (`--size --link static`) still holds libgo's
/// runtime strings in its read-only data: `runtime_string` is the one found
/// ([`decode::LIBGO_RUNTIME_STRINGS`]) and the section it was found in.
pub fn libgo_linkage(
    needed: &[String],
    runtime_main: bool,
    libgo_sym: Option<&str>,
    go_export: bool,
    gc_sections: bool,
    runtime_string: Option<(&str, &str)>,
) -> (&'static str, Option<String>) {
    if let Some(n) = needed.iter().find(|n| n.starts_with("libgo.so")) {
        return ("shared", Some(format!("NEEDED {n}")));
    }
    match (runtime_main, libgo_sym) {
        (true, Some(s)) => ("static", Some(format!("symbols runtime.main and {s}"))),
        (false, Some(s)) => ("static", Some(format!("symbol {s}"))),
        (true, None) if go_export => (
            "static",
            Some("symbol runtime.main and section .go_export".into()),
        ),
        (true, None) if gc_sections => (
            "none",
            Some(
                "gc-compiled: runtime.main with .gopclntab/.go.buildinfo, no libgo symbols".into(),
            ),
        ),
        (true, None) => ("static", Some("symbol runtime.main".into())),
        (false, None) if go_export => (
            "static",
            Some("section .go_export (no symbols: stripped)".into()),
        ),
        (false, None) => match runtime_string {
            Some((s, section)) if !gc_sections => (
                "static",
                Some(format!(
                    "libgo's runtime string \"{s}\" in {section} (no symbols: stripped)"
                )),
            ),
            _ => ("none", None),
        },
    }
}

/// The human form: one `field: value` per line, sections last, largest first.
pub fn render_text(i: &ElfInfo) -> String {
    let mut s = String::new();
    render_machine(&mut s, i);
    render_linking(&mut s, i);
    render_sizes(&mut s, i);
    s
}

/// Appends one `key: value` line.
fn kv(s: &mut String, k: &str, v: impl std::fmt::Display) {
    use std::fmt::Write;
    // Writing to a String cannot fail.
    let _ = writeln!(s, "{k}: {v}");
}

/// An optional value as text, `none` when absent.
fn or_none(o: &Option<String>) -> &str {
    o.as_deref().unwrap_or("none")
}

/// The lines about the file and the code in it: path, size, class, byte
/// order, machine, GOARCH, type, flags, MIPS ABI and ISA, float ABI.
fn render_machine(s: &mut String, i: &ElfInfo) {
    kv(s, "path", &i.path);
    kv(
        s,
        "file_size",
        format!("{} ({})", i.file_size, human_bytes(i.file_size)),
    );
    kv(s, "class", format!("ELF{}", i.class));
    kv(s, "endian", &i.endian);
    kv(s, "machine", &i.machine);
    kv(s, "goarch", or_none(&i.goarch));
    kv(
        s,
        "elf_type",
        format!("{}{}", i.elf_type, if i.pie { " (PIE)" } else { "" }),
    );
    kv(s, "e_flags", format!("{:#010x}", i.e_flags));
    if let Some(m) = &i.mips {
        kv(s, "mips_abi", &m.abi);
        kv(s, "mips_isa", &m.isa);
        let fl: Vec<&str> = [(m.nan2008, "nan2008"), (m.fp64, "fp64"), (m.pic, "pic")]
            .into_iter()
            .filter_map(|(on, name)| on.then_some(name))
            .collect();
        if !fl.is_empty() {
            kv(s, "mips_flags", fl.join(", "));
        }
    }
    match &i.float_abi {
        Some(f) => kv(
            s,
            "float_abi",
            format!("{} ({}; from {})", f.abi, f.detail, f.source),
        ),
        None => kv(s, "float_abi", "unknown"),
    }
}

/// The lines about linking and Go: linkage, interpreter, NEEDED, libgo,
/// compiler version and `.comment`, `.go_export`, gc's build info.
fn render_linking(s: &mut String, i: &ElfInfo) {
    kv(s, "linkage", &i.linkage);
    kv(s, "interpreter", or_none(&i.interpreter));
    if let Some(l) = &i.libc {
        kv(s, "libc", l);
    }
    if i.needed.is_empty() {
        kv(s, "needed", "none");
    } else {
        kv(s, "needed", i.needed.join(", "));
    }
    match &i.libgo_evidence {
        Some(e) => kv(s, "libgo", format!("{} ({e})", i.libgo)),
        None => kv(s, "libgo", &i.libgo),
    }
    kv(s, "gccgo_version", or_none(&i.gccgo_version));
    for c in &i.comment {
        kv(s, "comment", c);
    }
    match i.go_export_size {
        Some(n) => kv(
            s,
            "go_export",
            format!("yes, {n} bytes ({})", human_bytes(n)),
        ),
        None => kv(s, "go_export", "no"),
    }
    match &i.go_buildinfo {
        Some(b) => {
            kv(s, "go_buildinfo", &b.format);
            kv(s, "go_version", or_none(&b.go_version));
            kv(s, "go_path", or_none(&b.path));
            kv(s, "go_main_module", or_none(&b.main_module));
            for l in b.mod_info.lines() {
                kv(s, "go_modinfo", l);
            }
        }
        None => kv(s, "go_buildinfo", "none"),
    }
}

/// The lines about size: symbols, debug info, the stripped-size estimate,
/// then every section (largest first, as [`ElfInfo::sections`] is sorted).
fn render_sizes(s: &mut String, i: &ElfInfo) {
    kv(s, "symtab", if i.symtab { "yes" } else { "no (stripped)" });
    kv(s, "debug_info", if i.debug_info { "yes" } else { "no" });
    let stripped = i.file_size.saturating_sub(i.removable_size);
    kv(
        s,
        "stripped_size_estimate",
        format!(
            "{stripped} ({}; after strip --strip-all -R .go_export)",
            human_bytes(stripped)
        ),
    );
    for sec in &i.sections {
        let note = match (sec.alloc, sec.in_file) {
            (_, false) => " (nobits)",
            (false, true) => " (not loaded)",
            _ => "",
        };
        kv(
            s,
            &format!("section {}", sec.name),
            format!("{}{note}", sec.size),
        );
    }
}

/// `1.5 MiB`-style size (powers of 1024, as `df -h` and `ls -lh`).
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_elf_is_a_clear_error() {
        let e = inspect_bytes("x.sh", b"#!/bin/sh\necho hi\n").expect_err("must fail");
        assert!(format!("{e:#}").contains("not an ELF file"), "{e:#}");
    }
}
