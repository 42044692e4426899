//! The terminal report of a comparison: one aligned table (a column per
//! spec), then the failed builds' diagnostics, the first differing output
//! lines, the packages that grew, and the tests whose results differ.

use std::collections::BTreeSet;

use super::report::{Column, Report};

/// How a cell is shown.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// As it is.
    Plain,
    /// Differs from the reference, or failed: highlighted.
    Diff,
}

/// A table row: a label and one cell per column.
pub struct Row {
    /// The row's name (indented by two spaces under its group).
    pub label: String,
    /// One cell per column: text and mark.
    pub cells: Vec<(String, Mark)>,
}

/// Renders the report; `color` highlights differences with ANSI bold red,
/// else they carry a trailing `*`.
pub fn render(r: &Report, color: bool) -> String {
    let rows = rows(r);
    let mut out = table(r, &rows, color);
    failures(r, &mut out);
    differences(r, &mut out);
    package_growth(r, &mut out);
    test_matrix(r, &mut out, color);
    out
}

/// The main table's rows: compiler, target, build and times, sizes, run.
pub fn rows(r: &Report) -> Vec<Row> {
    let mut rows = Vec::new();
    let cell = |f: &dyn Fn(&Column) -> (String, Mark)| r.columns.iter().map(f).collect::<Vec<_>>();
    rows.push(Row {
        label: "compiler".into(),
        cells: cell(&|c| (short_compiler(&c.compiler), Mark::Plain)),
    });
    rows.push(Row {
        label: "target".into(),
        cells: cell(&|c| {
            let t = if c.goarch.is_empty() {
                "-".to_string()
            } else {
                format!("{}/{}", c.goos, c.goarch)
            };
            (t, Mark::Plain)
        }),
    });
    rows.push(Row {
        label: "build".into(),
        cells: cell(&|c| {
            if c.build.ok {
                ("ok".into(), Mark::Plain)
            } else {
                ("FAILED".into(), Mark::Diff)
            }
        }),
    });
    rows.push(Row {
        label: "  wall".into(),
        cells: cell(&|c| (secs(c.build.wall_ms), Mark::Plain)),
    });
    rows.push(Row {
        label: "  CPU".into(),
        cells: cell(&|c| (secs(c.build.cpu_ms), Mark::Plain)),
    });
    size_rows(r, &mut rows);
    run_rows(r, &mut rows);
    rows
}

/// A compiler's version line shortened for a column (`gccgo 12.2.0`, `go1.19.8`).
pub fn short_compiler(v: &str) -> String {
    // "mipsel-linux-gnu-gccgo (Debian 12.2.0-14) 12.2.0" → "gccgo 12.2.0"
    if let Some(rest) = v.strip_prefix("go version ") {
        return rest.split_whitespace().next().unwrap_or(rest).to_string();
    }
    match v.rsplit_once(' ') {
        Some((_, ver)) if v.contains("gccgo") => format!("gccgo {ver}"),
        _ => v.to_string(),
    }
}

/// Milliseconds as seconds with one decimal (`12.3 s`).
pub fn secs(ms: u64) -> String {
    format!("{:.1} s", ms as f64 / 1000.0)
}

/// The size rows: per binary, the file and each section kind.
fn size_rows(r: &Report, rows: &mut Vec<Row>) {
    let names: BTreeSet<&str> = r
        .columns
        .iter()
        .flat_map(|c| c.build.binaries.iter().map(|b| b.name.as_str()))
        .collect();
    for name in names {
        let find = |c: &Column| c.build.binaries.iter().find(|b| b.name == name).cloned();
        let label = if names_count(r) > 1 {
            format!("{name} size")
        } else {
            "size".into()
        };
        rows.push(Row {
            label,
            cells: r
                .columns
                .iter()
                .map(|c| (find(c).map_or("-".into(), |b| mb(b.bytes)), Mark::Plain))
                .collect(),
        });
        for (i, (kind, _)) in super::report::Sections::default()
            .kinds()
            .iter()
            .enumerate()
        {
            rows.push(Row {
                label: format!("  {kind}"),
                cells: r
                    .columns
                    .iter()
                    .map(|c| {
                        (
                            find(c).map_or("-".into(), |b| mb(b.sections.kinds()[i].1)),
                            Mark::Plain,
                        )
                    })
                    .collect(),
            });
        }
    }
}

fn names_count(r: &Report) -> usize {
    r.columns
        .iter()
        .map(|c| c.build.binaries.len())
        .max()
        .unwrap_or(0)
}

/// Megabytes with two decimals (10^6 bytes, as `link::human_size`).
pub fn mb(bytes: u64) -> String {
    format!("{:.2} MB", bytes as f64 / 1e6)
}

/// The run rows: status and whether each stream equals the reference's.
fn run_rows(r: &Report, rows: &mut Vec<Row>) {
    if r.run_args.is_none() {
        return;
    }
    let reference = r.columns.iter().position(|c| c.run.is_some());
    let same = |i: usize, c: &Column, f: &dyn Fn(&super::report::Run) -> bool| match &c.run {
        None => ("-".to_string(), Mark::Diff),
        Some(_) if Some(i) == reference => ("reference".to_string(), Mark::Plain),
        Some(run) if f(run) => ("same".to_string(), Mark::Plain),
        Some(_) => ("differs".to_string(), Mark::Diff),
    };
    let status: Vec<_> = r
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| match &c.run {
            None => ("not run".to_string(), Mark::Diff),
            Some(run) => {
                let text = run
                    .status
                    .strip_prefix("exit status ")
                    .map_or(run.status.clone(), |n| format!("exit {n}"));
                (
                    text,
                    if run.same_status || Some(i) == reference {
                        Mark::Plain
                    } else {
                        Mark::Diff
                    },
                )
            }
        })
        .collect();
    rows.push(Row {
        label: "run".into(),
        cells: status,
    });
    for (label, f) in [
        (
            "  stdout",
            (|x: &super::report::Run| x.same_stdout) as fn(&super::report::Run) -> bool,
        ),
        ("  stderr", |x: &super::report::Run| x.same_stderr),
    ] {
        let cells = r
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| same(i, c, &f))
            .collect();
        rows.push(Row {
            label: label.into(),
            cells,
        });
    }
}

/// The aligned table: labels left, cells right-aligned under the specs.
fn table(r: &Report, rows: &[Row], color: bool) -> String {
    let lw = rows.iter().map(|x| x.label.len()).max().unwrap_or(0).max(8);
    let widths: Vec<usize> = r
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            rows.iter()
                .map(|x| x.cells[i].0.chars().count() + 1)
                .max()
                .unwrap_or(0)
                .max(c.spec.chars().count())
        })
        .collect();
    let mut out = format!("{:lw$}", "");
    for (c, w) in r.columns.iter().zip(&widths) {
        out.push_str(&format!("  {:>w$}", c.spec));
    }
    out.push('\n');
    for row in rows {
        out.push_str(&format!("{:lw$}", row.label));
        for ((text, mark), w) in row.cells.iter().zip(&widths) {
            out.push_str("  ");
            out.push_str(&paint(text, *mark, *w, color));
        }
        out.push('\n');
    }
    out
}

fn paint(text: &str, mark: Mark, w: usize, color: bool) -> String {
    match (mark, color) {
        (Mark::Plain, _) => format!("{text:>w$}"),
        (Mark::Diff, true) => format!("\x1b[1;31m{text:>w$}\x1b[0m"),
        (Mark::Diff, false) => format!("{:>w$}", format!("{text}*")),
    }
}

fn failures(r: &Report, out: &mut String) {
    for c in r.columns.iter().filter(|c| !c.build.ok) {
        out.push_str(&format!(
            "\n{} did not build: {}\n",
            c.spec,
            c.build.diagnostic.as_deref().unwrap_or("(no diagnostic)")
        ));
    }
}

fn differences(r: &Report, out: &mut String) {
    let reference = r.columns.iter().find(|c| c.run.is_some());
    for c in &r.columns {
        let Some(run) = &c.run else { continue };
        if let (Some(d), Some(rc)) = (&run.first_difference, reference) {
            out.push_str(&format!(
                "\n{} differs from {} at {} line {}:\n  {}: {}\n  {}: {}\n",
                c.spec, rc.spec, d.stream, d.line, rc.spec, d.reference, c.spec, d.this
            ));
        }
        if !run.same_status {
            out.push_str(&format!("\n{}: {}\n", c.spec, run.status));
        }
    }
}

/// Packages whose bytes changed against a reference column.
pub struct Growth<'a> {
    /// The reference column's spec (the first with a symbol table).
    pub from: &'a str,
    /// The compared column's spec.
    pub to: &'a str,
    /// (change in bytes, package, bytes in `from`, bytes in `to`), largest
    /// change first; unchanged packages left out.
    pub changes: Vec<(i64, String, u64, u64)>,
}

/// For each column after the first with a symbol table: its packages'
/// changes against that one.
pub fn growth(r: &Report) -> Vec<Growth<'_>> {
    let mut with = r
        .columns
        .iter()
        .filter_map(|c| c.packages.as_ref().map(|p| (c, p)));
    let Some((reference, base)) = with.next() else {
        return Vec::new();
    };
    with.map(|(c, mine)| {
        let names: BTreeSet<&String> = base.keys().chain(mine.keys()).collect();
        let mut changes: Vec<(i64, String, u64, u64)> = names
            .into_iter()
            .map(|k| {
                let (a, b) = (
                    base.get(k).copied().unwrap_or(0),
                    mine.get(k).copied().unwrap_or(0),
                );
                (b as i64 - a as i64, k.clone(), a, b)
            })
            .filter(|d| d.0 != 0)
            .collect();
        changes.sort_by_key(|d| std::cmp::Reverse(d.0.abs()));
        Growth {
            from: &reference.spec,
            to: &c.spec,
            changes,
        }
    })
    .collect()
}

fn package_growth(r: &Report, out: &mut String) {
    for g in growth(r).into_iter().filter(|g| !g.changes.is_empty()) {
        out.push_str(&format!(
            "\npackages that changed most, {} → {} (bytes of their symbols):\n",
            g.from, g.to
        ));
        for (d, k, a, b) in g.changes.iter().take(8) {
            out.push_str(&format!("  {d:>+10}  {a:>10} → {b:<10}  {k}\n"));
        }
    }
}

fn test_matrix(r: &Report, out: &mut String, color: bool) {
    let Some(m) = &r.tests else { return };
    let differing: Vec<_> = m.rows.iter().filter(|x| x.differs).collect();
    out.push_str(&format!(
        "\ntests: {} results, {} agree across the toolchains, {} differ\n",
        m.rows.len(),
        m.rows.len() - differing.len(),
        differing.len()
    ));
    if differing.is_empty() {
        return;
    }
    let name = |x: &super::report::TestRow| {
        if x.test.is_empty() {
            format!("{} (package)", x.package)
        } else {
            format!("{}.{}", x.package, x.test)
        }
    };
    let rows: Vec<Row> = differing
        .iter()
        .take(60)
        .map(|x| Row {
            label: name(x),
            cells: x
                .results
                .iter()
                .map(|v| {
                    (
                        v.clone(),
                        if v == "pass" || v == "skip" {
                            Mark::Plain
                        } else {
                            Mark::Diff
                        },
                    )
                })
                .collect(),
        })
        .collect();
    out.push_str(&table(r, &rows, color));
    if differing.len() > 60 {
        out.push_str(&format!(
            "… and {} more (see --json)\n",
            differing.len() - 60
        ));
    }
}
