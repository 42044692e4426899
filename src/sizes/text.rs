//! The table of `gccgo-build size`: the largest groups (or symbols) with
//! their bytes, human size, share of the symbols' bytes and kind, a line
//! for the rest, the total, and what the file holds besides symbols.

use super::{Attribution, By};
use crate::inspect::human_bytes;

/// The table `size` prints: a header line, the `top_n` largest groups (or
/// symbols, `by`) with bytes, human size, percent of the symbols' bytes
/// and kind (or group), a line for the rest, the total, and what the file
/// holds besides symbols.
pub fn render_text(a: &Attribution, by: By, top_n: usize) -> String {
    let pct = |n: u64| 100.0 * n as f64 / a.symbol_bytes.max(1) as f64;
    let mut rows: Vec<[String; 5]> = match by {
        By::Package => a
            .groups
            .iter()
            .take(top_n)
            .map(|g| row(g.bytes, pct(g.bytes), g.kind.as_str(), &g.name))
            .collect(),
        By::Symbol => a
            .symbols
            .iter()
            .take(top_n)
            .map(|s| {
                row(
                    s.size,
                    pct(s.size),
                    &s.group,
                    s.go_name.as_ref().unwrap_or(&s.name),
                )
            })
            .collect(),
    };
    let (what, count, shown): (&str, usize, u64) = match by {
        By::Package => (
            "packages",
            a.groups.len(),
            a.groups.iter().take(top_n).map(|g| g.bytes).sum(),
        ),
        By::Symbol => (
            "symbols",
            a.symbols.len(),
            a.symbols.iter().take(top_n).map(|s| s.size).sum(),
        ),
    };
    if count > top_n {
        let rest = a.symbol_bytes.saturating_sub(shown);
        rows.push(row(
            rest,
            pct(rest),
            "",
            &format!("… {} more {what}", count - top_n),
        ));
    }
    rows.push(row(
        a.symbol_bytes,
        pct(a.symbol_bytes),
        "",
        "total in symbols",
    ));
    let head = match by {
        By::Package => ["bytes", "size", "%", "kind", "package"],
        By::Symbol => ["bytes", "size", "%", "group", "symbol"],
    };
    let mut s = format!(
        "{}: {} file, {} in {} symbols (.{}), by {}:\n",
        a.path,
        human_bytes(a.file_size),
        human_bytes(a.symbol_bytes),
        a.symbols.len(),
        a.symbol_table,
        if by == By::Package {
            "package"
        } else {
            "symbol"
        },
    );
    s.push_str(&table(&head, &rows));
    s.push_str(&footer(a));
    s
}

/// The lines under the table: what the file holds besides symbols, the
/// `.bss` left out, and a word when only `.dynsym` was there.
fn footer(a: &Attribution) -> String {
    let mut s = String::new();
    let outside: Vec<String> = a
        .outside_symbols
        .iter()
        .take(6)
        .map(|o| format!("{} {}", o.section, human_bytes(o.bytes)))
        .collect();
    s.push_str(&format!(
        "not in any symbol: {}: {}{}\n",
        human_bytes(a.file_size.saturating_sub(a.symbol_bytes)),
        outside.join(", "),
        if a.outside_symbols.len() > 6 {
            ", …"
        } else {
            ""
        }
    ));
    if a.bss_bytes > 0 {
        s.push_str(&format!(
            "not counted: {} of .bss (memory at run time, no room in the file)\n",
            human_bytes(a.bss_bytes)
        ));
    }
    if a.symbol_table == "dynsym" {
        s.push_str(
            "only .dynsym was there (the file lost its .symtab): most bytes are in no symbol\n",
        );
    }
    s.push_str(&format!(
        "on flash: {} as strip leaves it: {}\n",
        human_bytes(a.flash.raw),
        super::flash::describe(&a.flash, human_bytes)
    ));
    s
}

/// One table row: bytes, human size, percent, kind or group, name.
pub(super) fn row(bytes: u64, pct: f64, kind: &str, name: &str) -> [String; 5] {
    [
        bytes.to_string(),
        human_bytes(bytes),
        format!("{pct:.1}%"),
        kind.to_string(),
        name.to_string(),
    ]
}

/// Rows aligned under a header: the numbers right-aligned, the words left.
pub(super) fn table(head: &[&str; 5], rows: &[[String; 5]]) -> String {
    let mut w = head.map(|h| h.chars().count());
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            w[i] = w[i].max(c.chars().count());
        }
    }
    let line = |c: [&str; 5]| {
        format!(
            "{:>w0$}  {:>w1$}  {:>w2$}  {:<w3$}  {}",
            c[0],
            c[1],
            c[2],
            c[3],
            c[4],
            w0 = w[0],
            w1 = w[1],
            w2 = w[2],
            w3 = w[3]
        )
        .trim_end()
        .to_string()
            + "\n"
    };
    let mut s = line(*head);
    for r in rows {
        s.push_str(&line([&r[0], &r[1], &r[2], &r[3], &r[4]]));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::super::{Group, Kind, Outside};
    use super::*;

    #[test]
    fn text_table_is_aligned_with_a_rest_and_a_total() {
        let g = |name: &str, kind, bytes| Group {
            name: name.into(),
            kind,
            bytes,
            symbols: 1,
        };
        let a = Attribution {
            path: "m".into(),
            file_size: 5000,
            symbol_table: "symtab".into(),
            symbol_bytes: 3000,
            bss_bytes: 0,
            groups: vec![
                g("runtime", Kind::Std, 2000),
                g("main", Kind::User, 600),
                g("libc (C)", Kind::C, 400),
            ],
            symbols: Vec::new(),
            outside_symbols: vec![Outside {
                section: ".debug_info".into(),
                bytes: 2000,
            }],
            flash: super::super::flash::Flash {
                raw: 3000,
                squashfs_xz: 1200,
                jffs2_zlib: 1600,
            },
        };
        let t = render_text(&a, By::Package, 2);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[1], "bytes     size       %  kind  package");
        assert_eq!(lines[2], " 2000  2.0 KiB   66.7%  std   runtime");
        assert_eq!(lines[3], "  600    600 B   20.0%  user  main");
        assert_eq!(lines[4], "  400    400 B   13.3%        … 1 more packages");
        assert_eq!(lines[5], " 3000  2.9 KiB  100.0%        total in symbols");
        assert!(lines[6].contains(".debug_info 2.0 KiB"), "{t}");
        assert_eq!(
            lines[7],
            "on flash: 2.9 KiB as strip leaves it: 1.2 KiB xz (squashfs), 1.6 KiB zlib (jffs2)"
        );
    }
}
