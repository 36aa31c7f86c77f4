//! The arrays a reduction produces, from the kernels' accumulators: the
//! extremum, for arg-ops the reduced axes' values there, the number of
//! points that competed, and a status.

use super::grid::Grid;
use super::reduce::{Pass, Reduction};

/// `status` of a reduced cell.
pub const FOUND: u8 = 0;
/// No point of the cell passed (constraint, or no converged finite figure).
pub const NONE_PASSES: u8 = 1;
pub const REDUCED_STATUS_NAMES: [&str; 2] = ["found", "no point passes"];

/// What the reduction kernels leave per (cell, member), flat
/// `cell * members + m`: the key maximised, the traversal index of the
/// point that holds it, and how many points competed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Accumulators {
    pub key: Vec<f64>,
    pub index: Vec<u64>,
    pub count: Vec<u64>,
}

impl Accumulators {
    /// From the kernels' buffers: keys, and four words per entry (index
    /// lo, hi; count lo, hi).
    pub fn from_words(key: Vec<f64>, words: &[u32]) -> Accumulators {
        let pair = |lo: u32, hi: u32| u64::from(lo) | u64::from(hi) << 32;
        Accumulators {
            key,
            index: words.chunks(4).map(|w| pair(w[0], w[1])).collect(),
            count: words.chunks(4).map(|w| pair(w[2], w[3])).collect(),
        }
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
                    status: vec![NONE_PASSES; cells],
                };
                for c in 0..cells {
                    let a = c * nm + m;
                    out.count[c] = acc.count[a];
                    if acc.count[a] == 0 {
                        continue;
                    }
                    out.status[c] = FOUND;
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
}
