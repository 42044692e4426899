//! Exports: the names each standard-library package of a toolchain
//! declares, read from its export data (`<std_dir>/<path>.gox`, an ELF
//! object whose `.go_export` section holds gccgo's text format), so the
//! language gate can tell `strings.Cut` from a name this libgo has.
//!
//! Format v3 (GCC 9 and later; gcc/go/export.cc): a header (`v3;`,
//! `package`, `pkgpath`, `import` … lines), then one declaration a line at
//! column 0 — `func Name (…)`, `var Name <type N>`, `const Name …`, `type N
//! "Name" …` — with inlinable bodies and methods indented below them, and a
//! `checksum` line at the end. Names of other packages are written
//! `<pN>Name` or `"pkg.Name"`, unexported ones `.pkg.name`. Export data of
//! another version is not read (its package is then not checked).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use object::{Object, ObjectSection};
use serde::{Deserialize, Serialize};

use crate::store::Store;

/// The exported names of a toolchain's standard-library packages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StdExports {
    /// Import path → the exported names its export data declares
    /// (functions, variables, constants, types). A package whose export
    /// data cannot be read, or is not in format v3, is absent; `unsafe`
    /// (which has none) is absent.
    pub packages: BTreeMap<String, BTreeSet<String>>,
}

impl StdExports {
    /// Whether package `path` declares `name`: `None` when the package's
    /// names are unknown (not a std package of this toolchain, or unread).
    pub fn has(&self, path: &str, name: &str) -> Option<bool> {
        self.packages.get(path).map(|names| names.contains(name))
    }

    /// Reads the export data of every package of `std` (import paths)
    /// under `std_dir`.
    pub fn read(std_dir: &Path, std: &BTreeSet<String>) -> StdExports {
        let mut packages = BTreeMap::new();
        for path in std {
            let Ok(data) = std::fs::read(std_dir.join(format!("{path}.gox"))) else {
                continue;
            };
            if let Some(names) = export_names(&data) {
                packages.insert(path.clone(), names);
            }
        }
        StdExports { packages }
    }

    /// `read`, remembered in the store beside the compiler's other facts
    /// (`compilers/<hash>.names.json`, keyed by the std directory, the GCC
    /// version and the size and mtime of its `fmt.gox`, which a libgo
    /// upgrade replaces); `--cache off` reads every time. Reading costs
    /// ~4 MB of export data for ~150 packages.
    pub fn of(
        std_dir: &Path,
        std: &BTreeSet<String>,
        gcc_version: &str,
        store: &Store,
    ) -> StdExports {
        let memo = crate::store::stamp(&std_dir.join("fmt.gox")).and_then(|(size, mtime)| {
            let id = format!(
                "stdnames 1\n{}\n{gcc_version}\n{size}\n{mtime}\n{}",
                std_dir.display(),
                std.len()
            );
            store.memo_path("compilers", &id, ".names.json")
        });
        if let Some(e) = store.read_json(memo.as_deref()) {
            return e;
        }
        let e = StdExports::read(std_dir, std);
        store.write_json(memo.as_deref(), &e);
        e
    }
}

/// The export data in a `.gox` file: its `.go_export` section, or the
/// whole file when it is export data already (starts with `v`).
fn export_data(file: &[u8]) -> Option<Vec<u8>> {
    if file.starts_with(b"v") {
        return Some(file.to_vec());
    }
    let obj = object::File::parse(file).ok()?;
    let sec = obj.section_by_name(".go_export")?;
    sec.data().ok().map(<[u8]>::to_vec)
}

/// The exported names a package's export data declares (format v3; see
/// the module doc), given the `.gox` file's bytes or the export data
/// itself. `None` when there is no export data, or it is of another
/// format version.
pub fn export_names(file: &[u8]) -> Option<BTreeSet<String>> {
    let data = export_data(file)?;
    let text = String::from_utf8_lossy(&data);
    if !text.starts_with("v3;") {
        return None;
    }
    let mut names = BTreeSet::new();
    for line in text.lines() {
        if line.starts_with("checksum ") {
            break;
        }
        let Some((kw, rest)) = line.split_once(' ') else {
            continue;
        };
        let name = match kw {
            "func" | "var" | "const" => rest.split([' ', '(']).next().unwrap_or(""),
            // `type 1 "Builder" <type 45>`, `type 3 "FileInfo" = <type 24>`.
            "type" => match rest.split_once(" \"") {
                Some((n, q)) if n.bytes().all(|b| b.is_ascii_digit()) => {
                    q.split('"').next().unwrap_or("")
                }
                _ => "",
            },
            _ => continue,
        };
        if name.starts_with(char::is_uppercase) && !name.contains('.') {
            names.insert(name.to_string());
        }
    }
    Some(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines of gccgo 11.3.0's strings.gox and os.gox (x86_64), as written.
    const STRINGS_V3: &str = r#"v3;
package strings
pkgpath strings
import errors errors "errors"
import io io "io"
import unsafe unsafe "unsafe"
init strings ~strings errors errors..import
init_graph 1 2 1 3
types 60 4 694 824
type 1 "Builder" <type 45>
 func (b <esc:0x1> <type 32>) .copyCheck ()
 func (b <esc:0x22> <type 32>) String () <type -16>
type 4 ".strings.appendSliceWriter" <type 54>
type 7 "io.Writer" <type 59>
type 17 (? <type 39>, ? <type -21>) <type -15>
type 45 struct { .strings.addr <type 32>; .strings.buf <type 54>; }
func .genSplit (s <type -16>, sep <esc:0x1> <type -16>, sepSave <type -11>, n <type -11>) <type 53>
func Compare (a <esc:0x1> <type -16>, b <esc:0x1> <type -16>) ($ret11 <type -11>) <inl:366>
 // ../../../src/libgo/go/strings/compare.go:13
 { //21
  if (a == b) { //21
 } //0
func Contains (s <esc:0x1> <type -16>, substr <esc:0x1> <type -16>) ($ret42 <type -15>) <inl:140>
func <p2>IndexByteString (s <esc:0x1> <type -16>, c <type -20>) <type -11>
var <p5>.properties <type 50>
var <p5>Digit <type 39>
checksum 6BB23B18D91AE9717375D7066EDF31C036533DEA
func After (x) checksum trailer
"#;

    const OS_V3: &str = r#"v3;
package os
pkgpath os
type 1 "DirEntry" = <type 21>
type 2 "File" <type 180>
var Args <type 209>
const DevNull = "/dev/null"
const ModeAppend <type 25> = 1073741824 
const PathSeparator = 47' 
var ErrClosed <type -19>
var <p3>ErrClosed <type -19>
func ReadFile (name <type -16>) (? <type 18>, ? <type -19>)
"#;

    fn names(text: &str) -> Vec<String> {
        export_names(text.as_bytes()).unwrap().into_iter().collect()
    }

    #[test]
    fn exported_names_of_real_export_data() {
        assert_eq!(names(STRINGS_V3), ["Builder", "Compare", "Contains"]);
        assert_eq!(
            names(OS_V3),
            [
                "Args",
                "DevNull",
                "DirEntry",
                "ErrClosed",
                "File",
                "ModeAppend",
                "PathSeparator",
                "ReadFile"
            ]
        );
        // Another format version is not read.
        assert_eq!(export_names(b"v2;\npackage x\nfunc F ();\n"), None);
        assert_eq!(export_names(b"\x7fELF garbage"), None);
    }

    #[test]
    fn names_of_an_installed_gox_file() {
        // gccgo 12's libgo on Debian; skipped where it is not installed.
        let gox = Path::new("/usr/lib/x86_64-linux-gnu/go/12/x86_64-linux-gnu/strings.gox");
        let Ok(data) = std::fs::read(gox) else {
            eprintln!("SKIPPED: {} not installed", gox.display());
            return;
        };
        let n = export_names(&data).unwrap();
        for want in ["Cut", "Builder", "Reader", "NewReplacer", "EqualFold"] {
            assert!(n.contains(want), "{want} missing from {n:?}");
        }
        assert!(!n.iter().any(|x| x.starts_with('.') || x.contains('.')));
        // gccgo 11 (Go 1.16) has no strings.Cut (Go 1.18).
        let gox11 = Path::new("/usr/lib/x86_64-linux-gnu/go/11/x86_64-linux-gnu/strings.gox");
        if let Ok(data) = std::fs::read(gox11) {
            let n = export_names(&data).unwrap();
            assert!(n.contains("Builder") && !n.contains("Cut"), "{n:?}");
        }
    }
}
