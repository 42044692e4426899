//! Running a parsed template: values, variables, field chains, the
//! functions, and go's rules for truth and comparison (`text/template`'s
//! `exec.go` and `funcs.go`).

use std::collections::BTreeMap;

use super::gofmt::{print_value, sprint, sprintf};
use super::{Arg, Cmd, Node, Pipe, Template, cmd_text};

/// A value a template sees: go's types as `go list` has them.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A string.
    Str(String),
    /// A bool.
    Bool(bool),
    /// An integer (a literal, or `len`'s result).
    Int(i64),
    /// A `[]string` (or any slice).
    List(Vec<Value>),
    /// A `map[string]string`, printed with sorted keys as go prints maps.
    Map(BTreeMap<String, Value>),
    /// A nil pointer of the named type (`*modinfo.ModulePublic`).
    Nil(&'static str),
    /// A pointer to a struct: its type name (`*load.PackagePublic`), its
    /// fields in order, and what its `String` or `Error` method returns
    /// (`None`: printed as go prints a struct, `{a b}`).
    Struct {
        /// Go's type name, for messages.
        ty: &'static str,
        /// The fields, in go's order.
        fields: Vec<(&'static str, Value)>,
        /// The `String()`/`Error()` text.
        shown: Option<String>,
    },
}

impl Value {
    /// Go's type name of the value, for messages.
    pub(super) fn type_name(&self) -> String {
        match self {
            Value::Str(_) => "string".into(),
            Value::Bool(_) => "bool".into(),
            Value::Int(_) => "int".into(),
            Value::List(_) => "[]string".into(),
            Value::Map(_) => "map[string]string".into(),
            Value::Nil(t) | Value::Struct { ty: t, .. } => (*t).into(),
        }
    }

    /// go's `truth`: false, 0, "", nil and empty lists and maps are false.
    fn truth(&self) -> bool {
        match self {
            Value::Str(s) => !s.is_empty(),
            Value::Bool(b) => *b,
            Value::Int(n) => *n != 0,
            Value::List(v) => !v.is_empty(),
            Value::Map(m) => !m.is_empty(),
            Value::Nil(_) => false,
            Value::Struct { .. } => true,
        }
    }
}

/// An error while running: its message, at the node `at` (offset, text).
struct Fail {
    pos: usize,
    node: String,
    msg: String,
}

type R<T> = Result<T, Fail>;

/// The state of one run: output, variables (innermost last), the data.
struct State<'a> {
    out: String,
    vars: Vec<(String, Value)>,
    root: &'a Value,
}

/// Runs `t` on `dot`: the output, or go's message and the output so far.
pub(super) fn run(t: &Template, dot: &Value) -> Result<String, (String, String)> {
    let mut st = State {
        out: String::new(),
        vars: vec![("$".into(), dot.clone())],
        root: dot,
    };
    match st.walk(&t.nodes, dot) {
        Ok(()) => Ok(st.out),
        Err(f) => Err((
            format!(
                "{}: executing \"main\" at <{}>: {}",
                t.location(f.pos),
                f.node,
                f.msg
            ),
            st.out,
        )),
    }
}

impl State<'_> {
    fn walk(&mut self, nodes: &[Node], dot: &Value) -> R<()> {
        for n in nodes {
            match n {
                Node::Text(t) => self.out.push_str(t),
                Node::Action(p) => {
                    let v = self.pipe(p, dot)?;
                    if p.vars.is_empty() {
                        // text/template's printableValue: a pointer is
                        // printed through (`{a b}`, not fmt's `&{a b}`).
                        let text = print_value(&v);
                        let through = matches!(v, Value::Struct { shown: None, .. });
                        self.out.push_str(match text.strip_prefix('&') {
                            Some(t) if through => t,
                            _ => &text,
                        });
                    }
                }
                Node::If(p, then, els) | Node::With(p, then, els) => {
                    let mark = self.vars.len();
                    let v = self.pipe(p, dot)?;
                    let with = matches!(n, Node::With(..));
                    if v.truth() {
                        self.walk(then, if with { &v } else { dot })?;
                    } else {
                        self.walk(els, dot)?;
                    }
                    self.vars.truncate(mark);
                }
                Node::Range(p, body, els) => self.range(p, body, els, dot)?,
            }
        }
        Ok(())
    }

    fn range(&mut self, p: &Pipe, body: &[Node], els: &[Node], dot: &Value) -> R<()> {
        let mark = self.vars.len();
        // The range's variables are the element's, not the pipeline's value.
        let bare = Pipe {
            vars: Vec::new(),
            assign: false,
            cmds: p.cmds.clone(),
        };
        let v = self.pipe(&bare, dot)?;
        let items: Vec<(Value, Value)> = match &v {
            Value::List(l) => l
                .iter()
                .enumerate()
                .map(|(i, e)| (Value::Int(i as i64), e.clone()))
                .collect(),
            Value::Map(m) => m
                .iter()
                .map(|(k, e)| (Value::Str(k.clone()), e.clone()))
                .collect(),
            Value::Nil(_) => Vec::new(),
            other => {
                let c = &p.cmds[0];
                return Err(fail(
                    c,
                    format!("range can't iterate over {}", print_value(other)),
                ));
            }
        };
        if items.is_empty() {
            self.walk(els, dot)?;
        }
        for (k, e) in items {
            let inner = self.vars.len();
            match p.vars.as_slice() {
                [one] => self.vars.push((one.clone(), e.clone())),
                [a, b] => {
                    self.vars.push((a.clone(), k));
                    self.vars.push((b.clone(), e.clone()));
                }
                _ => {}
            }
            self.walk(body, &e)?;
            self.vars.truncate(inner);
        }
        self.vars.truncate(mark);
        Ok(())
    }

    fn pipe(&mut self, p: &Pipe, dot: &Value) -> R<Value> {
        let mut v: Option<Value> = None;
        for c in &p.cmds {
            v = Some(self.cmd(c, dot, v)?);
        }
        let v = v.unwrap_or(Value::Nil("<nil>"));
        if p.assign {
            for name in &p.vars {
                match self.vars.iter_mut().rev().find(|(n, _)| n == name) {
                    Some(slot) => slot.1 = v.clone(),
                    None => {
                        return Err(fail(&p.cmds[0], format!("undefined variable: {name}")));
                    }
                }
            }
        } else {
            for name in &p.vars {
                self.vars.push((name.clone(), v.clone()));
            }
        }
        Ok(v)
    }

    fn cmd(&mut self, c: &Cmd, dot: &Value, piped: Option<Value>) -> R<Value> {
        if let Arg::Func(name) = &c.args[0] {
            let mut args = Vec::new();
            // `and` and `or` evaluate their arguments in turn and stop at the
            // one that decides (Go 1.18), so `and .Module .Module.Main` is
            // safe on a package without a module.
            let lazy = name == "and" || name == "or";
            for a in &c.args[1..] {
                let v = self.arg(a, dot, c)?;
                let decided = lazy && v.truth() == (name == "or");
                args.push(v);
                if decided {
                    return Ok(args.pop().unwrap_or(Value::Bool(false)));
                }
            }
            args.extend(piped);
            return call(name, &args).map_err(|m| fail(c, format!("error calling {name}: {m}")));
        }
        if piped.is_some() {
            return Err(fail(
                c,
                format!("can't give argument to non-function {}", cmd_text(c)),
            ));
        }
        self.arg(&c.args[0], dot, c)
    }

    fn arg(&mut self, a: &Arg, dot: &Value, c: &Cmd) -> R<Value> {
        match a {
            Arg::Field(f, pos) => chain(dot.clone(), f, *pos, a),
            Arg::Var(name, f, pos) => {
                let v = if name == "$" {
                    self.vars
                        .iter()
                        .rev()
                        .find(|(n, _)| n == "$")
                        .map_or_else(|| self.root.clone(), |x| x.1.clone())
                } else {
                    match self.vars.iter().rev().find(|(n, _)| n == name) {
                        Some((_, v)) => v.clone(),
                        None => {
                            return Err(fail(c, format!("undefined variable: {name}")));
                        }
                    }
                };
                chain(v, f, *pos, a)
            }
            Arg::Pipe(p, f, pos) => {
                let mark = self.vars.len();
                let v = self.pipe(p, dot)?;
                self.vars.truncate(mark);
                chain(v, f, *pos, a)
            }
            Arg::Str(s, _) => Ok(Value::Str(s.clone())),
            Arg::Int(n, _) => Ok(Value::Int(*n)),
            Arg::Bool(b) => Ok(Value::Bool(*b)),
            Arg::Nil => Err(fail(c, "nil is not a command".into())),
            Arg::Func(name) => {
                call(name, &[]).map_err(|m| fail(c, format!("error calling {name}: {m}")))
            }
        }
    }
}

fn fail(c: &Cmd, msg: String) -> Fail {
    Fail {
        pos: c.pos,
        node: cmd_text(c),
        msg,
    }
}

/// `v.F1.F2…`: go's `evalField` on pointers to structs and maps.
fn chain(mut v: Value, fields: &[String], pos: usize, a: &Arg) -> R<Value> {
    let node = super::arg_text(a);
    let err = |msg: String| Fail {
        pos,
        node: node.clone(),
        msg,
    };
    for f in fields {
        v = match v {
            Value::Struct { ty, fields, .. } => match fields.into_iter().find(|(n, _)| n == f) {
                Some((_, x)) => x,
                None => return Err(err(format!("can't evaluate field {f} in type {ty}"))),
            },
            Value::Map(m) => m.get(f).cloned().unwrap_or(Value::Str(String::new())),
            Value::Nil(ty) => return Err(err(format!("nil pointer evaluating {ty}.{f}"))),
            other => {
                return Err(err(format!(
                    "can't evaluate field {f} in type {}",
                    other.type_name()
                )));
            }
        };
    }
    Ok(v)
}

/// Calls a template function (`text/template/funcs.go`; `join` is go list's).
fn call(name: &str, args: &[Value]) -> Result<Value, String> {
    let want = |n: usize| {
        if args.len() == n {
            Ok(())
        } else {
            Err(format!(
                "wrong number of args for {name}: want {n} got {}",
                args.len()
            ))
        }
    };
    Ok(match name {
        "and" | "or" => {
            if args.is_empty() {
                return Err(format!(
                    "wrong number of args for {name}: want at least 1 got 0"
                ));
            }
            let decide = |v: &&Value| v.truth() == (name == "or");
            args.iter()
                .find(decide)
                .unwrap_or(&args[args.len() - 1])
                .clone()
        }
        "not" => {
            want(1)?;
            Value::Bool(!args[0].truth())
        }
        "len" => {
            want(1)?;
            Value::Int(match &args[0] {
                Value::Str(s) => s.len() as i64,
                Value::List(l) => l.len() as i64,
                Value::Map(m) => m.len() as i64,
                Value::Nil(_) => return Err("len of nil pointer".into()),
                other => return Err(format!("len of type {}", other.type_name())),
            })
        }
        "index" => index(args)?,
        "print" => Value::Str(sprint(args, false)),
        "println" => Value::Str(sprint(args, true)),
        "printf" => match args.split_first() {
            Some((Value::Str(f), rest)) => Value::Str(sprintf(f, rest)),
            Some((other, _)) => {
                return Err(format!(
                    "wrong type for value; expected string; got {}",
                    other.type_name()
                ));
            }
            None => return Err("wrong number of args for printf: want at least 1 got 0".into()),
        },
        "join" => {
            want(2)?;
            match (&args[0], &args[1]) {
                (Value::List(l), Value::Str(sep)) => {
                    Value::Str(l.iter().map(print_value).collect::<Vec<_>>().join(sep))
                }
                (Value::Nil(_), Value::Str(_)) => Value::Str(String::new()),
                (a, b) => {
                    return Err(format!(
                        "wrong type for value; expected []string, string; got {}, {}",
                        a.type_name(),
                        b.type_name()
                    ));
                }
            }
        }
        "eq" | "ne" | "lt" | "le" | "gt" | "ge" => comparison(name, args)?,
        other => return Err(format!("function {other:?} not defined")),
    })
}

/// `eq` (true when the first argument equals any other), `ne`, `lt`,
/// `le`, `gt`, `ge` (two arguments; ordering on strings and integers).
fn comparison(name: &str, args: &[Value]) -> Result<Value, String> {
    if name == "eq" {
        if args.len() < 2 {
            return Err("missing argument for comparison".into());
        }
        let mut any = false;
        for b in &args[1..] {
            any |= compare(&args[0], b)? == std::cmp::Ordering::Equal;
        }
        return Ok(Value::Bool(any));
    }
    if args.len() != 2 {
        return Err(format!(
            "wrong number of args for {name}: want 2 got {}",
            args.len()
        ));
    }
    let o = compare(&args[0], &args[1])?;
    if name != "ne" && !matches!(args[0], Value::Str(_) | Value::Int(_)) {
        return Err(format!(
            "invalid type for comparison: {}",
            args[0].type_name()
        ));
    }
    use std::cmp::Ordering::*;
    Ok(Value::Bool(match name {
        "ne" => o != Equal,
        "lt" => o == Less,
        "le" => o != Greater,
        "gt" => o == Greater,
        _ => o != Less,
    }))
}

/// `index x i…`: list elements by integer, map values by key.
fn index(args: &[Value]) -> Result<Value, String> {
    let Some((first, keys)) = args.split_first() else {
        return Err("wrong number of args for index: want at least 1 got 0".into());
    };
    let mut v = first.clone();
    for k in keys {
        v = match (&v, k) {
            (Value::List(l), Value::Int(i)) => usize::try_from(*i)
                .ok()
                .and_then(|i| l.get(i).cloned())
                .ok_or_else(|| format!("index out of range: {i}"))?,
            (Value::Map(m), Value::Str(s)) => {
                m.get(s).cloned().unwrap_or(Value::Str(String::new()))
            }
            (Value::List(_), other) => {
                return Err(format!(
                    "cannot index slice/array with type {}",
                    other.type_name()
                ));
            }
            (Value::Nil(_), _) => return Err("index of untyped nil".into()),
            (other, _) => return Err(format!("can't index item of type {}", other.type_name())),
        };
    }
    Ok(v)
}

/// go's `eq`/`lt` on basic kinds: strings with strings, integers with
/// integers, bools with bools (equality only).
fn compare(a: &Value, b: &Value) -> Result<std::cmp::Ordering, String> {
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => Ok(x.cmp(y)),
        (Value::Int(x), Value::Int(y)) => Ok(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Ok(x.cmp(y)),
        (Value::Nil(_), Value::Nil(_)) => Ok(std::cmp::Ordering::Equal),
        (
            Value::Str(_) | Value::Int(_) | Value::Bool(_),
            Value::Str(_) | Value::Int(_) | Value::Bool(_),
        ) => Err("incompatible types for comparison".into()),
        _ => Err(format!(
            "non-comparable types {}: {}",
            a.type_name(),
            b.type_name()
        )),
    }
}
