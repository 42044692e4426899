//! Cover: test coverage as go 1.19's `go test -cover` does it for gccgo,
//! by rewriting sources before they are compiled (`cmd/cover`), not with
//! go 1.20's runtime coverage.
//!
//! What it knows: the modes (`-covermode set|count|atomic`), the counter
//! variable of each file and the name a profile gives it (cmd/go's
//! `declareCoverVars`), the rewrite of one file (`annotate`, as `go tool
//! cover -mode M -var V FILE`), and the profile text: merging each test
//! binary's profile into `-coverprofile` (cmd/go's `mergeCoverProfile`) and
//! the `coverage: …` figure of the summary line (`coveragePercentage`).
//! What it does not know: packages, plans or commands. The driver
//! (`gotest`) decides which packages are covered; `plan` compiles the
//! rewritten files; `testmain` registers the counters with `testing`.

pub mod annotate;

use std::fmt;

use anyhow::{Result, bail};
use sha2::{Digest, Sha256};

/// `-covermode`: what a counter records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Whether the block ran (the default).
    Set,
    /// How many times it ran.
    Count,
    /// How many times, counted with sync/atomic (for parallel tests).
    Atomic,
}

impl Mode {
    /// Parses a `-covermode` value.
    ///
    /// Errors: anything but set, count or atomic, with go's words.
    pub fn parse(s: &str) -> Result<Mode> {
        match s {
            "set" => Ok(Mode::Set),
            "count" => Ok(Mode::Count),
            "atomic" => Ok(Mode::Atomic),
            _ => bail!(
                "invalid value {s:?} for flag -covermode: valid modes are \"set\", \"count\", or \"atomic\""
            ),
        }
    }

    /// The name, as the profile's `mode:` line writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Set => "set",
            Mode::Count => "count",
            Mode::Atomic => "atomic",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One covered file: its name in the package directory, the name the
/// profile gives it, and its counter variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverVar {
    /// The file's base name (`wire.go`).
    pub file: String,
    /// The profile's name: `<import path>/<file>`, or the absolute path of
    /// a local (`./x` outside GOPATH and modules) package.
    pub profile_name: String,
    /// `GoCover_<i>_<12 hex digits of sha256(import path)>`.
    pub var: String,
}

/// cmd/go's `declareCoverVars`: a counter variable per non-test file of
/// `files` (in that order), numbered from 0. `local_dir` is the package
/// directory when the package is local (its files are named by absolute path).
pub fn declare_vars(import_path: &str, local_dir: Option<&str>, files: &[String]) -> Vec<CoverVar> {
    let sum = Sha256::digest(import_path.as_bytes());
    let h: String = sum[..6].iter().map(|b| format!("{b:02x}")).collect();
    files
        .iter()
        .filter(|f| !f.ends_with("_test.go"))
        .enumerate()
        .map(|(i, f)| CoverVar {
            file: f.clone(),
            profile_name: match local_dir {
                Some(d) => format!("{}/{f}", d.trim_end_matches('/')),
                None => format!("{import_path}/{f}"),
            },
            var: format!("GoCover_{i}_{h}"),
        })
        .collect()
}

/// One source file of a covered package, rewritten (`annotate`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rewritten {
    /// The file the compile reads otherwise (absolute; an overlay's
    /// replacement when there is one).
    pub source: std::path::PathBuf,
    /// The file's base name in its package (`wire.go`).
    pub file: String,
    /// The rewritten source (its `//line` names the package's file).
    pub text: String,
}

/// Rewrites the files of one package for coverage: each of `vars`, read
/// from `source_of(file)` and named `dir/file` in its `//line` directive.
///
/// Errors: a file cannot be read, or does not parse (file and line).
pub fn rewrite_package(
    dir: &std::path::Path,
    vars: &[CoverVar],
    mode: Mode,
    source_of: impl Fn(&str) -> std::path::PathBuf,
) -> Result<Vec<Rewritten>> {
    vars.iter()
        .map(|v| {
            let source = source_of(&v.file);
            let src = std::fs::read_to_string(&source).map_err(|e| {
                anyhow::anyhow!(
                    "reading {} for coverage: {}",
                    source.display(),
                    crate::words::io_error(&e)
                )
            })?;
            let shown = dir.join(&v.file).display().to_string();
            let (text, _) = annotate::annotate(&src, &shown, mode, &v.var)?;
            Ok(Rewritten {
                source,
                file: v.file.clone(),
                text,
            })
        })
        .collect()
}

/// What a test binary's main registers with `testing.RegisterCover`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestCover {
    /// The mode.
    pub mode: Mode,
    /// The covered packages the main imports (`_cover0`, `_cover1`, …) with
    /// their files' variables.
    pub packages: Vec<(String, Vec<CoverVar>)>,
    /// `-coverpkg`'s patterns as written, for `coverage: N% of statements
    /// in P1, P2`; empty without -coverpkg.
    pub paths: Vec<String>,
}

impl TestCover {
    /// go's `testFuncs.Covered`: `" in P1, P2"`, or nothing without -coverpkg.
    pub fn covered(&self) -> String {
        if self.paths.is_empty() {
            String::new()
        } else {
            format!(" in {}", self.paths.join(", "))
        }
    }
}

/// The `-test.coverprofile` a test binary wrote, as cmd/go's
/// `mergeCoverProfile` appends it to the `-coverprofile` file: without its
/// `mode:` line. `None` when it is empty; an error text (go's) when it
/// does not start with `mode: <mode>`.
pub fn profile_body(written: &str, mode: Mode) -> Result<Option<String>, String> {
    if written.is_empty() {
        return Ok(None);
    }
    let head = format!("mode: {mode}\n");
    match written.strip_prefix(&head) {
        Some(rest) => Ok(Some(rest.to_string())),
        None => Err("error: test wrote malformed coverage profile.\n".into()),
    }
}

/// cmd/go's `coveragePercentage`: `\tcoverage: …` for the `ok` line, from
/// the `coverage: …` line a test binary printed; empty when there is none.
pub fn percentage_suffix(output: &str) -> String {
    output
        .find("coverage: ")
        .and_then(|i| {
            let rest = &output[i + "coverage: ".len()..];
            rest.find('\n')
                .map(|j| format!("\tcoverage: {}", &rest[..j]))
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_are_named_as_go_names_them() {
        let v = declare_vars(
            "example.com/minion/internal/wire",
            None,
            &["a.go".into(), "a_test.go".into(), "b.go".into()],
        );
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].profile_name, "example.com/minion/internal/wire/a.go");
        assert!(v[1].var.starts_with("GoCover_1_"), "{:?}", v[1]);
        assert_eq!(v[1].var.len(), "GoCover_1_".len() + 12);
    }

    #[test]
    fn the_ok_line_takes_the_figure_the_binary_printed() {
        assert_eq!(
            percentage_suffix("PASS\ncoverage: 83.3% of statements\n"),
            "\tcoverage: 83.3% of statements"
        );
        assert_eq!(percentage_suffix("PASS\n"), "");
    }

    #[test]
    fn a_profile_loses_its_mode_line_when_merged() {
        assert_eq!(
            profile_body("mode: set\na.go:1.1,2.2 1 1\n", Mode::Set),
            Ok(Some("a.go:1.1,2.2 1 1\n".into()))
        );
        assert!(profile_body("mode: count\n", Mode::Set).is_err());
        assert_eq!(profile_body("", Mode::Set), Ok(None));
    }
}
