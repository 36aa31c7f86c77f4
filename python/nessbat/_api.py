"""The package's calls: thin shells over the Rust library (nessbat._nessbat)."""

from __future__ import annotations

import io
import os
import json
import math
import numbers
import warnings
from typing import Any, Dict, Optional, Sequence, Tuple, Union

import numpy as np
import pandas as pd
import xarray as xr

from . import _nessbat
from ._config import Config, config_text, constraint_texts
from ._dataset import dataset, load
from ._progress import Bar, notice, warnings_only

__all__ = ["point", "sweep", "optimize", "pareto", "load", "default_config", "quantities"]


def _word(key: str, value: Any, accepted: str, none: bool = False) -> Optional[str]:
    """A setting named by a word (backend, precision): a str, or None where
    that means the default; anything else is a ValueError naming what is
    accepted, not PyO3's TypeError."""
    if isinstance(value, str) or (none and value is None):
        return value
    raise ValueError(f"{key}: got {value!r}; accepted: {accepted}")


def _backend(backend: Any, precision: Any) -> Tuple[str, Optional[str]]:
    return (
        _word("backend", backend, '"auto", "gpu" or "cpu"'),
        _word("precision", precision, '"f32", "f64" or None', none=True),
    )


def _number(key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        # A short line whatever was passed (a whole config dict, say).
        got = repr(value) if len(repr(value)) <= 40 else f"a {type(value).__name__}"
        raise ValueError(f"{key}: got {got}; accepted: a finite number")
    return float(value)


def point(
    *,
    model: str = "populations",
    protocol: str = "optimal",
    rates: str = "eq9",
    **params: float,
) -> Dict[str, Any]:
    """One engine at its operational steady state: the dict that
    `nessbat point --json` prints, with the same keys and defaults.

    Parameters (keyword only, units of omega0; hbar = k_B = 1): omega0 (1),
    lambda (0.01; also `lambda_=` since `lambda` is a Python keyword), tau
    (150, in 1/omega0), t_a and t_s (2 and 0.1) or explicit rates
    rate_a_up/rate_a_down/rate_s_up/rate_s_down, gamma or gamma_a/gamma_s
    (1e-3), pump/local_decay/collective_decay, detuning and dephasing
    (density-matrix model). model: "populations" or "density-matrix";
    protocol: "optimal", "gate-global" or "gate-local"; rates: "eq9" or
    "kms".

    Figures: ergotropy and heats per cycle (omega0), power (omega0^2),
    efficiency (ergotropy / heat_in; None where no heat is absorbed),
    entropy_production (k_B), status ("ok", "imprecise", "not_converged")
    with error_estimate, populations in the order (gg, S, A, ee).
    """
    if "config" in params:
        raise ValueError(
            "point takes the built-in model's parameters as keywords, not a config; accepted: nessbat.battery_point(config) for a config with a [battery], nessbat.sweep(config) for a grid"
        )
    pairs = []
    for key, value in params.items():
        if key == "lambda_":
            key = "lambda"
        pairs.append((key, _number(key, value)))
    return json.loads(_nessbat.point(pairs, model, protocol, rates))


def sweep(
    config: Config = None,
    backend: str = "auto",
    precision: Optional[str] = None,
    progress: bool = True,
    outputs: Optional[Sequence[str]] = None,
    out: Union[None, str, "os.PathLike[str]"] = None,
    force: bool = False,
) -> xr.Dataset:
    """Runs a sweep config and returns it as an xarray.Dataset.

    config: None (the embedded default: the paper's parameters over
    beta_a x beta_s at tau = 150), a dict in the TOML schema
    (`{"model": ..., "fixed": {...}, "axes": [{"name", "range", "points",
    "spacing"}], "reduce": [...]}`) or the path of a TOML file.
    backend: "auto", "gpu" or "cpu"; precision: "f64", "f32" or None (f64
    where the adapter has it). outputs: the arrays to keep (quantity
    names and "cycles"; "status" always), replacing the config's own
    `outputs`; None keeps the config's choice (all by default). The
    kernels write only these, so less is read back and handed over.

    The Dataset has one dimension per axis, named after it, with its
    values as coordinates (units in attrs); one variable per quantity
    (ergotropy, power, efficiency, heat_* ..., with long_name and units),
    `cycles` and `status` (0 ok, 1 not converged, 2 invalid, 3 imprecise);
    each [[reduce]] entry as variables NAME, NAME.AXIS (arg-ops), NAME.count
    and NAME.status over the kept dimensions; the run's metadata in attrs
    (`metadata_json` holds all of it). The arrays are the ones
    `nessbat sweep` writes, bit for bit, handed over without copying.
    The GIL is released while computing; Ctrl-C raises KeyboardInterrupt
    within a second and nothing is kept.

    A config with a [battery] table (see `battery_point`) sweeps that
    battery over its axes (`tau`, `t_NAME`, `gamma_NAME`, a builder's keys
    such as `lambda` or `chi`) in f64, on the CPU, or with backend="gpu"
    its charging strokes, NESS and OSS on the GPU (up to 16 levels, each
    solution checked by the host): the Dataset then
    has `heat_NAME` per bath and `capacity`, and `status` codes 0 ok,
    1 not converged, 3 imprecise, 4 not populations, 5 disconnected (named
    in `status.attrs["flag_meanings"]`); [[reduce]] entries work as above,
    on any of its figures. A battery grid's kept arrays are held in memory
    with or without `out` (one larger is refused with a ValueError naming
    the sizes; reductions with full_arrays = false hold only their cells).

    out: a folder to write the sweep to, as `nessbat sweep --out` does
    (`force=True` overwrites one that holds results); the Dataset is then
    opened from it lazily (`load(out, mmap=True)`). The full arrays are
    streamed to disk chunk by chunk, so a grid larger than memory runs
    here, where without `out` it is refused with a ValueError naming the
    sizes. Ctrl-C keeps the finished chunks in the folder for
    `nessbat sweep --resume`.
    """
    text, origin = config_text(config)
    bar = Bar() if progress else None
    try:
        if isinstance(outputs, str):
            outputs = [outputs]
        names = None if outputs is None else [str(n) for n in outputs]
        folder = None if out is None else os.fspath(out)
        arrays, meta = _nessbat.sweep(
            text, origin, *_backend(backend, precision), bar, notice if progress else warnings_only, names, folder, force
        )
    finally:
        if bar is not None:
            bar.close()
    if folder is not None:
        return load(folder, mmap=True)
    return dataset(arrays, json.loads(meta), meta)


def battery_point(config: Config) -> Dict[str, Any]:
    """One point of a battery of your own: a config (dict or TOML path)
    with a [battery] table (the Hamiltonian and each bath's coupling, as
    lists or numpy arrays, complex ones too; or the imaginary parts as
    `hamiltonian_im`/`coupling_im`)
    and its parameters in [fixed] (`tau`, and `t_NAME`, `gamma_NAME` per
    bath NAME), no axes.

    Returns the dict of `nessbat point --config FILE --json`: `ergotropy`,
    `power`, `efficiency`, `heat_NAME` per bath, `heat_in`,
    `entropy_production`, `ness_ergotropy`, `capacity`, `status` ("ok",
    "imprecise", "not_converged", "not_populations", "disconnected"),
    `message` where the
    status is not ok, `error_estimate` (inf where a figure is unresolved),
    `energies`, `populations_passive`, `populations_charged` and `ness`
    (levels in ascending energy); figures not computed are None.
    """
    if config is None:
        raise ValueError("battery_point needs a config with a [battery] table; accepted: a dict or the path of a TOML file")
    text, origin = config_text(config)
    figures, said = _nessbat.battery_point(text, origin)
    for w in said:
        warnings.warn(w, UserWarning, stacklevel=2)
    figures = json.loads(figures)
    # JSON has no infinity: an unbounded estimate (an unresolved figure)
    # comes as null, and is inf here, as in a sweep's Dataset.
    if figures.get("error_estimate") is None:
        figures["error_estimate"] = math.inf
    return figures


def optimize(
    config: Config = None,
    maximize: Optional[str] = None,
    minimize: Optional[str] = None,
    subject_to: Union[None, str, Sequence[str]] = None,
    backend: str = "auto",
    precision: Optional[str] = None,
    xtol: float = 1e-7,
) -> Dict[str, Any]:
    """The best engine over a config's axes: maximise or minimise one
    quantity, optionally subject to a constraint such as
    "efficiency >= 0.015", refined until every axis is bracketed to xtol.

    Returns the dict of `nessbat optimize --json`: the f64 reference
    figures at the optimum (as `point`), `parameters` (the optimum's axis
    values), `objective` (its value on the reference and on the backend),
    `constraint_satisfied`, `converged`, `evaluations`, and `history` (a
    pandas.DataFrame of the search). A config with a [battery] searches its
    axes with battery sweeps: any of its figures (heat_NAME included) is an
    objective or a constraint, and the figures are its f64 point's.
    """
    if (maximize is None) == (minimize is None):
        raise ValueError("give exactly one of maximize= or minimize=, a quantity name such as \"power\"")
    text, origin = config_text(config)
    quantity = maximize if maximize is not None else minimize
    report, history = _nessbat.optimize(
        text,
        origin,
        quantity,
        maximize is not None,
        constraint_texts(subject_to),
        *_backend(backend, precision),
        _number("xtol", xtol),
    )
    out = json.loads(report)
    out["history"] = pd.read_csv(io.StringIO(history))
    return out


def pareto(
    config: Config = None,
    quantities: Tuple[str, str] = ("power", "efficiency"),
    subject_to: Union[None, str, Sequence[str]] = None,
    backend: str = "auto",
    precision: Optional[str] = None,
) -> pd.DataFrame:
    """The Pareto front of two quantities (both maximised) over a config's
    grid, among converged points that meet `subject_to`: a DataFrame with
    one row per front point, best first in the first quantity, with the
    axes' values and every quantity as columns; run facts in `df.attrs`.
    A config with a [battery] takes any two of its figures (heat_NAME
    included), among its ok points."""
    if isinstance(quantities, str) or len(quantities) != 2:
        raise ValueError(f"quantities: got {quantities!r}; accepted: two quantity names, e.g. (\"power\", \"efficiency\")")
    text, origin = config_text(config)
    columns, flat, n, info = _nessbat.pareto(
        text, origin, quantities[0], quantities[1], constraint_texts(subject_to), *_backend(backend, precision)
    )
    df = pd.DataFrame(np.asarray(flat).reshape(n, len(columns)), columns=columns)
    df.attrs.update(json.loads(info))
    return df


def default_config() -> str:
    """The embedded default sweep config, as TOML text to start from."""
    return _nessbat.default_config()


def quantities() -> pd.DataFrame:
    """Every output quantity with its long name and units."""
    return pd.DataFrame(_nessbat.quantities(), columns=["name", "long_name", "units"]).set_index("name")
