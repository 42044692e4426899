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

mod test;

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

/// Compiler and link settings that apply to every package.
#[derive(Debug, Clone)]
pub struct Flags {
    /// Flags for every Go compile (default `-O2 -g`).
    pub gcflags: Vec<String>,
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
            let deps = graph.deps(id).iter().map(|d| compile_of[d]).collect();
            compile_of.insert(id, ActionId(actions.len()));
            actions.push(compile_action(graph, id, tc, flags, work, deps));
        }
        for (&id, out) in outputs {
            actions.push(link_action(graph, id, out, tc, flags, work, &compile_of));
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
    graph: &Graph,
    id: PkgId,
    out: &Path,
    tc: &Toolchain,
    flags: &Flags,
    work: &Path,
    compile_of: &BTreeMap<PkgId, ActionId>,
) -> Action {
    let exe = work.join("exe").join(exe_name(out));
    let closure = graph.deps_closure(id);
    let mut objs: Vec<OsString> = Vec::new();
    for pid in std::iter::once(id).chain(closure.iter().rev().copied()) {
        objs.extend(
            link_objects(graph.pkg(pid), work)
                .into_iter()
                .map(PathBuf::into_os_string),
        );
    }
    let ld = link_flags(tc, flags);
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

/// The flags of every Go compile: `--gccgoflags` (default `-O2 -g`), then
/// the profile's.
fn compile_flags(tc: &Toolchain, flags: &Flags) -> Vec<String> {
    let mut cflags = flags.gcflags.clone();
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
        let work = self.work.clone();
        let Some(a) = self
            .actions
            .iter_mut()
            .find(|a| a.kind == ActionKind::Compile { pkg })
        else {
            return;
        };
        let dir = package_work_dir(&work, &a.label);
        let name = original
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let copy = dir.join(format!("_x_{name}"));
        let Some(at) = a
            .steps
            .iter()
            .position(|s| matches!(s, Step::Run(c) if c.argv.get(1).is_some_and(|x| x == "-c")))
        else {
            return;
        };
        if let Step::Run(cmd) = &mut a.steps[at] {
            for arg in cmd.argv.iter_mut() {
                let p = Path::new(arg.as_os_str());
                if p == original || (cmd.dir.as_deref().is_some_and(|d| d.join(p) == original)) {
                    *arg = copy.clone().into_os_string();
                }
            }
        }
        a.steps
            .retain(|s| !matches!(s, Step::Write { path, .. } if *path == copy));
        a.steps.insert(at, Step::Mkdir(dir));
        a.steps.insert(
            at + 1,
            Step::Write {
                path: copy,
                contents: text.clone(),
            },
        );
        a.settings.insert(why.to_string(), text);
    }

    /// Compiles `source` (the build information file of `buildinfo::go_source`)
    /// into the command `main`: written to `$WORK/<main>/_gomod_.go` and
    /// named last on its compile, and keyed by its text.
    pub fn add_modinfo(&mut self, main: PkgId, source: String) {
        let work = self.work.clone();
        let Some(a) = self
            .actions
            .iter_mut()
            .find(|a| a.kind == ActionKind::Compile { pkg: main })
        else {
            return;
        };
        let path = package_work_dir(&work, &a.label).join("_gomod_.go");
        let Some(at) = a
            .steps
            .iter()
            .position(|s| matches!(s, Step::Run(c) if c.argv.get(1).is_some_and(|x| x == "-c")))
        else {
            return;
        };
        if let Step::Run(cmd) = &mut a.steps[at] {
            cmd.argv.push(path.clone().into_os_string());
        }
        a.steps
            .insert(at, Step::Mkdir(package_work_dir(&work, &a.label)));
        a.steps.insert(
            at + 1,
            Step::Write {
                path,
                contents: source.clone(),
            },
        );
        a.settings.insert("modinfo".into(), source);
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
/// (`-static-libgo`, `-static`, none), the profile's compile and link
/// flags, `--ldflags`, then the chosen linker's `-fuse-ld=NAME`.
fn link_flags(tc: &Toolchain, flags: &Flags) -> Vec<String> {
    let mut ld: Vec<String> = match flags.link {
        LinkMode::StaticLibgo => vec!["-static-libgo".into()],
        LinkMode::Static => vec!["-static".into()],
        LinkMode::Dynamic => vec![],
    };
    ld.extend(tc.cflags.iter().cloned());
    ld.extend(tc.ldflags.iter().cloned());
    ld.extend(flags.ldflags.iter().cloned());
    ld.extend(flags.linker.map(|l| l.flag()));
    ld
}

/// Builds the compile action of one package: the Go compile (with a
/// per-package import directory when imports are mapped), the export-data
/// extraction, then one compile per `.c` file (the target's C compiler) and
/// per `.s`/`.S` file (the gccgo driver with `-xassembler-with-cpp`), as
/// `cmd/go/internal/work/gccgo.go` does. Outputs: the Go object, the `.gox`
/// (not for `main`), then the C and assembler objects in file order.
fn compile_action(
    graph: &Graph,
    id: PkgId,
    tc: &Toolchain,
    flags: &Flags,
    work: &Path,
    deps: Vec<ActionId>,
) -> Action {
    let p = graph.pkg(id);
    let obj = object_path(work, &p.import_path);
    let pkg_work = package_work_dir(work, &p.import_path);
    let files = go_files(p);
    let cflags = compile_flags(tc, flags);
    let (mut steps, mut settings, embed) =
        go_compile_steps(graph, p, tc, &cflags, &files, &obj, work);
    let paths = path_flags(tc, flags.trimpath.as_deref(), &p.dir, &p.import_path, work);
    let trim_dir = flags.trimpath.as_ref().map(|_| p.dir.as_path());
    steps
        .iter_mut()
        .for_each(|s| add_path_flags(s, &paths, trim_dir));
    if flags.trimpath.is_some() {
        settings.insert("trimpath".into(), "on".into());
    }
    let mut outputs = object_outputs(tc, &obj, !p.is_main(), &mut steps);
    let mut inputs = files;
    inputs.extend(embed.iter().flat_map(|c| c.files.values().cloned()));
    let extra = extra_objects(p, work);
    if !extra.is_empty() {
        steps.push(Step::Mkdir(pkg_work.clone()));
        settings.insert(
            "cc".into(),
            format!("{} {}", c_compiler(tc).display(), C_FLAGS.join(" ")),
        );
    }
    for (name, o) in &extra {
        steps.push(Step::Run(extra_compile(p, tc, name, o)));
        inputs.push(p.files.source_path(name));
        outputs.push(Output {
            role: Role::Extra,
            path: o.clone(),
        });
    }
    if !extra.is_empty() {
        // Headers are read by the C and assembler compiles.
        inputs.extend(p.files.h_files.iter().map(|h| p.files.source_path(h)));
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

/// Puts `extra` right after `-c` in a compile step (a gccgo or C `-c`
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
    for (i, f) in extra.iter().enumerate() {
        cmd.argv.insert(2 + i, f.into());
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

/// The command compiling one C or assembler file `name` of `p` to `obj`:
/// the target's C compiler with `GOPKGPATH` as a string for `.c`, the gccgo
/// driver with `-xassembler-with-cpp` and `GOPKGPATH` as a symbol otherwise,
/// both with `GOOS_<goos>`/`GOARCH_<goarch>` defined, as `work/gccgo.go`.
fn extra_compile(p: &Package, tc: &Toolchain, name: &str, obj: &Path) -> Cmd {
    let defs = [
        "-D".to_string(),
        format!("GOOS_{}", tc.target.goos),
        "-D".to_string(),
        format!("GOARCH_{}", tc.target.goarch),
    ];
    let (gcc_major, _) = crate::toolchain::gcc_major_minor(&tc.gcc_version);
    let symbol = mangle_pkgpath(gcc_major, &p.import_path);
    let src = p.files.source_path(name);
    if name.ends_with(".c") {
        let mut c = Cmd::new(c_compiler(tc))
            .arg("-c")
            .args(C_FLAGS.iter().copied())
            .args(["-D".to_string(), format!("GOPKGPATH=\"{symbol}\"")]);
        if SPLIT_STACK_ARCHES.contains(&tc.target.goarch.as_str()) {
            // gccgo's Go code runs on split stacks on these targets; go
            // compiles C files with -fsplit-stack when gcc accepts it.
            c = c.arg("-fsplit-stack");
        }
        c.args(tc.cflags.iter())
            .args(defs.iter())
            .arg("-I")
            .arg(p.dir.as_os_str())
            .arg("-o")
            .arg(obj.as_os_str())
            .arg(src.as_os_str())
    } else {
        Cmd::new(tc.gccgo.as_os_str())
            .arg("-xassembler-with-cpp")
            .args(tc.cflags.iter())
            .args(defs.iter())
            .args(["-D".to_string(), format!("GOPKGPATH={symbol}")])
            .arg("-I")
            .arg(p.dir.as_os_str())
            .arg("-c")
            .arg("-o")
            .arg(obj.as_os_str())
            .arg(src.as_os_str())
    }
}

/// A package path as gccgo spells it in symbol names, which C and
/// assembler files use through `GOPKGPATH` (golang.org/x/sys/unix's
/// `gccgo_c.c` names `GOPKGPATH ".realSyscall"`). The scheme depends on the
/// GCC release, as `cmd/internal/pkgpath` detects by compiling a file:
/// v3 (`golang.org/x` → `golang_0org_1x`) from GCC 11 (checked: gccgo 11 and
/// 12 emit `go_0l_u00e4ufer.Run` for package `läufer`), v2 (`.x2e`, `..z2f`)
/// in GCC 9 and 10, v1 (every other byte `_`) before.
pub fn mangle_pkgpath(gcc_major: u32, path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
            continue;
        }
        match gcc_major {
            11.. => {
                let code = match c {
                    '_' => Some('_'),
                    '.' => Some('0'),
                    '/' => Some('1'),
                    '*' => Some('2'),
                    ',' => Some('3'),
                    '{' => Some('4'),
                    '}' => Some('5'),
                    '[' => Some('6'),
                    ']' => Some('7'),
                    '(' => Some('8'),
                    ')' => Some('9'),
                    '"' => Some('a'),
                    ' ' => Some('b'),
                    ';' => Some('c'),
                    _ => None,
                };
                match code {
                    Some(u) => {
                        out.push('_');
                        out.push(u);
                    }
                    None if (c as u32) < 0x80 => out.push_str(&format!("_x{:02x}", c as u32)),
                    None if (c as u32) < 0x10000 => out.push_str(&format!("_u{:04x}", c as u32)),
                    None => out.push_str(&format!("_U{:08x}", c as u32)),
                }
            }
            9 | 10 => match c {
                '_' => out.push('_'),
                '.' => out.push_str(".x2e"),
                c if (c as u32) < 0x80 => out.push_str(&format!("..z{:02x}", c as u32)),
                c if (c as u32) < 0x10000 => out.push_str(&format!("..u{:04x}", c as u32)),
                c => out.push_str(&format!("..U{:08x}", c as u32)),
            },
            _ => out.push('_'),
        }
    }
    out
}

/// Flags of every C compile (before the toolchain's own flags), as the
/// issue's rule `<triple>-gcc -c -O2 -g <cflags> -I <pkgdir>` and go's `-Wall`.
const C_FLAGS: &[&str] = &["-O2", "-g", "-Wall"];

/// GOARCH values whose gccgo uses split stacks, so C called from Go is
/// compiled with `-fsplit-stack` (GCC supports it on x86 and s390 GNU/Linux;
/// go probes `gccSupportsFlag(compiler, "-fsplit-stack")`, which says the same).
const SPLIT_STACK_ARCHES: &[&str] = &["386", "amd64", "s390", "s390x"];

/// The C compiler of the same GCC installation as the gccgo driver: its
/// name with `gccgo` replaced by `gcc` (`/usr/bin/mips-linux-gnu-gccgo` →
/// `/usr/bin/mips-linux-gnu-gcc`, `gccgo-12` → `gcc-12`), so the C objects
/// match the Go ones (same GCC version and ABI defaults). When that file is
/// missing: `<machine>-gcc`, then `gcc` from PATH (a build that needs it then
/// fails naming the program). The `cc` crate was not used: it wants Rust
/// target triples and adds Cargo's flags (`-ffunction-sections`, `-fPIC`, …).
pub fn c_compiler(tc: &Toolchain) -> PathBuf {
    if let Some(name) = tc
        .gccgo
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        && let Some(i) = name.rfind("gccgo")
    {
        let cc = tc
            .gccgo
            .with_file_name(format!("{}gcc{}", &name[..i], &name[i + 5..]));
        if cc.is_file() {
            return cc;
        }
    }
    let triple = PathBuf::from(format!("{}-gcc", tc.machine));
    crate::toolchain::find_program(&triple)
        .or_else(|| crate::toolchain::find_program(Path::new("gcc")))
        .unwrap_or(triple)
}

/// The C and assembler objects of a package, in file order: (source file
/// name, `$WORK/<import path>/_c_<stem>.o` or `_s_<stem>.o`).
fn extra_objects(p: &Package, work: &Path) -> Vec<(String, PathBuf)> {
    let dir = package_work_dir(work, &p.import_path);
    let stem = |n: &str| n.rsplit_once('.').map_or(n, |(s, _)| s).to_string();
    p.files
        .c_files
        .iter()
        .map(|n| (n.clone(), dir.join(format!("_c_{}.o", stem(n)))))
        .chain(
            p.files
                .s_files
                .iter()
                .map(|n| (n.clone(), dir.join(format!("_s_{}.o", stem(n))))),
        )
        .collect()
}

/// Every object a package contributes to a link: its Go object, its C and
/// assembler objects, then its `.syso` files (linked as they are).
pub fn link_objects(p: &Package, work: &Path) -> Vec<PathBuf> {
    let mut v = vec![object_path(work, &p.import_path)];
    v.extend(extra_objects(p, work).into_iter().map(|(_, o)| o));
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

    #[test]
    fn pkgpath_mangling_matches_cmd_internal_pkgpath() {
        // The table of cmd/internal/pkgpath's pkgpath_test.go (Go 1.19): input, v1, v2, v3.
        let table = [
            ("", "", "", ""),
            ("bytes", "bytes", "bytes", "bytes"),
            ("net/http", "net_http", "net..z2fhttp", "net_1http"),
            (
                "golang.org/x/net/http",
                "golang_org_x_net_http",
                "golang.x2eorg..z2fx..z2fnet..z2fhttp",
                "golang_0org_1x_1net_1http",
            ),
            (
                "p\u{e4}\u{4e16}.\u{1f703}",
                "p____",
                "p..u00e4..u4e16.x2e..U0001f703",
                "p_u00e4_u4e16_0_U0001f703",
            ),
        ];
        for (input, v1, v2, v3) in table {
            assert_eq!(mangle_pkgpath(8, input), v1, "{input}");
            assert_eq!(mangle_pkgpath(10, input), v2, "{input}");
            assert_eq!(mangle_pkgpath(12, input), v3, "{input}");
        }
    }
}
