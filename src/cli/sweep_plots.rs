//! `--plot` for `nessbat sweep` and `nessbat merge`: what the library
//! draws (nessbat::plot::sweep), and the check that there is something to
//! draw before anything runs.

use super::BadInput;
use nessbat::grid::Grid;

/// --plot needs something it can draw: full arrays over one or two axes,
/// or a reduction that keeps one or two axes; shards are plotted merged.
pub fn check_plot(plot: bool, grid: &Grid, sharded: bool) -> Result<(), BadInput> {
    if !plot {
        return Ok(());
    }
    if sharded {
        return Err(BadInput(
            "--plot draws whole grids; plot after `nessbat merge` (merge --plot) instead of per --shard".into(),
        ));
    }
    match nessbat::plot::sweep::undrawable(grid) {
        Some(why) => Err(BadInput(why)),
        None => Ok(()),
    }
}
