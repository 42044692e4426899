//! The build cache with the real gccgo: no-op rebuilds run no compiler,
//! early cutoff on export data, corrupted entries, concurrent builds,
//! failures that must not be cached.

use std::path::{Path, PathBuf};

use crate::common::*;

/// A private copy of examples/minion and a private cache.
struct Proj {
    dir: tempfile::TempDir,
    cache: tempfile::TempDir,
}

impl Proj {
    fn new() -> Proj {
        let dir = tempfile::tempdir().unwrap();
        copy_tree(&minion_dir(), dir.path());
        Proj {
            dir,
            cache: tempfile::tempdir().unwrap(),
        }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn out(&self) -> PathBuf {
        self.root().join("minion")
    }

    /// Builds with -x --explain; returns (success, stderr).
    fn build(&self) -> (bool, String) {
        self.build_with(&[], None)
    }

    /// Builds with -x --explain and `extra` flags, with `path` as PATH
    /// when given; returns (success, stderr).
    fn build_with(&self, extra: &[&str], path: Option<&str>) -> (bool, String) {
        let mut c = bin();
        c.current_dir(self.root())
            .env("GCCGO_BUILD_CACHE", self.cache.path())
            .args(["build", "-x", "--explain", "-j", "2"])
            .args(extra)
            .args(["-o", "minion", "./cmd/minion"]);
        if let Some(p) = path {
            c.env("PATH", p);
        }
        let o = run(&mut c);
        (
            o.status.success(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    }

    /// Damages the stored object of one package (the entries whose meta
    /// names it); returns how many entries it damaged.
    fn corrupt_object_of(&self, import_path: &str) -> usize {
        let mut corrupted = 0;
        for e in walkdir::WalkDir::new(self.cache.path()) {
            let e = e.unwrap();
            if e.file_name() == "meta.json" {
                let meta = std::fs::read_to_string(e.path()).unwrap();
                if meta.contains(&format!("\"label\": \"{import_path}\"")) {
                    let obj = e.path().parent().unwrap().join("object");
                    let mut data = std::fs::read(&obj).unwrap();
                    let mid = data.len() / 2;
                    for b in &mut data[mid..mid + 64] {
                        *b ^= 0xff;
                    }
                    std::fs::write(&obj, data).unwrap();
                    corrupted += 1;
                }
            }
        }
        corrupted
    }

    fn edit(&self, rel: &str, from: &str, to: &str) {
        let p = self.root().join(rel);
        let s = std::fs::read_to_string(&p).unwrap();
        assert!(s.contains(from), "{rel} has no {from:?}");
        std::fs::write(&p, s.replacen(from, to, 1)).unwrap();
    }

    fn append(&self, rel: &str, text: &str) {
        let p = self.root().join(rel);
        let mut s = std::fs::read_to_string(&p).unwrap();
        s.push_str(text);
        std::fs::write(&p, s).unwrap();
    }

    fn selftest_ok(&self) {
        let (out, _) = ok(run_target(None, &self.out(), &["-selftest"]));
        assert_eq!(out, minion_expected());
    }
}

fn copy_tree(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// Import paths compiled in an -x log (the `-fgo-pkgpath=` of each `-c`), plus `main`.
fn compiled(log: &str) -> Vec<String> {
    let mut v: Vec<String> = log
        .lines()
        .filter(|l| l.contains("gccgo -c") || l.contains("gccgo-12 -c"))
        .map(|l| {
            l.split_whitespace()
                .find_map(|w| w.strip_prefix("-fgo-pkgpath="))
                .unwrap_or("main")
                .to_string()
        })
        .collect();
    v.sort();
    v
}

fn links(log: &str) -> usize {
    log.lines().filter(|l| l.contains(" -static-libgo")).count()
}

#[test]
fn second_build_runs_no_compiler() {
    let p = Proj::new();
    let (ok1, log1) = p.build();
    assert!(ok1, "{log1}");
    assert_eq!(compiled(&log1).len(), 5, "{log1}");
    let (ok2, log2) = p.build();
    assert!(ok2, "{log2}");
    assert!(
        compiled(&log2).is_empty(),
        "no-op rebuild compiled:\n{log2}"
    );
    assert_eq!(links(&log2), 0, "no-op rebuild linked:\n{log2}");
    p.selftest_ok();
    // The output removed: restored from the cache, still without compiling.
    std::fs::remove_file(p.out()).unwrap();
    let (ok3, log3) = p.build();
    assert!(ok3, "{log3}");
    assert!(compiled(&log3).is_empty() && links(&log3) == 0, "{log3}");
    p.selftest_ok();
}

#[test]
fn body_only_edit_recompiles_one_package_and_links() {
    let p = Proj::new();
    assert!(p.build().0);
    // Change the body of a function that is not inlinable, adding no
    // declaration: gccgo's export data carries inlinable bodies with their
    // line numbers and numbers result variables package-wide, so adding a
    // function (or moving an inlinable one) does change it.
    p.edit(
        "internal/wire/name.go",
        "func readName(b []byte, off int) (string, int, error) {\n",
        "func readName(b []byte, off int) (string, int, error) {\n\tif off < 0 {\n\t\treturn \"\", 0, ErrCompressed\n\t}\n",
    );
    let (ok, log) = p.build();
    assert!(ok, "{log}");
    assert_eq!(
        compiled(&log),
        ["example.com/minion/internal/wire"],
        "{log}"
    );
    assert_eq!(links(&log), 1, "{log}");
    assert!(
        log.contains("example.com/minion/internal/wire: source changed: wire/name.go"),
        "{log}"
    );
    p.selftest_ok();
}

#[test]
fn exported_api_edit_recompiles_the_importers() {
    let p = Proj::new();
    assert!(p.build().0);
    p.append(
        "internal/wire/header.go",
        "\n// AddedByTest is new exported API.\nconst AddedByTest = 7\n",
    );
    let (ok, log) = p.build();
    assert!(ok, "{log}");
    // wire and exactly its importers: rpc, probe and cmd/minion (`main`);
    // version, which does not import wire, comes from the cache.
    assert_eq!(
        compiled(&log),
        [
            "example.com/minion/internal/probe",
            "example.com/minion/internal/rpc",
            "example.com/minion/internal/wire",
            "main"
        ],
        "{log}"
    );
    assert!(log.contains("example.com/minion/internal/rpc: export data of example.com/minion/internal/wire changed"), "{log}");
    p.selftest_ok();
}

#[test]
fn corrupted_cache_entry_is_detected_and_rebuilt() {
    let p = Proj::new();
    assert!(p.build().0);
    assert_eq!(p.corrupt_object_of("example.com/minion/internal/wire"), 1);
    // Force a link, so the corrupted object would be needed.
    p.append("cmd/minion/main.go", "\nvar addedByTest = 1\n");
    let (ok, log) = p.build();
    assert!(ok, "{log}");
    assert!(
        log.contains("internal/wire: cache entry was corrupted; rebuilt it"),
        "{log}"
    );
    p.selftest_ok();
    // And the rebuilt entry is good again: the next build uses it.
    let (ok, log) = p.build();
    assert!(ok && compiled(&log).is_empty(), "{log}");
}

#[test]
fn two_concurrent_builds_on_one_cache_both_work() {
    let p = Proj::new();
    let outs = [p.root().join("a"), p.root().join("b")];
    let children: Vec<_> = outs
        .iter()
        .map(|o| {
            bin()
                .current_dir(p.root())
                .env("GCCGO_BUILD_CACHE", p.cache.path())
                .args(["build", "-j", "1", "-o"])
                .arg(o)
                .arg("./cmd/minion")
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    for o in &outs {
        let (out, _) = ok(run_target(None, o, &["-selftest"]));
        assert_eq!(out, minion_expected());
    }
}

#[test]
fn failing_package_leaves_no_cache_entry() {
    let p = Proj::new();
    p.append("internal/rpc/rpc.go", "\nfunc broken() { return 1 }\n");
    let (ok1, log) = p.build();
    assert!(!ok1, "{log}");
    let labels: Vec<String> = walkdir::WalkDir::new(p.cache.path())
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name() == "meta.json")
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect();
    assert!(
        !labels.iter().any(|m| m.contains("internal/rpc\"")),
        "failed package cached"
    );
    assert!(!p.out().exists());
    // Fixed, it builds; the packages that had compiled come from the cache.
    p.edit("internal/rpc/rpc.go", "func broken() { return 1 }\n", "");
    let (ok2, log2) = p.build();
    assert!(ok2, "{log2}");
    assert!(
        compiled(&log2).contains(&"example.com/minion/internal/rpc".to_string()),
        "{log2}"
    );
    assert!(
        !compiled(&log2).contains(&"example.com/minion/internal/wire".to_string()),
        "{log2}"
    );
    p.selftest_ok();
}

/// The rebuild of a damaged entry used to run inside the cache, serially,
/// with no `-x` line and no timeout. Now the scheduler runs it: `-x` shows
/// it, and `--timeout` kills it.
#[test]
fn corrupted_entry_rebuild_shows_its_command_and_honours_the_timeout() {
    let p = Proj::new();
    let bin_dir = p.root().join("_fakebin");
    let marker = p.root().join("_slow");
    let path = gccgo_wrapper(
        &bin_dir,
        &format!(
            "case \"$*\" in *internal/wire*) [ -e '{}' ] && sleep 60;; esac",
            marker.display()
        ),
    );
    let (ok, log) = p.build_with(&[], Some(&path));
    assert!(ok, "{log}");
    assert_eq!(p.corrupt_object_of("example.com/minion/internal/wire"), 1);
    p.append("cmd/minion/main.go", "\nvar addedByTest = 1\n");
    std::fs::write(&marker, "").unwrap();
    let t0 = std::time::Instant::now();
    let (ok, log) = p.build_with(&["--timeout", "3"], Some(&path));
    assert!(!ok, "{log}");
    assert!(
        t0.elapsed().as_secs() < 40,
        "the timeout did not apply:\n{log}"
    );
    assert!(
        log.contains("example.com/minion/internal/wire: cache entry was corrupted; rebuilding it"),
        "{log}"
    );
    let shown: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("gccgo -c") && !l.contains("still running"))
        .collect();
    assert_eq!(shown.len(), 1, "the rebuild's -x line is missing:\n{log}");
    assert!(
        shown[0].contains("-fgo-pkgpath=example.com/minion/internal/wire"),
        "{log}"
    );
    assert!(log.contains("still running after 3 s"), "{log}");
    // Without the fault the next build rebuilds it and works.
    std::fs::remove_file(&marker).unwrap();
    let (ok, log) = p.build_with(&[], Some(&path));
    assert!(ok, "{log}");
    p.selftest_ok();
}

/// `--explain` compared with the label's last build: after building with
/// -O2, then -Os, then editing a file and building with -O2 again, it said
/// `flags changed: -Os → -O2 -g` and, for the link, named the wrong
/// package. It compares with the closest earlier inputs now.
#[test]
fn explain_after_alternating_flags_names_the_real_change() {
    let p = Proj::new();
    assert!(p.build().0);
    let (ok, log) = p.build_with(&["--gccgoflags", "-Os"], None);
    assert!(ok, "{log}");
    assert!(
        log.contains("example.com/minion/internal/wire: flags changed: -O2 -g → -Os"),
        "{log}"
    );
    p.edit(
        "internal/wire/name.go",
        "func readName(b []byte, off int) (string, int, error) {\n",
        "func readName(b []byte, off int) (string, int, error) {\n\tif off < 0 {\n\t\treturn \"\", 0, ErrCompressed\n\t}\n",
    );
    let (built, log) = p.build();
    assert!(built, "{log}");
    assert!(!log.contains("flags changed"), "{log}");
    assert!(
        log.contains("example.com/minion/internal/wire: source changed: wire/name.go"),
        "{log}"
    );
    let out = p.out();
    assert!(
        log.contains(&format!(
            "link {}: object of example.com/minion/internal/wire changed",
            out.display()
        )),
        "{log}"
    );
    // And for tools, the same as JSON lines on stdout.
    p.append("internal/wire/name.go", "\n// touched\n");
    let o = run(bin()
        .current_dir(p.root())
        .env("GCCGO_BUILD_CACHE", p.cache.path())
        .args([
            "build",
            "--explain",
            "--json",
            "-o",
            "minion",
            "./cmd/minion",
        ]));
    let (stdout, stderr) = crate::common::ok(o);
    let first: serde_json::Value = serde_json::from_str(stdout.lines().next().unwrap_or(""))
        .unwrap_or_else(|e| panic!("{e}: {stdout}\n{stderr}"));
    assert_eq!(
        first["action"], "example.com/minion/internal/wire",
        "{stdout}"
    );
    assert_eq!(first["reason"]["kind"], "source_changed", "{stdout}");
    assert!(
        first["reason"]["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("internal/wire/name.go")),
        "{stdout}"
    );
}

/// After a compiler upgrade `--explain` said "not in cache": the explain
/// index was keyed by the compiler. One profile, first pointing at gccgo 12,
/// then at gccgo 11.
#[test]
fn explain_after_a_compiler_upgrade_says_compiler_changed() {
    let p = Proj::new();
    let profile = p.root().join("_pinned.toml");
    let write = |gccgo: &str| {
        std::fs::write(
            &profile,
            format!(
                "name = \"pinned\"\ntriple = \"x86_64-linux-gnu\"\ngccgo = \"{gccgo}\"\nobjcopy = \"objcopy\"\n"
            ),
        )
        .unwrap();
    };
    write("gccgo-12");
    let toolchain = profile.display().to_string();
    let (ok, log) = p.build_with(&["--toolchain", &toolchain], None);
    assert!(ok, "{log}");
    write("gccgo-11");
    let (ok, log) = p.build_with(&["--toolchain", &toolchain], None);
    assert!(ok, "{log}");
    let v11 = String::from_utf8(
        run(std::process::Command::new("gccgo-11").arg("-dumpfullversion")).stdout,
    )
    .unwrap();
    let want = format!(
        "example.com/minion/internal/wire: compiler changed: 12.2.0 → {}",
        v11.trim()
    );
    assert!(log.contains(&want), "no {want:?} in:\n{log}");
    assert!(log.contains("linker changed: 12.2.0 → "), "{log}");
    p.selftest_ok();
}

/// `--cache off` still wrote the toolchain probe's and the language gate's
/// memos under `~/.cache/gccgo-build`.
#[test]
fn cache_off_writes_nothing_under_home() {
    let home = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let exe = out.path().join("minion");
    let exe_s = exe.display().to_string();
    ok(gb(
        home.path(),
        &minion_dir(),
        &["build", "--cache", "off", "-o", &exe_s, "./cmd/minion"],
    ));
    assert!(exe.is_file());
    assert!(
        !home.path().join(".cache").exists(),
        "--cache off wrote under HOME: {:?}",
        walkdir::WalkDir::new(home.path())
            .into_iter()
            .filter_map(|e| e.ok())
            .map(|e| e.path().display().to_string())
            .collect::<Vec<_>>()
    );
    // The same build with the default cache does write there.
    ok(gb(
        home.path(),
        &minion_dir(),
        &["build", "-o", &exe_s, "./cmd/minion"],
    ));
    assert!(home.path().join(".cache/gccgo-build").is_dir());
}

/// Bytes of the files of a cache directory, `tmp/` excepted (what `cache
/// trim` bounds).
fn cache_bytes(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            !rel.components().any(|c| c.as_os_str() == "tmp")
        })
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum()
}

/// `cache trim --max-size` run over and over while a build runs on the
/// same cache: every trim succeeds, the build succeeds (entries it found
/// and then lost are rebuilt), and the cache ends at or under the size.
#[test]
fn cache_trim_to_a_size_while_a_build_runs() {
    let p = Proj::new();
    assert!(p.build().0);
    let before = cache_bytes(p.cache.path());
    assert!(before > 10_000_000, "{before}");
    p.append("cmd/minion/main.go", "\nvar addedByTrimTest = 1\n");
    let mut child = bin()
        .current_dir(p.root())
        .env("GCCGO_BUILD_CACHE", p.cache.path())
        .args([
            "build",
            "-x",
            "--explain",
            "-j",
            "2",
            "-o",
            "minion",
            "./cmd/minion",
        ])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let max = 2_000_000u64;
    let trim = || {
        let o = bin()
            .env("GCCGO_BUILD_CACHE", p.cache.path())
            .args(["cache", "trim", "--max-size", "2M", "--json"])
            .output()
            .unwrap();
        let (out, _) = ok(o);
        serde_json::from_str::<serde_json::Value>(&out).unwrap()
    };
    let mut removed = 0;
    let mut trims = 0;
    while child.try_wait().unwrap().is_none() {
        removed += trim()["removed"].as_u64().unwrap();
        trims += 1;
    }
    let o = child.wait_with_output().unwrap();
    let log = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{log}");
    assert!(
        removed > 0 && trims > 1,
        "{trims} trims removed {removed} entries"
    );
    assert!(
        !log.contains("corrupted"),
        "a trimmed entry is no damage:\n{log}"
    );
    p.selftest_ok();
    let last = trim();
    assert!(
        last["left"]["total_bytes"].as_u64().unwrap() <= max,
        "{last}"
    );
    let v2 = p.cache.path().join("v2");
    assert!(cache_bytes(&v2) <= max, "{} bytes left", cache_bytes(&v2));
}

/// A compile hit's entry removed by a trim before a later action needed
/// its files: the compile runs again, with the reason, and no warning.
#[test]
fn an_entry_trimmed_mid_build_is_rebuilt_quietly() {
    let p = Proj::new();
    // While internal/wire compiles (once `armed` exists), the packages
    // already answered from the cache have their files only there: trim
    // everything then.
    let armed = p.root().join("armed");
    let path = gccgo_wrapper(
        &p.root().join("bin"),
        &format!(
            "case \"$*\" in *-fgo-pkgpath=example.com/minion/internal/wire*) if [ -e '{}' ]; then \
             GCCGO_BUILD_CACHE='{}' '{}' cache trim --max-size 1 >/dev/null; fi;; esac",
            armed.display(),
            p.cache.path().display(),
            env!("CARGO_BIN_EXE_gccgo-build")
        ),
    );
    assert!(p.build_with(&[], Some(&path)).0);
    // A body-only edit: wire compiles, everything else is a hit.
    p.edit(
        "internal/wire/name.go",
        "func readName(b []byte, off int) (string, int, error) {\n",
        "func readName(b []byte, off int) (string, int, error) {\n\tif off < -1 {\n\t\treturn \"\", 0, ErrCompressed\n\t}\n",
    );
    std::fs::write(&armed, "").unwrap();
    let (ok, log) = p.build_with(&[], Some(&path));
    assert!(ok, "{log}");
    assert!(!log.contains("corrupted"), "{log}");
    assert!(
        log.contains(": cache entry was trimmed while the build used it"),
        "{log}"
    );
    assert_eq!(compiled(&log).len(), 5, "{log}");
    p.selftest_ok();
}

/// The linker is on the link line (`-fuse-ld=`), in the link's key, and
/// in `--explain`; `GCCGO_BUILD_LINKER` chooses it too; `auto` on the host
/// picks mold when it is installed, and the program runs (its goroutines'
/// split stacks work).
#[test]
fn the_linker_is_on_the_link_line_in_the_key_and_explained() {
    let p = Proj::new();
    let (ok1, log) = p.build_with(&["--linker", "gold"], None);
    assert!(ok1, "{log}");
    assert!(log.contains("-static-libgo -fuse-ld=gold"), "{log}");
    p.selftest_ok();
    let (ok2, log) = p.build_with(&["--linker", "bfd"], None);
    assert!(ok2, "{log}");
    assert!(compiled(&log).is_empty() && links(&log) == 1, "{log}");
    assert!(log.contains(": linker changed: gold → bfd"), "{log}");
    p.selftest_ok();
    // Back to gold through the environment: the link's entry is still there.
    let o = run(bin()
        .current_dir(p.root())
        .env("GCCGO_BUILD_CACHE", p.cache.path())
        .env("GCCGO_BUILD_LINKER", "gold")
        .args(["build", "-x", "-o", "minion", "./cmd/minion"]));
    let (_, log) = ok(o);
    assert!(compiled(&log).is_empty() && links(&log) == 0, "{log}");
    let (ok3, log) = p.build();
    assert!(ok3, "{log}");
    if std::path::Path::new("/usr/bin/ld.mold").exists() {
        assert!(
            log.contains("-fuse-ld=mold"),
            "auto did not pick mold:\n{log}"
        );
    }
    p.selftest_ok();
}

/// For MIPS, `auto` never picks mold (no MIPS support) or lld (it fails
/// on gccgo's MIPS relocations): gold when installed for the target, and
/// the program runs under qemu.
#[test]
fn the_auto_linker_for_mips_is_one_that_links_mips() {
    let p = Proj::new();
    let (ok1, log) = p.build_with(&["--target", "mips-linux-gnu"], None);
    assert!(ok1, "{log}");
    let link = log
        .lines()
        .find(|l| l.contains(" -static-libgo"))
        .expect("a link line");
    // Not mold (no MIPS), not lld (R_MIPS_32 against local symbols), not
    // gold (an internal error linking with -s): ld.bfd.
    assert!(link.ends_with("-fuse-ld=bfd"), "{link}");
    let (out, _) = ok(run_target(Some("mips-linux-gnu"), &p.out(), &["-selftest"]));
    assert_eq!(out, minion_expected());
}

/// `list`'s `Stale` and `StaleReason` come from the cache: nothing is
/// stale after a build; after an edit, the edited package says why and
/// its importers name it, as the go command's `stale dependency: P`.
#[test]
fn list_says_what_is_stale_and_why() {
    let p = Proj::new();
    let stale = || {
        let o = run(bin()
            .current_dir(p.root())
            .env("GCCGO_BUILD_CACHE", p.cache.path())
            .args([
                "list",
                "-deps",
                "-f",
                "{{.ImportPath}}|{{.Stale}}|{{.StaleReason}}",
                "./cmd/minion",
            ]));
        ok(o).0
    };
    let before = stale();
    assert!(
        before.contains("example.com/minion/internal/wire|true|not in cache"),
        "{before}"
    );
    assert!(p.build().0);
    let built = stale();
    for l in built.lines().filter(|l| l.starts_with("example.com/")) {
        assert!(
            l.ends_with("|false|"),
            "after a build nothing is stale: {built}"
        );
    }
    assert!(
        built.contains("fmt|false|"),
        "std packages are never stale: {built}"
    );
    p.edit(
        "internal/wire/name.go",
        "func readName(b []byte, off int) (string, int, error) {\n",
        "func readName(b []byte, off int) (string, int, error) {\n\t_ = off\n",
    );
    let after = stale();
    assert!(
        after.contains("example.com/minion/internal/wire|true|source changed: wire/name.go"),
        "{after}"
    );
    assert!(
        after.contains(
            "example.com/minion/cmd/minion|true|stale dependency: example.com/minion/internal/"
        ),
        "{after}"
    );
    assert!(
        after.contains("example.com/minion/internal/version|false|"),
        "{after}"
    );
}
