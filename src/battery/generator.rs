//! The charging stroke's generator: dp/dt = W p with W = Σ_k W_k, the
//! global (Davies) rates of each bath with a flat spectral density. For
//! each pair E_b > E_a, ω = E_b − E_a and n_k(ω) = 1/(e^{ω/T_k} − 1):
//! down-rate b → a Γ_k (n_k + 1)|⟨a|X_k|b⟩|², up-rate a → b
//! Γ_k n_k |⟨a|X_k|b⟩|². Columns sum to zero exactly (each diagonal entry
//! is minus the sum of its column's rates), so probability is conserved
//! to rounding whatever the rates.

use nalgebra::DMatrix;

use super::spectrum::Spectrum;

/// One bath at one point: a thermal bath's temperature and rate scale.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BathPoint {
    pub temperature: f64,
    pub gamma: f64,
}

/// W_k of bath `k` at `bath` (rows: to, columns: from); a bath with
/// explicit rates has them, whatever `bath` says.
pub fn bath_generator(spectrum: &Spectrum, k: usize, bath: BathPoint) -> DMatrix<f64> {
    // Explicit rates are taken as given (the bath has no temperature).
    let given = spectrum.rates.get(k).and_then(Option::as_ref);
    rates(&spectrum.energies, &spectrum.strengths[k], given, bath)
}

/// W_k(T_k) − W_k(T_ref) of bath `k` at `bath`: its rates' change from
/// temperature `t_ref` to its own, formed from the parameters. Each
/// transition's up- and down-rate change by one Γ_k s (n_k − n_ref), and
/// the difference of Bose factors is taken without cancellation (near
/// equal temperatures it is of size (T_k − T_ref), where n_k − n_ref as
/// rounded would keep only ε n/(T_k − T_ref) of it). None for a bath with
/// explicit rates (no temperature).
pub fn detuned(spectrum: &Spectrum, k: usize, bath: BathPoint, t_ref: f64) -> Option<DMatrix<f64>> {
    if spectrum.rates.get(k).is_some_and(Option::is_some) {
        return None;
    }
    let (e, s) = (&spectrum.energies, &spectrum.strengths[k]);
    let d = e.len();
    let mut w = DMatrix::<f64>::zeros(d, d);
    for b in 0..d {
        for a in 0..b {
            let omega = e[b] - e[a];
            if s[(a, b)] == 0.0 || omega <= 0.0 || bath.gamma == 0.0 {
                continue;
            }
            let change = bath.gamma * bose_change(omega, bath.temperature, t_ref) * s[(a, b)];
            w[(a, b)] += change;
            w[(b, a)] += change;
        }
    }
    for c in 0..d {
        let out: f64 = (0..d).filter(|&r| r != c).map(|r| w[(r, c)]).sum();
        w[(c, c)] = -out;
    }
    Some(w)
}

/// n(ω, T) − n(ω, T_ref) for n = 1/(e^{ω/T} − 1): with x = ω/T and
/// x_r = ω/T_ref, e^x n(x) (e^{x_r − x} − 1) n(x_r), where e^x n(x) =
/// 1/(1 − e^{−x}) and x_r − x = ω (T − T_ref)/(T T_ref) carry no
/// cancellation. Where that product over- or underflows (temperatures
/// decades apart), the plain difference, which has none either.
fn bose_change(omega: f64, t: f64, t_ref: f64) -> f64 {
    let (x, x_r) = (omega / t, omega / t_ref);
    let n_r = 1.0 / x_r.exp_m1();
    let apart = omega * ((t - t_ref) / t / t_ref);
    let change = n_r * apart.exp_m1() / -(-x).exp_m1();
    match change.is_finite() && (change != 0.0 || t == t_ref) {
        true => change,
        false => 1.0 / x.exp_m1() - n_r,
    }
}

/// How far each rate of bath `k` may be off through its strengths'
/// uncertainty (`Spectrum::uncertain`), entry by entry, the diagonal as
/// the sum of its column (so |δW_k| ≤ this); None where the strengths are
/// exact or the bath's rates are given.
pub fn bath_uncertainty(spectrum: &Spectrum, k: usize, bath: BathPoint) -> Option<DMatrix<f64>> {
    let given = spectrum.rates.get(k).and_then(Option::as_ref);
    let off = spectrum.uncertain.get(k).filter(|_| given.is_none())?;
    let mut u = rates(&spectrum.energies, off, None, bath);
    u.iter_mut().for_each(|v| *v = v.abs());
    Some(u)
}

/// Row bounds on |δW x|, δW the rates' error through the strengths'
/// uncertainty (`Spectrum::uncertain`): pair by pair, a strength off by
/// σ_ab moves Γ σ_ab ((n + 1) x_b − n x_a) between a and b, so a pair near
/// its own detailed balance (a near-degenerate pair, whose rates grow as
/// T/ω) moves little whatever its uncertain strength; None where the
/// strengths are exact.
pub fn blurred_flow(
    spectrum: &Spectrum,
    baths: &[BathPoint],
    x: &nalgebra::DVector<f64>,
) -> Option<nalgebra::DVector<f64>> {
    if spectrum.uncertain.is_empty() {
        return None;
    }
    let e = &spectrum.energies;
    let d = e.len();
    let mut rows = nalgebra::DVector::<f64>::zeros(d);
    for (k, bath) in baths.iter().enumerate() {
        if spectrum.rates.get(k).is_some_and(Option::is_some) || bath.gamma == 0.0 {
            continue;
        }
        let sigma = &spectrum.uncertain[k];
        for b in 0..d {
            for a in 0..b {
                let omega = e[b] - e[a];
                if sigma[(a, b)] == 0.0 || omega <= 0.0 {
                    continue;
                }
                let n = 1.0 / (omega / bath.temperature).exp_m1();
                let moved = bath.gamma * sigma[(a, b)] * ((n + 1.0) * x[b] - n * x[a]).abs();
                rows[a] += moved;
                rows[b] += moved;
            }
        }
    }
    Some(rows)
}

/// The rates of strengths `s` at `bath` (or `given`), columns summing to 0.
fn rates(
    e: &[f64],
    s: &DMatrix<f64>,
    given: Option<&DMatrix<f64>>,
    bath: BathPoint,
) -> DMatrix<f64> {
    let d = e.len();
    let mut w = DMatrix::<f64>::zeros(d, d);
    if let Some(r) = given {
        w.copy_from(r);
    }
    for b in (0..d).filter(|_| given.is_none()) {
        for a in 0..b {
            let omega = e[b] - e[a];
            // Degenerate pairs have no transition (a coupled one makes the
            // spectrum open, and the point is refused before this).
            if s[(a, b)] == 0.0 || omega <= 0.0 || bath.gamma == 0.0 {
                continue;
            }
            let n = 1.0 / (omega / bath.temperature).exp_m1();
            w[(a, b)] += bath.gamma * (n + 1.0) * s[(a, b)];
            w[(b, a)] += bath.gamma * n * s[(a, b)];
        }
    }
    for c in 0..d {
        let out: f64 = (0..d).filter(|&r| r != c).map(|r| w[(r, c)]).sum();
        w[(c, c)] = -out;
    }
    w
}

/// Why the rates `w` leave levels apart from the ground level (through any
/// chain of transitions), if they do: then W has more than one stationary
/// state, and the steady states depend on where the engine starts.
pub fn disconnected(w: &DMatrix<f64>) -> Option<String> {
    let d = w.nrows();
    let mut reached = vec![false; d];
    let mut stack = vec![0];
    reached[0] = true;
    while let Some(a) = stack.pop() {
        for b in 0..d {
            if !reached[b] && (w[(a, b)] > 0.0 || w[(b, a)] > 0.0) {
                reached[b] = true;
                stack.push(b);
            }
        }
    }
    let apart: Vec<String> = (0..d)
        .filter(|&b| !reached[b])
        .map(|b| b.to_string())
        .collect();
    let levels = if apart.len() == 1 { "level" } else { "levels" };
    if !apart.is_empty() {
        return Some(format!(
            "no bath connects {levels} {} to the ground level (through any chain of transitions, at these rates): the steady state is not unique and depends on where the engine starts; accepted: couplings and rates that connect every level",
            apart.join(", ")
        ));
    }
    trapped(w)
}

/// Why one-way rates (explicit ones, or up-rates that underflow) trap
/// population in more than one closed set of levels, if they do: each
/// such set holds a stationary state of its own, so the baths' steady
/// state is not unique (found: two one-way pumps out of the ground level
/// ran into "not converged").
fn trapped(w: &DMatrix<f64>) -> Option<String> {
    let d = w.nrows();
    // reach[i]: the levels reachable from i (itself included), as bits;
    // d ≤ 64 (the oracle's range), closed by Warshall's algorithm.
    let mut reach: Vec<u64> = (0..d)
        .map(|b| {
            (0..d)
                .filter(|&a| a == b || w[(a, b)] > 0.0)
                .fold(0u64, |m, a| m | 1 << a)
        })
        .collect();
    for k in 0..d {
        for i in 0..d {
            if reach[i] >> k & 1 == 1 {
                reach[i] |= reach[k];
            }
        }
    }
    // The closed sets: the reach of each level that every level it
    // reaches reaches back.
    let mut closed: Vec<u64> = (0..d)
        .filter(|&i| (0..d).all(|j| reach[i] >> j & 1 == 0 || reach[j] >> i & 1 == 1))
        .map(|i| reach[i])
        .collect();
    closed.sort_unstable();
    closed.dedup();
    (closed.len() > 1).then(|| {
        let sets: Vec<String> = closed
            .iter()
            .map(|m| {
                let v: Vec<String> = (0..d).filter(|a| m >> a & 1 == 1).map(|a| a.to_string()).collect();
                format!("{{{}}}", v.join(", "))
            })
            .collect();
        format!(
            "the rates trap population in {} separate closed sets of levels ({}): the baths' steady state is not unique, so the NESS and the cycle built on it are not defined; accepted: rates under which every level can reach one common set",
            closed.len(),
            sets.join(", ")
        )
    })
}
