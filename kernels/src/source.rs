//! The WGSL source of each kernel: the prelude build.rs generated into
//! OUT_DIR, then the files of [`files`](crate::files), joined.

pub use super::files::Kernel;
use super::kind::{ModelKind, Precision, StrokeDim};

/// The prelude build.rs wrote for `kernel` in `precision`.
fn generated(kernel: Kernel, precision: Precision) -> &'static str {
    macro_rules! out {
        ($name:literal) => {
            include_str!(concat!(env!("OUT_DIR"), "/", $name))
        };
    }
    use ModelKind::{DensityMatrix, Populations};
    use Precision::{F32, F64};
    use StrokeDim::{D16, D4, D8};
    match (kernel, precision) {
        (Kernel::Sweep(Populations), F32) => out!("prelude-populations-f32.wgsl"),
        (Kernel::Sweep(Populations), F64) => out!("prelude-populations-f64.wgsl"),
        (Kernel::Sweep(DensityMatrix), F32) => out!("prelude-density-matrix-f32.wgsl"),
        (Kernel::Sweep(DensityMatrix), F64) => out!("prelude-density-matrix-f64.wgsl"),
        (Kernel::Reduce, F32) => out!("prelude-reduce-f32.wgsl"),
        (Kernel::Reduce, F64) => out!("prelude-reduce-f64.wgsl"),
        (Kernel::BatteryStroke(D4), F64) => out!("prelude-battery-stroke-d4-f64.wgsl"),
        (Kernel::BatteryStroke(D8), F64) => out!("prelude-battery-stroke-d8-f64.wgsl"),
        (Kernel::BatteryStroke(D16), F64) => out!("prelude-battery-stroke-d16-f64.wgsl"),
        (Kernel::BatteryOss(D4), F64) => out!("prelude-battery-oss-d4-f64.wgsl"),
        (Kernel::BatteryOss(D8), F64) => out!("prelude-battery-oss-d8-f64.wgsl"),
        (Kernel::BatteryOss(D16), F64) => out!("prelude-battery-oss-d16-f64.wgsl"),
        // Not built (Kernel::all, Kernel::precisions): the host never asks
        // for them.
        (Kernel::BatteryStroke(_) | Kernel::BatteryOss(_), F32) => "",
    }
}

/// The source files of one kernel, in order: (name, text).
pub fn parts(kernel: Kernel, precision: Precision) -> Vec<(&'static str, &'static str)> {
    let mut parts = vec![("prelude", generated(kernel, precision))];
    parts.extend(kernel.files());
    parts
}

/// The whole WGSL source of one kernel.
pub fn source(kernel: Kernel, precision: Precision) -> String {
    parts(kernel, precision)
        .into_iter()
        .map(|(_, s)| s)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The whole WGSL source of a model's sweep kernel.
pub fn sweep_source(model: ModelKind, precision: Precision) -> String {
    source(Kernel::Sweep(model), precision)
}

/// The whole WGSL source of the battery stroke kernel of size `dim` (f64).
pub fn stroke_source(dim: StrokeDim) -> String {
    source(Kernel::BatteryStroke(dim), Precision::F64)
}

/// The whole WGSL source of the battery OSS kernel of size `dim` (f64).
pub fn oss_source(dim: StrokeDim) -> String {
    source(Kernel::BatteryOss(dim), Precision::F64)
}

/// The whole WGSL source of the reduction kernels.
pub fn reduce_source(precision: Precision) -> String {
    source(Kernel::Reduce, precision)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn included_preludes_are_the_generated_ones() {
        for kernel in Kernel::ALL {
            for &precision in kernel.precisions() {
                assert_eq!(
                    generated(kernel, precision),
                    crate::prelude::prelude(kernel, precision),
                    "{kernel:?} {precision}"
                );
            }
        }
    }
}
