//! `build` refuses what go 1.19 refuses, in go's words, and accepts what
//! it accepts: an import two modules provide (`ambiguous import`, also as
//! `list`'s `DepsErrors`), `-o DIR` where `DIR/NAME` is a directory, two
//! commands of one name into `-o DIR`, and an empty PATH when the
//! compiler is named by its path.

use std::path::Path;

use crate::common::*;

/// The message after the `file:line:col: ` of go's first error line and
/// the lines after it (gccgo-build names the file by its full path and
/// the import path's column).
fn after_position(err: &str) -> String {
    let mut lines = err.lines();
    let first = lines.next().unwrap_or("");
    let msg = first.split_once(".go:").map_or(first, |(_, r)| {
        r.splitn(3, ':').nth(2).unwrap_or(r).trim_start()
    });
    std::iter::once(msg)
        .chain(lines)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn an_import_two_modules_provide_is_ambiguous_as_go_says() {
    let d = tempfile::tempdir().unwrap();
    write_tree(
        d.path(),
        &[
            ("a/go.mod", "module example.com/a\n\ngo 1.18\n"),
            ("a/b/c/c.go", "package c\n"),
            ("ab/go.mod", "module example.com/a/b\n\ngo 1.18\n"),
            ("ab/c/c.go", "package c\n"),
            (
                "m/go.mod",
                "module example.com/m\n\ngo 1.18\n\nrequire (\n\texample.com/a v0.0.0\n\t\
                 example.com/a/b v0.0.0\n)\n\nreplace example.com/a => ../a\n\n\
                 replace example.com/a/b => ../ab\n",
            ),
            (
                "m/main.go",
                "package main\n\nimport \"example.com/a/b/c\"\n\nvar _ = c.X\n\nfunc main() {}\n",
            ),
        ],
    );
    let m = d.path().join("m");
    let args = ["build", "-o", "/dev/null", "."];
    let g = go_or_ours(true, &m, &args, &[]);
    let o = go_or_ours(false, &m, &args, &[]);
    assert_eq!(g.status.code(), Some(1));
    assert_eq!(o.status.code(), g.status.code(), "{:?}", text(&o));
    let want = after_position(&unprefixed(&g).1);
    assert!(want.starts_with("ambiguous import: found package example.com/a/b/c in multiple modules:\n\texample.com/a v0.0.0 ("), "{want}");
    assert_eq!(after_position(&unprefixed(&o).1), want);
    same_as_go(
        &m,
        &["list", "-e", "-f={{.ImportPath}} {{.DepsErrors}}", "."],
        &[],
    );
}

#[test]
fn o_dir_whose_command_name_is_a_directory_is_refused_as_go_refuses_it() {
    let d = tempfile::tempdir().unwrap();
    write_tree(
        d.path(),
        &[
            ("go.mod", "module example.com/b\n\ngo 1.18\n"),
            ("pkg1/main.go", "package main\n\nfunc main() {}\n"),
            ("out/pkg1/keep", ""),
        ],
    );
    for o in ["out", "out/"] {
        let args = ["build", "-o", o, "./pkg1"];
        let g = go_or_ours(true, d.path(), &args, &[]);
        let ours = go_or_ours(false, d.path(), &args, &[]);
        assert_eq!(g.status.code(), Some(1));
        assert_eq!(ours.status.code(), g.status.code());
        // go names itself (`go build P: …`); gccgo-build says `build P: …`.
        let (_, gerr) = unprefixed(&g);
        let (_, oerr) = unprefixed(&ours);
        assert_eq!(
            gerr.trim_end().trim_start_matches("go "),
            "build example.com/b/pkg1: build output \"out/pkg1\" already exists and is a directory"
        );
        assert_eq!(oerr.trim_end(), gerr.trim_end().trim_start_matches("go "));
        assert!(d.path().join("out/pkg1/keep").is_file());
    }
}

#[test]
fn two_commands_of_one_name_into_o_dir_build_as_go_builds_them() {
    let d = tempfile::tempdir().unwrap();
    let main = "package main\n\nfunc main() {}\n";
    write_tree(
        d.path(),
        &[
            ("go.mod", "module example.com/b\n\ngo 1.18\n"),
            ("a/cmd/main.go", main),
            ("b/cmd/main.go", main),
        ],
    );
    for go in [true, false] {
        let out = d.path().join(if go { "gout" } else { "ours" });
        std::fs::create_dir(&out).unwrap();
        let o = out.display().to_string();
        ok(go_or_ours(
            go,
            d.path(),
            &["build", "-o", &o, "./a/cmd", "./b/cmd"],
            &[],
        ));
        let names: Vec<_> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["cmd"], "go={go}");
    }
}

/// go builds for a cross gccgo named by GCCGO (and AR) with PATH empty;
/// gccgo-build does too (objcopy found beside the compiler).
#[test]
fn an_empty_path_with_the_compiler_named_by_its_path_builds_as_go_does() {
    let gccgo = Path::new("/usr/bin/mips-linux-gnu-gccgo");
    assert!(
        gccgo.is_file(),
        "gccgo-mips-linux-gnu: run scripts/deps test"
    );
    let d = tempfile::tempdir().unwrap();
    write_tree(
        d.path(),
        &[
            ("go.mod", "module example.com/b\n\ngo 1.18\n"),
            (
                "main.go",
                "package main\n\nfunc main() { println(\"hi\") }\n",
            ),
        ],
    );
    let vars = [
        ("PATH", ""),
        ("GCCGO", "/usr/bin/mips-linux-gnu-gccgo"),
        ("AR", "/usr/bin/mips-linux-gnu-ar"),
        ("GOARCH", "mips"),
    ];
    for (go, out) in [(true, "gout"), (false, "ours")] {
        let mut args = vec!["build", "-o", out, "."];
        if go {
            args.insert(1, "-compiler=gccgo");
        }
        ok(go_or_ours(go, d.path(), &args, &vars));
        let elf = std::fs::read(d.path().join(out)).unwrap();
        // ELF, 32-bit, big-endian, EM_MIPS (8).
        assert_eq!(&elf[..6], b"\x7fELF\x01\x02", "{out}");
        assert_eq!(elf[19], 8, "{out}");
    }
}
