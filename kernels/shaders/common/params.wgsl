// Sweep parameters and the decoding of a grid point.
//
// Kept in sync with src/params.rs (`SweepParams`); the layout
// test in that file compares the two through naga.

// IN_* (input slots), N_INPUTS, MAX_AXES, FROM_AXIS (a source with this
// bit reads an axis at the point's index on it, otherwise it indexes
// `values`), SECOND_MAP (with FROM_AXIS: the axis's second block, β of a
// temperature axis) and NO_SLOT come from the prelude, generated from
// src/layout.rs.

struct SweepParams {
    chunk_len: u32,
    n_axes: u32,
    // 0: the optimal unitary; 1: a fixed gate.
    protocol: u32,
    a_thermal: u32,
    s_thermal: u32,
    max_newton: u32,
    max_cycles: u32,
    // 0: Eq. 9 rates; 1: KMS rates per Bohr frequency (thermal baths).
    rates: u32,
    // Multi-index of the chunk's first point: grids may exceed 2^32 points,
    // a chunk may not.
    chunk_start: array<u32, MAX_AXES>,
    axis_len: array<u32, MAX_AXES>,
    axis_offset: array<u32, MAX_AXES>,
    axis_offset_beta: array<u32, MAX_AXES>,
    source: array<u32, N_INPUTS>,
    // Slot of quantity q in out_real, or NO_SLOT: the kernel writes only
    // the quantities a sweep keeps (src/outputs.rs).
    out_slot: array<u32, N_OUT>,
}

// The bindings come from the prelude, generated from SWEEP_BINDINGS in
// src/layout.rs (the host builds its layout from the same list):
// params (SweepParams); values (axis values then fixed values, already in
// kernel form: n̄ for thermal baths, computed in f64 on the host); out_real
// (quantity q of chunk point i at out_slot[q] * chunk_len + i, see OUT_*;
// the identity for reduction passes); out_u32 (status | flags of chunk
// point i at i, its cycles at chunk_len + i: a sweep that does not keep
// cycles reads back only the first half).

// One bath's rates per Bohr frequency: `lo` = ω0 − r (gg ↔ S', A' ↔ ee),
// `hi` = ω0 + r (gg ↔ A', S' ↔ ee). Equal under Eq. 9 and explicit rates.
struct Rates4 {
    up_lo: real,
    down_lo: real,
    up_hi: real,
    down_hi: real,
}

// Γ0 n̄(ω) and Γ0 (n̄(ω) + 1) at ω = ω0 ∓ r for inverse temperature beta.
fn kms_rates(gamma0: real, beta: real, omega0: real, r: real) -> Rates4 {
    let n_lo = bose_factor(beta * (omega0 - r));
    let n_hi = bose_factor(beta * (omega0 + r));
    return Rates4(gamma0 * n_lo, gamma0 * (n_lo + 1.0), gamma0 * n_hi, gamma0 * (n_hi + 1.0));
}

// 1/(e^y − 1) for y > 0. WGSL has no exp() for f64, so both precisions use
// this: y = k ln2 + f with |f| ≤ ln2/2 (ln2 split so that k·LN2_HI is
// exact), e^f − 1 by a Taylor series in Horner form (no cancellation at
// small y, where n̄ ~ 1/y), and e^y − 1 = 2^k (e^f − 1) + (2^k − 1) with
// 2^k by exact squarings.
fn bose_factor(y: real) -> real {
    if y > EXP_MAX {
        return 0.0;
    }
    let k = floor(y * LOG2E + 0.5);
    let f = (y - k * LN2_HI) - k * LN2_LO;
    var t: real = 1.0;
    for (var j = EXPM1_DEGREE; j >= 2u; j--) {
        t = fma(f / real(j), t, 1.0);
    }
    let em = f * t;
    var p2: real = 1.0;
    var b: real = 2.0;
    var kk = u32(k);
    for (; kk > 0u; kk = kk >> 1u) {
        if (kk & 1u) == 1u {
            p2 *= b;
        }
        b *= b;
    }
    return 1.0 / fma(p2, em, p2 - 1.0);
}

// The kernel inputs of one grid point.
struct Point {
    omega0: real,
    lambda: real,
    tau: real,
    a: Rates4,
    s: Rates4,
    detuning: real,
    dephasing: real,
    // The hot bath is S only when both baths are thermal and T_S > T_A,
    // i.e. n̄_S > n̄_A (same ω0); A on ties and for explicit rates.
    hot_is_s: bool,
    // Both baths thermal: the entropy production is defined.
    thermal: bool,
    beta_a: real,
    beta_s: real,
}

// Decodes chunk point `i` (C order: the last axis varies fastest).
fn load_point(i: u32) -> Point {
    var idx: array<u32, MAX_AXES>;
    // chunk_start + i in mixed radix, with carries; all in 32 bits.
    var rem = i;
    var carry = 0u;
    for (var k = i32(params.n_axes) - 1; k >= 0; k--) {
        let len = params.axis_len[k];
        var s = params.chunk_start[k] + rem % len + carry;
        rem = rem / len;
        carry = select(0u, 1u, s >= len);
        idx[k] = s - carry * len;
    }
    var v: array<real, N_INPUTS>;
    for (var q = 0u; q < N_INPUTS; q++) {
        let s = params.source[q];
        if (s & FROM_AXIS) != 0u {
            let a = s & LOW_BYTE;
            let offset = select(params.axis_offset[a], params.axis_offset_beta[a], (s & SECOND_MAP) != 0u);
            v[q] = values[offset + idx[a]];
        } else {
            v[q] = values[s];
        }
    }
    var p: Point;
    p.omega0 = v[IN_OMEGA0];
    p.lambda = v[IN_LAMBDA];
    p.tau = v[IN_TAU];
    let r = sqrt(fma(v[IN_LAMBDA], v[IN_LAMBDA], v[IN_DETUNING] * v[IN_DETUNING]));
    let kms = params.rates == RATES_KMS;
    if params.a_thermal == 0u {
        p.a = Rates4(v[IN_A_X], v[IN_A_Y], v[IN_A_X], v[IN_A_Y]);
    } else if kms {
        p.a = kms_rates(v[IN_A_Y], v[IN_BETA_A], v[IN_OMEGA0], r);
    } else {
        let up = v[IN_A_Y] * v[IN_A_X];
        let down = v[IN_A_Y] * (v[IN_A_X] + 1.0);
        p.a = Rates4(up, down, up, down);
    }
    if params.s_thermal == 0u {
        p.s = Rates4(v[IN_S_X], v[IN_S_Y], v[IN_S_X], v[IN_S_Y]);
    } else if kms {
        p.s = kms_rates(v[IN_S_Y], v[IN_BETA_S], v[IN_OMEGA0], r);
    } else {
        let up = v[IN_S_Y] * v[IN_S_X];
        let down = v[IN_S_Y] * (v[IN_S_X] + 1.0);
        p.s = Rates4(up, down, up, down);
    }
    // `&`, not `&&`: see the note in common/extract.wgsl.
    let both_thermal = (params.a_thermal != 0u) & (params.s_thermal != 0u);
    p.hot_is_s = both_thermal & (v[IN_S_X] > v[IN_A_X]);
    p.thermal = both_thermal;
    p.beta_a = v[IN_BETA_A];
    p.beta_s = v[IN_BETA_S];
    p.detuning = v[IN_DETUNING];
    p.dephasing = v[IN_DEPHASING];
    return p;
}
