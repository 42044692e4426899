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
    Action, ActionId, ActionKind, Flags, LinkMode, Output, Plan, Role, Step, link_objects,
    link_steps_to, links_of, object_path, package_work_dir,
};
use crate::graph::{Graph, PkgId};
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
}

impl Plan {
    /// Appends the actions of `t`'s test binary (after every compile that
    /// `Plan::new` made for the graph); returns the id of its link, whose
    /// `Role::Exe` output is the binary.
    ///
    /// Errors: a test file of the package itself imports a package that
    /// imports the package ("import cycle not allowed in test", as go says).
    pub fn add_test(
        &mut self,
        graph: &Graph,
        tc: &Toolchain,
        flags: &Flags,
        t: &TestBinary,
    ) -> Result<ActionId> {
        let p = graph.pkg(t.pkg);
        let ip = p.import_path.clone();
        let work = self.work.clone();
        let tw = package_work_dir(&work.join("_test"), &ip);
        let variant = format!("{ip}.test");
        let test_deps: Vec<PkgId> = p
            .test_import_map
            .values()
            .filter_map(|to| graph.find(to))
            .filter(|&d| d != t.pkg)
            .collect();
        let mut closure: BTreeSet<PkgId> = graph.deps_closure(t.pkg).into_iter().collect();
        for &d in &test_deps {
            closure.insert(d);
            closure.extend(graph.deps_closure(d));
        }
        closure.remove(&t.pkg);
        let internal = !p.files.test_go_files.is_empty();
        // go's recompileForTest: what imports P, between the test and P.
        let recompile: BTreeSet<PkgId> = if internal {
            closure
                .iter()
                .copied()
                .filter(|&q| graph.deps_closure(q).contains(&t.pkg))
                .collect()
        } else {
            BTreeSet::new()
        };
        check_no_test_cycle(graph, t.pkg, &recompile)?;
        let mut variant_of: BTreeMap<PkgId, ActionId> = BTreeMap::new();
        let mut cflags = flags.gcflags.clone();
        cflags.extend(tc.cflags.iter().cloned());
        let in_variant: BTreeSet<String> = recompile
            .iter()
            .chain(internal.then_some(&t.pkg))
            .map(|&q| graph.pkg(q).import_path.clone())
            .collect();
        let gox_of = |to: &str| {
            let root = if in_variant.contains(to) { &tw } else { &work };
            object_path(root, to).with_extension("gox")
        };
        let dep = |plan: &Plan, variants: &BTreeMap<PkgId, ActionId>, d: PkgId| {
            variants.get(&d).copied().unwrap_or(plan.compile_of[&d])
        };
        // 1. P with its internal test files.
        if internal {
            let mut map = p.import_map.clone();
            map.extend(p.test_import_map.clone());
            let mut files = go_files(p);
            files.extend(
                p.files
                    .test_go_files
                    .iter()
                    .map(|f| p.files.source_path(&f.name)),
            );
            let mut deps: Vec<ActionId> = graph
                .deps(t.pkg)
                .iter()
                .map(|&d| self.compile_of[&d])
                .collect();
            deps.extend(
                test_deps_of(graph, p, false)
                    .iter()
                    .map(|&d| self.compile_of[&d]),
            );
            let unit = Unit {
                pkg: t.pkg,
                label: format!("{ip} [{variant}]"),
                pkgpath: (!p.is_main()).then(|| ip.clone()),
                files,
                obj: object_path(&tw, &ip),
                deps,
                import_map: &map,
                import_path: &ip,
            };
            let id = self.push_unit(graph, tc, &cflags, &tw, unit, &gox_of);
            variant_of.insert(t.pkg, id);
        }
        // 2. Packages that import P, recompiled against the variant.
        for q in graph.topo().into_iter().filter(|q| recompile.contains(q)) {
            let qp = graph.pkg(q);
            let deps = graph
                .deps(q)
                .iter()
                .map(|&d| dep(self, &variant_of, d))
                .collect();
            let unit = Unit {
                pkg: q,
                label: format!("{} [{variant}]", qp.import_path),
                pkgpath: Some(qp.import_path.clone()),
                files: go_files(qp),
                obj: object_path(&tw, &qp.import_path),
                deps,
                import_map: &qp.import_map,
                import_path: &qp.import_path,
            };
            let id = self.push_unit(graph, tc, &cflags, &tw, unit, &gox_of);
            variant_of.insert(q, id);
        }
        let p_variant = dep(self, &variant_of, t.pkg);
        // 3. The external test package.
        let xtest = if p.files.xtest_go_files.is_empty() {
            None
        } else {
            let mut deps = vec![p_variant];
            deps.extend(
                test_deps_of(graph, p, true)
                    .iter()
                    .map(|&d| dep(self, &variant_of, d)),
            );
            let xpath = format!("{ip}_test");
            let unit = Unit {
                pkg: t.pkg,
                label: format!("{xpath} [{variant}]"),
                pkgpath: Some(xpath.clone()),
                files: p
                    .files
                    .xtest_go_files
                    .iter()
                    .map(|f| p.files.source_path(&f.name))
                    .collect(),
                obj: object_path(&tw, &xpath),
                deps,
                import_map: &p.test_import_map,
                import_path: &ip,
            };
            Some(self.push_unit(graph, tc, &cflags, &tw, unit, &gox_of))
        };
        // 4. The test main.
        let main_src = tw.join("_testmain.go");
        let no_map = BTreeMap::new();
        let unit = Unit {
            pkg: t.pkg,
            label: variant.clone(),
            pkgpath: None,
            files: vec![main_src.clone()],
            obj: tw.join("_testmain.o"),
            deps: std::iter::once(p_variant).chain(xtest).collect(),
            import_map: &no_map,
            import_path: &ip,
        };
        let main_id = self.push_unit(graph, tc, &cflags, &tw, unit, &gox_of);
        let main = &mut self.actions[main_id.index()];
        main.steps.insert(
            1,
            Step::Write {
                path: main_src,
                contents: t.testmain.clone(),
            },
        );
        main.settings.insert("testmain".into(), t.testmain.clone());
        // 5. The link.
        let mut objs: Vec<PathBuf> = vec![tw.join("_testmain.o")];
        let mut deps = vec![main_id, p_variant, self.compile_of[&t.pkg]];
        if let Some(x) = xtest {
            objs.push(object_path(&tw, &format!("{ip}_test")));
            deps.push(x);
        }
        let mut order: Vec<PkgId> = vec![t.pkg];
        order.extend(
            graph
                .topo()
                .into_iter()
                .rev()
                .filter(|q| closure.contains(q)),
        );
        for q in order {
            let mut o = link_objects(graph.pkg(q), &work);
            if variant_of.contains_key(&q) {
                o[0] = object_path(&tw, &graph.pkg(q).import_path);
                deps.push(variant_of[&q]);
            }
            deps.push(self.compile_of[&q]);
            objs.extend(o);
        }
        deps.sort();
        deps.dedup();
        let exe = tw.join(format!(
            "{}.test",
            super::exe_name(Path::new(&crate::link::default_exe_name(&ip)))
        ));
        let action = test_link(
            t.pkg,
            tc,
            flags,
            &variant,
            exe,
            objs,
            deps,
            t.install.as_deref(),
        );
        self.actions.push(action);
        Ok(ActionId(self.actions.len() - 1))
    }

    /// Appends the compile of one variant: its Go compile with `tw` searched
    /// first, and its export data unless it is package main.
    fn push_unit(
        &mut self,
        graph: &Graph,
        tc: &Toolchain,
        cflags: &[String],
        tw: &Path,
        u: Unit,
        gox_of: &dyn Fn(&str) -> PathBuf,
    ) -> ActionId {
        let mut steps = vec![Step::Mkdir(u.obj.parent().unwrap_or(tw).to_path_buf())];
        let mut cmd = Cmd::new(tc.gccgo.as_os_str()).arg("-c").args(cflags.iter());
        if let Some(pp) = &u.pkgpath {
            cmd = cmd.arg(format!("-fgo-pkgpath={pp}"));
        }
        if crate::resolve::is_local_import_path(u.import_path) {
            cmd = cmd.arg(format!("-fgo-relative-import-path={}", u.import_path));
        }
        let links = links_of(graph, u.import_path, u.import_map);
        let mut settings = BTreeMap::new();
        if !links.is_empty() {
            let root = u.obj.with_extension("").join("_importroot_");
            steps.extend(link_steps_to(&links, &root, gox_of));
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
        let mut outputs = vec![Output {
            role: Role::Object,
            path: u.obj.clone(),
        }];
        if u.pkgpath.is_some() {
            let gox = u.obj.with_extension("gox");
            steps.push(Step::Run(
                Cmd::new(tc.objcopy.as_os_str())
                    .args(["-j", ".go_export"])
                    .arg(u.obj.as_os_str())
                    .arg(gox.as_os_str()),
            ));
            outputs.push(Output {
                role: Role::Export,
                path: gox,
            });
        }
        // The generated test main is keyed by its text (`settings`), not a file.
        let inputs = u
            .files
            .iter()
            .filter(|f| !f.starts_with(tw))
            .cloned()
            .collect();
        self.actions.push(Action {
            kind: ActionKind::Compile { pkg: u.pkg },
            label: u.label,
            steps,
            deps: u.deps,
            inputs,
            outputs,
            flags: cflags.to_vec(),
            settings,
            fail_when: vec![],
        });
        ActionId(self.actions.len() - 1)
    }
}

/// The Go files of a package's build (no test files), as the compiler reads them.
fn go_files(p: &crate::graph::Package) -> Vec<PathBuf> {
    p.files
        .go_files
        .iter()
        .map(|f| p.files.source_path(&f.name))
        .collect()
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
    objs: Vec<PathBuf>,
    deps: Vec<ActionId>,
    install: Option<&Path>,
) -> Action {
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
