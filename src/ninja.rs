//! `build --emit ninja FILE`: the plan as a Ninja file, so a build can be
//! handed to an existing executor (Debian's `ninja`, or n2) or to a machine
//! without gccgo-build.
//!
//! One build edge per action, running the same commands as gccgo-build
//! (joined with `&&`). The work directory is the Ninja file's directory;
//! files the plan writes (test mains, build information) are written there
//! when the file is generated. Export data is replaced only when its bytes
//! change and the compile edges are `restat`, so an edit that leaves a
//! package's `.gox` as it was rebuilds that package and the link only, as
//! our cache does.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context as _, Result};

use crate::plan::{ActionKind, Plan, Role, Step};
use crate::process::quote;

/// Escapes a path for a Ninja `build` line (`$`, space and `:`).
fn path(p: &Path) -> String {
    p.to_string_lossy()
        .replace('$', "$$")
        .replace(' ', "$ ")
        .replace(':', "$:")
}

/// One step as a shell command (absolute paths), `$` escaped for Ninja;
/// export data goes through a temporary file and replaces the old only
/// when it differs.
fn command(step: &Step) -> Option<String> {
    let q = |p: &Path| quote(&p.to_string_lossy(), None);
    let s = match step {
        Step::Mkdir(d) => format!("mkdir -p {}", q(d)),
        Step::Write { .. } => return None,
        Step::Install { from, to } => format!("cp -f {} {}", q(from), q(to)),
        Step::Run(c) if c.argv.iter().any(|a| a == ".go_export") => {
            let gox = c
                .argv
                .last()
                .map(|g| Path::new(g).to_path_buf())
                .unwrap_or_default();
            let mut tmp = c.clone();
            let new = gox.with_extension("gox.new");
            if let Some(last) = tmp.argv.last_mut() {
                *last = new.clone().into_os_string();
            }
            format!(
                "{} && if cmp -s {n} {g}; then rm -f {n}; else mv -f {n} {g}; fi",
                tmp.display_with_work(None),
                n = q(&new),
                g = q(&gox)
            )
        }
        Step::Run(c) => c.display_with_work(None),
    };
    Some(s.replace('$', "$$"))
}

/// The Ninja file of `plan` (whose work directory is the file's
/// directory). Each edge starts in `cwd`, where gccgo-build ran its
/// compilers: gccgo records that directory in the debug info.
pub fn render(plan: &Plan, cwd: &Path) -> String {
    let mut n = String::from(
        "# Written by gccgo-build (build --emit ninja): one edge per action, the same commands.\n\
         ninja_required_version = 1.3\n\n\
         rule run\n  command = $cmd\n  description = $desc\n  restat = 1\n\n",
    );
    let mut defaults = Vec::new();
    for a in &plan.actions {
        let mut outs: Vec<String> = a.outputs.iter().map(|o| path(&o.path)).collect();
        if let ActionKind::Link { out, .. } = &a.kind {
            outs.push(path(out));
            defaults.push(path(out));
        }
        let mut ins: Vec<String> = a.inputs.iter().map(|p| path(p)).collect();
        for d in &a.deps {
            let dep = &plan[*d];
            let want: &[Role] = match a.kind {
                ActionKind::Link { .. } => &[Role::Object, Role::Extra],
                ActionKind::Compile { .. } => &[Role::Export],
            };
            ins.extend(
                dep.outputs
                    .iter()
                    .filter(|o| want.contains(&o.role))
                    .map(|o| path(&o.path)),
            );
        }
        let mut cmd: Vec<String> = vec![format!(
            "cd {}",
            quote(&cwd.to_string_lossy(), None).replace('$', "$$")
        )];
        cmd.extend(a.steps.iter().filter_map(command));
        let _ = writeln!(n, "build {}: run {}", outs.join(" "), ins.join(" "));
        let _ = writeln!(n, "  cmd = {}", cmd.join(" && "));
        let _ = writeln!(n, "  desc = {}\n", a.label.replace('$', "$$"));
    }
    if !defaults.is_empty() {
        let _ = writeln!(n, "default {}", defaults.join(" "));
    }
    n
}

/// Writes the Ninja file for `plan` at `file` and the files the plan's
/// `Write` steps hold into the work directory (the file's directory).
///
/// Errors: a file cannot be written.
pub fn emit(plan: &Plan, cwd: &Path, file: &Path) -> Result<()> {
    for a in &plan.actions {
        for s in &a.steps {
            if let Step::Write { path, contents } = s {
                if let Some(d) = path.parent() {
                    std::fs::create_dir_all(d)
                        .with_context(|| format!("creating {}", d.display()))?;
                }
                std::fs::write(path, contents)
                    .with_context(|| format!("writing {}", path.display()))?;
            }
        }
    }
    let dir = file.parent().unwrap_or(Path::new("."));
    crate::store::atomic_write(file, render(plan, cwd).as_bytes(), dir)
}
