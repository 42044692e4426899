//! Downloading modules as the go command does (cmd/go/internal/modfetch):
//! from the GOPROXY list into GOMODCACHE in go's layout, every go.mod and
//! zip checked against go.sum (and, for a module go.sum does not list yet,
//! the checksum database) before anything is extracted or used.
//!
//! 1. `Env` reads GOPROXY, GONOPROXY/GOPRIVATE, GONOSUMDB, GOSUMDB,
//!    GOINSECURE and GOFLAGS=-modcacherw.
//! 2. `Fetcher::go_mod` serves a module's go.mod (cache, else proxy),
//!    `Fetcher::download` its extracted directory (zip fetched, hashed,
//!    checked, renamed into place; extracted under the version's lock).
//! 3. `mvs::build_list` walks the requirement graph (pruned as go 1.17+)
//!    with those go.mod files; `resolve` calls both.
//!
//! It knows nothing of packages, builds or the command line; it never
//! decides *which* modules a build needs.

pub mod cache;
pub mod direct;
pub mod dirhash;
pub mod gosum;
pub mod mvs;
pub mod proxy;
pub mod query;
pub mod semver;
pub mod status;
pub mod sumdb;
pub mod vquery;
pub mod zip;

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result, anyhow, bail};

use cache::Cache;
use gosum::{Check, GoSum};
use proxy::{FetchError, Source, Spec};

/// `-x`: print each HTTP fetch (`# get URL`) as go does. Set once by the command line.
static TRACE: AtomicBool = AtomicBool::new(false);

/// Whether `-x` tracing is on (`direct` prints its git commands then).
pub(crate) fn trace_on() -> bool {
    TRACE.load(Ordering::Relaxed)
}

/// Turns `-x` fetch tracing on or off for every later `Fetcher`.
pub fn set_trace(on: bool) {
    TRACE.store(on, Ordering::Relaxed);
}

/// The go environment that steers downloads (`go help environment`).
#[derive(Debug, Clone, Default)]
pub struct Env {
    /// GOPROXY (default `https://proxy.golang.org,direct`).
    pub goproxy: String,
    /// GONOPROXY (default GOPRIVATE): globs fetched `direct`.
    pub gonoproxy: String,
    /// GONOSUMDB (default GOPRIVATE): globs not looked up in the checksum database.
    pub gonosumdb: String,
    /// GOSUMDB (default `sum.golang.org`; `off` disables it).
    pub gosumdb: String,
    /// GOINSECURE: globs `direct` may fetch over plain http (only `direct` uses it).
    pub goinsecure: String,
    /// GOFLAGS has `-modcacherw`.
    pub modcacherw: bool,
    /// GOPRIVATE: globs of private modules (GOVCS's `private`).
    pub goprivate: String,
    /// GOVCS: which VCS `direct` may use for which paths (`go help vcs`).
    pub govcs: String,
}

impl Env {
    /// The environment variables with go's defaults (`cfg.GOPROXY` …).
    pub fn from_env() -> Env {
        let var = |k: &str| std::env::var(k).unwrap_or_default();
        let or = |v: String, d: &str| if v.is_empty() { d.to_string() } else { v };
        let private = var("GOPRIVATE");
        let goflags = var("GOFLAGS");
        Env {
            goproxy: or(var("GOPROXY"), "https://proxy.golang.org,direct"),
            gonoproxy: or(var("GONOPROXY"), &private),
            gonosumdb: or(var("GONOSUMDB"), &private),
            gosumdb: or(var("GOSUMDB"), "sum.golang.org"),
            goinsecure: var("GOINSECURE"),
            goprivate: private.clone(),
            govcs: var("GOVCS"),
            modcacherw: goflags
                .split_whitespace()
                .any(|f| f == "-modcacherw" || f == "-modcacherw=true" || f == "--modcacherw"),
        }
    }
}

/// A `.info` file: the version and its commit time (RFC 3339).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct Info {
    /// The canonical version.
    #[serde(rename = "Version")]
    pub version: String,
    /// When it was committed, RFC 3339.
    #[serde(rename = "Time", default)]
    pub time: String,
}

/// Fetches modules into one module cache, checking one go.sum.
pub struct Fetcher {
    /// The module cache.
    pub cache: Cache,
    env: Env,
    list: Vec<Spec>,
    pub(crate) client: proxy::Client,
    /// The checksum database, or why GOSUMDB is unusable (reported only
    /// when a lookup is needed, as go's lazy `dbDial`).
    sumdb: std::result::Result<Option<sumdb::SumDb>, String>,
    /// go.sum, read and added to.
    pub sums: Mutex<GoSum>,
    /// `-mod=readonly` outside workspace mode: a module go.sum lacks is an
    /// error instead of a download (modload's `sumMissingError`).
    pub readonly: bool,
}

/// Largest `.mod`, `.info` or `list` accepted from a proxy, in bytes.
const MAX_SMALL: u64 = 16 << 20;

impl Fetcher {
    /// A fetcher for `modcache` with `env`, checking `sums`.
    ///
    /// Errors: a GOPROXY that does not parse, in go's words (a bad GOSUMDB
    /// fails the first lookup that needs it).
    pub fn new(modcache: PathBuf, env: Env, sums: GoSum, readonly: bool) -> Result<Fetcher> {
        let list = proxy::parse_list(&env.goproxy)?;
        let sumdb = sumdb::SumDb::from_env(&env, &modcache).map_err(|e| format!("{e:#}"));
        Ok(Fetcher {
            cache: Cache {
                root: modcache,
                rw: env.modcacherw,
            },
            list,
            client: proxy::Client::new(TRACE.load(Ordering::Relaxed)),
            sumdb,
            env,
            sums: Mutex::new(sums),
            readonly,
        })
    }

    /// Fetches `rel` (`@v/list`, `@v/v1.2.3.mod` …) of module `path`
    /// through the GOPROXY list (or `direct` for GONOPROXY paths).
    ///
    /// Errors: the most useful failure, as `TryProxies`.
    pub fn fetch(&self, path: &str, rel: &str, limit: u64) -> Result<Vec<u8>, FetchError> {
        let direct = [Spec {
            source: Source::Direct,
            fall_back_on_error: false,
        }];
        let list = if proxy::match_prefix_patterns(&self.env.gonoproxy, path) {
            &direct[..]
        } else {
            &self.list[..]
        };
        proxy::try_each(list, |s| match s {
            Source::Url(base) => self.client.get(&proxy::url(base, path, rel), limit),
            Source::Off => Err(FetchError {
                not_found: true,
                msg: "module lookup disabled by GOPROXY=off".into(),
            }),
            Source::Direct => direct::fetch(self, path, rel),
        })
    }

    /// Whether go.sum lists `path` at `version` (`version/go.mod` for its go.mod).
    pub fn has_sum(&self, path: &str, version: &str) -> bool {
        self.sums.lock().is_ok_and(|s| s.has(path, version))
    }

    /// Checks hash `h` of `path` at `key` (a version, or `version/go.mod`)
    /// as `checkModSum`: go.sum first; a module go.sum lacks is looked up in
    /// the checksum database (unless GONOSUMDB/GOSUMDB=off) and added.
    ///
    /// Errors: go's `verifying …: checksum mismatch … SECURITY ERROR` text,
    /// or a checksum database failure.
    pub fn check_sum(&self, path: &str, key: &str, h: &str) -> Result<()> {
        let check = self
            .sums
            .lock()
            .map_err(|_| anyhow!("go.sum lock poisoned"))?
            .check(path, key, h);
        match check {
            Check::Ok => return Ok(()),
            Check::Mismatch(file, recorded) => bail!(
                "verifying {path}@{key}: checksum mismatch\n\tdownloaded: {h}\n\t{file}:     {recorded}{}",
                gosum::GO_SUM_MISMATCH
            ),
            Check::Missing => {}
        }
        if !proxy::match_prefix_patterns(&self.env.gonosumdb, path) {
            match &self.sumdb {
                Ok(Some(db)) => db.check(self, path, key, h)?,
                Ok(None) => {}
                Err(e) => bail!("{path}@{key}: verifying: {e}"),
            }
        }
        if let Ok(mut s) = self.sums.lock() {
            s.add(path, key, h);
        }
        Ok(())
    }

    /// The go.mod of `path` at `version`: the cache's `.mod`, else the
    /// proxy's (written to the cache); either way checked against go.sum.
    ///
    /// Errors: `-mod=readonly` and go.sum lacks it (go's `missing go.sum
    /// entry; to add it: go mod download M`), a fetch failure or a mismatch.
    pub fn go_mod(&self, path: &str, version: &str) -> Result<Vec<u8>> {
        let key = format!("{version}/go.mod");
        if self.readonly && !self.has_sum(path, &key) {
            bail!("{path}@{version}: missing go.sum entry; to add it:\n\tgo mod download {path}");
        }
        let data = self.go_mod_unverified(path, version)?;
        self.check_sum(path, &key, &dirhash::hash_go_mod(&data))?;
        self.keep_go_mod(path, version, &data)?;
        Ok(data)
    }

    /// The go.mod of `path` at `version` as the cache or else the proxy
    /// has it, checked against nothing and written nowhere (a query's
    /// look, as go's `versionHasGoMod`; `go_mod` checks it).
    ///
    /// Errors: a fetch failure.
    fn go_mod_unverified(&self, path: &str, version: &str) -> Result<Vec<u8>> {
        match self.cache.read(path, version, "mod") {
            Some(d) => Ok(d),
            None => self
                .fetch(
                    path,
                    &format!("@v/{}.mod", cache::escape(version)),
                    MAX_SMALL,
                )
                .map_err(|e| anyhow!("{path}@{version}: {e}")),
        }
    }

    /// Writes `data` as the cache's `.mod` of `path` at `version` when it
    /// has none, and the `list` file again.
    ///
    /// Errors: the cache cannot be written.
    fn keep_go_mod(&self, path: &str, version: &str, data: &[u8]) -> Result<()> {
        let file = self.cache.file(path, version, "mod");
        if !file.is_file() {
            cache::write_atomic(&file, data)?;
            self.cache.rewrite_list(path)?;
        }
        Ok(())
    }

    /// The `.info` of `path` at `version` (cache, else proxy, then cached).
    ///
    /// Errors: a fetch failure, or JSON that does not parse.
    pub fn info(&self, path: &str, version: &str) -> Result<Info> {
        let data = match self.cache.read(path, version, "info") {
            Some(d) => d,
            None => {
                let d = self
                    .fetch(
                        path,
                        &format!("@v/{}.info", cache::escape(version)),
                        MAX_SMALL,
                    )
                    .map_err(|e| anyhow!("{path}@{version}: {e}"))?;
                cache::write_atomic(&self.cache.file(path, version, "info"), &d)?;
                d
            }
        };
        serde_json::from_slice(&data)
            .with_context(|| format!("{path}@{version}: malformed .info from the proxy"))
    }

    /// The zip of `path` at `version` in the cache, fetched if absent
    /// (`DownloadZip`): written to a temporary file, hashed and checked
    /// against go.sum, then renamed; `.ziphash` written last.
    ///
    /// Errors: fetch failures, a file that is no zip, a checksum mismatch
    /// (nothing is left in the cache then).
    pub fn download_zip(&self, path: &str, version: &str) -> Result<PathBuf> {
        let zip = self.cache.file(path, version, "zip");
        let ziphash = self.cache.file(path, version, "ziphash");
        if zip.is_file() && ziphash.is_file() {
            return Ok(zip);
        }
        let _lock = self.cache.lock(path, version)?;
        if zip.is_file() && ziphash.is_file() {
            return Ok(zip);
        }
        let dir = self.cache.version_dir(path);
        let stem = format!("{}.zip", cache::escape(version));
        for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if n.starts_with(&stem) && n.ends_with(".tmp") {
                let _ = std::fs::remove_file(e.path());
            }
        }
        if zip.is_file() {
            let h = dirhash::hash_zip(&zip).with_context(|| format!("{path}@{version}"))?;
            self.check_sum(path, version, &h)?;
            return cache::write_atomic(&ziphash, h.as_bytes()).map(|_| zip);
        }
        let data = status::around(path, version, || {
            self.fetch(
                path,
                &format!("@v/{}.zip", cache::escape(version)),
                zip::MAX_ZIP_FILE,
            )
        })
        .map_err(|e| anyhow!("{path}@{version}: {e}"))?;
        let tmp = tempfile::Builder::new()
            .prefix(&stem)
            .suffix(".tmp")
            .tempfile_in(&dir)
            .with_context(|| format!("creating a temporary file in {}", dir.display()))?;
        std::fs::write(tmp.path(), &data)
            .with_context(|| format!("writing {}", tmp.path().display()))?;
        let h = dirhash::hash_zip(tmp.path()).map_err(|e| {
            anyhow!("{path}@{version}: the proxy's zip is not a valid zip file ({e:#})")
        })?;
        self.check_sum(path, version, &h)?;
        tmp.persist(&zip)
            .map_err(|e| e.error)
            .with_context(|| format!("renaming into {}", zip.display()))?;
        cache::write_atomic(&ziphash, h.as_bytes())?;
        Ok(zip)
    }

    /// The extracted directory of `path` at `version` (`Download`): a
    /// complete one in the cache is checked (its `.ziphash` against go.sum,
    /// `checkMod`); else the zip is fetched and extracted under the lock,
    /// with a `.partial` marker while extracting.
    ///
    /// Errors: see `download_zip` and `zip::extract`; a refused zip leaves
    /// no directory.
    pub fn download(&self, path: &str, version: &str) -> Result<PathBuf> {
        if let Some(dir) = self.cache.extracted(path, version) {
            self.verify_cached(path, version)?;
            return Ok(dir);
        }
        let go_mod = self.go_mod(path, version)?;
        let zip = self.download_zip(path, version)?;
        let _lock = self.cache.lock(path, version)?;
        if let Some(dir) = self.cache.extracted(path, version) {
            return Ok(dir);
        }
        let dir = self.cache.module_dir(path, version);
        remove_tree(&dir)?;
        let partial = self.cache.file(path, version, "partial");
        std::fs::write(&partial, b"").with_context(|| format!("writing {}", partial.display()))?;
        if let Err(e) = zip::extract(&zip, path, version, &dir, Some(&go_mod)) {
            let _ = remove_tree(&dir);
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
        std::fs::remove_file(&partial)
            .with_context(|| format!("removing {}", partial.display()))?;
        self.cache.seal(&dir);
        let _ = self.info(path, version);
        Ok(dir)
    }

    /// `checkMod`: the cached `.ziphash` of `path` at `version` against go.sum.
    ///
    /// Errors: a mismatch (SECURITY ERROR), or `-mod=readonly` and go.sum lacks it.
    pub fn verify_cached(&self, path: &str, version: &str) -> Result<()> {
        let Some(h) = self.cache.read(path, version, "ziphash") else {
            return Ok(());
        };
        let h = String::from_utf8_lossy(&h).trim().to_string();
        self.check_sum(path, version, &h)
    }

    /// Downloads each (path, version) with at most `jobs` at once.
    pub fn download_all(&self, mods: &[(String, String)], jobs: usize) -> Vec<Result<PathBuf>> {
        crate::par::map(mods, jobs, "downloading modules", |(p, v)| {
            self.download(p, v)
        })
    }

    /// Writes go.sum back if checks added lines to it.
    ///
    /// Errors: go.sum cannot be written.
    pub fn save_go_sum(&self) -> Result<()> {
        self.sums
            .lock()
            .map_err(|_| anyhow!("go.sum lock poisoned"))?
            .save()
    }
}

/// Removes a (possibly read-only) directory tree; absent is fine.
fn remove_tree(dir: &Path) -> Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    use std::os::unix::fs::PermissionsExt;
    for e in walkdir::WalkDir::new(dir).into_iter().flatten() {
        if e.file_type().is_dir() {
            let _ = std::fs::set_permissions(e.path(), std::fs::Permissions::from_mode(0o755));
        }
    }
    std::fs::remove_dir_all(dir).with_context(|| format!("removing {}", dir.display()))
}

impl std::fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fetcher")
            .field("cache", &self.cache)
            .field("goproxy", &self.env.goproxy)
            .field("readonly", &self.readonly)
            .finish()
    }
}
