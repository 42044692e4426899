//! A toolchain spec, as `compare --with` and `bisect --good/--bad` take it:
//! `TOOLCHAIN[:FLAGS]`.
//!
//! TOOLCHAIN is one of:
//! - `gc`: the go command's own compiler (`go build`), for the GOOS/GOARCH
//!   of the comparison's target; `gc@NAME` for the GOOS/GOARCH of the
//!   toolchain NAME (`gc@mipsel-linux-gnu`, `gc@openwrt-ramips`);
//! - a directory: an OpenWrt SDK (`--sdk DIR`);
//! - a file path (it has a `/` or ends in `.toml`): a profile (`--toolchain FILE`);
//! - otherwise a toolchain name or triple (`--target NAME`); empty means the host.
//!
//! FLAGS, after the first `:`, replace the default compile flags (`-O2 -g`)
//! as `--gccgoflags` does (for gc, they become `-gcflags=all=FLAGS`).

use std::path::Path;

use anyhow::{Result, bail};

/// Which compiler a spec names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Compiler {
    /// A gccgo toolchain, chosen as the `--target`/`--toolchain`/`--sdk` flags choose one.
    Gccgo(crate::profile::Choice),
    /// The go command's compiler; `Some(NAME)` takes GOOS/GOARCH and the
    /// runner from the toolchain NAME, `None` from the comparison's target.
    Gc(Option<String>),
}

/// One parsed `TOOLCHAIN[:FLAGS]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    /// The spec as written: the column's name in every report.
    pub label: String,
    /// The compiler.
    pub compiler: Compiler,
    /// Compile flags replacing the default, split on white space; `None`
    /// keeps the build's own flags.
    pub flags: Option<Vec<String>>,
}

impl Spec {
    /// Parses one spec; relative paths are taken from `cwd`.
    ///
    /// Errors: an empty spec, or a path that looks like a file but does not exist.
    pub fn parse(s: &str, cwd: &Path) -> Result<Spec> {
        let (tc, flags) = match s.split_once(':') {
            Some((t, f)) => (
                t.trim(),
                Some(f.split_whitespace().map(String::from).collect()),
            ),
            None => (s.trim(), None),
        };
        if s.trim().is_empty() {
            bail!(
                "an empty toolchain spec: write NAME, a profile file, an SDK directory or gc, optionally followed by :FLAGS"
            );
        }
        let mut choice = crate::profile::Choice::default();
        let compiler = if tc == "gc" {
            Compiler::Gc(None)
        } else if let Some(name) = tc.strip_prefix("gc@") {
            Compiler::Gc(Some(name.to_string()))
        } else if tc.is_empty() {
            Compiler::Gccgo(choice)
        } else {
            let path = cwd.join(tc);
            if path.is_dir() {
                choice.sdk = Some(path);
            } else if tc.contains('/') || tc.ends_with(".toml") {
                if !path.is_file() {
                    bail!(
                        "toolchain spec {s:?}: {} is not a profile file or an SDK directory",
                        path.display()
                    );
                }
                choice.toolchain = Some(path);
            } else {
                choice.target = Some(tc.to_string());
            }
            Compiler::Gccgo(choice)
        };
        Ok(Spec {
            label: s.trim().to_string(),
            compiler,
            flags,
        })
    }

    /// Parses comma-separated lists (`--with A,B --with C`); FLAGS hold no
    /// commas (no gccgo option that matters here has one).
    ///
    /// Errors: as `parse`, or fewer than `min` specs.
    pub fn parse_list(s: &[String], cwd: &Path, min: usize) -> Result<Vec<Spec>> {
        let specs = s
            .iter()
            .flat_map(|x| x.split(','))
            .filter(|x| !x.trim().is_empty())
            .map(|x| Spec::parse(x, cwd))
            .collect::<Result<Vec<_>>>()?;
        if specs.len() < min {
            bail!(
                "--with needs at least {min} toolchain specs (comma-separated), got {}",
                specs.len()
            );
        }
        Ok(specs)
    }

    /// The `gccgo-build build` flags that select this spec's gccgo and
    /// flags (`--target X --gccgoflags "F"`); empty for the host with
    /// default flags. For gc, only the flags part is meaningless here: `[]`.
    pub fn gccgo_args(&self) -> Vec<String> {
        let mut a = Vec::new();
        if let Compiler::Gccgo(c) = &self.compiler {
            if let Some(t) = &c.target {
                a.extend(["--target".to_string(), t.clone()]);
            }
            if let Some(t) = &c.toolchain {
                a.extend(["--toolchain".to_string(), path_arg(t)]);
            }
            if let Some(t) = &c.sdk {
                a.extend(["--sdk".to_string(), path_arg(t)]);
            }
            if let Some(f) = &self.flags {
                a.extend(["--gccgoflags".to_string(), f.join(" ")]);
            }
        }
        a
    }
}

fn path_arg(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}
