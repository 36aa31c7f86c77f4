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
