//! One point of a battery config (`nessbat point --config FILE`, Python's
//! `battery_point`): the `[battery]` table checked and diagonalised, and
//! its parameters from `[fixed]` (src/battery/grid.rs, a grid without
//! axes), and its figures as JSON or a table.

use serde_json::{json, Map, Value};

use super::generator::BathPoint;
use super::grid::{BatteryGrid, Use};
use super::point::battery_point;
use super::spec::Battery;
use super::spectrum::Spectrum;
use super::status::BatteryFigures;
use crate::config::SweepConfig;
use crate::error::{short, Error};

/// A battery and one point of its parameters.
pub struct BatteryPoint {
    pub battery: Battery,
    pub spectrum: Spectrum,
    pub names: Vec<String>,
    pub baths: Vec<BathPoint>,
    pub tau: f64,
    /// The grid's warnings (`BatteryGrid::warnings`), for the shell to say.
    pub warnings: Vec<String>,
}

impl BatteryPoint {
    /// The point `config` describes; errors name the key and what is
    /// accepted.
    pub fn from_config(config: &SweepConfig) -> Result<BatteryPoint, Error> {
        let grid = BatteryGrid::new(config, Use::Point)?;
        let (spectrum, baths, tau) = grid.point(0);
        let warnings = grid.warnings();
        Ok(BatteryPoint {
            warnings,
            spectrum: spectrum.clone(),
            battery: grid.battery,
            names: grid.names,
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
        let mut s = format!("status {}", self.status.name());
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
