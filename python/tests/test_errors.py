"""Bad input raises ValueError with the library's one line; a GPU that is
not there raises RuntimeError; nothing is written or half-run."""

import os
import subprocess
import sys

import pytest

import nessbat

GRID = {"fixed": {"t_a": 1.0, "t_s": 0.1, "gamma": 1e-3, "lambda": 0.01}, "axes": [{"name": "tau", "values": [1.0, 10.0]}]}


@pytest.mark.parametrize(
    "kwargs, words",
    [
        (dict(config={"axes": 5}), "config"),
        (dict(config={"fixed": {"t_a": 1.0, "t_s": 0.1}, "axes": [{"name": "tau", "range": [1, 10], "points": 0}]}), "points"),
        (dict(config={"fixed": {"t_a": -1.0, "t_s": 0.1}, "axes": [{"name": "tau", "values": [1.0]}]}), "t_a"),
        (dict(config={"nonsense": 1}), "nonsense"),
        (dict(config="/no/such/config.toml"), "/no/such/config.toml"),
        (dict(config=42), "accepted"),
        (dict(config=GRID, backend="tpu"), "backend"),
        (dict(config=GRID, precision="f16"), "precision"),
        (dict(config=GRID, backend="cpu", precision="f32"), "precision f32"),
        # A grid larger than memory: refused before any work (the process
        # and the notebook's kernel live on).
        (
            dict(config={"fixed": {"tau": 40.0, "gamma": 1e-3, "lambda": 0.01},
                         "axes": [{"name": "t_a", "range": [0.1, 5.0], "points": 200000},
                                  {"name": "t_s", "range": [0.1, 5.0], "points": 200000}]}),
            "40000000000 points need",  # and "write them to a folder instead"
        ),
    ],
)
def test_sweep_errors_are_value_errors(kwargs, words):
    with pytest.raises(ValueError) as e:
        nessbat.sweep(progress=False, **kwargs)
    msg = str(e.value)
    assert words in msg and "\n" not in msg


@pytest.mark.parametrize(
    "kwargs, words",
    [
        (dict(t_a=-1.0, t_s=0.1), "t_a"),
        (dict(t_a=1.0, t_s=5e3), "t_s"),
        (dict(foo=1.0), "unknown parameter 'foo'"),
        (dict(t_a="hot", t_s=0.1), "t_a"),
        (dict(t_a=1.0, t_s=0.1, lambda_=2.0), "lambda"),
        (dict(model="dm"), "model"),
        (dict(detuning=0.1), "density-matrix"),
        (dict(t_a=float("nan"), t_s=0.1), "t_a"),
        (dict(config={"battery": {"levels": {"energies": [0.0, 1.0]}}}), "battery_point"),
        (dict(t_a={"a": list(range(100))}), "got a dict"),
    ],
)
def test_point_errors_are_value_errors(kwargs, words):
    with pytest.raises(ValueError) as e:
        nessbat.point(**kwargs)
    assert words in str(e.value)
    # One short line, whatever was passed.
    assert "\n" not in str(e.value) and len(str(e.value)) < 300


def test_optimize_and_pareto_errors():
    with pytest.raises(ValueError, match="maximize"):
        nessbat.optimize(GRID)
    with pytest.raises(ValueError, match="accepted"):
        nessbat.optimize(GRID, maximize="speed", backend="cpu")
    with pytest.raises(ValueError, match="subject_to"):
        nessbat.optimize(GRID, maximize="power", subject_to="power => 1", backend="cpu")
    with pytest.raises(ValueError, match="two"):
        nessbat.pareto(GRID, ("power",), backend="cpu")
    with pytest.raises(ValueError, match="different"):
        nessbat.pareto(GRID, ("power", "power"), backend="cpu")


def test_missing_gpu_is_a_runtime_error():
    # No adapter has this name, so the library finds no GPU.
    code = (
        "import nessbat\n"
        "try:\n"
        "    nessbat.sweep(progress=False, backend='gpu')\n"
        "except RuntimeError as e:\n"
        "    print('RuntimeError', e)\n"
    )
    env = dict(os.environ, WGPU_ADAPTER_NAME="no-such-adapter-anywhere")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("RuntimeError backend gpu:"), p.stdout + p.stderr


def test_suspicious_configs_warn_in_python():
    cfg = {"fixed": {"lambda": 0.01, "gamma": 1e-3, "t_s": 0.1}, "axes": [{"name": "t_a", "values": [0.5, 300.0]}]}
    with pytest.warns(UserWarning, match="not kelvin"):
        ds = nessbat.sweep(cfg, backend="cpu", progress=False)
    assert ds.sizes["t_a"] == 2


def test_one_bath_given_keeps_the_other_default():
    # The documented defaults are T_A = 2, T_S = 0.1.
    assert nessbat.point(t_a=3.0) == nessbat.point(t_a=3.0, t_s=0.1)
    assert nessbat.point(t_s=0.2) == nessbat.point(t_a=2.0, t_s=0.2)


def test_dict_configs_take_numpy_values():
    import numpy as np

    cfg = {"fixed": {"t_a": np.float64(2.0), "t_s": 0.1, "gamma": 1e-3, "lambda": 0.01},
           "axes": [{"name": "tau", "values": np.linspace(1.0, 10.0, 3)},
                    {"name": "lambda", "range": [0.005, 0.02], "points": np.int64(2)}]}
    cfg["fixed"].pop("lambda")
    ds = nessbat.sweep(cfg, backend="cpu", progress=False)
    assert ds.power.shape == (3, 2)
    assert list(ds.status.attrs["flag_meanings"].split()) == ["ok", "not_converged", "invalid", "imprecise"]


def test_non_finite_numbers_in_a_dict_config_are_named_where_they_are():
    import numpy as np

    bad = {"battery": {"levels": {"energies": [0.0, 0.4, 1.0]},
                       "baths": [{"name": "h", "rates": np.array([[0, 2, 1e-3, np.nan]])},
                                 {"name": "c", "coupling": "|0><1|"}]},
           "fixed": {"t_c": 0.2, "gamma_c": 1e-3, "tau": 100.0}}
    with pytest.raises(ValueError, match=r"^config: battery\.baths\[0\]\.rates\[0\]\[3\] is nan; accepted: a finite number$"):
        nessbat.battery_point(bad)
    with pytest.raises(ValueError, match=r"^config: fixed\.tau is inf; accepted"):
        nessbat.sweep({"fixed": {"t_a": 2.0, "tau": float("inf")}}, progress=False)


def test_a_grid_larger_than_memory_runs_into_a_folder(tmp_path, monkeypatch):
    """Refused in memory (ValueError naming the folder as a way out), the
    same grid written to a folder is streamed there chunk by chunk and
    opened lazily, with the arrays of an in-memory run."""
    config = {"fixed": {"tau": 40.0, "gamma": 1e-3, "lambda": 0.01},
              "axes": [{"name": "t_a", "range": [0.1, 5.0], "points": 48},
                       {"name": "t_s", "range": [0.1, 5.0], "points": 40}]}
    whole = nessbat.sweep(config, backend="cpu", progress=False)
    # 1920 points of about 100 bytes each: 100 kB does not hold them.
    monkeypatch.setenv("NESSBAT_MEMORY_BUDGET", "100000")
    with pytest.raises(ValueError) as e:
        nessbat.sweep(config, backend="cpu", progress=False)
    assert "folder" in str(e.value) and "\n" not in str(e.value)
    out = tmp_path / "big"
    ds = nessbat.sweep(config, backend="cpu", progress=False, out=out)
    assert (out / "metadata.json").exists() and not (out / ".nessbat-partial").exists()
    for name in ["ergotropy", "heat_a", "status", "cycles"]:
        assert ds[name].shape == (48, 40)
        assert (ds[name].values.tobytes() == whole[name].values.tobytes()), name
    # The folder holds results now: refused without force, rewritten with it.
    # The refusal names Python's keywords, not the CLI's flags.
    with pytest.raises(ValueError) as e:
        nessbat.sweep(config, backend="cpu", progress=False, out=out)
    assert "force=True" in str(e.value) and "--force" not in str(e.value), str(e.value)
    nessbat.sweep(config, backend="cpu", progress=False, out=out, force=True)
