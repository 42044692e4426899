//! Module mode without a main module: GO111MODULE on (or unset, on by
//! default since Go 1.16) in a directory with no go.mod or go.work above
//! it. The go command (`modload.Init`, Go 1.19) then finds standard-library
//! packages and files named on the command line that import only them,
//! and refuses the rest with `modload.ErrNoModRoot`'s words. gccgo-build
//! keeps GOPATH mode for a directory inside a GOPATH entry's `src` (where
//! `GO111MODULE=auto` would be wanted, and old trees live); everywhere
//! else it answers as go does.

use std::path::Path;

use super::{Mode, Resolver};

/// go's `modload.ErrNoModRoot` text.
pub const NO_MOD_ROOT: &str =
    "go.mod file not found in current directory or any parent directory; see 'go help modules'";

impl Resolver {
    /// Whether `dir` is in module mode without a main module: GOPATH mode
    /// was chosen only for lack of a go.mod (GO111MODULE neither `off` nor
    /// `auto`) and `dir` is outside every GOPATH entry's `src`.
    pub fn without_main_module(&self, dir: &Path) -> bool {
        let Mode::Gopath(roots) = &self.mode else {
            return false;
        };
        let on = !matches!(
            std::env::var("GO111MODULE").as_deref(),
            Ok("off") | Ok("auto")
        );
        on && !roots.iter().any(|r| dir.starts_with(r.join("src")))
    }

    /// go's answer for a package pattern without a main module: `None`
    /// for what it still finds (standard-library paths, `all`, `std`,
    /// `cmd` and other import-path patterns); else its error.
    pub(super) fn no_module_pattern_error(&self, pat: &str, cwd: &Path) -> Option<String> {
        if super::is_local_path(pat) {
            return Some(if pat.contains("...") {
                let prefix = pat.split("/...").next().unwrap_or(pat);
                format!(
                    "pattern {pat}: directory prefix {prefix} does not contain main module or its selected dependencies"
                )
            } else {
                no_main_module(cwd)
            });
        }
        if pat.contains("...") || self.is_std(pat) || ["all", "std", "cmd"].contains(&pat) {
            return None;
        }
        Some(no_provider(pat))
    }
}

/// Files other dependency managers left at a project's root, and a git
/// checkout's config, in the order go looks for them (`modload.altConfigs`, Go 1.19).
const ALT_CONFIGS: [&str; 10] = [
    "Gopkg.lock",
    "GLOCKFILE",
    "Godeps/Godeps.json",
    "dependencies.tsv",
    "glide.lock",
    "vendor.conf",
    "vendor.yml",
    "vendor/manifest",
    "vendor/vendor.json",
    ".git/config",
];

/// go's fatal error when a command needs a main module and `cwd` has none
/// (`modload.die`, Go 1.19): when `cwd` or a parent holds another tool's
/// configuration or a `.git/config` file, go names it and says how to make
/// a module there; else `NO_MOD_ROOT`. Lines after the first are
/// tab-indented, as go prints them.
pub fn no_main_module(cwd: &Path) -> String {
    let goroot = std::env::var_os("GOROOT").filter(|g| !g.is_empty());
    if goroot.is_some_and(|g| cwd.starts_with(g)) {
        // go never suggests a module at $GOROOT or above it (go issue 34191).
        return NO_MOD_ROOT.to_string();
    }
    for dir in cwd.ancestors() {
        for name in ALT_CONFIGS {
            if dir.join(name).is_file() {
                let cd = match cwd.strip_prefix(dir) {
                    Ok(rel) if rel.as_os_str().is_empty() => String::new(),
                    Ok(rel) => {
                        let up = vec![".."; rel.components().count()].join("/");
                        format!("cd {up} && ")
                    }
                    Err(_) => format!("cd {} && ", dir.display()),
                };
                return format!(
                    "cannot find main module, but found {name} in {}\n\tto create a module there, run:\n\t{cd}go mod init",
                    dir.display()
                );
            }
        }
    }
    NO_MOD_ROOT.to_string()
}

/// go's error for a non-standard import without a main module.
pub fn no_provider(path: &str) -> String {
    format!("no required module provides package {path}: {NO_MOD_ROOT}")
}
