//! Module zips checked and extracted as golang.org/x/mod/zip's `Unzip`
//! (and the go command's `downloadZip` checks) require: every entry under
//! `path@version/`, file paths that `module.CheckFilePath` accepts (no
//! `..`, no absolute path, no backslash or control character), no two
//! entries equal when case is folded, no symlink or other special entry,
//! go's size limits, and — beyond go — a go.mod that is the one the proxy
//! served. Everything is checked before the first byte is written, so a
//! refused zip writes nothing.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;

use anyhow::{Context, Result, bail};

/// golang.org/x/mod/zip's `MaxZipFile`: the zip file and the total size
/// of its files, in bytes.
pub const MAX_ZIP_FILE: u64 = 500 << 20;
/// `MaxGoMod`: the largest go.mod, in bytes.
pub const MAX_GO_MOD: u64 = 16 << 20;
/// `MaxLICENSE`: the largest LICENSE, in bytes.
pub const MAX_LICENSE: u64 = 16 << 20;

/// One entry to extract: its index and the path below the module root.
struct Entry {
    index: usize,
    rel: String,
    size: u64,
}

/// `module.CheckFilePath`'s rules (simplified to what matters on Unix):
/// slash-separated, not absolute, no empty, `.` or `..` element, no
/// backslash, colon or control character, no element ending in a dot.
pub(crate) fn check_file_path(rel: &str) -> Result<(), String> {
    if rel.is_empty() {
        return Err("empty string".into());
    }
    if rel.starts_with('/') {
        return Err("leading slash".into());
    }
    for elem in rel.split('/') {
        if elem.is_empty() {
            return Err("empty path element".into());
        }
        if elem == "." || elem == ".." {
            return Err(format!("invalid path element {elem:?}"));
        }
        if let Some(c) = elem.chars().find(|c| {
            c.is_control()
                || matches!(
                    c,
                    '\\' | ':' | '"' | '*' | '<' | '>' | '?' | '`' | '\'' | '|'
                )
        }) {
            return Err(format!("invalid char {c:?}"));
        }
    }
    Ok(())
}

/// Checks the module zip `zip_file` of `path@version` and lists what to
/// extract. `go_mod` is the go.mod the proxy served (`.mod`); a root go.mod
/// in the zip must equal it.
///
/// Errors (each naming the module and the entry): see the module doc.
fn check(
    z: &mut zip::ZipArchive<std::fs::File>,
    zip_size: u64,
    path: &str,
    version: &str,
    go_mod: Option<&[u8]>,
) -> Result<Vec<Entry>> {
    let module = format!("{path}@{version}");
    let prefix = format!("{module}/");
    if zip_size > MAX_ZIP_FILE {
        bail!("{module}: module zip file is too large ({zip_size} bytes; limit is {MAX_ZIP_FILE})");
    }
    let mut seen = BTreeSet::new();
    let mut total = 0u64;
    let mut out = Vec::new();
    for i in 0..z.len() {
        let e = z
            .by_index_raw(i)
            .with_context(|| format!("{module}: reading the module zip"))?;
        let Ok(name) = String::from_utf8(e.name_raw().to_vec()) else {
            bail!("{module}: the zip has a file name that is not UTF-8");
        };
        let Some(rel) = name.strip_prefix(&prefix) else {
            bail!("zip for {module} has unexpected file {name}");
        };
        if let Err(why) = check_file_path(rel) {
            bail!("{module}: malformed file path {rel:?}: {why}");
        }
        if e.is_symlink() {
            bail!(
                "{module}: {rel}: the zip holds a symbolic link; module zips hold only regular files"
            );
        }
        if e.is_dir() {
            continue;
        }
        if !seen.insert(rel.to_lowercase()) {
            bail!("{module}: multiple entries for file {rel:?} (names equal when case is folded)");
        }
        let size = e.size();
        total = total.saturating_add(size);
        if total > MAX_ZIP_FILE {
            bail!("{module}: total size of extracted files exceeds {MAX_ZIP_FILE} bytes");
        }
        if rel == "go.mod" && size > MAX_GO_MOD {
            bail!("{module}: go.mod file too large ({size} bytes; limit is {MAX_GO_MOD})");
        }
        if rel == "LICENSE" && size > MAX_LICENSE {
            bail!("{module}: LICENSE file too large ({size} bytes; limit is {MAX_LICENSE})");
        }
        out.push(Entry {
            index: i,
            rel: rel.to_string(),
            size,
        });
    }
    if let (Some(want), Some(e)) = (go_mod, out.iter().find(|e| e.rel == "go.mod")) {
        let mut have = Vec::new();
        z.by_index(e.index)
            .and_then(|mut f| Ok(f.read_to_end(&mut have)?))
            .with_context(|| format!("{module}: reading go.mod in the module zip"))?;
        if have != want && !version.ends_with("+incompatible") {
            bail!(
                "{module}: the go.mod in the module zip differs from the go.mod the proxy served \
                 (its .mod file); the proxy is inconsistent — refusing to extract"
            );
        }
    }
    Ok(out)
}

/// Checks `zip_file` (the zip of `path@version`) and extracts it into
/// `dest` (created; must not exist), files read-only (0444) as `Unzip`.
/// `go_mod`: the go.mod the proxy served, compared with the zip's.
///
/// Errors: any check of the module doc (nothing is written then), or I/O;
/// on an I/O error midway the caller removes `dest`.
pub fn extract(
    zip_file: &Path,
    path: &str,
    version: &str,
    dest: &Path,
    go_mod: Option<&[u8]>,
) -> Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let f =
        std::fs::File::open(zip_file).with_context(|| format!("opening {}", zip_file.display()))?;
    let size = f.metadata().map(|m| m.len()).unwrap_or(0);
    let mut z = zip::ZipArchive::new(f).with_context(|| {
        format!(
            "{path}@{version}: reading the module zip {}",
            zip_file.display()
        )
    })?;
    let entries = check(&mut z, size, path, version, go_mod)?;
    std::fs::create_dir_all(dest).with_context(|| format!("creating {}", dest.display()))?;
    for e in entries {
        let target = dest.join(&e.rel);
        if let Some(d) = target.parent() {
            std::fs::create_dir_all(d).with_context(|| format!("creating {}", d.display()))?;
        }
        let mut out = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o444)
            .open(&target)
            .with_context(|| format!("creating {}", target.display()))?;
        let mut r = z
            .by_index(e.index)
            .with_context(|| format!("{path}@{version}: reading {}", e.rel))?;
        let n = std::io::copy(&mut (&mut r).take(e.size + 1), &mut out)
            .with_context(|| format!("{path}@{version}: extracting {}", e.rel))?;
        if n != e.size {
            bail!(
                "{path}@{version}: {}: uncompressed size does not match the zip's directory",
                e.rel
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_paths_as_module_check_file_path() {
        assert!(check_file_path("a/b.go").is_ok());
        assert!(check_file_path("../x").is_err());
        assert!(check_file_path("/etc/passwd").is_err());
        assert!(check_file_path("a/./b").is_err());
        assert!(check_file_path("a\\b").is_err());
    }
}
