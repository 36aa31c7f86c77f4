//! One engine point at its operational steady state, with KMS rates at a
//! coupling where the paper's Eq. 9 would break the second law.
//!
//! `cargo run --release --example point`

use nessbat::prelude::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let params = EngineParams {
        lambda: 0.3,
        rate_kind: RateKind::Kms,
        ..EngineParams::default()
    };
    let f = compute_point(
        &params,
        ModelKind::Populations,
        Protocol::Optimal,
        &OssOptions::default(),
    )?;
    println!(
        "ergotropy {:.6e}, power {:.6e}, efficiency {:.6e}",
        f.ergotropy, f.power, f.efficiency
    );
    println!(
        "heat in {:.6e}, entropy production {:.6e}, status {} (estimated relative error {:.1e})",
        f.heat_in,
        f.entropy_production,
        f.status.name(),
        f.error_estimate
    );
    Ok(())
}
