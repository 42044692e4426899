//! Build constraint expressions: `//go:build` lines (`&&`, `||`, `!`,
//! parentheses) and legacy `// +build` lines (space = OR, comma = AND,
//! `!` = NOT), parsed into one expression type and evaluated against a tag
//! predicate.
//!
//! The grammar and the rules follow go/build/constraint (Go 1.19): a tag is a
//! run of letters, digits, `_` and `.`; `//go:build` must be followed by
//! white space or the end of the line. This module does not know which tags
//! are set, nor where in a file a constraint may stand: see `scan`.

use std::fmt;

/// A parsed build constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// A single build tag, e.g. `linux`, `go1.18`.
    Tag(String),
    /// `!x`.
    Not(Box<Expr>),
    /// `x && y` (or `x,y` in a `+build` line).
    And(Box<Expr>, Box<Expr>),
    /// `x || y` (or `x y` in a `+build` line).
    Or(Box<Expr>, Box<Expr>),
}

impl Expr {
    /// Evaluates the expression; `has_tag` says whether one tag is set.
    pub fn eval(&self, has_tag: &mut dyn FnMut(&str) -> bool) -> bool {
        match self {
            Expr::Tag(t) => has_tag(t),
            Expr::Not(x) => !x.eval(has_tag),
            Expr::And(a, b) => {
                // Evaluate both sides, as go/build does, so every tag is seen.
                let l = a.eval(has_tag);
                let r = b.eval(has_tag);
                l && r
            }
            Expr::Or(a, b) => {
                let l = a.eval(has_tag);
                let r = b.eval(has_tag);
                l || r
            }
        }
    }

    fn and(a: Expr, b: Expr) -> Expr {
        Expr::And(Box::new(a), Box::new(b))
    }
    fn or(a: Expr, b: Expr) -> Expr {
        Expr::Or(Box::new(a), Box::new(b))
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Tag(t) => write!(f, "{t}"),
            Expr::Not(x) => match **x {
                Expr::Tag(_) | Expr::Not(_) => write!(f, "!{x}"),
                _ => write!(f, "!({x})"),
            },
            Expr::And(a, b) => {
                write_operand(f, a, true)?;
                write!(f, " && ")?;
                write_operand(f, b, true)
            }
            Expr::Or(a, b) => {
                write_operand(f, a, false)?;
                write!(f, " || ")?;
                write_operand(f, b, false)
            }
        }
    }
}

fn write_operand(f: &mut fmt::Formatter<'_>, x: &Expr, in_and: bool) -> fmt::Result {
    match x {
        Expr::Or(..) if in_and => write!(f, "({x})"),
        _ => write!(f, "{x}"),
    }
}

/// A syntax error in a constraint line, with the byte offset in the expression text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{msg}")]
pub struct SyntaxError {
    /// What is wrong, in go/build/constraint's words where it has them.
    pub msg: String,
}

fn err(msg: impl Into<String>) -> SyntaxError {
    SyntaxError { msg: msg.into() }
}

/// Whether a (trimmed) line is a `//go:build` line, as go/build's `isGoBuildComment`.
pub fn is_go_build(line: &str) -> bool {
    match line.strip_prefix("//go:build") {
        Some(rest) => rest.is_empty() || rest.starts_with([' ', '\t']),
        None => false,
    }
}

/// Whether a (trimmed) line is a legacy `// +build` line, as constraint's `IsPlusBuild`.
pub fn is_plus_build(line: &str) -> bool {
    match line.strip_prefix("//") {
        Some(rest) => match rest.trim_start().strip_prefix("+build") {
            Some(r) => r.is_empty() || r.starts_with([' ', '\t']),
            None => false,
        },
        None => false,
    }
}

/// Parses the expression of a `//go:build` line (the whole line, comment marker included).
///
/// Errors on an empty expression, an unbalanced parenthesis, a missing
/// operand or an invalid character, as go/build/constraint's `Parse`.
pub fn parse_go_build(line: &str) -> Result<Expr, SyntaxError> {
    let text = line
        .trim()
        .strip_prefix("//go:build")
        .ok_or_else(|| err("not a //go:build line"))?;
    let mut p = ExprParser {
        toks: tokenize(text)?,
        pos: 0,
    };
    if p.toks.is_empty() {
        return Err(err("unexpected end of expression"));
    }
    let x = p.or()?;
    if p.pos != p.toks.len() {
        return Err(err(format!("unexpected token {}", p.toks[p.pos])));
    }
    Ok(x)
}

/// Parses a legacy `// +build` line: space-separated options (OR), each a
/// comma-separated list (AND) of tags, each optionally negated by one `!`.
/// An empty line (`// +build` alone) is an error, as in go/build/constraint.
pub fn parse_plus_build(line: &str) -> Result<Expr, SyntaxError> {
    let text = line
        .trim()
        .strip_prefix("//")
        .map(str::trim_start)
        .and_then(|s| s.strip_prefix("+build"))
        .ok_or_else(|| err("not a +build line"))?;
    let mut x: Option<Expr> = None;
    for clause in text.split_whitespace() {
        let mut y: Option<Expr> = None;
        for lit in clause.split(',') {
            let (neg, tag) = match lit.strip_prefix('!') {
                Some(t) => (true, t),
                None => (false, lit),
            };
            if tag.starts_with('!') {
                return Err(err("invalid double negation in +build line"));
            }
            if !is_valid_tag(tag) {
                return Err(err(format!("invalid +build tag: {lit:?}")));
            }
            let z = if neg {
                Expr::Not(Box::new(Expr::Tag(tag.into())))
            } else {
                Expr::Tag(tag.into())
            };
            y = Some(match y {
                None => z,
                Some(y) => Expr::and(y, z),
            });
        }
        let y = y.ok_or_else(|| err("empty +build clause"))?;
        x = Some(match x {
            None => y,
            Some(x) => Expr::or(x, y),
        });
    }
    x.ok_or_else(|| err("empty +build line"))
}

/// Whether `s` is a valid tag: letters, digits, `_`, `.`; non-empty.
pub fn is_valid_tag(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Tag(String),
    Not,
    And,
    Or,
    LParen,
    RParen,
}

impl fmt::Display for Tok {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tok::Tag(t) => write!(f, "{t}"),
            Tok::Not => write!(f, "!"),
            Tok::And => write!(f, "&&"),
            Tok::Or => write!(f, "||"),
            Tok::LParen => write!(f, "("),
            Tok::RParen => write!(f, ")"),
        }
    }
}

fn tokenize(text: &str) -> Result<Vec<Tok>, SyntaxError> {
    let mut toks = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(i, c)) = chars.peek() {
        match c {
            ' ' | '\t' => {
                chars.next();
            }
            '!' => {
                chars.next();
                toks.push(Tok::Not);
            }
            '(' => {
                chars.next();
                toks.push(Tok::LParen);
            }
            ')' => {
                chars.next();
                toks.push(Tok::RParen);
            }
            '&' | '|' => {
                chars.next();
                match chars.next() {
                    Some((_, d)) if d == c => toks.push(if c == '&' { Tok::And } else { Tok::Or }),
                    _ => return Err(err(format!("invalid syntax at {c}"))),
                }
            }
            c if c.is_alphanumeric() || c == '_' || c == '.' => {
                let mut end = i;
                while let Some(&(j, d)) = chars.peek() {
                    if d.is_alphanumeric() || d == '_' || d == '.' {
                        end = j + d.len_utf8();
                        chars.next();
                    } else {
                        break;
                    }
                }
                toks.push(Tok::Tag(text[i..end].to_string()));
            }
            _ => return Err(err(format!("invalid syntax at {c}"))),
        }
    }
    Ok(toks)
}

struct ExprParser {
    toks: Vec<Tok>,
    pos: usize,
}

impl ExprParser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn or(&mut self) -> Result<Expr, SyntaxError> {
        let mut x = self.and()?;
        while self.peek() == Some(&Tok::Or) {
            self.pos += 1;
            let y = self.and()?;
            x = Expr::or(x, y);
        }
        Ok(x)
    }

    fn and(&mut self) -> Result<Expr, SyntaxError> {
        let mut x = self.not()?;
        while self.peek() == Some(&Tok::And) {
            self.pos += 1;
            let y = self.not()?;
            x = Expr::and(x, y);
        }
        Ok(x)
    }

    fn not(&mut self) -> Result<Expr, SyntaxError> {
        if self.peek() == Some(&Tok::Not) {
            self.pos += 1;
            return Ok(Expr::Not(Box::new(self.not()?)));
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Expr, SyntaxError> {
        match self.toks.get(self.pos).cloned() {
            Some(Tok::LParen) => {
                self.pos += 1;
                let x = self.or()?;
                if self.peek() != Some(&Tok::RParen) {
                    return Err(err("missing close paren"));
                }
                self.pos += 1;
                Ok(x)
            }
            Some(Tok::Tag(t)) => {
                self.pos += 1;
                Ok(Expr::Tag(t))
            }
            Some(t) => Err(err(format!("unexpected token {t}"))),
            None => Err(err("unexpected end of expression")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(x: &Expr, tags: &[&str]) -> bool {
        x.eval(&mut |t| tags.contains(&t))
    }

    #[test]
    fn go_build_precedence_and_parens() {
        let x = parse_go_build("//go:build linux && (mips || mipsle) && !cgo").unwrap();
        assert!(eval(&x, &["linux", "mips"]));
        assert!(eval(&x, &["linux", "mipsle"]));
        assert!(!eval(&x, &["linux", "mips", "cgo"]));
        assert!(!eval(&x, &["darwin", "mips"]));
        let y = parse_go_build("//go:build a || b && c").unwrap();
        assert_eq!(y.to_string(), "a || b && c");
        assert!(eval(&y, &["a"]));
        assert!(!eval(&y, &["b"]));
    }

    #[test]
    fn go_build_syntax_errors() {
        for bad in [
            "//go:build",
            "//go:build (a",
            "//go:build a &&",
            "//go:build a & b",
            "//go:build a b",
        ] {
            assert!(parse_go_build(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn plus_build_space_is_or_comma_is_and() {
        let x = parse_plus_build("// +build linux,386 darwin,!cgo").unwrap();
        assert!(eval(&x, &["linux", "386"]));
        assert!(!eval(&x, &["linux"]));
        assert!(eval(&x, &["darwin"]));
        assert!(!eval(&x, &["darwin", "cgo"]));
        assert_eq!(x.to_string(), "linux && 386 || darwin && !cgo");
        assert!(parse_plus_build("// +build !!linux").is_err());
    }

    #[test]
    fn line_classification() {
        assert!(is_go_build("//go:build linux"));
        assert!(!is_go_build("//go:buildlinux"));
        assert!(!is_go_build("// go:build linux"));
        assert!(is_plus_build("// +build linux"));
        assert!(is_plus_build("//+build linux"));
        assert!(!is_plus_build("// +builder linux"));
    }
}
