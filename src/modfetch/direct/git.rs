//! One git repository mirrored for `direct` fetches, as
//! cmd/go/internal/modfetch/codehost's `gitRepo` keeps it: a bare
//! repository at `GOMODCACHE/cache/vcs/<sha256 of "git3:URL">` (beside it
//! `<hash>.info` holding that key and `<hash>.lock`, flocked while git
//! changes it), with remote `origin`; refs read with `git ls-remote -q
//! origin`, commits fetched with `git fetch -f origin refs/heads/*:refs/heads/*
//! refs/tags/*:refs/tags/*` (go first tries a shallow fetch of one ref,
//! which git's dumb HTTP cannot serve; we go straight to the full fetch,
//! which leaves the same repository), commits read with `git log`, files
//! with `git cat-file`, trees with `git archive`.
//!
//! Every git command runs with GIT_TERMINAL_PROMPT=0 (as go), so a
//! private repository fails instead of asking for a password.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, Result, anyhow, bail};

use crate::modfetch::cache::{lock_file, write_atomic};
use crate::process::Cmd;

/// A commit as `statLocal` reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    /// The full 40-hex hash.
    pub hash: String,
    /// Commit time, Unix seconds.
    pub time: u64,
    /// Tags pointing at it (from `%D`), sorted.
    pub tags: Vec<String>,
}

/// A bare mirror of one remote repository.
pub struct GitRepo {
    /// The remote URL.
    pub url: String,
    /// The bare repository directory.
    pub dir: PathBuf,
    /// `ls-remote` refs: `HEAD`, `refs/heads/…`, `refs/tags/…` → hash
    /// (annotated tags unwrapped), loaded once.
    refs: Mutex<Option<BTreeMap<String, String>>>,
    /// Whether this process has fetched every branch and tag (`fetchAll`);
    /// the mutex also serialises git's writes within this process.
    fetched_all: Mutex<bool>,
}

/// A git command in `dir` (or none), prompts off.
fn git(dir: Option<&Path>, args: &[&str]) -> Cmd {
    let mut c = Cmd::new("env")
        .arg("GIT_TERMINAL_PROMPT=0")
        .arg("git")
        .args(args.iter().copied());
    c.dir = dir.map(Path::to_path_buf);
    c
}

/// Runs `c`, printing it first under `-x`, and returns stdout.
///
/// Errors: git is missing or fails; the message is the command and git's stderr.
fn run(c: &Cmd) -> Result<String> {
    // go's -x shape (`cd DIR; git …`), without our `env GIT_TERMINAL_PROMPT=0`.
    let shown = Cmd {
        argv: c.argv[2..].to_vec(),
        dir: None,
    };
    let shown = match &c.dir {
        Some(d) => format!("cd {}; {shown}", d.display()),
        None => shown.to_string(),
    };
    if crate::modfetch::trace_on() {
        eprintln!("{shown}");
    }
    match c.run(None) {
        Ok(o) => Ok(o.stdout),
        Err(crate::process::RunError::Failed { output, .. })
            if output.stderr.starts_with("env: ") =>
        {
            bail!(
                "the git command is not on PATH: gccgo-build's GOPROXY=direct fetches modules \
                 from git repositories with it; install git (Debian: apt-get install git) or set \
                 GOPROXY to a module proxy"
            )
        }
        Err(crate::process::RunError::Failed { output, .. }) => {
            bail!("{shown}: {}", output.stderr.trim())
        }
        Err(e) => Err(anyhow!("{e}"))
            .context("running git (gccgo-build's GOPROXY=direct needs the git command on PATH)"),
    }
}

/// Whether `url` answers `git ls-remote` (go's `Ping` for a static `.git` path).
///
/// Errors: git's message.
pub fn ls_remote_url(url: &str) -> Result<()> {
    run(&git(None, &["ls-remote", "-q", url])).map(|_| ())
}

impl GitRepo {
    /// Opens (creating) the mirror of `url` under `modcache` (`WorkDir`,
    /// `newGitRepo`): `cache/vcs/<hash>` with its `.info` and `.lock`.
    ///
    /// Errors: a `.info` naming another remote, or git failing to init.
    pub fn open(modcache: &Path, url: &str) -> Result<GitRepo> {
        use sha2::Digest;
        let key = format!("git3:{url}");
        let hash: String = sha2::Sha256::digest(key.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let vcs = modcache.join("cache/vcs");
        let dir = vcs.join(&hash);
        let info = vcs.join(format!("{hash}.info"));
        let _l = lock_file(&vcs.join(format!("{hash}.lock")))?;
        match std::fs::read_to_string(&info) {
            Ok(have) if dir.is_dir() => {
                if have.trim_end_matches('\n') != key {
                    bail!(
                        "{} exists with wrong content (have {have:?} want {key:?}); remove it",
                        info.display()
                    );
                }
            }
            _ => {
                let _ = std::fs::remove_dir_all(&dir);
                std::fs::create_dir_all(&dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
                write_atomic(&info, key.as_bytes())?;
            }
        }
        if !dir.join("objects").is_dir() {
            let init = run(&git(Some(&dir), &["init", "--bare"]))
                .and_then(|_| run(&git(Some(&dir), &["remote", "add", "origin", "--", url])));
            if let Err(e) = init {
                let _ = std::fs::remove_dir_all(&dir);
                return Err(e);
            }
        }
        Ok(GitRepo {
            url: url.to_string(),
            dir,
            refs: Mutex::new(None),
            fetched_all: Mutex::new(false),
        })
    }

    fn lock(&self) -> Result<crate::modfetch::cache::Lock> {
        lock_file(&self.dir.with_extension("lock"))
    }

    /// The remote's refs (`loadRefs`), read once.
    ///
    /// Errors: `git ls-remote` fails (the repository does not answer).
    pub fn refs(&self) -> Result<BTreeMap<String, String>> {
        let mut g = self
            .refs
            .lock()
            .map_err(|_| anyhow!("refs lock poisoned"))?;
        if let Some(r) = &*g {
            return Ok(r.clone());
        }
        let out = run(&git(Some(&self.dir), &["ls-remote", "-q", "origin"]))?;
        let mut refs = BTreeMap::new();
        let mut peeled = Vec::new();
        for line in out.lines() {
            let f: Vec<&str> = line.split_whitespace().collect();
            if f.len() != 2 {
                continue;
            }
            let (hash, name) = (f[0], f[1]);
            if name == "HEAD" || name.starts_with("refs/heads/") || name.starts_with("refs/tags/") {
                match name.strip_suffix("^{}") {
                    Some(tag) => peeled.push((tag.to_string(), hash.to_string())),
                    None => {
                        refs.insert(name.to_string(), hash.to_string());
                    }
                }
            }
        }
        refs.extend(peeled);
        *g = Some(refs.clone());
        Ok(refs)
    }

    /// Fetches every branch and tag once per process (`fetchRefsLocked`),
    /// under the repository's lock.
    ///
    /// Errors: git fetch fails.
    pub fn fetch_all(&self) -> Result<()> {
        let _l = self.lock()?;
        self.fetch_all_locked()
    }

    /// `fetch_all` with the repository's flock already held (taken before
    /// the in-process mutex, always in that order).
    fn fetch_all_locked(&self) -> Result<()> {
        let mut done = self
            .fetched_all
            .lock()
            .map_err(|_| anyhow!("fetch lock poisoned"))?;
        if *done {
            return Ok(());
        }
        run(&git(
            Some(&self.dir),
            &[
                "fetch",
                "-f",
                "origin",
                "refs/heads/*:refs/heads/*",
                "refs/tags/*:refs/tags/*",
            ],
        ))?;
        if self.dir.join("shallow").exists() {
            run(&git(
                Some(&self.dir),
                &["fetch", "--unshallow", "-f", "origin"],
            ))?;
        }
        *done = true;
        Ok(())
    }

    /// `statLocal`: the commit `rev` names in the mirror, `None` when the
    /// mirror does not have it.
    pub fn stat_local(&self, rev: &str) -> Option<Commit> {
        let out = run(&git(
            Some(&self.dir),
            &[
                "-c",
                "log.showsignature=false",
                "log",
                "--no-decorate",
                "-n1",
                "--format=format:%H %ct %D",
                rev,
                "--",
            ],
        ))
        .ok()?;
        let f: Vec<&str> = out.split_whitespace().collect();
        let (hash, time) = (f.first()?, f.get(1)?.parse().ok()?);
        let mut tags: Vec<String> = f
            .windows(2)
            .filter(|w| w[0] == "tag:")
            .map(|w| w[1].trim_end_matches(',').to_string())
            .collect();
        tags.sort();
        Some(Commit {
            hash: hash.to_string(),
            time,
            tags,
        })
    }

    /// `Stat`: the commit of `rev` (a tag, a branch, `HEAD`, or a hash of
    /// at least 7 hex digits), fetching when the mirror lacks it.
    ///
    /// Errors: go's `unknown revision REV`, an ambiguous hash prefix, or
    /// git failing.
    ///
    /// The mirror is read under its lock: git's dumb-HTTP fetch writes a
    /// commit before its trees, so another process's fetch in progress
    /// must not be mistaken for a complete commit.
    pub fn stat(&self, rev: &str) -> Result<Commit> {
        let is_hash = (7..=40).contains(&rev.len()) && rev.bytes().all(|b| b.is_ascii_hexdigit());
        if is_hash {
            let _l = self.lock()?;
            if let Some(c) = self.stat_local(rev) {
                return Ok(c);
            }
        }
        let refs = self.refs()?;
        let target = if let Some(h) = refs.get(&format!("refs/tags/{rev}")) {
            h.clone()
        } else if let Some(h) = refs.get(&format!("refs/heads/{rev}")) {
            h.clone()
        } else if rev == "HEAD" && refs.contains_key("HEAD") {
            refs["HEAD"].clone()
        } else if is_hash {
            let mut found: Option<&String> = None;
            for h in refs.values().filter(|h| h.starts_with(rev)) {
                if found.is_some_and(|f| f != h) {
                    bail!("ambiguous revision {rev}");
                }
                found = Some(h);
            }
            found.cloned().unwrap_or_else(|| rev.to_string())
        } else {
            bail!("unknown revision {rev}");
        };
        let _l = self.lock()?;
        if let Some(c) = self.stat_local(&target) {
            return Ok(c);
        }
        self.fetch_all_locked()?;
        self.stat_local(&target)
            .ok_or_else(|| anyhow!("unknown revision {rev}"))
    }

    /// `ReadFile`: `file` at commit `hash`, `None` when the commit's tree
    /// has no such file. Bytes exact: a file that is not UTF-8 (which the
    /// captured output would alter) is read back from a one-file `git
    /// archive` instead.
    ///
    /// Errors: the mirror lacks the commit's objects (an interrupted
    /// fetch), so absence cannot be told — never taken for "no file".
    pub fn read_file(&self, hash: &str, file: &str) -> Result<Option<Vec<u8>>> {
        let text = match run(&git(
            Some(&self.dir),
            &["cat-file", "blob", &format!("{hash}:{file}")],
        )) {
            Ok(t) => t,
            Err(e) => {
                // Absent (ls-tree lists nothing) or unreadable (ls-tree fails).
                let damaged = |e: anyhow::Error| {
                    anyhow!(
                        "reading {file} at commit {hash} in the git mirror {}: {e:#}\n\t(the \
                         mirror lacks objects of that commit, e.g. after an interrupted fetch; \
                         remove that directory and its .info and retry)",
                        self.dir.display()
                    )
                };
                let listed =
                    run(&git(Some(&self.dir), &["ls-tree", hash, "--", file])).map_err(damaged)?;
                if listed.trim().is_empty() {
                    return Ok(None);
                }
                return Err(damaged(e));
            }
        };
        if !text.contains('\u{FFFD}') {
            return Ok(Some(text.into_bytes()));
        }
        let tmp = tempfile::tempdir()?;
        let out = tmp.path().join("one.zip");
        let o = format!("--output={}", out.display());
        run(&git(
            Some(&self.dir),
            &["archive", "--format=zip", "-0", &o, hash, "--", file],
        ))?;
        let mut z = zip::ZipArchive::new(std::fs::File::open(&out)?)
            .with_context(|| format!("reading {file} at {hash}"))?;
        let mut e = z
            .by_name(file)
            .with_context(|| format!("reading {file} at {hash}"))?;
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut e, &mut data)?;
        Ok(Some(data))
    }

    /// `RecentTag`'s local step: the tags under `refs/tags/` reachable from
    /// `hash` (`git for-each-ref --merged`), names without `refs/tags/`.
    ///
    /// Errors: git fails.
    pub fn merged_tags(&self, hash: &str) -> Result<Vec<String>> {
        let out = run(&git(
            Some(&self.dir),
            &[
                "for-each-ref",
                "--format",
                "%(refname)",
                "refs/tags",
                "--merged",
                hash,
            ],
        ))?;
        Ok(out
            .lines()
            .filter_map(|l| l.trim().strip_prefix("refs/tags/"))
            .map(String::from)
            .collect())
    }

    /// `ReadZip`: `git archive --format=zip --prefix=prefix/` of commit
    /// `hash` (only `subdir` when not empty) into the file `out`, with
    /// export-subst and export-ignore switched off as go does.
    ///
    /// Errors: git fails.
    pub fn archive(&self, hash: &str, subdir: &str, out: &Path) -> Result<()> {
        let _l = self.lock()?;
        let attrs = self.dir.join("info/attributes");
        const ATTR: &str = "\n* -export-subst -export-ignore\n";
        let have = std::fs::read_to_string(&attrs).unwrap_or_default();
        if !have.ends_with(ATTR) {
            write_atomic(&attrs, format!("{have}{ATTR}").as_bytes())?;
        }
        let o = format!("--output={}", out.display());
        let mut args = vec![
            "-c",
            "core.autocrlf=input",
            "-c",
            "core.eol=lf",
            "archive",
            "--format=zip",
            "--prefix=prefix/",
            &o,
            hash,
        ];
        if !subdir.is_empty() {
            args.extend(["--", subdir]);
        }
        run(&git(Some(&self.dir), &args)).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(dir: &Path, args: &[&str]) -> String {
        let o = std::process::Command::new("git")
            .current_dir(dir)
            .args(args)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@t")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@t")
            .env("GIT_COMMITTER_DATE", "2021-01-02T03:04:05Z")
            .output()
            .unwrap();
        assert!(o.status.success(), "{o:?}");
        String::from_utf8_lossy(&o.stdout).trim().to_string()
    }

    #[test]
    fn a_missing_file_is_none_but_a_damaged_mirror_is_an_error() {
        let t = tempfile::tempdir().unwrap();
        let src = t.path().join("src");
        std::fs::create_dir_all(&src).unwrap();
        sh(&src, &["init", "-q", "-b", "main"]);
        std::fs::write(src.join("go.mod"), "module example.test/m\n").unwrap();
        sh(&src, &["add", "-A"]);
        sh(&src, &["commit", "-qm", "one"]);
        sh(&src, &["tag", "v1.0.0"]);
        let url = format!("file://{}", src.display());
        let repo = GitRepo::open(&t.path().join("cache"), &url).unwrap();
        let c = repo.stat("v1.0.0").unwrap();
        assert_eq!(c.tags, ["v1.0.0"]);
        assert_eq!(c.time, 1_609_556_645);
        assert_eq!(
            repo.read_file(&c.hash, "go.mod").unwrap().unwrap(),
            b"module example.test/m\n"
        );
        assert!(repo.read_file(&c.hash, "nope").unwrap().is_none());
        // The blob lost (as after an interrupted fetch): an error, not "absent".
        let blob = sh(&src, &["rev-parse", "HEAD:go.mod"]);
        let loose = repo.dir.join("objects").join(&blob[..2]).join(&blob[2..]);
        std::fs::remove_file(&loose).unwrap();
        let e = repo.read_file(&c.hash, "go.mod").unwrap_err();
        assert!(format!("{e:#}").contains("lacks objects"), "{e:#}");
    }
}
