//! References: which symbol of a linked binary refers to which, read from
//! the relocations the linker keeps with `--emit-relocs` (`size -why
//! SYMBOL`): the chain of references from `main.main` that keeps a
//! function, a type descriptor or a method table in the binary.
//!
//! Each relocation in a loaded section (code and data; not `.eh_frame`,
//! `.gcc_except_table` or debug information, which point at everything
//! and keep nothing) is one edge: from the symbol its site lies in to the
//! symbol it refers to. A relocation against a named symbol names its
//! target. One against a section symbol (a local function or datum that
//! the assembler left anonymous) is located by the address it resolves
//! to, read back from the linked bytes where the format keeps the addend
//! there (MIPS `REL`: `R_MIPS_32`, `R_MIPS_26`, a `R_MIPS_HI16` or
//! `R_MIPS_GOT16` with its `R_MIPS_LO16`, as the MIPS ABI pairs them), or
//! from the explicit addend (`RELA`: x86-64, AArch64, PowerPC, SPARC,
//! Alpha), with x86-64's PC-relative addend (`-4` for the 4 bytes of the
//! displacement) given back. What cannot be located is left out, so a
//! chain may be missing, never made up.

use std::collections::{HashMap, VecDeque};

use anyhow::{Context, Result, bail};
use object::elf;
use object::{
    Object, ObjectSection, ObjectSymbol, RelocationFlags, RelocationTarget, SectionIndex,
    SectionKind, SymbolKind, SymbolSection,
};

use super::demangle;

/// One symbol of the binary that references can start or end in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// The name in the symbol table (gccgo's mangling).
    pub name: String,
    /// The name as `size -by symbol` prints it (Go's spelling, or the C name).
    pub display: String,
    /// The section it is in (`.text`, `.data.rel.ro` …).
    pub section: String,
    /// Address and size, in bytes.
    pub address: u64,
    /// `st_size`, in bytes.
    pub size: u64,
    /// In a section without file contents (`.bss`): its bytes take memory
    /// at run time, no room in the file.
    pub nobits: bool,
}

/// The references of a linked binary: nodes (its sized symbols, one per
/// address) and, for each, the nodes its relocations point at.
#[derive(Debug)]
pub struct Graph {
    /// Sorted by address; no two overlap.
    pub nodes: Vec<Node>,
    /// `edges[i]`: the nodes node `i` refers to, sorted, without repeats.
    pub edges: Vec<Vec<usize>>,
    /// The entry point's node, if a symbol holds it.
    pub entry: Option<usize>,
}

/// The roots a chain starts from: the program's `main.main` and the main
/// package's initialisation (`__go_init_main`, which runs every package's
/// init in gccgo); failing those, the ELF entry point (through libc and
/// the runtime).
pub const ROOTS: [&str; 2] = ["main.main", "__go_init_main"];

impl Graph {
    /// Reads the file at `path` ([`Graph::read`]); `shown` names it in
    /// answers and errors.
    ///
    /// Errors: the file cannot be read, or as [`Graph::read`].
    pub fn open(path: &std::path::Path, shown: &str) -> Result<Graph> {
        let data = std::fs::read(path)
            .map_err(|e| anyhow::anyhow!("reading {shown}: {}", crate::words::io_error(&e)))?;
        Graph::read(shown, &data)
    }

    /// Reads `data` (an ELF executable, `path` only names it).
    ///
    /// Errors (each naming `path`): not ELF, malformed, no symbol table
    /// (stripped), or no relocation section for a loaded section (linked
    /// without `--emit-relocs`); the last says how to link it again.
    pub fn read(path: &str, data: &[u8]) -> Result<Graph> {
        let file = object::File::parse(data).with_context(|| format!("{path}: not an ELF file"))?;
        let nodes = nodes(&file);
        if nodes.is_empty() {
            bail!(
                "{path}: no symbol table (the binary was stripped), so its references cannot be \
                 followed. Build it again with --no-strip (--size strips unless told not to)"
            );
        }
        let starts: Vec<u64> = nodes.iter().map(|n| n.address).collect();
        let at = |a: u64| -> Option<usize> {
            let i = starts.partition_point(|&s| s <= a).checked_sub(1)?;
            (a < nodes[i].address + nodes[i].size.max(1)).then_some(i)
        };
        let mut edges: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
        let mut any = false;
        let read_back = ReadBack {
            arch: file.architecture(),
            mem: Memory::new(&file),
            gp: file
                .symbols()
                .find(|s| s.name() == Ok("_gp"))
                .map(|s| s.address()),
        };
        for sec in file.sections() {
            if !followed(&sec) {
                continue;
            }
            let relocs: Vec<(u64, object::Relocation)> = sec.relocations().collect();
            any |= !relocs.is_empty();
            for (i, (site, r)) in relocs.iter().enumerate() {
                let Some(from) = at(*site) else { continue };
                let RelocationTarget::Symbol(si) = r.target() else {
                    continue;
                };
                let Ok(sym) = file.symbol_by_index(si) else {
                    continue;
                };
                let to = if sym.kind() == SymbolKind::Section {
                    let SymbolSection::Section(s) = sym.section() else {
                        continue;
                    };
                    let base = file.section_by_index(s).map_or(0, |s| s.address());
                    let same_fn = |a: u64| at(a) == Some(from);
                    section_address(&read_back, &relocs, i, base, &same_fn).and_then(at)
                } else if sym.is_definition() {
                    at(sym.address())
                } else {
                    None
                };
                if let Some(to) = to
                    && to != from
                {
                    edges[from].push(to);
                }
            }
        }
        if !any {
            bail!(
                "{path}: no relocations to follow: the linker keeps them only when told. Link it \
                 again with -ldflags=-Wl,--emit-relocs --no-strip --linker bfd (the code is the \
                 same; the file only grows by the relocation sections; mold 1.10 aborts on \
                 --emit-relocs with --gc-sections), or give size -why the main package instead \
                 of the binary and it links one so itself"
            );
        }
        for e in &mut edges {
            e.sort_unstable();
            e.dedup();
        }
        let entry = at(file.entry());
        Ok(Graph {
            nodes,
            edges,
            entry,
        })
    }

    /// The nodes `query` names: its Go spelling as `size -by symbol`
    /// prints it, or its name in the symbol table, GCC's clone suffixes
    /// (`.isra.0`, `.constprop.0`, `.part.0`) ignored on both sides.
    pub fn find(&self, query: &str) -> Vec<usize> {
        let q = demangle::strip_clone_suffix(query);
        (0..self.nodes.len())
            .filter(|&i| {
                let n = &self.nodes[i];
                demangle::strip_clone_suffix(&n.display) == q
                    || demangle::strip_clone_suffix(&n.name) == q
            })
            .collect()
    }

    /// The shortest chain of references `[root, …, target]` to any of
    /// `targets` from `main.main` or the main package's initialisation
    /// ([`ROOTS`], searched together, as `go mod why` starts from every
    /// package of the main module), else from the entry point; breadth
    /// first, references in address order. `None` when none reaches a
    /// target.
    pub fn chain(&self, targets: &[usize]) -> Option<Vec<usize>> {
        self.chain_from(&self.named_roots(), targets)
            .or_else(|| self.chain_from(&Vec::from_iter(self.entry), targets))
    }

    /// The nodes of [`ROOTS`] the binary has, in that order.
    pub fn named_roots(&self) -> Vec<usize> {
        ROOTS
            .iter()
            .filter_map(|r| self.nodes.iter().position(|n| n.name == *r))
            .collect()
    }

    /// [`Graph::chain`] from the given roots at once.
    fn chain_from(&self, roots: &[usize], targets: &[usize]) -> Option<Vec<usize>> {
        let mut parent: HashMap<usize, usize> = roots.iter().map(|&r| (r, r)).collect();
        let mut queue: VecDeque<usize> = roots.iter().copied().collect();
        while let Some(n) = queue.pop_front() {
            if targets.contains(&n) {
                let mut chain = vec![n];
                let mut at = n;
                while parent[&at] != at {
                    at = parent[&at];
                    chain.push(at);
                }
                chain.reverse();
                return Some(chain);
            }
            for &m in &self.edges[n] {
                parent.entry(m).or_insert_with(|| {
                    queue.push_back(m);
                    n
                });
            }
        }
        None
    }

    /// A chain as `size -why` prints it: one symbol a line, indented by
    /// two spaces; data after its name says what it is ([`data_kind`])
    /// and its section. An interface's method list longer than 60
    /// characters is shortened to `{…}`.
    pub fn render(&self, chain: &[usize]) -> String {
        let mut out = String::new();
        for &i in chain {
            let n = &self.nodes[i];
            out.push_str("  ");
            out.push_str(&shorten(&n.display));
            if n.section != ".text" {
                match data_kind(&n.name) {
                    Some(k) => out.push_str(&format!("  ({k}, {})", n.section)),
                    None => out.push_str(&format!("  ({})", n.section)),
                }
            }
            out.push('\n');
        }
        out
    }
}

/// What a gccgo data symbol is, by its name's suffix or prefix, as
/// gofrontend names them: `T..d` (or `type..T` for an unnamed type) a type descriptor, `T..p` the
/// descriptor of `*T`, `imt..`/`pimt..` the method table of a type (or
/// of a pointer to it) for an interface, `..f` a function value,
/// `go..C123` constant data (a type's method list, a composite literal);
/// `None` for others.
pub fn data_kind(name: &str) -> Option<&'static str> {
    let base = demangle::strip_clone_suffix(name);
    if base.starts_with("imt..") || base.starts_with("pimt..") {
        Some("method table")
    } else if base.ends_with("..d") || base.starts_with("type..") {
        Some("type descriptor")
    } else if base.ends_with("..p") {
        Some("pointer type descriptor")
    } else if base.ends_with("..f") {
        Some("function value")
    } else if base.starts_with("go..C") {
        Some("constant data")
    } else if base.ends_with("..types") {
        Some("type list")
    } else {
        None
    }
}

/// `name` with an interface's method list longer than 60 characters
/// shortened to `{…}` (a method table's name spells its interface out).
fn shorten(name: &str) -> String {
    let Some(open) = name.find("interface{") else {
        return name.to_string();
    };
    let start = open + "interface{".len();
    // The matching brace: method types hold braces of their own.
    let mut depth = 1;
    for (i, c) in name[start..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    let end = start + i;
                    if end - start <= 60 {
                        return name.to_string();
                    }
                    return format!("{}…{}", &name[..start], &name[end..]);
                }
            }
            _ => {}
        }
    }
    name.to_string()
}

/// Whether a section's relocations are followed: loaded sections only, and
/// not the unwind and exception tables (they point at every function and
/// keep none).
fn followed(sec: &object::Section) -> bool {
    let loaded = matches!(
        sec.kind(),
        SectionKind::Text
            | SectionKind::Data
            | SectionKind::ReadOnlyData
            | SectionKind::ReadOnlyDataWithRel
            | SectionKind::ReadOnlyString
            | SectionKind::Tls
    );
    let name = sec.name().unwrap_or("");
    loaded && !matches!(name, ".eh_frame" | ".eh_frame_hdr" | ".gcc_except_table")
}

/// The defined, sized functions and data of the symbol table (not TLS,
/// whose addresses are offsets), sorted by address; of symbols at the same
/// address (aliases, or a symbol inside another), the largest, then a
/// global one, then the shortest name.
fn nodes(file: &object::File) -> Vec<Node> {
    let mut names: HashMap<SectionIndex, (String, bool)> = HashMap::new();
    let mut all: Vec<(Node, bool)> = file
        .symbols()
        .filter(|s| {
            s.is_definition()
                && s.size() > 0
                && matches!(s.kind(), SymbolKind::Text | SymbolKind::Data)
        })
        .filter_map(|s| {
            let idx = s.section_index()?;
            let (section, nobits) = names
                .entry(idx)
                .or_insert_with(|| {
                    file.section_by_index(idx)
                        .ok()
                        .map_or_else(Default::default, |x| {
                            let nobits = matches!(
                                x.kind(),
                                SectionKind::UninitializedData | SectionKind::UninitializedTls
                            );
                            (x.name().unwrap_or("").to_string(), nobits)
                        })
                })
                .clone();
            let name = s.name().ok()?.to_string();
            let display = demangle::classify(&name).go_name.unwrap_or(name.clone());
            Some((
                Node {
                    name,
                    display,
                    section,
                    address: s.address(),
                    size: s.size(),
                    nobits,
                },
                s.is_global(),
            ))
        })
        .collect();
    all.sort_by(|(a, ag), (b, bg)| {
        a.address
            .cmp(&b.address)
            .then(b.size.cmp(&a.size))
            .then(bg.cmp(ag))
            .then(a.name.len().cmp(&b.name.len()))
    });
    let mut out: Vec<Node> = Vec::with_capacity(all.len());
    for (n, _) in all {
        // A symbol inside the previous one (an alias or a local label with
        // a size) adds no node: references into it are the outer one's.
        if out
            .last()
            .is_some_and(|p: &Node| n.address < p.address + p.size)
        {
            continue;
        }
        out.push(n);
    }
    out
}

/// The loaded bytes of the binary, by address.
struct Memory<'a> {
    /// `(address, bytes)` of each section with contents.
    parts: Vec<(u64, &'a [u8])>,
    little: bool,
}

impl<'a> Memory<'a> {
    fn new(file: &object::File<'a>) -> Memory<'a> {
        let parts = file
            .sections()
            .filter(|s| s.address() != 0)
            .filter_map(|s| Some((s.address(), s.data().ok()?)))
            .filter(|(_, d)| !d.is_empty())
            .collect();
        Memory {
            parts,
            little: file.is_little_endian(),
        }
    }

    /// The 32-bit word at `addr`, in the file's byte order.
    fn u32(&self, addr: u64) -> Option<u32> {
        let (base, d) = self
            .parts
            .iter()
            .find(|(b, d)| addr >= *b && addr + 4 <= b + d.len() as u64)?;
        let o = (addr - base) as usize;
        let w: [u8; 4] = d[o..o + 4].try_into().ok()?;
        Some(if self.little {
            u32::from_le_bytes(w)
        } else {
            u32::from_be_bytes(w)
        })
    }
}

/// What locating a section-relative target needs besides the relocation.
struct ReadBack<'a> {
    arch: object::Architecture,
    mem: Memory<'a>,
    /// `_gp`, the base of MIPS GOT-relative addressing.
    gp: Option<u64>,
}

/// The address the relocation `relocs[i]`, against the section symbol of
/// the output section at `base`, resolves to: MIPS reads it back from the
/// linked bytes ([`mips_target`], the paired `R_MIPS_LO16` being the next
/// against the same symbol at a site `same_fn` accepts); x86-64 adds the
/// addend, and gives back the `-4` of a PC-relative one; other `RELA`
/// targets add the addend. `None` where that does not say.
fn section_address(
    rb: &ReadBack,
    relocs: &[(u64, object::Relocation)],
    i: usize,
    base: u64,
    same_fn: &dyn Fn(u64) -> bool,
) -> Option<u64> {
    let (site, r) = &relocs[i];
    let RelocationFlags::Elf { r_type } = r.flags() else {
        return None;
    };
    match rb.arch {
        object::Architecture::Mips => {
            let lo = relocs[i + 1..]
                .iter()
                .take_while(|(s, _)| same_fn(*s))
                .find(|(_, n)| {
                    n.target() == r.target()
                        && n.flags()
                            == (RelocationFlags::Elf {
                                r_type: elf::R_MIPS_LO16,
                            })
                })
                .map(|(s, _)| *s);
            mips_target(&rb.mem, r_type, *site, rb.gp, lo)
        }
        object::Architecture::X86_64 => {
            let a = base.wrapping_add_signed(r.addend());
            Some(match r_type {
                elf::R_X86_64_PC32 | elf::R_X86_64_PLT32 => a.wrapping_add(4),
                _ => a,
            })
        }
        _ if !r.has_implicit_addend() => Some(base.wrapping_add_signed(r.addend())),
        _ => None,
    }
}

/// The address a MIPS `REL` relocation against a section symbol resolved
/// to, read back from the linked bytes (the addend lives there): the word
/// for `R_MIPS_32`; the jump target for `R_MIPS_26`; for `R_MIPS_HI16` and
/// `R_MIPS_GOT16` (a local page through the GOT, `gp`-relative), the high
/// part plus the signed low part of the `R_MIPS_LO16` at `lo` that the ABI
/// pairs with it. `None` for other types.
fn mips_target(
    mem: &Memory,
    r_type: elf::RelocationType,
    site: u64,
    gp: Option<u64>,
    lo: Option<u64>,
) -> Option<u64> {
    let imm = |a: u64| mem.u32(a).map(|w| w & 0xffff);
    let low = || lo.and_then(imm).map(|l| l as u16 as i16 as i64);
    match r_type {
        elf::R_MIPS_32 => mem.u32(site).map(u64::from),
        elf::R_MIPS_26 => {
            let w = mem.u32(site)?;
            Some(((site + 4) & 0xf000_0000) | (u64::from(w & 0x03ff_ffff) << 2))
        }
        elf::R_MIPS_HI16 => {
            let hi = u64::from(imm(site)?) << 16;
            Some(hi.wrapping_add_signed(low()?) & 0xffff_ffff)
        }
        elf::R_MIPS_GOT16 => {
            let slot = gp?.wrapping_add_signed(imm(site)? as u16 as i16 as i64);
            let page = u64::from(mem.u32(slot)?);
            Some(page.wrapping_add_signed(low()?) & 0xffff_ffff)
        }
        _ => None,
    }
}

/// The nodes of package `pkg` (by their names' package, as `size` groups
/// symbols), for a `-why` target that names a package.
pub fn package_nodes(graph: &Graph, pkg: &str) -> Vec<usize> {
    (0..graph.nodes.len())
        .filter(|&i| {
            matches!(demangle::classify(&graph.nodes[i].name).origin,
                demangle::Origin::Package(ref p) if p == pkg)
        })
        .collect()
}

/// The reference part of a `size -why` block for `target` in `graph`
/// (read from the binary `from` names): `references, from the
/// relocations of FROM:` and the chain ([`Graph::render`]), or a line
/// saying that the binary has no such symbol or that no root reaches it.
pub fn render_references(graph: &Graph, target: &str, from: &str) -> String {
    let mut nodes = graph.find(target);
    if nodes.is_empty() {
        nodes = package_nodes(graph, target);
    }
    if nodes.is_empty() {
        return format!(
            "({from} has no symbol {target}: the linker left it out, or the name is not as \
             `size -by symbol` prints it)\n"
        );
    }
    if let Some(c) = graph.chain(&nodes) {
        return format!(
            "references, from the relocations of {from}:\n{}",
            graph.render(&c)
        );
    }
    // No relocation leads to it: a reference inside one section needs none
    // (the assembler resolves a call, as x86-64's does for code compiled
    // without -ffunction-sections; PowerPC and Alpha reach local data at an
    // offset from a section anchor, which is all the relocation names). The
    // linker keeps a section whole, so what keeps it is what reaches its
    // package.
    let pkg = match demangle::classify(&graph.nodes[nodes[0]].name).origin {
        demangle::Origin::Package(p) => Some(p),
        _ => None,
    };
    match pkg.and_then(|p| Some((graph.chain(&package_nodes(graph, &p))?, p))) {
        Some((c, p)) => format!(
            "references, from the relocations of {from}, to package {p} (none refers to \
             {target} itself: a reference within one section, a call or data reached through \
             a section anchor, needs no relocation, and the linker keeps a section whole):\n{}",
            graph.render(&c)
        ),
        None => format!(
            "(no chain of references in {from} reaches {target} from main.main, the main \
             package's initialisation or the entry point: it is kept by something the \
             relocations do not show, such as a section kept whole)\n"
        ),
    }
}

/// `size -why TARGET… BINARY` for an ELF file: one block per target
/// (`# TARGET` and [`render_references`]), blank-line separated. A target
/// is a symbol as `size -by symbol` prints it, or a package (the chain
/// ends at the first of its symbols reached).
///
/// Errors: as [`Graph::read`], or the file cannot be read.
pub fn why_in_binary(path: &std::path::Path, targets: &[String]) -> Result<String> {
    let name = path.display().to_string();
    let graph = Graph::open(path, &name)?;
    let blocks: Vec<String> = targets
        .iter()
        .map(|t| format!("# {t}\n{}", render_references(&graph, t, &name)))
        .collect();
    Ok(blocks.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Linked MIPS words (little-endian) and what they resolve to, as the
    /// MIPS ABI's REL relocations leave them.
    #[test]
    fn mips_rel_targets_are_read_back_from_the_linked_instructions() {
        // 0x400000: jal 0x47b204; 0x400004: lui v0,0x8f; 0x400008: addiu v0,v0,-0x3340
        // (0x8f0000 - 0x3340 = 0x8eccc0); 0x40000c: the word 0x00a92e50;
        // 0x400010: lw v0,-0x7ff0(gp) with gp = 0x410000 → slot 0x408010,
        // which holds the page 0x00a90000; 0x400014: addiu with 0x2e50.
        let words: [u32; 6] = [
            0x0c00_0000 | (0x47b204 >> 2),
            0x3c02_008f,
            0x2442_ccc0,
            0x00a9_2e50,
            0x8f82_8010,
            0x2442_2e50,
        ];
        let code: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
        let got = 0x00a9_0000u32.to_le_bytes();
        let mem = Memory {
            parts: vec![(0x400000, &code), (0x408010, &got)],
            little: true,
        };
        let gp = Some(0x410000);
        assert_eq!(
            mips_target(&mem, elf::R_MIPS_26, 0x400000, gp, None),
            Some(0x47b204)
        );
        assert_eq!(
            mips_target(&mem, elf::R_MIPS_HI16, 0x400004, gp, Some(0x400008)),
            Some(0x8eccc0)
        );
        assert_eq!(
            mips_target(&mem, elf::R_MIPS_32, 0x40000c, gp, None),
            Some(0xa92e50)
        );
        assert_eq!(
            mips_target(&mem, elf::R_MIPS_GOT16, 0x400010, gp, Some(0x400014)),
            Some(0xa92e50)
        );
        // A HI16 without its LO16, and a type not read: no target.
        assert_eq!(
            mips_target(&mem, elf::R_MIPS_HI16, 0x400004, gp, None),
            None
        );
        assert_eq!(
            mips_target(&mem, elf::R_MIPS_GPREL32, 0x40000c, gp, None),
            None
        );
    }

    #[test]
    fn data_symbols_say_what_they_are_and_long_interfaces_are_shortened() {
        assert_eq!(data_kind("net.TCPConn..d"), Some("type descriptor"));
        assert_eq!(data_kind("net.TCPConn..p"), Some("pointer type descriptor"));
        assert_eq!(
            data_kind("type..func()(net.IPMask)"),
            Some("type descriptor")
        );
        assert_eq!(
            data_kind("pimt..interface{Close func()(error)}..net.TCPConn"),
            Some("method table")
        );
        assert_eq!(data_kind("go..C2754"), Some("constant data"));
        assert_eq!(data_kind("main.main..func1..f"), Some("function value"));
        assert_eq!(data_kind("net.zeroIPv4"), None);
        let short = "imt..interface{Error func()(string)}..io.T";
        assert_eq!(shorten(short), short);
        let long = format!(
            "pimt..interface{{{}}}..net.TCPConn",
            "Close func()(error);".repeat(5)
        );
        assert_eq!(shorten(&long), "pimt..interface{…}..net.TCPConn");
    }
}
