//! A small SVG plotting module: linear axes with readable ticks, polylines, points, reference
//! lines, shaded bands and interval whiskers. Every element carries a `class` naming what it
//! shows (`series`, `target`, `rcp-band`, `interval`, ...) so that tests and stylesheets can
//! find it; the SVG is standalone (attributes, no external CSS or fonts).

use std::fmt::Write;

const W: f64 = 640.0;
const H: f64 = 320.0;
const LEFT: f64 = 78.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 30.0;
const BOTTOM: f64 = 48.0;

/// Series colours (colour-blind safe, Okabe–Ito).
pub const PALETTE: [&str; 8] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
];

/// One chart being drawn; [`Plot::finish`] adds the axes and returns the `<svg>` element.
pub struct Plot {
    title: String,
    x_label: String,
    y_label: String,
    x: (f64, f64),
    y: (f64, f64),
    categories: Vec<String>,
    body: String,
    legend: Vec<(String, String)>,
}

impl Plot {
    /// A chart over `x` × `y` (data ranges; they are widened to nice ticks).
    pub fn new(title: &str, x_label: &str, y_label: &str, x: (f64, f64), y: (f64, f64)) -> Plot {
        Plot {
            title: title.to_owned(),
            x_label: x_label.to_owned(),
            y_label: y_label.to_owned(),
            x: nice_range(x),
            y: nice_range(y),
            categories: Vec::new(),
            body: String::new(),
            legend: Vec::new(),
        }
    }

    /// A chart whose rows are categories (row `i` at y = `i`), e.g. one whisker per part.
    pub fn categorical(title: &str, x_label: &str, x: (f64, f64), rows: &[&str]) -> Plot {
        let mut p = Plot::new(title, x_label, "", x, (0.0, 1.0));
        p.y = (-0.5, rows.len() as f64 - 0.5);
        p.categories = rows.iter().rev().map(|s| (*s).to_owned()).collect();
        p
    }

    fn sx(&self, x: f64) -> f64 {
        LEFT + (x - self.x.0) / (self.x.1 - self.x.0) * (W - LEFT - RIGHT)
    }

    fn sy(&self, y: f64) -> f64 {
        H - BOTTOM - (y - self.y.0) / (self.y.1 - self.y.0) * (H - TOP - BOTTOM)
    }

    fn row_y(&self, row: usize) -> f64 {
        // categories are stored bottom-up; row 0 is drawn at the top
        self.sy((self.categories.len() - 1 - row) as f64)
    }

    /// A polyline through `points` (non-finite points are left out).
    pub fn line(&mut self, points: &[(f64, f64)], color: &str, label: &str) {
        let pts: Vec<String> = points
            .iter()
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .map(|&(x, y)| format!("{:.1},{:.1}", self.sx(x), self.sy(y)))
            .collect();
        let _ = writeln!(
            self.body,
            r#"<polyline class="series" fill="none" stroke="{color}" stroke-width="1.8" points="{}"><title>{}</title></polyline>"#,
            pts.join(" "),
            esc(label)
        );
        for &(x, y) in points
            .iter()
            .filter(|(x, y)| x.is_finite() && y.is_finite())
        {
            let _ = writeln!(
                self.body,
                r#"<circle class="series-point" cx="{:.1}" cy="{:.1}" r="2.2" fill="{color}"/>"#,
                self.sx(x),
                self.sy(y)
            );
        }
        self.legend.push((color.to_owned(), label.to_owned()));
    }

    /// Dots at `points`, hollow when `hollow`.
    pub fn dots(&mut self, points: &[(f64, f64)], color: &str, hollow: bool, label: &str) {
        for &(x, y) in points
            .iter()
            .filter(|(x, y)| x.is_finite() && y.is_finite())
        {
            let fill = if hollow { "white" } else { color };
            let _ = writeln!(
                self.body,
                r#"<circle class="dot" cx="{:.1}" cy="{:.1}" r="4" fill="{fill}" stroke="{color}" stroke-width="1.5"><title>{}</title></circle>"#,
                self.sx(x),
                self.sy(y),
                esc(label)
            );
        }
        self.legend.push((color.to_owned(), label.to_owned()));
    }

    /// A horizontal reference line at `y` (a target), labelled at the right.
    pub fn hline(&mut self, y: f64, color: &str, class: &str, label: &str) {
        if !y.is_finite() {
            return;
        }
        let sy = self.sy(y);
        let _ = writeln!(
            self.body,
            r#"<line class="{class}" x1="{LEFT:.1}" x2="{:.1}" y1="{sy:.1}" y2="{sy:.1}" stroke="{color}" stroke-width="1.5" stroke-dasharray="6 4"><title>{}</title></line><text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end" fill="{color}">{}</text>"#,
            W - RIGHT,
            esc(label),
            W - RIGHT - 2.0,
            sy - 4.0,
            esc(label)
        );
    }

    /// A vertical reference line at `x`.
    pub fn vline(&mut self, x: f64, color: &str, class: &str, label: &str) {
        if !x.is_finite() {
            return;
        }
        let sx = self.sx(x);
        let _ = writeln!(
            self.body,
            r#"<line class="{class}" x1="{sx:.1}" x2="{sx:.1}" y1="{TOP:.1}" y2="{:.1}" stroke="{color}" stroke-width="1.5" stroke-dasharray="4 3"><title>{}</title></line><text x="{:.1}" y="{:.1}" font-size="11" fill="{color}">{}</text>"#,
            H - BOTTOM,
            esc(label),
            sx + 3.0,
            TOP + 10.0,
            esc(label)
        );
    }

    /// A shaded vertical band from `x0` to `x1` (a range of the x axis).
    pub fn xband(&mut self, x0: f64, x1: f64, color: &str, class: &str, label: &str) {
        if !(x0.is_finite() && x1.is_finite()) {
            return;
        }
        let (a, b) = (self.sx(x0.min(x1)), self.sx(x0.max(x1)));
        let _ = writeln!(
            self.body,
            r#"<rect class="{class}" x="{a:.1}" y="{TOP:.1}" width="{:.1}" height="{:.1}" fill="{color}" fill-opacity="0.18"><title>{}</title></rect>"#,
            (b - a).max(1.0),
            H - TOP - BOTTOM,
            esc(label)
        );
        self.legend.push((color.to_owned(), label.to_owned()));
    }

    /// A shaded horizontal band from `y0` to `y1`.
    pub fn yband(&mut self, y0: f64, y1: f64, color: &str, class: &str, label: &str) {
        if !(y0.is_finite() && y1.is_finite()) {
            return;
        }
        let (a, b) = (self.sy(y0.max(y1)), self.sy(y0.min(y1)));
        let _ = writeln!(
            self.body,
            r#"<rect class="{class}" x="{LEFT:.1}" y="{a:.1}" width="{:.1}" height="{:.1}" fill="{color}" fill-opacity="0.18"><title>{}</title></rect>"#,
            W - LEFT - RIGHT,
            (b - a).max(1.0),
            esc(label)
        );
        self.legend.push((color.to_owned(), label.to_owned()));
    }

    /// On a categorical chart: the estimate of row `row` with its interval as a whisker.
    pub fn interval(
        &mut self,
        row: usize,
        (estimate, low, high): (f64, f64, f64),
        color: &str,
        label: &str,
    ) {
        let y = self.row_y(row);
        let (l, h, e) = (self.sx(low), self.sx(high), self.sx(estimate));
        let label = esc(label);
        let _ = writeln!(
            self.body,
            r#"<g class="interval"><title>{label}</title><line x1="{l:.1}" x2="{h:.1}" y1="{y:.1}" y2="{y:.1}" stroke="{color}" stroke-width="2.5"/><line x1="{l:.1}" x2="{l:.1}" y1="{:.1}" y2="{:.1}" stroke="{color}" stroke-width="2"/><line x1="{h:.1}" x2="{h:.1}" y1="{:.1}" y2="{:.1}" stroke="{color}" stroke-width="2"/><circle cx="{e:.1}" cy="{y:.1}" r="5" fill="{color}"/><text x="{e:.1}" y="{:.1}" font-size="11" text-anchor="middle">{label}</text></g>"#,
            y - 7.0,
            y + 7.0,
            y - 7.0,
            y + 7.0,
            y - 10.0
        );
    }

    /// The `<svg>` element: frame, ticks, labels, the drawn elements and a legend.
    pub fn finish(self) -> String {
        let mut s = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" class="plot" width="{W}" height="{H}" viewBox="0 0 {W} {H}" role="img" aria-label="{t}" font-family="sans-serif"><title>{t}</title>"#,
            t = esc(&self.title)
        );
        let _ = write!(
            s,
            r##"<rect x="{LEFT}" y="{TOP}" width="{}" height="{}" fill="#fafafa" stroke="#888"/>"##,
            W - LEFT - RIGHT,
            H - TOP - BOTTOM
        );
        let _ = write!(
            s,
            r#"<text x="{}" y="18" font-size="13" text-anchor="middle" font-weight="bold">{}</text>"#,
            W / 2.0,
            esc(&self.title)
        );
        for t in ticks(self.x) {
            let x = self.sx(t);
            let _ = write!(
                s,
                r##"<line class="tick" x1="{x:.1}" x2="{x:.1}" y1="{:.1}" y2="{:.1}" stroke="#888"/><text x="{x:.1}" y="{:.1}" font-size="11" text-anchor="middle">{}</text>"##,
                H - BOTTOM,
                H - BOTTOM + 5.0,
                H - BOTTOM + 17.0,
                tick_label(t)
            );
        }
        if self.categories.is_empty() {
            for t in ticks(self.y) {
                let y = self.sy(t);
                let _ = write!(
                    s,
                    r##"<line class="tick" x1="{:.1}" x2="{LEFT}" y1="{y:.1}" y2="{y:.1}" stroke="#888"/><text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end">{}</text>"##,
                    LEFT - 5.0,
                    LEFT - 7.0,
                    y + 4.0,
                    tick_label(t)
                );
            }
        } else {
            for (i, c) in self.categories.iter().enumerate() {
                let _ = write!(
                    s,
                    r#"<text x="{:.1}" y="{:.1}" font-size="12" text-anchor="end">{}</text>"#,
                    LEFT - 7.0,
                    self.sy(i as f64) + 4.0,
                    esc(c)
                );
            }
        }
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" font-size="12" text-anchor="middle">{}</text>"#,
            LEFT + (W - LEFT - RIGHT) / 2.0,
            H - 10.0,
            esc(&self.x_label)
        );
        if !self.y_label.is_empty() {
            let _ = write!(
                s,
                r#"<text transform="translate(14 {:.1}) rotate(-90)" font-size="12" text-anchor="middle">{}</text>"#,
                TOP + (H - TOP - BOTTOM) / 2.0,
                esc(&self.y_label)
            );
        }
        s.push_str(&self.body);
        let mut seen = Vec::new();
        let mut row = 0.0;
        for (color, label) in &self.legend {
            if label.is_empty() || seen.contains(&label) {
                continue;
            }
            seen.push(label);
            let y = TOP + 8.0 + row * 14.0;
            let _ = write!(
                s,
                r#"<g class="legend"><rect x="{:.1}" y="{:.1}" width="10" height="10" fill="{color}"/><text x="{:.1}" y="{:.1}" font-size="10">{}</text></g>"#,
                LEFT + 8.0,
                y,
                LEFT + 22.0,
                y + 9.0,
                esc(label)
            );
            row += 1.0;
        }
        s.push_str("</svg>");
        s
    }
}

/// The tick step: 1, 2 or 5 times a power of ten, about five ticks over `span`.
fn step(span: f64) -> f64 {
    let raw = span / 5.0;
    let p = 10f64.powf(raw.log10().floor());
    let m = raw / p;
    p * if m < 1.5 {
        1.0
    } else if m < 3.5 {
        2.0
    } else if m < 7.5 {
        5.0
    } else {
        10.0
    }
}

/// `range` widened to whole ticks; a degenerate range gets some room around it.
fn nice_range((lo, hi): (f64, f64)) -> (f64, f64) {
    let (lo, hi) = if !lo.is_finite() || !hi.is_finite() {
        (0.0, 1.0)
    } else if hi - lo <= f64::EPSILON * lo.abs().max(1.0) {
        let pad = (lo.abs() * 0.1)
            .max(1e-9)
            .max(if lo == 0.0 { 1.0 } else { 0.0 });
        (lo - pad, hi + pad)
    } else {
        (lo, hi)
    };
    let s = step(hi - lo);
    ((lo / s).floor() * s, (hi / s).ceil() * s)
}

fn ticks(range: (f64, f64)) -> Vec<f64> {
    let s = step(range.1 - range.0);
    let mut t = (range.0 / s).ceil() * s;
    let mut out = Vec::new();
    while t <= range.1 + s * 1e-9 && out.len() < 20 {
        out.push(if t.abs() < s * 1e-9 { 0.0 } else { t });
        t += s;
    }
    out
}

/// Compact tick labels: `0.25`, `7,500`, `1.5M`, `2G`.
fn tick_label(t: f64) -> String {
    let a = t.abs();
    let trim = |s: String| {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_owned()
        } else {
            s
        }
    };
    if a >= 1e9 {
        trim(format!("{:.2}", t / 1e9)) + "G"
    } else if a >= 1e6 {
        trim(format!("{:.2}", t / 1e6)) + "M"
    } else if a >= 1e4 {
        trim(format!("{:.1}", t / 1e3)) + "k"
    } else {
        trim(format!("{t:.4}"))
    }
}

/// Escapes text for XML content and attributes.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The smallest and largest finite value of `values` (`None` when there is none).
pub fn extent(values: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_data() {
        assert_eq!(nice_range((0.3, 9.2)), (0.0, 10.0));
        assert_eq!(ticks((0.0, 10.0)), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        let (lo, hi) = nice_range((1.221, 1.346));
        assert!(lo <= 1.221 && hi >= 1.346, "{lo} {hi}");
        assert_eq!(tick_label(1_500_000.0), "1.5M");
        assert_eq!(tick_label(7500.0), "7500");
        assert_eq!(tick_label(25000.0), "25k");
        assert_eq!(tick_label(0.25), "0.25");
        // a single value still gets a usable axis
        let (lo, hi) = nice_range((5.0, 5.0));
        assert!(lo < 5.0 && hi > 5.0);
    }

    #[test]
    fn points_land_inside_the_frame_and_are_labelled() {
        let mut p = Plot::new("t <1>", "x", "y", (0.0, 10.0), (0.0, 1.0));
        p.line(
            &[(0.0, 0.0), (5.0, 0.5), (10.0, 1.0), (f64::NAN, 1.0)],
            PALETTE[0],
            "run 0",
        );
        p.hline(0.75, "red", "target", "target 0.75");
        let svg = p.finish();
        assert!(svg.contains("t &lt;1&gt;"));
        let pts = svg
            .split("points=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let pairs: Vec<(f64, f64)> = pts
            .split(' ')
            .map(|p| {
                let (x, y) = p.split_once(',').unwrap();
                (x.parse().unwrap(), y.parse().unwrap())
            })
            .collect();
        assert_eq!(pairs.len(), 3, "the NaN point is left out");
        for (x, y) in &pairs {
            assert!((LEFT..=W - RIGHT).contains(x) && (TOP..=H - BOTTOM).contains(y));
        }
        // y grows upwards: the last point (y = 1) is above the first (y = 0)
        assert!(pairs[2].1 < pairs[0].1);
        assert!(svg.contains(r#"class="target""#));
    }
}
