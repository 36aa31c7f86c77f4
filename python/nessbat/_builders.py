"""Batteries by builder, as functions: each returns the `battery` table of
a config (the dict `[battery]` is in TOML), to put beside `fixed` and
`axes`. The builders' parameters (`lambda`, `omega_1`, `zz`, `chi`, ...)
are the config's, in `fixed` or on an axis, as in TOML:

    >>> cfg = {
    ...     "battery": nessbat.chain(3, {"h": "sx1", "c": "sx3"}),
    ...     "fixed": {"lambda": 0.05, "t_h": 2.0, "gamma_h": 1e-3,
    ...               "t_c": 0.2, "gamma_c": 1e-3, "tau": 100.0},
    ... }
    >>> nessbat.battery_point(cfg)["power"]

The library checks every table (sizes, operators, names) and raises
ValueError in one line naming what is wrong and what is accepted.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

Baths = Union[Mapping[str, Any], Sequence[Mapping[str, Any]]]


def bath(
    name: str,
    coupling: Any = None,
    *,
    coupling_im: Any = None,
    rates: Any = None,
    spectral_exponent: Optional[float] = None,
    omega_ref: Optional[float] = None,
) -> Dict[str, Any]:
    """One bath: its coupling operator X (an expression on the builder's
    basis such as "sx1 - sx2", "jx", "|0><2|", or a d x d matrix, real part,
    with `coupling_im` the imaginary part), or explicit `rates` (rows
    [a, b, up, down]); optionally a spectral exponent s and omega_ref
    (rates Gamma (omega/omega_ref)^s). Its parameters are t_NAME and
    gamma_NAME, its heat heat_NAME."""
    if not isinstance(name, str):
        raise ValueError(f"bath name: got {type(name).__name__}; accepted: a string such as \"h\"")
    entry: Dict[str, Any] = {"name": name}
    for key, value in (
        ("coupling", coupling),
        ("coupling_im", coupling_im),
        ("rates", rates),
        ("spectral_exponent", spectral_exponent),
        ("omega_ref", omega_ref),
    ):
        if value is not None:
            entry[key] = value
    return entry


def _baths(baths: Baths) -> List[Dict[str, Any]]:
    """A mapping name -> coupling, or a list of `bath(...)` dicts."""
    if isinstance(baths, Mapping):
        return [bath(name, coupling) for name, coupling in baths.items()]
    if isinstance(baths, (list, tuple)) and all(isinstance(b, Mapping) for b in baths):
        return [dict(b) for b in baths]
    raise ValueError(
        f"baths: got {type(baths).__name__}; accepted: a dict of name -> coupling ({{\"h\": \"sx1\"}}) or a list of nessbat.bath(...)"
    )


def chain(spins: int, baths: Baths, ring: bool = False) -> Dict[str, Any]:
    """N spins in a chain: sum_i omega_i s+_i s-_i - lambda sum_<ij> (s+_i s-_j
    + h.c.) + zz sum_<ij> sz_i sz_j, open or a `ring`; basis |s_1 ... s_N>
    with spin 1 the most significant bit. Parameters: omega0 (every spin),
    omega_1 ... omega_N, lambda, zz. With N = 2 and couplings "sx1 - sx2",
    "sx1 + sx2" it is the paper's system."""
    return {"chain": {"spins": spins, "ring": ring}, "baths": _baths(baths)}


def dicke(spins: int, baths: Baths) -> Dict[str, Any]:
    """A Dicke ladder: N two-level systems in the symmetric subspace,
    omega0 J_z + chi J_z^2, d = N + 1. Parameters: omega0, chi. Couplings
    in the collective operators ("jx", "jp + jm", "jz*jz")."""
    return {"dicke": {"spins": spins}, "baths": _baths(baths)}


def levels(energies: Any, baths: Baths) -> Dict[str, Any]:
    """Explicit energy levels, diag(energies), with transitions per bath
    ("|0><2|" is |0><2| + h.c.): the three-level maser is
    levels([0, 0.4, 1], {"h": "|0><2|", "c": "|0><1|"})."""
    return {"levels": {"energies": energies}, "baths": _baths(baths)}


def matrices(hamiltonian: Any, baths: Baths, hamiltonian_im: Any = None) -> Dict[str, Any]:
    """A battery as matrices: H and each bath's coupling matrix, real or
    complex (numpy complex arrays are split into the real part and the
    `_im` twin), or H's real part with `hamiltonian_im` the imaginary."""
    table: Dict[str, Any] = {"hamiltonian": hamiltonian, "baths": _baths(baths)}
    if hamiltonian_im is not None:
        table["hamiltonian_im"] = hamiltonian_im
    return table
