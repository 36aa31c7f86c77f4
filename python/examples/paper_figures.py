"""Fig. 4(a) of Tacchino et al. and a T_A x T_S phase diagram, from Python.

    python python/examples/paper_figures.py [OUT_DIR] [--quick]

Writes OUT_DIR/fig4a.png (efficiency and power at the operational steady
state against the stroke length tau, with the short-cycle limits of
Eqs. 14-16) and OUT_DIR/phase_diagram.png (power and efficiency over the
two bath temperatures at tau = 150). Units: hbar = k_B = 1, energies in
omega0. --quick uses coarse grids (for tests).
"""

import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.patheffects  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import nessbat  # noqa: E402


def fig4a(out_dir: str, points: int) -> str:
    # The paper's parameters: lambda = 0.01, Gamma0 = 1e-3, T_A = 2, T_S = 0.1.
    fixed = {"lambda": 0.01, "gamma": 1e-3, "t_a": 2.0, "t_s": 0.1}
    ds = nessbat.sweep(
        {"fixed": fixed, "axes": [{"name": "tau", "range": [1e-2, 1e4], "points": points, "spacing": "log"}]},
        progress=False,
    )
    # Eqs. 14-16: the tau -> 0 limits of power and efficiency.
    limit = nessbat.point(**fixed)["short_cycle_limit"]
    ok = ds.status == 0
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.8), constrained_layout=True)
    ds.efficiency.where(ok).plot(ax=ax1, xscale="log", label="OSS")
    ax1.axhline(limit["efficiency"], ls="--", c="k", label="Eq. 16 (short cycles)")
    ax1.set_title("efficiency")
    ax1.legend()
    ds.power.where(ok).plot(ax=ax2, xscale="log", yscale="log", label="OSS")
    ax2.axhline(limit["power"], ls="--", c="k", label="Eq. 14 (short cycles)")
    ax2.set_title("power")
    ax2.legend()
    fig.suptitle("Fig. 4(a): the engine at its operational steady state (λ = 0.01, Γ0 = 1e-3, T_A = 2, T_S = 0.1)")
    path = os.path.join(out_dir, "fig4a.png")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def phase_diagram(out_dir: str, points: int) -> str:
    ds = nessbat.sweep(
        {
            "fixed": {"lambda": 0.01, "gamma": 1e-3, "tau": 150.0},
            "axes": [
                {"name": "t_a", "range": [0.05, 5.0], "points": points, "spacing": "log"},
                {"name": "t_s", "range": [0.05, 5.0], "points": points, "spacing": "log"},
            ],
        },
        progress=False,
    )
    ok = ds.status == 0
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2), constrained_layout=True)
    ds.power.where(ok & (ds.power > 0)).plot(ax=ax1, x="t_s", y="t_a", xscale="log", yscale="log", norm=matplotlib.colors.LogNorm())
    ds.efficiency.where(ok & (ds.power > 0)).plot(ax=ax2, x="t_s", y="t_a", xscale="log", yscale="log")
    for ax in (ax1, ax2):
        t = np.geomspace(0.05, 5.0, 2)
        # Black on a white halo: visible on light and dark regions alike.
        halo = [matplotlib.patheffects.withStroke(linewidth=3, foreground="w")]
        ax.plot(t, t, "k--", lw=1.2, path_effects=halo)
        ax.text(1.2, 0.7, "T_A = T_S", color="k", path_effects=halo)
    ax1.set_title("power where the battery charges")
    ax2.set_title("efficiency")
    fig.suptitle("Phase diagram over the bath temperatures (τ = 150, λ = 0.01, Γ0 = 1e-3)")
    path = os.path.join(out_dir, "phase_diagram.png")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def main(argv):
    quick = "--quick" in argv
    args = [a for a in argv if a != "--quick"]
    out_dir = args[0] if args else "."
    os.makedirs(out_dir, exist_ok=True)
    for path in (fig4a(out_dir, 40 if quick else 400), phase_diagram(out_dir, 16 if quick else 300)):
        print("wrote", path)


if __name__ == "__main__":
    main(sys.argv[1:])
