//! Semantic versions as golang.org/x/mod/semver orders them (`Compare`,
//! `IsValid`, `Max`): `v` then MAJOR[.MINOR[.PATCH]], an optional
//! `-prerelease` and `+build` (ignored in comparisons); an invalid string
//! is below every valid one.

use std::cmp::Ordering;

/// A parsed version: numeric parts and the prerelease identifiers.
struct Parsed<'a> {
    nums: [u64; 3],
    pre: Option<&'a str>,
}

fn parse(v: &str) -> Option<Parsed<'_>> {
    let rest = v.strip_prefix('v')?;
    let rest = rest.split('+').next()?;
    let (core, pre) = match rest.split_once('-') {
        Some((c, p)) if !p.is_empty() => (c, Some(p)),
        Some(_) => return None,
        None => (rest, None),
    };
    let mut nums = [0u64; 3];
    let parts: Vec<&str> = core.split('.').collect();
    if parts.is_empty() || parts.len() > 3 || (parts.len() < 3 && pre.is_some()) {
        return None;
    }
    for (i, p) in parts.iter().enumerate() {
        if p.is_empty()
            || !p.bytes().all(|b| b.is_ascii_digit())
            || (p.len() > 1 && p.starts_with('0'))
        {
            return None;
        }
        nums[i] = p.parse().ok()?;
    }
    Some(Parsed { nums, pre })
}

/// Whether `v` is a valid semantic version (`semver.IsValid`).
pub fn is_valid(v: &str) -> bool {
    parse(v).is_some()
}

/// `semver.Compare`: the order of two versions (build metadata ignored;
/// a prerelease is below its release; invalid below everything valid).
pub fn compare(a: &str, b: &str) -> Ordering {
    match (parse(a), parse(b)) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => x.nums.cmp(&y.nums).then_with(|| match (x.pre, y.pre) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
            (Some(p), Some(q)) => compare_pre(p, q),
        }),
    }
}

/// Prerelease identifiers compared one by one: numeric ones numerically
/// and below alphanumeric ones; a shorter list that is a prefix is lower.
fn compare_pre(p: &str, q: &str) -> Ordering {
    let mut a = p.split('.');
    let mut b = q.split('.');
    loop {
        match (a.next(), b.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let xn = x.bytes().all(|c| c.is_ascii_digit());
                let yn = y.bytes().all(|c| c.is_ascii_digit());
                let o = match (xn, yn) {
                    (true, true) => x.len().cmp(&y.len()).then_with(|| x.cmp(y)),
                    (true, false) => Ordering::Less,
                    (false, true) => Ordering::Greater,
                    (false, false) => x.cmp(y),
                };
                if o != Ordering::Equal {
                    return o;
                }
            }
        }
    }
}

/// The higher of two versions (`semver.Max`; `a` when equal).
pub fn max<'a>(a: &'a str, b: &'a str) -> &'a str {
    if compare(a, b) == Ordering::Less {
        b
    } else {
        a
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_as_x_mod_semver() {
        let mut vs = vec![
            "v1.10.0",
            "v1.2.0",
            "v1.2.0-pre",
            "v0.0.0-20210630005230-0f9fa26af87c",
            "v1.2.0-pre.10",
            "v1.2.0-pre.9",
            "v2.0.0+incompatible",
            "bad",
        ];
        vs.sort_by(|a, b| compare(a, b));
        assert_eq!(
            vs,
            [
                "bad",
                "v0.0.0-20210630005230-0f9fa26af87c",
                "v1.2.0-pre",
                "v1.2.0-pre.9",
                "v1.2.0-pre.10",
                "v1.2.0",
                "v1.10.0",
                "v2.0.0+incompatible"
            ]
        );
        assert!(is_valid("v1") && !is_valid("v1.0.0-") && !is_valid("1.0.0"));
    }
}
