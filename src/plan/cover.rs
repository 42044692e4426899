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
pub(super) fn cover_action(a: &mut Action, files: &[Rewritten]) {
    let Some(at) = a
        .steps
        .iter()
        .position(|s| matches!(s, Step::Run(c) if c.argv.get(1).is_some_and(|x| x == "-c")))
    else {
        return;
    };
    let obj = a
        .outputs
        .first()
        .map(|o| o.path.clone())
        .unwrap_or_default();
    let dir = obj.with_extension("").join("_cover_");
    let mut writes = vec![Step::Mkdir(dir.clone())];
    if let Step::Run(cmd) = &mut a.steps[at] {
        let cwd = cmd.dir.clone();
        for f in files {
            let dest = dir.join(format!("{}.cover.go", f.file.trim_end_matches(".go")));
            let named = |arg: &OsString| -> bool {
                let p = Path::new(arg);
                let full: PathBuf = match &cwd {
                    Some(d) if p.is_relative() => d.join(p),
                    _ => p.to_path_buf(),
                };
                full == f.source
            };
            let Some(arg) = cmd.argv.iter_mut().skip(2).find(|x| named(x)) else {
                continue;
            };
            *arg = dest.clone().into_os_string();
            writes.push(Step::Write {
                path: dest,
                contents: f.text.clone(),
            });
            let sum = Sha256::digest(f.text.as_bytes());
            let hex: String = sum.iter().map(|b| format!("{b:02x}")).collect();
            a.settings.insert(format!("cover {}", f.file), hex);
        }
    }
    a.steps.splice(at..at, writes);
}
