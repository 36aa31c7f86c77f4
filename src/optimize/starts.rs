//! Where the local refinement starts: the best points of the config's own
//! grid, found on the device by one reduction over every axis but one.
//!
//! The kept ("profile") axis is the longest one. For each of its values the
//! reduction gives the best point over the other axes; the profile's local
//! maxima are the starts, best first. Separate peaks thus get a start each
//! whenever they lie at different values of the profile axis.

use super::space::{Goal, Space};
use super::Error;
use crate::config::reduce::{Op, ReduceSpec};

/// A point of the search: the objective's key there (larger is better:
/// the figure, or minus it when minimising) and the axis values, in config
/// order.
#[derive(Debug, Clone, PartialEq)]
pub struct Start {
    pub key: f64,
    pub coords: Vec<f64>,
}

/// The `[[reduce]]` entry that finds the best `goal` over `over`.
pub fn best_of(goal: &Goal, over: Vec<String>) -> ReduceSpec {
    ReduceSpec {
        over,
        quantity: goal.quantity.clone(),
        op: if goal.maximize {
            Op::Argmax
        } else {
            Op::Argmin
        },
        constraint: goal.constraint.clone(),
        name: Some("best".to_string()),
    }
}

/// Up to `most` starts in `space`, best first, and how many points of the
/// config's grid were flagged (not resolved to the tolerance), which did
/// not compete.
pub fn starts(space: &dyn Space, goal: &Goal, most: usize) -> Result<(Vec<Start>, u64), Error> {
    let axes = space.axes();
    let n = axes.len();
    let profile = (0..n)
        .max_by_key(|i| (axes[*i].values.len(), std::cmp::Reverse(*i)))
        .ok_or_else(|| {
            Error::Usage(
                "the config has no axes; accepted: a config with at least one [[axes]] entry to search over".into(),
            )
        })?;
    let values = &axes[profile].values;
    let sign = if goal.maximize { 1.0 } else { -1.0 };
    let mut best: Vec<Option<Start>> = vec![None; values.len()];
    let flagged;
    if n == 1 {
        // A 1-D grid is its own profile: run it whole.
        let (keys, f) = space.keys(goal)?;
        flagged = f;
        for ((k, v), key) in values.iter().enumerate().zip(keys) {
            best[k] = key.map(|key| Start {
                key,
                coords: vec![*v],
            });
        }
    } else {
        let over: Vec<String> = (0..n)
            .filter(|i| *i != profile)
            .map(|i| axes[i].name.clone())
            .collect();
        let mut config = space.config().clone();
        config.reduce = vec![best_of(goal, over)];
        config.full_arrays = Some(false);
        let (r, _) = space.reduce(config)?;
        flagged = r.flagged.iter().sum();
        for (k, v) in values.iter().enumerate() {
            // Cells where flagged points stayed out still have their best
            // resolved point (a flagged one could have won: counted).
            if r.count[k] == 0 {
                continue;
            }
            // r.at holds the other axes in config order.
            let mut others = r.at.iter();
            let coords = (0..n)
                .map(|i| {
                    if i == profile {
                        *v
                    } else {
                        others.next().expect("one arg array per reduced axis").1[k]
                    }
                })
                .collect();
            best[k] = Some(Start {
                key: sign * r.value[k],
                coords,
            });
        }
    }
    // Local maxima of the profile (a missing neighbour does not count).
    let key = |k: Option<usize>| k.and_then(|k| best.get(k)?.as_ref().map(|s| s.key));
    let mut out: Vec<Start> = (0..values.len())
        .filter_map(|k| {
            let s = best[k].as_ref()?;
            let ok = key(k.checked_sub(1)).is_none_or(|l| s.key >= l)
                && key(Some(k + 1)).is_none_or(|r| s.key >= r);
            ok.then(|| s.clone())
        })
        .collect();
    // Best first; a stable sort keeps equal keys in grid order.
    out.sort_by(|a, b| b.key.total_cmp(&a.key));
    out.truncate(most.max(1));
    if out.is_empty() {
        return Err(Error::Usage(match &goal.constraint {
            Some(c) => format!(
                "no point of the config's grid satisfies {c}; accepted: a constraint that some grid point meets (widen the axes or relax it)"
            ),
            None => format!(
                "no ok point of the config's grid has a finite {}{}",
                goal.quantity,
                match flagged {
                    0 => String::new(),
                    n => format!(
                        " ({n} points were flagged, not resolved to the tolerance, and did not compete)"
                    ),
                }
            ),
        }));
    }
    Ok((out, flagged))
}
