//! Beyond the paper: power and efficiency maps over (T_A, T_S), (λ, τ) and
//! (Γ_A0, Γ_S0); the fixed gate against the optimal unitary; detuning and
//! dephasing (density-matrix model); and the power–efficiency trade-off
//! across Γ_A0/Γ_S0.

use std::path::PathBuf;

use super::paper::{heatmap_named, Curves};
use super::{Ctx, Error};
use crate::config::{geomspace, Axis};
use crate::grid::Grid;
use crate::model::params::Baths;
use crate::model::{Bath, EngineParams, ModelKind, Protocol};
use crate::oracle::compute_point;
use crate::oracle::oss::OssOptions;
use crate::plot::lines::{line_chart, LineChart, Series};
use crate::store::SweepResults;
use nessbat_kernels::Quantity;
use plotters::prelude::SeriesLabelPosition;

/// Data of one map, for the claims.
pub struct MapData {
    pub name: &'static str,
    pub grid: Grid,
    pub res: SweepResults,
}

fn axes(grid: &Grid) -> (&Axis, &Axis) {
    (&grid.axes[0], &grid.axes[1])
}

/// Runs a 2-D sweep and writes `{prefix}_{q}.npy/.png` for each quantity.
fn map(
    ctx: &Ctx,
    prefix: &'static str,
    toml: &str,
    files: &mut Vec<PathBuf>,
) -> Result<MapData, Error> {
    let (grid, res) = ctx.sweep(toml)?;
    let shape = grid.shape();
    // η is NaN (grey) where no heat is absorbed, as the engine reports it.
    for q in [Quantity::Power, Quantity::Efficiency] {
        let data = res.values(q);
        let q = q.name();
        let name = format!("{prefix}_{q}");
        files.push(ctx.npy(&name, &shape, &data)?);
        let (x, y) = axes(&grid);
        files.push(heatmap_named(ctx, &name, q, x, y, &data)?);
    }
    Ok(MapData {
        name: prefix,
        grid,
        res,
    })
}

/// The thermal maps (used by the Carnot and zero-ergotropy claims) and the
/// files written.
pub fn maps(ctx: &Ctx, files: &mut Vec<PathBuf>) -> Result<Vec<MapData>, Error> {
    let n = ctx.size.side();
    let mut out = Vec::new();
    // Same values on both axes, so the diagonal is exactly T_A = T_S.
    out.push(map(
        ctx,
        "atlas_ta_ts",
        &format!(
            "[fixed]\nlambda = 0.01\ngamma = 1e-3\ntau = 150.0\n\
             [[axes]]\nname = \"t_a\"\nrange = [0.05, 5.0]\npoints = {n}\nspacing = \"log\"\n\
             [[axes]]\nname = \"t_s\"\nrange = [0.05, 5.0]\npoints = {n}\nspacing = \"log\"\n"
        ),
        files,
    )?);
    out.push(map(
        ctx,
        "atlas_lambda_tau",
        &format!(
            "[fixed]\ngamma = 1e-3\nt_a = 2.0\nt_s = 0.1\n\
             [[axes]]\nname = \"lambda\"\nrange = [1e-3, 0.5]\npoints = {n}\nspacing = \"log\"\n\
             [[axes]]\nname = \"tau\"\nrange = [1e-2, 1e4]\npoints = {n}\nspacing = \"log\"\n"
        ),
        files,
    )?);
    out.push(map(
        ctx,
        "atlas_gamma",
        &format!(
            "[fixed]\nlambda = 0.01\nt_a = 2.0\nt_s = 0.1\ntau = 150.0\n\
             [[axes]]\nname = \"gamma_a\"\nrange = [1e-5, 1e-1]\npoints = {n}\nspacing = \"log\"\n\
             [[axes]]\nname = \"gamma_s\"\nrange = [1e-5, 1e-1]\npoints = {n}\nspacing = \"log\"\n"
        ),
        files,
    )?);
    Ok(out)
}

/// Gate over optimal power, under a pumped A bath where other inversions
/// than A ↔ S appear.
fn gates(ctx: &Ctx, files: &mut Vec<PathBuf>) -> Result<(), Error> {
    let n = ctx.size.side();
    let toml = |protocol: &str| {
        format!(
            "protocol = \"{protocol}\"\n[fixed]\nlambda = 0.05\ntau = 150.0\nrate_s_up = 2e-5\nrate_s_down = 2e-3\n\
             [[axes]]\nname = \"rate_a_up\"\nrange = [1e-5, 1e-2]\npoints = {n}\nspacing = \"log\"\n\
             [[axes]]\nname = \"rate_a_down\"\nrange = [1e-5, 1e-2]\npoints = {n}\nspacing = \"log\"\n"
        )
    };
    let (grid, opt) = ctx.sweep(&toml("optimal"))?;
    let (_, gate) = ctx.sweep(&toml("gate-global"))?;
    let (po, pg) = (opt.values(Quantity::Power), gate.values(Quantity::Power));
    // Ratio where the optimal protocol delivers power at all.
    let ratio: Vec<f64> = po
        .iter()
        .zip(&pg)
        .map(|(o, g)| if *o > 1e-15 { g / o } else { f64::NAN })
        .collect();
    files.push(ctx.npy("atlas_gate_over_optimal", &grid.shape(), &ratio)?);
    let (x, y) = axes(&grid);
    files.push(heatmap_named(
        ctx,
        "atlas_gate_over_optimal",
        "gate_over_optimal",
        x,
        y,
        &ratio,
    )?);
    Ok(())
}

fn coherent(ctx: &Ctx, files: &mut Vec<PathBuf>) -> Result<(), Error> {
    let n = ctx.size.side();
    map(
        ctx,
        "atlas_detuning_dephasing",
        &format!(
            "model = \"density-matrix\"\n[fixed]\nlambda = 0.01\ngamma = 1e-3\nt_a = 2.0\nt_s = 0.1\ntau = 150.0\n\
             [[axes]]\nname = \"detuning\"\nrange = [-0.05, 0.05]\npoints = {n}\nspacing = \"linear\"\n\
             [[axes]]\nname = \"dephasing\"\nrange = [1e-6, 1e-2]\npoints = {n}\nspacing = \"log\"\n"
        ),
        files,
    )?;
    Ok(())
}

/// Power and efficiency across Γ_A0/Γ_S0 at fixed Γ_A0 + Γ_S0 = 2e-3 and
/// τ = 10: returns (ratio, power, efficiency).
pub fn tradeoff_data(ctx: &Ctx) -> Result<Curves, Error> {
    let ratios = geomspace(1e-3, 1e3, 2 * ctx.size.side() as u64);
    let (mut p, mut e) = (Vec::new(), Vec::new());
    for r in &ratios {
        let total = 2e-3;
        let (ga, gs) = (total * r / (1.0 + r), total / (1.0 + r));
        let params = EngineParams {
            tau: 10.0,
            baths: Baths::Separate {
                a: Bath::Thermal {
                    temperature: 2.0,
                    gamma0: ga,
                },
                s: Bath::Thermal {
                    temperature: 0.1,
                    gamma0: gs,
                },
            },
            ..EngineParams::default()
        };
        let f = compute_point(
            &params,
            ModelKind::Populations,
            Protocol::Optimal,
            &OssOptions::default(),
        )?;
        p.push(f.power);
        e.push(f.efficiency);
    }
    Ok((ratios, p, e))
}

fn tradeoff(ctx: &Ctx, files: &mut Vec<PathBuf>) -> Result<(), Error> {
    let (r, p, e) = tradeoff_data(ctx)?;
    let n = r.len();
    files.push(ctx.npy("atlas_tradeoff_ratio", &[n], &r)?);
    files.push(ctx.npy("atlas_tradeoff_power", &[n], &p)?);
    files.push(ctx.npy("atlas_tradeoff_efficiency", &[n], &e)?);
    let along = |y: &[f64]| r.iter().copied().zip(y.iter().copied()).collect::<Vec<_>>();
    files.push(
        line_chart(
            ctx.out,
            "atlas_tradeoff_power",
            &LineChart {
                title: "Power across Γ_A0/Γ_S0 (Γ_A0 + Γ_S0 = 2e-3, τ = 10)",
                x_label: "Γ_A0 / Γ_S0",
                y_label: "power (ω0²)",
                log_x: true,
                log_y: false,
                series: vec![Series {
                    label: "P".into(),
                    points: along(&p),
                    dashed: false,
                }],
                legend: SeriesLabelPosition::LowerLeft,
            },
        )
        .map_err(Error::io(ctx.out))?,
    );
    files.push(
        line_chart(
            ctx.out,
            "atlas_tradeoff_efficiency",
            &LineChart {
                title: "Efficiency across Γ_A0/Γ_S0 (Γ_A0 + Γ_S0 = 2e-3, τ = 10)",
                x_label: "Γ_A0 / Γ_S0",
                y_label: "efficiency η",
                log_x: true,
                log_y: false,
                series: vec![Series {
                    label: "η".into(),
                    points: along(&e),
                    dashed: false,
                }],
                legend: SeriesLabelPosition::LowerLeft,
            },
        )
        .map_err(Error::io(ctx.out))?,
    );
    files.push(
        line_chart(
            ctx.out,
            "atlas_tradeoff_front",
            &LineChart {
                title: "Power against efficiency as Γ_A0/Γ_S0 varies",
                x_label: "efficiency η",
                y_label: "power (ω0²)",
                log_x: false,
                log_y: false,
                series: vec![Series {
                    label: "Γ_A0/Γ_S0 from 1e-3 to 1e3".into(),
                    points: e.iter().copied().zip(p.iter().copied()).collect(),
                    dashed: false,
                }],
                legend: SeriesLabelPosition::LowerLeft,
            },
        )
        .map_err(Error::io(ctx.out))?,
    );
    Ok(())
}

/// Writes the atlas; returns its files and the thermal maps for the claims
/// (the Eq. 9 and KMS entropy maps of src/figures/entropy.rs last).
pub fn all(ctx: &Ctx) -> Result<(Vec<PathBuf>, Vec<MapData>), Error> {
    let mut files = Vec::new();
    let mut thermal = maps(ctx, &mut files)?;
    thermal.extend(super::entropy::maps(ctx, &mut files)?);
    gates(ctx, &mut files)?;
    coherent(ctx, &mut files)?;
    tradeoff(ctx, &mut files)?;
    Ok((files, thermal))
}
