// Sweep parameters and the decoding of a grid point.
//
// Kept in sync with src/sweep/kernel_params.rs (`SweepParams`); the layout
// test in that file compares the two through naga.

// Input slots, in the order of `KernelInput` in src/sweep/kernel_params.rs.
const IN_OMEGA0: u32 = 0u;
const IN_LAMBDA: u32 = 1u;
const IN_TAU: u32 = 2u;
const IN_A_X: u32 = 3u;      // n̄_A (thermal) or Γ_A+ (explicit)
const IN_A_Y: u32 = 4u;      // Γ0_A (thermal) or Γ_A− (explicit)
const IN_S_X: u32 = 5u;
const IN_S_Y: u32 = 6u;
const IN_DETUNING: u32 = 7u;
const IN_DEPHASING: u32 = 8u;
const IN_BETA_A: u32 = 9u;   // 1/T_A (thermal; 0 otherwise), for the entropy production
const IN_BETA_S: u32 = 10u;
const N_INPUTS: u32 = 11u;
const MAX_AXES: u32 = 8u;
// A source with this bit set reads axis (source & 0xff) at the point's
// index on that axis; otherwise it is an index into `values`.
const FROM_AXIS: u32 = 0x80000000u;
// With FROM_AXIS: read the axis's second block of values (β of a
// temperature axis, whose first block is n̄).
const SECOND_MAP: u32 = 0x40000000u;

struct SweepParams {
    chunk_len: u32,
    n_axes: u32,
    // 0: the optimal unitary; 1: a fixed gate.
    protocol: u32,
    a_thermal: u32,
    s_thermal: u32,
    max_newton: u32,
    max_cycles: u32,
    // Multi-index of the chunk's first point: grids may exceed 2^32 points,
    // a chunk may not.
    chunk_start: array<u32, 8>,
    axis_len: array<u32, 8>,
    axis_offset: array<u32, 8>,
    axis_offset_beta: array<u32, 8>,
    source: array<u32, 11>,
}

@group(0) @binding(0) var<storage, read> params: SweepParams;
// Axis values then fixed values, already in kernel form (n̄ for thermal
// baths, computed in f64 on the host).
@group(0) @binding(1) var<storage, read> values: array<real>;
// Quantity q of chunk point i at q * chunk_len + i (see OUT_* in oss.wgsl).
@group(0) @binding(2) var<storage, read_write> out_real: array<real>;
// (cycles, status | flags) of chunk point i at 2i, 2i + 1.
@group(0) @binding(3) var<storage, read_write> out_u32: array<u32>;

// The kernel inputs of one grid point.
struct Point {
    omega0: real,
    lambda: real,
    tau: real,
    a_up: real,
    a_down: real,
    s_up: real,
    s_down: real,
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
    var idx: array<u32, 8>;
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
    var v: array<real, 11>;
    for (var q = 0u; q < N_INPUTS; q++) {
        let s = params.source[q];
        if (s & FROM_AXIS) != 0u {
            let a = s & 0xffu;
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
    if params.a_thermal != 0u {
        p.a_up = v[IN_A_Y] * v[IN_A_X];
        p.a_down = v[IN_A_Y] * (v[IN_A_X] + 1.0);
    } else {
        p.a_up = v[IN_A_X];
        p.a_down = v[IN_A_Y];
    }
    if params.s_thermal != 0u {
        p.s_up = v[IN_S_Y] * v[IN_S_X];
        p.s_down = v[IN_S_Y] * (v[IN_S_X] + 1.0);
    } else {
        p.s_up = v[IN_S_X];
        p.s_down = v[IN_S_Y];
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
