//! Flags shared by `point` and `trace`, and how they become parameters.

use clap::{Args, ValueEnum};

use super::BadInput;
use nessbat::model::params::Baths;
use nessbat::model::{Bath, EngineParams, ModelKind, Protocol, RateKind};

/// Parses a finite number; NaN, inf and text are rejected with the range.
fn number(s: &str, accepted: &str, ok: fn(f64) -> bool) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && ok(v) => Ok(v),
        _ => Err(format!("accepted: {accepted}")),
    }
}

pub fn finite(s: &str) -> Result<f64, String> {
    number(s, "a finite number", |_| true)
}

pub fn positive(s: &str) -> Result<f64, String> {
    number(s, "a finite number > 0", |v| v > 0.0)
}

pub fn non_negative(s: &str) -> Result<f64, String> {
    number(s, "a finite number >= 0", |v| v >= 0.0)
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ModelArg {
    Populations,
    DensityMatrix,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RatesArg {
    /// The paper's Eq. 9: Bose factor at ω0 for every transition
    Eq9,
    /// Detailed balance at each transition's own frequency ω0 ± λ
    Kms,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ProtocolArg {
    Optimal,
    GateGlobal,
    GateLocal,
}

/// One engine point. Without bath flags: the paper's T_A = 2, T_S = 0.1.
#[derive(Debug, Clone, Args)]
pub struct PointArgs {
    /// Qubit gap ω0
    #[arg(long, default_value = "1", value_parser = positive)]
    pub omega0: f64,
    /// Qubit–qubit coupling λ, 0 <= λ < ω0
    #[arg(long, default_value = "0.01", value_parser = non_negative)]
    pub lambda: f64,
    /// Cycle length τ > 0
    #[arg(long, default_value = "150", value_parser = positive)]
    pub tau: f64,
    /// Temperature of bath A (thermal)
    #[arg(long, value_parser = positive, help_heading = "Baths")]
    pub t_a: Option<f64>,
    /// Temperature of bath S (thermal)
    #[arg(long, value_parser = positive, help_heading = "Baths")]
    pub t_s: Option<f64>,
    /// Coupling Γ0 of both thermal baths [default: 1e-3]
    #[arg(long, value_parser = non_negative, conflicts_with_all = ["gamma_a", "gamma_s"], help_heading = "Baths")]
    pub gamma: Option<f64>,
    /// Coupling Γ0 of thermal bath A
    #[arg(long, value_parser = non_negative, help_heading = "Baths")]
    pub gamma_a: Option<f64>,
    /// Coupling Γ0 of thermal bath S
    #[arg(long, value_parser = non_negative, help_heading = "Baths")]
    pub gamma_s: Option<f64>,
    /// Explicit rate Γ_A+ (up)
    #[arg(long, value_parser = non_negative, help_heading = "Baths")]
    pub rate_a_up: Option<f64>,
    /// Explicit rate Γ_A− (down)
    #[arg(long, value_parser = non_negative, help_heading = "Baths")]
    pub rate_a_down: Option<f64>,
    /// Explicit rate Γ_S+ (up)
    #[arg(long, value_parser = non_negative, help_heading = "Baths")]
    pub rate_s_up: Option<f64>,
    /// Explicit rate Γ_S− (down)
    #[arg(long, value_parser = non_negative, help_heading = "Baths")]
    pub rate_s_down: Option<f64>,
    /// Physical implementation: incoherent pump p
    #[arg(long, value_parser = non_negative, help_heading = "Baths")]
    pub pump: Option<f64>,
    /// Physical implementation: local decay γ
    #[arg(long, value_parser = non_negative, help_heading = "Baths")]
    pub local_decay: Option<f64>,
    /// Physical implementation: collective decay Γ
    #[arg(long, value_parser = non_negative, help_heading = "Baths")]
    pub collective_decay: Option<f64>,
    /// State space of the charging stroke
    #[arg(long, value_enum, default_value = "populations")]
    pub model: ModelArg,
    /// Extraction unitary
    #[arg(long, value_enum, default_value = "optimal")]
    pub protocol: ProtocolArg,
    /// How thermal baths set their rates
    #[arg(long, value_enum, default_value = "eq9")]
    pub rates: RatesArg,
    /// Qubit detuning δ (density-matrix model)
    #[arg(long, value_parser = finite)]
    pub detuning: Option<f64>,
    /// Pure dephasing rate γφ per qubit (density-matrix model)
    #[arg(long, value_parser = non_negative)]
    pub dephasing: Option<f64>,
}

impl PointArgs {
    pub fn model(&self) -> ModelKind {
        match self.model {
            ModelArg::Populations => ModelKind::Populations,
            ModelArg::DensityMatrix => ModelKind::DensityMatrix,
        }
    }

    pub fn protocol(&self) -> Protocol {
        match self.protocol {
            ProtocolArg::Optimal => Protocol::Optimal,
            ProtocolArg::GateGlobal => Protocol::GateGlobal,
            ProtocolArg::GateLocal => Protocol::GateLocal,
        }
    }

    pub fn rate_kind(&self) -> RateKind {
        match self.rates {
            RatesArg::Eq9 => RateKind::Eq9,
            RatesArg::Kms => RateKind::Kms,
        }
    }

    fn bath(
        &self,
        which: &str,
        t: Option<f64>,
        up: Option<f64>,
        down: Option<f64>,
        g: Option<f64>,
    ) -> Result<Option<Bath>, BadInput> {
        let gamma = g.or(self.gamma);
        match (t, up, down) {
            (None, None, None) => Ok(None),
            (Some(temperature), None, None) => Ok(Some(Bath::Thermal {
                temperature,
                gamma0: gamma.unwrap_or(1e-3),
            })),
            (None, Some(up), Some(down)) if gamma.is_none() => Ok(Some(Bath::Rates { up, down })),
            (None, Some(_), Some(_)) => Err(BadInput(format!(
                "bath {which} is given by explicit rates, which take no coupling: drop --gamma/--gamma-{which}"
            ))),
            (None, _, _) => Err(BadInput(format!(
                "bath {which} with explicit rates needs both --rate-{which}-up and --rate-{which}-down"
            ))),
            (Some(_), _, _) => Err(BadInput(format!(
                "bath {which} is given twice: use either --t-{which} (thermal) or --rate-{which}-up/--rate-{which}-down (explicit rates)"
            ))),
        }
    }

    /// The engine parameters these flags describe.
    pub fn params(&self) -> Result<EngineParams, BadInput> {
        let a = self.bath(
            "a",
            self.t_a,
            self.rate_a_up,
            self.rate_a_down,
            self.gamma_a,
        )?;
        let s = self.bath(
            "s",
            self.t_s,
            self.rate_s_up,
            self.rate_s_down,
            self.gamma_s,
        )?;
        let physical = [self.pump, self.local_decay, self.collective_decay];
        let baths = if physical.iter().any(Option::is_some) {
            if a.is_some()
                || s.is_some()
                || self.gamma.is_some()
                || self.gamma_a.is_some()
                || self.gamma_s.is_some()
            {
                return Err(BadInput(
                    "the baths are given twice: --pump/--local-decay/--collective-decay set both baths, so drop --t-*, --rate-* and --gamma*".into(),
                ));
            }
            match physical {
                [Some(pump), Some(local_decay), Some(collective_decay)] => Baths::Physical {
                    pump,
                    local_decay,
                    collective_decay,
                },
                _ => {
                    return Err(BadInput(
                        "the physical implementation needs all of --pump, --local-decay and --collective-decay".into(),
                    ))
                }
            }
        } else {
            let defaults = EngineParams::default();
            let paper = |t: f64, g: Option<f64>| Bath::Thermal {
                temperature: t,
                gamma0: g.or(self.gamma).unwrap_or(1e-3),
            };
            match (a, s) {
                (Some(a), Some(s)) => Baths::Separate { a, s },
                (None, None)
                    if self.gamma_a.is_none() && self.gamma_s.is_none() && self.gamma.is_none() =>
                {
                    defaults.baths
                }
                (None, None) => Baths::Separate {
                    a: paper(2.0, self.gamma_a),
                    s: paper(0.1, self.gamma_s),
                },
                (None, Some(_)) => return Err(BadInput(missing("a"))),
                (Some(_), None) => return Err(BadInput(missing("s"))),
            }
        };
        let params = EngineParams {
            omega0: self.omega0,
            lambda: self.lambda,
            tau: self.tau,
            baths,
            detuning: self.detuning.unwrap_or(0.0),
            dephasing: self.dephasing.unwrap_or(0.0),
            rate_kind: self.rate_kind(),
        };
        if self.model() == ModelKind::Populations
            && (self.detuning.is_some() || self.dephasing.is_some())
        {
            return Err(BadInput(
                "--detuning and --dephasing need --model density-matrix (the population model has no coherences)".into(),
            ));
        }
        params
            .validate(self.model())
            .map_err(|e| BadInput(flag_names(&e.to_string())))?;
        Ok(params)
    }
}

fn missing(which: &str) -> String {
    format!("bath {which} is not given: add --t-{which} (thermal) or --rate-{which}-up and --rate-{which}-down (explicit rates)")
}

/// Library messages name parameters by their config keys (`t_a`); on the
/// command line they are flags (`--t-a`).
fn flag_names(msg: &str) -> String {
    let keys = [
        "omega0",
        "lambda",
        "tau",
        "t_a",
        "t_s",
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
    match msg.split_once(' ') {
        Some((first, rest)) if keys.contains(&first) => {
            format!("--{} {rest}", first.replace('_', "-"))
        }
        _ => msg.to_string(),
    }
}
