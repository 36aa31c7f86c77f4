// Pieces of the extraction stroke shared by both models.
//
// CPU twin: src/sweep/twin/extract.rs.

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

// Indices that sort four values into descending order. Insertion sort is
// stable, so ties keep the lower index first: deterministic, and any choice
// among ties gives the same passive state.
fn descending_order(v_in: array<real, 4>) -> array<u32, 4> {
    // Dynamically indexed arrays live in variables: naga's SPIR-V writer
    // fails on dynamic indexing of by-value arrays inside loops.
    var v = v_in;
    var o = array<u32, 4>(0u, 1u, 2u, 3u);
    for (var i = 1u; i < 4u; i++) {
        // No short-circuit `&&`/`||` anywhere in these shaders: naga 30's
        // SPIR-V writer panics on some of them ("Expression is not
        // cached"); build.rs emits SPIR-V so a regression fails the build.
        for (var j = i; j > 0u; j--) {
            if v[o[j - 1u]] >= v[o[j]] {
                break;
            }
            let t = o[j - 1u];
            o[j - 1u] = o[j];
            o[j] = t;
        }
    }
    return o;
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
fn heat_functional(wc: ptr<function, Mat>, e: array<real, 4>) -> Vec {
    var h: Vec;
    for (var j = 0u; j < N; j++) {
        var acc: real = 0.0;
        for (var i = 0u; i < 4u; i++) {
            acc = fma(e[i], (*wc)[i][j], acc);
        }
        h[j] = acc;
    }
    return h;
}

fn energy(e: array<real, 4>, x: ptr<function, Vec>) -> real {
    var acc: real = 0.0;
    for (var i = 0u; i < 4u; i++) {
        acc = fma(e[i], (*x)[i], acc);
    }
    return acc;
}

// The model's generator split by channel, its energies and its fixed gate.
struct Model {
    g: Mat,
    ha: Vec,
    hs: Vec,
    e: array<real, 4>,
    gate: Mat,
    valid: bool,
}
