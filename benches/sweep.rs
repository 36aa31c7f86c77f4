//! Criterion benches: points per second of the OSS sweep (all figures) for
//! both models, every backend and precision (the CPU at each SIMD width it
//! has), at 10^3 to 10^6 points, so
//! that both the cost per point and the fixed costs (device start, shader
//! compilation, upload, read-back) show. GPU rows need an adapter; without
//! one they are skipped with a message.
//!
//! `cargo bench --bench sweep` (NESSBAT_BENCH_MAX=1000000 to go to 10^6;
//! the default stops at 10^5 to keep a run short).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use nessbat::backend::cpu::{self, CpuLanes};
use nessbat::backend::gpu::{GpuContext, SweepKernel, Timing};
use nessbat::backend::Progress;
use nessbat::config::SweepConfig;
use nessbat::grid::Grid;
use nessbat::kernels::Precision;

fn grid(points: u64, model: &str) -> Grid {
    let side = (points as f64).sqrt().round() as u64;
    let text = format!(
        "model = \"{model}\"\n[fixed]\nlambda = 0.01\ngamma = 1e-3\nt_s = 0.1\n\
         [[axes]]\nname = \"t_a\"\nrange = [0.2, 5.0]\npoints = {side}\nspacing = \"log\"\n\
         [[axes]]\nname = \"tau\"\nrange = [0.01, 1e4]\npoints = {}\nspacing = \"log\"\n",
        points.div_ceil(side)
    );
    Grid::new(SweepConfig::parse(&text, "bench").unwrap()).unwrap()
}

fn sizes(model: &str) -> Vec<u64> {
    let max: u64 = std::env::var("NESSBAT_BENCH_MAX")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let cap = if model == "density-matrix" {
        max / 10
    } else {
        max
    };
    [1_000u64, 10_000, 100_000, 1_000_000]
        .into_iter()
        .filter(|n| *n <= cap.max(1_000))
        .collect()
}

fn bench(c: &mut Criterion) {
    let gpu = GpuContext::acquire()
        .map_err(|e| eprintln!("GPU benches skipped: {e}"))
        .ok();
    for model in ["populations", "density-matrix"] {
        let mut group = c.benchmark_group(format!("oss-sweep/{model}"));
        group.sample_size(10);
        for n in sizes(model) {
            let g = grid(n, model);
            group.throughput(Throughput::Elements(g.len()));
            // Every SIMD width this CPU has (the backend runs the widest).
            for lanes in CpuLanes::available() {
                let name = format!("cpu-f64x{}", lanes.lanes());
                group.bench_with_input(BenchmarkId::new(name, n), &g, |b, g| {
                    b.iter(|| cpu::run_range_on(g, lanes, 0..g.len(), &Progress::NONE))
                });
            }
            if let Some(ctx) = &gpu {
                for precision in [Precision::F64, Precision::F32] {
                    if precision == Precision::F64 && !ctx.f64 {
                        continue;
                    }
                    let name = if precision == Precision::F64 {
                        "gpu-f64"
                    } else {
                        "gpu-f32"
                    };
                    // Kernel built once (as a sweep does); each iteration
                    // pays upload, dispatch and read-back.
                    let kernel = SweepKernel::new(ctx, g.model, precision).unwrap();
                    group.bench_with_input(BenchmarkId::new(name, n), &g, |b, g| {
                        b.iter(|| {
                            kernel
                                .run(ctx, g, &Progress::NONE, &mut Timing::default())
                                .unwrap()
                        })
                    });
                }
            }
        }
        group.finish();
    }
    if let Some(ctx) = &gpu {
        // The fixed cost a one-off sweep pays: shader compilation.
        let mut group = c.benchmark_group("kernel-compile");
        group.sample_size(10);
        group.bench_function("populations-f32", |b| {
            b.iter(|| {
                SweepKernel::new(ctx, nessbat::model::ModelKind::Populations, Precision::F32)
                    .unwrap()
            })
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
