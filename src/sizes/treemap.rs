//! The treemap of `size --svg`: one rectangle per group, its area the
//! group's bytes, laid out by the squarified algorithm (Bruls, Huizing and
//! van Wijk, 2000: rows along the shorter side, each row grown while that
//! keeps its rectangles closer to squares). Self-contained SVG: no scripts,
//! fonts or links; a `<title>` on each rectangle is the browser's tooltip.

use super::{Attribution, Kind};
use crate::inspect::human_bytes;

/// A rectangle in SVG user units (pixels): corner at (x, y), size w × h.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

/// Width of the picture, in pixels.
const WIDTH: f64 = 1200.0;
/// Height of the treemap below the title line, in pixels.
const HEIGHT: f64 = 720.0;
/// Height of the title line, in pixels.
const TITLE: f64 = 28.0;
/// Average width of one character of the 12 px labels, in pixels.
const CHAR_W: f64 = 7.0;

/// The SVG document (a string starting with `<svg`): a title line with the
/// file, its symbol bytes and a legend of the kinds, then one `<rect>` per
/// group of `a.groups` (largest first), each with a `<title>` tooltip
/// (name, kind, human size, bytes, percent, symbol count) and, where it
/// fits, a label with the name and the human size.
pub fn render_svg(a: &Attribution) -> String {
    let total = a.symbol_bytes.max(1) as f64;
    let values: Vec<f64> = a.groups.iter().map(|g| g.bytes as f64).collect();
    let area = Rect {
        x: 0.0,
        y: TITLE,
        w: WIDTH,
        h: HEIGHT,
    };
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
         viewBox=\"0 0 {w} {h}\" font-family=\"sans-serif\" font-size=\"12\">\n",
        w = WIDTH,
        h = TITLE + HEIGHT
    );
    s.push_str(&format!(
        "<text x=\"6\" y=\"19\" font-size=\"14\">{}: {} in symbols ({} file), by package</text>\n",
        escape(&a.path),
        human_bytes(a.symbol_bytes),
        human_bytes(a.file_size)
    ));
    for (i, k) in [Kind::User, Kind::Std, Kind::C, Kind::Other]
        .iter()
        .enumerate()
    {
        let x = WIDTH - 300.0 + 75.0 * i as f64;
        s.push_str(&format!(
            "<rect x=\"{x}\" y=\"8\" width=\"12\" height=\"12\" fill=\"{}\"/>\
             <text x=\"{}\" y=\"19\">{}</text>\n",
            color(*k, 0),
            x + 16.0,
            k.as_str()
        ));
    }
    for (i, (g, r)) in a.groups.iter().zip(squarify(&values, area)).enumerate() {
        let tip = format!(
            "{} ({}): {}, {} bytes, {:.1}%, {} symbols",
            g.name,
            g.kind.as_str(),
            human_bytes(g.bytes),
            g.bytes,
            100.0 * g.bytes as f64 / total,
            g.symbols
        );
        s.push_str(&format!(
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{}\" \
             stroke=\"#ffffff\" stroke-width=\"1\"><title>{}</title></rect>\n",
            r.x,
            r.y,
            r.w,
            r.h,
            color(g.kind, i),
            escape(&tip)
        ));
        s.push_str(&label(&g.name, &human_bytes(g.bytes), r));
    }
    s.push_str("</svg>\n");
    s
}

/// The `<text>` of a rectangle: the name (or its last path element when
/// the whole does not fit) and below it the size, each only if it fits;
/// empty when nothing fits.
fn label(name: &str, size: &str, r: Rect) -> String {
    let fits = |t: &str| (t.chars().count() as f64) * CHAR_W + 8.0 <= r.w;
    if r.h < 18.0 {
        return String::new();
    }
    let short = name.rsplit('/').next().unwrap_or(name);
    let Some(shown) = [name, short].into_iter().find(|t| fits(t)) else {
        return String::new();
    };
    let mut s = format!(
        "<text x=\"{:.1}\" y=\"{:.1}\" pointer-events=\"none\">{}",
        r.x + 4.0,
        r.y + 15.0,
        escape(shown)
    );
    if r.h >= 34.0 && fits(size) {
        s.push_str(&format!(
            "<tspan x=\"{:.1}\" dy=\"14\">{}</tspan>",
            r.x + 4.0,
            escape(size)
        ));
    }
    s.push_str("</text>\n");
    s
}

/// The fill of the `i`-th rectangle of a kind: blue for the user's, green
/// for the standard library, orange for C, grey for the rest; the lightness
/// steps so that neighbours differ.
fn color(kind: Kind, i: usize) -> String {
    let light = 58 + (i * 7) % 24;
    match kind {
        Kind::User => format!("hsl(212,62%,{light}%)"),
        Kind::Std => format!("hsl(130,35%,{light}%)"),
        Kind::C => format!("hsl(30,75%,{light}%)"),
        Kind::Other => format!("hsl(0,0%,{}%)", light + 8),
    }
}

/// Text for SVG: `& < > " '` escaped.
fn escape(t: &str) -> String {
    let mut s = String::with_capacity(t.len());
    for c in t.chars() {
        match c {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '"' => s.push_str("&quot;"),
            '\'' => s.push_str("&apos;"),
            c if c.is_control() => s.push(' '),
            c => s.push(c),
        }
    }
    s
}

/// Squarified layout: `values` (largest first, none negative) as
/// rectangles filling `area` in proportion, in the same order. Zero values
/// get empty rectangles.
pub fn squarify(values: &[f64], area: Rect) -> Vec<Rect> {
    let total: f64 = values.iter().sum();
    let mut out = Vec::with_capacity(values.len());
    if total <= 0.0 || area.w <= 0.0 || area.h <= 0.0 {
        out.resize(
            values.len(),
            Rect {
                w: 0.0,
                h: 0.0,
                ..area
            },
        );
        return out;
    }
    let scale = area.w * area.h / total;
    let areas: Vec<f64> = values.iter().map(|v| v.max(0.0) * scale).collect();
    let mut free = area;
    let mut i = 0;
    while i < areas.len() {
        let side = free.w.min(free.h);
        let mut j = i + 1;
        while j < areas.len() && worst(&areas[i..=j], side) <= worst(&areas[i..j], side) {
            j += 1;
        }
        free = lay_row(&areas[i..j], free, &mut out);
        i = j;
    }
    out
}

/// The worst aspect ratio of a row of areas laid along a side of `side`.
fn worst(row: &[f64], side: f64) -> f64 {
    let s: f64 = row.iter().sum();
    if s <= 0.0 || side <= 0.0 {
        return f64::INFINITY;
    }
    row.iter()
        .filter(|&&r| r > 0.0)
        .map(|&r| {
            let a = side * side * r / (s * s);
            a.max(1.0 / a)
        })
        .fold(1.0, f64::max)
}

/// Lays one row along the shorter side of `free` (a column at its left
/// when it is wide, a strip at its top when it is tall), pushes the
/// rectangles, and returns what is left of `free`.
fn lay_row(row: &[f64], free: Rect, out: &mut Vec<Rect>) -> Rect {
    let s: f64 = row.iter().sum();
    if free.w >= free.h {
        let w = if free.h > 0.0 { s / free.h } else { 0.0 };
        let mut y = free.y;
        for &a in row {
            let h = if w > 0.0 { a / w } else { 0.0 };
            out.push(Rect { x: free.x, y, w, h });
            y += h;
        }
        Rect {
            x: free.x + w,
            w: (free.w - w).max(0.0),
            ..free
        }
    } else {
        let h = if free.w > 0.0 { s / free.w } else { 0.0 };
        let mut x = free.x;
        for &a in row {
            let w = if h > 0.0 { a / h } else { 0.0 };
            out.push(Rect { x, y: free.y, w, h });
            x += w;
        }
        Rect {
            y: free.y + h,
            h: (free.h - h).max(0.0),
            ..free
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn squarify_fills_the_area_in_proportion() {
        // The example of the paper: 6 6 4 3 2 2 1 in a 6 × 4 rectangle.
        let area = Rect {
            x: 0.0,
            y: 0.0,
            w: 6.0,
            h: 4.0,
        };
        let v = [6.0, 6.0, 4.0, 3.0, 2.0, 2.0, 1.0];
        let r = squarify(&v, area);
        assert_eq!(r.len(), v.len());
        for (x, v) in r.iter().zip(v) {
            assert!((x.w * x.h - v).abs() < 1e-9, "{x:?} for {v}");
            assert!(x.x >= -1e-9 && x.y >= -1e-9);
            assert!(x.x + x.w <= 6.0 + 1e-9 && x.y + x.h <= 4.0 + 1e-9, "{x:?}");
        }
        // The first row is the paper's: the two 6s stacked at the left.
        assert!((r[0].w - 3.0).abs() < 1e-9 && (r[1].x - 0.0).abs() < 1e-9);
        // No two rectangles overlap.
        for (i, a) in r.iter().enumerate() {
            for b in &r[i + 1..] {
                let ox = (a.x + a.w).min(b.x + b.w) - a.x.max(b.x);
                let oy = (a.y + a.h).min(b.y + b.h) - a.y.max(b.y);
                assert!(ox <= 1e-9 || oy <= 1e-9, "{a:?} overlaps {b:?}");
            }
        }
    }

    #[test]
    fn squarify_degenerate_input() {
        let area = Rect {
            x: 0.0,
            y: 0.0,
            w: 10.0,
            h: 10.0,
        };
        assert!(squarify(&[], area).is_empty());
        let r = squarify(&[0.0, 0.0], area);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].w * r[0].h, 0.0);
        let r = squarify(&[5.0, 0.0], area);
        assert!((r[0].w * r[0].h - 100.0).abs() < 1e-9);
    }

    #[test]
    fn labels_only_where_they_fit_and_escaped() {
        let big = Rect {
            x: 0.0,
            y: 0.0,
            w: 300.0,
            h: 40.0,
        };
        let l = label("a<b>/wire", "1.0 KiB", big);
        assert!(
            l.contains("a&lt;b&gt;/wire") && l.contains("1.0 KiB"),
            "{l}"
        );
        let narrow = Rect { w: 50.0, ..big };
        let l = label("example.com/minion/internal/wire", "1.0 KiB", narrow);
        assert!(l.contains(">wire<"), "{l}");
        let tiny = Rect { h: 10.0, ..big };
        assert_eq!(label("x", "1 B", tiny), "");
    }
}
