//! Bath rates: Eq. 9 for thermal baths, and the physical implementation of
//! Sec. II (pump p, local decay γ, collective decay Γ).

use super::levels::doublet_splitting;
use super::params::{Bath, Baths, EngineParams, RateKind};

/// The four jump rates of Eq. 8.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rates {
    pub a_up: f64,
    pub a_down: f64,
    pub s_up: f64,
    pub s_down: f64,
}

/// Which bath is the hot one, whose heat enters the efficiency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HotBath {
    A,
    S,
}

/// Bose occupation n̄ = 1/(e^{ω0/T} − 1). `exp_m1` keeps it accurate at
/// high T, where e^{ω0/T} − 1 would cancel.
pub fn bose(omega0: f64, temperature: f64) -> f64 {
    1.0 / (omega0 / temperature).exp_m1()
}

/// Rates (Γ+, Γ−) of one bath.
pub fn bath_rates(omega0: f64, bath: &Bath) -> (f64, f64) {
    match *bath {
        Bath::Thermal {
            temperature,
            gamma0,
        } => {
            let n = bose(omega0, temperature);
            (gamma0 * n, gamma0 * (n + 1.0))
        }
        Bath::Rates { up, down } => (up, down),
    }
}

impl Rates {
    pub fn from_params(p: &EngineParams) -> Rates {
        match &p.baths {
            Baths::Separate { a, s } => {
                let (a_up, a_down) = bath_rates(p.omega0, a);
                let (s_up, s_down) = bath_rates(p.omega0, s);
                Rates {
                    a_up,
                    a_down,
                    s_up,
                    s_down,
                }
            }
            Baths::Physical {
                pump,
                local_decay,
                collective_decay,
            } => Rates {
                a_up: pump / 2.0,
                a_down: local_decay / 2.0,
                s_up: pump / 2.0,
                s_down: local_decay / 2.0 + collective_decay,
            },
        }
    }

    /// Sum of all four rates, the scale of every relaxation time.
    pub fn total(&self) -> f64 {
        self.a_up + self.a_down + self.s_up + self.s_down
    }
}

/// One bath's rates per Bohr frequency of H. `lo` is ω0 − r (gg ↔ S and
/// A ↔ ee), `hi` is ω0 + r (gg ↔ A and S ↔ ee), r = sqrt(λ² + δ²). Bath A
/// drives gg → A at `hi` and A → ee at `lo`; bath S drives gg → S at `lo`
/// and S → ee at `hi`. Under Eq. 9 and for explicit rates `lo` = `hi`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BathRates {
    pub up_lo: f64,
    pub down_lo: f64,
    pub up_hi: f64,
    pub down_hi: f64,
}

impl BathRates {
    /// The same (Γ+, Γ−) at both frequencies.
    pub fn flat(up: f64, down: f64) -> BathRates {
        BathRates {
            up_lo: up,
            down_lo: down,
            up_hi: up,
            down_hi: down,
        }
    }

    /// Sum of the four rates.
    pub fn total(&self) -> f64 {
        self.up_lo + self.down_lo + self.up_hi + self.down_hi
    }
}

/// The rates of every transition the two baths drive.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TransitionRates {
    pub a: BathRates,
    pub s: BathRates,
}

/// Rates of one bath per Bohr frequency.
fn bath_transition_rates(p: &EngineParams, bath: &Bath) -> BathRates {
    match (*bath, p.rate_kind) {
        (
            Bath::Thermal {
                temperature,
                gamma0,
            },
            RateKind::Kms,
        ) => {
            let r = doublet_splitting(p.lambda, p.detuning);
            let n_lo = bose(p.omega0 - r, temperature);
            let n_hi = bose(p.omega0 + r, temperature);
            BathRates {
                up_lo: gamma0 * n_lo,
                down_lo: gamma0 * (n_lo + 1.0),
                up_hi: gamma0 * n_hi,
                down_hi: gamma0 * (n_hi + 1.0),
            }
        }
        _ => {
            let (up, down) = bath_rates(p.omega0, bath);
            BathRates::flat(up, down)
        }
    }
}

impl TransitionRates {
    pub fn from_params(p: &EngineParams) -> TransitionRates {
        match &p.baths {
            Baths::Separate { a, s } => TransitionRates {
                a: bath_transition_rates(p, a),
                s: bath_transition_rates(p, s),
            },
            Baths::Physical { .. } => {
                let r = Rates::from_params(p);
                TransitionRates {
                    a: BathRates::flat(r.a_up, r.a_down),
                    s: BathRates::flat(r.s_up, r.s_down),
                }
            }
        }
    }

    /// Sum of all eight rates.
    pub fn total(&self) -> f64 {
        self.a.total() + self.s.total()
    }
}

/// (T_A, T_S) when both baths are thermal: the temperatures that the
/// entropy production −Σ_k Q_k/T_k refers to.
pub fn bath_temperatures(p: &EngineParams) -> Option<(f64, f64)> {
    match &p.baths {
        Baths::Separate {
            a: Bath::Thermal {
                temperature: ta, ..
            },
            s: Bath::Thermal {
                temperature: ts, ..
            },
        } => Some((*ta, *ts)),
        _ => None,
    }
}

/// The hotter bath: S only when both baths are thermal and T_S > T_A;
/// A on ties, for explicit rates and for the physical implementation.
pub fn hot_bath(p: &EngineParams) -> HotBath {
    match bath_temperatures(p) {
        Some((ta, ts)) if ts > ta => HotBath::S,
        _ => HotBath::A,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eq9_detailed_balance() {
        // Γ+/Γ− = e^{−ω0/T} for a thermal bath.
        let (up, down) = bath_rates(
            1.0,
            &Bath::Thermal {
                temperature: 0.7,
                gamma0: 2e-3,
            },
        );
        assert!((up / down - (-1.0f64 / 0.7).exp()).abs() < 1e-15);
        assert!((down - up - 2e-3).abs() < 1e-18);
    }

    #[test]
    fn kms_detailed_balance_per_transition_and_eq9_limit() {
        let mut p = EngineParams {
            lambda: 0.3,
            rate_kind: RateKind::Kms,
            ..EngineParams::default()
        };
        let t = TransitionRates::from_params(&p);
        // Bath A at T_A = 2: Γ+/Γ− = e^{−ω/T_A} at ω0 ∓ λ.
        assert!((t.a.up_lo / t.a.down_lo - (-0.7f64 / 2.0).exp()).abs() < 1e-15);
        assert!((t.a.up_hi / t.a.down_hi - (-1.3f64 / 2.0).exp()).abs() < 1e-15);
        assert!((t.s.up_hi / t.s.down_hi - (-1.3f64 / 0.1).exp()).abs() < 1e-18);
        // λ → 0: Eq. 9.
        p.lambda = 0.0;
        let t = TransitionRates::from_params(&p);
        let r = Rates::from_params(&p);
        assert_eq!(t.a, BathRates::flat(r.a_up, r.a_down));
        assert_eq!(t.s, BathRates::flat(r.s_up, r.s_down));
    }

    #[test]
    fn physical_mapping() {
        let p = EngineParams {
            baths: Baths::Physical {
                pump: 0.2,
                local_decay: 0.4,
                collective_decay: 1.0,
            },
            ..EngineParams::default()
        };
        let r = Rates::from_params(&p);
        assert_eq!((r.a_up, r.s_up, r.a_down, r.s_down), (0.1, 0.1, 0.2, 1.2));
    }
}
