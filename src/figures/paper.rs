//! The paper's figures: Fig. 2 (NESS ergotropy over β_A × β_S), Fig. 3 (a
//! full cycle), Fig. 4(a) (efficiency and power against τ with the
//! short-cycle plateau), Fig. 4(b) (ergotropy per cycle from ρ_NESS to the
//! OSS) and Fig. 4(c) (the dynamics at τ = 150).

use std::fmt::Write;
use std::path::PathBuf;

use super::{Ctx, Error, Size};
use crate::config::{linspace, Axis};
use crate::model::closed_form::{eq14_power, eq16_efficiency};
use crate::model::{EngineParams, ModelKind, Protocol, Rates, LEVEL_NAMES};
use crate::oracle::trace::{ergotropy_per_cycle, population_trace, samples_csv, Sample};
use crate::plot::heatmap::heatmap;
use crate::plot::lines::{line_chart, LineChart, Series};
use nessbat_kernels::Quantity;
use plotters::prelude::SeriesLabelPosition;

/// A 1-D sweep: x and two quantities along it.
pub type Curves = (Vec<f64>, Vec<f64>, Vec<f64>);
/// Fig. 4(b)'s files and (τ, cycles to the OSS).
pub type Fig4b = (Vec<PathBuf>, Vec<(f64, u64)>);

/// The τ values of Fig. 4(b).
pub const FIG4B_TAUS: [f64; 5] = [1.0, 10.0, 50.0, 150.0, 1000.0];

pub fn all(ctx: &Ctx) -> Result<Vec<PathBuf>, Error> {
    let mut files = fig2(ctx)?;
    files.extend(fig3(ctx)?);
    files.extend(fig4a(ctx)?);
    files.extend(fig4b(ctx)?.0);
    files.extend(fig4c(ctx)?);
    Ok(files)
}

/// Fig. 2: the caption's rates Γ_S+ = Γ_A+ = 3.5e-4 with Γ_k− = Γ_k+ e^{β_k}
/// (β_S ≈ 2.75 gives Γ_S− = 5.5e-3), so β_A, β_S are inverse effective
/// temperatures at fixed pumping.
pub fn fig2(ctx: &Ctx) -> Result<Vec<PathBuf>, Error> {
    let n = ctx.size.side();
    let up = 3.5e-4;
    let betas = linspace(0.05, 5.0, n as u64);
    let downs: Vec<String> = betas
        .iter()
        .map(|b| format!("{:e}", up * b.exp()))
        .collect();
    let toml = format!(
        "[fixed]\nlambda = 0.01\ntau = 150.0\nrate_a_up = {up}\nrate_s_up = {up}\n\
         [[axes]]\nname = \"rate_a_down\"\nvalues = [{d}]\n[[axes]]\nname = \"rate_s_down\"\nvalues = [{d}]\n",
        d = downs.join(", ")
    );
    let (_, res) = ctx.sweep(&toml)?;
    let e = res.values(Quantity::NessErgotropy);
    let ax = |name: &str| Axis {
        name: name.into(),
        values: betas.clone(),
        spacing: "linear".into(),
    };
    Ok(vec![
        ctx.npy("fig2_ness_ergotropy", &[n, n], &e)?,
        ctx.npy("fig2_beta", &[n], &betas)?,
        heatmap_named(
            ctx,
            "fig2_ness_ergotropy",
            "ness_ergotropy",
            &ax("beta_a"),
            &ax("beta_s"),
            &e,
        )?,
    ])
}

/// Writes a heatmap of quantity `q` under the file name `file`.
pub fn heatmap_named(
    ctx: &Ctx,
    file: &str,
    q: &str,
    x: &Axis,
    y: &Axis,
    data: &[f64],
) -> Result<PathBuf, Error> {
    let p = heatmap(ctx.out, q, x, y, data).map_err(Error::io(ctx.out))?;
    let target = ctx.out.join(format!("{file}.png"));
    std::fs::rename(&p, &target).map_err(Error::io(&target))?;
    Ok(target)
}

fn population_series(rows: &[Sample]) -> Vec<Series> {
    (0..4)
        .map(|k| Series {
            label: format!("p_{}", LEVEL_NAMES[k]),
            points: rows.iter().map(|r| (r.t, r.populations[k])).collect(),
            dashed: false,
        })
        .collect()
}

/// Fig. 3: one full cycle at the paper's parameters: ρ_NESS, extraction
/// (the A ↔ S swap) after an idle phase, then recharging to the NESS
/// (τ = 3000 ≫ 1/ΣΓ).
pub fn fig3(ctx: &Ctx) -> Result<Vec<PathBuf>, Error> {
    let p = EngineParams {
        tau: 3000.0,
        ..EngineParams::default()
    };
    let rows = population_trace(&p, ModelKind::Populations, Protocol::Optimal, 1, 600, 300.0)?;
    let (csv, png) = population_figure(
        ctx,
        "fig3_populations",
        "Fig. 3: one cycle, extraction at t = 300, recharge to the NESS",
        &rows,
    )?;
    Ok(vec![csv, png])
}

/// Writes a population trace as `{name}.csv` and a chart `{name}.png`.
fn population_figure(
    ctx: &Ctx,
    name: &str,
    title: &str,
    rows: &[Sample],
) -> Result<(PathBuf, PathBuf), Error> {
    let csv = ctx.out.join(format!("{name}.csv"));
    std::fs::write(&csv, samples_csv(rows)).map_err(Error::io(&csv))?;
    let png = line_chart(
        ctx.out,
        name,
        &LineChart {
            title,
            x_label: "t (1/ω0)",
            y_label: "level population",
            log_x: false,
            log_y: false,
            series: population_series(rows),
            legend: SeriesLabelPosition::MiddleRight,
        },
    )
    .map_err(Error::io(ctx.out))?;
    Ok((csv, png))
}

/// Fig. 4(a): efficiency and power at the OSS against τ, with the
/// short-cycle plateau of Eqs. 14–16. Returns (τ, η, P) too.
pub fn fig4a_data(ctx: &Ctx) -> Result<Curves, Error> {
    let n = 2 * ctx.size.side();
    let toml = format!(
        "[fixed]\nlambda = 0.01\ngamma = 1e-3\nt_a = 2.0\nt_s = 0.1\n\
         [[axes]]\nname = \"tau\"\nrange = [1e-2, 1e4]\npoints = {n}\nspacing = \"log\"\n"
    );
    let (grid, res) = ctx.sweep(&toml)?;
    Ok((
        grid.axes[0].values.clone(),
        res.values(Quantity::Efficiency),
        res.values(Quantity::Power),
    ))
}

pub fn fig4a(ctx: &Ctx) -> Result<Vec<PathBuf>, Error> {
    let (tau, eta, power) = fig4a_data(ctx)?;
    let p = EngineParams::default();
    let r = Rates::from_params(&p);
    let plateau = |v: f64| vec![(tau[0], v), (tau[tau.len() - 1], v)];
    let curve = |y: &[f64]| {
        tau.iter()
            .copied()
            .zip(y.iter().copied())
            .collect::<Vec<_>>()
    };
    let n = tau.len();
    let mut files = vec![
        ctx.npy("fig4a_tau", &[n], &tau)?,
        ctx.npy("fig4a_efficiency", &[n], &eta)?,
        ctx.npy("fig4a_power", &[n], &power)?,
    ];
    files.push(
        line_chart(
            ctx.out,
            "fig4a_efficiency",
            &LineChart {
                title: "Fig. 4(a): efficiency at the OSS",
                x_label: "τ (1/ω0)",
                y_label: "efficiency η",
                log_x: true,
                log_y: false,
                series: vec![
                    Series {
                        label: "η (OSS)".into(),
                        points: curve(&eta),
                        dashed: false,
                    },
                    Series {
                        label: "Eq. 16 plateau".into(),
                        points: plateau(eq16_efficiency(p.omega0, p.lambda, &r)),
                        dashed: true,
                    },
                ],
                legend: SeriesLabelPosition::LowerLeft,
            },
        )
        .map_err(Error::io(ctx.out))?,
    );
    files.push(
        line_chart(
            ctx.out,
            "fig4a_power",
            &LineChart {
                title: "Fig. 4(a): power at the OSS",
                x_label: "τ (1/ω0)",
                y_label: "power (ω0²)",
                log_x: true,
                log_y: true,
                series: vec![
                    Series {
                        label: "P (OSS)".into(),
                        points: curve(&power),
                        dashed: false,
                    },
                    Series {
                        label: "Eq. 14 short-cycle power".into(),
                        points: plateau(eq14_power(p.lambda, &r)),
                        dashed: true,
                    },
                ],
                legend: SeriesLabelPosition::LowerLeft,
            },
        )
        .map_err(Error::io(ctx.out))?,
    );
    Ok(files)
}

/// Fig. 4(b): work extracted in each cycle from ρ_NESS until the OSS, for
/// several τ. Also returns (τ, cycles to the OSS).
pub fn fig4b(ctx: &Ctx) -> Result<Fig4b, Error> {
    let mut csv = String::from("tau,cycle,ergotropy\n");
    let mut series = Vec::new();
    let mut cycles = Vec::new();
    let taus: &[f64] = if ctx.size == Size::Quick {
        &FIG4B_TAUS[1..]
    } else {
        &FIG4B_TAUS
    };
    for &tau in taus {
        let p = EngineParams {
            tau,
            ..EngineParams::default()
        };
        let (rows, converged) =
            ergotropy_per_cycle(&p, ModelKind::Populations, Protocol::Optimal, 10_000_000)?;
        assert!(
            converged,
            "Fig. 4(b) iteration did not reach the OSS at τ = {tau}"
        );
        cycles.push((tau, rows.len() as u64));
        for (n, w) in &rows {
            let _ = writeln!(csv, "{tau},{n},{w}");
        }
        series.push(Series {
            label: format!("τ = {tau}"),
            points: rows.iter().map(|(n, w)| (*n as f64, *w)).collect(),
            dashed: false,
        });
    }
    let path = ctx.out.join("fig4b_ergotropy_per_cycle.csv");
    std::fs::write(&path, csv).map_err(Error::io(&path))?;
    let png = line_chart(
        ctx.out,
        "fig4b_ergotropy_per_cycle",
        &LineChart {
            title: "Fig. 4(b): ergotropy per cycle, from ρ_NESS to the OSS",
            x_label: "cycle",
            y_label: "ergotropy extracted (ω0)",
            log_x: true,
            log_y: true,
            series,
            legend: SeriesLabelPosition::UpperRight,
        },
    )
    .map_err(Error::io(ctx.out))?;
    Ok((vec![path, png], cycles))
}

/// Fig. 4(c): populations and ergotropy over the first cycles at τ = 150.
pub fn fig4c(ctx: &Ctx) -> Result<Vec<PathBuf>, Error> {
    let p = EngineParams::default();
    let rows = population_trace(&p, ModelKind::Populations, Protocol::Optimal, 30, 60, 0.0)?;
    let (csv, pops) = population_figure(
        ctx,
        "fig4c_populations",
        "Fig. 4(c): populations reaching the OSS, τ = 150",
        &rows,
    )?;
    let erg = line_chart(
        ctx.out,
        "fig4c_ergotropy",
        &LineChart {
            title: "Fig. 4(c): ergotropy of ρ(t), τ = 150",
            x_label: "t (1/ω0)",
            y_label: "ergotropy (ω0)",
            log_x: false,
            log_y: false,
            series: vec![Series {
                label: "ergotropy".into(),
                points: rows.iter().map(|r| (r.t, r.ergotropy)).collect(),
                dashed: false,
            }],
            legend: SeriesLabelPosition::LowerLeft,
        },
    )
    .map_err(Error::io(ctx.out))?;
    Ok(vec![csv, pops, erg])
}
