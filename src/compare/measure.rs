//! Measuring one column of a comparison: a cold build (timed, in its own
//! cache), the binaries' sizes by section kind, a run under the target's
//! runner, and the tests.
//!
//! gccgo columns run this very program (`gccgo-build build`, `test`) as a
//! child process, so each build is what a user would get and its CPU time
//! is the whole process tree's; gc columns run the go command.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use object::{Object, ObjectSection};

use super::report::{Binary, Build, Run, Sections};
use super::spec::{Compiler, Spec};
use crate::toolchain::Toolchain;

/// What every column is built with, besides its spec.
#[derive(Debug, Clone, Default)]
pub struct Common {
    /// This program (`std::env::current_exe`), run for gccgo columns.
    pub me: PathBuf,
    /// Where the command was started; package patterns are relative to it.
    pub cwd: PathBuf,
    /// Package patterns.
    pub packages: Vec<String>,
    /// `gccgo-build build`/`test` flags every gccgo column gets before its
    /// spec's (`--link static`, `--size`, `-tags x` …).
    pub gccgo_flags: Vec<String>,
    /// Build tags (for gc's `-tags`).
    pub tags: Vec<String>,
    /// `--size` or `--strip` (gc: `-ldflags=-s -w`).
    pub strip: bool,
    /// How long one run of a binary may take.
    pub run_timeout: Duration,
    /// `-runner KIND` for the gccgo columns' runs and tests (`None`: each
    /// toolchain's own; gc columns always use the toolchain's qemu-user).
    pub runner: Option<crate::sysrun::RunnerKind>,
}

/// A command's outcome with its time.
struct Timed {
    ok: bool,
    stdout: String,
    stderr: String,
    wall: Duration,
    cpu_ms: u64,
}

/// CPU time (user + system) of every waited-for child process so far, ms.
fn children_cpu_ms() -> u64 {
    // SAFETY: getrusage only writes the struct it is given.
    let ru = unsafe {
        let mut ru: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut ru);
        ru
    };
    let ms = |t: libc::timeval| t.tv_sec as u64 * 1000 + t.tv_usec as u64 / 1000;
    ms(ru.ru_utime) + ms(ru.ru_stime)
}

/// Runs `c` to completion with output captured; its wall time and the CPU
/// time of its process tree. Columns run one after another, so the
/// difference of `RUSAGE_CHILDREN` is this command's alone.
fn timed(c: &mut Command) -> Result<Timed> {
    let cpu0 = children_cpu_ms();
    let t0 = Instant::now();
    let out = c
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("running {:?}", c.get_program()))?;
    Ok(Timed {
        ok: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        wall: t0.elapsed(),
        cpu_ms: children_cpu_ms().saturating_sub(cpu0),
    })
}

/// The first compiler diagnostic of a failed build's output: a
/// `file:line:col: error:` line, else a `file:line:col:` line (gc's form),
/// else the first line that says error, else the first line.
pub fn first_diagnostic(log: &str) -> Option<String> {
    let lines: Vec<&str> = log
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty())
        .collect();
    let located = |l: &&&str| {
        let mut parts = l.splitn(4, ':');
        let (_, line, col) = (parts.next(), parts.next(), parts.next());
        let num = |s: Option<&str>| {
            s.is_some_and(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        };
        num(line) && num(col) && parts.next().is_some()
    };
    lines
        .iter()
        .find(|l| located(l) && l.contains(": error:"))
        .or_else(|| lines.iter().find(located))
        .or_else(|| lines.iter().find(|l| l.contains("error")))
        .or(lines.first())
        .map(|l| l.to_string())
}

/// The environment and flags of a gc column: GOOS/GOARCH of `tc` (and
/// GOMIPS=softfloat for a core without an FPU), its own GOCACHE, and
/// GO111MODULE=off outside a module (GOPATH mode, as our resolver).
fn gc_command(common: &Common, tc: &Toolchain, cache: &Path, verb: &str, spec: &Spec) -> Command {
    let mut c = Command::new("go");
    c.arg(verb).current_dir(&common.cwd);
    c.env("GOOS", &tc.target.goos)
        .env("GOARCH", &tc.target.goarch)
        .env("GOCACHE", cache)
        .env("CGO_ENABLED", "0");
    if tc.target.goarch.starts_with("mips") && !tc.target.goarch.contains("64") {
        let soft = tc.float_abi.as_deref() == Some("soft")
            || tc.cpu.as_deref().and_then(crate::target::cpu_lacks_fpu) == Some(true);
        c.env("GOMIPS", if soft { "softfloat" } else { "hardfloat" });
    }
    if !in_module(&common.cwd) {
        c.env("GO111MODULE", "off");
    }
    if !common.tags.is_empty() {
        c.arg(format!("-tags={}", common.tags.join(",")));
    }
    if let Some(f) = &spec.flags {
        c.arg(format!("-gcflags=all={}", f.join(" ")));
    }
    if common.strip {
        c.arg("-ldflags=-s -w");
    }
    c
}

/// Whether `go list` finds a main package among the packages (false when
/// it fails: the build then reports the error).
fn gc_has_main(common: &Common, tc: &Toolchain, cache: &Path, spec: &Spec) -> bool {
    let mut c = gc_command(common, tc, cache, "list", spec);
    c.args(["-e", "-f", "{{.Name}}"]).args(&common.packages);
    c.output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .any(|l| l == "main")
        })
        .unwrap_or(false)
}

/// Whether `dir` is inside a module (a go.mod at or above it).
fn in_module(dir: &Path) -> bool {
    dir.ancestors().any(|d| d.join("go.mod").is_file())
}

/// The cold build of one column into `out` (a fresh directory) with the
/// cache at `cache` (fresh too).
///
/// Errors: the build tool could not be started at all.
pub fn build(
    common: &Common,
    spec: &Spec,
    tc: Option<&Toolchain>,
    cache: &Path,
    out: &Path,
) -> Result<Build> {
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let out_arg = format!("{}/", out.display());
    let t = match (&spec.compiler, tc) {
        (Compiler::Gc(_), Some(tc)) => {
            let mut c = gc_command(common, tc, cache, "build", spec);
            // `go build -o DIR/` refuses a set without a main package; ours
            // compiles such a set, so gc does too.
            if gc_has_main(common, tc, cache, spec) {
                c.args(["-o", &out_arg]);
            }
            c.args(&common.packages);
            timed(&mut c)?
        }
        (Compiler::Gc(_), None) => {
            return Ok(Build {
                diagnostic: Some("gc: no toolchain to take GOOS/GOARCH and the runner from".into()),
                ..Build::default()
            });
        }
        (Compiler::Gccgo(_), _) => {
            let mut c = Command::new(&common.me);
            without_go_target_vars(&mut c);
            c.current_dir(&common.cwd)
                .arg("build")
                .arg("--cache")
                .arg(cache)
                .args(["-o", &out_arg])
                .args(&common.gccgo_flags)
                .args(spec.gccgo_args())
                .args(&common.packages);
            timed(&mut c)?
        }
    };
    let mut b = Build {
        ok: t.ok,
        wall_ms: t.wall.as_millis() as u64,
        cpu_ms: t.cpu_ms,
        ..Build::default()
    };
    if !t.ok {
        let log = format!("{}{}", t.stdout, t.stderr);
        b.diagnostic = first_diagnostic(&log);
        b.log = Some(log);
        return Ok(b);
    }
    b.binaries = binaries(out)?;
    Ok(b)
}

/// The executables in `out`, sorted by name, with their sizes.
fn binaries(out: &Path) -> Result<Vec<Binary>> {
    let mut v = Vec::new();
    let mut names: Vec<PathBuf> = std::fs::read_dir(out)
        .with_context(|| format!("reading {}", out.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    names.sort();
    for p in names {
        let bytes = std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0);
        v.push(Binary {
            name: p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            path: p.display().to_string(),
            bytes,
            sections: sections(&p).unwrap_or_default(),
        });
    }
    Ok(v)
}

/// The file bytes of an ELF file's sections by kind (see `Sections`).
///
/// Errors: the file cannot be read or is not an object file.
pub fn sections(path: &Path) -> Result<Sections> {
    let data = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let file = object::File::parse(&*data)
        .map_err(|e| anyhow::anyhow!("{}: not an ELF file ({e})", path.display()))?;
    let mut s = Sections::default();
    for sec in file.sections() {
        let Some((_, size)) = sec.file_range() else {
            continue;
        };
        let name = sec.name().unwrap_or("");
        let flags = match sec.flags() {
            object::SectionFlags::Elf { sh_flags, .. } => sh_flags.0,
            _ => 0,
        };
        let alloc = flags & object::elf::SHF_ALLOC.0 != 0;
        let exec = flags & object::elf::SHF_EXECINSTR.0 != 0;
        let slot = if name == ".go_export" {
            &mut s.export
        } else if name.starts_with(".debug")
            || name.starts_with(".zdebug")
            || name == ".symtab"
            || name == ".strtab"
        {
            &mut s.debug
        } else if alloc && exec {
            &mut s.text
        } else if alloc {
            &mut s.data
        } else {
            &mut s.other
        };
        *slot += size;
    }
    Ok(s)
}

/// Runs `exe` with `args` under `tc`'s runner (natively for the host).
pub fn run(common: &Common, tc: Option<&Toolchain>, exe: &Path, args: &[String]) -> Run {
    if let (Some(crate::sysrun::RunnerKind::System), Some(tc)) = (&common.runner, tc) {
        return run_in_guest(common, tc, exe, args);
    }
    let mut argv = match tc {
        Some(tc) => crate::gotest::runner_command(None, tc, exe),
        None => vec![exe.display().to_string()],
    };
    argv.extend(args.iter().cloned());
    let mut cmd = crate::process::Cmd::new(&argv[0]).args(&argv[1..]);
    cmd.dir = Some(common.cwd.clone());
    let (status, stdout, stderr) = match cmd.run(Some(common.run_timeout)) {
        Ok(o) => ("exit status 0".to_string(), o.stdout, o.stderr),
        Err(crate::process::RunError::Failed { status, output, .. }) => {
            (status, output.stdout, output.stderr)
        }
        Err(e) => (e.to_string(), String::new(), String::new()),
    };
    Run {
        argv,
        status,
        stdout,
        stderr,
        ..Run::default()
    }
}

/// `run` under the system runner: a guest of its own (the binary must be
/// static: `--link static`); a guest that cannot boot is the run's status.
fn run_in_guest(common: &Common, tc: &Toolchain, exe: &Path, args: &[String]) -> Run {
    let limits = crate::sysrun::Limits {
        memory_mib: None,
        timeout: Some(common.run_timeout),
    };
    let req = crate::sysrun::Request {
        exe: exe.to_path_buf(),
        args: args.to_vec(),
        dir: common.cwd.clone(),
        testdata: false,
    };
    let store = crate::store::Store::from_env();
    let r = crate::sysrun::System::prepare(tc, &store, &limits).and_then(|sys| {
        let o = sys.run(&req)?;
        Ok((sys.describe(), o))
    });
    let mut argv = vec![];
    let (status, stdout, stderr) = match r {
        Ok((d, o)) => {
            argv.extend(d.split(' ').map(str::to_string));
            let status = match (&o.end, o.end.describe()) {
                (crate::sysrun::End::Exited(c), _) => format!("exit status {c}"),
                (_, Some(d)) => d,
                (_, None) => String::new(),
            };
            (
                status,
                String::from_utf8_lossy(&o.stdout).into_owned(),
                String::from_utf8_lossy(&o.stderr).into_owned(),
            )
        }
        Err(e) => (crate::words::error_text(&e), String::new(), String::new()),
    };
    argv.push(exe.display().to_string());
    argv.extend(args.iter().cloned());
    Run {
        argv,
        status,
        stdout,
        stderr,
        ..Run::default()
    }
}

/// One column's test results: (package, test) → `pass`/`fail`/`skip`/`did
/// not build`; the package's own result under the empty test name.
///
/// Errors: the test command could not be started.
pub fn tests(
    common: &Common,
    spec: &Spec,
    tc: Option<&Toolchain>,
    cache: &Path,
) -> Result<BTreeMap<(String, String), String>> {
    let mut c = match (&spec.compiler, tc) {
        (Compiler::Gc(_), Some(tc)) => {
            let mut c = gc_command(common, tc, cache, "test", spec);
            c.arg("-json");
            if let Some(r) = tc.runner.as_ref().filter(|_| !crate::gotest::is_host(tc)) {
                c.arg(format!("-exec={}", r.join(" ")));
            }
            c
        }
        _ => {
            let mut c = Command::new(&common.me);
            without_go_target_vars(&mut c);
            c.current_dir(&common.cwd)
                .arg("test")
                .arg("-json")
                .arg("--cache")
                .arg(cache)
                .args(&common.gccgo_flags)
                .args(spec.gccgo_args());
            if let Some(r) = &common.runner {
                c.arg(format!("--runner={}", runner_word(r)));
            }
            c
        }
    };
    c.args(&common.packages);
    let t = timed(&mut c)?;
    Ok(parse_test_events(&t.stdout))
}

/// `-runner`'s word for a kind (as `sysrun::RunnerKind::parse` reads it).
fn runner_word(r: &crate::sysrun::RunnerKind) -> String {
    use crate::sysrun::RunnerKind as K;
    match r {
        K::System => "system".into(),
        K::User => "user".into(),
        K::Native => "native".into(),
        K::Exec(e) => format!("exec:{}", e.join(" ")),
    }
}

/// Results from a `go test -json` event stream (test2json's `Action`,
/// `Package`, `Test`, `Output`): the last of `pass`/`fail`/`skip` per test;
/// a package whose output says `[build failed]` or `[setup failed]` is
/// `did not build`.
pub fn parse_test_events(stream: &str) -> BTreeMap<(String, String), String> {
    #[derive(serde::Deserialize)]
    struct Event {
        #[serde(rename = "Action")]
        action: String,
        #[serde(rename = "Package", default)]
        package: String,
        #[serde(rename = "Test", default)]
        test: Option<String>,
        #[serde(rename = "Output", default)]
        output: Option<String>,
    }
    let mut m = BTreeMap::new();
    let mut broken = std::collections::BTreeSet::new();
    for line in stream.lines() {
        let Ok(e) = serde_json::from_str::<Event>(line) else {
            continue;
        };
        let key = (e.package.clone(), e.test.clone().unwrap_or_default());
        match e.action.as_str() {
            "pass" | "fail" | "skip" => {
                m.insert(key, e.action.clone());
            }
            "output"
                if e.output.as_deref().is_some_and(|o| {
                    o.contains("[build failed]") || o.contains("[setup failed]")
                }) =>
            {
                broken.insert(e.package.clone());
            }
            _ => {}
        }
    }
    for p in broken {
        m.insert((p, String::new()), "did not build".to_string());
    }
    m
}

/// A column's own gccgo-build runs with the toolchain its spec names, not
/// with the `GOARCH`, `GCCGO` … of compare's environment (which would
/// disagree with every other column's `-target`).
fn without_go_target_vars(c: &mut Command) {
    let goenv = &crate::profile::goenv::TARGET_VARS;
    for v in goenv.iter().chain(crate::profile::goenv::TOOL_VARS) {
        c.env_remove(v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostics_prefer_a_located_error() {
        let log = "# example.com/x\nx.go:3:2: error: reference to undefined name 'Cut'\nmore\n";
        assert_eq!(
            first_diagnostic(log).unwrap(),
            "x.go:3:2: error: reference to undefined name 'Cut'"
        );
        let gc = "# example.com/x\n./x.go:3:10: undefined: strings.Cut\n";
        assert_eq!(
            first_diagnostic(gc).unwrap(),
            "./x.go:3:10: undefined: strings.Cut"
        );
        assert_eq!(
            first_diagnostic("gccgo-build: error: no Go files\n").unwrap(),
            "gccgo-build: error: no Go files"
        );
    }

    #[test]
    fn test_events_give_results_and_build_failures() {
        let s = r#"{"Action":"run","Package":"p","Test":"TestA"}
{"Action":"pass","Package":"p","Test":"TestA"}
{"Action":"skip","Package":"p","Test":"TestB"}
{"Action":"pass","Package":"p"}
{"Action":"output","Package":"q","Output":"FAIL\tq [build failed]\n"}
{"Action":"fail","Package":"q"}
"#;
        let m = parse_test_events(s);
        assert_eq!(m[&("p".into(), "TestA".into())], "pass");
        assert_eq!(m[&("p".into(), "TestB".into())], "skip");
        assert_eq!(m[&("q".into(), String::new())], "did not build");
    }
}
