//! Reductions over axes (`[[reduce]]` in a sweep config): the entries as
//! written and as checked against the config's axes. The passes that run
//! them are planned on the grid (src/grid/passes.rs).

use crate::Error;
use serde::{Deserialize, Serialize};

use crate::config::constraint::Constraints;
use crate::config::{Axis, SweepConfig};
use nessbat_kernels::named::Unknown;
use nessbat_kernels::{Named, Quantity};

/// One `[[reduce]]` entry as written.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ReduceSpec {
    /// Axes to reduce over, e.g. ["tau"].
    pub over: Vec<String>,
    /// An output quantity's name: the built-in model's (`Quantity`), or a
    /// battery's figures (`heat_NAME` among them); checked against the
    /// model in [`check`] or the battery's grid.
    pub quantity: String,
    /// max | min | argmax | argmin.
    pub op: Op,
    /// Optional constraints, e.g. "efficiency >= 0.01" or
    /// "efficiency >= 0.01 and power >= 1e-6" (at most 4).
    #[serde(rename = "where", default, skip_serializing_if = "Option::is_none")]
    pub constraint: Option<String>,
    /// Name of the output files; default `{op}_{quantity}_over_{axes}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// What a reduction takes of each cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Max,
    Min,
    Argmax,
    Argmin,
}

impl Named for Op {
    const WHAT: &'static str = "op";
    const ALL: &'static [Op] = &[Op::Max, Op::Min, Op::Argmax, Op::Argmin];

    fn name(self) -> &'static str {
        match self {
            Op::Max => "max",
            Op::Min => "min",
            Op::Argmax => "argmax",
            Op::Argmin => "argmin",
        }
    }
}

nessbat_kernels::named!(Op);

impl Op {
    pub fn is_arg(self) -> bool {
        matches!(self, Op::Argmax | Op::Argmin)
    }

    pub fn minimises(self) -> bool {
        matches!(self, Op::Min | Op::Argmin)
    }
}

/// A checked reduction of quantity type `Q` under constraints `C`.
#[derive(Debug, Clone, PartialEq)]
pub struct ReductionOf<Q, C> {
    pub name: String,
    /// Reduced axes, indices into the config's axes, ascending.
    pub over: Vec<usize>,
    pub quantity: Q,
    pub op: Op,
    pub constraint: C,
}

/// A checked reduction of the built-in model.
pub type Reduction = ReductionOf<Quantity, Constraints>;

/// Checks the `[[reduce]]` entries against the config's axes, for the
/// built-in model.
pub fn check(config: &SweepConfig, axes: &[Axis]) -> Result<Vec<Reduction>, Error> {
    let arrays: Vec<String> = Quantity::ALL
        .iter()
        .map(|q| q.name().to_string())
        .chain(["cycles".to_string(), "status".to_string()])
        .collect();
    check_with(config, axes, &arrays, |spec| {
        let quantity: Quantity = spec.quantity.parse().map_err(|u: Unknown| u.to_string())?;
        let constraint = match spec.constraint.as_deref() {
            Some(w) => Constraints::parse(w).map_err(|m| format!("where: {m}"))?,
            None => Constraints::default(),
        };
        Ok((quantity, constraint, quantity.name().to_string()))
    })
}

/// Checks the `[[reduce]]` entries against the config's axes, with each
/// entry's quantity and constraint read by `resolve` (which returns them
/// and the quantity's name, or why not).
/// `arrays` are the full arrays' names, which no reduction's files may
/// take.
pub fn check_with<Q, C>(
    config: &SweepConfig,
    axes: &[Axis],
    arrays: &[String],
    resolve: impl Fn(&ReduceSpec) -> Result<(Q, C, String), String>,
) -> Result<Vec<ReductionOf<Q, C>>, Error> {
    // Every file stem taken so far, as Python names its variables ('.' as
    // '_'), with whose it is.
    let mut taken: Vec<(String, String)> = arrays
        .iter()
        .map(|a| (a.clone(), format!("the full array {a}")))
        .chain(
            axes.iter()
                .map(|a| (a.name.clone(), format!("the axis {}", a.name))),
        )
        .collect();
    let axis_names = || match axes.is_empty() {
        true => "none: this sweep has no axes, so it has nothing to reduce over".to_string(),
        false => axes
            .iter()
            .map(|a| a.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    };
    let mut out: Vec<ReductionOf<Q, C>> = Vec::new();
    for (k, spec) in config.reduce.iter().enumerate() {
        let at = format!("reduce[{k}]");
        let e = |m: String| Error::Config(format!("{at}: {m}"));
        if spec.over.is_empty() {
            return Err(e(format!(
                "over is empty; accepted: one or more of the axes ({})",
                axis_names()
            )));
        }
        let mut over = Vec::new();
        for name in &spec.over {
            let Some(i) = axes.iter().position(|a| &a.name == name) else {
                return Err(e(format!(
                    "over names \"{name}\", which is not an axis of this sweep; accepted: {}",
                    axis_names()
                )));
            };
            if over.contains(&i) {
                return Err(e(format!("over names \"{name}\" twice")));
            }
            over.push(i);
        }
        over.sort_unstable();
        let op = spec.op;
        let (quantity, constraint, quantity_name) = resolve(spec).map_err(e)?;
        let name = spec.name.clone().unwrap_or_else(|| {
            let over: Vec<&str> = over.iter().map(|i| axes[*i].name.as_str()).collect();
            format!("{}_{}_over_{}", op.name(), quantity_name, over.join("_"))
        });
        let safe = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !safe {
            return Err(e(format!(
                "name = \"{name}\"; accepted: letters, digits, _ and -"
            )));
        }
        if out.iter().any(|r| r.name == name) {
            return Err(e(format!(
                "name \"{name}\" is used by an earlier entry; give each entry its own name"
            )));
        }
        // The files it writes: NAME, NAME.AXIS (arg-ops), NAME.count,
        // NAME.flagged, NAME.status; none may be another's.
        let mut parts: Vec<&str> = vec!["count", "flagged", "status"];
        if op.is_arg() {
            parts.extend(over.iter().map(|i| axes[*i].name.as_str()));
        }
        let stems: Vec<String> = std::iter::once(name.clone())
            .chain(parts.iter().map(|p| format!("{name}_{p}")))
            .collect();
        for stem in &stems {
            if let Some((_, whose)) = taken.iter().find(|(t, _)| t == stem) {
                return Err(e(format!(
                    "name = \"{name}\" would write the array {stem}, which is {whose}'s; accepted: a name of its own"
                )));
            }
        }
        taken.extend(
            stems
                .into_iter()
                .map(|s| (s, format!("reduction \"{name}\""))),
        );
        out.push(ReductionOf {
            name,
            over,
            quantity,
            op,
            constraint,
        });
    }
    Ok(out)
}
