//! The comparison's results: the data of every report (terminal, `--json`,
//! `--html`). The JSON written by `compare --json FILE` is `Report`
//! serialized; README "Comparing toolchains" documents it field by field.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The version of the JSON layout; bumped when a field changes meaning.
pub const SCHEMA: u32 = 1;

/// One comparison: the packages, and one column per toolchain spec.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Report {
    /// `SCHEMA`.
    pub schema: u32,
    /// The package patterns as given.
    pub packages: Vec<String>,
    /// `--run`'s arguments, when the binaries were run.
    pub run_args: Option<Vec<String>>,
    /// One per `--with` spec, in the order given; the first is the reference
    /// the others' output is compared with.
    pub columns: Vec<Column>,
    /// With `--test`: test name × column.
    pub tests: Option<TestMatrix>,
}

/// Everything measured for one toolchain spec.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Column {
    /// The spec as written (`mipsel-linux-gnu:-O2 -g`, `gc`).
    pub spec: String,
    /// `gccgo` or `gc`.
    pub kind: String,
    /// The compiler's own name for itself (first line of `--version`, `go version`).
    pub compiler: String,
    /// Target GOOS.
    pub goos: String,
    /// Target GOARCH.
    pub goarch: String,
    /// The cold build.
    pub build: Build,
    /// With `--run`: what the binary did.
    pub run: Option<Run>,
    /// Bytes of the binary's defined symbols per Go package (libgo's
    /// packages, `libc (C)`, …), when the binary has a symbol table.
    pub packages: Option<BTreeMap<String, u64>>,
}

/// A cold build (empty cache of its own).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Build {
    /// Whether every package compiled and every command linked.
    pub ok: bool,
    /// Wall-clock time, milliseconds.
    pub wall_ms: u64,
    /// CPU time (user + system) of the build and every process it ran
    /// (compilers, objcopy, linker), milliseconds.
    pub cpu_ms: u64,
    /// For a failed build: the first compiler diagnostic (`file:line:col: error: …`),
    /// else the first error line.
    pub diagnostic: Option<String>,
    /// For a failed build: the build's whole error output.
    pub log: Option<String>,
    /// The linked commands.
    pub binaries: Vec<Binary>,
}

/// One linked executable.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Binary {
    /// File name (the command's default name).
    pub name: String,
    /// Where it was written (inside the comparison's work directory, or
    /// `--keep DIR`).
    pub path: String,
    /// File size, bytes.
    pub bytes: u64,
    /// The file's sections by kind, bytes.
    pub sections: Sections,
}

/// Section bytes by kind (file contents; `.bss` takes none). The kinds sum
/// to less than the file: headers and alignment are not in any section.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sections {
    /// Allocated and executable: `.text`, `.plt`, `.init` ….
    pub text: u64,
    /// Allocated, not executable: `.rodata`, `.data`, `.data.rel.ro`, `.eh_frame` ….
    pub data: u64,
    /// `.go_export`: gccgo's export data (nothing reads it at run time).
    pub export: u64,
    /// `.debug_*`, `.symtab`, `.strtab`: what `strip` removes.
    pub debug: u64,
    /// Everything else (`.comment`, `.note.*`, `.shstrtab` …).
    pub other: u64,
}

impl Sections {
    /// The kinds with their names, in report order.
    pub fn kinds(&self) -> [(&'static str, u64); 5] {
        [
            ("text", self.text),
            ("data", self.data),
            ("export", self.export),
            ("debug", self.debug),
            ("other", self.other),
        ]
    }
}

/// What one binary did under `--run`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Run {
    /// The command line run (runner included).
    pub argv: Vec<String>,
    /// `exit status N`, `killed by signal N`, or why it could not start.
    pub status: String,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// Whether stdout equals the reference column's.
    pub same_stdout: bool,
    /// Whether stderr equals the reference column's.
    pub same_stderr: bool,
    /// Whether the status equals the reference column's.
    pub same_status: bool,
    /// The first line that differs from the reference, when one does.
    pub first_difference: Option<Difference>,
}

/// The first differing line of one stream.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Difference {
    /// `stdout` or `stderr`.
    pub stream: String,
    /// 1-based line number.
    pub line: usize,
    /// The reference's line (empty past its end).
    pub reference: String,
    /// This column's line (empty past its end).
    pub this: String,
}

/// Test results, one row per test (`package.TestName`, subtests as `Test/sub`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TestMatrix {
    /// Rows, the ones whose results differ first, then by name.
    pub rows: Vec<TestRow>,
}

/// One test across the columns.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TestRow {
    /// Import path of the package.
    pub package: String,
    /// Test name (`TestX`, `TestX/sub`, `ExampleY`); empty for the package's own result.
    pub test: String,
    /// Per column, in column order: `pass`, `fail`, `skip`, `did not build`, or `-` (not run).
    pub results: Vec<String>,
    /// Whether the columns disagree.
    pub differs: bool,
}

/// The first line at which `a` and `b` differ, for stream `stream`.
pub fn first_difference(stream: &str, a: &str, b: &str) -> Option<Difference> {
    if a == b {
        return None;
    }
    let (mut la, mut lb) = (a.split('\n'), b.split('\n'));
    let mut line = 1;
    loop {
        match (la.next(), lb.next()) {
            (Some(x), Some(y)) if x == y => line += 1,
            (None, None) => return None,
            (x, y) => {
                return Some(Difference {
                    stream: stream.to_string(),
                    line,
                    reference: x.unwrap_or("").to_string(),
                    this: y.unwrap_or("").to_string(),
                });
            }
        }
    }
}

impl Report {
    /// Sets each run's `same_*` flags and first difference against the
    /// first column that ran.
    pub fn compare_runs(&mut self) {
        let Some(reference) = self.columns.iter().find_map(|c| c.run.clone()) else {
            return;
        };
        for c in &mut self.columns {
            if let Some(r) = &mut c.run {
                r.same_stdout = r.stdout == reference.stdout;
                r.same_stderr = r.stderr == reference.stderr;
                r.same_status = r.status == reference.status;
                r.first_difference = first_difference("stdout", &reference.stdout, &r.stdout)
                    .or_else(|| first_difference("stderr", &reference.stderr, &r.stderr));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_difference_names_the_line() {
        assert_eq!(first_difference("stdout", "a\nb\n", "a\nb\n"), None);
        let d = first_difference("stdout", "a\nb\nc\n", "a\nB\nc\n").unwrap();
        assert_eq!(
            (d.line, d.reference.as_str(), d.this.as_str()),
            (2, "b", "B")
        );
        let d = first_difference("stderr", "a\n", "a\nmore\n").unwrap();
        assert_eq!(
            (d.line, d.reference.as_str(), d.this.as_str()),
            (2, "", "more")
        );
    }
}
