//! `Doc`: the first sentence of a package's doc comment, as go/build
//! fills `Package.Doc` — from the first Go file that builds and is no test
//! (in name order) whose `package` clause has a doc comment (the comment
//! group ending on the line just before it), through go/doc's `Synopsis`
//! as Go 1.18 (go-12, the go command that comes with gccgo 12) has it.

use std::path::Path;

/// The synopsis of the first of `files` (in `dir`, in the order given)
/// with a package doc comment; empty when none has one or none can be read.
pub(super) fn package_doc(dir: &Path, files: &[String]) -> String {
    for f in files {
        let Ok(text) = std::fs::read_to_string(dir.join(f)) else {
            continue;
        };
        if let Some(doc) = doc_comment(&text) {
            return synopsis(&comment_text(&doc));
        }
    }
    String::new()
}

/// The raw comments (`//…` or `/*…*/` each) of the comment group that is
/// the `package` clause's doc: the last group before it, when it ends on
/// the line just before the clause's (go/parser's lead comment). `None`
/// when there is none, or the file does not start with comments and a
/// `package` clause.
fn doc_comment(text: &str) -> Option<Vec<String>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut group: Vec<String> = Vec::new();
    // Line on which the current group's last comment ends (1-based).
    let mut end_line = 0usize;
    let mut line = 1usize;
    let mut i = 0;
    let b = text.as_bytes();
    while i < b.len() {
        match b[i] {
            b'\n' => {
                line += 1;
                i += 1;
            }
            b' ' | b'\t' | b'\r' => i += 1,
            b'/' if b.get(i + 1) == Some(&b'/') || b.get(i + 1) == Some(&b'*') => {
                let block = b[i + 1] == b'*';
                let end = if block {
                    i + 2 + text[i + 2..].find("*/")? + 2
                } else {
                    text[i..].find('\n').map_or(b.len(), |e| i + e)
                };
                let c = &text[i..end];
                // A comment more than one line after the group's end starts a new group.
                if group.is_empty() || line > end_line + 1 {
                    group.clear();
                }
                group.push(c.to_string());
                line += c.matches('\n').count();
                end_line = line;
                i = end;
            }
            _ => {
                let is_package = text[i..].starts_with("package")
                    && !text[i + 7..]
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_alphanumeric() || c == '_');
                if !is_package || group.is_empty() || end_line + 1 != line {
                    return None;
                }
                return Some(group);
            }
        }
    }
    None
}

/// go/ast's `CommentGroup.Text`: comment markers removed (and the one
/// space after `//`), directives (`//go:build`, `//line …`) dropped,
/// trailing spaces cut, leading and trailing blank lines removed, runs of
/// blank lines made one.
fn comment_text(comments: &[String]) -> String {
    let mut lines: Vec<String> = Vec::new();
    for c in comments {
        let body: &str = if let Some(rest) = c.strip_prefix("//") {
            if let Some(r) = rest.strip_prefix(' ') {
                r
            } else if is_directive(rest) {
                continue;
            } else {
                rest
            }
        } else {
            c.strip_prefix("/*")
                .and_then(|r| r.strip_suffix("*/"))
                .unwrap_or(c)
        };
        lines.extend(body.split('\n').map(|l| l.trim_end().to_string()));
    }
    let mut out: Vec<String> = Vec::new();
    for l in lines {
        if l.is_empty() && out.last().is_none_or(|p: &String| p.is_empty()) {
            continue;
        }
        out.push(l);
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    let mut s = out.join("\n");
    s.push('\n');
    s
}

/// go/ast's `isDirective`: `line ` / `extern ` / `export `, or a
/// `name:arg` with a lower-case ASCII name (`go:build`).
fn is_directive(c: &str) -> bool {
    if c.starts_with("line ") || c.starts_with("extern ") || c.starts_with("export ") {
        return true;
    }
    let Some(colon) = c.find(':') else {
        return false;
    };
    if colon == 0 || colon + 1 >= c.len() {
        return false;
    }
    let ok = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    c.as_bytes()[..colon].iter().all(|&b| ok(b)) && ok(c.as_bytes()[colon + 1])
}

/// go/doc's `Synopsis` (Go 1.18): the first sentence — up to the first
/// period followed by a space that is not preceded by exactly one
/// upper-case letter, or after a `。`/`．` — with white space collapsed; empty
/// when it starts with "copyright", "all rights" or "author"; ``
/// and '' become “ and ”.
pub(super) fn synopsis(text: &str) -> String {
    let s = clean(&text[..first_sentence_len(text)]);
    let lower = s.to_lowercase();
    if ["copyright", "all rights", "author"]
        .iter()
        .any(|p| lower.starts_with(p))
    {
        return String::new();
    }
    s.replace("``", "\u{201c}").replace("''", "\u{201d}")
}

fn first_sentence_len(s: &str) -> usize {
    let (mut ppp, mut pp, mut p) = ('\0', '\0', '\0');
    for (i, q) in s.char_indices() {
        let q = if matches!(q, '\n' | '\r' | '\t') {
            ' '
        } else {
            q
        };
        if q == ' ' && p == '.' && (!pp.is_uppercase() || ppp.is_uppercase()) {
            return i;
        }
        if p == '。' || p == '．' {
            return i;
        }
        (ppp, pp, p) = (pp, p, q);
    }
    s.len()
}

/// Each run of spaces, tabs and newlines becomes one space; the ends are trimmed.
fn clean(s: &str) -> String {
    s.split([' ', '\t', '\n', '\r'])
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(src: &str) -> String {
        doc_comment(src)
            .map(|c| synopsis(&comment_text(&c)))
            .unwrap_or_default()
    }

    #[test]
    fn package_doc_first_sentences() {
        assert_eq!(
            doc(
                "// Package yaml implements YAML support for the Go language.\n//\n// More.\npackage yaml\n"
            ),
            "Package yaml implements YAML support for the Go language."
        );
        assert_eq!(
            doc(
                "// Copyright 2020 X.\n\n// Tomljson reads TOML and\n// converts to JSON. Usage:\npackage main\n"
            ),
            "Tomljson reads TOML and converts to JSON."
        );
        // As go: "e.g. " ends the sentence (a lower-case letter before the period).
        assert_eq!(
            doc("/*\nPackage x does things, e.g. this. And more.\n*/\npackage x\n"),
            "Package x does things, e.g."
        );
        assert_eq!(doc("// U.S. law. Yes.\npackage x"), "U.S. law.");
        // Separated by a blank line: no doc.
        assert_eq!(doc("// Package x.\n\npackage x\n"), "");
        assert_eq!(
            doc("//go:build linux\n\n// Package x is ``fine''.\npackage x\n"),
            "Package x is \u{201c}fine\u{201d}."
        );
        assert_eq!(doc("// Copyright 2009 The Go Authors.\npackage x\n"), "");
        assert_eq!(doc("package x // Not a doc.\n"), "");
    }
}
