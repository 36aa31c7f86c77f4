//! A battery as the user wrote it (`[battery]` in a config,
//! [`BatterySpec`]): a Hamiltonian and one or more baths, each with a
//! coupling operator, as matrices in any basis the user likes (complex
//! entries as an `_im` twin matrix). [`Battery::new`] checks it: square, Hermitian, matching sizes,
//! d within the supported range, bath names that make valid keys and do
//! not collide with nessbat's own.

use std::collections::BTreeMap;

use super::builders::build;
use super::operators::{parse, Basis};
pub use crate::config::battery::{BathSpec, BatterySpec, Operator};
use crate::error::Error;
use nalgebra::DMatrix;
use num_complex::Complex64;

/// Most levels of a user-defined battery (the f64 oracle's range).
pub const MAX_LEVELS: usize = 64;

/// A checked battery: H and the baths' coupling operators.
#[derive(Debug, Clone)]
pub struct Battery {
    pub hamiltonian: DMatrix<Complex64>,
    /// (name, X_k), in the order written.
    pub baths: Vec<(String, DMatrix<Complex64>)>,
    /// Each bath's spectral density: (exponent s, ω_ref), rates ∝ (ω/ω_ref)^s.
    pub spectra: Vec<(f64, f64)>,
    /// Per bath, its explicit rates where it has them: a d × d matrix of
    /// rates to level a (row) from level b (column), on the levels in
    /// ascending energy, zero diagonal; its coupling is then zero.
    pub rates: Vec<Option<DMatrix<f64>>>,
    /// The builder's parameter keys (`omega0`, `lambda`, …), if any.
    pub builder_keys: Vec<String>,
}

/// Names a bath may not take: they would make keys that collide with
/// nessbat's own parameters or arrays (`t_a`, `gamma_s`, `heat_in`,
/// `heat_hot`, `heat_dephasing`).
const RESERVED: [&str; 5] = ["a", "s", "in", "hot", "dephasing"];

impl Battery {
    /// Checks `spec`, with a builder's parameters from `fixed` (their
    /// defaults where absent); errors name the matrix or key and what is
    /// accepted.
    pub fn new(spec: &BatterySpec, fixed: &BTreeMap<String, f64>) -> Result<Battery, Error> {
        let built = build(spec, fixed).map_err(bad)?;
        let matrix_h = built.is_none();
        let (hamiltonian, basis, builder_keys) = match built {
            Some(b) => {
                if spec.hamiltonian_im.is_some() {
                    return Err(bad("battery.hamiltonian_im with a builder; accepted: hamiltonian_im only beside hamiltonian".into()));
                }
                (b.hamiltonian, Some(b.basis), b.keys)
            }
            None => {
                let re = spec.hamiltonian.as_deref().unwrap_or_default();
                let h = matrix(
                    "battery.hamiltonian",
                    re,
                    spec.hamiltonian_im.as_deref(),
                    None,
                )?;
                (h, None, Vec::new())
            }
        };
        let d = hamiltonian.nrows();
        if !(2..=MAX_LEVELS).contains(&d) {
            return Err(bad(format!(
                "battery.hamiltonian is {d} × {d}; accepted: 2 to {MAX_LEVELS} levels"
            )));
        }
        hermitian("battery.hamiltonian", &hamiltonian, matrix_h)?;
        if spec.baths.is_empty() {
            return Err(bad(
                "battery has no baths; accepted: one or more [[battery.baths]] with name and coupling".into(),
            ));
        }
        let mut baths: Vec<(String, DMatrix<Complex64>)> = Vec::new();
        let mut spectra = Vec::new();
        let mut rates = Vec::new();
        for (k, b) in spec.baths.iter().enumerate() {
            let at = format!("battery.baths[{k}]");
            let valid = !b.name.is_empty()
                && b.name.len() <= 32
                && b.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                && b.name.starts_with(|c: char| c.is_ascii_lowercase());
            if !valid {
                return Err(bad(format!(
                    "{at}: name = {:?}; accepted: lower-case letters, digits and _, starting with a letter, at most 32",
                    b.name
                )));
            }
            if RESERVED.contains(&b.name.as_str()) {
                return Err(bad(format!(
                    "{at}: name = {:?} would make keys that collide with nessbat's own (t_{0}, heat_{0}); accepted: any other name",
                    b.name
                )));
            }
            if baths.iter().any(|(n, _)| n == &b.name) {
                return Err(bad(format!(
                    "{at}: name = {:?} is used by an earlier bath; accepted: one name per bath",
                    b.name
                )));
            }
            let coupling = match (&b.coupling, &b.rates) {
                (Some(c), None) => c,
                (None, Some(r)) => {
                    if b.coupling_im.is_some()
                        || b.spectral_exponent.is_some()
                        || b.omega_ref.is_some()
                    {
                        return Err(bad(format!("{at}: coupling_im, spectral_exponent and omega_ref describe a coupling; accepted: rates alone (they are taken as given)")));
                    }
                    rates.push(Some(explicit_rates(&at, r, d)?));
                    spectra.push((0.0, 1.0));
                    baths.push((b.name.clone(), DMatrix::zeros(d, d)));
                    continue;
                }
                (Some(_), Some(_)) => {
                    return Err(bad(format!("{at}: both coupling and rates; accepted: one of them (a coupling operator for Davies rates, or explicit rates per transition)")));
                }
                (None, None) => {
                    return Err(bad(format!("{at}: no coupling; accepted: coupling = a matrix or an operator expression, or rates = [[a, b, up, down], …]")));
                }
            };
            let x = match coupling {
                Operator::Matrix(re) => matrix(
                    &format!("{at}.coupling"),
                    re,
                    b.coupling_im.as_deref(),
                    Some(d),
                )?,
                Operator::Expression(text) => {
                    if b.coupling_im.is_some() {
                        return Err(bad(format!("{at}.coupling_im beside an expression; accepted: coupling_im only beside a coupling matrix")));
                    }
                    // Without a builder, transitions on the matrix's levels.
                    let on = basis.unwrap_or(Basis::Levels(d));
                    parse(on, text).map_err(|e| bad(format!("{at}.coupling: {e}")))?
                }
            };
            let matrix_form = matches!(coupling, Operator::Matrix(_));
            hermitian(&format!("{at}.coupling"), &x, matrix_form)?;
            let s = b.spectral_exponent.unwrap_or(0.0);
            let omega_ref = b.omega_ref.unwrap_or(1.0);
            if !(s.is_finite() && (-4.0..=8.0).contains(&s)) {
                return Err(bad(format!(
                    "{at}: spectral_exponent = {s}; accepted: a number from -4 to 8 (0 flat, 1 ohmic)"
                )));
            }
            if !(1e-6..=1e6).contains(&omega_ref) {
                return Err(bad(format!(
                    "{at}: omega_ref = {}; accepted: 1e-6 to 1e6 (in the energies' unit)",
                    crate::error::short(omega_ref)
                )));
            }
            spectra.push((s, omega_ref));
            rates.push(None);
            baths.push((b.name.clone(), x));
        }
        Ok(Battery {
            hamiltonian,
            baths,
            spectra,
            rates,
            builder_keys,
        })
    }

    /// Number of levels.
    pub fn levels(&self) -> usize {
        self.hamiltonian.nrows()
    }

    /// The battery's parameter keys: the builder's, then `t_NAME`,
    /// `gamma_NAME` per bath.
    pub fn keys(&self) -> Vec<String> {
        let baths = self
            .baths
            .iter()
            .zip(&self.rates)
            .filter(|(_, r)| r.is_none())
            .flat_map(|((n, _), _)| [format!("t_{n}"), format!("gamma_{n}")]);
        self.builder_keys.iter().cloned().chain(baths).collect()
    }
}

/// The rate matrix of explicit `rows` [a, b, up, down] on `d` levels.
fn explicit_rates(at: &str, rows: &[Vec<f64>], d: usize) -> Result<DMatrix<f64>, Error> {
    let accepted = format!("rows [a, b, up, down] with levels 0 <= a < b < {d} (in ascending energy) and rates finite and >= 0");
    if rows.is_empty() {
        return Err(bad(format!("{at}.rates is empty; accepted: {accepted}")));
    }
    let mut w = DMatrix::<f64>::zeros(d, d);
    let mut seen = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let level = |x: f64| (x.fract() == 0.0 && x >= 0.0 && x < d as f64).then_some(x as usize);
        let ok = match row.as_slice() {
            [a, b, up, down] => match (level(*a), level(*b)) {
                (Some(a), Some(b))
                    if a < b && [up, down].iter().all(|r| r.is_finite() && **r >= 0.0) =>
                {
                    Some((a, b, *up, *down))
                }
                _ => None,
            },
            _ => None,
        };
        let Some((a, b, up, down)) = ok else {
            return Err(bad(format!(
                "{at}.rates[{i}] = {row:?}; accepted: {accepted}"
            )));
        };
        if seen.contains(&(a, b)) {
            return Err(bad(format!("{at}.rates[{i}]: the transition {a} <-> {b} is given twice; accepted: one row per transition")));
        }
        seen.push((a, b));
        w[(b, a)] = up;
        w[(a, b)] = down;
    }
    Ok(w)
}

fn bad(message: String) -> Error {
    Error::Config(message)
}

/// The complex matrix of `re` (+ i `im`), square, every entry finite, of
/// size `d` where given.
fn matrix(
    what: &str,
    re: &[Vec<f64>],
    im: Option<&[Vec<f64>]>,
    d: Option<usize>,
) -> Result<DMatrix<Complex64>, Error> {
    let n = re.len();
    let shape = |rows: &[Vec<f64>]| rows.iter().all(|r| r.len() == rows.len());
    if n == 0 || !shape(re) {
        return Err(bad(format!(
            "{what} is not a square matrix; accepted: a list of d rows of d numbers each"
        )));
    }
    if let Some(d) = d {
        if n != d {
            return Err(bad(format!(
                "{what} is {n} × {n} but the Hamiltonian is {d} × {d}; accepted: the Hamiltonian's size"
            )));
        }
    }
    if let Some(im) = im {
        if im.len() != n || !shape(im) {
            return Err(bad(format!(
                "{what}_im is not {n} × {n}; accepted: the same size as {what}"
            )));
        }
    }
    let mut m = DMatrix::<Complex64>::zeros(n, n);
    for i in 0..n {
        for j in 0..n {
            let v = Complex64::new(re[i][j], im.map_or(0.0, |im| im[i][j]));
            if !v.re.is_finite() || !v.im.is_finite() {
                return Err(bad(format!(
                    "{what}[{i}][{j}] is not finite; accepted: finite numbers"
                )));
            }
            m[(i, j)] = v;
        }
    }
    Ok(m)
}

/// Refuses a matrix that is not Hermitian beyond rounding of its entries;
/// `matrix_form`: it was written as a matrix (which an `_im` twin may
/// complete), not built from an expression.
fn hermitian(what: &str, m: &DMatrix<Complex64>, matrix_form: bool) -> Result<(), Error> {
    let scale = m.iter().map(|v| v.norm()).fold(0.0, f64::max);
    let n = m.nrows();
    // 0.5, 0.5i, 0.5 - 0.2i: as a user writes them (no "0+-0i").
    let show = |v: Complex64| {
        let (re, im) = (v.re + 0.0, v.im + 0.0);
        match (re == 0.0, im == 0.0) {
            (_, true) => crate::error::short(re),
            (true, false) => format!("{}i", crate::error::short(im)),
            (false, false) => format!(
                "{} {} {}i",
                crate::error::short(re),
                if im < 0.0 { "-" } else { "+" },
                crate::error::short(im.abs())
            ),
        }
    };
    for i in 0..n {
        for j in i..n {
            let (a, b) = (m[(i, j)], m[(j, i)].conj());
            if (a - b).norm() > 1e-12 * scale {
                let accepted = match matrix_form {
                    true => format!("a Hermitian matrix (complex parts in {what}_im)"),
                    false => "a Hermitian operator (an expression with real coefficients of Hermitian terms: sx, sy, sz, jx, jy, jz, |i><j|, or sp1 + sm1 rather than sp1 alone)".into(),
                };
                return Err(bad(format!(
                    "{what} is not Hermitian: entry [{i}][{j}] = {} but [{j}][{i}]* = {}; accepted: {accepted}",
                    show(a),
                    show(b)
                )));
            }
        }
    }
    Ok(())
}
