//! Reductions over axes against the same reduction of the full array,
//! computed here independently (a plain loop over the grid in C order):
//! every op, inner/outer/non-adjacent/all axes, constraints that some or
//! all cells fail, chunks that split cells. Same backend, same precision:
//! the results must agree exactly, bit for bit, as must the axis values at
//! the extremum, the counts and the status.

mod common;

use common::backends::{backend_suite, Target};
use common::gpu::gpu_or_skip;
use common::sweeps::{all_rows, grid};
use nessbat::backend::cpu;
use nessbat::backend::gpu::reduce::ReduceKernel;
use nessbat::backend::gpu::{GpuContext, SweepKernel, Timing};
use nessbat::backend::run::Backend;
use nessbat::backend::Progress;
use nessbat::config::reduce::{Op, Reduction};
use nessbat::grid::passes::passes;
use nessbat::grid::Grid;
use nessbat::kernels::Precision;
use nessbat::store::reduced::{Reduced, FLAGGED_INSIDE, FOUND, NONE_PASSES};
use nessbat::store::SweepResults;

const CONFIG: &str = "tests/configs/reduce.toml";

/// The reference: for each cell of the kept axes, every point of the grid
/// in C order that belongs to it, competing when converged, finite and
/// passing the constraint; strictly better replaces, so ties keep the
/// first.
fn reference(g: &Grid, full: &SweepResults, red: &Reduction) -> Reduced {
    let rows = all_rows(full);
    let shape = g.shape();
    let kept: Vec<usize> = (0..shape.len()).filter(|i| !red.over.contains(i)).collect();
    let cells: usize = kept.iter().map(|i| shape[*i]).product();
    let mut value = vec![f64::NAN; cells];
    let mut at = vec![vec![f64::NAN; cells]; red.over.len()];
    let mut count = vec![0u64; cells];
    let mut flagged = vec![0u64; cells];
    let mut status = vec![NONE_PASSES; cells];
    for (flat, row) in rows.iter().enumerate() {
        // Multi-index of `flat`, C order.
        let mut idx = vec![0; shape.len()];
        let mut rem = flat;
        for k in (0..shape.len()).rev() {
            idx[k] = rem % shape[k];
            rem /= shape[k];
        }
        let cell = kept.iter().fold(0, |c, i| c * shape[*i] + idx[*i]);
        // A point that stayed flagged (imprecise, not converged) could
        // have won: the cell says so (status 2) and counts them.
        if matches!(full.status[flat], 1 | 3) {
            flagged[cell] += 1;
        }
        let finite = |q: usize| row[q].is_finite();
        let mut ok = full.status[flat] == 0 && finite(red.quantity.index());
        for c in &red.constraint.0 {
            ok &= finite(c.quantity.index()) && c.holds(row);
        }
        if !ok {
            continue;
        }
        let v = row[red.quantity.index()];
        let better = match red.op {
            Op::Max | Op::Argmax => v > value[cell],
            Op::Min | Op::Argmin => v < value[cell],
        };
        if count[cell] == 0 || better {
            value[cell] = v;
            for (k, i) in red.over.iter().enumerate() {
                at[k][cell] = g.axes[*i].values[idx[*i]];
            }
        }
        count[cell] += 1;
        status[cell] = FOUND;
    }
    for c in 0..cells {
        if flagged[c] > 0 {
            status[c] = FLAGGED_INSIDE;
        }
    }
    Reduced {
        name: red.name.clone(),
        shape: kept.iter().map(|i| shape[*i]).collect(),
        kept: kept.iter().map(|i| g.axes[*i].name.clone()).collect(),
        value,
        at: if red.op.is_arg() {
            red.over
                .iter()
                .zip(at)
                .map(|(i, v)| (g.axes[*i].name.clone(), v))
                .collect()
        } else {
            Vec::new()
        },
        count,
        flagged,
        status,
    }
}

fn same(what: &str, got: &Reduced, want: &Reduced) {
    assert_eq!(got.shape, want.shape, "{what}: shape");
    assert_eq!(got.kept, want.kept, "{what}: kept axes");
    assert_eq!(got.at.len(), want.at.len(), "{what}: arg arrays");
    let cell = |r: &Reduced, c: usize| {
        let mut v = vec![
            r.value[c].to_bits(),
            r.count[c],
            r.flagged[c],
            u64::from(r.status[c]),
        ];
        v.extend(r.at.iter().map(|(_, a)| a[c].to_bits()));
        v
    };
    let bad: Vec<usize> = (0..want.value.len())
        .filter(|c| cell(got, *c) != cell(want, *c))
        .collect();
    if bad.is_empty() {
        return;
    }
    // Both outputs and their difference, for bisection.
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("test-output");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!(
        "reductions-{}.csv",
        what.replace([' ', ',', ':', '/'], "_")
    ));
    let mut csv = String::from("cell,got,want,diff,got_count,want_count,got_status,want_status");
    for (a, _) in &want.at {
        csv += &format!(",got_{a},want_{a}");
    }
    csv += "\n";
    for c in 0..want.value.len() {
        csv += &format!(
            "{c},{:e},{:e},{:e},{},{},{},{}",
            got.value[c],
            want.value[c],
            got.value[c] - want.value[c],
            got.count[c],
            want.count[c],
            got.status[c],
            want.status[c]
        );
        for ((_, g), (_, w)) in got.at.iter().zip(&want.at) {
            csv += &format!(",{:e},{:e}", g[c], w[c]);
        }
        csv += "\n";
    }
    std::fs::write(&file, csv).unwrap();
    panic!(
        "{what}: {} of {} cells differ (first: cell {}); both outputs and their difference in {}",
        bad.len(),
        want.value.len(),
        bad[0],
        file.display()
    );
}

/// Checks every reduction of `g` as computed by `run` (one pass at a time)
/// against the reference on `full`.
fn check_all(
    what: &str,
    g: &Grid,
    full: &SweepResults,
    run: &dyn Fn(&nessbat::grid::passes::Pass) -> Vec<Reduced>,
) {
    let mut seen = 0;
    for pass in passes(g, &g.reductions).unwrap() {
        for (got, r) in run(&pass).iter().zip(&pass.members) {
            let red = &g.reductions[*r];
            same(
                &format!("{what}: {}", red.name),
                got,
                &reference(g, full, red),
            );
            seen += 1;
        }
    }
    assert_eq!(seen, g.reductions.len());
}

#[test]
fn the_test_grid_exercises_what_it_claims() {
    let g = grid(CONFIG);
    let (full, _, _) = nessbat::backend::Backend::Cpu
        .run(&g, &Progress::NONE)
        .unwrap();
    let reds: Vec<Reduced> = g
        .reductions
        .iter()
        .map(|r| reference(&g, &full, r))
        .collect();
    // Some cells of the constrained max pass and some do not; the
    // impossible constraint fails everywhere; the rest pass everywhere.
    let constrained = &reds[1];
    assert!(constrained.none_passes() > 0);
    assert!(constrained.none_passes() < constrained.status.len());
    assert_eq!(reds[5].none_passes(), reds[5].status.len());
    assert!(reds[5].value.iter().all(|v| v.is_nan()));
    assert_eq!(reds[4].shape, Vec::<usize>::new());
    // The argmax over τ is interior somewhere (not always an end).
    let taus = &g.axes[1].values;
    assert!(reds[0].at[0]
        .1
        .iter()
        .any(|t| t != &taus[0] && t != &taus[taus.len() - 1]));
}

/// Every pass's reductions equal the numpy-style reduction of the full
/// arrays of the same backend and precision, as a sweep delivers them
/// (flagged points rescued: f32's in f64, f64's in double-double), with
/// cells straddling chunks: on the CPU chunks of 1, 7 (cells of 11 τ
/// points straddle them) and the whole grid; on the GPU chunks of 64 and
/// the device's default size.
fn reductions_equal_reductions_of_the_full_array(backend: &Backend, target: Target) {
    let g = grid(CONFIG);
    let (full, _, _) = backend.run(&g, &Progress::NONE).unwrap();
    match backend {
        Backend::Cpu => {
            for chunk in [1, 7, 1 << 20] {
                check_all(&format!("cpu, chunks of {chunk}"), &g, &full, &|pass| {
                    let acc = cpu::run_reduce_in_chunks(
                        pass,
                        &g.reductions,
                        0..g.len(),
                        chunk,
                        &Progress::NONE,
                    );
                    pass.finish(&g, &g.reductions, &acc)
                });
            }
        }
        Backend::Gpu { ctx, precision, .. } => {
            let ctx: &GpuContext = ctx;
            let reducer = ReduceKernel::new(ctx, *precision).unwrap();
            for limit in [Some(64), None] {
                let mut k = SweepKernel::new(ctx, g.model, *precision).unwrap();
                k.chunk_limit = limit;
                check_all(
                    &format!("{}, chunk limit {limit:?}", target.label()),
                    &g,
                    &full,
                    &|pass| {
                        let acc = reducer
                            .run(
                                ctx,
                                &k,
                                pass,
                                &g.reductions,
                                0..g.len(),
                                &Progress::NONE,
                                &mut Timing::default(),
                            )
                            .unwrap();
                        pass.finish(&g, &g.reductions, &acc)
                    },
                );
            }
        }
    }
}

backend_suite!(reductions_equal_reductions_of_the_full_array: cpu, gpu_f64, gpu_f32);

/// A reduction-only grid of 262,144 points, which the GPU folds in many
/// chunks of growing size (a 16,384-point first chunk, then by rate): its
/// arg-axes and counts equal the CPU backend's exactly, its values to
/// rounding.
#[test]
fn gpu_reductions_over_many_chunks_equal_the_cpu_backend() {
    let Some(ctx) = gpu_or_skip("gpu_reductions_over_many_chunks_equal_the_cpu_backend") else {
        return;
    };
    if !ctx.f64 {
        eprintln!("SKIP: adapter has no SHADER_F64");
        return;
    }
    let g = grid("docs/configs/best_t_a.toml");
    assert!(g.len() > 10 * (1 << 14));
    let gpu = nessbat::backend::Backend::Gpu {
        ctx: Box::new(ctx),
        precision: Precision::F64,
        kernels: Default::default(),
        reducer: Default::default(),
    };
    let (on_gpu, _, _) = gpu.run_reductions(&g, &Progress::NONE).unwrap();
    let (on_cpu, _, _) = nessbat::backend::Backend::Cpu
        .run_reductions(&g, &Progress::NONE)
        .unwrap();
    for (a, b) in on_gpu.iter().zip(&on_cpu) {
        assert_eq!(a.count, b.count, "{}", a.name);
        assert_eq!(a.status, b.status, "{}", a.name);
        for ((_, x), (_, y)) in a.at.iter().zip(&b.at) {
            assert!(
                x.iter()
                    .zip(y)
                    .all(|(x, y)| x == y || (x.is_nan() && y.is_nan())),
                "{}",
                a.name
            );
        }
        for (x, y) in a.value.iter().zip(&b.value) {
            assert!(
                (x - y).abs() <= 1e-12 * y.abs() || (x.is_nan() && y.is_nan()),
                "{}: {x} vs {y}",
                a.name
            );
        }
    }
}

/// A cell where points stayed flagged is not "found": the extremum is over
/// the resolved points only and a flagged point could have won (status 2,
/// with the count of such points), also where no resolved point passed.
#[test]
fn cells_with_flagged_points_say_so() {
    use nessbat::store::reduced::Accumulators;
    let g = grid(CONFIG);
    let pass = passes(&g, &g.reductions).unwrap().remove(0);
    let nm = pass.members.len();
    let n = pass.cells as usize * nm;
    // Every cell found with one competing point, then status words with
    // two flagged points in cell 0 (imprecise, not converged), an invalid
    // point in cell 1 (not flagged) and a flagged point in cell 2.
    let mut acc = Accumulators::empty(n);
    for c in 0..pass.cells as usize {
        for m in 0..nm {
            acc.count[c * nm + m] = u64::from(c != 2);
            acc.index[c * nm + m] = c as u64 * pass.cell_len;
        }
    }
    let len = pass.cell_len as usize;
    let mut words = vec![0u32; 3 * len];
    words[0] = 3 | 0x400;
    words[len - 1] = 1;
    words[len] = 2;
    words[2 * len + 1] = 3;
    acc.count_flagged(&words, 0, pass.cell_len, nm);
    let reduced = pass.finish(&g, &g.reductions, &acc);
    for r in &reduced {
        assert_eq!(r.flagged[..3], [2, 0, 1], "{}", r.name);
        assert_eq!(
            r.status[..3],
            [FLAGGED_INSIDE, FOUND, FLAGGED_INSIDE],
            "{}",
            r.name
        );
        assert!(r.value[0].is_finite() && r.value[2].is_nan(), "{}", r.name);
        assert!(r.flagged[3..].iter().all(|f| *f == 0));
    }
}

/// metadata.json counts the points a reduction pass rescued in
/// double-double before its fold, as it does for the full arrays: a
/// coherent map (kms, detuning, dephasing) whose every point f64 flags
/// (its ergotropy ~1e-8 of the heats) rescues each point once per pass.
#[test]
fn rescues_in_reduction_passes_are_counted() {
    let config = "model = \"density-matrix\"\nrates = \"kms\"\n[fixed]\nlambda = 0.85\ndetuning = 0.3\ndephasing = 1e-4\ngamma = 1e-3\ntau = 10.0\n\
                  [[axes]]\nname = \"t_a\"\nrange = [0.1, 5.0]\npoints = 4\n[[axes]]\nname = \"t_s\"\nrange = [0.1, 5.0]\npoints = 3\n";
    let meta = |out: &std::path::Path| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(out.join("metadata.json")).unwrap()).unwrap()
    };
    let cpu = ["--backend", "cpu", "--quiet"];
    let (o, full) = common::files::sweep_config("reductions", "rescued-full", config, &cpu);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rescued = meta(&full)["rescued_in_double_double"].as_u64().unwrap();
    assert!(rescued > 0, "the map is expected to need rescues");
    let reduced = format!(
        "{config}[[reduce]]\nname = \"best\"\nop = \"argmax\"\nquantity = \"power\"\nover = [\"t_s\"]\n"
    );
    let (o, out) = common::files::sweep_config("reductions", "rescued-pass", &reduced, &cpu);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(meta(&out)["rescued_in_double_double"], rescued);
}
