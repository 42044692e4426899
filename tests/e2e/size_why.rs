//! `size -why PKG`: the chain of imports that keeps a package in the
//! binary, as `go mod why` prints it (compared with go 1.19's output).

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
/// export data for them; the init graph of their importers' names them).
#[test]
fn size_why_on_dnsqs_three_largest_symbols_prints_their_packages_chains() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = repo.join("examples/dnsq/src/dnsq");
    let gopath = format!("{}:{GOPATH}", repo.join("examples/dnsq").display());
    let t = tempfile::tempdir().unwrap();
    let exe = t.path().join("dnsq");
    let gb = |args: &[&str]| {
        let mut c = bin();
        c.current_dir(&dir)
            .env("GOPATH", &gopath)
            .env("GO111MODULE", "off")
            .args(args);
        ok(run(&mut c)).0
    };
    gb(&["build", "-o", exe.to_str().unwrap(), "."]);
    let json = gb(&["size", "--by", "symbol", "--json", exe.to_str().unwrap()]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
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
    let mut args = vec!["size"];
    for (_, name, _) in syms.iter().take(3) {
        args.extend(["-why", name.as_str()]);
    }
    let out = gb(&args);
    let blocks: Vec<&str> = out.split("\n\n").collect();
    assert_eq!(blocks.len(), 3, "{out}");
    for ((_, name, group), block) in syms.iter().zip(&blocks) {
        let lines: Vec<&str> = block.lines().collect();
        assert_eq!(lines[0], format!("# {name} (package {group})"), "{out}");
        // Internal standard-library packages (fiat's p521Mul is among the
        // three) too: their imports come from the init graphs that name them.
        assert_eq!(lines[1], "dnsq", "main first: {out}");
        assert_eq!(lines.last(), Some(&group.as_str()), "{out}");
    }
    eprintln!("{out}");
}
