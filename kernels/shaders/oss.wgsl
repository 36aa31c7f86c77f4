// One invocation per grid point: the operational steady state of the cycle
// map (Eq. 4) and all its figures.
//
// CPU twin: src/oss.rs (same names, same steps).

// OUT_* (output quantities), STATUS_*, FLAG_* and WORKGROUP come from the
// prelude, generated from src/layout.rs. Status 3 (imprecise): the
// OSS converged, but a figure is not resolved to TOLERANCE at this
// precision.

fn extract(m: ptr<function, Model>, x: ptr<function, Vec>) -> Extraction {
    if params.protocol == PROTOCOL_OPTIMAL {
        return extract_optimal(m, x);
    }
    // Both gates keep the excitation number.
    var map = (*m).gate;
    var after = matvec(&map, x);
    return Extraction(map, after, work_between((*m).omega0, (*m).r, x, &after, true), true);
}

// Fixed point of x ↦ X(x + Dx): ((X − I) + X D) x = 0, trace 1. Formed
// without Φ = I + D, so short strokes keep their digits.
//
// At short τ the system is ill-conditioned (~1/(τΣΓ)): x is O(1) but what
// the figures need is its O(Γτ) structure, e.g. x_S − x_A, which the
// rows of X − I hold as differences of O(1) numbers. Two steps of
// iterative refinement with a residual computed as Σ_j X_kj (x_j − x_k)
// (rows of X sum to one over the populations), where the differences of
// close populations are exact, bring x to rounding accuracy: this is what
// lets the f32 kernels keep 1e-3 at τ = 0.01.
fn solve_cycle(xm: ptr<function, Mat>, d: ptr<function, Mat>) -> Solved {
    var m = matmul(xm, d);
    for (var i = 0u; i < N; i++) {
        for (var j = 0u; j < N; j++) {
            m[i][j] += (*xm)[i][j];
        }
        m[i][i] -= 1.0;
    }
    var sol = solve_steady(&m);
    for (var it = 0u; it < REFINEMENT_STEPS; it++) {
        if !sol.ok {
            break;
        }
        var x = sol.x;
        var r = cycle_residual(xm, d, &x);
        let corr = solve_trace(&m, &r);
        if !corr.ok {
            break;
        }
        for (var k = 0u; k < N; k++) {
            sol.x[k] = x[k] + corr.x[k];
        }
    }
    return sol;
}

// −((X − I)x + X D x) with (X − I)x written as Σ_j X_kj (x_j − x_k) on the
// populations (rows of X sum to one there), so that differences of close
// populations are exact; row 0 is the trace defect 1 − Σ x. After the
// refinement its max-norm, against what one stroke changes, says whether
// the solve resolved the O(Γτ) structure at all: at τΣΓ below ε the
// refinement cannot converge, and the point is flagged.
fn cycle_residual(xm: ptr<function, Mat>, d: ptr<function, Mat>, x: ptr<function, Vec>) -> Vec {
    var dx = matvec(d, x);
    var xdx = matvec(xm, &dx);
    var r: Vec;
    for (var k = 0u; k < N; k++) {
        var acc = xdx[k];
        for (var j = 0u; j < N; j++) {
            if k < 4u {
                if j < 4u {
                    acc = fma((*xm)[k][j], (*x)[j] - (*x)[k], acc);
                } else {
                    acc = fma((*xm)[k][j], (*x)[j], acc);
                }
            } else {
                acc = fma((*xm)[k][j], (*x)[j], acc);
            }
        }
        if k >= 4u {
            acc -= (*x)[k];
        }
        r[k] = -acc;
    }
    r[0] = 1.0 - ((*x)[0] + (*x)[1] + (*x)[2] + (*x)[3]);
    return r;
}

// Max-norm of the residual's equations, the trace row (rounding of an O(1)
// sum, not the O(Γτ) structure) left out.
fn max_abs(v: ptr<function, Vec>) -> real {
    var m: real = 0.0;
    for (var k = 1u; k < N; k++) {
        m = max(m, abs((*v)[k]));
    }
    return m;
}

// x + (Φ − I)x, the state at the end of the stroke.
fn charge(x: ptr<function, Vec>, d: ptr<function, Mat>) -> Vec {
    var dx = matvec(d, x);
    var c: Vec;
    for (var i = 0u; i < N; i++) {
        c[i] = (*x)[i] + dx[i];
    }
    return c;
}

struct Oss {
    start: Vec,
    cycles: u32,
    status: u32,
    // Distance from self-consistency (max-norm): Newton's last residual or
    // iteration's estimated tail. With `same_map` it gives the point's
    // consistency (shaders/common/trust.wgsl).
    residual: real,
    // The last solve's map is the one its solution calls for.
    same_map: bool,
    // Max-norm of the last solve's refined residual (0 after iteration).
    solve_residual: real,
}

// Newton's method on the passive state (a frozen unitary makes the cycle
// map linear; solve it, refresh the unitary at the solution, repeat), then
// plain iteration if that does not settle.
fn find_oss(m: ptr<function, Model>, prop: ptr<function, Propagator>, ness: ptr<function, Vec>) -> Oss {
    var out: Oss;
    var d = (*prop).d;
    var ex = extract(m, ness);
    var prev_residual: real = 1e30;
    for (var step = 0u; step < params.max_newton; step++) {
        var map = ex.map;
        let sol = solve_cycle(&map, &d);
        if !sol.ok {
            break;
        }
        var x = sol.x;
        var charged = charge(&x, &d);
        let old_map = ex.map;
        ex = extract(m, &charged);
        // Done when the unitary no longer changes (a permutation settles
        // exactly), when the residual is at rounding level (the solve is
        // backward stable; a wrong unitary leaves the population inversion
        // it misses), or when Newton's quadratic descent has stalled at the
        // accuracy of Φ.
        var same = true;
        for (var i = 0u; i < N; i++) {
            for (var j = 0u; j < N; j++) {
                if old_map[i][j] != ex.map[i][j] {
                    same = false;
                }
            }
        }
        var after = ex.after;
        let residual = max_abs_diff(&after, &x);
        let stalled = select(false, residual <= NEWTON_STALL, residual >= 0.5 * prev_residual);
        // Non-short-circuit `|`: see the note in common/extract.wgsl.
        if same | (residual <= NEWTON_TOLERANCE) | stalled {
            out.start = x;
            out.status = STATUS_CONVERGED;
            out.residual = residual;
            out.same_map = same;
            var r = cycle_residual(&map, &d, &x);
            out.solve_residual = max_abs(&r);
            return out;
        }
        prev_residual = residual;
        if params.protocol != PROTOCOL_OPTIMAL {
            break;
        }
    }
    // Iteration from ρ_NESS; the distance left is estimated from the
    // geometric tail δ q/(1 − q).
    var x = *ness;
    var prev: real = 1e30;
    for (var n = 1u; n <= params.max_cycles; n++) {
        var charged = charge(&x, &d);
        ex = extract(m, &charged);
        // Φ keeps the trace only to rounding; restore it every cycle so
        // that 10^5 cycles do not drift.
        let tr = ex.after[0] + ex.after[1] + ex.after[2] + ex.after[3];
        for (var i = 0u; i < N; i++) {
            ex.after[i] /= tr;
        }
        var after = ex.after;
        let delta = max_abs_diff(&after, &x);
        let q = delta / prev;
        x = ex.after;
        var tail: real = 1e30;
        if q < 1.0 {
            tail = delta * q / (1.0 - q);
        }
        var done = delta <= 4.0 * EPS;
        if (n >= 3u) & (tail <= ITERATION_TOLERANCE) {
            done = true;
        }
        if done {
            out.start = x;
            out.cycles = n;
            out.status = STATUS_CONVERGED;
            out.residual = min(tail, delta);
            return out;
        }
        prev = delta;
    }
    out.start = x;
    out.cycles = params.max_cycles;
    out.status = STATUS_NOT_CONVERGED;
    out.residual = 1e30;
    return out;
}

// Quantity q of point i to its slot, if the sweep keeps it. The slot
// table is uniform across the dispatch, so the branch does not diverge.
fn write_out(q: u32, i: u32, v: real) {
    let s = params.out_slot[q];
    if s != NO_SLOT {
        out_real[s * params.chunk_len + i] = v;
    }
}

fn write_invalid(i: u32) {
    for (var q = 0u; q < N_OUT; q++) {
        write_out(q, i, 0.0);
    }
    out_u32[i] = STATUS_INVALID;
    out_u32[params.chunk_len + i] = 0u;
}

@compute @workgroup_size(WORKGROUP)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    // 2-D dispatch: grids beyond 65 535 workgroups wrap into y.
    let i = gid.x + gid.y * nwg.x * WORKGROUP;
    if i >= params.chunk_len {
        return;
    }
    let p = load_point(i);
    var m = build_model(p);
    if !m.valid {
        write_invalid(i);
        return;
    }
    var g = m.g;
    var prop = propagate(&g, p.tau);
    let ness_sol = solve_steady(&g);
    if !ness_sol.ok {
        write_invalid(i);
        return;
    }
    var ness = ness_sol.x;
    // The NESS's ergotropy only where the sweep keeps it (a uniform branch).
    var ness_work = real(0.0);
    // Its relative error, which a coarse precision's status carries too
    // (found: f32 1.07e-3 off at status 0 once the cycle's own estimate
    // was calibrated); in f64 it is far below the tolerance wherever the
    // ergotropy is not snapped to 0.
    // Coarser than f64 it is computed whether or not the sweep keeps it,
    // so that a point's status does not depend on the outputs chosen.
    var ness_error = real(0.0);
    var ness_lost = false;
    if (params.out_slot[OUT_NESS_ERGOTROPY] != NO_SLOT) | COARSE {
        // An ergotropy within the rounding noise of the populations it is a
        // difference of is 0 (the trust contract's exact zeros). Its noise
        // factor is the cycle work's, calibrated the same way.
        let ness_ex = extract_optimal(&m, &ness);
        let ness_noise = work_noise(work_noise_factor(), m.omega0, m.r, 0.0, &ness, ness_ex.keeps_n);
        ness_work = select(ness_ex.work, real(0.0), ness_ex.work <= ness_noise);
        if COARSE {
            // Coarser than f64 a snapped ergotropy is not known to be 0 (a
            // passive NESS gives an exact 0 and stays ok): f64 says.
            ness_lost = (ness_work == 0.0) & (ness_ex.work > 0.0);
            ness_error = select(ness_noise / ness_work, real(0.0), ness_work == 0.0);
        }
    }
    var oss = find_oss(&m, &prop, &ness);

    // Work per cycle = energy gained in the stroke, e·Δ with Δ = (Φ − I)x.
    // Split e = ω0 n + r (0, −1, 1, 0): at the OSS, n·Δ = n·(before −
    // after extraction) is exactly zero when the unitary keeps the
    // excitation number, and r (Δ_A − Δ_S) has no cancellation. Summing
    // e·Δ directly would cancel terms of size ω0Γτ down to E and lose
    // ω0Γτ/E digits, which f32 cannot afford near T_A = T_S.
    var d = prop.d;
    var integral = prop.integral;
    var start = oss.start;
    var charged = charge(&start, &d);
    let final_ex = extract(&m, &charged);
    // Passive: the optimal unitary is the identity on the charged state
    // (sorted populations, no coherence to rotate away). Then the cycle is
    // the NESS standing still.
    var passive = params.protocol == PROTOCOL_OPTIMAL;
    for (var k = 0u; k < 4u; k++) {
        for (var j = 0u; j < N; j++) {
            passive = passive & (final_ex.map[k][j] == select(real(0.0), real(1.0), k == j));
        }
    }
    var after = final_ex.after;
    passive = passive & passive_certain(&after, m.e);
    var dx = matvec(&d, &start);
    let omega0 = m.omega0;
    let r = m.r;
    let n_delta = select(dx[1] + dx[2] + 2.0 * dx[3], real(0.0), final_ex.keeps_n);
    let work = fma(omega0, n_delta, r * (dx[2] - dx[1]));
    let rate_tau = ((p.a.up_lo + p.a.down_lo + p.a.up_hi + p.a.down_hi)
        + (p.s.up_lo + p.s.down_lo + p.s.up_hi + p.s.down_hi) + p.dephasing) * p.tau;
    let w_noise = work_noise(work_noise_factor(), omega0, r, rate_tau, &dx, final_ex.keeps_n)
        + gate_mixing_noise(params.protocol != PROTOCOL_OPTIMAL, p.detuning, r);
    if passive {
        start = ness;
    }
    var ix = matvec(&integral, &start);
    var ha = m.ha;
    var hs = m.hs;
    var hd = m.hd;
    let l = settle(work, dot_vec(&ha, &ix), dot_vec(&hs, &ix), dot_vec(&hd, &ix), w_noise,
                   heat_noise(omega0, (p.a.up_lo + p.a.down_lo + p.a.up_hi + p.a.down_hi) * p.tau, rate_tau),
                   heat_noise(omega0, (p.s.up_lo + p.s.down_lo + p.s.up_hi + p.s.down_hi) * p.tau, rate_tau),
                   heat_noise(omega0, p.dephasing * p.tau, rate_tau), passive, params.protocol == PROTOCOL_OPTIMAL,
                   max(max(consistency(oss.same_map, oss.residual, &dx),
                           select(real(0.0), consistency(false, oss.solve_residual, &dx), CHECK_SOLVE)),
                       gate_conditioning(params.protocol != PROTOCOL_OPTIMAL, rate_tau)),
                   coarse_floor(omega0, r, rate_tau,
                                select(real(0.0), max(1.0 / p.beta_a, 1.0 / p.beta_s), p.thermal)),
                   p.thermal, p.beta_a, p.beta_s);
    let heat_hot = select(l.heat_a, l.heat_s, p.hot_is_s);
    let error_estimate = max(l.error_estimate, ness_error);
    let flags = l.flags | select(0u, FLAG_UNRESOLVED, ness_lost);
    var status = oss.status;
    if (status == STATUS_CONVERGED) & (((flags & FLAG_UNRESOLVED) != 0u) | (error_estimate > TOLERANCE)) {
        status = STATUS_IMPRECISE;
    }
    write_out(OUT_ERGOTROPY, i, l.work);
    write_out(OUT_POWER, i, l.work / p.tau);
    write_out(OUT_EFFICIENCY, i, l.efficiency);
    write_out(OUT_HEAT_HOT, i, heat_hot);
    write_out(OUT_HEAT_A, i, l.heat_a);
    write_out(OUT_HEAT_S, i, l.heat_s);
    write_out(OUT_NESS_ERGOTROPY, i, ness_work);
    write_out(OUT_HEAT_DEPHASING, i, l.heat_dephasing);
    write_out(OUT_HEAT_IN, i, l.heat_in);
    write_out(OUT_ENTROPY_PRODUCTION, i, l.entropy_production);
    write_out(OUT_ERROR_ESTIMATE, i, error_estimate);
    out_u32[i] = status | flags;
    out_u32[params.chunk_len + i] = oss.cycles;
}
