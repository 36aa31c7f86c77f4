//! Many points of one battery on every core: the battery is diagonalised
//! once, and each point (its baths' temperatures and rates, and τ) is an
//! independent cycle. The path of `nessbat bench --batteries` and the
//! study (examples/batteries.rs); sweeps go through `battery::sweep`.

use rayon::prelude::*;

use super::generator::BathPoint;
use super::point::battery_point;
use super::spectrum::Spectrum;
use super::status::BatteryFigures;

/// One point: a `BathPoint` per bath, in the battery's order, and τ.
pub type Point = (Vec<BathPoint>, f64);

/// The figures of every point, in order.
pub fn battery_points(
    spectrum: &Spectrum,
    names: &[String],
    points: &[Point],
) -> Vec<BatteryFigures> {
    points
        .par_iter()
        .map(|(baths, tau)| battery_point(spectrum, names, baths, *tau))
        .collect()
}
