//! Every SIMD width of the CPU backend (f64x4 with AVX2, f64x8 with
//! AVX-512) gives the scalar twin's outputs bit for bit on every test grid:
//! in grid order, where a vector holds neighbouring points, and shuffled,
//! where every vector mixes points whose Newton steps, iterations,
//! squarings, pivots and validity differ. A width this CPU lacks is named
//! and skipped; on a CPU without AVX2 the test says so.
//!
//! On a difference it writes both outputs and the differing points to the
//! tests' scratch folder (target/tmp/cpu_dispatch/).

mod common;

use common::files::scratch;
use common::sweeps::{grid, GRIDS};
use nessbat::backend::cpu::{run_points, CpuLanes};
use nessbat::grid::Grid;
use nessbat::kernels::density_matrix::DensityMatrix;
use nessbat::kernels::population::Population;
use nessbat::kernels::PointOutput;
use nessbat::model::ModelKind;

fn run(g: &Grid, lanes: CpuLanes, order: &[u32]) -> Vec<PointOutput> {
    let n = order.len() as u32;
    let params = g.chunk_params(0, g.len() as u32);
    let mut out = Vec::new();
    let at = |k: u32| order[k as usize];
    match g.model {
        ModelKind::Populations => {
            run_points::<Population, 4, _>(lanes, &params, &g.values, n, at, &mut out)
        }
        ModelKind::DensityMatrix => {
            run_points::<DensityMatrix, 6, _>(lanes, &params, &g.values, n, at, &mut out)
        }
    }
    out
}

fn row(p: &PointOutput) -> String {
    let bits: Vec<String> = p.real.iter().map(|v| format!("{v:e}")).collect();
    format!(
        "{} cycles {} status {:#x}",
        bits.join(" "),
        p.cycles,
        p.status
    )
}

fn same_bits(a: &PointOutput, b: &PointOutput) -> bool {
    a.cycles == b.cycles
        && a.status == b.status
        && a.real
            .iter()
            .zip(&b.real)
            .all(|(x, y)| x.to_bits() == y.to_bits())
}

/// Checks `lanes` against the scalar twin on `order`; writes both and the
/// differing points on failure.
fn check(path: &str, g: &Grid, lanes: CpuLanes, order: &[u32], label: &str) {
    let scalar = run(g, CpuLanes::Scalar, order);
    let wide = run(g, lanes, order);
    assert_eq!(wide.len(), order.len());
    let differ: Vec<usize> = (0..order.len())
        .filter(|&k| !same_bits(&scalar[k], &wide[k]))
        .collect();
    if differ.is_empty() {
        return;
    }
    let name = format!(
        "{}_{label}_{}",
        path.rsplit('/')
            .next()
            .unwrap_or(path)
            .trim_end_matches(".toml"),
        lanes.lanes()
    );
    let dir = scratch("cpu_dispatch", &name);
    let dump = |o: &[PointOutput]| {
        o.iter()
            .zip(order)
            .map(|(p, i)| format!("{i} {}\n", row(p)))
            .collect::<String>()
    };
    std::fs::write(dir.join("scalar.txt"), dump(&scalar)).unwrap();
    std::fs::write(dir.join("lanes.txt"), dump(&wide)).unwrap();
    let diff: String = differ
        .iter()
        .map(|&k| {
            format!(
                "point {}\n  scalar {}\n  lanes  {}\n",
                order[k],
                row(&scalar[k]),
                row(&wide[k])
            )
        })
        .collect();
    std::fs::write(dir.join("differ.txt"), &diff).unwrap();
    panic!(
        "{path} ({label}): {} of {} points differ on {}; first:\n{}see {}",
        differ.len(),
        order.len(),
        lanes.name(),
        diff.lines().take(3).collect::<Vec<_>>().join("\n"),
        dir.display()
    );
}

#[test]
fn every_width_is_the_scalar_twin_bit_for_bit() {
    let widths: Vec<CpuLanes> = CpuLanes::available()
        .into_iter()
        .filter(|l| *l != CpuLanes::Scalar)
        .collect();
    for missing in [CpuLanes::Avx2, CpuLanes::Avx512] {
        if !missing.supported() {
            eprintln!("note: this CPU lacks {}; not tested here", missing.name());
        }
    }
    for path in GRIDS {
        let g = grid(path);
        let n = g.len() as u32;
        let in_order: Vec<u32> = (0..n).collect();
        // A stride coprime to n visits every point once, and puts points
        // from all over the grid side by side in each vector.
        let stride = (1..n)
            .rev()
            .find(|s| gcd(*s, n) == 1 && *s < n / 3 + 2)
            .unwrap_or(1);
        let shuffled: Vec<u32> = (0..n).map(|k| (k * stride) % n).collect();
        for &lanes in &widths {
            check(path, &g, lanes, &in_order, "grid-order");
            check(path, &g, lanes, &shuffled, "shuffled");
            // A ragged tail: fewer points than lanes in the last vector.
            let ragged = &in_order[..(n as usize).min(2 * lanes.lanes() + 3)];
            check(path, &g, lanes, ragged, "ragged");
        }
    }
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// The backend's default is the widest width, and the whole-grid runner
/// (outputs written in place, block by block) equals the scalar twin.
#[test]
fn the_runner_writes_what_the_twin_computes() {
    use nessbat::backend::cpu;
    use nessbat::backend::Progress;
    use nessbat::store::results::{store, FloatsFlat, SweepResults};
    assert_eq!(Some(&CpuLanes::best()), CpuLanes::available().last());
    for path in GRIDS {
        let g = grid(path);
        let res = cpu::run(&g, &Progress::NONE);
        let order: Vec<u32> = (0..g.len() as u32).collect();
        let scalar = run(&g, CpuLanes::Scalar, &order);
        // What the runner should hold: the twin's points, stored with the
        // flags turned into NaN and inf.
        let mut want = SweepResults::new_f64(res.shape.clone());
        let FloatsFlat::F64(want_real) = &mut want.real else {
            unreachable!()
        };
        for (i, p) in scalar.iter().enumerate() {
            store(
                want_real,
                &mut want.cycles,
                &mut want.status,
                i,
                p.real,
                p.cycles,
                p.status,
            );
        }
        let (FloatsFlat::F64(got), FloatsFlat::F64(want_real)) = (&res.real, &want.real) else {
            panic!("the CPU backend writes f64");
        };
        let first = |a: Vec<u64>, b: Vec<u64>| a.iter().zip(&b).position(|(x, y)| x != y);
        let wide = |a: &[u32]| a.iter().map(|&v| u64::from(v)).collect::<Vec<_>>();
        let status = |a: &[u8]| a.iter().map(|&v| u64::from(v)).collect::<Vec<_>>();
        let bits = |a: &[f64]| a.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        let at = first(wide(&res.cycles), wide(&want.cycles));
        assert!(at.is_none(), "{path}: cycles differ at point {at:?}");
        let at = first(status(&res.status), status(&want.status));
        assert!(at.is_none(), "{path}: status differs at point {at:?}");
        for q in 0..got.len() {
            let at = first(bits(&got[q]), bits(&want_real[q]));
            assert!(at.is_none(), "{path}: output {q} differs at point {at:?}");
        }
    }
}

/// The CPU's recheck of an f32 result (where the adapter has no f64):
/// every flagged point, and only those, gets the f64 run's figures rounded
/// to f32 and its status; here on a shard's range (`first` > 0) with
/// flagged points scattered over it.
#[test]
fn the_f32_recheck_recomputes_flagged_points_as_the_f64_run() {
    use nessbat::backend::cpu;
    use nessbat::backend::Progress;
    use nessbat::config::outputs::Outputs;
    use nessbat::store::results::{FloatsFlat, SweepResults};
    for path in GRIDS {
        let g = grid(path);
        let (first, end) = (g.len() / 5, g.len());
        let exact = cpu::run_range(&g, first..end, &Progress::NONE);
        let n = exact.len();
        let mut low = SweepResults::new(vec![n], false, Outputs::ALL);
        // Flag every seventh point and the last; the others keep a marker.
        let flagged: Vec<usize> = (0..n).filter(|i| i % 7 == 3 || *i == n - 1).collect();
        let FloatsFlat::F32(real) = &mut low.real else {
            unreachable!()
        };
        for a in real.iter_mut() {
            a.fill(-1.0);
        }
        for &i in &flagged {
            low.status[i] = 3;
        }
        let done = cpu::recompute_imprecise(&g, first, &mut low);
        assert_eq!(done, flagged.len() as u64, "{path}");
        let (FloatsFlat::F32(got), FloatsFlat::F64(want)) = (&low.real, &exact.real) else {
            unreachable!()
        };
        for i in 0..n {
            let is_flagged = flagged.binary_search(&i).is_ok();
            for q in 0..got.len() {
                let expect = if is_flagged { want[q][i] as f32 } else { -1.0 };
                assert_eq!(
                    got[q][i].to_bits(),
                    expect.to_bits(),
                    "{path} point {i} output {q}"
                );
            }
            if is_flagged {
                assert_eq!(low.status[i], exact.status[i], "{path} point {i}");
                assert_eq!(low.cycles[i], exact.cycles[i], "{path} point {i}");
            }
        }
    }
}
