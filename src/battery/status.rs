//! What a battery point reports: its figures and its status, the words
//! of the trust contract (status ok: every figure within 1e-6 of its
//! exact value).

use serde::Serialize;

use super::spectrum::Spectrum;

/// What a point's numbers can be trusted for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BatteryStatus {
    /// Every figure within 1e-6 of its exact value.
    Ok,
    /// Some figure cannot be resolved to the tolerance in f64.
    Imprecise,
    /// No fixed point was found.
    NotConverged,
    /// The population model does not describe this battery (`message`
    /// says why); no figure is given.
    NotPopulations,
    /// The baths leave some levels apart from the others, or one-way
    /// rates trap population in separate sets, so that the steady states
    /// are not unique; no figure is given.
    Disconnected,
}

impl BatteryStatus {
    /// Every status, in code order.
    pub const ALL: [BatteryStatus; 5] = [
        BatteryStatus::Ok,
        BatteryStatus::NotConverged,
        BatteryStatus::Imprecise,
        BatteryStatus::NotPopulations,
        BatteryStatus::Disconnected,
    ];

    /// The code in a sweep's `status.npy`: ok, not_converged and imprecise
    /// keep the built-in model's codes (0, 1, 3), so that `status == 0`
    /// means the same in every sweep; 2 (invalid) does not occur.
    pub fn code(self) -> u8 {
        match self {
            BatteryStatus::Ok => 0,
            BatteryStatus::NotConverged => 1,
            BatteryStatus::Imprecise => 3,
            BatteryStatus::NotPopulations => 4,
            BatteryStatus::Disconnected => 5,
        }
    }

    /// The status of `code` (as [`BatteryStatus::code`] gives it).
    pub fn from_code(code: u8) -> Option<BatteryStatus> {
        BatteryStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Whether a number was sought and not resolved (not converged,
    /// imprecise); points outside the population model or disconnected
    /// have none to seek, as the built-in model's invalid points.
    pub fn flagged(self) -> bool {
        matches!(self, BatteryStatus::NotConverged | BatteryStatus::Imprecise)
    }

    /// The name, as in JSON.
    pub fn name(self) -> &'static str {
        match self {
            BatteryStatus::Ok => "ok",
            BatteryStatus::NotConverged => "not_converged",
            BatteryStatus::Imprecise => "imprecise",
            BatteryStatus::NotPopulations => "not_populations",
            BatteryStatus::Disconnected => "disconnected",
        }
    }
}

/// One bath's heat.
#[derive(Debug, Clone, Serialize)]
pub struct BathHeat {
    pub name: String,
    /// Heat into the battery from this bath per cycle.
    pub heat: f64,
}

/// Every figure of one point.
#[derive(Debug, Clone, Serialize)]
pub struct BatteryFigures {
    pub status: BatteryStatus,
    /// Why the status is not ok, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    pub ergotropy: f64,
    pub power: f64,
    pub efficiency: f64,
    pub heats: Vec<BathHeat>,
    pub heat_in: f64,
    pub entropy_production: f64,
    pub ness_ergotropy: f64,
    pub capacity: f64,
    /// Estimated relative error of every figure (the largest): ergotropy,
    /// power, efficiency, each heat, heat_in, entropy production, NESS
    /// ergotropy and capacity.
    pub error_estimate: f64,
    /// Levels' energies from the ground level, ascending.
    pub energies: Vec<f64>,
    pub populations_passive: Vec<f64>,
    pub populations_charged: Vec<f64>,
    pub ness: Vec<f64>,
}

impl BatteryFigures {
    /// Figures with nothing computed yet: NaN, error inf.
    pub fn blank(spectrum: &Spectrum, names: &[String]) -> BatteryFigures {
        BatteryFigures {
            status: BatteryStatus::Ok,
            message: None,
            ergotropy: f64::NAN,
            power: f64::NAN,
            efficiency: f64::NAN,
            heats: names
                .iter()
                .map(|n| BathHeat {
                    name: n.clone(),
                    heat: f64::NAN,
                })
                .collect(),
            heat_in: f64::NAN,
            entropy_production: f64::NAN,
            ness_ergotropy: f64::NAN,
            capacity: f64::NAN,
            error_estimate: f64::INFINITY,
            energies: spectrum.energies.clone(),
            populations_passive: Vec::new(),
            populations_charged: Vec::new(),
            ness: Vec::new(),
        }
    }
}
