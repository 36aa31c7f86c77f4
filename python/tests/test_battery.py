"""A battery of one's own from Python: the same numbers as
`nessbat point --config FILE --json`, bit for bit, from a dict with numpy
arrays or a TOML file; bad matrices raise ValueError in one line."""

import json

import numpy as np
import pytest

import nessbat
from conftest import cli

OMEGA_C, OMEGA_H = 0.4, 1.0


def maser(**fixed):
    """The three-level maser: hot bath on 0-2, cold on 0-1."""
    x_h = np.zeros((3, 3))
    x_h[0, 2] = x_h[2, 0] = 1.0
    x_c = np.zeros((3, 3))
    x_c[0, 1] = x_c[1, 0] = 1.0
    return {
        "model": "populations",
        "battery": {
            "hamiltonian": np.diag([0.0, OMEGA_C, OMEGA_H]),
            "baths": [
                {"name": "h", "coupling": x_h},
                {"name": "c", "coupling": x_c},
            ],
        },
        "fixed": {"t_h": 2.0, "gamma_h": 1e-3, "t_c": 0.2, "gamma_c": 1e-3, "tau": 100.0, **fixed},
    }


def toml(config) -> str:
    m = lambda a: "[" + ", ".join("[" + ", ".join(repr(float(v)) for v in row) + "]" for row in a) + "]"
    b = config["battery"]
    lines = [f'model = "{config["model"]}"', "[battery]", f"hamiltonian = {m(b['hamiltonian'])}"]
    for bath in b["baths"]:
        lines += ["[[battery.baths]]", f'name = "{bath["name"]}"', f"coupling = {m(bath['coupling'])}"]
    lines.append("[fixed]")
    lines += [f"{k} = {float(v)!r}" for k, v in config["fixed"].items()]
    return "\n".join(lines) + "\n"


def test_battery_point_equals_the_cli_and_runs_at_the_otto_efficiency(tmp_path):
    config = maser()
    got = nessbat.battery_point(config)
    path = tmp_path / "maser.toml"
    path.write_text(toml(config))
    want = json.loads(cli("point", "--config", str(path), "--json").stdout)
    assert got == want
    assert nessbat.battery_point(str(path)) == want
    assert got["status"] == "ok"
    assert got["efficiency"] == pytest.approx(1 - OMEGA_C / OMEGA_H, rel=1e-12)
    assert got["heat_h"] + got["heat_c"] == pytest.approx(got["ergotropy"], rel=1e-9)


def test_an_unresolved_point_has_an_infinite_estimate_as_in_a_sweep(tmp_path):
    # The maser at Γ_h = 1e-20: its work is below f64's resolution. JSON
    # has no infinity (the CLI writes null); Python gives inf, as the
    # sweep's Dataset does at the same point.
    config = maser(gamma_h=1e-20)
    got = nessbat.battery_point(config)
    path = tmp_path / "unresolved.toml"
    path.write_text(toml(config))
    want = json.loads(cli("point", "--config", str(path), "--json").stdout)
    assert got["status"] == want["status"] == "imprecise"
    assert want["error_estimate"] is None
    assert got["error_estimate"] == float("inf")
    swept = maser()
    swept["fixed"].pop("gamma_h")
    swept["axes"] = [{"name": "gamma_h", "values": [1e-20, 1e-3]}]
    ds = nessbat.sweep(swept, progress=False)
    assert float(ds["error_estimate"][0]) == float("inf")
    assert {k: v for k, v in got.items() if k != "error_estimate"} == {
        k: v for k, v in want.items() if k != "error_estimate"
    }


def test_bad_batteries_raise_one_line_value_errors():
    bad = maser()
    bad["battery"]["hamiltonian"] = np.array([[0.0, 1.0, 0.0], [0.0, 0.4, 0.0], [0.0, 0.0, 1.0]])
    with pytest.raises(ValueError, match="not Hermitian") as e:
        nessbat.battery_point(bad)
    assert "\n" not in str(e.value)
    with pytest.raises(ValueError, match="t_x"):
        nessbat.battery_point(maser(t_x=1.0))
    with pytest.raises(ValueError, match="battery"):
        nessbat.battery_point(None)


def test_settings_of_the_wrong_type_and_dict_errors_read_as_the_user_wrote_them():
    with pytest.raises(ValueError, match="backend: got None; accepted") as e:
        nessbat.sweep({"fixed": {"t_a": 2.0, "t_s": 0.1}}, backend=None)
    with pytest.raises(ValueError) as e:
        nessbat.battery_point({"battery": {"hamiltonian": "x", "baths": []}})
    assert "line 1 column" not in str(e.value)
    with pytest.raises(ValueError, match="config: fixed.tau is complex; accepted"):
        bad = maser()
        bad["fixed"]["tau"] = np.complex128(100)
        nessbat.battery_point(bad)


def test_complex_matrices_are_their_real_parts_and_im_twins():
    """A complex numpy H or coupling, raw or through nessbat.matrices,
    is the real matrix with its _im twin, bit for bit; both at once is
    refused in one line."""
    h = np.array([[0.0, 0.1j, 0.0], [-0.1j, OMEGA_C, 0.0], [0.0, 0.0, OMEGA_H]])
    x_c = np.zeros((3, 3), complex)
    x_c[0, 1], x_c[1, 0] = 1j, -1j
    config = maser()
    hot = config["battery"]["baths"][0]["coupling"]
    config["battery"] = nessbat.matrices(h, {"h": hot, "c": x_c})
    got = nessbat.battery_point(config)
    twins = maser()
    twins["battery"] = {
        "hamiltonian": h.real,
        "hamiltonian_im": h.imag,
        "baths": [
            {"name": "h", "coupling": hot},
            {"name": "c", "coupling": x_c.real, "coupling_im": x_c.imag},
        ],
    }
    assert got == nessbat.battery_point(twins)
    assert got["status"] == "ok" and got["ergotropy"] > 0
    # The caller's dict is not rewritten.
    assert config["battery"]["hamiltonian"] is h
    both = maser()
    both["battery"] = dict(twins["battery"], hamiltonian=h)
    with pytest.raises(ValueError, match="complex hamiltonian and hamiltonian_im both given"):
        nessbat.battery_point(both)


def sweep_config():
    """The maser over (T_h, T_c): a dict with numpy arrays and axes."""
    config = maser()
    del config["fixed"]["t_h"], config["fixed"]["t_c"]
    config["axes"] = [
        {"name": "t_h", "range": [0.2, 4.0], "points": 9},
        {"name": "t_c", "values": [0.05, 0.1, 0.3, 0.6]},
    ]
    return config


def test_battery_sweep_is_a_dataset_with_a_heat_per_bath_equal_to_the_cli(tmp_path):
    config = sweep_config()
    ds = nessbat.sweep(config, progress=False)
    assert ds.sizes == {"t_h": 9, "t_c": 4}
    assert {"heat_h", "heat_c", "capacity", "status"} <= set(ds.data_vars)
    assert ds.heat_h.attrs["long_name"] == "heat from bath h"
    assert list(ds.status.attrs["flag_meanings"].split()) == [
        "ok", "not_converged", "imprecise", "not_populations", "disconnected"]
    # Every point is the one-point computation at its parameters.
    for th in ds.t_h.values[::4]:
        for tc in ds.t_c.values:
            point = nessbat.battery_point(maser(t_h=float(th), t_c=float(tc)))
            at = ds.sel(t_h=th, t_c=tc)
            assert int(at.status) == 0
            assert float(at.ergotropy) == point["ergotropy"]
            assert float(at.heat_c) == point["heat_c"]
    engines = ds.ergotropy > 0
    assert int(engines.sum()) > 5
    assert np.allclose(ds.efficiency.where(engines, 0.6), 1 - OMEGA_C / OMEGA_H, rtol=0, atol=1e-9)
    # The CLI writes the same arrays, bit for bit; load() opens the folder
    # as the same Dataset.
    path = tmp_path / "maser.toml"
    text = toml(maser()).replace("t_h = 2.0\n", "").replace("t_c = 0.2\n", "")
    text += '[[axes]]\nname = "t_h"\nrange = [0.2, 4.0]\npoints = 9\n[[axes]]\nname = "t_c"\nvalues = [0.05, 0.1, 0.3, 0.6]\n'
    path.write_text(text)
    cli("sweep", "--config", str(path), "--out", str(tmp_path / "out"), "--quiet")
    loaded = nessbat.load(tmp_path / "out")
    for name in ds.data_vars:
        assert np.array_equal(loaded[name].values, ds[name].values, equal_nan=True), name
    # out= writes the folder as the CLI does.
    again = nessbat.sweep(config, progress=False, out=tmp_path / "py")
    assert np.array_equal(again.power.values, ds.power.values, equal_nan=True)
    # It is the CLI's sweep of that config, to its identity: `--resume`
    # finds it finished, and the CLI's and Python's checkpoints are one.
    done = cli("sweep", "--config", str(path), "--out", str(tmp_path / "py"), "--resume")
    assert "nothing to do" in done.stdout
    assert not (tmp_path / "py" / ".nessbat-partial").exists()


def test_a_battery_sweep_is_the_same_on_either_backend(backend):
    """backend="gpu" forms the strokes on the GPU (lavapipe in CI) and
    finishes every point on the CPU: every figure within 1e-9 of the CPU
    backend's, the same statuses, and the backend in the attributes."""
    cpu = nessbat.sweep(sweep_config(), backend="cpu", progress=False)
    got = nessbat.sweep(sweep_config(), backend=backend, progress=False)
    assert np.array_equal(got.status.values, cpu.status.values)
    for name in ["ergotropy", "power", "heat_h", "heat_c", "heat_in", "entropy_production", "capacity"]:
        assert np.allclose(got[name].values, cpu[name].values, rtol=1e-9, atol=0, equal_nan=True), name
    assert got.attrs["backend"] == backend


def test_battery_reductions_are_variables_of_the_dataset(tmp_path):
    """[[reduce]] over a battery: the reduced arrays as Dataset variables
    over the kept axes, equal to the extremum of the full arrays, and the
    same through the CLI's folder."""
    config = sweep_config()
    config["full_arrays"] = True
    config["reduce"] = [{"name": "best", "op": "argmax", "quantity": "heat_h", "over": ["t_c"]}]
    ds = nessbat.sweep(config, progress=False)
    assert ds.best.dims == ("t_h",)
    ok = ds.heat_h.where(ds.status == 0)
    assert np.array_equal(ds.best.values, ok.max("t_c").values, equal_nan=True)
    assert np.array_equal(ds.best_t_c.values, ok.idxmax("t_c").values)
    del config["full_arrays"]
    nessbat.sweep(config, progress=False, out=tmp_path / "out")
    loaded = nessbat.load(tmp_path / "out")
    assert "heat_h" not in loaded.data_vars
    assert np.array_equal(loaded.best.values, ds.best.values)
    assert np.array_equal(loaded.best_count.values, ds.best_count.values)


def test_a_battery_optimum_is_the_clis(tmp_path):
    """nessbat.optimize over a [battery]: the CLI's --json report, with a
    heat as the objective, the Otto efficiency at the optimum, and the
    search history as a DataFrame."""
    config = maser(t_h=2.0)
    del config["fixed"]["t_c"]
    config["axes"] = [{"name": "t_c", "range": [0.05, 1.0], "points": 20}]
    got = nessbat.optimize(config, maximize="heat_h", subject_to="power > 0")
    assert got["objective"]["quantity"] == "heat_h" and got["outcome"] == "optimum"
    assert abs(got["efficiency"] - (1 - OMEGA_C / OMEGA_H)) <= 1e-9
    assert list(got["history"].columns[:5]) == ["start", "iteration", "points", "value", "t_c"]
    path = tmp_path / "maser.toml"
    path.write_text(toml(config) + '[[axes]]\nname = "t_c"\nrange = [0.05, 1.0]\npoints = 20\n')
    cli_report = json.loads(cli("optimize", "--config", str(path), "--maximize", "heat_h",
                                "--subject-to", "power > 0", "--json").stdout)
    for key in ["parameters", "heat_h", "power", "objective", "evaluations"]:
        assert got[key] == cli_report[key], key
    # The Pareto front of two of its figures: non-dominated among its rows.
    front = nessbat.pareto(config, ("power", "heat_h"))
    assert list(front.columns[:2]) == ["t_c", "ergotropy"] and len(front) >= 1
    assert (front.power.diff().dropna() <= 0).all() and (front.heat_h.diff().dropna() >= 0).all()
    assert front.attrs["pareto"] == ["power", "heat_h"] and front.attrs["precision"] == "f64"


def test_battery_sweeps_refuse_what_they_do_not_support_in_one_line():
    with pytest.raises(ValueError, match="f32") as e:
        nessbat.sweep(sweep_config(), precision="f32", progress=False)
    assert "\n" not in str(e.value)
    with pytest.raises(ValueError, match="heat_x"):
        nessbat.sweep(sweep_config(), outputs=["power", "heat_x"], progress=False)
    bad = sweep_config()
    bad["axes"][0]["name"] = "omega0"
    with pytest.raises(ValueError, match="omega0"):
        nessbat.sweep(bad, progress=False)


FIXED = {"t_h": 2.0, "gamma_h": 1e-3, "t_c": 0.2, "gamma_c": 1e-3, "tau": 100.0}


def test_builder_functions_give_the_batteries_of_the_toml_builders(tmp_path):
    """Each builder function's table is the TOML builder's: the same point
    as the CLI on the hand-written TOML, bit for bit; the maser by levels
    is the maser by matrices."""
    cases = [
        (
            nessbat.chain(3, {"h": "sx1", "c": "sx3"}, ring=True),
            '[battery.chain]\nspins = 3\nring = true\n[[battery.baths]]\nname = "h"\ncoupling = "sx1"\n'
            '[[battery.baths]]\nname = "c"\ncoupling = "sx3"\n',
            {"lambda": 0.05, "zz": 0.01, "omega_2": 0.9, "omega_3": 0.8},
        ),
        (
            nessbat.dicke(4, [nessbat.bath("h", "jx"), nessbat.bath("c", "jp + jm", spectral_exponent=1.0)]),
            '[battery.dicke]\nspins = 4\n[[battery.baths]]\nname = "h"\ncoupling = "jx"\n'
            '[[battery.baths]]\nname = "c"\ncoupling = "jp + jm"\nspectral_exponent = 1.0\n',
            {"chi": 0.1},
        ),
        (
            nessbat.levels(np.array([0.0, OMEGA_C, OMEGA_H]), {"h": "|0><2|", "c": "|0><1|"}),
            '[battery.levels]\nenergies = [0.0, 0.4, 1.0]\n[[battery.baths]]\nname = "h"\ncoupling = "|0><2|"\n'
            '[[battery.baths]]\nname = "c"\ncoupling = "|0><1|"\n',
            {},
        ),
    ]
    for i, (table, text, params) in enumerate(cases):
        fixed = {**FIXED, **params}
        got = nessbat.battery_point({"battery": table, "fixed": fixed})
        path = tmp_path / f"b{i}.toml"
        path.write_text(text + "[fixed]\n" + "".join(f"{k} = {float(v)!r}\n" for k, v in fixed.items()))
        want = json.loads(cli("point", "--config", str(path), "--json").stdout)
        assert got == want, text
        assert got["status"] == "ok", got.get("message")
    by_levels = nessbat.battery_point({"battery": cases[2][0], "fixed": FIXED})
    by_matrices = nessbat.battery_point(
        {"battery": nessbat.matrices(maser()["battery"]["hamiltonian"], maser()["battery"]["baths"]), "fixed": FIXED}
    )
    assert by_levels["efficiency"] == pytest.approx(1 - OMEGA_C / OMEGA_H, rel=1e-12)
    assert by_levels["ergotropy"] == pytest.approx(by_matrices["ergotropy"], rel=1e-12)


def test_builder_functions_sweep_their_parameters():
    """A builder's parameter on an axis: the Dataset has a heat per bath."""
    ds = nessbat.sweep(
        {
            "battery": nessbat.chain(2, {"aa": "sx1 - sx2", "ss": "sx1 + sx2"}),
            "fixed": {"t_aa": 2.0, "gamma_aa": 1e-3, "t_ss": 0.1, "gamma_ss": 1e-3, "tau": 100.0},
            "axes": [{"name": "lambda", "range": [0.01, 0.3], "points": 4}],
        }
    )
    assert ds.heat_aa.shape == (4,) and ds.heat_ss.shape == (4,)
    assert (ds.status == 0).all()


def test_builder_functions_refuse_bad_input_in_one_line():
    with pytest.raises(ValueError, match="accepted"):
        nessbat.chain(3, "sx1")
    with pytest.raises(ValueError, match="accepted"):
        nessbat.bath(3, "sx1")
    with pytest.raises(ValueError) as e:
        nessbat.battery_point({"battery": nessbat.chain(3, {"h": "sq1"}), "fixed": {"t_h": 1.0, "gamma_h": 1e-3, "tau": 1.0}})
    assert "accepted" in str(e.value) and "\n" not in str(e.value)


def split_maser(delta, **fixed):
    """The maser with its upper level split in two, both on the hot bath:
    that bath feeds their coherence, which the population model drops."""
    x_h = np.zeros((4, 4))
    x_h[0, 2:] = x_h[2:, 0] = 1.0
    x_c = np.zeros((4, 4))
    x_c[0, 1] = x_c[1, 0] = 1.0
    config = maser(**fixed)
    config["battery"] = {
        "hamiltonian": np.diag([0.0, OMEGA_C, OMEGA_H, OMEGA_H + delta]),
        "baths": [{"name": "h", "coupling": x_h}, {"name": "c", "coupling": x_c}],
    }
    return config


def test_a_doubtful_secular_approximation_is_a_python_warning_not_a_flag():
    import warnings

    with pytest.warns(UserWarning, match="secular") as said:
        got = nessbat.battery_point(split_maser(1e-2))
    assert len(said) == 1 and "levels 2 and 3" in str(said[0].message)
    assert got["status"] == "ok"
    config = split_maser(1e-2)
    del config["fixed"]["t_h"]
    config["axes"] = [{"name": "t_h", "values": [0.5, 2.0]}]
    with pytest.warns(UserWarning, match="secular"):
        nessbat.sweep(config, progress=False)
    # Far apart (spacing 0.3, rate 1.5e-3), and the plain maser: silent.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nessbat.battery_point(split_maser(0.3))
        nessbat.battery_point(maser())
