// The density-matrix model (N = 6). Every jump operator changes the
// excitation number by one and H and dephasing conserve it, so a state
// that starts diagonal (every passive state) stays in the sector
// x = (ρ_gg, ρ_S'S', ρ_A'A', ρ_ee, Re ρ_S'A', Im ρ_S'A'), written in the
// energy eigenbasis; the other ten entries of ρ stay zero. With detuning δ
// the doublet eigenstates are S' = cS + sA, A' = −sS + cA with
// (c, s) = (cos, sin)(φ/2), φ = atan2(δ, λ); below C = cos φ = λ/r,
// Sn = sin φ = δ/r, r = sqrt(λ² + δ²). The matrix entries were derived
// symbolically from Eq. 8 plus dephasing; the f64 oracle (full 16×16
// Lindbladian in src/oracle) checks them.
//
// CPU twin: src/density_matrix.rs.

// Dissipator of one bath whose lowering operator J has
// J|ee⟩ ∝ (w1, w2)·√2 on (S', A') and J|S'⟩, J|A'⟩ ∝ √2 w1, √2 w2 on |gg⟩,
// with w1² = q1, w2² = q2 and w1 w2 = k (the sign of k distinguishes S
// from A). Each leg has the rates of its Bohr frequency: gg ↔ S' and
// A' ↔ ee at `lo`, gg ↔ A' and S' ↔ ee at `hi`. The k terms couple the
// populations to the S'–A' coherence through cross terms of J's two
// frequency components: Eq. 8 keeps them (Eq. 9 rates), the global
// (Davies) form of KMS rates drops them (k = 0).
fn bath(b: Rates4, q1: real, q2: real, k: real) -> Mat {
    var w: Mat;
    let ud = b.up_lo + b.down_lo;
    w[0][0] = -2.0 * (q1 * b.up_lo + q2 * b.up_hi);
    w[0][1] = 2.0 * b.down_lo * q1;
    w[0][2] = 2.0 * b.down_hi * q2;
    w[0][4] = 4.0 * b.down_lo * k;
    w[1][0] = 2.0 * b.up_lo * q1;
    w[1][1] = -2.0 * (b.down_lo + b.up_hi) * q1;
    w[1][3] = 2.0 * b.down_hi * q1;
    w[1][4] = -2.0 * ud * k;
    w[2][0] = 2.0 * b.up_hi * q2;
    w[2][2] = -2.0 * (b.down_hi + b.up_lo) * q2;
    w[2][3] = 2.0 * b.down_lo * q2;
    w[2][4] = -2.0 * ud * k;
    w[3][1] = 2.0 * b.up_hi * q1;
    w[3][2] = 2.0 * b.up_lo * q2;
    w[3][3] = -2.0 * (q1 * b.down_hi + q2 * b.down_lo);
    w[3][4] = 4.0 * b.up_lo * k;
    w[4][0] = 2.0 * b.up_lo * k;
    w[4][1] = -ud * k;
    w[4][2] = -ud * k;
    w[4][3] = 2.0 * b.down_lo * k;
    w[4][4] = -(q1 * (b.down_lo + b.up_hi) + q2 * (b.down_hi + b.up_lo));
    w[5][5] = w[4][4];
    return w;
}

fn build_model(p: Point) -> Model {
    var m: Model;
    let r = sqrt(p.lambda * p.lambda + p.detuning * p.detuning);
    m.valid = r < p.omega0;
    var cc: real = 1.0;
    var sn: real = 0.0;
    if r > 0.0 {
        cc = p.lambda / r;
        sn = p.detuning / r;
    }
    m.e = array<real, 4>(0.0, p.omega0 - r, p.omega0 + r, 2.0 * p.omega0);
    // c² = (1 + C)/2, s² = (1 − C)/2, cs = Sn/2. S couples to S' with c²
    // and to A' with s²; A the other way round, with the opposite sign of cs.
    let c2 = 0.5 * (1.0 + cc);
    let s2 = 0.5 * (1.0 - cc);
    let kk = select(0.5 * sn, real(0.0), params.rates == RATES_KMS);
    var wa = bath(p.a, s2, c2, kk);
    var ws = bath(p.s, c2, s2, -kk);
    m.omega0 = p.omega0;
    m.r = r;
    m.ha = heat_functional(&wa, m.omega0, m.r);
    m.hs = heat_functional(&ws, m.omega0, m.r);
    let g = p.dephasing;
    // Pure dephasing (jump σz(i) at rate γφ/2): moves population between S'
    // and A' at γφ C² and feeds the coherence. Kept as a channel of its own
    // for its heat.
    var wd: Mat;
    wd[1][1] = -g * cc * cc;
    wd[1][2] = g * cc * cc;
    wd[1][4] = 2.0 * g * sn * cc;
    wd[2][1] = g * cc * cc;
    wd[2][2] = -g * cc * cc;
    wd[2][4] = -2.0 * g * sn * cc;
    wd[4][1] = g * sn * cc;
    wd[4][2] = -g * sn * cc;
    wd[4][4] = -2.0 * g * sn * sn;
    wd[5][5] = -2.0 * g;
    m.hd = heat_functional(&wd, m.omega0, m.r);
    for (var i = 0u; i < N; i++) {
        for (var j = 0u; j < N; j++) {
            m.g[i][j] = wa[i][j] + ws[i][j] + wd[i][j];
        }
    }
    // −i[H, ρ] rotates the coherence at the doublet splitting 2r.
    m.g[4][5] -= 2.0 * r;
    m.g[5][4] += 2.0 * r;
    // Both gates act on the doublet as i·X in the (S, A) basis, which in
    // the (S', A') basis is the reflection M = [[Sn, C], [C, −Sn]];
    // ρ ↦ MρM. The phases they put on |gg⟩ and |ee⟩ do not enter the sector.
    let w = complement_pair(cc * cc);
    m.gate[0][0] = 1.0;
    m.gate[3][3] = 1.0;
    m.gate[1][1] = w.y;
    m.gate[1][2] = w.x;
    m.gate[1][4] = 2.0 * sn * cc;
    m.gate[2][1] = w.x;
    m.gate[2][2] = w.y;
    m.gate[2][4] = -2.0 * sn * cc;
    m.gate[4][1] = sn * cc;
    m.gate[4][2] = -sn * cc;
    m.gate[4][4] = cc * cc - sn * sn;
    m.gate[5][5] = -1.0;
    return m;
}

// The optimal unitary: ρ's eigenvalues are ρ_gg, ρ_ee and the doublet's
// m ± R (m = (p1 + p2)/2, a = (p1 − p2)/2, R = sqrt(a² + |z|²)); sorted in
// descending order they fill the levels upwards. Row k of the map is
// ⟨v|·|v⟩ for the eigenvector v sent to level k, which for the doublet
// eigenvectors is ((1 ± a/R)/2, (1 ∓ a/R)/2, ±Re z/R, ±Im z/R) on
// (p1, p2, Re z, Im z) (Hellmann–Feynman: the Newton map of the OSS).
fn extract_optimal(m: ptr<function, Model>, x: ptr<function, Vec>) -> Extraction {
    let mid = 0.5 * ((*x)[1] + (*x)[2]);
    let a = 0.5 * ((*x)[1] - (*x)[2]);
    let zr = (*x)[4];
    let zi = (*x)[5];
    let big = sqrt(a * a + zr * zr + zi * zi);
    var ca: real = 1.0;
    var cr: real = 0.0;
    var ci: real = 0.0;
    if big > 0.0 {
        ca = a / big;
        cr = zr / big;
        ci = zi / big;
    }
    var rows: array<Vec, 4>;
    let w = complement_pair(0.5 * (1.0 + ca));
    rows[0][0] = 1.0;
    rows[1][1] = w.x;
    rows[1][2] = w.y;
    rows[1][4] = cr;
    rows[1][5] = ci;
    rows[2][1] = w.y;
    rows[2][2] = w.x;
    rows[2][4] = -cr;
    rows[2][5] = -ci;
    rows[3][3] = 1.0;
    var vals = array<real, 4>((*x)[0], mid + big, mid - big, (*x)[3]);
    let s = sort_desc(vals);
    var ex: Extraction;
    ex.keeps_n = true;
    for (var k = 0u; k < 4u; k++) {
        // Row k of the map is the row of the eigenvector sent to level k;
        // picked by selects (see sort_desc). Eigenvector slots carry the
        // excitation numbers of the levels: gg 0, the doublet's 1, ee 2.
        for (var j = 0u; j < N; j++) {
            var acc: real = 0.0;
            for (var t = 0u; t < 4u; t++) {
                acc = select(acc, rows[t][j], s.i[k] == t);
            }
            ex.map[k][j] = acc;
        }
        ex.after[k] = s.v[k];
        ex.keeps_n = ex.keeps_n & (level_n(s.i[k]) == level_n(k));
    }
    var after = ex.after;
    ex.work = work_between((*m).omega0, (*m).r, x, &after, ex.keeps_n);
    return ex;
}
