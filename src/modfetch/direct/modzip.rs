//! Module zips made from a repository tree, as cmd/go's `codeRepo.Zip`
//! and golang.org/x/mod/zip's `Create` make them: the files of `git
//! archive` below the module's directory, renamed to `path@version/…`,
//! without the files go leaves out — vendored packages (`isVendoredPackage`,
//! with its historical offset kept, since module sums depend on it),
//! directories holding another go.mod (nested modules), symbolic links,
//! `.hg_archival.txt` — plus the repository's LICENSE when the module is
//! in a subdirectory that has none. Any other bad file name fails the zip,
//! as `Create` does.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::modfetch::zip::{MAX_GO_MOD, MAX_LICENSE, MAX_ZIP_FILE};

/// `isVendoredPackage`: a file in a package under a `vendor/` directory
/// (`vendor/modules.txt` and files directly in `vendor/` are kept). For a
/// nested `/vendor/` go skips only `len("/vendor/")` bytes from the start
/// of the name (golang.org/issue/31562); kept for identical sums.
pub fn is_vendored_package(name: &str) -> bool {
    let i = if name.starts_with("vendor/") {
        "vendor/".len()
    } else if name.contains("/vendor/") {
        "/vendor/".len()
    } else {
        return false;
    };
    name.get(i..).is_some_and(|rest| rest.contains('/'))
}

/// Selects the module's files from (name, is_symlink, data) entries of
/// the tree rooted at the module directory (`checkFiles`).
///
/// Errors: a file name `module.CheckFilePath` refuses, case-colliding
/// names, or go's size limits.
pub fn select(files: Vec<(String, bool, Vec<u8>)>) -> Result<Vec<(String, Vec<u8>)>> {
    let mut have_go_mod = BTreeSet::new();
    for (p, link, _) in &files {
        let (dir, base) = match p.rfind('/') {
            Some(i) => (&p[..=i], &p[i + 1..]),
            None => ("", p.as_str()),
        };
        if base.eq_ignore_ascii_case("go.mod") && !link {
            have_go_mod.insert(dir.to_string());
        }
    }
    let in_submodule = |p: &str| {
        let mut p = p;
        while let Some(i) = p.rfind('/') {
            let dir = &p[..=i];
            if have_go_mod.contains(dir) {
                return true;
            }
            p = &p[..i];
        }
        false
    };
    let mut out = Vec::new();
    let mut folded = BTreeMap::new();
    let mut total = 0u64;
    for (p, link, data) in files {
        if is_vendored_package(&p) || in_submodule(&p) || p == ".hg_archival.txt" || link {
            continue;
        }
        if let Err(why) = crate::modfetch::zip::check_file_path(&p) {
            bail!("malformed file path {p:?}: {why}");
        }
        if p.eq_ignore_ascii_case("go.mod") && p != "go.mod" {
            bail!("{p:?}: go.mod file not in module root directory");
        }
        if let Some(other) = folded.insert(p.to_lowercase(), p.clone()) {
            bail!("case-insensitive file name collision: {other:?} and {p:?}");
        }
        let size = data.len() as u64;
        total += size;
        if total > MAX_ZIP_FILE {
            bail!("module source tree too large (max size is {MAX_ZIP_FILE} bytes)");
        }
        if p == "go.mod" && size > MAX_GO_MOD {
            bail!("go.mod file too large (max size is {MAX_GO_MOD} bytes)");
        }
        if p == "LICENSE" && size > MAX_LICENSE {
            bail!("LICENSE file too large (max size is {MAX_LICENSE} bytes)");
        }
        out.push((p, data));
    }
    Ok(out)
}

/// Reads a `git archive --prefix=prefix/` zip: the regular files and
/// symlinks below `subdir` (relative to it), as (name, is_symlink, data).
///
/// Errors: the archive does not read as a zip.
pub fn read_archive(archive: &Path, subdir: &str) -> Result<Vec<(String, bool, Vec<u8>)>> {
    let f =
        std::fs::File::open(archive).with_context(|| format!("opening {}", archive.display()))?;
    let mut z = zip::ZipArchive::new(f).context("reading git archive's zip")?;
    let prefix = if subdir.is_empty() {
        "prefix/".to_string()
    } else {
        format!("prefix/{subdir}/")
    };
    let mut out = Vec::new();
    for i in 0..z.len() {
        let mut e = z.by_index(i).context("reading git archive's zip")?;
        let name = String::from_utf8_lossy(e.name_raw()).into_owned();
        let Some(rel) = name.strip_prefix(&prefix) else {
            continue;
        };
        if rel.is_empty() || rel.ends_with('/') || e.is_dir() {
            continue;
        }
        let link = e.is_symlink();
        let mut data = Vec::new();
        e.read_to_end(&mut data)
            .with_context(|| format!("reading {name} from git archive"))?;
        out.push((rel.to_string(), link, data));
    }
    Ok(out)
}

/// Writes the module zip of `path@version` holding `files` (deflated,
/// each under `path@version/`) to `out`.
///
/// Errors: I/O.
pub fn write(out: &Path, path: &str, version: &str, files: &[(String, Vec<u8>)]) -> Result<()> {
    let f = std::fs::File::create(out).with_context(|| format!("creating {}", out.display()))?;
    let mut z = zip::ZipWriter::new(f);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in files {
        z.start_file(format!("{path}@{version}/{name}"), opts)
            .and_then(|_| Ok(z.write_all(data)?))
            .with_context(|| format!("writing {}", out.display()))?;
    }
    z.finish()
        .with_context(|| format!("writing {}", out.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_go_leaves_out_of_module_zips() {
        assert!(is_vendored_package("vendor/x/x.go"));
        assert!(!is_vendored_package("vendor/modules.txt"));
        // go's offset quirk: "a/vendor/b.go" counts as vendored ("dor/b.go" has a slash).
        assert!(is_vendored_package("a/vendor/b.go"));
        let f = |n: &str| (n.to_string(), false, b"x".to_vec());
        let kept = select(vec![
            f("go.mod"),
            f("a.go"),
            f("vendor/modules.txt"),
            f("vendor/x/x.go"),
            f("sub/go.mod"),
            f("sub/s.go"),
            f("sub/deeper/d.go"),
            f(".hg_archival.txt"),
            ("link".into(), true, b"a.go".to_vec()),
        ])
        .unwrap();
        let names: Vec<&str> = kept.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["go.mod", "a.go", "vendor/modules.txt"]);
        assert!(select(vec![f("a.go"), f("A.go")]).is_err());
        assert!(select(vec![f("sub/GO.MOD"), f("GO.MOD")]).is_err());
    }
}
