//! Interfaces (Go 1.14): overlapping methods among an interface's own
//! methods and the interfaces of the same package it embeds (`RC` and `WC`
//! both embedding `Closer`). It knows only the package's own interfaces
//! (from `scope`); overlaps through another package's interfaces
//! (`io.ReadCloser` with `io.WriteCloser`) need type checking and are left
//! to the compiler.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use tree_sitter::Node;

use super::scope::single_type_name;
use super::walker::Walker;

impl Walker<'_> {
    /// Overlapping methods among an interface's declared methods and the
    /// interfaces of this package it embeds (Go 1.14).
    pub(super) fn overlap(&mut self, iface: Node<'_>) {
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        let mut c = iface.walk();
        let children: Vec<Node<'_>> = iface.named_children(&mut c).collect();
        for el in children {
            let (from, methods) = match el.kind() {
                "method_elem" => {
                    let Some(n) = el.child_by_field_name("name") else {
                        continue;
                    };
                    ("this interface".to_string(), vec![self.text(n).to_string()])
                }
                "type_elem" => {
                    let Some(n) = single_type_name(el) else {
                        continue;
                    };
                    let name = self.text(n).to_string();
                    if !self.pkg.ifaces.contains_key(&name) {
                        continue;
                    }
                    let mut ms = BTreeSet::new();
                    method_set(&self.pkg.ifaces, &name, &mut BTreeSet::new(), &mut ms);
                    (format!("`{name}`"), ms.into_iter().collect())
                }
                _ => continue,
            };
            for m in methods {
                match seen.get(&m) {
                    Some(first) if *first != from => {
                        let what = format!(
                            "overlapping embedded interfaces (method `{m}` comes from both {first} and {from})"
                        );
                        self.add(el, what, false, 14, false);
                    }
                    _ => {
                        seen.insert(m, from.clone());
                    }
                }
            }
        }
    }
}

/// All method names of a package-level interface, following embedded
/// interfaces of the same package (cycles stop).
fn method_set(
    ifaces: &HashMap<String, (Vec<String>, Vec<String>)>,
    name: &str,
    visiting: &mut BTreeSet<String>,
    out: &mut BTreeSet<String>,
) {
    if !visiting.insert(name.to_string()) {
        return;
    }
    if let Some((methods, embeds)) = ifaces.get(name) {
        out.extend(methods.iter().cloned());
        for e in embeds {
            method_set(ifaces, e, visiting, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::gate::tests::find;

    #[test]
    fn overlapping_embedded_interfaces_of_the_package() {
        let src = "package p\n\
                   type Closer interface{ Close() error }\n\
                   type RC interface{ Closer; Read() }\n\
                   type WC interface{ Closer; Write() }\n\
                   type RWC interface {\n\
                   \tRC\n\
                   \tWC\n\
                   }\n\
                   type X interface {\n\
                   \tRead()\n\
                   \tRC\n\
                   }\n\
                   type Fine interface{ RC; Write() }\n";
        assert_eq!(
            find(src, 12),
            vec![
                "7:2 overlapping embedded interfaces (method `Close` comes from both `RC` and `WC`) (1.14)",
                "11:2 overlapping embedded interfaces (method `Read` comes from both this interface and `RC`) (1.14)",
            ]
        );
        assert!(find(src, 14).is_empty());
    }
}
