//! A short study of user-defined batteries (results/batteries/): XX chains
//! of 2, 3 and 4 spins at the paper's parameters, the three-level maser
//! over (T_h, T_c), and which Dicke-ladder couplings give an active NESS.
//! Every point through the library's battery path (f64, every core).
//!
//! `cargo run --release --example batteries -- results/batteries`

use std::fmt::Write;

use nessbat::backend::Progress;
use nessbat::battery::batch::battery_points;
use nessbat::battery::grid::Use;
use nessbat::battery::sweep::{kept, run, BatteryArrays, Figure};
use nessbat::battery::{BathPoint, BatteryGrid, BatteryPoint, BatteryStatus};
use nessbat::config::SweepConfig;
use nessbat::plot::heatmap::{heatmap_with, Labels};
use nessbat::plot::lines::{line_chart, LineChart, Series};
use plotters::prelude::SeriesLabelPosition;

/// `python results/batteries/secular.py`'s table (QuTiP; the example has
/// no Python to run it).
const SECULAR_TABLE: &str = "| delta | r/delta | tau | stroke's change, Redfield vs Davies (max relative) |\n|---|---|---|---|\n| 1 | 0.00254 | 100 | 7.45e-06 |\n| 1 | 0.00254 | 1000 | 2.27e-06 |\n| 0.3 | 0.00847 | 100 | 1.10e-04 |\n| 0.3 | 0.00847 | 1000 | 4.55e-06 |\n| 0.1 | 0.0254 | 100 | 3.80e-03 |\n| 0.1 | 0.0254 | 1000 | 2.59e-04 |\n| 0.03 | 0.0847 | 100 | 5.20e-02 |\n| 0.03 | 0.0847 | 1000 | 8.82e-04 |\n| 0.01 | 0.254 | 100 | 1.22e-01 |\n| 0.01 | 0.254 | 1000 | 2.04e-02 |\n| 0.003 | 0.847 | 100 | 1.33e-01 |\n| 0.003 | 0.847 | 1000 | 1.13e-01 |";

/// A battery sweep of `text` (a config with two axes) drawn as a heatmap
/// of `figure` into `out/name.png`; returns the arrays.
fn map(
    out: &std::path::Path,
    text: &str,
    figure: Figure,
    name: &str,
    title: &str,
) -> Result<(BatteryGrid, BatteryArrays), Box<dyn std::error::Error>> {
    let grid = BatteryGrid::new(&SweepConfig::parse(text, "study")?, Use::Sweep)?;
    let figures = kept(&grid, None)?;
    let res = run(&grid, &figures, &Progress::NONE, None)?;
    let values = &res
        .arrays
        .iter()
        .find(|(f, _)| *f == figure)
        .ok_or("figure")?
        .1;
    // Only status-ok figures are drawn; the rest are left blank.
    let data: Vec<f64> = values
        .iter()
        .zip(&res.status)
        .map(|(v, s)| if *s == 0 { *v } else { f64::NAN })
        .collect();
    let labels = Labels {
        title: title.into(),
        colour: figure.name(&grid.names),
        subtitle: format!(
            "{} of {} points at status ok",
            res.status.iter().filter(|s| **s == 0).count(),
            res.status.len()
        ),
    };
    heatmap_with(out, name, &grid.axes[0], &grid.axes[1], &data, &labels)?;
    Ok((grid, res))
}

fn battery(text: &str) -> Result<BatteryPoint, Box<dyn std::error::Error>> {
    Ok(BatteryPoint::from_config(&SweepConfig::parse(
        text, "study",
    )?)?)
}

/// An N-spin XX chain, the paper's baths generalised: the hot bath on the
/// staggered Σ(−1)^{i+1} σx_i (the paper's X_A), the cold one on Σ σx_i
/// (X_S); gaps ω_i, hopping λ = 0.01.
fn chain(n: usize, gaps: &[f64]) -> String {
    let stagger: Vec<String> = (1..=n)
        .map(|i| format!("{}sx{i}", if i % 2 == 1 { "+" } else { "-" }))
        .collect();
    let sum: Vec<String> = (1..=n).map(|i| format!("+sx{i}")).collect();
    let omegas: String = gaps
        .iter()
        .enumerate()
        .map(|(i, w)| format!("omega_{} = {w}\n", i + 1))
        .collect();
    format!(
        "[battery.chain]\nspins = {n}\n[[battery.baths]]\nname = \"h\"\ncoupling = \"{}\"\n[[battery.baths]]\nname = \"c\"\ncoupling = \"{}\"\n[fixed]\n{omegas}lambda = 0.01\nt_h = 2.0\nt_c = 0.1\n",
        stagger.join(" ").trim_start_matches('+'),
        sum.join(" ").trim_start_matches('+')
    )
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::path::PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "results/batteries".into()),
    );
    std::fs::create_dir_all(&out)?;
    let mut md = String::from("# User-defined batteries: a short study\n\nWritten by `cargo run --release --example batteries -- results/batteries` (f64, the library's battery path; every figure at status ok unless said).\n\n");

    // 1. XX chains at the paper's parameters: power against τ.
    let taus: Vec<f64> = (0..64).map(|k| 10f64.powf(k as f64 * 4.0 / 63.0)).collect();
    let bath = |temperature| BathPoint {
        temperature,
        gamma: 1e-3,
    };
    let mut series = Vec::new();
    writeln!(md, "## XX chains at the paper's parameters\n\nH = Σ ω_i σ+σ− − λ Σ (σ+_i σ−_{{i+1}} + h.c.), λ = 0.01; the hot bath (T = 2) on Σ(−1)^(i+1) σx_i (the paper's X_A), the cold one (T = 0.1) on Σ σx_i (X_S), Γ = 1e-3 each; τ from 1 to 1e4 (64 points, log).\n\n| chain | gaps ω_i | d | status ok | max power | at τ | efficiency there |\n|---|---|---|---|---|---|---|")?;
    for (n, gaps, label) in [
        (2, vec![1.0, 1.0], "N = 2 (the paper)"),
        (3, vec![1.0, 1.0, 1.0], "N = 3"),
        (4, vec![1.0, 1.0, 1.0, 1.0], "N = 4, uniform"),
        (4, vec![1.0, 1.01, 1.03, 1.06], "N = 4, graded gaps"),
    ] {
        let b = battery(&chain(n, &gaps))?;
        let pts: Vec<_> = taus
            .iter()
            .map(|&t| (vec![bath(2.0), bath(0.1)], t))
            .collect();
        let f = battery_points(&b.spectrum, &b.names, &pts);
        let ok = f.iter().filter(|f| f.status == BatteryStatus::Ok).count();
        let best = f
            .iter()
            .zip(&taus)
            .filter(|(f, _)| f.status == BatteryStatus::Ok)
            .max_by(|a, b| a.0.power.total_cmp(&b.0.power));
        let status = f
            .iter()
            .find(|f| f.status != BatteryStatus::Ok)
            .and_then(|f| f.message.clone());
        match best {
            Some((fb, tau)) => writeln!(
                md,
                "| {label} | {gaps:?} | {} | {ok} of 64 | {:.4e} | {tau:.3e} | {:.4} |",
                1 << n,
                fb.power,
                fb.efficiency
            )?,
            None => writeln!(
                md,
                "| {label} | {gaps:?} | {} | 0 of 64 | — | — | — |",
                1 << n
            )?,
        }
        if let Some(m) = status {
            writeln!(md, "\n  {label}: {m}\n")?;
        }
        // Where the secular (Davies) approximation is doubtful, as the
        // command line would warn.
        for w in &b.warnings {
            writeln!(md, "\n  {label}, warning: {w}\n")?;
        }
        series.push(Series {
            label: label.into(),
            points: f
                .iter()
                .zip(&taus)
                .filter(|(f, _)| f.status == BatteryStatus::Ok && f.power > 0.0)
                .map(|(f, t)| (*t, f.power))
                .collect(),
            dashed: false,
        });
    }
    line_chart(
        &out,
        "chains_power",
        &LineChart {
            title: "XX chains at the paper's parameters",
            x_label: "τ (1/ω0)",
            y_label: "power (ω0²)",
            log_x: true,
            log_y: true,
            series,
            legend: SeriesLabelPosition::LowerLeft,
        },
    )?;
    writeln!(md, "\nWhere the largest power sits at τ = 1, the grid's shortest stroke, it is still rising towards the short-cycle limit (the paper's Eq. 14 for N = 2): compare maxima only where they are interior. With both couplings symmetric under the chain's reflection (N = 3: σx1 ∓ σx2 + σx3 and Σσx), the reflection-odd levels are reached by no bath, and the steady state is not unique; the uniform chain of 4 has degenerate two-excitation levels that one bath couples to a common level, outside the population model. Gaps that differ from spin to spin lift both.\n\n![power against τ](chains_power.png)\n")?;

    // 1b. Maps of power over (λ, τ): does a longer chain charge faster?
    writeln!(md, "### Power over (λ, τ)\n\nThe same baths (T_h = 2, T_c = 0.1, Γ = 1e-3), swept with `nessbat sweep`'s battery path over the hopping λ (0.001 to 0.3, log; each λ is one diagonalisation) and τ (1 to 1e4, log), 48 × 48 each. Blank cells are not status ok.\n\n| chain | status ok | max power | at λ | at τ |\n|---|---|---|---|---|")?;
    let mut images = Vec::new();
    for (n, gaps, name) in [
        (2, vec![1.0, 1.0], "chain2_power"),
        (4, vec![1.0, 1.01, 1.03, 1.06], "chain4_graded_power"),
    ] {
        let text = chain(n, &gaps).replace("lambda = 0.01\n", "")
            + "[[axes]]\nname = \"lambda\"\nrange = [0.001, 0.3]\npoints = 48\nspacing = \"log\"\n[[axes]]\nname = \"tau\"\nrange = [1.0, 1e4]\npoints = 48\nspacing = \"log\"\n";
        let (grid, res) = map(
            &out,
            &text,
            Figure::Power,
            name,
            &format!("power of an XX chain of {n} spins (gaps {gaps:?})"),
        )?;
        let power = &res
            .arrays
            .iter()
            .find(|(f, _)| *f == Figure::Power)
            .ok_or("power")?
            .1;
        let ok = res.status.iter().filter(|s| **s == 0).count();
        let best = (0..power.len())
            .filter(|&i| res.status[i] == 0)
            .max_by(|&a, &b| power[a].total_cmp(&power[b]).then(b.cmp(&a)));
        if let Some(i) = best {
            let (l, t) = (i / 48, i % 48);
            writeln!(
                md,
                "| N = {n}, gaps {gaps:?} | {ok} of {} | {:.4e} | {:.4} | {:.3e} |",
                power.len(),
                power[i],
                grid.axes[0].values[l],
                grid.axes[1].values[t]
            )?;
        }
        for w in grid.warnings() {
            writeln!(md, "\n  N = {n}, warning: {w}\n")?;
        }
        images.push(format!("![power of N = {n}]({name}.png)"));
    }
    writeln!(md, "\nThe N = 2 maximum sits at the corner of the range (largest λ, shortest τ), still rising; the graded N = 4 chain's is interior and larger. The narrow band near λ ≈ 0.26–0.28 where the N = 4 power drops about fourfold is physics, not rounding: a 60-digit reference (mpmath) gives the same powers (1.1378e-4 at λ = 0.24, 3.1593e-5 at 0.262), and the levels stay 8.8e-3 apart there.\n\nThe warnings are the command line's (the secular approximation, README \"Batteries of your own\"): the graded chain's hot bath couples pairs of its near levels to a common level at rates from about a sixth of their spacing (λ = 0.01) to twice it near the avoided crossing at λ ≈ 0.03. Its figures are then exact for the Davies model, which the issue defines, but not a proof for the physical chain: a Bloch–Redfield or exact treatment would keep the coherences dropped here. The paper's N = 2 system is not affected: its baths feed no coherence between S and A, however close.\n\n{}\n", images.join("\n\n"))?;

    // 2. The maser over (T_h, T_c).
    let b = battery("[battery.levels]\nenergies = [0.0, 0.4, 1.0]\n[[battery.baths]]\nname = \"h\"\ncoupling = \"|0><2|\"\n[[battery.baths]]\nname = \"c\"\ncoupling = \"|0><1|\"\n[fixed]\nt_h = 1.0\nt_c = 0.1\ntau = 100.0\n")?;
    let side = 64;
    let grid: Vec<(f64, f64)> = (0..side * side)
        .map(|i| {
            let (a, c) = (i / side, i % side);
            (
                0.05 * 100f64.powf(a as f64 / (side - 1) as f64),
                0.05 * 100f64.powf(c as f64 / (side - 1) as f64),
            )
        })
        .collect();
    let pts: Vec<_> = grid
        .iter()
        .map(|&(th, tc)| (vec![bath(th), bath(tc)], 100.0))
        .collect();
    let f = battery_points(&b.spectrum, &b.names, &pts);
    let engines: Vec<_> = f
        .iter()
        .zip(&grid)
        .filter(|(f, _)| f.status == BatteryStatus::Ok && f.ergotropy > 0.0)
        .collect();
    let above = grid.iter().filter(|(th, tc)| th / 1.0 > tc / 0.4).count();
    let worst = engines
        .iter()
        .map(|(f, _)| (f.efficiency - 0.6).abs())
        .fold(0.0, f64::max);
    let ok = f.iter().filter(|f| f.status == BatteryStatus::Ok).count();
    writeln!(md, "## The three-level maser\n\nLevels 0, 0.4, 1; hot bath on 0↔2, cold on 0↔1, Γ = 1e-3, τ = 100, T_h and T_c from 0.05 to 5 (64 × 64, log).\n\n- {ok} of {} points at status ok; {} engines, against {above} points above the inversion threshold T_h/ω_h > T_c/ω_c;\n- every engine runs at η = 1 − ω_c/ω_h = 0.6 (largest deviation {worst:.1e}): one quantum of each bath per quantum of work.\n", side * side, engines.len())?;
    let maser_sweep = "[battery.levels]\nenergies = [0.0, 0.4, 1.0]\n[[battery.baths]]\nname = \"h\"\ncoupling = \"|0><2|\"\n[[battery.baths]]\nname = \"c\"\ncoupling = \"|0><1|\"\n[fixed]\ntau = 100.0\n[[axes]]\nname = \"t_h\"\nrange = [0.05, 5.0]\npoints = 64\nspacing = \"log\"\n[[axes]]\nname = \"t_c\"\nrange = [0.05, 5.0]\npoints = 64\nspacing = \"log\"\n";
    map(
        &out,
        maser_sweep,
        Figure::Power,
        "maser_power",
        "power of the three-level maser",
    )?;
    map(
        &out,
        maser_sweep,
        Figure::Efficiency,
        "maser_efficiency",
        "efficiency of the three-level maser (blank: no heat absorbed, no engine)",
    )?;
    writeln!(md, "The same grid as a battery sweep (`nessbat sweep` on a `[battery.levels]` config with axes t_h, t_c): power, and the efficiency, 0.6 wherever it runs.\n\n![maser power](maser_power.png)\n\n![maser efficiency](maser_efficiency.png)\n")?;

    // 3. Dicke ladders: which couplings make the NESS active?
    writeln!(md, "## Dicke ladders: an active NESS?\n\nH = ω0 J_z + χ J_z² (ω0 = 1) on N = 4 spins (d = 5); hot bath T = 2, cold T = 0.1, Γ = 1e-3 each. The NESS is active where its ergotropy is positive; the table gives the largest NESS ergotropy over χ from 0 to 0.4 (41 values) and at which χ.\n\n| hot coupling | cold coupling | points ok | largest NESS ergotropy | at χ |\n|---|---|---|---|---|")?;
    for (hot, cold) in [
        ("jx", "jx"),
        ("jx", "jz*jx + jx*jz"),
        ("jx*jx", "jx"),
        ("jz*jx + jx*jz", "jx"),
        ("|0><4|", "jx"),
    ] {
        let mut best = (0.0f64, f64::NAN);
        let mut ok = 0;
        for k in 0..=40 {
            let chi = 0.01 * k as f64;
            let b = battery(&format!("[battery.dicke]\nspins = 4\n[[battery.baths]]\nname = \"h\"\ncoupling = \"{hot}\"\n[[battery.baths]]\nname = \"c\"\ncoupling = \"{cold}\"\n[fixed]\nomega0 = 1.0\nchi = {chi}\nt_h = 2.0\nt_c = 0.1\ntau = 100.0\n"))?;
            let f = b.figures();
            if f.status == BatteryStatus::Ok {
                ok += 1;
                if f.ness_ergotropy > best.0 {
                    best = (f.ness_ergotropy, chi);
                }
            }
        }
        writeln!(
            md,
            "| `{hot}` | `{cold}` | {ok} of 41 | {:.4e} | {} |",
            best.0,
            if best.1.is_nan() {
                "—".into()
            } else {
                format!("{:.2}", best.1)
            }
        )?;
    }
    writeln!(md, "\nA NESS ergotropy of 0 means a passive NESS at every χ of the range. Maxima at χ = 0.40 sit at the range's edge.")?;
    let dicke = "[battery.dicke]\nspins = 4\n[[battery.baths]]\nname = \"h\"\ncoupling = \"jx*jx\"\n[[battery.baths]]\nname = \"c\"\ncoupling = \"jx\"\n[fixed]\nomega0 = 1.0\nt_c = 0.1\ntau = 100.0\n[[axes]]\nname = \"chi\"\nrange = [0.0, 0.4]\npoints = 48\n[[axes]]\nname = \"t_h\"\nrange = [0.1, 10.0]\npoints = 48\nspacing = \"log\"\n";
    let (grid, _) = map(
        &out,
        dicke,
        Figure::NessErgotropy,
        "dicke_ness_ergotropy",
        "NESS ergotropy, Dicke ladder N = 4, hot jx*jx, cold jx",
    )?;
    for w in grid.warnings() {
        writeln!(md, "\n  warning: {w}")?;
    }
    writeln!(md, "\nThe `jx*jx` / `jx` pair over (χ, T_h) at T_c = 0.1, as a battery sweep with χ on an axis (each χ one diagonalisation):\n\n![NESS ergotropy of a Dicke ladder](dicke_ness_ergotropy.png)")?;
    // 4. The secular approximation's warning, measured against Redfield
    // (results/batteries/secular.py, QuTiP; not run here: no Python).
    writeln!(md, "\n## Where the secular approximation is doubtful\n\nThe population model is the Davies one: it drops the coherence a bath feeds between two levels it couples to a common level, which is right while that rate r is far below their spacing δ. nessbat warns where r/δ reaches 1 % anywhere on a grid (the warnings above). How much it matters, from `python results/batteries/secular.py` (QuTiP 5's Bloch–Redfield tensor with and without the secular cut; the maser with its upper level split in two, both on the hot bath; one stroke from diag(0.1, 0.2, 0.3, 0.4)):\n\n{}\n\nBelow 1 % a stroke moves by at most about 1e-4 of itself (0.85 %); by 4e-3 at 2.5 %, and from 8 % on by percents.", SECULAR_TABLE)?;
    std::fs::write(out.join("README.md"), md)?;
    println!("wrote {}", out.join("README.md").display());
    Ok(())
}
