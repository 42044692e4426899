//! The GOPROXY protocol, as cmd/go/internal/modfetch's `proxyList`,
//! `TryProxies` and `proxyRepo`: a list of `https://…`, `http://…`,
//! `file://…`, `direct` and `off`; after an entry followed by `,` the next
//! is tried only when this one answered 404 or 410 (not found), after `|`
//! on any error. `<base>/<escaped path>/@v/list`, `…/@v/<version>.info`,
//! `.mod` and `.zip` are the requests (and `…/@latest`).

use std::io::Read;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};

use super::cache::escape;

/// One GOPROXY entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A proxy's base URL (`https://`, `http://` or `file://`), no trailing slash.
    Url(String),
    /// `direct`: the module's version control repository.
    Direct,
    /// `off`: no lookup.
    Off,
}

/// An entry and whether any error (not only not-found) falls through to the next (`|`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    /// Where to fetch from.
    pub source: Source,
    /// Followed by `|` (any error falls through) rather than `,`.
    pub fall_back_on_error: bool,
}

/// A failed fetch: go's message, and whether it means "not found" (404,
/// 410, a missing file: go's `fs.ErrNotExist`).
#[derive(Debug, Clone)]
pub struct FetchError {
    /// Whether the source said it does not have it.
    pub not_found: bool,
    /// What happened, with the URL.
    pub msg: String,
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.msg)
    }
}

/// Parses GOPROXY (`proxyList`): entries split at `,` and `|`, empty ones
/// skipped, nothing after `off` or `direct`; a bare host (`proxy.example`)
/// means `https://`.
///
/// Errors: an entry that is no URL, or a list with no entry, in go's words.
pub fn parse_list(goproxy: &str) -> Result<Vec<Spec>> {
    let mut out = Vec::new();
    let mut rest = goproxy;
    while !rest.is_empty() {
        let (entry, fall_back_on_error, next) = match rest.find([',', '|']) {
            Some(i) => (&rest[..i], rest.as_bytes()[i] == b'|', &rest[i + 1..]),
            None => (rest, false, ""),
        };
        rest = next;
        let url = entry.trim();
        if url.is_empty() {
            continue;
        }
        if url == "off" || url == "direct" {
            let source = if url == "off" {
                Source::Off
            } else {
                Source::Direct
            };
            out.push(Spec {
                source,
                fall_back_on_error,
            });
            break;
        }
        let url = if !url.contains("://") && url.contains(['.', ':', '/']) && !url.starts_with('/')
        {
            format!("https://{url}")
        } else {
            url.to_string()
        };
        if !(url.starts_with("https://")
            || url.starts_with("http://")
            || url.starts_with("file://"))
        {
            bail!(
                "invalid proxy URL {url:?} in GOPROXY={goproxy}: use an https://, http:// or \
                 file:// URL, `direct` or `off` (as the go command)"
            );
        }
        out.push(Spec {
            source: Source::Url(url.trim_end_matches('/').to_string()),
            fall_back_on_error,
        });
    }
    if out.is_empty() && !goproxy.is_empty() {
        bail!("GOPROXY list is not the empty string, but contains no entries");
    }
    Ok(out)
}

/// The HTTP client and whether `-x` prints each request.
pub struct Client {
    agent: ureq::Agent,
    /// `-x`: print `# get URL` and `# get URL: 200 OK (0.012s)` as go does.
    pub trace: bool,
}

impl Client {
    /// A client with a 30 s connect and 10 min overall timeout per request.
    pub fn new(trace: bool) -> Client {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(30)))
            .timeout_global(Some(Duration::from_secs(600)))
            .user_agent(concat!("gccgo-build/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Client { agent, trace }
    }

    /// GETs `url` (http, https or file) into memory, at most `limit` bytes.
    ///
    /// Errors: not found (404, 410, no such file) marked as such; any other
    /// status, a refused connection or a body over `limit`, as go words them
    /// (`reading URL: 500 Internal Server Error`).
    pub fn get(&self, url: &str, limit: u64) -> Result<Vec<u8>, FetchError> {
        if let Some(p) = url.strip_prefix("file://") {
            return match std::fs::read(p) {
                Ok(b) if b.len() as u64 > limit => Err(FetchError {
                    not_found: false,
                    msg: format!("reading {url}: larger than {limit} bytes"),
                }),
                Ok(b) => Ok(b),
                Err(e) => Err(FetchError {
                    not_found: e.kind() == std::io::ErrorKind::NotFound,
                    msg: format!("reading {url}: {}", io_words(&e)),
                }),
            };
        }
        let start = Instant::now();
        if self.trace {
            eprintln!("# get {url}");
        }
        let traced = |what: &str| {
            if self.trace {
                eprintln!(
                    "# get {url}: {what} ({:.3}s)",
                    start.elapsed().as_secs_f64()
                );
            }
        };
        let mut resp = match self.agent.get(url).call() {
            Ok(r) => r,
            Err(e) => {
                traced(&e.to_string());
                return Err(FetchError {
                    not_found: false,
                    msg: format!("reading {url}: {e}"),
                });
            }
        };
        let status = resp.status();
        let status_text = format!(
            "{} {}",
            status.as_u16(),
            status.canonical_reason().unwrap_or("")
        );
        traced(&status_text);
        match status.as_u16() {
            200 => {
                let mut buf = Vec::new();
                let r = resp
                    .body_mut()
                    .as_reader()
                    .take(limit + 1)
                    .read_to_end(&mut buf);
                match r {
                    Ok(_) if buf.len() as u64 > limit => Err(FetchError {
                        not_found: false,
                        msg: format!("reading {url}: larger than {limit} bytes"),
                    }),
                    Ok(_) => Ok(buf),
                    Err(e) => Err(FetchError {
                        not_found: false,
                        msg: format!("reading {url}: {e}"),
                    }),
                }
            }
            code => {
                let detail = resp
                    .body_mut()
                    .with_config()
                    .limit(4096)
                    .read_to_string()
                    .unwrap_or_default();
                let detail = detail.trim();
                let msg = if detail.is_empty() || detail.starts_with('<') {
                    format!("reading {url}: {status_text}")
                } else {
                    let sep = if detail.contains('\n') { "\n\t" } else { " " };
                    format!("reading {url}: {status_text}\n\tserver response:{sep}{detail}")
                };
                Err(FetchError {
                    not_found: code == 404 || code == 410,
                    msg,
                })
            }
        }
    }
}

/// An I/O error in go's words ("no such file or directory").
fn io_words(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_lowercase(),
        None => s,
    }
}

/// The URL of `rel` (`@v/list`, `@v/<version>.mod`, `@latest`) for module
/// `path` under a proxy's `base`.
pub fn url(base: &str, path: &str, rel: &str) -> String {
    format!("{base}/{}/{rel}", escape(path))
}

/// Runs `f` on each entry of `list` as `TryProxies`: stops at the first
/// success; after a failure goes on only when it was "not found" or the
/// entry was followed by `|`. The error reported is the most useful one
/// (a direct or proxy failure over a not-found).
pub fn try_each<T>(
    list: &[Spec],
    mut f: impl FnMut(&Source) -> Result<T, FetchError>,
) -> Result<T, FetchError> {
    let mut best: Option<(u8, FetchError)> = None;
    for spec in list {
        let err = match f(&spec.source) {
            Ok(v) => return Ok(v),
            Err(e) => e,
        };
        let rank = match (&spec.source, err.not_found) {
            (Source::Direct, _) => 2,
            (_, true) => 0,
            (_, false) => 1,
        };
        let stop = !spec.fall_back_on_error && !err.not_found;
        // As TryProxies: direct always wins; a proxy error beats not-found;
        // a later not-found replaces an earlier one.
        if best
            .as_ref()
            .is_none_or(|(r, _)| rank == 2 || rank > *r || (rank == 0 && *r == 0))
        {
            best = Some((rank, err));
        }
        if stop {
            break;
        }
    }
    Err(best.map(|(_, e)| e).unwrap_or(FetchError {
        not_found: true,
        msg: "GOPROXY lists no proxy".into(),
    }))
}

/// `module.MatchPrefixPatterns`: whether `path` or one of its leading
/// element prefixes matches a comma-separated glob list (GOPRIVATE,
/// GONOPROXY, GONOSUMDB, GOINSECURE); each glob is matched against as many
/// leading elements as it has.
pub fn match_prefix_patterns(globs: &str, path: &str) -> bool {
    for glob in globs.split(',').map(str::trim).filter(|g| !g.is_empty()) {
        let n = glob.matches('/').count() + 1;
        let elems: Vec<&str> = path.split('/').collect();
        if elems.len() < n {
            continue;
        }
        let prefix = elems[..n].join("/");
        if glob_match(glob, &prefix) {
            return true;
        }
    }
    false
}

/// `path.Match` for `*`, `?` and literal characters (`*` never crosses `/`).
fn glob_match(pat: &str, s: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pat.chars().collect(), s.chars().collect());
    fn go(p: &[char], t: &[char]) -> bool {
        match p.first() {
            None => t.is_empty(),
            Some('*') => (0..=t.len())
                .take_while(|&i| i == 0 || t[i - 1] != '/')
                .any(|i| go(&p[1..], &t[i..])),
            Some('?') => !t.is_empty() && t[0] != '/' && go(&p[1..], &t[1..]),
            Some(c) => t.first() == Some(c) && go(&p[1..], &t[1..]),
        }
    }
    go(&p, &t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goproxy_lists_parse_as_go() {
        let l = parse_list("http://a, file:///b|direct,https://ignored").unwrap();
        assert_eq!(l.len(), 3);
        assert!(!l[0].fall_back_on_error && l[1].fall_back_on_error);
        assert_eq!(l[2].source, Source::Direct);
        assert_eq!(
            parse_list("proxy.example").unwrap()[0].source,
            Source::Url("https://proxy.example".into())
        );
        assert!(parse_list(",").is_err());
    }

    #[test]
    fn private_patterns_match_leading_elements() {
        assert!(match_prefix_patterns(
            "*.corp.example,rsc.io/private",
            "git.corp.example/x/y"
        ));
        assert!(match_prefix_patterns(
            "rsc.io/private",
            "rsc.io/private/sub"
        ));
        assert!(!match_prefix_patterns("rsc.io/private", "rsc.io/public"));
    }
}
