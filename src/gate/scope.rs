//! Scope: the package-level facts every check of `gate` reads, gathered
//! from all files of a package before any is checked: names declared at
//! package level (a package may redeclare `any` or `int`), the declared
//! types of package-level vars and consts, its interfaces (method names and
//! embedded local interfaces) and its generic functions and types, plus
//! the predeclared type names of the language. Syntax only: it knows no
//! other package and resolves no type.

use std::collections::{BTreeSet, HashMap};

use tree_sitter::Node;

/// Package-level facts gathered from every file before checking.
#[derive(Default)]
pub(super) struct PackageScope {
    /// Names declared at package level (types, funcs, vars, consts).
    pub(super) names: BTreeSet<String>,
    /// Package-level vars and consts with an explicit type: name → type text.
    pub(super) typed: HashMap<String, String>,
    /// Package-level interface types: name → (declared methods, embedded local names).
    pub(super) ifaces: HashMap<String, (Vec<String>, Vec<String>)>,
    /// Package-level functions and types declared with type parameters.
    pub(super) generic: BTreeSet<String>,
}

impl PackageScope {
    /// Adds the package-level declarations of one parsed file.
    pub(super) fn collect(&mut self, root: Node<'_>, src: &[u8]) {
        let text = |n: Node<'_>| n.utf8_text(src).unwrap_or("").to_string();
        let mut c = root.walk();
        for decl in root.named_children(&mut c) {
            match decl.kind() {
                "function_declaration" => {
                    if let Some(n) = decl.child_by_field_name("name") {
                        if decl.child_by_field_name("type_parameters").is_some() {
                            self.generic.insert(text(n));
                        }
                        self.names.insert(text(n));
                    }
                }
                "type_declaration" => {
                    let mut c2 = decl.walk();
                    for spec in decl.named_children(&mut c2) {
                        let Some(n) = spec.child_by_field_name("name") else {
                            continue;
                        };
                        let name = text(n);
                        if spec.child_by_field_name("type_parameters").is_some() {
                            self.generic.insert(name.clone());
                        }
                        if let Some(t) = spec.child_by_field_name("type")
                            && t.kind() == "interface_type"
                            && spec.kind() == "type_spec"
                        {
                            self.ifaces.insert(name.clone(), iface_parts(t, src));
                        }
                        self.names.insert(name);
                    }
                }
                "var_declaration" | "const_declaration" => {
                    for spec in specs(decl) {
                        let ty = spec.child_by_field_name("type").map(text);
                        let mut c3 = spec.walk();
                        for n in spec.children_by_field_name("name", &mut c3) {
                            let name = text(n);
                            if let Some(t) = &ty {
                                self.typed.insert(name.clone(), t.clone());
                            }
                            self.names.insert(name);
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// The `var_spec`s / `const_spec`s of a declaration, in parenthesised
/// lists too.
pub(super) fn specs(decl: Node<'_>) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    let mut c = decl.walk();
    for ch in decl.named_children(&mut c) {
        match ch.kind() {
            "var_spec" | "const_spec" => out.push(ch),
            "var_spec_list" => {
                let mut c2 = ch.walk();
                out.extend(
                    ch.named_children(&mut c2)
                        .filter(|n| n.kind() == "var_spec"),
                );
            }
            _ => {}
        }
    }
    out
}

/// An interface type's declared method names and embedded plain type names.
fn iface_parts(iface: Node<'_>, src: &[u8]) -> (Vec<String>, Vec<String>) {
    let mut methods = Vec::new();
    let mut embeds = Vec::new();
    let mut c = iface.walk();
    for el in iface.named_children(&mut c) {
        match el.kind() {
            "method_elem" => {
                if let Some(n) = el.child_by_field_name("name") {
                    methods.push(n.utf8_text(src).unwrap_or("").to_string());
                }
            }
            "type_elem" => {
                if let Some(n) = single_type_name(el) {
                    embeds.push(n.utf8_text(src).unwrap_or("").to_string());
                }
            }
            _ => {}
        }
    }
    (methods, embeds)
}

/// The `type_identifier` of a `type_elem` that is one plain name.
pub(super) fn single_type_name(el: Node<'_>) -> Option<Node<'_>> {
    if el.named_child_count() != 1 {
        return None;
    }
    el.named_child(0).filter(|n| n.kind() == "type_identifier")
}

/// The predeclared type names of the Go spec ("Types"): an identifier
/// among them, unless the package redeclares it, can only be a type.
pub const PREDECLARED_TYPES: &[&str] = &[
    "bool",
    "byte",
    "complex64",
    "complex128",
    "error",
    "float32",
    "float64",
    "int",
    "int8",
    "int16",
    "int32",
    "int64",
    "rune",
    "string",
    "uint",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "uintptr",
];
