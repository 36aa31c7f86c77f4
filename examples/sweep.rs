//! A T_A × T_S sweep on the best backend there is, and its best point.
//!
//! `cargo run --release --example sweep`

use nessbat::prelude::*;

const CONFIG: &str = r#"
rates = "kms"
[fixed]
lambda = 0.01
gamma = 1e-3
tau = 150.0
[[axes]]
name = "t_a"
range = [0.1, 5.0]
points = 64
spacing = "log"
[[axes]]
name = "t_s"
range = [0.1, 5.0]
points = 64
spacing = "log"
"#;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let grid = Grid::new(SweepConfig::parse(CONFIG, "example")?)?;
    let backend = Backend::choose(BackendChoice::Auto, None, &|n| eprintln!("{n}"))?;
    // The library runner: what `nessbat sweep` and Python run.
    let out = Sweep::new(&grid).run(&backend, &Progress::NONE, &|n| eprintln!("{n}"))?;
    let (res, info) = (out.full.expect("no reductions: full arrays"), out.info);
    let power = res.values(Quantity::Power);
    // Only status-0 points carry the contract.
    let best = (0..res.len())
        .filter(|&i| res.status[i] == 0)
        .max_by(|&i, &j| power[i].total_cmp(&power[j]))
        .expect("some point converges");
    let p = grid.point_params(best as u64);
    println!(
        "{} points on {} {}: best power {:.6e} at {:?}",
        res.len(),
        info.backend,
        info.precision,
        power[best],
        p.baths
    );
    Ok(())
}
