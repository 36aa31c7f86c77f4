//! Parameter structs for one engine point, with the paper's defaults.

use crate::error::{Error, Result};
pub use nessbat_kernels::Named;

/// How one bath is specified.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bath {
    /// Temperature T > 0 and coupling Γ0 ≥ 0; rates from Eq. 9.
    Thermal { temperature: f64, gamma0: f64 },
    /// Explicit rates Γ+ (up) and Γ− (down), both ≥ 0. Γ+ > Γ− describes
    /// pumping (a negative effective temperature).
    Rates { up: f64, down: f64 },
}

/// How the two baths are specified.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Baths {
    /// Bath A (antisymmetric channel) and bath S (symmetric channel).
    Separate { a: Bath, s: Bath },
    /// The paper's physical implementation (end of Sec. II): incoherent pump
    /// p, local decay γ and collective (superradiant) decay Γ, giving
    /// Γ_S+ = Γ_A+ = p/2, Γ_A− = γ/2, Γ_S− = γ/2 + Γ.
    Physical {
        pump: f64,
        local_decay: f64,
        collective_decay: f64,
    },
}

/// Which state space the charging stroke is integrated in: part of the
/// kernels' interface, since it selects a kernel.
pub use nessbat_kernels::ModelKind;

/// The extraction unitary applied at the end of each charging stroke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Protocol {
    /// The ergotropy-optimal unitary of Eq. 3, recomputed every cycle.
    #[default]
    Optimal,
    /// U_G = exp(−i(σz(1) − σz(2))π/4).
    GateGlobal,
    /// U_1 = exp(−iσz(1)π/2), acting on qubit 1 only.
    GateLocal,
}

/// How a thermal bath's rates follow from its temperature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RateKind {
    /// The paper's Eq. 9: every transition a bath drives gets the Bose
    /// factor at ω0. Valid for λ ≪ ω0; it breaks the second law at
    /// O(λ/ω0), because the transitions gg↔A and A↔ee (bath A) sit at
    /// ω0 ± λ, not at ω0.
    #[default]
    Eq9,
    /// Detailed balance (KMS) transition by transition: the Bose factor at
    /// each Bohr frequency of the full H, with a flat spectral density
    /// (up-rate Γ0 n(ω), down-rate Γ0 (n(ω) + 1)); with detuning the
    /// dissipator is the global (Davies) one. Reduces to Eq. 9 as λ → 0.
    Kms,
}

impl Named for RateKind {
    const WHAT: &'static str = "rates";
    const ALL: &'static [RateKind] = &[RateKind::Eq9, RateKind::Kms];

    /// The name used on the command line and in configs.
    fn name(self) -> &'static str {
        match self {
            RateKind::Eq9 => "eq9",
            RateKind::Kms => "kms",
        }
    }
}

impl Named for Protocol {
    const WHAT: &'static str = "protocol";
    const ALL: &'static [Protocol] =
        &[Protocol::Optimal, Protocol::GateGlobal, Protocol::GateLocal];

    /// The name used on the command line and in configs.
    fn name(self) -> &'static str {
        match self {
            Protocol::Optimal => "optimal",
            Protocol::GateGlobal => "gate-global",
            Protocol::GateLocal => "gate-local",
        }
    }
}

nessbat_kernels::named!(RateKind, Protocol);

/// One engine point. Units: ħ = k_B = 1, energies in the same unit as ω0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EngineParams {
    pub omega0: f64,
    /// Qubit–qubit coupling λ, 0 ≤ λ < ω0.
    pub lambda: f64,
    /// Charging-stroke length τ > 0 (one full cycle).
    pub tau: f64,
    pub baths: Baths,
    /// Qubit detuning δ: H += δ/2 (σz(1) − σz(2)). Density-matrix model only.
    pub detuning: f64,
    /// Pure dephasing rate γφ of each qubit's coherence (jump σz(i) at rate
    /// γφ/2). Density-matrix model only.
    pub dephasing: f64,
    /// How thermal baths set their rates (explicit rates are taken as
    /// given).
    pub rate_kind: RateKind,
}

impl Default for EngineParams {
    /// The paper's parameters (Figs. 3 and 4): λ = 0.01, Γ0 = 1e-3,
    /// T_A = 2, T_S = 0.1, τ = 150, ω0 = 1.
    fn default() -> Self {
        EngineParams {
            omega0: 1.0,
            lambda: 0.01,
            tau: 150.0,
            baths: Baths::Separate {
                a: Bath::Thermal {
                    temperature: 2.0,
                    gamma0: 1e-3,
                },
                s: Bath::Thermal {
                    temperature: 0.1,
                    gamma0: 1e-3,
                },
            },
            detuning: 0.0,
            dephasing: 0.0,
            rate_kind: RateKind::Eq9,
        }
    }
}

/// The supported range of every parameter: what the config check and
/// `point` accept, and what tests/property.rs samples up to, so that the
/// accepted range is the trusted range. Outside it (strokes or rates that
/// overflow, temperatures far from ω0) nothing is computed.
pub mod supported {
    /// Accepted values of a parameter: `min <= v <= max`, or exactly 0
    /// where `zero` (a channel switched off, no coupling).
    #[derive(Debug, Clone, Copy, PartialEq)]
    pub struct Range {
        pub min: f64,
        pub max: f64,
        pub zero: bool,
    }

    impl Range {
        pub fn accepts(self, v: f64) -> bool {
            v.is_finite() && ((self.zero && v == 0.0) || (v >= self.min && v <= self.max))
        }

        pub fn describe(self) -> String {
            let (lo, hi) = (self.min, self.max);
            if self.zero {
                format!("0 or a number in [{lo:e}, {hi:e}]")
            } else {
                format!("a number in [{lo:e}, {hi:e}]")
            }
        }
    }

    const fn within(min: f64, max: f64, zero: bool) -> Range {
        Range { min, max, zero }
    }

    pub const OMEGA0: Range = within(1e-2, 1e2, false);
    /// λ (and the splitting) below ω0 is checked against ω0 as well.
    pub const LAMBDA: Range = within(1e-10, 1e2, true);
    pub const TAU: Range = within(1e-6, 1e12, false);
    pub const TEMPERATURE: Range = within(1e-3, 1e3, false);
    pub const BETA: Range = within(1e-3, 1e3, false);
    pub const GAMMA: Range = within(1e-9, 1.0, true);
    /// Explicit rates: Γ n̄ over the temperatures and couplings above.
    pub const RATE: Range = within(1e-9, 1e3, true);
    /// |δ| below ω0 is checked against ω0 with λ.
    pub const DETUNING: Range = within(-1e2, 1e2, false);
}

/// The supported range of `name`, checked as `check` does.
fn check_supported(name: &str, range: supported::Range, value: f64) -> Result<()> {
    check(name, &range.describe(), value, range.accepts(value))
}

fn check(name: &str, accepted: &str, value: f64, ok: bool) -> Result<()> {
    if value.is_finite() && ok {
        Ok(())
    } else {
        Err(Error::range(name, accepted, value))
    }
}

fn check_bath(bath: &Bath, which: &str) -> Result<()> {
    match *bath {
        Bath::Thermal {
            temperature,
            gamma0,
        } => {
            check_supported(&format!("t_{which}"), supported::TEMPERATURE, temperature)?;
            check_supported(&format!("gamma_{which}"), supported::GAMMA, gamma0)
        }
        Bath::Rates { up, down } => {
            check_supported(&format!("rate_{which}_up"), supported::RATE, up)?;
            check_supported(&format!("rate_{which}_down"), supported::RATE, down)
        }
    }
}

impl EngineParams {
    /// Checks every range; `model` decides whether detuning and dephasing
    /// are allowed.
    pub fn validate(&self, model: ModelKind) -> Result<()> {
        check_supported("omega0", supported::OMEGA0, self.omega0)?;
        check_supported("lambda", supported::LAMBDA, self.lambda)?;
        check(
            "lambda",
            "a finite number with 0 <= lambda < omega0",
            self.lambda,
            self.lambda >= 0.0 && self.lambda < self.omega0,
        )?;
        check_supported("tau", supported::TAU, self.tau)?;
        match &self.baths {
            Baths::Separate { a, s } => {
                check_bath(a, "a")?;
                check_bath(s, "s")?;
            }
            Baths::Physical {
                pump,
                local_decay,
                collective_decay,
            } => {
                check_supported("pump", supported::RATE, *pump)?;
                check_supported("local_decay", supported::RATE, *local_decay)?;
                check_supported("collective_decay", supported::RATE, *collective_decay)?;
            }
        }
        check_supported("detuning", supported::DETUNING, self.detuning)?;
        check_supported("dephasing", supported::GAMMA, self.dephasing)?;
        if model == ModelKind::Populations && (self.detuning != 0.0 || self.dephasing != 0.0) {
            return Err(Error::Conflict(
                "detuning and dephasing need the density-matrix model (accepted with --model density-matrix)"
                    .into(),
            ));
        }
        // KMS gives each transition the Bose factor of its own Bohr
        // frequency at a bath's temperature: it means nothing for rates
        // given explicitly (or pumped), which are taken as given, and it
        // would silently switch their coupling to the global (Davies) form.
        let thermal = matches!(
            self.baths,
            Baths::Separate {
                a: Bath::Thermal { .. },
                s: Bath::Thermal { .. }
            }
        );
        if self.rate_kind == RateKind::Kms && !thermal {
            return Err(Error::Conflict(
                "rates = kms applies to thermal baths only (t_a/t_s or beta_a/beta_s with gamma); explicit and pumped rates are taken as given: accepted with rates = eq9".into(),
            ));
        }
        if self.lambda.hypot(self.detuning) >= self.omega0 {
            return Err(Error::Conflict(format!(
                "sqrt(lambda^2 + detuning^2) must be < omega0 so the level order (gg, S, A, ee) holds, got {}",
                self.lambda.hypot(self.detuning)
            )));
        }
        Ok(())
    }
}

/// A temperature of 100 ω0 or more: legal, but more often kelvin typed
/// into a tool whose unit is ω0. One line for the user, or None.
pub fn units_warning(key: &str, temperature: f64) -> Option<String> {
    (temperature >= 100.0).then(|| {
        format!(
            "{key} = {temperature}: energies and temperatures are in units of omega0 (hbar = k_B = 1), so this is {temperature} omega0/k_B, not kelvin"
        )
    })
}
