//! One engine point described by name, as `nessbat point` flags, config
//! keys and Python keyword arguments all describe it: the same keys, the
//! same defaults (the paper's T_A = 2, T_S = 0.1, Γ0 = 1e-3, λ = 0.01,
//! τ = 150), the same refusals. Messages name the keys through the
//! caller's spelling (`t_a` in Python, `--t-a` on the command line).

use super::params::Baths;
use super::{Bath, EngineParams, ModelKind, RateKind};
use crate::error::Error;

/// The parameter keys, in the order messages list them.
pub const POINT_KEYS: [&str; 17] = [
    "omega0",
    "lambda",
    "tau",
    "t_a",
    "t_s",
    "gamma",
    "gamma_a",
    "gamma_s",
    "rate_a_up",
    "rate_a_down",
    "rate_s_up",
    "rate_s_down",
    "pump",
    "local_decay",
    "collective_decay",
    "detuning",
    "dephasing",
];

/// The default coupling Γ0 of a thermal bath (the paper's).
pub const DEFAULT_GAMMA0: f64 = 1e-3;

/// A point's parameters as given: every key optional.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PointSpec {
    pub omega0: Option<f64>,
    pub lambda: Option<f64>,
    pub tau: Option<f64>,
    pub t_a: Option<f64>,
    pub t_s: Option<f64>,
    pub gamma: Option<f64>,
    pub gamma_a: Option<f64>,
    pub gamma_s: Option<f64>,
    pub rate_a_up: Option<f64>,
    pub rate_a_down: Option<f64>,
    pub rate_s_up: Option<f64>,
    pub rate_s_down: Option<f64>,
    pub pump: Option<f64>,
    pub local_decay: Option<f64>,
    pub collective_decay: Option<f64>,
    pub detuning: Option<f64>,
    pub dephasing: Option<f64>,
}

impl PointSpec {
    /// Sets `key`, one of [`POINT_KEYS`] (or `lambda_`, Python's spelling).
    pub fn set(&mut self, key: &str, value: f64) -> Result<(), Error> {
        let slot = match key {
            "omega0" => &mut self.omega0,
            "lambda" | "lambda_" => &mut self.lambda,
            "tau" => &mut self.tau,
            "t_a" => &mut self.t_a,
            "t_s" => &mut self.t_s,
            "gamma" => &mut self.gamma,
            "gamma_a" => &mut self.gamma_a,
            "gamma_s" => &mut self.gamma_s,
            "rate_a_up" => &mut self.rate_a_up,
            "rate_a_down" => &mut self.rate_a_down,
            "rate_s_up" => &mut self.rate_s_up,
            "rate_s_down" => &mut self.rate_s_down,
            "pump" => &mut self.pump,
            "local_decay" => &mut self.local_decay,
            "collective_decay" => &mut self.collective_decay,
            "detuning" => &mut self.detuning,
            "dephasing" => &mut self.dephasing,
            _ => {
                return Err(Error::Conflict(format!(
                    "unknown parameter '{key}'; accepted: {}",
                    POINT_KEYS.join(", ")
                )))
            }
        };
        if slot.is_some() {
            return Err(Error::Conflict(format!("{key} is given twice")));
        }
        *slot = Some(value);
        Ok(())
    }

    /// The engine parameters, checked for `model`; `key` spells a
    /// parameter key as the caller's user writes it.
    pub fn params(
        &self,
        model: ModelKind,
        rate_kind: RateKind,
        key: &dyn Fn(&str) -> String,
    ) -> Result<EngineParams, Error> {
        let d = EngineParams::default();
        let conflict = |m: String| Error::Conflict(m);
        if self.gamma.is_some() && (self.gamma_a.is_some() || self.gamma_s.is_some()) {
            return Err(conflict(format!(
                "{} is given together with {} or {}; give either {} (both baths) or {}/{}",
                key("gamma"),
                key("gamma_a"),
                key("gamma_s"),
                key("gamma"),
                key("gamma_a"),
                key("gamma_s")
            )));
        }
        let a = self.bath(
            "a",
            self.t_a,
            self.rate_a_up,
            self.rate_a_down,
            self.gamma_a,
            key,
        )?;
        let s = self.bath(
            "s",
            self.t_s,
            self.rate_s_up,
            self.rate_s_down,
            self.gamma_s,
            key,
        )?;
        let physical = [self.pump, self.local_decay, self.collective_decay];
        let gammas = [self.gamma, self.gamma_a, self.gamma_s];
        let baths = if physical.iter().any(Option::is_some) {
            if a.is_some() || s.is_some() || gammas.iter().any(Option::is_some) {
                return Err(conflict(format!(
                    "the baths are given twice: {}/{}/{} set both baths, so drop {}, {} and {}",
                    key("pump"),
                    key("local_decay"),
                    key("collective_decay"),
                    key("t_*"),
                    key("rate_*"),
                    key("gamma*")
                )));
            }
            match physical {
                [Some(pump), Some(local_decay), Some(collective_decay)] => Baths::Physical {
                    pump,
                    local_decay,
                    collective_decay,
                },
                _ => {
                    return Err(conflict(format!(
                        "the physical implementation needs all of {}, {} and {}",
                        key("pump"),
                        key("local_decay"),
                        key("collective_decay")
                    )))
                }
            }
        } else {
            // The paper's baths (EngineParams::default), with the user's Γ0.
            let paper = |b: &Bath, g: Option<f64>| match *b {
                Bath::Thermal { temperature, .. } => Bath::Thermal {
                    temperature,
                    gamma0: g.or(self.gamma).unwrap_or(DEFAULT_GAMMA0),
                },
                b => b,
            };
            let Baths::Separate { a: a0, s: s0 } = &d.baths else {
                unreachable!("the default baths are separate")
            };
            // A bath not given keeps its documented default (T_A = 2,
            // T_S = 0.1), also when the other one is given.
            Baths::Separate {
                a: a.unwrap_or_else(|| paper(a0, self.gamma_a)),
                s: s.unwrap_or_else(|| paper(s0, self.gamma_s)),
            }
        };
        if model == ModelKind::Populations && (self.detuning.is_some() || self.dephasing.is_some())
        {
            return Err(conflict(format!(
                "{} and {} need {} density-matrix (the population model has no coherences)",
                key("detuning"),
                key("dephasing"),
                key("model")
            )));
        }
        let params = EngineParams {
            omega0: self.omega0.unwrap_or(d.omega0),
            lambda: self.lambda.unwrap_or(d.lambda),
            tau: self.tau.unwrap_or(d.tau),
            baths,
            detuning: self.detuning.unwrap_or(0.0),
            dephasing: self.dephasing.unwrap_or(0.0),
            rate_kind,
        };
        params.validate(model).map_err(|e| match e {
            Error::OutOfRange {
                key: k,
                accepted,
                value,
            } => Error::OutOfRange {
                key: key(&k),
                accepted,
                value,
            },
            e => e,
        })?;
        Ok(params)
    }

    fn bath(
        &self,
        which: &str,
        t: Option<f64>,
        up: Option<f64>,
        down: Option<f64>,
        g: Option<f64>,
        key: &dyn Fn(&str) -> String,
    ) -> Result<Option<Bath>, Error> {
        let gamma = g.or(self.gamma);
        let k = |s: &str| key(&format!("{s}_{which}"));
        match (t, up, down) {
            (None, None, None) => Ok(None),
            (Some(temperature), None, None) => Ok(Some(Bath::Thermal {
                temperature,
                gamma0: gamma.unwrap_or(DEFAULT_GAMMA0),
            })),
            (None, Some(up), Some(down)) if gamma.is_none() => Ok(Some(Bath::Rates { up, down })),
            (None, Some(_), Some(_)) => Err(Error::Conflict(format!(
                "bath {which} is given by explicit rates, which take no coupling: drop {}/{}",
                key("gamma"),
                k("gamma")
            ))),
            (None, _, _) => Err(Error::Conflict(format!(
                "bath {which} with explicit rates needs both {} and {}",
                key(&format!("rate_{which}_up")),
                key(&format!("rate_{which}_down"))
            ))),
            (Some(_), _, _) => Err(Error::Conflict(format!(
                "bath {which} is given twice: use either {} (thermal) or {}/{} (explicit rates)",
                k("t"),
                key(&format!("rate_{which}_up")),
                key(&format!("rate_{which}_down"))
            ))),
        }
    }
}
