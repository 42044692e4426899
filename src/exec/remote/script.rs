//! The shell script a remote action runs: the action's Mkdir and Run steps
//! joined by `&&`, each build-local path rewritten under the worker's input
//! root `"$R"` (`$WORK/x` → `"$R"/_w/x`, `/src/a.go` → `"$R"/_r/src/a.go`),
//! so that nothing of this machine's layout reaches the worker and the
//! Action digests the same on every builder with the same sources.
//!
//! Which absolute paths are build-local: `$WORK` and what is under it; the
//! directories holding the action's inputs, what is under them and their
//! ancestors (the `-trimpath` working directory); and the old half of every
//! `-f*-prefix-map=OLD=NEW` and of cgo's `-trimpath OLD=>NEW`. Anything else (`/usr/bin/gccgo`, a system
//! include directory) names the toolchain and stays as it is.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::process::Cmd;

/// A script being assembled.
pub(super) struct Script {
    work: PathBuf,
    dirs: BTreeSet<PathBuf>,
    lines: Vec<String>,
}

/// Single-quotes `s` for sh (always, so that pieces concatenate).
fn lit(s: &str) -> String {
    if s.is_empty() {
        return String::new();
    }
    format!("'{}'", s.replace('\'', "'\\''"))
}

impl Script {
    pub(super) fn new(work: &Path, dirs: BTreeSet<PathBuf>) -> Script {
        Script {
            work: work.to_path_buf(),
            dirs,
            lines: vec!["R=$(pwd -P) || exit 1".into()],
        }
    }

    fn local(&self, p: &Path) -> bool {
        p.starts_with(&self.work)
            || self
                .dirs
                .iter()
                .any(|d| p.starts_with(d) || d.starts_with(p))
    }

    /// `p` as a shell word under `"$R"`, if it is build-local.
    fn mapped(&self, p: &str, force: bool) -> Option<String> {
        let path = Path::new(p);
        if !path.is_absolute() || !(force || self.local(path)) {
            return None;
        }
        let rel = super::rel_path(&self.work, path)?;
        Some(format!("\"$R\"/{}", lit(&rel)))
    }

    /// One argument, rewritten: a whole path, `-flag=PATH`, or a prefix map.
    fn arg(&self, a: &str) -> String {
        if let Some(m) = self.mapped(a, false) {
            return m;
        }
        for flag in [
            "-ffile-prefix-map=",
            "-fdebug-prefix-map=",
            "-fmacro-prefix-map=",
        ] {
            if let Some(rest) = a.strip_prefix(flag)
                && let Some((old, new)) = rest.split_once('=')
                && let Some(m) = self.mapped(old, true)
            {
                return format!("{}{m}{}", lit(flag), lit(&format!("={new}")));
            }
        }
        // cgo's `-trimpath OLD=>NEW` rewrite.
        if let Some((old, new)) = a.split_once("=>")
            && let Some(m) = self.mapped(old, true)
        {
            return format!("{m}{}", lit(&format!("=>{new}")));
        }
        if a.starts_with('-')
            && let Some((flag, val)) = a.split_once('=')
            && let Some(m) = self.mapped(val, false)
        {
            return format!("{}{m}", lit(&format!("{flag}=")));
        }
        if a.is_empty() { "''".into() } else { lit(a) }
    }

    pub(super) fn mkdir(&mut self, d: &Path) {
        let w = self
            .mapped(&d.to_string_lossy(), true)
            .unwrap_or_else(|| lit(&d.to_string_lossy()));
        self.lines.push(format!("mkdir -p {w}"));
    }

    pub(super) fn run(&mut self, cmd: &Cmd) {
        let words: Vec<String> = cmd
            .argv
            .iter()
            .map(|a| self.arg(&a.to_string_lossy()))
            .collect();
        let line = words.join(" ");
        match &cmd.dir {
            Some(d) => {
                let d = self
                    .mapped(&d.to_string_lossy(), true)
                    .unwrap_or_else(|| lit(&d.to_string_lossy()));
                self.lines.push(format!("(cd {d} && exec {line})"));
            }
            // The process's directory, as here (always: the `-trimpath`
            // root that the prefix maps name, a C compile's DW_AT_comp_dir).
            None => {
                let here = std::env::current_dir().ok();
                let d = here
                    .as_ref()
                    .and_then(|h| self.mapped(&h.to_string_lossy(), true));
                match d {
                    Some(d) => self
                        .lines
                        .push(format!("mkdir -p {d} && (cd {d} && exec {line})")),
                    None => self.lines.push(format!("(cd \"$R\" && exec {line})")),
                }
            }
        }
    }

    pub(super) fn finish(self) -> String {
        self.lines.join(" &&\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_build_local_paths_only() {
        let mut dirs = BTreeSet::new();
        dirs.insert(PathBuf::from("/src/m/pkg"));
        let mut s = Script::new(Path::new("/tmp/w1"), dirs);
        let mut c = Cmd::new("/usr/bin/gccgo")
            .arg("-c")
            .arg("-ffile-prefix-map=/tmp/w1=/tmp/go-build")
            .arg("-ffile-prefix-map=/src/m=.")
            .arg("-I")
            .arg("/tmp/w1")
            .arg("-o")
            .arg("/tmp/w1/a.o")
            .arg("a.go");
        c.dir = Some(PathBuf::from("/src/m/pkg"));
        s.run(&c);
        let out = s.finish();
        assert!(
            out.contains("(cd \"$R\"/'_r/src/m/pkg' && exec '/usr/bin/gccgo' '-c'"),
            "{out}"
        );
        assert!(
            out.contains("'-ffile-prefix-map='\"$R\"/'_w''=/tmp/go-build'"),
            "{out}"
        );
        assert!(
            out.contains("'-ffile-prefix-map='\"$R\"/'_r/src/m''=.'"),
            "{out}"
        );
        assert!(out.contains("'-o' \"$R\"/'_w/a.o' 'a.go'"), "{out}");
        assert!(!out.contains("/tmp/w1"), "{out}");
    }

    #[test]
    fn rewrites_cgos_trimpath_and_runs_dirless_commands_where_they_run_here() {
        let here = std::env::current_dir().unwrap();
        let mut dirs = BTreeSet::new();
        dirs.insert(here.join("pkg"));
        let mut s = Script::new(Path::new("/tmp/w1"), dirs);
        let arg = format!("{}=>example.com/m/pkg", here.join("pkg").display());
        s.run(&Cmd::new("cgo").arg("-trimpath").arg(&arg));
        let out = s.finish();
        let rel = here.to_string_lossy().trim_start_matches('/').to_string();
        assert!(
            out.contains(&format!("\"$R\"/'_r/{rel}/pkg''=>example.com/m/pkg'")),
            "{out}"
        );
        assert!(
            out.contains(&format!("(cd \"$R\"/'_r/{rel}' && exec 'cgo'")),
            "{out}"
        );
    }
}
