//! The remote side of the cache: read-through on a local miss, write-behind
//! after a local store.
//!
//! ```text
//!  lookup: local entry? ──no──► GET ac/<key> ──► manifest (meta.json as written locally)
//!                                  │               check: format, the action's file names, sizes
//!                                  │          GET cas/<sha256> for each file, check size and sha256
//!                                  │          all good: staged in tmp/, renamed into entries/ → local hit
//!                                  └─ 404, or anything wrong: a miss (the action runs)
//!  store:  local entry written ──► queue ──► uploader thread: HEAD cas/<sha256>, PUT the missing
//!                                            blobs (re-read and checked), then PUT ac/<key> last
//! ```
//!
//! The manifest goes up after its blobs, so a reader never finds one whose
//! blobs are missing (unless the server evicted them: then it is a miss).
//! Nothing fetched is used before its sha256 matches, so a server that
//! returns garbage costs a local build, never a wrong object. A server that
//! cannot be reached, is too slow, or refuses the credentials is not asked
//! again during the build. Problems are reported once per build: the first
//! becomes the build's one warning line.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};

use sha2::{Digest, Sha256};

use super::entry::{self, Meta};
use crate::remote::{Area, Backend, Config, ErrorKind};
use crate::store::FORMAT;

/// The longest manifest accepted, in bytes (a compile's has a few files
/// and the compiler's warnings).
const MAX_MANIFEST: u64 = 1 << 20;

/// State the main thread and the uploader share.
struct Shared {
    /// The server is not asked again during this build.
    down: AtomicBool,
    /// Problems not yet shown, in order.
    problems: Mutex<Vec<String>>,
    /// Whether a problem was shown already (one warning line per build).
    warned: AtomicBool,
    /// Entries uploaded.
    pushed: AtomicUsize,
    /// Blobs found damaged on the server: uploaded again even though the
    /// server has something under their name.
    damaged: Mutex<HashSet<String>>,
}

impl Shared {
    fn problem(&self, text: String) {
        if let Ok(mut p) = self.problems.lock() {
            p.push(text);
        }
    }
}

/// One upload: the entry stored under `key` in `dir`.
struct Upload {
    key: String,
    dir: PathBuf,
}

/// The remote cache of one build.
pub struct Remote {
    cfg: Config,
    client: Box<dyn Backend>,
    shared: Arc<Shared>,
    uploads: Option<mpsc::Sender<Upload>>,
    uploader: Option<std::thread::JoinHandle<()>>,
}

/// What the remote cache gave for one build, for `cache stats`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    /// Entries uploaded.
    pub pushed: usize,
}

impl Remote {
    /// The remote cache of `cfg`, with its uploader thread unless read-only.
    /// Nothing is sent yet.
    pub fn new(cfg: Config) -> Remote {
        let shared = Arc::new(Shared {
            down: AtomicBool::new(false),
            problems: Mutex::new(Vec::new()),
            warned: AtomicBool::new(false),
            pushed: AtomicUsize::new(0),
            damaged: Mutex::new(HashSet::new()),
        });
        let (uploads, uploader) = if cfg.readonly {
            (None, None)
        } else {
            let (tx, rx) = mpsc::channel::<Upload>();
            let mut client = cfg.connect();
            let sh = Arc::clone(&shared);
            let url = cfg.url().to_string();
            let handle = std::thread::Builder::new()
                .name("remote-cache-upload".into())
                .spawn(move || {
                    for up in rx {
                        if !sh.down.load(Ordering::Relaxed) {
                            push(client.as_mut(), &sh, &url, &up);
                        }
                    }
                })
                .ok();
            (handle.is_some().then_some(tx), handle)
        };
        Remote {
            client: cfg.connect(),
            cfg,
            shared,
            uploads,
            uploader,
        }
    }

    /// A request failed: the server is not asked again during this build.
    fn unreachable(&self, e: &crate::remote::Error) {
        fail(&self.shared, self.cfg.url(), e);
    }

    /// Looks `key` up on the server and, when it has a sound entry with
    /// the files `names`, stores it locally as `dest` (staged in `tmp`).
    /// Returns whether it did; every failure is a miss (and maybe a problem
    /// for `take_warning`).
    pub fn fetch(
        &mut self,
        key: &str,
        label: &str,
        names: &[String],
        dest: &Path,
        tmp: &Path,
    ) -> bool {
        if self.shared.down.load(Ordering::Relaxed) {
            return false;
        }
        let manifest = match self.client.get(Area::Ac, key, MAX_MANIFEST) {
            Ok(Some(m)) => m,
            Ok(None) => return false,
            Err(e) if e.kind == ErrorKind::TooLarge => {
                self.garbage(label, "its manifest is too large");
                return false;
            }
            Err(e) => {
                self.unreachable(&e);
                return false;
            }
        };
        let meta = match check_manifest(&manifest, names) {
            Ok(m) => m,
            Err(why) => {
                self.garbage(label, &why);
                return false;
            }
        };
        let mut blobs = Vec::with_capacity(meta.files.len());
        for f in &meta.files {
            match self.client.get(Area::Cas, &f.sha256, f.size) {
                Ok(Some(b)) if b.len() as u64 == f.size && sha256(&b) == f.sha256 => blobs.push(b),
                // The server evicted the blob but kept the manifest: a miss.
                Ok(None) => return false,
                Ok(Some(_)) => {
                    self.damaged(label, &f.name, &f.sha256);
                    return false;
                }
                Err(e) if e.kind == ErrorKind::TooLarge => {
                    self.damaged(label, &f.name, &f.sha256);
                    return false;
                }
                Err(e) => {
                    self.unreachable(&e);
                    return false;
                }
            }
        }
        entry::place(dest, tmp, &meta, &blobs).is_ok()
    }

    /// The server's entry of `label` is not one this build can use.
    fn garbage(&self, label: &str, why: &str) {
        self.shared.problem(format!(
            "remote cache {}: the entry of {label} is unusable ({why}); building it here",
            self.cfg.url()
        ));
    }

    /// A blob on the server does not have the contents its name says.
    fn damaged(&self, label: &str, file: &str, sha: &str) {
        if let Ok(mut d) = self.shared.damaged.lock() {
            d.insert(sha.to_string());
        }
        self.shared.problem(format!(
            "remote cache {}: the {file} of {label} is damaged on the server (sha256 mismatch \
             of cas/{sha}); building it here{}",
            self.cfg.url(),
            if self.cfg.readonly {
                ""
            } else {
                " and uploading it again"
            }
        ));
    }

    /// Queues the entry stored under `key` in `dir` for upload (nothing
    /// when read-only or the server is down).
    pub fn push(&self, key: &str, dir: &Path) {
        if self.shared.down.load(Ordering::Relaxed) {
            return;
        }
        if let Some(tx) = &self.uploads {
            let _ = tx.send(Upload {
                key: key.to_string(),
                dir: dir.to_path_buf(),
            });
        }
    }

    /// The build's remote-cache warning, once: the first problem found, if
    /// it has not been shown yet. Later problems are dropped.
    pub fn take_warning(&self) -> Option<String> {
        let mut p = self.shared.problems.lock().ok()?;
        let first = (!p.is_empty()).then(|| p.remove(0));
        p.clear();
        let first = first?;
        (!self.shared.warned.swap(true, Ordering::Relaxed)).then_some(first)
    }

    /// Waits for the queued uploads (each bounded by the request timeout;
    /// none once the server is down) and returns the counts.
    pub fn finish(&mut self) -> Counts {
        self.uploads = None;
        if let Some(h) = self.uploader.take() {
            let _ = h.join();
        }
        Counts {
            pushed: self.shared.pushed.load(Ordering::Relaxed),
        }
    }
}

/// Records that the server failed a request and is not asked again.
fn fail(shared: &Shared, url: &str, e: &crate::remote::Error) {
    if !shared.down.swap(true, Ordering::Relaxed) {
        shared.problem(format!(
            "remote cache {url}: {e}; building without it for the rest of this build"
        ));
    }
}

/// Parses and checks a manifest: this format, the action's file names in
/// order, sha256 names of 64 hex digits. The error says what is wrong.
fn check_manifest(bytes: &[u8], names: &[String]) -> Result<Meta, String> {
    let meta: Meta = serde_json::from_slice(bytes)
        .map_err(|_| "its manifest is not JSON of an entry".to_string())?;
    if meta.format != FORMAT {
        return Err(format!("manifest format {:?}, not {FORMAT}", meta.format));
    }
    let got: Vec<&str> = meta.files.iter().map(|f| f.name.as_str()).collect();
    if got != names.iter().map(String::as_str).collect::<Vec<_>>() {
        return Err(format!("its files are {got:?}, not {names:?}"));
    }
    let hex64 = |s: &str| s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit());
    if let Some(f) = meta.files.iter().find(|f| !hex64(&f.sha256)) {
        return Err(format!("{} has no sha256", f.name));
    }
    Ok(meta)
}

fn sha256(b: &[u8]) -> String {
    crate::store::hex(&Sha256::digest(b))
}

/// Uploads one entry: each blob the server lacks (or holds damaged), read
/// again from the local entry and checked against its sha256, then the
/// manifest. An entry that changed or vanished locally (a concurrent trim)
/// is skipped; a server error stops all uploads.
fn push(client: &mut dyn Backend, sh: &Shared, url: &str, up: &Upload) {
    let Ok(manifest) = std::fs::read(up.dir.join("meta.json")) else {
        return;
    };
    let Ok(meta) = serde_json::from_slice::<Meta>(&manifest) else {
        return;
    };
    for f in &meta.files {
        let forced = sh.damaged.lock().is_ok_and(|d| d.contains(&f.sha256));
        if !forced {
            match client.contains(Area::Cas, &f.sha256) {
                Ok(true) => continue,
                Ok(false) => {}
                Err(e) => return fail(sh, url, &e),
            }
        }
        let Ok(bytes) = std::fs::read(up.dir.join(&f.name)) else {
            return;
        };
        if sha256(&bytes) != f.sha256 {
            return; // never push what the manifest does not describe
        }
        if let Err(e) = client.put(Area::Cas, &f.sha256, &bytes) {
            return fail(sh, url, &e);
        }
    }
    match client.put(Area::Ac, &up.key, &manifest) {
        Ok(()) => {
            sh.pushed.fetch_add(1, Ordering::Relaxed);
        }
        Err(e) => fail(sh, url, &e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests_are_checked() {
        let names = vec!["object".to_string(), "export".to_string()];
        let good = format!(
            r#"{{"format":"{FORMAT}","label":"a","output":"","files":[
                {{"name":"object","size":1,"sha256":"{0}"}},
                {{"name":"export","size":1,"sha256":"{0}"}}]}}"#,
            "a".repeat(64)
        );
        assert!(check_manifest(good.as_bytes(), &names).is_ok());
        assert!(
            check_manifest(b"<html>", &names)
                .unwrap_err()
                .contains("not JSON")
        );
        let other = good.replace("\"export\"", "\"exe\"");
        assert!(
            check_manifest(other.as_bytes(), &names)
                .unwrap_err()
                .contains("files are")
        );
        let short = good.replace(&"a".repeat(64), "abc");
        assert!(
            check_manifest(short.as_bytes(), &names)
                .unwrap_err()
                .contains("no sha256")
        );
    }
}
