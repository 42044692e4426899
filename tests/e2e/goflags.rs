//! Every flag of go 1.19's build, install, list, run and test, read from
//! the table the command line uses (`cli::goflag_table::GO_FLAGS`), run
//! through go 1.19 and gccgo-build on a tiny module: a flag gccgo-build
//! has behaves as go's (same exit status; the same stdout for `list` and
//! `run`, the same test results for `test`), a flag it forwards reaches
//! the test binary, a flag it refuses is refused in one line naming it
//! (exit 2), and a flag the subcommand does not have is go's `flag
//! provided but not defined: -X` with the usage. A new row is tested
//! without a new line here.

use std::path::Path;
use std::process::{Command, Output};

use gccgo_build::cli::goflag_table::{self as table, GO_FLAGS, GoFlag, Kind, Ours};

use crate::common::*;

/// The module every flag is tried on: a command printing `hello`, a
/// passing test, a library, an overlay file and an alternative go.mod.
fn tiny_module(root: &Path) {
    write_tree(
        root,
        &[
            ("go.mod", "module example.com/m\n\ngo 1.18\n"),
            (
                "main.go",
                "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello\") }\n",
            ),
            (
                "m_test.go",
                "package main\n\nimport \"testing\"\n\nfunc TestA(t *testing.T) {}\n\n\
                 func TestB(t *testing.T) {}\n",
            ),
            ("lib/lib.go", "package lib\n\nfunc F() int { return 1 }\n"),
            ("overlay.json", "{\"Replace\": {}}\n"),
        ],
    );
}

/// go 1.19 (gc) in `dir`, with the module cache and GOBIN inside `home`.
fn go(home: &Path, dir: &Path, args: &[String]) -> Output {
    let mut c = Command::new("go");
    for v in GO_TARGET_VARS {
        c.env_remove(v);
    }
    c.args(args)
        .current_dir(dir)
        .env("GO111MODULE", "")
        .env("GOENV", "off")
        .env("GOFLAGS", "")
        .env("GOBIN", home.join("gobin"))
        .env("GOCACHE", home.join("gocache"))
        .env("GOPATH", home.join("gopath"));
    run(&mut c)
}

/// gccgo-build in `dir`, GOBIN inside `home`.
fn ours(home: &Path, dir: &Path, args: &[String]) -> Output {
    let mut c = bin();
    c.args(args)
        .current_dir(dir)
        .env("GOBIN", home.join("gobin"))
        .env("GOPATH", home.join("gopath"));
    run(&mut c)
}

/// The flag as words: `-name` for a boolean without example, else
/// `-name=value`, or `-name value` when `two_words`.
fn words(g: &GoFlag, two_words: bool) -> Vec<String> {
    match (g.kind, g.example) {
        (Kind::Bool, "") => vec![format!("-{}", g.name)],
        (Kind::Bool, v) => vec![format!("-{}={v}", g.name)],
        (_, v) if two_words => vec![format!("-{}", g.name), v.to_string()],
        (_, v) => vec![format!("-{}={v}", g.name)],
    }
}

/// The lines of a `go test` run that must agree: results per package and
/// per test, times and `(cached)` dropped.
fn test_lines(o: &Output) -> Vec<String> {
    let (out, _) = text(o);
    out.lines()
        .filter(|l| {
            ["ok", "FAIL", "PASS", "--- ", "=== RUN", "Test"]
                .iter()
                .any(|p| l.starts_with(p))
        })
        .map(|l| {
            let l = l.split('\t').take(2).collect::<Vec<_>>().join("\t");
            match l.find(" (") {
                Some(i) if l.starts_with("--- ") => l[..i].to_string(),
                _ => l,
            }
        })
        .collect()
}

/// What must agree between go and gccgo-build for one run of `sub` with `g`.
fn agree(sub: &str, g: &GoFlag, go_out: &Output, our: &Output) -> Result<(), String> {
    let same_status = go_out.status.success() == our.status.success();
    let show = || {
        let (a, b) = text(go_out);
        let (c, d) = text(our);
        format!(
            "go ({}):\n{a}{b}\ngccgo-build ({}):\n{c}{d}",
            go_out.status, our.status
        )
    };
    if !same_status {
        return Err(format!("exit status differs\n{}", show()));
    }
    let differs = match sub {
        "run" => text(go_out).0 != text(our).0,
        "list" if !["json", "deps", "compiler", "export", "compiled"].contains(&g.name) => {
            text(go_out).0 != text(our).0
        }
        "test" if g.name != "json" => test_lines(go_out) != test_lines(our),
        _ => false,
    };
    if differs {
        return Err(format!("output differs\n{}", show()));
    }
    Ok(())
}

/// Removes what a flag's run may leave in the module (outputs, profiles).
fn tidy(dir: &Path) {
    for f in [
        "m",
        "out",
        "m.test",
        "cpu.out",
        "mem.out",
        "block.out",
        "mutex.out",
        "trace.out",
        "ag.json",
        "trace.json",
    ] {
        let p = dir.join(f);
        let _ = std::fs::remove_file(&p);
        let _ = std::fs::remove_dir_all(&p);
    }
}

/// Every row of the table, for every subcommand it names: the same as go,
/// forwarded to the test binary, or refused in one line that names it.
/// One thread (and module) per subcommand.
#[test]
fn every_go_flag_is_the_same_as_go_or_refused_in_one_line() {
    let failures: Vec<String> = std::thread::scope(|s| {
        let workers: Vec<_> = table::SUBCOMMANDS
            .iter()
            .map(|&(sub, bit)| s.spawn(move || flags_of(sub, bit)))
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("worker"))
            .collect()
    });
    let n: usize = table::SUBCOMMANDS
        .iter()
        .map(|&(_, b)| GO_FLAGS.iter().filter(|g| g.cmds & b != 0).count())
        .sum();
    assert!(n > 150, "the table has {n} (flag, subcommand) pairs");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The rows of one subcommand, each run through gccgo-build (and go where
/// gccgo-build does not refuse it); returns the disagreements.
fn flags_of(sub: &str, bit: u8) -> Vec<String> {
    let home = tempfile::tempdir().unwrap();
    let d = tempfile::tempdir().unwrap();
    tiny_module(d.path());
    let mut failures = Vec::new();
    for (n, g) in GO_FLAGS.iter().filter(|g| g.cmds & bit != 0).enumerate() {
        let mut args = vec![sub.to_string()];
        if sub == "test" && g.name == "o" {
            // gccgo-build test takes -o with -c only (go 1.19 also runs the tests).
            args.push("-c".into());
        }
        args.extend(words(g, n % 2 == 0));
        args.push(".".into());
        tidy(d.path());
        let our = ours(home.path(), d.path(), &args);
        let result = match g.ours {
            Ours::Refused(why) => {
                let (_, err) = text(&our);
                let first = err.lines().next().unwrap_or("");
                if our.status.code() == Some(2) && first == why && first.starts_with('-') {
                    Ok(())
                } else {
                    Err(format!("not refused in one line: {}\n{err}", our.status))
                }
            }
            _ => agree(sub, g, &go(home.path(), d.path(), &args), &our),
        };
        if let Err(e) = result {
            failures.push(format!("{}: {e}", args.join(" ")));
        }
    }
    tidy(d.path());
    failures
}

/// Every flag name of the table, with every subcommand that lacks it:
/// go's `flag provided but not defined: -X`, then the usage, exit 2 —
/// never a cluster of short flags; `test` hands it to the test binary,
/// which says the same.
#[test]
fn a_flag_the_subcommand_lacks_is_not_defined_as_go_says() {
    let failures: Vec<String> = std::thread::scope(|s| {
        let workers: Vec<_> = table::SUBCOMMANDS
            .iter()
            .map(|&(sub, bit)| s.spawn(move || undefined_in(sub, bit)))
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("worker"))
            .collect()
    });
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Every name of the table (and a few no go command has) that `sub`
/// lacks, through go and gccgo-build; returns the disagreements.
fn undefined_in(sub: &str, bit: u8) -> Vec<String> {
    let home = tempfile::tempdir().unwrap();
    let d = tempfile::tempdir().unwrap();
    tiny_module(d.path());
    let mut names: Vec<&str> = GO_FLAGS.iter().map(|g| g.name).collect();
    names.extend(["frobnicate", "i386", "ab"]);
    names.sort();
    names.dedup();
    let mut failures = Vec::new();
    for name in names {
        if table::lookup(bit, name).is_some()
            || table::EXTENSIONS.contains(&(name, bit))
            || (sub == "test" && name == "test")
        {
            continue;
        }
        let args = vec![sub.to_string(), format!("-{name}"), ".".into()];
        let (go_out, our) = (
            go(home.path(), d.path(), &args),
            ours(home.path(), d.path(), &args),
        );
        let msg = format!("flag provided but not defined: -{name}");
        let (go_, ge) = text(&go_out);
        let (oo, oe) = text(&our);
        let ok = if sub == "test" {
            // The test binary says it, on stdout, and the test fails.
            go_out.status.code() == our.status.code()
                && (ge.contains(&msg) || go_.contains(&msg))
                && (oe.contains(&msg) || oo.contains(&msg))
        } else {
            let lines: Vec<&str> = oe.lines().collect();
            our.status.code() == Some(2)
                && go_out.status.code() == Some(2)
                && ge.lines().next() == Some(msg.as_str())
                && lines.first() == Some(&msg.as_str())
                && lines
                    .get(1)
                    .is_some_and(|l| l.starts_with(&format!("usage: gccgo-build {sub} ")))
        };
        if !ok {
            failures.push(format!(
                "{}: go ({}): {ge}\ngccgo-build ({}): {oo}{oe}",
                args.join(" "),
                go_out.status,
                our.status
            ));
        }
    }
    failures
}

/// Values as go's flag package reads them: a value-less flag at the end,
/// a bad integer, `-p` not positive (go's `base.Fatalf`, exit 1).
#[test]
fn bad_flag_values_are_refused_as_go_refuses_them() {
    let home = tempfile::tempdir().unwrap();
    let d = tempfile::tempdir().unwrap();
    tiny_module(d.path());
    for (args, first, code) in [
        (
            &["build", "-p", "x", "."][..],
            "invalid value \"x\" for flag -p: parse error",
            2,
        ),
        (&["build", "-tags"][..], "flag needs an argument: -tags", 2),
        (
            &["test", "-count=z", "."][..],
            "invalid value \"z\" for flag -count: parse error",
            2,
        ),
        (
            &["build", "-trimpath=maybe", "."][..],
            "invalid boolean value \"maybe\" for -trimpath: parse error",
            2,
        ),
        (
            &["build", "-p=-1", "."][..],
            "-p must be a positive integer: -1",
            1,
        ),
    ] {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let g = go(home.path(), d.path(), &args);
        let o = ours(home.path(), d.path(), &args);
        let strip = |s: &str| {
            s.lines()
                .next()
                .unwrap_or("")
                .trim_start_matches("go: ")
                .trim_start_matches("gccgo-build: ")
                .to_string()
        };
        assert_eq!(g.status.code(), Some(code), "go {args:?}: {:?}", text(&g));
        assert_eq!(o.status.code(), Some(code), "{args:?}: {:?}", text(&o));
        assert_eq!(strip(&text(&g).1), first, "go {args:?}");
        assert_eq!(strip(&text(&o).1), first, "{args:?}");
    }
}

/// `$GOFLAGS` as go applies it: a test binary flag is ignored by `build`
/// and forwarded by `test` (here `-failfast`: the second failing test does
/// not run), and the command line wins over it.
#[test]
fn goflags_test_flags_are_ignored_by_build_and_reach_the_test_binary() {
    let home = tempfile::tempdir().unwrap();
    let d = tempfile::tempdir().unwrap();
    tiny_module(d.path());
    write_tree(
        d.path(),
        &[(
            "m_test.go",
            "package main\n\nimport \"testing\"\n\nfunc TestA(t *testing.T) { t.Fatal(\"a\") }\n\n\
             func TestB(t *testing.T) { t.Fatal(\"b\") }\n",
        )],
    );
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let mut c = bin();
    c.args(["build", "-o", "out", "."])
        .current_dir(d.path())
        .env("GOFLAGS", "-test.benchtime=1s -failfast -covermode=set");
    ok(run(&mut c));
    let with = |goflags: &str, args: &[String]| {
        let mut c = bin();
        c.args(args).current_dir(d.path()).env("GOFLAGS", goflags);
        let o = run(&mut c);
        let mut g = Command::new("go");
        g.args(args)
            .current_dir(d.path())
            .env("GOFLAGS", goflags)
            .env("GOCACHE", home.path().join("gocache"))
            .env("GOPATH", home.path().join("gopath"));
        (run(&mut g), o)
    };
    for (goflags, args) in [
        ("-failfast", s(&["test", "."])),
        ("-test.failfast", s(&["test", "-v", "."])),
        ("-failfast", s(&["test", "-failfast=false", "."])),
        ("", s(&["test", "-parallel", "1", "-failfast", "."])),
    ] {
        let (g, o) = with(goflags, &args);
        let count = |o: &Output| text(o).0.matches("--- FAIL").count();
        assert_eq!(
            count(&g),
            count(&o),
            "GOFLAGS={goflags} {args:?}\n{:?}\n{:?}",
            text(&g),
            text(&o)
        );
        assert!(!o.status.success());
    }
    let _ = std::fs::remove_file(d.path().join("out"));
}

/// `-tags` with spaces (go 1.12's spelling, still accepted) selects the
/// same files as with commas.
#[test]
fn tags_with_spaces_select_files_as_commas_do() {
    let home = tempfile::tempdir().unwrap();
    let d = tempfile::tempdir().unwrap();
    tiny_module(d.path());
    write_tree(
        d.path(),
        &[(
            "tagged.go",
            "//go:build a && b\n\npackage main\n\nfunc init() { println(\"tagged\") }\n",
        )],
    );
    for tags in ["a b", "'a' 'b'", "a,b"] {
        let args: Vec<String> = ["run", "-tags", tags, "."]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let g = go(home.path(), d.path(), &args);
        let o = ours(home.path(), d.path(), &args);
        assert!(
            g.status.success() && o.status.success(),
            "{tags}: {:?} {:?}",
            text(&g),
            text(&o)
        );
        assert_eq!(
            text(&g).1.contains("tagged"),
            text(&o).1.contains("tagged"),
            "{tags}"
        );
        assert!(text(&o).1.contains("tagged"), "{tags}: {:?}", text(&o));
    }
}
