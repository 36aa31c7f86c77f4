//! Coupling operators written as expressions, on the basis a builder made:
//! linear combinations of products of
//! - `sx1`, `sy1`, `sz1`, `sp1`, `sm1`: σx, σy, σz, σ+ = |e⟩⟨g|, σ− of spin 1
//!   (spins counted from 1; σz = +1 on |e⟩), in a chain;
//! - `jx`, `jy`, `jz`, `jp`, `jm`: the collective J operators (Σ_i σ_i/2, J± =
//!   Jx ± iJy), in a chain or a Dicke ladder;
//! - `|i><j|`: the transition |i⟩⟨j| + |j⟩⟨i| between basis states i and j
//!   (counted from 0), on any basis;
//!
//! with real coefficients: `"sx1 - sx2"`, `"0.5*jx"`, `"sz1*sz2"`,
//! `"|0><2| + 0.3*|1><2|"`. The result must be Hermitian (checked with the
//! matrices).

use nalgebra::DMatrix;
use num_complex::Complex64;

type CMat = DMatrix<Complex64>;

/// The basis an expression acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// N spins, |s_1 … s_N⟩ with s = 0 (g) or 1 (e), index Σ s_i 2^(N−i):
    /// spin 1 is the most significant bit, as in the paper's |q1 q2⟩.
    Spins(usize),
    /// The symmetric subspace of N spins, |J = N/2, m⟩, m = −N/2 … N/2
    /// (index 0 is m = −N/2, the ground state).
    Dicke(usize),
    /// d plain levels: only transitions.
    Levels(usize),
}

impl Basis {
    pub fn dimension(self) -> usize {
        match self {
            Basis::Spins(n) => 1 << n,
            Basis::Dicke(n) => n + 1,
            Basis::Levels(d) => d,
        }
    }
}

fn c(v: f64) -> Complex64 {
    Complex64::new(v, 0.0)
}

/// σ± and σz on one spin of a chain.
fn spin_op(n: usize, spin: usize, op: char) -> CMat {
    let d = 1 << n;
    let bit = n - spin; // spin 1 is the most significant bit
    let mut m = CMat::zeros(d, d);
    for col in 0..d {
        let up = col >> bit & 1 == 1;
        match op {
            'p' if !up => m[(col | 1 << bit, col)] = c(1.0),
            'm' if up => m[(col & !(1 << bit), col)] = c(1.0),
            'z' => m[(col, col)] = c(if up { 1.0 } else { -1.0 }),
            _ => {}
        }
    }
    m
}

/// J+ and Jz on a Dicke ladder of n spins (j = n/2, m = index − j).
fn dicke_op(n: usize, op: char) -> CMat {
    let d = n + 1;
    let j = n as f64 / 2.0;
    let mut m = CMat::zeros(d, d);
    for k in 0..d {
        let mk = k as f64 - j;
        match op {
            'z' => m[(k, k)] = c(mk),
            'p' if k + 1 < d => m[(k + 1, k)] = c((j * (j + 1.0) - mk * (mk + 1.0)).sqrt()),
            _ => {}
        }
    }
    m
}

/// x, y, z, p, m from σ+ (or J+) and σz (Jz): σx = σ+ + σ−, σy = −i(σ+ − σ−).
fn from_ladder(plus: CMat, z: CMat, op: char, half: f64) -> CMat {
    let minus = plus.adjoint();
    match op {
        'x' => (&plus + &minus) * c(half),
        'y' => (&plus - &minus) * Complex64::new(0.0, -half),
        'z' => z,
        'p' => plus,
        _ => minus,
    }
}

/// One factor of a term, such as `sx2`, `jp` or `|0><3|`.
fn factor(basis: Basis, text: &str) -> Result<CMat, String> {
    let d = basis.dimension();
    if let Some(inner) = text.strip_prefix('|').and_then(|t| t.strip_suffix('|')) {
        let (i, j) = inner
            .split_once("><")
            .and_then(|(i, j)| Some((i.trim().parse::<usize>().ok()?, j.trim().parse::<usize>().ok()?)))
            .ok_or_else(|| format!("{text:?} is not a transition; accepted: |i><j| with levels i, j counted from 0"))?;
        if i >= d || j >= d || i == j {
            return Err(format!(
                "{text:?} names a level above {} or one level twice; accepted: |i><j| with i ≠ j, levels 0 to {}",
                d - 1,
                d - 1
            ));
        }
        let mut m = CMat::zeros(d, d);
        m[(i, j)] = c(1.0);
        m[(j, i)] = c(1.0);
        return Ok(m);
    }
    let ops = "xyzpm";
    if let Some(rest) = text.strip_prefix('s') {
        let Basis::Spins(n) = basis else {
            return Err(format!("{text:?}: single-spin operators need a chain; accepted here: jx, jy, jz, jp, jm or |i><j|"));
        };
        let mut chars = rest.chars();
        let op = chars.next().filter(|o| ops.contains(*o));
        let spin = chars
            .as_str()
            .parse::<usize>()
            .ok()
            .filter(|s| (1..=n).contains(s));
        let (Some(op), Some(spin)) = (op, spin) else {
            return Err(format!("{text:?} is not a spin operator; accepted: sx, sy, sz, sp or sm followed by a spin 1 to {n}"));
        };
        return Ok(from_ladder(
            spin_op(n, spin, 'p'),
            spin_op(n, spin, 'z'),
            op,
            1.0,
        ));
    }
    if let Some(op) = text
        .strip_prefix('j')
        .filter(|o| o.len() == 1 && ops.contains(*o))
    {
        let op = op.chars().next().unwrap_or('z');
        return match basis {
            // J = Σ σ/2 over the chain.
            Basis::Spins(n) => Ok((1..=n).fold(CMat::zeros(d, d), |acc, s| {
                acc + from_ladder(spin_op(n, s, 'p'), spin_op(n, s, 'z'), op, 1.0)
                    * c(if op == 'p' || op == 'm' { 1.0 } else { 0.5 })
            })),
            Basis::Dicke(n) => Ok(from_ladder(dicke_op(n, 'p'), dicke_op(n, 'z'), op, 0.5)),
            Basis::Levels(_) => Err(format!("{text:?}: collective operators need a chain or a Dicke ladder; accepted here: |i><j|")),
        };
    }
    Err(format!(
        "{text:?} is not an operator; accepted: sx1 … sm{}, jx, jy, jz, jp, jm, |i><j|, products with * and real coefficients",
        match basis {
            Basis::Spins(n) => n,
            _ => 1,
        }
    ))
}

/// The operator `text` on `basis`.
pub fn parse(basis: Basis, text: &str) -> Result<CMat, String> {
    let d = basis.dimension();
    let mut total = CMat::zeros(d, d);
    // Split into signed terms at + and −, except in a number's exponent
    // (1e-3); no operator name ends in e.
    let mut terms: Vec<(f64, String)> = Vec::new();
    let (mut sign, mut cur) = (1.0, String::new());
    for ch in text.chars() {
        let exponent = cur.ends_with(['e', 'E'])
            && cur[..cur.len() - 1].ends_with(|p: char| p.is_ascii_digit() || p == '.');
        if (ch == '+' || ch == '-') && !exponent {
            if !cur.trim().is_empty() {
                terms.push((sign, std::mem::take(&mut cur)));
            } else if ch == '-' {
                // A leading or doubled sign.
                sign = -sign;
                continue;
            }
            cur.clear();
            sign = if ch == '-' { -1.0 } else { 1.0 };
        } else {
            cur.push(ch);
        }
    }
    if !cur.trim().is_empty() {
        terms.push((sign, cur));
    }
    if text.trim_end().ends_with(['+', '-']) {
        return Err(format!(
            "{text:?} ends in a sign; accepted: terms joined by + or -, e.g. \"sx1 - sx2\""
        ));
    }
    if terms.is_empty() {
        return Err("an empty operator; accepted: e.g. \"sx1 - sx2\" or \"|0><2|\"".into());
    }
    for (sign, term) in terms {
        let mut coef = sign;
        let mut m = CMat::identity(d, d);
        let mut any = false;
        for f in term.split('*').map(str::trim) {
            if f.is_empty() {
                return Err(format!(
                    "term {:?} has an empty factor; accepted: a coefficient and operators joined by *",
                    term.trim()
                ));
            }
            if let Ok(v) = f.parse::<f64>() {
                if !v.is_finite() {
                    return Err(format!("{f:?} is not a finite coefficient"));
                }
                coef *= v;
            } else {
                m *= factor(basis, f)?;
                any = true;
            }
        }
        if !any {
            return Err(format!(
                "term {:?} has no operator; accepted: a coefficient times operators",
                term.trim()
            ));
        }
        total += m * c(coef);
    }
    Ok(total)
}
