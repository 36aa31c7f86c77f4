//! From a checked config to what the kernels read: the values buffer (axis
//! values in kernel form, then fixed values) and the parameter block.
//!
//! Reduction passes are planned here too ([`passes`]), since a pass is a
//! reordered grid.

pub mod passes;

use crate::config::outputs::Outputs;
use crate::config::reduce::Reduction;
use crate::config::{Axis, SweepConfig};
use crate::model::params::Baths;
use crate::model::rates::bose;
use crate::model::{Bath, EngineParams, ModelKind, Protocol, RateKind};
use crate::Error;
use nessbat_kernels::layout::{PROTOCOL_GATE, PROTOCOL_OPTIMAL, RATES_EQ9, RATES_KMS};
use nessbat_kernels::params::{
    KernelGrid, KernelInput, SweepParams, FROM_AXIS, MAX_AXES, N_INPUTS, SECOND_MAP,
};

/// Most Newton steps before the kernels fall back to iteration.
pub const MAX_NEWTON: u32 = 32;
/// Most cycles the fallback iteration may run.
pub const MAX_CYCLES: u32 = 1_000_000;

/// A sweep ready to run: axes, model, protocol and the kernel layout.
#[derive(Debug, Clone)]
pub struct Grid {
    pub config: SweepConfig,
    pub axes: Vec<Axis>,
    pub model: ModelKind,
    pub protocol: Protocol,
    pub rate_kind: RateKind,
    /// Parameter block with everything but the chunk fields.
    pub params: SweepParams,
    /// Axis values (in kernel form) followed by fixed values, in f64.
    pub values: Vec<f64>,
    /// The checked `[[reduce]]` entries.
    pub reductions: Vec<Reduction>,
    /// The arrays the full sweep keeps (`outputs`).
    pub outputs: Outputs,
}

/// Where a kernel input comes from.
enum Source {
    Fixed(f64),
    /// Axis index and the map from a config value to the kernel value.
    Axis(usize, Box<dyn Fn(f64) -> f64>),
    /// An axis through its second map (β of a temperature axis, whose
    /// first map is n̄).
    AxisBeta(usize, Box<dyn Fn(f64) -> f64>),
}

impl Grid {
    /// The same grid without its `[[reduce]]` entries, keeping full
    /// arrays (all of them) as a plain grid does: what the optimizer and
    /// Pareto fronts search (they run reductions of their own and read
    /// every quantity).
    pub fn without_reductions(self) -> Result<Grid, Error> {
        let mut config = self.config;
        config.reduce.clear();
        config.full_arrays = None;
        config.outputs = None;
        Grid::new(config)
    }

    pub fn new(config: SweepConfig) -> Result<Grid, Error> {
        if config.battery.is_some() {
            return Err(Error::Config(
                "a [battery] runs in `nessbat point`, `sweep` (reductions and shards included), `merge` and `optimize` (Pareto fronts included); checkpoints over a battery are not supported yet; accepted: one of those commands with it, or the built-in model without [battery]".into(),
            ));
        }
        let config = config.with_defaults();
        let axes = config.axes()?;
        let reductions = crate::config::reduce::check(&config, &axes)?;
        if config.full_arrays == Some(false) && reductions.is_empty() {
            return Err(Error::Config(
                "full_arrays = false without [[reduce]] entries would write nothing; accepted: full_arrays = true, or reductions".into(),
            ));
        }
        let outputs = config.output_set()?;
        let model = config.model;
        let protocol = config.protocol;
        let rate_kind = config.rate_kind();
        let omega0 = config.fixed.get("omega0").copied().unwrap_or(1.0);
        let find = |k: &str| -> Option<Source> {
            if let Some(v) = config.fixed.get(k) {
                return Some(Source::Fixed(*v));
            }
            axes.iter()
                .position(|a| a.name == k)
                .map(|i| Source::Axis(i, Box::new(|v| v)))
        };
        // Thermal baths enter the kernel as n̄, computed here in f64 so that
        // neither f32 kernels nor shaders without exp() lose digits on it.
        let occupation = |k: &str, beta: bool| -> Option<Source> {
            let n = move |v: f64| {
                if beta {
                    1.0 / (omega0 * v).exp_m1()
                } else {
                    bose(omega0, v)
                }
            };
            match find(k)? {
                Source::Fixed(v) => Some(Source::Fixed(n(v))),
                Source::Axis(i, _) | Source::AxisBeta(i, _) => Some(Source::Axis(i, Box::new(n))),
            }
        };
        // Each kernel input by its slot (`KernelInput`), whatever the order
        // in which they are worked out.
        let mut slots: Vec<Option<Source>> = (0..N_INPUTS).map(|_| None).collect();
        let mut set = |k: KernelInput, s: Source| slots[k as usize] = Some(s);
        set(
            KernelInput::Omega0,
            find("omega0").unwrap_or(Source::Fixed(1.0)),
        );
        set(
            KernelInput::Lambda,
            find("lambda").expect("checked by axes()"),
        );
        set(KernelInput::Tau, find("tau").expect("checked by axes()"));
        let mut thermal = [false; 2];
        let baths = [
            ("a", KernelInput::AX, KernelInput::AY, KernelInput::BetaA),
            ("s", KernelInput::SX, KernelInput::SY, KernelInput::BetaS),
        ];
        for (slot, (b, x, y, beta_slot)) in baths.into_iter().enumerate() {
            let beta = match find(&format!("t_{b}")).or_else(|| find(&format!("beta_{b}"))) {
                Some(Source::Fixed(v)) if config.fixed.contains_key(&format!("t_{b}")) => {
                    Some(Source::Fixed(1.0 / v))
                }
                Some(Source::Fixed(v)) => Some(Source::Fixed(v)),
                Some(Source::Axis(i, _)) if axes[i].name.starts_with("t_") => {
                    Some(Source::AxisBeta(i, Box::new(|t: f64| 1.0 / t)))
                }
                Some(Source::Axis(i, _)) => Some(Source::AxisBeta(i, Box::new(|b: f64| b))),
                _ => None,
            };
            set(beta_slot, beta.unwrap_or(Source::Fixed(0.0)));
            let n = occupation(&format!("t_{b}"), false)
                .or_else(|| occupation(&format!("beta_{b}"), true));
            if let Some(n) = n {
                thermal[slot] = true;
                set(x, n);
                set(
                    y,
                    find(&format!("gamma_{b}"))
                        .or_else(|| find("gamma"))
                        .expect("checked by axes()"),
                );
            } else {
                set(x, find(&format!("rate_{b}_up")).expect("checked by axes()"));
                set(
                    y,
                    find(&format!("rate_{b}_down")).expect("checked by axes()"),
                );
            }
        }
        set(
            KernelInput::Detuning,
            find("detuning").unwrap_or(Source::Fixed(0.0)),
        );
        set(
            KernelInput::Dephasing,
            find("dephasing").unwrap_or(Source::Fixed(0.0)),
        );
        let sources: Vec<Source> = slots
            .into_iter()
            .map(|s| s.expect("every kernel input has a source"))
            .collect();

        let mut params = SweepParams {
            n_axes: axes.len() as u32,
            protocol: match protocol {
                Protocol::Optimal => PROTOCOL_OPTIMAL,
                Protocol::GateGlobal | Protocol::GateLocal => PROTOCOL_GATE,
            },
            a_thermal: u32::from(thermal[0]),
            s_thermal: u32::from(thermal[1]),
            max_newton: MAX_NEWTON,
            max_cycles: MAX_CYCLES,
            rates: match rate_kind {
                RateKind::Eq9 => RATES_EQ9,
                RateKind::Kms => RATES_KMS,
            },
            out_slot: outputs.slots(),
            ..bytemuck::Zeroable::zeroed()
        };
        // Each axis feeds one map: t_a/beta_a become n̄_A, gamma may feed
        // both couplings unchanged. Its block of kernel values is addressed
        // through axis_offset; fixed values follow the axis blocks.
        let mut blocks: Vec<Option<Vec<f64>>> = vec![None; axes.len()];
        let mut beta_blocks: Vec<Option<Vec<f64>>> = vec![None; axes.len()];
        let mut fixed = Vec::new();
        for (q, s) in sources.iter().enumerate() {
            match s {
                Source::Fixed(v) => fixed.push((q, *v)),
                Source::Axis(i, f) => {
                    params.source[q] = FROM_AXIS | *i as u32;
                    blocks[*i]
                        .get_or_insert_with(|| axes[*i].values.iter().map(|x| f(*x)).collect());
                }
                Source::AxisBeta(i, f) => {
                    params.source[q] = FROM_AXIS | SECOND_MAP | *i as u32;
                    beta_blocks[*i]
                        .get_or_insert_with(|| axes[*i].values.iter().map(|x| f(*x)).collect());
                }
            }
        }
        let mut values = Vec::new();
        for (i, (a, block)) in axes.iter().zip(blocks).enumerate() {
            params.axis_len[i] = a.values.len() as u32;
            params.axis_offset[i] = values.len() as u32;
            values.extend(block.expect("every axis feeds a kernel input"));
        }
        for (i, block) in beta_blocks.into_iter().enumerate() {
            if let Some(block) = block {
                params.axis_offset_beta[i] = values.len() as u32;
                values.extend(block);
            }
        }
        for (q, v) in fixed {
            params.source[q] = values.len() as u32;
            values.push(v);
        }
        debug_assert!(axes.len() <= MAX_AXES);
        Ok(Grid {
            config,
            axes,
            model,
            protocol,
            rate_kind,
            params,
            values,
            reductions,
            outputs,
        })
    }

    /// Whether the sweep writes the full arrays: asked for, or by default
    /// when there are no reductions.
    pub fn full_arrays(&self) -> bool {
        self.config
            .full_arrays
            .unwrap_or(self.reductions.is_empty())
    }

    /// Axis lengths in config order.
    pub fn shape(&self) -> Vec<usize> {
        self.axes.iter().map(|a| a.values.len()).collect()
    }

    /// Shape of the arrays for the flat range `range`: the grid's shape for
    /// the whole grid, one flat axis for a shard.
    pub fn result_shape(&self, range: &std::ops::Range<u64>) -> Vec<usize> {
        if range.start == 0 && range.end == self.len() {
            self.shape()
        } else {
            vec![(range.end - range.start) as usize]
        }
    }

    /// Number of grid points.
    pub fn len(&self) -> u64 {
        self.axes.iter().map(|a| a.values.len() as u64).product()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The parameters of grid point `flat` (C order) for the f64 oracle.
    pub fn point_params(&self, flat: u64) -> EngineParams {
        let mut at = Vec::with_capacity(self.axes.len());
        let mut rem = flat;
        for a in self.axes.iter().rev() {
            let n = a.values.len() as u64;
            at.push((a.name.as_str(), a.values[(rem % n) as usize]));
            rem /= n;
        }
        self.params_at(&at)
    }

    /// The value of parameter `key` at flat index `flat`, as the config
    /// gives it (an axis value or a fixed one), or None if it is not given.
    pub fn value_at(&self, flat: u64, key: &str) -> Option<f64> {
        let mut rem = flat;
        for a in self.axes.iter().rev() {
            let n = a.values.len() as u64;
            if a.name == key {
                return Some(a.values[(rem % n) as usize]);
            }
            rem /= n;
        }
        self.config.fixed.get(key).copied()
    }

    /// The parameters at the axis values `at` (name, value) for the f64
    /// oracle, built from the config's own values: thermal baths stay
    /// temperatures (β → T = 1/β), so the oracle applies Eq. 9 itself.
    pub fn params_at(&self, at: &[(&str, f64)]) -> EngineParams {
        let get = |k: &str| {
            at.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| *v)
                .or_else(|| self.config.fixed.get(k).copied())
        };
        let bath = |b: &str| {
            let temperature =
                get(&format!("t_{b}")).or_else(|| get(&format!("beta_{b}")).map(|x| 1.0 / x));
            match temperature {
                Some(temperature) => Bath::Thermal {
                    temperature,
                    gamma0: get(&format!("gamma_{b}"))
                        .or_else(|| get("gamma"))
                        .unwrap_or(0.0),
                },
                None => Bath::Rates {
                    up: get(&format!("rate_{b}_up")).unwrap_or(0.0),
                    down: get(&format!("rate_{b}_down")).unwrap_or(0.0),
                },
            }
        };
        EngineParams {
            omega0: get("omega0").unwrap_or(1.0),
            lambda: get("lambda").unwrap_or(0.0),
            tau: get("tau").unwrap_or(1.0),
            baths: Baths::Separate {
                a: bath("a"),
                s: bath("s"),
            },
            detuning: get("detuning").unwrap_or(0.0),
            dephasing: get("dephasing").unwrap_or(0.0),
            rate_kind: self.rate_kind,
        }
    }

    /// Parameter block of the chunk [start, start + len).
    pub fn chunk_params(&self, start: u64, len: u32) -> SweepParams {
        let mut p = self.params;
        p.chunk_len = len;
        let mut rem = start;
        for k in (0..self.axes.len()).rev() {
            let n = self.axes[k].values.len() as u64;
            p.chunk_start[k] = (rem % n) as u32;
            rem /= n;
        }
        p
    }
}

impl KernelGrid for Grid {
    fn model(&self) -> ModelKind {
        self.model
    }
    fn values(&self) -> &[f64] {
        &self.values
    }
    fn len(&self) -> u64 {
        Grid::len(self)
    }
    fn result_shape(&self, range: &std::ops::Range<u64>) -> Vec<usize> {
        Grid::result_shape(self, range)
    }
    fn chunk_params(&self, start: u64, len: u32) -> SweepParams {
        Grid::chunk_params(self, start, len)
    }
    fn outputs(&self) -> Outputs {
        self.outputs
    }
}
