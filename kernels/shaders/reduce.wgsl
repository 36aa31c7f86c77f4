// Reductions over grid axes, on the device, as the grid runs.
//
// CPU twin: src/reduce.rs (same names, same steps).
//
// The host orders the traversal so that the reduced axes vary fastest: the
// points of one output cell are then consecutive and a chunk holds a run
// of cells. Pass 1 (`fold_blocks`) folds blocks of at most `block` points
// inside one cell; pass 2 (`fold_cells`) folds each cell's blocks, in
// order, into the cell's accumulator, which holds the fold of the earlier
// chunks. Every fold uses a strict `>` in traversal order, so the earlier
// point wins a tie: the result is the first extremum in C order (numpy's
// argmax) and does not depend on the chunking. No atomics are needed: one
// invocation owns each block and each cell, and the queue orders the
// dispatches (main, pass 1, pass 2) and the chunks.

// MAX_REDUCTIONS, MAX_WHERE, OP_*, NO_CONSTRAINT, CMP_*, OUT_*, STATUS_*,
// FLAG_* and WORKGROUP come from the prelude, generated from
// src/layout.rs (their one source).

// Kept in sync with src/reduce.rs (`ReduceParams`); the layout test
// there compares both through naga.
struct ReduceParams {
    chunk_len: u32,
    n_reductions: u32,
    boundary: u32,
    cell_len: u32,
    block: u32,
    blocks_first: u32,
    blocks_per_cell: u32,
    n_blocks: u32,
    n_cells: u32,
    first_cell: u32,
    start_lo: u32,
    start_hi: u32,
    quantity: array<u32, MAX_REDUCTIONS>,
    op: array<u32, MAX_REDUCTIONS>,
    // Per reduction r and constraint k, at r * MAX_WHERE + k.
    where_quantity: array<u32, MAX_REDUCTIONS * MAX_WHERE>,
    where_cmp: array<u32, MAX_REDUCTIONS * MAX_WHERE>,
}

// The bindings come from the prelude, generated from REDUCE_BINDINGS in
// src/layout.rs (the host builds its layout from the same list): rp
// (ReduceParams); thresholds (the constraint thresholds, per reduction, in
// the kernel's precision); out_real, out_u32 (the sweep kernel's outputs
// for this chunk, read-only here); part_real, part_u32 (per block and
// reduction: key; (chunk index, count)); acc_real, acc_u32 (per cell and
// reduction: key; (index lo, index hi, count lo, count hi)).

struct Candidate {
    ok: bool,
    v: real,
}

// Quantity q of chunk point i: only a status-0 point with a defined,
// finite figure competes (efficiency is undefined where no heat is
// absorbed, entropy production unless both baths are thermal).
fn figure(q: u32, i: u32) -> Candidate {
    let word = out_u32[i];
    let v = out_real[q * rp.chunk_len + i];
    var ok = (word & LOW_BYTE) == STATUS_CONVERGED;
    if q == OUT_EFFICIENCY {
        ok = ok & ((word & FLAG_NO_EFFICIENCY) == 0u);
    }
    if q == OUT_ENTROPY_PRODUCTION {
        ok = ok & ((word & FLAG_NO_ENTROPY) == 0u);
    }
    // Finite: NaN fails v == v, ±inf fails v − v == 0.
    ok = ok & (v == v) & ((v - v) == 0.0);
    return Candidate(ok, v);
}

// Whether chunk point i passes all of reduction r's constraints.
fn passes(r: u32, i: u32) -> bool {
    var all = true;
    for (var k = 0u; k < MAX_WHERE; k++) {
        let w = r * MAX_WHERE + k;
        let wq = rp.where_quantity[w];
        if wq == NO_CONSTRAINT {
            continue;
        }
        let c = figure(wq, i);
        let t = thresholds[w];
        var holds = c.v < t;
        switch rp.where_cmp[w] {
            case CMP_GE: { holds = c.v >= t; }
            case CMP_GT: { holds = c.v > t; }
            case CMP_LE: { holds = c.v <= t; }
            default: {}
        }
        all = all & c.ok & holds;
    }
    return all;
}

// The key reduction r maximises at chunk point i (−value for min).
fn key(r: u32, i: u32) -> Candidate {
    let c = figure(rp.quantity[r], i);
    let ok = c.ok & passes(r, i);
    return Candidate(ok, select(c.v, -c.v, rp.op[r] == OP_MIN));
}

struct Block {
    first: u32,
    end: u32,
    cell: u32,
}

// Chunk points [first, end) of block j and its local cell. Cell 0 holds
// the first `boundary` points; every later cell `cell_len` points.
fn block_of(j: u32) -> Block {
    var b: Block;
    if j < rp.blocks_first {
        b.first = j * rp.block;
        b.end = min(b.first + rp.block, min(rp.boundary, rp.chunk_len));
        b.cell = 0u;
        return b;
    }
    let k = (j - rp.blocks_first) / rp.blocks_per_cell;
    let s = (j - rp.blocks_first) % rp.blocks_per_cell;
    let cell_first = rp.boundary + k * rp.cell_len;
    b.first = cell_first + s * rp.block;
    b.end = min(b.first + rp.block, min(cell_first + rp.cell_len, rp.chunk_len));
    b.cell = k + 1u;
    return b;
}

// 2-D dispatch as in oss.wgsl: more than 65 535 workgroups wrap into y.
fn invocation(gid: vec3<u32>, nwg: vec3<u32>) -> u32 {
    return gid.x + gid.y * nwg.x * WORKGROUP;
}

@compute @workgroup_size(WORKGROUP)
fn fold_blocks(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let j = invocation(gid, nwg);
    if j >= rp.n_blocks {
        return;
    }
    let b = block_of(j);
    for (var r = 0u; r < rp.n_reductions; r++) {
        var best: real = 0.0;
        var at = 0u;
        var count = 0u;
        for (var i = b.first; i < b.end; i++) {
            let c = key(r, i);
            if c.ok {
                if (count == 0u) | (c.v > best) {
                    best = c.v;
                    at = i;
                }
                count += 1u;
            }
        }
        let p = j * rp.n_reductions + r;
        part_real[p] = best;
        part_u32[2u * p] = at;
        part_u32[2u * p + 1u] = count;
    }
}

@compute @workgroup_size(WORKGROUP)
fn fold_cells(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let c = invocation(gid, nwg);
    if c >= rp.n_cells {
        return;
    }
    var lo = 0u;
    var hi = rp.blocks_first;
    if c > 0u {
        lo = rp.blocks_first + (c - 1u) * rp.blocks_per_cell;
        hi = lo + rp.blocks_per_cell;
    }
    hi = min(hi, rp.n_blocks);
    let nr = rp.n_reductions;
    for (var r = 0u; r < nr; r++) {
        let a = (rp.first_cell + c) * nr + r;
        var best = acc_real[a];
        var idx_lo = acc_u32[4u * a];
        var idx_hi = acc_u32[4u * a + 1u];
        var n_lo = acc_u32[4u * a + 2u];
        var n_hi = acc_u32[4u * a + 3u];
        for (var j = lo; j < hi; j++) {
            let p = j * nr + r;
            let count = part_u32[2u * p + 1u];
            if count == 0u {
                continue;
            }
            let v = part_real[p];
            if ((n_lo == 0u) & (n_hi == 0u)) | (v > best) {
                best = v;
                // start + at in two words; u32 addition wraps.
                let at = part_u32[2u * p];
                idx_lo = rp.start_lo + at;
                idx_hi = rp.start_hi + select(0u, 1u, idx_lo < at);
            }
            let s = n_lo + count;
            n_hi += select(0u, 1u, s < count);
            n_lo = s;
        }
        acc_real[a] = best;
        acc_u32[4u * a] = idx_lo;
        acc_u32[4u * a + 1u] = idx_hi;
        acc_u32[4u * a + 2u] = n_lo;
        acc_u32[4u * a + 3u] = n_hi;
    }
}
