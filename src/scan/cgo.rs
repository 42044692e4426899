//! Cgo directives: the `#cgo` lines of a cgo file's preamble (the doc
//! comment of its `import "C"`), read as go/build's `saveCgo` reads them
//! (Go 1.19): `#cgo [CONDITION…] VERB: ARGS` where each condition is a
//! build constraint (`linux,!android`, or `//go:build` syntax when it has
//! `&&`, `||` or parentheses) and any one of them must hold, ARGS are split
//! with go/build's quoting, `${SRCDIR}` is the package directory, and
//! relative `-I`/`-L` paths are made absolute. This module only collects
//! the flags; which of them are allowed, and what the environment adds, is
//! `cgo`'s business.

use std::path::Path;

use super::BuildContext;
use crate::constraint;

/// The cgo directives of a package's cgo files that hold in the build
/// context, in file order: go/build's `CgoCFLAGS`, `CgoCPPFLAGS`,
/// `CgoCXXFLAGS`, `CgoFFLAGS`, `CgoLDFLAGS` and `CgoPkgConfig`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CgoDirectives {
    /// `#cgo CFLAGS:`.
    pub cflags: Vec<String>,
    /// `#cgo CPPFLAGS:`.
    pub cppflags: Vec<String>,
    /// `#cgo CXXFLAGS:`.
    pub cxxflags: Vec<String>,
    /// `#cgo FFLAGS:` (collected, as go lists them; Fortran is not built).
    pub fflags: Vec<String>,
    /// `#cgo LDFLAGS:`.
    pub ldflags: Vec<String>,
    /// `#cgo pkg-config:` package names and `--` options.
    pub pkg_config: Vec<String>,
}

/// Adds the `#cgo` lines of one file's preamble `text` to `d`. `file` is
/// the file's path (for messages), `dir` the package directory (for
/// `${SRCDIR}` and relative paths).
///
/// Errors, in go/build's words: `FILE: invalid #cgo line: LINE` (no colon,
/// no verb, a quote left open), `FILE: malformed #cgo argument: ARG` (a
/// character the shell could misread), `FILE: invalid #cgo verb: LINE`.
pub fn save_cgo(
    ctx: &BuildContext,
    file: &Path,
    dir: &Path,
    text: &str,
    d: &mut CgoDirectives,
) -> Result<(), String> {
    let file = file.display();
    for orig in text.split('\n') {
        let line = orig.trim();
        if line.len() < 5 || !line.starts_with("#cgo") || !line[4..].starts_with([' ', '\t']) {
            continue;
        }
        let bad_line = || format!("{file}: invalid #cgo line: {orig}");
        let (head, argstr) = line[4..].trim().split_once(':').ok_or_else(bad_line)?;
        let words: Vec<&str> = head.split_whitespace().collect();
        let Some((verb, cond)) = words.split_last() else {
            return Err(bad_line());
        };
        if !cond.is_empty() && !cond.iter().any(|c| match_auto(ctx, c)) {
            continue;
        }
        let mut args = split_quoted(argstr).map_err(|_| bad_line())?;
        for a in args.iter_mut() {
            let (x, ok) = expand_src_dir(a, dir);
            if !ok {
                return Err(format!("{file}: malformed #cgo argument: {x}"));
            }
            *a = x;
        }
        if *verb != "pkg-config" {
            make_paths_absolute(&mut args, dir);
        }
        let list = match *verb {
            "CFLAGS" => &mut d.cflags,
            "CPPFLAGS" => &mut d.cppflags,
            "CXXFLAGS" => &mut d.cxxflags,
            "FFLAGS" => &mut d.fflags,
            "LDFLAGS" => &mut d.ldflags,
            "pkg-config" => &mut d.pkg_config,
            _ => return Err(format!("{file}: invalid #cgo verb: {orig}")),
        };
        list.extend(args);
    }
    Ok(())
}

/// go/build's `matchAuto`: a condition in `//go:build` syntax when it has
/// `&`, `|` or parentheses, else in `// +build` syntax; one that does not
/// parse never holds.
fn match_auto(ctx: &BuildContext, text: &str) -> bool {
    let x = if text.contains(['&', '|', '(', ')']) {
        constraint::parse_go_build(&format!("//go:build {text}"))
    } else {
        constraint::parse_plus_build(&format!("// +build {text}"))
    };
    x.is_ok_and(|x| ctx.eval(&x))
}

/// go/build's `splitQuoted`: fields separated by white space; `'` and `"`
/// quote (the quotes are dropped), `\` escapes the next character.
///
/// Errors: an unclosed quote or a trailing `\`.
pub fn split_quoted(s: &str) -> Result<Vec<String>, &'static str> {
    let mut args = Vec::new();
    let mut arg = String::new();
    let (mut escaped, mut quoted, mut quote) = (false, false, None::<char>);
    for c in s.chars() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
            continue;
        } else if let Some(q) = quote {
            if c == q {
                quote = None;
                continue;
            }
        } else if c == '"' || c == '\'' {
            quoted = true;
            quote = Some(c);
            continue;
        } else if c.is_whitespace() {
            if quoted || !arg.is_empty() {
                quoted = false;
                args.push(std::mem::take(&mut arg));
            }
            continue;
        }
        arg.push(c);
    }
    if quoted || !arg.is_empty() {
        args.push(arg);
    }
    if quote.is_some() {
        return Err("unclosed quote");
    }
    if escaped {
        return Err("unfinished escaping");
    }
    Ok(args)
}

/// go/build's `expandSrcDir`: `${SRCDIR}` replaced by the package
/// directory; whether the result (and each piece around `${SRCDIR}`) is
/// safe (`safe_cgo_name`).
fn expand_src_dir(s: &str, dir: &Path) -> (String, bool) {
    let dir = dir.to_string_lossy();
    let chunks: Vec<&str> = s.split("${SRCDIR}").collect();
    if chunks.len() < 2 {
        return (s.to_string(), safe_cgo_name(s));
    }
    let ok = chunks.iter().all(|c| c.is_empty() || safe_cgo_name(c))
        && (dir.is_empty() || safe_cgo_name(&dir));
    let res = chunks.join(&dir);
    let ok = ok && !res.is_empty();
    (res, ok)
}

/// go/build's `safeCgoName`: non-empty, and every ASCII byte is one of its
/// `safeString` (letters, digits and `+-.,/=_:$@%! ~^`); other bytes of
/// UTF-8 are allowed.
fn safe_cgo_name(s: &str) -> bool {
    const SAFE: &str =
        "+-.,/0123456789=ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz:$@%! ~^";
    !s.is_empty() && s.bytes().all(|b| b >= 0x80 || SAFE.as_bytes().contains(&b))
}

/// go/build's `makePathsAbsolute`: `-I` and `-L` paths (joined or as the
/// next argument) made absolute against the package directory, since the
/// compilers do not run there (joined as Go's `filepath.Join`, which cleans).
fn make_paths_absolute(args: &mut [String], dir: &Path) {
    let mut next_path = false;
    for a in args.iter_mut() {
        if next_path {
            if !Path::new(a.as_str()).is_absolute() {
                *a = join_clean(dir, a);
            }
            next_path = false;
        } else if a.starts_with("-I") || a.starts_with("-L") {
            if a.len() == 2 {
                next_path = true;
            } else if !Path::new(&a[2..]).is_absolute() {
                *a = format!("{}{}", &a[..2], join_clean(dir, &a[2..]));
            }
        }
    }
}

/// Go's `filepath.Join(dir, rel)` for an absolute `dir`: joined, then `.`
/// and `..` resolved lexically.
fn join_clean(dir: &Path, rel: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let joined = format!("{}/{rel}", dir.display());
    for c in joined.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    format!("/{}", parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> BuildContext {
        BuildContext::new("linux", "mipsle", 18, true, vec![])
    }

    fn save(text: &str) -> Result<CgoDirectives, String> {
        let mut d = CgoDirectives::default();
        save_cgo(
            &ctx(),
            Path::new("/src/p/a.go"),
            Path::new("/src/p"),
            text,
            &mut d,
        )?;
        Ok(d)
    }

    #[test]
    fn directives_with_conditions_as_go_build_reads_them() {
        // The lines of mattn/go-sqlite3's sqlite3.go and sqlite3_libsqlite3.go.
        let d = save(
            "#cgo CFLAGS: -std=gnu99\n\
             #cgo linux,!android CFLAGS: -DHAVE_PREAD64=1 -DHAVE_PWRITE64=1\n\
             #cgo openbsd CFLAGS: -I/usr/local/include\n\
             #cgo darwin LDFLAGS: -L/usr/local/opt/sqlite/lib -lsqlite3\n\
             #cgo linux LDFLAGS: -lsqlite3\n\
             #include <sqlite3.h>\n",
        )
        .unwrap();
        assert_eq!(
            d.cflags,
            ["-std=gnu99", "-DHAVE_PREAD64=1", "-DHAVE_PWRITE64=1"]
        );
        assert_eq!(d.ldflags, ["-lsqlite3"]);
        // Either condition may hold; //go:build syntax with && or || (each
        // condition is one word: `linux && !cgo` would be three, and `linux`
        // would hold, as go/build has it).
        let d = save("#cgo windows mipsle LDFLAGS: -la\n#cgo linux&&!cgo LDFLAGS: -lb\n#cgo linux && !cgo LDFLAGS: -lc\n#cgo (linux||darwin) pkg-config: sqlite3 --static\n").unwrap();
        assert_eq!(d.ldflags, ["-la", "-lc"]);
        assert_eq!(d.pkg_config, ["sqlite3", "--static"]);
    }

    #[test]
    fn srcdir_quotes_and_relative_paths() {
        let d = save("#cgo CFLAGS: -I${SRCDIR}/include -Iinc -I rel \"-DNAME=a b\" -DX='1'\n#cgo LDFLAGS: -L${SRCDIR}/../lib -L../lib").unwrap();
        assert_eq!(
            d.cflags,
            [
                "-I/src/p/include",
                "-I/src/p/inc",
                "-I",
                "/src/p/rel",
                "-DNAME=a b",
                "-DX=1"
            ]
        );
        // ${SRCDIR} makes an absolute path, left as it is; a relative one
        // is joined and cleaned, as filepath.Join does.
        assert_eq!(d.ldflags, ["-L/src/p/../lib", "-L/src/lib"]);
    }

    #[test]
    fn errors_in_go_builds_words() {
        assert_eq!(
            save("#cgo CFLAGS -DX").unwrap_err(),
            "/src/p/a.go: invalid #cgo line: #cgo CFLAGS -DX"
        );
        assert_eq!(
            save("#cgo CFLAGS: \"-DX").unwrap_err(),
            "/src/p/a.go: invalid #cgo line: #cgo CFLAGS: \"-DX"
        );
        assert_eq!(
            save("#cgo CFLAGS: -D`x`").unwrap_err(),
            "/src/p/a.go: malformed #cgo argument: -D`x`"
        );
        assert_eq!(
            save("  #cgo FOOFLAGS: -x").unwrap_err(),
            "/src/p/a.go: invalid #cgo verb:   #cgo FOOFLAGS: -x"
        );
        // Not directives: `#cgoX`, `#cgo` alone, other preprocessor lines.
        assert_eq!(
            save("#cgoX: y\n#cgo\n#define A 1").unwrap(),
            CgoDirectives::default()
        );
    }

    #[test]
    fn split_quoted_is_go_builds() {
        assert_eq!(
            split_quoted(r#" a "b c" 'd"e' f\ g "" "#).unwrap(),
            ["a", "b c", "d\"e", "f g", ""]
        );
        assert!(split_quoted("'a").is_err());
        assert!(split_quoted("a\\").is_err());
    }
}
