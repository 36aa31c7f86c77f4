// Pieces of the extraction stroke shared by both models.
//
// CPU twin: src/extract.rs.

// The stroke's effect for a frozen extraction unitary: the linear map on
// the state (for the optimal U, followed by the projection on the
// diagonal, which makes the OSS solve Newton's method), the state after,
// and the work taken out.
struct Extraction {
    map: Mat,
    after: Vec,
    work: real,
    // The unitary keeps the excitation number n = (0, 1, 1, 2): every
    // eigenvector goes to a level of its own n (the usual S ↔ A inversion,
    // and both gates). Then n·(before − after) is exactly zero.
    keeps_n: bool,
}

// Four values sorted into descending order, with where each came from.
struct Sorted {
    v: array<real, 4>,
    i: array<u32, 4>,
}

struct Pair {
    va: real,
    ia: u32,
    vb: real,
    ib: u32,
}

// Compare-exchange in the total order "larger value first, lower index
// first on ties", so the result is unique (deterministic on ties, and any
// choice among ties gives the same passive state).
fn exchange(va: real, ia: u32, vb: real, ib: u32) -> Pair {
    let swap = (vb > va) | ((vb == va) & (ib < ia));
    return Pair(select(va, vb, swap), select(ia, ib, swap), select(vb, va, swap), select(ib, ia, swap));
}

// A five-comparator sorting network, all selects and no dynamic indexing:
// CPU drivers such as lavapipe turn dynamically indexed private arrays
// into per-lane memory traffic, and divergent loops into masked ones.
fn sort_desc(x: array<real, 4>) -> Sorted {
    var p = exchange(x[0], 0u, x[1], 1u);
    var q = exchange(x[2], 2u, x[3], 3u);
    let hi = exchange(p.va, p.ia, q.va, q.ia);
    let lo = exchange(p.vb, p.ib, q.vb, q.ib);
    let mid = exchange(hi.vb, hi.ib, lo.va, lo.ia);
    return Sorted(array<real, 4>(hi.va, mid.va, mid.vb, lo.vb), array<u32, 4>(hi.ia, mid.ia, mid.ib, lo.ib));
}

// Excitation number of level j in (gg, S, A, ee): 0, 1, 1, 2.
fn level_n(j: u32) -> u32 {
    return select(select(1u, 2u, j == 3u), 0u, j == 0u);
}

// Two weights (w, 1 − w) that sum to one exactly in floating point: the
// smaller is rounded, the larger is its complement, which Sterbenz's lemma
// makes exact. Rows of the extraction map must sum to one exactly over the
// populations, or each cycle leaks ~ε of trace and the fixed point drifts
// by ε/(τΣΓ).
fn complement_pair(w: real) -> vec2<real> {
    if w >= 0.5 {
        return vec2<real>(w, 1.0 - w);
    }
    let u = 1.0 - w;
    return vec2<real>(1.0 - u, u);
}

// Heat current functional of one channel: h_j = Σ_{i<4} E_i W_c[i][j]
// (only the populations carry energy: H is diagonal in our basis).
fn heat_functional(wc: ptr<function, Mat>, omega0: real, r: real) -> Vec {
    var h: Vec;
    for (var j = 0u; j < N; j++) {
        let n_part = (*wc)[1][j] + (*wc)[2][j] + 2.0 * (*wc)[3][j];
        h[j] = fma(omega0, n_part, r * ((*wc)[2][j] - (*wc)[1][j]));
    }
    return h;
}

// Tr(H x) = ω0 (n·x) + r (x_A − x_S).
fn energy(omega0: real, r: real, x: ptr<function, Vec>) -> real {
    return fma(omega0, (*x)[1] + (*x)[2] + 2.0 * (*x)[3], r * ((*x)[2] - (*x)[1]));
}

// Tr(H x) − Tr(H after): the work a unitary takes out of x. Where it keeps
// the excitation number, the ω0 part is exactly 0 (the doublet's trace is
// kept) and is left out: two energies of size ω0 would cancel down to a
// work of size r and lose ω0/r digits (found: an f32 NESS ergotropy off by
// ε·ω0·p at λ = 1e-3, 300 times the noise its formula allows).
fn work_between(omega0: real, r: real, x: ptr<function, Vec>, after: ptr<function, Vec>, keeps_n: bool) -> real {
    let doublet = r * (((*x)[2] - (*x)[1]) - ((*after)[2] - (*after)[1]));
    return select(energy(omega0, r, x) - energy(omega0, r, after), doublet, keeps_n);
}

// The model's generator split by channel, its energies and its fixed gate.
struct Model {
    g: Mat,
    ha: Vec,
    hs: Vec,
    // Heat functional of pure dephasing (zero in the population model).
    hd: Vec,
    e: array<real, 4>,
    // ω0 and the doublet's half splitting r from the parameters: every Bohr
    // frequency is formed from these (E_A − E_S = 2r exactly).
    omega0: real,
    r: real,
    gate: Mat,
    valid: bool,
}
