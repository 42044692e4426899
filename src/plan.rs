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

mod cfiles;
mod cgo;
mod cover;
pub mod pkgflags;
mod test;

use cfiles::{SPLIT_STACK_ARCHES, extra_objects, extra_steps};
pub use cfiles::{c_compiler, mangle_pkgpath};
pub use pkgflags::PackageFlags;
pub use test::TestBinary;

use crate::graph::{Graph, Package, PkgId};
use crate::process::Cmd;
use crate::toolchain::Toolchain;

/// How the link treats libgo and libc (`--link`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkMode {
    /// `-static-libgo`: libgo linked in, libc dynamic (the default).
    StaticLibgo,
    /// `-static`: a fully static executable.
    Static,
    /// libgo as a shared library (the target needs `libgo.so`).
    Dynamic,
}

/// Compiler and link settings.
#[derive(Debug, Clone)]
pub struct Flags {
    /// Flags for every Go compile (default `-O2 -g`) that no entry of
    /// `per_package` matches.
    pub gcflags: Vec<String>,
    /// `--gccgoflags PATTERN=FLAGS`, in command-line order: a package
    /// compiles with the flags of the last entry whose pattern matches it
    /// (replacing `gcflags`), as go's `-gccgoflags` does.
    pub per_package: Vec<PackageFlags>,
    /// Extra link flags.
    pub ldflags: Vec<String>,
    /// Link mode.
    pub link: LinkMode,
    /// After linking, remove `.go_export` (nothing reads it at run time,
    /// golang/go#26204) and strip symbols and debug info with the target's objcopy.
    pub strip: bool,
    /// `-trimpath`, with the working directory of the build: source
    /// directories are recorded as import paths and the working directory
    /// as `.` (`path_flags`).
    pub trimpath: Option<PathBuf>,
    /// The linker the link runs (`-fuse-ld=NAME`, last on the link line so
    /// it wins over a profile's); `None` leaves gcc's default. Resolved
    /// from `--linker` by `link::choose_linker` before planning.
    pub linker: Option<crate::toolchain::Linker>,
}

impl Default for Flags {
    fn default() -> Self {
        Flags {
            gcflags: vec!["-O2".into(), "-g".into()],
            per_package: vec![],
            ldflags: vec![],
            link: LinkMode::StaticLibgo,
            strip: false,
            trimpath: None,
            linker: None,
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
    /// Write a small file into the work directory (an embed configuration);
    /// printed as a here-document.
    Write {
        /// The file in the work directory.
        path: PathBuf,
        /// Its contents.
        contents: String,
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
            Step::Write { path, contents } => {
                format!("cat >{} << 'EOF'\n{contents}\nEOF", q(path))
            }
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

/// Index of an action in `Plan::actions` (`plan[id]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ActionId(pub usize);

impl ActionId {
    /// The index, for vectors of per-action state.
    pub fn index(self) -> usize {
        self.0
    }
}

impl fmt::Display for ActionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// What a file an action writes is: how the cache names it in an entry
/// and how later stages find it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// The package's Go object (`$WORK/<import path>.o`).
    Object,
    /// Its export data (`$WORK/<import path>.gox`), which importers read.
    Export,
    /// A C or assembler object of the package, linked after its Go object.
    Extra,
    /// A linked executable, before it is installed at OUT.
    Exe,
}

impl Role {
    /// The role's name in a cache entry (`object`, `export`, `extra`, `exe`).
    pub fn name(self) -> &'static str {
        match self {
            Role::Object => "object",
            Role::Export => "export",
            Role::Extra => "extra",
            Role::Exe => "exe",
        }
    }
}

/// One file an action writes into the work directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// What it is.
    pub role: Role,
    /// Where, under `$WORK`.
    pub path: PathBuf,
}

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
    /// Files written in the work directory: the Go object, its export data
    /// (not for `main`) and C/assembler objects (compile), or the linked
    /// executable (link).
    pub outputs: Vec<Output>,
    /// The flags that reach this action's compiler or linker, as the user
    /// and the profile gave them (for cache keys and `--explain`).
    pub flags: Vec<String>,
    /// Other settings that change what the action produces, by name (for
    /// cache keys and `--explain`): `strip` (the command), `cc` (the C
    /// compiler and its flags), `importmap <path>` (the package a written
    /// import path names).
    pub settings: BTreeMap<String, String>,
    /// Output that makes a successful-looking action a failure: (text the
    /// tools print, why that is fatal). E.g. the linker's float-ABI mismatch
    /// warning, after which the program computes garbage with floats.
    pub fail_when: Vec<(String, String)>,
}

impl Action {
    /// The file of `role` (the first one, for `Extra`), if the action writes one.
    pub fn output(&self, role: Role) -> Option<&Path> {
        self.outputs
            .iter()
            .find(|o| o.role == role)
            .map(|o| o.path.as_path())
    }

    /// Where the action installs its result for the user (`-o OUT`), if it does.
    pub fn installs(&self) -> Option<&Path> {
        self.steps.iter().find_map(|s| match s {
            Step::Install { to, .. } => Some(to.as_path()),
            _ => None,
        })
    }
}

/// The whole build: actions in a valid order (dependencies first).
#[derive(Debug, Clone)]
pub struct Plan {
    /// The work directory that `$WORK` names.
    pub work: PathBuf,
    /// Actions, dependencies before dependents.
    pub actions: Vec<Action>,
    /// For each package, its compile action (none for a package of test
    /// files alone).
    pub compile_of: BTreeMap<PkgId, ActionId>,
}

impl Plan {
    /// Builds the plan for the graph. `outputs` maps each main package to
    /// link to its output path; other packages are compiled and checked.
    /// `cgo` holds the tools and flags of the graph's cgo packages
    /// (`cgo::Setup::for_graph`); a cgo package it lacks is compiled as if
    /// cgo failed to find them (the plan then only names its inputs).
    pub fn new(
        graph: &Graph,
        tc: &Toolchain,
        flags: &Flags,
        work: &Path,
        outputs: &BTreeMap<PkgId, PathBuf>,
        cgo: &crate::cgo::Setup,
    ) -> Plan {
        let mut actions = Vec::new();
        let mut compile_of = BTreeMap::new();
        let cgo_link = cgo::LinkCgo::new(graph, cgo);
        let cx = Planning {
            graph,
            tc,
            flags,
            work,
            cgo,
        };
        for id in graph.topo() {
            if graph.pkg(id).files.go_files.is_empty() {
                // A package of test files alone, loaded to be tested: only
                // its test binary compiles anything (`Plan::add_test`), and
                // nothing imports it (the graph refuses that).
                continue;
            }
            let deps = graph.deps(id).iter().map(|d| compile_of[d]).collect();
            compile_of.insert(id, ActionId(actions.len()));
            actions.push(compile_action(&cx, id, deps));
        }
        for (&id, out) in outputs {
            actions.push(link_action(&cx, id, out, &compile_of, &cgo_link));
        }
        Plan {
            work: work.to_path_buf(),
            actions,
            compile_of,
        }
    }

    /// Every action's id, dependencies before dependents.
    pub fn ids(&self) -> impl Iterator<Item = ActionId> + use<> {
        (0..self.actions.len()).map(ActionId)
    }

    /// The link action that installs at `out`, if any.
    pub fn link_of(&self, out: &Path) -> Option<ActionId> {
        self.ids()
            .find(|&i| matches!(&self[i].kind, ActionKind::Link { out: o, .. } if o == out))
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

impl std::ops::Index<ActionId> for Plan {
    type Output = Action;
    fn index(&self, id: ActionId) -> &Action {
        &self.actions[id.0]
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.script())
    }
}

/// Why a link whose objects mix float ABIs fails (the linker only warns).
const FLOAT_MIX: &str = "the objects mix soft-float and hard-float code (the linker's warning \
     above): the program would compute garbage with floats. The toolchain's libgo and crt \
     files are hard-float; build soft-float with a soft-float toolchain such as an OpenWrt \
     SDK's (--sdk), or drop -msoft-float";

/// Builds the link action of main package `id`: link every object of its
/// closure into `$WORK/exe/<name>`, strip it with the target's objcopy when
/// asked, then install it at `out`. Objects: the main package first, then
/// its dependencies with importers before the packages they import; each
/// package's C, assembler and `.syso` objects follow its Go object.
fn link_action(
    cx: &Planning,
    id: PkgId,
    out: &Path,
    compile_of: &BTreeMap<PkgId, ActionId>,
    cgo_link: &cgo::LinkCgo,
) -> Action {
    let Planning {
        graph,
        tc,
        flags,
        work,
        ..
    } = *cx;
    let exe = work.join("exe").join(exe_name(out));
    let closure = graph.deps_closure(id);
    let order: Vec<PkgId> = std::iter::once(id)
        .chain(closure.iter().rev().copied())
        .collect();
    let mut objs: Vec<OsString> = Vec::new();
    for &pid in &order {
        objs.extend(
            link_objects(graph.pkg(pid), work)
                .into_iter()
                .map(PathBuf::into_os_string),
        );
    }
    let mut ld = cgo_link.flags(&order, &tc.target.goos);
    ld.extend(link_flags(tc, flags));
    let cmd = Cmd::new(tc.gccgo.as_os_str())
        .arg("-o")
        .arg(exe.as_os_str())
        .args(objs)
        .args(ld.iter());
    let mut deps: Vec<ActionId> = vec![compile_of[&id]];
    deps.extend(closure.iter().map(|d| compile_of[d]));
    let mut steps = vec![Step::Mkdir(work.join("exe")), Step::Run(cmd)];
    let mut settings = BTreeMap::new();
    if flags.strip {
        // The target's objcopy, never the host's strip: it knows the ELF.
        let strip = Cmd::new(tc.objcopy.as_os_str())
            .args(["--strip-all", "-R", ".go_export"])
            .arg(exe.as_os_str());
        settings.insert("strip".into(), "objcopy --strip-all -R .go_export".into());
        steps.push(Step::Run(strip));
    }
    steps.push(Step::Install {
        from: exe.clone(),
        to: out.to_path_buf(),
    });
    Action {
        kind: ActionKind::Link {
            pkg: id,
            out: out.to_path_buf(),
        },
        label: format!("link {}", out.display()),
        steps,
        deps,
        inputs: vec![],
        // ld.bfd says `X uses -msoft-float`; gold (`--linker gold`, auto's
        // choice for MIPS) says `FP ABI -msoft-float is incompatible with -mfpxx`.
        fail_when: [
            "uses -msoft-float",
            "FP ABI -msoft-float is incompatible with",
            "is incompatible with -msoft-float",
        ]
        .into_iter()
        .map(|pat| (pat.to_string(), FLOAT_MIX.to_string()))
        .collect(),
        outputs: vec![Output {
            role: Role::Exe,
            path: exe,
        }],
        flags: ld,
        settings,
    }
}

impl Flags {
    /// The `--gccgoflags` of package `p`: those of the last `PATTERN=FLAGS`
    /// that matches it, else the bare ones (default `-O2 -g`).
    pub fn gcflags_for(&self, p: &Package) -> &[String] {
        // Every package compiled here is outside the standard library:
        // gccgo ships that compiled.
        self.per_package
            .iter()
            .rev()
            .find(|f| f.pattern.matches(&p.import_path, &p.dir, false))
            .map_or(&self.gcflags, |f| &f.flags)
    }
}

/// The flags of package `p`'s Go compiles: its `--gccgoflags` (see
/// `Flags::gcflags_for`), then the profile's. They are part of the
/// compile's cache key (`Action::flags`).
fn compile_flags(tc: &Toolchain, flags: &Flags, p: &Package) -> Vec<String> {
    let mut cflags = flags.gcflags_for(p).to_vec();
    cflags.extend(tc.cflags.iter().cloned());
    cflags
}

/// The flags that keep build-local paths out of a compile's output, after
/// the go command's gccgo driver (`work/gccgo.go`): `$WORK` recorded as
/// `/tmp/go-build` and no command line in the debug info, always; with
/// `-trimpath`, the package's directory recorded as its import path (as gc's
/// `-trimpath` records it) and the working directory as `.`. GCC applies the
/// last matching map first, so the package's own map comes last.
/// `-ffile-prefix-map` needs GCC 8; older compilers get the debug maps only.
/// These name directories that change between builds, so they are not part
/// of the cache key; `-trimpath` itself is (the `trimpath` setting).
pub(crate) fn path_flags(
    tc: &Toolchain,
    trimpath: Option<&Path>,
    dir: &Path,
    import_path: &str,
    work: &Path,
) -> Vec<String> {
    let (major, _) = crate::toolchain::gcc_major_minor(&tc.gcc_version);
    let map = if major >= 8 {
        "-ffile-prefix-map"
    } else {
        "-fdebug-prefix-map"
    };
    let mut v = vec![
        format!("-fdebug-prefix-map={}=/tmp/go-build", work.display()),
        "-gno-record-gcc-switches".to_string(),
    ];
    if let Some(cwd) = trimpath {
        v.push(format!("{map}={}=.", cwd.display()));
        v.push(format!("{map}={}={import_path}", dir.display()));
    }
    v
}

impl Plan {
    /// Compiles `pkg` with `text` in place of its file `original`: written to
    /// `$WORK/<pkg>/_x_<name>` and named on the compile instead, keyed by
    /// `why` and the text. Applying it twice to one file replaces the copy.
    pub fn replace_source(&mut self, pkg: PkgId, original: &Path, text: String, why: &str) {
        let name = original
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        self.add_go_file(pkg, &format!("_x_{name}"), text, Some(original), why);
    }

    /// Compiles `source` (the build information file of `buildinfo::go_source`)
    /// into the command `main`: written to `$WORK/<main>/_gomod_.go` and
    /// named last on its compile, and keyed by its text.
    pub fn add_modinfo(&mut self, main: PkgId, source: String) {
        self.add_go_file(main, "_gomod_.go", source, None, "modinfo");
    }

    /// Writes `text` to `$WORK/<pkg>/<name>` before `pkg`'s Go compile and
    /// names it there: in place of `replaces`, or after the other files.
    /// The text is part of the key under `why`.
    fn add_go_file(
        &mut self,
        pkg: PkgId,
        name: &str,
        text: String,
        replaces: Option<&Path>,
        why: &str,
    ) {
        let work = self.work.clone();
        let Some(a) = self
            .actions
            .iter_mut()
            .find(|a| a.kind == ActionKind::Compile { pkg })
        else {
            return;
        };
        let dir = package_work_dir(&work, &a.label);
        let path = dir.join(name);
        let is_compile =
            |s: &Step| matches!(s, Step::Run(c) if c.argv.get(1).is_some_and(|x| x == "-c"));
        a.steps
            .retain(|s| !matches!(s, Step::Write { path: p, .. } if *p == path));
        let Some(at) = a.steps.iter().position(is_compile) else {
            return;
        };
        if let Step::Run(cmd) = &mut a.steps[at] {
            match replaces {
                Some(original) => {
                    for arg in cmd.argv.iter_mut() {
                        let p = Path::new(arg.as_os_str());
                        if p == original
                            || cmd.dir.as_deref().is_some_and(|d| d.join(p) == original)
                        {
                            *arg = path.clone().into_os_string();
                        }
                    }
                }
                None => cmd.argv.push(path.clone().into_os_string()),
            }
        }
        a.steps.insert(at, Step::Mkdir(dir));
        a.steps.insert(
            at + 1,
            Step::Write {
                path,
                contents: text.clone(),
            },
        );
        a.settings.insert(why.to_string(), text);
    }
}

/// The Go files of a package's build (no test files), as the compiler
/// reads them (through the overlay).
fn go_files(p: &Package) -> Vec<PathBuf> {
    p.files
        .go_files
        .iter()
        .map(|f| p.files.source_path(&f.name))
        .collect()
}

/// The outputs of a Go compile into `obj`: the object, and with `export`
/// its export data, copied out by a step appended to `steps` (the target's
/// objcopy, `-j .go_export`, into `<obj>.gox`).
fn object_outputs(tc: &Toolchain, obj: &Path, export: bool, steps: &mut Vec<Step>) -> Vec<Output> {
    let mut outputs = vec![Output {
        role: Role::Object,
        path: obj.to_path_buf(),
    }];
    if export {
        let gox = obj.with_extension("gox");
        steps.push(Step::Run(
            Cmd::new(tc.objcopy.as_os_str())
                .args(["-j", ".go_export"])
                .arg(obj.as_os_str())
                .arg(gox.as_os_str()),
        ));
        outputs.push(Output {
            role: Role::Export,
            path: gox,
        });
    }
    outputs
}

/// The flags of a link after its objects: the link mode's
/// (`-static-libgo`, `-static`, none), those of a libgo with LTO bytecode
/// in a static link (`toolchain::lto::link_flags`, one partition when the
/// link drops unused sections, as `--size` does), the profile's compile
/// and link flags, `--ldflags`, then the chosen linker's `-fuse-ld=NAME`.
fn link_flags(tc: &Toolchain, flags: &Flags) -> Vec<String> {
    let mut ld: Vec<String> = match flags.link {
        LinkMode::StaticLibgo => vec!["-static-libgo".into()],
        LinkMode::Static => vec!["-static".into()],
        LinkMode::Dynamic => vec![],
    };
    if tc.libgo_lto && flags.link != LinkMode::Dynamic {
        let gc_sections = flags.ldflags.iter().any(|f| f == "-Wl,--gc-sections");
        ld.extend(crate::toolchain::lto::link_flags(gc_sections));
    }
    ld.extend(tc.cflags.iter().cloned());
    ld.extend(tc.ldflags.iter().cloned());
    ld.extend(flags.ldflags.iter().cloned());
    ld.extend(flags.linker.map(|l| l.flag()));
    ld
}

/// What planning one build's actions shares.
struct Planning<'a> {
    graph: &'a Graph,
    tc: &'a Toolchain,
    flags: &'a Flags,
    work: &'a Path,
    cgo: &'a crate::cgo::Setup,
}

/// Builds the compile action of one package: the Go compile (with a
/// per-package import directory when imports are mapped), the export-data
/// extraction, then one compile per `.c` file (the target's C compiler) and
/// per `.s`/`.S` file (the gccgo driver with `-xassembler-with-cpp`), as
/// `cmd/go/internal/work/gccgo.go` does. Outputs: the Go object, the `.gox`
/// (not for `main`), then the C and assembler objects in file order. A cgo
/// package runs cgo first and compiles its C side with the cgo flags
/// instead (`plan::cgo`).
fn compile_action(cx: &Planning, id: PkgId, deps: Vec<ActionId>) -> Action {
    let Planning {
        graph,
        tc,
        flags,
        work,
        ..
    } = *cx;
    let p = graph.pkg(id);
    let obj = object_path(work, &p.import_path);
    let cgo_cx = cx.cgo.tools.as_ref().and_then(|tools| {
        let f = cx.cgo.pkg(&p.import_path).filter(|_| cgo::uses_cgo(p))?;
        Some(cgo::Ctx {
            p,
            tc,
            tools,
            flags: f,
            work,
        })
    });
    let files = match &cgo_cx {
        Some(_) => cgo::go_files(p, work),
        None => go_files(p),
    };
    let cflags = compile_flags(tc, flags, p);
    let (mut steps, mut settings, embed) =
        go_compile_steps(graph, p, tc, &cflags, &files, &obj, work);
    if let Some(c) = &cgo_cx {
        steps.insert(0, Step::Mkdir(cgo::objdir(work, &p.import_path)));
        steps.insert(1, c.cgo_step());
        settings.extend(c.settings());
    }
    let paths = path_flags(tc, flags.trimpath.as_deref(), &p.dir, &p.import_path, work);
    let trim_dir = flags.trimpath.as_ref().map(|_| p.dir.as_path());
    steps
        .iter_mut()
        .for_each(|s| add_path_flags(s, &paths, trim_dir));
    if cgo_cx.is_some() {
        let trim = trim_dir.map(|_| paths.len());
        cgo::compile_in_objdir(&mut steps, p, work, trim);
    }
    if flags.trimpath.is_some() {
        settings.insert("trimpath".into(), "on".into());
    }
    let mut outputs = object_outputs(tc, &obj, !p.is_main(), &mut steps);
    let mut inputs = if cgo::uses_cgo(p) {
        cgo::inputs(p)
    } else {
        files
    };
    inputs.extend(embed.iter().flat_map(|c| c.files.values().cloned()));
    let extra = match &cgo_cx {
        Some(c) => c.c_steps(),
        None => extra_steps(p, tc, work, &mut settings, &mut inputs),
    };
    for (mut st, out) in extra {
        add_path_flags(&mut st, &paths, trim_dir);
        steps.push(st);
        outputs.extend(out);
    }
    inputs.extend(p.files.syso_files.iter().map(|s| p.files.source_path(s)));
    Action {
        kind: ActionKind::Compile { pkg: id },
        label: p.import_path.clone(),
        steps,
        deps,
        inputs,
        outputs,
        flags: cflags,
        settings,
        fail_when: vec![],
    }
}

/// The steps of a package's Go compile, up to the object: its directory,
/// the import symlinks and the embed configuration it needs, then gccgo.
/// Returns them with the settings they add to the key and the embed
/// configuration (whose files are inputs).
fn go_compile_steps(
    graph: &Graph,
    p: &Package,
    tc: &Toolchain,
    cflags: &[String],
    files: &[PathBuf],
    obj: &Path,
    work: &Path,
) -> (
    Vec<Step>,
    BTreeMap<String, String>,
    Option<crate::embed::EmbedCfg>,
) {
    let pkg_work = package_work_dir(work, &p.import_path);
    let mut settings = BTreeMap::new();
    let mut steps = vec![Step::Mkdir(obj.parent().unwrap_or(work).to_path_buf())];
    let mut cmd = Cmd::new(tc.gccgo.as_os_str()).arg("-c").args(cflags.iter());
    if !p.is_main() {
        cmd = cmd.arg(format!("-fgo-pkgpath={}", p.import_path));
    }
    if crate::resolve::is_local_import_path(&p.import_path) {
        // go's `LocalPrefix`: gccgo resolves `./x` and `../x` against this
        // import path and cleans the result (`_/a/cmd` + `../lib` → `_/a/lib`).
        cmd = cmd.arg(format!("-fgo-relative-import-path={}", p.import_path));
    }
    let links = import_links(graph, p);
    if !links.is_empty() {
        let root = pkg_work.join("_importroot_");
        steps.extend(import_link_steps(&links, &root, work));
        cmd = cmd.arg("-I").arg(root.as_os_str());
        for (seen, to) in &links {
            // The import mapping changes what the compile reads: part of the key.
            settings.insert(format!("importmap {seen}"), to.clone());
        }
    }
    // //go:embed: gccgo reads the files the patterns match from an embed
    // configuration, as the go command hands it over (work/gccgo.go); bad
    // patterns were already reported by `gate`.
    let embed = crate::embed::config(p).ok().flatten();
    if let Some(cfg) = &embed {
        let path = pkg_work.join("embedcfg");
        steps.push(Step::Mkdir(pkg_work.clone()));
        steps.push(Step::Write {
            path: path.clone(),
            contents: cfg.to_json(),
        });
        cmd = cmd.arg(format!("-fgo-embedcfg={}", path.display()));
    }
    cmd = cmd
        .arg("-I")
        .arg(work.as_os_str())
        .arg("-o")
        .arg(obj.as_os_str())
        .args(files.iter().map(|f| f.as_os_str().to_owned()));
    steps.push(Step::Run(cmd));
    (steps, settings, embed)
}

/// Puts `extra` before `-o` in a compile step (a gccgo or C `-c`
/// run). With `trimpath`, the compile also runs in the package's directory
/// `dir` and names its files there relatively: gccgo's export data records
/// inlinable bodies' positions by the file names it was given, which no
/// prefix map rewrites, so only relative names keep the checkout out of
/// the `.gox` (the objects of two checkouts are then byte-identical).
pub(crate) fn add_path_flags(step: &mut Step, extra: &[String], trimpath: Option<&Path>) {
    let Step::Run(cmd) = step else { return };
    if cmd.argv.get(1).is_none_or(|a| a != "-c") {
        return;
    }
    // Before `-o`: the flags the user chose stay right after `-c`, as -x shows them.
    let at = cmd
        .argv
        .iter()
        .position(|a| a == "-o")
        .unwrap_or(cmd.argv.len());
    for (i, f) in extra.iter().enumerate() {
        cmd.argv.insert(at + i, f.into());
    }
    if let Some(dir) = trimpath {
        let mut any = false;
        for a in cmd.argv.iter_mut().skip(2) {
            let rel = Path::new(a.as_os_str())
                .strip_prefix(dir)
                .ok()
                .filter(|r| r.parent() == Some(Path::new("")));
            if let Some(r) = rel {
                *a = r.as_os_str().to_owned();
                any = true;
            }
        }
        if any {
            cmd.dir = Some(dir.to_path_buf());
        }
    }
}

/// The imports of `p` whose package was compiled under another path
/// (GOPATH vendoring: "X" is `a/vendor/X`; `./x` of a local package), as
/// (path the source writes, cleaned; import path compiled).
fn import_links(graph: &Graph, p: &Package) -> Vec<(String, String)> {
    links_of(graph, &p.import_path, &p.import_map)
}

/// `import_links` for any import map of a package compiled as `import_path`.
fn links_of(
    graph: &Graph,
    import_path: &str,
    map: &BTreeMap<String, String>,
) -> Vec<(String, String)> {
    let local = crate::resolve::is_local_import_path(import_path);
    map.iter()
        .filter(|(_, to)| graph.find(to).is_some())
        .filter_map(|(written, to)| {
            let seen = if written.starts_with("./") || written.starts_with("../") {
                if !local {
                    return None;
                }
                crate::resolve::clean(Path::new(&format!("{import_path}/{written}")))
                    .to_string_lossy()
                    .into_owned()
            } else {
                written.clone()
            };
            (seen != *to).then(|| (seen, to.clone()))
        })
        .collect()
}

/// gccgo 12 has no -fgo-importcfg (`gccgo -fgo-importcfg=/dev/null` says
/// "unrecognized command-line option"), so an import whose package was
/// compiled under another path is found through a directory of symlinks
/// (`root`) searched first, as go's `buildImportcfgSymlinks` does for such
/// compilers: `root/<seen>.gox` → `$WORK/<to>.gox`.
fn import_link_steps(links: &[(String, String)], root: &Path, work: &Path) -> Vec<Step> {
    link_steps_to(links, root, &|to| {
        object_path(work, to).with_extension("gox")
    })
}

/// `import_link_steps` with the export data of each import path where
/// `gox_of` says (a test binary's variants live apart).
fn link_steps_to(
    links: &[(String, String)],
    root: &Path,
    gox_of: &dyn Fn(&str) -> PathBuf,
) -> Vec<Step> {
    let mut steps = Vec::new();
    for (seen, to) in links {
        let link = object_path(root, seen).with_extension("gox");
        let target = gox_of(to);
        steps.push(Step::Mkdir(link.parent().unwrap_or(root).to_path_buf()));
        steps.push(Step::Run(
            Cmd::new("ln")
                .arg("-sf")
                .arg(target.as_os_str())
                .arg(link.as_os_str()),
        ));
    }
    steps
}

/// Every object a package contributes to a link: its Go object, its C and
/// assembler objects, then its `.syso` files (linked as they are).
pub fn link_objects(p: &Package, work: &Path) -> Vec<PathBuf> {
    let mut v = vec![object_path(work, &p.import_path)];
    if cgo::uses_cgo(p) {
        v.extend(cgo::objects(p, work));
    } else {
        v.extend(extra_objects(p, work).into_iter().map(|(_, o)| o));
    }
    v.extend(p.files.syso_files.iter().map(|s| p.files.source_path(s)));
    v
}

/// `$WORK/<import path>/`: where a package's own intermediate files go
/// (`_c_*.o`, `_importroot_`). Names starting with `_` never clash with a
/// package below it: the go command ignores such directories.
pub fn package_work_dir(work: &Path, import_path: &str) -> PathBuf {
    object_path(work, import_path).with_extension("")
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
