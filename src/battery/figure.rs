//! The arrays of a battery sweep, one per figure of a point (a heat per
//! bath): their names, descriptions and values, for the sweep's arrays,
//! its reductions, metadata.json and Python.

use super::point::BatteryFigures;

/// One array of a battery sweep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figure {
    Ergotropy,
    Power,
    Efficiency,
    /// The heat from bath k (in the battery's order): `heat_NAME`.
    Heat(usize),
    HeatIn,
    EntropyProduction,
    NessErgotropy,
    Capacity,
    ErrorEstimate,
}

impl Figure {
    /// Every figure of a battery with `baths` baths, in output order.
    pub fn all(baths: usize) -> Vec<Figure> {
        let mut v = vec![Figure::Ergotropy, Figure::Power, Figure::Efficiency];
        v.extend((0..baths).map(Figure::Heat));
        v.extend([
            Figure::HeatIn,
            Figure::EntropyProduction,
            Figure::NessErgotropy,
            Figure::Capacity,
            Figure::ErrorEstimate,
        ]);
        v
    }

    /// The array's name (its file stem); `names` are the baths'.
    pub fn name(self, names: &[String]) -> String {
        match self {
            Figure::Ergotropy => "ergotropy".into(),
            Figure::Power => "power".into(),
            Figure::Efficiency => "efficiency".into(),
            Figure::Heat(k) => format!("heat_{}", names[k]),
            Figure::HeatIn => "heat_in".into(),
            Figure::EntropyProduction => "entropy_production".into(),
            Figure::NessErgotropy => "ness_ergotropy".into(),
            Figure::Capacity => "capacity".into(),
            Figure::ErrorEstimate => "error_estimate".into(),
        }
    }

    /// (long name, units, meaning), for metadata.json and xarray.
    pub fn describe(self, names: &[String]) -> (String, &'static str, String) {
        let (long, units, meaning): (String, &str, String) = match self {
            Figure::Ergotropy => ("ergotropy per cycle".into(), "omega0", "work extracted per cycle at the OSS".into()),
            Figure::Power => ("power".into(), "omega0^2/hbar", "ergotropy / tau".into()),
            Figure::Efficiency => ("efficiency".into(), "1", "ergotropy / heat_in; NaN where no heat is absorbed".into()),
            Figure::Heat(k) => (
                format!("heat from bath {}", names[k]),
                "omega0",
                format!("heat into the battery from bath {} per cycle (exact stroke integral); an exact 0 where it is below its rounding noise", names[k]),
            ),
            Figure::HeatIn => ("heat absorbed".into(), "omega0", "sum of the positive heats per cycle".into()),
            Figure::EntropyProduction => ("entropy production".into(), "k_B", "-sum_k Q_k/T_k per cycle (>= 0 by the second law); NaN where a bath has explicit rates (no temperature)".into()),
            Figure::NessErgotropy => ("ergotropy of the NESS".into(), "omega0", "ergotropy of the baths' steady state".into()),
            Figure::Capacity => ("capacity".into(), "omega0", "highest minus lowest energy over the charged state's unitary orbit (Yang et al., PRL 131, 030402 (2023))".into()),
            Figure::ErrorEstimate => ("estimated relative error".into(), "1", "estimated relative error of ergotropy, heat_in and every heat; 0 for exact zeros, inf where nothing was computed".into()),
        };
        (long, units, meaning)
    }

    /// The figure's value at one point.
    pub fn of(self, f: &BatteryFigures) -> f64 {
        match self {
            Figure::Ergotropy => f.ergotropy,
            Figure::Power => f.power,
            Figure::Efficiency => f.efficiency,
            Figure::Heat(k) => f.heats[k].heat,
            Figure::HeatIn => f.heat_in,
            Figure::EntropyProduction => f.entropy_production,
            Figure::NessErgotropy => f.ness_ergotropy,
            Figure::Capacity => f.capacity,
            Figure::ErrorEstimate => f.error_estimate,
        }
    }

    /// The figure named `name` among a battery's with bath `names`.
    pub fn named(name: &str, names: &[String]) -> Option<Figure> {
        Figure::all(names.len())
            .into_iter()
            .find(|f| f.name(names) == name)
    }
}
