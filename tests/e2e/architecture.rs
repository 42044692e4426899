//! The shape of `src/`, checked: the module import graph points down the
//! pipeline (no module uses one listed after it in `LAYERS`, so there is no
//! cycle), and no function outside tests runs over 100 lines.

use std::collections::BTreeMap;
use std::path::Path;

/// Every top-level module of `src/`, lowest first: a module may use only
/// modules before it. The pipeline is scan → resolve → graph → plan → exec
/// (with cache) → link, driven by build, reached through cli.
const LAYERS: &[&str] = &[
    // Foundations that every stage may use.
    "words",
    "par",
    "hint",
    "store",
    "reapi",
    "remote",
    "cleanup",
    "console",
    "process",
    "target",
    // Reading the project.
    "constraint",
    "scan",
    "gomod",
    "modfetch",
    "resolve",
    "overlay",
    "graph",
    "embed",
    // Toolchains and checks.
    "toolchain",
    "profile",
    "cgo",
    "gate",
    // Coverage: rewrites sources before they are planned (go 1.19 cmd/cover).
    "cover",
    "buildinfo",
    "xflag",
    "inspect",
    "sizes",
    "testmain",
    "test2json",
    // Planning and running.
    "plan",
    "ninja",
    "cache",
    "progress",
    "exec",
    "link",
    "record",
    "sysrun",
    // Drivers and the command line.
    "build",
    "install",
    "gotest",
    "compare",
    "bisect",
    "list",
    "depgraph",
    "doctor",
    "cli",
    "lib",
    "main",
];

/// Top-level module → the `crate::X` modules its files name (tests excluded).
fn imports() -> BTreeMap<String, Vec<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut edges: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for e in walkdir::WalkDir::new(&src) {
        let e = e.unwrap();
        if e.path().extension().is_none_or(|x| x != "rs") {
            continue;
        }
        let rel = e.path().strip_prefix(&src).unwrap();
        let first = rel.iter().next().unwrap().to_string_lossy();
        let module = first.trim_end_matches(".rs").to_string();
        let text = std::fs::read_to_string(e.path()).unwrap();
        let text = text.split("#[cfg(test)]\nmod tests").next().unwrap();
        let used = edges.entry(module.clone()).or_default();
        let mut names = Vec::new();
        for (i, _) in text.match_indices("crate::") {
            let rest = &text[i + 7..];
            if let Some(group) = rest.strip_prefix('{') {
                // use crate::{a::X, b};
                let group = &group[..group.find("};").unwrap_or(group.len())];
                names.extend(group.split(',').filter_map(|p| {
                    let w: String = p
                        .trim()
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    (!w.is_empty()).then_some(w)
                }));
            } else {
                names.push(
                    rest.chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect(),
                );
            }
        }
        for n in names {
            if n != module && !n.is_empty() && !used.contains(&n) {
                used.push(n);
            }
        }
    }
    edges
}

#[test]
fn modules_use_only_the_layers_below_them() {
    let rank = |m: &str| LAYERS.iter().position(|l| *l == m);
    let mut upward = Vec::new();
    for (module, used) in imports() {
        let Some(r) = rank(&module) else {
            upward.push(format!("{module} is not in LAYERS: place it"));
            continue;
        };
        for u in used {
            match rank(&u) {
                // A macro or std path (`crate::console` is fine, `$crate`).
                None => upward.push(format!("{module} uses unknown module {u}")),
                Some(ru) if ru > r => upward.push(format!("{module} -> {u}")),
                _ => {}
            }
        }
    }
    assert!(
        upward.is_empty(),
        "imports pointing up the pipeline:\n{}",
        upward.join("\n")
    );
}

/// Functions over 100 lines (from the `fn` line to the brace that closes
/// it, at the same indentation), outside `#[cfg(test)] mod tests`.
#[test]
fn no_function_runs_over_100_lines() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut long = Vec::new();
    for e in walkdir::WalkDir::new(&src) {
        let e = e.unwrap();
        if e.path().extension().is_none_or(|x| x != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(e.path()).unwrap();
        let text = text.split("#[cfg(test)]\nmod tests").next().unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let mut i = 0;
        while i < lines.len() {
            let l = lines[i];
            let t = l.trim_start();
            let is_fn = [
                "fn ",
                "pub fn ",
                "pub(crate) fn ",
                "const fn ",
                "pub const fn ",
                "unsafe fn ",
            ]
            .iter()
            .any(|p| t.starts_with(p));
            if is_fn && !t.ends_with(';') {
                let indent = &l[..l.len() - t.len()];
                let close = format!("{indent}}}");
                let end =
                    (i..lines.len()).find(|&j| lines[j] == close || (j == i && t.ends_with('}')));
                if let Some(end) = end {
                    if end - i + 1 > 100 {
                        long.push(format!(
                            "{}:{} ({} lines)",
                            e.path().display(),
                            i + 1,
                            end - i + 1
                        ));
                    }
                    i = end;
                }
            }
            i += 1;
        }
    }
    assert!(
        long.is_empty(),
        "functions over 100 lines:\n{}",
        long.join("\n")
    );
}
