//! Helpers shared by the end-to-end tests: run the real binary, write Go
//! modules into temp dirs, find the bundled example.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The go command's variables that choose a target or change flags
/// (gccgo-build reads them as the go command does); `bin` and `gb` clear
/// them, so a test sets them on its own `Command` only.
pub const GO_TARGET_VARS: &[&str] = &[
    "GOFLAGS", "GOOS", "GOARCH", "GOMIPS", "GOMIPS64", "GOARM", "GO386", "GOAMD64", "GOPPC64",
    "GCCGO", "CC", "CXX", "AR",
];

/// The gccgo-build binary under test, without the caller's GOFLAGS,
/// GOARCH, GCCGO … (`GO_TARGET_VARS`) or go env file (`GOENV=off`).
pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_gccgo-build"));
    for v in GO_TARGET_VARS {
        c.env_remove(v);
    }
    c.env("GO111MODULE", "")
        .env("GOENV", "off")
        .env("XDG_CACHE_HOME", cache_home());
    c
}

/// A cache directory private to this test binary's run, so tests never
/// share state with the user's cache: `<target>/tmp/e2e-cache`, emptied
/// when the run first asks for it. (A static temporary directory is never
/// dropped, so it would leave about a gigabyte in /tmp after every run.)
pub fn cache_home() -> PathBuf {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("e2e-cache");
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).expect("creating the tests' cache directory");
        d
    })
    .clone()
}

/// examples/minion.
pub fn minion_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/minion")
}

/// The expected `minion -selftest` output.
pub fn minion_expected() -> String {
    std::fs::read_to_string(minion_dir().join("expected-selftest.txt"))
        .expect("expected-selftest.txt")
}

/// Runs a command, returning its output; panics with both streams shown if it cannot start.
pub fn run(c: &mut Command) -> Output {
    c.output().unwrap_or_else(|e| panic!("running {c:?}: {e}"))
}

/// Text of stdout and stderr, for assertions and failure messages.
pub fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Asserts success and returns (stdout, stderr).
pub fn ok(o: Output) -> (String, String) {
    let (out, err) = text(&o);
    assert!(
        o.status.success(),
        "command failed ({}):\nstdout:\n{out}\nstderr:\n{err}",
        o.status
    );
    (out, err)
}

/// Asserts failure and returns (stdout, stderr).
pub fn fails(o: Output) -> (String, String) {
    let (out, err) = text(&o);
    assert!(
        !o.status.success(),
        "command unexpectedly succeeded:\nstdout:\n{out}\nstderr:\n{err}"
    );
    (out, err)
}

/// Writes files (relative path, contents) under `root`.
pub fn write_tree(root: &Path, files: &[(&str, &str)]) {
    for (rel, body) in files {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, body).expect("write");
    }
}

/// Runs a target binary: natively for the host, else with qemu-user and the triple's libraries.
pub fn run_target(triple: Option<&str>, exe: &Path, args: &[&str]) -> Output {
    let mut c = match triple {
        None => Command::new(exe),
        Some(t) => {
            let qemu = match t.split('-').next().unwrap_or("") {
                "mips" => "qemu-mips-static",
                "mipsel" => "qemu-mipsel-static",
                "powerpc" => "qemu-ppc-static",
                "alpha" => "qemu-alpha-static",
                other => panic!("no qemu for {other}"),
            };
            let mut c = Command::new(qemu);
            if qemu.starts_with("qemu-mips") {
                // Debian's MIPS toolchains are hard-float: the core they are
                // for has an FPU. Router cores (24Kc, 24KEc) do not; their
                // tests (tests/e2e/routers.rs) use an SDK and those models.
                c.args(["-cpu", "24Kf"]);
            }
            // The cross libc first (see toolchains/mipsel-linux-gnu.toml).
            c.arg("-L")
                .arg(format!("/usr/{t}"))
                .arg("-E")
                .arg(format!("LD_LIBRARY_PATH=/usr/{t}/lib"))
                .arg(exe);
            c
        }
    };
    c.args(args);
    run(&mut c)
}

/// gccgo-build run in `dir` with HOME at `home` and without the variables
/// that would reach outside it (XDG_CONFIG_HOME, XDG_CACHE_HOME,
/// GCCGO_BUILD_CACHE, STAGING_DIR, `GO_TARGET_VARS`): no user profiles, no
/// shared cache, no SDK and no target from the caller's environment.
/// Panics if the binary cannot start.
pub fn gb(home: &Path, dir: &Path, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_gccgo-build"));
    for v in GO_TARGET_VARS {
        c.env_remove(v);
    }
    c.args(args)
        .current_dir(dir)
        .env("HOME", home)
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("XDG_CACHE_HOME")
        .env_remove("GCCGO_BUILD_CACHE")
        .env_remove("STAGING_DIR")
        .output()
        .expect("running gccgo-build")
}

/// Writes `bin_dir/gccgo` (creating `bin_dir`): a shell wrapper around the
/// real gccgo in PATH that runs the shell lines `on_compile` before a
/// compile (`gccgo -c …`) and then, or for any other call, execs the real
/// compiler. `on_compile` may use `"$real"` (the real gccgo's path) and
/// `"$@"`, and may `exit` to stop there. Returns a PATH value with
/// `bin_dir` first. Panics when gccgo is not installed.
pub fn gccgo_wrapper(bin_dir: &Path, on_compile: &str) -> String {
    use std::os::unix::fs::PermissionsExt;
    let real = Command::new("sh")
        .args(["-c", "command -v gccgo"])
        .output()
        .expect("running sh");
    let real = String::from_utf8_lossy(&real.stdout).trim().to_string();
    assert!(!real.is_empty(), "gccgo not installed");
    std::fs::create_dir_all(bin_dir).expect("mkdir");
    let script = bin_dir.join("gccgo");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nreal='{real}'\nif [ \"$1\" = -c ]; then\n{on_compile}\nfi\nexec \"$real\" \"$@\"\n"
        ),
    )
    .expect("writing the gccgo wrapper");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// Debian's GOPATH tree of Go libraries (golang-*-dev packages).
pub const GOPATH: &str = "/usr/share/gocode";

/// The overlay the repository ships for Debian's golang.org/x/sys/unix on
/// MIPS (examples/overlays/x-sys-unix-mips): syscall_linux_mipsx.go
/// declares `Syscall9` (an assembly function for gc) while gccgo.go defines
/// it too.
pub fn mips_overlay_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/overlays/x-sys-unix-mips")
}

/// Writes into `dir` an `-overlay` file (absolute paths) that replaces
/// Debian's syscall_linux_mipsx.go with the fixed file the repository
/// ships, after checking that the shipped file is still Debian's installed
/// one with the declaration line turned into a use of `syscall` (whose
/// import would be unused), line numbers kept. Returns the overlay's path.
pub fn mips_overlay(dir: &Path) -> PathBuf {
    let orig = Path::new(GOPATH).join("src/golang.org/x/sys/unix/syscall_linux_mipsx.go");
    let text = std::fs::read_to_string(&orig).expect("Debian's syscall_linux_mipsx.go");
    assert!(
        text.contains("\nfunc Syscall9("),
        "the double declaration is there"
    );
    let repl = mips_overlay_dir().join("syscall_linux_mipsx.go");
    let shipped = std::fs::read_to_string(&repl).expect("the shipped replacement");
    let fixed: Vec<&str> = text
        .lines()
        .map(|l| {
            if l.starts_with("func Syscall9(") {
                shipped
                    .lines()
                    .find(|s| s.starts_with("var _ syscall.Errno"))
                    .expect("the shipped file's replacement line")
            } else {
                l
            }
        })
        .collect();
    assert_eq!(
        shipped.lines().collect::<Vec<_>>(),
        fixed,
        "{} is Debian's {} with one line replaced; refresh it from the installed \
         golang-golang-x-sys-dev",
        repl.display(),
        orig.display()
    );
    let json = dir.join("overlay.json");
    let body = serde_json::json!({"Replace": {orig.to_string_lossy(): repl.to_string_lossy()}});
    std::fs::write(&json, body.to_string()).expect("write overlay");
    json
}

/// The same command line through go 1.19 (`go == true`) or gccgo-build,
/// in `dir`, with the target variables cleared (`GO_TARGET_VARS`),
/// `GOENV=off`, `GOFLAGS` empty, go's build cache in one directory shared
/// by the run, and `vars` set last. The one place the go-vs-gccgo-build
/// tests start both tools (see `same_as_go`).
pub fn go_or_ours(go: bool, dir: &Path, args: &[&str], vars: &[(&str, &str)]) -> Output {
    let mut c = go_or_ours_command(go, dir, args);
    for (k, v) in vars {
        c.env(k, v);
    }
    run(&mut c)
}

/// `go_or_ours`' command before `vars`: for a caller that also clears
/// variables of its own (env_remove then env: the last word wins).
pub fn go_or_ours_command(go: bool, dir: &Path, args: &[&str]) -> Command {
    let mut c = if go { Command::new(go_path()) } else { bin() };
    for v in GO_TARGET_VARS.iter().chain(&["GOBIN", "GOTMPDIR"]) {
        c.env_remove(v);
    }
    c.args(args)
        .current_dir(dir)
        .env("GOENV", "off")
        .env("GOFLAGS", "");
    if go {
        c.env(
            "GOCACHE",
            std::env::temp_dir().join("gccgo-build-e2e-gocache"),
        );
    }
    c
}

/// The go command's absolute path, from this process's PATH (so that a
/// test may run it with another PATH, or none).
pub fn go_path() -> PathBuf {
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|d| d.join("go"))
        .find(|p| p.is_file())
        .expect("go (1.19) in PATH: run scripts/deps test")
}

/// stdout, and stderr without each tool's prefix on its lines (`go: `,
/// `gccgo-build: error: `, `gccgo-build: warning: ` → `warning: `).
pub fn unprefixed(o: &Output) -> (String, String) {
    let (out, err) = text(o);
    let err = err
        .lines()
        .map(|l| {
            l.strip_prefix("gccgo-build: error: ")
                .or_else(|| l.strip_prefix("go: "))
                .map(str::to_string)
                .or_else(|| l.strip_prefix("gccgo-build: ").map(str::to_string))
                .unwrap_or_else(|| l.to_string())
        })
        .collect::<Vec<_>>()
        .join("\n");
    (out, err)
}

/// Runs `args` in `dir` through go 1.19 and gccgo-build (`go_or_ours`)
/// and asserts the same exit status, the same stdout and the same stderr
/// (`unprefixed`). Returns go's (stdout, stderr).
pub fn same_as_go(dir: &Path, args: &[&str], vars: &[(&str, &str)]) -> (String, String) {
    let g = go_or_ours(true, dir, args, vars);
    let o = go_or_ours(false, dir, args, vars);
    let (gs, os) = (unprefixed(&g), unprefixed(&o));
    assert!(
        g.status.code() == o.status.code() && gs == os,
        "{args:?} in {}:\ngo ({}):\n{}\n{}\ngccgo-build ({}):\n{}\n{}",
        dir.display(),
        g.status,
        gs.0,
        gs.1,
        o.status,
        os.0,
        os.1
    );
    gs
}
