//! Pseudo-versions as golang.org/x/mod/module builds and reads them
//! (`PseudoVersion`, `IsPseudoVersion`, `PseudoVersionRev`,
//! `PseudoVersionTime`): `vX.0.0-yyyymmddhhmmss-abcdefabcdef` with no tag
//! below the commit, `vX.Y.(Z+1)-0.yyyymmddhhmmss-abcdefabcdef` after the
//! release tag vX.Y.Z, `vX.Y.Z-pre.0.yyyymmddhhmmss-abcdefabcdef` after
//! the pre-release tag vX.Y.Z-pre; a `+build` suffix of the tag is kept.

use crate::modfetch::semver;

/// The `yyyymmddhhmmss` UTC stamp of a Unix time in seconds.
pub fn stamp(unix: u64) -> String {
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(unix);
    humantime::format_rfc3339_seconds(t)
        .to_string()
        .chars()
        .filter(char::is_ascii_digit)
        .collect()
}

/// RFC 3339 UTC time of a Unix time in seconds (`2021-02-03T04:05:06Z`), as `.info` files hold it.
pub fn rfc3339(unix: u64) -> String {
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(unix);
    humantime::format_rfc3339_seconds(t).to_string()
}

/// `module.PseudoVersion`: the pseudo-version of the commit `short` (its
/// 12-hex-digit abbreviation) committed at `unix` seconds, above the
/// version `older` (`""`: no tag; then `major`, `v0` when empty, is used).
pub fn build(major: &str, older: &str, unix: u64, short: &str) -> String {
    let major = if major.is_empty() { "v0" } else { major };
    let segment = format!("{}-{short}", stamp(unix));
    let (core, build) = match older.split_once('+') {
        Some((c, b)) => (c, format!("+{b}")),
        None => (older, String::new()),
    };
    if core.is_empty() || !semver::is_valid(core) {
        return format!("{major}.0.0-{segment}");
    }
    if core.contains('-') {
        return format!("{core}.0.{segment}{build}");
    }
    let (head, patch) = core.rsplit_once('.').unwrap_or((core, "0"));
    format!("{head}.{}-0.{segment}{build}", inc_decimal(patch))
}

/// A decimal string plus one (`"9"` → `"10"`), of any length.
fn inc_decimal(d: &str) -> String {
    let mut digits: Vec<u8> = d.bytes().collect();
    let mut i = digits.len();
    loop {
        if i == 0 {
            digits.insert(0, b'1');
            break;
        }
        i -= 1;
        if digits[i] == b'9' {
            digits[i] = b'0';
        } else {
            digits[i] += 1;
            break;
        }
    }
    String::from_utf8_lossy(&digits).into_owned()
}

/// `module.IsPseudoVersion`: a valid version whose pre-release ends in
/// `[0.]yyyymmddhhmmss-<revision>` in one of the three forms.
pub fn is_pseudo(v: &str) -> bool {
    if !semver::is_valid(v) || v.matches('-').count() < 2 {
        return false;
    }
    let core = v.split('+').next().unwrap_or(v);
    let Some((rest, rev)) = core.rsplit_once('-') else {
        return false;
    };
    if rev.is_empty() || !rev.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return false;
    }
    if rest.len() < 14 || !rest[rest.len() - 14..].bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let before = &rest[..rest.len() - 14];
    // vX.0.0-  |  vX.Y.Z-0.  |  vX.Y.Z-pre.0.
    let Some((nums, pre)) = before.split_once('-') else {
        return false;
    };
    (pre.is_empty() && nums.ends_with(".0.0")) || pre == "0." || pre.ends_with(".0.")
}

/// `module.PseudoVersionRev`: the revision (last dash-separated field) of a pseudo-version.
pub fn rev(v: &str) -> &str {
    let core = v.split('+').next().unwrap_or(v);
    core.rsplit('-').next().unwrap_or("")
}

/// `module.PseudoVersionTime`'s digits: the `yyyymmddhhmmss` of a pseudo-version.
pub fn time_stamp(v: &str) -> &str {
    let core = v.split('+').next().unwrap_or(v);
    let rest = core.rsplit_once('-').map(|(r, _)| r).unwrap_or("");
    rest.get(rest.len().saturating_sub(14)..).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudo_versions_in_the_three_forms_of_x_mod() {
        let t = 1_612_325_106; // 2021-02-03T04:05:06Z
        assert_eq!(stamp(t), "20210203040506");
        assert_eq!(rfc3339(t), "2021-02-03T04:05:06Z");
        assert_eq!(
            build("", "", t, "abcdefabcdef"),
            "v0.0.0-20210203040506-abcdefabcdef"
        );
        assert_eq!(
            build("v2", "", t, "abcdefabcdef"),
            "v2.0.0-20210203040506-abcdefabcdef"
        );
        assert_eq!(
            build("", "v1.2.9", t, "abcdefabcdef"),
            "v1.2.10-0.20210203040506-abcdefabcdef"
        );
        assert_eq!(
            build("", "v1.2.3-rc.1", t, "abcdefabcdef"),
            "v1.2.3-rc.1.0.20210203040506-abcdefabcdef"
        );
        assert_eq!(
            build("", "v2.0.0+incompatible", t, "abcdefabcdef"),
            "v2.0.1-0.20210203040506-abcdefabcdef+incompatible"
        );
        for v in [
            "v0.0.0-20210203040506-abcdefabcdef",
            "v1.2.10-0.20210203040506-abcdefabcdef",
            "v1.2.3-rc.1.0.20210203040506-abcdefabcdef",
        ] {
            assert!(is_pseudo(v), "{v}");
            assert_eq!(rev(v), "abcdefabcdef");
            assert_eq!(time_stamp(v), "20210203040506");
        }
        assert!(!is_pseudo("v1.2.3"));
        assert!(!is_pseudo("v1.2.3-rc.1"));
        assert!(!is_pseudo("v1.2.3-20210203040506-abcdefabcdef"));
    }
}
