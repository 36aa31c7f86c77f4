//! The battery strokes on the CPU's SIMD lanes, the CPU backend's path
//! for batteries of up to 16 levels (nessbat_kernels::lanes::run_strokes):
//! - every width this CPU has gives the scalar twin's numbers bit for bit,
//!   for groups of points whose scalings and numbers of Taylor terms
//!   differ lane by lane (τ‖W‖ from 1e-4 to 64), with counts that leave
//!   lanes of the last group unused, for d = 2 … 16;
//! - the twin is within 1e-13 of the nalgebra oracle's Van Loan blocks,
//!   relative to the matrix's largest entry (without a GPU too);
//! - a CPU sweep of a graded 3-spin chain (d = 8, short and long strokes)
//!   equals the one-point computation at every point, every figure and
//!   status exactly: the lanes and one point alone agree bit for bit.

mod common;

use common::generators::{near, strokes as cases};
use common::rng::Rng;
use nessbat::backend::Progress;
use nessbat::battery::grid::Use;
use nessbat::battery::stroke::Stroke;
use nessbat::battery::sweep::{run, Figure};
use nessbat::battery::{battery_point, BatteryGrid};
use nessbat::config::SweepConfig;
use nessbat::kernels::battery_stroke::stroke;
use nessbat::kernels::lanes::{run_strokes, CpuLanes};

#[test]
fn every_width_gives_the_scalar_twin_bit_for_bit() {
    let mut rng = Rng(0x1a9e_5eed);
    let widths = CpuLanes::available();
    eprintln!(
        "lanes on this CPU: {:?}",
        widths.iter().map(|l| l.name()).collect::<Vec<_>>()
    );
    for d in [2, 3, 4, 5, 7, 8, 9, 12, 16] {
        // 8 · 3 + 5: every width's last group is partly empty.
        let n = 29;
        let (input, cases) = cases(&mut rng, d, n);
        let dd = d * d;
        let mut twin = vec![0.0; n * 2 * dd];
        for k in 0..n {
            let x = &input[k * (dd + 1)..k * (dd + 1) + dd];
            let (c, f) = twin[k * 2 * dd..(k + 1) * 2 * dd].split_at_mut(dd);
            stroke(d, x, cases[k].1, c, f);
        }
        for &lanes in &widths {
            let mut out = vec![f64::NAN; n * 2 * dd];
            run_strokes(lanes, d, &input, n, &mut out);
            for (i, (a, b)) in out.iter().zip(&twin).enumerate() {
                assert!(
                    a.to_bits() == b.to_bits(),
                    "{} d {d}: point {} entry {}: {a:e} vs the twin's {b:e}",
                    lanes.name(),
                    i / (2 * dd),
                    i % (2 * dd)
                );
            }
        }
    }
}

#[test]
fn the_twin_is_within_1e_13_of_the_oracle() {
    let mut rng = Rng(0x0ac1_e5ee);
    for d in [2, 3, 4, 6, 8, 11, 16] {
        let (input, cases) = cases(&mut rng, d, 16);
        let dd = d * d;
        for (k, (w, tau)) in cases.iter().enumerate() {
            let x = &input[k * (dd + 1)..k * (dd + 1) + dd];
            let (mut c, mut f) = (vec![0.0; dd], vec![0.0; dd]);
            stroke(d, x, *tau, &mut c, &mut f);
            let oracle = Stroke::van_loan(w, *tau);
            near(&format!("d {d} case {k} change"), &c, &oracle.change, 1e-13);
            near(
                &format!("d {d} case {k} integral"),
                &f,
                &oracle.integral,
                1e-13,
            );
        }
    }
}

#[test]
fn a_cpu_sweep_of_eight_levels_is_its_one_point_computations_exactly() {
    let text = r#"
[battery.chain]
spins = 3
[[battery.baths]]
name = "h"
coupling = "sx1"
[[battery.baths]]
name = "c"
coupling = "sx3"
[fixed]
omega_2 = 1.03
omega_3 = 1.08
lambda = 0.2
gamma_h = 1e-3
gamma_c = 1e-3
[[axes]]
name = "t_h"
values = [0.3, 0.5, 1.0, 2.0, 6.0]
[[axes]]
name = "t_c"
values = [0.05, 0.5, 0.9]
[[axes]]
name = "tau"
values = [0.5, 30.0, 400.0, 1e6]
"#;
    let cfg = SweepConfig::parse(text, "test").unwrap();
    let grid = BatteryGrid::new(&cfg, Use::Sweep).unwrap();
    let figures = Figure::all(grid.names.len());
    let res = run(&grid, &figures, &Progress::NONE, None).unwrap();
    let mut ok = 0;
    for i in 0..grid.len() {
        let (spectrum, baths, tau) = grid.point(i);
        let f = battery_point(spectrum, &grid.names, &baths, tau);
        assert_eq!(res.status[i as usize], f.status.code(), "point {i}");
        ok += usize::from(f.status.code() == 0);
        for (fig, a) in &res.arrays {
            let (x, y) = (a[i as usize], fig.of(&f));
            assert!(
                x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()),
                "point {i} {}: sweep {x:e}, point {y:e}",
                fig.name(&grid.names)
            );
        }
    }
    assert!(ok >= 40, "{ok} ok points of 60");
}
