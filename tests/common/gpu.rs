//! Getting a GPU for a test, or skipping it visibly.

use std::io::Write;

use nessbat::backend::gpu::GpuContext;

/// The GPU, or None after printing why the test is skipped. Under
/// NESSBAT_REQUIRE_GPU=1 (as in .ci/run, with lavapipe) a missing adapter
/// fails the test instead.
pub fn gpu_or_skip(test: &str) -> Option<GpuContext> {
    match GpuContext::acquire() {
        Ok(ctx) => Some(ctx),
        Err(e) => {
            if std::env::var("NESSBAT_REQUIRE_GPU").is_ok_and(|v| v == "1") {
                panic!("{test}: NESSBAT_REQUIRE_GPU=1 but {e}");
            }
            // Written to the process's stderr directly, which libtest does
            // not capture, so the skip shows in every test run.
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED {test}: {e} (set NESSBAT_REQUIRE_GPU=1 to fail instead)"
            );
            None
        }
    }
}
