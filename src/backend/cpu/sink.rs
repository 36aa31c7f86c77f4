//! Where the CPU backend's lanes of outputs go: straight into the sweep's
//! arrays ([`BlockOut`]), or into a list of points (`Vec<PointOutput>`)
//! for reductions and rechecks.

use crate::store::results::store;
use nessbat_kernels::lanes::LaneSink;
use nessbat_kernels::oss::LaneOutput;
use nessbat_kernels::real::Real;
use nessbat_kernels::N_OUTPUTS;

/// One block's part of a chunk's arrays (in flat C order), written in
/// place: no per-point list is built and scattered afterwards, and blocks
/// on different cores write disjoint slices.
pub struct BlockOut<'a> {
    pub real: [&'a mut [f64]; N_OUTPUTS],
    pub cycles: &'a mut [u32],
    pub status: StatusOut<'a>,
}

/// How a block keeps its points' status.
pub enum StatusOut<'a> {
    /// The sweep's status codes, with the kernel's flags turned into NaN
    /// and inf in `real` (`store::results::store`).
    Codes(&'a mut [u8]),
    /// The kernel's whole status word and its raw outputs, as the GPU
    /// writes them for the reduction kernels.
    Words(&'a mut [u32]),
}

impl BlockOut<'_> {
    /// Points in the block.
    pub fn len(&self) -> usize {
        match &self.status {
            StatusOut::Codes(c) => c.len(),
            StatusOut::Words(w) => w.len(),
        }
    }

    /// Whether the block has no points.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl LaneSink for BlockOut<'_> {
    #[inline(always)]
    fn put<T: Real>(&mut self, at: usize, o: &LaneOutput<T>, count: usize) {
        let points = o.points();
        for (l, p) in points[..count].iter().enumerate() {
            match &mut self.status {
                StatusOut::Codes(codes) => store(
                    &mut self.real,
                    self.cycles,
                    codes,
                    at + l,
                    p.real,
                    p.cycles,
                    p.status,
                ),
                StatusOut::Words(words) => {
                    for (q, v) in p.real.iter().enumerate() {
                        self.real[q][at + l] = *v;
                    }
                    self.cycles[at + l] = p.cycles;
                    words[at + l] = p.status;
                }
            }
        }
    }
}

/// The first `k` elements of `rest`, which keeps the others; an empty
/// array (one the sweep does not keep) stays empty.
fn take<'a, T>(rest: &mut &'a mut [T], k: usize) -> &'a mut [T] {
    let k = k.min(rest.len());
    let (head, tail) = std::mem::take(rest).split_at_mut(k);
    *rest = tail;
    head
}

/// The arrays cut into blocks of `block` points (the last one shorter).
pub fn split<'a>(
    real: [&'a mut [f64]; N_OUTPUTS],
    cycles: &'a mut [u32],
    status: StatusOut<'a>,
    block: usize,
) -> Vec<BlockOut<'a>> {
    let mut real = real;
    let mut cycles = cycles;
    let mut status = status;
    let mut blocks = Vec::new();
    let mut left = match &status {
        StatusOut::Codes(c) => c.len(),
        StatusOut::Words(w) => w.len(),
    };
    while left > 0 {
        let k = block.min(left);
        left -= k;
        blocks.push(BlockOut {
            real: real.each_mut().map(|r| take(r, k)),
            cycles: take(&mut cycles, k),
            status: match &mut status {
                StatusOut::Codes(c) => StatusOut::Codes(take(c, k)),
                StatusOut::Words(w) => StatusOut::Words(take(w, k)),
            },
        });
    }
    blocks
}
