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
    pub(super) fn no_module_pattern_error(&self, pat: &str) -> Option<String> {
        if super::is_local_path(pat) {
            return Some(if pat.contains("...") {
                let prefix = pat.split("/...").next().unwrap_or(pat);
                format!(
                    "pattern {pat}: directory prefix {prefix} does not contain main module or its selected dependencies"
                )
            } else {
                NO_MOD_ROOT.to_string()
            });
        }
        if pat.contains("...") || self.is_std(pat) || ["all", "std", "cmd"].contains(&pat) {
            return None;
        }
        Some(no_provider(pat))
    }
}

/// go's error for a non-standard import without a main module.
pub fn no_provider(path: &str) -> String {
    format!("no required module provides package {path}: {NO_MOD_ROOT}")
}
