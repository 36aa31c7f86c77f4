//! Bath rates: Eq. 9 for thermal baths, and the physical implementation of
//! Sec. II (pump p, local decay γ, collective decay Γ).

use super::params::{Bath, Baths, EngineParams};

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

/// The hotter bath: S only when both baths are thermal and T_S > T_A;
/// A on ties, for explicit rates and for the physical implementation.
pub fn hot_bath(p: &EngineParams) -> HotBath {
    match &p.baths {
        Baths::Separate {
            a: Bath::Thermal {
                temperature: ta, ..
            },
            s: Bath::Thermal {
                temperature: ts, ..
            },
        } if ts > ta => HotBath::S,
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
