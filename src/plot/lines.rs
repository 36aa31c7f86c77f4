//! PNG line plots (the paper's Figs. 3 and 4): several series over one x
//! axis, log axes where the data span decades, a legend, the embedded font.

use std::path::{Path, PathBuf};

use plotters::prelude::*;

use crate::plot::heatmap::register_font;
use crate::plot::ticks::Ticks;

/// One curve.
pub struct Series {
    pub label: String,
    pub points: Vec<(f64, f64)>,
    /// Drawn dashed (reference lines such as closed forms).
    pub dashed: bool,
}

/// A line chart.
pub struct LineChart<'a> {
    /// The title; a part after " — " is drawn as a subtitle line below it
    /// (a sweep's model and fixed parameters), so that neither is cut off.
    pub title: &'a str,
    pub x_label: &'a str,
    pub y_label: &'a str,
    pub log_x: bool,
    pub log_y: bool,
    pub series: Vec<Series>,
    /// Where the legend goes, clear of the curves.
    pub legend: SeriesLabelPosition,
}

/// Colour-blind-safe palette (Okabe–Ito).
pub const PALETTE: [RGBColor; 7] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(0, 0, 0),
];

fn err<E: std::fmt::Display>(e: E) -> std::io::Error {
    std::io::Error::other(format!("plot: {e}"))
}

fn bounds(v: impl Iterator<Item = f64>, log: bool) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for x in v.filter(|x| x.is_finite() && (!log || *x > 0.0)) {
        lo = lo.min(x);
        hi = hi.max(x);
    }
    if !lo.is_finite() {
        return (if log { 1e-3 } else { 0.0 }, 1.0);
    }
    if log {
        (lo / 1.3, hi * 1.3)
    } else {
        let pad = 0.05 * (hi - lo).max(hi.abs() * 1e-3).max(1e-300);
        (lo - pad, hi + pad)
    }
}

/// Draws the chart to `dir/name.png`.
pub fn line_chart(dir: &Path, name: &str, chart: &LineChart) -> std::io::Result<PathBuf> {
    line_chart_over(dir, name, chart, &[])
}

/// Draws the chart over a grey point cloud `cloud` (e.g. every grid point
/// behind a Pareto front) to `dir/name.png`.
pub fn line_chart_over(
    dir: &Path,
    name: &str,
    chart: &LineChart,
    cloud: &[(f64, f64)],
) -> std::io::Result<PathBuf> {
    line_chart_in(dir, name, chart, cloud, false).map(|mut f| f.remove(0))
}

/// [`line_chart_over`], also as SVG where `svg`: the files written.
pub fn line_chart_in(
    dir: &Path,
    name: &str,
    chart: &LineChart,
    cloud: &[(f64, f64)],
    svg: bool,
) -> std::io::Result<Vec<PathBuf>> {
    register_font();
    let png = dir.join(format!("{name}.png"));
    draw_chart(
        &BitMapBackend::new(png.as_path(), (900, 600)).into_drawing_area(),
        chart,
        cloud,
    )?;
    let mut files = vec![png];
    if svg {
        let file = dir.join(format!("{name}.svg"));
        draw_chart(
            &SVGBackend::new(file.as_path(), (900, 600)).into_drawing_area(),
            chart,
            cloud,
        )?;
        files.push(file);
    }
    Ok(files)
}

fn draw_chart<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    chart: &LineChart,
    cloud: &[(f64, f64)],
) -> std::io::Result<()> {
    root.fill(&WHITE).map_err(err)?;
    // Title and subtitle left-aligned in a header of their own: centred
    // as one caption, a sweep's long title ran off both sides.
    let (title, subtitle) = match chart.title.split_once(" — ") {
        Some((t, s)) => (t, Some(s)),
        None => (chart.title, None),
    };
    let (head, root) = root.split_vertically(if subtitle.is_some() { 70 } else { 44 });
    let root = &root;
    head.draw_text(title, &("sans-serif", 22).into_text_style(&head), (16, 10))
        .map_err(err)?;
    if let Some(s) = subtitle {
        head.draw_text(s, &("sans-serif", 15).into_text_style(&head), (16, 42))
            .map_err(err)?;
    }
    let all = || {
        chart
            .series
            .iter()
            .flat_map(|s| s.points.iter())
            .chain(cloud.iter())
    };
    let (x0, x1) = bounds(all().map(|p| p.0), chart.log_x);
    let (y0, y1) = bounds(all().map(|p| p.1), chart.log_y);
    let (xt, yt) = (
        Ticks::new(x0, x1, chart.log_x),
        Ticks::new(y0, y1, chart.log_y),
    );
    macro_rules! draw {
        ($xr:expr, $yr:expr) => {{
            let mut c = ChartBuilder::on(root)
                .margin(16)
                .x_label_area_size(56)
                .y_label_area_size(96)
                .build_cartesian_2d($xr, $yr)
                .map_err(err)?;
            let (xf, yf) = (|v: &f64| xt.label(*v), |v: &f64| yt.label(*v));
            let mut mesh = c.configure_mesh();
            mesh.light_line_style(RGBColor(235, 235, 235))
                .x_desc(chart.x_label)
                .y_desc(chart.y_label)
                .label_style(("sans-serif", 16))
                .axis_desc_style(("sans-serif", 20))
                .x_label_formatter(&xf)
                .y_label_formatter(&yf);
            // plotters' light lines on a log axis crowd into a grey band
            // in a partial top decade: log axes keep their bold lines only.
            if chart.log_x {
                mesh.x_max_light_lines(0);
            }
            if chart.log_y {
                mesh.y_max_light_lines(0);
            }
            mesh.draw().map_err(err)?;
            let shown = |(x, y): &(f64, f64)| {
                x.is_finite()
                    && y.is_finite()
                    && (!chart.log_x || *x > 0.0)
                    && (!chart.log_y || *y > 0.0)
            };
            if !cloud.is_empty() {
                c.draw_series(
                    cloud
                        .iter()
                        .filter(|p| shown(p))
                        .map(|p| Circle::new(*p, 2, RGBColor(170, 170, 170).filled())),
                )
                .map_err(err)?
                .label("grid points")
                .legend(|(x, y)| Circle::new((x + 12, y), 3, RGBColor(170, 170, 170).filled()));
            }
            let mut zeros_marked = false;
            for (i, s) in chart.series.iter().enumerate() {
                let colour = PALETTE[i % PALETTE.len()];
                if !cloud.is_empty() {
                    // Over a cloud, mark the series' own points too.
                    c.draw_series(
                        s.points
                            .iter()
                            .filter(|p| shown(p))
                            .map(|p| Circle::new(*p, 4, colour.filled())),
                    )
                    .map_err(err)?;
                }
                // The line breaks where a point cannot be drawn (NaN, or 0
                // on a log axis): joining across would suggest values that
                // are not there.
                let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
                for p in &s.points {
                    if shown(p) {
                        runs.last_mut().expect("one run").push(*p);
                    } else if !runs.last().expect("one run").is_empty() {
                        runs.push(Vec::new());
                    }
                }
                let style = ShapeStyle::from(&colour).stroke_width(2);
                for (k, run) in runs.into_iter().filter(|r| !r.is_empty()).enumerate() {
                    let drawn = if s.dashed {
                        c.draw_series(DashedLineSeries::new(run, 8, 6, style))
                            .map_err(err)?
                    } else {
                        c.draw_series(LineSeries::new(run, style)).map_err(err)?
                    };
                    if k == 0 {
                        drawn.label(s.label.clone()).legend(move |(x, y)| {
                            PathElement::new(vec![(x, y), (x + 24, y)], colour.stroke_width(2))
                        });
                    }
                }
                // Exact zeros on a log y axis: open circles on the axis.
                if chart.log_y {
                    let zeros: Vec<(f64, f64)> = s
                        .points
                        .iter()
                        .filter(|(x, y)| *y == 0.0 && x.is_finite() && (!chart.log_x || *x > 0.0))
                        .map(|(x, _)| (*x, y0))
                        .collect();
                    if !zeros.is_empty() {
                        let drawn = c
                            .draw_series(
                                zeros
                                    .into_iter()
                                    .map(|p| Circle::new(p, 4, colour.stroke_width(2))),
                            )
                            .map_err(err)?;
                        if !zeros_marked {
                            // One entry for every series: in black.
                            drawn
                                .label("exactly 0 (on the axis)")
                                .legend(move |(x, y)| {
                                    Circle::new((x + 12, y), 4, BLACK.stroke_width(2))
                                });
                            zeros_marked = true;
                        }
                    }
                }
            }
            if chart.series.len() > 1 || zeros_marked || !cloud.is_empty() {
                c.configure_series_labels()
                    .background_style(WHITE.mix(0.85))
                    .border_style(RGBColor(180, 180, 180))
                    .label_font(("sans-serif", 16))
                    .position(chart.legend.clone())
                    .draw()
                    .map_err(err)?;
            }
        }};
    }
    match (chart.log_x, chart.log_y) {
        (true, true) => draw!((x0..x1).log_scale(), (y0..y1).log_scale()),
        (true, false) => draw!((x0..x1).log_scale(), y0..y1),
        (false, true) => draw!(x0..x1, (y0..y1).log_scale()),
        (false, false) => draw!(x0..x1, y0..y1),
    }
    root.present().map_err(err)?;
    Ok(())
}
