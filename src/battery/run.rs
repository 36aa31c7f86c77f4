//! One point of a battery config (`nessbat point --config FILE`, Python's
//! `battery_point`): the `[battery]` table checked and diagonalised, and
//! its parameters from `[fixed]`: `tau` and, per bath NAME, `t_NAME` (> 0)
//! and `gamma_NAME` (≥ 0; 1e-3 where absent, as for the built-in baths).
//! A battery point has no axes, and settings of the built-in model that do
//! not apply to it are refused rather than ignored.

use serde_json::{json, Map, Value};

use super::generator::BathPoint;
use super::point::{battery_point, BatteryFigures};
use super::spec::Battery;
use super::spectrum::Spectrum;
use crate::config::SweepConfig;
use crate::error::{short, Error};
use crate::model::{ModelKind, Protocol};

/// The default stroke length and rate scale, as for `nessbat point`.
const DEFAULT_TAU: f64 = 150.0;
const DEFAULT_GAMMA: f64 = 1e-3;

/// A battery and one point of its parameters.
pub struct BatteryPoint {
    pub battery: Battery,
    pub spectrum: Spectrum,
    pub names: Vec<String>,
    pub baths: Vec<BathPoint>,
    pub tau: f64,
}

impl BatteryPoint {
    /// The point `config` describes; errors name the key and what is
    /// accepted.
    pub fn from_config(config: &SweepConfig) -> Result<BatteryPoint, Error> {
        let spec = config.battery.as_ref().ok_or_else(|| {
            Error::Config(
                "the config has no [battery]; accepted: a config with a [battery] table".into(),
            )
        })?;
        let refuse = |what: &str| {
            Err(Error::Config(format!(
                "{what} does not apply to a [battery]; accepted: the config without it"
            )))
        };
        if config.model != ModelKind::Populations {
            return refuse("model = \"density-matrix\"");
        }
        if config.protocol != Protocol::Optimal {
            return refuse(&format!(
                "protocol = \"{}\" (a two-qubit gate)",
                config.protocol
            ));
        }
        if !config.axes.is_empty() {
            return Err(Error::Config("a battery point has no axes; accepted: every parameter in [fixed] (sweeps over a [battery] are not supported yet)".into()));
        }
        if !config.reduce.is_empty() || config.outputs.is_some() || config.full_arrays.is_some() {
            return refuse("[[reduce]], outputs or full_arrays (sweep settings)");
        }
        let battery = Battery::new(spec, &config.fixed)?;
        let names: Vec<String> = battery.baths.iter().map(|(n, _)| n.clone()).collect();
        let keys = battery.keys();
        for k in config.fixed.keys() {
            if k != "tau" && !keys.contains(k) {
                return Err(Error::Config(format!(
                    "[fixed] {k} is not a parameter of this battery; accepted: tau, {}",
                    keys.join(", ")
                )));
            }
        }
        for (k, v) in &config.fixed {
            if !v.is_finite() {
                return Err(Error::range(k, "a finite number", *v));
            }
        }
        let get = |k: &str| config.fixed.get(k).copied();
        let tau = get("tau").unwrap_or(DEFAULT_TAU);
        if !(tau.is_finite() && tau > 0.0) {
            return Err(Error::range("tau", "a finite number > 0", tau));
        }
        let mut baths = Vec::new();
        for n in &names {
            let (tk, gk) = (format!("t_{n}"), format!("gamma_{n}"));
            let temperature = get(&tk).ok_or_else(|| {
                Error::Config(format!(
                    "bath {n} has no temperature; accepted: {tk} > 0 in [fixed]"
                ))
            })?;
            if !(temperature.is_finite() && temperature > 0.0) {
                return Err(Error::range(&tk, "a finite number > 0", temperature));
            }
            let gamma = get(&gk).unwrap_or(DEFAULT_GAMMA);
            if !(gamma.is_finite() && gamma >= 0.0) {
                return Err(Error::range(&gk, "a finite number >= 0", gamma));
            }
            baths.push(BathPoint { temperature, gamma });
        }
        let spectrum = Spectrum::of(&battery);
        Ok(BatteryPoint {
            battery,
            spectrum,
            names,
            baths,
            tau,
        })
    }

    /// The point's figures.
    pub fn figures(&self) -> BatteryFigures {
        battery_point(&self.spectrum, &self.names, &self.baths, self.tau)
    }
}

impl BatteryFigures {
    /// As `nessbat point --json` prints it: one key per figure, the heats
    /// as `heat_NAME`, null for what is not a number.
    pub fn to_json(&self) -> Value {
        let num = |v: f64| if v.is_finite() { json!(v) } else { Value::Null };
        let mut m = Map::new();
        m.insert("status".into(), json!(self.status));
        if let Some(msg) = &self.message {
            m.insert("message".into(), json!(msg));
        }
        for (k, v) in [
            ("ergotropy", self.ergotropy),
            ("power", self.power),
            ("efficiency", self.efficiency),
        ] {
            m.insert(k.into(), num(v));
        }
        for h in &self.heats {
            m.insert(format!("heat_{}", h.name), num(h.heat));
        }
        for (k, v) in [
            ("heat_in", self.heat_in),
            ("entropy_production", self.entropy_production),
            ("ness_ergotropy", self.ness_ergotropy),
            ("capacity", self.capacity),
            ("error_estimate", self.error_estimate),
        ] {
            m.insert(k.into(), num(v));
        }
        let list = |v: &[f64]| Value::Array(v.iter().map(|x| num(*x)).collect());
        m.insert("energies".into(), list(&self.energies));
        m.insert(
            "populations_passive".into(),
            list(&self.populations_passive),
        );
        m.insert(
            "populations_charged".into(),
            list(&self.populations_charged),
        );
        m.insert("ness".into(), list(&self.ness));
        Value::Object(m)
    }

    /// A short table for the terminal.
    pub fn table(&self) -> String {
        let status = serde_json::to_value(self.status).unwrap_or(Value::Null);
        let mut s = format!("status {}", status.as_str().unwrap_or("?"));
        if let Some(m) = &self.message {
            s += &format!(": {m}");
        }
        s += "\n";
        let mut row = |k: &str, v: f64| {
            let v = if v.is_nan() {
                "undefined".into()
            } else {
                short(v)
            };
            s += &format!("  {k:<20} {v}\n");
        };
        row("ergotropy", self.ergotropy);
        row("power", self.power);
        row("efficiency", self.efficiency);
        for h in &self.heats {
            row(&format!("heat_{}", h.name), h.heat);
        }
        row("heat_in", self.heat_in);
        row("entropy_production", self.entropy_production);
        row("ness_ergotropy", self.ness_ergotropy);
        row("capacity", self.capacity);
        row("error_estimate", self.error_estimate);
        s
    }
}
