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
use super::{calibration, layout, numerics};

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
    let numerics = match precision {
        Precision::F64 => numerics::F64,
        Precision::F32 => numerics::F32,
    };
    format!(
        "// Generated prelude (src/backend/gpu/shader_source.rs).\n{}const N: u32 = {n}u;\n{}{}{}",
        numerics.wgsl(),
        calibration::wgsl_constants(),
        layout::wgsl_constants(),
        layout::wgsl_bindings(&layout::SWEEP_BINDINGS),
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
