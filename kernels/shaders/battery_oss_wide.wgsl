// The NESS and OSS of battery_oss.wgsl with a workgroup per point
// (`main_wide`), for the 16-level variant: five d × d matrices' worth per
// invocation would spill out of a GPU's registers at 16 levels, and
// lavapipe corrupts private arrays that large. The matrices and vectors
// live in workgroup memory; the steps are `main`'s, each entry formed by
// the same operations in the same order, so that the CPU twin
// (src/battery_oss.rs) is the twin of both entry points:
// - the elimination of LU, the residuals of refinement, q = p + C p and
//   the cycle matrix are split over the invocations, entry by entry;
// - the pivot search, the triangular solves (each entry depends on the
//   previous ones) and the sort run on invocation 0;
// - every decision that steers the loop (singular, settled) is read back
//   with workgroupUniformLoad, so the barriers stay in uniform control.

var<workgroup> wa: Mat;
var<workgroup> wlu: Mat;
var<workgroup> wperm: Order;
var<workgroup> wness: Vec;
var<workgroup> wp: Vec;
var<workgroup> wq: Vec;
// The right-hand side and the solution of a triangular solve.
var<workgroup> wb: Vec;
var<workgroup> wx: Vec;
var<workgroup> worder: Order;
var<workgroup> wnext: Order;
// A decision of invocation 0: 1 for yes (solved, settled).
var<workgroup> wflag: u32;
var<workgroup> wcorrection: real;

// LU with partial pivoting of wlu, in place, as `lu_factor`.
fn wide_lu_factor(d: u32, lid: u32) {
    for (var i = lid; i < d; i += WORKGROUP) {
        wperm[i] = i;
    }
    workgroupBarrier();
    for (var c = 0u; c < d; c++) {
        if lid == 0u {
            var piv = c;
            for (var r = c + 1u; r < d; r++) {
                if abs(wlu[r * d + c]) > abs(wlu[piv * d + c]) {
                    piv = r;
                }
            }
            if piv != c {
                for (var k = 0u; k < d; k++) {
                    let t = wlu[c * d + k];
                    wlu[c * d + k] = wlu[piv * d + k];
                    wlu[piv * d + k] = t;
                }
                let t = wperm[c];
                wperm[c] = wperm[piv];
                wperm[piv] = t;
            }
        }
        workgroupBarrier();
        let pivot = wlu[c * d + c];
        let rest = d - c - 1u;
        if pivot != 0.0 {
            for (var r = c + 1u + lid; r < d; r += WORKGROUP) {
                wlu[r * d + c] = wlu[r * d + c] / pivot;
            }
        }
        workgroupBarrier();
        if pivot != 0.0 {
            for (var e = lid; e < rest * rest; e += WORKGROUP) {
                let r = c + 1u + e / rest;
                let k = c + 1u + e % rest;
                wlu[r * d + k] -= wlu[r * d + c] * wlu[c * d + k];
            }
        }
        workgroupBarrier();
    }
}

// wx with (LU) wx = P wb, by invocation 0 as `lu_solve`; whether it is
// finite and U regular, the same for every invocation.
fn wide_lu_solve(d: u32, lid: u32) -> bool {
    workgroupBarrier();
    if lid == 0u {
        var ok = 1u;
        for (var i = 0u; i < d; i++) {
            var s = wb[wperm[i]];
            for (var k = 0u; k < i; k++) {
                s -= wlu[i * d + k] * wx[k];
            }
            wx[i] = s;
        }
        for (var j = 0u; j < d; j++) {
            let i = d - 1u - j;
            var s = wx[i];
            for (var k = i + 1u; k < d; k++) {
                s -= wlu[i * d + k] * wx[k];
            }
            let u = wlu[i * d + i];
            if u == 0.0 {
                ok = 0u;
                break;
            }
            wx[i] = s / u;
        }
        for (var i = 0u; i < d; i++) {
            let v = wx[i];
            if !(v == v) || abs(v) > OSS_F64_MAX {
                ok = 0u;
            }
        }
        wflag = ok;
    }
    return workgroupUniformLoad(&wflag) == 1u;
}

// wa's last row replaced by ones, factored into wlu, and wp solved from
// e_{d−1}, unrefined, as `null_solve`.
fn wide_null_solve(d: u32, lid: u32) -> bool {
    for (var k = lid; k < d; k += WORKGROUP) {
        wa[(d - 1u) * d + k] = 1.0;
    }
    workgroupBarrier();
    for (var k = lid; k < d * d; k += WORKGROUP) {
        wlu[k] = wa[k];
    }
    for (var k = lid; k < d; k += WORKGROUP) {
        wb[k] = select(real(0.0), real(1.0), k == d - 1u);
    }
    workgroupBarrier();
    wide_lu_factor(d, lid);
    let ok = wide_lu_solve(d, lid);
    for (var k = lid; k < d; k += WORKGROUP) {
        wp[k] = wx[k];
    }
    workgroupBarrier();
    return ok;
}

// Two steps of iterative refinement of wp, as `refine`; the size of the
// second, or −1 where a step fails.
fn wide_refine(d: u32, lid: u32) -> real {
    for (var step = 0u; step < 2u; step++) {
        for (var i = lid; i < d; i += WORKGROUP) {
            var s = select(real(0.0), real(1.0), i == d - 1u);
            for (var k = 0u; k < d; k++) {
                s -= wa[i * d + k] * wp[k];
            }
            wb[i] = s;
        }
        if !wide_lu_solve(d, lid) {
            return -1.0;
        }
        for (var i = lid; i < d; i += WORKGROUP) {
            wp[i] += wx[i];
        }
        if lid == 0u {
            var m = real(0.0);
            for (var i = 0u; i < d; i++) {
                m = max(m, abs(wx[i]));
            }
            wcorrection = m;
        }
        workgroupBarrier();
    }
    if lid == 0u {
        var ok = 1u;
        for (var i = 0u; i < d; i++) {
            let v = wp[i];
            if !(v == v) || abs(v) > OSS_F64_MAX {
                ok = 0u;
            }
        }
        wflag = ok;
    }
    if workgroupUniformLoad(&wflag) == 0u {
        return -1.0;
    }
    return workgroupUniformLoad(&wcorrection);
}

// The order that sorts `v` decreasing (wness, or wq: `from_q`), ties to
// the lower level, into `wnext`, by invocation 0 as `passive_order`.
fn wide_passive_order(d: u32, from_q: bool) {
    for (var i = 0u; i < d; i++) {
        wnext[i] = i;
    }
    for (var i = 1u; i < d; i++) {
        let v = wnext[i];
        let qv = select(wness[v], wq[v], from_q);
        var j = i;
        while j > 0u {
            let u = wnext[j - 1u];
            let qu = select(wness[u], wq[u], from_q);
            let before = qv > qu || (qv == qu && v < u);
            if !before {
                break;
            }
            wnext[j] = u;
            j--;
        }
        wnext[j] = v;
    }
}

// P C + P − I for worder into wa, entry by entry as `cycle_matrix`.
fn wide_cycle_matrix(d: u32, lid: u32) {
    for (var e = lid; e < d * d; e += WORKGROUP) {
        let i = e / d;
        let k = e % d;
        let src = worder[i];
        var v = change(d, src, k);
        if k == src {
            v += 1.0;
        }
        if k == i {
            v -= 1.0;
        }
        wa[e] = v;
    }
    workgroupBarrier();
}

// wq = wp + C wp, the order wq sorts into (wnext), and whether that order
// is worder, or differs from it only by populations equal to rounding,
// or is the same, as `sorts` or `same`.
fn wide_sorts(d: u32, lid: u32) -> bool {
    for (var i = lid; i < d; i += WORKGROUP) {
        var s = real(0.0);
        for (var k = 0u; k < d; k++) {
            s += change(d, i, k) * wp[k];
        }
        wq[i] = wp[i] + s;
    }
    workgroupBarrier();
    if lid == 0u {
        wide_passive_order(d, true);
        var top = real(0.0);
        var gap = real(0.0);
        var same = 1u;
        for (var i = 0u; i < d; i++) {
            top = max(top, abs(wq[i]));
            gap = max(gap, abs(wq[worder[i]] - wq[wnext[i]]));
            if worder[i] != wnext[i] {
                same = 0u;
            }
        }
        wflag = select(same, 1u, gap <= OSS_TIE * OSS_F64_EPS * top);
    }
    return workgroupUniformLoad(&wflag) == 1u;
}

@compute @workgroup_size(WORKGROUP)
fn main_wide(
    @builtin(local_invocation_index) lid: u32,
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>,
) {
    // One workgroup per point; beyond 65 535 they wrap into y.
    let i = wid.x + wid.y * nwg.x;
    if i >= op.points {
        return;
    }
    let d = op.d;
    let dd = d * d;
    let at = i * 2u * dd;
    let out = begin_point(i, lid, WORKGROUP);
    for (var k = lid; k < dd; k += WORKGROUP) {
        wa[k] = oss_in[at + k];
    }
    workgroupBarrier();
    if !wide_null_solve(d, lid) {
        return;
    }
    let ness_correction = wide_refine(d, lid);
    if ness_correction < 0.0 {
        return;
    }
    for (var k = lid; k < d; k += WORKGROUP) {
        wness[k] = wp[k];
    }
    workgroupBarrier();
    if lid == 0u {
        wide_passive_order(d, false);
        for (var k = 0u; k < d; k++) {
            worder[k] = wnext[k];
        }
    }
    workgroupBarrier();
    for (var it = 0u; it < 4u * d + 16u; it++) {
        wide_cycle_matrix(d, lid);
        if !wide_null_solve(d, lid) {
            return;
        }
        // Unrefined first, as in `main`.
        if wide_sorts(d, lid) {
            let correction = wide_refine(d, lid);
            if correction < 0.0 {
                return;
            }
            if wide_sorts(d, lid) {
                for (var k = lid; k < d; k += WORKGROUP) {
                    oss_out[out + k] = wness[k];
                    oss_out[out + d + k] = wp[k];
                    oss_out[out + 2u * d + k] = wq[k];
                    oss_out[out + 3u * d + k] = real(worder[k]);
                }
                if lid == 0u {
                    oss_out[out + 4u * d] = ness_correction;
                    oss_out[out + 4u * d + 1u] = correction;
                    oss_out[out + 4u * d + 2u] = 1.0;
                }
                return;
            }
        }
        if lid == 0u {
            for (var k = 0u; k < d; k++) {
                worder[k] = wnext[k];
            }
        }
        workgroupBarrier();
    }
}
