//! Per-package compile flags: the `pattern=flags` form of `--gccgoflags`,
//! as the go command's `-gccgoflags` takes it (`cmd/go/internal/load/flag.go`,
//! `PerPackageFlag`; the patterns as `MatchPackage` and
//! `search.MatchPattern` read them).
//!
//! One difference from go, kept on purpose: go gives the bare form (no
//! `pattern=`) to the packages named on the command line only; gccgo-build
//! has always given it to every package it compiles (so `-gccgoflags=-Os`
//! shrinks the whole program), and still does. This module only parses
//! and matches; `plan` decides which flags a compile gets.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

/// Which packages a `pattern=` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pattern {
    /// `all`: every package.
    All,
    /// `std`: the standard library. gccgo ships it compiled, so it matches
    /// no package that gccgo-build compiles.
    Std,
    /// `cmd`: the go distribution's commands (`cmd/...`); none here either.
    Cmd,
    /// An import path, where `...` matches any string (`example.com/x/...`
    /// also matches `example.com/x`; `...` does not reach into `vendor/`).
    ImportPath(String),
    /// A relative pattern (`./x`, `../y/...`), made absolute against the
    /// working directory: it matches by the package's directory, as go's does.
    Dir {
        /// The directory before the first `...` element.
        dir: PathBuf,
        /// The rest, matched against the package directory relative to
        /// `dir` (empty: the directory itself).
        rest: String,
    },
}

/// One `pattern=flags`: the flags for the packages the pattern matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageFlags {
    /// The pattern as written, for messages and the cache's explanation.
    pub text: String,
    /// What it matches.
    pub pattern: Pattern,
    /// The flags, replacing (not adding to) the default ones.
    pub flags: Vec<String>,
}

/// One `--gccgoflags` value: bare flags (every package), or `pattern=flags`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlagsValue {
    /// Flags without a pattern: for every package gccgo-build compiles.
    Bare(Vec<String>),
    /// `pattern=flags`.
    Package(PackageFlags),
}

/// Parses one `--gccgoflags` value, relative patterns taken from `cwd`. As
/// go: a value starting with `-` (after blanks) is bare flags, otherwise it
/// needs `pattern=`; flags are split on white space (gccgo-build has never
/// quoted them; a quote is refused rather than misread).
///
/// Errors: no `=`, an empty pattern, or a quote character in the value.
pub fn parse(value: &str, cwd: &Path) -> Result<FlagsValue> {
    let v = value.trim();
    if v.contains(['\'', '"']) {
        bail!(
            "--gccgoflags {value:?}: quotes are not supported; flags are separated by blanks \
             and none may contain one"
        );
    }
    if v.is_empty() || v.starts_with('-') {
        return Ok(FlagsValue::Bare(split(v)));
    }
    let Some((pat, flags)) = v.split_once('=') else {
        bail!(
            "--gccgoflags {value:?}: missing =FLAGS in PATTERN=FLAGS (flags start with `-`; \
             a pattern is an import path, `...` pattern, ./dir, all, std or cmd)"
        );
    };
    let pat = pat.trim();
    if pat.is_empty() {
        bail!("--gccgoflags {value:?}: missing PATTERN in PATTERN=FLAGS");
    }
    Ok(FlagsValue::Package(PackageFlags {
        text: pat.to_string(),
        pattern: Pattern::new(pat, cwd),
        flags: split(flags),
    }))
}

fn split(s: &str) -> Vec<String> {
    s.split_whitespace().map(String::from).collect()
}

impl Pattern {
    /// Reads a pattern; a relative one (`.`, `..`, `./…`, `../…`) is taken
    /// from `cwd`.
    pub fn new(pat: &str, cwd: &Path) -> Pattern {
        match pat {
            "all" => Pattern::All,
            "std" => Pattern::Std,
            "cmd" => Pattern::Cmd,
            _ if is_relative(pat) => {
                let (dir, rest) = match pat.find("...") {
                    None => (pat, ""),
                    Some(i) => match pat[..i].rfind('/') {
                        Some(j) => (&pat[..j], &pat[j + 1..]),
                        None => ("", pat),
                    },
                };
                Pattern::Dir {
                    dir: crate::resolve::clean(&cwd.join(dir)),
                    rest: rest.to_string(),
                }
            }
            _ => Pattern::ImportPath(pat.to_string()),
        }
    }

    /// Whether the pattern matches the package with this import path and
    /// directory; `standard` says it is in the standard library.
    pub fn matches(&self, import_path: &str, dir: &Path, standard: bool) -> bool {
        match self {
            Pattern::All => true,
            Pattern::Std => standard,
            Pattern::Cmd => standard && import_path.starts_with("cmd/"),
            Pattern::ImportPath(p) => match_pattern(p, import_path),
            Pattern::Dir { dir: base, rest } => {
                if rest.is_empty() {
                    return dir == base;
                }
                match dir.strip_prefix(base) {
                    Ok(rel) => {
                        let rel = rel.to_string_lossy().replace('\\', "/");
                        match_pattern(rest, if rel.is_empty() { "." } else { &rel })
                    }
                    Err(_) => false,
                }
            }
        }
    }
}

/// go's `search.IsRelativePath`.
fn is_relative(p: &str) -> bool {
    p == "." || p == ".." || p.starts_with("./") || p.starts_with("../")
}

/// Stands for a `vendor` element that is not the last, as go's matcher
/// does, so that `...` never matches into a vendor directory.
const VENDOR: char = '\0';

/// go's `search.MatchPattern`: `...` matches any string that does not
/// cross a non-final `vendor` element; a trailing `/...` also matches the
/// empty string (`x/...` matches `x`).
pub fn match_pattern(pattern: &str, name: &str) -> bool {
    if pattern.contains(VENDOR) || name.contains(VENDOR) {
        return false;
    }
    let p = replace_vendor(pattern);
    let n = replace_vendor(name);
    let vendor_tail = format!("/{VENDOR}/...");
    if let Some(base) = p.strip_suffix(&vendor_tail) {
        glob(&format!("{base}/vendor"), &n) || glob(&p, &n)
    } else if p == format!("{VENDOR}/...") {
        glob("/vendor", &n) || glob(&format!("/{p}"), &n)
    } else if let Some(base) = p.strip_suffix("/...") {
        glob(base, &n) || glob(&p, &n)
    } else {
        glob(&p, &n)
    }
}

/// go's `replaceVendor`: every `vendor` element but the last becomes `VENDOR`.
fn replace_vendor(x: &str) -> String {
    let elems: Vec<&str> = x.split('/').collect();
    let last = elems.len() - 1;
    let v = VENDOR.to_string();
    elems
        .iter()
        .enumerate()
        .map(|(i, e)| if i < last && *e == "vendor" { &v } else { *e })
        .collect::<Vec<_>>()
        .join("/")
}

/// Matches `name` against `pattern` whose only wildcard is `...` (any
/// string without `VENDOR`). Linear: each fixed piece is taken at its
/// leftmost place, which is never worse than a later one.
fn glob(pattern: &str, name: &str) -> bool {
    let pieces: Vec<&str> = pattern.split("...").collect();
    let (first, last) = (pieces[0], pieces[pieces.len() - 1]);
    let Some(mut rest) = name.strip_prefix(first) else {
        return false;
    };
    if pieces.len() == 1 {
        return rest.is_empty();
    }
    for mid in &pieces[1..pieces.len() - 1] {
        match rest.find(mid) {
            Some(i) if !rest[..i].contains(VENDOR) => rest = &rest[i + mid.len()..],
            _ => return false,
        }
    }
    rest.len() >= last.len()
        && rest.ends_with(last)
        && !rest[..rest.len() - last.len()].contains(VENDOR)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_as_go_matches_them() {
        // From go's search_test.go (TestMatchPattern), the cases that apply.
        let yes = [
            ("...", "foo"),
            ("net", "net"),
            ("net/...", "net"),
            ("net/...", "net/http"),
            ("net/.../http", "net/x/http"),
            ("net/...http", "net/http"),
            ("x/...", "x/vendor"),
            ("x/vendor/...", "x/vendor/y"),
            ("x/vendor/...", "x/vendor"),
            ("x/vendor/y", "x/vendor/y"),
            ("github.com/miekg/...", "github.com/miekg/dns"),
        ];
        let no = [
            ("net", "net/http"),
            ("net/...", "netchan"),
            ("net/...http", "net"),
            ("x/...", "x/vendor/y"),
            ("...", "x/vendor/y"),
            ("x/.../y", "x/vendor/y"),
            ("example.com/minion/internal/wire", "example.com/minion"),
        ];
        for (p, n) in yes {
            assert!(match_pattern(p, n), "{p} should match {n}");
        }
        for (p, n) in no {
            assert!(!match_pattern(p, n), "{p} should not match {n}");
        }
    }

    #[test]
    fn values_parse_as_go_parses_them() {
        let cwd = Path::new("/src/m");
        assert_eq!(
            parse(" -O0 -g ", cwd).unwrap(),
            FlagsValue::Bare(vec!["-O0".into(), "-g".into()])
        );
        assert_eq!(parse("", cwd).unwrap(), FlagsValue::Bare(vec![]));
        let FlagsValue::Package(p) = parse("example.com/x/...=-O0 -g", cwd).unwrap() else {
            panic!("a pattern")
        };
        assert_eq!(p.pattern, Pattern::ImportPath("example.com/x/...".into()));
        assert_eq!(p.flags, ["-O0", "-g"]);
        let FlagsValue::Package(p) = parse("all=", cwd).unwrap() else {
            panic!("a pattern")
        };
        assert_eq!((p.pattern, p.flags), (Pattern::All, vec![]));
        for bad in ["-O2=x'", "example.com/x", "=-O0", "'x'=-O0"] {
            assert!(parse(bad, cwd).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn relative_patterns_match_directories() {
        let cwd = Path::new("/src/m");
        let p = Pattern::new("./internal/...", cwd);
        assert!(p.matches("m/internal", Path::new("/src/m/internal"), false));
        assert!(p.matches("m/internal/w", Path::new("/src/m/internal/w"), false));
        assert!(!p.matches("m/cmd", Path::new("/src/m/cmd"), false));
        let p = Pattern::new(".", cwd);
        assert!(p.matches("m", Path::new("/src/m"), false));
        assert!(!p.matches("m/x", Path::new("/src/m/x"), false));
        let p = Pattern::new("./...", cwd);
        assert!(p.matches("m", Path::new("/src/m"), false));
        assert!(!Pattern::new("std", cwd).matches("m", Path::new("/src/m"), false));
        assert!(Pattern::new("std", cwd).matches("fmt", Path::new("/"), true));
    }
}
