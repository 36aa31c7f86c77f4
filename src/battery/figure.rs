//! The arrays of a battery sweep, one per figure of a point (a heat per
//! bath): their names, descriptions and values, for the sweep's arrays,
//! its reductions, metadata.json and Python.

use super::status::{BathHeat, BatteryFigures, BatteryStatus};

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
            Figure::ErrorEstimate => ("estimated relative error".into(), "1", "estimated relative error of ergotropy, heat_in and every heat; 0 for exact zeros, inf where nothing was computed or a figure is below its rounding noise (status imprecise)".into()),
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

    /// A point's figures from its status and its values in [`Figure::all`]
    /// order (`values`), as a checkpoint keeps them: every figure a sweep
    /// writes or reduces, without the populations and energies, which no
    /// sweep keeps.
    pub fn restore(names: &[String], status: BatteryStatus, values: &[f64]) -> BatteryFigures {
        let mut f = BatteryFigures {
            status,
            message: None,
            ergotropy: 0.0,
            power: 0.0,
            efficiency: 0.0,
            heats: names
                .iter()
                .map(|n| BathHeat {
                    name: n.clone(),
                    heat: 0.0,
                })
                .collect(),
            heat_in: 0.0,
            entropy_production: 0.0,
            ness_ergotropy: 0.0,
            capacity: 0.0,
            error_estimate: 0.0,
            energies: Vec::new(),
            populations_passive: Vec::new(),
            populations_charged: Vec::new(),
            ness: Vec::new(),
        };
        for (fig, v) in Figure::all(names.len()).into_iter().zip(values) {
            *fig.slot(&mut f) = *v;
        }
        f
    }

    /// Where the figure lives in `f`, to be set.
    fn slot(self, f: &mut BatteryFigures) -> &mut f64 {
        match self {
            Figure::Ergotropy => &mut f.ergotropy,
            Figure::Power => &mut f.power,
            Figure::Efficiency => &mut f.efficiency,
            Figure::Heat(k) => &mut f.heats[k].heat,
            Figure::HeatIn => &mut f.heat_in,
            Figure::EntropyProduction => &mut f.entropy_production,
            Figure::NessErgotropy => &mut f.ness_ergotropy,
            Figure::Capacity => &mut f.capacity,
            Figure::ErrorEstimate => &mut f.error_estimate,
        }
    }

    /// The figure named `name` among a battery's with bath `names`.
    pub fn named(name: &str, names: &[String]) -> Option<Figure> {
        Figure::all(names.len())
            .into_iter()
            .find(|f| f.name(names) == name)
    }
}
