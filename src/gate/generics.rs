//! Generics (Go 1.18): type parameter lists, instantiations such as
//! `F[int]` or `List[int]`, and the predeclared `any` and `comparable`.
//! Union and `~T` constraint elements are recognised directly by the
//! walker. From syntax alone an instantiation in an expression cannot
//! always be told from indexing (`handlers[name](w)`); the rule used is in
//! `instantiates`. It does not know inferred type arguments: a call of a
//! generic function without brackets is found at the function's
//! declaration instead.

use tree_sitter::Node;

use super::GENERICS;
use super::scope::PREDECLARED_TYPES;
use super::walker::Walker;

impl Walker<'_> {
    /// Whether a `generic_type` or `type_instantiation_expression` node is
    /// surely an instantiation. In a type's place (`var l List[int]`,
    /// `List[int]{}`) it is. In an expression the grammar cannot tell
    /// `F[int](x)` from a call through a map or slice of functions
    /// (`handlers[name](w)`), nor `m[a][b] = v` at the start of a statement
    /// from an instantiation, so there it counts only when an argument can
    /// only be a type (two or more arguments, a type literal such as
    /// `[]byte`, a predeclared type name the package does not redeclare) or
    /// the name is a generic function or type of this package.
    pub(super) fn instantiates(&self, n: Node<'_>) -> bool {
        let (base, args): (Option<Node<'_>>, Vec<Node<'_>>) =
            if n.kind() != "type_instantiation_expression" {
                if n.kind() == "generic_type" && in_type_context(n) {
                    return true;
                }
                let mut c = n.walk();
                let args = n
                    .child_by_field_name("type_arguments")
                    .map(|ta| ta.named_children(&mut c).collect())
                    .unwrap_or_default();
                let base = n
                    .child_by_field_name("type")
                    .or_else(|| n.child_by_field_name("function"));
                (base, args)
            } else {
                let mut c = n.walk();
                let all: Vec<Node<'_>> = n.named_children(&mut c).collect();
                (all.first().copied(), all.into_iter().skip(1).collect())
            };
        if args.len() >= 2 {
            return true;
        }
        let type_only = args.iter().any(|a| {
            let a = if a.kind() == "type_elem" && a.named_child_count() == 1 {
                a.named_child(0).unwrap_or(*a)
            } else {
                *a
            };
            match a.kind() {
                "slice_type"
                | "array_type"
                | "implicit_length_array_type"
                | "map_type"
                | "channel_type"
                | "function_type"
                | "struct_type"
                | "interface_type"
                | "negated_type" => true,
                "type_identifier" | "identifier" => {
                    let t = self.text(a);
                    PREDECLARED_TYPES.contains(&t) && !self.pkg.names.contains(t)
                }
                _ => false,
            }
        });
        type_only
            || base.is_some_and(|b| {
                matches!(b.kind(), "type_identifier" | "identifier")
                    && self.pkg.generic.contains(self.text(b))
            })
    }

    /// `any` (Go 1.18; gccgo 12 has it) and `comparable` (generics) used
    /// as predeclared identifiers, unless the package declares them.
    pub(super) fn predeclared(&mut self, n: Node<'_>) {
        let t = self.text(n);
        if !matches!(t, "any" | "comparable") || self.pkg.names.contains(t) {
            return;
        }
        let generics = t == "comparable";
        self.add(n, format!("predeclared `{t}`"), false, GENERICS, generics);
    }
}

/// Whether a type node stands where only a type can: climbing through
/// enclosing type syntax, the first other node is a declaration, a
/// composite literal's type, a type assertion or switch case, or a
/// signature.
fn in_type_context(n: Node<'_>) -> bool {
    let mut cur = n;
    while let Some(p) = cur.parent() {
        match p.kind() {
            "pointer_type"
            | "slice_type"
            | "array_type"
            | "implicit_length_array_type"
            | "map_type"
            | "channel_type"
            | "parenthesized_type"
            | "type_elem"
            | "type_arguments"
            | "generic_type"
            | "function_type"
            | "parameter_list"
            | "field_declaration_list"
            | "struct_type" => cur = p,
            "var_spec"
            | "const_spec"
            | "parameter_declaration"
            | "variadic_parameter_declaration"
            | "field_declaration"
            | "type_spec"
            | "type_alias"
            | "composite_literal"
            | "type_assertion_expression"
            | "type_case"
            | "function_declaration"
            | "method_declaration"
            | "func_literal"
            | "method_elem"
            | "type_constraint"
            | "interface_type" => return true,
            _ => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use crate::gate::check_sources;
    use crate::gate::tests::find;

    #[test]
    fn type_parameters_are_found_at_the_bracket() {
        let src =
            "package p\n\nimport \"fmt\"\n\nfunc F[T any](x T) T { fmt.Println(x); return x }\n";
        assert_eq!(find(src, 18), vec!["5:7 type parameters (1.18)"]);
        let f = &check_sources(&[(PathBuf::from("/src/p/p.go"), src.into())], 18, None).unwrap()[0];
        assert_eq!(
            f.message(
                "gccgo 12.2.0 (toolchain host, Go 1.18 without generics)",
                18
            ),
            "/src/p/p.go:5:7: type parameters (generics, Go 1.18) are not implemented by \
             gccgo 12.2.0 (toolchain host, Go 1.18 without generics)"
        );
    }

    #[test]
    fn generic_types_instantiation_and_constraints() {
        let src = "package p\n\
                   type Number interface {\n\
                   \t~int | ~float64\n\
                   }\n\
                   type Eq interface{ comparable }\n\
                   type List[T any] struct{ x T }\n\
                   func g() {\n\
                   \tvar l List[int]\n\
                   \t_ = Sum[int](1)\n\
                   \t_ = Sum[string]\n\
                   \t_ = l\n\
                   }\n";
        assert_eq!(
            find(src, 18),
            vec![
                "3:2 union constraint `~int | ~float64` (1.18)",
                "5:20 predeclared `comparable` (1.18)",
                "6:10 type parameters (1.18)",
                "8:8 generic instantiation `List[int]` (1.18)",
                "9:6 generic instantiation `Sum[int]` (1.18)",
                "10:6 generic instantiation `Sum[string]` (1.18)",
            ]
        );
        // A lone `~T` element.
        assert_eq!(
            find("package p\ntype S interface{ ~string }\n", 18),
            vec!["2:19 approximation constraint `~string` (1.18)"]
        );
    }

    /// Found on golang.org/x/tools/godoc/versions.go: the grammar reads
    /// `m[a][b] = v` and `handlers[name](w)` as instantiations.
    #[test]
    fn index_then_call_or_assign_is_not_an_instantiation() {
        let src = "package p\n\
                   func G[T any](x T) T { return x }\n\
                   func f() {\n\
                   \tpkgi.fieldSince[row.structName][row.name] = ver\n\
                   \thandlers[name](w)\n\
                   \t_ = fs[i](x)\n\
                   \t_ = G[T](x)\n\
                   \t_ = pkg.F[int, bool](x)\n\
                   \t_ = pkg.F[[]byte](x)\n\
                   \t_ = pkg.F[K](x)\n\
                   \tvar v pkg.List[K]\n\
                   \t_ = v\n\
                   }\n";
        assert_eq!(
            find(src, 18),
            vec![
                "2:7 type parameters (1.18)",
                "7:6 generic instantiation `G[T]` (1.18)",
                "8:6 generic instantiation `pkg.F[int, bool]` (1.18)",
                "9:6 generic instantiation `pkg.F[[]byte]` (1.18)",
                "11:8 generic instantiation `pkg.List[K]` (1.18)",
            ]
        );
    }

    #[test]
    fn any_is_go_1_18_unless_declared_by_the_package() {
        let src = "package p\n\nfunc f(x any) { _ = any(x) }\n";
        assert_eq!(
            find(src, 16),
            vec![
                "3:10 predeclared `any` (1.18)",
                "3:21 predeclared `any` (1.18)"
            ]
        );
        // gccgo 12 (Go 1.18 without generics) has `any`.
        assert!(find(src, 18).is_empty());
        let two = [
            (
                PathBuf::from("/p/a.go"),
                "package p\n\nfunc f(x any) {}\n".to_string(),
            ),
            (
                PathBuf::from("/p/b.go"),
                "package p\n\ntype any = interface{}\n".to_string(),
            ),
        ];
        assert!(check_sources(&two, 16, None).unwrap().is_empty());
        // Only package-level declarations count, but a local *variable*
        // named `any` used as a value is not a type use.
        assert!(find("package p\nfunc f() { any := 1; _ = any }\n", 16).is_empty());
    }
}
