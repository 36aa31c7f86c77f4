//! What selects a kernel variant: the model (state space) and the float
//! type. Part of the interface, since the host picks a compiled shader and
//! its CPU twin by these two, and metadata.json records both by name
//! (their [`Named`](crate::named::Named) impls are in src/named.rs, since
//! build.rs compiles this file on its own).

/// Which state space the charging stroke is integrated in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ModelKind {
    /// Rate equations for the four populations (gg, S, A, ee).
    #[default]
    Populations,
    /// The full 4×4 density matrix under the Lindblad equation.
    DensityMatrix,
}

impl ModelKind {
    /// Every model, in the order the accepted names are listed.
    pub const ALL: [ModelKind; 2] = [ModelKind::Populations, ModelKind::DensityMatrix];

    /// The name on the command line, in configs and in metadata.json.
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Populations => "populations",
            ModelKind::DensityMatrix => "density-matrix",
        }
    }

    /// The kernel's state dimension: 4 populations, or the 6 real entries
    /// of the density matrix's coupled sector.
    pub fn dimension(self) -> u32 {
        match self {
            ModelKind::Populations => 4,
            ModelKind::DensityMatrix => 6,
        }
    }
}

/// Floating-point type of a kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Precision {
    F32,
    F64,
}

impl Precision {
    /// Both precisions.
    pub const ALL: [Precision; 2] = [Precision::F32, Precision::F64];

    /// "f32" or "f64", as in metadata.json and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Precision::F32 => "f32",
            Precision::F64 => "f64",
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

/// The sizes the battery stroke kernel is specialised for: WGSL arrays
/// have fixed sizes, so a battery of d levels runs in the smallest variant
/// that holds it, looping over its own d (a 3-level maser in the 4-level
/// variant), and small batteries do not pay for 16 × 16 registers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StrokeDim {
    D4,
    D8,
    D16,
}

impl StrokeDim {
    /// Every variant, smallest first.
    pub const ALL: [StrokeDim; 3] = [StrokeDim::D4, StrokeDim::D8, StrokeDim::D16];

    /// The largest d the variant holds.
    pub fn size(self) -> u32 {
        match self {
            StrokeDim::D4 => 4,
            StrokeDim::D8 => 8,
            StrokeDim::D16 => 16,
        }
    }

    /// The smallest variant holding a battery of `levels` levels; None
    /// above the largest.
    pub fn holding(levels: usize) -> Option<StrokeDim> {
        StrokeDim::ALL
            .into_iter()
            .find(|v| levels <= v.size() as usize)
    }
}
