//! The build record: what a build was made from and what it made, as JSON,
//! so a legacy build can be pinned and re-proved years later (`verify`).
//!
//! It holds the toolchain's identity (paths, `--version`, `-dumpmachine`,
//! sha256 of gccgo, go1, objcopy and libgo), the command line and the
//! environment variables that change a build, every action's commands (with
//! `$WORK` for the work directory) with each input file's and output's
//! sha256, and the sha256 of every file installed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use serde::{Deserialize, Serialize};

use crate::plan::Plan;
use crate::toolchain::Toolchain;

/// The layout's name and version.
pub const FORMAT: &str = "gccgo-build record 1";

/// Environment variables recorded (those that change what a build reads).
const ENV: &[&str] = &[
    "GOPATH",
    "GO111MODULE",
    "GOFLAGS",
    "GOMODCACHE",
    "STAGING_DIR",
    "SOURCE_DATE_EPOCH",
    "CGO_CFLAGS",
    "CGO_LDFLAGS",
];

/// One build's record.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Record {
    /// `FORMAT`.
    pub format: String,
    /// The working directory of the build.
    pub cwd: PathBuf,
    /// The command line after the program name, as typed.
    pub args: Vec<String>,
    /// The recorded environment variables that were set.
    pub env: BTreeMap<String, String>,
    /// Who compiled.
    pub toolchain: ToolchainId,
    /// Every action, in plan order (dependencies first).
    pub actions: Vec<ActionRecord>,
    /// Files installed outside the work directory (`-o`), with their sha256.
    pub installed: Vec<FileSum>,
}

/// The toolchain's identity.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ToolchainId {
    /// The toolchain's name.
    pub name: String,
    /// First line of `gccgo --version`.
    pub version: String,
    /// `gccgo -dumpmachine`.
    pub machine: String,
    /// gccgo, go1, objcopy and libgo (static and shared, where present),
    /// each with its path and sha256.
    pub files: Vec<FileSum>,
}

/// A file and its content hash.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FileSum {
    /// What it is (`gccgo`, `go1`, an output role) or empty.
    pub what: String,
    /// The path (`$WORK/…` inside the work directory).
    pub path: String,
    /// Lower-case hex sha256, or empty when the file is missing.
    pub sha256: String,
}

/// One action: its commands, inputs and outputs.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ActionRecord {
    /// The action's label (import path, `link OUT`).
    pub label: String,
    /// Its commands, shell-quoted, as `-n` prints them.
    pub commands: Vec<String>,
    /// Source files read.
    pub inputs: Vec<FileSum>,
    /// Files written in the work directory.
    pub outputs: Vec<FileSum>,
}

fn sum(what: &str, path: &Path, shown: String) -> FileSum {
    FileSum {
        what: what.to_string(),
        path: shown,
        sha256: crate::store::hash_file(path).unwrap_or_default(),
    }
}

/// `gccgo -print-prog-name=go1` / `-print-file-name=libgo.a`, when the
/// compiler answers with an existing file.
fn ask(gccgo: &Path, flag: &str) -> Option<PathBuf> {
    let o = std::process::Command::new(gccgo).arg(flag).output().ok()?;
    let p = PathBuf::from(String::from_utf8_lossy(&o.stdout).trim());
    (p.is_absolute() && p.is_file()).then_some(p)
}

/// `toolchain_id`, started now on another thread when the store does not
/// remember it yet (hashing go1 and libgo takes a good part of a second,
/// which a cold build would otherwise spend after its last link); `None`
/// when it is remembered. Give the handle to `of_build`.
pub fn start_toolchain_id(
    tc: &Toolchain,
    store: &crate::store::Store,
) -> Option<std::thread::JoinHandle<ToolchainId>> {
    let remembered = memo_of(tc, store).is_some_and(|p| p.is_file());
    if remembered {
        return None;
    }
    let (tc, store) = (tc.clone(), store.clone());
    std::thread::Builder::new()
        .name("toolchain-id".into())
        .spawn(move || toolchain_id(&tc, &store))
        .ok()
}

/// Where the store keeps the toolchain's identity: keyed by the compiler's
/// identity (path, version, size, mtime).
fn memo_of(tc: &Toolchain, store: &crate::store::Store) -> Option<PathBuf> {
    let key = serde_json::to_string(&tc.identity).unwrap_or_default();
    store.memo_path("compilers", &key, ".record.json")
}

/// The toolchain's identity, hashing its files once per compiler (kept in
/// the store, keyed by the compiler's identity: path, version, size, mtime).
pub fn toolchain_id(tc: &Toolchain, store: &crate::store::Store) -> ToolchainId {
    let memo = memo_of(tc, store);
    if let Some(id) = store.read_json(memo.as_deref()) {
        return id;
    }
    let id = hash_toolchain(tc);
    store.write_json(memo.as_deref(), &id);
    id
}

fn hash_toolchain(tc: &Toolchain) -> ToolchainId {
    let mut files = vec![sum("gccgo", &tc.gccgo, tc.gccgo.display().to_string())];
    for (what, flag) in [
        ("go1", "-print-prog-name=go1"),
        ("libgo.a", "-print-file-name=libgo.a"),
        ("libgo.so", "-print-file-name=libgo.so"),
    ] {
        if let Some(p) = ask(&tc.gccgo, flag) {
            let p = p.canonicalize().unwrap_or(p);
            files.push(sum(what, &p, p.display().to_string()));
        }
    }
    files.push(sum(
        "objcopy",
        &tc.objcopy,
        tc.objcopy.display().to_string(),
    ));
    ToolchainId {
        name: tc.name.clone(),
        version: tc.version_line.clone(),
        machine: tc.machine.clone(),
        files,
    }
}

/// The record of a finished build of `plan` (outputs still in the work
/// directory); `installed` are the files written at `-o`.
pub fn of_build(
    cwd: &Path,
    tc: &Toolchain,
    store: &crate::store::Store,
    plan: &Plan,
    installed: &[PathBuf],
    started: Option<std::thread::JoinHandle<ToolchainId>>,
) -> Record {
    let work = plan.work.as_path();
    let shown = |p: &Path| match p.strip_prefix(work) {
        Ok(rel) => format!("$WORK/{}", rel.display()),
        Err(_) => p.display().to_string(),
    };
    let actions = plan
        .actions
        .iter()
        .map(|a| ActionRecord {
            label: stable_label(&a.label),
            // Installing at -o is not part of what is built; its file's hash is in `installed`.
            commands: a
                .steps
                .iter()
                .filter(|s| !matches!(s, crate::plan::Step::Install { .. }))
                .map(|s| s.display(work))
                .collect(),
            inputs: a.inputs.iter().map(|p| sum("", p, shown(p))).collect(),
            outputs: a
                .outputs
                .iter()
                .map(|o| sum(o.role.name(), &o.path, shown(&o.path)))
                .collect(),
        })
        .collect();
    Record {
        format: FORMAT.to_string(),
        cwd: cwd.to_path_buf(),
        args: std::env::args().skip(1).collect(),
        env: ENV
            .iter()
            .filter_map(|k| std::env::var(k).ok().map(|v| (k.to_string(), v)))
            .collect(),
        toolchain: started
            .and_then(|h| h.join().ok())
            .unwrap_or_else(|| toolchain_id(tc, store)),
        actions,
        installed: installed
            .iter()
            .map(|p| sum("", p, p.display().to_string()))
            .collect(),
    }
}

/// Keeps `r` in the store as the last record of each installed file
/// (`<cache>/v2/records/<hash of the path>.json`); best effort.
pub fn keep(r: &Record, store: &crate::store::Store) {
    let Ok(mut s) = serde_json::to_vec_pretty(r) else {
        return;
    };
    s.push(b'\n');
    for f in &r.installed {
        if let Some(p) = store.memo_path("records", &f.path, ".json") {
            store.write_memo(&p, &s);
        }
    }
}

/// An action's label without the directory of a link's output (`link
/// minion`), so a rebuild into another directory lines up with its record.
fn stable_label(label: &str) -> String {
    match label.strip_prefix("link ") {
        Some(out) => format!(
            "link {}",
            Path::new(out)
                .file_name()
                .map_or(out.into(), |n| n.to_string_lossy())
        ),
        None => label.to_string(),
    }
}

/// The command line of a rebuild: the recorded one without `--record`,
/// `-o` and `--cache`, then `--cache off -o OUT --record NEW` after the
/// subcommand.
fn rebuild_args(args: &[String], out: &Path, new: &Path) -> Vec<String> {
    let mut v = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let name = a.trim_start_matches('-').split('=').next().unwrap_or("");
        if a.starts_with('-') && ["record", "o", "cache"].contains(&name) {
            if !a.contains('=') {
                it.next();
            }
            continue;
        }
        v.push(a.clone());
    }
    let extra = [
        "--cache".to_string(),
        "off".into(),
        "-o".into(),
        out.display().to_string(),
        "--record".into(),
        new.display().to_string(),
    ];
    let at = v.iter().position(|a| a == "build").map_or(0, |i| i + 1);
    v.splice(at..at, extra);
    v
}

/// `gccgo-build verify FILE`: rebuilds what the record describes (in its
/// directory, with its environment, the cache off, into a temporary
/// directory) and compares: prints `identical` and returns 0, or names the
/// first differing action (its changed inputs, commands and outputs) and
/// returns 1.
///
/// Errors: the record cannot be read, or the rebuild cannot be started or fails.
pub fn verify(path: &Path) -> Result<i32> {
    let old = read(path)?;
    let tmp = tempfile::Builder::new()
        .prefix("gccgo-build-verify-")
        .tempdir()
        .context("creating a temporary directory")?;
    let out_name = old
        .installed
        .first()
        .and_then(|f| Path::new(&f.path).file_name().map(|n| n.to_owned()))
        .unwrap_or_else(|| "out".into());
    let (out, new_path) = (tmp.path().join(out_name), tmp.path().join("record.json"));
    let me = std::env::current_exe().context("finding this program")?;
    let mut c = std::process::Command::new(me);
    c.current_dir(&old.cwd)
        .args(rebuild_args(&old.args, &out, &new_path));
    for k in ENV {
        match old.env.get(*k) {
            Some(v) => c.env(k, v),
            None => c.env_remove(k),
        };
    }
    eprintln!(
        "verify: rebuilding in {} with the cache off",
        old.cwd.display()
    );
    let o = c.output().context("running the rebuild")?;
    if !o.status.success() {
        anyhow::bail!(
            "the rebuild failed:\n{}",
            String::from_utf8_lossy(&o.stderr).trim_end()
        );
    }
    let new = read(&new_path)?;
    let d = differences(&old, &new);
    if d.is_empty() {
        println!(
            "identical: {} actions, {} files installed, same bytes",
            old.actions.len(),
            old.installed.len()
        );
        return Ok(0);
    }
    for l in d {
        println!("{l}");
    }
    Ok(1)
}

/// Writes `r` as JSON to `path` (whole or not at all).
///
/// Errors: the file cannot be written.
pub fn write(r: &Record, path: &Path) -> Result<()> {
    let mut s = serde_json::to_string_pretty(r).context("encoding the build record")?;
    s.push('\n');
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    crate::store::atomic_write(path, s.as_bytes(), &dir)
}

/// Reads a record.
///
/// Errors: the file cannot be read, or is not a record of this layout.
pub fn read(path: &Path) -> Result<Record> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the build record {}", path.display()))?;
    let r: Record = serde_json::from_str(&text)
        .map_err(|e| anyhow::anyhow!("{}:{}: not a gccgo-build record ({e}); write one with `gccgo-build build --record FILE`", path.display(), e.line()))?;
    if r.format != FORMAT {
        anyhow::bail!(
            "{}: a record of layout {:?}; this gccgo-build reads {FORMAT:?}",
            path.display(),
            r.format
        );
    }
    Ok(r)
}

/// How a rebuild differs from its record: the first difference in plan
/// order, as lines for the user; empty when identical.
pub fn differences(old: &Record, new: &Record) -> Vec<String> {
    let mut out = Vec::new();
    for (a, b) in old.toolchain.files.iter().zip(&new.toolchain.files) {
        if a.sha256 != b.sha256 {
            out.push(format!(
                "toolchain file {} ({}) changed: sha256 {} → {}",
                a.what,
                a.path,
                short(&a.sha256),
                short(&b.sha256)
            ));
        }
    }
    let by_label: BTreeMap<&str, &ActionRecord> =
        new.actions.iter().map(|a| (a.label.as_str(), a)).collect();
    for a in &old.actions {
        let Some(b) = by_label.get(a.label.as_str()) else {
            out.push(format!("action {} is no longer part of the build", a.label));
            return out;
        };
        let changed_inputs: Vec<String> = a
            .inputs
            .iter()
            .filter(|i| {
                b.inputs
                    .iter()
                    .find(|j| j.path == i.path)
                    .is_none_or(|j| j.sha256 != i.sha256)
            })
            .map(|i| format!("  input {} changed", i.path))
            .collect();
        let changed_outputs: Vec<String> = a
            .outputs
            .iter()
            .zip(&b.outputs)
            .filter(|(x, y)| x.sha256 != y.sha256)
            .map(|(x, y)| {
                format!(
                    "  output {} differs: sha256 {} → {}",
                    x.path,
                    short(&x.sha256),
                    short(&y.sha256)
                )
            })
            .collect();
        if changed_inputs.is_empty() && changed_outputs.is_empty() && a.commands == b.commands {
            continue;
        }
        out.push(format!("first differing action: {}", a.label));
        out.extend(changed_inputs);
        if a.commands != b.commands {
            out.push("  its commands differ:".into());
            out.extend(b.commands.iter().map(|c| format!("    {c}")));
        }
        out.extend(changed_outputs);
        return out;
    }
    for (x, y) in old.installed.iter().zip(&new.installed) {
        if x.sha256 != y.sha256 {
            out.push(format!(
                "installed file {} differs: sha256 {} → {}",
                x.path,
                short(&x.sha256),
                short(&y.sha256)
            ));
        }
    }
    out
}

fn short(h: &str) -> &str {
    &h[..h.len().min(12)]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(input_sum: &str, out_sum: &str) -> Record {
        Record {
            format: FORMAT.into(),
            cwd: "/x".into(),
            args: vec![],
            env: BTreeMap::new(),
            toolchain: ToolchainId {
                name: "host".into(),
                version: "v".into(),
                machine: "m".into(),
                files: vec![],
            },
            actions: vec![ActionRecord {
                label: "example.com/a".into(),
                commands: vec!["gccgo -c a.go".into()],
                inputs: vec![FileSum {
                    what: String::new(),
                    path: "/x/a.go".into(),
                    sha256: input_sum.into(),
                }],
                outputs: vec![FileSum {
                    what: "object".into(),
                    path: "$WORK/a.o".into(),
                    sha256: out_sum.into(),
                }],
            }],
            installed: vec![],
        }
    }

    #[test]
    fn rebuild_args_replace_output_cache_and_record() {
        let a: Vec<String> = [
            "build",
            "-o",
            "m",
            "--record=r.json",
            "--cache",
            "/c",
            "-trimpath",
            "./cmd/m",
        ]
        .map(String::from)
        .to_vec();
        let v = rebuild_args(&a, Path::new("/t/m"), Path::new("/t/r.json"));
        assert_eq!(
            v,
            [
                "build",
                "--cache",
                "off",
                "-o",
                "/t/m",
                "--record",
                "/t/r.json",
                "-trimpath",
                "./cmd/m"
            ]
        );
        assert_eq!(stable_label("link /x/y/minion"), "link minion");
    }

    #[test]
    fn the_first_differing_action_is_named_with_its_changed_input() {
        assert!(differences(&rec("1", "2"), &rec("1", "2")).is_empty());
        let d = differences(&rec("1", "2"), &rec("9", "3"));
        assert_eq!(d[0], "first differing action: example.com/a");
        assert!(
            d.iter().any(|l| l.contains("input /x/a.go changed")),
            "{d:?}"
        );
        assert!(
            d.iter().any(|l| l.contains("output $WORK/a.o differs")),
            "{d:?}"
        );
    }
}
