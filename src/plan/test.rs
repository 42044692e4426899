//! The actions of one package's test binary, as the go command builds it
//! (`cmd/go/internal/load/test.go`, `TestPackagesFor`):
//!
//! 1. `P [P.test]`: the package compiled with its own `_test.go` files,
//!    under its own import path (only when it has such files);
//! 2. the packages between the test and P that import P, compiled again
//!    against that variant (go's `recompileForTest`), `Q [P.test]`;
//! 3. `P_test [P.test]`: the external test package, when there is one;
//! 4. `P.test`: the generated test main (`testmain`), as package main;
//! 5. the link of all of it, with every other package's usual object.
//!
//! The variants live in `$WORK/_test/<P>/`, searched before `$WORK` by the
//! compiles of 1–4, so an import of P (or of a recompiled Q) finds the
//! variant's export data there and everything else in `$WORK`.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use super::{
    Action, ActionId, ActionKind, Flags, Output, Plan, Role, Step, go_files, link_objects,
    link_steps_to, links_of, object_path, package_work_dir,
};
use crate::cgo::Setup;
use crate::graph::{Graph, Package, PkgId};
use crate::process::Cmd;
use crate::toolchain::Toolchain;

/// One package's test binary, as the test driver asks for it.
#[derive(Debug, Clone)]
pub struct TestBinary {
    /// The package under test (a root of the graph, loaded with its tests).
    pub pkg: PkgId,
    /// The source of its `_testmain.go` (`testmain::render`).
    pub testmain: String,
    /// `-c -o FILE`: where to install the binary; `None` leaves it in `$WORK`.
    pub install: Option<PathBuf>,
    /// The binary's name without `.test` (go's default name of the command).
    pub name: String,
    /// Coverage: the rewritten sources of the packages whose variants this
    /// binary compiles covered (P's own, which P then always gets, as go's
    /// `-cover` without `-coverpkg` makes `ptest`; a recompiled `Q [P.test]`).
    pub cover: BTreeMap<PkgId, Vec<crate::cover::Rewritten>>,
    /// Packages the test main imports besides P and `P_test` (the
    /// `-coverpkg` packages, as go's pmain imports `cover.Pkgs`); they and
    /// their dependencies are linked in.
    pub extra_imports: Vec<PkgId>,
}

/// One compile of a test binary's variant.
struct Unit<'a> {
    /// The package the variant is of (P for `P_test` and the test main).
    pkg: PkgId,
    label: String,
    /// `-fgo-pkgpath`; `None` for package main.
    pkgpath: Option<String>,
    files: Vec<PathBuf>,
    obj: PathBuf,
    deps: Vec<ActionId>,
    /// Imports as written → import path, for the symlinked import root.
    import_map: &'a BTreeMap<String, String>,
    /// The written-by import path, for relative imports.
    import_path: &'a str,
    /// For a cgo package: cgo run again into the variant's directory
    /// (`cgo_part`), whose Go files `files` names.
    cgo: Option<CgoPart>,
}

/// What a cgo package's variant adds to its compile: the cgo steps, the
/// sources they read, the settings of their key. Its C objects are those
/// of the package's own compile: cgo writes the same C for the same files.
struct CgoPart {
    steps: Vec<Step>,
    inputs: Vec<PathBuf>,
    settings: BTreeMap<String, String>,
    /// The C side's compiles (after the Go compile) and objects, when the
    /// variant compiles its own (`Ctx::cover_cgo`).
    c_steps: Vec<Step>,
    outputs: Vec<Output>,
}

/// Which packages a test binary involves (go's `TestPackagesFor`).
struct Shape {
    /// Everything the binary links besides P: P's and the tests' deps, transitively.
    closure: BTreeSet<PkgId>,
    /// P has test files of its own package (so a variant of P is built).
    internal: bool,
    /// go's `recompileForTest`: the packages of `closure` that import P.
    recompile: BTreeSet<PkgId>,
}

impl Shape {
    /// The shape of P's test binary.
    ///
    /// Errors: see `check_no_test_cycle`.
    fn of(graph: &Graph, pkg: PkgId, t: &TestBinary) -> Result<Shape> {
        let p = graph.pkg(pkg);
        let test_deps: Vec<PkgId> = p
            .test_import_map
            .values()
            .filter_map(|to| graph.find(to))
            .filter(|&d| d != pkg)
            .collect();
        let mut closure: BTreeSet<PkgId> = graph.deps_closure(pkg).into_iter().collect();
        for &d in test_deps.iter().chain(&t.extra_imports) {
            closure.insert(d);
            closure.extend(graph.deps_closure(d));
        }
        closure.remove(&pkg);
        let internal = !p.files.test_go_files.is_empty() || t.cover.contains_key(&pkg);
        let mut recompile: BTreeSet<PkgId> = if internal {
            closure
                .iter()
                .copied()
                .filter(|&q| graph.deps_closure(q).contains(&pkg))
                .collect()
        } else {
            BTreeSet::new()
        };
        // A command the test main imports (a `-coverpkg` package) is built
        // as a library for it, as go's `recompileForTest` forces main packages.
        recompile.extend(t.extra_imports.iter().filter(|&&q| graph.pkg(q).is_main()));
        check_no_test_cycle(graph, pkg, &recompile)?;
        Ok(Shape {
            closure,
            internal,
            recompile,
        })
    }
}

/// The packages whose covered files, in `t`, include cgo files
/// (`Ctx::cover_cgo`).
fn cover_cgo(graph: &Graph, t: &TestBinary) -> BTreeSet<PkgId> {
    t.cover
        .iter()
        .filter(|(q, r)| {
            let cgo_files = &graph.pkg(**q).files.cgo_files;
            r.iter().any(|f| cgo_files.contains(&f.file))
        })
        .map(|(q, _)| *q)
        .collect()
}

/// What every compile of one test binary shares.
struct Ctx<'a> {
    graph: &'a Graph,
    tc: &'a Toolchain,
    /// Each variant compiles with the flags of the package it is of.
    flags: &'a Flags,
    /// `$WORK/_test/<P>/`: the variants' objects and export data.
    tw: PathBuf,
    /// `P.test`, the name in the variants' labels.
    variant: String,
    /// Import paths whose export data the binary's compiles take from `tw`.
    in_variant: BTreeSet<String>,
    /// Each package's variant compile, when it has one.
    variant_of: BTreeMap<PkgId, ActionId>,
    /// The build's cgo tools and flags.
    cgo: &'a Setup,
    /// Packages whose variant covers cgo files: cgo writes other C for the
    /// rewritten files (its symbol prefix hashes them), so the variant
    /// compiles its own C side and the link takes it.
    cover_cgo: BTreeSet<PkgId>,
}

impl Ctx<'_> {
    /// Where the compiles of this binary find the export data of `to`.
    fn gox_of(&self, work: &Path, to: &str) -> PathBuf {
        let root = if self.in_variant.contains(to) {
            &self.tw
        } else {
            work
        };
        object_path(root, to).with_extension("gox")
    }
}

impl Plan {
    /// Appends the actions of `t`'s test binary (after every compile that
    /// `Plan::new` made for the graph, with the same `cgo`); returns the id
    /// of its link, whose `Role::Exe` output is the binary.
    ///
    /// Errors: a test file of the package itself imports a package that
    /// imports the package ("import cycle not allowed in test", as go says).
    pub fn add_test(
        &mut self,
        graph: &Graph,
        tc: &Toolchain,
        flags: &Flags,
        t: &TestBinary,
        cgo: &Setup,
    ) -> Result<ActionId> {
        let p = graph.pkg(t.pkg);
        let ip = p.import_path.clone();
        let shape = Shape::of(graph, t.pkg, t)?;
        let mut cx = Ctx {
            graph,
            tc,
            flags,
            tw: package_work_dir(&self.work.join("_test"), &ip),
            variant: format!("{ip}.test"),
            in_variant: shape
                .recompile
                .iter()
                .chain(shape.internal.then_some(&t.pkg))
                .map(|&q| graph.pkg(q).import_path.clone())
                .collect(),
            variant_of: BTreeMap::new(),
            cgo,
            cover_cgo: cover_cgo(graph, t),
        };
        if shape.internal {
            let id = self.add_internal_variant(&cx, t.pkg);
            if let Some(r) = t.cover.get(&t.pkg) {
                super::cover::cover_action(&mut self.actions[id.index()], r);
            }
            cx.variant_of.insert(t.pkg, id);
        }
        for q in graph
            .topo()
            .into_iter()
            .filter(|q| shape.recompile.contains(q))
        {
            let id = self.add_recompiled(&cx, q);
            if let Some(r) = t.cover.get(&q) {
                super::cover::cover_action(&mut self.actions[id.index()], r);
            }
            cx.variant_of.insert(q, id);
        }
        // None: P is external tests alone, with nothing to compile.
        let p_variant = self.dep_of_opt(&cx, t.pkg);
        let xtest =
            (!p.files.xtest_go_files.is_empty()).then(|| self.add_xtest(&cx, t.pkg, p_variant));
        let main_id = self.add_testmain(&cx, t, p_variant, xtest);
        // The link: the test main, P_test, P (its variant), then the rest
        // with importers before the packages they import.
        let mut objs: Vec<PathBuf> = vec![cx.tw.join("_testmain.o")];
        let mut deps: Vec<ActionId> = [
            Some(main_id),
            p_variant,
            self.compile_of.get(&t.pkg).copied(),
        ]
        .into_iter()
        .flatten()
        .collect();
        if let Some(x) = xtest {
            objs.push(object_path(&cx.tw, &format!("{ip}_test")));
            deps.push(x);
        }
        let mut order: Vec<PkgId> = p_variant.map(|_| t.pkg).into_iter().collect();
        order.extend(
            graph
                .topo()
                .into_iter()
                .rev()
                .filter(|q| shape.closure.contains(q)),
        );
        let cgo_ld = super::cgo::LinkCgo::new(graph, cgo).flags(&order, &tc.target.goos);
        for q in order {
            let own_c = cx.variant_of.contains_key(&q) && cx.cover_cgo.contains(&q);
            let mut o = link_objects(graph.pkg(q), if own_c { &cx.tw } else { &self.work });
            if let Some(&v) = cx.variant_of.get(&q) {
                o[0] = object_path(&cx.tw, &graph.pkg(q).import_path);
                deps.push(v);
            }
            deps.extend(self.compile_of.get(&q));
            objs.extend(o);
        }
        deps.sort();
        deps.dedup();
        let exe = cx.tw.join(format!("{}.test", t.name));
        let action = test_link(
            t.pkg,
            tc,
            flags,
            &cx.variant,
            exe,
            (objs, cgo_ld),
            deps,
            t.install.as_deref(),
        );
        self.actions.push(action);
        Ok(ActionId(self.actions.len() - 1))
    }

    /// The compile a variant's importer waits for: `d`'s variant, else `d`'s compile.
    fn dep_of(&self, cx: &Ctx, d: PkgId) -> ActionId {
        cx.variant_of
            .get(&d)
            .copied()
            .unwrap_or_else(|| self.compile_of[&d])
    }

    /// `dep_of`, or `None` for a package with nothing to compile (external
    /// tests alone: no variant, no compile of its own).
    fn dep_of_opt(&self, cx: &Ctx, d: PkgId) -> Option<ActionId> {
        cx.variant_of
            .get(&d)
            .or_else(|| self.compile_of.get(&d))
            .copied()
    }

    /// `P [P.test]`: P compiled with its own test files, under its import path.
    fn add_internal_variant(&mut self, cx: &Ctx, pkg: PkgId) -> ActionId {
        let p = cx.graph.pkg(pkg);
        let mut map = p.import_map.clone();
        map.extend(p.test_import_map.clone());
        let (mut files, cgo) = self.variant_sources(cx, p);
        files.extend(
            p.files
                .test_go_files
                .iter()
                .map(|f| p.files.source_path(&f.name)),
        );
        let mut deps: Vec<ActionId> = cx
            .graph
            .deps(pkg)
            .iter()
            .map(|&d| self.compile_of[&d])
            .collect();
        deps.extend(
            test_deps_of(cx.graph, p, false)
                .iter()
                .map(|&d| self.compile_of[&d]),
        );
        let unit = Unit {
            pkg,
            label: format!("{} [{}]", p.import_path, cx.variant),
            // Always a library here, even a command (go's `ForceLibrary`):
            // the test main imports it by its import path.
            pkgpath: Some(p.import_path.clone()),
            files,
            obj: object_path(&cx.tw, &p.import_path),
            deps,
            import_map: &map,
            import_path: &p.import_path,
            cgo,
        };
        self.push_unit(cx, unit)
    }

    /// The Go files of a variant of `p` (no test files): its own, or for a
    /// cgo package cgo's, written by the variant's own cgo step into
    /// `$WORK/_test/<P>/<import path>/_cgo_/` (the package's compile may
    /// come from the cache, which keeps no generated Go files).
    fn variant_sources(&self, cx: &Ctx, p: &Package) -> (Vec<PathBuf>, Option<CgoPart>) {
        let setup = cx.cgo;
        let part = setup.tools.as_ref().and_then(|tools| {
            let flags = setup
                .pkg(&p.import_path)
                .filter(|_| super::cgo::uses_cgo(p))?;
            let c = super::cgo::Ctx {
                p,
                tc: cx.tc,
                tools,
                flags,
                work: &cx.tw,
            };
            let steps = vec![
                Step::Mkdir(super::cgo::objdir(&cx.tw, &p.import_path)),
                c.cgo_step(),
            ];
            let (mut c_steps, mut outputs) = (Vec::new(), Vec::new());
            let covered = cx
                .graph
                .find(&p.import_path)
                .is_some_and(|id| cx.cover_cgo.contains(&id));
            let mut settings = c.settings();
            if covered {
                settings.insert("cgo c side".into(), "variant's own (covered)".into());
                for (st, out) in c.c_steps() {
                    c_steps.push(st);
                    outputs.extend(out);
                }
            }
            Some(CgoPart {
                steps,
                inputs: super::cgo::inputs(p),
                settings,
                c_steps,
                outputs,
            })
        });
        match part {
            Some(part) => (super::cgo::go_files(p, &cx.tw), Some(part)),
            None => (go_files(p), None),
        }
    }

    /// `Q [P.test]`: a package that imports P, compiled against P's variant.
    fn add_recompiled(&mut self, cx: &Ctx, q: PkgId) -> ActionId {
        let qp = cx.graph.pkg(q);
        let deps = cx
            .graph
            .deps(q)
            .iter()
            .map(|&d| self.dep_of(cx, d))
            .collect();
        let (files, cgo) = self.variant_sources(cx, qp);
        let unit = Unit {
            pkg: q,
            label: format!("{} [{}]", qp.import_path, cx.variant),
            pkgpath: Some(qp.import_path.clone()),
            files,
            obj: object_path(&cx.tw, &qp.import_path),
            deps,
            import_map: &qp.import_map,
            import_path: &qp.import_path,
            cgo,
        };
        self.push_unit(cx, unit)
    }

    /// `P_test [P.test]`: the external test package.
    fn add_xtest(&mut self, cx: &Ctx, pkg: PkgId, p_variant: Option<ActionId>) -> ActionId {
        let p = cx.graph.pkg(pkg);
        let mut deps: Vec<ActionId> = p_variant.into_iter().collect();
        deps.extend(
            test_deps_of(cx.graph, p, true)
                .iter()
                .map(|&d| self.dep_of(cx, d)),
        );
        let xpath = format!("{}_test", p.import_path);
        let unit = Unit {
            pkg,
            label: format!("{xpath} [{}]", cx.variant),
            pkgpath: Some(xpath.clone()),
            files: p
                .files
                .xtest_go_files
                .iter()
                .map(|f| p.files.source_path(&f.name))
                .collect(),
            obj: object_path(&cx.tw, &xpath),
            deps,
            import_map: &p.test_import_map,
            import_path: &p.import_path,
            cgo: None,
        };
        self.push_unit(cx, unit)
    }

    /// `P.test`: the generated test main, written into `tw` and compiled as
    /// package main; its text is part of its key.
    fn add_testmain(
        &mut self,
        cx: &Ctx,
        t: &TestBinary,
        p_variant: Option<ActionId>,
        xtest: Option<ActionId>,
    ) -> ActionId {
        let main_src = cx.tw.join("_testmain.go");
        let no_map = BTreeMap::new();
        let ip = &cx.graph.pkg(t.pkg).import_path;
        let unit = Unit {
            pkg: t.pkg,
            label: cx.variant.clone(),
            pkgpath: None,
            files: vec![main_src.clone()],
            obj: cx.tw.join("_testmain.o"),
            deps: p_variant
                .into_iter()
                .chain(xtest)
                .chain(t.extra_imports.iter().map(|&d| self.dep_of(cx, d)))
                .collect(),
            import_map: &no_map,
            import_path: ip,
            cgo: None,
        };
        let id = self.push_unit(cx, unit);
        let main = &mut self.actions[id.index()];
        main.steps.insert(
            1,
            Step::Write {
                path: main_src,
                contents: t.testmain.clone(),
            },
        );
        main.settings.insert("testmain".into(), t.testmain.clone());
        id
    }

    /// Appends the compile of one variant: its Go compile with `tw` searched
    /// first, and its export data unless it is package main.
    fn push_unit(&mut self, cx: &Ctx, u: Unit) -> ActionId {
        let (graph, tc, tw) = (cx.graph, cx.tc, &cx.tw);
        let cflags = super::compile_flags(tc, cx.flags, graph.pkg(u.pkg));
        let work = self.work.clone();
        let gox_of = |to: &str| cx.gox_of(&work, to);
        let mut steps = vec![Step::Mkdir(u.obj.parent().unwrap_or(tw).to_path_buf())];
        let mut settings = BTreeMap::new();
        let mut inputs: Vec<PathBuf> = Vec::new();
        let (mut c_steps, mut c_outputs) = (Vec::new(), Vec::new());
        if let Some(part) = u.cgo {
            steps.extend(part.steps);
            settings.extend(part.settings);
            inputs.extend(part.inputs);
            (c_steps, c_outputs) = (part.c_steps, part.outputs);
        }
        let mut cmd = Cmd::new(tc.gccgo.as_os_str()).arg("-c").args(cflags.iter());
        if let Some(pp) = &u.pkgpath {
            cmd = cmd.arg(format!("-fgo-pkgpath={pp}"));
        }
        if crate::resolve::is_local_import_path(u.import_path) {
            cmd = cmd.arg(format!("-fgo-relative-import-path={}", u.import_path));
        }
        let links = links_of(graph, u.import_path, u.import_map);
        if !links.is_empty() {
            let root = u.obj.with_extension("").join("_importroot_");
            steps.extend(link_steps_to(&links, &root, &gox_of));
            cmd = cmd.arg("-I").arg(root.as_os_str());
            for (seen, to) in &links {
                settings.insert(format!("importmap {seen}"), to.clone());
            }
        }
        cmd = cmd
            .arg("-I")
            .arg(tw.as_os_str())
            .arg("-I")
            .arg(self.work.as_os_str())
            .arg("-o")
            .arg(u.obj.as_os_str())
            .args(u.files.iter().map(|f| f.as_os_str().to_owned()));
        steps.push(Step::Run(cmd));
        steps.extend(c_steps);
        let dir = &graph.pkg(u.pkg).dir;
        let paths = super::path_flags(
            tc,
            cx.flags.trimpath.as_deref(),
            dir,
            u.import_path,
            &self.work,
        );
        let trim_dir = cx.flags.trimpath.as_ref().map(|_| dir.as_path());
        steps
            .iter_mut()
            .for_each(|s| super::add_path_flags(s, &paths, trim_dir));
        if cx.flags.trimpath.is_some() {
            settings.insert("trimpath".into(), "on".into());
        }
        let mut outputs = super::object_outputs(tc, &u.obj, u.pkgpath.is_some(), &mut steps);
        outputs.extend(c_outputs);
        // The generated test main is keyed by its text (`settings`), not a
        // file, and cgo's Go files by the sources cgo read (`inputs`).
        inputs.extend(u.files.iter().filter(|f| !f.starts_with(tw)).cloned());
        self.actions.push(Action {
            kind: ActionKind::Compile { pkg: u.pkg },
            label: u.label,
            steps,
            deps: u.deps,
            inputs,
            outputs,
            flags: cflags,
            settings,
            fail_when: vec![],
        });
        ActionId(self.actions.len() - 1)
    }
}

/// The packages of source the test files of one kind import (the
/// package's own `xtest` false, `P_test`'s true), without P itself.
fn test_deps_of(graph: &Graph, p: &crate::graph::Package, xtest: bool) -> Vec<PkgId> {
    let written = p.files.test_imports(xtest);
    written
        .iter()
        .filter_map(|w| p.test_import_map.get(w))
        .filter(|to| **to != p.import_path)
        .filter_map(|to| graph.find(to))
        .collect()
}

/// go's "import cycle not allowed in test": a test file of package P
/// itself imports a package that imports P.
fn check_no_test_cycle(graph: &Graph, pkg: PkgId, recompile: &BTreeSet<PkgId>) -> Result<()> {
    let p = graph.pkg(pkg);
    for d in test_deps_of(graph, p, false) {
        if recompile.contains(&d) || graph.deps_closure(d).contains(&pkg) {
            let pos = p
                .files
                .test_go_files
                .iter()
                .flat_map(|f| {
                    f.header
                        .imports
                        .iter()
                        .filter(|i| {
                            p.test_import_map.get(&i.path) == Some(&graph.pkg(d).import_path)
                        })
                        .map(move |i| {
                            format!(
                                "{}:{}:{}",
                                p.files.dir.join(&f.name).display(),
                                i.line,
                                i.col
                            )
                        })
                })
                .next()
                .unwrap_or_else(|| p.dir.display().to_string());
            bail!(
                "{pos}: import cycle not allowed in test: package {} (test) imports {}, which imports {}; \
                 move the test to package {}_test",
                p.import_path,
                graph.pkg(d).import_path,
                p.import_path,
                p.files.name
            );
        }
    }
    Ok(())
}

/// The link of a test binary into `exe` (in `$WORK`), installed at
/// `install` when `-c -o` asks for it.
#[allow(clippy::too_many_arguments)] // one call; the pieces of one link
fn test_link(
    pkg: PkgId,
    tc: &Toolchain,
    flags: &Flags,
    variant: &str,
    exe: PathBuf,
    (objs, cgo_ld): (Vec<PathBuf>, Vec<String>),
    deps: Vec<ActionId>,
    install: Option<&Path>,
) -> Action {
    let mut ld = cgo_ld;
    ld.extend(super::link_flags(tc, flags));
    let cmd = Cmd::new(tc.gccgo.as_os_str())
        .arg("-o")
        .arg(exe.as_os_str())
        .args(
            objs.into_iter()
                .map(PathBuf::into_os_string)
                .collect::<Vec<OsString>>(),
        )
        .args(ld.iter());
    let mut steps = vec![
        Step::Mkdir(exe.parent().map(Path::to_path_buf).unwrap_or_default()),
        Step::Run(cmd),
    ];
    if let Some(to) = install {
        steps.push(Step::Install {
            from: exe.clone(),
            to: to.to_path_buf(),
        });
    }
    Action {
        kind: ActionKind::Link {
            pkg,
            out: install.map_or_else(|| exe.clone(), Path::to_path_buf),
        },
        label: format!("link {variant}"),
        steps,
        deps,
        inputs: vec![],
        outputs: vec![Output {
            role: Role::Exe,
            path: exe,
        }],
        flags: ld,
        settings: BTreeMap::new(),
        fail_when: vec![],
    }
}
