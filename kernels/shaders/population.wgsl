// The population model (N = 4): rate equations for (gg, S, A, ee) from
// Eq. 8. S† and A† move gg → S/A → ee at rate 2Γ+; S and A move back at 2Γ−.
//
// CPU twin: src/population.rs.

// One bath's rate matrix through the middle level `mid` (1: S, 2: A), each
// leg at the rate of its Bohr frequency: gg ↔ A and S ↔ ee at ω0 + λ
// (`hi`), gg ↔ S and A ↔ ee at ω0 − λ (`lo`).
fn channel_rates(b: Rates4, mid: u32) -> Mat {
    var w: Mat;
    let is_a = mid == 2u;
    w[mid][0] = 2.0 * select(b.up_lo, b.up_hi, is_a);
    w[0][mid] = 2.0 * select(b.down_lo, b.down_hi, is_a);
    w[3][mid] = 2.0 * select(b.up_hi, b.up_lo, is_a);
    w[mid][3] = 2.0 * select(b.down_hi, b.down_lo, is_a);
    for (var j = 0u; j < N; j++) {
        var out: real = 0.0;
        for (var i = 0u; i < N; i++) {
            out += w[i][j];
        }
        w[j][j] = -out;
    }
    return w;
}

fn build_model(p: Point) -> Model {
    var m: Model;
    m.valid = p.lambda < p.omega0;
    m.e = array<real, 4>(0.0, p.omega0 - p.lambda, p.omega0 + p.lambda, 2.0 * p.omega0);
    var wa = channel_rates(p.a, 2u);
    var ws = channel_rates(p.s, 1u);
    for (var i = 0u; i < N; i++) {
        for (var j = 0u; j < N; j++) {
            m.g[i][j] = wa[i][j] + ws[i][j];
        }
    }
    m.omega0 = p.omega0;
    m.r = p.lambda;
    m.ha = heat_functional(&wa, m.omega0, m.r);
    m.hs = heat_functional(&ws, m.omega0, m.r);
    // Both gates swap |S⟩ and |A⟩ (Sec. II); on populations that is the
    // permutation (gg, A, S, ee).
    m.gate[0][0] = 1.0;
    m.gate[1][2] = 1.0;
    m.gate[2][1] = 1.0;
    m.gate[3][3] = 1.0;
    return m;
}

// The optimal unitary on a diagonal state is the permutation that sorts the
// populations into descending order.
fn extract_optimal(m: ptr<function, Model>, x: ptr<function, Vec>) -> Extraction {
    let s = sort_desc(*x);
    var ex: Extraction;
    ex.keeps_n = true;
    for (var k = 0u; k < 4u; k++) {
        for (var j = 0u; j < 4u; j++) {
            ex.map[k][j] = select(real(0.0), real(1.0), s.i[k] == j);
        }
        ex.after[k] = s.v[k];
        ex.keeps_n = ex.keeps_n & (level_n(s.i[k]) == level_n(k));
    }
    var after = ex.after;
    ex.work = work_between((*m).omega0, (*m).r, x, &after, ex.keeps_n);
    return ex;
}
