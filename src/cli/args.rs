//! Flags shared by `point` and `trace`, and how they become parameters.

use clap::builder::TypedValueParser;
use clap::Args;

use super::BadInput;
use nessbat::kernels::Named;
use nessbat::model::point_spec::PointSpec;
use nessbat::model::{EngineParams, ModelKind, Protocol, RateKind};

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

/// An optimizer's xtol: what f64 can bracket, below 1.
pub fn xtol(s: &str) -> Result<f64, String> {
    use nessbat::optimize::refine::MIN_XTOL;
    number(
        s,
        &format!("{MIN_XTOL:e} <= xtol < 1 (f64 cannot bracket an axis finer)"),
        |v| (MIN_XTOL..1.0).contains(&v),
    )
}

pub fn non_negative(s: &str) -> Result<f64, String> {
    number(s, "a finite number >= 0", |v| v >= 0.0)
}

/// The value parser of one of the library's named enums: its names are
/// clap's possible values (listed in `--help` and in the one-line error
/// for any other word), and the library's own type is the value, so the
/// command line mirrors no enum.
pub fn choice<T: Named + Send + Sync>() -> impl clap::builder::TypedValueParser<Value = T> {
    clap::builder::PossibleValuesParser::new(T::ALL.iter().map(|v| v.name()))
        .map(|s| T::parse(&s).expect("clap admits only the possible values"))
}

/// One engine point. Without bath flags: the paper's T_A = 2, T_S = 0.1.
#[derive(Debug, Clone, Args)]
pub struct PointArgs {
    /// Qubit gap ω0
    #[arg(long, allow_hyphen_values = true, default_value = "1", value_parser = positive)]
    pub omega0: f64,
    /// Qubit–qubit coupling λ, 0 <= λ < ω0
    #[arg(long, allow_hyphen_values = true, default_value = "0.01", value_parser = non_negative)]
    pub lambda: f64,
    /// Cycle length τ > 0
    #[arg(long, allow_hyphen_values = true, default_value = "150", value_parser = positive)]
    pub tau: f64,
    /// Temperature of bath A (thermal)
    #[arg(long, allow_hyphen_values = true, value_parser = positive, help_heading = "Baths")]
    pub t_a: Option<f64>,
    /// Temperature of bath S (thermal)
    #[arg(long, allow_hyphen_values = true, value_parser = positive, help_heading = "Baths")]
    pub t_s: Option<f64>,
    /// Coupling Γ0 of both thermal baths [default: 1e-3]
    #[arg(long, allow_hyphen_values = true, value_parser = non_negative, conflicts_with_all = ["gamma_a", "gamma_s"], help_heading = "Baths")]
    pub gamma: Option<f64>,
    /// Coupling Γ0 of thermal bath A
    #[arg(long, allow_hyphen_values = true, value_parser = non_negative, help_heading = "Baths")]
    pub gamma_a: Option<f64>,
    /// Coupling Γ0 of thermal bath S
    #[arg(long, allow_hyphen_values = true, value_parser = non_negative, help_heading = "Baths")]
    pub gamma_s: Option<f64>,
    /// Explicit rate Γ_A+ (up)
    #[arg(long, allow_hyphen_values = true, value_parser = non_negative, help_heading = "Baths")]
    pub rate_a_up: Option<f64>,
    /// Explicit rate Γ_A− (down)
    #[arg(long, allow_hyphen_values = true, value_parser = non_negative, help_heading = "Baths")]
    pub rate_a_down: Option<f64>,
    /// Explicit rate Γ_S+ (up)
    #[arg(long, allow_hyphen_values = true, value_parser = non_negative, help_heading = "Baths")]
    pub rate_s_up: Option<f64>,
    /// Explicit rate Γ_S− (down)
    #[arg(long, allow_hyphen_values = true, value_parser = non_negative, help_heading = "Baths")]
    pub rate_s_down: Option<f64>,
    /// Physical implementation: incoherent pump p
    #[arg(long, allow_hyphen_values = true, value_parser = non_negative, help_heading = "Baths")]
    pub pump: Option<f64>,
    /// Physical implementation: local decay γ
    #[arg(long, allow_hyphen_values = true, value_parser = non_negative, help_heading = "Baths")]
    pub local_decay: Option<f64>,
    /// Physical implementation: collective decay Γ
    #[arg(long, allow_hyphen_values = true, value_parser = non_negative, help_heading = "Baths")]
    pub collective_decay: Option<f64>,
    /// State space of the charging stroke
    #[arg(long, value_parser = choice::<ModelKind>(), default_value = "populations")]
    pub model: ModelKind,
    /// Extraction unitary
    #[arg(long, value_parser = choice::<Protocol>(), default_value = "optimal")]
    pub protocol: Protocol,
    /// How thermal baths set their rates: eq9, the paper's Eq. 9 (the Bose
    /// factor at ω0 for every transition), or kms, detailed balance at each
    /// transition's own frequency
    #[arg(long, value_parser = choice::<RateKind>(), default_value = "eq9")]
    pub rates: RateKind,
    /// Qubit detuning δ (density-matrix model)
    #[arg(long, allow_hyphen_values = true, value_parser = finite)]
    pub detuning: Option<f64>,
    /// Pure dephasing rate γφ per qubit (density-matrix model)
    #[arg(long, allow_hyphen_values = true, value_parser = non_negative)]
    pub dephasing: Option<f64>,
}

impl PointArgs {
    /// The point these flags describe, as the library's key-value spec.
    pub fn spec(&self) -> PointSpec {
        PointSpec {
            omega0: Some(self.omega0),
            lambda: Some(self.lambda),
            tau: Some(self.tau),
            t_a: self.t_a,
            t_s: self.t_s,
            gamma: self.gamma,
            gamma_a: self.gamma_a,
            gamma_s: self.gamma_s,
            rate_a_up: self.rate_a_up,
            rate_a_down: self.rate_a_down,
            rate_s_up: self.rate_s_up,
            rate_s_down: self.rate_s_down,
            pump: self.pump,
            local_decay: self.local_decay,
            collective_decay: self.collective_decay,
            detuning: self.detuning,
            dephasing: self.dephasing,
        }
    }

    /// The engine parameters these flags describe.
    pub fn params(&self) -> Result<EngineParams, BadInput> {
        self.spec()
            .params(self.model, self.rates, &flag)
            .map_err(|e| BadInput(e.to_string()))
    }
}

/// Library messages name parameters by their config keys (`t_a`); on the
/// command line they are flags (`--t-a`).
pub fn flag(key: &str) -> String {
    format!("--{}", key.replace('_', "-"))
}
