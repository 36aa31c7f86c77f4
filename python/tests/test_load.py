"""`nessbat.load` opens what the command line wrote as the Dataset that
`nessbat.sweep` returns, and the Dataset survives netCDF."""

import numpy as np
import xarray as xr

import nessbat
from conftest import cli
from test_cli_equivalence import CONFIG, bits


def assert_same_arrays(a: xr.Dataset, b: xr.Dataset):
    assert sorted(a.data_vars) == sorted(b.data_vars)
    for name in a.data_vars:
        assert a[name].dims == b[name].dims, name
        assert a[name].attrs.keys() == b[name].attrs.keys(), name
        for k, v in a[name].attrs.items():
            # CF flag_values are arrays: compared element by element.
            assert np.array_equal(np.asarray(v), np.asarray(b[name].attrs[k])), (name, k)
        assert np.array_equal(bits(a[name].values), bits(b[name].values)), name
    for name in a.coords:
        assert np.array_equal(a[name].values, b[name].values), name


def test_load_round_trips_a_sweep(tmp_path):
    cfg = tmp_path / "grid.toml"
    cfg.write_text(CONFIG)
    out = tmp_path / "out"
    cli("sweep", "--config", str(cfg), "--out", str(out), "--backend", "cpu", "--quiet")
    loaded = nessbat.load(out)
    assert_same_arrays(loaded, nessbat.sweep(cfg, backend="cpu", progress=False))
    assert loaded.attrs["points"] == 7 * 9 * 11


def test_load_reductions_only(tmp_path):
    cfg = tmp_path / "grid.toml"
    cfg.write_text(CONFIG.replace("full_arrays = true", "full_arrays = false"))
    out = tmp_path / "out"
    cli("sweep", "--config", str(cfg), "--out", str(out), "--backend", "cpu", "--quiet")
    loaded = nessbat.load(out)
    assert "power" not in loaded and "best_t_a_t_a" in loaded
    # Every name works as an attribute.
    assert all(name.isidentifier() for name in loaded.data_vars), list(loaded.data_vars)
    assert loaded.best_t_a_t_a.attrs["file"] == "best_t_a.t_a.npy"
    assert_same_arrays(loaded, nessbat.sweep(cfg, backend="cpu", progress=False))


def test_load_merged_shards_equals_one_run(tmp_path):
    cfg = tmp_path / "grid.toml"
    cfg.write_text(CONFIG)
    parts = []
    for k in range(3):
        part = tmp_path / f"part{k}"
        cli("sweep", "--config", str(cfg), "--out", str(part), "--backend", "cpu", "--quiet", "--shard", f"{k}/3")
        parts.append(str(part))
    merged = tmp_path / "merged"
    cli("merge", "--out", str(merged), *parts)
    assert_same_arrays(nessbat.load(merged), nessbat.sweep(cfg, backend="cpu", progress=False))


def test_netcdf_round_trip(tmp_path):
    ds = nessbat.sweep(
        {
            "fixed": {"lambda": 0.01, "t_s": 0.1, "gamma": 1e-3},
            "axes": [{"name": "t_a", "range": [0.5, 3.0], "points": 5}, {"name": "tau", "values": [1.0, 10.0, 100.0]}],
            "reduce": [{"over": ["t_a"], "quantity": "power", "op": "argmax", "name": "best"}],
            "full_arrays": True,
        },
        backend="cpu",
        progress=False,
    )
    path = tmp_path / "sweep.nc"
    ds.to_netcdf(path)
    back = xr.load_dataset(path)
    assert_same_arrays(back, ds)
    assert back.attrs["metadata_json"] == ds.attrs["metadata_json"]


def test_load_verifies_the_checksums(tmp_path):
    # One flipped bit in power.npy: `nessbat merge` refuses the file, and so
    # does `load`, naming it; verify=False opens it anyway.
    cfg = tmp_path / "grid.toml"
    cfg.write_text(CONFIG)
    out = tmp_path / "out"
    cli("sweep", "--config", str(cfg), "--out", str(out), "--backend", "cpu", "--quiet")
    power = out / "power.npy"
    data = bytearray(power.read_bytes())
    data[-3] ^= 0x10
    power.write_bytes(bytes(data))
    try:
        nessbat.load(out)
    except ValueError as e:
        assert "power.npy" in str(e) and "checksum" in str(e), e
    else:
        raise AssertionError("a damaged array loaded without a word")
    damaged = nessbat.load(out, verify=False)
    intact = nessbat.sweep(cfg, backend="cpu", progress=False)
    assert not np.array_equal(bits(damaged.power.values), bits(intact.power.values))


def test_load_maps_the_arrays_lazily(tmp_path):
    cfg = tmp_path / "grid.toml"
    cfg.write_text(CONFIG)
    out = tmp_path / "out"
    cli("sweep", "--config", str(cfg), "--out", str(out), "--backend", "cpu", "--quiet")
    lazy = nessbat.load(out, mmap=True)

    def on_disk(a):
        # A view of a memory map, however many views deep.
        while a is not None:
            if isinstance(a, np.memmap):
                return True
            a = a.base
        return False

    assert on_disk(lazy.power.values)
    assert not on_disk(nessbat.load(out).power.values)
    assert_same_arrays(lazy, nessbat.load(out))


def test_load_names_a_truncated_file(tmp_path):
    # Unchecked (verify=False), a truncated array is still refused by name.
    cfg = tmp_path / "grid.toml"
    cfg.write_text(CONFIG)
    out = tmp_path / "out"
    cli("sweep", "--config", str(cfg), "--out", str(out), "--backend", "cpu", "--quiet")
    power = out / "power.npy"
    power.write_bytes(power.read_bytes()[:-100])
    for mmap in (False, True):
        try:
            nessbat.load(out, verify=False, mmap=mmap)
        except ValueError as e:
            assert "power.npy" in str(e), e
        else:
            raise AssertionError("a truncated array loaded")
