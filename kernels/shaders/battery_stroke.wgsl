// The charging stroke of a user-defined battery, one point per
// invocation: C = e^X − I and F = τ φ1(X) for X = W τ (W the Davies
// generator, φ1(X) = Σ X^k/(k+1)!), the two blocks of Van Loan's
// exponential exp([[X, τI], [0, 0]]) formed on d × d matrices. The host
// finishes the point (NESS, OSS, figures, trust) from them in f64: these
// products are the bulk of a point's work.
//
// CPU twin: src/battery_stroke.rs (same names, same steps). The f64
// oracle: Stroke::van_loan in the main crate's src/battery/cycle.rs.
//
// D (the variant's largest d), DD = D², WORKGROUP, the STROKE_* constants
// and the bindings come from the prelude. The host sends only strokes
// with τ‖W‖ ≤ 64 (longer ones it forms from the NESS), so ‖X‖₁ ≤ 128 and
// at most 8 doublings are needed.

struct StrokeParams {
    // The battery's levels (≤ D); matrices are d × d, row-major.
    d: u32,
    // Points in this chunk.
    points: u32,
}

alias Mat = array<real, DD>;

// c = a b on the leading d × d block.
fn matmul_into(d: u32, a: ptr<function, Mat>, b: ptr<function, Mat>, c: ptr<function, Mat>) {
    for (var i = 0u; i < d; i++) {
        for (var j = 0u; j < d; j++) {
            var s = real(0.0);
            for (var k = 0u; k < d; k++) {
                s += (*a)[i * d + k] * (*b)[k * d + j];
            }
            (*c)[i * d + j] = s;
        }
    }
}

// The largest absolute column sum (‖·‖₁).
fn norm1(d: u32, x: ptr<function, Mat>) -> real {
    var norm = real(0.0);
    for (var j = 0u; j < d; j++) {
        var col = real(0.0);
        for (var i = 0u; i < d; i++) {
            col += abs((*x)[i * d + j]);
        }
        norm = max(norm, col);
    }
    return norm;
}

// How X is scaled (by 2^-s, to ‖X/2^s‖₁ ≤ θ) and how many Taylor terms
// of φ1 it needs.
struct Scaling {
    s: u32,
    terms: u32,
    scale: real,
}

// The scaling of a matrix of norm ‖X‖₁ = `norm`: halvings (exact),
// bounded so that no input can loop forever, then the fewest terms whose
// remainder θ^(m+1)/(m+2)! is below STROKE_REMAINDER.
fn scaling(norm: real) -> Scaling {
    var theta = norm;
    var scale = real(1.0);
    var s = 0u;
    while theta > STROKE_THETA && s < 64u {
        theta *= 0.5;
        scale *= 0.5;
        s++;
    }
    var terms = 1u;
    var remainder = theta / 2.0;
    while remainder > STROKE_REMAINDER && terms < STROKE_TERMS {
        terms++;
        remainder *= theta / (real(terms) + 1.0);
    }
    return Scaling(s, terms, scale);
}

@compute @workgroup_size(WORKGROUP)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    // 2-D dispatch: chunks beyond 65 535 workgroups wrap into y.
    let i = gid.x + gid.y * nwg.x * WORKGROUP;
    if i >= sp.points {
        return;
    }
    let d = sp.d;
    let dd = d * d;
    let at = i * (dd + 1u);
    var y: Mat;
    for (var k = 0u; k < dd; k++) {
        y[k] = stroke_in[at + k];
    }
    let tau = stroke_in[at + dd];
    let sc = scaling(norm1(d, &y));
    let s = sc.s;
    let terms = sc.terms;
    for (var k = 0u; k < dd; k++) {
        y[k] *= sc.scale;
    }
    // Horner: φ1 = I + Y/2 (I + Y/3 (I + … (I + Y/(m+1)))).
    var phi: Mat;
    var tmp: Mat;
    for (var k = 0u; k < dd; k++) {
        phi[k] = 0.0;
    }
    for (var k = 0u; k < d; k++) {
        phi[k * d + k] = 1.0;
    }
    for (var j = terms; j >= 1u; j--) {
        matmul_into(d, &y, &phi, &tmp);
        for (var k = 0u; k < dd; k++) {
            phi[k] = tmp[k] / (real(j) + 1.0);
        }
        for (var k = 0u; k < d; k++) {
            phi[k * d + k] += 1.0;
        }
    }
    // C = Y φ1(Y) = e^Y − I; then s doublings, φ1(2Y) = φ1(Y)(I + C/2)
    // and C(2Y) = 2C + C², which keep C and F to ε of themselves.
    var change: Mat;
    matmul_into(d, &y, &phi, &change);
    for (var r = 0u; r < s; r++) {
        matmul_into(d, &phi, &change, &tmp);
        for (var k = 0u; k < dd; k++) {
            phi[k] += tmp[k] * 0.5;
        }
        matmul_into(d, &change, &change, &tmp);
        for (var k = 0u; k < dd; k++) {
            change[k] = change[k] * 2.0 + tmp[k];
        }
    }
    let out = i * 2u * dd;
    for (var k = 0u; k < dd; k++) {
        stroke_out[out + k] = change[k];
        stroke_out[out + dd + k] = phi[k] * tau;
    }
}

// The same stroke with a workgroup per point (`main_wide`): the matrices
// live in workgroup memory and each invocation forms the entries
// e = lid, lid + WORKGROUP, … of every product (each a sum over k in the
// same order as `matmul_into`, so the results are the same). The 16-level
// variant runs this way: 4 × 256 f64 per invocation would spill out of
// registers on a GPU, and lavapipe corrupts private arrays that large.
var<workgroup> wy: Mat;
var<workgroup> wphi: Mat;
var<workgroup> wchange: Mat;
var<workgroup> wtmp: Mat;
// (doublings s, Taylor terms), set by invocation 0.
var<workgroup> wsteps: vec2<u32>;
var<workgroup> wscale: real;

// The workgroup matrices, by number (WGSL cannot pass pointers to
// workgroup memory): each call site names constants, which the compiler
// folds.
const W_Y: u32 = 0u;
const W_PHI: u32 = 1u;
const W_CHANGE: u32 = 2u;

fn wide_at(m: u32, idx: u32) -> real {
    switch m {
        case 0u: {
            return wy[idx];
        }
        case 1u: {
            return wphi[idx];
        }
        default: {
            return wchange[idx];
        }
    }
}

// wtmp = a b (matrices by number), the entries of invocation `lid`.
fn wide_product(d: u32, lid: u32, a: u32, b: u32) {
    for (var e = lid; e < d * d; e += WORKGROUP) {
        let i = e / d;
        let j = e % d;
        var s = real(0.0);
        for (var k = 0u; k < d; k++) {
            s += wide_at(a, i * d + k) * wide_at(b, k * d + j);
        }
        wtmp[e] = s;
    }
}

@compute @workgroup_size(WORKGROUP)
fn main_wide(
    @builtin(local_invocation_index) lid: u32,
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
) {
    // One workgroup per point; beyond 65 535 they wrap into y.
    let i = wid.x + wid.y * nwg.x;
    if i >= sp.points {
        return;
    }
    let d = sp.d;
    let dd = d * d;
    let at = i * (dd + 1u);
    for (var e = lid; e < dd; e += WORKGROUP) {
        wy[e] = stroke_in[at + e];
    }
    workgroupBarrier();
    // The scaling and the number of terms, as in `main`, by one invocation.
    if lid == 0u {
        var norm = real(0.0);
        for (var j = 0u; j < d; j++) {
            var col = real(0.0);
            for (var r = 0u; r < d; r++) {
                col += abs(wy[r * d + j]);
            }
            norm = max(norm, col);
        }
        let sc = scaling(norm);
        wsteps = vec2<u32>(sc.s, sc.terms);
        wscale = sc.scale;
    }
    let steps = workgroupUniformLoad(&wsteps);
    let scale = wscale;
    for (var e = lid; e < dd; e += WORKGROUP) {
        wy[e] *= scale;
        wphi[e] = select(real(0.0), real(1.0), e / d == e % d);
    }
    workgroupBarrier();
    for (var j = steps.y; j >= 1u; j--) {
        wide_product(d, lid, W_Y, W_PHI);
        workgroupBarrier();
        for (var e = lid; e < dd; e += WORKGROUP) {
            wphi[e] = wtmp[e] / (real(j) + 1.0) + select(real(0.0), real(1.0), e / d == e % d);
        }
        workgroupBarrier();
    }
    wide_product(d, lid, W_Y, W_PHI);
    workgroupBarrier();
    for (var e = lid; e < dd; e += WORKGROUP) {
        wchange[e] = wtmp[e];
    }
    workgroupBarrier();
    for (var r = 0u; r < steps.x; r++) {
        wide_product(d, lid, W_PHI, W_CHANGE);
        workgroupBarrier();
        for (var e = lid; e < dd; e += WORKGROUP) {
            wphi[e] += wtmp[e] * 0.5;
        }
        workgroupBarrier();
        wide_product(d, lid, W_CHANGE, W_CHANGE);
        workgroupBarrier();
        for (var e = lid; e < dd; e += WORKGROUP) {
            wchange[e] = wchange[e] * 2.0 + wtmp[e];
        }
        workgroupBarrier();
    }
    let tau = stroke_in[at + dd];
    let out = i * 2u * dd;
    for (var e = lid; e < dd; e += WORKGROUP) {
        stroke_out[out + e] = wchange[e];
        stroke_out[out + dd + e] = wphi[e] * tau;
    }
}
