//! GOPROXY's `direct` entry for modules hosted in git, as cmd/go's
//! `codeRepo` over `codehost.gitRepo` serves it (cmd/go/internal/modfetch
//! coderepo.go, codehost/git.go): the go command's proxy protocol
//! answered from the repository itself, so the rest of `modfetch`
//! (go.sum and checksum-database checks, the cache layout, extraction)
//! treats a `direct` module exactly as a proxied one.
//!
//! - `@v/list`: the repository's tags (`git ls-remote`) that are
//!   canonical semantic versions of the module's major version, below
//!   its subdirectory's `dir/` tag prefix; pseudo-version-like tags left out.
//! - `@v/VERSION.info`: a tag (`v1.2.3`), a pseudo-version (its commit
//!   hash and time checked), or a query — branch, `HEAD`, hash — turned
//!   into the commit's highest tag, else a pseudo-version above the most
//!   recent tag reachable from it (`git for-each-ref --merged`).
//!   `{"Version","Time","Origin":{"VCS","URL","Subdir","Ref","Hash"}}`
//!   as go 1.19 writes it to the cache.
//! - `@v/VERSION.mod`: the go.mod at that commit (the module directory's,
//!   or `vN/go.mod` for a `/vN` path with a major subdirectory), else go's
//!   synthesized `module PATH`.
//! - `@v/VERSION.zip`: `git archive` of the module directory through go's
//!   zip rules (`modzip`).
//! - `@latest`: the commit of `HEAD` as a version.
//!
//! `+incompatible` versions follow go's rules (`incompatible`).
//!
//! Not done: retracted tags are not skipped when choosing a
//! pseudo-version's base (go skips them there); go's shallow single-ref
//! fetch (we fetch all branches and tags, the state go reaches over dumb
//! HTTP anyway); VCSs other than git (an error naming them and the fix).

pub mod git;
pub mod govcs;
pub mod incompatible;
pub mod modzip;
pub mod pseudo;
pub mod vcs;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use anyhow::{Result, anyhow, bail};

use super::Fetcher;
use super::proxy::FetchError;
use super::semver;
use git::{Commit, GitRepo};

/// One module inside one repository (`codeRepo`).
pub struct CodeRepo {
    /// The module path.
    path: String,
    /// The module's directory in the repository without the major suffix (`""`: root).
    code_dir: String,
    /// `/vN` (or gopkg.in's `.vN`) of the path, `""` for v0/v1.
    path_major: String,
    git: Arc<GitRepo>,
}

/// Repositories opened in this process, by remote URL (go's `gitRepoCache`),
/// and module repositories by module path (`lookupCache`).
type Repos = (
    HashMap<String, Arc<GitRepo>>,
    HashMap<String, Arc<CodeRepo>>,
);
static REPOS: OnceLock<Mutex<Repos>> = OnceLock::new();

/// Serves `rel` (`@v/list`, `@v/V.info|mod|zip`, `@latest`; version escaped
/// as in a proxy URL) of module `path` from its repository.
///
/// Errors: lookup, git or query failures in go's words; an unknown
/// version is marked not-found.
pub fn fetch(f: &Fetcher, path: &str, rel: &str) -> Result<Vec<u8>, FetchError> {
    let fail = |e: anyhow::Error| FetchError {
        not_found: format!("{e:#}").contains("unknown revision"),
        msg: format!("{e:#}"),
    };
    let repo = code_repo(f, path).map_err(fail)?;
    let r = match rel {
        "@v/list" => repo.versions().map(|vs| {
            vs.iter()
                .map(|v| format!("{v}\n"))
                .collect::<String>()
                .into_bytes()
        }),
        "@latest" => repo.git.stat("HEAD").and_then(|c| {
            let v = repo.version_of(&c)?;
            repo.info_json(&c, &v)
        }),
        _ => {
            let Some(file) = rel.strip_prefix("@v/") else {
                return Err(fail(anyhow!("direct: no such request {rel}")));
            };
            let (v, ext) = file.rsplit_once('.').unwrap_or((file, ""));
            let v = unescape(v);
            repo.stat_version(&v).and_then(|(c, version)| match ext {
                "info" => repo.info_json(&c, &version),
                "mod" => repo.go_mod(&c),
                "zip" => repo.zip(&c, &version),
                _ => bail!("direct: no such request {rel}"),
            })
        }
    };
    r.map_err(fail)
}

/// The inverse of the cache's `!`-escaping of upper-case letters.
fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut bang = false;
    for c in s.chars() {
        match (bang, c) {
            (true, c) => {
                out.push(c.to_ascii_uppercase());
                bang = false;
            }
            (false, '!') => bang = true,
            (false, c) => out.push(c),
        }
    }
    out
}

/// The code repository of module `path`, looked up once per process.
fn code_repo(f: &Fetcher, path: &str) -> Result<Arc<CodeRepo>> {
    let m = REPOS.get_or_init(Mutex::default);
    if let Some(r) = m.lock().ok().and_then(|g| g.1.get(path).cloned()) {
        return Ok(r);
    }
    let root = vcs::repo_root(&f.client, &f.env.goinsecure, path)?;
    govcs::check(&f.env.govcs, &f.env.goprivate, &root.root, &root.vcs)?;
    vcs::require_git(&root)?;
    let git = {
        let cached = m.lock().ok().and_then(|g| g.0.get(&root.url).cloned());
        match cached {
            Some(g) => g,
            None => {
                let g = Arc::new(GitRepo::open(&f.cache.root, &root.url)?);
                if let Ok(mut l) = m.lock() {
                    l.0.insert(root.url.clone(), g.clone());
                }
                g
            }
        }
    };
    let (prefix, path_major) = split_path_version(path);
    let code_dir = prefix
        .strip_prefix(&root.root)
        .map(|s| s.trim_start_matches('/').to_string())
        .unwrap_or_default();
    let repo = Arc::new(CodeRepo {
        path: path.to_string(),
        code_dir,
        path_major: path_major.to_string(),
        git,
    });
    if let Ok(mut l) = m.lock() {
        l.1.insert(path.to_string(), repo.clone());
    }
    Ok(repo)
}

/// `module.SplitPathVersion`: (prefix, `/vN` or gopkg.in `.vN`, `""` when none).
pub fn split_path_version(path: &str) -> (&str, &str) {
    if path.starts_with("gopkg.in/")
        && let Some(i) = path.rfind(".v")
    {
        return (&path[..i], &path[i..]);
    }
    if let Some(i) = path.rfind("/v") {
        let n = &path[i + 2..];
        if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && !n.starts_with('0') && n != "1"
        {
            return (&path[..i], &path[i..]);
        }
    }
    (path, "")
}

/// `semver.Canonical(v) == v`: valid, three numbers, no `+build`.
fn is_canonical(v: &str) -> bool {
    semver::is_valid(v)
        && !v.contains('+')
        && v.split('-')
            .next()
            .is_some_and(|c| c.matches('.').count() == 2)
}

impl CodeRepo {
    /// The tag prefix of the module's directory (`dir/`, or `""`).
    fn tag_prefix(&self) -> String {
        if self.code_dir.is_empty() {
            String::new()
        } else {
            format!("{}/", self.code_dir)
        }
    }

    /// `module.MatchPathMajor` without `+incompatible`.
    fn matches_major(&self, v: &str) -> bool {
        let major = v.split('.').next().unwrap_or("");
        match self.path_major.get(1..) {
            None | Some("") => major == "v0" || major == "v1",
            Some(m) => m == major,
        }
    }

    /// `Versions`: the module's tagged versions in semver order.
    ///
    /// Errors: `git ls-remote` fails.
    pub fn versions(&self) -> Result<Vec<String>> {
        let prefix = format!("refs/tags/{}", self.tag_prefix());
        let (mut list, mut incompatible) = (Vec::new(), Vec::new());
        for v in self
            .git
            .refs()?
            .keys()
            .filter_map(|r| r.strip_prefix(&prefix))
        {
            if !is_canonical(v) || pseudo::is_pseudo(v) {
                continue;
            }
            if self.matches_major(v) {
                list.push(v.to_string());
            } else if self.incompatible_possible() && incompatible::above_v1(v) {
                incompatible.push(v.to_string());
            }
        }
        list.sort_by(|a, b| semver::compare(a, b));
        incompatible.sort_by(|a, b| semver::compare(a, b));
        self.append_incompatible(list, incompatible)
    }

    /// `Stat`: the commit and canonical version of `v` (a version or a query).
    ///
    /// Errors: go's `invalid version: unknown revision …` and pseudo-version checks.
    pub fn stat_version(&self, v: &str) -> Result<(Commit, String)> {
        if pseudo::is_pseudo(v) {
            let rev = pseudo::rev(v);
            let c = self
                .git
                .stat(rev)
                .map_err(|e| anyhow!("invalid version: {e:#}"))?;
            let want = pseudo::stamp(c.time);
            if pseudo::time_stamp(v) != want {
                bail!(
                    "invalid pseudo-version: does not match version-control timestamp (expected {want})"
                );
            }
            self.check_major(&c, v)?;
            return Ok((c, v.to_string()));
        }
        // A release (`v1.2.3`, or `v2.0.0+incompatible`): its tag must exist.
        let tagged = match v.strip_suffix("+incompatible") {
            Some(base) => Some(base).filter(|b| is_canonical(b)),
            None => Some(v).filter(|v| is_canonical(v)),
        };
        if let Some(base) = tagged {
            let tag = format!("{}{base}", self.tag_prefix());
            if !self.git.refs()?.contains_key(&format!("refs/tags/{tag}")) {
                bail!("invalid version: unknown revision {base}");
            }
            let c = self.git.stat(&tag)?;
            self.check_major(&c, v)?;
            return Ok((c, v.to_string()));
        }
        let c = self
            .git
            .stat(v)
            .map_err(|e| anyhow!("invalid version: {e:#}"))?;
        let version = self.version_of(&c)?;
        Ok((c, version))
    }

    /// `checkCanonical`'s major-version rules for version `v` at commit `c`.
    ///
    /// Errors: go's `invalid version: …` texts.
    fn check_major(&self, c: &Commit, v: &str) -> Result<()> {
        let base = v.strip_suffix("+incompatible");
        let core = base.unwrap_or(v);
        if self.matches_major(core) {
            if base.is_some() {
                bail!(
                    "invalid version: +incompatible suffix not allowed: major version {} is compatible",
                    incompatible::major(core)
                );
            }
            return Ok(());
        }
        if !self.path_major.is_empty() {
            bail!(
                "invalid version: module path includes a major version suffix, so major version must match"
            );
        }
        if base.is_none() || !self.can_use_incompatible(c, core)? {
            bail!(
                "invalid version: module contains a go.mod file, so module path must match major version (\"{}/{}\")",
                self.path,
                incompatible::major(core)
            );
        }
        Ok(())
    }

    /// `convert`: the highest canonical tag of the module at commit `c`,
    /// else the pseudo-version above the highest tag reachable from it.
    ///
    /// Errors: git fails listing tags.
    pub fn version_of(&self, c: &Commit) -> Result<String> {
        let prefix = self.tag_prefix();
        let mut incompat: Option<bool> = None;
        let mut best = |tags: &[String]| -> Result<Option<String>> {
            let mut top: Option<String> = None;
            for t in tags {
                let Some(v) = t
                    .strip_prefix(&prefix)
                    .filter(|v| is_canonical(v) && !pseudo::is_pseudo(v))
                else {
                    continue;
                };
                let v = if self.matches_major(v) {
                    v.to_string()
                } else if self.incompatible_possible() && incompatible::above_v1(v) {
                    let ok = match incompat {
                        Some(ok) => ok,
                        None => *incompat.insert(self.can_use_incompatible(c, v)?),
                    };
                    if !ok {
                        continue;
                    }
                    format!("{v}+incompatible")
                } else {
                    continue;
                };
                if top
                    .as_deref()
                    .is_none_or(|b| semver::compare(&v, b).is_gt())
                {
                    top = Some(v);
                }
            }
            Ok(top)
        };
        if let Some(v) = best(&c.tags)? {
            return Ok(v);
        }
        let mut base = best(&self.git.merged_tags(&c.hash)?)?;
        if base.is_none() && !self.versions()?.is_empty() {
            // As RecentTag: the remote has tags this mirror may lack.
            self.git.fetch_all()?;
            base = best(&self.git.merged_tags(&c.hash)?)?;
        }
        let major = self.path_major.get(1..).unwrap_or("");
        Ok(pseudo::build(
            major,
            base.as_deref().unwrap_or(""),
            c.time,
            &c.hash[..12.min(c.hash.len())],
        ))
    }

    /// The module's directory at commit `c` (`findDir`): `dir/vN` when the
    /// path has a major suffix and that directory has a go.mod, else `dir`.
    ///
    /// Errors: the commit's objects cannot be read.
    fn dir_at(&self, c: &Commit) -> Result<String> {
        if let Some(m) = self.path_major.strip_prefix('/') {
            let sub = if self.code_dir.is_empty() {
                m.to_string()
            } else {
                format!("{}/{m}", self.code_dir)
            };
            if self
                .git
                .read_file(&c.hash, &format!("{sub}/go.mod"))?
                .is_some()
            {
                return Ok(sub);
            }
        }
        Ok(self.code_dir.clone())
    }

    /// `GoMod`: the go.mod at `c`, else `LegacyGoMod` (`module PATH`).
    ///
    /// Errors: the commit's objects cannot be read.
    pub fn go_mod(&self, c: &Commit) -> Result<Vec<u8>> {
        let dir = self.dir_at(c)?;
        let file = if dir.is_empty() {
            "go.mod".to_string()
        } else {
            format!("{dir}/go.mod")
        };
        Ok(self
            .git
            .read_file(&c.hash, &file)?
            .unwrap_or_else(|| format!("module {}\n", self.path).into_bytes()))
    }

    /// The `.info` JSON of `version` at `c`, with go 1.19's `Origin`.
    ///
    /// Errors: none in practice (JSON encoding).
    pub fn info_json(&self, c: &Commit, version: &str) -> Result<Vec<u8>> {
        #[derive(serde::Serialize)]
        #[serde(rename_all = "PascalCase")]
        struct Origin<'a> {
            #[serde(rename = "VCS")]
            vcs: &'a str,
            #[serde(rename = "URL")]
            url: &'a str,
            #[serde(skip_serializing_if = "str::is_empty")]
            subdir: &'a str,
            #[serde(skip_serializing_if = "String::is_empty")]
            r#ref: String,
            hash: &'a str,
        }
        #[derive(serde::Serialize)]
        #[serde(rename_all = "PascalCase")]
        struct Info<'a> {
            version: &'a str,
            time: String,
            origin: Origin<'a>,
        }
        let r#ref = if pseudo::is_pseudo(version) {
            String::new()
        } else {
            let tag = version.trim_end_matches("+incompatible");
            format!("refs/tags/{}{tag}", self.tag_prefix())
        };
        Ok(serde_json::to_vec(&Info {
            version,
            time: pseudo::rfc3339(c.time),
            origin: Origin {
                vcs: "git",
                url: &self.git.url,
                subdir: &self.code_dir,
                r#ref,
                hash: &c.hash,
            },
        })?)
    }

    /// `Zip`: the module zip of `version` at `c`, in memory.
    ///
    /// Errors: git archive fails, or a file go's zip rules refuse.
    pub fn zip(&self, c: &Commit, version: &str) -> Result<Vec<u8>> {
        let tmp = tempfile::tempdir()?;
        let archive = tmp.path().join("archive.zip");
        let dir = self.dir_at(c)?;
        self.git.archive(&c.hash, &dir, &archive)?;
        let mut files = modzip::read_archive(&archive, &dir)?;
        if !dir.is_empty()
            && !files.iter().any(|(n, _, _)| n == "LICENSE")
            && let Some(l) = self.git.read_file(&c.hash, "LICENSE")?
        {
            files.push(("LICENSE".into(), false, l));
        }
        let files = modzip::select(files)
            .map_err(|e| anyhow!("{}@{version}: create zip: {e:#}", self.path))?;
        let out = tmp.path().join("module.zip");
        modzip::write(&out, &self.path, version, &files)?;
        Ok(std::fs::read(&out)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_paths_split_at_their_major_version() {
        assert_eq!(
            split_path_version("example.test/m/v2"),
            ("example.test/m", "/v2")
        );
        assert_eq!(
            split_path_version("example.test/m/v1"),
            ("example.test/m/v1", "")
        );
        assert_eq!(split_path_version("example.test/m"), ("example.test/m", ""));
        assert_eq!(
            split_path_version("gopkg.in/yaml.v3"),
            ("gopkg.in/yaml", ".v3")
        );
        assert!(is_canonical("v1.2.3") && is_canonical("v1.2.3-pre"));
        assert!(!is_canonical("v1.2") && !is_canonical("v1.2.3+meta"));
    }
}
