//! GOVCS, as cmd/go/internal/vcs's `CheckGOVCS` reads it: a comma list
//! of `pattern:vcs|vcs…` (`all`, `off`), the patterns path globs or the
//! words `public`/`private` (GOPRIVATE); the first matching rule decides,
//! then go's defaults `private:all,public:git|hg`.

use anyhow::{Result, bail};

use crate::modfetch::proxy::match_prefix_patterns;

/// go's defaults, consulted after GOVCS's own rules.
const DEFAULT: &str = "private:all,public:git|hg";

/// Parses one GOVCS list into (pattern, allowed VCSs) rules (`parseGOVCS`).
///
/// Errors: go's `malformed entry in GOVCS …` texts.
fn parse(govcs: &str) -> Result<Vec<(String, Vec<String>)>> {
    let mut rules = Vec::new();
    for item in govcs.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        let Some((pattern, list)) = item.split_once(':') else {
            bail!("malformed entry in GOVCS (missing colon): {item:?}");
        };
        let (pattern, list) = (pattern.trim(), list.trim());
        if pattern.is_empty() {
            bail!("empty pattern in GOVCS: {item:?}");
        }
        if list.is_empty() {
            bail!("empty VCS list in GOVCS: {item:?}");
        }
        let allowed: Vec<String> = list.split('|').map(|v| v.trim().to_string()).collect();
        if allowed.iter().any(String::is_empty) {
            bail!("empty VCS name in GOVCS: {item:?}");
        }
        if allowed.len() > 1 && allowed.iter().any(|v| v == "off" || v == "all") {
            bail!("GOVCS: 'off' and 'all' must appear alone: {item:?}");
        }
        let allowed = if allowed == ["off"] {
            Vec::new()
        } else {
            allowed
        };
        rules.push((pattern.to_string(), allowed));
    }
    Ok(rules)
}

/// Whether GOVCS lets `direct` use `vcs` for the repository at import
/// path `root` (`CheckGOVCS`).
///
/// Errors: a malformed GOVCS (`invalid GOVCS: …`), or go's `GOVCS
/// disallows using git for public example.com/x; see 'go help vcs'`.
pub fn check(govcs: &str, goprivate: &str, root: &str, vcs: &str) -> Result<()> {
    let mut rules = parse(govcs).map_err(|e| anyhow::anyhow!("invalid GOVCS: {e}"))?;
    rules.extend(parse(DEFAULT)?);
    let private = match_prefix_patterns(goprivate, root);
    for (pattern, allowed) in &rules {
        let matches = match pattern.as_str() {
            "private" => private,
            "public" => !private,
            p => match_prefix_patterns(p, root),
        };
        if !matches {
            continue;
        }
        if allowed.iter().any(|a| a == vcs || a == "all") {
            return Ok(());
        }
        break;
    }
    let what = if private { "private" } else { "public" };
    bail!("GOVCS disallows using {vcs} for {what} {root}; see 'go help vcs'")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn govcs_rules_and_defaults_as_go() {
        assert!(check("", "", "example.test/m", "git").is_ok());
        assert!(check("", "", "example.test/m", "svn").is_err());
        assert!(check("", "example.test", "example.test/m", "svn").is_ok());
        assert!(check("example.test:off", "", "example.test/m", "git").is_err());
        assert!(check("public:off,private:git", "corp.test", "corp.test/m", "git").is_ok());
        let e = check("public:hg", "", "example.test/m", "git").unwrap_err();
        assert_eq!(
            e.to_string(),
            "GOVCS disallows using git for public example.test/m; see 'go help vcs'"
        );
        assert!(check("nocolon", "", "example.test/m", "git").is_err());
        assert!(check("x:git|off", "", "example.test/m", "git").is_err());
    }
}
