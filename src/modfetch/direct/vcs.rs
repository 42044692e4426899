//! Import path → repository, as cmd/go/internal/vcs's
//! `RepoRootForImportPath` finds it for `direct` module fetches:
//!
//! 1. the static rules: `github.com/OWNER/REPO` (git over https), and the
//!    generic `HOST/PATH.git[/…]` (and `.hg`, `.svn`, `.bzr`, `.fossil`)
//!    rule whose scheme is found by pinging `https://`, then `http://`
//!    when GOINSECURE matches the path (`git ls-remote URL`);
//! 2. else the `<meta name="go-import" content="PREFIX VCS URL">` tag of
//!    `https://PATH?go-get=1` (`http://` too when GOINSECURE matches),
//!    the prefix re-checked at `https://PREFIX?go-get=1` as go does.
//!
//! Only git is spoken; any other VCS is an error naming it and the fix
//! (a GOPROXY that serves the module).

use anyhow::{Result, anyhow, bail};

use crate::modfetch::proxy::{Client, match_prefix_patterns};

/// Where a module's code lives: the repository and the import-path prefix it serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoRoot {
    /// The import path of the repository's root (`example.com/repo`).
    pub root: String,
    /// The VCS named by the meta tag or the suffix (`git`, `hg` …).
    pub vcs: String,
    /// The repository URL (`https://example.com/repo.git`).
    pub url: String,
}

/// The fix printed with every refused VCS or failed lookup.
const FIX: &str = "gccgo-build's GOPROXY=direct fetches only git repositories (with the git \
     command); fetch this module through a module proxy that serves it (set GOPROXY, e.g. \
     GOPROXY=https://proxy.golang.org, and leave the path out of GONOPROXY/GOPRIVATE), or fill \
     the module cache with `go mod download` on a machine that has the go command";

/// The repository of `path` (`RepoRootForImportPath` with go's module
/// mode rules): static rules first, then the go-get meta tag.
///
/// Errors: no rule and no meta tag matches (go's `unrecognized import
/// path` wording), a URL scheme git must not use, or an insecure URL
/// without GOINSECURE. (A VCS other than git is `require_git`'s error.)
pub fn repo_root(client: &Client, goinsecure: &str, path: &str) -> Result<RepoRoot> {
    let insecure = match_prefix_patterns(goinsecure, path);
    let root = match static_root(path) {
        Some((root, vcs, repo)) => {
            let url = if root.starts_with("github.com/") {
                format!("https://{repo}")
            } else {
                ping_scheme(&vcs, &repo, insecure)?
            };
            RepoRoot { root, vcs, url }
        }
        None => meta_root(client, path, insecure)?,
    };
    // As go's `validateRepoRoot` with git's `Scheme` list: never a local
    // path or one of git's command transports (`ext::`, `fd::`, `file://`).
    const SCHEMES: [&str; 5] = ["https://", "http://", "git://", "ssh://", "git+ssh://"];
    if !SCHEMES.iter().any(|s| root.url.starts_with(s)) {
        bail!(
            "the repository URL {:?} for {path} has no scheme git may use for a module \
             (https://, or http:// and git:// with GOINSECURE, ssh://); refusing it",
            root.url
        );
    }
    if !insecure && (root.url.starts_with("http://") || root.url.starts_with("git://")) {
        bail!(
            "the repository URL {} is insecure and GOINSECURE does not match {path}; \
             set GOINSECURE={} if that is intended",
            root.url,
            root.root
        );
    }
    Ok(root)
}

/// Refuses a repository that is not git, naming its VCS and the fix.
///
/// Errors: `root.vcs` is not `git`.
pub fn require_git(root: &RepoRoot) -> Result<()> {
    if root.vcs != "git" {
        bail!(
            "the repository {} is a {} repository (not git): {FIX}",
            root.url,
            root.vcs
        );
    }
    Ok(())
}

/// The static rules (`vcsPaths`): github.com and `.git`-style suffixes.
/// Returns (root import path, vcs, repository without scheme).
fn static_root(path: &str) -> Option<(String, String, String)> {
    let elems: Vec<&str> = path.split('/').collect();
    if elems[0] == "github.com" {
        if elems.len() < 3 {
            return None;
        }
        let root = elems[..3].join("/");
        return Some((root.clone(), "git".into(), root));
    }
    // `(host(/elem)+?).(vcs)(/…)*`: the first element (after the host) ending in a VCS suffix.
    if !elems[0].contains('.') {
        return None;
    }
    for (i, e) in elems.iter().enumerate().skip(1) {
        for vcs in ["git", "hg", "svn", "bzr", "fossil"] {
            if let Some(stem) = e.strip_suffix(&format!(".{vcs}"))
                && !stem.is_empty()
            {
                // As go's regexp: the repository is the root without its `.vcs`.
                let root = elems[..=i].join("/");
                let repo = format!("{}/{stem}", elems[..i].join("/"));
                return Some((root, vcs.into(), repo));
            }
        }
    }
    None
}

/// `Cmd.Ping` over the schemes go tries for a static `.vcs` path: https,
/// then http when the path is GOINSECURE (git:// and ssh are left out:
/// they would need credentials or a daemon; say so in the error).
fn ping_scheme(vcs: &str, repo: &str, insecure: bool) -> Result<String> {
    if vcs != "git" {
        return Ok(format!("https://{repo}"));
    }
    let mut last = String::new();
    for scheme in ["https", "http"] {
        if scheme == "http" && !insecure {
            continue;
        }
        let url = format!("{scheme}://{repo}");
        match super::git::ls_remote_url(&url) {
            Ok(()) => return Ok(url),
            Err(e) => last = format!("{e:#}"),
        }
    }
    Err(anyhow!(
        "{repo}: no https{} git repository answers: {last}",
        if insecure {
            " or http"
        } else {
            " (and GOINSECURE does not allow http)"
        }
    ))
}

/// `RepoRootForImportDynamic`: the go-import meta tag of `path?go-get=1`.
fn meta_root(client: &Client, path: &str, insecure: bool) -> Result<RepoRoot> {
    let (url, imports) = fetch_meta(client, path, insecure)?;
    let m = match_import(&imports, path).map_err(|e| anyhow!("{e} (from {url})"))?;
    if m.root != path {
        // As go: the prefix's own page must say the same.
        let (url2, imports2) = fetch_meta(client, &m.root, insecure)?;
        let m2 = match_import(&imports2, &m.root).map_err(|e| anyhow!("{e} (from {url2})"))?;
        if m2 != m {
            bail!(
                "meta tags at {url} and {url2} disagree about the repository of {} ({path})",
                m.root
            );
        }
    }
    if m.vcs == "mod" {
        bail!(
            "the go-import meta tag at {url} for {path} names a module proxy (`mod` {}), not a \
             repository: set GOPROXY={} to use it",
            m.url,
            m.url
        );
    }
    Ok(m)
}

/// GETs `https://path?go-get=1` (then `http://` when insecure) and parses its meta tags.
fn fetch_meta(client: &Client, path: &str, insecure: bool) -> Result<(String, Vec<RepoRoot>)> {
    let https = format!("https://{path}?go-get=1");
    let body = match client.get(&https, 1 << 20) {
        Ok(b) => Ok((https.clone(), b)),
        Err(e) if insecure => {
            let http = format!("http://{path}?go-get=1");
            client
                .get(&http, 1 << 20)
                .map(|b| (http, b))
                .map_err(|e2| format!("{e}; {e2}"))
        }
        Err(e) => Err(e.to_string()),
    };
    let (url, body) = body.map_err(|e| {
        anyhow!("unrecognized import path \"{path}\": {e}\n\t(is the path right? {FIX})")
    })?;
    Ok((url, parse_meta(&String::from_utf8_lossy(&body))))
}

/// `parseMetaGoImports`: every `<meta name="go-import" content="prefix vcs url">`
/// in the head (stops at `<body` or `</head>`); other meta tags and malformed
/// contents are skipped.
pub fn parse_meta(html: &str) -> Vec<RepoRoot> {
    let lower = html.to_ascii_lowercase();
    let end = [lower.find("<body"), lower.find("</head")]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(lower.len());
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = lower[at..end].find("<meta") {
        let start = at + i;
        let close = lower[start..].find('>').map_or(lower.len(), |j| start + j);
        let tag = &html[start..close];
        at = close.min(end);
        if attr(tag, "name").is_some_and(|n| n.eq_ignore_ascii_case("go-import"))
            && let Some(content) = attr(tag, "content")
        {
            let f: Vec<&str> = content.split_whitespace().collect();
            if f.len() == 3 {
                out.push(RepoRoot {
                    root: f[0].into(),
                    vcs: f[1].into(),
                    url: f[2].into(),
                });
            }
        }
        if at >= end {
            break;
        }
    }
    out
}

/// The value of attribute `name` in one tag's text (quoted with `"` or `'`, or bare).
fn attr(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find(name) {
        let p = from + i;
        from = p + name.len();
        let before_ok = p > 0 && lower.as_bytes()[p - 1].is_ascii_whitespace();
        let rest = tag[from..].trim_start();
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let v = rest[1..].trim_start();
        return Some(match v.chars().next() {
            Some(q @ ('"' | '\'')) => v[1..].split(q).next().unwrap_or("").to_string(),
            _ => v
                .split(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .next()
                .unwrap_or("")
                .to_string(),
        });
    }
    None
}

/// `matchGoImport`: the one meta tag whose prefix is a path prefix of
/// `path` (a `mod` entry wins over a VCS one with the same prefix).
fn match_import(imports: &[RepoRoot], path: &str) -> Result<RepoRoot, String> {
    let mut found: Option<&RepoRoot> = None;
    for m in imports {
        let is_prefix = path == m.root
            || (path.starts_with(&m.root) && path.as_bytes().get(m.root.len()) == Some(&b'/'));
        if !is_prefix {
            continue;
        }
        if let Some(prev) = found {
            if prev.vcs == "mod" && m.vcs != "mod" {
                break;
            }
            return Err(format!("multiple meta tags match import path {path:?}"));
        }
        found = Some(m);
    }
    found.cloned().ok_or_else(|| {
        format!("no go-import meta tag matches import path {path:?} (is the path right? {FIX})")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_import_meta_tags_parse_and_match_as_go() {
        let html = r#"<html><head>
<meta name="go-import" content="example.test/mod git http://example.test/repo/mod.git">
<META NAME='go-import' CONTENT='example.test/hg hg https://example.test/hg'>
<meta name="go-source" content="x y z w">
<meta name="go-import" content="bad two">
</head><body><meta name="go-import" content="late git https://x"></body></html>"#;
        let m = parse_meta(html);
        assert_eq!(m.len(), 2);
        assert_eq!(
            match_import(&m, "example.test/mod/sub").unwrap().url,
            "http://example.test/repo/mod.git"
        );
        assert_eq!(match_import(&m, "example.test/hg").unwrap().vcs, "hg");
        assert!(match_import(&m, "example.test/module").is_err());
    }

    #[test]
    fn static_rules_find_the_repository_root() {
        assert_eq!(
            static_root("example.test/repo/mod.git/sub"),
            Some((
                "example.test/repo/mod.git".into(),
                "git".into(),
                "example.test/repo/mod".into()
            ))
        );
        assert_eq!(
            static_root("github.com/a/b/c").map(|r| r.0),
            Some("github.com/a/b".into())
        );
        assert_eq!(static_root("example.test/a/b"), None);
        assert_eq!(
            static_root("example.test/x.hg").map(|r| r.1),
            Some("hg".into())
        );
    }
}
