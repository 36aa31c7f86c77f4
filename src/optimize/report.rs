//! What an optimum reports, as `nessbat optimize --json` prints it and
//! `nessbat.optimize` returns it: the f64 reference figures at the optimum,
//! its coordinates, the objective on the reference and on the backend, and
//! whether the constraint holds there.

use serde_json::{json, Value};

use super::refine::Optimum;
use crate::oracle::PointFigures;
use crate::store::output::RunInfo;

/// The report object; `history` is where the search history went (a path
/// on the command line), recorded as given.
pub fn report(best: &Optimum, figures: &PointFigures, info: &RunInfo, history: Value) -> Value {
    let objective = best.objective;
    let row = figures.outputs();
    let mut v = serde_json::to_value(figures).expect("point figures serialise");
    v["parameters"] = Value::Object(
        best.axes
            .iter()
            .zip(&best.coords)
            .map(|(a, x)| (a.clone(), json!(x)))
            .collect(),
    );
    v["objective"] = json!({
        "quantity": objective.quantity.name(),
        "sense": if objective.maximize { "maximize" } else { "minimize" },
        "value": finite_or_null(row[objective.quantity.index()]),
        "value_on_backend": finite_or_null(best.value),
    });
    v["subject_to"] = json!(best.constraint.text());
    v["constraint_satisfied"] = json!(best.constraint.holds(&row));
    let no_engine = no_engine(best, figures);
    v["outcome"] = json!(if no_engine { "no_engine" } else { "optimum" });
    // "No engine here" is an outcome of its own, never a converged optimum.
    v["converged"] = json!(best.converged && !no_engine);
    v["on_boundary"] = json!(best.on_boundary);
    v["evaluations"] = json!(best.evaluations);
    v["flagged_points"] = json!(best.flagged);
    v["backend"] = json!(info.backend);
    v["precision"] = json!(info.precision.name());
    v["history"] = history;
    v
}

/// Whether the search found no engine at all: it maximised an engine
/// figure (ergotropy, power or efficiency) over the whole grid and its
/// best point extracts no work on the f64 reference. Then the grid holds
/// no engine (every point has T_A ≤ T_S, say) and there is no optimum to
/// report, only that.
pub fn no_engine(best: &Optimum, figures: &PointFigures) -> bool {
    use nessbat_kernels::Quantity;
    let engine_figure = matches!(
        best.objective.quantity,
        Quantity::Ergotropy | Quantity::Power | Quantity::Efficiency
    );
    best.objective.maximize && engine_figure && !(figures.ergotropy > 0.0 && best.value > 0.0)
}

/// JSON has no NaN: an undefined figure is null, as in `point --json`.
fn finite_or_null(x: f64) -> Value {
    if x.is_finite() {
        json!(x)
    } else {
        Value::Null
    }
}
