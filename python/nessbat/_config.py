"""Configs as the library takes them: TOML text with a name for messages."""

from __future__ import annotations

import json
import os
from typing import Any, Mapping, Optional, Tuple, Union

from . import _nessbat

Config = Union[None, str, "os.PathLike[str]", Mapping[str, Any]]


def config_text(config: Config) -> Tuple[str, str]:
    """(TOML text, origin) of a config: None for the embedded default, a
    dict in the TOML schema, or the path of a TOML file."""
    if config is None:
        return _nessbat.default_config(), "embedded default config"
    if isinstance(config, Mapping):
        try:
            text = json.dumps(config, allow_nan=False)
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


def constraint_text(subject_to: Optional[Union[str, list, tuple]]) -> Optional[str]:
    """One constraint such as "efficiency >= 0.015", or None."""
    if subject_to is None:
        return None
    if isinstance(subject_to, (list, tuple)):
        if len(subject_to) == 0:
            return None
        if len(subject_to) > 1:
            raise ValueError("subject_to: one constraint is supported; accepted: a string such as \"efficiency >= 0.015\"")
        subject_to = subject_to[0]
    if not isinstance(subject_to, str):
        raise ValueError(f"subject_to: got {type(subject_to).__name__}; accepted: a string such as \"efficiency >= 0.015\"")
    return subject_to
