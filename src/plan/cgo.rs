//! The compile of a package that imports "C", as the go command runs it for
//! gccgo (cmd/go/internal/work/exec.go, `cgo`; gccgo.go, `cc`), in one
//! action:
//!
//! 1. cgo (the program that matches the gccgo, `cgo::Tools`) writes into
//!    `$WORK/<import path>/_cgo_/`: `_cgo_gotypes.go` and one `X.cgo1.go`
//!    per cgo file for gccgo, `_cgo_export.c`, one `X.cgo2.c` per cgo file,
//!    `_cgo_defun.c`, `_cgo_export.h` and `_cgo_flags` for the C side. It
//!    runs in the package directory (a preamble's `#include "x.h"` is read
//!    there) with `CC`, `GCCGO`, `GOARCH` and `GOOS` of the target: it
//!    compiles probes with the target's C compiler and reads their DWARF.
//! 2. gccgo compiles the package's plain Go files and cgo's Go files; the
//!    target's objcopy extracts the export data.
//! 3. The target's C compiler compiles `_cgo_export.c`, the `X.cgo2.c`
//!    files, then the package's own `.c`, `.s` and `.S` files with the cgo
//!    flags (`_x001.o` …); its C++ compiler the `.cc`/`.cpp`/`.cxx` files;
//!    and the C compiler `_cgo_defun.c` as gccgo's `cc` step does.
//!
//! The link of a command takes each cgo package's link flags (what
//! `_cgo_flags` holds: `CGO_LDFLAGS`, `#cgo LDFLAGS`, `pkg-config --libs`)
//! from the plan, not from the file: the plan is data, and the flags are
//! known when planning. It adds `-Wl,-E` (cgo on Linux) and `-lstdc++`
//! (C++ files), as gccgo.go's `link` does.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::{Output, Role, SPLIT_STACK_ARCHES, Step, mangle_pkgpath, package_work_dir};
use crate::cgo::{PkgCgo, Setup, Tools};
use crate::graph::{Graph, Package, PkgId};
use crate::process::Cmd;
use crate::toolchain::Toolchain;

/// cgo's `-objdir` for a package: `$WORK/<import path>/_cgo_/`.
pub(super) fn objdir(work: &Path, import_path: &str) -> PathBuf {
    package_work_dir(work, import_path).join("_cgo_")
}

/// Whether `p` is compiled through cgo.
pub(super) fn uses_cgo(p: &Package) -> bool {
    !p.files.cgo_files.is_empty()
}

/// A cgo file's name without `.go` (cgo names its outputs after it).
fn stem(name: &str) -> &str {
    name.strip_suffix(".go").unwrap_or(name)
}

/// The Go files gccgo compiles for cgo package `p`: its plain Go files
/// (through the overlay), then `_cgo_gotypes.go` and the `X.cgo1.go` files,
/// in go's order.
pub(super) fn go_files(p: &Package, work: &Path) -> Vec<PathBuf> {
    let od = objdir(work, &p.import_path);
    let mut v: Vec<PathBuf> = p
        .files
        .plain_go_files()
        .iter()
        .map(|f| p.files.source_path(f))
        .collect();
    v.push(od.join("_cgo_gotypes.go"));
    v.extend(
        p.files
            .cgo_files
            .iter()
            .map(|f| od.join(format!("{}.cgo1.go", stem(f)))),
    );
    v
}

/// Makes the Go compile among `steps` (the first `-c` step) run in cgo's
/// objdir and name cgo's Go files there relatively (`_cgo_gotypes.go`).
/// gccgo records the positions of inlinable bodies in the export data by
/// the file names it is given, and `$WORK` changes with every build:
/// named absolutely, cgo's files would change the package's `.gox` each
/// time and rebuild every importer. With `-trimpath` (`trim`: the path
/// flags' count, which `add_path_flags` put after `-c`), the package's own
/// Go files, which `add_path_flags` named relatively to the package
/// directory, are linked into the objdir and named there too, and the
/// objdir is recorded as the import path in the debug information.
pub(super) fn compile_in_objdir(
    steps: &mut Vec<Step>,
    p: &Package,
    work: &Path,
    trim: Option<usize>,
) {
    let od = objdir(work, &p.import_path);
    let Some(at) = steps
        .iter()
        .position(|s| matches!(s, Step::Run(c) if c.argv.get(1).is_some_and(|a| a == "-c")))
    else {
        return;
    };
    let mut links = Vec::new();
    if let Step::Run(cmd) = &mut steps[at] {
        let in_pkg_dir = cmd.dir.as_deref() == Some(p.dir.as_path());
        for a in cmd.argv.iter_mut().skip(2) {
            let path = Path::new(a.as_os_str());
            if let Ok(rel) = path.strip_prefix(&od) {
                *a = rel.as_os_str().to_owned();
            } else if trim.is_some()
                && in_pkg_dir
                && path.is_relative()
                && path.extension().is_some_and(|x| x == "go")
            {
                links.push(Step::Run(
                    Cmd::new("ln")
                        .arg("-sf")
                        .arg(p.dir.join(path).as_os_str())
                        .arg(od.join(path).as_os_str()),
                ));
            }
        }
        if let Some(n) = trim {
            // After the `n` path flags, wherever flags put before them
            // (`-O2 -g -I $WORK`) moved them: not between `-I` and its
            // directory.
            let first = cmd
                .argv
                .iter()
                .position(|a| {
                    let a = a.to_string_lossy();
                    a.starts_with("-fdebug-prefix-map=") || a.starts_with("-ffile-prefix-map=")
                })
                .unwrap_or(2);
            cmd.argv.insert(
                (first + n).min(cmd.argv.len()),
                format!("-ffile-prefix-map={}={}", od.display(), p.import_path).into(),
            );
        }
        cmd.dir = Some(od);
    }
    for (i, l) in links.into_iter().enumerate() {
        steps.insert(at + i, l);
    }
    if trim.is_some() {
        trim_cgo_lines(steps, p);
    }
}

/// With `-trimpath`: cgo's `-trimpath DIR=>IMPORTPATH`, so the `//line`
/// comments it writes in the generated Go files name the package's
/// sources by import path, as the `-ffile-prefix-map` does for the debug
/// information. gccgo records those names in the export data, which no
/// prefix map reaches: without it the `.gox` holds the checkout's path
/// (and a remote worker's, so a remote `.gox` differs from a local one).
fn trim_cgo_lines(steps: &mut [Step], p: &Package) {
    for s in steps.iter_mut() {
        if let Step::Run(cmd) = s
            && let Some(i) = cmd.argv.iter().position(|a| a == "-objdir")
        {
            cmd.argv.insert(i, "-trimpath".into());
            cmd.argv.insert(
                i + 1,
                format!("{}=>{}", p.dir.display(), p.import_path).into(),
            );
            return;
        }
    }
}

/// Which compiler a C-side file goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lang {
    /// The C compiler with the cgo C flags (C, `.s`, `.S`).
    C,
    /// The C++ compiler with the cgo C++ flags.
    Cxx,
    /// `_cgo_defun.c`, compiled as gccgo's `cc` compiles C files.
    Defun,
}

/// One C-side compile: source, object, compiler.
struct Unit {
    src: PathBuf,
    obj: PathBuf,
    lang: Lang,
}

/// The C-side compiles of cgo package `p`, in go's order: `_cgo_export.c`
/// and the `X.cgo2.c` files, the package's `.c`, `.s` and `.S` files, its
/// C++ files (objects `_x001.o` … in that order), then `_cgo_defun.c`.
fn units(p: &Package, work: &Path) -> Vec<Unit> {
    let od = objdir(work, &p.import_path);
    let f = &p.files;
    let mut srcs: Vec<(PathBuf, Lang)> = vec![(od.join("_cgo_export.c"), Lang::C)];
    srcs.extend(
        f.cgo_files
            .iter()
            .map(|n| (od.join(format!("{}.cgo2.c", stem(n))), Lang::C)),
    );
    srcs.extend(
        f.c_files
            .iter()
            .chain(&f.s_files)
            .map(|n| (f.source_path(n), Lang::C)),
    );
    srcs.extend(f.cxx_files.iter().map(|n| (f.source_path(n), Lang::Cxx)));
    let mut v: Vec<Unit> = srcs
        .into_iter()
        .enumerate()
        .map(|(i, (src, lang))| Unit {
            src,
            obj: od.join(format!("_x{:03}.o", i + 1)),
            lang,
        })
        .collect();
    v.push(Unit {
        src: od.join("_cgo_defun.c"),
        obj: od.join("_cgo_defun.o"),
        lang: Lang::Defun,
    });
    v
}

/// The C-side objects of cgo package `p`, in link order.
pub(super) fn objects(p: &Package, work: &Path) -> Vec<PathBuf> {
    units(p, work).into_iter().map(|u| u.obj).collect()
}

/// The source files a cgo package's compile reads (for its key): every Go
/// file, cgo's included, and the C, assembler, C++ and header files.
pub(super) fn inputs(p: &Package) -> Vec<PathBuf> {
    let f = &p.files;
    f.go_files
        .iter()
        .map(|g| &g.name)
        .chain(&f.c_files)
        .chain(&f.s_files)
        .chain(&f.cxx_files)
        .chain(&f.h_files)
        .map(|n| f.source_path(n))
        .collect()
}

/// What the steps of one cgo package need.
pub(super) struct Ctx<'a> {
    /// The package.
    pub p: &'a Package,
    /// Its toolchain.
    pub tc: &'a Toolchain,
    /// The build's cgo tools.
    pub tools: &'a Tools,
    /// The package's flags.
    pub flags: &'a PkgCgo,
    /// The work directory.
    pub work: &'a Path,
}

impl Ctx<'_> {
    /// `-I <objdir>/`: what cgo and the C compiles add to the preprocessor
    /// flags, so that `_cgo_export.h` is found.
    fn cppflags(&self) -> Vec<String> {
        let mut v = self.flags.cppflags.clone();
        v.push("-I".into());
        v.push(format!(
            "{}/",
            objdir(self.work, &self.p.import_path).display()
        ));
        v
    }

    /// The cgo C flags: the package's, then `-fsplit-stack` where gccgo's
    /// Go code runs on split stacks, as the go command adds it for gccgo.
    fn cflags(&self) -> Vec<String> {
        let mut v = self.flags.cflags.clone();
        if SPLIT_STACK_ARCHES.contains(&self.tc.target.goarch.as_str()) {
            v.push("-fsplit-stack".into());
        }
        v
    }

    /// The cgo step: `cd DIR && env … cgo -objdir … -- FLAGS FILES`.
    pub fn cgo_step(&self) -> Step {
        let p = self.p;
        let tc = self.tc;
        let od = objdir(self.work, &p.import_path);
        let quoted: Vec<String> = self
            .flags
            .ldflags
            .iter()
            .map(|f| format!("{f:?}"))
            .collect();
        let mut env = vec![
            "TERM=dumb".to_string(),
            format!("CGO_LDFLAGS={}", quoted.join(" ")),
            format!("CC={}", self.tools.cc.display()),
            format!("GCCGO={}", tc.gccgo.display()),
            format!("GOARCH={}", tc.target.goarch),
            format!("GOOS={}", tc.target.goos),
        ];
        if tc.target.goarch.starts_with("mips") {
            // cgo gives its probe compiles the float ABI of GOMIPS.
            let soft = tc.float_abi.as_deref() == Some("soft")
                || tc.cflags.iter().any(|f| f == "-msoft-float");
            env.push(format!(
                "GOMIPS{}={}",
                if tc.target.goarch.starts_with("mips64") {
                    "64"
                } else {
                    ""
                },
                if soft { "softfloat" } else { "hardfloat" }
            ));
        }
        let mut cmd = Cmd::new("env")
            .args(env)
            .arg(self.tools.cgo.as_os_str())
            .arg("-objdir")
            .arg(format!("{}/", od.display()))
            .arg("-importpath")
            .arg(&p.import_path)
            .arg("-gccgo");
        if !p.is_main() {
            cmd = cmd.arg(format!("-gccgopkgpath={}", p.import_path));
        }
        cmd = cmd
            .arg("--")
            .args(self.cppflags())
            .args(self.cflags())
            .args(tc.cflags.iter())
            .args(p.files.cgo_files.iter().map(|f| p.files.source_path(f)));
        cmd.dir = Some(p.dir.clone());
        Step::Run(cmd)
    }

    /// The C-side compile steps, each `COMPILER -c … -o OBJ SRC`, with their
    /// objects (`Role::Extra`).
    pub fn c_steps(&self) -> Vec<(Step, Option<Output>)> {
        units(self.p, self.work)
            .into_iter()
            .filter_map(|u| {
                let cmd = self.c_command(&u)?;
                let out = Output {
                    role: Role::Extra,
                    path: u.obj,
                };
                Some((Step::Run(cmd), Some(out)))
            })
            .collect()
    }

    /// One C-side compile; `None` for a C++ file without a C++ compiler
    /// (which `cgo::Setup::for_graph` refuses).
    fn c_command(&self, u: &Unit) -> Option<Cmd> {
        let (p, tc) = (self.p, self.tc);
        let mut flags: Vec<String> = Vec::new();
        match u.lang {
            Lang::C | Lang::Cxx => {
                // The go command's `compilerCmd` (without its `-m64` & co.:
                // the profile's flags say the target's ABI, as for gccgo).
                flags.extend(["-I".into(), p.dir.display().to_string()]);
                flags.extend(["-fPIC", "-pthread", "-fmessage-length=0"].map(String::from));
                flags.extend(tc.cflags.iter().cloned());
                flags.extend(self.cppflags());
                if u.lang == Lang::C {
                    flags.extend(self.cflags());
                } else {
                    flags.extend(self.flags.cxxflags.iter().cloned());
                }
            }
            Lang::Defun => {
                let od = objdir(self.work, &p.import_path);
                let (major, _) = crate::toolchain::gcc_major_minor(&tc.gcc_version);
                flags.extend(["-Wall", "-g", "-I"].map(String::from));
                flags.push(format!("{}/", od.display()));
                flags.extend(tc.cflags.iter().cloned());
                flags.push(format!("-DGOOS_{}", tc.target.goos));
                flags.push(format!("-DGOARCH_{}", tc.target.goarch));
                if !p.is_main() {
                    let sym = mangle_pkgpath(major, &p.import_path);
                    flags.push(format!("-DGOPKGPATH=\"{sym}\""));
                }
                if SPLIT_STACK_ARCHES.contains(&tc.target.goarch.as_str()) {
                    flags.push("-fsplit-stack".into());
                }
            }
        }
        let mut cmd = self.tools.compiler(u.lang == Lang::Cxx, &flags)?;
        cmd.argv.insert(1, "-c".into());
        Some(cmd.arg("-o").arg(u.obj.as_os_str()).arg(u.src.as_os_str()))
    }

    /// What the compile's key holds of cgo: the tools and the flags (the
    /// link flags belong to the link's key).
    pub fn settings(&self) -> BTreeMap<String, String> {
        let mut s = BTreeMap::new();
        s.insert("cgo".into(), self.tools.identity.clone());
        s.insert("cgo CPPFLAGS".into(), self.flags.cppflags.join(" "));
        s.insert("cgo CFLAGS".into(), self.flags.cflags.join(" "));
        if !self.p.files.cxx_files.is_empty() {
            s.insert("cgo CXXFLAGS".into(), self.flags.cxxflags.join(" "));
        }
        if let Some(pc) = &self.flags.pkg_config {
            s.insert(
                "pkg-config".into(),
                format!(
                    "{} → {} | {}",
                    pc.commands.join("; "),
                    pc.cflags.join(" "),
                    pc.libs.join(" ")
                ),
            );
        }
        s
    }
}

/// What the links of a build take from its cgo packages.
#[derive(Debug, Clone, Default)]
pub struct LinkCgo {
    /// Each cgo package's link flags (`PkgCgo::link_flags`).
    per_pkg: BTreeMap<PkgId, Vec<String>>,
    /// Packages with C++ files.
    cxx: BTreeSet<PkgId>,
    /// `CGO_LDFLAGS` (no default), added once to a link with cgo.
    env_ldflags: Vec<String>,
}

impl LinkCgo {
    /// The link side of `setup` for the packages of `graph`.
    pub(super) fn new(graph: &Graph, setup: &Setup) -> LinkCgo {
        let mut l = LinkCgo {
            env_ldflags: setup.env_ldflags.clone(),
            ..LinkCgo::default()
        };
        for id in graph.ids() {
            let p = graph.pkg(id);
            if let Some(f) = setup.pkg(&p.import_path).filter(|_| uses_cgo(p)) {
                l.per_pkg.insert(id, f.link_flags().cloned().collect());
                if !p.files.cxx_files.is_empty() {
                    l.cxx.insert(id);
                }
            }
        }
        l
    }

    /// The cgo link flags of a link of `pkgs` (in link order) for `goos`:
    /// each cgo package's, `CGO_LDFLAGS`, then `-Wl,-E` on Linux and
    /// `-lstdc++` when C++ was compiled, as gccgo.go's `link` adds them.
    /// Empty when no package uses cgo.
    pub(super) fn flags(&self, pkgs: &[PkgId], goos: &str) -> Vec<String> {
        let cgo: Vec<&Vec<String>> = pkgs.iter().filter_map(|id| self.per_pkg.get(id)).collect();
        if cgo.is_empty() {
            return Vec::new();
        }
        let mut v: Vec<String> = cgo.into_iter().flatten().cloned().collect();
        v.extend(self.env_ldflags.iter().cloned());
        if goos == "linux" {
            v.push("-Wl,-E".into());
        }
        if pkgs.iter().any(|id| self.cxx.contains(id)) {
            v.push("-lstdc++".into());
        }
        v
    }
}
