//! The generated WGSL prelude of each kernel: the real type, the state
//! dimension and every constant the kernels share with the host, written
//! from the Rust lists in [`layout`],
//! [`calibration`] and [`numerics`].
//! build.rs writes one file per kernel and precision into OUT_DIR, and
//! `source.rs` includes them, so no constant is kept in
//! step by hand.
//!
//! Compiled twice, by the crate (a test checks the included text against
//! this generator) and by build.rs.

use super::files::Kernel;
use super::kind::Precision;
use super::{calibration, layout, numerics};

/// The prelude of `kernel` in `precision`.
pub fn prelude(kernel: Kernel, precision: Precision) -> String {
    let numerics = match precision {
        Precision::F64 => numerics::F64,
        Precision::F32 => numerics::F32,
    };
    match kernel {
        Kernel::Sweep(model) => format!(
            "// Generated prelude (kernels/src/prelude.rs).\n{}const N: u32 = {}u;\n{}{}{}",
            numerics.wgsl(),
            model.dimension(),
            calibration::wgsl_constants(),
            layout::wgsl_constants(),
            layout::wgsl_bindings(&layout::SWEEP_BINDINGS),
        ),
        // The battery kernels need their size, the workgroup and their
        // constants.
        Kernel::BatteryStroke(dim) | Kernel::BatteryOss(dim) => {
            let (constants, bindings) = match kernel {
                Kernel::BatteryOss(_) => (layout::wgsl_oss_constants(), &layout::OSS_BINDINGS),
                _ => (layout::wgsl_stroke_constants(), &layout::STROKE_BINDINGS),
            };
            format!(
                "// Generated prelude (kernels/src/prelude.rs).\nalias real = {};\nconst D: u32 = {}u;\nconst DD: u32 = {}u;\nconst WORKGROUP: u32 = {}u;\n{}{}",
                numerics.real,
                dim.size(),
                dim.size() * dim.size(),
                layout::WORKGROUP,
                constants,
                layout::wgsl_bindings(bindings)
            )
        }
        // The reductions only need the real type.
        Kernel::Reduce => format!(
            "// Generated prelude (kernels/src/prelude.rs).\nalias real = {};\n{}{}",
            numerics.real,
            layout::wgsl_constants(),
            layout::wgsl_bindings(&layout::REDUCE_BINDINGS)
        ),
    }
}
