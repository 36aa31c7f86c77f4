//! The CPU backend's two builds of the point loop (baseline x86-64, and
//! AVX2 + FMA chosen at run time) give the same outputs bit for bit on
//! every test grid: the choice is a speed-up only. On a CPU without AVX2
//! and FMA both calls run the baseline and the test holds trivially; it
//! says so.

mod common;

use common::sweeps::{grid, GRIDS};
use nessbat::backend::cpu::{run_block, run_block_baseline};
use nessbat::model::ModelKind;
use nessbat::twin::density_matrix::DensityMatrix;
use nessbat::twin::population::Population;
use nessbat::twin::PointOutput;

fn bits(o: &[PointOutput]) -> Vec<(Vec<u64>, u32, u32)> {
    o.iter()
        .map(|p| {
            (
                p.real.iter().map(|v| v.to_bits()).collect(),
                p.cycles,
                p.status,
            )
        })
        .collect()
}

#[test]
fn dispatched_and_baseline_builds_agree_bit_for_bit() {
    #[cfg(target_arch = "x86_64")]
    if !(std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma"))
    {
        eprintln!("note: this CPU lacks AVX2/FMA; both calls run the baseline build");
    }
    for path in GRIDS {
        let g = grid(path);
        let n = g.len() as u32;
        let params = g.chunk_params(0, n);
        let (fast, base) = match g.model {
            ModelKind::Populations => (
                run_block::<Population, 4>(&params, &g.values, n),
                run_block_baseline::<Population, 4>(&params, &g.values, n),
            ),
            ModelKind::DensityMatrix => (
                run_block::<DensityMatrix, 6>(&params, &g.values, n),
                run_block_baseline::<DensityMatrix, 6>(&params, &g.values, n),
            ),
        };
        assert_eq!(fast.len(), n as usize);
        let (f, b) = (bits(&fast), bits(&base));
        let first = f.iter().zip(&b).position(|(x, y)| x != y);
        assert!(first.is_none(), "{path}: point {first:?} differs");
    }
}
