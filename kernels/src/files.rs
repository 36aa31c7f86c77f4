//! The WGSL files and the order in which each kernel joins them. WGSL has
//! no includes or generics, so each variant is a generated prelude (the
//! real type, the state dimension and every shared constant, written by
//! `prelude.rs`) followed by the shared modules and the
//! model's own file.
//!
//! Compiled twice, by the crate and by build.rs (which validates every
//! variant with naga), so it imports only its siblings `kind`.

use super::kind::{ModelKind, Precision, StrokeDim};

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
pub const BATTERY_STROKE: File = (
    "shaders/battery_stroke.wgsl",
    include_str!("../shaders/battery_stroke.wgsl"),
);
pub const BATTERY_OSS: File = (
    "shaders/battery_oss.wgsl",
    include_str!("../shaders/battery_oss.wgsl"),
);
pub const BATTERY_OSS_WIDE: File = (
    "shaders/battery_oss_wide.wgsl",
    include_str!("../shaders/battery_oss_wide.wgsl"),
);
pub const REDUCE: File = (
    "shaders/reduce.wgsl",
    include_str!("../shaders/reduce.wgsl"),
);

/// Which kernel: a sweep kernel of one model, the reductions, or the
/// stroke of a user-defined battery in one of its sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kernel {
    Sweep(ModelKind),
    Reduce,
    BatteryStroke(StrokeDim),
    /// The NESS and OSS of a battery: a point per invocation (`main`)
    /// or per workgroup (`main_wide`, the 16-level variant's).
    BatteryOss(StrokeDim),
}

impl Kernel {
    /// Every kernel, for build.rs to generate and validate.
    pub const ALL: [Kernel; 9] = [
        Kernel::Sweep(ModelKind::Populations),
        Kernel::Sweep(ModelKind::DensityMatrix),
        Kernel::Reduce,
        Kernel::BatteryStroke(StrokeDim::D4),
        Kernel::BatteryStroke(StrokeDim::D8),
        Kernel::BatteryStroke(StrokeDim::D16),
        Kernel::BatteryOss(StrokeDim::D4),
        Kernel::BatteryOss(StrokeDim::D8),
        Kernel::BatteryOss(StrokeDim::D16),
    ];

    /// The precisions the kernel is built in: the battery stroke in f64
    /// only (its figures are finished by the f64 CPU path, and f32 could
    /// not give them 1e-9 of it).
    pub fn precisions(self) -> &'static [Precision] {
        match self {
            Kernel::BatteryStroke(_) | Kernel::BatteryOss(_) => &[Precision::F64],
            _ => &Precision::ALL,
        }
    }

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
            Kernel::BatteryStroke(_) => vec![BATTERY_STROKE],
            Kernel::BatteryOss(_) => vec![BATTERY_OSS, BATTERY_OSS_WIDE],
        }
    }

    /// The generated prelude's file name in OUT_DIR.
    pub fn prelude_file(self, precision: Precision) -> std::string::String {
        let name = match self {
            Kernel::Sweep(model) => model.name().to_string(),
            Kernel::Reduce => "reduce".to_string(),
            Kernel::BatteryStroke(dim) => format!("battery-stroke-d{}", dim.size()),
            Kernel::BatteryOss(dim) => format!("battery-oss-d{}", dim.size()),
        };
        format!("prelude-{name}-{}.wgsl", precision.name())
    }
}
