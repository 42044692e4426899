//! The HTML report of a comparison: one self-contained page (inline CSS
//! and SVG, no script, nothing fetched) with the table, a bar chart of the
//! binaries' sizes split by section kind, a bar chart of build times, the
//! output differences, the packages that changed and the test matrix —
//! the page one attaches to a bug report.

use std::fmt::Write as _;

use super::report::Report;
use super::text::{self, Mark};

/// Escapes text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

const STYLE: &str = "body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}\
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}\
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px}\
td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f3f3f3}\
td.diff{background:#fdd;color:#900;font-weight:bold}td.pass{background:#dfd}td.skip{background:#eee}\
td.fail{background:#fdd}pre{background:#f7f7f7;padding:.6em;overflow:auto}\
tr.d td{background:#fee}code{background:#f3f3f3;white-space:pre-wrap;word-break:break-all}\
table.diff{table-layout:fixed;width:100%}table.diff td:first-child{width:3em}th.sub{padding-left:1.6em;font-weight:normal}";

/// Section kinds' colours in the size chart, in `Sections::kinds` order.
const COLORS: [&str; 5] = ["#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#9c755f"];

/// The whole page.
pub fn render(r: &Report) -> String {
    let mut h = String::new();
    let title = format!("gccgo-build compare: {}", r.packages.join(" "));
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body>\n<h1>{}</h1>\n",
        esc(&title),
        esc(&title)
    );
    if let Some(a) = &r.run_args {
        let _ = writeln!(
            h,
            "<p>Run with <code>{}</code>; the first column is the reference.</p>",
            esc(&a.join(" "))
        );
    }
    table(r, &mut h);
    h.push_str("<h2>Binary size by section</h2>\n");
    h.push_str(&size_chart(r));
    h.push_str("<h2>Build time (cold, own cache)</h2>\n");
    h.push_str(&time_chart(r));
    failures(r, &mut h);
    outputs(r, &mut h);
    growth(r, &mut h);
    tests(r, &mut h);
    h.push_str("</body></html>\n");
    h
}

fn table(r: &Report, h: &mut String) {
    h.push_str("<h2>Summary</h2>\n<table id=\"summary\"><tr><th></th>");
    for c in &r.columns {
        let _ = write!(h, "<th>{}</th>", esc(&c.spec));
    }
    h.push_str("</tr>\n");
    for row in text::rows(r) {
        let class = if row.label.starts_with(' ') {
            "sub"
        } else {
            ""
        };
        let _ = write!(
            h,
            "<tr><th class=\"{class}\" style=\"text-align:left\">{}</th>",
            esc(row.label.trim())
        );
        for (t, m) in &row.cells {
            let class = if *m == Mark::Diff { "n diff" } else { "n" };
            let _ = write!(h, "<td class=\"{class}\">{}</td>", esc(t));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n");
}

/// The charts' label column and longest bar, in SVG user units (px).
const LABEL_W: f64 = 220.0;
const BAR_W: f64 = 560.0;

/// An `<svg>` start tag for `rows` rows of `row_h` px plus `extra` px.
fn svg_open(id: &str, rows: usize, row_h: f64, extra: f64) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{id}\" width=\"{}\" height=\"{}\" font-size=\"12\">\n",
        LABEL_W + BAR_W + 120.0,
        row_h * rows as f64 + extra
    )
}

/// Writes row `i`'s label (text baseline `baseline` px below the row's
/// top); returns the row's top.
fn row_label(s: &mut String, i: usize, row_h: f64, baseline: f64, label: &str) -> f64 {
    let y = 10.0 + row_h * i as f64;
    let _ = writeln!(
        s,
        "<text x=\"0\" y=\"{}\">{}</text>",
        y + baseline,
        esc(label)
    );
    y
}

/// Horizontal stacked bars, one per column: its first binary's section kinds.
fn size_chart(r: &Report) -> String {
    let max = r
        .columns
        .iter()
        .filter_map(|c| c.build.binaries.first())
        .map(|b| b.sections.kinds().iter().map(|k| k.1).sum::<u64>())
        .max()
        .unwrap_or(0)
        .max(1);
    let (label_w, bar_w, row_h) = (LABEL_W, BAR_W, 28.0);
    let mut s = svg_open("sizes", r.columns.len(), row_h, 40.0);
    for (i, c) in r.columns.iter().enumerate() {
        let y = row_label(&mut s, i, row_h, 16.0, &c.spec);
        let Some(b) = c.build.binaries.first() else {
            let _ = writeln!(
                s,
                "<text x=\"{label_w}\" y=\"{}\" fill=\"#900\">did not build</text>",
                y + 16.0
            );
            continue;
        };
        let mut x = label_w;
        for (k, (kind, bytes)) in b.sections.kinds().iter().enumerate() {
            let w = bar_w * *bytes as f64 / max as f64;
            let _ = writeln!(
                s,
                "<rect x=\"{x:.1}\" y=\"{y}\" width=\"{w:.1}\" height=\"20\" fill=\"{}\" data-kind=\"{kind}\" data-bytes=\"{bytes}\"><title>{} {kind}: {bytes} bytes</title></rect>",
                COLORS[k],
                esc(&c.spec)
            );
            x += w;
        }
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{}\">{}</text>",
            x + 6.0,
            y + 16.0,
            text::mb(b.bytes)
        );
    }
    let y = 10.0 + row_h * r.columns.len() as f64 + 8.0;
    for (k, (kind, _)) in super::report::Sections::default()
        .kinds()
        .iter()
        .enumerate()
    {
        let x = label_w + 90.0 * k as f64;
        let _ = writeln!(
            s,
            "<rect x=\"{x}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{}\" y=\"{}\">{kind}</text>",
            y - 10.0,
            COLORS[k],
            x + 16.0,
            y
        );
    }
    s.push_str("</svg>\n");
    s
}

/// Two bars per column: wall time and CPU time of the cold build.
fn time_chart(r: &Report) -> String {
    let max = r
        .columns
        .iter()
        .map(|c| c.build.wall_ms.max(c.build.cpu_ms))
        .max()
        .unwrap_or(0)
        .max(1);
    let (label_w, bar_w, row_h) = (LABEL_W, BAR_W, 36.0);
    let mut s = svg_open("times", r.columns.len(), row_h, 20.0);
    for (i, c) in r.columns.iter().enumerate() {
        let y = row_label(&mut s, i, row_h, 14.0, &c.spec);
        for (j, (what, ms, color)) in [
            ("wall", c.build.wall_ms, "#4e79a7"),
            ("CPU", c.build.cpu_ms, "#bab0ac"),
        ]
        .iter()
        .enumerate()
        {
            let w = bar_w * *ms as f64 / max as f64;
            let yy = y + 14.0 * j as f64;
            let _ = writeln!(
                s,
                "<rect x=\"{label_w}\" y=\"{yy}\" width=\"{w:.1}\" height=\"12\" fill=\"{color}\" data-ms=\"{ms}\"><title>{what}: {ms} ms</title></rect><text x=\"{:.1}\" y=\"{}\">{what} {}</text>",
                label_w + w + 6.0,
                yy + 10.0,
                text::secs(*ms)
            );
        }
    }
    s.push_str("</svg>\n");
    s
}

fn failures(r: &Report, h: &mut String) {
    let failed: Vec<_> = r.columns.iter().filter(|c| !c.build.ok).collect();
    if failed.is_empty() {
        return;
    }
    h.push_str("<h2>Builds that failed</h2>\n");
    for c in failed {
        let _ = writeln!(
            h,
            "<p><b>{}</b>: <code>{}</code></p>",
            esc(&c.spec),
            esc(c.build.diagnostic.as_deref().unwrap_or("(no diagnostic)"))
        );
        if let Some(log) = &c.build.log {
            let _ = writeln!(
                h,
                "<details><summary>whole output</summary><pre>{}</pre></details>",
                esc(log)
            );
        }
    }
}

/// Each run's status and, where it differs, the reference's and its
/// stdout line by line, differing lines marked.
fn outputs(r: &Report, h: &mut String) {
    let Some(reference) = r.columns.iter().find(|c| c.run.is_some()) else {
        return;
    };
    let rr = reference
        .run
        .as_ref()
        .map(|x| x.stdout.clone())
        .unwrap_or_default();
    h.push_str("<h2>Program output</h2>\n");
    for c in &r.columns {
        let Some(run) = &c.run else { continue };
        let same = run.same_stdout && run.same_stderr && run.same_status;
        let _ = writeln!(
            h,
            "<p><b>{}</b>: {}, {}</p>",
            esc(&c.spec),
            esc(&run.status),
            if same {
                "same output as the reference"
            } else {
                "<span style=\"color:#900\">differs from the reference</span>"
            }
        );
        if same {
            continue;
        }
        let _ = writeln!(
            h,
            "<table class=\"diff\"><tr><th>line</th><th>{}</th><th>{}</th></tr>",
            esc(&reference.spec),
            esc(&c.spec)
        );
        let (a, b): (Vec<&str>, Vec<&str>) = (rr.lines().collect(), run.stdout.lines().collect());
        for i in 0..a.len().max(b.len()).min(400) {
            let (x, y) = (
                a.get(i).copied().unwrap_or(""),
                b.get(i).copied().unwrap_or(""),
            );
            let class = if x == y { "" } else { " class=\"d\"" };
            let _ = writeln!(
                h,
                "<tr{class}><td class=\"n\">{}</td><td><code>{}</code></td><td><code>{}</code></td></tr>",
                i + 1,
                esc(x),
                esc(y)
            );
        }
        h.push_str("</table>\n");
        if !run.stderr.is_empty() {
            let _ = writeln!(
                h,
                "<details><summary>stderr</summary><pre>{}</pre></details>",
                esc(&run.stderr)
            );
        }
    }
}

fn growth(r: &Report, h: &mut String) {
    for g in text::growth(r)
        .into_iter()
        .filter(|g| !g.changes.is_empty())
    {
        let _ = writeln!(
            h,
            "<h2>Packages that changed most, {} → {}</h2>\n<table><tr><th>package</th><th>{}</th><th>{}</th><th>change</th></tr>",
            esc(g.from),
            esc(g.to),
            esc(g.from),
            esc(g.to)
        );
        for (d, k, a, b) in g.changes.iter().take(20) {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td class=\"n\">{a}</td><td class=\"n\">{b}</td><td class=\"n\">{d:+}</td></tr>",
                esc(k)
            );
        }
        h.push_str("</table>\n");
    }
}

fn tests(r: &Report, h: &mut String) {
    let Some(m) = &r.tests else { return };
    let differ = m.rows.iter().filter(|x| x.differs).count();
    let _ = writeln!(
        h,
        "<h2>Tests</h2>\n<p>{} results; {differ} differ across the toolchains (listed first).</p>\n<table id=\"tests\"><tr><th>test</th>",
        m.rows.len()
    );
    for c in &r.columns {
        let _ = write!(h, "<th>{}</th>", esc(&c.spec));
    }
    h.push_str("</tr>\n");
    for row in &m.rows {
        let name = if row.test.is_empty() {
            format!("{} (package)", row.package)
        } else {
            format!("{}.{}", row.package, row.test)
        };
        let _ = write!(h, "<tr><td>{}</td>", esc(&name));
        for v in &row.results {
            let class = match v.as_str() {
                "pass" => "pass",
                "skip" | "-" => "skip",
                _ => "fail",
            };
            let _ = write!(h, "<td class=\"{class}\">{}</td>", esc(v));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n");
}
