"""nessbat: the two-stroke quantum battery of Tacchino et al., charged by a
non-equilibrium heat current, computed exactly over whole parameter spaces.

Units: hbar = k_B = 1; energies, temperatures and rates in units of the
qubit gap omega0, times (tau) in 1/omega0.

    >>> import nessbat
    >>> nessbat.point(t_a=2.0, t_s=0.1)["power"]          # one engine
    >>> ds = nessbat.sweep()                              # xarray.Dataset
    >>> ds.power.plot()                                   # a phase diagram
    >>> nessbat.optimize("engine.toml", maximize="power", subject_to="efficiency >= 0.01")
    >>> nessbat.pareto("engine.toml", ("power", "efficiency"))   # pandas.DataFrame
    >>> nessbat.load("out/default")                       # any CLI output folder
    >>> bat = nessbat.chain(3, {"h": "sx1", "c": "sx3"})   # a battery of one's own
    >>> nessbat.battery_point({"battery": bat, "fixed": {...}})

Every call runs the Rust library that the `nessbat` command line runs, so
the numbers are the same bit for bit. Bad input raises ValueError with the
library's one-line message; backend="gpu" without a GPU raises
RuntimeError; Ctrl-C stops a sweep within a second (KeyboardInterrupt).
"""

from ._builders import bath, chain, dicke, levels, matrices
from ._api import battery_point, default_config, load, optimize, pareto, point, quantities, sweep
from ._nessbat import __version__

__all__ = [
    "point",
    "battery_point",
    "chain",
    "dicke",
    "levels",
    "matrices",
    "bath",
    "sweep",
    "optimize",
    "pareto",
    "load",
    "default_config",
    "quantities",
    "__version__",
]
