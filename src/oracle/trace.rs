//! Time series behind Figs. 3 and 4(b, c).

use crate::error::Result;
use crate::model::{EngineParams, ModelKind, Protocol};
use crate::oracle::engine::Engine;
use crate::oracle::extract::{ergotropy, extract};
use crate::oracle::oss::{iterate, OssOptions};
use crate::oracle::propagate::Propagator;
use crate::oracle::steady::ness;

/// One sample of the population trace.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub t: f64,
    /// 0 during the idle phase, then the cycle number from 1.
    pub cycle: u64,
    pub populations: [f64; 4],
    /// Ergotropy of the state at this instant (Eq. 3).
    pub ergotropy: f64,
}

/// Level populations against time: `idle` time in ρ_NESS, then `cycles`
/// cycles of instantaneous extraction followed by a charging stroke of τ,
/// sampled `samples` times per stroke. Each extraction appears as two rows
/// at the same t, before and after.
pub fn population_trace(
    params: &EngineParams,
    kind: ModelKind,
    protocol: Protocol,
    cycles: u64,
    samples: usize,
    idle: f64,
) -> Result<Vec<Sample>> {
    let engine = Engine::new(params, kind)?;
    let dt = params.tau / samples as f64;
    let step = Propagator::new(&engine.generator, dt, &engine.trace);
    let mut x = ness(&engine)?;
    let mut out = Vec::new();
    let mut push = |t: f64, cycle: u64, x: &crate::oracle::CVec| {
        out.push(Sample {
            t,
            cycle,
            populations: engine.populations(x),
            ergotropy: ergotropy(&engine, x),
        })
    };
    if idle > 0.0 {
        push(0.0, 0, &x);
    }
    let mut t = idle;
    for c in 1..=cycles {
        push(t, c, &x);
        x = extract(&engine, &x, protocol).after;
        for k in 0..=samples {
            if k > 0 {
                x = step.apply(&x);
            }
            push(t + k as f64 * dt, c, &x);
        }
        t += params.tau;
    }
    Ok(out)
}

/// The population trace as CSV with a header row.
pub fn samples_csv(rows: &[Sample]) -> String {
    use std::fmt::Write;
    let mut s = String::from("t,cycle,p_gg,p_S,p_A,p_ee,ergotropy\n");
    for r in rows {
        let p = r.populations;
        let _ = writeln!(
            s,
            "{},{},{},{},{},{},{}",
            r.t, r.cycle, p[0], p[1], p[2], p[3], r.ergotropy
        );
    }
    s
}

/// Work extracted in each cycle, from ρ_NESS until the OSS is reached (or
/// `max_cycles`), as in Fig. 4(b). Returns (cycle, work) pairs and whether
/// the OSS was reached.
pub fn ergotropy_per_cycle(
    params: &EngineParams,
    kind: ModelKind,
    protocol: Protocol,
    max_cycles: u64,
) -> Result<(Vec<(u64, f64)>, bool)> {
    let engine = Engine::new(params, kind)?;
    let prop = Propagator::new(&engine.generator, params.tau, &engine.trace);
    let opts = OssOptions {
        max_cycles,
        direct: false,
        ..OssOptions::default()
    };
    let mut rows = Vec::new();
    let oss = iterate(&engine, &prop, protocol, ness(&engine)?, &opts, |n, w| {
        rows.push((n, w))
    })?;
    Ok((rows, oss.converged))
}
