"""A sweep's arrays and metadata as one xarray.Dataset: the same for a
sweep run from Python and for any folder the command line wrote."""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any, Dict, List, Mapping, Sequence, Tuple

import numpy as np
import xarray as xr

from . import _nessbat

Arrays = Sequence[Tuple[str, Sequence[int], np.ndarray]]


def _attr(value: Any) -> Any:
    """A metadata value as a netCDF attribute: numbers and strings as they
    are, booleans as 0/1, anything nested as JSON text."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float, str)):
        return value
    return json.dumps(value)


def _roles(meta: Mapping[str, Any]) -> Dict[str, Tuple[Dict[str, Any], List[str]]]:
    """Array name (file stem) -> (attrs, dims)."""
    dims_all = [a["name"] for a in meta["axes"]]
    roles: Dict[str, Tuple[Dict[str, Any], List[str]]] = {}
    for name, a in meta.get("arrays", {}).items():
        attrs = {"description": a.get("meaning", "")}
        if "long_name" in a:
            attrs["long_name"] = a["long_name"]
            attrs["units"] = a["units"]
        roles[name] = (attrs, dims_all)
    for r in meta.get("reductions", []):
        kept = list(r["kept_axes"])
        for part, file in r["files"].items():
            stem = file[: -len(".npy")]
            if part == "value":
                attrs = {"long_name": r.get("long_name", r["name"]), "units": r.get("units", ""), "description": r["meaning"]}
            elif part == "count":
                attrs = {"long_name": f"points that passed, {r['name']}", "units": "1"}
            elif part == "flagged":
                attrs = {"long_name": f"points that stayed flagged, {r['name']}", "units": "1"}
            elif part == "status":
                attrs = {"long_name": f"status of {r['name']}", "description": json.dumps(r.get("status_meaning"))}
            else:
                attrs = {
                    "long_name": f"{part} at the {r['op'][3:]} of {r['quantity']}",
                    "units": _nessbat.parameter_units(part),
                }
            attrs.update({"reduction": r["name"], "op": r["op"], "quantity": r["quantity"], "over": json.dumps(r["over"])})
            if r.get("where"):
                attrs["where"] = r["where"]
            roles[stem] = (attrs, kept)
    return roles


def dataset(arrays: Arrays, meta: Mapping[str, Any], meta_text: "str | None" = None) -> xr.Dataset:
    """The Dataset of a sweep: one dimension per axis with its values as
    coordinates, one variable per array (quantities, cycles, status and the
    reductions' arrays over their kept axes), metadata in attrs
    (`meta_text`, where given, is `meta` as JSON text already: kept as it
    is rather than written again)."""
    if meta.get("shard") is not None:
        s = meta["shard"]
        raise ValueError(
            f"this folder holds shard {s.get('k')}/{s.get('n')} of a sweep, a flat range of its grid; join the shards with `nessbat merge` and load the merged folder"
        )
    coords = {}
    for a in meta["axes"]:
        coords[a["name"]] = xr.Variable(
            a["name"],
            np.asarray(a["values"], dtype=np.float64),
            {"units": _nessbat.parameter_units(a["name"]), "spacing": a.get("spacing", "")},
        )
    roles = _roles(meta)
    data_vars = {}
    for name, shape, flat in arrays:
        if name not in roles:
            raise ValueError(f"array {name!r} is not described by the metadata")
        attrs, dims = roles[name]
        if name == "status":
            # CF flags, so that tools (and xarray's plots) name the codes.
            attrs = dict(attrs)
            # A battery sweep names its own codes (not_populations,
            # disconnected); a built-in sweep has these four.
            codes = meta.get("status_codes") or {"ok": 0, "not_converged": 1, "invalid": 2, "imprecise": 3}
            ordered = sorted(codes.items(), key=lambda kv: kv[1])
            attrs["flag_values"] = np.array([v for _, v in ordered], dtype=np.uint8)
            attrs["flag_meanings"] = " ".join(k for k, _ in ordered)
        elif name.endswith(".status") and "reduction" in attrs:
            attrs = dict(attrs)
            attrs["flag_values"] = np.array([0, 1, 2], dtype=np.uint8)
            attrs["flag_meanings"] = "found no_point_passes points_stayed_flagged"
        # reshape of a contiguous 1-D array is a view: no copy.
        data_vars[name] = xr.Variable(dims, flat.reshape(tuple(shape)), attrs)
    data_vars = _attribute_names(data_vars)
    attrs = {k: _attr(v) for k, v in meta.items() if v is not None and k not in ("checksums",)}
    attrs["metadata_json"] = meta_text if meta_text is not None else json.dumps(meta)
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)


def _attribute_names(data_vars: Dict[str, xr.Variable]) -> Dict[str, xr.Variable]:
    """Variables named so that `ds.NAME` works: a reduction's arrays
    `best.t_a`, `best.count`, `best.status` (the files' stems) become
    `best_t_a`, `best_count`, `best_status`, with the file's name in attrs
    (`file`). Where two names would meet, both keep their stems."""
    wanted = {name: name.replace(".", "_") for name in data_vars}
    taken: Dict[str, int] = {}
    for w in wanted.values():
        taken[w] = taken.get(w, 0) + 1
    out: Dict[str, xr.Variable] = {}
    for name, var in data_vars.items():
        if "." in name:
            var.attrs["file"] = name + ".npy"
        out[wanted[name] if taken[wanted[name]] == 1 else name] = var
    return out


def _sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def load(folder: "str | os.PathLike[str]", verify: bool = True, mmap: bool = False) -> xr.Dataset:
    """Opens a folder written by `nessbat sweep` or `nessbat merge` (full
    arrays, reductions or both) as the Dataset `nessbat.sweep` returns.

    verify: check every array against the SHA-256 that metadata.json
    records (as `nessbat merge` does) and raise ValueError naming a file
    that differs; False skips the hashing, for a large folder.
    mmap: map the arrays from disk instead of reading them into memory
    (lazy: a sweep larger than memory opens at once, and only what is
    used is read)."""
    folder = os.fspath(folder)
    path = os.path.join(folder, "metadata.json")
    try:
        with open(path, encoding="utf-8") as f:
            meta = json.load(f)
    except FileNotFoundError:
        raise ValueError(f"{folder}: no metadata.json; accepted: a folder written by `nessbat sweep` or `nessbat merge`") from None
    except (OSError, json.JSONDecodeError) as e:
        raise ValueError(f"{path}: {e}") from None
    if "axes" not in meta or "shape" not in meta:
        raise ValueError(f"{path}: not a sweep's metadata (no axes); `nessbat.load` opens sweep and merge folders")
    files: List[Tuple[str, str]] = []
    for name, a in meta.get("arrays", {}).items():
        files.append((name, a["file"]))
    for r in meta.get("reductions", []):
        for file in r["files"].values():
            files.append((file[: -len(".npy")], file))
    sums = meta.get("checksums") or {}
    arrays = []
    for name, file in files:
        full = os.path.join(folder, file)
        if verify:
            want = sums.get(file)
            if want is None:
                raise ValueError(f"{full}: metadata.json records no checksum for it; load(..., verify=False) opens it unchecked")
            try:
                got = _sha256(full)
            except OSError as e:
                raise ValueError(f"{folder}: {file}: {e}") from None
            if got != want:
                raise ValueError(
                    f"{full}: checksum mismatch with metadata.json (damaged or changed since it was written); "
                    "rerun the sweep, or load(..., verify=False) to open it anyway"
                )
        try:
            data = np.load(full, allow_pickle=False, mmap_mode="r" if mmap else None)
        except OSError as e:
            raise ValueError(f"{folder}: {file}: {e}") from None
        except ValueError as e:
            # A truncated or damaged file (unchecked with verify=False) is
            # named, whatever numpy's own message says.
            raise ValueError(f"{full}: cannot be read as a .npy array ({e})") from None
        arrays.append((name, data.shape, data.reshape(-1)))
    return dataset(arrays, meta)
