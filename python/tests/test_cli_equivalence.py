"""Python and the command line run one library: the same numbers, bit for
bit, for points, sweeps with reductions, optima and Pareto fronts."""

import json

import numpy as np
import pandas as pd
import pytest

import nessbat
from conftest import cli, read_json

# Three axes, full arrays and three reductions (one with a constraint, one
# over two axes): every kind of array a sweep writes.
CONFIG = """
model = "populations"
full_arrays = true

[fixed]
lambda = 0.02
gamma = 1e-3

[[axes]]
name = "t_s"
range = [0.05, 0.5]
points = 7
spacing = "log"

[[axes]]
name = "tau"
range = [0.5, 500.0]
points = 9
spacing = "log"

[[axes]]
name = "t_a"
range = [0.2, 5.0]
points = 11

[[reduce]]
over = ["t_a"]
quantity = "power"
op = "argmax"
name = "best_t_a"

[[reduce]]
over = ["t_a"]
quantity = "power"
op = "argmax"
where = "efficiency >= 0.012"
name = "best_t_a_efficient"

[[reduce]]
over = ["tau", "t_a"]
quantity = "efficiency"
op = "max"
name = "best_efficiency"
"""


def bits(a: np.ndarray) -> np.ndarray:
    """The array's bytes: equal bits, NaNs and signed zeros included."""
    return np.ascontiguousarray(a).view(np.uint8)


def test_sweep_equals_cli_bit_for_bit(tmp_path, backend):
    cfg = tmp_path / "grid.toml"
    cfg.write_text(CONFIG)
    out = tmp_path / "out"
    cli("sweep", "--config", str(cfg), "--out", str(out), "--backend", backend, "--quiet")
    ds = nessbat.sweep(cfg, backend=backend, progress=False)
    meta = read_json(out / "metadata.json")
    files = [a["file"] for a in meta["arrays"].values()]
    for r in meta["reductions"]:
        files += list(r["files"].values())
    # 11 quantities, cycles, status; two arg-ops (value, axis, count,
    # flagged, status), one max
    assert len(files) == 13 + 5 + 5 + 4, files
    for f in files:
        # Dataset names work as attributes: best_t_a.t_a.npy is best_t_a_t_a.
        name = f[: -len(".npy")].replace(".", "_")
        want = np.load(out / f)
        got = ds[name].values
        assert ds[name].attrs.get("file", f) == f, name
        assert got.dtype == want.dtype, name
        assert got.shape == want.shape, name
        assert np.array_equal(bits(got), bits(want)), f"{name} differs from the CLI's {f}"
    # Dimensions named after the axes, coordinates their values.
    assert list(ds.power.dims) == ["t_s", "tau", "t_a"]
    assert list(ds.best_t_a.dims) == ["t_s", "tau"]
    assert list(ds.best_efficiency.dims) == ["t_s"]
    for a in meta["axes"]:
        assert np.array_equal(ds[a["name"]].values, np.asarray(a["values"]))
    # The metadata is the CLI's, but for run times and file checksums.
    pmeta = json.loads(ds.attrs["metadata_json"])
    for key in ["config", "axes", "shape", "points", "model", "protocol", "backend", "precision", "status_counts", "reductions", "identity"]:
        assert pmeta[key] == meta[key], key
    assert ds.power.attrs["units"] == "omega0^2"
    assert ds.attrs["backend"] == backend


def test_point_equals_point_json():
    want = json.loads(cli("point", "--json", "--t-a", "1.5", "--t-s", "0.2", "--lambda", "0.05", "--tau", "30", "--model", "density-matrix", "--rates", "kms").stdout)
    got = nessbat.point(t_a=1.5, t_s=0.2, lambda_=0.05, tau=30, model="density-matrix", rates="kms")
    assert got == want
    # `lambda` as a plain key, for `**params` built from a dict.
    assert nessbat.point(**{"t_a": 1.5, "t_s": 0.2, "lambda": 0.05, "tau": 30}, model="density-matrix", rates="kms") == want


def test_point_defaults_are_the_clis():
    assert nessbat.point() == json.loads(cli("point", "--json").stdout)


OPT_CONFIG = {
    "fixed": {"lambda": 0.01, "gamma": 1e-3, "t_s": 0.1},
    "axes": [
        {"name": "t_a", "range": [0.5, 5.0], "points": 8},
        {"name": "tau", "range": [1.0, 300.0], "points": 8, "spacing": "log"},
    ],
}

OPT_TOML = """
[fixed]
lambda = 0.01
gamma = 1e-3
t_s = 0.1

[[axes]]
name = "t_a"
range = [0.5, 5.0]
points = 8

[[axes]]
name = "tau"
range = [1.0, 300.0]
points = 8
spacing = "log"
"""


def test_optimize_equals_cli(tmp_path):
    cfg = tmp_path / "opt.toml"
    cfg.write_text(OPT_TOML)
    want = json.loads(cli("optimize", "--config", str(cfg), "--maximize", "power", "--subject-to", "efficiency >= 0.005", "--json", "--backend", "cpu", "--out", str(tmp_path / "o")).stdout)
    got = nessbat.optimize(OPT_CONFIG, maximize="power", subject_to="efficiency >= 0.005", backend="cpu")
    history = got.pop("history")
    want_history = pd.read_csv(want.pop("history"))
    assert got == want
    pd.testing.assert_frame_equal(history, want_history)
    assert got["constraint_satisfied"] is True


def test_pareto_equals_cli(tmp_path):
    cfg = tmp_path / "opt.toml"
    cfg.write_text(OPT_TOML)
    out = tmp_path / "p"
    cli("optimize", "--config", str(cfg), "--pareto", "power,efficiency", "--backend", "cpu", "--out", str(out))
    want = np.load(out / "pareto.npy")
    df = nessbat.pareto(cfg, ("power", "efficiency"), backend="cpu")
    assert list(df.columns) == read_json(out / "metadata.json")["columns"]
    assert np.array_equal(bits(df.to_numpy()), bits(want))
    assert len(df) > 1
    # Both maximised: down the front, power falls and efficiency rises.
    assert (np.diff(df["power"]) <= 0).all() and (np.diff(df["efficiency"]) >= 0).all()


def test_several_constraints_equal_cli(tmp_path):
    cfg = tmp_path / "opt.toml"
    cfg.write_text(OPT_TOML)
    args = ["--subject-to", "efficiency >= 0.005", "--subject-to", "heat_in >= 1e-4"]
    want = json.loads(cli("optimize", "--config", str(cfg), "--maximize", "power", *args, "--json", "--backend", "cpu", "--out", str(tmp_path / "o")).stdout)
    got = nessbat.optimize(OPT_CONFIG, maximize="power", subject_to=["efficiency >= 0.005", "heat_in >= 1e-4"], backend="cpu")
    got.pop("history")
    want.pop("history")
    assert got == want
    assert got["subject_to"] == "efficiency >= 0.005 and heat_in >= 0.0001"


def test_outputs_keep_the_chosen_arrays_bit_for_bit(tmp_path, backend):
    """`outputs=` keeps only the chosen variables (and status), each equal
    to `nessbat sweep --outputs`'s file and to the full run's array; the
    config's own `outputs` does the same, and bad names are a ValueError."""
    cfg = tmp_path / "grid.toml"
    cfg.write_text(CONFIG)
    out = tmp_path / "out"
    cli("sweep", "--config", str(cfg), "--out", str(out), "--backend", backend, "--quiet", "--outputs", "power,cycles")
    full = nessbat.sweep(cfg, backend=backend, progress=False)
    ds = nessbat.sweep(cfg, backend=backend, progress=False, outputs=["power", "cycles"])
    kept = {v for v in ds.data_vars if "reduction" not in ds[v].attrs}
    assert kept == {"power", "cycles", "status"}, kept
    for name in kept:
        assert np.array_equal(bits(ds[name].values), bits(np.load(out / f"{name}.npy"))), name
        assert np.array_equal(bits(ds[name].values), bits(full[name].values)), name
    # Reductions still see every quantity.
    assert np.array_equal(bits(ds["best_efficiency"].values), bits(full["best_efficiency"].values))
    in_config = tmp_path / "in_config.toml"
    in_config.write_text('outputs = ["efficiency"]\n' + CONFIG)
    only = nessbat.sweep(in_config, backend=backend, progress=False)
    assert "efficiency" in only and "power" not in only and "status" in only
    with pytest.raises(ValueError, match="outputs must be names from"):
        nessbat.sweep(cfg, backend=backend, progress=False, outputs=["powr"])
