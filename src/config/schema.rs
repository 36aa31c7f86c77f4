//! Sweep configuration (TOML): which model and protocol, the fixed
//! parameters and the axes. Every check names the key it rejects and what
//! is accepted.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::params::supported::{self, Range};
use crate::model::{ModelKind, Protocol, RateKind};

use crate::error::Error;

/// A configuration error ([`Error::Config`]): one line, naming the key.
fn err<T>(msg: impl Into<String>) -> Result<T, Error> {
    Err(Error::Config(msg.into()))
}

/// Every parameter name, with the range its values must lie in: the
/// ranges over which the trust contract is tested (`model::params`).
pub const PARAMETERS: [(&str, Range); 16] = [
    ("omega0", supported::OMEGA0),
    ("lambda", supported::LAMBDA),
    ("tau", supported::TAU),
    ("t_a", supported::TEMPERATURE),
    ("t_s", supported::TEMPERATURE),
    ("beta_a", supported::BETA),
    ("beta_s", supported::BETA),
    ("gamma", supported::GAMMA),
    ("gamma_a", supported::GAMMA),
    ("gamma_s", supported::GAMMA),
    ("rate_a_up", supported::RATE),
    ("rate_a_down", supported::RATE),
    ("rate_s_up", supported::RATE),
    ("rate_s_down", supported::RATE),
    ("detuning", supported::DETUNING),
    ("dephasing", supported::GAMMA),
];

/// Units of a parameter, with ħ = k_B = 1 (energies and temperatures in
/// ω0, times in 1/ω0), for plots and xarray coordinates.
pub fn parameter_units(name: &str) -> &'static str {
    match name {
        "tau" | "beta_a" | "beta_s" => "1/omega0",
        _ => "omega0",
    }
}

fn range_of(name: &str) -> Option<Range> {
    PARAMETERS.iter().find(|(n, _)| *n == name).map(|(_, r)| *r)
}

fn names() -> String {
    PARAMETERS
        .iter()
        .map(|(n, _)| *n)
        .collect::<Vec<_>>()
        .join(", ")
}

/// One axis as written in the config.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AxisSpec {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub range: Option<[f64; 2]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub points: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spacing: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<f64>>,
}

/// The config as read.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SweepConfig {
    #[serde(default)]
    pub model: ModelKind,
    #[serde(default)]
    pub protocol: Protocol,
    /// How the built-in model's thermal baths set their rates: "eq9" (the
    /// paper's, the default) or "kms". Kept as written (absent is None) so
    /// that a `[battery]`, whose Davies rates follow its own spectrum, can
    /// refuse the key whatever its value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rates: Option<RateKind>,
    /// The arrays to compute and write (`config::outputs`); all of them
    /// when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outputs: Option<Vec<String>>,
    #[serde(default)]
    pub fixed: BTreeMap<String, f64>,
    #[serde(default)]
    pub axes: Vec<AxisSpec>,
    /// Reductions over axes, computed on the device as the grid runs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reduce: Vec<crate::config::reduce::ReduceSpec>,
    /// Whether to write the full arrays as well; by default only when
    /// there are no reductions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_arrays: Option<bool>,
    /// A battery the user defines, instead of the paper's two qubits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub battery: Option<crate::config::battery::BatterySpec>,
}

/// The paper's parameters over β_A × β_S at τ = 150, in the spirit of
/// Fig. 2 (β_S = 10 is T_S = 0.1; β_A from 0.1 to 10 crosses T_A = T_S).
pub const DEFAULT_CONFIG: &str = r#"# nessbat's embedded default: NESS-battery OSS over beta_A x beta_S (Fig. 2)
model = "populations"
protocol = "optimal"

[fixed]
omega0 = 1.0
lambda = 0.01
gamma = 1e-3
tau = 150.0

[[axes]]
name = "beta_a"
range = [0.1, 10.0]
points = 256
spacing = "log"

[[axes]]
name = "beta_s"
range = [0.1, 10.0]
points = 256
spacing = "log"
"#;

/// A checked axis: its name and values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Axis {
    pub name: String,
    pub values: Vec<f64>,
    /// "linear", "log" or "values".
    pub spacing: String,
}

/// Most points on one axis. Every axis's values are held, uploaded and
/// written into metadata.json in full before any work: at 2^30 they took
/// gigabytes (and a 1-D axis of 2^30 points had the process killed for
/// memory before the disk check could refuse it). 2^20 values cost 8 MB and
/// still give phase diagrams of 2^40 points.
pub const MAX_AXIS_POINTS: u64 = 1 << 20;

impl SweepConfig {
    /// The built-in model's rate convention: as written, or Eq. 9.
    pub fn rate_kind(&self) -> RateKind {
        self.rates.unwrap_or_default()
    }

    /// Parses TOML; `origin` names the file in messages.
    pub fn parse(text: &str, origin: &str) -> Result<SweepConfig, Error> {
        toml::from_str::<SweepConfig>(text).map_err(|e| {
            let line = e.span().map(|s| text[..s.start].lines().count().max(1));
            let mut msg = e.message().replace('\n', " ");
            // serde names a missing field and stops: say what gives it.
            if let Some(field) = msg
                .strip_prefix("missing field `")
                .and_then(|m| m.strip_suffix('`'))
            {
                let accepted = match field {
                    "baths" => "one or more [[battery.baths]] tables, each with a name and a coupling or rates".to_string(),
                    f => format!("the table with `{f}` set"),
                };
                msg = format!("missing field `{field}`; accepted: {accepted}");
            }
            match line {
                Some(l) => Error::Config(format!("{origin}:{l}: {msg}")),
                None => Error::Config(format!("{origin}: {msg}")),
            }
        })
    }

    /// The config keeping only the arrays `names` (`--outputs`, Python's
    /// `outputs=`), which replace the config's own `outputs`; `key` names
    /// the setting in errors.
    pub fn with_outputs(mut self, names: &[String], key: &str) -> Result<SweepConfig, Error> {
        crate::config::outputs::parse(names, key)?;
        self.outputs = Some(names.iter().map(|n| n.trim().to_string()).collect());
        Ok(self)
    }

    /// The arrays to keep: `outputs`, or all of them.
    pub fn output_set(&self) -> Result<crate::config::outputs::Outputs, Error> {
        match &self.outputs {
            None => Ok(crate::config::outputs::Outputs::ALL),
            Some(names) => crate::config::outputs::parse(names, "outputs"),
        }
    }

    /// The config with `nessbat point`'s defaults where it is silent (the
    /// paper's λ = 0.01, τ = 150; T_A = 2 and T_S = 0.1 when neither bath
    /// is given; Γ0 = 1e-3 for a thermal bath without a coupling), so that
    /// a config and `point` with the same keys describe the same engine.
    /// The filled values are recorded with the config in metadata.json.
    pub fn with_defaults(mut self) -> SweepConfig {
        let d = crate::model::EngineParams::default();
        let has = |c: &SweepConfig, k: &str| {
            c.fixed.contains_key(k) || c.axes.iter().any(|a| a.name == k)
        };
        for (k, v) in [("lambda", d.lambda), ("tau", d.tau)] {
            if !has(&self, k) {
                self.fixed.insert(k.into(), v);
            }
        }
        let bath_keys = |c: &SweepConfig, b: &str| {
            ["t", "beta", "rate_up", "rate_down"].iter().any(|k| {
                let key = match *k {
                    "rate_up" => format!("rate_{b}_up"),
                    "rate_down" => format!("rate_{b}_down"),
                    k => format!("{k}_{b}"),
                };
                has(c, &key)
            })
        };
        if !bath_keys(&self, "a") && !bath_keys(&self, "s") {
            if let crate::model::params::Baths::Separate {
                a:
                    crate::model::Bath::Thermal {
                        temperature: ta, ..
                    },
                s:
                    crate::model::Bath::Thermal {
                        temperature: ts, ..
                    },
            } = d.baths
            {
                self.fixed.insert("t_a".into(), ta);
                self.fixed.insert("t_s".into(), ts);
            }
        }
        for b in ["a", "s"] {
            let thermal = has(&self, &format!("t_{b}")) || has(&self, &format!("beta_{b}"));
            if thermal && !has(&self, "gamma") && !has(&self, &format!("gamma_{b}")) {
                self.fixed.insert(
                    format!("gamma_{b}"),
                    crate::model::point_spec::DEFAULT_GAMMA0,
                );
            }
        }
        self
    }

    /// What is legal but probably not meant, one line each: a range
    /// swept with one point, temperatures that look like kelvin.
    pub fn warnings(&self) -> Vec<String> {
        let mut w = Vec::new();
        for a in &self.axes {
            if let (Some([lo, hi]), Some(1)) = (a.range, a.points) {
                if lo != hi {
                    w.push(format!(
                        "axis {}: range [{lo}, {hi}] with points = 1 computes only {lo}; accepted: points >= 2, or values = [{lo}]",
                        a.name
                    ));
                }
            }
        }
        for k in ["t_a", "t_s"] {
            let fixed = self.fixed.get(k).copied();
            let swept = self.axes.iter().find(|a| a.name == k).and_then(|a| {
                a.range.map(|[lo, hi]| lo.max(hi)).or_else(|| {
                    a.values
                        .as_ref()
                        .map(|v| v.iter().copied().fold(f64::MIN, f64::max))
                })
            });
            if let Some(t) = fixed.into_iter().chain(swept).reduce(f64::max) {
                if let Some(msg) = crate::model::params::units_warning(k, t) {
                    // Once per config, whichever temperature says it first.
                    w.push(msg);
                    break;
                }
            }
        }
        w
    }

    /// Checks every key and builds the axes.
    pub fn axes(&self) -> Result<Vec<Axis>, Error> {
        let model = self.model;
        for (k, v) in &self.fixed {
            let Some(r) = range_of(k) else {
                return err(format!("unknown key fixed.{k}; accepted: {}", names()));
            };
            if !r.accepts(*v) {
                return err(format!(
                    "fixed.{k} = {} is out of range; accepted: {}",
                    crate::error::short(*v),
                    r.describe()
                ));
            }
        }
        if self.axes.len() > nessbat_kernels::params::MAX_AXES {
            return err(format!(
                "{} axes given; at most {} are accepted",
                self.axes.len(),
                nessbat_kernels::params::MAX_AXES
            ));
        }
        let mut axes: Vec<Axis> = Vec::new();
        for spec in &self.axes {
            let axis = build_axis(spec)?;
            if self.fixed.contains_key(&axis.name) {
                return err(format!(
                    "axis {} is also in [fixed]; give each parameter in one place",
                    axis.name
                ));
            }
            if axes.iter().any(|a| a.name == axis.name) {
                return err(format!("axis {} is given twice", axis.name));
            }
            axes.push(axis);
        }
        let total = axes
            .iter()
            .try_fold(1u64, |n, a| n.checked_mul(a.values.len() as u64));
        if total.is_none_or(|t| t > 1 << 40) {
            return err("the grid has more than 2^40 points; accepted: at most 2^40");
        }
        let has = |k: &str| self.fixed.contains_key(k) || axes.iter().any(|a| a.name == k);
        if model == ModelKind::Populations {
            for k in ["detuning", "dephasing"] {
                if has(k) {
                    return err(format!("{k} needs model = \"density-matrix\" (the population model has no coherences)"));
                }
            }
        }
        for k in ["lambda", "tau"] {
            if !has(k) {
                return err(format!(
                    "missing parameter {k}: give it in [fixed] or as an axis"
                ));
            }
        }
        for bath in ["a", "s"] {
            check_bath(bath, &has)?;
            if self.rate_kind() == RateKind::Kms
                && (has(&format!("rate_{bath}_up")) || has(&format!("rate_{bath}_down")))
            {
                return err(format!(
                    "rates = \"kms\" applies to thermal baths only, but bath {bath} is given by explicit rates, which are taken as given: accepted with rates = \"eq9\" (the default)"
                ));
            }
        }
        if has("gamma") && (has("gamma_a") || has("gamma_s")) {
            return err("gamma is given together with gamma_a or gamma_s; give either gamma (both baths) or gamma_a/gamma_s");
        }
        // λ < ω0 and sqrt(λ² + δ²) < ω0 everywhere on the grid (ω0 is fixed).
        let omega0 = self.fixed.get("omega0").copied().unwrap_or(1.0);
        let largest = |k: &str| -> f64 {
            self.fixed
                .get(k)
                .copied()
                .or_else(|| {
                    axes.iter()
                        .find(|a| a.name == k)
                        .map(|a| a.values.iter().fold(0.0, |m: f64, v| m.max(v.abs())))
                })
                .unwrap_or(0.0)
        };
        if largest("lambda").hypot(largest("detuning")) >= omega0 {
            return err(format!(
                "lambda must stay below omega0 = {omega0} (with detuning: sqrt(lambda^2 + detuning^2) < omega0) on the whole grid"
            ));
        }
        Ok(axes)
    }
}

fn check_bath(b: &str, has: &dyn Fn(&str) -> bool) -> Result<(), Error> {
    let t = has(&format!("t_{b}"));
    let beta = has(&format!("beta_{b}"));
    let up = has(&format!("rate_{b}_up"));
    let down = has(&format!("rate_{b}_down"));
    let gamma = has("gamma") || has(&format!("gamma_{b}"));
    if t && beta {
        return err(format!("t_{b} and beta_{b} both given; give one of them"));
    }
    let thermal = t || beta;
    let explicit = up || down;
    match (thermal, explicit) {
        (true, true) => err(format!(
            "bath {b} is given twice: use t_{b} or beta_{b} (thermal) or rate_{b}_up and rate_{b}_down (explicit)"
        )),
        (false, false) => err(format!(
            "missing parameter for bath {b}: give t_{b} or beta_{b} (thermal) or rate_{b}_up and rate_{b}_down (explicit)"
        )),
        (true, false) if !gamma => err(format!("missing parameter gamma_{b} (or gamma) for the thermal bath {b}")),
        (false, true) if !(up && down) => err(format!("bath {b} with explicit rates needs both rate_{b}_up and rate_{b}_down")),
        (false, true) if has(&format!("gamma_{b}")) => err(format!("gamma_{b} applies to a thermal bath, but bath {b} is given by explicit rates")),
        _ => Ok(()),
    }
}

fn build_axis(spec: &AxisSpec) -> Result<Axis, Error> {
    let name = &spec.name;
    let Some(range) = range_of(name) else {
        return err(format!("unknown axis name {name}; accepted: {}", names()));
    };
    let axis = axis_values(spec)?;
    if let Some(bad) = axis.values.iter().find(|v| !range.accepts(**v)) {
        return err(format!(
            "axis {name}: value {} is out of range; accepted: {}",
            crate::error::short(*bad),
            range.describe()
        ));
    }
    Ok(axis)
}

/// An axis's values from `values` or `range`/`points`/`spacing`, checked
/// for shape (not for the parameter's own range): every axis, of the
/// built-in model or of a battery, is read here.
pub fn axis_values(spec: &AxisSpec) -> Result<Axis, Error> {
    let name = &spec.name;
    let (values, spacing) = match (&spec.values, &spec.range) {
        (Some(_), Some(_)) => {
            return err(format!(
                "axis {name}: give either values or range/points/spacing, not both"
            ))
        }
        (Some(v), None) => {
            if spec.points.is_some() || spec.spacing.is_some() {
                return err(format!(
                    "axis {name}: points and spacing go with range, not with values"
                ));
            }
            if v.is_empty() || v.len() as u64 > MAX_AXIS_POINTS {
                return err(format!(
                    "axis {name}: values has {} entries; accepted: 1 to {MAX_AXIS_POINTS}",
                    v.len()
                ));
            }
            // Coordinates label the arrays (xarray's too): each once.
            if let Some((i, x)) = v.iter().enumerate().find(|(i, x)| v[..*i].contains(x)) {
                return err(format!(
                    "axis {name}: value {} is given twice (position {}); accepted: distinct values",
                    crate::error::short(*x),
                    i + 1
                ));
            }
            (v.clone(), "values".to_string())
        }
        (None, Some([a, b])) => {
            let n = spec
                .points
                .ok_or_else(|| Error::Config(format!("axis {name}: range needs points")))?;
            if n == 0 || n > MAX_AXIS_POINTS {
                return err(format!(
                    "axis {name}: points = {n}; accepted: 1 to {MAX_AXIS_POINTS}"
                ));
            }
            if !a.is_finite() || !b.is_finite() {
                return err(format!("axis {name}: range [{a}, {b}] is not finite"));
            }
            if n > 1 && a == b {
                return err(format!(
                    "axis {name}: range [{a}, {b}] is empty; accepted: two different ends"
                ));
            }
            let spacing = spec.spacing.clone().unwrap_or_else(|| "linear".into());
            let v = match spacing.as_str() {
                "linear" => linspace(*a, *b, n),
                "log" => {
                    if *a <= 0.0 || *b <= 0.0 {
                        return err(format!(
                            "axis {name}: log spacing over [{a}, {b}]; accepted: both ends > 0"
                        ));
                    }
                    geomspace(*a, *b, n)
                }
                other => {
                    return err(format!(
                        "axis {name}: spacing = \"{other}\"; accepted: \"linear\", \"log\""
                    ))
                }
            };
            (v, spacing)
        }
        (None, None) => return err(format!("axis {name}: give range and points, or values")),
    };
    if let Some(bad) = values.iter().find(|v| !v.is_finite()) {
        return err(format!(
            "axis {name}: value {bad} is not finite; accepted: finite numbers"
        ));
    }
    Ok(Axis {
        name: name.clone(),
        values,
        spacing,
    })
}

/// n points from a to b, both ends included exactly.
pub fn linspace(a: f64, b: f64, n: u64) -> Vec<f64> {
    if n == 1 {
        return vec![a];
    }
    (0..n)
        .map(|i| {
            if i == n - 1 {
                b
            } else {
                a + (b - a) * (i as f64 / (n - 1) as f64)
            }
        })
        .collect()
}

/// n points from a to b in geometric progression, both ends exact.
pub fn geomspace(a: f64, b: f64, n: u64) -> Vec<f64> {
    if n == 1 {
        return vec![a];
    }
    let (la, lb) = (a.ln(), b.ln());
    (0..n)
        .map(|i| {
            if i == 0 {
                a
            } else if i == n - 1 {
                b
            } else {
                (la + (lb - la) * (i as f64 / (n - 1) as f64)).exp()
            }
        })
        .collect()
}

/// The config as TOML text (what a config file given as a Python dict
/// would hold).
pub fn to_toml(cfg: &SweepConfig) -> Result<String, Error> {
    toml::to_string(cfg).map_err(|e| Error::Config(format!("config: {e}")))
}
