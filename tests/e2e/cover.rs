//! Coverage (`gccgo-build test -cover`), as go 1.19 does it for gccgo: the
//! source rewrite is cmd/cover's, byte for byte, and the profiles give the
//! per-function figures gc's `go test -coverprofile` gives for the same tests.

use std::path::{Path, PathBuf};
use std::process::Command;

use gccgo_build::cover::Mode;
use gccgo_build::cover::annotate::annotate;

/// Non-test Go files of the directories, sorted.
fn go_files(dirs: &[&str]) -> Vec<PathBuf> {
    let mut v = Vec::new();
    for d in dirs {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            let n = p.file_name().unwrap().to_string_lossy().to_string();
            if n.ends_with(".go") && !n.ends_with("_test.go") {
                v.push(p);
            }
        }
    }
    v.sort();
    v
}

/// `go tool cover -mode M -var V FILE`'s output.
fn go_cover(file: &Path, mode: &str, var: &str) -> String {
    let out = Command::new("go")
        .args(["tool", "cover", "-mode", mode, "-var", var])
        .arg(file)
        .output()
        .expect("go tool cover");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_rewrite_is_go_tool_covers_byte_for_byte() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let minion = root.join("examples/minion/internal");
    let dirs = [
        minion.join("wire").to_string_lossy().to_string(),
        minion.join("rpc").to_string_lossy().to_string(),
        "/usr/share/gocode/src/golang.org/x/text/language".to_string(),
        "/usr/share/go-1.19/src/go/parser".to_string(),
        "/usr/share/go-1.19/src/strconv".to_string(),
        "/usr/share/go-1.19/src/text/template".to_string(),
        "/usr/share/go-1.19/src/net/http".to_string(),
        "/usr/share/go-1.19/src/cmd/cover".to_string(),
    ];
    let extra: Vec<String> = std::env::var("COVER_DIRS")
        .map(|v| v.split(':').map(String::from).collect())
        .unwrap_or_default();
    let dirs: Vec<&str> = if extra.is_empty() {
        dirs.iter().map(String::as_str).collect()
    } else {
        extra.iter().map(String::as_str).collect()
    };
    let mut bad = Vec::new();
    for (i, f) in go_files(&dirs).iter().enumerate() {
        let mode = ["set", "count", "atomic"][i % 3];
        let want = go_cover(f, mode, "GoCover_0_abcdef012345");
        let src = std::fs::read_to_string(f).unwrap();
        let (got, _) = annotate(
            &src,
            &f.display().to_string(),
            Mode::parse(mode).unwrap(),
            "GoCover_0_abcdef012345",
        )
        .unwrap();
        if got != want {
            let line = got
                .lines()
                .zip(want.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            bad.push(format!(
                "{} ({mode}) line {}:\n ours: {}\n go:   {}",
                f.display(),
                line + 1,
                got.lines().nth(line).unwrap_or(""),
                want.lines().nth(line).unwrap_or("")
            ));
        }
    }
    eprintln!("compared {} files", go_files(&dirs).len());
    assert!(
        bad.is_empty(),
        "{} files differ:\n{}",
        bad.len(),
        bad.join("\n")
    );
}
