//! Coverage in the plan: a compile whose package is covered compiles the
//! rewritten sources (`cover::Rewritten`) instead of its own, as cmd/go's
//! `Builder.build` runs cmd/cover into the objdir and hands the compiler
//! `<file>.cover.go`. The rewritten text is written into the work
//! directory by the action's own steps (so `-n` shows it) and keyed by
//! its hash: the same sources, mode and variables give the same key, and
//! coverage never shares a cache entry with a plain build.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{Action, ActionId, Plan, Step};
use crate::cover::Rewritten;

impl Plan {
    /// Makes compile `id` read `files` (each in place of its `source`),
    /// written into `<object dir>/_cover_/<file>.cover.go`.
    pub fn cover_compile(&mut self, id: ActionId, files: &[Rewritten]) {
        cover_action(&mut self.actions[id.index()], files);
    }
}

/// Rewrites one compile action for coverage (see `Plan::cover_compile`).
/// A cgo file's rewrite goes to the action's cgo step instead (go 1.19
/// covers the Go of cgo files before cgo reads them), written as
/// `_cover_/<file>` so that cgo names its outputs as it does the file's.
pub(super) fn cover_action(a: &mut Action, files: &[Rewritten]) {
    let is_compile =
        |s: &Step| matches!(s, Step::Run(c) if c.argv.get(1).is_some_and(|x| x == "-c"));
    let is_cgo = |s: &Step| matches!(s, Step::Run(c) if c.argv.iter().any(|x| x == "-objdir"));
    let Some(compile) = a.steps.iter().position(is_compile) else {
        return;
    };
    let cgo = a.steps.iter().position(is_cgo).filter(|&c| c < compile);
    let obj = a
        .outputs
        .first()
        .map(|o| o.path.clone())
        .unwrap_or_default();
    let dir = obj.with_extension("").join("_cover_");
    let mut writes = vec![Step::Mkdir(dir.clone())];
    for f in files {
        let mut dest = dir.join(format!("{}.cover.go", f.file.trim_end_matches(".go")));
        let mut found = replace_arg(&mut a.steps[compile], &f.source, &dest);
        if !found && let Some(c) = cgo {
            dest = dir.join(&f.file);
            found = replace_arg(&mut a.steps[c], &f.source, &dest);
        }
        if !found {
            continue;
        }
        writes.push(Step::Write {
            path: dest,
            contents: f.text.clone(),
        });
        let sum = Sha256::digest(f.text.as_bytes());
        let hex: String = sum.iter().map(|b| format!("{b:02x}")).collect();
        a.settings.insert(format!("cover {}", f.file), hex);
    }
    let at = cgo.unwrap_or(compile);
    a.steps.splice(at..at, writes);
}

/// Replaces the argument of command `step` (after its first two words)
/// that names `source` (relative to the command's directory or absolute)
/// by `dest`; whether there was one.
fn replace_arg(step: &mut Step, source: &Path, dest: &Path) -> bool {
    let Step::Run(cmd) = step else {
        return false;
    };
    let cwd = cmd.dir.clone();
    let named = |arg: &OsString| -> bool {
        let p = Path::new(arg);
        let full: PathBuf = match &cwd {
            Some(d) if p.is_relative() => d.join(p),
            _ => p.to_path_buf(),
        };
        full == source
    };
    match cmd.argv.iter_mut().skip(2).find(|x| named(x)) {
        Some(arg) => {
            *arg = dest.as_os_str().to_owned();
            true
        }
        None => false,
    }
}
