//! PNG heatmaps of 2-D sweeps, with labelled axes (log where the axis is
//! log-spaced), a colour bar, a perceptually uniform map for quantities of
//! one sign and a diverging one where the sign matters.

use std::path::{Path, PathBuf};

use plotters::prelude::*;

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

/// Title of a quantity's colour bar, with units.
pub fn quantity_label(name: &str) -> String {
    match name {
        "ergotropy" => "ergotropy per cycle (ω0)".into(),
        "power" => "power (ω0²)".into(),
        "efficiency" => "efficiency η".into(),
        "heat_hot" => "heat from the hot bath per cycle (ω0)".into(),
        "heat_a" => "heat from A per cycle (ω0)".into(),
        "heat_s" => "heat from S per cycle (ω0)".into(),
        "ness_ergotropy" => "NESS ergotropy (ω0)".into(),
        "cycles" => "cycles to the OSS".into(),
        "gate_over_optimal" => "power of U_G / optimal power".into(),
        other => other.into(),
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

/// Draws `data` (C order over `x` × `y`, so y varies fastest) as a heatmap.
pub fn heatmap(
    path: &Path,
    name: &str,
    x: &Axis,
    y: &Axis,
    data: &[f64],
) -> std::io::Result<PathBuf> {
    register_font();
    let finite: Vec<f64> = data.iter().copied().filter(|v| v.is_finite()).collect();
    let lo = finite.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = if finite.is_empty() {
        (0.0, 1.0)
    } else {
        (lo, hi)
    };
    // Signed data: diverging map, symmetric about zero. Rounding-level
    // values of the other sign (|v| < 1e-6 of the range) do not count.
    let span = lo.abs().max(hi.abs());
    let signed = lo < -1e-6 * span && hi > 1e-6 * span;
    let (lo, hi) = if signed {
        (lo, hi)
    } else if hi > 0.0 {
        (lo.max(0.0), hi)
    } else {
        (lo, hi.min(0.0))
    };
    let (cmin, cmax) = if signed {
        let m = lo.abs().max(hi.abs());
        (-m, m)
    } else if hi > lo {
        (lo, hi)
    } else {
        (
            lo - 0.5 * lo.abs().max(1e-300),
            hi + 0.5 * hi.abs().max(1e-300),
        )
    };
    let colour = |v: f64| -> RGBColor {
        if !v.is_finite() {
            return RGBColor(190, 190, 190);
        }
        let t = (v - cmin) / (cmax - cmin);
        if signed {
            diverging(t)
        } else {
            viridis(t)
        }
    };
    let file = path.join(format!("{name}.png"));
    let root = BitMapBackend::new(file.as_path(), (900, 720)).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let (main, bar) = root.split_horizontally(760);
    let xl = x.spacing == "log";
    let yl = y.spacing == "log";
    let xe = edges(&x.values, xl);
    let ye = edges(&y.values, yl);
    let (x0, x1) = (xe[0].min(xe[xe.len() - 1]), xe[0].max(xe[xe.len() - 1]));
    let (y0, y1) = (ye[0].min(ye[ye.len() - 1]), ye[0].max(ye[ye.len() - 1]));
    let title = quantity_label(name);
    macro_rules! draw {
        ($xr:expr, $yr:expr) => {{
            let mut chart = ChartBuilder::on(&main)
                .caption(&title, ("sans-serif", 24))
                .margin(12)
                .x_label_area_size(56)
                .y_label_area_size(84)
                .build_cartesian_2d($xr, $yr)
                .map_err(err)?;
            chart
                .configure_mesh()
                .disable_mesh()
                .x_desc(axis_label(&x.name))
                .y_desc(axis_label(&y.name))
                .label_style(("sans-serif", 16))
                .axis_desc_style(("sans-serif", 20))
                .x_label_formatter(&|v| fmt_tick(*v))
                .y_label_formatter(&|v| fmt_tick(*v))
                .draw()
                .map_err(err)?;
            let ny = y.values.len();
            chart
                .draw_series((0..x.values.len()).flat_map(|i| {
                    let (xe, ye) = (&xe, &ye);
                    (0..ny).map(move |j| {
                        Rectangle::new(
                            [(xe[i], ye[j]), (xe[i + 1], ye[j + 1])],
                            colour(data[i * ny + j]).filled(),
                        )
                    })
                }))
                .map_err(err)?;
        }};
    }
    match (xl, yl) {
        (true, true) => draw!((x0..x1).log_scale(), (y0..y1).log_scale()),
        (true, false) => draw!((x0..x1).log_scale(), y0..y1),
        (false, true) => draw!(x0..x1, (y0..y1).log_scale()),
        (false, false) => draw!(x0..x1, y0..y1),
    }
    // Colour bar.
    let mut cb = ChartBuilder::on(&bar)
        .margin_top(48)
        .margin_bottom(68)
        .margin_right(70)
        .y_label_area_size(0)
        .right_y_label_area_size(64)
        .build_cartesian_2d(0.0..1.0, cmin..cmax)
        .map_err(err)?;
    cb.configure_mesh()
        .disable_mesh()
        .disable_x_axis()
        .label_style(("sans-serif", 14))
        .y_label_formatter(&|v| fmt_tick(*v))
        .draw()
        .map_err(err)?;
    let steps = 200;
    cb.draw_series((0..steps).map(|k| {
        let a = cmin + (cmax - cmin) * k as f64 / steps as f64;
        let b = cmin + (cmax - cmin) * (k + 1) as f64 / steps as f64;
        Rectangle::new([(0.0, a), (1.0, b)], colour(0.5 * (a + b)).filled())
    }))
    .map_err(err)?;
    root.present().map_err(err)?;
    Ok(file.clone())
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
