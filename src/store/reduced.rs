//! The arrays a reduction produces, from the kernels' accumulators: the
//! extremum, for arg-ops the reduced axes' values there, the number of
//! points that competed, and a status.

use nessbat_kernels::layout::Status;
use nessbat_kernels::layout::LOW_BYTE;
use std::ops::Range;

use crate::config::reduce::Reduction;
use crate::grid::passes::Pass;
use crate::grid::Grid;

/// `status` of a reduced cell.
pub const FOUND: u8 = 0;
/// No point of the cell passed (constraint, or no converged finite figure).
pub const NONE_PASSES: u8 = 1;
/// Some points of the cell stayed flagged (imprecise or not converged
/// after the recompute in f64 and double-double): the value is the
/// extremum over the resolved points (NaN if none), and a flagged point
/// could have won.
pub const FLAGGED_INSIDE: u8 = 2;
pub const REDUCED_STATUS_NAMES: [&str; 3] = [
    "found",
    "no point passes",
    "points stayed flagged: extremum over the resolved points only",
];

/// What the reduction kernels leave per (cell, member), flat
/// `cell * members + m`: the key maximised, the traversal index of the
/// point that holds it, how many points competed, and how many points of
/// the cell stayed flagged (the same for every member of a cell).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Accumulators {
    pub key: Vec<f64>,
    pub index: Vec<u64>,
    pub count: Vec<u64>,
    pub flagged: Vec<u64>,
    /// Points of this pass that a kernel flagged and the CPU recomputed
    /// before the fold: in f64 (from f32) and in double-double (from f64),
    /// for metadata.json's counts.
    pub recomputed_f64: u64,
    pub rescued: u64,
}

impl Accumulators {
    /// From the kernels' buffers: keys, and four words per entry (index
    /// lo, hi; count lo, hi).
    pub fn from_words(key: Vec<f64>, words: &[u32]) -> Accumulators {
        let pair = |lo: u32, hi: u32| u64::from(lo) | u64::from(hi) << 32;
        Accumulators {
            flagged: vec![0; key.len()],
            recomputed_f64: 0,
            rescued: 0,
            key,
            index: words.chunks(4).map(|w| pair(w[0], w[1])).collect(),
            count: words.chunks(4).map(|w| pair(w[2], w[3])).collect(),
        }
    }

    /// Counts the points of a chunk that stayed flagged into their cells:
    /// `words` are the chunk's status words from traversal index `start`,
    /// `cell_len` points a cell, `members` entries a cell. Invalid points
    /// (outside the model's range by their parameters) are not flagged.
    pub fn count_flagged(&mut self, words: &[u32], start: u64, cell_len: u64, members: usize) {
        let mut last = (u64::MAX, 0u64);
        let flush = |cell: u64, n: u64, acc: &mut Accumulators| {
            if n > 0 {
                for m in 0..members {
                    acc.flagged[cell as usize * members + m] += n;
                }
            }
        };
        for (i, w) in words.iter().enumerate() {
            let code = w & LOW_BYTE;
            if Status::NotConverged.in_word(code) || Status::Imprecise.in_word(code) {
                let cell = (start + i as u64) / cell_len;
                if cell != last.0 {
                    flush(last.0, last.1, self);
                    last = (cell, 0);
                }
                last.1 += 1;
            }
        }
        flush(last.0, last.1, self);
    }
}

/// One reduction's arrays, shaped by the kept axes in config order.
#[derive(Debug, Clone)]
pub struct Reduced {
    pub name: String,
    pub shape: Vec<usize>,
    /// Kept axis names, in config order.
    pub kept: Vec<String>,
    /// The extremum; NaN where no point passes.
    pub value: Vec<f64>,
    /// Arg-ops: (axis name, its value at the extremum) per reduced axis.
    pub at: Vec<(String, Vec<f64>)>,
    pub count: Vec<u64>,
    /// Points of the cell that stayed flagged (status 1 or 3).
    pub flagged: Vec<u64>,
    pub status: Vec<u8>,
}

impl Pass {
    /// Turns this pass's accumulators into one `Reduced` per member.
    pub fn finish(&self, grid: &Grid, reds: &[Reduction], acc: &Accumulators) -> Vec<Reduced> {
        let nm = self.members.len();
        let shape: Vec<usize> = self
            .kept
            .iter()
            .map(|i| grid.axes[*i].values.len())
            .collect();
        let kept: Vec<String> = self
            .kept
            .iter()
            .map(|i| grid.axes[*i].name.clone())
            .collect();
        let cells = self.cells as usize;
        self.members
            .iter()
            .enumerate()
            .map(|(m, r)| {
                let red = &reds[*r];
                let mut out = Reduced {
                    name: red.name.clone(),
                    shape: shape.clone(),
                    kept: kept.clone(),
                    value: vec![f64::NAN; cells],
                    at: if red.op.is_arg() {
                        self.over
                            .iter()
                            .map(|i| (grid.axes[*i].name.clone(), vec![f64::NAN; cells]))
                            .collect()
                    } else {
                        Vec::new()
                    },
                    count: vec![0; cells],
                    flagged: vec![0; cells],
                    status: vec![NONE_PASSES; cells],
                };
                for c in 0..cells {
                    let a = c * nm + m;
                    out.count[c] = acc.count[a];
                    out.flagged[c] = acc.flagged.get(a).copied().unwrap_or(0);
                    if out.flagged[c] > 0 {
                        // Not "found": a flagged point could have won.
                        out.status[c] = FLAGGED_INSIDE;
                    }
                    if acc.count[a] == 0 {
                        continue;
                    }
                    if out.flagged[c] == 0 {
                        out.status[c] = FOUND;
                    }
                    out.value[c] = if red.op.minimises() {
                        -acc.key[a]
                    } else {
                        acc.key[a]
                    };
                    // Position inside the cell, in C order over the reduced
                    // axes (config order).
                    let mut rem = acc.index[a] - c as u64 * self.cell_len;
                    for (k, i) in self.over.iter().enumerate().rev() {
                        let axis = &grid.axes[*i].values;
                        let n = axis.len() as u64;
                        if let Some((_, v)) = out.at.get_mut(k) {
                            v[c] = axis[(rem % n) as usize];
                        }
                        rem /= n;
                    }
                }
                out
            })
            .collect()
    }
}

impl Reduced {
    /// Cells where no point passes.
    pub fn none_passes(&self) -> usize {
        self.status.iter().filter(|s| **s == NONE_PASSES).count()
    }

    /// Cells where points stayed flagged.
    pub fn flagged_cells(&self) -> usize {
        self.status.iter().filter(|s| **s == FLAGGED_INSIDE).count()
    }
}

/// Each reduction pass with its accumulators.
pub type PassResults = Vec<(Pass, Accumulators)>;

/// The reduced arrays of every entry, in config order, from each pass's
/// accumulators.
pub fn finish(grid: &Grid, done: &[(Pass, Accumulators)]) -> Vec<Reduced> {
    let reds = &grid.reductions;
    let mut out: Vec<Option<Reduced>> = vec![None; reds.len()];
    for (pass, acc) in done {
        for (m, r) in pass.finish(grid, reds, acc).into_iter().zip(&pass.members) {
            out[*r] = Some(m);
        }
    }
    out.into_iter()
        .map(|r| r.expect("every reduction is in one pass"))
        .collect()
}

/// A shard's share of one pass: the accumulators of the cells its
/// traversal range touches (a contiguous run of cells), for `nessbat
/// merge` to fold with the other shards'.
#[derive(Debug, Clone, PartialEq)]
pub struct Partial {
    /// Index of the pass in [`crate::grid::passes::passes`]'s order.
    pub pass: usize,
    /// First cell held, and the accumulators from there on
    /// (`cell * members + m`, relative to `cell_start`).
    pub cell_start: u64,
    pub acc: Accumulators,
}

impl Partial {
    /// The cells of `acc` (a whole pass's accumulators) that the traversal
    /// range `range` touches.
    pub fn of(index: usize, pass: &Pass, acc: &Accumulators, range: &Range<u64>) -> Partial {
        let nm = pass.members.len();
        let (c0, c1) = if range.is_empty() {
            (0, 0)
        } else {
            (
                range.start / pass.cell_len,
                (range.end - 1) / pass.cell_len + 1,
            )
        };
        let (a, b) = (c0 as usize * nm, c1 as usize * nm);
        Partial {
            pass: index,
            cell_start: c0,
            acc: Accumulators {
                key: acc.key[a..b].to_vec(),
                index: acc.index[a..b].to_vec(),
                count: acc.count[a..b].to_vec(),
                flagged: acc.flagged[a..b].to_vec(),
                recomputed_f64: 0,
                rescued: 0,
            },
        }
    }

    /// Folds this share into a whole pass's accumulators `into`, as the
    /// kernels fold a chunk's blocks into a cell: shares must come in
    /// traversal order (shard 0 first), and a strictly better key replaces,
    /// so ties keep the earlier point and the merge equals an unsharded
    /// run bit for bit.
    pub fn fold_into(&self, into: &mut Accumulators, members: usize) {
        let at = self.cell_start as usize * members;
        for (e, &count) in self.acc.count.iter().enumerate() {
            let g = at + e;
            into.flagged[g] += self.acc.flagged[e];
            if count == 0 {
                continue;
            }
            if into.count[g] == 0 || self.acc.key[e] > into.key[g] {
                into.key[g] = self.acc.key[e];
                into.index[g] = self.acc.index[e];
            }
            into.count[g] += count;
        }
    }
}

impl Accumulators {
    /// Accumulators of `n` entries that no point has reached.
    pub fn empty(n: usize) -> Accumulators {
        Accumulators {
            key: vec![0.0; n],
            index: vec![0; n],
            count: vec![0; n],
            flagged: vec![0; n],
            recomputed_f64: 0,
            rescued: 0,
        }
    }
}
