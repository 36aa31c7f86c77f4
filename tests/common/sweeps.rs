//! Sweep comparisons shared by the backend tests: an oracle "backend"
//! (the nalgebra reference, point by point) and a comparison that states
//! its tolerance and, on failure, writes both outputs and their difference.

use std::fmt::Write;

use nessbat::config::SweepConfig;
use nessbat::grid::Grid;
use nessbat::kernels::trust::NOISE_FACTOR;
use nessbat::kernels::{N_OUTPUTS, OUTPUT_NAMES};
use nessbat::model::TransitionRates;
use nessbat::oracle::compute_point;
use nessbat::oracle::oss::OssOptions;
use nessbat::store::results::FloatsFlat;
use nessbat::store::SweepResults;
use rayon::prelude::*;

/// The test grids of the backend comparisons: thermal and pumped
/// populations, coherent density matrices, with and without fixed gates.
pub const GRIDS: [&str; 7] = [
    "tests/configs/thermal.toml",
    "tests/configs/pumped.toml",
    "tests/configs/coherent.toml",
    "tests/configs/coherent_gate.toml",
    "tests/configs/gates.toml",
    "tests/configs/kms.toml",
    "tests/configs/kms_coherent.toml",
];

pub fn grid(path: &str) -> Grid {
    let text = std::fs::read_to_string(path).unwrap();
    Grid::new(SweepConfig::parse(&text, path).unwrap()).unwrap()
}

/// The f64 oracle at every point, as the seven output quantities (rows of
/// NaN where it flags the point imprecise).
pub fn oracle(grid: &Grid) -> Vec<[f64; 7]> {
    (0..grid.len())
        .into_par_iter()
        .map(|i| {
            let p = grid.point_params(i);
            let f = compute_point(&p, grid.model, grid.protocol, &OssOptions::default()).unwrap();
            assert!(f.converged, "oracle did not converge at point {i}");
            if f.status != nessbat::kernels::trust::PointStatus::Ok {
                // Flagged: no claim to compare against (see `rows`).
                return [f64::NAN; 7];
            }
            [
                f.ergotropy,
                f.power,
                f.efficiency,
                f.heat_hot,
                f.heat_a,
                f.heat_s,
                f.ness.ergotropy,
            ]
        })
        .collect()
}

/// Every output quantity of a sweep result at every point, as f64, as
/// stored (status 3 included).
pub fn all_rows(res: &SweepResults) -> Vec<[f64; N_OUTPUTS]> {
    (0..res.len())
        .map(|i| {
            std::array::from_fn(|q| match &res.real {
                FloatsFlat::F64(a) => a[q][i],
                FloatsFlat::F32(a) => f64::from(a[q][i]),
            })
        })
        .collect()
}

/// The seven quantities of a sweep result at every point, as f64. Points
/// the backend flagged imprecise (status 3) are rows of NaN: the contract
/// makes no claim there, and `compare` skips them (at most a quarter of
/// an f64 grid; f32 cannot resolve the small ergotropies of the test grids'
/// short strokes, pumped baths and gates, and flags up to 55 % there).
pub fn rows(res: &SweepResults) -> Vec<[f64; 7]> {
    (0..res.len())
        .map(|i| {
            if res.status[i] == 3 {
                return [f64::NAN; 7];
            }
            std::array::from_fn(|q| match &res.real {
                FloatsFlat::F64(a) => a[q][i],
                FloatsFlat::F32(a) => f64::from(a[q][i]),
            })
        })
        .collect()
}

/// Tolerance of a comparison: |got − want| ≤ rel·|want| + floor·S, with
/// S the point's energy scale (ω0 for energies, ω0/τ for power,
/// ω0/|heat_hot| for efficiency) and `floor` in units of ε:
/// - same algorithm (GPU against its CPU twin): rounding only, so the floor
///   is 1e3·ε·min(1, τΣΓ), the size of the terms that cancel in the heats;
/// - different algorithms (twin against the oracle): the OSS solve at short
///   τ has condition number ~1/(τΣΓ), so populations carry errors of
///   ε/(τΣΓ) and every energy one of ε·ω0 whatever τ. `conditioned` adds
///   that (×1e3) to the floor. Checked against 50-digit mpmath at τ = 0.01:
///   both the oracle and the twin are within 1.2e-9 of the exact ergotropy
///   3.7250826917e-8 of the pumped grid's worst point.
///
/// `only_where_ergotropy_above` restricts the check to points whose
/// ergotropy exceeds that level, `quantities` to some outputs.
pub struct Tolerance {
    pub rel: f64,
    pub conditioned: bool,
    pub only_where_ergotropy_above: f64,
    pub quantities: &'static [usize],
}

/// Compares `got` with `want`; on failure writes both and their difference
/// to target/test-output/<name>.csv and panics with the worst point.
pub fn compare(name: &str, grid: &Grid, got: &[[f64; 7]], want: &[[f64; 7]], tol: &Tolerance) {
    assert_eq!(got.len(), want.len());
    let mut worst: Option<(f64, usize, usize)> = None;
    let mut failures = 0usize;
    let mut checked = 0usize;
    let mut flagged = 0usize;
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        if g.iter().all(|v| v.is_nan()) && !w[0].is_nan() {
            flagged += 1;
            continue;
        }
        // The reference flagged the point imprecise (a row of NaN, while
        // the point is valid on the other side): no claim to test.
        if w.iter().all(|v| v.is_nan()) && !g[0].is_nan() {
            continue;
        }
        if w[0].abs() <= tol.only_where_ergotropy_above {
            continue;
        }
        let p = grid.point_params(i as u64);
        let ratetau = p.tau * TransitionRates::from_params(&p).total();
        let stroke = ratetau.min(1.0);
        let energy = p.omega0 * if tol.conditioned { 1.0 } else { stroke };
        // The contract's exact zeros: a figure reported as exactly 0 stands
        // where the reference is within the backend's rounding noise,
        // NOISE_FACTOR·ε·ω0·ΣΓτ (ε of f32 for the f32 tolerance).
        let eps = if tol.rel >= 1e-3 {
            f64::from(f32::EPSILON)
        } else {
            f64::EPSILON
        };
        let zero_floor = NOISE_FACTOR * eps * p.omega0 * ratetau.max(stroke);
        let nothing_runs = g[0] == 0.0 && g[4] == 0.0 && g[5] == 0.0;
        for &q in tol.quantities {
            if g[q] == 0.0 && w[q].abs() <= zero_floor * if q == 1 { 1.0 / p.tau } else { 1.0 } {
                continue;
            }
            if q == 2 && g[q].is_nan() && nothing_runs && w[3].abs() <= zero_floor {
                continue;
            }
            // η = ergotropy/heat_hot is undefined where heat_hot is zero
            // within the tolerance; either answer (a number or NaN) stands.
            if q == 2 && w[3].abs() <= tol.rel * w[3].abs() + 1e3 * f64::EPSILON * energy {
                continue;
            }
            let scale = match q {
                1 => energy / p.tau,
                2 => energy / w[3].abs(),
                _ => energy,
            };
            let (a, b) = (g[q], w[q]);
            checked += 1;
            let bound = tol.rel * b.abs() + 1e3 * f64::EPSILON * scale;
            let ok = if b.is_nan() {
                a.is_nan()
            } else {
                (a - b).abs() <= bound
            };
            if !ok {
                failures += 1;
                let err = (a - b).abs() / bound;
                if worst.is_none_or(|(e, _, _)| err > e || e.is_nan()) {
                    worst = Some((err, i, q));
                }
            }
        }
    }
    assert!(checked > 0, "{name}: nothing was compared");
    assert!(
        tol.rel >= 1e-3 || flagged * 4 <= got.len(),
        "{name}: {flagged} of {} points flagged imprecise",
        got.len()
    );
    if let Some((err, i, q)) = worst {
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("test-output");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.csv"));
        let mut s = String::from("point,quantity,got,want,difference\n");
        for (k, (g, w)) in got.iter().zip(want).enumerate() {
            for q in 0..7 {
                let _ = writeln!(
                    s,
                    "{k},{},{:e},{:e},{:e}",
                    OUTPUT_NAMES[q],
                    g[q],
                    w[q],
                    g[q] - w[q]
                );
            }
        }
        std::fs::write(&path, s).unwrap();
        panic!(
            "{name}: {failures} of {checked} values outside rel {:e}; worst {} at point {i} ({:?}): got {:e}, want {:e} ({err:.3} × the bound); both outputs in {}",
            tol.rel,
            OUTPUT_NAMES[q],
            grid.point_params(i as u64),
            got[i][q],
            want[i][q],
            path.display()
        );
    }
}
