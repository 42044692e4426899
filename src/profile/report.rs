//! The `toolchains` and `env` subcommands.
//!
//! `toolchains` lists every profile (built in, the user's, `--toolchain`,
//! `--sdk`) and every `gccgo-N`, `<triple>-gccgo` and `<triple>-gccgo-N`
//! in PATH that no profile covers (module `discover`),
//! and proves each installed one works: it compiles a two-package hello
//! world with the same commands a build uses (`gccgo -c`, `objcopy -j
//! .go_export`, `gccgo -o … -static-libgo`), runs it (natively, or with the
//! profile's runner when that is installed) and checks it prints the
//! GOARCH the profile promised. `env` prints the resolved settings of one
//! target, as `go env` does.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use anyhow::{Context as _, Result};
use serde::Serialize;

use super::{Entry, Registry, Source, find_sdk, profile_from_sdk, resolve};
use crate::process::{Cmd, quote};
use crate::target;
use crate::toolchain::{Toolchain, ToolchainSpec, compiler_sysroot, find_program};

/// What `gccgo-build toolchains` lists and checks (`cli::toolchains`).
#[derive(Debug, Clone, Default)]
pub struct ToolchainsConfig {
    /// A JSON array instead of a table.
    pub json: bool,
    /// Build and run a hello world with each toolchain (else only list).
    pub check: bool,
    /// Profile files to list too.
    pub toolchains: Vec<PathBuf>,
    /// An OpenWrt SDK to list too (else `$STAGING_DIR`).
    pub sdk: Option<PathBuf>,
    /// Toolchains checked at once, ≥ 1.
    pub jobs: usize,
}

/// What `gccgo-build env` prints (`cli::toolchains`).
#[derive(Debug, Clone, Default)]
pub struct EnvConfig {
    /// `--target`, `--toolchain`, `--sdk`.
    pub choice: super::Choice,
    /// A JSON object instead of `NAME=value` lines.
    pub json: bool,
    /// Only these variables' values, one a line.
    pub vars: Vec<String>,
}

/// How a listed toolchain fared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Hello world compiled, linked, ran and printed the right GOARCH.
    Works,
    /// Hello world compiled and linked; there was nothing to run it with.
    Builds,
    /// Installed but failing (probe, compile, link or run).
    Broken,
    /// The compiler is not installed.
    NotInstalled,
    /// Probed only (`--no-check`).
    Unchecked,
}

/// One line of `gccgo-build toolchains`.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// Profile name (or the compiler's name, when found in PATH).
    pub name: String,
    /// Where the profile came from.
    pub source: String,
    /// The same, short (the table's FROM column).
    pub from: String,
    /// The compiler's absolute path, when installed.
    pub gccgo: Option<PathBuf>,
    /// `-dumpfullversion`.
    pub gcc_version: Option<String>,
    /// `go1.N`.
    pub go_version: Option<String>,
    /// GOOS.
    pub goos: Option<String>,
    /// GOARCH.
    pub goarch: Option<String>,
    /// How it fared.
    pub status: Status,
    /// The human explanation of the status.
    pub detail: String,
}

/// A toolchain to list: its spec (or why there is none), name and origin.
struct Candidate {
    name: String,
    source: String,
    from: String,
    spec: Result<ToolchainSpec>,
    hint: String,
    runner_package: Option<String>,
}

/// The first line of an error chain, for a table cell.
fn first_line(e: &anyhow::Error) -> String {
    let s = format!("{e:#}");
    s.lines().next().unwrap_or("").to_string()
}

fn candidate(e: &Entry) -> Candidate {
    Candidate {
        name: e.profile.name.clone(),
        source: e.source.to_string(),
        from: e.source.short(),
        spec: e.spec(),
        hint: match (&e.profile.sdk_arch, &e.source) {
            // A router profile no SDK or compiler serves: say where we looked.
            (Some(_), Source::Builtin(_)) => {
                format!("{}; {}", e.install_hint(), super::locate::looked_for(e))
            }
            _ => e.install_hint(),
        },
        runner_package: e.profile.runner_package.clone(),
    }
}

/// Runs `gccgo-build toolchains`; returns 0.
///
/// Errors: a profile file that does not parse, or an `--sdk` directory
/// without a gccgo. A toolchain that does not work is a row, not an error.
pub fn toolchains_main(_cwd: &Path, args: &ToolchainsConfig) -> Result<i32> {
    let cands = candidates(args)?;
    let rows = check_all(&cands, args.jobs, args.check);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
    } else {
        print!("{}", table(&rows));
    }
    Ok(0)
}

/// Every toolchain to list: `host` first, then the profiles by name (with
/// `--toolchain` files), the SDK of `--sdk` or `$STAGING_DIR` in its router
/// profile's row, then the compilers in PATH that no profile covers.
///
/// Errors: a profile file that does not parse, or an `--sdk` directory
/// without a gccgo (a broken `$STAGING_DIR` is a row).
fn candidates(args: &ToolchainsConfig) -> Result<Vec<Candidate>> {
    let store = crate::store::Store::from_env();
    let mut reg = Registry::load()?;
    reg.locate_routers(&store, None);
    for f in &args.toolchains {
        reg.add(Entry {
            profile: super::read_profile(f)?,
            source: Source::File(f.clone()),
        });
    }
    let mut cands: Vec<Candidate> = Vec::new();
    if let Some(h) = reg.entries.get("host") {
        cands.push(candidate(h));
    }
    cands.extend(
        reg.entries
            .values()
            .filter(|e| e.profile.name != "host")
            .map(candidate),
    );
    let sdk = match &args.sdk {
        Some(d) => Some(
            find_sdk(d)
                .and_then(|f| profile_from_sdk(&f, &store))
                .with_context(|| format!("-sdk {}", d.display()))?,
        ),
        None => match super::staging_dir_env() {
            Some(d) => match find_sdk(&d).and_then(|f| profile_from_sdk(&f, &store)) {
                Ok(e) => Some(e),
                Err(err) => {
                    cands.push(Candidate {
                        name: "$STAGING_DIR".into(),
                        source: d.display().to_string(),
                        from: "$STAGING_DIR".into(),
                        spec: Err(err),
                        hint: String::new(),
                        runner_package: None,
                    });
                    None
                }
            },
            None => None,
        },
    };
    if let Some(e) = &sdk {
        // The router profile that describes this SDK shows the SDK in its
        // row (its core, its name), as `build --sdk` uses it.
        match reg.router_for(e) {
            Some(named) => {
                let merged = candidate(&super::adopt_router(named, e.clone()));
                match cands.iter_mut().find(|c| c.name == merged.name) {
                    Some(slot) => *slot = merged,
                    None => cands.push(merged),
                }
            }
            None => cands.push(candidate(e)),
        }
    }
    cands.extend(path_candidates(&reg, &cands));
    Ok(cands)
}

/// The compilers in PATH (module `discover`) that none of `cands` covers
/// (by canonical path), each as the profile it is based on.
fn path_candidates(reg: &Registry, cands: &[Candidate]) -> Vec<Candidate> {
    let mut covered: BTreeSet<PathBuf> = cands
        .iter()
        .filter_map(|c| c.spec.as_ref().ok())
        .filter_map(|s| find_program(&s.gccgo))
        .map(|p| super::discover::canonical(&p))
        .collect();
    super::discover::uncovered(reg, &mut covered)
        .iter()
        .map(candidate)
        .collect()
}

/// Checks the candidates, `jobs` at a time (`hello` world with each when
/// `build_hello`); one row each, in the candidates' order.
fn check_all(cands: &[Candidate], jobs: usize, build_hello: bool) -> Vec<Row> {
    let rows: Vec<Mutex<Option<Row>>> = cands.iter().map(|_| Mutex::new(None)).collect();
    let next = Mutex::new(0usize);
    std::thread::scope(|s| {
        for _ in 0..jobs.max(1).min(cands.len()) {
            s.spawn(|| {
                loop {
                    let i = {
                        let Ok(mut n) = next.lock() else { return };
                        let i = *n;
                        *n += 1;
                        i
                    };
                    let Some(c) = cands.get(i) else { return };
                    let row = check(c, build_hello);
                    if let Ok(mut slot) = rows[i].lock() {
                        *slot = Some(row);
                    }
                }
            });
        }
    });
    rows.into_iter()
        .filter_map(|m| m.into_inner().ok().flatten())
        .collect()
}

/// The rows as an aligned table with a header.
fn table(rows: &[Row]) -> String {
    let cells: Vec<[String; 6]> = rows
        .iter()
        .map(|r| {
            let status = match r.status {
                Status::Works => format!("works ({})", r.detail),
                Status::Builds => format!("builds ({})", r.detail),
                Status::Broken => format!("broken: {}", r.detail),
                Status::NotInstalled => format!("not installed ({})", r.detail),
                Status::Unchecked => format!("found ({})", r.detail),
            };
            [
                r.name.clone(),
                r.gcc_version.clone().unwrap_or_else(|| "-".into()),
                r.go_version.clone().unwrap_or_else(|| "-".into()),
                r.goarch.clone().unwrap_or_else(|| "-".into()),
                r.from.clone(),
                status,
            ]
        })
        .collect();
    let head = ["NAME", "GCC", "GO", "GOARCH", "FROM", "STATUS"];
    let mut w = head.map(str::len);
    for c in &cells {
        for (i, s) in c.iter().enumerate() {
            w[i] = w[i].max(s.len());
        }
    }
    let line = |c: &[&str]| -> String {
        let mut s = String::new();
        for (i, x) in c.iter().enumerate() {
            if i + 1 == c.len() {
                s.push_str(x);
            } else {
                s.push_str(&format!("{x:<width$}  ", width = w[i]));
            }
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = line(&head);
    for c in &cells {
        out.push_str(&line(&c.iter().map(String::as_str).collect::<Vec<_>>()));
    }
    out
}

/// Probes one candidate and (when `run`) builds and runs hello world with it.
fn check(c: &Candidate, run: bool) -> Row {
    let mut row = Row {
        name: c.name.clone(),
        source: c.source.clone(),
        from: c.from.clone(),
        gccgo: None,
        gcc_version: None,
        go_version: None,
        goos: None,
        goarch: None,
        status: Status::Broken,
        detail: String::new(),
    };
    let spec = match &c.spec {
        Ok(s) => s,
        Err(e) => {
            row.detail = first_line(e);
            return row;
        }
    };
    if let Some(t) = &spec.target {
        row.goos = Some(t.goos.clone());
        row.goarch = Some(t.goarch.clone());
    }
    if find_program(&spec.gccgo).is_none() {
        row.status = Status::NotInstalled;
        row.detail = c.hint.clone();
        return row;
    }
    let tc = match Toolchain::probe(spec, &crate::store::Store::from_env()) {
        Ok(t) => t,
        Err(e) => {
            row.detail = first_line(&e);
            return row;
        }
    };
    row.gccgo = Some(tc.gccgo.clone());
    row.gcc_version = Some(tc.gcc_version.clone());
    row.go_version = Some(format!("go1.{}", tc.go_minor));
    row.goos = Some(tc.target.goos.clone());
    row.goarch = Some(tc.target.goarch.clone());
    if let Some(w) = tc.fpu_mismatch() {
        row.detail = w;
        return row;
    }
    if !run {
        row.status = Status::Unchecked;
        row.detail = tc.gccgo.display().to_string();
        return row;
    }
    match hello(&tc, c.runner_package.as_deref()) {
        Ok((status, detail)) => {
            row.status = status;
            row.detail = detail;
        }
        Err(e) => row.detail = first_line(&e),
    }
    row
}

// math.Log is a call into libgo with a float argument: a libgo built for
// another float ABI than the program's flags gives a wrong number here.
const GREET_GO: &str = r#"package greet

import (
	"math"
	"runtime"
	"strconv"
)

// Hello names the architecture the program runs as, and does one float call.
func Hello(x float64) string {
	return "hello from " + runtime.GOARCH + ", ln 2 = " + strconv.FormatFloat(math.Log(x), 'f', 3, 64)
}
"#;

const MAIN_GO: &str = r#"package main

import (
	"fmt"

	"hello/greet"
)

func main() { fmt.Println(greet.Hello(2)) }
"#;

/// Builds hello world (a main package importing one other) with the
/// commands `plan` uses, and runs it when it can.
///
/// Errors: a compile, objcopy, link or run that fails (with the tool's
/// first line of output), or a program that prints the wrong GOARCH.
fn hello(tc: &Toolchain, runner_package: Option<&str>) -> Result<(Status, String)> {
    let dir = tempfile::Builder::new()
        .prefix("gccgo-build-hello-")
        .tempdir()
        .context("creating a temporary directory")?;
    let d = dir.path();
    std::fs::create_dir_all(d.join("hello")).context("creating the hello world")?;
    std::fs::write(d.join("greet.go"), GREET_GO).context("writing greet.go")?;
    std::fs::write(d.join("main.go"), MAIN_GO).context("writing main.go")?;
    let t = Some(Duration::from_secs(120));
    let run = |cmd: Cmd, what: &str| -> Result<crate::process::Output> {
        match cmd.run(t) {
            Ok(o) => Ok(o),
            Err(e) => {
                let said = e
                    .output()
                    .map(|o| o.combined())
                    .unwrap_or_default()
                    .lines()
                    .find(|l| !l.trim().is_empty())
                    .unwrap_or("")
                    .to_string();
                anyhow::bail!("{what} failed: {said} ({e})")
            }
        }
    };
    let exe = build_hello(tc, d, &run)?;
    let cmd = match &tc.runner {
        Some(r) if !r.is_empty() => {
            if find_program(Path::new(&r[0])).is_none() {
                let pkg = runner_package
                    .map(|p| format!(": apt-get install {p}"))
                    .unwrap_or_default();
                return Ok((
                    Status::Builds,
                    format!("cannot run it: {} not installed{pkg}", r[0]),
                ));
            }
            Cmd::new(&r[0]).args(&r[1..]).arg(&exe)
        }
        _ if Some(tc.target.goarch.as_str()) == target::host_goarch() => Cmd::new(&exe),
        _ => {
            return Ok((
                Status::Builds,
                format!("no runner for GOARCH={}", tc.target.goarch),
            ));
        }
    };
    let how = match &tc.runner {
        Some(r) if !r.is_empty() => match &tc.cpu {
            Some(cpu) if r.iter().any(|w| w == "-cpu") => format!("ran under {} -cpu {cpu}", r[0]),
            _ => format!("ran under {}", r[0]),
        },
        _ => "ran natively".to_string(),
    };
    let out = run(cmd, "running hello")?.stdout;
    let want = format!("hello from {}, ln 2 = 0.693", tc.target.goarch);
    if out.trim() != want {
        anyhow::bail!(
            "hello printed {:?}, expected {want:?}: the compiler does not build for GOARCH={} \
             or its float ABI does not match its libgo",
            out.trim(),
            tc.target.goarch
        );
    }
    Ok((Status::Works, how))
}

/// Compiles and links the hello world in `d` with the commands `plan`
/// uses (`gccgo -c`, `objcopy -j .go_export`, `gccgo -o … -static-libgo`);
/// returns the executable. `run` runs one command, naming it on failure.
///
/// Errors: a step that fails, or a link that mixes float ABIs.
fn build_hello(
    tc: &Toolchain,
    d: &Path,
    run: &dyn Fn(Cmd, &str) -> Result<crate::process::Output>,
) -> Result<PathBuf> {
    let gcflags = ["-O2", "-g"];
    let greet_o = d.join("hello/greet.o");
    run(
        Cmd::new(&tc.gccgo)
            .arg("-c")
            .args(gcflags)
            .args(&tc.cflags)
            .arg("-fgo-pkgpath=hello/greet")
            .arg("-I")
            .arg(d)
            .arg("-o")
            .arg(&greet_o)
            .arg(d.join("greet.go")),
        "compile",
    )?;
    run(
        Cmd::new(&tc.objcopy)
            .args(["-j", ".go_export"])
            .arg(&greet_o)
            .arg(d.join("hello/greet.gox")),
        "objcopy",
    )?;
    let main_o = d.join("main.o");
    run(
        Cmd::new(&tc.gccgo)
            .arg("-c")
            .args(gcflags)
            .args(&tc.cflags)
            .arg("-I")
            .arg(d)
            .arg("-o")
            .arg(&main_o)
            .arg(d.join("main.go")),
        "compile",
    )?;
    let exe = d.join("hello-exe");
    let linked = run(
        Cmd::new(&tc.gccgo)
            .arg("-o")
            .arg(&exe)
            .arg(&main_o)
            .arg(&greet_o)
            .arg("-static-libgo")
            .args(&tc.cflags)
            .args(&tc.ldflags),
        "link",
    )?;
    if let Some(w) = float_abi_mix(&linked.combined()) {
        // ld links objects of two float ABIs with only a warning; the
        // program then passes floats in the wrong registers between them.
        anyhow::bail!(
            "the profile's flags select another float ABI than the compiler's libgo and libc \
             (the linker says: {w})"
        );
    }
    Ok(exe)
}

/// The linker's warning that it mixed float ABIs (MIPS ld: `X uses
/// -mhard-float (set by Scrt1.o), Y uses -msoft-float`), shortened to the
/// part after `warning: `.
pub fn float_abi_mix(link_output: &str) -> Option<String> {
    link_output.lines().find_map(|l| {
        let soft = l.contains("uses -msoft-float");
        let hard = l.contains("uses -mhard-float");
        (soft && hard).then(|| {
            l.split_once("warning: ")
                .map_or(l, |(_, w)| w)
                .trim()
                .to_string()
        })
    })
}

/// Runs `gccgo-build env`; returns 0, or 2 when a VAR asked for is unknown.
///
/// Errors: the toolchain cannot be chosen or probed (see `profile::resolve`
/// and `Resolved::probe`), which includes the go command's variables
/// disagreeing with the flags or with each other.
pub fn env_main(cwd: &Path, args: &EnvConfig) -> Result<i32> {
    let store = crate::store::Store::from_env();
    let r = resolve(&args.choice.selection(), &store)?;
    let tc = r.probe(&store)?;
    let mut vars = env_vars(&r.entry, &r.spec, &tc);
    vars.extend(go_vars(cwd, &r, &tc, &store));
    if !args.vars.is_empty() {
        let mut code = 0;
        for v in &args.vars {
            match vars.iter().find(|(k, _)| k == v) {
                Some((_, val)) => println!("{val}"),
                None => {
                    eprintln!("gccgo-build env: unknown variable {v}");
                    code = 2;
                }
            }
        }
        return Ok(code);
    }
    if args.json {
        let map: serde_json::Map<String, serde_json::Value> = vars
            .into_iter()
            .map(|(k, v)| (k, serde_json::Value::String(v)))
            .collect();
        println!("{}", serde_json::to_string_pretty(&map)?);
    } else {
        for (k, v) in vars {
            println!("{k}={}", quote_env(&v));
        }
    }
    Ok(0)
}

/// A value as `go env` prints it on Unix: in double quotes, `"` and `\` escaped.
fn quote_env(v: &str) -> String {
    let mut s = String::from("\"");
    for c in v.chars() {
        if matches!(c, '"' | '\\' | '$' | '`') {
            s.push('\\');
        }
        s.push(c);
    }
    s.push('"');
    s
}

/// A tool's absolute path when installed, else its name and `(not found)`.
fn tool_value(p: Option<&Path>) -> String {
    match p {
        None => String::new(),
        Some(p) => match find_program(p) {
            Some(f) => f.display().to_string(),
            None => format!("{} (not found)", p.display()),
        },
    }
}

/// The settings of a probed toolchain, in `go env` order: name, value.
fn env_vars(entry: &Entry, spec: &ToolchainSpec, tc: &Toolchain) -> Vec<(String, String)> {
    let p = &entry.profile;
    let sysroot = spec
        .sysroot
        .clone()
        .filter(|s| s.is_dir())
        .or_else(|| compiler_sysroot(&tc.gccgo));
    let float = super::goenv::float_abi(p, tc);
    let march = tc
        .cflags
        .iter()
        .find_map(|f| f.strip_prefix("-march=").map(String::from))
        .or_else(|| super::sdk::default_march(&tc.gccgo));
    let libc = p
        .libc
        .clone()
        .or_else(|| super::sdk::libc_of_triple(&tc.target.triple).map(String::from))
        .or_else(|| super::sdk::libc_of_triple(&tc.machine).map(String::from));
    let triple = if tc.target.triple.is_empty() {
        tc.machine.clone()
    } else {
        tc.target.triple.clone()
    };
    let release_tags: Vec<String> = (1..=tc.go_minor).map(|n| format!("go1.{n}")).collect();
    let runner = tc
        .runner
        .as_ref()
        .map(|r| {
            r.iter()
                .map(|w| quote(w, None))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default();
    let kv = |k: &str, v: String| (k.to_string(), v);
    vec![
        kv("GCCGOBUILD_TOOLCHAIN", tc.name.clone()),
        kv("GCCGOBUILD_PROFILE", entry.source.to_string()),
        kv("GOOS", tc.target.goos.clone()),
        kv("GOARCH", tc.target.goarch.clone()),
        kv("GOVERSION", format!("go1.{}", tc.go_minor)),
        kv("GCCGO", tc.gccgo.display().to_string()),
        kv("GCC_VERSION", tc.gcc_version.clone()),
        kv("GCC_VERSION_LINE", tc.version_line.clone()),
        kv("GCC_MACHINE", tc.machine.clone()),
        kv("GNU_TRIPLE", triple),
        kv("OBJCOPY", tc.objcopy.display().to_string()),
        kv("STRIP", tool_value(spec.strip.as_deref())),
        kv("AR", tool_value(spec.ar.as_deref())),
        kv("CC", tool_value(spec.cc.as_deref())),
        kv(
            "SYSROOT",
            sysroot.map(|s| s.display().to_string()).unwrap_or_default(),
        ),
        kv("LIBC", libc.unwrap_or_default()),
        kv("FLOAT_ABI", float.unwrap_or_default()),
        kv("MARCH", march.unwrap_or_default()),
        kv("GCCGOFLAGS", tc.cflags.join(" ")),
        kv("LDFLAGS", tc.ldflags.join(" ")),
        kv("RELEASE_TAGS", release_tags.join(" ")),
        kv("GOSTDDIR", tc.std_dir.display().to_string()),
        kv("RUNNER", runner),
        kv("PACKAGE", p.package.clone().unwrap_or_default()),
    ]
}

/// The value `go env` shows for a GOARCH's own variable (`GOMIPS`, `GOARM`,
/// …; `cmd/go/internal/cfg.GetArchEnv`): the environment's, else what the
/// toolchain builds (soft-float MIPS: `softfloat`; ARM: `7` for a
/// `gnueabihf` triple, else `5`), else the go command's default.
fn arch_value(r: &super::Resolved, tc: &Toolchain, var: &str) -> String {
    if let Some(v) = r.env.get(var) {
        return v.to_string();
    }
    match var {
        "GOMIPS" | "GOMIPS64" => match super::goenv::float_abi(&r.entry.profile, tc).as_deref() {
            Some("soft") => "softfloat".into(),
            _ => "hardfloat".into(),
        },
        "GOARM" if tc.target.triple.ends_with("hf") || tc.machine.ends_with("hf") => "7".into(),
        "GOARM" => "5".into(),
        "GO386" => "sse2".into(),
        "GOAMD64" => "v1".into(),
        _ => "power8".into(),
    }
}

/// The go command's settings that `go env` prints beside the toolchain's:
/// where the target came from, the architecture variable, `CXX`,
/// `CGO_ENABLED`, `GOFLAGS`, `GOPATH`, `GOMOD`, `GOWORK` and `GOCACHE`
/// (gccgo-build's cache directory, `off` when there is none).
fn go_vars(
    cwd: &Path,
    r: &super::Resolved,
    tc: &Toolchain,
    store: &crate::store::Store,
) -> Vec<(String, String)> {
    let kv = |k: &str, v: String| (k.to_string(), v);
    let mut out = vec![
        kv("GCCGOBUILD_TARGET_FROM", r.origin.clone()),
        kv("GCCGOBUILD_FROM_ENVIRONMENT", r.env.names().join(" ")),
    ];
    if let Some(var) = super::goenv::arch_var(&tc.target.goarch) {
        out.push(kv(var, arch_value(r, tc, var)));
    }
    let cxx = match r.env.get("CXX") {
        Some(c) => tool_value(Some(Path::new(c))),
        None => tool_value(Some(&super::tool_beside(&tc.gccgo, "g++"))),
    };
    let gomod = if std::env::var("GO111MODULE").is_ok_and(|v| v == "off") {
        None
    } else {
        crate::gomod::find(cwd)
    };
    let gopath = crate::resolve::gopath()
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(":");
    out.extend([
        kv("CXX", cxx),
        kv("CGO_ENABLED", {
            let setting = std::env::var("CGO_ENABLED").ok();
            let on =
                crate::toolchain::cgo_enabled(setting.as_deref().filter(|v| !v.is_empty()), tc);
            if on { "1" } else { "0" }.into()
        }),
        kv(
            "GOFLAGS",
            super::goenv::getenv("GOFLAGS")
                .map(|(v, _)| v)
                .unwrap_or_default(),
        ),
        kv("GOPATH", gopath),
        kv(
            "GOMOD",
            gomod.map(|p| p.display().to_string()).unwrap_or_default(),
        ),
        kv("GOWORK", gowork(cwd)),
        kv(
            "GOCACHE",
            store
                .dir()
                .map_or("off".into(), |d| d.display().to_string()),
        ),
        // The linker a build would use (`-linker`, `GCCGO_BUILD_LINKER`, the
        // profile's -fuse-ld, or auto's probe).
        kv(
            "GCCGO_BUILD_LINKER",
            crate::toolchain::linker_env_value(tc, store),
        ),
    ]);
    out
}

/// `env GOWORK` as go 1.19 prints it: `off` under `GOWORK=off`, else the
/// go.work file in force (`resolve::gowork_file`) or empty.
fn gowork(cwd: &Path) -> String {
    if std::env::var("GOWORK").is_ok_and(|v| v == "off") {
        return "off".into();
    }
    crate::resolve::gowork_file(cwd)
        .ok()
        .flatten()
        .map(|p| p.display().to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_abi_mix_is_seen_in_ld_output() {
        let ld = "/usr/bin/ld: warning: /w/exe uses -mhard-float (set by /usr/lib/Scrt1.o), /w/main.o uses -msoft-float\n";
        let w = float_abi_mix(ld).unwrap();
        assert!(w.starts_with("/w/exe uses -mhard-float"), "{w}");
        assert_eq!(
            float_abi_mix("/usr/bin/ld: warning: something else\n"),
            None
        );
    }

    #[test]
    fn env_values_are_quoted_as_go_env() {
        assert_eq!(quote_env("a b"), "\"a b\"");
        assert_eq!(quote_env("say \"x\""), "\"say \\\"x\\\"\"");
    }
}
