// The trust contract for one point: exact zeros, the heat ledger and the
// point's error estimate, from the raw cycle figures.
//
// CPU twin: src/model/trust.rs (`settle`, `work_noise`, `heat_noise`),
// which the oracle behind `nessbat point` uses too. The
// rules and their reasons are documented there.

// Kept in sync with NOISE_FACTOR and HEAT_NOISE_FACTOR in src/model/trust.rs.
const NOISE_FACTOR: real = 256.0;
const HEAT_NOISE_FACTOR: real = 16.0;

// FLAG_NO_EFFICIENCY, FLAG_NO_ENTROPY and FLAG_UNRESOLVED come from the
// prelude (src/twin/layout.rs): the host writes NaN (efficiency, entropy
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

fn work_noise(omega0: real, r: real, rate_tau: real, delta: ptr<function, Vec>, keeps_n: bool) -> real {
    var n_part: real = 0.0;
    if !keeps_n {
        n_part = omega0 * (abs((*delta)[1]) + abs((*delta)[2]) + 2.0 * abs((*delta)[3]));
    }
    return NOISE_FACTOR * EPS * (r * (abs((*delta)[1]) + abs((*delta)[2])) + r * min(rate_tau, real(1.0)) + n_part);
}

fn heat_noise(omega0: real, rate_tau: real) -> real {
    return HEAT_NOISE_FACTOR * EPS * omega0 * rate_tau;
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

fn settle(work: real, heat_a: real, heat_s: real, heat_d: real, w_noise: real, h_noise: real,
          passive: bool, optimal: bool, consistency: real, thermal: bool, beta_a: real,
          beta_s: real) -> Ledger {
    var l: Ledger;
    l.heat_a = snap(heat_a, h_noise);
    l.heat_s = snap(heat_s, h_noise);
    l.heat_dephasing = snap(heat_d, h_noise);
    let nothing_runs = (l.heat_a == 0.0) & (l.heat_s == 0.0) & (l.heat_dephasing == 0.0);
    if passive {
        l.work = 0.0;
        l.error_estimate = 0.0;
    } else if abs(work) <= w_noise {
        l.work = 0.0;
        l.error_estimate = 0.0;
        if !nothing_runs {
            l.flags |= FLAG_UNRESOLVED;
        }
    } else if optimal & (work < 0.0) {
        // A negative ergotropy beyond its noise: the state is off.
        l.work = 0.0;
        l.flags |= FLAG_UNRESOLVED;
    } else {
        l.work = work;
        l.error_estimate = w_noise / abs(work);
    }
    l.heat_in = max(l.heat_a, real(0.0)) + max(l.heat_s, real(0.0)) + max(l.heat_dephasing, real(0.0));
    if l.heat_in > 0.0 {
        l.efficiency = l.work / l.heat_in;
        l.error_estimate = max(l.error_estimate, h_noise / l.heat_in);
    } else {
        l.flags |= FLAG_NO_EFFICIENCY;
    }
    if !nothing_runs {
        l.error_estimate = max(l.error_estimate, consistency);
    }
    if thermal {
        // 0 − x, not −x: +0 where nothing runs (twin: src/model/trust.rs).
        l.entropy_production = 0.0 - (beta_a * l.heat_a + beta_s * l.heat_s);
    } else {
        l.flags |= FLAG_NO_ENTROPY;
    }
    return l;
}
