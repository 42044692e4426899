//! vendor/modules.txt against go.mod, as cmd/go/internal/modload's
//! `checkVendorConsistency` (vendor.go): every requirement must be marked
//! `## explicit`, every replacement listed the same, and nothing marked
//! explicit or replaced that go.mod does not say. go 1.14's modules.txt
//! is the first with that information; for an older `go` directive only
//! a version mismatch is reported, as go does.

use std::collections::BTreeMap;

use anyhow::{Result, bail};

use crate::gomod::GoMod;

/// A module version as modules.txt and go.mod name it (`""`: any version).
type Mv = (String, String);

/// What modules.txt says of one module (`vendorMetadata`).
#[derive(Debug, Default, Clone)]
struct Meta {
    explicit: bool,
    replacement: Option<Mv>,
}

/// modules.txt read as `readVendorList`: the modules providing packages
/// (in order, highest version per path), the metadata and the replaced ones.
#[derive(Debug, Default)]
struct VendorList {
    list: Vec<Mv>,
    version: BTreeMap<String, String>,
    meta: BTreeMap<Mv, Meta>,
    replaced: Vec<Mv>,
}

fn read_vendor_list(text: &str) -> VendorList {
    let mut v = VendorList::default();
    let mut cur: Option<Mv> = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# ") {
            let f: Vec<&str> = rest.split_whitespace().collect();
            if f.len() < 2 {
                continue;
            }
            let (m, tail) = if crate::modfetch::semver::is_valid(f[1]) {
                ((f[0].to_string(), f[1].to_string()), &f[2..])
            } else if f[1] == "=>" {
                ((f[0].to_string(), String::new()), &f[1..])
            } else {
                cur = None;
                continue;
            };
            if tail.len() >= 2 && tail[0] == "=>" {
                let r = match tail {
                    [_, p] => Some((p.to_string(), String::new())),
                    [_, p, ver] if crate::modfetch::semver::is_valid(ver) => {
                        Some((p.to_string(), ver.to_string()))
                    }
                    _ => None,
                };
                if r.is_some() {
                    v.replaced.push(m.clone());
                    v.meta.entry(m.clone()).or_default().replacement = r;
                }
            }
            cur = Some(m);
            continue;
        }
        let Some(m) = &cur else { continue };
        if let Some(meta) = line.strip_prefix("## ") {
            if meta.split(';').any(|e| e.trim() == "explicit") {
                v.meta.entry(m.clone()).or_default().explicit = true;
            }
            continue;
        }
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() == 1 && !f[0].starts_with('#') {
            let newer = v
                .version
                .get(&m.0)
                .is_none_or(|old| crate::modfetch::semver::compare(old, &m.1).is_lt());
            if newer {
                v.list.push(m.clone());
                v.version.insert(m.0.clone(), m.1.clone());
            }
        }
    }
    v
}

/// `path@version`, or `path` for an empty version (`describe`).
fn describe(m: &Mv) -> String {
    if m.1.is_empty() {
        m.0.clone()
    } else {
        format!("{}@{}", m.0, m.1)
    }
}

/// Checks `main`'s `vendor/modules.txt` (absent: empty) against `main`.
///
/// Errors: go's paragraph, `inconsistent vendoring in DIR:` then one
/// `\n\tmodule@version: …` line per disagreement and how to fix it.
pub fn check_consistency(main: &GoMod) -> Result<()> {
    let file = main.dir().join("vendor/modules.txt");
    let text = std::fs::read_to_string(&file).unwrap_or_default();
    let v = read_vendor_list(&text);
    let pre114 = main.go_version().is_none_or(|g| g < (1, 14));
    let mut errs = String::new();
    let mut err = |m: &Mv, detail: String| errs.push_str(&format!("\n\t{}: {detail}", describe(m)));
    let meta = |m: &Mv| v.meta.get(m).cloned().unwrap_or_default();
    for r in &main.require {
        let m = (r.path.clone(), r.version.clone());
        if meta(&m).explicit {
            continue;
        }
        if !pre114 {
            err(&m, "is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt".into());
        } else if let Some(vv) = v.version.get(&r.path).filter(|vv| **vv != r.version) {
            err(
                &m,
                format!(
                    "is explicitly required in go.mod, but vendor/modules.txt indicates {}@{vv}",
                    r.path
                ),
            );
        }
    }
    let new_of =
        |r: &crate::gomod::Replace| (r.new.clone(), r.new_version.clone().unwrap_or_default());
    for r in &main.replace {
        let old = (r.old.clone(), r.old_version.clone().unwrap_or_default());
        match meta(&old).replacement {
            None if pre114
                && (r.old_version.is_none()
                    || v.version
                        .get(&r.old)
                        .is_none_or(|vv| Some(vv) != r.old_version.as_ref())) => {}
            None => err(
                &old,
                "is replaced in go.mod, but not marked as replaced in vendor/modules.txt".into(),
            ),
            Some(vr) if vr != new_of(r) => err(
                &old,
                format!(
                    "is replaced by {} in go.mod, but marked as replaced by {} in vendor/modules.txt",
                    describe(&new_of(r)),
                    describe(&vr)
                ),
            ),
            Some(_) => {}
        }
    }
    for m in &v.list {
        if meta(m).explicit
            && !main
                .require
                .iter()
                .any(|r| r.path == m.0 && r.version == m.1)
        {
            err(m, "is marked as explicit in vendor/modules.txt, but not explicitly required in go.mod".into());
        }
    }
    for m in &v.replaced {
        let in_force = main
            .replace
            .iter()
            .find(|r| r.old == m.0 && r.old_version.as_deref() == Some(m.1.as_str()))
            .or_else(|| {
                main.replace
                    .iter()
                    .find(|r| r.old == m.0 && r.old_version.is_none())
            });
        let Some(r) = in_force else {
            err(
                m,
                "is marked as replaced in vendor/modules.txt, but not replaced in go.mod".into(),
            );
            continue;
        };
        let vr = meta(m).replacement.unwrap_or_default();
        if vr != new_of(r) {
            err(
                m,
                format!(
                    "is marked as replaced by {} in vendor/modules.txt, but replaced by {} in go.mod",
                    describe(&vr),
                    describe(&new_of(r))
                ),
            );
        }
    }
    if !errs.is_empty() {
        bail!(
            "inconsistent vendoring in {}:{errs}\n\n\tTo ignore the vendor directory, use -mod=readonly or -mod=mod.\n\tTo sync the vendor directory, run:\n\t\tgo mod vendor",
            main.dir().display()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_txt_is_read_as_read_vendor_list() {
        let v = read_vendor_list(
            "# a.com/x v1.0.0\n## explicit; go 1.17\na.com/x\n# b.com/y v1.2.0 => ./y\nb.com/y/z\n# c.com/w => ../w\n",
        );
        assert_eq!(v.list.len(), 2);
        assert!(v.meta[&("a.com/x".into(), "v1.0.0".into())].explicit);
        assert_eq!(v.replaced.len(), 2);
        assert_eq!(
            v.meta[&("c.com/w".into(), String::new())].replacement,
            Some(("../w".into(), String::new()))
        );
    }
}
