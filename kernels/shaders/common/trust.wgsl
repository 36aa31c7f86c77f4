// The trust contract for one point: exact zeros, the heat ledger and the
// point's error estimate, from the raw cycle figures.
//
// CPU twin: src/trust.rs (`settle`, `work_noise`, `heat_noise`),
// which the oracle behind `nessbat point` uses too. The
// rules and their reasons are documented there.

// NOISE_FACTOR, NOISE_FACTOR_COARSE(_COHERENT), HEAT_NOISE_FACTOR(_COARSE),
// COARSE_CONDITIONING and COARSE_SPLITTING come from the prelude
// (src/calibration.rs, their one source).

// FLAG_NO_EFFICIENCY, FLAG_NO_ENTROPY and FLAG_UNRESOLVED come from the
// prelude (src/layout.rs): the host writes NaN (efficiency, entropy
// production) or +inf (the error estimate of an unresolved ergotropy)
// where they are set.

struct Ledger {
    work: real,
    heat_a: real,
    heat_s: real,
    heat_dephasing: real,
    heat_in: real,
    efficiency: real,
    entropy_production: real,
    error_estimate: real,
    flags: u32,
}

fn snap(q: real, noise: real) -> real {
    return select(q, real(0.0), abs(q) <= noise);
}

// The cycle work's noise factor (twin: `work_noise_factor`); the NESS's
// ergotropy keeps NOISE_FACTOR.
fn work_noise_factor() -> real {
    return select(NOISE_FACTOR, select(NOISE_FACTOR_COARSE, NOISE_FACTOR_COARSE_COHERENT, N > 4u), COARSE);
}

fn work_noise(factor: real, omega0: real, r: real, rate_tau: real, delta: ptr<function, Vec>, keeps_n: bool) -> real {
    // The state's own rounding through Φ − I, and coarser than f64 through
    // the propagator's squarings (twin: `work_noise`, which says why).
    var state = min(rate_tau, real(1.0));
    if COARSE {
        state *= max(0.5 * log2(max(rate_tau, real(1.0))), real(1.0));
    }
    var n_part: real = 0.0;
    if !keeps_n {
        n_part = omega0 * (abs((*delta)[1]) + abs((*delta)[2]) + 2.0 * abs((*delta)[3]) + state);
    }
    return factor * EPS * (r * (abs((*delta)[1]) + abs((*delta)[2])) + r * state + n_part);
}

// Extra noise of the work under a fixed gate with detuning (twin:
// `gate_mixing_noise` in src/trust.rs, which says why).
fn gate_mixing_noise(gate: bool, detuning: real, r: real) -> real {
    return select(real(0.0), NOISE_FACTOR * EPS * r, gate & (detuning != 0.0));
}

// Relative error of a fixed gate's OSS at short strokes (twin:
// `gate_conditioning` in src/trust.rs, which says why).
fn gate_conditioning(gate: bool, rate_tau: real) -> real {
    // Coarser than f64 a fixed gate on a coherent state is out of reach.
    if COARSE & (N > 4u) & gate {
        return 1e30;
    }
    return select(real(0.0), EPS / rate_tau, gate);
}

// The precision's own floor on a running point's relative error (twin:
// `coarse_floor` in src/trust.rs, which says why); 0 in f64.
fn coarse_floor(omega0: real, r: real, rate_tau: real, t_max: real) -> real {
    if !COARSE {
        return 0.0;
    }
    let splitting = select(real(0.0), COARSE_SPLITTING * EPS * (omega0 + t_max) / r, r > 0.0);
    return COARSE_CONDITIONING * EPS / rate_tau + splitting;
}

// Noise of one channel's heat: HEAT_NOISE_FACTOR·ε·ω0·Γ_k τ. Coarser than
// f64 the refined OSS solve does not recover the state where the stroke is
// below ε (conditioned ~1/ΣΓτ), and the heats carry that: times
// max(1, ε/ΣΓτ), so that such points are recomputed in f64.
fn heat_noise(omega0: real, channel_rate_tau: real, rate_tau: real) -> real {
    var conditioning = real(1.0);
    if COARSE {
        conditioning = max(real(1.0), EPS / rate_tau);
    }
    let factor = select(HEAT_NOISE_FACTOR, HEAT_NOISE_FACTOR_COARSE, COARSE);
    return factor * EPS * omega0 * channel_rate_tau * conditioning;
}

// Relative error of a reported figure: 0 for an exact zero.
fn relative(q: real, noise: real) -> real {
    return select(noise / abs(q), real(0.0), q == 0.0);
}

// Relative distance from self-consistency: 0 where the last solve's map is
// the one its solution calls for, else the residual over max|Δ|.
fn consistency(same_map: bool, residual: real, delta: ptr<function, Vec>) -> real {
    if same_map {
        return 0.0;
    }
    let scale = max(max(abs((*delta)[0]), abs((*delta)[1])), max(abs((*delta)[2]), abs((*delta)[3])));
    if scale > 0.0 {
        return residual / scale;
    }
    return select(real(1e30), real(0.0), residual == 0.0);
}

// Adjacent populations of the passive state on levels of different energy
// differ by more than their rounding: the passive verdict is certain.
fn passive_certain(after: ptr<function, Vec>, e: array<real, 4>) -> bool {
    let floor = NOISE_FACTOR * EPS * (*after)[0];
    var ok = true;
    for (var k = 0u; k < 3u; k++) {
        ok = ok & ((e[k + 1u] == e[k]) | ((*after)[k] - (*after)[k + 1u] > floor));
    }
    return ok;
}

// The error estimate is the largest relative error of any reported figure
// (twin: src/trust.rs `settle`, where the rules are explained).
fn settle(work: real, heat_a: real, heat_s: real, heat_d: real, w_noise: real,
          noise_a: real, noise_s: real, noise_d: real,
          passive: bool, optimal: bool, consistency: real, floor: real, thermal: bool,
          beta_a: real, beta_s: real) -> Ledger {
    var l: Ledger;
    l.heat_a = snap(heat_a, noise_a);
    l.heat_s = snap(heat_s, noise_s);
    l.heat_dephasing = snap(heat_d, noise_d);
    let nothing_runs = (l.heat_a == 0.0) & (l.heat_s == 0.0) & (l.heat_dephasing == 0.0);
    var work_error: real = 0.0;
    // Where nothing runs the first law bounds the work by the heats' noise.
    if passive | nothing_runs {
        l.work = 0.0;
        // Coarser than f64 a passive verdict on a coherent state while
        // heat flows is not certain (twin: src/trust.rs): recomputed
        // in f64.
        if passive & !nothing_runs & COARSE & (N > 4u) {
            l.flags |= FLAG_UNRESOLVED;
        }
    } else if abs(work) <= w_noise {
        l.work = 0.0;
        // No noise at all: exact by structure (r = 0, n kept).
        if !nothing_runs & (w_noise > 0.0) {
            l.flags |= FLAG_UNRESOLVED;
        }
    } else if optimal & (work < 0.0) {
        // A negative ergotropy beyond its noise: the state is off.
        l.work = 0.0;
        l.flags |= FLAG_UNRESOLVED;
    } else {
        l.work = work;
        work_error = w_noise / abs(work);
    }
    l.heat_in = max(l.heat_a, real(0.0)) + max(l.heat_s, real(0.0)) + max(l.heat_dephasing, real(0.0));
    var heat_in_error: real = 0.0;
    if l.heat_in > 0.0 {
        l.efficiency = l.work / l.heat_in;
        heat_in_error = (select(real(0.0), noise_a, l.heat_a > 0.0)
            + select(real(0.0), noise_s, l.heat_s > 0.0)
            + select(real(0.0), noise_d, l.heat_dephasing > 0.0)) / l.heat_in;
    } else {
        l.flags |= FLAG_NO_EFFICIENCY;
    }
    // A heat of 0 from a channel that exchanges heat, while another heat
    // flows, is below its noise, not exactly 0 (twin: src/trust.rs).
    let heat_lost = ((noise_a > 0.0) & (l.heat_a == 0.0)) | ((noise_s > 0.0) & (l.heat_s == 0.0))
        | ((noise_d > 0.0) & (l.heat_dephasing == 0.0));
    if heat_lost & !nothing_runs {
        l.flags |= FLAG_UNRESOLVED;
    }
    var error = max(work_error + heat_in_error,
                    max(relative(l.heat_a, noise_a),
                        max(relative(l.heat_s, noise_s), relative(l.heat_dephasing, noise_d))));
    if thermal {
        // σ = (β_S − β_A) Q_A − β_S (W − Q_d), the first law's form of
        // −β_A Q_A − β_S Q_S (twin: src/trust.rs, which says why).
        let w_abs_noise = select(w_noise, real(0.0), nothing_runs | passive);
        l.entropy_production = real(0.0) + ((beta_s - beta_a) * l.heat_a - beta_s * (l.work - l.heat_dephasing));
        let noise = abs(beta_s - beta_a) * select(noise_a, real(0.0), l.heat_a == 0.0)
            + beta_s * (w_abs_noise + select(noise_d, real(0.0), l.heat_dephasing == 0.0))
            + 4.0 * EPS * (beta_a + beta_s) * (abs(l.heat_a) + abs(l.work) + abs(l.heat_dephasing));
        error = max(error, relative(l.entropy_production, noise));
    } else {
        l.flags |= FLAG_NO_ENTROPY;
    }
    // Coarser than f64: "nothing runs" where some channel exchanges heat
    // (its noise is not 0) is unresolved, whether the heats were snapped or
    // came out 0.0, so that the point is recomputed in f64.
    let exchanges = (noise_a > 0.0) | (noise_s > 0.0) | (noise_d > 0.0);
    if nothing_runs & exchanges & COARSE {
        l.flags |= FLAG_UNRESOLVED;
    }
    // A passive state is its own OSS (the NESS): no OSS solve's
    // consistency (coarser than f64 the NESS's own solve at short strokes
    // is in the floor).
    if !nothing_runs & !passive {
        error = max(error, consistency);
    }
    if !nothing_runs {
        error = max(error, floor);
    }
    l.error_estimate = error;
    return l;
}
