//! Assembles the WGSL source of one sweep kernel from the files in
//! `shaders/`. Shared by the crate and by `build.rs`, which validates every
//! variant with naga so that a broken shader fails `cargo build`.
//!
//! WGSL has no includes or generics, so each variant is a prelude that fixes
//! the real type and the state dimension, followed by the shared modules
//! and the model's own file.

// `super::layout` is src/twin/layout.rs in both places that compile this
// file: the crate (src/backend/gpu/mod.rs re-exports it) and build.rs (which
// declares it beside this module).
use super::{calibration, layout};

/// Floating-point type of a kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Precision {
    F32,
    F64,
}

impl Precision {
    /// "f32" or "f64", as in metadata.json and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Precision::F32 => "f32",
            Precision::F64 => "f64",
        }
    }

    /// The precision of a name; `None` for anything else.
    pub fn parse(name: &str) -> Option<Precision> {
        match name {
            "f32" => Some(Precision::F32),
            "f64" => Some(Precision::F64),
            _ => None,
        }
    }

    /// Bytes per float.
    pub fn bytes(self) -> u64 {
        match self {
            Precision::F32 => 4,
            Precision::F64 => 8,
        }
    }
}

impl std::fmt::Display for Precision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Which model a kernel integrates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KernelModel {
    Populations,
    DensityMatrix,
}

pub const SHARED: [(&str, &str); 4] = [
    (
        "shaders/common/params.wgsl",
        include_str!("../../../shaders/common/params.wgsl"),
    ),
    (
        "shaders/common/linalg.wgsl",
        include_str!("../../../shaders/common/linalg.wgsl"),
    ),
    (
        "shaders/common/extract.wgsl",
        include_str!("../../../shaders/common/extract.wgsl"),
    ),
    (
        "shaders/common/trust.wgsl",
        include_str!("../../../shaders/common/trust.wgsl"),
    ),
];
pub const POPULATION: (&str, &str) = (
    "shaders/population.wgsl",
    include_str!("../../../shaders/population.wgsl"),
);
pub const DENSITY_MATRIX: (&str, &str) = (
    "shaders/density_matrix.wgsl",
    include_str!("../../../shaders/density_matrix.wgsl"),
);
pub const OSS: (&str, &str) = (
    "shaders/oss.wgsl",
    include_str!("../../../shaders/oss.wgsl"),
);
pub const REDUCE: (&str, &str) = (
    "shaders/reduce.wgsl",
    include_str!("../../../shaders/reduce.wgsl"),
);

/// The prelude: real type, dimension and the precision-dependent constants.
///
/// Newton: f64 accepts a residual of 1e-13 outright; f32 never does on
/// size alone (its rounding floor, ~1e-7, exceeds the O(Γτ) inversions that
/// carry the ergotropy at short τ) and stops when the quadratic descent
/// stalls (below NEWTON_STALL) or the unitary stops changing.
///
/// Taylor degree: with ‖A‖ ≤ 1/2 the first omitted term of Σ A^k/(k+1)! is
/// below 2^-(K+1)/(K+2)!: 1.4e-15 for K = 12 (f64), 1.1e-8 for K = 7 (f32).
pub fn prelude(model: KernelModel, precision: Precision) -> String {
    let n = match model {
        KernelModel::Populations => 4,
        KernelModel::DensityMatrix => 6,
    };
    // The exp constants of `bose_factor` (src/twin/linalg.rs has the f64
    // ones): in f32 k < 2^8, so LN2_HI keeps 15 bits.
    // CHECK_SOLVE: f32's refinement cannot resolve the O(τΣΓ) structure of
    // the OSS below τΣΓ ~ 1e-6 (a double-double property test found f32
    // points off by 1000× at status 0), so f32 kernels flag points whose
    // refined residual is not small against the stroke's change; in f64 the
    // refinement converges over the whole tested range (tests/property.rs)
    // and the residual's own rounding would only flag good points.
    let check_solve = precision == Precision::F32;
    let (exp_max, ln2_hi, ln2_lo, expm1_degree) = match precision {
        Precision::F64 => (
            "709.0",
            "6.93147180369123816490e-1",
            "1.90821492927058770002e-10",
            13,
        ),
        Precision::F32 => ("88.0", "6.93145751953125e-1", "1.428606765330187e-6", 7),
    };
    // TOLERANCE: what status 0 guarantees (TOLERANCE_F64/F32 in
    // src/model/trust.rs).
    let (real, eps, degree, newton, stall, iteration, tolerance) = match precision {
        Precision::F64 => (
            "f64",
            "2.220446049250313e-16",
            12,
            "1e-13",
            "1e-8",
            "1e-11",
            calibration::TOLERANCE_F64,
        ),
        Precision::F32 => (
            "f32",
            "1.1920929e-7",
            7,
            "0.0",
            "1e-3",
            "1e-5",
            calibration::TOLERANCE_F32,
        ),
    };
    format!(
        "// Generated prelude (src/backend/gpu/shader_source.rs).\n\
         alias real = {real};\n\
         const N: u32 = {n}u;\n\
         const EPS: real = {eps};\n\
         const TAYLOR_DEGREE: u32 = {degree}u;\n\
         const NEWTON_TOLERANCE: real = {newton};\n\
         const NEWTON_STALL: real = {stall};\n\
         const ITERATION_TOLERANCE: real = {iteration};\n\
         const REFINEMENT_STEPS: u32 = 2u;\n\
         const TOLERANCE: real = {tolerance:?};\n\
         const EXP_MAX: real = {exp_max};\n\
         const LOG2E: real = 1.4426950408889634;\n\
         const LN2_HI: real = {ln2_hi};\n\
         const LN2_LO: real = {ln2_lo};\n\
         const EXPM1_DEGREE: u32 = {expm1_degree}u;\n\
         const CHECK_SOLVE: bool = {check_solve};\n\
         const COARSE: bool = {coarse};\n{}{}{}",
        calibration::wgsl_constants(),
        layout::wgsl_constants(),
        layout::wgsl_bindings(&layout::SWEEP_BINDINGS),
        // Coarser than f64: "nothing runs" by snapping is recomputed in f64
        // (src/model/trust.rs `settle`).
        coarse = precision == Precision::F32,
    )
}

/// The source files of one kernel, in order: (name, text).
pub fn parts(model: KernelModel, precision: Precision) -> Vec<(String, String)> {
    let mut parts = vec![("prelude".to_string(), prelude(model, precision))];
    parts.extend(SHARED.iter().map(|(n, s)| (n.to_string(), s.to_string())));
    let own = match model {
        KernelModel::Populations => POPULATION,
        KernelModel::DensityMatrix => DENSITY_MATRIX,
    };
    parts.push((own.0.to_string(), own.1.to_string()));
    parts.push((OSS.0.to_string(), OSS.1.to_string()));
    parts
}

/// The whole WGSL source of one kernel.
pub fn source(model: KernelModel, precision: Precision) -> String {
    parts(model, precision)
        .into_iter()
        .map(|(_, s)| s)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The source files of the reduction kernels (shaders/reduce.wgsl): they
/// only need the real type.
pub fn reduce_parts(precision: Precision) -> Vec<(String, String)> {
    let real = match precision {
        Precision::F64 => "f64",
        Precision::F32 => "f32",
    };
    vec![
        (
            "prelude".to_string(),
            format!(
                "// Generated prelude (src/backend/gpu/shader_source.rs).\nalias real = {real};\n{}{}",
                layout::wgsl_constants(),
                layout::wgsl_bindings(&layout::REDUCE_BINDINGS)
            ),
        ),
        (REDUCE.0.to_string(), REDUCE.1.to_string()),
    ]
}

/// The whole WGSL source of the reduction kernels.
pub fn reduce_source(precision: Precision) -> String {
    reduce_parts(precision)
        .into_iter()
        .map(|(_, s)| s)
        .collect::<Vec<_>>()
        .join("\n")
}
