//! Go's `fmt` for template values: `%v` as `{{.X}}` prints, `print`,
//! `println`, and `printf` with the verbs `v s q d t x X c %`, flags
//! `- + # 0 space`, width and precision (`fmt/print.go`, `fmt/format.go`).

use super::Value;

/// A value as go's `%v` (and an action `{{.X}}`) prints it: lists as
/// `[a b]`, maps as `map[k:v]`, nil pointers as `<nil>`, a struct with a
/// `String`/`Error` method by it, another struct as `{a b}`.
pub(super) fn print_value(v: &Value) -> String {
    match v {
        Value::Str(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Int(n) => n.to_string(),
        Value::List(l) => format!(
            "[{}]",
            l.iter().map(print_value).collect::<Vec<_>>().join(" ")
        ),
        Value::Map(m) => format!(
            "map[{}]",
            m.iter()
                .map(|(k, v)| format!("{k}:{}", print_value(v)))
                .collect::<Vec<_>>()
                .join(" ")
        ),
        Value::Nil(_) => "<nil>".into(),
        Value::Struct { shown: Some(s), .. } => s.clone(),
        Value::Struct { fields, .. } => format!(
            "&{{{}}}",
            fields
                .iter()
                .map(|(_, v)| print_value(v))
                .collect::<Vec<_>>()
                .join(" ")
        ),
    }
}

/// `fmt.Sprint` (spaces between operands when neither is a string) or
/// `fmt.Sprintln` (spaces always, and a newline).
pub(super) fn sprint(args: &[Value], ln: bool) -> String {
    let mut out = String::new();
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            let strings = matches!(a, Value::Str(_)) || matches!(args[i - 1], Value::Str(_));
            if ln || !strings {
                out.push(' ');
            }
        }
        out.push_str(&print_value(a));
    }
    if ln {
        out.push('\n');
    }
    out
}

/// One `%` directive: flags, width, precision.
#[derive(Debug, Default, Clone, Copy)]
struct Spec {
    minus: bool,
    plus: bool,
    sharp: bool,
    zero: bool,
    space: bool,
    width: Option<usize>,
    prec: Option<usize>,
}

/// `fmt.Sprintf` for the verbs templates use; a wrong verb for a value
/// gives go's `%!d(string=x)`, a missing operand `%!s(MISSING)`, extra
/// operands `%!(EXTRA string=x)`.
pub(super) fn sprintf(format: &str, args: &[Value]) -> String {
    let mut out = String::new();
    let mut next = 0;
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut s = Spec::default();
        while let Some(&f) = chars.peek() {
            match f {
                '-' => s.minus = true,
                '+' => s.plus = true,
                '#' => s.sharp = true,
                '0' => s.zero = true,
                ' ' => s.space = true,
                _ => break,
            }
            chars.next();
        }
        s.width = number(&mut chars);
        if chars.peek() == Some(&'.') {
            chars.next();
            s.prec = Some(number(&mut chars).unwrap_or(0));
        }
        let Some(verb) = chars.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        match args.get(next) {
            Some(a) => out.push_str(&pad(&s, &format_one(verb, &s, a))),
            None => out.push_str(&format!("%!{verb}(MISSING)")),
        }
        next += 1;
    }
    if next < args.len() {
        let extra: Vec<String> = args[next..]
            .iter()
            .map(|a| format!("{}={}", a.type_name(), print_value(a)))
            .collect();
        out.push_str(&format!("%!(EXTRA {})", extra.join(", ")));
    }
    out
}

fn number(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Option<usize> {
    let mut n: Option<usize> = None;
    while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
        n = Some(n.unwrap_or(0) * 10 + d as usize);
        chars.next();
    }
    n
}

/// Pads to the width: spaces on the left, on the right with `-`, zeros
/// (after a sign) with `0`.
fn pad(s: &Spec, text: &str) -> String {
    let n = text.chars().count();
    let Some(w) = s.width.filter(|&w| w > n) else {
        return text.to_string();
    };
    let fill = w - n;
    if s.minus {
        format!("{text}{}", " ".repeat(fill))
    } else if s.zero {
        match text.strip_prefix(['-', '+']) {
            Some(rest) => format!("{}{}{rest}", &text[..1], "0".repeat(fill)),
            None => format!("{}{text}", "0".repeat(fill)),
        }
    } else {
        format!("{}{text}", " ".repeat(fill))
    }
}

/// One operand under one verb, before padding.
fn format_one(verb: char, s: &Spec, a: &Value) -> String {
    let bad = || format!("%!{verb}({}={})", a.type_name(), print_value(a));
    match (verb, a) {
        (_, Value::List(l)) if verb != 'T' => {
            let inner: Vec<String> = l.iter().map(|x| format_one(verb, s, x)).collect();
            format!("[{}]", inner.join(" "))
        }
        ('T', _) => a.type_name(),
        ('v', _) => print_value(a),
        ('s', Value::Str(x)) => truncate(x, s.prec),
        ('s', Value::Struct { shown: Some(x), .. }) => truncate(x, s.prec),
        ('s', Value::Nil(_)) => "%!s(<nil>)".into(),
        ('q', Value::Str(x)) => {
            if s.sharp && !x.contains('`') {
                format!("`{x}`")
            } else {
                quote(&truncate(x, s.prec))
            }
        }
        ('q', Value::Struct { shown: Some(x), .. }) => quote(x),
        ('t', Value::Bool(b)) => b.to_string(),
        ('d', Value::Int(n)) => signed(s, *n, n.abs().to_string()),
        ('x' | 'X', Value::Int(n)) => {
            let h = format!("{:x}", n.unsigned_abs());
            let h = if s.sharp { format!("0x{h}") } else { h };
            let h = if verb == 'X' { h.to_uppercase() } else { h };
            signed(s, *n, h)
        }
        ('x' | 'X', Value::Str(x)) => {
            let h: String = x.bytes().map(|b| format!("{b:02x}")).collect();
            if verb == 'X' { h.to_uppercase() } else { h }
        }
        ('c', Value::Int(n)) => u32::try_from(*n)
            .ok()
            .and_then(char::from_u32)
            .unwrap_or('\u{FFFD}')
            .to_string(),
        _ => bad(),
    }
}

fn signed(s: &Spec, n: i64, digits: String) -> String {
    if n < 0 {
        format!("-{digits}")
    } else if s.plus {
        format!("+{digits}")
    } else if s.space {
        format!(" {digits}")
    } else {
        digits
    }
}

fn truncate(x: &str, prec: Option<usize>) -> String {
    match prec {
        Some(p) => x.chars().take(p).collect(),
        None => x.to_string(),
    }
}

/// `strconv.Quote`: double quotes, Go escapes for `"`, `\`, control
/// characters and invalid text; printable Unicode kept.
pub(super) fn quote(x: &str) -> String {
    let mut out = String::from("\"");
    for c in x.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c.is_control() => {
                if (c as u32) < 0x10000 {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
