//! Random user-defined batteries (d = 3 … 8 levels, 1 to 3 baths, random
//! couplings, temperatures, rates and strokes) against an independent
//! reference in double-double arithmetic (tests/common/reference.rs:
//! nothing shared with the code under test but the convention). Every
//! status-ok figure must hold to the contract's 1e-6; the fraction flagged
//! is reported and held under 5 % where temperatures differ and where
//! they are near equal, at strokes of
//! 0.01 to 1e4, and under 3 % at short strokes (τΓ of 1e-6 to 0.1, where
//! the OSS solve is conditioned ~1/τΓ and the error bounds must see
//! through it). Weakly hopping 3- and 4-spin chains at τΓ of 1e-7 to 1e-2
//! (levels and |⟨a|X|b⟩| from nessbat's diagonalisation, then the same
//! diagonal battery on both sides) check the OSS where policy iteration
//! cycles, under 10 % flagged. NB_CASES and NB_SEED run more and other
//! cases; NB_PROBE prints the reference beside every flagged point.

// Index loops over matrices read as the maths does.
#![allow(clippy::needless_range_loop)]

mod common;

use common::reference::reference;
use common::rng::Rng;
use std::collections::BTreeMap;

use nessbat::battery::{battery_point, BathPoint, Battery, BatterySpec, BatteryStatus, Spectrum};

/// One random battery: levels, couplings per bath, the baths, and whether
/// its temperatures are near equal.
struct Case {
    e: Vec<f64>,
    couplings: Vec<Vec<Vec<f64>>>,
    baths: Vec<BathPoint>,
    near: bool,
}

/// A random battery; one case in four (`near`) with temperatures within a
/// relative spread of 1e-8 to 1e-2.
fn random_case(rng: &mut Rng, near: bool) -> Case {
    let d = 3 + (rng.next() * 6.0) as usize;
    // Distinct levels from 0 (gaps ≥ 0.05, so nothing is degenerate).
    let mut e = vec![0.0];
    for _ in 1..d {
        let last = *e.last().unwrap();
        e.push(last + 0.05 + rng.next());
    }
    let nb = 1 + (rng.next() * 3.0) as usize;
    let mut couplings = Vec::new();
    let mut baths = Vec::new();
    for _ in 0..nb {
        let mut x = vec![vec![0.0; d]; d];
        for i in 0..d {
            for j in i + 1..d {
                if rng.next() < 0.6 {
                    let v = 2.0 * rng.next() - 1.0;
                    x[i][j] = v;
                    x[j][i] = v;
                }
            }
        }
        couplings.push(x);
    }
    // Every level connected (by the first bath's chain, where the random
    // entries left a gap): a disconnected battery has no unique steady
    // state, and its own test.
    for i in 1..d {
        if couplings.iter().all(|x| (0..i).all(|j| x[i][j] == 0.0)) {
            let v = 0.2 + rng.next();
            couplings[0][i][i - 1] = v;
            couplings[0][i - 1][i] = v;
        }
    }
    let t0 = rng.log_uniform(0.05, 20.0);
    let spread = rng.log_uniform(1e-8, 1e-2);
    for _ in 0..nb {
        let temperature = match near {
            true => t0 * (1.0 + spread * (2.0 * rng.next() - 1.0)),
            false => rng.log_uniform(0.05, 20.0),
        };
        baths.push(BathPoint {
            temperature,
            gamma: rng.log_uniform(1e-4, 1e-1),
        });
    }
    Case {
        e,
        couplings,
        baths,
        near,
    }
}

/// The battery of a case in the matrix form: H diagonal, one coupling
/// matrix per bath.
fn spec_of(c: &Case) -> BatterySpec {
    let d = c.e.len();
    let h = (0..d)
        .map(|i| (0..d).map(|j| if i == j { c.e[i] } else { 0.0 }).collect())
        .collect();
    let names: Vec<String> = (0..c.couplings.len()).map(|k| format!("b{k}")).collect();
    let baths: Vec<(&str, Vec<Vec<f64>>)> = names
        .iter()
        .zip(&c.couplings)
        .map(|(n, x)| (n.as_str(), x.clone()))
        .collect();
    common::matrix_battery(h, &baths)
}

/// What a run of cases found.
#[derive(Default)]
struct Tally {
    ok: usize,
    flagged: usize,
    flagged_near: usize,
    compared: usize,
    failures: Vec<String>,
}

impl Tally {
    /// Prints what `what` found over `n` cases and holds what every run
    /// must: no status-ok figure off, and the reference found for 90 % of
    /// the ok points at least; the flagged count, for each run's own bound.
    fn report(self, what: &str, n: usize) -> (usize, usize) {
        let Tally {
            ok,
            flagged,
            flagged_near,
            compared,
            failures,
        } = self;
        eprintln!(
            "{what}: {ok} of {n} ok, {flagged} flagged ({flagged_near} near equal temperatures), {compared} compared, {} failures",
            failures.len()
        );
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        assert!(
            compared >= ok * 9 / 10,
            "the reference found only {compared} of {ok}"
        );
        (flagged, flagged_near)
    }
}

/// Runs one case at stroke `tau` and checks every status-ok figure against
/// the reference to the contract's 1e-6 (or an exact 0 where the true
/// figure is negligible).
fn check_case(index: usize, c: &Case, tau: f64, tally: &mut Tally) {
    let (e, baths, d, nb) = (&c.e, &c.baths, c.e.len(), c.baths.len());
    let spec = spec_of(c);
    let battery = Battery::new(&spec, &BTreeMap::new()).unwrap();
    let names: Vec<String> = (0..nb).map(|k| format!("b{k}")).collect();
    let f = battery_point(&Spectrum::of(&battery), &names, baths, tau);
    if f.status != BatteryStatus::Ok {
        tally.flagged += 1;
        if c.near {
            tally.flagged_near += 1;
        }
        eprintln!("flagged #{index} d {d} τ {tau:e}: {:?}", f.message);
        if std::env::var_os("NB_PROBE").is_some() {
            if let Some(r) = reference(e, &c.couplings, baths, tau, None) {
                eprintln!(
                    "  reference: ergotropy {:e} (got {:e}, relative {:.1e}), estimate {:.1e}",
                    r.ergotropy,
                    f.ergotropy,
                    ((f.ergotropy - r.ergotropy) / r.ergotropy).abs(),
                    f.error_estimate
                );
                eprintln!(
                    "  heats {:?} reference {:?}; ness_ergotropy {:e} ({:e}), capacity {:e} ({:e}), couplings {:?}",
                    f.heats.iter().map(|h| h.heat).collect::<Vec<_>>(),
                    r.heats,
                    f.ness_ergotropy,
                    r.ness_ergotropy,
                    f.capacity,
                    r.capacity,
                    c.couplings
                );
            }
        }
        return;
    }
    tally.ok += 1;
    // From the NESS's order, or where the reference's own policy iteration
    // cycles, from the order of the state found (accepted only where it
    // reproduces itself in double-double).
    let found = {
        let q = &f.populations_charged;
        let mut o: Vec<usize> = (0..d).collect();
        o.sort_by(|&i, &j| q[j].total_cmp(&q[i]).then(i.cmp(&j)));
        o
    };
    let Some(r) = reference(e, &c.couplings, baths, tau, None)
        .or_else(|| reference(e, &c.couplings, baths, tau, Some(&found)))
    else {
        return;
    };
    tally.compared += 1;
    // The size of what flows in a stroke: an exact zero is within the
    // contract where the true figure is below the noise at that scale
    // (one bath, equal temperatures, a bath whose level is a dead end).
    let scale = e[d - 1] * baths.iter().map(|b| b.gamma).sum::<f64>() * tau;
    // Below 1e-12 of its scale a figure is negligible and may read as an
    // exact 0; a heat where nothing is extracted must not (the NESS's
    // currents are reported or flagged): there only the reference's own
    // rounding of a true 0 is.
    let nothing_extracted = f.ergotropy == 0.0;
    let failures = &mut tally.failures;
    // The reference's own resolution of the heats: they miss its work by
    // its rounding, and figures that close to it cannot be told from it
    // (found: heats of ±4.0e-33 near equal temperatures at T = 0.05,
    // right to 4e-16 by a 60-digit reference, against double-double
    // references of 2.8e-32 and 2.0e-32 that summed to 4.8e-32 where the
    // work is 0).
    let unresolved = 4.0 * (r.heats.iter().sum::<f64>() - r.ergotropy).abs();
    let mut check = |what: &str, got: f64, want: f64, scale: f64, zero: f64, unresolved: f64| {
        // Relative to the figure, or exact zeros where nothing runs.
        if (got - want).abs() > 1e-6 * want.abs() + unresolved
            && !(got == 0.0 && want.abs() <= zero * scale)
        {
            failures.push(format!(
                "#{index} d {d} τ {tau:e} baths {baths:?}: {what} {got:e}, reference {want:e} (energies {e:?}, couplings {:?})",
                c.couplings
            ));
        }
    };
    let heat_zero = if nothing_extracted { 1e-24 } else { 1e-12 };
    check("ergotropy", f.ergotropy, r.ergotropy, scale, 1e-12, 0.0);
    for (k, h) in f.heats.iter().enumerate() {
        check(&h.name, h.heat, r.heats[k], scale, heat_zero, unresolved);
    }
    let coldest = baths.iter().map(|b| b.temperature).fold(f64::MAX, f64::min);
    check(
        "entropy_production",
        f.entropy_production,
        r.entropy_production,
        scale / coldest,
        heat_zero,
        unresolved / coldest,
    );
    // States' figures are at most the top energy.
    check(
        "ness_ergotropy",
        f.ness_ergotropy,
        r.ness_ergotropy,
        e[d - 1],
        1e-12,
        0.0,
    );
    check("capacity", f.capacity, r.capacity, e[d - 1], 1e-12, 0.0);
}

/// The generator's seed: `base`, or NB_SEED's value added to it (to run
/// other cases than CI's).
fn seed(base: u64) -> Rng {
    let extra: u64 = std::env::var("NB_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    Rng(base.wrapping_add(extra << 32))
}

fn cases() -> usize {
    std::env::var("NB_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300)
}

#[test]
fn random_batteries_hold_the_contract_against_a_double_double_reference() {
    let mut rng = seed(0xBA77_0000_0001);
    let mut tally = Tally::default();
    let n = cases();
    for case in 0..n {
        let c = random_case(&mut rng, case % 4 == 3);
        let tau = rng.log_uniform(0.01, 1e4);
        check_case(case, &c, tau, &mut tally);
    }
    let near_cases = n / 4;
    let (flagged, flagged_near) = tally.report("random batteries", n);
    // Flags must be rare where temperatures differ; and near equal ones
    // too, since the NESS's currents are formed from a Gibbs state
    // (src/battery/current.rs: 11 and 17 of about 2 500 near cases flagged
    // at seeds 18 and 20, where about a quarter were while they were
    // summed from the NESS as solved). Those left are running cycles,
    // whose heats are differences of detailed-balance-sized flows.
    let generic = flagged - flagged_near;
    assert!(
        generic * 100 <= 5 * (n - near_cases),
        "{generic} of {} generic cases flagged",
        n - near_cases
    );
    assert!(
        flagged_near * 100 <= 5 * near_cases,
        "{flagged_near} of {near_cases} near-equal cases flagged"
    );
}

#[test]
fn short_strokes_of_random_batteries_are_resolved_not_flagged() {
    let mut rng = seed(0xBA77_0000_0002);
    let mut tally = Tally::default();
    let n = cases();
    for case in 0..n {
        let c = random_case(&mut rng, false);
        let fastest = c.baths.iter().map(|b| b.gamma).fold(0.0, f64::max);
        let tau = rng.log_uniform(1e-6, 1e-1) / fastest;
        check_case(case, &c, tau, &mut tally);
    }
    let (flagged, _) = tally.report("short strokes", n);
    // 0.6 % over 30 000 cases (10 % with the refinement step as the
    // state's error, which the adjoint bounds replaced).
    assert!(flagged * 100 <= 3 * n, "{flagged} of {n} flagged");
}

/// A chain of `spins` spins with gaps near 1 and weak hopping λ, as a
/// case: its levels and |⟨a|X|b⟩| from nessbat's diagonalisation (input
/// data here, the same for both sides: the cycle is what is checked), hot
/// bath on the first spin, cold on the last.
fn weak_chain(rng: &mut Rng, spins: usize) -> Case {
    let gaps: String = (1..=spins)
        .map(|i| format!("omega_{i} = {}\n", 1.0 + 0.15 * rng.next()))
        .collect();
    let lambda = rng.log_uniform(1e-3, 1e-2);
    let text = format!(
        "[battery.chain]\nspins = {spins}\n[[battery.baths]]\nname = \"h\"\ncoupling = \"sx1\"\n[[battery.baths]]\nname = \"c\"\ncoupling = \"sx{spins}\"\n[fixed]\n{gaps}lambda = {lambda}\nt_h = 1.0\nt_c = 0.1\ntau = 1.0\n"
    );
    let config = nessbat::config::SweepConfig::parse(&text, "weak chain").unwrap();
    let grid =
        nessbat::battery::BatteryGrid::new(&config, nessbat::battery::grid::Use::Point).unwrap();
    let spectrum = grid.point(0).0;
    let couplings = spectrum
        .strengths
        .iter()
        .map(|s| {
            (0..s.nrows())
                .map(|a| (0..s.ncols()).map(|b| s[(a, b)].sqrt()).collect())
                .collect()
        })
        .collect();
    let baths = (0..2)
        .map(|k| BathPoint {
            temperature: match k {
                0 => rng.log_uniform(0.3, 5.0),
                _ => rng.log_uniform(0.03, 0.3),
            },
            gamma: 1e-3,
        })
        .collect();
    Case {
        e: spectrum.energies.clone(),
        couplings,
        baths,
        near: false,
    }
}

/// Weakly hopping chains at short strokes, whose OSS sits among many close
/// orders (populations tied in clusters at O(τΓ)): policy iteration
/// cycles there, and the OSS is found by Newton's method cut at the
/// orders' boundaries (battery::boundary). Found: a 4-spin chain at
/// λ = 0.003 not converged at 249 of 1500 points of a (T_h, T_c, τ, λ)
/// grid, its OSS a clean fixed point.
#[test]
fn weakly_hopping_chains_find_their_oss() {
    let mut rng = seed(0xBA77_0000_0003);
    let mut tally = Tally::default();
    let n = cases() / 5;
    for case in 0..n {
        let c = weak_chain(&mut rng, 3 + (case % 3).min(1));
        let tau = rng.log_uniform(1e-7, 1e-2) / 1e-3;
        check_case(case, &c, tau, &mut tally);
    }
    let (flagged, _) = tally.report("weak chains", n);
    // Flagged: imprecise at τΓ near 1e-7 (estimates of 1e-6 … 1e-5); 11
    // of 60 without the boundary steps, 15 without them and the held
    // orders' tries, mostly not converged.
    assert!(flagged * 10 <= n, "{flagged} of {n} flagged");
}

/// The weak chain found at status ok with its ergotropy 5e-5 off
/// (NB_SEED = 4, case 1414: d = 16, τΓ = 1.7e-6): the OSS's solve had
/// ordered three populations of 3e-8 against their own sort by 6.6e-15,
/// taken as a tie, and its ill-conditioned OSS was 5.8e-6 off. Replayed
/// here from the same generator (the cases before it drawn, not run):
/// flagged, or within the contract of the reference.
#[test]
fn a_weak_chain_whose_solve_misorders_small_populations_is_not_ok() {
    let mut rng = Rng(0xBA77_0000_0003u64.wrapping_add(4 << 32));
    for case in 0..=1414 {
        let c = weak_chain(&mut rng, 3 + (case % 3).min(1));
        let tau = rng.log_uniform(1e-7, 1e-2) / 1e-3;
        if case == 1414 {
            assert_eq!(c.e.len(), 16);
            let mut tally = Tally::default();
            check_case(case, &c, tau, &mut tally);
            assert!(tally.failures.is_empty(), "{:?}", tally.failures);
            assert_eq!(tally.flagged + tally.compared, 1);
        }
    }
}
