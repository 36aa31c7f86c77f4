// The NESS and the operational steady state of a user-defined battery,
// one point per invocation, from its generator W and its stroke's change
// C = e^{Wτ} − I (the stroke kernel's output):
// - the NESS, W p = 0 with Σ p = 1: W's last row replaced by the
//   normalisation, LU with partial pivoting, two steps of iterative
//   refinement (the second step's size is the solve's error);
// - the OSS by policy iteration from the NESS's order: for an order, the
//   fixed point of p ↦ P(I + C)p (the same solve), kept where the charged
//   state q = p + C p sorts into that order (or one differing only by
//   populations equal to rounding), else the order q sorts into is tried
//   next, at most 4d + 16 times. A point that does not settle is marked,
//   and the host solves it (its fallback iterates the cycle itself).
// The host checks every point's result and finishes its figures and
// status in f64: these solves are the bulk of a point's work after the
// stroke.
//
// CPU twin: src/battery_oss.rs (same names, same steps). The f64 path:
// battery::cycle::solve in the main crate.
//
// D, DD, WORKGROUP, the OSS_* constants and the bindings come from the
// prelude.

struct OssParams {
    // The battery's levels (≤ D); matrices are d × d, row-major.
    d: u32,
    // Points in this chunk.
    points: u32,
}

alias Mat = array<real, DD>;
alias Vec = array<real, D>;
alias Order = array<u32, D>;

// Where point i's C starts in oss_in (W is before it).
var<private> change_at: u32;

fn change(d: u32, r: u32, k: u32) -> real {
    return oss_in[change_at + r * d + k];
}

fn amax(d: u32, x: ptr<function, Vec>) -> real {
    var m = real(0.0);
    for (var i = 0u; i < d; i++) {
        m = max(m, abs((*x)[i]));
    }
    return m;
}

// LU with partial pivoting of a, in place; the pivot is the first
// largest |entry| of its column.
fn lu_factor(d: u32, a: ptr<function, Mat>, perm: ptr<function, Order>) {
    for (var i = 0u; i < d; i++) {
        (*perm)[i] = i;
    }
    for (var c = 0u; c < d; c++) {
        var piv = c;
        for (var r = c + 1u; r < d; r++) {
            if abs((*a)[r * d + c]) > abs((*a)[piv * d + c]) {
                piv = r;
            }
        }
        if piv != c {
            for (var k = 0u; k < d; k++) {
                let t = (*a)[c * d + k];
                (*a)[c * d + k] = (*a)[piv * d + k];
                (*a)[piv * d + k] = t;
            }
            let t = (*perm)[c];
            (*perm)[c] = (*perm)[piv];
            (*perm)[piv] = t;
        }
        let pivot = (*a)[c * d + c];
        if pivot == 0.0 {
            continue;
        }
        for (var r = c + 1u; r < d; r++) {
            let l = (*a)[r * d + c] / pivot;
            (*a)[r * d + c] = l;
            for (var k = c + 1u; k < d; k++) {
                (*a)[r * d + k] -= l * (*a)[c * d + k];
            }
        }
    }
}

// x with (LU) x = P b; false where U is singular or x not finite.
fn lu_solve(d: u32, lu: ptr<function, Mat>, perm: ptr<function, Order>, b: ptr<function, Vec>, x: ptr<function, Vec>) -> bool {
    for (var i = 0u; i < d; i++) {
        var s = (*b)[(*perm)[i]];
        for (var k = 0u; k < i; k++) {
            s -= (*lu)[i * d + k] * (*x)[k];
        }
        (*x)[i] = s;
    }
    for (var j = 0u; j < d; j++) {
        let i = d - 1u - j;
        var s = (*x)[i];
        for (var k = i + 1u; k < d; k++) {
            s -= (*lu)[i * d + k] * (*x)[k];
        }
        let u = (*lu)[i * d + i];
        if u == 0.0 {
            return false;
        }
        (*x)[i] = s / u;
    }
    return all_finite(d, x);
}

fn all_finite(d: u32, x: ptr<function, Vec>) -> bool {
    for (var i = 0u; i < d; i++) {
        // Finite: not NaN (x == x) and below the largest f64.
        let v = (*x)[i];
        if !(v == v) || abs(v) > OSS_F64_MAX {
            return false;
        }
    }
    return true;
}

// a's last row replaced by ones, factored into lu, and p solved from
// e_{d−1}, unrefined; false where singular.
fn null_solve(d: u32, a: ptr<function, Mat>, lu: ptr<function, Mat>, perm: ptr<function, Order>, p: ptr<function, Vec>) -> bool {
    for (var k = 0u; k < d; k++) {
        (*a)[(d - 1u) * d + k] = 1.0;
    }
    for (var k = 0u; k < d * d; k++) {
        (*lu)[k] = (*a)[k];
    }
    lu_factor(d, lu, perm);
    var rhs: Vec;
    for (var k = 0u; k < d; k++) {
        rhs[k] = 0.0;
    }
    rhs[d - 1u] = 1.0;
    return lu_solve(d, lu, perm, &rhs, p);
}

// Two steps of iterative refinement of p; the size of the second, or −1
// where a step fails.
fn refine(d: u32, a: ptr<function, Mat>, lu: ptr<function, Mat>, perm: ptr<function, Order>, p: ptr<function, Vec>) -> real {
    var correction = real(0.0);
    for (var step = 0u; step < 2u; step++) {
        var r: Vec;
        for (var i = 0u; i < d; i++) {
            var s = select(real(0.0), real(1.0), i == d - 1u);
            for (var k = 0u; k < d; k++) {
                s -= (*a)[i * d + k] * (*p)[k];
            }
            r[i] = s;
        }
        var delta: Vec;
        if !lu_solve(d, lu, perm, &r, &delta) {
            return -1.0;
        }
        for (var i = 0u; i < d; i++) {
            (*p)[i] += delta[i];
        }
        correction = amax(d, &delta);
    }
    if !all_finite(d, p) {
        return -1.0;
    }
    return correction;
}

// The order that sorts q decreasing, ties to the lower level.
fn passive_order(d: u32, q: ptr<function, Vec>, order: ptr<function, Order>) {
    for (var i = 0u; i < d; i++) {
        (*order)[i] = i;
    }
    for (var i = 1u; i < d; i++) {
        let v = (*order)[i];
        var j = i;
        while j > 0u {
            let u = (*order)[j - 1u];
            let before = (*q)[v] > (*q)[u] || ((*q)[v] == (*q)[u] && v < u);
            if !before {
                break;
            }
            (*order)[j] = u;
            j--;
        }
        (*order)[j] = v;
    }
}

// P C + P − I for the order (row i takes level order[i]).
fn cycle_matrix(d: u32, order: ptr<function, Order>, a: ptr<function, Mat>) {
    for (var i = 0u; i < d; i++) {
        let src = (*order)[i];
        for (var k = 0u; k < d; k++) {
            (*a)[i * d + k] = change(d, src, k);
        }
        (*a)[i * d + src] += 1.0;
        (*a)[i * d + i] -= 1.0;
    }
}

// q = p + C p, the order q sorts into, and whether that order is `order`
// or differs from it only by populations equal to rounding.
fn sorts(d: u32, p: ptr<function, Vec>, order: ptr<function, Order>, q: ptr<function, Vec>, next: ptr<function, Order>) -> bool {
    for (var i = 0u; i < d; i++) {
        var s = real(0.0);
        for (var k = 0u; k < d; k++) {
            s += change(d, i, k) * (*p)[k];
        }
        (*q)[i] = (*p)[i] + s;
    }
    passive_order(d, q, next);
    let tie = OSS_TIE * OSS_F64_EPS * amax(d, q);
    var gap = real(0.0);
    for (var i = 0u; i < d; i++) {
        gap = max(gap, abs((*q)[(*order)[i]] - (*q)[(*next)[i]]));
    }
    return gap <= tie;
}

fn same(d: u32, a: ptr<function, Order>, b: ptr<function, Order>) -> bool {
    for (var i = 0u; i < d; i++) {
        if (*a)[i] != (*b)[i] {
            return false;
        }
    }
    return true;
}

// Point i's output offset, its outputs zeroed (entries first, first +
// step, …: an invocation's share) and change_at set: W is at i·2d² in
// oss_in, C after it.
fn begin_point(i: u32, first: u32, step: u32) -> u32 {
    let d = op.d;
    change_at = i * 2u * d * d + d * d;
    let out = i * (4u * d + OSS_WIDTH_EXTRA);
    for (var k = first; k < 4u * d + OSS_WIDTH_EXTRA; k += step) {
        oss_out[out + k] = 0.0;
    }
    return out;
}

@compute @workgroup_size(WORKGROUP)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    // 2-D dispatch: chunks beyond 65 535 workgroups wrap into y.
    let i = gid.x + gid.y * nwg.x * WORKGROUP;
    if i >= op.points {
        return;
    }
    let d = op.d;
    let dd = d * d;
    let at = i * 2u * dd;
    let out = begin_point(i, 0u, 1u);
    var a: Mat;
    var lu: Mat;
    var perm: Order;
    var ness: Vec;
    for (var k = 0u; k < dd; k++) {
        a[k] = oss_in[at + k];
    }
    if !null_solve(d, &a, &lu, &perm, &ness) {
        return;
    }
    let ness_correction = refine(d, &a, &lu, &perm, &ness);
    if ness_correction < 0.0 {
        return;
    }
    var order: Order;
    var next: Order;
    passive_order(d, &ness, &order);
    var p: Vec;
    var q: Vec;
    for (var it = 0u; it < 4u * d + 16u; it++) {
        cycle_matrix(d, &order, &a);
        if !null_solve(d, &a, &lu, &perm, &p) {
            return;
        }
        // Unrefined first: an order the charged state leaves is left at
        // once; the one it settles on is refined.
        if sorts(d, &p, &order, &q, &next) || same(d, &next, &order) {
            let correction = refine(d, &a, &lu, &perm, &p);
            if correction < 0.0 {
                return;
            }
            if sorts(d, &p, &order, &q, &next) || same(d, &next, &order) {
                for (var k = 0u; k < d; k++) {
                    oss_out[out + k] = ness[k];
                    oss_out[out + d + k] = p[k];
                    oss_out[out + 2u * d + k] = q[k];
                    oss_out[out + 3u * d + k] = real(order[k]);
                }
                oss_out[out + 4u * d] = ness_correction;
                oss_out[out + 4u * d + 1u] = correction;
                oss_out[out + 4u * d + 2u] = 1.0;
                return;
            }
        }
        order = next;
    }
}
