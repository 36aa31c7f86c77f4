//! The trust contract over the whole parameter space: thousands of random
//! points up to the accepted limits (T ∈ [1e-3, 1e3], Γ ∈ [1e-9, 1],
//! λ ∈ {0} ∪ [1e-10, 0.999], a fifth of them below 1e-2, τ ∈ [1e-6, 1e12]),
//! both rate kinds, the optimal protocol and the fixed
//! gate, the population model and the density-matrix model (at δ = γφ = 0,
//! where both describe the same dynamics). Every point that `point`'s
//! reference or the CPU twin (on a one-point sweep) reports with status ok
//! must agree with an
//! independent double-double reference (written here, sharing no code with
//! the crate) within the contract: 1e-6 relative, or, for a figure reported
//! as an exact zero, within that figure's rounding noise. Every point must
//! satisfy E ≥ 0, the first law, η ≤ 1 and, under KMS rates, the second law
//! and Carnot.

mod common;

use common::backends::{backend_suite, Target};
use common::rng::Rng;
use nessbat::kernels::Named;

use common::dd::Dd;
use nessbat::backend::point::point as compute_point;
use nessbat::backend::run::Backend;
use nessbat::backend::Progress;
use nessbat::config::SweepConfig;
use nessbat::grid::Grid;
use nessbat::kernels::trust::PointStatus;
use nessbat::kernels::Precision;
use nessbat::kernels::Quantity;
use nessbat::model::{EngineParams, ModelKind, Protocol, RateKind, TransitionRates};
use nessbat::oracle::oss::OssOptions;
use nessbat::oracle::PointFigures;

type M4 = [[Dd; 4]; 4];

fn mm(a: &M4, b: &M4) -> M4 {
    let mut c = [[Dd::ZERO; 4]; 4];
    for i in 0..4 {
        for j in 0..4 {
            for (k, bk) in b.iter().enumerate() {
                c[i][j] = c[i][j] + a[i][k] * bk[j];
            }
        }
    }
    c
}

fn mv(a: &M4, x: &[Dd; 4]) -> [Dd; 4] {
    std::array::from_fn(|i| (0..4).fold(Dd::ZERO, |s, j| s + a[i][j] * x[j]))
}

#[expect(
    clippy::needless_range_loop,
    reason = "Gaussian elimination reads best with indices"
)]
/// Solves M x = b with row 0 replaced by the trace (Σ x = b0), by Gaussian
/// elimination with partial pivoting in double-double.
fn solve(m: &M4, b: [Dd; 4]) -> [Dd; 4] {
    let mut a = *m;
    let mut b = b;
    a[0] = [Dd::ONE; 4];
    for c in 0..4 {
        let p = (c..4)
            .max_by(|&i, &j| a[i][c].abs().hi.total_cmp(&a[j][c].abs().hi))
            .unwrap();
        a.swap(c, p);
        b.swap(c, p);
        for r in c + 1..4 {
            let f = a[r][c] / a[c][c];
            for j in c..4 {
                a[r][j] = a[r][j] - f * a[c][j];
            }
            b[r] = b[r] - f * b[c];
        }
    }
    let mut x = [Dd::ZERO; 4];
    for c in (0..4).rev() {
        let s = (c + 1..4).fold(b[c], |s, j| s - a[c][j] * x[j]);
        x[c] = s / a[c][c];
    }
    x
}

/// The reference figures of one point.
struct Reference {
    work: f64,
    heat_a: f64,
    heat_s: f64,
}

/// Bose factor 1/(e^{ω/T} − 1) in double-double; as y/(1 − y) with
/// y = e^{−ω/T} above ω/T = 1, where e^{ω/T} may overflow.
fn bose(omega: Dd, t: f64) -> Dd {
    let x = omega / Dd::from(t);
    if x.hi > 1.0 {
        let y = (-x).exp();
        y / (Dd::ONE - y)
    } else {
        Dd::ONE / x.expm1()
    }
}

#[expect(
    clippy::needless_range_loop,
    reason = "rate matrices read best with indices"
)]
/// The population model in double-double: rates, exact propagation by a
/// degree-30 Taylor series and squaring, the OSS by iterating the sorting
/// permutation to self-consistency, and the figures.
fn reference(p: &Sample) -> Reference {
    let w0 = Dd::ONE;
    let lam = Dd::from(p.lambda);
    let (lo, hi) = (w0 - lam, w0 + lam);
    // (up, down) on the legs gg ↔ mid and mid ↔ ee of each bath.
    let rates = |t: f64, g: f64, first: Dd, second: Dd| {
        let (n1, n2) = match p.rates {
            RateKind::Eq9 => (bose(w0, t), bose(w0, t)),
            RateKind::Kms => (bose(first, t), bose(second, t)),
        };
        let g = Dd::from(g);
        ((g * n1, g * (n1 + Dd::ONE)), (g * n2, g * (n2 + Dd::ONE)))
    };
    // Bath A: gg → A at ω0 + λ, A → ee at ω0 − λ; bath S the other way.
    let a = rates(p.t_a, p.gamma_a, hi, lo);
    let s = rates(p.t_s, p.gamma_s, lo, hi);
    let channel = |((u1, d1), (u2, d2)): ((Dd, Dd), (Dd, Dd)), mid: usize| {
        let mut w = [[Dd::ZERO; 4]; 4];
        let two = Dd::from(2.0);
        w[mid][0] = two * u1;
        w[0][mid] = two * d1;
        w[3][mid] = two * u2;
        w[mid][3] = two * d2;
        for j in 0..4 {
            let out = (0..4)
                .filter(|&i| i != j)
                .fold(Dd::ZERO, |s, i| s + w[i][j]);
            w[j][j] = -out;
        }
        w
    };
    let wa = channel(a, 2);
    let ws = channel(s, 1);
    let g: M4 = std::array::from_fn(|i| std::array::from_fn(|j| wa[i][j] + ws[i][j]));
    let e = [Dd::ZERO, lo, hi, Dd::from(2.0)];
    let functional = |w: &M4| -> [Dd; 4] {
        std::array::from_fn(|j| (0..4).fold(Dd::ZERO, |s, i| s + e[i] * w[i][j]))
    };
    let (ha, hs) = (functional(&wa), functional(&ws));

    // D = e^{Gτ} − I and J = ∫₀^τ e^{Gs} ds.
    let norm = g
        .iter()
        .map(|r| r.iter().map(|v| v.abs().hi).sum::<f64>())
        .fold(0.0, f64::max)
        * p.tau;
    let squarings = if norm > 0.25 {
        (norm / 0.25).log2().ceil() as i32
    } else {
        0
    };
    let h = Dd::from(p.tau).ldexp(-squarings);
    let a_h: M4 = std::array::from_fn(|i| std::array::from_fn(|j| g[i][j] * h));
    let id: M4 =
        std::array::from_fn(|i| std::array::from_fn(|j| if i == j { Dd::ONE } else { Dd::ZERO }));
    let mut jm = id;
    for k in (1..=30).rev() {
        let aj = mm(&a_h, &jm);
        jm = std::array::from_fn(|i| {
            std::array::from_fn(|j| id[i][j] + aj[i][j] / Dd::from(k as f64 + 1.0))
        });
    }
    let mut d = mm(&a_h, &jm);
    let mut int: M4 = std::array::from_fn(|i| std::array::from_fn(|j| jm[i][j] * h));
    for _ in 0..squarings {
        let di = mm(&d, &int);
        let dd = mm(&d, &d);
        int = std::array::from_fn(|i| std::array::from_fn(|j| int[i][j] + int[i][j] + di[i][j]));
        d = std::array::from_fn(|i| std::array::from_fn(|j| d[i][j] + d[i][j] + dd[i][j]));
    }

    let one = [Dd::ONE, Dd::ZERO, Dd::ZERO, Dd::ZERO];
    let ness = solve(&g, one);
    let order = |x: &[Dd; 4]| {
        let mut idx = [0usize, 1, 2, 3];
        idx.sort_by(|&i, &j| x[j].partial_cmp(&x[i]).unwrap().then(i.cmp(&j)));
        idx
    };
    let fixed_point = |perm: [usize; 4]| {
        // M = X(I + D) − I for the permutation X (row k takes level perm[k]).
        let m: M4 = std::array::from_fn(|k| {
            std::array::from_fn(|j| {
                let x_id = if perm[k] == j { Dd::ONE } else { Dd::ZERO };
                let xd = d[perm[k]][j];
                x_id + xd - if k == j { Dd::ONE } else { Dd::ZERO }
            })
        });
        solve(&m, one)
    };
    let x = if p.protocol == Protocol::Optimal {
        let mut perm = order(&ness);
        let mut x = fixed_point(perm);
        for _ in 0..40 {
            let dx = mv(&d, &x);
            let charged: [Dd; 4] = std::array::from_fn(|i| x[i] + dx[i]);
            let next = order(&charged);
            if next == perm {
                break;
            }
            perm = next;
            x = fixed_point(perm);
        }
        x
    } else {
        fixed_point([0, 2, 1, 3])
    };
    let dx = mv(&d, &x);
    let ix = mv(&int, &x);
    let dot = |a: &[Dd; 4], b: &[Dd; 4]| (0..4).fold(Dd::ZERO, |s, i| s + a[i] * b[i]);
    Reference {
        work: dot(&e, &dx).f64(),
        heat_a: dot(&ha, &ix).f64(),
        heat_s: dot(&hs, &ix).f64(),
    }
}

#[derive(Debug, Clone, Copy)]
struct Sample {
    t_a: f64,
    t_s: f64,
    gamma_a: f64,
    gamma_s: f64,
    lambda: f64,
    tau: f64,
    rates: RateKind,
    protocol: Protocol,
    model: ModelKind,
}

impl Sample {
    fn draw(rng: &mut Rng) -> Sample {
        // Up to the accepted limits (model::params::supported): what the
        // config check accepts, the contract covers.
        let gamma_a = rng.log_uniform(1e-9, 1.0);
        let lambda_kind = rng.next();
        Sample {
            t_a: rng.log_uniform(1e-3, 1e3),
            t_s: rng.log_uniform(1e-3, 1e3),
            gamma_a,
            // Half the points with equal couplings, as in the paper.
            gamma_s: if rng.next() < 0.5 {
                gamma_a
            } else {
                rng.log_uniform(1e-9, 1.0)
            },
            // Tiny splittings (where E_A − E_S formed from rounded energies
            // would lose every digit), the degenerate doublet, and the rest
            // up to ω0.
            lambda: if lambda_kind < 0.2 {
                rng.log_uniform(1e-10, 1e-2)
            } else if lambda_kind < 0.25 {
                0.0
            } else {
                0.999 * rng.next()
            },
            tau: rng.log_uniform(1e-6, 1e12),
            rates: if rng.next() < 0.5 {
                RateKind::Eq9
            } else {
                RateKind::Kms
            },
            protocol: if rng.next() < 0.8 {
                Protocol::Optimal
            } else {
                Protocol::GateGlobal
            },
            model: if rng.next() < 0.75 {
                ModelKind::Populations
            } else {
                ModelKind::DensityMatrix
            },
        }
    }

    /// A one-point sweep of this sample, for the CPU twin.
    fn grid(&self) -> Grid {
        let text = format!(
            "model = \"{}\"\nprotocol = \"{}\"\nrates = \"{}\"\n[fixed]\nt_a = {:e}\nt_s = {:e}\ngamma_a = {:e}\ngamma_s = {:e}\nlambda = {:e}\n[[axes]]\nname = \"tau\"\nvalues = [{:e}]\n",
            self.model.name(),
            self.protocol.name(),
            self.rates.name(),
            self.t_a,
            self.t_s,
            self.gamma_a,
            self.gamma_s,
            self.lambda,
            self.tau
        );
        Grid::new(SweepConfig::parse(&text, "sample").unwrap()).unwrap()
    }

    fn params(&self) -> EngineParams {
        EngineParams {
            rate_kind: self.rates,
            ..common::thermal(
                self.t_a,
                self.t_s,
                self.gamma_a,
                self.gamma_s,
                self.lambda,
                self.tau,
            )
        }
    }
}

/// |got − want| within the contract: 1e-6 relative, or an exact zero
/// within `noise` of the reference.
fn within(got: f64, want: f64, noise: f64) -> bool {
    (got - want).abs() <= 1e-6 * want.abs() || (got == 0.0 && want.abs() <= noise)
}

fn check_laws(s: &Sample, f: &PointFigures) -> Result<(), String> {
    if f.ergotropy < 0.0 && s.protocol == Protocol::Optimal {
        return Err(format!("negative ergotropy {}", f.ergotropy));
    }
    if f.efficiency > 1.0 + 1e-9 {
        return Err(format!("η = {} > 1", f.efficiency));
    }
    if f.status == PointStatus::Ok {
        let scale = f.heat_a.abs().max(f.heat_s.abs());
        let gap = (f.ergotropy - f.heat_a - f.heat_s).abs();
        if gap > 1e-6 * scale.max(f.ergotropy.abs()) {
            return Err(format!("first law: E − ΣQ = {gap:e} of {scale:e}"));
        }
        if s.rates == RateKind::Kms {
            let sigma_scale = (f.heat_a / s.t_a).abs() + (f.heat_s / s.t_s).abs();
            if f.entropy_production < -1e-6 * sigma_scale {
                return Err(format!("σ = {:e} < 0", f.entropy_production));
            }
            if f.efficiency.is_finite() {
                let carnot = 1.0 - s.t_a.min(s.t_s) / s.t_a.max(s.t_s);
                if f.efficiency > carnot * (1.0 + 1e-6) + 1e-12 {
                    return Err(format!("η = {} above Carnot {carnot}", f.efficiency));
                }
            }
        }
    }
    Ok(())
}

/// Checks the figures a backend reports with status ok against the
/// reference; pushes what breaks the contract.
fn check_ok(tag: &str, got: [f64; 3], r: &Reference, noise: f64, failures: &mut Vec<String>) {
    for (what, got, want) in [
        ("ergotropy", got[0], r.work),
        ("heat_a", got[1], r.heat_a),
        ("heat_s", got[2], r.heat_s),
    ] {
        if !within(got, want, noise) {
            failures.push(format!("{tag}: {what} {got:e}, reference {want:e}"));
        }
    }
}

/// The rounding noise of an exact zero: 256 ε ω0 ΣΓτ (trust.rs).
fn zero_noise(s: &Sample) -> f64 {
    256.0 * f64::EPSILON * s.tau * TransitionRates::from_params(&s.params()).total()
}

/// The twin's or a kernel's figures at a one-point sweep's point.
fn sweep_figures(res: &nessbat::store::SweepResults) -> [f64; 3] {
    [Quantity::Ergotropy, Quantity::HeatA, Quantity::HeatS].map(|q| res.values(q)[0])
}

#[test]
fn random_points_hold_the_contract() {
    let mut rng = Rng(0x5EED_2026_1128);
    let (mut ok, mut flagged, mut twin_ok, mut failures) = (0, 0, 0, Vec::new());
    let mut rescued = 0;
    for n in 0..3000 {
        let s = Sample::draw(&mut rng);
        let Ok(f) = compute_point(&s.params(), s.model, s.protocol, &OssOptions::default()) else {
            continue;
        };
        if let Err(e) = check_laws(&s, &f) {
            failures.push(format!("#{n} {s:?}: {e}"));
        }
        // The CPU backend at the same point: the twin on the f64 lanes,
        // and in double-double where f64 flags it (the rescue).
        let (twin, info, _) = Backend::Cpu.run(&s.grid(), &Progress::NONE).unwrap();
        rescued += info.rescued;
        let (point_ok, twin_is_ok) = (f.status == PointStatus::Ok, twin.status[0] == 0);
        if !point_ok {
            flagged += 1;
        }
        if !point_ok && !twin_is_ok {
            continue;
        }
        let r = reference(&s);
        let noise = zero_noise(&s);
        if point_ok {
            ok += 1;
            let tag = format!("#{n} {s:?} (error estimate {:e})", f.error_estimate);
            check_ok(
                &tag,
                [f.ergotropy, f.heat_a, f.heat_s],
                &r,
                noise,
                &mut failures,
            );
        }
        if twin_is_ok {
            twin_ok += 1;
            let tag = format!("#{n} {s:?} twin");
            check_ok(&tag, sweep_figures(&twin), &r, noise, &mut failures);
        }
    }
    eprintln!(
        "{ok} points ok, {flagged} flagged ({twin_ok} ok on the CPU backend, {rescued} of them rescued in double-double), {} failures",
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of 3000 points break the contract:\n{}",
        failures.len(),
        failures[..failures.len().min(20)].join("\n")
    );
    // A flag means out of reach: at most 8 % of these points (the
    // rescue in double-double resolves what f64's rounding alone flags).
    assert!(
        flagged <= 240 && 3000 - twin_ok <= 240,
        "{flagged} of 3000 flagged by point, {} by the CPU backend",
        3000 - twin_ok
    );
}

/// One-point sweeps of 300 random points through the GPU backend in
/// `precision` (f32 sweeps recompute what they flag in f64): every status-0
/// point within `tol` of the reference, or an exact zero within the noise.
fn random_points_hold_the_contract_on_the_gpu(backend: &Backend, target: Target) {
    let test = format!("random points on the {}", target.label());
    let (tol, eps, seed) = match target.precision() {
        Precision::F64 => (1e-6, f64::EPSILON, 0x5EED_0000_0300),
        Precision::F32 => (1e-3, f64::from(f32::EPSILON), 0x5EED_0000_0320),
    };
    let mut rng = Rng(seed);
    let (mut ok, mut failures) = (0, Vec::new());
    for n in 0..300 {
        let s = Sample::draw(&mut rng);
        let Ok((res, _, _)) = backend.run(&s.grid(), &Progress::NONE) else {
            continue;
        };
        if res.status[0] != 0 {
            continue;
        }
        ok += 1;
        let r = reference(&s);
        let noise = zero_noise(&s) * eps / f64::EPSILON;
        for (what, got, want) in [
            ("ergotropy", res.values(Quantity::Ergotropy)[0], r.work),
            ("heat_a", res.values(Quantity::HeatA)[0], r.heat_a),
            ("heat_s", res.values(Quantity::HeatS)[0], r.heat_s),
        ] {
            let fine =
                (got - want).abs() <= tol * want.abs() || (got == 0.0 && want.abs() <= noise);
            if !fine {
                failures.push(format!("#{n} {s:?}: {what} {got:e}, reference {want:e}"));
            }
        }
    }
    eprintln!("{test}: {ok} of 300 points ok, {} failures", failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        ok >= 270,
        "only {ok} of 300 points ok: more than 10 % flagged"
    );
}

backend_suite!(random_points_hold_the_contract_on_the_gpu: gpu_f64, gpu_f32);

#[test]
fn double_double_exp_and_division_are_accurate() {
    // e^1 to 28 digits (measured 1.3e-29: ten squarings amplify the
    // series' 1e-32), far beyond the 1e-6 contract; 1/3·3 = 1 to 1e-31.
    let e = Dd::ONE.exp();
    assert!(
        (e - Dd {
            hi: std::f64::consts::E,
            lo: 1.445_646_891_729_250_2e-16
        })
        .abs()
        .hi < 1e-28
    );
    let third = Dd::ONE / Dd::from(3.0);
    assert!((third * Dd::from(3.0) - Dd::ONE).abs().hi < 1e-31);
    let small = Dd::from(1e-20).expm1();
    assert!((small - Dd::from(1e-20)).abs().hi < 1e-40);
}

/// Corners found by a hostile trial, against the reference: a fixed gate
/// at ΣΓτ ~ 5e-15 (the f64 twin was 1.6e-5 off at status 0, the first law
/// broken by as much), both rate kinds, both gates' shape in the
/// population model.
#[test]
fn gate_corners_hold_the_contract() {
    let mut failures = Vec::new();
    for (t_a, t_s, rates) in [
        (0.5, 0.002, RateKind::Kms),
        (0.001, 0.1, RateKind::Kms),
        (0.5, 0.002, RateKind::Eq9),
    ] {
        let s = Sample {
            t_a,
            t_s,
            gamma_a: 1e-9,
            gamma_s: 1e-9,
            lambda: 0.6,
            tau: 1e-6,
            rates,
            protocol: Protocol::GateGlobal,
            model: ModelKind::Populations,
        };
        let r = reference(&s);
        let noise = zero_noise(&s);
        let (twin, _, _) = Backend::Cpu.run(&s.grid(), &Progress::NONE).unwrap();
        if twin.status[0] == 0 {
            check_ok(
                &format!("{s:?} CPU backend"),
                sweep_figures(&twin),
                &r,
                noise,
                &mut failures,
            );
        }
        let f = compute_point(&s.params(), s.model, s.protocol, &OssOptions::default()).unwrap();
        if f.status == PointStatus::Ok {
            check_ok(
                &format!("{s:?} point"),
                [f.ergotropy, f.heat_a, f.heat_s],
                &r,
                noise,
                &mut failures,
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
