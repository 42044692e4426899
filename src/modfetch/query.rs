//! Module queries for `list -m -versions`, `-u`, `-retracted` and
//! `path@latest` (cmd/go/internal/modfetch's `Versions`/`Latest` through a
//! proxy and modload's retraction check), over a `Fetcher`.

use anyhow::{Result, anyhow};

use super::{Fetcher, Info, MAX_SMALL, semver};

/// A `retract` directive of a module's latest go.mod: the closed version
/// interval it covers and its rationale (the comment), as modfile's `Retract`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retraction {
    /// Lowest retracted version.
    pub low: String,
    /// Highest retracted version (equal to `low` for one version).
    pub high: String,
    /// The comment before or on the directive, may be empty.
    pub rationale: String,
}

/// Whether `v` is a pseudo-version (`vX.Y.Z-[0.]yyyymmddhhmmss-abcdefabcdef` and prerelease forms).
pub fn is_pseudo(v: &str) -> bool {
    let base = v.split('+').next().unwrap_or(v);
    let parts: Vec<&str> = base.rsplitn(3, '-').collect();
    parts.len() == 3 && parts[0].len() == 12 && parts[0].bytes().all(|b| b.is_ascii_hexdigit()) && {
        let ts = parts[1].rsplit('.').next().unwrap_or("");
        ts.len() == 14 && ts.bytes().all(|b| b.is_ascii_digit())
    }
}

/// The tagged versions of module `path` the proxy lists (`@v/list`),
/// valid semver only, pseudo-versions left out, in semver order (`Versions`).
///
/// Errors: the proxy list fails (GOPROXY=off included), in go's words.
pub fn versions(f: &Fetcher, path: &str) -> Result<Vec<String>> {
    let data = f
        .fetch(path, "@v/list", MAX_SMALL)
        .map_err(|e| anyhow!("{path}: {e}"))?;
    let mut vs: Vec<String> = String::from_utf8_lossy(&data)
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|v| semver::is_valid(v) && !is_pseudo(v))
        .map(String::from)
        .collect();
    vs.sort_by(|a, b| semver::compare(a, b));
    vs.dedup();
    Ok(vs)
}

/// `path@latest`: the highest release in the list, else the highest
/// prerelease, else the proxy's `@latest` (a pseudo-version) (`Latest`).
///
/// Errors: nothing is listed and `@latest` fails.
pub fn latest(f: &Fetcher, path: &str) -> Result<Info> {
    let vs = without_incompatible_past_go_mod(f, path, versions(f, path)?)?;
    let release = vs
        .iter()
        .rev()
        .find(|v| !v.split('+').next().unwrap_or(v).contains('-'));
    if let Some(v) = release.or(vs.last()) {
        return f.info(path, v);
    }
    let data = f
        .fetch(path, "@latest", MAX_SMALL)
        .map_err(|e| anyhow!("{path}@latest: {e}"))?;
    serde_json::from_slice(&data)
        .map_err(|e| anyhow!("{path}@latest: malformed JSON from the proxy: {e}"))
}

/// modload's `filterVersions`: `+incompatible` versions count only while
/// the highest compatible version below them has no real go.mod (its
/// go.mod, fetched raw and cached as `versionHasGoMod` does, is not go's
/// synthesized `module PATH`); from there on they are dropped.
///
/// Errors: that go.mod cannot be fetched.
fn without_incompatible_past_go_mod(
    f: &Fetcher,
    path: &str,
    vs: Vec<String>,
) -> Result<Vec<String>> {
    let Some(i) = vs.iter().position(|v| v.ends_with("+incompatible")) else {
        return Ok(vs);
    };
    let Some(last) = vs[..i].last() else {
        return Ok(vs);
    };
    let data = f.go_mod_unverified(path, last)?;
    f.keep_go_mod(path, last, &data)?;
    if data == format!("module {path}\n").as_bytes() {
        return Ok(vs);
    }
    Ok(vs[..i].to_vec())
}

/// `path@query` for a query that names no version — a branch, a commit
/// hash, `HEAD` — resolved by the proxy (or `direct`) as the `.info` of
/// `@v/QUERY.info`, which proxy.golang.org and go's `direct` mode both
/// answer with the canonical version; cached under that version only (as
/// go's `cachingRepo.Stat`).
///
/// Errors: the fetch fails (go's `invalid version: unknown revision Q`), or bad JSON.
pub fn revision(f: &Fetcher, path: &str, query: &str) -> Result<Info> {
    let data = f
        .fetch(
            path,
            &format!("@v/{}.info", super::cache::escape(query)),
            MAX_SMALL,
        )
        .map_err(|e| anyhow!("{path}@{query}: {e}"))?;
    let info: Info = serde_json::from_slice(&data)
        .map_err(|e| anyhow!("{path}@{query}: malformed .info from the proxy: {e}"))?;
    let file = f.cache.file(path, &info.version, "info");
    if !file.is_file() {
        super::cache::write_atomic(&file, &data)?;
    }
    Ok(info)
}

/// `semver.Canonical(v) == v`: a version that names itself rather than a query.
pub fn is_canonical(v: &str) -> bool {
    semver::is_valid(v)
        && !v.split('+').next().unwrap_or(v).is_empty()
        && v.split(['-', '+'])
            .next()
            .is_some_and(|c| c.matches('.').count() == 2)
}

/// The retractions declared by the latest version's go.mod of `path`
/// (modload's `checkRetractions` reads them from there).
///
/// Errors: `latest` or its go.mod cannot be fetched or verified.
pub fn retractions(f: &Fetcher, path: &str) -> Result<Vec<Retraction>> {
    let latest = latest(f, path)?;
    let data = f.go_mod(path, &latest.version)?;
    let text = String::from_utf8_lossy(&data);
    let file = f.cache.file(path, &latest.version, "mod");
    let mut out = Vec::new();
    for s in crate::gomod::statements(&file, &text)? {
        if s.verb != "retract" {
            continue;
        }
        let joined = s.args.join(" ");
        let inner = joined.trim().trim_start_matches('[').trim_end_matches(']');
        let mut ends = inner.split(',').map(|x| x.trim().to_string());
        let low = ends.next().unwrap_or_default();
        let high = ends.next().unwrap_or_else(|| low.clone());
        out.push(Retraction {
            low,
            high,
            rationale: s.comment.clone(),
        });
    }
    Ok(out)
}

/// Whether `version` falls in one of `retractions`.
pub fn is_retracted(retractions: &[Retraction], version: &str) -> bool {
    retractions.iter().any(|r| {
        semver::compare(&r.low, version).is_le() && semver::compare(version, &r.high).is_le()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudo_versions_are_recognised() {
        assert!(is_pseudo("v0.0.0-20210630005230-0f9fa26af87c"));
        assert!(is_pseudo("v0.1.6-0.20210726203631-07bc1bf47fb2"));
        assert!(!is_pseudo("v1.2.3"));
        assert!(!is_pseudo("v1.2.3-pre"));
    }
}
