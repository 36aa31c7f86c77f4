//! What selects a kernel variant: the model (state space) and the float
//! type. Part of the interface, since the host picks a compiled shader and
//! its CPU twin by these two, and metadata.json records both by name.

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
    /// Every model, in the order of the `model` choices.
    pub const ALL: [ModelKind; 2] = [ModelKind::Populations, ModelKind::DensityMatrix];

    /// The name used on the command line and in configs.
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Populations => "populations",
            ModelKind::DensityMatrix => "density-matrix",
        }
    }

    /// Parses a name; `None` for anything else.
    pub fn parse(s: &str) -> Option<ModelKind> {
        Self::ALL.into_iter().find(|m| m.name() == s)
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

impl std::fmt::Display for ModelKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
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

    /// The precision of a name; `None` for anything else.
    pub fn parse(name: &str) -> Option<Precision> {
        Self::ALL.into_iter().find(|p| p.name() == name)
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
