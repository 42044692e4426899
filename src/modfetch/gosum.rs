//! go.sum (and go.work.sum): `path version h1:…` and
//! `path version/go.mod h1:…` lines, read, checked and written back as
//! cmd/go/internal/modfetch does (`readGoSum`, `haveModSumLocked`,
//! `WriteGoSum`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// The go command's text after a go.sum mismatch (`goSumMismatch`).
pub const GO_SUM_MISMATCH: &str = "\n\nSECURITY ERROR\nThis download does NOT match an earlier download recorded in go.sum.\nThe bits may have been replaced on the origin server, or an attacker may\nhave intercepted the download attempt.\n\nFor more information, see 'go help module-auth'.";

/// (path, version or `version/go.mod`) → its `h1:` hashes.
type Sums = BTreeMap<(String, String), Vec<String>>;

/// The checksums of one go.sum file plus those added this run.
#[derive(Debug, Default, Clone)]
pub struct GoSum {
    /// The file written back (`None`: nothing is written, e.g. GOPATH mode).
    pub file: Option<PathBuf>,
    /// (path, version or `version/go.mod`) → hashes, as read and added.
    sums: Sums,
    /// Other files whose sums count (go.work.sum beside a workspace's go.sums).
    extra: Vec<(PathBuf, Sums)>,
    /// Entries added since reading.
    dirty: bool,
}

/// What go.sum says of a hash.
#[derive(Debug, PartialEq, Eq)]
pub enum Check {
    /// Listed.
    Ok,
    /// No `h1:` line for this module version.
    Missing,
    /// A different `h1:` is listed: (file name, recorded hash).
    Mismatch(String, String),
}

/// Parses go.sum text. Errors: a line without three fields, naming file:line (`readGoSum`).
fn parse(file: &Path, text: &str) -> Result<Sums> {
    let mut m: Sums = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.is_empty() {
            continue;
        }
        if f.len() != 3 {
            bail!(
                "malformed go.sum:\n{}:{}: wrong number of fields {}",
                file.display(),
                i + 1,
                f.len()
            );
        }
        m.entry((f[0].to_string(), f[1].to_string()))
            .or_default()
            .push(f[2].to_string());
    }
    Ok(m)
}

impl GoSum {
    /// Reads `file` (absent is empty) and `extra` files (go.work.sum and
    /// the workspace modules' go.sums), which are only read.
    ///
    /// Errors: an unreadable or malformed file.
    pub fn read(file: Option<&Path>, extra: &[PathBuf]) -> Result<GoSum> {
        let mut g = GoSum {
            file: file.map(Path::to_path_buf),
            ..GoSum::default()
        };
        if let Some(f) = file
            && let Ok(text) = std::fs::read_to_string(f)
        {
            g.sums = parse(f, &text)?;
        }
        for f in extra {
            if let Ok(text) = std::fs::read_to_string(f) {
                g.extra.push((f.clone(), parse(f, &text)?));
            }
        }
        Ok(g)
    }

    /// Whether some file lists an `h1:` for `path` `version` (`version` may
    /// end in `/go.mod`): `modfetch.HaveSum`.
    pub fn has(&self, path: &str, version: &str) -> bool {
        let key = (path.to_string(), version.to_string());
        self.sums.get(&key).is_some_and(|v| !v.is_empty())
            || self.extra.iter().any(|(_, m)| m.contains_key(&key))
    }

    /// Compares `h` with what go.sum records for `path` `version`.
    pub fn check(&self, path: &str, version: &str, h: &str) -> Check {
        let key = (path.to_string(), version.to_string());
        let own = self.file.as_deref().map(file_name).unwrap_or_default();
        let lists = self.sums.get(&key).map(|v| (own, v)).into_iter().chain(
            self.extra
                .iter()
                .filter_map(|(f, m)| m.get(&key).map(|v| (f.display().to_string(), v))),
        );
        let mut found = Check::Missing;
        for (name, hashes) in lists {
            for vh in hashes {
                if vh == h {
                    found = Check::Ok;
                } else if vh.starts_with("h1:") {
                    return Check::Mismatch(name.clone(), vh.clone());
                }
            }
        }
        found
    }

    /// Records `h` for `path` `version` (written by `save`).
    pub fn add(&mut self, path: &str, version: &str, h: &str) {
        let v = self
            .sums
            .entry((path.to_string(), version.to_string()))
            .or_default();
        if !v.iter().any(|x| x == h) {
            v.push(h.to_string());
            self.dirty = true;
        }
    }

    /// Writes the file back if something was added: lines sorted by path,
    /// then version (`x/go.mod` after `x`), as `WriteGoSum`.
    ///
    /// Errors: the file cannot be written.
    pub fn save(&mut self) -> Result<()> {
        let Some(file) = &self.file else {
            return Ok(());
        };
        if !self.dirty {
            return Ok(());
        }
        let mut keys: Vec<&(String, String)> = self.sums.keys().collect();
        keys.sort_by(|a, b| {
            let (av, ag) = split_gomod(&a.1);
            let (bv, bg) = split_gomod(&b.1);
            a.0.cmp(&b.0)
                .then_with(|| super::semver::compare(av, bv))
                .then_with(|| av.cmp(bv))
                .then(ag.cmp(&bg))
        });
        let mut text = String::new();
        for k in keys {
            let mut hs = self.sums[k].clone();
            hs.sort();
            for h in hs {
                text.push_str(&format!("{} {} {h}\n", k.0, k.1));
            }
        }
        super::cache::write_atomic(file, text.as_bytes())
            .with_context(|| format!("updating go.sum {}", file.display()))?;
        self.dirty = false;
        Ok(())
    }
}

/// A version without `/go.mod`, and whether it had it.
fn split_gomod(v: &str) -> (&str, bool) {
    match v.strip_suffix("/go.mod") {
        Some(x) => (x, true),
        None => (v, false),
    }
}

/// "go.sum" or "go.work.sum", as the go command names the file in messages.
fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "go.sum".into())
}
