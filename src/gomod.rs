//! go.mod: the `module`, `go`, `require` and `replace` directives of a module
//! file, parsed with line numbers so an error names `go.mod:LINE`.
//!
//! The syntax is the go command's (`golang.org/x/mod/modfile`): one
//! directive per line or a parenthesised block, `//` comments, quoted or
//! bare tokens. `exclude`, `retract` and `toolchain` are read and ignored.
//! go.work files (`work`) share the syntax. Besides finding the nearest
//! go.mod or go.work, this module does not look anything up on disk.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};

pub mod edit;
mod work;
pub use work::{GoWork, Use, find_work, parse_work};

/// A `require` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Require {
    /// Module path.
    pub path: String,
    /// Version, e.g. `v1.2.3`.
    pub version: String,
    /// Marked `// indirect`: no package of the main module imports it
    /// directly (go list's `Module.Indirect`).
    pub indirect: bool,
}

/// A `replace` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replace {
    /// The replaced module path.
    pub old: String,
    /// The replaced version, when only one version is replaced.
    pub old_version: Option<String>,
    /// The replacement: a module path, or a directory (starts with `./`, `../` or `/`).
    pub new: String,
    /// The replacement version (absent for a directory).
    pub new_version: Option<String>,
    /// The 1-based line of go.mod it is on, for messages.
    pub line: usize,
}

/// A parsed go.mod file.
#[derive(Debug, Clone, Default)]
pub struct GoMod {
    /// The go.mod file's path.
    pub file: PathBuf,
    /// The module path (`module` directive).
    pub module: String,
    /// The `go` directive, e.g. `1.18`, if present.
    pub go: Option<String>,
    /// Line of the `go` directive.
    pub go_line: usize,
    /// `require` directives.
    pub require: Vec<Require>,
    /// `replace` directives.
    pub replace: Vec<Replace>,
}

impl GoMod {
    /// Reads and parses a go.mod file.
    ///
    /// Errors with `FILE:LINE: message` on unknown directives, a missing or
    /// doubled `module`, malformed `require`/`replace` lines or an unclosed block.
    pub fn read(path: &Path) -> Result<GoMod> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading go.mod at {}", path.display()))?;
        parse(path, &text)
    }

    /// The `go` directive as (major, minor), e.g. (1, 18).
    pub fn go_version(&self) -> Option<(u32, u32)> {
        parse_go_version(self.go.as_deref()?)
    }

    /// The directory holding go.mod: the module root.
    pub fn dir(&self) -> &Path {
        self.file.parent().unwrap_or(Path::new("."))
    }
}

/// Parses `1.18` or `1.18.3` into (1, 18).
pub fn parse_go_version(s: &str) -> Option<(u32, u32)> {
    let mut it = s.split('.');
    let maj = it.next()?.parse().ok()?;
    let min = it.next().unwrap_or("0");
    let min: String = min.chars().take_while(|c| c.is_ascii_digit()).collect();
    Some((maj, min.parse().ok()?))
}

fn tokens(line: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = line.chars().peekable();
    let flush = |cur: &mut String, out: &mut Vec<String>| {
        if !cur.is_empty() {
            out.push(std::mem::take(cur));
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => break,
            c if c.is_whitespace() => flush(&mut cur, &mut out),
            '"' | '`' => {
                flush(&mut cur, &mut out);
                let mut s = String::new();
                loop {
                    match chars.next() {
                        Some(d) if d == c => break,
                        Some('\\') if c == '"' => s.extend(chars.next()),
                        Some(d) => s.push(d),
                        None => return Err("unterminated quoted string".into()),
                    }
                }
                out.push(s);
            }
            '(' | ')' => {
                flush(&mut cur, &mut out);
                out.push(c.to_string());
            }
            '=' if chars.peek() == Some(&'>') => {
                chars.next();
                flush(&mut cur, &mut out);
                out.push("=>".into());
            }
            c => cur.push(c),
        }
    }
    flush(&mut cur, &mut out);
    Ok(out)
}

/// One directive of a go.mod or go.work file: its verb (the enclosing
/// block's verb inside `verb ( … )`), its arguments and its 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// `module`, `go`, `require`, `use`, `replace`, …
    pub verb: String,
    /// The tokens after the verb (quotes removed, `=>` one token).
    pub args: Vec<String>,
    /// The line it is on.
    pub line: usize,
    /// The text of a `//` comment ending the line, trimmed (`indirect`).
    pub comment: String,
}

/// The directives of a go.mod or go.work text in order, with blocks
/// (`verb (` … `)`) unfolded, as `golang.org/x/mod/modfile` reads both.
///
/// Errors: an unterminated quoted string, or a block never closed, as
/// `FILE:LINE: message` (`path` names the file).
pub fn statements(path: &Path, text: &str) -> Result<Vec<Statement>> {
    let mut out = Vec::new();
    let mut block: Option<(String, usize)> = None;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let toks = tokens(line).map_err(|e| anyhow::anyhow!("{}:{n}: {e}", path.display()))?;
        if toks.is_empty() {
            continue;
        }
        let (verb, args): (String, &[String]) = match &block {
            Some((v, _)) => {
                if toks[0] == ")" {
                    block = None;
                    continue;
                }
                (v.clone(), &toks[..])
            }
            None => {
                if toks.len() == 2 && toks[1] == "(" {
                    block = Some((toks[0].clone(), n));
                    continue;
                }
                (toks[0].clone(), &toks[1..])
            }
        };
        out.push(Statement {
            verb,
            args: args.to_vec(),
            line: n,
            comment: line_comment(line),
        });
    }
    if let Some((v, line)) = block {
        bail!("{}:{line}: `{v} (` block is never closed", path.display());
    }
    Ok(out)
}

/// The trimmed text after the `//` that starts a line's comment (outside
/// quotes), or empty.
fn line_comment(line: &str) -> String {
    let mut quote = None;
    let b = line.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        match (quote, c) {
            (None, b'"' | b'`') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, b'/') if b.get(i + 1) == Some(&b'/') => return line[i + 2..].trim().to_string(),
            _ => {}
        }
    }
    String::new()
}

/// Parses go.mod text; `path` is used in error messages.
pub fn parse(path: &Path, text: &str) -> Result<GoMod> {
    let mut m = GoMod {
        file: path.to_path_buf(),
        ..Default::default()
    };
    let mut saw_module = false;
    for st in statements(path, text)? {
        directive(&mut m, &mut saw_module, &st, path)?;
    }
    if !saw_module {
        bail!("{}: no module declaration in go.mod", path.display());
    }
    Ok(m)
}

/// A `go` directive's argument, checked as modfile checks it.
///
/// Errors: not of the form `1.23` (`FILE:LINE: invalid go version`).
pub(crate) fn go_directive(args: &[String], path: &Path, n: usize) -> Result<String> {
    if args.len() != 1 || parse_go_version(&args[0]).is_none() {
        bail!(
            "{}:{n}: invalid go version '{}': must match format 1.23",
            path.display(),
            args.join(" ")
        );
    }
    Ok(args[0].clone())
}

/// A `replace` directive's arguments (`old [v] => new [v]`), on line `n`
/// of the go.mod or go.work file `path`.
///
/// Errors: no `=>`, or too many or too few tokens on either side.
pub(crate) fn replace_directive(args: &[String], path: &Path, n: usize) -> Result<Replace> {
    let usage = || {
        anyhow::anyhow!(
            "{}:{n}: usage: replace module/path [v1.2.3] => other/module v1.4",
            path.display()
        )
    };
    let arrow = args.iter().position(|a| a == "=>").ok_or_else(usage)?;
    let (lhs, rhs) = (&args[..arrow], &args[arrow + 1..]);
    if lhs.is_empty() || lhs.len() > 2 || rhs.is_empty() || rhs.len() > 2 {
        return Err(usage());
    }
    Ok(Replace {
        old: lhs[0].clone(),
        old_version: lhs.get(1).cloned(),
        new: rhs[0].clone(),
        new_version: rhs.get(1).cloned(),
        line: n,
    })
}

/// Applies one directive of go.mod (`st`) to `m`;
/// `saw_module` records a `module` directive so that a second is refused.
///
/// Errors: as `parse`, each as `FILE:LINE: message`.
fn directive(m: &mut GoMod, saw_module: &mut bool, st: &Statement, path: &Path) -> Result<()> {
    let (args, n) = (&st.args[..], st.line);
    match st.verb.as_str() {
        "module" => {
            if *saw_module {
                bail!("{}:{n}: repeated module statement", path.display());
            }
            if args.len() != 1 {
                bail!("{}:{n}: usage: module module/path", path.display());
            }
            *saw_module = true;
            m.module = args[0].clone();
        }
        "go" => {
            m.go = Some(go_directive(args, path, n)?);
            m.go_line = n;
        }
        "require" => {
            if args.len() != 2 || !args[1].starts_with('v') {
                bail!("{}:{n}: usage: require module/path v1.2.3", path.display());
            }
            // modfile's isIndirect: the comment is `indirect`, or starts `indirect;`.
            let c = &st.comment;
            m.require.push(Require {
                path: args[0].clone(),
                version: args[1].clone(),
                indirect: c == "indirect" || c.starts_with("indirect;"),
            });
        }
        "replace" => m.replace.push(replace_directive(args, path, n)?),
        "exclude" | "retract" | "toolchain" | "godebug" => {}
        other => bail!("{}:{n}: unknown directive: {other}", path.display()),
    }
    Ok(())
}

/// Finds the nearest go.mod at or above `dir`.
pub fn find(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .map(|d| d.join("go.mod"))
        .find(|p| p.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_directives_and_blocks() {
        let text = "// comment\nmodule example.com/minion // trailing\n\ngo 1.18\n\nrequire (\n\tgolang.org/x/sys v0.1.0 // indirect\n\tgithub.com/a/b v1.2.3\n)\nrequire c.org/d v0.0.1\nreplace github.com/a/b => ../b\nreplace (\n\tc.org/d v0.0.1 => e.org/d v0.0.2\n)\n";
        let m = parse(Path::new("go.mod"), text).unwrap();
        assert_eq!(m.module, "example.com/minion");
        assert_eq!(m.go_version(), Some((1, 18)));
        assert_eq!(m.go_line, 4);
        assert_eq!(m.require.len(), 3);
        assert!(m.require[0].indirect && !m.require[1].indirect);
        assert_eq!(m.replace[0].new, "../b");
        assert_eq!(m.replace[1].new_version.as_deref(), Some("v0.0.2"));
    }

    #[test]
    fn errors_name_file_and_line() {
        let e = parse(Path::new("/x/go.mod"), "module a\ngo one.two\n")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "/x/go.mod:2: invalid go version 'one.two': must match format 1.23"
        );
        let e = parse(Path::new("/x/go.mod"), "module a\nfrobnicate x\n")
            .unwrap_err()
            .to_string();
        assert_eq!(e, "/x/go.mod:2: unknown directive: frobnicate");
        let e = parse(Path::new("/x/go.mod"), "module a\nrequire (\n b v1\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("/x/go.mod:2:"), "{e}");
        let e = parse(Path::new("/x/go.mod"), "go 1.18\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("no module declaration"), "{e}");
    }
}
