"""Configs as the library takes them: TOML text with a name for messages."""

from __future__ import annotations

import json
import os
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple, Union

from . import _nessbat

Config = Union[None, str, "os.PathLike[str]", Mapping[str, Any]]


def _plain(value: Any) -> Any:
    """numpy arrays and scalars (np.linspace(...), np.int64(4)) as the
    lists and numbers they hold; anything else is not in the schema."""
    if getattr(value, "dtype", None) is not None and value.dtype.kind == "c" or isinstance(value, complex):
        raise TypeError("complex entries: accepted only in a battery's hamiltonian and couplings (split into their _im twins)")
    if hasattr(value, "tolist"):
        return value.tolist()
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _first(value: Any, path: str, bad: Callable[[Any], bool]) -> Optional[Tuple[str, Any]]:
    """The first number in a config dict for which `bad` holds, with where
    it is (`fixed.tau`, `battery.baths[0].rates[0][2]`), or None."""
    if isinstance(value, Mapping):
        for k, v in value.items():
            found = _first(v, f"{path}.{k}" if path else str(k), bad)
            if found:
                return found
        return None
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            found = _first(v, f"{path}[{i}]", bad)
            if found:
                return found
        return None
    return (path, value) if bad(value) else None


def _non_finite(value: Any) -> bool:
    return isinstance(value, float) and (value != value or value in (float("inf"), float("-inf")))


def _is_complex(value: Any) -> bool:
    """Whether a matrix (numpy array or nested lists) holds complex numbers."""
    kind = getattr(getattr(value, "dtype", None), "kind", None)
    if kind is not None:
        return kind == "c"
    if isinstance(value, (list, tuple)):
        return any(_is_complex(v) for v in value)
    return isinstance(value, complex)


def _split(matrix: Any) -> Tuple[List[List[float]], List[List[float]]]:
    """A complex matrix as its real and imaginary parts, nested lists."""
    rows = matrix.tolist() if hasattr(matrix, "tolist") else matrix
    real = [[complex(v).real for v in row] for row in rows]
    imag = [[complex(v).imag for v in row] for row in rows]
    return real, imag


def _complex_split(battery: Mapping[str, Any]) -> Dict[str, Any]:
    """The battery table with each complex matrix (H, a bath's coupling)
    given as its real part and its _im twin, as TOML takes it; the
    caller's dict is left as it was."""
    table = dict(battery)

    def place(entry: Dict[str, Any], key: str, where: str) -> None:
        value = entry.get(key)
        if value is None or isinstance(value, str) or not _is_complex(value):
            return
        if entry.get(f"{key}_im") is not None:
            raise ValueError(f"{where}: a complex {key} and {key}_im both given; accepted: one of them (a complex matrix is split into both)")
        entry[key], entry[f"{key}_im"] = _split(value)

    place(table, "hamiltonian", "battery")
    baths = table.get("baths")
    if isinstance(baths, (list, tuple)):
        table["baths"] = [dict(b) if isinstance(b, Mapping) else b for b in baths]
        for i, b in enumerate(table["baths"]):
            if isinstance(b, dict):
                place(b, "coupling", f"battery.baths[{i}]")
    return table


def config_text(config: Config) -> Tuple[str, str]:
    """(TOML text, origin) of a config: None for the embedded default, a
    dict in the TOML schema, or the path of a TOML file."""
    if config is None:
        return _nessbat.default_config(), "embedded default config"
    if isinstance(config, Mapping):
        if isinstance(config.get("battery"), Mapping):
            config = {**config, "battery": _complex_split(config["battery"])}
        where = _first(config, "", lambda v: isinstance(v, complex))
        if where:
            raise ValueError(f"config: {where[0]} is complex; accepted: complex numbers only in battery.hamiltonian and the baths' coupling matrices (split into their _im twins)")
        bad = _first(config, "", _non_finite)
        if bad:
            raise ValueError(f"config: {bad[0]} is {bad[1]}; accepted: a finite number")
        try:
            text = json.dumps(config, allow_nan=False, default=_plain)
        except (TypeError, ValueError) as e:
            raise ValueError(f"config: not in the TOML schema ({e})") from None
        return _nessbat.config_from_json(text), "config dict"
    if isinstance(config, (str, os.PathLike)):
        path = os.fspath(config)
        try:
            with open(path, encoding="utf-8") as f:
                return f.read(), path
        except OSError as e:
            raise ValueError(f"config {path}: {e.strerror}; accepted: a dict in the TOML schema or the path of a TOML file") from None
    raise ValueError(
        f"config: got {type(config).__name__}; accepted: None (the embedded default), a dict in the TOML schema or the path of a TOML file"
    )


def constraint_texts(subject_to: Optional[Union[str, list, tuple]]) -> List[str]:
    """Constraints such as "efficiency >= 0.015": one string (several may
    be joined with " and "), a list of them, or None; at most 4 in all."""
    if subject_to is None:
        return []
    if isinstance(subject_to, str):
        return [subject_to]
    if isinstance(subject_to, (list, tuple)) and all(isinstance(c, str) for c in subject_to):
        return list(subject_to)
    raise ValueError(f"subject_to: got {subject_to!r}; accepted: a string such as \"efficiency >= 0.015\", or a list of them")
