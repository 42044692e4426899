//! The part of Go's `text/template` that `go list -f` templates use:
//! actions `{{pipeline}}`, `{{if}}`/`{{else if}}`/`{{else}}`, `{{range}}`
//! (with `$i, $e :=` and `{{else}}`), `{{with}}`, `{{end}}`, comments,
//! `{{-`/`-}}` trimming, variables (`$x := …`, `$x = …`, `$`), field
//! chains (`.Module.Path`, `$x.Path`), literals (strings, raw strings,
//! integers, `true`, `false`, `nil`), parenthesised pipelines, `|`, and
//! the functions `and or not len index print printf println eq ne lt le gt
//! ge` plus go list's `join`.
//!
//! Outside that subset (`define`, `template`, `block`, `break`,
//! `continue`, other functions) a template fails to parse, naming the
//! line and what is not supported. Errors are worded as Go words them:
//! `template: main:LINE: …` when parsing, `template: main:LINE:COL:
//! executing "main" at <NODE>: …` when executing (COL counts bytes from 0,
//! as Go's `ErrorContext`). Go's `text/template` (Go 1.19) is the source
//! of every rule here; the data it runs on is a [`Value`].

mod exec;
mod gofmt;

pub use exec::Value;

/// A parsed template.
#[derive(Debug, Clone)]
pub struct Template {
    src: String,
    nodes: Vec<Node>,
}

/// A node of the parse tree.
#[derive(Debug, Clone)]
enum Node {
    Text(String),
    Action(Pipe),
    If(Pipe, Vec<Node>, Vec<Node>),
    Range(Pipe, Vec<Node>, Vec<Node>),
    With(Pipe, Vec<Node>, Vec<Node>),
}

/// A pipeline: optional variable declaration or assignment, then commands
/// joined by `|`.
#[derive(Debug, Clone)]
struct Pipe {
    /// Variables declared (`:=`) or assigned (`=`).
    vars: Vec<String>,
    /// Whether `vars` are assigned rather than declared.
    assign: bool,
    cmds: Vec<Cmd>,
}

/// A command: a function call or one operand.
#[derive(Debug, Clone)]
struct Cmd {
    args: Vec<Arg>,
    /// Byte offset in the template, for messages.
    pos: usize,
}

/// An operand.
#[derive(Debug, Clone)]
enum Arg {
    /// `.A.B` (empty: `.` itself); `pos` is where go's node starts.
    Field(Vec<String>, usize),
    /// `$x.A.B` (`$` for the data).
    Var(String, Vec<String>, usize),
    /// `(pipeline).A.B`
    Pipe(Box<Pipe>, Vec<String>, usize),
    Str(String, String),
    Int(i64, String),
    Bool(bool),
    Nil,
    /// A function name.
    Func(String),
}

/// A token inside an action.
#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Field(String),
    Var(String),
    Ident(String),
    Str(String, String),
    Int(i64, String),
    Pipe,
    LParen,
    RParen,
    Declare,
    Assign,
    Comma,
}

/// The functions a template may call.
const FUNCS: &[&str] = &[
    "and", "or", "not", "len", "index", "print", "printf", "println", "eq", "ne", "lt", "le", "gt",
    "ge", "join",
];

impl Template {
    /// Parses a template.
    ///
    /// Errors: go's parse errors (`template: main:LINE: …`): an unclosed
    /// action or comment, an unknown function, `{{end}}` or `{{else}}`
    /// out of place, a missing `{{end}}`, a bad token; or, naming the
    /// line, a construct outside the supported subset.
    pub fn parse(src: &str) -> Result<Template, String> {
        let items = lex(src)?;
        let mut p = Parser { src, items, at: 0 };
        let (nodes, end) = p.list()?;
        if let Some((kw, pos)) = end {
            return Err(p.err(pos, &format!("unexpected {{{{{kw}}}}}")));
        }
        Ok(Template {
            src: src.to_string(),
            nodes,
        })
    }

    /// Runs the template on `dot`.
    ///
    /// Errors: go's execution errors (`template: main:LINE:COL: executing
    /// "main" at <NODE>: …`), with what was written before the error.
    pub fn execute(&self, dot: &Value) -> Result<String, (String, String)> {
        exec::run(self, dot)
    }

    /// `template: main:LINE:COL` of a byte offset, as go's `ErrorContext`.
    fn location(&self, pos: usize) -> String {
        let text = &self.src[..pos.min(self.src.len())];
        let line = 1 + text.matches('\n').count();
        let col = match text.rfind('\n') {
            Some(i) => pos - (i + 1),
            None => pos,
        };
        format!("template: main:{line}:{col}")
    }
}

/// Lexed template: text pieces and actions (token lists with their byte
/// offsets), trimming applied.
#[derive(Debug, Clone)]
enum Item {
    Text(String),
    Action(Vec<(Tok, usize)>, usize),
}

fn line_of(src: &str, pos: usize) -> usize {
    1 + src[..pos.min(src.len())].matches('\n').count()
}

/// Splits a template into text and actions, applying `{{-` and `-}}`
/// and dropping comments.
fn lex(src: &str) -> Result<Vec<Item>, String> {
    let mut items = Vec::new();
    let mut rest = 0;
    let mut trim_next = false;
    while let Some(i) = src[rest..].find("{{") {
        let open = rest + i;
        let mut text = &src[rest..open];
        if trim_next {
            text = text.trim_start_matches(is_space);
        }
        let mut start = open + 2;
        let b = src.as_bytes();
        if b.get(start) == Some(&b'-') && b.get(start + 1).is_some_and(|c| is_space(*c as char)) {
            text = text.trim_end_matches(is_space);
            start += 2;
        }
        if !text.is_empty() {
            items.push(Item::Text(text.to_string()));
        }
        let (toks, end, trim) = lex_action(src, start)?;
        trim_next = trim;
        if let Some(toks) = toks {
            items.push(Item::Action(toks, open));
        }
        rest = end;
    }
    let mut text = &src[rest..];
    if trim_next {
        text = text.trim_start_matches(is_space);
    }
    if !text.is_empty() {
        items.push(Item::Text(text.to_string()));
    }
    Ok(items)
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// An action's tokens with their offsets (none for a comment), the
/// offset after its `}}`, and whether it ends with ` -}}`.
type Lexed = (Option<Vec<(Tok, usize)>>, usize, bool);

/// The tokens of the action starting at `start` (after `{{` and any
/// `- `), the offset after its `}}`, and whether it ends with ` -}}`.
/// A comment gives no tokens.
fn lex_action(src: &str, start: usize) -> Result<Lexed, String> {
    let b = src.as_bytes();
    let unclosed = || format!("template: main:{}: unclosed action", line_of(src, start));
    let mut i = start;
    while i < b.len() && is_space(b[i] as char) {
        i += 1;
    }
    if src[i..].starts_with("/*") {
        let Some(e) = src[i + 2..].find("*/") else {
            return Err(format!(
                "template: main:{}: unclosed comment",
                line_of(src, start)
            ));
        };
        let after = i + 2 + e + 2;
        let (end, trim) = close_at(src, after).ok_or_else(|| {
            format!(
                "template: main:{}: comment ends before closing delimiter",
                line_of(src, start)
            )
        })?;
        return Ok((None, end, trim));
    }
    let mut toks = Vec::new();
    loop {
        while i < b.len() && is_space(b[i] as char) {
            if let Some((end, trim)) = close_at(src, i) {
                return Ok((Some(toks), end, trim));
            }
            i += 1;
        }
        if i >= b.len() {
            return Err(unclosed());
        }
        if src[i..].starts_with("}}") {
            return Ok((Some(toks), i + 2, false));
        }
        let (tok, next) = lex_token(src, i).map_err(|e| {
            if e.is_empty() {
                unclosed()
            } else {
                format!("template: main:{}: {e}", line_of(src, i))
            }
        })?;
        toks.push((tok, i));
        i = next;
    }
}

/// Whether ` -}}` (spaces, `-`, `}}`) or `}}` closes the action at `i`
/// (after optional spaces): the offset after it and whether it trims.
fn close_at(src: &str, i: usize) -> Option<(usize, bool)> {
    let t = &src[i..];
    let ws = t.len() - t.trim_start_matches(is_space).len();
    let after = &t[ws..];
    if ws > 0 && after.starts_with("-}}") {
        return Some((i + ws + 3, true));
    }
    if after.starts_with("}}") {
        return Some((i + ws + 2, false));
    }
    None
}

/// One token at `i`, and the offset after it. An empty error means the
/// action ran into the end of the template.
fn lex_token(src: &str, i: usize) -> Result<(Tok, usize), String> {
    let b = src.as_bytes();
    let c = b[i] as char;
    let word_end = |from: usize| {
        from + src[from..]
            .find(|ch: char| !(ch.is_alphanumeric() || ch == '_'))
            .unwrap_or(src.len() - from)
    };
    let chain_end = |mut j: usize| {
        while j < b.len() && b[j] == b'.' {
            let e = word_end(j + 1);
            if e == j + 1 {
                break;
            }
            j = e;
        }
        j
    };
    Ok(match c {
        '|' => (Tok::Pipe, i + 1),
        '(' => (Tok::LParen, i + 1),
        ')' => (Tok::RParen, i + 1),
        ',' => (Tok::Comma, i + 1),
        ':' if b.get(i + 1) == Some(&b'=') => (Tok::Declare, i + 2),
        '=' => (Tok::Assign, i + 1),
        '.' => {
            let e = chain_end(i);
            (Tok::Field(src[i..e.max(i + 1)].to_string()), e.max(i + 1))
        }
        '$' => {
            let e = chain_end(word_end(i + 1));
            (Tok::Var(src[i..e].to_string()), e)
        }
        '"' | '`' => lex_string(src, i)?,
        '-' | '+' | '0'..='9' => {
            let e = i
                + 1
                + src[i + 1..]
                    .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_' || ch == '.'))
                    .unwrap_or(src.len() - i - 1);
            let text = &src[i..e];
            let n = parse_int(text).ok_or_else(|| format!("bad number syntax: {text:?}"))?;
            (Tok::Int(n, text.to_string()), e)
        }
        c if c.is_alphabetic() || c == '_' => {
            let e = word_end(i);
            (Tok::Ident(src[i..e].to_string()), e)
        }
        '}' => return Err("unexpected \"}\" in operand".to_string()),
        c => return Err(format!("unexpected {c:?} in command")),
    })
}

/// A Go integer literal: decimal, `0x`, `0o`, `0b`, or leading-zero octal,
/// with `_` separators and a sign.
fn parse_int(text: &str) -> Option<i64> {
    let (neg, t) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let t = t.replace('_', "");
    let lower = t.to_ascii_lowercase();
    let n = if let Some(h) = lower.strip_prefix("0x") {
        i64::from_str_radix(h, 16).ok()?
    } else if let Some(o) = lower.strip_prefix("0o") {
        i64::from_str_radix(o, 8).ok()?
    } else if let Some(bn) = lower.strip_prefix("0b") {
        i64::from_str_radix(bn, 2).ok()?
    } else if lower.len() > 1 && lower.starts_with('0') {
        i64::from_str_radix(&lower[1..], 8).ok()?
    } else {
        lower.parse().ok()?
    };
    Some(if neg { -n } else { n })
}

/// A quoted (`"…"`, Go escapes) or raw (`` `…` ``) string at `i`.
fn lex_string(src: &str, i: usize) -> Result<(Tok, usize), String> {
    let q = src.as_bytes()[i] as char;
    let mut out = String::new();
    let mut chars = src[i + 1..].char_indices();
    while let Some((j, c)) = chars.next() {
        match c {
            c if c == q => {
                let end = i + 1 + j + 1;
                return Ok((Tok::Str(out, src[i..end].to_string()), end));
            }
            '\n' if q == '"' => return Err("unterminated quoted string".into()),
            '\\' if q == '"' => {
                let (_, e) = chars.next().ok_or("unterminated quoted string")?;
                match e {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    'a' => out.push('\u{7}'),
                    'b' => out.push('\u{8}'),
                    'f' => out.push('\u{c}'),
                    'v' => out.push('\u{b}'),
                    '\\' | '"' | '\'' => out.push(e),
                    'x' | 'u' | 'U' => {
                        let n = match e {
                            'x' => 2,
                            'u' => 4,
                            _ => 8,
                        };
                        let hex: String =
                            (0..n).filter_map(|_| chars.next().map(|x| x.1)).collect();
                        let v = u32::from_str_radix(&hex, 16)
                            .ok()
                            .and_then(char::from_u32)
                            .ok_or_else(|| format!("invalid escape \\{e}{hex}"))?;
                        out.push(v);
                    }
                    other => return Err(format!("unknown escape sequence: \\{other}")),
                }
            }
            c => out.push(c),
        }
    }
    Err(String::new())
}

/// The parser's state: the items and where it is.
struct Parser<'a> {
    src: &'a str,
    items: Vec<Item>,
    at: usize,
}

/// A keyword that ends a list (`end`, `else`), with its action's tokens
/// after the keyword and its offset.
type Ender = Option<(String, usize)>;

impl Parser<'_> {
    fn err(&self, pos: usize, msg: &str) -> String {
        format!("template: main:{}: {msg}", line_of(self.src, pos))
    }

    /// Nodes up to an `{{end}}` or `{{else …}}` (returned, unconsumed
    /// tokens of an `else` left in `self.pending_else`) or the end.
    fn list(&mut self) -> Result<(Vec<Node>, Ender), String> {
        let mut nodes = Vec::new();
        while self.at < self.items.len() {
            let item = self.items[self.at].clone();
            self.at += 1;
            let (toks, pos) = match item {
                Item::Text(t) => {
                    nodes.push(Node::Text(t));
                    continue;
                }
                Item::Action(toks, pos) => (toks, pos),
            };
            let kw = match toks.first() {
                Some((Tok::Ident(k), _)) => k.as_str(),
                _ => "",
            };
            match kw {
                "end" | "else" => {
                    // Put `else`'s remaining tokens back for the caller.
                    self.at -= 1;
                    return Ok((nodes, Some((kw.to_string(), pos))));
                }
                "if" | "range" | "with" => nodes.push(self.control(kw, &toks[1..], pos)?),
                "define" | "template" | "block" | "break" | "continue" => {
                    return Err(self.err(
                        pos,
                        &format!(
                            "{{{{{kw}}}}} is not supported by gccgo-build's -f (it supports \
                             pipelines, if, range, with and the functions {})",
                            FUNCS.join(" ")
                        ),
                    ));
                }
                _ => {
                    if toks.is_empty() {
                        return Err(self.err(pos, "missing value for command"));
                    }
                    nodes.push(Node::Action(self.pipe(&toks, pos, true)?));
                }
            }
        }
        Ok((nodes, None))
    }

    /// `if`, `range` or `with`: its pipeline (`toks`), its list, and an
    /// `else` list (`else if` nests another `if`), through `{{end}}`.
    fn control(&mut self, kw: &str, toks: &[(Tok, usize)], pos: usize) -> Result<Node, String> {
        if toks.is_empty() {
            return Err(self.err(pos, &format!("missing value for {kw}")));
        }
        let pipe = self.pipe(toks, pos, kw == "range")?;
        let (body, end) = self.list()?;
        let mut els = Vec::new();
        match end {
            None => return Err(self.err(self.src.len(), "unexpected EOF")),
            Some((k, _)) if k == "end" => {
                self.at += 1;
            }
            Some((_, epos)) => {
                let Item::Action(etoks, _) = self.items[self.at].clone() else {
                    unreachable!("an ender is an action");
                };
                self.at += 1;
                if let (Some((Tok::Ident(k), _)), "if") = (etoks.get(1), kw)
                    && k == "if"
                {
                    // `{{else if p}}` is `{{else}}{{if p}}…{{end}}` sharing the outer end.
                    els.push(self.control("if", &etoks[2..], epos)?);
                } else if etoks.len() > 1 {
                    return Err(self.err(epos, &format!("unexpected tokens after else in {kw}")));
                } else {
                    let (e, end2) = self.list()?;
                    els = e;
                    match end2 {
                        Some((k, _)) if k == "end" => self.at += 1,
                        Some((_, p)) => return Err(self.err(p, "expected end; found {{else}}")),
                        None => return Err(self.err(self.src.len(), "unexpected EOF")),
                    }
                }
            }
        }
        Ok(match kw {
            "if" => Node::If(pipe, body, els),
            "range" => Node::Range(pipe, body, els),
            _ => Node::With(pipe, body, els),
        })
    }

    /// A pipeline from tokens: `$a, $b :=` (two only for `range`), `$a =`,
    /// then commands separated by `|`.
    fn pipe(&self, toks: &[(Tok, usize)], pos: usize, two_vars: bool) -> Result<Pipe, String> {
        let mut vars = Vec::new();
        let mut assign = false;
        let mut rest = toks;
        let decl = |t: &[(Tok, usize)]| match t {
            [(Tok::Var(v), _), (Tok::Declare | Tok::Assign, _), ..] if !v.contains('.') => Some(1),
            [
                (Tok::Var(a), _),
                (Tok::Comma, _),
                (Tok::Var(b), _),
                (Tok::Declare | Tok::Assign, _),
                ..,
            ] if !a.contains('.') && !b.contains('.') => Some(3),
            _ => None,
        };
        if let Some(n) = decl(toks) {
            if n == 3 && !two_vars {
                return Err(self.err(pos, "too many declarations in command"));
            }
            for (t, _) in &toks[..n] {
                if let Tok::Var(v) = t {
                    vars.push(v.clone());
                }
            }
            assign = toks[n].0 == Tok::Assign;
            rest = &toks[n + 1..];
        }
        let mut cmds = Vec::new();
        for part in split_top(rest, &Tok::Pipe) {
            if part.is_empty() {
                return Err(self.err(pos, "missing command"));
            }
            cmds.push(self.cmd(part)?);
        }
        if cmds.is_empty() {
            return Err(self.err(pos, "missing value for command"));
        }
        Ok(Pipe { vars, assign, cmds })
    }

    /// One command: operands separated by spaces.
    fn cmd(&self, toks: &[(Tok, usize)]) -> Result<Cmd, String> {
        let pos = toks[0].1;
        let mut args = Vec::new();
        let mut i = 0;
        while i < toks.len() {
            let (tok, p) = &toks[i];
            i += 1;
            args.push(match tok {
                Tok::Field(f) => Arg::Field(fields_of(f), chain_pos(f, *p)),
                Tok::Var(v) => {
                    let mut parts = v.split('.');
                    let name = parts.next().unwrap_or("$").to_string();
                    Arg::Var(name, parts.map(String::from).collect(), chain_pos_var(v, *p))
                }
                Tok::Str(s, raw) => Arg::Str(s.clone(), raw.clone()),
                Tok::Int(n, raw) => Arg::Int(*n, raw.clone()),
                Tok::Ident(id) => match id.as_str() {
                    "true" => Arg::Bool(true),
                    "false" => Arg::Bool(false),
                    "nil" => Arg::Nil,
                    f if FUNCS.contains(&f) => Arg::Func(f.to_string()),
                    "html" | "js" | "urlquery" | "slice" | "call" | "context" | "module" => {
                        return Err(self.err(
                            *p,
                            &format!(
                                "function {id:?} is not supported by gccgo-build's -f (it supports {})",
                                FUNCS.join(" ")
                            ),
                        ));
                    }
                    _ => return Err(self.err(*p, &format!("function {id:?} not defined"))),
                },
                Tok::LParen => {
                    let close = matching_paren(toks, i - 1)
                        .ok_or_else(|| self.err(*p, "unclosed left paren"))?;
                    let inner = self.pipe(&toks[i..close], *p, false)?;
                    i = close + 1;
                    // `(pipeline).Field`
                    let (fields, fpos) = match toks.get(i) {
                        Some((Tok::Field(f), fp)) if toks[close].1 + 1 == *fp => {
                            i += 1;
                            (fields_of(f), *fp)
                        }
                        _ => (Vec::new(), *p),
                    };
                    Arg::Pipe(Box::new(inner), fields, fpos)
                }
                Tok::RParen => return Err(self.err(*p, "unexpected right paren")),
                Tok::Pipe | Tok::Declare | Tok::Assign | Tok::Comma => {
                    return Err(self.err(*p, &format!("unexpected {tok:?} in operand")));
                }
            });
        }
        if args.len() > 1 && !matches!(args[0], Arg::Func(_)) {
            let what = arg_text(&args[0]);
            return Err(self.err(pos, &format!("can't give argument to non-function {what}")));
        }
        Ok(Cmd { args, pos })
    }
}

/// Field names of a `.A.B` token (none for `.`).
fn fields_of(f: &str) -> Vec<String> {
    f.split('.')
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// Where go's parser places a field node: the token, or for a chain
/// (`.Module.Path`) the second field.
fn chain_pos(f: &str, p: usize) -> usize {
    match f[1..].find('.') {
        Some(i) => p + 1 + i,
        None => p,
    }
}

/// Where go places a variable node with fields (`$x.A`): the field after it.
fn chain_pos_var(v: &str, p: usize) -> usize {
    match v.find('.') {
        Some(i) => p + i,
        None => p,
    }
}

/// Splits tokens at `sep` outside parentheses.
fn split_top<'a>(toks: &'a [(Tok, usize)], sep: &Tok) -> Vec<&'a [(Tok, usize)]> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, (t, _)) in toks.iter().enumerate() {
        match t {
            Tok::LParen => depth += 1,
            Tok::RParen => depth -= 1,
            t if t == sep && depth == 0 => {
                out.push(&toks[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if start < toks.len() || !out.is_empty() {
        out.push(&toks[start..]);
    }
    out
}

/// The index of the `)` matching the `(` at `open`.
fn matching_paren(toks: &[(Tok, usize)], open: usize) -> Option<usize> {
    let mut depth = 0;
    for (i, (t, _)) in toks.iter().enumerate().skip(open) {
        match t {
            Tok::LParen => depth += 1,
            Tok::RParen => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// An operand as go's `Node.String` writes it.
fn arg_text(a: &Arg) -> String {
    let chain = |f: &[String]| f.iter().map(|x| format!(".{x}")).collect::<String>();
    match a {
        Arg::Field(f, _) if f.is_empty() => ".".into(),
        Arg::Field(f, _) => chain(f),
        Arg::Var(v, f, _) => format!("{v}{}", chain(f)),
        Arg::Pipe(p, f, _) => format!("({}){}", pipe_text(p), chain(f)),
        Arg::Str(_, raw) | Arg::Int(_, raw) => raw.clone(),
        Arg::Bool(b) => b.to_string(),
        Arg::Nil => "nil".into(),
        Arg::Func(f) => f.clone(),
    }
}

fn cmd_text(c: &Cmd) -> String {
    c.args.iter().map(arg_text).collect::<Vec<_>>().join(" ")
}

fn pipe_text(p: &Pipe) -> String {
    let mut s = String::new();
    if !p.vars.is_empty() {
        s = format!(
            "{} {} ",
            p.vars.join(", "),
            if p.assign { "=" } else { ":=" }
        );
    }
    s + &p.cmds.iter().map(cmd_text).collect::<Vec<_>>().join(" | ")
}

#[cfg(test)]
mod tests;
