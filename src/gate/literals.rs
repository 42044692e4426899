//! Literals (Go 1.13): number literals with `0b`/`0o` prefixes, `_`
//! separators or hexadecimal mantissas, and shifts whose count is of a
//! signed integer type. The signedness of a count is found lexically, as
//! far as syntax shows it: a conversion (`int32(u)`), or a name declared
//! with a signed type or from an integer literal, in an enclosing scope or
//! at package level. It does not type-check: a count whose type only
//! inference shows (`n := f()`) is not reported.

use tree_sitter::Node;

use super::scope::{PREDECLARED_TYPES, specs};
use super::walker::Walker;

/// The signed integer types of the Go spec ("Numeric types").
const SIGNED: &[&str] = &["int", "int8", "int16", "int32", "int64", "rune"];

impl Walker<'_> {
    /// Go 1.13 number literals: `0b`/`0o` prefixes, `_` separators, hex floats.
    pub(super) fn literal(&mut self, n: Node<'_>) {
        let t = self.text(n).to_string();
        let lower = t.to_ascii_lowercase();
        let what = if lower.starts_with("0b") {
            "binary literal"
        } else if lower.starts_with("0o") {
            "octal literal with 0o prefix"
        } else if lower.starts_with("0x") && n.kind() == "float_literal" {
            "hexadecimal floating-point literal"
        } else if t.contains('_') {
            "digit separator `_` in number literal"
        } else {
            return;
        };
        self.add(n, format!("{what} `{t}`"), false, 13, false);
    }

    /// Shifts whose count is known to be of a signed integer type (Go 1.13).
    pub(super) fn shift(&mut self, n: Node<'_>) {
        let Some(op) = n.child_by_field_name("operator") else {
            return;
        };
        if !matches!(op.kind(), "<<" | ">>" | "<<=" | ">>=") {
            return;
        }
        let Some(right) = n.child_by_field_name("right") else {
            return;
        };
        // `x <<= n` has an expression_list on the right.
        let right = if right.kind() == "expression_list" {
            match right.named_child(0) {
                Some(r) => r,
                None => return,
            }
        } else {
            right
        };
        let right = unparen(right);
        let ty = match right.kind() {
            "call_expression" | "type_conversion_expression" => {
                let f = right
                    .child_by_field_name("function")
                    .or_else(|| right.child_by_field_name("type"));
                f.map(|f| self.text(f).to_string())
                    .filter(|f| !self.pkg.names.contains(f.as_str()))
            }
            "identifier" => self.declared_type(right),
            _ => None,
        };
        if let Some(ty) = ty.filter(|t| SIGNED.contains(&t.as_str())) {
            let what = format!("shift count `{}` of signed type {ty}", self.snippet(right));
            self.add(right, what, false, 13, false);
        }
    }

    /// The declared type of an identifier, found lexically: the innermost
    /// enclosing function, block or statement that declares it before the
    /// use, else a package-level var or const with a type. `None` when
    /// unknown (inferred from anything but an integer literal or a
    /// conversion).
    fn declared_type(&self, id: Node<'_>) -> Option<String> {
        let name = self.text(id).to_string();
        let at = id.start_byte();
        let mut cur = id.parent();
        while let Some(scope) = cur {
            if let Some(found) = self.declared_in(scope, &name, at) {
                return found;
            }
            cur = scope.parent();
        }
        self.pkg.typed.get(&name).cloned()
    }

    /// Looks for `name` declared directly by `scope` before byte `at`:
    /// `Some(Some(type))` known, `Some(None)` declared but unknown, `None`
    /// not declared here.
    fn declared_in(&self, scope: Node<'_>, name: &str, at: usize) -> Option<Option<String>> {
        let mut found: Option<Option<String>> = None;
        let consider = |d: Node<'_>, found: &mut Option<Option<String>>| {
            if d.start_byte() >= at {
                return;
            }
            if let Some(t) = self.declares(d, name) {
                *found = Some(t);
            }
        };
        match scope.kind() {
            "function_declaration" | "method_declaration" | "func_literal" => {
                for field in ["receiver", "parameters", "result"] {
                    if let Some(pl) = scope.child_by_field_name(field) {
                        let mut c = pl.walk();
                        for p in pl.named_children(&mut c) {
                            consider(p, &mut found);
                        }
                    }
                }
            }
            "block" | "statement_list" | "source_file" => {
                let mut c = scope.walk();
                for s in scope.named_children(&mut c) {
                    consider(s, &mut found);
                }
            }
            "for_statement" => {
                let mut c = scope.walk();
                for s in scope.named_children(&mut c) {
                    match s.kind() {
                        "for_clause" => {
                            if let Some(i) = s.child_by_field_name("initializer") {
                                consider(i, &mut found);
                            }
                        }
                        "range_clause" => consider(s, &mut found),
                        _ => {}
                    }
                }
            }
            "if_statement" | "expression_switch_statement" | "type_switch_statement" => {
                if let Some(i) = scope.child_by_field_name("initializer") {
                    consider(i, &mut found);
                }
            }
            _ => {}
        }
        found
    }

    /// Whether declaration `d` declares `name`: `Some(Some(type))` with a
    /// known type, `Some(None)` unknown; `None` when it does not.
    fn declares(&self, d: Node<'_>, name: &str) -> Option<Option<String>> {
        let names_of = |spec: Node<'_>| -> bool {
            let mut c = spec.walk();

            spec.children_by_field_name("name", &mut c)
                .any(|n| self.text(n) == name)
        };
        match d.kind() {
            "parameter_declaration" | "variadic_parameter_declaration" => {
                if names_of(d) {
                    let t = d
                        .child_by_field_name("type")
                        .map(|t| self.text(t).to_string());
                    let t = t.filter(|_| d.kind() == "parameter_declaration");
                    return Some(t);
                }
                None
            }
            "var_declaration" | "const_declaration" => {
                let mut hit = None;
                for spec in specs(d) {
                    if names_of(spec) {
                        let ty = spec
                            .child_by_field_name("type")
                            .map(|t| self.text(t).to_string());
                        // `const c = 1` is untyped; `var v = 1` is an int.
                        let ty = ty.or_else(|| {
                            if spec.kind() != "var_spec" {
                                return None;
                            }
                            let v = spec.child_by_field_name("value")?.named_child(0)?;
                            self.literal_type(v)
                        });
                        hit = Some(ty);
                    }
                }
                hit
            }
            "short_var_declaration" | "range_clause" => {
                let left = d.child_by_field_name("left")?;
                let mut c = left.walk();
                let pos = left
                    .named_children(&mut c)
                    .position(|n| self.text(n) == name)?;
                if d.kind() == "range_clause" {
                    return Some(None);
                }
                let right = d.child_by_field_name("right")?;
                Some(right.named_child(pos).and_then(|v| self.literal_type(v)))
            }
            _ => None,
        }
    }

    /// The type of `0`-like integer literals (`int`) and of conversions to a
    /// predeclared type written as calls (`int64(x)`).
    fn literal_type(&self, v: Node<'_>) -> Option<String> {
        let v = unparen(v);
        match v.kind() {
            "int_literal" | "rune_literal" => Some(
                if v.kind() == "int_literal" {
                    "int"
                } else {
                    "rune"
                }
                .into(),
            ),
            "call_expression" => {
                let f = self.text(v.child_by_field_name("function")?);
                (PREDECLARED_TYPES.contains(&f) && !self.pkg.names.contains(f))
                    .then(|| f.to_string())
            }
            _ => None,
        }
    }
}

/// `n` without enclosing parentheses.
fn unparen(mut n: Node<'_>) -> Node<'_> {
    while n.kind() == "parenthesized_expression" {
        match n.named_child(0) {
            Some(c) => n = c,
            None => break,
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use crate::gate::tests::find;

    #[test]
    fn go_1_13_number_literals() {
        let src = "package p\nconst (\n\ta = 0b101\n\tb = 0O17\n\tc = 1_000_000\n\td = 0x1p-2\n\te = 0x1F\n\tf = 017\n\tg = 1.5e3\n)\n";
        assert_eq!(
            find(src, 12),
            vec![
                "3:6 binary literal `0b101` (1.13)",
                "4:6 octal literal with 0o prefix `0O17` (1.13)",
                "5:6 digit separator `_` in number literal `1_000_000` (1.13)",
                "6:6 hexadecimal floating-point literal `0x1p-2` (1.13)",
            ]
        );
        assert!(find(src, 13).is_empty());
    }

    #[test]
    fn signed_shift_counts_when_the_declaration_says_so() {
        let src = "package p\n\
                   var k int64 = 2\n\
                   const c = 3\n\
                   var vi = 1\n\
                   func f(x uint, n int, u uint) uint {\n\
                   \tfor i := 0; i < 3; i++ {\n\
                   \t\tx = x << i\n\
                   \t}\n\
                   \tx >>= n\n\
                   \t_ = x << u\n\
                   \t_ = x << int32(u)\n\
                   \t_ = x << k\n\
                   \t_ = x << c\n\
                   \t_ = x << vi\n\
                   \t_ = x << 3\n\
                   \t{\n\
                   \t\tn := u\n\
                   \t\t_ = x << n\n\
                   \t}\n\
                   \treturn x << uint(n)\n\
                   }\n";
        assert_eq!(
            find(src, 12),
            vec![
                "7:12 shift count `i` of signed type int (1.13)",
                "9:8 shift count `n` of signed type int (1.13)",
                "11:11 shift count `int32(u)` of signed type int32 (1.13)",
                "12:11 shift count `k` of signed type int64 (1.13)",
                "14:11 shift count `vi` of signed type int (1.13)",
            ]
        );
        assert!(find(src, 13).is_empty());
    }
}
