//! Physical invariants of the density-matrix oracle: trace, hermiticity and
//! positivity along the dynamics; the first law over a cycle; the heat
//! integrals against an independent RK4 quadrature; Eq. 3 against brute
//! force.

mod common;

use nalgebra::SymmetricEigen;
use nessbat::model::operators::Op;
use nessbat::model::{EngineParams, ModelKind, Protocol};
use nessbat::oracle::engine::{Channel, Engine};
use nessbat::oracle::extract::{ergotropy, extract, optimal_unitary};
use nessbat::oracle::oss::{solve, OssOptions};
use nessbat::oracle::propagate::Propagator;
use nessbat::oracle::superop::{unvec, vec};
use nessbat::oracle::{compute_point, CVec, C64};

fn detuned() -> EngineParams {
    EngineParams {
        detuning: 0.02,
        dephasing: 3e-4,
        ..common::paper(40.0)
    }
}

/// A deterministic full-rank density matrix with coherences.
fn some_state(seed: u64) -> Op {
    let mut s = seed;
    let mut next = || {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((s >> 11) as f64 / (1u64 << 53) as f64) - 0.5
    };
    let m = Op::from_fn(|_, _| C64::new(next(), next()));
    let rho = m * m.adjoint() + Op::identity() * C64::new(0.05, 0.0);
    rho / rho.trace()
}

fn check_state(rho: &Op, what: &str) {
    assert!(
        (rho.trace() - C64::new(1.0, 0.0)).norm() < 1e-12,
        "{what}: trace"
    );
    assert!((rho - rho.adjoint()).norm() < 1e-12, "{what}: hermiticity");
    let eig = SymmetricEigen::new((rho + rho.adjoint()) * C64::new(0.5, 0.0));
    assert!(
        eig.eigenvalues.iter().all(|&v| v > -1e-13),
        "{what}: positivity {:?}",
        eig.eigenvalues
    );
}

#[test]
fn dynamics_preserve_trace_hermiticity_positivity() {
    let e = Engine::new(&detuned(), ModelKind::DensityMatrix).unwrap();
    for seed in 1..4 {
        let mut x = vec(&some_state(seed));
        for tau in [0.1, 10.0, 1e3] {
            let prop = Propagator::new(&e.generator, tau, &e.trace);
            x = prop.apply(&x);
            check_state(&unvec(&x), "after charging");
            let after = extract(&e, &x, Protocol::Optimal).after;
            check_state(&unvec(&after), "after extraction");
        }
    }
    let prop = Propagator::new(&e.generator, 40.0, &e.trace);
    let oss = solve(&e, &prop, Protocol::Optimal, &OssOptions::default()).unwrap();
    check_state(&unvec(&oss.start), "OSS");
    check_state(&unvec(&oss.charged), "charged OSS");
}

#[test]
fn first_law_over_a_cycle() {
    // At the OSS the stroke's heat from all channels is the work extracted.
    for (p, kind) in [
        (common::paper(150.0), ModelKind::Populations),
        (detuned(), ModelKind::DensityMatrix),
        (
            common::explicit([4e-3, 1e-3, 1e-5, 2e-3], 0.05, 3.0),
            ModelKind::DensityMatrix,
        ),
    ] {
        for protocol in [Protocol::Optimal, Protocol::GateGlobal] {
            let f = compute_point(&p, kind, protocol, &OssOptions::default()).unwrap();
            let total = f.heat_a + f.heat_s + f.heat_dephasing;
            common::close("first law", total, f.ergotropy, 1e-9, 1e-15);
            // Eq. 3 at the charged state equals the work for the optimal protocol.
            if protocol == Protocol::Optimal {
                let e = Engine::new(&p, kind).unwrap();
                let charged = e.diagonal_state(&f.populations_charged);
                if kind == ModelKind::Populations {
                    common::close("Eq. 3", ergotropy(&e, &charged), f.ergotropy, 1e-9, 1e-15);
                }
            }
        }
    }
}

/// RK4 for ẋ = Gx with n steps, accumulating ∫ h·x dt by Simpson's rule.
fn rk4(e: &Engine, x0: &CVec, tau: f64, n: usize, h: &CVec) -> (CVec, f64) {
    let dt = tau / n as f64;
    let g = &e.generator;
    let mut x = x0.clone();
    let mut integral = 0.0;
    for _ in 0..n {
        let k1 = g * &x;
        let k2 = g * (&x + &k1 * C64::new(dt / 2.0, 0.0));
        let k3 = g * (&x + &k2 * C64::new(dt / 2.0, 0.0));
        let k4 = g * (&x + &k3 * C64::new(dt, 0.0));
        let mid = &x
            + (&k1 + &k2 * C64::new(2.0, 0.0) + &k3 * C64::new(2.0, 0.0) + &k4)
                * C64::new(dt / 12.0, 0.0);
        let xn = &x
            + (k1 + k2 * C64::new(2.0, 0.0) + k3 * C64::new(2.0, 0.0) + k4)
                * C64::new(dt / 6.0, 0.0);
        // Simpson with the RK4 midpoint estimate (error O(dt^4)).
        integral += dt / 6.0
            * (Engine::observe(h, &x) + 4.0 * Engine::observe(h, &mid) + Engine::observe(h, &xn));
        x = xn;
    }
    (x, integral)
}

#[test]
fn van_loan_heat_matches_rk4_quadrature() {
    let e = Engine::new(&detuned(), ModelKind::DensityMatrix).unwrap();
    let x0 = vec(&some_state(7));
    let tau = 40.0;
    let prop = Propagator::new(&e.generator, tau, &e.trace);
    for ch in [Channel::A, Channel::S, Channel::Dephasing] {
        let h = e.heat_functional(ch).unwrap();
        let exact = Engine::observe(h, &(&prop.integral * &x0));
        let (x_rk, q_rk) = rk4(&e, &x0, tau, 40_000, h);
        common::close("heat", exact, q_rk, 1e-8, 1e-14);
        assert!((prop.apply(&x0) - x_rk).norm() < 1e-10);
    }
}

#[test]
fn ergotropy_is_the_best_unitary() {
    let e = Engine::new(&detuned(), ModelKind::DensityMatrix).unwrap();
    let energy = |rho: &Op| Engine::observe(&e.energy, &vec(rho));
    for seed in 10..14 {
        let rho = some_state(seed);
        let w = ergotropy(&e, &vec(&rho));
        let u = optimal_unitary(&rho);
        assert!((u * u.adjoint() - Op::identity()).norm() < 1e-12, "unitary");
        common::close(
            "Eq. 3 via U",
            energy(&rho) - energy(&(u * rho * u.adjoint())),
            w,
            1e-12,
            1e-14,
        );
        // No other unitary does better: products of random phases and
        // rotations, built as exp(iK) of random Hermitian K.
        for k in 0..50 {
            let kmat = some_state(1000 + 50 * seed + k) * C64::new(0.0, 8.0);
            let v = kmat.exp();
            let wv = energy(&rho) - energy(&(v * rho * v.adjoint()));
            assert!(wv <= w + 1e-13, "unitary {k} beats Eq. 3: {wv} > {w}");
        }
        // The passive state has no ergotropy left.
        let passive = extract(&e, &vec(&rho), Protocol::Optimal).after;
        assert!(ergotropy(&e, &passive).abs() < 1e-14);
    }
}

#[test]
fn diagonal_ergotropy_is_best_permutation() {
    // For a state diagonal in the energy basis, Eq. 3 is the best of the 24
    // permutations of the populations.
    let e = Engine::new(&common::paper(1.0), ModelKind::Populations).unwrap();
    let pops = [0.1, 0.4, 0.2, 0.3];
    let en = e.energies;
    let base: f64 = (0..4).map(|i| en[i] * pops[i]).sum();
    let mut best = f64::NEG_INFINITY;
    let mut perm = [0, 1, 2, 3];
    heap(&mut perm, 4, &mut |p| {
        let after: f64 = (0..4).map(|i| en[i] * pops[p[i]]).sum();
        best = best.max(base - after);
    });
    common::close(
        "best permutation",
        ergotropy(&e, &e.diagonal_state(&pops)),
        best,
        1e-14,
        0.0,
    );
}

fn heap(a: &mut [usize; 4], k: usize, f: &mut impl FnMut(&[usize; 4])) {
    if k == 1 {
        f(a);
        return;
    }
    for i in 0..k {
        heap(a, k - 1, f);
        let j = if k.is_multiple_of(2) { i } else { 0 };
        a.swap(j, k - 1);
    }
}
