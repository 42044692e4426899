//! go's `...` wildcard anywhere in a package pattern
//! (cmd/go/internal/search `MatchPattern`): `...` matches any string, and
//! a trailing `/...` also matches the path without it (`net/...` matches
//! `net`). The vendor rules of `MatchPattern` are not needed: the walks
//! that feed it skip `vendor` directories already.

/// Whether `name` (an import path, or a directory path for a local
/// pattern) matches `pattern`.
pub fn matches(pattern: &str, name: &str) -> bool {
    if let Some(base) = pattern.strip_suffix("/...")
        && name == base
    {
        return true;
    }
    let parts: Vec<&str> = pattern.split("...").collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if parts.len() == 1 {
        return name == pattern;
    }
    if !name.starts_with(first) || name.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    if !name.ends_with(last) {
        return false;
    }
    // The middle literals, leftmost first (only `*`-like wildcards: greedy-left is exact).
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

/// The literal directory part of a pattern before its first `...`
/// (`example.com/m/l...` → `example.com/m`, `./c...` → `.`): where a walk
/// for it starts. None when the pattern has no `...` or ends in `/...`
/// only (the caller's older path handles those).
pub fn walk_base(pattern: &str) -> Option<&str> {
    let i = pattern.find("...").filter(|_| pattern != "...")?;
    if pattern
        .strip_suffix("/...")
        .is_some_and(|b| !b.contains("..."))
    {
        return None;
    }
    let prefix = &pattern[..i];
    Some(match prefix.rfind('/') {
        Some(j) => &prefix[..j],
        None => "",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dots_match_as_go_s_match_pattern() {
        assert!(matches("net/...", "net"));
        assert!(matches("net/...", "net/http"));
        assert!(!matches("net/...", "netchan"));
        assert!(matches("example.com/m/l...", "example.com/m/lib/inner"));
        assert!(matches("example.com/.../inner", "example.com/m/lib/inner"));
        assert!(!matches("example.com/.../inner", "example.com/m/lib"));
        assert!(matches("example.com/m/...in...", "example.com/m/lib/inner"));
        assert!(matches("example.com/m/...in...", "example.com/m/main"));
        assert!(!matches("a...b...c", "acb"));
        assert_eq!(walk_base("example.com/m/l..."), Some("example.com/m"));
        assert_eq!(walk_base("./c..."), Some("."));
        assert_eq!(walk_base("x/..."), None);
        assert_eq!(walk_base("x"), None);
    }
}
