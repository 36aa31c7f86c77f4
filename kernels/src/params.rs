//! Twin of `shaders/common/params.wgsl`: the kernel's parameter block and
//! the decoding of a grid point.

use bytemuck::{Pod, Zeroable};

use super::layout::{LOW_BYTE, RATES_KMS};
use super::linalg::{EXPM1_DEGREE, EXP_MAX, LN2_HI, LN2_LO, LOG2E};
use super::real::Real;

pub use super::layout::{FROM_AXIS, MAX_AXES, SECOND_MAP};

/// The inputs of a point, in slot order: the names of
/// `layout::INPUT_NAMES` (from which the WGSL IN_* constants are
/// generated); a test checks that the two agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KernelInput {
    Omega0 = 0,
    Lambda = 1,
    Tau = 2,
    /// n̄_A for a thermal bath A, Γ_A+ for explicit rates.
    AX = 3,
    /// Γ0_A for a thermal bath A, Γ_A− for explicit rates.
    AY = 4,
    SX = 5,
    SY = 6,
    Detuning = 7,
    Dephasing = 8,
    /// 1/T_A for a thermal bath A (0 otherwise): the entropy production.
    BetaA = 9,
    BetaS = 10,
}

pub use super::layout::{N_INPUTS, N_OUTPUTS, OUTPUT_NAMES};

/// Kept in sync with shaders/common/params.wgsl (`SweepParams`); the layout
/// test below compares both through naga.
#[repr(C)]
#[derive(Debug, Clone, Copy, Pod, Zeroable, PartialEq, Eq)]
pub struct SweepParams {
    pub chunk_len: u32,
    pub n_axes: u32,
    /// 0: the optimal unitary; 1: a fixed gate.
    pub protocol: u32,
    pub a_thermal: u32,
    pub s_thermal: u32,
    pub max_newton: u32,
    pub max_cycles: u32,
    /// 0: Eq. 9 rates; 1: KMS rates per Bohr frequency.
    pub rates: u32,
    pub chunk_start: [u32; MAX_AXES],
    pub axis_len: [u32; MAX_AXES],
    pub axis_offset: [u32; MAX_AXES],
    /// Offset of each axis's second block of values (β of a temperature
    /// axis), where it has one.
    pub axis_offset_beta: [u32; MAX_AXES],
    pub source: [u32; N_INPUTS],
    /// Where quantity q goes in out_real: slot `out_slot[q]` (at
    /// `out_slot[q] · chunk_len + i`), or nowhere (u32::MAX); see
    /// `config::outputs`. The reduction passes keep every quantity in its
    /// own slot.
    pub out_slot: [u32; N_OUTPUTS],
}

/// Twin of `Rates4`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Rates4<T = f64> {
    pub up_lo: T,
    pub down_lo: T,
    pub up_hi: T,
    pub down_hi: T,
}

impl<T: Real> Rates4<T> {
    /// Sum of the four rates.
    #[inline(always)]
    pub fn total(&self) -> T {
        self.up_lo + self.down_lo + self.up_hi + self.down_hi
    }
}

/// Twin of `kms_rates`.
#[inline(always)]
pub fn kms_rates(gamma0: f64, beta: f64, omega0: f64, r: f64) -> Rates4 {
    let n_lo = bose_factor(beta * (omega0 - r));
    let n_hi = bose_factor(beta * (omega0 + r));
    Rates4 {
        up_lo: gamma0 * n_lo,
        down_lo: gamma0 * (n_lo + 1.0),
        up_hi: gamma0 * n_hi,
        down_hi: gamma0 * (n_hi + 1.0),
    }
}

/// Twin of `bose_factor`: 1/(e^y − 1) for y > 0.
#[inline(always)]
pub fn bose_factor(y: f64) -> f64 {
    if y > EXP_MAX {
        return 0.0;
    }
    let k = y.mul_add(LOG2E, 0.5).floor();
    let f = (y - k * LN2_HI) - k * LN2_LO;
    let mut t: f64 = 1.0;
    for j in (2..=EXPM1_DEGREE).rev() {
        t = (f / f64::from(j)).mul_add(t, 1.0);
    }
    let em = f * t;
    let mut p2: f64 = 1.0;
    let mut b: f64 = 2.0;
    let mut kk = k as u32;
    while kk > 0 {
        if kk & 1 == 1 {
            p2 *= b;
        }
        b *= b;
        kk >>= 1;
    }
    1.0 / p2.mul_add(em, p2 - 1.0)
}

/// Kernel inputs of one point (twin of `Point`), or of a lane of points.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Point<T: Real = f64> {
    pub omega0: T,
    pub lambda: T,
    pub tau: T,
    pub a: Rates4<T>,
    pub s: Rates4<T>,
    pub detuning: T,
    pub dephasing: T,
    /// S only when both baths are thermal and n̄_S > n̄_A (T_S > T_A).
    pub hot_is_s: T::Mask,
    /// Both baths thermal (the same for every point of a sweep).
    pub thermal: bool,
    /// KMS rates (the shader reads `params.rates` where the twin's models,
    /// which see only the point, read this).
    pub kms: bool,
    pub beta_a: T,
    pub beta_s: T,
}

impl<T: Real> Point<T> {
    /// The points `p` (`T::LANES` of them, from one sweep) as lanes.
    #[inline(always)]
    pub fn gather(p: &[Point]) -> Self {
        #[inline(always)]
        fn lanes<T: Real>(p: &[Point], f: impl Fn(&Point) -> f64) -> T {
            let mut v = [0.0; MAX_LANES];
            for (k, q) in p.iter().enumerate() {
                v[k] = f(q);
            }
            T::from_lanes(&v[..T::LANES])
        }
        #[inline(always)]
        fn rates<T: Real>(p: &[Point], f: impl Fn(&Point) -> Rates4) -> Rates4<T> {
            Rates4 {
                up_lo: lanes(p, |q| f(q).up_lo),
                down_lo: lanes(p, |q| f(q).down_lo),
                up_hi: lanes(p, |q| f(q).up_hi),
                down_hi: lanes(p, |q| f(q).down_hi),
            }
        }
        // hot_is_s as a mask: 1 > 0 where set.
        let hot: T = lanes(p, |q| if q.hot_is_s { 1.0 } else { 0.0 });
        Point {
            omega0: lanes(p, |q| q.omega0),
            lambda: lanes(p, |q| q.lambda),
            tau: lanes(p, |q| q.tau),
            a: rates(p, |q| q.a),
            s: rates(p, |q| q.s),
            detuning: lanes(p, |q| q.detuning),
            dephasing: lanes(p, |q| q.dephasing),
            hot_is_s: hot.gt(T::splat(0.0)),
            thermal: p[0].thermal,
            kms: p[0].kms,
            beta_a: lanes(p, |q| q.beta_a),
            beta_s: lanes(p, |q| q.beta_s),
        }
    }
}

/// The most lanes a [`Real`] has (AVX-512: 8 f64).
pub const MAX_LANES: usize = 8;

/// Twin of `load_point`: chunk point `i`, C order.
#[expect(
    clippy::needless_range_loop,
    reason = "kept in the shape of params.wgsl"
)]
#[inline(always)]
pub fn load_point(params: &SweepParams, values: &[f64], i: u32) -> Point {
    let mut idx = [0u32; MAX_AXES];
    let mut rem = i;
    let mut carry = 0u32;
    for k in (0..params.n_axes as usize).rev() {
        let len = params.axis_len[k];
        let s = params.chunk_start[k] + rem % len + carry;
        rem /= len;
        carry = u32::from(s >= len);
        idx[k] = s - carry * len;
    }
    let mut v = [0.0f64; N_INPUTS];
    for q in 0..N_INPUTS {
        let s = params.source[q];
        v[q] = if s & FROM_AXIS != 0 {
            let a = (s & LOW_BYTE) as usize;
            let offset = if s & SECOND_MAP != 0 {
                params.axis_offset_beta[a]
            } else {
                params.axis_offset[a]
            };
            values[(offset + idx[a]) as usize]
        } else {
            values[s as usize]
        };
    }
    // v[IN_*] in params.wgsl.
    let at = |k: KernelInput| v[k as usize];
    let (lambda, detuning) = (at(KernelInput::Lambda), at(KernelInput::Detuning));
    let r = lambda.mul_add(lambda, detuning * detuning).sqrt();
    let bath = |thermal: u32, x: f64, y: f64, beta: f64| {
        if thermal == 0 {
            Rates4 {
                up_lo: x,
                down_lo: y,
                up_hi: x,
                down_hi: y,
            }
        } else if params.rates == RATES_KMS {
            kms_rates(y, beta, at(KernelInput::Omega0), r)
        } else {
            let (up, down) = (y * x, y * (x + 1.0));
            Rates4 {
                up_lo: up,
                down_lo: down,
                up_hi: up,
                down_hi: down,
            }
        }
    };
    let (ax, sx) = (at(KernelInput::AX), at(KernelInput::SX));
    Point {
        omega0: at(KernelInput::Omega0),
        lambda,
        tau: at(KernelInput::Tau),
        a: bath(
            params.a_thermal,
            ax,
            at(KernelInput::AY),
            at(KernelInput::BetaA),
        ),
        s: bath(
            params.s_thermal,
            sx,
            at(KernelInput::SY),
            at(KernelInput::BetaS),
        ),
        detuning,
        dephasing: at(KernelInput::Dephasing),
        hot_is_s: params.a_thermal != 0 && params.s_thermal != 0 && sx > ax,
        thermal: params.a_thermal != 0 && params.s_thermal != 0,
        kms: params.rates == RATES_KMS,
        beta_a: at(KernelInput::BetaA),
        beta_s: at(KernelInput::BetaS),
    }
}

/// Checks a `#[repr(C)]` struct against the WGSL struct `name` in `src`,
/// as naga lays it out: total size and every field offset, in order.
#[cfg(test)]
pub(crate) fn check_layout(src: &str, name: &str, size: usize, offsets: &[usize]) {
    let module = naga::front::wgsl::parse_str(src).unwrap();
    let mut layouter = naga::proc::Layouter::default();
    layouter.update(module.to_ctx()).unwrap();
    let (handle, _) = module
        .types
        .iter()
        .find(|(_, t)| t.name.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("no struct {name} in the shader"));
    assert_eq!(layouter[handle].size as usize, size, "size of {name}");
    let naga::TypeInner::Struct { members, .. } = &module.types[handle].inner else {
        panic!("{name} is not a struct");
    };
    assert_eq!(members.len(), offsets.len(), "fields of {name}");
    for (m, off) in members.iter().zip(offsets) {
        assert_eq!(m.offset as usize, *off, "{name}.{:?}", m.name);
    }
}

/// What a kernel needs of a grid, and all it sees of it: the model, the
/// kernel values, the number of points, and the parameter block of any
/// chunk. The GPU kernels take this interface, not `crate::grid::Grid`, so
/// the backends depend on the kernels' layout and not on configs.
pub trait KernelGrid: Sync {
    fn model(&self) -> crate::ModelKind;
    /// Per-axis values and precomputed Bose factors, as `values` in WGSL.
    fn values(&self) -> &[f64];
    /// Number of points.
    fn len(&self) -> u64;
    /// Whether there are no points.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Shape of the results of `range`: the grid's own shape for the
    /// whole grid, a flat length for part of it.
    fn result_shape(&self, range: &std::ops::Range<u64>) -> Vec<usize>;
    /// The parameter block of the `len` points from flat index `start`.
    fn chunk_params(&self, start: u64, len: u32) -> SweepParams;
    /// The arrays kept (`out_slot` of the parameter blocks says where).
    fn outputs(&self) -> crate::outputs::Outputs;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::sweep_source;
    use crate::{ModelKind, Precision};

    #[test]
    fn layout_matches_wgsl() {
        use std::mem::offset_of;
        let offsets = [
            offset_of!(SweepParams, chunk_len),
            offset_of!(SweepParams, n_axes),
            offset_of!(SweepParams, protocol),
            offset_of!(SweepParams, a_thermal),
            offset_of!(SweepParams, s_thermal),
            offset_of!(SweepParams, max_newton),
            offset_of!(SweepParams, max_cycles),
            offset_of!(SweepParams, rates),
            offset_of!(SweepParams, chunk_start),
            offset_of!(SweepParams, axis_len),
            offset_of!(SweepParams, axis_offset),
            offset_of!(SweepParams, axis_offset_beta),
            offset_of!(SweepParams, source),
            offset_of!(SweepParams, out_slot),
        ];
        check_layout(
            &sweep_source(ModelKind::Populations, Precision::F32),
            "SweepParams",
            std::mem::size_of::<SweepParams>(),
            &offsets,
        );
    }

    #[test]
    fn kernel_inputs_name_the_layout_slots() {
        use crate::layout::INPUT_NAMES;
        let slots = [
            (KernelInput::Omega0, "omega0"),
            (KernelInput::Lambda, "lambda"),
            (KernelInput::Tau, "tau"),
            (KernelInput::AX, "a_x"),
            (KernelInput::AY, "a_y"),
            (KernelInput::SX, "s_x"),
            (KernelInput::SY, "s_y"),
            (KernelInput::Detuning, "detuning"),
            (KernelInput::Dephasing, "dephasing"),
            (KernelInput::BetaA, "beta_a"),
            (KernelInput::BetaS, "beta_s"),
        ];
        assert_eq!(slots.len(), INPUT_NAMES.len());
        for (k, name) in slots {
            assert_eq!(INPUT_NAMES[k as usize], name);
        }
    }

    #[test]
    fn mixed_radix_decoding_carries() {
        // Axes of lengths (3, 5); chunk starts at (1, 4): point 0 is (1, 4),
        // point 1 wraps to (2, 0), point 6 is (2, 0) + 5 = (3 wraps) …
        let mut p = SweepParams::zeroed();
        p.n_axes = 2;
        p.axis_len[..2].copy_from_slice(&[3, 5]);
        p.axis_offset[..2].copy_from_slice(&[0, 3]);
        p.chunk_start[..2].copy_from_slice(&[1, 4]);
        p.source = [0; N_INPUTS];
        p.source[1] = FROM_AXIS;
        p.source[2] = FROM_AXIS | 1;
        let values = [10.0, 11.0, 12.0, 0.0, 1.0, 2.0, 3.0, 4.0];
        let at = |i| {
            let q = load_point(&p, &values, i);
            (q.lambda, q.tau)
        };
        assert_eq!(at(0), (11.0, 4.0));
        assert_eq!(at(1), (12.0, 0.0));
        assert_eq!(at(5), (12.0, 4.0));
        assert_eq!(at(6), (10.0, 0.0)); // flat index 9 + 6 = 15 = 3*5: wraps fully
    }
}
