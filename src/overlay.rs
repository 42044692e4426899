//! Overlay: the go command's `-overlay FILE`, a JSON file
//! `{"Replace": {"/abs/path/file.go": "/abs/replacement.go", "/abs/gone.go": ""}}`
//! that replaces (or, with `""`, deletes) source files without touching the
//! tree. Relative paths are taken relative to the directory the command runs
//! in, as `cmd/go/internal/fsys` does.
//!
//! This module only answers "what does this file contain, which files does
//! this directory hold": `scan` reads through it, and records the
//! replacement of each chosen file so that `plan` hands the compiler the
//! replacement path (gccgo takes file paths, not contents).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};

use crate::resolve::clean;
use crate::scan::{Disk, SourceReader};

/// A parsed overlay: absolute, cleaned paths to their replacement (`None`
/// for a deleted file).
#[derive(Debug, Clone, Default)]
pub struct Overlay {
    replace: BTreeMap<PathBuf, Option<PathBuf>>,
}

#[derive(serde::Deserialize)]
struct OverlayJson {
    #[serde(rename = "Replace")]
    replace: Option<BTreeMap<String, String>>,
}

impl Overlay {
    /// Reads an overlay file; relative paths in it are relative to `cwd`.
    ///
    /// Errors, as the go command words them: the file cannot be read, is not
    /// JSON of that shape, has an empty key, or names a path twice after
    /// cleaning; a replacement that does not exist is reported with the
    /// path it replaces.
    pub fn read(file: &Path, cwd: &Path) -> Result<Overlay> {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("reading overlay file {}", file.display()))?;
        Overlay::parse(&text, cwd).with_context(|| format!("overlay file {}", file.display()))
    }

    /// Parses overlay JSON text; relative paths are relative to `cwd`.
    ///
    /// Errors: see `read`.
    pub fn parse(text: &str, cwd: &Path) -> Result<Overlay> {
        let j: OverlayJson = serde_json::from_str(text)
            .context("parsing overlay JSON (want {\"Replace\": {\"from\": \"to\"}})")?;
        let mut replace = BTreeMap::new();
        for (from, to) in j.replace.unwrap_or_default() {
            if from.is_empty() {
                bail!("empty string key in overlay file Replace map");
            }
            let key = clean(&cwd.join(&from));
            let val = if to.is_empty() {
                None
            } else {
                let to_path = clean(&cwd.join(&to));
                if !to_path.is_file() {
                    bail!(
                        "replacement {} for {from} does not exist or is not a file",
                        to_path.display()
                    );
                }
                Some(to_path)
            };
            if replace.insert(key.clone(), val).is_some() {
                bail!(
                    "duplicate paths {} in overlay file Replace map",
                    key.display()
                );
            }
        }
        Ok(Overlay { replace })
    }

    /// Whether the overlay replaces nothing.
    pub fn is_empty(&self) -> bool {
        self.replace.is_empty()
    }

    /// Seeds the listing memo in force (`scan::seed_listing`) with each
    /// directory the overlay touches, as the overlay shows it: its files
    /// (`list`) and the subdirectories on disk; so a package whose files
    /// or whole directory exist only in the overlay is found by the
    /// resolver, as go's `fsys` shows it to the loader.
    pub fn seed_listings(&self) {
        let dirs: BTreeSet<&Path> = self.replace.keys().filter_map(|k| k.parent()).collect();
        for dir in dirs {
            let Ok(files) = self.list(dir) else {
                continue;
            };
            let mut entries: Vec<crate::scan::DirEntry> = crate::scan::listing(dir)
                .map(|l| l.iter().filter(|e| !e.is_file).cloned().collect())
                .unwrap_or_default();
            entries.extend(files.into_iter().map(|name| crate::scan::DirEntry {
                name,
                is_file: true,
            }));
            crate::scan::seed_listing(dir, entries);
        }
    }
}

impl SourceReader for Overlay {
    fn read(&self, path: &Path) -> std::io::Result<String> {
        match self.replace.get(&clean(path)) {
            Some(Some(r)) => std::fs::read_to_string(r),
            Some(None) => Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("{} is deleted by the overlay", path.display()),
            )),
            None => Disk.read(path),
        }
    }

    fn list(&self, dir: &Path) -> std::io::Result<Vec<String>> {
        let dir = clean(dir);
        let added: Vec<(&PathBuf, &Option<PathBuf>)> = self
            .replace
            .iter()
            .filter(|(k, _)| k.parent() == Some(dir.as_path()))
            .collect();
        let mut names: BTreeSet<String> = match Disk.list(&dir) {
            Ok(v) => v.into_iter().collect(),
            // A directory that exists only in the overlay.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !added.is_empty() => {
                BTreeSet::new()
            }
            Err(e) => return Err(e),
        };
        for (k, v) in added {
            let Some(name) = k.file_name().map(|n| n.to_string_lossy().into_owned()) else {
                continue;
            };
            match v {
                Some(_) => names.insert(name),
                None => names.remove(&name),
            };
        }
        Ok(names.into_iter().collect())
    }

    fn replacement(&self, path: &Path) -> Option<PathBuf> {
        self.replace.get(&clean(path)).cloned().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_adds_and_deletes() {
        let d = tempfile::tempdir().unwrap();
        let pkg = d.path().join("p");
        std::fs::create_dir(&pkg).unwrap();
        std::fs::write(pkg.join("a.go"), "package p\n").unwrap();
        std::fs::write(pkg.join("b.go"), "package p\n").unwrap();
        std::fs::write(d.path().join("new.go"), "package p // new\n").unwrap();
        let json = r#"{"Replace": {"p/a.go": "new.go", "p/b.go": "", "p/c.go": "new.go"}}"#;
        let o = Overlay::parse(json, d.path()).unwrap();
        assert_eq!(o.list(&pkg).unwrap(), ["a.go", "c.go"]);
        assert_eq!(o.read(&pkg.join("a.go")).unwrap(), "package p // new\n");
        assert!(o.read(&pkg.join("b.go")).is_err());
        assert_eq!(
            o.replacement(&pkg.join("c.go")),
            Some(d.path().join("new.go"))
        );
        assert_eq!(o.replacement(&d.path().join("x.go")), None);
    }

    #[test]
    fn bad_overlays_are_errors() {
        let d = tempfile::tempdir().unwrap();
        let e = Overlay::parse(r#"{"Replace": {"a.go": "missing.go"}}"#, d.path()).unwrap_err();
        assert!(e.to_string().contains("missing.go"), "{e}");
        let e = Overlay::parse(r#"{"Replace": {"": ""}}"#, d.path()).unwrap_err();
        assert!(e.to_string().contains("empty string key"), "{e}");
        assert!(Overlay::parse("[1]", d.path()).is_err());
    }
}
