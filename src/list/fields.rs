//! What `-f` templates see: every field of the go command's
//! `load.PackagePublic`, `modinfo.ModulePublic` and `load.PackageError`
//! (Go 1.19), typed as go types them, so that a template written for `go
//! list` runs unchanged. A field gccgo-build does not fill prints its zero
//! value, as go prints it for a package without that field; a name go's
//! struct does not have fails as in go (`can't evaluate field X in type
//! *load.PackagePublic`). The values are read from the package's JSON form,
//! so `-f` and `-json` cannot disagree.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::template::Value;

/// Go's type of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Str,
    Bool,
    Strings,
    StrMap,
    /// `*modinfo.ModulePublic`
    Module,
    /// `*load.PackageError`
    Error,
    /// `[]*load.PackageError`
    Errors,
    /// `*time.Time`
    Time,
    /// `*modinfo.ModuleError`
    ModError,
}

use Kind::*;

/// `load.PackagePublic`'s fields in go's order.
pub(super) const PACKAGE: &[(&str, Kind)] = &[
    ("Dir", Str),
    ("ImportPath", Str),
    ("ImportComment", Str),
    ("Name", Str),
    ("Doc", Str),
    ("Target", Str),
    ("Shlib", Str),
    ("Root", Str),
    ("ConflictDir", Str),
    ("ForTest", Str),
    ("Export", Str),
    ("BuildID", Str),
    ("Module", Module),
    ("Match", Strings),
    ("Goroot", Bool),
    ("Standard", Bool),
    ("DepOnly", Bool),
    ("BinaryOnly", Bool),
    ("Incomplete", Bool),
    ("Stale", Bool),
    ("StaleReason", Str),
    ("GoFiles", Strings),
    ("CgoFiles", Strings),
    ("CompiledGoFiles", Strings),
    ("IgnoredGoFiles", Strings),
    ("InvalidGoFiles", Strings),
    ("IgnoredOtherFiles", Strings),
    ("CFiles", Strings),
    ("CXXFiles", Strings),
    ("MFiles", Strings),
    ("HFiles", Strings),
    ("FFiles", Strings),
    ("SFiles", Strings),
    ("SwigFiles", Strings),
    ("SwigCXXFiles", Strings),
    ("SysoFiles", Strings),
    ("EmbedPatterns", Strings),
    ("EmbedFiles", Strings),
    ("CgoCFLAGS", Strings),
    ("CgoCPPFLAGS", Strings),
    ("CgoCXXFLAGS", Strings),
    ("CgoFFLAGS", Strings),
    ("CgoLDFLAGS", Strings),
    ("CgoPkgConfig", Strings),
    ("Imports", Strings),
    ("ImportMap", StrMap),
    ("Deps", Strings),
    ("Error", Error),
    ("DepsErrors", Errors),
    ("TestGoFiles", Strings),
    ("TestImports", Strings),
    ("TestEmbedPatterns", Strings),
    ("TestEmbedFiles", Strings),
    ("XTestGoFiles", Strings),
    ("XTestImports", Strings),
    ("XTestEmbedPatterns", Strings),
    ("XTestEmbedFiles", Strings),
];

/// `modinfo.ModulePublic`'s fields in go's order (`Origin`, which needs
/// the network, left out).
pub(super) const MODULE: &[(&str, Kind)] = &[
    ("Path", Str),
    ("Version", Str),
    ("Query", Str),
    ("Versions", Strings),
    ("Replace", Module),
    ("Time", Time),
    ("Update", Module),
    ("Main", Bool),
    ("Indirect", Bool),
    ("Dir", Str),
    ("GoMod", Str),
    ("GoVersion", Str),
    ("Retracted", Strings),
    ("Deprecated", Str),
    ("Error", ModError),
    ("Reuse", Bool),
];

/// `load.PackageError`'s exported fields.
const PACKAGE_ERROR: &[(&str, Kind)] = &[
    ("ImportStack", Strings),
    ("Pos", Str),
    ("Err", Str),
    ("IsImportCycle", Bool),
    ("Hard", Bool),
];

/// The template value of a module (`list -m`) from its JSON form.
pub(super) fn module_value(j: &Json) -> Value {
    field(Module, Some(j))
}

/// The template value of a package from its JSON form.
pub(super) fn package_value(j: &Json) -> Value {
    strukt("*load.PackagePublic", PACKAGE, j, None)
}

fn strukt(
    ty: &'static str,
    schema: &[(&'static str, Kind)],
    j: &Json,
    shown: Option<String>,
) -> Value {
    let fields = schema
        .iter()
        .map(|&(name, kind)| (name, field(kind, j.get(name))))
        .collect();
    Value::Struct { ty, fields, shown }
}

fn field(kind: Kind, j: Option<&Json>) -> Value {
    let text = |j: Option<&Json>| j.and_then(Json::as_str).unwrap_or_default().to_string();
    match (kind, j) {
        (Str, j) => Value::Str(text(j)),
        (Bool, j) => Value::Bool(j.and_then(Json::as_bool).unwrap_or(false)),
        (Strings, j) => Value::List(
            j.and_then(Json::as_array)
                .map(|a| a.iter().map(|x| Value::Str(text(Some(x)))).collect())
                .unwrap_or_default(),
        ),
        (StrMap, j) => Value::Map(
            j.and_then(Json::as_object)
                .map(|o| {
                    o.iter()
                        .map(|(k, v)| (k.clone(), Value::Str(text(Some(v)))))
                        .collect()
                })
                .unwrap_or_else(BTreeMap::new),
        ),
        (Module, Some(m)) => {
            let shown = module_string(m);
            let mut v = strukt("*modinfo.ModulePublic", MODULE, m, Some(shown.clone()));
            // The `String` method, as a template calls it (`{{.String}}`, go list -m's default).
            if let Value::Struct { fields, .. } = &mut v {
                fields.push(("String", Value::Str(shown)));
            }
            v
        }
        (Module, None) => Value::Nil("*modinfo.ModulePublic"),
        (Error, Some(e)) => error_value(e),
        (Error, None) => Value::Nil("*load.PackageError"),
        (Errors, j) => Value::List(
            j.and_then(Json::as_array)
                .map(|a| a.iter().map(error_value).collect())
                .unwrap_or_default(),
        ),
        (Time, Some(t)) => Value::Str(go_time(&text(Some(t)))),
        (Time, None) => Value::Nil("*time.Time"),
        (ModError, Some(e)) => strukt(
            "*modinfo.ModuleError",
            &[("Err", Str)],
            e,
            // No String or Error method: printed as go prints a struct, `{text}`.
            None,
        ),
        (ModError, None) => Value::Nil("*modinfo.ModuleError"),
    }
}

/// A `*load.PackageError`, printed by its `Error` method
/// (`errors::error_text`).
fn error_value(e: &Json) -> Value {
    let s = |k: &str| e.get(k).and_then(Json::as_str).unwrap_or_default();
    let stack: Vec<&str> = e
        .get("ImportStack")
        .and_then(Json::as_array)
        .map(|a| a.iter().filter_map(Json::as_str).collect())
        .unwrap_or_default();
    let shown = super::errors::error_text(&stack, s("Pos"), s("Err"));
    strukt("*load.PackageError", PACKAGE_ERROR, e, Some(shown))
}

/// `ModulePublic.String` (cmd/go/internal/modinfo): `path[ version[
/// (retracted)][ [update]]][ (deprecated)][ => replacement[ version]]`.
fn module_string(m: &Json) -> String {
    let s = |j: &Json, k: &str| {
        j.get(k)
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let version = |j: &Json| {
        let retracted = j
            .get("Retracted")
            .and_then(Json::as_array)
            .is_some_and(|a| !a.is_empty());
        if retracted {
            format!("{} (retracted)", s(j, "Version"))
        } else {
            s(j, "Version")
        }
    };
    let mut out = s(m, "Path");
    if !s(m, "Version").is_empty() {
        out = format!("{out} {}", version(m));
        if let Some(u) = m.get("Update") {
            out = format!("{out} [{}]", version(u));
        }
    }
    if !s(m, "Deprecated").is_empty() {
        out.push_str(" (deprecated)");
    }
    if let Some(r) = m.get("Replace") {
        out = format!("{out} => {}", s(r, "Path"));
        if !s(r, "Version").is_empty() {
            out = format!("{out} {}", version(r));
            if let Some(u) = r.get("Update") {
                out = format!("{out} [{}]", version(u));
            }
        }
        if !s(r, "Deprecated").is_empty() {
            out.push_str(" (deprecated)");
        }
    }
    out
}

/// An RFC 3339 time (`2022-10-10T00:00:00Z`, as `.info` files and
/// `-json` hold it) as Go's `time.Time.String` prints it in a template:
/// `2022-10-10 00:00:00 +0000 UTC`, fractional seconds without trailing
/// zeros, a numeric zone named by its offset (`+0200 +0200`). Text that
/// is not such a time is returned as it is.
fn go_time(t: &str) -> String {
    let Some((date, rest)) = t.split_once('T') else {
        return t.to_string();
    };
    let (clock, zone) = match rest.find(['Z', '+', '-']) {
        Some(i) => rest.split_at(i),
        None => return t.to_string(),
    };
    let clock = match clock.split_once('.') {
        Some((hms, frac)) => {
            let f = frac.trim_end_matches('0');
            if f.is_empty() {
                hms.to_string()
            } else {
                format!("{hms}.{f}")
            }
        }
        None => clock.to_string(),
    };
    if zone == "Z" {
        return format!("{date} {clock} +0000 UTC");
    }
    let z = zone.replace(':', "");
    format!("{date} {clock} {z} {z}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_print_as_go_prints_a_time() {
        assert_eq!(
            go_time("2022-10-10T00:00:00Z"),
            "2022-10-10 00:00:00 +0000 UTC"
        );
        assert_eq!(
            go_time("2019-09-04T18:05:59.500Z"),
            "2019-09-04 18:05:59.5 +0000 UTC"
        );
        assert_eq!(
            go_time("2022-10-10T01:02:03+02:00"),
            "2022-10-10 01:02:03 +0200 +0200"
        );
    }

    #[test]
    fn modules_print_as_their_string_method() {
        let m: Json = serde_json::json!({
            "Path": "x.org/a", "Version": "v1.0.0",
            "Update": {"Path": "x.org/a", "Version": "v1.1.0"},
            "Replace": {"Path": "../a"}
        });
        assert_eq!(module_string(&m), "x.org/a v1.0.0 [v1.1.0] => ../a");
    }
}
