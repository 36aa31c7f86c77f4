//! The WGSL files and the order in which each kernel joins them. WGSL has
//! no includes or generics, so each variant is a generated prelude (the
//! real type, the state dimension and every shared constant, written by
//! `prelude.rs`) followed by the shared modules and the
//! model's own file.
//!
//! Compiled twice, by the crate and by build.rs (which validates every
//! variant with naga), so it imports only its siblings `kind`.

use super::kind::{ModelKind, Precision};

/// A source file: its path in the crate, for errors, and its text.
pub type File = (&'static str, &'static str);

/// The modules every sweep kernel shares, in order.
pub const SHARED: [File; 4] = [
    (
        "shaders/common/params.wgsl",
        include_str!("../shaders/common/params.wgsl"),
    ),
    (
        "shaders/common/linalg.wgsl",
        include_str!("../shaders/common/linalg.wgsl"),
    ),
    (
        "shaders/common/extract.wgsl",
        include_str!("../shaders/common/extract.wgsl"),
    ),
    (
        "shaders/common/trust.wgsl",
        include_str!("../shaders/common/trust.wgsl"),
    ),
];
pub const POPULATION: File = (
    "shaders/population.wgsl",
    include_str!("../shaders/population.wgsl"),
);
pub const DENSITY_MATRIX: File = (
    "shaders/density_matrix.wgsl",
    include_str!("../shaders/density_matrix.wgsl"),
);
pub const OSS: File = ("shaders/oss.wgsl", include_str!("../shaders/oss.wgsl"));
pub const REDUCE: File = (
    "shaders/reduce.wgsl",
    include_str!("../shaders/reduce.wgsl"),
);

/// Which kernel: a sweep kernel of one model, or the reductions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kernel {
    Sweep(ModelKind),
    Reduce,
}

impl Kernel {
    /// Every kernel, for build.rs to generate and validate.
    pub const ALL: [Kernel; 3] = [
        Kernel::Sweep(ModelKind::Populations),
        Kernel::Sweep(ModelKind::DensityMatrix),
        Kernel::Reduce,
    ];

    /// The files after the prelude, in order.
    pub fn files(self) -> std::vec::Vec<File> {
        match self {
            Kernel::Sweep(model) => {
                let own = match model {
                    ModelKind::Populations => POPULATION,
                    ModelKind::DensityMatrix => DENSITY_MATRIX,
                };
                let mut v = SHARED.to_vec();
                v.push(own);
                v.push(OSS);
                v
            }
            Kernel::Reduce => vec![REDUCE],
        }
    }

    /// The generated prelude's file name in OUT_DIR.
    pub fn prelude_file(self, precision: Precision) -> std::string::String {
        let name = match self {
            Kernel::Sweep(model) => model.name(),
            Kernel::Reduce => "reduce",
        };
        format!("prelude-{name}-{}.wgsl", precision.name())
    }
}
