//! Header: the lexer and parser for the header of one Go file, as
//! go/build's `readGoInfo` (package clause, import comment, imports with
//! their positions) and `parseFileHeader` (the `//go:build` line and the
//! `// +build` lines that count). It reads up to the first declaration that
//! is not an import and never a function body. It does not evaluate
//! constraints nor know the build context or the file's directory: that is
//! `scan` proper.

use crate::constraint;

/// One import of a file: the path and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    /// The unquoted import path.
    pub path: String,
    /// 1-based line of the path literal.
    pub line: usize,
    /// 1-based byte column of the path literal.
    pub col: usize,
    /// 1-based byte column of the import spec: its name (`_`, `.`, an
    /// identifier) when it has one, else the path's (go/ast's
    /// `ImportSpec.Pos`, which go's `ImportPos` records).
    pub spec_col: usize,
}

/// What the header of one Go file says.
#[derive(Debug, Clone, Default)]
pub struct Header {
    /// The package name from the package clause.
    pub package: String,
    /// Line of the package clause.
    pub package_line: usize,
    /// Column of the package name.
    pub package_col: usize,
    /// An import comment (`package x // import "path"`), if any.
    pub import_comment: Option<String>,
    /// The imports, in file order (including `"C"`).
    pub imports: Vec<Import>,
    /// The `//go:build` line of the header, if any, with its line number.
    pub go_build: Option<(String, usize)>,
    /// The legacy `// +build` lines that count (those before the last blank
    /// line preceding the first non-comment text), with line numbers.
    pub plus_build: Vec<(String, usize)>,
    /// The cgo preamble: the text of the doc comment of `import "C"` (the
    /// comment group right above the import spec, or above the `import`
    /// keyword of a declaration with one spec, as go/build's `readGoInfo`
    /// takes it), comment markers removed; `None` without one. Its `#cgo`
    /// lines are the package's cgo directives (`scan::cgo`).
    pub cgo_doc: Option<String>,
}

impl Header {
    /// Whether the file imports "C" (a cgo file).
    pub fn uses_cgo(&self) -> bool {
        self.imports.iter().any(|i| i.path == "C")
    }
}

/// A syntax error in a file header, with its line and column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{col}: {msg}")]
pub struct HeaderError {
    /// 1-based line.
    pub line: usize,
    /// 1-based byte column.
    pub col: usize,
    /// What is wrong, in go/parser's words.
    pub msg: String,
}

/// Parses the header of a Go source file (all of it up to the first
/// declaration that is not an import).
///
/// Errors with line and column on text the go command would also reject
/// before the first declaration: no package clause, a bad import spec, an
/// unterminated string or comment, or two `//go:build` lines.
pub fn parse_header(src: &str) -> Result<Header, HeaderError> {
    let mut h = Header::default();
    // A leading UTF-8 byte-order mark is skipped, as go/scanner does; columns
    // still count its three bytes.
    let start = if src.starts_with('\u{feff}') { 3 } else { 0 };
    constraint_lines(&src[start..], &mut h)?;
    let mut lx = Lexer::new(src, start);
    let tok = lx.next()?;
    match tok.kind {
        TokKind::Ident if tok.text == "package" => {}
        _ => {
            return Err(lx.error_at(
                tok.start,
                format!("expected 'package', found {}", tok.describe()),
            ));
        }
    }
    h.package_line = lx.line_col(tok.start).0;
    let name = lx.next()?;
    if name.kind != TokKind::Ident {
        return Err(lx.error_at(
            name.start,
            format!("expected package name, found {}", name.describe()),
        ));
    }
    (_, h.package_col) = lx.line_col(name.start);
    h.package = name.text.to_string();
    h.import_comment =
        import_comment(&src[lx.pos..src[lx.pos..].find('\n').map_or(src.len(), |i| lx.pos + i)]);
    loop {
        let mut t = lx.next()?;
        while t.kind == TokKind::Punct && t.text == ";" {
            t = lx.next()?;
        }
        if !(t.kind == TokKind::Ident && t.text == "import") {
            break;
        }
        let decl_doc = t.lead;
        let t = lx.next()?;
        // Each spec with the doc comment of its first token.
        let mut specs = Vec::new();
        if t.kind == TokKind::Punct && t.text == "(" {
            loop {
                let mut s = lx.next()?;
                while s.kind == TokKind::Punct && s.text == ";" {
                    s = lx.next()?;
                }
                if s.kind == TokKind::Punct && s.text == ")" {
                    break;
                }
                let doc = s.lead;
                specs.push((import_spec(&mut lx, s)?, doc));
            }
        } else {
            let doc = t.lead;
            specs.push((import_spec(&mut lx, t)?, doc));
        }
        let single = specs.len() == 1;
        for (imp, doc) in specs {
            // go/ast: a spec's own doc, else the declaration's when it has one spec.
            let doc = doc.or(if single { decl_doc } else { None });
            if let (true, Some(range)) = (imp.path == "C", doc) {
                let text = comment_text(&src[range.0..range.1]);
                match &mut h.cgo_doc {
                    Some(d) => {
                        d.push('\n');
                        d.push_str(&text);
                    }
                    None => h.cgo_doc = Some(text),
                }
            }
            h.imports.push(imp);
        }
    }
    Ok(h)
}

/// The text of a comment group (`//` and `/* */` comments separated by
/// white space), markers removed, one comment after the other on lines of
/// their own, as go/ast's `CommentGroup.Text` gives it up to white space
/// (which go/build's `saveCgo` trims from each line anyway).
fn comment_text(group: &str) -> String {
    let mut out = Vec::new();
    let mut rest = group;
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix("//") {
            let end = r.find('\n').unwrap_or(r.len());
            out.push(&r[..end]);
            rest = &r[end..];
        } else if let Some(r) = rest.strip_prefix("/*") {
            let end = r.find("*/").unwrap_or(r.len());
            out.push(&r[..end]);
            rest = r.get(end + 2..).unwrap_or("");
        } else {
            break;
        }
    }
    out.join("\n")
}

fn import_spec(lx: &mut Lexer<'_>, first: Tok<'_>) -> Result<Import, HeaderError> {
    let mut t = first;
    let spec_start = t.start;
    if t.kind == TokKind::Ident || (t.kind == TokKind::Punct && t.text == ".") {
        t = lx.next()?;
    }
    match t.kind {
        TokKind::Str(ref v) => {
            let (line, col) = lx.line_col(t.start);
            if v.is_empty() {
                return Err(lx.error_at(t.start, "invalid import path: \"\"".into()));
            }
            let (_, spec_col) = lx.line_col(spec_start);
            Ok(Import {
                path: v.clone(),
                line,
                col,
                spec_col,
            })
        }
        _ => Err(lx.error_at(
            t.start,
            format!("expected import path, found {}", t.describe()),
        )),
    }
}

/// Recognises `// import "path"` or `/* import "path" */` after a package clause.
fn import_comment(rest: &str) -> Option<String> {
    let rest = rest.trim_start();
    let body = if let Some(b) = rest.strip_prefix("//") {
        b
    } else {
        rest.strip_prefix("/*")?.split("*/").next()?
    };
    let b = body.trim().strip_prefix("import")?;
    if !b.starts_with([' ', '\t']) {
        return None;
    }
    let q = b.trim();
    let inner = q.strip_prefix('"')?.strip_suffix('"')?;
    Some(inner.to_string())
}

/// Finds the `//go:build` line and the `// +build` lines that count, as
/// go/build's `parseFileHeader` (blank lines and `//` comments before the
/// first other text; `+build` lines only before the last blank line).
pub(super) fn constraint_lines(src: &str, h: &mut Header) -> Result<(), HeaderError> {
    let mut end_line = 0usize; // lines before this number are "before the last blank line"
    let mut ended = false;
    let mut in_block = false;
    let mut candidates = Vec::new();
    'lines: for (idx, raw) in src.split('\n').enumerate() {
        let lineno = idx + 1;
        let mut line = raw.trim();
        if line.is_empty() && !ended {
            end_line = lineno;
            continue;
        }
        if !line.starts_with("//") {
            ended = true;
        }
        if !in_block && constraint::is_go_build(line) {
            if h.go_build.is_some() {
                return Err(HeaderError {
                    line: lineno,
                    col: 1,
                    msg: "multiple //go:build comments".into(),
                });
            }
            h.go_build = Some((line.to_string(), lineno));
        }
        if !in_block && constraint::is_plus_build(line) {
            candidates.push((line.to_string(), lineno));
        }
        loop {
            if line.is_empty() {
                continue 'lines;
            }
            if in_block {
                match line.find("*/") {
                    Some(i) => {
                        in_block = false;
                        line = line[i + 2..].trim();
                        continue;
                    }
                    None => continue 'lines,
                }
            }
            if line.starts_with("//") {
                continue 'lines;
            }
            if let Some(r) = line.strip_prefix("/*") {
                in_block = true;
                line = r.trim();
                continue;
            }
            break 'lines;
        }
    }
    h.plus_build = candidates
        .into_iter()
        .filter(|(_, l)| *l < end_line)
        .collect();
    Ok(())
}

/// The 1-based line and byte column of byte offset `off` in `text`, as
/// go/token counts them (`off` may be `text.len()`, just past the end).
pub(super) fn line_col(text: &[u8], off: usize) -> (usize, usize) {
    let before = &text[..off];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let col = off
        - before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1)
        + 1;
    (line, col)
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum TokKind {
    Ident,
    Str(String),
    Punct,
    Other,
    Eof,
}

#[derive(Debug, Clone)]
struct Tok<'a> {
    kind: TokKind,
    text: &'a str,
    start: usize,
    /// The byte range of the token's lead comment: the last comment group
    /// before it that ends on the line above it (go/parser's `leadComment`,
    /// which becomes a declaration's or spec's `Doc`).
    lead: Option<(usize, usize)>,
}

impl Tok<'_> {
    fn describe(&self) -> String {
        match self.kind {
            TokKind::Eof => "EOF".into(),
            _ => format!("'{}'", self.text),
        }
    }
}

/// A minimal Go lexer: identifiers, string literals, punctuation; comments
/// skipped, but grouped as go/parser groups them to find each token's lead
/// comment.
struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    /// End of the previous token, if there was one.
    prev_end: Option<usize>,
    /// Newlines are counted up to this offset (`line_at`)…
    counted: usize,
    /// …where the line is this.
    line: usize,
}

impl<'a> Lexer<'a> {
    fn new(src: &'a str, pos: usize) -> Self {
        Lexer {
            src,
            pos,
            prev_end: None,
            counted: 0,
            line: 1,
        }
    }

    /// The 1-based line of byte offset `off`; offsets must not decrease
    /// from one call to the next (newlines are counted once).
    fn line_at(&mut self, off: usize) -> usize {
        let off = off.max(self.counted);
        self.line += self.src.as_bytes()[self.counted..off]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.counted = off;
        self.line
    }

    /// The lead comment of a token at `tok`, given the comments (byte
    /// ranges) skipped before it, as go/parser's `next` finds it: comments
    /// on the previous token's line form a line comment (never a lead);
    /// the others are grouped while each starts at most one line after the
    /// previous ends, and the last group is the lead when it ends on the
    /// line right above the token.
    fn lead_group(&mut self, comments: &[(usize, usize)], tok: usize) -> Option<(usize, usize)> {
        let &(first, _) = comments.first()?;
        let prev_line = self.prev_end.map(|e| self.line_at(e.min(first)));
        // (start, end, end line, lines allowed between members)
        let mut groups: Vec<(usize, usize, usize, usize)> = Vec::new();
        for (i, &(s, e)) in comments.iter().enumerate() {
            let sl = self.line_at(s);
            let el = self.line_at(e.saturating_sub(1).max(s));
            match groups.last_mut() {
                Some(g) if sl <= g.2 + g.3 => (g.1, g.2) = (e, el),
                _ => {
                    let n = usize::from(!(i == 0 && prev_line == Some(sl)));
                    groups.push((s, e, el, n));
                }
            }
        }
        let line = self.line_at(tok);
        let &(s, e, el, n) = groups.last()?;
        (n == 1 && el + 1 == line).then_some((s, e))
    }

    fn line_col(&self, off: usize) -> (usize, usize) {
        line_col(self.src.as_bytes(), off)
    }

    fn error_at(&self, off: usize, msg: String) -> HeaderError {
        let (line, col) = self.line_col(off);
        HeaderError { line, col, msg }
    }

    fn next(&mut self) -> Result<Tok<'a>, HeaderError> {
        let b = self.src.as_bytes();
        let mut comments = Vec::new();
        loop {
            while self.pos < b.len() && b[self.pos].is_ascii_whitespace() {
                // A newline after an import spec is an implicit ';'; the parser
                // tolerates its absence, so newlines are plain space here.
                self.pos += 1;
            }
            let at = self.pos;
            if self.src[at..].starts_with("//") {
                self.pos = self.src[at..].find('\n').map_or(b.len(), |i| at + i);
                comments.push((at, self.pos));
                continue;
            }
            if self.src[at..].starts_with("/*") {
                match self.src[at + 2..].find("*/") {
                    Some(i) => self.pos += 2 + i + 2,
                    None => return Err(self.error_at(at, "comment not terminated".into())),
                }
                comments.push((at, self.pos));
                continue;
            }
            break;
        }
        let start = self.pos;
        let lead = self.lead_group(&comments, start);
        let mut tok = self.token(start)?;
        tok.lead = lead;
        self.prev_end = Some(self.pos);
        Ok(tok)
    }

    /// The token starting at `start` (after white space and comments).
    fn token(&mut self, start: usize) -> Result<Tok<'a>, HeaderError> {
        let b = self.src.as_bytes();
        if start >= b.len() {
            return Ok(Tok {
                kind: TokKind::Eof,
                text: "",
                start,
                lead: None,
            });
        }
        let c = self.src[start..].chars().next().unwrap_or('\0');
        if c.is_alphabetic() || c == '_' {
            let end = self.src[start..]
                .char_indices()
                .find(|&(_, d)| !(d.is_alphanumeric() || d == '_'))
                .map_or(b.len(), |(i, _)| start + i);
            self.pos = end;
            return Ok(Tok {
                kind: TokKind::Ident,
                text: &self.src[start..end],
                start,
                lead: None,
            });
        }
        if c == '"' {
            return self.string_lit(start);
        }
        if c == '`' {
            return self.raw_string_lit(start);
        }
        self.pos = start + c.len_utf8();
        let kind = if "();.".contains(c) {
            TokKind::Punct
        } else {
            TokKind::Other
        };
        Ok(Tok {
            kind,
            text: &self.src[start..self.pos],
            start,
            lead: None,
        })
    }

    /// An interpreted string literal starting at `start` (its `"`): the
    /// value with the common escapes (`\n \t \\ \"`) undone, enough for
    /// import paths.
    fn string_lit(&mut self, start: usize) -> Result<Tok<'a>, HeaderError> {
        let mut val = String::new();
        let mut chars = self.src[start + 1..].char_indices();
        while let Some((i, d)) = chars.next() {
            match d {
                '"' => {
                    self.pos = start + 1 + i + 1;
                    return Ok(Tok {
                        kind: TokKind::Str(val),
                        text: &self.src[start..self.pos],
                        start,
                        lead: None,
                    });
                }
                '\\' => match chars.next() {
                    Some((_, e)) => val.push(match e {
                        'n' => '\n',
                        't' => '\t',
                        '\\' => '\\',
                        '"' => '"',
                        other => other,
                    }),
                    None => break,
                },
                '\n' => break,
                d => val.push(d),
            }
        }
        Err(self.error_at(start, "string literal not terminated".into()))
    }

    /// A raw string literal starting at `start` (its `` ` ``).
    fn raw_string_lit(&mut self, start: usize) -> Result<Tok<'a>, HeaderError> {
        match self.src[start + 1..].find('`') {
            Some(i) => {
                self.pos = start + 1 + i + 1;
                let val = self.src[start + 1..start + 1 + i].to_string();
                Ok(Tok {
                    kind: TokKind::Str(val),
                    text: &self.src[start..self.pos],
                    start,
                    lead: None,
                })
            }
            None => Err(self.error_at(start, "raw string literal not terminated".into())),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn byte_order_mark_is_accepted_as_go_scanner_does() {
        let h = parse_header("\u{feff}//go:build linux\n\npackage p\n\nimport \"fmt\"\n").unwrap();
        assert_eq!(h.package, "p");
        assert_eq!(h.imports.len(), 1);
        assert!(h.go_build.is_some());
        let e = parse_header("\u{feff}func f() {}\n").unwrap_err();
        assert_eq!(e.to_string(), "1:4: expected 'package', found 'func'");
    }

    use super::*;
    use crate::scan::should_build;
    use crate::scan::tests::ctx;

    #[test]
    fn header_imports_with_positions() {
        let src = "// Copyright\n\n//go:build linux\n\npackage wire // import \"example.com/wire\"\n\nimport (\n\t\"fmt\"\n\tj \"encoding/json\"\n\t_ `os`\n)\nimport . \"strings\"\n\nfunc F() {}\nimport \"never\"\n";
        let h = parse_header(src).unwrap();
        assert_eq!(h.package, "wire");
        assert_eq!(h.package_line, 5);
        assert_eq!(h.import_comment.as_deref(), Some("example.com/wire"));
        let got: Vec<_> = h
            .imports
            .iter()
            .map(|i| (i.path.as_str(), i.line, i.col))
            .collect();
        assert_eq!(
            got,
            [
                ("fmt", 8, 2),
                ("encoding/json", 9, 4),
                ("os", 10, 4),
                ("strings", 12, 10)
            ]
        );
        assert_eq!(h.go_build, Some(("//go:build linux".to_string(), 3)));
    }

    #[test]
    fn header_errors_have_positions() {
        let e = parse_header("// x\npackage\n").unwrap_err();
        assert_eq!((e.line, e.col), (3, 1));
        let e = parse_header("func main() {}\n").unwrap_err();
        assert_eq!(e.to_string(), "1:1: expected 'package', found 'func'");
        let e = parse_header("package a\nimport \"fmt\n").unwrap_err();
        assert_eq!((e.line, e.col), (2, 8));
    }

    #[test]
    fn plus_build_needs_blank_line_before_package() {
        // Not followed by a blank line: does not count.
        let h = parse_header("// +build ignore\npackage a\n").unwrap();
        assert!(h.plus_build.is_empty());
        let h = parse_header("// +build ignore\n\npackage a\n").unwrap();
        assert_eq!(h.plus_build.len(), 1);
        assert!(!should_build(&ctx("amd64"), &h).unwrap());
        // After the package clause: does not count.
        let h = parse_header("package a\n\n// +build ignore\n\nimport \"x\"\n").unwrap();
        assert!(h.plus_build.is_empty());
    }

    #[test]
    fn cgo_preamble_is_the_doc_comment_of_import_c() {
        // A block comment right above a single `import "C"`.
        let h = parse_header(
            "package v\n\n/*\n#cgo LDFLAGS: -lm\n#include <math.h>\n*/\nimport \"C\"\n",
        )
        .unwrap();
        assert_eq!(
            h.cgo_doc.as_deref(),
            Some("\n#cgo LDFLAGS: -lm\n#include <math.h>\n")
        );
        // Line comments, in a group; a blank line cuts the group.
        let h = parse_header(
            "package v\n// not this\n\n// #cgo CFLAGS: -DX\n//#include \"x.h\"\nimport \"C\"\n",
        )
        .unwrap();
        assert_eq!(
            h.cgo_doc.as_deref(),
            Some(" #cgo CFLAGS: -DX\n#include \"x.h\"")
        );
        // A blank line between the comment and the import: no preamble.
        let h = parse_header("package v\n// #cgo CFLAGS: -DX\n\nimport \"C\"\n").unwrap();
        assert_eq!(h.cgo_doc, None);
        // Inside a group: the spec's own doc; the declaration's only when
        // it has one spec.
        let h = parse_header(
            "package v\n// decl\nimport (\n\t\"fmt\"\n\t// #cgo LDFLAGS: -lz\n\t\"C\"\n)\n",
        )
        .unwrap();
        assert_eq!(h.cgo_doc.as_deref(), Some(" #cgo LDFLAGS: -lz"));
        let h = parse_header("package v\n// #cgo LDFLAGS: -lz\nimport (\n\t\"C\"\n)\n").unwrap();
        assert_eq!(h.cgo_doc.as_deref(), Some(" #cgo LDFLAGS: -lz"));
        let h = parse_header("package v\n// decl\nimport (\n\t\"fmt\"\n\t\"C\"\n)\n").unwrap();
        assert_eq!(h.cgo_doc, None);
        // A comment on the previous token's line is a line comment, not a lead.
        let h =
            parse_header("package v\nimport \"fmt\" // #cgo LDFLAGS: -lz\nimport \"C\"\n").unwrap();
        assert_eq!(h.cgo_doc, None);
        assert!(h.uses_cgo());
    }
}
