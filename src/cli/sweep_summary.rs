//! The line `nessbat sweep` prints when it is done: points, backend,
//! rate and status counts, and reductions where no point passed.

use nessbat::kernels::Named;
use nessbat::store::output::rate;
use nessbat::sweep::SweepOutput;
use std::io::Write as _;

use super::sweep::SweepCmd;

/// Counts grid points (not points times reduction passes). The time is
/// the whole command's since `began` (device, set-up, compute, checkpoints,
/// writing; only process start-up is left out), and the rate the point
/// evaluations this run made (restored checkpoint chunks not counted) over
/// it; the compute's own time and rate follow in brackets.
pub fn summary(cmd: &SweepCmd, out: &SweepOutput, began: std::time::Instant, writing: f64) {
    let (grid, info) = (out.grid, &out.info);
    let total = began.elapsed().as_secs_f64();
    let counts = match &out.full_summary {
        Some(full) => {
            let c = full.counts;
            format!(
                "; {} converged, {} not converged, {} invalid, {} imprecise",
                c[0], c[1], c[2], c[3]
            )
        }
        None => String::new(),
    };
    let mut how = Vec::new();
    if out.restored > 0 {
        how.push(format!("{} restored from checkpoints", out.restored));
    }
    if info.computed != out.grid_points - out.restored {
        how.push(format!(
            "{} point evaluations over the reduction passes",
            info.computed
        ));
    }
    let how = if how.is_empty() {
        String::new()
    } else {
        format!(" ({})", how.join("; "))
    };
    let _ = writeln!(
        std::io::stdout(),
        "{} grid points{} ({} model, {} protocol) on {} {} in {:.3} s: {:.0} points/s (compute {:.3} s, {:.0} points/s; set-up {:.3} s; writing out {:.3} s){}; written to {}",
        out.grid_points,
        how,
        grid.model.name(),
        grid.protocol.name(),
        info.backend,
        info.precision,
        total,
        rate(info.computed, total),
        info.compute_seconds,
        rate(info.computed, info.compute_seconds),
        info.setup_seconds,
        writing,
        counts,
        cmd.out.display()
    );
    for r in &out.reduced {
        let none = r.none_passes();
        if none > 0 {
            let _ = writeln!(
                std::io::stdout(),
                "  {}: no point passes in {none} of {} cells (NaN, status 1 there)",
                r.name,
                r.status.len()
            );
        }
    }
}
