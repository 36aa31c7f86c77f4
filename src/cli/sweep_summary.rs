//! The line `nessbat sweep` prints when it is done: points, backend,
//! rate and status counts, and reductions where no point passed.

use nessbat::grid::Grid;
use nessbat::store::output::RunInfo;
use nessbat::store::reduced::Reduced;
use nessbat::store::SweepResults;

use super::sweep::SweepCmd;

pub fn summary(
    cmd: &SweepCmd,
    grid: &Grid,
    full: Option<&SweepResults>,
    reduced: &[Reduced],
    info: &RunInfo,
    total: u64,
) {
    let counts = match full {
        Some(res) => {
            let c = res.status_counts();
            format!(
                "; {} converged, {} not converged, {} invalid, {} imprecise",
                c[0], c[1], c[2], c[3]
            )
        }
        None => String::new(),
    };
    println!(
        "{} points ({} model, {} protocol) on {} {} in {:.3} s (+{:.3} s set-up): {:.0} points/s{}; written to {}",
        total,
        grid.model.name(),
        grid.protocol.name(),
        info.backend,
        info.precision,
        info.wall_seconds,
        info.setup_seconds,
        total as f64 / info.wall_seconds.max(1e-12),
        counts,
        cmd.out.display()
    );
    for r in reduced {
        let none = r.none_passes();
        if none > 0 {
            println!(
                "  {}: no point passes in {none} of {} cells (NaN, status 1 there)",
                r.name,
                r.status.len()
            );
        }
    }
}
