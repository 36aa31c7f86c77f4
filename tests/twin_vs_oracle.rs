//! The CPU backend (the kernels' f64 twins) against the nalgebra oracle on
//! test grids of 4096 points each (thermal gradients both ways and equal,
//! pumped explicit rates, τ from 0.01 to 1e4) and a coherent density-matrix
//! grid: 1e-9 relative, with the conditioning floor of `Tolerance`.

mod common;

use common::sweeps::{compare, grid, oracle, rows, Tolerance};
use nessbat::backend::cpu;
use nessbat::backend::Progress;

const ALL: &[usize] = &[0, 1, 2, 3, 4, 5, 6];

fn check(path: &str, name: &str) {
    let g = grid(path);
    let res = cpu::run(&g, &Progress::NONE);
    assert!(
        res.status.iter().all(|s| *s == 0 || *s == 3),
        "{name}: every point converges (3: converged, imprecise)"
    );
    let tol = Tolerance {
        rel: 1e-9,
        conditioned: true,
        only_where_ergotropy_above: -1.0,
        quantities: ALL,
    };
    compare(name, &g, &rows(&res), &oracle(&g), &tol);
}

#[test]
fn thermal_grid() {
    check("tests/configs/thermal.toml", "twin-thermal");
}

#[test]
fn pumped_grid() {
    check("tests/configs/pumped.toml", "twin-pumped");
}

#[test]
fn coherent_density_matrix_grid() {
    check("tests/configs/coherent.toml", "twin-coherent");
}

#[test]
fn coherent_gate_grid() {
    check("tests/configs/coherent_gate.toml", "twin-coherent-gate");
}

#[test]
fn kms_grids() {
    check("tests/configs/kms.toml", "twin-kms");
    check("tests/configs/kms_coherent.toml", "twin-kms-coherent");
}

#[test]
fn gate_grid() {
    check("tests/configs/gates.toml", "twin-gates");
}
