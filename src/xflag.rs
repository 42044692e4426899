//! `-ldflags "-X importpath.name=value"` for gccgo, at the source level:
//! gccgo's linker has no `-X` (golang/go#25183), so the package's file that
//! declares the variable is compiled from a copy whose initializer is the
//! value. This works with every gccgo, old ones included.
//!
//! gc's rules (cmd/link `addstrdata`, `go doc cmd/link`): the variable
//! must be a package-level string variable, uninitialized or initialized
//! to a constant string expression. A name that does not exist is ignored;
//! a variable of another type is an error; an initializer that calls a
//! function or names other variables is left alone (a `-v` note says so).

use std::path::PathBuf;

use anyhow::{Result, bail};
use tree_sitter::Node;

/// One `-X importpath.name=value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    /// The package's import path (`main` for the command being linked).
    pub package: String,
    /// The variable's name.
    pub name: String,
    /// The string value.
    pub value: String,
}

/// Splits `-ldflags` as the go command does (`quoted.Split`: white space
/// separates, single or double quotes group) into the `-X` settings and
/// the other flags, each mapped to what gccgo's link understands: `-s`
/// (no symbol table) as is, `-w` (no DWARF) as `-Wl,--strip-debug`,
/// `-linkmode=external` dropped (gccgo always links externally),
/// `-extldflags=F` as the flags F, and gcc driver flags (`-Wl,…`, `-l…`,
/// `-L…`, `-static`, `-m…`) as they are.
///
/// Errors: an unclosed quote, `-X` without `importpath.name=value`,
/// `-linkmode=internal`, or a gc linker flag gccgo has no meaning for.
pub fn parse_ldflags(s: &str) -> Result<(Vec<Setting>, Vec<String>)> {
    let Some(words) = shlex::split(s) else {
        bail!("-ldflags {s:?}: an unclosed quote");
    };
    let (mut xs, mut rest) = (Vec::new(), Vec::new());
    let mut it = words.into_iter();
    while let Some(w) = it.next() {
        let bare = w.trim_start_matches('-');
        let (flag, inline) = match bare.split_once('=') {
            Some((f, v)) => (f.to_string(), Some(v.to_string())),
            None => (bare.to_string(), None),
        };
        let mut arg = |what: &str| -> Result<String> {
            match inline.clone().or_else(|| it.next()) {
                Some(v) => Ok(v),
                None => bail!("-ldflags: -{what} needs a value"),
            }
        };
        match flag.as_str() {
            "X" => xs.push(setting(&arg("X")?)?),
            "s" if w.starts_with('-') => rest.push("-s".into()),
            "w" if w.starts_with('-') => rest.push("-Wl,--strip-debug".into()),
            "linkmode" => match arg("linkmode")?.as_str() {
                "external" | "auto" => {}
                m => bail!(
                    "-ldflags: -linkmode={m}: gccgo always links with the system linker (external); drop the flag"
                ),
            },
            "extldflags" => rest.extend(shlex::split(&arg("extldflags")?).unwrap_or_default()),
            "buildid" | "buildmode" | "compressdwarf" | "dumpdep" | "H" | "installsuffix" | "k"
            | "libgcc" | "r" | "race" | "msan" | "asan" | "tmpdir" | "v" => {
                bail!(
                    "-ldflags: -{flag} is a flag of gc's linker that gccgo has no equivalent of; drop it (gcc's own link flags, such as -Wl,--gc-sections, pass through)"
                )
            }
            _ => rest.push(w),
        }
    }
    Ok((xs, rest))
}

/// `importpath.name=value` → a setting (the name is after the last `.`
/// of the part before `=`).
fn setting(a: &str) -> Result<Setting> {
    let bad = || {
        anyhow::anyhow!(
            "-ldflags -X {a:?}: write -X importpath.name=value (for example -X main.version=1.2.3)"
        )
    };
    let (lhs, value) = a.split_once('=').ok_or_else(bad)?;
    let (package, name) = lhs.rsplit_once('.').ok_or_else(bad)?;
    if package.is_empty() || name.is_empty() {
        return Err(bad());
    }
    Ok(Setting {
        package: package.into(),
        name: name.into(),
        value: value.into(),
    })
}

/// What to do with one file for the settings of its package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The file, rewritten (same lines: the declaration keeps its line).
    Rewritten(String),
    /// No variable of that name here.
    NotHere,
    /// Found, but gc would leave it (why, for `-v`).
    Left(String),
}

/// Applies the settings `xs` (all for this file's package) to Go source
/// `src` of `file`.
///
/// Errors: a named variable of a type other than `string`, as gc's linker
/// refuses it (`file:line: cannot set NAME with -X: not a var of type string`).
pub fn apply(file: &std::path::Path, src: &str, xs: &[&Setting]) -> Result<Outcome> {
    let mut parser = tree_sitter::Parser::new();
    parser.set_language(&tree_sitter_go::LANGUAGE.into())?;
    let Some(tree) = parser.parse(src, None) else {
        return Ok(Outcome::NotHere);
    };
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    let mut left = Vec::new();
    for x in xs {
        let Some(spec) = find_spec(tree.root_node(), src, &x.name) else {
            continue;
        };
        let line = spec.start_position().row + 1;
        let ty = spec
            .child_by_field_name("type")
            .map(|t| &src[t.byte_range()]);
        let init = spec
            .child_by_field_name("value")
            .map(|v| &src[v.byte_range()]);
        match (ty, init) {
            (Some(t), _) if t != "string" => bail!(
                "{}:{line}: cannot set {}.{} with -X: not a var of type string (it is {t})",
                file.display(),
                x.package,
                x.name
            ),
            (_, Some(v)) if !constant_string(v) => {
                left.push(format!("{}:{line}: -X {}.{} left alone: its initializer is not a constant string (as gc)", file.display(), x.package, x.name));
                continue;
            }
            _ => {}
        }
        let old = &src[spec.byte_range()];
        let pad = "\n".repeat(old.matches('\n').count());
        edits.push((
            spec.start_byte(),
            spec.end_byte(),
            format!("{} string = {}{pad}", x.name, go_string(&x.value)),
        ));
    }
    if edits.is_empty() {
        return Ok(if left.is_empty() {
            Outcome::NotHere
        } else {
            Outcome::Left(left.join("\n"))
        });
    }
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = src.to_string();
    for (a, b, t) in edits {
        out.replace_range(a..b, &t);
    }
    Ok(Outcome::Rewritten(out))
}

/// The top-level `var_spec` declaring only `name`.
fn find_spec<'t>(root: Node<'t>, src: &str, name: &str) -> Option<Node<'t>> {
    let mut c = root.walk();
    for decl in root
        .children(&mut c)
        .filter(|n| n.kind() == "var_declaration")
    {
        let mut specs = Vec::new();
        collect_specs(decl, &mut specs);
        for spec in specs {
            let mut w = spec.walk();
            let names: Vec<&str> = spec
                .children_by_field_name("name", &mut w)
                .map(|n| &src[n.byte_range()])
                .collect();
            if names == [name] {
                return Some(spec);
            }
        }
    }
    None
}

fn collect_specs<'t>(n: Node<'t>, out: &mut Vec<Node<'t>>) {
    let mut c = n.walk();
    for ch in n.children(&mut c) {
        match ch.kind() {
            "var_spec" => out.push(ch),
            "var_spec_list" => collect_specs(ch, out),
            _ => {}
        }
    }
}

/// Whether an initializer is string literals joined by `+` (what gc's
/// "constant string expression" is in practice).
fn constant_string(v: &str) -> bool {
    let mut rest = v.trim();
    loop {
        let end = match rest.as_bytes().first() {
            Some(b'"') => closing_quote(&rest[1..]).map(|i| i + 2),
            Some(b'`') => rest[1..].find('`').map(|i| i + 2),
            _ => None,
        };
        let Some(end) = end else { return false };
        rest = rest[end..].trim_start();
        if rest.is_empty() {
            return true;
        }
        let Some(r) = rest.strip_prefix('+') else {
            return false;
        };
        rest = r.trim_start();
    }
}

/// The byte offset of the `"` that closes an interpreted string literal
/// whose text (after the opening quote) is `s`, skipping `\"` escapes.
fn closing_quote(s: &str) -> Option<usize> {
    let mut esc = false;
    for (i, c) in s.char_indices() {
        match (esc, c) {
            (true, _) => esc = false,
            (false, '\\') => esc = true,
            (false, '"') => return Some(i),
            _ => {}
        }
    }
    None
}

/// A Go interpreted string literal of `s`.
fn go_string(s: &str) -> String {
    let mut o = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            c if (c as u32) < 0x20 => o.push_str(&format!("\\x{:02x}", c as u32)),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

/// A rewritten file: the original (as the package's build names it) and
/// the copy's text.
pub type Rewrite = (PathBuf, String);

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn ldflags_split_and_map_as_the_go_command() {
        let (xs, rest) = parse_ldflags("-s -w -X main.version=1.2.3 '-X=example.com/v.Commit=abc def' -extldflags '-static -L/x' -Wl,-O1").unwrap();
        assert_eq!(xs.len(), 2);
        assert_eq!(
            (
                xs[1].package.as_str(),
                xs[1].name.as_str(),
                xs[1].value.as_str()
            ),
            ("example.com/v", "Commit", "abc def")
        );
        assert_eq!(
            rest,
            ["-s", "-Wl,--strip-debug", "-static", "-L/x", "-Wl,-O1"]
        );
        assert!(parse_ldflags("-X main").is_err());
        assert!(parse_ldflags("-linkmode internal").is_err());
        assert!(parse_ldflags("-buildid=x").is_err());
    }

    #[test]
    fn rewrites_keep_lines_and_follow_gc() {
        assert!(constant_string(r#""a\"b" + `c`"#));
        assert!(!constant_string(r#""a" + b"#));
        let src = "package main\n\nvar (\n\tversion = \"dev\"\n\tn int\n\tcalc = f()\n)\n\nvar Commit string\n";
        let x = |n: &str| Setting {
            package: "main".into(),
            name: n.into(),
            value: "1.2\"3".into(),
        };
        let (a, b) = (x("version"), x("Commit"));
        let Outcome::Rewritten(t) = apply(Path::new("m.go"), src, &[&a, &b]).unwrap() else {
            panic!()
        };
        assert!(
            t.contains("\tversion string = \"1.2\\\"3\"\n\tn int"),
            "{t}"
        );
        assert!(t.contains("var Commit string = \"1.2\\\"3\""), "{t}");
        assert_eq!(t.lines().count(), src.lines().count());
        let e = apply(Path::new("m.go"), src, &[&x("n")])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("m.go:5: cannot set main.n with -X: not a var of type string"),
            "{e}"
        );
        assert!(matches!(
            apply(Path::new("m.go"), src, &[&x("calc")]).unwrap(),
            Outcome::Left(_)
        ));
        assert_eq!(
            apply(Path::new("m.go"), src, &[&x("missing")]).unwrap(),
            Outcome::NotHere
        );
    }
}
