//! Progress on a terminal (a pseudo-terminal from util-linux `script`): a
//! status line `[n/N] compiling …` that compiler output never tears; plain
//! lines, without escape sequences, when stderr is not a terminal.

use crate::common::*;

fn broken_module() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_tree(
        dir.path(),
        &[
            ("go.mod", "module example.com/tty\n\ngo 1.18\n"),
            (
                "main.go",
                "package main\n\nimport (\n\t\"example.com/tty/bad\"\n\t\"example.com/tty/good\"\n)\n\nfunc main() { bad.F(); good.G() }\n",
            ),
            ("good/good.go", "package good\n\nfunc G() {}\n"),
            (
                "bad/bad.go",
                "package bad\n\nfunc F() { undefinedThing() }\n",
            ),
        ],
    );
    dir
}

#[test]
fn status_line_on_a_terminal_does_not_tear_compiler_output() {
    let m = broken_module();
    let log = m.path().join("tty.log");
    let cmd = format!(
        "{} build -j 1 --cache off -o out .",
        env!("CARGO_BIN_EXE_gccgo-build")
    );
    let o = run(std::process::Command::new("script")
        .current_dir(m.path())
        .args(["-qec", &cmd])
        .arg(&log));
    assert!(!o.status.success());
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.contains("] compiling example.com/tty/"),
        "no status line: {text:?}"
    );
    // The diagnostic block starts on a cleared line, whole.
    let i = text
        .find("# example.com/tty/bad")
        .unwrap_or_else(|| panic!("no diagnostics: {text:?}"));
    assert!(
        text[..i].ends_with("\r\x1b[K"),
        "status line not cleared before output: {text:?}"
    );
    let block = &text[i..];
    assert!(
        block.contains("bad.go:3:12: error: reference to undefined name"),
        "{block:?}"
    );
}

#[test]
fn plain_output_when_not_a_terminal() {
    let m = broken_module();
    let (_, err) = fails(run(bin()
        .current_dir(m.path())
        .args(["build", "--cache", "off", "-o", "out", "."])));
    assert!(
        !err.contains('\x1b'),
        "escape sequences in plain output: {err:?}"
    );
    assert!(err.contains("# example.com/tty/bad\n"), "{err}");
}
