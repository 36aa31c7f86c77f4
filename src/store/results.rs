//! The arrays a sweep produces, shaped by the axis lengths in config order.

use crate::config::outputs::Outputs;
use nessbat_kernels::layout::LOW_BYTE;
use nessbat_kernels::oss::{FLAG_NO_EFFICIENCY, FLAG_NO_ENTROPY, FLAG_UNRESOLVED, STATUS_INVALID};
use nessbat_kernels::{Quantity, N_OUTPUTS};

/// Status codes of the `status` array.
pub const STATUS_NAMES: [&str; 4] = [
    "converged OSS",
    "not converged",
    "invalid point",
    "imprecise",
];

const Q_EFFICIENCY: usize = Quantity::Efficiency as usize;
const Q_ENTROPY: usize = Quantity::EntropyProduction as usize;
const Q_ERROR: usize = Quantity::ErrorEstimate as usize;

/// All arrays of one sweep, in flat C order until written.
#[derive(Debug, Clone)]
pub struct SweepResults {
    pub shape: Vec<usize>,
    /// One flat array per OUTPUT_NAMES entry; empty for a quantity the
    /// sweep does not keep (`outputs`).
    pub real: FloatsFlat,
    /// Empty where the sweep does not keep cycles.
    pub cycles: Vec<u32>,
    pub status: Vec<u8>,
    /// Which arrays are kept.
    pub outputs: Outputs,
}

/// Flat float outputs: f64 from the CPU and from f64 shaders, f32 from f32
/// shaders.
#[derive(Debug, Clone)]
pub enum FloatsFlat {
    F64([Vec<f64>; N_OUTPUTS]),
    F32([Vec<f32>; N_OUTPUTS]),
}

/// An element of the result arrays: the float type a kernel writes (f32
/// or f64). Not the twins' arithmetic (`nessbat_kernels::real::Real`): only
/// what storing and converting need.
pub trait Element: Copy + Default + Send + Sync + bytemuck::Pod + 'static {
    const NAN: Self;
    const INFINITY: Self;
    fn to_f64(self) -> f64;
    /// Rounds an f64 into this type (once: thresholds, rescued values).
    fn from_f64(v: f64) -> Self;
}

impl Element for f64 {
    const NAN: f64 = f64::NAN;
    const INFINITY: f64 = f64::INFINITY;
    fn to_f64(self) -> f64 {
        self
    }
    fn from_f64(v: f64) -> f64 {
        v
    }
}

impl Element for f32 {
    const NAN: f32 = f32::NAN;
    const INFINITY: f32 = f32::INFINITY;
    fn to_f64(self) -> f64 {
        f64::from(self)
    }
    fn from_f64(v: f64) -> f32 {
        v as f32
    }
}

/// Writes one kernel output point into flat arrays, turning the kernel's
/// flags into NaN: efficiency where no heat is absorbed, entropy production
/// unless both baths are thermal, every float at an invalid point; and the
/// error estimate into +inf where the ergotropy is unresolved.
pub fn store<R: Element, S: AsMut<[R]>>(
    out: &mut [S; N_OUTPUTS],
    cycles: &mut [u32],
    status: &mut [u8],
    at: usize,
    real: [R; N_OUTPUTS],
    cyc: u32,
    word: u32,
) {
    let code = word & LOW_BYTE;
    // Arrays the sweep does not keep are empty.
    let mut put = |q: usize, v: R| {
        if let Some(x) = out[q].as_mut().get_mut(at) {
            *x = v;
        }
    };
    for (q, v) in real.into_iter().enumerate() {
        put(q, if code == STATUS_INVALID { R::NAN } else { v });
    }
    if word & FLAG_NO_EFFICIENCY != 0 {
        put(Q_EFFICIENCY, R::NAN);
    }
    if word & FLAG_NO_ENTROPY != 0 {
        put(Q_ENTROPY, R::NAN);
    }
    if word & FLAG_UNRESOLVED != 0 {
        put(Q_ERROR, R::INFINITY);
    }
    if let Some(c) = cycles.get_mut(at) {
        *c = cyc;
    }
    status[at] = code as u8;
}

impl SweepResults {
    /// Zeroed f64 results with every array.
    pub fn new_f64(shape: Vec<usize>) -> SweepResults {
        SweepResults::new(shape, true, Outputs::ALL)
    }

    /// Zeroed f32 results with every array.
    pub fn new_f32(shape: Vec<usize>) -> SweepResults {
        SweepResults::new(shape, false, Outputs::ALL)
    }

    /// Zeroed results in f64 or f32 with the arrays of `outputs` (the
    /// others empty).
    pub fn new(shape: Vec<usize>, f64s: bool, outputs: Outputs) -> SweepResults {
        let n: usize = shape.iter().product();
        let len = |q: usize| if outputs.has(Quantity::ALL[q]) { n } else { 0 };
        SweepResults {
            real: if f64s {
                FloatsFlat::F64(std::array::from_fn(|q| vec![0.0; len(q)]))
            } else {
                FloatsFlat::F32(std::array::from_fn(|q| vec![0.0; len(q)]))
            },
            cycles: vec![0; if outputs.cycles() { n } else { 0 }],
            status: vec![0; n],
            shape,
            outputs,
        }
    }

    /// Whether quantity `q` is kept.
    pub fn has(&self, q: Quantity) -> bool {
        self.outputs.has(q)
    }

    pub fn len(&self) -> usize {
        self.status.len()
    }

    pub fn is_empty(&self) -> bool {
        self.status.is_empty()
    }

    /// Quantity `q` as f64 (for plots and comparisons); empty where the
    /// sweep does not keep it.
    pub fn values(&self, q: Quantity) -> Vec<f64> {
        match &self.real {
            FloatsFlat::F64(a) => a[q.index()].clone(),
            FloatsFlat::F32(a) => a[q.index()].iter().map(|v| f64::from(*v)).collect(),
        }
    }

    /// Copies `part` (flat) into these results from flat index `at` on.
    pub fn copy_from(&mut self, part: &SweepResults, at: usize) {
        let n = part.len();
        match (&mut self.real, &part.real) {
            (FloatsFlat::F64(a), FloatsFlat::F64(b)) => a
                .iter_mut()
                .zip(b)
                .filter(|(x, _)| !x.is_empty())
                .for_each(|(x, y)| x[at..at + n].copy_from_slice(y)),
            (FloatsFlat::F32(a), FloatsFlat::F32(b)) => a
                .iter_mut()
                .zip(b)
                .filter(|(x, _)| !x.is_empty())
                .for_each(|(x, y)| x[at..at + n].copy_from_slice(y)),
            _ => panic!("results of different precisions"),
        }
        assert_eq!(self.outputs, part.outputs, "results of different outputs");
        if !self.cycles.is_empty() {
            self.cycles[at..at + n].copy_from_slice(&part.cycles);
        }
        self.status[at..at + n].copy_from_slice(&part.status);
    }

    /// The flat points `at..at + n` as results of their own (shape `[n]`).
    pub fn part(&self, at: usize, n: usize) -> SweepResults {
        fn take<T: Copy>(v: &[T], at: usize, n: usize) -> Vec<T> {
            if v.is_empty() {
                Vec::new()
            } else {
                v[at..at + n].to_vec()
            }
        }
        let take_f64 = |v: &[f64]| take(v, at, n);
        let take_f32 = |v: &[f32]| take(v, at, n);
        SweepResults {
            real: match &self.real {
                FloatsFlat::F64(a) => FloatsFlat::F64(std::array::from_fn(|q| take_f64(&a[q]))),
                FloatsFlat::F32(a) => FloatsFlat::F32(std::array::from_fn(|q| take_f32(&a[q]))),
            },
            cycles: take(&self.cycles, at, n),
            status: take(&self.status, at, n),
            shape: vec![n],
            outputs: self.outputs,
        }
    }

    /// Counts of each status code.
    pub fn status_counts(&self) -> [u64; 4] {
        let mut c = [0u64; 4];
        for s in &self.status {
            c[(*s as usize).min(3)] += 1;
        }
        c
    }
}
