//! Build information for `runtime/debug.ReadBuildInfo`: the main package's
//! path, the main module and the modules it uses (with versions and go.sum
//! hashes), and the build settings, in the text layout of
//! `debug.BuildInfo.String` (Go 1.18), which libgo's `ParseBuildInfo` reads
//! (gccgo 11's libgo reads the `path`/`mod`/`dep`/`=>` lines and skips the rest).
//!
//! gc hands this text to the linker; for gccgo the go command compiles one
//! more file into package main whose init calls `runtime.setmodinfo`
//! (`modload.ModInfoProg`), and so do we (`go_source`).

use std::collections::BTreeMap;
use std::path::Path;

use crate::graph::{Graph, PkgId};
use crate::resolve::{Mode, Resolver};
use crate::toolchain::Toolchain;

/// The settings of a build that its `build` lines record, as the go
/// command's `setBuildInfo` (`cmd/go/internal/load/pkg.go`) names them.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// `-gccgoflags` as given, when given.
    pub gccgoflags: Option<String>,
    /// `-ldflags` as given, when given.
    pub ldflags: Option<String>,
    /// `-tags`.
    pub tags: Vec<String>,
    /// `-trimpath`.
    pub trimpath: bool,
    /// `-buildvcs=false`: no `vcs` lines, and git is never run. The
    /// default (`auto`, and `true`) stamps them when the main package is
    /// in a git work tree.
    pub no_vcs: bool,
}

/// The marker bytes around the text (`INFO_START`, then `INFO_END`), as `modload.ModInfoData` writes them
/// and `debug.ReadBuildInfo` strips them (16 bytes each).
pub const INFO_START: [u8; 16] = [
    0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74, 0x08, 0x02, 0x41, 0xe1, 0xc1, 0x07, 0xe6, 0xd6, 0x18, 0xe6,
];
pub const INFO_END: [u8; 16] = [
    0xf9, 0x32, 0x43, 0x31, 0x86, 0x18, 0x20, 0x72, 0x00, 0x82, 0x42, 0x10, 0x41, 0x16, 0xd8, 0xf2,
];

/// The build information text of the command `main` (without the `go`
/// line, which `ReadBuildInfo` takes from `runtime.Version`).
pub fn text(
    graph: &Graph,
    main: PkgId,
    resolver: &Resolver,
    tc: &Toolchain,
    s: &Settings,
) -> String {
    let mut t = format!("path\t{}\n", graph.pkg(main).import_path);
    if let Mode::Module(m) = &resolver.mode {
        // Every main module's go.sum, and go.work.sum in workspace mode (modfetch's sum files).
        let mut sum_files: Vec<_> = m.mains.iter().map(|g| g.dir().join("go.sum")).collect();
        sum_files.extend(m.work.iter().map(|w| w.dir().join("go.work.sum")));
        let sums: BTreeMap<_, _> = sum_files.iter().flat_map(|f| go_sum(f)).collect();
        // The main package's module; the other workspace modules are deps at (devel).
        let own = graph
            .pkg(main)
            .module
            .clone()
            .unwrap_or_else(|| m.first().module.clone());
        t.push_str(&format!("mod\t{own}\t(devel)\t\n"));
        let mut used: Vec<&str> = graph
            .deps_closure(main)
            .into_iter()
            .filter_map(|id| graph.pkg(id).module.as_deref())
            .filter(|p| *p != own)
            .collect();
        used.sort();
        used.dedup();
        for path in used {
            let version = match m.selected_version(path) {
                _ if m.is_main(path) => "(devel)",
                Some(v) => v,
                None => "",
            };
            let sum = sums
                .get(&(path.to_string(), version.to_string()))
                .map_or("", String::as_str);
            t.push_str(&format!("dep\t{path}\t{version}\t{sum}\n"));
        }
    }
    for (k, v) in settings(tc, s, &graph.pkg(main).dir) {
        t.push_str(&format!("build\t{k}={}\n", quote_value(&v)));
    }
    t
}

/// The `build` lines' key/value pairs, in the go command's order.
fn settings(tc: &Toolchain, s: &Settings, dir: &Path) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = vec![("-compiler".into(), "gccgo".into())];
    if let Some(f) = &s.gccgoflags {
        v.push(("-gccgoflags".into(), f.clone()));
    }
    if let Some(f) = &s.ldflags {
        v.push(("-ldflags".into(), f.clone()));
    }
    if !s.tags.is_empty() {
        v.push(("-tags".into(), s.tags.join(",")));
    }
    if s.trimpath {
        v.push(("-trimpath".into(), "true".into()));
    }
    // The go command also records CGO_CFLAGS, CGO_CPPFLAGS, CGO_CXXFLAGS
    // and CGO_LDFLAGS when cgo is on (load.setBuildInfo). gccgo-build does
    // not: the build information is compiled into the main package, so a
    // change of CGO_CFLAGS would recompile every command, where it must
    // rebuild the cgo packages and the links only.
    let cgo = crate::cgo::enabled(&crate::cgo::Env::from_process(), tc);
    v.push(("CGO_ENABLED".into(), if cgo { "1" } else { "0" }.into()));
    v.push(("GOARCH".into(), tc.target.goarch.clone()));
    v.push(("GOOS".into(), tc.target.goos.clone()));
    // The target's architecture variable after GOOS, as `cfg.GetArchEnv`.
    if tc.target.goarch == "amd64" {
        v.push(("GOAMD64".into(), "v1".into()));
    }
    if tc.target.goarch == "mips" || tc.target.goarch == "mipsle" {
        let soft = tc.float_abi.as_deref() == Some("soft");
        v.push((
            "GOMIPS".into(),
            if soft { "softfloat" } else { "hardfloat" }.into(),
        ));
    }
    // Not a go command key: which gccgo built it, as `gccgo --version` says.
    v.push(("gccgo".into(), tc.version_line.clone()));
    if !s.no_vcs {
        v.extend(vcs(dir));
    }
    v
}

/// The root of the git work tree holding `dir`: the nearest directory at
/// or above it with a `.git` entry (a directory, or the file of a linked
/// work tree or submodule), found without running git, as the go
/// command's `vcs.FromDir` looks for it. `None` outside any work tree.
fn git_root(dir: &Path) -> Option<&Path> {
    dir.ancestors()
        .find(|d| std::fs::symlink_metadata(d.join(".git")).is_ok())
}

/// `vcs`, `vcs.revision`, `vcs.time` (UTC, RFC 3339) and `vcs.modified`
/// when `dir` is in a git checkout and git is installed, as the go command
/// stamps them. Outside a work tree (`git_root`), git is not run at all.
fn vcs(dir: &Path) -> Vec<(String, String)> {
    if git_root(dir).is_none() {
        return Vec::new();
    }
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .env("TZ", "UTC")
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let Some(rev) = git(&["rev-parse", "HEAD"]) else {
        return Vec::new();
    };
    let time = git(&[
        "log",
        "-1",
        "--format=%cd",
        "--date=format-local:%Y-%m-%dT%H:%M:%SZ",
    ])
    .unwrap_or_default();
    let modified = git(&["status", "--porcelain"]).is_some_and(|s| !s.is_empty());
    vec![
        ("vcs".into(), "git".into()),
        ("vcs.revision".into(), rev),
        ("vcs.time".into(), time),
        ("vcs.modified".into(), modified.to_string()),
    ]
}

/// go.sum's module hashes: (path, version) → `h1:…` (the `/go.mod` lines left out).
fn go_sum(path: &Path) -> BTreeMap<(String, String), String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            let (p, v, h) = (w.next()?, w.next()?, w.next()?);
            (!v.ends_with("/go.mod")).then(|| ((p.to_string(), v.to_string()), h.to_string()))
        })
        .collect()
}

/// A value as `debug.BuildInfo.String` writes it: Go-quoted when it holds
/// a space, tab, newline, quote or backquote.
fn quote_value(v: &str) -> String {
    if v.contains([' ', '\t', '\r', '\n', '"', '`']) {
        go_quote(v.as_bytes())
    } else {
        v.to_string()
    }
}

/// A Go string literal of arbitrary bytes (`\xNN` for what is not
/// printable ASCII).
fn go_quote(b: &[u8]) -> String {
    let mut s = String::from("\"");
    for &c in b {
        match c {
            b'"' => s.push_str("\\\""),
            b'\\' => s.push_str("\\\\"),
            b'\n' => s.push_str("\\n"),
            b'\t' => s.push_str("\\t"),
            0x20..=0x7e => s.push(c as char),
            _ => s.push_str(&format!("\\x{c:02x}")),
        }
    }
    s.push('"');
    s
}

/// The build information text of a gccgo binary: what lies between the
/// markers (`None` without them).
pub fn find_in(data: &[u8]) -> Option<String> {
    let start = data.windows(16).position(|w| w == INFO_START)? + 16;
    let len = data[start..].windows(16).position(|w| w == INFO_END)?;
    Some(String::from_utf8_lossy(&data[start..start + len]).into_owned())
}

/// The Go file that hands `info` to the runtime, as `modload.ModInfoProg`
/// writes it for gccgo: an init in package main calling `runtime.setmodinfo`.
pub fn go_source(info: &str) -> String {
    let mut data = INFO_START.to_vec();
    data.extend_from_slice(info.as_bytes());
    data.extend_from_slice(&INFO_END);
    format!(
        "package main\n\nimport _ \"unsafe\"\n\n//go:linkname __set_debug_modinfo__ runtime.setmodinfo\nfunc __set_debug_modinfo__(string)\n\nfunc init() {{ __set_debug_modinfo__({}) }}\n",
        go_quote(&data)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_quoted_as_go_does() {
        assert_eq!(quote_value("amd64"), "amd64");
        assert_eq!(quote_value("-O2 -g"), "\"-O2 -g\"");
        assert_eq!(go_quote(&[0x30, 0xaf, b'a', b'\n']), "\"0\\xafa\\n\"");
    }

    #[test]
    fn the_source_wraps_the_text_in_the_markers() {
        let s = go_source("path\tx\n");
        assert!(s.contains(
            "\"0w\\xaf\\x0c\\x92t\\x08\\x02A\\xe1\\xc1\\x07\\xe6\\xd6\\x18\\xe6path\\tx\\n\\xf92C1"
        ));
        assert!(s.contains("runtime.setmodinfo"));
        let mut bin = b"junk".to_vec();
        bin.extend_from_slice(&INFO_START);
        bin.extend_from_slice(b"path\tx\n");
        bin.extend_from_slice(&INFO_END);
        assert_eq!(find_in(&bin).as_deref(), Some("path\tx\n"));
    }
}
