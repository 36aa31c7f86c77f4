//! One suite, run once per backend and precision (as burn's
//! `testgen_all!`): a suite is a function of the backend and a label, and
//! [`backend_suite!`] makes one `#[test]` per target it names, each of
//! which declares what it needs of the machine (as wgpu's test harness
//! does) and says so visibly where it is skipped.

use std::io::Write;

use nessbat::backend::run::Backend;
use nessbat::kernels::Precision;

/// Where a suite runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The CPU backend (the f64 twins): always there.
    Cpu,
    /// The GPU's f64 kernels: an adapter with SHADER_F64.
    GpuF64,
    /// The GPU's f32 kernels: an adapter; what they flag is recomputed by
    /// the f64 kernels where the adapter has SHADER_F64.
    GpuF32,
}

impl Target {
    /// The float type of the kernels.
    pub fn precision(self) -> Precision {
        match self {
            Target::GpuF32 => Precision::F32,
            Target::Cpu | Target::GpuF64 => Precision::F64,
        }
    }

    /// A short label for messages: "cpu", "gpu f64", "gpu f32".
    pub fn label(self) -> &'static str {
        match self {
            Target::Cpu => "cpu",
            Target::GpuF64 => "gpu f64",
            Target::GpuF32 => "gpu f32",
        }
    }

    /// The backend, or None after printing why `test` is skipped: no
    /// adapter (under NESSBAT_REQUIRE_GPU=1, as in .ci/run with lavapipe,
    /// the test fails instead), or no SHADER_F64 for the f64 kernels.
    pub fn backend(self, test: &str) -> Option<Backend> {
        if self == Target::Cpu {
            return Some(Backend::Cpu);
        }
        let ctx = super::gpu::gpu_or_skip(test)?;
        if self == Target::GpuF64 && !ctx.f64 {
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED {test}: adapter '{}' has no SHADER_F64",
                ctx.info.name
            );
            return None;
        }
        Some(Backend::Gpu {
            ctx: Box::new(ctx),
            precision: self.precision(),
            kernels: Default::default(),
            reducer: Default::default(),
        })
    }

    /// Runs `suite` on this target, or skips it visibly.
    pub fn run(self, test: &str, suite: impl FnOnce(&Backend, Target)) {
        if let Some(backend) = self.backend(test) {
            suite(&backend, self);
        }
    }
}

/// `backend_suite!(suite: cpu, gpu_f64, gpu_f32)`: a module `suite` with
/// one `#[test]` per target named, each running `fn suite(&Backend,
/// Target)` on its backend (`cargo test suite::gpu_f32` runs one).
#[allow(unused_macros)]
macro_rules! backend_suite {
    ($suite:ident: $($target:ident),+ $(,)?) => {
        mod $suite {
            $(
                #[test]
                fn $target() {
                    let target = match stringify!($target) {
                        "cpu" => $crate::common::backends::Target::Cpu,
                        "gpu_f64" => $crate::common::backends::Target::GpuF64,
                        "gpu_f32" => $crate::common::backends::Target::GpuF32,
                        other => panic!("no target {other}: cpu, gpu_f64 or gpu_f32"),
                    };
                    let test = concat!(stringify!($suite), "::", stringify!($target));
                    target.run(test, super::$suite);
                }
            )+
        }
    };
}
#[allow(unused_imports)]
pub(crate) use backend_suite;
