//! Embed: the `//go:embed` directives of a package and the embed
//! configuration gccgo reads with `-fgo-embedcfg=FILE` (gccgo 11 and later).
//!
//! The go command finds each directive's patterns (go/build's
//! `parseGoEmbed`), resolves them against the package directory
//! (cmd/go/internal/load's `resolveEmbed`: glob per path element, a
//! directory embeds its files recursively but skips names starting with `.`
//! or `_` unless the pattern starts with `all:`, never crosses into another
//! module) and hands the compiler a JSON file
//! `{"Patterns":{PATTERN:[FILE…]},"Files":{FILE:ABSOLUTE_PATH}}` (see
//! cmd/go/internal/work/exec.go and gccgo.go). This module does the same;
//! it does not decide whether the toolchain supports embedding (`gate`
//! does) nor write the file into the work directory (`plan` does).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use serde::Serialize;
use walkdir::WalkDir;

use crate::graph::Package;
use crate::resolve::slash;

/// One pattern of a `//go:embed` line, with its position (1-based line and
/// column, columns in characters as go/build counts them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    /// The pattern, unquoted (`static/*`, `all:web`, `hello.txt`).
    pub pattern: String,
    /// Line of the pattern.
    pub line: usize,
    /// Column of the pattern.
    pub col: usize,
}

/// The embed configuration of one package: what `-fgo-embedcfg` names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EmbedCfg {
    /// Each pattern → the files it matched, relative to the package
    /// directory with `/` separators, sorted.
    #[serde(rename = "Patterns")]
    pub patterns: BTreeMap<String, Vec<String>>,
    /// Each matched file (relative, as above) → its absolute path.
    #[serde(rename = "Files")]
    pub files: BTreeMap<String, PathBuf>,
}

impl EmbedCfg {
    /// The JSON text gccgo reads (keys sorted, as the go command writes it).
    pub fn to_json(&self) -> String {
        // Serialising maps of strings cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Whether a comment (its whole text, `//` included) is a `//go:embed`
/// directive, and if so the text after `//go:embed`.
pub fn directive_args(comment: &str) -> Option<&str> {
    let rest = comment.strip_prefix("//go:embed")?;
    if rest.is_empty() || rest.starts_with([' ', '\t']) {
        Some(rest)
    } else {
        None
    }
}

/// Splits a directive's argument text into patterns as go/build's
/// `parseGoEmbed` does: space-separated, each bare, `"double quoted"` (Go
/// escapes) or `` `back quoted` ``. `line` and `col` are the position of the
/// first character after `//go:embed`.
///
/// Errors: an unterminated or malformed quoted pattern, or no pattern at
/// all (`file:line:col` is added by the caller).
pub fn parse_args(args: &str, line: usize, col: usize) -> Result<Vec<Pattern>> {
    let mut out = Vec::new();
    let mut rest = args;
    let mut col = col;
    loop {
        let trimmed = rest.trim_start();
        col += rest[..rest.len() - trimmed.len()].chars().count();
        rest = trimmed;
        if rest.is_empty() {
            break;
        }
        let start = col;
        let (pattern, used) = if let Some(q) = rest.strip_prefix('`') {
            match q.find('`') {
                Some(i) => (q[..i].to_string(), i + 2),
                None => bail!("invalid quoted string in //go:embed: {rest}"),
            }
        } else if rest.starts_with('"') {
            let b = rest.as_bytes();
            let mut i = 1;
            let mut end = None;
            while i < b.len() {
                match b[i] {
                    b'\\' => i += 2,
                    b'"' => {
                        end = Some(i);
                        break;
                    }
                    _ => i += 1,
                }
            }
            let Some(end) = end else {
                bail!("invalid quoted string in //go:embed: {rest}");
            };
            let s = unquote(&rest[1..end]).with_context(|| {
                format!("invalid quoted string in //go:embed: {}", &rest[..=end])
            })?;
            (s, end + 1)
        } else {
            let i = rest.find(char::is_whitespace).unwrap_or(rest.len());
            (rest[..i].to_string(), i)
        };
        col += rest[..used].chars().count();
        rest = &rest[used..];
        if rest.chars().next().is_some_and(|c| !c.is_whitespace()) {
            bail!("invalid quoted string in //go:embed: {rest}");
        }
        out.push(Pattern {
            pattern,
            line,
            col: start,
        });
    }
    if out.is_empty() {
        bail!("usage: //go:embed pattern...");
    }
    Ok(out)
}

/// Go's escapes in a double-quoted string (the common ones: `\\ \" \n \t`
/// and `\xNN`, `\uNNNN`); enough for file names.
fn unquote(s: &str) -> Result<String> {
    let mut out = String::new();
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('\\') => out.push('\\'),
            Some('"') => out.push('"'),
            Some('\'') => out.push('\''),
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(k @ ('x' | 'u' | 'U')) => {
                let n = match k {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let hex: String = it.by_ref().take(n).collect();
                let v = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
                match v {
                    Some(v) if hex.len() == n => out.push(v),
                    _ => bail!("bad escape \\{k}{hex}"),
                }
            }
            other => bail!(
                "unknown escape \\{}",
                other.map(String::from).unwrap_or_default()
            ),
        }
    }
    Ok(out)
}

/// The `//go:embed` patterns of one Go source file, in order, read from its
/// comments with the tree-sitter Go grammar.
///
/// Errors: a malformed directive, as `file:line:col: message`.
pub fn patterns_in(file: &Path, src: &str, tree: &tree_sitter::Tree) -> Result<Vec<Pattern>> {
    let mut out = Vec::new();
    let mut cursor = tree.walk();
    let mut stack = vec![tree.root_node()];
    while let Some(n) = stack.pop() {
        if n.kind() == "comment" {
            let text = n.utf8_text(src.as_bytes()).unwrap_or("");
            if let Some(args) = directive_args(text) {
                let p = n.start_position();
                let line = p.row + 1;
                // Columns count bytes, as go/token's do.
                let col = p.column + 1 + "//go:embed".len();
                let pats = parse_args(args, line, col)
                    .with_context(|| format!("{}:{line}:{}", file.display(), col))?;
                out.extend(pats);
            }
            continue;
        }
        for c in n.children(&mut cursor) {
            stack.push(c);
        }
    }
    out.sort_by_key(|p| (p.line, p.col));
    Ok(out)
}

/// Parses Go source with the tree-sitter Go grammar.
///
/// Errors only if the grammar cannot be loaded (a version mismatch between
/// the `tree-sitter` and `tree-sitter-go` crates) or parsing is cancelled.
pub fn parse_go(src: &str) -> Result<tree_sitter::Tree> {
    let mut p = tree_sitter::Parser::new();
    p.set_language(&tree_sitter_go::LANGUAGE.into())
        .context("loading the tree-sitter Go grammar")?;
    p.parse(src, None).context("tree-sitter gave no parse tree")
}

/// The embed configuration of a package: `None` when no file of it imports
/// "embed" or none has a `//go:embed` line. Reads (and parses) only the
/// files that import "embed", as only they may hold directives.
///
/// Errors: a file that cannot be read, a malformed directive, or a pattern
/// that does not resolve (see `resolve`), as `file:line:col: pattern P: why`.
pub fn config(pkg: &Package) -> Result<Option<EmbedCfg>> {
    let mut all: Vec<(PathBuf, Pattern)> = Vec::new();
    for f in &pkg.files.go_files {
        if !f.header.imports.iter().any(|i| i.path == "embed") {
            continue;
        }
        let path = pkg.files.source_path(&f.name);
        let src = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let tree = parse_go(&src)?;
        let shown = pkg.dir.join(&f.name);
        for p in patterns_in(&shown, &src, &tree)? {
            all.push((shown.clone(), p));
        }
    }
    if all.is_empty() {
        return Ok(None);
    }
    resolve(&pkg.dir, &all).map(Some)
}

/// Resolves patterns (each with the file it was written in) against the
/// package directory `dir`, as the go command's `resolveEmbed`.
///
/// Errors, one paragraph each, all collected: invalid pattern syntax, no
/// matching files, a directory with no embeddable files, a match inside
/// another module (a directory holding go.mod), an invalid file name, or an
/// irregular file.
pub fn resolve(dir: &Path, patterns: &[(PathBuf, Pattern)]) -> Result<EmbedCfg> {
    let mut cfg = EmbedCfg::default();
    let mut errors = Vec::new();
    for (file, p) in patterns {
        match resolve_one(dir, &p.pattern) {
            Ok(list) => {
                for rel in &list {
                    cfg.files.insert(rel.clone(), dir.join(rel));
                }
                cfg.patterns.insert(p.pattern.clone(), list);
            }
            Err(e) => errors.push(format!(
                "{}:{}:{}: pattern {}: {}",
                file.display(),
                p.line,
                p.col,
                p.pattern,
                crate::words::error_text(&e)
            )),
        }
    }
    if !errors.is_empty() {
        bail!("{}", errors.join("\n"));
    }
    Ok(cfg)
}

fn resolve_one(dir: &Path, pattern: &str) -> Result<Vec<String>> {
    let (all, glob) = match pattern.strip_prefix("all:") {
        Some(g) => (true, g),
        None => (false, pattern),
    };
    if !valid_pattern(glob) {
        bail!("invalid pattern syntax");
    }
    let mut matches = vec![String::new()];
    for elem in glob.split('/') {
        let mut next = Vec::new();
        for m in &matches {
            let base = if m.is_empty() {
                dir.to_path_buf()
            } else {
                dir.join(m)
            };
            if !has_meta(elem) {
                if std::fs::symlink_metadata(base.join(elem)).is_ok() {
                    next.push(join_rel(m, elem));
                }
                continue;
            }
            for n in dir_names(&base) {
                if glob_match(elem, &n) {
                    next.push(join_rel(m, &n));
                }
            }
        }
        matches = next;
    }
    let mut list: Vec<String> = Vec::new();
    for rel in &matches {
        let path = dir.join(rel);
        let md = std::fs::symlink_metadata(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let what = if md.is_dir() { "directory" } else { "file" };
        // Every element below the package directory: no go.mod, valid name.
        let elems: Vec<&str> = rel.split('/').collect();
        for i in 0..elems.len() {
            let sub = elems[..=i].join("/");
            if dir.join(&sub).join("go.mod").exists() {
                bail!("cannot embed {what} {rel}: in different module");
            }
            if bad_name(elems[i]) {
                if i + 1 == elems.len() {
                    bail!("cannot embed {what} {rel}: invalid name {}", elems[i]);
                }
                bail!(
                    "cannot embed {what} {rel}: in invalid directory {}",
                    elems[i]
                );
            }
        }
        if md.is_file() {
            list.push(rel.clone());
        } else if md.is_dir() {
            let before = list.len();
            walk_dir(dir, rel, all, &mut list)?;
            if list.len() == before {
                bail!("cannot embed directory {rel}: contains no embeddable files");
            }
        } else {
            bail!("cannot embed irregular file {rel}");
        }
    }
    if list.is_empty() {
        bail!("no matching files found");
    }
    list.sort();
    list.dedup();
    Ok(list)
}

/// The names in directory `base`, sorted; none when it cannot be read,
/// so that a glob element matches nothing there (as go's `fsys.Glob`,
/// which ignores I/O errors).
fn dir_names(base: &Path) -> Vec<String> {
    let mut names: Vec<String> = WalkDir::new(base)
        .min_depth(1)
        .max_depth(1)
        .into_iter()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    // Sorted as strings, not as the raw bytes walkdir sorts by, so that
    // the first match to fail (and so the error reported) stays the same.
    names.sort();
    names
}

/// Appends to `list` the files a directory pattern embeds from `rel` (a
/// directory, relative to the package directory `dir`), as go's
/// `resolveEmbed` walks it: a name starting with `.` or `_` is skipped,
/// with all below it, unless `all`; so is a name a module cannot hold
/// (`bad_name`) and a directory holding a go.mod (another module).
/// Symbolic links are neither followed nor embedded, and irregular files
/// are left out, as go does inside a directory.
///
/// Errors: a directory that cannot be read, as `reading PATH: why`.
fn walk_dir(dir: &Path, rel: &str, all: bool, list: &mut Vec<String>) -> Result<()> {
    let root = dir.join(rel);
    let walk = WalkDir::new(&root)
        .min_depth(1)
        // In order, so that of several unreadable directories the same
        // one is reported on every run.
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            let hidden = name.starts_with('.') || name.starts_with('_');
            // A symlink's file type is the link's own (links are not
            // followed), so only real directories are checked for go.mod.
            let other_module = e.file_type().is_dir() && e.path().join("go.mod").exists();
            !(bad_name(&name) || (!all && hidden) || other_module)
        });
    for e in walk {
        let e = e.map_err(|err| walk_error(err, &root))?;
        if e.file_type().is_file() {
            let below = e.path().strip_prefix(&root).unwrap_or(e.path());
            list.push(join_rel(rel, &slash(below)));
        }
    }
    Ok(())
}

/// A walkdir error worded as the module's other I/O errors:
/// `reading PATH` over the operating system's error.
fn walk_error(err: walkdir::Error, root: &Path) -> anyhow::Error {
    let context = format!("reading {}", err.path().unwrap_or(root).display());
    match err.into_io_error() {
        Some(io) => anyhow::Error::new(io).context(context),
        // Only a symbolic-link loop has no I/O error, and links are not followed.
        None => anyhow::anyhow!("{context}: symbolic link loop"),
    }
}

fn join_rel(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}/{b}")
    }
}

/// go's `validEmbedPattern`: not `.`, and an `fs.ValidPath` (no empty, `.`
/// or `..` element, no leading or trailing slash), and a well-formed glob.
fn valid_pattern(p: &str) -> bool {
    p != "."
        && !p.is_empty()
        && p.split('/')
            .all(|e| !e.is_empty() && e != "." && e != ".." && glob_ok(e))
}

fn has_meta(s: &str) -> bool {
    s.contains(['*', '?', '[', '\\'])
}

/// Whether a glob element is well formed (brackets closed, no trailing `\`).
fn glob_ok(p: &str) -> bool {
    let b: Vec<char> = p.chars().collect();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            '\\' => {
                if i + 1 >= b.len() {
                    return false;
                }
                i += 2;
            }
            '[' => {
                i += 1;
                if i < b.len() && b[i] == '^' {
                    i += 1;
                }
                let start = i;
                loop {
                    if i >= b.len() {
                        return false;
                    }
                    if b[i] == ']' && i > start {
                        break;
                    }
                    if b[i] == '\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    true
}

/// go's `path.Match` for one path element (`*`, `?`, `[set]`, `[^set]`,
/// ranges, `\` escapes); `name` holds no `/`.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    match_from(&p, &n)
}

fn match_from(p: &[char], n: &[char]) -> bool {
    if p.is_empty() {
        return n.is_empty();
    }
    match p[0] {
        '*' => (0..=n.len()).any(|k| match_from(&p[1..], &n[k..])),
        '?' => !n.is_empty() && n[0] != '/' && match_from(&p[1..], &n[1..]),
        '[' => {
            let Some(c) = n.first() else { return false };
            let mut i = 1;
            let negate = p.get(1) == Some(&'^');
            if negate {
                i += 1;
            }
            let mut matched = false;
            let mut first = true;
            loop {
                let Some(&lo) = p.get(i) else { return false };
                if lo == ']' && !first {
                    i += 1;
                    break;
                }
                first = false;
                let (lo, di) = if lo == '\\' {
                    match p.get(i + 1) {
                        Some(&e) => (e, 2),
                        None => return false,
                    }
                } else {
                    (lo, 1)
                };
                i += di;
                let mut hi = lo;
                if p.get(i) == Some(&'-') && p.get(i + 1).is_some_and(|&x| x != ']') {
                    let (h, dh) = if p[i + 1] == '\\' {
                        match p.get(i + 2) {
                            Some(&e) => (e, 3),
                            None => return false,
                        }
                    } else {
                        (p[i + 1], 2)
                    };
                    hi = h;
                    i += dh;
                }
                if lo <= *c && *c <= hi {
                    matched = true;
                }
            }
            matched != negate && match_from(&p[i..], &n[1..])
        }
        '\\' => match (p.get(1), n.first()) {
            (Some(e), Some(c)) if e == c => match_from(&p[2..], &n[1..]),
            _ => false,
        },
        c => n.first() == Some(&c) && match_from(&p[1..], &n[1..]),
    }
}

/// go's `isBadEmbedName`: names a module cannot hold (golang.org/x/mod's
/// `CheckFilePath`, approximated: empty, trailing dot, or a character
/// outside letters, digits and ``!#$%&()+,-.=@[]^_{}~ ``) and version
/// control directories.
fn bad_name(name: &str) -> bool {
    if name.is_empty() || name.ends_with('.') && name != "." {
        return true;
    }
    if matches!(name, ".bzr" | ".hg" | ".git" | ".svn") {
        return true;
    }
    !name
        .chars()
        .all(|c| c.is_alphanumeric() || "!#$%&()+,-.=@[]^_{}~ ".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_bare_and_quoted_patterns_with_columns() {
        let got = parse_args(r#" a.txt  "b c.txt" `d/*`"#, 5, 11).unwrap();
        let pats: Vec<(&str, usize)> = got.iter().map(|p| (p.pattern.as_str(), p.col)).collect();
        assert_eq!(pats, vec![("a.txt", 12), ("b c.txt", 19), ("d/*", 29)]);
        assert!(parse_args(" \"open", 1, 1).is_err());
        assert!(parse_args("   ", 1, 1).is_err());
    }

    #[test]
    fn directive_needs_space_after_embed() {
        assert_eq!(directive_args("//go:embed x"), Some(" x"));
        assert_eq!(directive_args("//go:embedded x"), None);
        assert_eq!(directive_args("// go:embed x"), None);
    }

    #[test]
    fn glob_matches_like_path_match() {
        assert!(glob_match("*.txt", "a.txt"));
        assert!(glob_match("*", ".hidden"));
        assert!(!glob_match("*.txt", "a.go"));
        assert!(glob_match("[a-c]?", "bz"));
        assert!(!glob_match("[^a-c]?", "bz"));
        assert!(glob_match("a\\*", "a*"));
    }

    #[test]
    fn resolves_files_dirs_and_globs_as_go_does() {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path();
        std::fs::write(dir.join("hello.txt"), "hi").unwrap();
        std::fs::create_dir_all(dir.join("static/sub")).unwrap();
        std::fs::write(dir.join("static/a.css"), "").unwrap();
        std::fs::write(dir.join("static/.hidden"), "").unwrap();
        std::fs::write(dir.join("static/_skip"), "").unwrap();
        std::fs::write(dir.join("static/sub/b.js"), "").unwrap();
        std::fs::create_dir_all(dir.join("static/mod")).unwrap();
        std::fs::write(dir.join("static/mod/go.mod"), "module m\n").unwrap();
        std::fs::write(dir.join("static/mod/c"), "").unwrap();
        let f = dir.join("p.go");
        let pat = |s: &str, line| {
            (
                f.clone(),
                Pattern {
                    pattern: s.into(),
                    line,
                    col: 12,
                },
            )
        };
        let cfg = resolve(
            dir,
            &[
                pat("hello.txt", 3),
                pat("static", 4),
                pat("all:static/s*", 5),
            ],
        )
        .unwrap();
        assert_eq!(cfg.patterns["hello.txt"], vec!["hello.txt"]);
        assert_eq!(
            cfg.patterns["static"],
            vec!["static/a.css", "static/sub/b.js"]
        );
        assert_eq!(cfg.patterns["all:static/s*"], vec!["static/sub/b.js"]);
        assert_eq!(cfg.files["static/a.css"], dir.join("static/a.css"));
        let json = cfg.to_json();
        assert!(json.starts_with(r#"{"Patterns":{"#), "{json}");
        assert!(json.contains(r#""Files":{"hello.txt":""#), "{json}");

        let err = resolve(
            dir,
            &[
                pat("missing*.txt", 7),
                pat("../x", 8),
                pat("static/mod/c", 9),
            ],
        )
        .unwrap_err()
        .to_string();
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines.len(), 3, "{err}");
        assert!(
            lines[0].ends_with("p.go:7:12: pattern missing*.txt: no matching files found"),
            "{err}"
        );
        assert!(
            lines[1].ends_with("pattern ../x: invalid pattern syntax"),
            "{err}"
        );
        assert!(
            lines[2].ends_with("cannot embed file static/mod/c: in different module"),
            "{err}"
        );
    }

    #[test]
    fn directory_walk_skips_links_vcs_dirs_and_bad_names() {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path();
        for f in [
            "s/a",
            "s/.git/x",
            "s/_u/y",
            "s/bad:name",
            "s/in/z",
            "other/o",
        ] {
            let p = dir.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "").unwrap();
        }
        std::os::unix::fs::symlink("../other", dir.join("s/dirlink")).unwrap();
        std::os::unix::fs::symlink("a", dir.join("s/filelink")).unwrap();
        let pat = |s: &str| {
            let p = Pattern {
                pattern: s.into(),
                line: 1,
                col: 1,
            };
            (dir.join("p.go"), p)
        };
        let cfg = resolve(dir, &[pat("s"), pat("all:s")]).unwrap();
        assert_eq!(cfg.patterns["s"], vec!["s/a", "s/in/z"]);
        assert_eq!(cfg.patterns["all:s"], vec!["s/_u/y", "s/a", "s/in/z"]);
        // Named directly, a link is an irregular file, as go says.
        let err = resolve(dir, &[pat("s/filelink")]).unwrap_err().to_string();
        assert!(
            err.ends_with("cannot embed irregular file s/filelink"),
            "{err}"
        );
    }
}
