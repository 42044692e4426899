//! Walker: visits every node of a parsed file once, in source order, and
//! hands each to the check for its kind (see `visit`); records findings
//! with their position. It knows which node kinds matter and at which Go
//! version a check is needed at all; the checks themselves live in the
//! feature modules (`generics`, `interfaces`, `literals`, `stdnames`). It skips
//! subtrees the parser could not read (`ERROR` nodes): those are the
//! compiler's to report.

use std::collections::HashMap;
use std::path::Path;

use tree_sitter::Node;

use super::scope::{PREDECLARED_TYPES, PackageScope};
use super::{Finding, GENERICS, Kind};
use crate::toolchain::StdExports;

/// The state of checking one file: where findings go and what the
/// package declares.
pub(super) struct Walker<'a> {
    pub(super) file: &'a Path,
    pub(super) src: &'a [u8],
    pub(super) go_minor: u32,
    pub(super) pkg: &'a PackageScope,
    /// The file's imports of standard packages: local name → import path
    /// (`stdnames::file_imports`).
    pub(super) imports: &'a HashMap<String, String>,
    /// The names the toolchain's standard packages export, when known.
    pub(super) std: Option<&'a StdExports>,
    pub(super) out: &'a mut Vec<Finding>,
}

impl Walker<'_> {
    /// The source text of a node (empty if it is not UTF-8).
    pub(super) fn text(&self, n: Node<'_>) -> &str {
        n.utf8_text(self.src).unwrap_or("")
    }

    /// Records a finding at the start of `n`.
    pub(super) fn add(
        &mut self,
        n: Node<'_>,
        what: String,
        plural: bool,
        since: u32,
        generics: bool,
    ) {
        let p = n.start_position();
        self.out.push(Finding {
            file: self.file.to_path_buf(),
            line: p.row + 1,
            col: p.column + 1,
            what,
            kind: Kind::Feature {
                plural,
                since,
                generics,
            },
        });
    }

    /// Short source text for a message: the node's first line, at most 40 bytes.
    pub(super) fn snippet(&self, n: Node<'_>) -> String {
        let t = self.text(n).lines().next().unwrap_or("");
        if t.len() > 40 {
            let mut end = 40;
            while !t.is_char_boundary(end) {
                end -= 1;
            }
            format!("{}…", &t[..end])
        } else {
            t.to_string()
        }
    }

    /// Visits every node under `root`.
    pub(super) fn walk(&mut self, root: Node<'_>) {
        // One cursor for the whole tree: far cheaper than a cursor per node.
        let mut c = root.walk();
        loop {
            let n = c.node();
            if (!n.is_named() || self.visit(n)) && c.goto_first_child() {
                continue;
            }
            loop {
                if c.goto_next_sibling() {
                    break;
                }
                if !c.goto_parent() {
                    return;
                }
            }
        }
    }

    /// Checks one node; returns whether to look inside it.
    fn visit(&mut self, n: Node<'_>) -> bool {
        match n.kind() {
            "ERROR" => return false,
            "type_parameter_list" => {
                // One finding for the whole list; `any`, `~T` inside it are part of it.
                self.add(n, "type parameters".into(), true, GENERICS, true);
                return false;
            }
            "generic_type" | "type_instantiation_expression" if self.instantiates(n) => {
                let what = format!("generic instantiation `{}`", self.snippet(n));
                self.add(n, what, false, GENERICS, true);
            }
            "index_expression" => {
                // `F[int]` parses as an index; an index that can only be a
                // type (a predeclared type name the package does not redeclare)
                // makes it an instantiation.
                if let Some(i) = n.child_by_field_name("index") {
                    let t = self.text(i);
                    if i.kind() == "identifier"
                        && PREDECLARED_TYPES.contains(&t)
                        && !self.pkg.names.contains(t)
                    {
                        let what = format!("generic instantiation `{}`", self.snippet(n));
                        self.add(n, what, false, GENERICS, true);
                    }
                }
            }
            "negated_type" => {
                let what = format!("approximation constraint `{}`", self.snippet(n));
                self.add(n, what, false, GENERICS, true);
                return false;
            }
            "type_elem" if n.parent().is_some_and(|p| p.kind() == "interface_type") => {
                let k = n.named_child_count();
                if k > 1 {
                    let what = format!("union constraint `{}`", self.snippet(n));
                    self.add(n, what, false, GENERICS, true);
                    return false;
                }
                if let Some(c) = n.named_child(0)
                    && !matches!(
                        c.kind(),
                        "type_identifier" | "qualified_type" | "generic_type" | "negated_type"
                    )
                {
                    let what = format!("non-interface type `{}` in an interface", self.snippet(c));
                    self.add(n, what, false, GENERICS, true);
                    return false;
                }
            }
            "type_identifier" => self.predeclared(n),
            "selector_expression" if !self.imports.is_empty() => {
                self.std_selector(n, "operand", "field")
            }
            "qualified_type" if !self.imports.is_empty() => self.std_selector(n, "package", "name"),
            "call_expression" => {
                // `any(x)`: a conversion written as a call.
                if let Some(f) = n.child_by_field_name("function")
                    && f.kind() == "identifier"
                {
                    self.predeclared(f);
                }
                if n.child_by_field_name("type_arguments").is_some() && self.instantiates(n) {
                    let what = format!("generic instantiation `{}`", self.snippet(n));
                    self.add(n, what, false, GENERICS, true);
                }
            }
            "comment"
                if self.go_minor < 16 && crate::embed::directive_args(self.text(n)).is_some() =>
            {
                self.add(n, "`//go:embed` directives".into(), true, 16, false);
            }
            "interface_type" if self.go_minor < 14 => self.overlap(n),
            "int_literal" | "float_literal" | "imaginary_literal" if self.go_minor < 13 => {
                self.literal(n)
            }
            "binary_expression" | "assignment_statement" if self.go_minor < 13 => self.shift(n),
            _ => {}
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use crate::gate::tests::find;

    #[test]
    fn go_embed_is_go_1_16() {
        let src = "package p\n\nimport _ \"embed\"\n\n//go:embed hello.txt\nvar s string\n";
        assert_eq!(find(src, 14), vec!["5:1 `//go:embed` directives (1.16)"]);
        assert!(find(src, 16).is_empty());
    }
}
