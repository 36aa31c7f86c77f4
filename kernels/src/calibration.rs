//! The trust contract's calibrated constants, one source for the CPU
//! (src/trust.rs re-exports them) and the shaders (the generated
//! prelude of src/prelude.rs, which build.rs writes and validates),
//! so that the two can never drift apart.
//!
//! This file is compiled twice (by the crate and by build.rs), so it has no
//! imports.

/// How many roundings a figure's noise is allowed: calibrated against the
/// double-double reference of tests/property.rs, with room to spare.
pub const NOISE_FACTOR: f64 = 256.0;
/// The work's noise factor in a precision coarser than f64 (f32 kernels),
/// calibrated on GPU f32 against f64 over a 233,280-point grid across the
/// accepted ranges (T 0.01…100, λ 1e-7…0.9, τ 1e-3…1e6, Γ 1e-6…0.5): where
/// the work's estimate decides, the worst point needed 0.52, so 2 leaves a
/// factor of 4. The cases f64's factor also covers (short strokes, tiny
/// splittings) have their own term, `coarse_floor`; the propagator's
/// squarings theirs in `work_noise`. The NESS's ergotropy uses it too.
pub const NOISE_FACTOR_COARSE: f64 = 2.0;
/// The same for the density-matrix model, whose coherences the work's
/// noise formula does not follow: over a 110,592-point grid (with
/// detuning, dephasing and both rate models) the worst status-0 point is
/// at 0.13 of its estimate with 16.
pub const NOISE_FACTOR_COARSE_COHERENT: f64 = 16.0;
/// `coarse_floor`'s factors: the solve's conditioning ε/ΣΓτ, and the
/// splitting's resolution ε(ω0 + T)/r.
pub const COARSE_CONDITIONING: f64 = 256.0;
pub const COARSE_SPLITTING: f64 = 4.0;
/// The same for a heat: a heat is one dot product of the stroke integral
/// with a rate functional, far fewer roundings than the ergotropy's solve.
pub const HEAT_NOISE_FACTOR: f64 = 16.0;
/// The heat's factor coarser than f64, calibrated as NOISE_FACTOR_COARSE
/// (no status-0 heat beyond its estimate with 3; wrong ones appear at 1.5).
pub const HEAT_NOISE_FACTOR_COARSE: f64 = 3.0;
/// Relative tolerance that status "ok" guarantees in f64.
pub const TOLERANCE_F64: f64 = 1e-6;
/// Relative tolerance that status "ok" guarantees in f32.
pub const TOLERANCE_F32: f64 = 1e-3;

/// The constants above as WGSL `const` declarations (every one but the
/// tolerances, which the prelude picks by precision).
pub fn wgsl_constants() -> String {
    [
        ("NOISE_FACTOR", NOISE_FACTOR),
        ("NOISE_FACTOR_COARSE", NOISE_FACTOR_COARSE),
        ("NOISE_FACTOR_COARSE_COHERENT", NOISE_FACTOR_COARSE_COHERENT),
        ("HEAT_NOISE_FACTOR", HEAT_NOISE_FACTOR),
        ("HEAT_NOISE_FACTOR_COARSE", HEAT_NOISE_FACTOR_COARSE),
        ("COARSE_CONDITIONING", COARSE_CONDITIONING),
        ("COARSE_SPLITTING", COARSE_SPLITTING),
    ]
    .iter()
    .map(|(name, v)| format!("const {name}: real = {v:?};\n"))
    .collect()
}
