// Small dense linear algebra on N×N real matrices, N from the prelude
// (4: populations; 6: populations plus the S–A coherence).
//
// CPU twin: src/linalg.rs (same names, same loops).

// Pointer arguments always point to whole local variables, never to a
// struct member (`&s.field`): WGSL without unrestricted_pointer_parameters
// forbids the latter, and naga's SPIR-V writer panics on it.
alias Vec = array<real, N>;
alias Mat = array<array<real, N>, N>;

fn identity() -> Mat {
    var m: Mat;
    for (var i = 0u; i < N; i++) {
        m[i][i] = 1.0;
    }
    return m;
}

fn matmul(a: ptr<function, Mat>, b: ptr<function, Mat>) -> Mat {
    var c: Mat;
    if N == 4u {
        // Written out with vec4 rows for the 4-state model: the driver's
        // loop unroller need not see through three nested loops.
        let b0 = vec4<real>((*b)[0][0], (*b)[0][1], (*b)[0][2], (*b)[0][3]);
        let b1 = vec4<real>((*b)[1][0], (*b)[1][1], (*b)[1][2], (*b)[1][3]);
        let b2 = vec4<real>((*b)[2][0], (*b)[2][1], (*b)[2][2], (*b)[2][3]);
        let b3 = vec4<real>((*b)[3][0], (*b)[3][1], (*b)[3][2], (*b)[3][3]);
        for (var i = 0u; i < 4u; i++) {
            let r = fma(vec4<real>((*a)[i][0]), b0, fma(vec4<real>((*a)[i][1]), b1, fma(vec4<real>((*a)[i][2]), b2, vec4<real>((*a)[i][3]) * b3)));
            c[i][0] = r.x;
            c[i][1] = r.y;
            c[i][2] = r.z;
            c[i][3] = r.w;
        }
        return c;
    }
    for (var i = 0u; i < N; i++) {
        for (var k = 0u; k < N; k++) {
            let aik = (*a)[i][k];
            for (var j = 0u; j < N; j++) {
                c[i][j] = fma(aik, (*b)[k][j], c[i][j]);
            }
        }
    }
    return c;
}

fn matvec(a: ptr<function, Mat>, x: ptr<function, Vec>) -> Vec {
    var y: Vec;
    if N == 4u {
        let v = vec4<real>((*x)[0], (*x)[1], (*x)[2], (*x)[3]);
        for (var i = 0u; i < 4u; i++) {
            y[i] = dot(vec4<real>((*a)[i][0], (*a)[i][1], (*a)[i][2], (*a)[i][3]), v);
        }
        return y;
    }
    for (var i = 0u; i < N; i++) {
        var acc: real = 0.0;
        for (var j = 0u; j < N; j++) {
            acc = fma((*a)[i][j], (*x)[j], acc);
        }
        y[i] = acc;
    }
    return y;
}

fn dot_vec(a: ptr<function, Vec>, b: ptr<function, Vec>) -> real {
    var acc: real = 0.0;
    for (var i = 0u; i < N; i++) {
        acc = fma((*a)[i], (*b)[i], acc);
    }
    return acc;
}

fn max_abs_diff(a: ptr<function, Vec>, b: ptr<function, Vec>) -> real {
    var m: real = 0.0;
    for (var i = 0u; i < N; i++) {
        m = max(m, abs((*a)[i] - (*b)[i]));
    }
    return m;
}

// Exact propagation over one stroke of a constant generator g.
struct Propagator {
    // Φ − I = e^{gτ} − I, kept separate from I so that at short τ, where
    // Φ − I ~ gτ, nothing cancels (the f32 short-τ problem).
    d: Mat,
    // ∫₀^τ e^{gs} ds, for the heat integrals.
    integral: Mat,
}

// Scaling and squaring on (Φ − I, ∫): with A = g h, h = τ/2^s, ‖A‖ ≤ 1/2,
// J = Σ_k A^k/(k+1)! by Horner, then Φ(h) − I = A J and ∫₀^h = h J. Each
// doubling uses Φ(2h) − I = 2D + D² and ∫₀^{2h} = 2∫ + D∫, so every step is
// a sum of same-signed small terms.
fn propagate(g: ptr<function, Mat>, tau: real) -> Propagator {
    var norm: real = 0.0;
    for (var i = 0u; i < N; i++) {
        var row: real = 0.0;
        for (var j = 0u; j < N; j++) {
            row += abs((*g)[i][j]);
        }
        norm = max(norm, row * tau);
    }
    var s = 0u;
    var h = tau;
    for (; s < 200u; s++) {
        if norm <= 0.5 {
            break;
        }
        norm *= 0.5;
        h *= 0.5;
    }
    var a: Mat;
    for (var i = 0u; i < N; i++) {
        for (var j = 0u; j < N; j++) {
            a[i][j] = (*g)[i][j] * h;
        }
    }
    var jm = identity();
    for (var k = TAYLOR_DEGREE; k >= 1u; k--) {
        var aj = matmul(&a, &jm);
        let inv = 1.0 / real(k + 1u);
        jm = identity();
        for (var i = 0u; i < N; i++) {
            for (var j = 0u; j < N; j++) {
                jm[i][j] = fma(aj[i][j], inv, jm[i][j]);
            }
        }
    }
    var d = matmul(&a, &jm);
    d = restore_trace(d);
    var integral: Mat;
    for (var i = 0u; i < N; i++) {
        for (var j = 0u; j < N; j++) {
            integral[i][j] = jm[i][j] * h;
        }
    }
    for (var k = 0u; k < s; k++) {
        var di = matmul(&d, &integral);
        var dd = matmul(&d, &d);
        for (var i = 0u; i < N; i++) {
            for (var j = 0u; j < N; j++) {
                integral[i][j] = 2.0 * integral[i][j] + di[i][j];
                d[i][j] = 2.0 * d[i][j] + dd[i][j];
            }
        }
        d = restore_trace(d);
    }
    return Propagator(d, integral);
}

// Sets row 0 (ρ_gg) of Φ − I so that every column keeps the trace exactly.
// A rounding error δ on Φ's eigenvalue 1 would otherwise grow as δ·2^s over
// s squarings (5.8e-5 after 45 squarings at τΣΓ ~ 1e12).
fn restore_trace(d_in: Mat) -> Mat {
    var d = d_in;
    for (var j = 0u; j < N; j++) {
        d[0][j] = -(d[1][j] + d[2][j] + d[3][j]);
    }
    return d;
}

struct Solved {
    x: Vec,
    ok: bool,
}

// Solves M x = 0 with Σ_{i<4} x_i = 1 (the trace) for a trace-preserving M.
fn solve_steady(m_in: ptr<function, Mat>) -> Solved {
    var b: Vec;
    b[0] = 1.0;
    return solve_trace(m_in, &b);
}

// Solves M x = b where row 0 of M (the gg equation, redundant for a
// trace-preserving M) is replaced by the trace: b[0] is the trace's
// right-hand side. Gaussian elimination with partial pivoting; `ok` is
// false for a singular M (a level cut off from the rest, e.g. all rates of
// a bath zero).
fn solve_trace(m_in: ptr<function, Mat>, b_in: ptr<function, Vec>) -> Solved {
    var m = *m_in;
    var b = *b_in;
    for (var j = 0u; j < N; j++) {
        m[0][j] = select(real(0.0), real(1.0), j < 4u);
    }
    // Row equilibration: the trace row is O(1) while the generator rows are
    // O(Γτ) at short τ; scaling every row to unit max-norm keeps partial
    // pivoting meaningful and the solve accurate to rounding.
    for (var r = 0u; r < N; r++) {
        var s: real = 0.0;
        for (var j = 0u; j < N; j++) {
            s = max(s, abs(m[r][j]));
        }
        if s > 0.0 {
            let inv = 1.0 / s;
            for (var j = 0u; j < N; j++) {
                m[r][j] *= inv;
            }
            b[r] *= inv;
        }
    }
    let scale: real = 1.0;
    var out: Solved;
    out.ok = true;
    for (var c = 0u; c < N; c++) {
        var piv = c;
        for (var r = c + 1u; r < N; r++) {
            if abs(m[r][c]) > abs(m[piv][c]) {
                piv = r;
            }
        }
        if !(abs(m[piv][c]) > scale * 64.0 * EPS * EPS) {
            out.ok = false;
            return out;
        }
        if piv != c {
            let row = m[c];
            m[c] = m[piv];
            m[piv] = row;
            let t = b[c];
            b[c] = b[piv];
            b[piv] = t;
        }
        let inv = 1.0 / m[c][c];
        for (var r = c + 1u; r < N; r++) {
            let f = m[r][c] * inv;
            if f != 0.0 {
                for (var j = c; j < N; j++) {
                    m[r][j] = fma(-f, m[c][j], m[r][j]);
                }
                b[r] = fma(-f, b[c], b[r]);
            }
        }
    }
    for (var ci = 0; ci < i32(N); ci++) {
        let c = N - 1u - u32(ci);
        var acc = b[c];
        for (var j = c + 1u; j < N; j++) {
            acc = fma(-m[c][j], out.x[j], acc);
        }
        out.x[c] = acc / m[c][c];
    }
    return out;
}
