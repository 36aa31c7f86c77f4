//! A battery config checked into what its points read: the battery, its
//! axes, and for each parameter where its value comes from (`[fixed]` or an
//! axis). One point (`nessbat point --config`) is the grid without axes.
//!
//! Parameters: `tau`, per bath NAME `t_NAME` (> 0) and `gamma_NAME` (≥ 0;
//! 1e-3 where absent, as for the built-in baths), and a builder's own keys
//! (`omega0`, `lambda`, `chi`, …). A builder key on an axis changes H, so
//! each of its distinct values is diagonalised once, before any point runs
//! (a grid has few Hamiltonians and many points).

use std::collections::BTreeMap;

use super::generator::BathPoint;
use super::secular::{near_pair, NearPair, SECULAR_RATIO};
use super::spec::Battery;
use super::spectrum::Spectrum;
use crate::config::{axis_values, Axis, SweepConfig};
use crate::error::Error;
use crate::model::params::supported::TAU;
use crate::model::{ModelKind, Protocol};

/// The default stroke length and rate scale, as for `nessbat point`.
pub const DEFAULT_TAU: f64 = 150.0;
pub const DEFAULT_GAMMA: f64 = crate::model::point_spec::DEFAULT_GAMMA0;

/// Most distinct Hamiltonians a grid may diagonalise (the product of its
/// builder axes' lengths): each is kept as a spectrum while the grid runs.
pub const MAX_HAMILTONIANS: u64 = 1 << 16;

/// Most points of a battery grid, as for the built-in model.
const MAX_POINTS: u64 = 1 << 40;

/// Where a parameter's value comes from.
#[derive(Debug, Clone, Copy)]
enum Source {
    Fixed(f64),
    Axis(usize),
}

/// A checked battery grid.
#[derive(Debug, Clone)]
pub struct BatteryGrid {
    /// The config as given, recorded in metadata.json.
    pub config: SweepConfig,
    pub axes: Vec<Axis>,
    /// The battery at the first point (its builder keys at their first
    /// values): its levels, bath names and keys.
    pub battery: Battery,
    /// Bath names, in the battery's order.
    pub names: Vec<String>,
    tau: Source,
    /// (temperature, rate scale) per bath.
    baths: Vec<(Source, Source)>,
    /// The builder axes (indices into `axes`), in axis order: the mixed
    /// radix of `spectra`.
    builder_axes: Vec<usize>,
    /// One spectrum per combination of builder-axis values, in C order.
    spectra: Vec<Spectrum>,
}

/// What the grid is read for: one point refuses axes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    Point,
    Sweep,
}

fn config_error(message: String) -> Error {
    Error::Config(message)
}

impl BatteryGrid {
    /// Checks `config` (which must hold a `[battery]`); errors name the key
    /// and what is accepted.
    pub fn new(config: &SweepConfig, usage: Use) -> Result<BatteryGrid, Error> {
        let spec = config.battery.as_ref().ok_or_else(|| {
            config_error(
                "the config has no [battery]; accepted: a config with a [battery] table".into(),
            )
        })?;
        let refuse = |what: &str| {
            Err(config_error(format!(
                "{what} does not apply to a [battery]; accepted: the config without it"
            )))
        };
        if config.model != ModelKind::Populations {
            return refuse("model = \"density-matrix\"");
        }
        // A battery's Davies rates sit at its own Bohr frequencies (as
        // the built-in model's kms); the built-in model's choice between
        // Eq. 9 and kms does not apply, whichever is written.
        if let Some(rates) = config.rates {
            return refuse(&format!(
                "rates = \"{rates}\" (the built-in model's rate convention; a battery's Davies rates follow its own transition frequencies)"
            ));
        }
        if config.protocol != Protocol::Optimal {
            return refuse(&format!(
                "protocol = \"{}\" (a two-qubit gate)",
                config.protocol
            ));
        }
        if usage == Use::Point && !config.axes.is_empty() {
            return Err(config_error("a battery point has no axes; accepted: every parameter in [fixed] (`nessbat sweep` runs a [battery] over axes)".into()));
        }
        // Reductions are checked against the grid by battery::reduce.
        if usage == Use::Point && (!config.reduce.is_empty() || config.full_arrays.is_some()) {
            return Err(config_error("a battery point has no [[reduce]] or full_arrays (sweep settings); accepted: the config without them".into()));
        }
        if usage == Use::Point && config.outputs.is_some() {
            return refuse("outputs (a sweep setting)");
        }
        for (k, v) in &config.fixed {
            if !v.is_finite() {
                return Err(Error::range(k, "a finite number", *v));
            }
        }
        // The battery at its fixed values first: it names the keys that
        // the axes may take.
        let mut axes: Vec<Axis> = Vec::new();
        for spec in &config.axes {
            let axis = axis_values(spec)?;
            if config.fixed.contains_key(&axis.name) {
                return Err(config_error(format!(
                    "axis {} is also in [fixed]; give each parameter in one place",
                    axis.name
                )));
            }
            if axes.iter().any(|a| a.name == axis.name) {
                return Err(config_error(format!("axis {} is given twice", axis.name)));
            }
            axes.push(axis);
        }
        let at_first = |extra: &[(usize, usize)]| {
            let mut fixed = config.fixed.clone();
            for (i, a) in axes.iter().enumerate() {
                let j = extra.iter().find(|(k, _)| *k == i).map_or(0, |(_, j)| *j);
                fixed.insert(a.name.clone(), a.values[j]);
            }
            fixed
        };
        let battery = Battery::new(spec, &at_first(&[]))?;
        let names: Vec<String> = battery.baths.iter().map(|(n, _)| n.clone()).collect();
        let keys = battery.keys();
        // tau, then the battery's own keys (none where every bath gives
        // explicit rates and the Hamiltonian is a matrix).
        let accepted = || {
            std::iter::once("tau")
                .chain(keys.iter().map(String::as_str))
                .collect::<Vec<_>>()
                .join(", ")
        };
        for k in config.fixed.keys() {
            if k != "tau" && !keys.contains(k) {
                return Err(config_error(format!(
                    "[fixed] {k} is not a parameter of this battery; accepted: {}",
                    accepted()
                )));
            }
        }
        for a in &axes {
            if a.name != "tau" && !keys.contains(&a.name) {
                return Err(config_error(format!(
                    "axis {} is not a parameter of this battery; accepted: {}",
                    a.name,
                    accepted()
                )));
            }
        }
        let total = axes
            .iter()
            .try_fold(1u64, |n, a| n.checked_mul(a.values.len() as u64));
        if total.is_none_or(|t| t > MAX_POINTS) {
            return Err(config_error(
                "the grid has more than 2^40 points; accepted: at most 2^40".into(),
            ));
        }
        let source = |k: &str, default: Option<f64>| -> Option<Source> {
            if let Some(v) = config.fixed.get(k) {
                return Some(Source::Fixed(*v));
            }
            match axes.iter().position(|a| a.name == k) {
                Some(i) => Some(Source::Axis(i)),
                None => default.map(Source::Fixed),
            }
        };
        // Every value a parameter takes, checked against its range.
        let check = |k: &str, s: Source, ok: fn(f64) -> bool, accepted: &str| {
            let values: &[f64] = match &s {
                Source::Fixed(v) => std::slice::from_ref(v),
                Source::Axis(i) => &axes[*i].values,
            };
            match values.iter().find(|v| !ok(**v)) {
                Some(v) => Err(Error::range(k, accepted, *v)),
                None => Ok(s),
            }
        };
        let positive = |v: f64| v.is_finite() && v > 0.0;
        let tau = source("tau", Some(DEFAULT_TAU)).expect("has a default");
        // The built-in model's range, in units of 1/energy: a stroke of
        // 1e-300 ran into powers of 1e-5 from works of 1e-305, flagged but
        // printed (found by review); below 1e-6 of a period the secular
        // (Davies) description has no meaning anyway.
        let tau = check(
            "tau",
            tau,
            |v| TAU.accepts(v),
            &format!("{} (in units of 1/energy of H)", TAU.describe()),
        )?;
        let mut baths = Vec::new();
        for (n, given) in names.iter().zip(&battery.rates) {
            // Explicit rates: no temperature (NaN: no two baths are then
            // at one temperature, and no entropy production is formed).
            if given.is_some() {
                baths.push((Source::Fixed(f64::NAN), Source::Fixed(1.0)));
                continue;
            }
            let (tk, gk) = (format!("t_{n}"), format!("gamma_{n}"));
            let t = source(&tk, None).ok_or_else(|| {
                config_error(format!(
                    "bath {n} has no temperature; accepted: {tk} > 0 in [fixed] or as an axis"
                ))
            })?;
            let t = check(&tk, t, positive, "a finite number > 0")?;
            let g = source(&gk, Some(DEFAULT_GAMMA)).expect("has a default");
            let g = check(
                &gk,
                g,
                |v| v.is_finite() && v >= 0.0,
                "a finite number >= 0",
            )?;
            baths.push((t, g));
        }
        let builder_axes: Vec<usize> = (0..axes.len())
            .filter(|i| battery.builder_keys.contains(&axes[*i].name))
            .collect();
        let hamiltonians = builder_axes
            .iter()
            .map(|i| axes[*i].values.len() as u64)
            .product::<u64>();
        if hamiltonians > MAX_HAMILTONIANS {
            return Err(config_error(format!(
                "the builder axes ({}) make {hamiltonians} distinct Hamiltonians; accepted: at most {MAX_HAMILTONIANS}",
                builder_axes
                    .iter()
                    .map(|i| axes[*i].name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        let mut spectra = Vec::with_capacity(hamiltonians as usize);
        for c in 0..hamiltonians {
            // Combination c in C order over the builder axes.
            let mut rest = c;
            let mut at = vec![(0, 0); builder_axes.len()];
            for (slot, &i) in builder_axes.iter().enumerate().rev() {
                let n = axes[i].values.len() as u64;
                at[slot] = (i, (rest % n) as usize);
                rest /= n;
            }
            let b = if c == 0 {
                battery.clone()
            } else {
                Battery::new(spec, &at_first(&at))?
            };
            spectra.push(Spectrum::of(&b));
        }
        Ok(BatteryGrid {
            config: config.clone(),
            axes,
            battery,
            names,
            tau,
            baths,
            builder_axes,
            spectra,
        })
    }

    /// The grid's shape: one entry per axis.
    pub fn shape(&self) -> Vec<usize> {
        self.axes.iter().map(|a| a.values.len()).collect()
    }

    /// Number of points.
    pub fn len(&self) -> u64 {
        self.axes.iter().map(|a| a.values.len() as u64).product()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The point at flat index `index` (C order): its spectrum, baths and τ.
    pub fn point(&self, index: u64) -> (&Spectrum, Vec<BathPoint>, f64) {
        let mut at = vec![0usize; self.axes.len()];
        let mut rest = index;
        for (i, a) in self.axes.iter().enumerate().rev() {
            let n = a.values.len() as u64;
            at[i] = (rest % n) as usize;
            rest /= n;
        }
        let value = |s: Source| match s {
            Source::Fixed(v) => v,
            Source::Axis(i) => self.axes[i].values[at[i]],
        };
        let combination = self
            .builder_axes
            .iter()
            .fold(0usize, |c, &i| c * self.axes[i].values.len() + at[i]);
        let baths = self
            .baths
            .iter()
            .map(|(t, g)| BathPoint {
                temperature: value(*t),
                gamma: value(*g),
            })
            .collect();
        (&self.spectra[combination], baths, value(self.tau))
    }

    /// Whether H is the same at every point (no builder axis): its levels
    /// are then one list in metadata.json.
    pub fn fixed_hamiltonian(&self) -> Option<&Spectrum> {
        match self.builder_axes.is_empty() {
            true => self.spectra.first(),
            false => None,
        }
    }

    /// What the user should know about a grid that runs: where the
    /// secular (Davies) approximation is doubtful (`secular`), once, at
    /// the worst pair over the grid's Hamiltonians and hottest baths.
    pub fn warnings(&self) -> Vec<String> {
        let largest = |s: Source| match s {
            Source::Fixed(v) => v,
            Source::Axis(i) => self.axes[i].values.iter().copied().fold(f64::MIN, f64::max),
        };
        let hottest: Vec<BathPoint> = self
            .baths
            .iter()
            .map(|(t, g)| BathPoint {
                temperature: largest(*t),
                gamma: largest(*g),
            })
            .collect();
        let worst = self
            .spectra
            .iter()
            // A battery outside the population model is refused per point
            // already.
            .filter(|s| s.open.is_none())
            .flat_map(|s| (0..hottest.len()).filter_map(|k| near_pair(s, k, hottest[k])))
            .fold(None, |w: Option<NearPair>, p| match w {
                Some(w) if w.ratio() >= p.ratio() => Some(w),
                _ => Some(p),
            });
        match worst.filter(|w| w.ratio() >= SECULAR_RATIO) {
            Some(w) => vec![format!(
                "bath {} couples levels {} and {}, {:.1e} apart, to level {} at rates up to {:.1e} ({}) on this grid: the population model is the secular (Davies) one, which drops their coherence and needs rates far below the spacing; the figures are the Davies model's, which a Bloch-Redfield treatment may not confirm there",
                self.names[w.bath],
                w.levels.0,
                w.levels.1,
                w.spacing,
                w.common,
                w.rate,
                match w.ratio() {
                    r if r < 1.0 => format!("{:.0} % of their spacing", 100.0 * r),
                    r => format!("{r:.1e} times their spacing"),
                },
            )],
            None => Vec::new(),
        }
    }

    /// The fixed values with τ's default where absent, for the record.
    pub fn fixed(&self) -> BTreeMap<String, f64> {
        let mut f = self.config.fixed.clone();
        if let Source::Fixed(v) = self.tau {
            f.insert("tau".into(), v);
        }
        for ((n, (_, g)), given) in self.names.iter().zip(&self.baths).zip(&self.battery.rates) {
            if let (Source::Fixed(v), None) = (g, given) {
                f.insert(format!("gamma_{n}"), *v);
            }
        }
        f
    }
}
