//! The linker probe behind `--linker auto`: for one toolchain, link a small
//! program with each candidate (`gcc -fuse-ld=NAME`), fastest first, and
//! run it (under the toolchain's runner, qemu-user for a foreign target);
//! the first whose program prints what it should wins. The program starts
//! 16 goroutines that each recurse 1,000 deep with a 256-byte frame, so a
//! linker that breaks gccgo's split stacks on x86 (the rewriting of calls
//! into code without split stacks, which gold does) makes it crash.
//!
//! The answer is remembered in the store next to the compiler's other
//! facts (`compilers/<hash>.json`), keyed by the compiler binary, the
//! profile's flags and runner, and checked against the linker programs it
//! found (path, size, mtime): installing or upgrading mold probes again.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{Linker, LinkerChoice, Toolchain, find_program};
use crate::process::Cmd;
use crate::store::Store;

/// The probe program: goroutines, deep recursion with large frames, a
/// system call and fmt on each goroutine's stack.
const HELLO: &str = r#"package main

import (
	"fmt"
	"os"
	"sync"
)

func deep(n int) int {
	var pad [256]byte
	pad[n%256] = byte(n)
	if n == 0 {
		return int(pad[0])
	}
	return deep(n-1) + int(pad[n%256]&1)
}

func main() {
	var wg sync.WaitGroup
	sums := make([]int, 16)
	for i := range sums {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			sums[i] = deep(1000 + i)
			_, _ = os.Getwd()
			_ = fmt.Sprintf("%d %s", i, "x")
		}(i)
	}
	wg.Wait()
	t := 0
	for _, s := range sums {
		t += s
	}
	fmt.Println("gccgo-build linker probe", t)
}
"#;

/// What `HELLO` prints when it ran well: deep(n) counts the odd numbers
/// in 1..=n, which is (n+1)/2.
fn expected_line() -> String {
    let t: u64 = (0..16u64).map(|i| (1000 + i).div_ceil(2)).sum();
    format!("gccgo-build linker probe {t}")
}

/// One candidate's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tried {
    /// The linker.
    pub linker: Linker,
    /// What happened: `links and runs`, `not installed`, `link fails: …`,
    /// `its program fails: …`.
    pub outcome: String,
}

/// Where one linker program was found (for the memo's validity).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Found {
    linker: Linker,
    /// What `gcc -print-prog-name=ld.NAME` answered: an absolute path, or
    /// the bare name when collect2 will look it up in PATH.
    prog: String,
    /// Size and mtime (ns) of the program found, `None` when not found.
    stamp: Option<(u64, u128)>,
}

/// The probe's answer for one toolchain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkerFacts {
    /// The linker `auto` uses: the first of `Linker::AUTO_ORDER` that
    /// links a program that runs; `None` (gcc's default) when none did,
    /// e.g. a foreign target without a runner.
    pub chosen: Option<Linker>,
    /// Each candidate tried, in order (the probe stops at the first that works).
    pub tried: Vec<Tried>,
    found: Vec<Found>,
}

impl LinkerFacts {
    /// The probe's answer for `tc`: remembered in `store` when it is still
    /// valid, else probed now (and remembered; `--cache off` probes every time).
    pub fn of(tc: &Toolchain, store: &Store) -> LinkerFacts {
        let memo = memo_path(tc, store);
        if let Some(f) = store.read_json::<LinkerFacts>(memo.as_deref())
            && f.found.iter().all(|x| stamp_of(&x.prog) == x.stamp)
        {
            return f;
        }
        let f = probe(tc);
        store.write_json(memo.as_deref(), &f);
        f
    }

    /// Whether the store remembers an answer for `tc` (valid or not: a
    /// stale one is probed again when asked, `of`).
    pub fn remembered(tc: &Toolchain, store: &Store) -> bool {
        memo_path(tc, store).is_some_and(|m| m.is_file())
    }

    /// One line for `env` and `-v`: the linker and why (`mold (auto:
    /// mold links and runs)`, `gold (auto: mold not installed; gold links
    /// and runs)`).
    pub fn summary(&self) -> String {
        let why: Vec<String> = self
            .tried
            .iter()
            .map(|t| format!("{} {}", t.linker, t.outcome))
            .collect();
        let name = self
            .chosen
            .map_or("gcc's default".to_string(), |l| l.to_string());
        format!("{name} (auto: {})", why.join("; "))
    }
}

/// The memo file: keyed by the compiler binary and everything of the
/// profile that reaches the probe's link and run.
fn memo_path(tc: &Toolchain, store: &Store) -> Option<PathBuf> {
    let (size, mtime) = crate::store::stamp(&tc.gccgo)?;
    let id = format!(
        "linker 3\n{}\n{size}\n{mtime}\n{:?}\n{:?}\n{:?}",
        tc.gccgo.display(),
        tc.cflags,
        tc.ldflags,
        tc.runner
    );
    store.memo_path("compilers", &id, ".json")
}

/// Size and mtime of the program `prog` names: itself when absolute,
/// else the first in PATH; `None` when there is none.
fn stamp_of(prog: &str) -> Option<(u64, u128)> {
    let p = find_program(Path::new(prog))?;
    crate::store::stamp(&p)
}

/// Probes every candidate in order until one works; never fails (a step
/// that cannot run is that candidate's outcome).
fn probe(tc: &Toolchain) -> LinkerFacts {
    let mut facts = LinkerFacts {
        chosen: None,
        tried: Vec::new(),
        found: Vec::new(),
    };
    let dir = match tempfile::Builder::new().prefix("gccgo-build-ld-").tempdir() {
        Ok(d) => d,
        Err(_) => return facts,
    };
    crate::cleanup::add_dir(dir.path());
    let obj = dir.path().join("hello.o");
    let compiled = std::fs::write(dir.path().join("hello.go"), HELLO).is_ok()
        && Cmd::new(&tc.gccgo)
            .arg("-c")
            .args(&tc.cflags)
            .arg("-o")
            .arg(&obj)
            .arg(dir.path().join("hello.go"))
            // A hello compiles in well under a second; a compiler that hangs
            // must not hold the build (its own compiles have -timeout).
            .run(Some(Duration::from_secs(20)))
            .is_ok();
    for l in Linker::AUTO_ORDER {
        let prog = prog_name(tc, l);
        let stamp = stamp_of(&prog);
        facts.found.push(Found {
            linker: l,
            prog: prog.clone(),
            stamp,
        });
        if !compiled {
            continue;
        }
        let outcome = if stamp.is_none() {
            "not installed".to_string()
        } else if l == Linker::Gold && tc.target.goarch.starts_with("mips") {
            // gold links MIPS hellos, but dies on real programs with `-s`
            // ("internal error in finalize_data_size") and makes bigger
            // binaries: for MIPS, auto takes ld.bfd (name it to use gold).
            "not for MIPS (gold's internal error with -s)".to_string()
        } else {
            try_one(tc, l, &obj, dir.path())
        };
        let works = outcome == "links and runs";
        facts.tried.push(Tried { linker: l, outcome });
        if works {
            facts.chosen = Some(l);
            break;
        }
    }
    crate::cleanup::remove_dir(dir.path());
    facts
}

/// `gcc -print-prog-name=ld.NAME`: where collect2 finds that linker (the
/// bare name when it will search PATH).
fn prog_name(tc: &Toolchain, l: Linker) -> String {
    Cmd::new(&tc.gccgo)
        .arg(format!("-print-prog-name={}", l.program()))
        .run(Some(Duration::from_secs(30)))
        .map(|o| o.stdout.trim().to_string())
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| l.program())
}

/// Links `obj` with `l` and runs the program; the outcome in words.
fn try_one(tc: &Toolchain, l: Linker, obj: &Path, dir: &Path) -> String {
    let exe = dir.join(format!("hello-{l}"));
    let link = Cmd::new(&tc.gccgo)
        .arg("-o")
        .arg(&exe)
        .arg(obj)
        .arg("-static-libgo")
        .args(&tc.cflags)
        .args(&tc.ldflags)
        .arg(l.flag())
        .run(Some(Duration::from_secs(120)));
    if let Err(e) = link {
        let text = e.output().map(|o| o.combined()).unwrap_or_default();
        return format!("link fails: {}", last_line(&text, &e.to_string()));
    }
    let run = match &tc.runner {
        Some(r) if !r.is_empty() => Cmd::new(&r[0]).args(&r[1..]).arg(&exe),
        _ => Cmd::new(&exe),
    };
    match run.run(Some(Duration::from_secs(60))) {
        Ok(o) if o.stdout.trim() == expected_line() => "links and runs".to_string(),
        Ok(o) => format!(
            "its program prints {:?}",
            last_line(&o.combined(), "nothing")
        ),
        Err(e) => {
            let text = e.output().map(|o| o.combined()).unwrap_or_default();
            format!("its program fails: {}", last_line(&text, &e.to_string()))
        }
    }
}

/// The line of `text` that says what went wrong: the first with
/// `error`, else the last non-empty one, else `or`.
fn last_line(text: &str, or: &str) -> String {
    let lines = || text.lines().map(str::trim).filter(|l| !l.is_empty());
    lines()
        .find(|l| l.contains("error"))
        .or_else(|| lines().next_back())
        .unwrap_or(or)
        .to_string()
}

/// The `GCCGO_BUILD_LINKER` line of `gccgo-build env` for `tc`: the
/// choice of `GCCGO_BUILD_LINKER` (default `auto`) and what it resolves
/// to, e.g. `mold (auto: mold links and runs)` or `gold`. Probes the
/// linkers when `auto` has no remembered answer in `store`. An unknown
/// name in the variable is shown as it is, with the error.
pub fn linker_env_value(tc: &Toolchain, store: &Store) -> String {
    let raw = std::env::var("GCCGO_BUILD_LINKER").unwrap_or_default();
    match LinkerChoice::parse(&raw) {
        Ok(LinkerChoice::Named(l)) => l.to_string(),
        Ok(LinkerChoice::Auto) => match super::fuse_ld(&tc.ldflags) {
            Some(l) => format!("{l} (the profile's -fuse-ld)"),
            None => LinkerFacts::of(tc, store).summary(),
        },
        Err(e) => format!("{raw} ({e})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_expected_line_is_the_closed_form() {
        // deep(n) for n = 1000..1015: 500, 501, 501, 502, …
        let t: u64 = (1000..1016u64)
            .map(|n| (1..=n).filter(|k| k % 2 == 1).count() as u64)
            .sum();
        assert_eq!(expected_line(), format!("gccgo-build linker probe {t}"));
    }

    #[test]
    fn summary_names_each_try() {
        let f = LinkerFacts {
            chosen: Some(Linker::Gold),
            tried: vec![
                Tried {
                    linker: Linker::Mold,
                    outcome: "not installed".into(),
                },
                Tried {
                    linker: Linker::Gold,
                    outcome: "links and runs".into(),
                },
            ],
            found: vec![],
        };
        assert_eq!(
            f.summary(),
            "gold (auto: mold not installed; gold links and runs)"
        );
    }
}
