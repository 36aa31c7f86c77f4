//! H's levels and what each bath does between them: the eigenstates in
//! ascending energy (the level order of every population, permutation and
//! rate matrix), |⟨a|X_k|b⟩|² per bath, and whether the population
//! (Davies) description closes.
//!
//! Closure: the Davies dissipator maps a diagonal state to coherences only
//! through two distinct degenerate levels a, a′ that one bath couples to a
//! common level c (its jump operator at ω = E_c − E_a then has both
//! |a⟩⟨c| and |a′⟩⟨c|, and L ρ L† holds |a⟩⟨a′|). Then the populations are
//! not enough, and the eigenbasis inside the degenerate block is not even
//! defined: such a point gets a status and a message, never a number.

use nalgebra::{DMatrix, SymmetricEigen};
use num_complex::Complex64;

use super::spec::Battery;

/// Levels closer than this, relative to H's scale, count as degenerate.
pub(crate) const DEGENERATE: f64 = 1e-10;
/// |⟨a|X|b⟩|² below this, relative to X's scale, is no coupling (rounding
/// of an eigenbasis rotates exact zeros into ~ε-sized entries).
const UNCOUPLED: f64 = 1e-24;
/// Energies within this of H's scale per level are one energy: the
/// eigensolver's rounding (backward stable: a few ε‖H‖ per level).
const TIED: f64 = 4.0 * f64::EPSILON;
/// Margin on an eigenvector's error bound (its residual over its gap).
const RESOLUTION_MARGIN: f64 = 4.0;
/// An eigenvector's error bound from which its strengths' uncertainty
/// enters the rates' error: √ε, half its digits lost.
const LOOSE: f64 = 1.5e-8;

/// The levels and the transition strengths of each bath.
#[derive(Debug, Clone)]
pub struct Spectrum {
    /// Energies in ascending order, measured from the ground level (so
    /// E_0 = 0 exactly and the figures do not carry H's offset).
    pub energies: Vec<f64>,
    /// Per bath, |⟨a|X_k|b⟩|² as a d × d table (symmetric), times the
    /// bath's spectral density (ω_ab/ω_ref)^s where s ≠ 0.
    pub strengths: Vec<DMatrix<f64>>,
    /// None where the populations close; else why not.
    pub open: Option<String>,
    /// Runs of levels of one energy (adjacent in ascending energy, equal
    /// for a diagonal H, else split by no more than the eigensolver's
    /// rounding, `TIED` of H's scale per level), two or more each: the extraction moves no population among
    /// them (`cycle::passive_order`). Levels split by more, however
    /// little, are distinct: the extraction works across their gap.
    pub blocks: Vec<std::ops::Range<usize>>,
    /// Per bath, its explicit rates where it has them (`Battery::rates`):
    /// used as given, on the levels in this order.
    pub rates: Vec<Option<DMatrix<f64>>>,
    /// Whether a computed |⟨a|X_k|b⟩| below the eigenbasis's resolution
    /// was taken as no coupling (said where that leaves levels apart).
    pub unresolved: bool,
    /// Per bath, how far each strength may be off through its
    /// eigenvectors' error (as `strengths`, spectral density included);
    /// empty where no eigenvector lost half its digits (a diagonal H's are
    /// exact).
    pub uncertain: Vec<DMatrix<f64>>,
}

impl Spectrum {
    /// Diagonalises H: ascending energies; inside each degenerate run the
    /// basis the baths select (`basis::decouple`).
    pub fn of(battery: &Battery) -> Spectrum {
        let h = &battery.hamiltonian;
        let d = h.nrows();
        let eig = SymmetricEigen::new(h.clone());
        let mut order: Vec<usize> = (0..d).collect();
        order.sort_by(|&i, &j| {
            eig.eigenvalues[i]
                .total_cmp(&eig.eigenvalues[j])
                .then(i.cmp(&j))
        });
        let e0 = eig.eigenvalues[order[0]];
        let energies: Vec<f64> = order.iter().map(|&i| eig.eigenvalues[i] - e0).collect();
        let mut v = DMatrix::<Complex64>::from_fn(d, d, |r, c| eig.eigenvectors[(r, order[c])]);
        let scale = energies.last().copied().unwrap_or(0.0).max(1.0);
        // A diagonal H's energies are its entries, exact: only equal ones
        // are one energy (found: a gap of 1e-14 in a diagonal H taken as a
        // tie, its figures 30 % off the ordinary sort's at status ok).
        let diagonal =
            (0..d).all(|i| (0..d).all(|j| i == j || h[(i, j)] == Complex64::new(0.0, 0.0)));
        let tie = if diagonal {
            0.0
        } else {
            TIED * d as f64 * scale
        };
        let blocks = degenerate_runs(&energies, tie);
        // Within each run, the basis the baths select (battery::basis).
        let couplings: Vec<DMatrix<Complex64>> =
            battery.baths.iter().map(|(_, x)| x.clone()).collect();
        super::basis::decouple(&mut v, &blocks, &couplings);
        let resolution = resolution(h, &v, &order, &eig.eigenvalues, DEGENERATE * scale);
        let mut unresolved = false;
        let mut uncertain = Vec::new();
        let mut strengths = Vec::new();
        for ((_, x), &(exponent, omega_ref)) in battery.baths.iter().zip(&battery.spectra) {
            let m = v.adjoint() * x * &v;
            let scale = x.iter().map(|z| z.norm_sqr()).fold(0.0, f64::max);
            let norm = x.iter().map(|z| z.norm_sqr()).sum::<f64>().sqrt();
            let mut strength = DMatrix::<f64>::zeros(d, d);
            let mut blurred = DMatrix::<f64>::zeros(d, d);
            for a in 0..d {
                for b in 0..d {
                    // Symmetrised: |⟨a|X|b⟩|² = |⟨b|X|a⟩|² for Hermitian X.
                    let s = 0.5 * (m[(a, b)].norm_sqr() + m[(b, a)].norm_sqr());
                    // The entry's error through its eigenvectors' (Davis–
                    // Kahan): within it of 0 an entry is not resolved, as
                    // near-degenerate levels (split by a weak hopping)
                    // rotate a symmetry's exact 0 into ε‖H‖/gap (found: a
                    // ring's dark state coupled at 1e-11 at λ = 2e-5, its
                    // NESS solved into populations of −2). Kept or not,
                    // |X|² may be off by (|X| + blur)² − |X|²: carried into
                    // the rates' error (found: a pair split by 5e-10 whose
                    // |X|² of 1e-13, rated by T/ω ≈ 1e9, set a rate f64
                    // cannot resolve, and the figures 1e-4 off at ok).
                    let blur = RESOLUTION_MARGIN * norm * (resolution[a] + resolution[b]);
                    // The strengths' uncertainty is carried only from
                    // eigenvectors that lost half their digits (a pair
                    // split by ≲ √ε ‖H‖): below, worst-case rotations
                    // flagged 22 % more of weakly hopping chains (λ of
                    // 1e-4 … 1e-2) whose figures a 40-digit reference
                    // found right to 6e-9, while the rates' rounding term
                    // of the residuals covers them.
                    let loose = |r: f64| if r >= LOOSE { r } else { 0.0 };
                    let spread =
                        RESOLUTION_MARGIN * norm * (loose(resolution[a]) + loose(resolution[b]));
                    let (kept, off) = if s <= UNCOUPLED * scale {
                        (0.0, 0.0)
                    } else if s <= blur * blur {
                        unresolved = true;
                        (0.0, spread * spread)
                    } else {
                        (s, 2.0 * s.sqrt() * spread + spread * spread)
                    };
                    // Zero-frequency entries (the diagonal, degenerate
                    // pairs) keep their plain strength: no transition
                    // uses it, and the closure check needs it finite.
                    let omega = (energies[a] - energies[b]).abs();
                    let density = if exponent == 0.0 || omega == 0.0 {
                        1.0
                    } else {
                        (omega / omega_ref).powf(exponent)
                    };
                    // (A zero stays 0 whatever the density: (ω/ω_ref)^s
                    // may overflow.)
                    strength[(a, b)] = if kept == 0.0 { 0.0 } else { kept * density };
                    blurred[(a, b)] = if off == 0.0 { 0.0 } else { off * density };
                }
            }
            strengths.push(strength);
            if resolution.iter().any(|r| *r >= LOOSE) {
                uncertain.push(blurred);
            }
        }
        // Levels whose state an index does not name: in a degenerate run
        // whose basis is not the user's as written (a diagonal H's unit
        // vectors, ties in the order written), as the couplings select it
        // (`basis::decouple`) or the eigensolver does.
        let written = {
            let mut p: Vec<usize> = (0..d).collect();
            p.sort_by(|&i, &j| h[(i, i)].re.total_cmp(&h[(j, j)].re).then(i.cmp(&j)));
            p
        };
        let unnamed: Vec<bool> = (0..d)
            .map(|c| {
                let in_run = blocks.iter().any(|run| run.contains(&c));
                let as_written =
                    diagonal && (0..d).all(|r| (r == written[c]) == (v[(r, c)].norm() != 0.0));
                in_run && !as_written
            })
            .collect();
        let open = closure(battery, &energies, &strengths, DEGENERATE * scale, &unnamed);
        // A diagonal H's energies are its entries, exact: only equal ones
        // are one energy (found: a gap of 1e-14 in a diagonal H taken as a
        // tie, its figures 30 % off the ordinary sort's at status ok).
        Spectrum {
            blocks,
            energies,
            strengths,
            rates: battery.rates.clone(),
            open,
            unresolved,
            uncertain,
        }
    }

    pub fn levels(&self) -> usize {
        self.energies.len()
    }
}

/// Each level's eigenvector error bound, ‖H v − E v‖ over the distance to
/// the nearest level not degenerate with it (Davis–Kahan); 0 for an exact
/// eigenvector of an isolated level (a diagonal H's).
fn resolution(
    h: &DMatrix<Complex64>,
    v: &DMatrix<Complex64>,
    order: &[usize],
    values: &nalgebra::DVector<f64>,
    degenerate: f64,
) -> Vec<f64> {
    let d = h.nrows();
    (0..d)
        .map(|c| {
            let e = values[order[c]];
            let col = v.column(c);
            let r = (h * col - col * Complex64::new(e, 0.0)).norm();
            let gap = order
                .iter()
                .map(|&j| (values[j] - e).abs())
                .filter(|g| *g > degenerate)
                .fold(f64::INFINITY, f64::min);
            r / gap
        })
        .collect()
}

/// The runs of two or more levels each within `tol` of the one before.
fn degenerate_runs(energies: &[f64], tol: f64) -> Vec<std::ops::Range<usize>> {
    let mut runs = Vec::new();
    let mut start = 0;
    for i in 1..=energies.len() {
        if i == energies.len() || energies[i] - energies[i - 1] > tol {
            if i - start >= 2 {
                runs.push(start..i);
            }
            start = i;
        }
    }
    runs
}

/// Why the populations do not close, if they do not.
fn closure(
    battery: &Battery,
    energies: &[f64],
    strengths: &[DMatrix<f64>],
    tol: f64,
    unnamed: &[bool],
) -> Option<String> {
    let d = energies.len();
    // Explicit rates name levels by index; inside a degenerate run whose
    // basis is not the user's as written (`unnamed`), an index names no
    // state the user chose (here the one the couplings select, basis::
    // decouple), so rates to or from such a level are not defined (found:
    // a bath's rates on level 0 of a degenerate ground pair applied in
    // the basis another bath's coupling had rotated, heats 13 % off the
    // user's basis at status ok). Distinct levels, however close, and a
    // diagonal H's degenerate levels left as written are named.
    for (k, rates) in battery.rates.iter().enumerate() {
        let Some(r) = rates else { continue };
        for a in (0..d).filter(|&a| unnamed[a]) {
            // Another level of its run (`unnamed` only holds levels in one).
            let Some(a2) = (a.saturating_sub(1)..=a + 1).find(|&a2| {
                a2 != a && a2 < d && unnamed[a2] && (energies[a2] - energies[a]).abs() <= tol
            }) else {
                continue;
            };
            if (0..d).any(|b| b != a && (r[(a, b)] != 0.0 || r[(b, a)] != 0.0)) {
                return Some(format!(
                    "levels {} and {} are degenerate and bath {} gives explicit rates to or from level {a}: inside a degenerate level an index names no state until a basis is chosen, and the couplings chose one other than H's as written, so those rates are not defined; accepted: explicit rates on levels apart from every other, on degenerate levels of a diagonal H that no coupling mixes, or a coupling operator",
                    a.min(a2),
                    a.max(a2),
                    battery.baths[k].0
                ));
            }
        }
    }
    for (k, s) in strengths.iter().enumerate() {
        for a in 0..d {
            for a2 in a + 1..d {
                if (energies[a2] - energies[a]).abs() > tol {
                    continue;
                }
                if s[(a, a2)] > 0.0 {
                    return Some(format!(
                        "levels {a} and {a2} are degenerate and bath {} couples them directly: a transition at zero frequency, which the population model does not describe",
                        battery.baths[k].0
                    ));
                }
                for c in 0..d {
                    if c != a && c != a2 && s[(a, c)] > 0.0 && s[(a2, c)] > 0.0 {
                        return Some(format!(
                            "levels {a} and {a2} are degenerate and bath {} couples both to level {c}: the dissipator makes coherences from populations, so the population model does not describe this battery",
                            battery.baths[k].0
                        ));
                    }
                }
            }
        }
    }
    None
}
