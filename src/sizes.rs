//! Sizes: which package the bytes of a gccgo binary belong to, read from
//! its ELF symbol table (`gccgo-build size`). No gccgo tool says this.
//!
//! Every defined function, object, TLS and untyped symbol with a size, in
//! a section that takes room in the file, is counted once (of aliases at
//! the same address and size, the one with a Go name, else the plainest
//! name) and given to one group:
//!
//! 1. the Go package its name says ([`demangle`] reads gccgo's mangling),
//!    `std` for libgo's packages and `user` for the others. A type declared
//!    inside a function goes to the longest package path that other symbols
//!    show (`net.sysDialer.dialParallel.dialResult` → `net`); a type
//!    descriptor of `*T`, `[]T`, `[N]T` or of a method type with receiver T
//!    goes to T's package;
//! 2. gccgo's numbered constant data (`go..C123`) and numbered statics
//!    (`CSWTCH.5`) to the package of the object file they came from: the
//!    Go package most of the local symbols after the same `STT_FILE`
//!    symbol name; failing that, the Go package of the nearest symbol in
//!    the same section (the linker lays each object's part out whole);
//! 3. C: `libgo (C)` (kind `std`) for libgo's C runtime and the GCC
//!    libraries it pulls in (by name, [`demangle::is_libgo_c`]), `libc (C)`
//!    (kind `c`) for the rest; a static C symbol goes where the nearest
//!    global C symbols of its object file's statics go, by their bytes;
//! 4. `type descriptors` (kind `other`) for descriptors and GC masks that
//!    name no package, `other` for data no rule places.
//!
//! So the sum of the groups' bytes is exactly the sum of the counted
//! symbols' sizes. The rest of the file (headers, debug info, symbol
//! tables, `.go_export`, `.eh_frame`, relocations, padding) is in no
//! symbol: [`Attribution::outside_symbols`] says how much of each section.
//! This module knows nothing of builds or toolchains: it reads a file.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use object::{Object, ObjectSection, ObjectSymbol, SectionIndex, SymbolKind, SymbolSection};
use serde::Serialize;

pub mod demangle;
pub mod flash;
pub mod refs;
pub mod retained;
pub mod text;
pub mod treemap;
pub mod why;

use demangle::Origin;
pub use text::render_text;
pub use treemap::render_svg;

/// The group of type descriptors and GC masks that name no package.
pub const TYPE_DESCRIPTORS: &str = "type descriptors";
/// The group of libgo's C code (and libbacktrace, libffi, libatomic, libgcc).
pub const LIBGO_C: &str = "libgo (C)";
/// The group of the other C code: libc, the C start files.
pub const LIBC: &str = "libc (C)";
/// The group of what no rule places.
pub const OTHER: &str = "other";

/// What `size` lists: packages (groups) or single symbols.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    /// One row per group.
    Package,
    /// One row per symbol.
    Symbol,
}

/// What `gccgo-build size` runs with (from `cli::size::SizeArgs::config`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SizeConfig {
    /// The ELF file, relative to the working directory; reported as given.
    pub binary: PathBuf,
    /// Rows by package or by symbol (text output).
    pub by: By,
    /// Rows by the bytes each symbol keeps instead (`retained`; the binary
    /// must be linked with `-Wl,--emit-relocs`); `by` is then ignored.
    pub retained: bool,
    /// Print the [`Attribution`] as JSON instead of a table.
    pub json: bool,
    /// Also write an SVG treemap of the groups to this file.
    pub svg: Option<PathBuf>,
    /// How many rows the table shows.
    pub top: usize,
}

/// Runs `gccgo-build size`; returns the exit status (0).
///
/// Errors: the file cannot be read, is not ELF, has no symbols (stripped),
/// or the SVG cannot be written; each message names the file.
pub fn main(cwd: &Path, config: &SizeConfig) -> Result<i32> {
    let shown = config.binary.display().to_string();
    let data = std::fs::read(cwd.join(&config.binary))
        .map_err(|e| anyhow::anyhow!("reading {shown}: {}", crate::words::io_error(&e)))?;
    if config.retained {
        let graph = refs::Graph::read(&shown, &data)?;
        let r = retained::retained(&shown, &graph);
        if config.json {
            println!("{}", serde_json::to_string_pretty(&r)?);
        } else {
            print!("{}", retained::render(&r, config.top));
        }
        return Ok(0);
    }
    let a = attribute_bytes(&shown, &data)?;
    if let Some(svg) = &config.svg {
        std::fs::write(cwd.join(svg), render_svg(&a)).map_err(|e| {
            anyhow::anyhow!(
                "writing the treemap {}: {}",
                svg.display(),
                crate::words::io_error(&e)
            )
        })?;
    }
    if config.json {
        println!("{}", serde_json::to_string_pretty(&a)?);
    } else {
        print!("{}", render_text(&a, config.by, config.top));
    }
    Ok(0)
}

/// Whose code a group is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A package of the program (`main`, module and GOPATH packages).
    User,
    /// The standard library: libgo's Go packages and its C code.
    Std,
    /// C code that is not libgo's (libc).
    C,
    /// `type descriptors` and `other`.
    Other,
}

impl Kind {
    /// `user`, `std`, `c` or `other`, as in the JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::User => "user",
            Kind::Std => "std",
            Kind::C => "c",
            Kind::Other => "other",
        }
    }
}

/// One group's share: a package, `libgo (C)`, `libc (C)`,
/// `type descriptors` or `other`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Group {
    /// The package path (`example.com/minion/internal/wire`, `runtime`,
    /// `main`) or one of the names above.
    pub name: String,
    /// `"user"`, `"std"`, `"c"` or `"other"`.
    pub kind: Kind,
    /// Sum of the group's symbol sizes, in bytes.
    pub bytes: u64,
    /// How many symbols the group has.
    pub symbols: usize,
}

/// One counted symbol.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SymbolSize {
    /// The name in the symbol table (gccgo's mangling).
    pub name: String,
    /// The name as Go spells it (`encoding/json.decodeState.object`), or
    /// null for a C name.
    pub go_name: Option<String>,
    /// The [`Group::name`] it counts in.
    pub group: String,
    /// `st_size`, in bytes.
    pub size: u64,
    /// The section it is in (`.text`, `.rodata`, `.data.rel.ro` …).
    pub section: String,
}

/// Where a binary's bytes go. Serialized as is for `size --json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attribution {
    /// The file as named on the command line.
    pub path: String,
    /// Size of the whole file, in bytes.
    pub file_size: u64,
    /// The table read: `"symtab"`, or `"dynsym"` when the file had no
    /// `.symtab` (then most bytes are in no symbol).
    pub symbol_table: String,
    /// Sum of the counted symbols' sizes, in bytes: equal to the sum of
    /// `groups[].bytes` and of `symbols[].size`.
    pub symbol_bytes: u64,
    /// Bytes of symbols in `.bss`/`.tbss` (memory at run time, no room in
    /// the file): not counted anywhere else.
    pub bss_bytes: u64,
    /// `[{name, kind, bytes, symbols}]`, largest first (ties by name).
    pub groups: Vec<Group>,
    /// `[{name, go_name, group, size, section}]`, largest first (ties by name).
    pub symbols: Vec<SymbolSize>,
    /// `{raw, squashfs_xz, jffs2_zlib}`: what the file takes on an OpenWrt
    /// device's flash ([`flash`]), measured on what `strip` leaves of it
    /// ([`flash::loaded_part`]; `raw` is that part's size, in bytes).
    pub flash: flash::Flash,
    /// `[{section, bytes}]`: the bytes of each section that no counted
    /// symbol covers (debug info, symbol tables, `.go_export`, `.eh_frame`,
    /// gaps), and `"(headers)"` for the file's bytes outside every section;
    /// largest first, none empty. With `symbol_bytes` they add up to
    /// `file_size` (less any bytes two symbols share).
    pub outside_symbols: Vec<Outside>,
}

/// Bytes of the file that no counted symbol covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outside {
    /// A section name, or `"(headers)"`.
    pub section: String,
    /// Bytes.
    pub bytes: u64,
}

/// Reads one ELF file and attributes its symbols' bytes ([`attribute_bytes`]).
///
/// Errors: as [`attribute_bytes`], or the file cannot be read.
pub fn attribute(path: &Path) -> Result<Attribution> {
    let data = std::fs::read(path).map_err(|e| {
        anyhow::anyhow!("reading {}: {}", path.display(), crate::words::io_error(&e))
    })?;
    attribute_bytes(&path.display().to_string(), &data)
}

/// [`attribute`] on bytes already in memory; `path` only names them.
///
/// Errors (each naming `path`): not ELF, malformed, or no defined symbol
/// with a size in `.symtab` or `.dynsym` (a stripped binary).
pub fn attribute_bytes(path: &str, data: &[u8]) -> Result<Attribution> {
    if data.len() < 16 || &data[..4] != b"\x7fELF" {
        let head: Vec<String> = data.iter().take(4).map(|b| format!("{b:02x}")).collect();
        bail!(
            "{path}: not an ELF file (it starts with bytes {}, not 7f 45 4c 46), \
             so it has no symbols to attribute",
            head.join(" ")
        );
    }
    let file = object::File::parse(data).with_context(|| format!("{path}: malformed ELF"))?;
    let (mut raw, table) = read_table(path, &file)?;
    if gcc_major(&file).is_some_and(|m| m == 9 || m == 10) {
        for r in &mut raw {
            r.name = demangle::v2_to_v3(&r.name);
        }
    }
    let bss_bytes = raw
        .iter()
        .filter(|r| r.nobits)
        .fold(0u64, |n, r| n.saturating_add(r.size));
    // A symbol in the file cannot be larger than the file: such a size is
    // a damaged table, left out rather than summed into nonsense.
    raw.retain(|r| !r.nobits && r.size <= data.len() as u64);
    let names: Vec<demangle::Name> = raw.iter().map(|r| demangle::classify(&r.name)).collect();
    let (raw, names) = dedup(raw, names);
    let groups = assign(&raw, &names);
    let outside = outside_symbols(&file, &raw, data.len() as u64);
    let mut a = summarize(
        path,
        data.len() as u64,
        table,
        bss_bytes,
        raw,
        names,
        groups,
    );
    a.outside_symbols = outside;
    a.flash = flash::measure(flash::loaded_part(data))?;
    Ok(a)
}

/// [`Attribution::outside_symbols`]: each section's file bytes less its
/// counted symbols' sizes, and the bytes outside every section.
fn outside_symbols(file: &object::File, raw: &[Raw], file_size: u64) -> Vec<Outside> {
    let mut in_symbols: HashMap<SectionIndex, u64> = HashMap::new();
    for r in raw {
        *in_symbols.entry(r.section).or_default() += r.size;
    }
    let mut out = Vec::new();
    let mut in_sections = 0u64;
    for sec in file.sections() {
        let Some((_, size)) = sec.file_range() else {
            continue;
        };
        in_sections += size;
        let bytes = size.saturating_sub(in_symbols.get(&sec.index()).copied().unwrap_or(0));
        if bytes > 0 {
            out.push(Outside {
                section: sec.name().unwrap_or("?").to_string(),
                bytes,
            });
        }
    }
    if file_size > in_sections {
        out.push(Outside {
            section: "(headers)".to_string(),
            bytes: file_size - in_sections,
        });
    }
    out.sort_by(|a, b| {
        b.bytes
            .cmp(&a.bytes)
            .then_with(|| a.section.cmp(&b.section))
    });
    out
}

/// One symbol as read, before classification.
struct Raw {
    name: String,
    size: u64,
    address: u64,
    section: SectionIndex,
    section_name: String,
    local: bool,
    /// The `STT_FILE` group a local symbol follows (its object file).
    object: Option<usize>,
    /// In a section without file contents (`.bss`).
    nobits: bool,
}

/// The counted symbols of `.symtab`, else of `.dynsym`, and which table.
fn read_table(path: &str, file: &object::File) -> Result<(Vec<Raw>, &'static str)> {
    let symtab = collect(file, file.symbols());
    if !symtab.is_empty() {
        return Ok((symtab, "symtab"));
    }
    let dynsym = collect(file, file.dynamic_symbols());
    if !dynsym.is_empty() {
        return Ok((dynsym, "dynsym"));
    }
    bail!(
        "{path}: no symbol table: the binary was stripped (of .symtab, and .dynsym \
         defines no sized symbol), so its bytes cannot be attributed to packages. \
         Build it again without --strip, and without --size, which implies it \
         (for the same optimisation unstripped: --gccgoflags '-Os -ffunction-sections \
         -fdata-sections' --ldflags '-Wl,--gc-sections -no-pie'), and run size on that"
    )
}

/// The defined function, object, TLS and untyped symbols with a size, in
/// table order, each with the `STT_FILE` group it follows if local.
fn collect<'data, S: ObjectSymbol<'data>>(
    file: &object::File<'data>,
    syms: impl Iterator<Item = S>,
) -> Vec<Raw> {
    let mut out = Vec::new();
    let mut object: Option<usize> = None;
    let mut files = 0;
    let mut sections: HashMap<SectionIndex, (String, bool)> = HashMap::new();
    for s in syms {
        if s.kind() == SymbolKind::File {
            object = Some(files);
            files += 1;
            continue;
        }
        let counted = matches!(
            s.kind(),
            SymbolKind::Text | SymbolKind::Data | SymbolKind::Tls | SymbolKind::Unknown
        );
        let SymbolSection::Section(index) = s.section() else {
            continue;
        };
        if !counted || s.size() == 0 || !s.is_definition() {
            continue;
        }
        let Ok(name) = s.name() else { continue };
        let (section_name, nobits) = sections
            .entry(index)
            .or_insert_with(|| match file.section_by_index(index) {
                Ok(sec) => (
                    sec.name().unwrap_or("?").to_string(),
                    sec.file_range().is_none(),
                ),
                Err(_) => ("?".to_string(), false),
            })
            .clone();
        out.push(Raw {
            name: name.to_string(),
            size: s.size(),
            address: s.address(),
            section: index,
            section_name,
            local: s.is_local(),
            object: if s.is_local() { object } else { None },
            nobits,
        });
    }
    out
}

/// The GCC major version of the first `GCC:` line of `.comment`.
fn gcc_major(file: &object::File) -> Option<u32> {
    let data = file.section_by_name(".comment")?.data().ok()?;
    data.split(|&b| b == 0)
        .filter_map(|s| std::str::from_utf8(s).ok())
        .find_map(crate::inspect::gcc_version)?
        .split('.')
        .next()?
        .parse()
        .ok()
}

/// Keeps one of the symbols at the same section, address and size (an
/// alias): a Go name before a C one, then the one with the fewest leading
/// underscores, then the shortest (`malloc`, not `__libc_malloc`).
fn dedup(raw: Vec<Raw>, names: Vec<demangle::Name>) -> (Vec<Raw>, Vec<demangle::Name>) {
    let rank = |i: usize| {
        let n = &raw[i].name;
        let underscores = n.len() - n.trim_start_matches('_').len();
        (names[i].go_name.is_none(), underscores, n.len(), n.as_str())
    };
    let mut best: HashMap<(SectionIndex, u64, u64), usize> = HashMap::new();
    for (i, r) in raw.iter().enumerate() {
        let slot = best.entry((r.section, r.address, r.size)).or_insert(i);
        if rank(i) < rank(*slot) {
            *slot = i;
        }
    }
    let mut keep = vec![false; raw.len()];
    for i in best.into_values() {
        keep[i] = true;
    }
    raw.into_iter()
        .zip(names)
        .zip(keep)
        .filter_map(|(p, k)| k.then_some(p))
        .unzip()
}

/// Each symbol's group (name and kind), by the rules of the module comment.
fn assign(raw: &[Raw], names: &[demangle::Name]) -> Vec<(String, Kind)> {
    let known: HashSet<&str> = names
        .iter()
        .filter_map(|n| match &n.origin {
            Origin::Package(p) if !last_element(p).contains('.') => Some(p.as_str()),
            _ => None,
        })
        .collect();
    let package = |p: &str| -> (String, Kind) {
        let p = resolve(p, &known);
        let kind = if demangle::is_std(&p) {
            Kind::Std
        } else {
            Kind::User
        };
        (p, kind)
    };
    let by_name: Vec<Option<(String, Kind)>> = raw
        .iter()
        .zip(names)
        .map(|(r, n)| match &n.origin {
            Origin::Package(p) => Some(package(p)),
            Origin::TypeData => Some((TYPE_DESCRIPTORS.to_string(), Kind::Other)),
            Origin::C if !r.local => Some(c_group(demangle::is_libgo_c(&r.name))),
            _ => None,
        })
        .collect();
    let owners = object_owners(raw, names, &by_name);
    let go_near = Neighbors::new(raw, |i| {
        matches!(names[i].origin, Origin::Package(_)).then(|| by_name[i].clone())?
    });
    let c_near = Neighbors::new(raw, |i| {
        (names[i].origin == Origin::C && !raw[i].local).then(|| by_name[i].clone())?
    });
    // A static C symbol: its object file's vote, each of the file's static
    // C symbols voting with its bytes for its nearest global C neighbour.
    let mut votes: HashMap<usize, BTreeMap<(String, Kind), u64>> = HashMap::new();
    for ((r, n), named) in raw.iter().zip(names).zip(&by_name) {
        let c = matches!(n.origin, Origin::C | Origin::CStatic);
        if let (Some(o), None, true) = (r.object, named, c)
            && !owners.contains_key(&o)
            && let Some(g) = c_near.near(r)
        {
            *votes.entry(o).or_default().entry(g.clone()).or_default() += r.size;
        }
    }
    let c_owners: HashMap<usize, (String, Kind)> = votes
        .into_iter()
        .filter_map(|(o, v)| Some((o, v.into_iter().max_by_key(|(_, b)| *b)?.0)))
        .collect();
    raw.iter()
        .zip(names)
        .zip(by_name.iter())
        .map(|((r, n), named)| {
            if let Some(g) = named {
                return g.clone();
            }
            let owner = r.object.and_then(|o| owners.get(&o));
            let c_owner = r.object.and_then(|o| c_owners.get(&o));
            let near = match n.origin {
                Origin::ObjectData => owner.or_else(|| go_near.near(r)),
                _ => owner.or(c_owner).or_else(|| c_near.near(r)),
            };
            near.cloned().unwrap_or_else(|| match n.origin {
                Origin::ObjectData => (OTHER.to_string(), Kind::Other),
                _ => c_group(demangle::is_libgo_c(&r.name)),
            })
        })
        .collect()
}

/// `libgo (C)` or `libc (C)`.
fn c_group(libgo: bool) -> (String, Kind) {
    if libgo {
        (LIBGO_C.to_string(), Kind::Std)
    } else {
        (LIBC.to_string(), Kind::C)
    }
}

/// Some symbols' groups by section and address, to place a symbol whose
/// name says nothing by its neighbour: the linker lays each object file's
/// part of a section out in one piece.
struct Neighbors(HashMap<SectionIndex, Vec<Span>>);

/// A symbol's start and end address and its group.
type Span = (u64, u64, (String, Kind));

impl Neighbors {
    /// The symbols for which `group(index)` gives a group.
    fn new(raw: &[Raw], group: impl Fn(usize) -> Option<(String, Kind)>) -> Neighbors {
        let mut m: HashMap<SectionIndex, Vec<Span>> = HashMap::new();
        for (i, r) in raw.iter().enumerate() {
            if let Some(g) = group(i) {
                let end = r.address.saturating_add(r.size);
                m.entry(r.section).or_default().push((r.address, end, g));
            }
        }
        for v in m.values_mut() {
            v.sort_by_key(|(a, _, _)| *a);
        }
        Neighbors(m)
    }

    /// The group of the closer of the symbols just before and just after
    /// `r` in its section (by the gap between them).
    fn near(&self, r: &Raw) -> Option<&(String, Kind)> {
        let v = self.0.get(&r.section)?;
        let i = v.partition_point(|(a, _, _)| *a <= r.address);
        let before = i.checked_sub(1).and_then(|j| v.get(j));
        let after = v.get(i);
        let end = r.address.saturating_add(r.size);
        match (before, after) {
            (Some(b), Some(a)) if a.0.saturating_sub(end) < r.address.saturating_sub(b.1) => {
                Some(&a.2)
            }
            (Some(b), _) => Some(&b.2),
            (None, a) => a.map(|a| &a.2),
        }
    }
}

/// The last `/` element of a path.
fn last_element(p: &str) -> &str {
    p.rsplit('/').next().unwrap_or(p)
}

/// The longest package path in `known` that `p` starts with, cut at a `.`
/// of its last element (`net.sysDialer.dialParallel.dialResult` → `net`);
/// `p` itself when none is known.
fn resolve(p: &str, known: &HashSet<&str>) -> String {
    if known.contains(p) {
        return p.to_string();
    }
    let start = p.rfind('/').map_or(0, |i| i + 1);
    let mut cut = p.len();
    while let Some(i) = p[start..cut].rfind('.') {
        cut = start + i;
        if known.contains(&p[..cut]) {
            return p[..cut].to_string();
        }
    }
    p.to_string()
}

/// For each `STT_FILE` group: the package most of its Go-named local
/// symbols belong to (ties to the first in order).
fn object_owners(
    raw: &[Raw],
    names: &[demangle::Name],
    by_name: &[Option<(String, Kind)>],
) -> HashMap<usize, (String, Kind)> {
    let mut counts: HashMap<usize, BTreeMap<(String, Kind), usize>> = HashMap::new();
    for ((r, n), g) in raw.iter().zip(names).zip(by_name) {
        if let (Some(o), Origin::Package(_), Some(g)) = (r.object, &n.origin, g) {
            *counts.entry(o).or_default().entry(g.clone()).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .filter_map(|(o, c)| {
            let max = *c.values().max()?;
            let (g, _) = c.into_iter().find(|(_, n)| *n == max)?;
            Some((o, g))
        })
        .collect()
}

/// The [`Attribution`]: groups summed, both lists sorted largest first.
fn summarize(
    path: &str,
    file_size: u64,
    table: &str,
    bss_bytes: u64,
    raw: Vec<Raw>,
    names: Vec<demangle::Name>,
    groups: Vec<(String, Kind)>,
) -> Attribution {
    let mut sums: HashMap<(String, Kind), (u64, usize)> = HashMap::new();
    let mut symbols = Vec::with_capacity(raw.len());
    for ((r, n), g) in raw.into_iter().zip(names).zip(groups) {
        let e = sums.entry(g.clone()).or_default();
        e.0 += r.size;
        e.1 += 1;
        symbols.push(SymbolSize {
            name: r.name,
            go_name: n.go_name,
            group: g.0,
            size: r.size,
            section: r.section_name,
        });
    }
    let mut groups: Vec<Group> = sums
        .into_iter()
        .map(|((name, kind), (bytes, symbols))| Group {
            name,
            kind,
            bytes,
            symbols,
        })
        .collect();
    groups.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.name.cmp(&b.name)));
    symbols.sort_by(|a, b| b.size.cmp(&a.size).then_with(|| a.name.cmp(&b.name)));
    Attribution {
        path: path.to_string(),
        file_size,
        symbol_table: table.to_string(),
        symbol_bytes: symbols.iter().map(|s| s.size).sum(),
        bss_bytes,
        groups,
        symbols,
        outside_symbols: Vec::new(),
        flash: flash::Flash {
            raw: 0,
            squashfs_xz: 0,
            jffs2_zlib: 0,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_inside_functions_go_to_the_known_package() {
        let known: HashSet<&str> = ["net", "example.com/m/wire", "runtime"].into();
        assert_eq!(
            resolve("net.sysDialer.dialParallel.dialResult", &known),
            "net"
        );
        assert_eq!(
            resolve("example.com/m/wire.f.t", &known),
            "example.com/m/wire"
        );
        assert_eq!(resolve("runtime", &known), "runtime");
        // Nothing known: the name stays whole (a module root `example.com`).
        assert_eq!(resolve("example.com", &known), "example.com");
    }

    #[test]
    fn not_elf_names_the_file() {
        let e = attribute_bytes("prog.sh", b"#!/bin/sh\necho hi\n").unwrap_err();
        let t = format!("{e:#}");
        assert!(t.starts_with("prog.sh: not an ELF file"), "{t}");
        let e = attribute_bytes("empty", b"").unwrap_err();
        assert!(format!("{e:#}").starts_with("empty: not an ELF file"));
        let e = attribute_bytes("bad", b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0junk").unwrap_err();
        assert!(format!("{e:#}").starts_with("bad: malformed ELF"), "{e:#}");
    }
}
