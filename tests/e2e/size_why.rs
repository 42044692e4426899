//! `size -why PKG`: the chain of imports that keeps a package in the
//! binary, as `go mod why` prints it (compared with go 1.19's output);
//! `size -why SYMBOL`: also the chain of references from `main.main`,
//! read from the relocations the linker keeps with `--emit-relocs` and
//! checked here edge by edge against readelf's listing of the same file.

use std::path::Path;
use std::process::Command;

use crate::common::*;

fn module() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_tree(
        dir.path(),
        &[
            (
                "go.mod",
                "module example.com/w\n\ngo 1.18\n\nrequire example.com/a v0.0.0\n\nreplace example.com/a => ./a\n",
            ),
            ("a/go.mod", "module example.com/a\n\ngo 1.18\n"),
            (
                "main.go",
                "package main\n\nimport \"example.com/a\"\n\nfunc main() { println(a.J()) }\n",
            ),
            (
                "a/a.go",
                "package a\n\nimport \"encoding/json\"\n\nfunc J() string { b, _ := json.Marshal(1); return string(b) }\n",
            ),
        ],
    );
    dir
}

#[test]
fn size_why_prints_the_import_chain_go_mod_why_prints() {
    let m = module();
    // (go mod why starts at every package of the main module and also
    // follows tests' imports; size -why starts at the main package built
    // and follows what is linked: here, with one package in the main
    // module and chains no test shortens, they agree.)
    let targets = ["example.com/a", "encoding/json", "reflect"];
    let mut ours = bin();
    ours.current_dir(m.path()).arg("size");
    for t in targets {
        ours.arg("-why").arg(t);
    }
    let (out, _) = ok(run(&mut ours));
    let gocache = m.path().join(".gocache");
    let (want, _) = ok(run(Command::new("go")
        .current_dir(m.path())
        .env("GOCACHE", &gocache)
        .env("GOFLAGS", "-mod=mod")
        .env("GOPROXY", "off")
        .args(["mod", "why"])
        .args(targets)));
    assert_eq!(out, want);
    assert!(
        out.ends_with("# reflect\nexample.com/w\nexample.com/a\nencoding/json\nreflect\n"),
        "{out}"
    );
}

#[test]
fn size_why_net_on_dnsq_starts_at_main_and_ends_at_net() {
    why_net_on_dnsq(&[]);
}

#[test]
fn size_why_net_on_dnsq_for_the_ramips_sdk() {
    let Some(sdk) = crate::flash::ramips_sdk() else {
        return;
    };
    why_net_on_dnsq(&["--sdk", &sdk.to_string_lossy()]);
}

/// `size -why net` (and a module package) on examples/dnsq, loaded for
/// the toolchain `select` chooses.
fn why_net_on_dnsq(select: &[&str]) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = run(bin()
        .current_dir(repo.join("examples/dnsq/src/dnsq"))
        .env(
            "GOPATH",
            format!("{}:{GOPATH}", repo.join("examples/dnsq").display()),
        )
        .env("GO111MODULE", "off")
        .arg("size")
        .args(select)
        .args(["-why", "net", "-why", "golang.org/x/net/ipv4"]));
    let (out, _) = ok(o);
    let blocks: Vec<&str> = out.split("\n\n").collect();
    let net: Vec<&str> = blocks[0].lines().collect();
    assert_eq!(net.first(), Some(&"# net"), "{out}");
    assert_eq!(net.get(1), Some(&"dnsq"), "main first: {out}");
    assert_eq!(net.last(), Some(&"net"), "{out}");
    assert_eq!(
        blocks[1], "# golang.org/x/net/ipv4\ndnsq\ngithub.com/miekg/dns\ngolang.org/x/net/ipv4\n",
        "{out}"
    );
}

/// `size -why SYMBOL` on the three largest symbols of dnsq (as `size -by
/// symbol -json` lists them): each answers with its package's chain from
/// main, internal standard-library packages included (gccgo installs no
/// export data for them; the init graph of their importers' names them),
/// then with the chain of references size -why read from the program it
/// linked with its relocations: from a root to the symbol, or, where no
/// relocation names the symbol (x86-64 calls within one section need
/// none), to a symbol of its package.
#[test]
fn size_why_on_dnsqs_three_largest_symbols_prints_their_packages_chains() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = repo.join("examples/dnsq/src/dnsq");
    let t = tempfile::tempdir().unwrap();
    let exe = t.path().join("dnsq");
    let gb = |args: &[&str]| ok(run(dnsq_command(&dir).args(args))).0;
    gb(&["build", "-o", exe.to_str().unwrap(), "."]);
    let syms = largest_go_symbols(&crate::flash::size_json(&exe), 3);
    let mut args = vec!["size"];
    for (name, _) in &syms {
        args.extend(["-why", name.as_str()]);
    }
    let out = gb(&args);
    let blocks: Vec<&str> = out.split("\n\n").collect();
    assert_eq!(blocks.len(), 3, "{out}");
    for ((name, group), block) in syms.iter().zip(&blocks) {
        let (imports, refs) = block
            .split_once("references, from the relocations of ")
            .unwrap_or_else(|| panic!("no reference chain for {name}: {out}"));
        let lines: Vec<&str> = imports.lines().collect();
        assert_eq!(lines[0], format!("# {name} (package {group})"), "{out}");
        // Internal standard-library packages (fiat's p521Mul is among the
        // three) too: their imports come from the init graphs that name them.
        assert_eq!(lines[1], "dnsq", "main first: {out}");
        assert_eq!(lines.last(), Some(&group.as_str()), "{out}");
        let chain: Vec<&str> = refs.lines().skip(1).map(str::trim).collect();
        assert!(ROOTS.contains(&chain[0]), "from a root: {out}");
        let last = chain.last().unwrap().split("  (").next().unwrap();
        if refs.contains("none refers to") {
            assert!(last.starts_with(&format!("{group}.")), "{out}");
        } else {
            assert_eq!(last, name, "{out}");
        }
    }
    eprintln!("{out}");
}

/// The roots a reference chain starts from: `main.main`, the main
/// package's initialisation.
const ROOTS: [&str; 2] = ["main.main", "__go_init_main"];

/// `gccgo-build` in dnsq's main package with its GOPATH, GOPATH mode.
fn dnsq_command(dir: &Path) -> Command {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut c = bin();
    c.current_dir(dir)
        .env(
            "GOPATH",
            format!("{}:{GOPATH}", repo.join("examples/dnsq").display()),
        )
        .env("GO111MODULE", "off");
    c
}

/// The `n` largest symbols with a Go package in `v` (`size --json`, as
/// `crate::flash::size_json` reads it): `(go_name, group)`, largest first.
fn largest_go_symbols(v: &serde_json::Value, n: usize) -> Vec<(String, String)> {
    let mut syms: Vec<(u64, String, String)> = v["symbols"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["size"].as_u64().unwrap(),
                s["go_name"].as_str().unwrap_or("").to_string(),
                s["group"].as_str().unwrap_or("").to_string(),
            )
        })
        .filter(|(_, n, g)| !g.is_empty() && n.starts_with(&format!("{g}.")))
        .collect();
    syms.sort_by_key(|s| std::cmp::Reverse(s.0));
    syms.into_iter().take(n).map(|(_, n, g)| (n, g)).collect()
}

/// A method dnsq never calls, `net.TCPConn.SetLinger`, is kept by data: a
/// method table (an interface value made of a `*net.TCPConn`) or a type
/// descriptor (reflection can call any method of a type it sees):
/// `size -why` on the binary linked with `-Wl,--emit-relocs` prints the
/// chain from main.main through type descriptors, and every step of it is
/// a relocation readelf lists in the earlier symbol's bytes. The three
/// largest symbols get chains checked the same way. Host toolchain.
#[test]
fn size_why_symbol_chain_on_dnsq_is_made_of_relocations_readelf_lists() {
    why_chain_is_relocations(&[], "dnsq-host");
}

/// As above, for the ramips SDK (MIPS `REL` relocations, whose addends
/// live in the instructions), linked as for the router (`--size --link
/// static`); there calls are relocated too, so each of the three largest
/// symbols' chains ends at the symbol itself.
#[test]
fn size_why_symbol_chain_on_dnsq_for_the_ramips_sdk_is_made_of_relocations() {
    let Some(sdk) = crate::flash::ramips_sdk() else {
        return;
    };
    why_chain_is_relocations(
        &["--sdk", sdk.to_str().unwrap(), "--size", "--link", "static"],
        "dnsq-ramips",
    );
}

fn why_chain_is_relocations(build: &[&str], name: &str) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = repo.join("examples/dnsq/src/dnsq");
    let t = tempfile::tempdir().unwrap();
    let exe = t.path().join(name);
    let overlay = mips_overlay(t.path());
    let mut c = dnsq_command(&dir);
    c.arg("build").args(build);
    if build.contains(&"--sdk") {
        c.arg("--overlay").arg(&overlay);
    }
    ok(run(c
        .args(["--no-strip", "-ldflags=-Wl,--emit-relocs", "-o"])
        .arg(&exe)
        .arg(".")));
    let mips = build.contains(&"--sdk");
    let mut targets: Vec<String> = vec!["net.TCPConn.SetLinger".into()];
    let sizes = crate::flash::size_json(&exe);
    targets.extend(largest_go_symbols(&sizes, 3).into_iter().map(|(n, _)| n));
    let mut c = bin();
    c.arg("size");
    for t in &targets {
        c.args(["-why", t]);
    }
    let (out, _) = ok(run(c.arg(&exe)));
    let table = Relocations::read(&exe, &sizes);
    let blocks: Vec<&str> = out.split("\n\n").collect();
    assert_eq!(blocks.len(), targets.len(), "{out}");
    for (t, block) in targets.iter().zip(&blocks) {
        let lines: Vec<&str> = block.lines().collect();
        assert_eq!(lines[0], format!("# {t}"), "{out}");
        assert!(
            lines[1].starts_with("references, from the relocations of "),
            "{out}"
        );
        let chain: Vec<&str> = lines[2..]
            .iter()
            .map(|l| l.trim().split("  (").next().unwrap())
            .collect();
        assert!(ROOTS.contains(&chain[0]), "from a root: {out}");
        if mips || !lines[1].contains("none refers to") {
            assert_eq!(chain.last(), Some(&t.as_str()), "{out}");
        }
        for w in chain.windows(2) {
            assert!(
                table.refers(w[0], w[1]),
                "{} → {}: readelf lists no relocation in the first that names the second \
                 or an anonymous section part:\n{out}",
                w[0],
                w[1]
            );
        }
    }
    // The retained bytes of the same file: each row keeps at least its own
    // bytes, the rows come largest first, and their own bytes add up to
    // the reached total (each reached symbol is in one subtree).
    let (json, _) = ok(run(bin()
        .args(["size", "--by", "retained", "--json"])
        .arg(&exe)));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let rows = v["symbols"].as_array().unwrap();
    let num = |r: &serde_json::Value, k: &str| r[k].as_u64().unwrap();
    assert!(rows.iter().all(|r| num(r, "retained") >= num(r, "size")));
    assert!(
        rows.windows(2)
            .all(|w| num(&w[0], "retained") >= num(&w[1], "retained"))
    );
    let own: u64 = rows.iter().map(|r| num(r, "size")).sum();
    assert_eq!(own, num(&v, "reached_bytes"));
    let (top, _) = ok(run(bin()
        .args(["size", "--by", "retained", "--top", "12"])
        .arg(&exe)));
    eprintln!("{top}");
    let linger: Vec<&str> = blocks[0].lines().collect();
    assert!(
        linger
            .iter()
            .any(|l| l.contains("type descriptor, ") || l.contains("(method table, ")),
        "SetLinger is kept through a type descriptor or a method table: {out}"
    );
    eprintln!("{out}");
}

/// A binary linked without `--emit-relocs`: `size -why SYMBOL BINARY` says
/// how to link it, exit 1, nothing on stdout.
#[test]
fn size_why_on_a_binary_without_relocations_says_how_to_link_it() {
    let m = module();
    let exe = m.path().join("w");
    ok(run(bin().current_dir(m.path()).args([
        "build",
        "--no-strip",
        "-o",
        "w",
        ".",
    ])));
    let o = run(bin().args(["size", "-why", "main.main"]).arg(&exe));
    let (out, err) = fails(o);
    assert_eq!(out, "");
    assert!(
        err.contains("no relocations to follow") && err.contains("-ldflags=-Wl,--emit-relocs"),
        "{err}"
    );
}

/// What readelf lists of a binary: each symbol's address range by its
/// name as `size` prints it, and each relocation's site and symbol name.
struct Relocations {
    /// Go spelling (as `size -by symbol -json` gives it) → each `(address,
    /// size)` it has (gccgo numbers constant data per object file: many
    /// `go..C12`).
    symbols: std::collections::HashMap<String, Vec<(u64, u64)>>,
    /// mangled name → Go spelling.
    spelled: std::collections::HashMap<String, String>,
    /// `(site, symbol name as readelf prints it)`, sorted by site.
    relocs: Vec<(u64, String)>,
}

impl Relocations {
    /// `v`: `size --json` of `exe` (the Go spellings).
    fn read(exe: &Path, v: &serde_json::Value) -> Relocations {
        let spelled: std::collections::HashMap<String, String> = v["symbols"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                let n = s["name"].as_str().unwrap().to_string();
                let g = s["go_name"].as_str().map_or(n.clone(), String::from);
                (n, g)
            })
            .collect();
        let (syms, _) = ok(run(Command::new("readelf").arg("-sW").arg(exe)));
        let mut symbols = std::collections::HashMap::new();
        for l in syms.lines() {
            let f: Vec<&str> = l.split_whitespace().collect();
            if f.len() == 8 && (f[3] == "FUNC" || f[3] == "OBJECT") {
                let addr = u64::from_str_radix(f[1], 16).unwrap_or(0);
                let size: u64 = f[2].parse().unwrap_or(0);
                let go = spelled.get(f[7]).cloned().unwrap_or(f[7].to_string());
                symbols
                    .entry(go)
                    .or_insert_with(Vec::new)
                    .push((addr, size));
            }
        }
        let (rel, _) = ok(run(Command::new("readelf").arg("-rW").arg(exe)));
        let mut relocs = Vec::new();
        let mut followed = false;
        for l in rel.lines() {
            if let Some(rest) = l.strip_prefix("Relocation section '") {
                let sec = rest.split('\'').next().unwrap();
                followed = !matches!(sec, ".rel.dyn" | ".rela.dyn" | ".rela.plt" | ".rel.plt")
                    && !sec.contains("debug")
                    && !sec.contains("eh_frame");
                continue;
            }
            let f: Vec<&str> = l.split_whitespace().collect();
            if followed
                && f.len() >= 5
                && let Ok(site) = u64::from_str_radix(f[0], 16)
            {
                relocs.push((site, f[4].to_string()));
            }
        }
        relocs.sort();
        Relocations {
            symbols,
            spelled,
            relocs,
        }
    }

    /// Whether a relocation in `from`'s bytes names `to` (by its mangled
    /// name) or a section (an anonymous target, located by its address;
    /// readelf prints the section's name).
    fn refers(&self, from: &str, to: &str) -> bool {
        // A method table's name shortened to `interface{…}` is not looked up.
        if from.contains('…') || to.contains('…') {
            return true;
        }
        let Some(ranges) = self.symbols.get(from) else {
            return false;
        };
        ranges.iter().any(|&(a, n)| {
            let start = self.relocs.partition_point(|(s, _)| *s < a);
            self.relocs[start..]
                .iter()
                .take_while(|(s, _)| *s < a + n)
                .any(|(_, name)| {
                    name.starts_with('.')
                        || self.spelled.get(name).map_or(name.as_str(), String::as_str) == to
                })
        })
    }
}

/// A program whose `lookup` alone refers to a 32 KiB table.
fn table_module() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_tree(
        dir.path(),
        &[
            ("go.mod", "module example.com/ret\n\ngo 1.18\n"),
            (
                "main.go",
                "package main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n)\n\n\
                 // table is 32 KiB of data that only lookup refers to.\n\
                 var table = [4096]int64{1, 2, 3}\n\n\
                 //go:noinline\nfunc lookup(i int) int64 { return table[i%len(table)] }\n\n\
                 func main() { fmt.Println(lookup(len(os.Args))) }\n",
            ),
        ],
    );
    dir
}

/// `size --by retained`: `lookup` keeps its own bytes and the table's,
/// exactly (nothing else is only its), main.main at least that; the rows'
/// own bytes add up to the reached total. And `size --size -why` links
/// the program itself (with GNU ld: mold 1.10 aborts on --emit-relocs with
/// --gc-sections) and prints main.main → main.lookup → main.table.
#[test]
fn size_by_retained_counts_what_only_a_symbol_keeps() {
    let m = table_module();
    let gb = |args: &[&str]| ok(run(bin().current_dir(m.path()).args(args))).0;
    gb(&[
        "build",
        "--size",
        "--no-strip",
        "--linker",
        "bfd",
        "-ldflags=-Wl,--emit-relocs",
        "-o",
        "ret",
        ".",
    ]);
    let json = gb(&["size", "--by", "retained", "--json", "ret"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let rows = v["symbols"].as_array().unwrap();
    let get = |n: &str| {
        let r = rows
            .iter()
            .find(|r| r["go_name"] == n)
            .unwrap_or_else(|| panic!("no {n}: {json}"));
        (r["size"].as_u64().unwrap(), r["retained"].as_u64().unwrap())
    };
    let (table, table_kept) = get("main.table");
    let (lookup, lookup_kept) = get("main.lookup");
    let (main, main_kept) = get("main.main");
    assert_eq!(table, 32768);
    assert_eq!(table_kept, table);
    assert_eq!(lookup_kept, lookup + table, "{json}");
    assert!(main_kept >= main + lookup_kept, "{json}");
    let own: u64 = rows.iter().map(|r| r["size"].as_u64().unwrap()).sum();
    assert_eq!(own, v["reached_bytes"].as_u64().unwrap());
    let kept: Vec<u64> = rows
        .iter()
        .map(|r| r["retained"].as_u64().unwrap())
        .collect();
    assert!(kept.windows(2).all(|w| w[0] >= w[1]), "largest first");
    let text = gb(&["size", "--by", "retained", "--top", "5", "ret"]);
    assert!(text.contains("not reached through relocations: "), "{text}");
    assert_eq!(text.lines().count(), 1 + 1 + 5 + 1, "{text}");

    let why = gb(&["size", "--size", "-why", "main.table", "."]);
    let chain: Vec<&str> = why
        .split_once("references, from the relocations of ")
        .unwrap_or_else(|| panic!("{why}"))
        .1
        .lines()
        .skip(1)
        .map(|l| l.trim().split("  (").next().unwrap())
        .collect();
    assert_eq!(chain, ["main.main", "main.lookup", "main.table"], "{why}");
}
