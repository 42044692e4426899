//! Version queries (`path@latest`, `@v1`, `@v1.2.3`, `@<v1.3`, `@upgrade`
//! …) answered from a proxy, as cmd/go/internal/modload's `Query` and
//! `queryProxy` (query.go): a canonical version or a revision is looked up
//! directly (`.info`, go's `Stat`); every other query filters the proxy's
//! `@v/list`, releases before prereleases, highest first (lowest first for
//! `>` and `>=`); `latest` with nothing listed asks for `@latest`.
//!
//! It knows modules only, not packages: which module provides a package
//! is `resolve`'s question.

use super::{Fetcher, Info, MAX_SMALL, semver};

/// Why a query found nothing, in go's classes (modload's
/// `queryPrefixModules` ranks them when several module paths are tried).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryError {
    /// The proxy does not know the module or version (go's `fs.ErrNotExist`).
    NotExist(String),
    /// The module exists but no version matches (`NoMatchingVersionError`).
    NoMatch(String),
    /// Any other failure (a proxy error, a bad query), in go's words.
    Other(String),
}

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            QueryError::NotExist(m) | QueryError::NoMatch(m) | QueryError::Other(m) => {
                f.write_str(m)
            }
        }
    }
}

/// How a list-based query chooses among listed versions (go's `queryMatcher`).
struct Matcher {
    /// A version must start with this (`v1.2.` for `v1.2`).
    prefix: String,
    /// A version must pass this.
    filter: Box<dyn Fn(&str) -> bool>,
    /// Choose the lowest match (`>`, `>=`) instead of the highest.
    prefer_lower: bool,
    /// With no listed match, the proxy's `@latest` may answer.
    may_use_latest: bool,
}

/// `isSemverPrefix`: `v1` or `v1.2`, valid but not a full version.
fn is_prefix(v: &str) -> bool {
    semver::is_valid(v) && !v.contains('-') && v.matches('.').count() < 2
}

/// go's `newQueryMatcher`; `None` means the query is looked up directly
/// (`canStat`: a canonical version, or a revision).
///
/// Errors: a range whose bound is no semantic version, or is ambiguous.
fn matcher(query: &str, current: &str) -> Result<Option<Matcher>, QueryError> {
    let m = |prefix: &str, filter: Box<dyn Fn(&str) -> bool>, lower: bool, latest: bool| {
        Ok(Some(Matcher {
            prefix: prefix.to_string(),
            filter,
            prefer_lower: lower,
            may_use_latest: latest,
        }))
    };
    let none = current.is_empty() || current == "none";
    let bound = |op: &str| -> Result<String, QueryError> {
        let v = &query[op.len()..];
        if !semver::is_valid(v) {
            return Err(QueryError::Other(format!(
                "invalid semantic version {v:?} in range {query:?}"
            )));
        }
        if (op == "<=" || op == ">") && is_prefix(v) {
            return Err(QueryError::Other(format!(
                "ambiguous semantic version {v:?} in range {query:?}"
            )));
        }
        Ok(v.to_string())
    };
    let cur = current.to_string();
    let cmp = |a: &str, b: &str| semver::compare(a, b);
    match query {
        "latest" => m("", Box::new(|_| true), false, true),
        "upgrade" if none => m("", Box::new(|_| true), false, true),
        "upgrade" => m("", Box::new(move |v| cmp(v, &cur).is_ge()), false, false),
        "patch" if none => Err(QueryError::Other(
            "can't query version \"patch\" of module {}: no existing version is required".into(),
        )),
        "patch" => {
            let mm: String = cur.splitn(3, '.').take(2).collect::<Vec<_>>().join(".");
            m(
                &format!("{mm}."),
                Box::new(move |v| cmp(v, &cur).is_ge()),
                false,
                false,
            )
        }
        q if q.starts_with("<=") => {
            let b = bound("<=")?;
            m("", Box::new(move |v| cmp(v, &b).is_le()), false, false)
        }
        q if q.starts_with('<') => {
            let b = bound("<")?;
            m("", Box::new(move |v| cmp(v, &b).is_lt()), false, false)
        }
        q if q.starts_with(">=") => {
            let b = bound(">=")?;
            m("", Box::new(move |v| cmp(v, &b).is_ge()), true, false)
        }
        q if q.starts_with('>') => {
            let b = bound(">")?;
            m("", Box::new(move |v| cmp(v, &b).is_gt()), true, false)
        }
        q if is_prefix(q) => {
            let b = q.to_string();
            m(
                &format!("{q}."),
                Box::new(move |v| cmp(v, &b).is_ge()),
                false,
                false,
            )
        }
        _ => Ok(None),
    }
}

/// Answers `query` for module `path` whose selected version is `current`
/// (`none` or empty: not required), as modload's `Query` without
/// retractions or exclusions.
///
/// Errors: the module or version unknown to the proxy (`NotExist`, worded
/// `module P: reading URL: …` or `P@V: reading URL: …`), no listed version
/// matching (`NoMatch`: `no matching versions for query "Q"`), or another
/// failure.
pub fn query(f: &Fetcher, path: &str, query: &str, current: &str) -> Result<Info, QueryError> {
    let fetch_err = |what: String, e: super::proxy::FetchError| {
        // GOPROXY=off is go's bare `errLookupDisabled`, named after no module.
        let msg = if e.msg.starts_with("module lookup disabled") {
            e.msg.clone()
        } else {
            format!("{what}: {e}")
        };
        if e.not_found {
            QueryError::NotExist(msg)
        } else {
            QueryError::Other(msg)
        }
    };
    let Some(m) = matcher(query, current).map_err(|e| match e {
        QueryError::Other(s) => QueryError::Other(s.replace("{}", path)),
        e => e,
    })?
    else {
        return info(f, path, query).map_err(|e| fetch_err(format!("{path}@{query}"), e));
    };
    let list = f
        .fetch(path, "@v/list", MAX_SMALL)
        .map_err(|e| fetch_err(format!("module {path}"), e))?;
    let mut vs: Vec<String> = String::from_utf8_lossy(&list)
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|v| semver::is_valid(v) && !super::query::is_pseudo(v))
        .filter(|v| v.starts_with(&m.prefix) && (m.filter)(v))
        .map(String::from)
        .collect();
    vs.sort_by(|a, b| semver::compare(a, b));
    vs.dedup();
    if !m.prefer_lower {
        vs.reverse();
    }
    let release = vs
        .iter()
        .find(|v| !v.split('+').next().unwrap_or(v).contains('-'));
    if let Some(v) = release.or(vs.first()) {
        return info(f, path, v).map_err(|e| fetch_err(format!("{path}@{v}"), e));
    }
    if m.may_use_latest {
        match f.fetch(path, "@latest", MAX_SMALL) {
            Ok(data) => {
                return serde_json::from_slice(&data).map_err(|e| {
                    QueryError::Other(format!("{path}@latest: malformed JSON from the proxy: {e}"))
                });
            }
            Err(e) if !e.not_found => return Err(fetch_err(format!("module {path}"), e)),
            Err(_) => {}
        }
    }
    let suffix = if (query == "upgrade" || query == "patch") && current != "none" {
        format!(" (current version is {current})")
    } else {
        String::new()
    };
    Err(QueryError::NoMatch(format!(
        "no matching versions for query {query:?}{suffix}"
    )))
}

/// The `.info` of `path` at `version` (cache, else proxy), go's `Stat`.
fn info(f: &Fetcher, path: &str, version: &str) -> Result<Info, super::proxy::FetchError> {
    if let Some(d) = f.cache.read(path, version, "info")
        && let Ok(i) = serde_json::from_slice::<Info>(&d)
    {
        return Ok(i);
    }
    let rel = format!("@v/{}.info", super::cache::escape(version));
    let data = f.fetch(path, &rel, MAX_SMALL)?;
    let i: Info = serde_json::from_slice(&data).map_err(|e| super::proxy::FetchError {
        not_found: false,
        msg: format!("malformed .info from the proxy: {e}"),
    })?;
    if i.version == version {
        let _ = super::cache::write_atomic(&f.cache.file(path, version, "info"), &data);
    }
    Ok(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_parse_as_go_query_matcher() {
        assert!(matcher("v1.2.3", "").unwrap().is_none());
        assert!(matcher("master", "").unwrap().is_none());
        let m = matcher("v1.2", "").unwrap().unwrap();
        assert_eq!(m.prefix, "v1.2.");
        assert!((m.filter)("v1.2.5") && !(m.filter)("v1.2.0-pre"));
        let m = matcher(">=v1.1.0", "").unwrap().unwrap();
        assert!(m.prefer_lower && (m.filter)("v1.1.0") && !(m.filter)("v1.0.9"));
        assert_eq!(
            matcher("<=v1.2", "").err().unwrap().to_string(),
            "ambiguous semantic version \"v1.2\" in range \"<=v1.2\""
        );
        assert!(matcher("<bad", "").is_err());
        let m = matcher("patch", "v1.2.3").unwrap().unwrap();
        assert_eq!(m.prefix, "v1.2.");
    }
}
