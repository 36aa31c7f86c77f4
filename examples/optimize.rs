//! The most powerful engine over T_A at the paper's other parameters, with
//! at least 1 % efficiency.
//!
//! `cargo run --release --example optimize`

use nessbat::prelude::*;

const CONFIG: &str = r#"
[fixed]
lambda = 0.01
gamma = 1e-3
t_s = 0.1
tau = 10.0
[[axes]]
name = "t_a"
range = [0.15, 5.0]
points = 16
"#;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let grid = Grid::new(SweepConfig::parse(CONFIG, "example")?)?;
    let backend = Backend::choose(BackendChoice::Auto, None, &|n| eprintln!("{n}"))?;
    let objective = Objective {
        quantity: Quantity::Power,
        maximize: true,
    };
    let constraint = Constraints::parse("efficiency >= 0.01")?;
    let best = optimize(
        &backend,
        &grid,
        objective,
        constraint,
        &OptimizeOptions::default(),
    )?;
    let f = best.figures(&grid)?;
    println!(
        "t_a = {:.9} gives power {:.6e} at efficiency {:.6e} ({})",
        best.coords[0],
        f.power,
        f.efficiency,
        f.status.name()
    );
    Ok(())
}
