"""Type stubs of the Rust extension nessbat._nessbat (python/src/). The
public API is in nessbat/__init__.py; these are its building blocks."""

from typing import Any, Callable, List, Optional, Sequence, Tuple

import numpy as np
import numpy.typing as npt

__version__: str

def point(params: Sequence[Tuple[str, float]], model: str, protocol: str, rates: str) -> str:
    """One point at its operational steady state: `nessbat point --json`'s text."""

def sweep(
    config: str,
    origin: str,
    backend: str,
    precision: Optional[str],
    progress: Optional[Callable[[int, int], Any]],
    notice: Optional[Callable[[str], Any]],
    outputs: Optional[List[str]] = None,
) -> Tuple[List[Tuple[str, List[int], npt.NDArray[Any]]], str]:
    """Runs a TOML config: (name, shape, flat array) per array in file order, and metadata.json's text; `outputs` keeps only those arrays."""

def optimize(
    config: str,
    origin: str,
    quantity: str,
    maximize: bool,
    subject_to: List[str],
    backend: str,
    precision: Optional[str],
    xtol: float,
) -> Tuple[str, str]:
    """The optimum: (report as JSON text, search history as CSV text)."""

def pareto(
    config: str,
    origin: str,
    first: str,
    second: str,
    subject_to: List[str],
    backend: str,
    precision: Optional[str],
) -> Tuple[List[str], npt.NDArray[np.float64], int, str]:
    """The Pareto front: (columns, rows flattened, number of rows, run info as JSON text)."""

def default_config() -> str: ...
def quantities() -> List[Tuple[str, str, str]]: ...
def parameter_units(name: str) -> str: ...
def config_from_json(json: str) -> str: ...
