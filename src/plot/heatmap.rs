//! PNG heatmaps of 2-D sweeps, with labelled axes (log where the axis is
//! log-spaced), a colour bar, a perceptually uniform map for quantities of
//! one sign and a diverging one where the sign matters.

use super::ticks::{Keyed, Ticks};
use std::path::{Path, PathBuf};

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::config::Axis;

/// The embedded font (DejaVu Sans, see assets/DejaVuSans-LICENSE.txt), so
/// plots need no system font libraries.
static FONT: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");

pub fn register_font() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
    });
}

/// Axis label with its unit (ħ = k_B = 1, energies in ω0).
pub fn axis_label(name: &str) -> String {
    match name {
        "t_a" => "T_A (ω0)".into(),
        "t_s" => "T_S (ω0)".into(),
        "beta_a" => "β_A (1/ω0)".into(),
        "beta_s" => "β_S (1/ω0)".into(),
        "gamma" => "Γ0 (ω0)".into(),
        "gamma_a" => "Γ_A0 (ω0)".into(),
        "gamma_s" => "Γ_S0 (ω0)".into(),
        "lambda" => "λ (ω0)".into(),
        "tau" => "τ (1/ω0)".into(),
        "rate_a_up" => "Γ_A+ (ω0)".into(),
        "rate_a_down" => "Γ_A− (ω0)".into(),
        "rate_s_up" => "Γ_S+ (ω0)".into(),
        "rate_s_down" => "Γ_S− (ω0)".into(),
        "detuning" => "δ (ω0)".into(),
        "dephasing" => "γφ (ω0)".into(),
        "omega0" => "ω0".into(),
        other => other.into(),
    }
}

/// A parameter's symbol without its unit (`T_A` for `t_a`).
pub fn parameter_symbol(name: &str) -> String {
    let l = axis_label(name);
    l.split(" (").next().unwrap_or(&l).to_string()
}

/// `symbol = value unit` for a parameter (`Γ0 = 1.0e-3 ω0`,
/// `τ = 10/ω0`): a slice's title.
pub fn parameter_value(name: &str, v: f64) -> String {
    let l = axis_label(name);
    let value = fmt_tick(v);
    match l.split_once(" (") {
        Some((symbol, unit)) => {
            let unit = unit.trim_end_matches(')');
            match unit.strip_prefix('1') {
                Some(per) => format!("{symbol} = {value}{per}"),
                None => format!("{symbol} = {value} {unit}"),
            }
        }
        None => format!("{l} = {value}"),
    }
}

/// Units as plots print them.
fn units_text(units: &str) -> &str {
    match units {
        "omega0" => "ω0",
        "omega0^2" => "ω0²",
        "1/omega0" => "1/ω0",
        other => other,
    }
}

/// A quantity in words with its units, for titles and colour bars.
pub fn quantity_label(name: &str) -> String {
    match nessbat_kernels::Quantity::from_name(name) {
        Some(q) if q.units() == "1" => q.long_name().to_string(),
        Some(q) => format!("{} ({})", q.long_name(), units_text(q.units())),
        None => match name {
            "cycles" => "cycles to the OSS".into(),
            "status" => "status (0 ok, 1 not converged, 2 invalid, 3 imprecise)".into(),
            "gate_over_optimal" => "power of U_G / optimal power".into(),
            other => other.into(),
        },
    }
}

fn lerp_table(table: &[(f64, f64, f64)], t: f64) -> RGBColor {
    let t = t.clamp(0.0, 1.0) * (table.len() - 1) as f64;
    let i = (t.floor() as usize).min(table.len() - 2);
    let f = t - i as f64;
    let c = |a: f64, b: f64| ((a + (b - a) * f) * 255.0).round() as u8;
    RGBColor(
        c(table[i].0, table[i + 1].0),
        c(table[i].1, table[i + 1].1),
        c(table[i].2, table[i + 1].2),
    )
}

/// Viridis (perceptually uniform), sampled at nine points.
pub fn viridis(t: f64) -> RGBColor {
    const V: [(f64, f64, f64); 9] = [
        (0.267, 0.005, 0.329),
        (0.279, 0.175, 0.483),
        (0.230, 0.322, 0.546),
        (0.173, 0.449, 0.558),
        (0.128, 0.567, 0.551),
        (0.153, 0.680, 0.504),
        (0.361, 0.785, 0.388),
        (0.678, 0.864, 0.190),
        (0.993, 0.906, 0.144),
    ];
    lerp_table(&V, t)
}

/// Blue–white–red (ColorBrewer RdBu, reversed): for signed quantities,
/// white at zero.
pub fn diverging(t: f64) -> RGBColor {
    const D: [(f64, f64, f64); 7] = [
        (0.129, 0.400, 0.675),
        (0.404, 0.663, 0.812),
        (0.820, 0.898, 0.941),
        (0.969, 0.969, 0.969),
        (0.992, 0.859, 0.780),
        (0.937, 0.541, 0.384),
        (0.698, 0.094, 0.169),
    ];
    lerp_table(&D, t)
}

/// Cell edges around axis values: midpoints (geometric on log axes), ends
/// extended by half a step.
fn edges(v: &[f64], log: bool) -> Vec<f64> {
    let f = |x: f64| if log { x.ln() } else { x };
    let g = |x: f64| if log { x.exp() } else { x };
    let w: Vec<f64> = v.iter().map(|x| f(*x)).collect();
    if w.len() == 1 {
        let h = if log {
            0.1
        } else {
            w[0].abs().max(1e-12) * 0.05
        };
        return vec![g(w[0] - h), g(w[0] + h)];
    }
    let mut e = vec![g(w[0] - (w[1] - w[0]) / 2.0)];
    for i in 0..w.len() - 1 {
        e.push(g((w[i] + w[i + 1]) / 2.0));
    }
    let n = w.len();
    e.push(g(w[n - 1] + (w[n - 1] - w[n - 2]) / 2.0));
    e
}

fn err<E: std::fmt::Display>(e: E) -> std::io::Error {
    std::io::Error::other(format!("plot: {e}"))
}

/// What a heatmap says in words: its title, the colour bar's label (with
/// units), and a subtitle (the fixed parameters).
#[derive(Debug, Clone, Default)]
pub struct Labels {
    pub title: String,
    pub colour: String,
    pub subtitle: String,
}

/// How values become colours.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Scale {
    /// Viridis over [lo, hi].
    Linear(f64, f64),
    /// Viridis over log10 of [lo, hi] (one sign, more than two decades);
    /// `sign` is −1 for negative data, drawn by magnitude.
    Log(f64, f64, f64),
    /// Blue–white–red, symmetric about zero.
    Diverging(f64),
    /// Every finite value is the same.
    Constant(f64),
}

/// The scale for `data`: diverging where both signs matter (values of the
/// other sign within 1e-6 of the range are rounding), logarithmic for one
/// sign over more than two decades, else linear.
fn scale(data: &[f64]) -> Scale {
    let finite: Vec<f64> = data.iter().copied().filter(|v| v.is_finite()).collect();
    if finite.is_empty() {
        return Scale::Constant(f64::NAN);
    }
    let lo = finite.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if lo == hi {
        return Scale::Constant(lo);
    }
    let span = lo.abs().max(hi.abs());
    if lo < -1e-6 * span && hi > 1e-6 * span {
        return Scale::Diverging(span);
    }
    let sign = if hi > 0.0 { 1.0 } else { -1.0 };
    let mags: Vec<f64> = finite
        .iter()
        .map(|v| v * sign)
        .filter(|v| *v > 0.0)
        .collect();
    let (mlo, mhi) = (
        mags.iter().copied().fold(f64::INFINITY, f64::min),
        mags.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    );
    if mags.len() > 1 && mhi > 100.0 * mlo {
        Scale::Log(mlo.log10(), mhi.log10(), sign)
    } else if sign > 0.0 {
        Scale::Linear(lo.max(0.0), hi)
    } else {
        Scale::Linear(lo, hi.min(0.0))
    }
}

/// Grey for NaN; pale for the zeros of a log scale.
const NAN_GREY: RGBColor = RGBColor(190, 190, 190);
const ZERO_PALE: RGBColor = RGBColor(236, 236, 236);

fn colour(scale: Scale, v: f64) -> RGBColor {
    if !v.is_finite() {
        return NAN_GREY;
    }
    match scale {
        Scale::Linear(lo, hi) => viridis((v - lo) / (hi - lo)),
        Scale::Log(lo, hi, sign) => {
            let m = v * sign;
            if m > 0.0 {
                viridis((m.log10() - lo) / (hi - lo))
            } else {
                ZERO_PALE
            }
        }
        Scale::Diverging(m) => diverging(0.5 + 0.5 * v / m),
        Scale::Constant(_) => viridis(0.5),
    }
}

/// Draws `data` (C order over `x` × `y`, so y varies fastest) as a
/// heatmap titled by the quantity's name.
pub fn heatmap(
    path: &Path,
    name: &str,
    x: &Axis,
    y: &Axis,
    data: &[f64],
) -> std::io::Result<PathBuf> {
    let label = quantity_label(name);
    let labels = Labels {
        title: label.clone(),
        colour: label,
        subtitle: String::new(),
    };
    heatmap_with(path, name, x, y, data, &labels)
}

/// Draws `data` as a heatmap into `path/name.png` (and `name.svg` with
/// `svg`), with `labels`.
///
/// Log-spaced axes are drawn in log10 coordinates with ticks labelled by
/// their values, so that any range, even within one decade, has labelled
/// ticks. A map whose finite values are all equal says so on the map.
pub fn heatmap_with(
    path: &Path,
    name: &str,
    x: &Axis,
    y: &Axis,
    data: &[f64],
    labels: &Labels,
) -> std::io::Result<PathBuf> {
    heatmap_in(path, name, x, y, data, labels, false).map(|mut f| f.remove(0))
}

/// [`heatmap_with`], also as SVG where `svg`: the files written.
pub fn heatmap_in(
    path: &Path,
    name: &str,
    x: &Axis,
    y: &Axis,
    data: &[f64],
    labels: &Labels,
    svg: bool,
) -> std::io::Result<Vec<PathBuf>> {
    register_font();
    // Cells at their coordinates, whatever order a `values` axis lists.
    let ((x, px), (y, py)) = (ascending(x), ascending(y));
    let (x, y) = (&x, &y);
    let ny = y.values.len();
    let data: Vec<f64> = px
        .iter()
        .flat_map(|&i| py.iter().map(move |&j| data[i * ny + j]))
        .collect();
    let data = &data[..];
    let scale = scale(data);
    let size = (900, 760);
    let png = path.join(format!("{name}.png"));
    {
        let root = BitMapBackend::new(png.as_path(), size).into_drawing_area();
        titled_map(&root, x, y, data, scale, labels)?;
        root.present().map_err(err)?;
    }
    let mut files = vec![png];
    if svg {
        let file = path.join(format!("{name}.svg"));
        {
            let root = SVGBackend::new(file.as_path(), size).into_drawing_area();
            titled_map(&root, x, y, data, scale, labels)?;
            root.present().map_err(err)?;
        }
        files.push(file);
    }
    Ok(files)
}

/// `axis` with its values ascending, and the permutation that does it:
/// value k of the result is value `perm[k]` of `axis` (a `values` axis
/// keeps the user's order in the arrays; a plot puts cells and points at
/// their coordinates).
pub fn ascending(axis: &Axis) -> (Axis, Vec<usize>) {
    let mut perm: Vec<usize> = (0..axis.values.len()).collect();
    perm.sort_by(|&a, &b| axis.values[a].total_cmp(&axis.values[b]));
    let values = perm.iter().map(|&k| axis.values[k]).collect();
    (
        Axis {
            name: axis.name.clone(),
            values,
            spacing: axis.spacing.clone(),
        },
        perm,
    )
}

/// Width of a slice grid's one colour bar, in pixels.
const BAR_WIDTH: u32 = 170;

/// Slices of a 3-D array (C order over `x` × `y` × `z`) at up to nine
/// values of `z`, as a grid of heatmaps on one shared colour scale, into
/// `path/name.png` (and `.svg`).
pub fn slice_grid(
    path: &Path,
    name: &str,
    axes: [&Axis; 3],
    data: &[f64],
    labels: &Labels,
    svg: bool,
) -> std::io::Result<Vec<PathBuf>> {
    register_font();
    let [x, y, z] = axes;
    let (ny0, nz) = (y.values.len(), z.values.len());
    let ((x, px), (y, py), (z, pz)) = (ascending(x), ascending(y), ascending(z));
    let (x, y, z) = (&x, &y, &z);
    let picks: Vec<usize> = if nz <= 9 {
        (0..nz).collect()
    } else {
        (0..9).map(|k| k * (nz - 1) / 8).collect()
    };
    let scale = scale(data);
    let cols = if picks.len() > 4 {
        3
    } else {
        picks.len().min(2)
    };
    let rows = picks.len().div_ceil(cols);
    let size = (460 * cols as u32 + BAR_WIDTH, 70 + 470 * rows as u32);
    // Slice k of the sorted z, over the sorted x and y.
    let slice = |k: usize| -> Vec<f64> {
        px.iter()
            .flat_map(|&i| py.iter().map(move |&j| (i, j)))
            .map(|(i, j)| data[(i * ny0 + j) * nz + pz[k]])
            .collect()
    };
    macro_rules! grid {
        ($root:expr) => {{
            let root = $root;
            root.fill(&WHITE).map_err(err)?;
            let (head, body) = root.split_vertically(70);
            header(&head, labels)?;
            // One colour bar for every panel: they share the scale.
            let w = body.dim_in_pixel().0;
            let (maps, bar) = body.split_horizontally(w - BAR_WIDTH);
            let panels = maps.split_evenly((rows, cols));
            for (p, &k) in panels.iter().zip(&picks) {
                let title = parameter_value(&z.name, z.values[k]);
                map_panel(p, x, y, &slice(k), scale, &title, None, 14)?;
            }
            colour_bar(&bar, scale, &labels.colour, 16)?;
            root.present().map_err(err)?;
        }};
    }
    let png = path.join(format!("{name}.png"));
    grid!(BitMapBackend::new(png.as_path(), size).into_drawing_area());
    let mut files = vec![png];
    if svg {
        let file = path.join(format!("{name}.svg"));
        grid!(SVGBackend::new(file.as_path(), size).into_drawing_area());
        files.push(file);
    }
    Ok(files)
}

/// The title and subtitle across the top.
fn header<DB: DrawingBackend>(
    head: &DrawingArea<DB, plotters::coord::Shift>,
    labels: &Labels,
) -> std::io::Result<()> {
    head.draw_text(
        &labels.title,
        &("sans-serif", 24).into_text_style(head),
        (16, 10),
    )
    .map_err(err)?;
    head.draw_text(
        &labels.subtitle,
        &("sans-serif", 15).into_text_style(head),
        (16, 44),
    )
    .map_err(err)?;
    Ok(())
}

/// A whole heatmap figure on `root`: header, map and colour bar.
fn titled_map<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    x: &Axis,
    y: &Axis,
    data: &[f64],
    scale: Scale,
    labels: &Labels,
) -> std::io::Result<()> {
    root.fill(&WHITE).map_err(err)?;
    let (head, body) = root.split_vertically(70);
    header(&head, labels)?;
    map_panel(&body, x, y, data, scale, "", Some(&labels.colour), 16)
}

/// One map with its colour bar on `area`, titled `title` (may be empty).
#[expect(
    clippy::too_many_arguments,
    reason = "a panel's data, axes, scale and three labels"
)]
fn map_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    x: &Axis,
    y: &Axis,
    data: &[f64],
    scale: Scale,
    title: &str,
    colour_label: Option<&str>,
    font: u32,
) -> std::io::Result<()> {
    // With a label, the panel draws its own colour bar at the right.
    let w = area.dim_in_pixel().0;
    let (main, bar) = match colour_label {
        Some(_) => area.split_horizontally(w * 82 / 100),
        None => area.split_horizontally(w),
    };
    let (xl, yl) = (x.spacing == "log", y.spacing == "log");
    // Plot coordinates: log10 on log axes.
    let tx = |v: f64| if xl { v.log10() } else { v };
    let ty = |v: f64| if yl { v.log10() } else { v };
    let xe: Vec<f64> = edges(&x.values, xl).into_iter().map(tx).collect();
    let ye: Vec<f64> = edges(&y.values, yl).into_iter().map(ty).collect();
    let (x0, x1) = (xe[0].min(xe[xe.len() - 1]), xe[0].max(xe[xe.len() - 1]));
    let (y0, y1) = (ye[0].min(ye[ye.len() - 1]), ye[0].max(ye[ye.len() - 1]));
    // Labels in values; the coordinates are log10 on log axes.
    let value = |v: f64, log: bool| if log { 10f64.powf(v) } else { v };
    let (xt, yt) = (
        Ticks::new(value(x0, xl), value(x1, xl), xl),
        Ticks::new(value(y0, yl), value(y1, yl), yl),
    );
    let xf = move |v: &f64| xt.label(value(*v, xl));
    let yf = move |v: &f64| yt.label(value(*v, yl));
    let mut builder = ChartBuilder::on(&main);
    builder
        .margin(12)
        .x_label_area_size(3 * font + 8)
        .y_label_area_size(5 * font + 4);
    if !title.is_empty() {
        builder.caption(title, ("sans-serif", font + 4));
    }
    let mut chart = builder
        .build_cartesian_2d(Keyed::new(x0, x1, xl, 7), Keyed::new(y0, y1, yl, 7))
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(axis_label(&x.name))
        .y_desc(axis_label(&y.name))
        .label_style(("sans-serif", font))
        .axis_desc_style(("sans-serif", font + 4))
        .x_label_formatter(&xf)
        .y_label_formatter(&yf)
        .draw()
        .map_err(err)?;
    let ny = y.values.len();
    chart
        .draw_series((0..x.values.len()).flat_map(|i| {
            let (xe, ye) = (&xe, &ye);
            (0..ny).map(move |j| {
                Rectangle::new(
                    [(xe[i], ye[j]), (xe[i + 1], ye[j + 1])],
                    colour(scale, data[i * ny + j]).filled(),
                )
            })
        }))
        .map_err(err)?;
    if let Scale::Constant(v) = scale {
        let what = if v.is_nan() {
            "no finite value anywhere".to_string()
        } else {
            format!("constant: {} everywhere", fmt_tick(v))
        };
        chart
            .draw_series(std::iter::once(Text::new(
                what,
                ((x0 + x1) / 2.0, (y0 + y1) / 2.0),
                ("sans-serif", font + 10)
                    .into_font()
                    .color(&WHITE)
                    .pos(Pos::new(HPos::Center, VPos::Center)),
            )))
            .map_err(err)?;
    }
    match colour_label {
        Some(label) => colour_bar(&bar, scale, label, font),
        None => Ok(()),
    }
}

/// The colour bar, labelled in words and units; in log10 coordinates with
/// value labels for a log scale.
fn colour_bar<DB: DrawingBackend>(
    bar: &DrawingArea<DB, plotters::coord::Shift>,
    scale: Scale,
    label: &str,
    font: u32,
) -> std::io::Result<()> {
    let (c0, c1) = match scale {
        Scale::Linear(lo, hi) => (lo, hi),
        Scale::Log(lo, hi, _) => (lo, hi),
        Scale::Diverging(m) => (-m, m),
        // A constant map's bar spans its value ± half (± 0.5 about 0).
        Scale::Constant(v) if v.is_finite() && v != 0.0 => (v - 0.5 * v.abs(), v + 0.5 * v.abs()),
        Scale::Constant(0.0) => (-0.5, 0.5),
        Scale::Constant(_) => (0.0, 1.0),
    };
    let log = matches!(scale, Scale::Log(..));
    let sign = if let Scale::Log(_, _, s) = scale {
        s
    } else {
        1.0
    };
    let value = move |v: f64| if log { sign * 10f64.powf(v) } else { v };
    let ticks = Ticks::new(value(c0), value(c1), log);
    let fmt = move |v: &f64| ticks.label(value(*v));
    let desc = if log {
        format!("{label} (log scale; pale: 0)")
    } else {
        label.to_string()
    };
    let mut cb = ChartBuilder::on(bar)
        .margin_top(12)
        .margin_bottom(68)
        .margin_right(8)
        .y_label_area_size(0)
        .right_y_label_area_size(6 * font)
        .build_cartesian_2d(0.0..1.0, Keyed::new(c0, c1, log, 8))
        .map_err(err)?;
    cb.configure_mesh()
        .disable_mesh()
        .disable_x_axis()
        .label_style(("sans-serif", font - 2))
        .y_label_formatter(&fmt)
        .y_desc(desc)
        .axis_desc_style(("sans-serif", font - 1))
        .draw()
        .map_err(err)?;
    let steps = 200;
    let value = |t: f64| match scale {
        Scale::Log(..) => sign * 10f64.powf(t),
        _ => t,
    };
    cb.draw_series((0..steps).map(|k| {
        let a = c0 + (c1 - c0) * k as f64 / steps as f64;
        let b = c0 + (c1 - c0) * (k + 1) as f64 / steps as f64;
        Rectangle::new(
            [(0.0, a), (1.0, b)],
            colour(scale, value(0.5 * (a + b))).filled(),
        )
    }))
    .map_err(err)?;
    Ok(())
}

/// Compact tick labels: plain for moderate values, scientific otherwise.
pub fn fmt_tick(v: f64) -> String {
    let a = v.abs();
    // Rounding residue of a linear axis through zero prints as 0.
    if a < 1e-12 {
        "0".into()
    } else if (1e-2..1e4).contains(&a) {
        let s = format!("{v:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        format!("{v:.1e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_values_axis_is_drawn_in_ascending_order() {
        // A `values` axis keeps the user's order in the arrays; the plot
        // reorders cells by coordinate (found: cells drawn at the wrong
        // temperatures, an axis running to negative T_S).
        let axis = Axis {
            name: "t_a".into(),
            values: vec![3.0, 0.2, 1.0, 0.5],
            spacing: "values".into(),
        };
        let (sorted, perm) = ascending(&axis);
        assert_eq!(sorted.values, [0.2, 0.5, 1.0, 3.0]);
        assert_eq!(perm, [1, 3, 2, 0]);
        for (k, &p) in perm.iter().enumerate() {
            assert_eq!(sorted.values[k], axis.values[p]);
        }
    }

    #[test]
    fn the_scale_follows_the_data() {
        // One sign over more than two decades: log, zeros drawn pale.
        assert!(matches!(scale(&[0.0, 1e-9, 1e-6, 1e-3]), Scale::Log(..)));
        assert!(matches!(scale(&[-1e-9, -1e-3]), Scale::Log(_, _, s) if s == -1.0));
        // Within two decades: linear.
        assert!(matches!(scale(&[1.0, 50.0]), Scale::Linear(..)));
        // Both signs: diverging about zero; rounding of the other sign is not a sign.
        assert!(matches!(scale(&[-2.0, 1.0]), Scale::Diverging(m) if m == 2.0));
        assert!(matches!(scale(&[-1e-12, 1.0, 3.0]), Scale::Linear(..)));
        assert!(matches!(scale(&[4.0, 4.0, f64::NAN]), Scale::Constant(v) if v == 4.0));
        assert!(matches!(scale(&[f64::NAN]), Scale::Constant(v) if v.is_nan()));
        assert_eq!(colour(scale(&[0.0, 1e-9, 1e-3]), 0.0), ZERO_PALE);
        assert_eq!(colour(scale(&[0.0, 1.0]), f64::NAN), NAN_GREY);
    }

    #[test]
    fn labels_are_words_with_units() {
        assert_eq!(quantity_label("heat_in"), "heat absorbed per cycle (ω0)");
        assert_eq!(quantity_label("power"), "power (ω0²)");
        assert_eq!(quantity_label("efficiency"), "efficiency");
        assert_eq!(parameter_symbol("t_a"), "T_A");
        // Slice titles carry the unit.
        assert_eq!(parameter_value("gamma", 1e-3), "Γ0 = 1.0e-3 ω0");
        assert_eq!(parameter_value("tau", 10.0), "τ = 10/ω0");
    }
}
