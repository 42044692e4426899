//! Plan: turn the frozen package graph into actions — compile a package,
//! extract its export data, link a command, install it — each with its
//! full argv, inputs, outputs and the actions it waits for. The same plan
//! drives the real build, `-n` (print only) and `-x` (print and run), so
//! what is printed is what runs.
//!
//! The commands are the ones the go command issues for gccgo
//! (`cmd/go/internal/work/gccgo.go`), without its archive step: a package
//! compiles to one object `$WORK/<import path>.o`, its export data is copied
//! out with the target's objcopy to `$WORK/<import path>.gox`, where the
//! importer's `-I $WORK` finds it. Planning decides nothing about freshness:
//! the cache keys are computed from the inputs recorded here (see `cache`).

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::graph::{Graph, PkgId};
use crate::process::Cmd;
use crate::toolchain::Toolchain;

/// How the link treats libgo and libc (`--link`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LinkMode {
    /// `-static-libgo`: libgo linked in, libc dynamic (the default).
    StaticLibgo,
    /// `-static`: a fully static executable.
    Static,
    /// libgo as a shared library (the target needs `libgo.so`).
    Dynamic,
}

/// Compiler and link settings that apply to every package.
#[derive(Debug, Clone)]
pub struct Flags {
    /// Flags for every Go compile (default `-O2 -g`).
    pub gcflags: Vec<String>,
    /// Extra link flags.
    pub ldflags: Vec<String>,
    /// Link mode.
    pub link: LinkMode,
}

impl Default for Flags {
    fn default() -> Self {
        Flags {
            gcflags: vec!["-O2".into(), "-g".into()],
            ldflags: vec![],
            link: LinkMode::StaticLibgo,
        }
    }
}

/// One step of an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Create a directory (and its parents).
    Mkdir(PathBuf),
    /// Run a command.
    Run(Cmd),
    /// Copy a finished file into place atomically (temporary file in the
    /// destination directory, then rename); printed as `cp`.
    Install {
        /// The file in the work directory.
        from: PathBuf,
        /// The user's output path.
        to: PathBuf,
    },
}

impl Step {
    /// The step as one shell line, `$WORK` standing for the work directory.
    pub fn display(&self, work: &Path) -> String {
        let q = |p: &Path| crate::process::quote(&p.to_string_lossy(), Some(work));
        match self {
            Step::Mkdir(d) => format!("mkdir -p {}", q(d)),
            Step::Run(c) => c.display_with_work(Some(work)),
            Step::Install { from, to } => format!("cp {} {}", q(from), q(to)),
        }
    }
}

/// What an action produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionKind {
    /// Compile one package and extract its export data.
    Compile {
        /// The package.
        pkg: PkgId,
    },
    /// Link a command and install it.
    Link {
        /// The main package.
        pkg: PkgId,
        /// The user's output path.
        out: PathBuf,
    },
}

/// Index of an action in `Plan::actions`.
pub type ActionId = usize;

/// One unit of scheduling: steps run in order by one worker.
#[derive(Debug, Clone)]
pub struct Action {
    /// What it is.
    pub kind: ActionKind,
    /// A short label: the import path, or `link OUT`.
    pub label: String,
    /// Steps, in order.
    pub steps: Vec<Step>,
    /// Actions that must finish first.
    pub deps: Vec<ActionId>,
    /// Source files read (absolute paths), for cache keys.
    pub inputs: Vec<PathBuf>,
    /// Files written in the work directory: object first, then `.gox` (compile),
    /// or the linked executable (link).
    pub outputs: Vec<PathBuf>,
    /// The compile flags that reach this action's compiler (for cache keys and `--explain`).
    pub flags: Vec<String>,
}

/// The whole build: actions in a valid order (dependencies first).
#[derive(Debug, Clone)]
pub struct Plan {
    /// The work directory that `$WORK` names.
    pub work: PathBuf,
    /// Actions, dependencies before dependents.
    pub actions: Vec<Action>,
    /// For each package, its compile action.
    pub compile_of: BTreeMap<PkgId, ActionId>,
}

impl Plan {
    /// Builds the plan for the graph. `outputs` maps each main package to
    /// link to its output path; other packages are compiled and checked.
    pub fn new(
        graph: &Graph,
        tc: &Toolchain,
        flags: &Flags,
        work: &Path,
        outputs: &BTreeMap<PkgId, PathBuf>,
    ) -> Plan {
        let mut actions = Vec::new();
        let mut compile_of = BTreeMap::new();
        for id in graph.topo() {
            let p = graph.pkg(id);
            let obj = object_path(work, &p.import_path);
            let gox = obj.with_extension("gox");
            let files: Vec<PathBuf> = p
                .files
                .go_files
                .iter()
                .map(|f| p.dir.join(&f.name))
                .collect();
            let mut cflags: Vec<String> = flags.gcflags.clone();
            cflags.extend(tc.cflags.iter().cloned());
            let mut cmd = Cmd::new(tc.gccgo.as_os_str()).arg("-c").args(cflags.iter());
            if !p.is_main() {
                cmd = cmd.arg(format!("-fgo-pkgpath={}", p.import_path));
            }
            if p.import_map
                .keys()
                .any(|k| k.starts_with("./") || k.starts_with("../"))
            {
                // gccgo resolves relative imports against this path (go's
                // `-fgo-relative-import-path`, GOPATH mode only).
                cmd = cmd.arg(format!("-fgo-relative-import-path={}", p.dir.display()));
            }
            cmd = cmd
                .arg("-I")
                .arg(work.as_os_str())
                .arg("-o")
                .arg(obj.as_os_str())
                .args(files.iter().map(|f| f.as_os_str().to_owned()));
            let mut steps = vec![
                Step::Mkdir(obj.parent().unwrap_or(work).to_path_buf()),
                Step::Run(cmd),
            ];
            let mut outs = vec![obj.clone()];
            if !p.is_main() {
                steps.push(Step::Run(
                    Cmd::new(tc.objcopy.as_os_str())
                        .args(["-j", ".go_export"])
                        .arg(obj.as_os_str())
                        .arg(gox.as_os_str()),
                ));
                outs.push(gox);
            }
            let deps = graph.deps(id).iter().map(|d| compile_of[d]).collect();
            compile_of.insert(id, actions.len());
            actions.push(Action {
                kind: ActionKind::Compile { pkg: id },
                label: p.import_path.clone(),
                steps,
                deps,
                inputs: files,
                outputs: outs,
                flags: cflags,
            });
        }
        for (&id, out) in outputs {
            let p = graph.pkg(id);
            let exe = work.join("exe").join(exe_name(out));
            // Objects: the main package first, then its dependencies with
            // importers before the packages they import.
            let mut objs: Vec<OsString> = vec![object_path(work, &p.import_path).into_os_string()];
            let closure = graph.deps_closure(id);
            objs.extend(
                closure
                    .iter()
                    .rev()
                    .map(|d| object_path(work, &graph.pkg(*d).import_path).into_os_string()),
            );
            let mut ld: Vec<String> = match flags.link {
                LinkMode::StaticLibgo => vec!["-static-libgo".into()],
                LinkMode::Static => vec!["-static".into()],
                LinkMode::Dynamic => vec![],
            };
            ld.extend(tc.cflags.iter().cloned());
            ld.extend(tc.ldflags.iter().cloned());
            ld.extend(flags.ldflags.iter().cloned());
            let cmd = Cmd::new(tc.gccgo.as_os_str())
                .arg("-o")
                .arg(exe.as_os_str())
                .args(objs)
                .args(ld.iter());
            let mut deps: Vec<ActionId> = vec![compile_of[&id]];
            deps.extend(closure.iter().map(|d| compile_of[d]));
            actions.push(Action {
                kind: ActionKind::Link {
                    pkg: id,
                    out: out.clone(),
                },
                label: format!("link {}", out.display()),
                steps: vec![
                    Step::Mkdir(work.join("exe")),
                    Step::Run(cmd),
                    Step::Install {
                        from: exe.clone(),
                        to: out.clone(),
                    },
                ],
                deps,
                inputs: vec![],
                outputs: vec![exe],
                flags: ld,
            });
        }
        Plan {
            work: work.to_path_buf(),
            actions,
            compile_of,
        }
    }

    /// The whole plan as a shell script (what `-n` prints).
    pub fn script(&self) -> String {
        let mut s = format!(
            "WORK={}\n",
            crate::process::quote(&self.work.to_string_lossy(), None)
        );
        for a in &self.actions {
            s.push_str(&format!("\n# {}\n", a.label));
            for st in &a.steps {
                s.push_str(&st.display(&self.work));
                s.push('\n');
            }
        }
        s
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.script())
    }
}

/// `$WORK/<import path>.o`.
pub fn object_path(work: &Path, import_path: &str) -> PathBuf {
    let mut p = work.to_path_buf();
    // An import path never has `..` components (scan rejects none, but be
    // safe): they would escape the work directory.
    for c in import_path
        .split('/')
        .filter(|c| !c.is_empty() && *c != "..")
    {
        p.push(c);
    }
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "_".into());
    p.set_file_name(format!("{name}.o"));
    p
}

fn exe_name(out: &Path) -> String {
    out.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "a.out".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_paths_follow_import_paths() {
        let w = Path::new("/w");
        assert_eq!(
            object_path(w, "example.com/m/internal/wire"),
            PathBuf::from("/w/example.com/m/internal/wire.o")
        );
        assert_eq!(
            object_path(w, "gopkg.in/yaml.v3"),
            PathBuf::from("/w/gopkg.in/yaml.v3.o")
        );
        assert_eq!(object_path(w, "a/../../etc"), PathBuf::from("/w/a/etc.o"));
    }
}
