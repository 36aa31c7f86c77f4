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
    with pytest.raises(ValueError, match="_im twin"):
        bad = maser()
        bad["battery"]["hamiltonian"] = np.eye(3) * (1 + 1j)
        nessbat.battery_point(bad)
