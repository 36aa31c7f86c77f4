"""nessbat against QuTiP 5 on the same cycle, side by side, in one run (a
benchmark, not a test):

    python python/benches/qutip_chain.py [--points 64] [--out results/bench/qutip]

The battery: a 3-spin XX chain (d = 8) with graded gaps ω = (1, 0.7, 0.4),
hopping λ = 0.05, a hot bath on spin 1 (X = σx1) and a cold one on spin 3
(X = σx3), Γ = 1e-3 each, τ = 100, over a points × points grid of
(T_h, T_c) in [0.2, 5] × [0.05, 1]. The cycle is nessbat's convention:
Davies (global) master equation with flat spectral density, a charging
stroke of τ, then the optimal extraction unitary.

QuTiP, as a competent user writes it:
- H's eigenbasis once; one Lindblad dissipator superoperator per Bohr
  transition (|a><b| and its reverse), built once;
- per point, the Liouvillian re-weighted by that point's rates, the stroke
  as `(L * tau).expm()`;
- cycles iterated from the maximally mixed state until the state after
  extraction changes by less than 1e-12 (max abs entry), the extraction
  being the permutation that sorts populations decreasing onto ascending
  energies (the optimal unitary for these diagonal states).
NumPy/SciPy run with one BLAS thread.

nessbat: `nessbat sweep --config chain.toml --out DIR --quiet`, the whole
process timed (start-up, diagonalisation, compute, writing the .npy files
and metadata.json with checksums), five runs into fresh folders, the
median.

A 50-digit reference (mpmath: its own eigensolver, expm and OSS solve)
checks both at a few points. Writes DIR/qutip_chain.json with every
figure, and prints a summary.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

# One BLAS thread for QuTiP's side, before NumPy loads.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import numpy as np  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OMEGAS = (1.0, 0.7, 0.4)
LAMBDA = 0.05
GAMMA = 1e-3
TAU = 100.0
T_H = (0.2, 5.0)
T_C = (0.05, 1.0)


def config(points: int) -> str:
    return f"""
[battery.chain]
spins = 3
[[battery.baths]]
name = "h"
coupling = "sx1"
[[battery.baths]]
name = "c"
coupling = "sx3"
[fixed]
omega_1 = {OMEGAS[0]}
omega_2 = {OMEGAS[1]}
omega_3 = {OMEGAS[2]}
lambda = {LAMBDA}
gamma_h = {GAMMA}
gamma_c = {GAMMA}
tau = {TAU}
[[axes]]
name = "t_h"
range = [{T_H[0]}, {T_H[1]}]
points = {points}
[[axes]]
name = "t_c"
range = [{T_C[0]}, {T_C[1]}]
points = {points}
"""


def chain_operators(qt):
    """H and the couplings σx1, σx3 (spin 1 the first tensor factor;
    |1> excited, σ− = destroy(2))."""
    n = 3
    def on(i, op):
        return qt.tensor([op if k == i else qt.qeye(2) for k in range(n)])
    sm = [on(i, qt.destroy(2)) for i in range(n)]
    h = sum(OMEGAS[i] * sm[i].dag() * sm[i] for i in range(n))
    h += -LAMBDA * sum(sm[i].dag() * sm[i + 1] + sm[i + 1].dag() * sm[i] for i in range(n - 1))
    return h, [sm[0] + sm[0].dag(), sm[2] + sm[2].dag()]


def run_qutip(t_h: np.ndarray, t_c: np.ndarray):
    import qutip as qt

    h, xs = chain_operators(qt)
    energies, states = h.eigenstates()
    d = len(energies)
    energies = energies - energies[0]
    # One dissipator per transition and direction, built once.
    pairs = [(a, b) for b in range(d) for a in range(b)]
    down = [qt.lindblad_dissipator(states[a] * states[b].dag()) for a, b in pairs]
    up = [qt.lindblad_dissipator(states[b] * states[a].dag()) for a, b in pairs]
    strength = [[abs(x.matrix_element(states[a].dag(), states[b])) ** 2 for a, b in pairs] for x in xs]
    liouv_h = qt.liouvillian(h)
    projectors = [states[i] * states[i].dag() for i in range(d)]
    hdiag = np.array([float(e) for e in energies])

    def point(temps):
        lv = liouv_h
        for k, t in enumerate(temps):
            for j, (a, b) in enumerate(pairs):
                s = strength[k][j]
                if s < 1e-14:
                    continue
                w = energies[b] - energies[a]
                n = 1.0 / np.expm1(w / t)
                lv = lv + (GAMMA * (n + 1.0) * s) * down[j] + (GAMMA * n * s) * up[j]
        stroke = (lv * TAU).expm()
        rho = qt.qeye(h.dims[0]) / d
        rho = qt.operator_to_vector(rho)
        for cycle in range(1, 1_000_000):
            charged = qt.vector_to_operator(stroke * rho)
            pops = np.array([qt.expect(p, charged) for p in projectors])
            order = sorted(range(d), key=lambda i: (-pops[i], i))
            u = sum(states[j] * states[order[j]].dag() for j in range(d))
            passive = u * charged * u.dag()
            new = qt.operator_to_vector(passive)
            change = np.max(np.abs((new - rho).full()))
            rho = new
            if change < 1e-12:
                work = float(np.dot(hdiag, pops) - np.dot(hdiag, pops[order]))
                return work, cycle
        return float("nan"), cycle

    out = np.zeros((len(t_h), len(t_c)))
    cycles = np.zeros_like(out, dtype=np.int64)
    began = time.perf_counter()
    for i, th in enumerate(t_h):
        for j, tc in enumerate(t_c):
            out[i, j], cycles[i, j] = point((th, tc))
    return out, cycles, time.perf_counter() - began


def reference(th: float, tc: float, digits: int = 50) -> float:
    """The OSS ergotropy in `digits`-digit arithmetic: mpmath's own
    eigensolver for H (built in the spin basis, index 4 s1 + 2 s2 + s3),
    the Davies generator, expm, and the fixed point of each permutation
    until one reproduces itself."""
    import mpmath as mp

    mp.mp.dps = digits
    d = 8
    h = mp.zeros(d, d)
    x1 = mp.zeros(d, d)
    x3 = mp.zeros(d, d)
    for s in range(d):
        bits = [(s >> (2 - i)) & 1 for i in range(3)]
        h[s, s] = sum(mp.mpf(OMEGAS[i]) * bits[i] for i in range(3))
        for i in range(2):
            if bits[i] != bits[i + 1]:
                t = s ^ (1 << (2 - i)) ^ (1 << (1 - i))
                h[t, s] += -mp.mpf(LAMBDA)
        x1[s ^ 4, s] = 1
        x3[s ^ 1, s] = 1
    e, v = mp.eigsy(h)
    idx = sorted(range(d), key=lambda i: e[i])
    e = [e[i] - e[idx[0]] for i in idx]
    v = [v[:, i] for i in idx]
    w = mp.zeros(d, d)
    for x, t in ((x1, th), (x3, tc)):
        for b in range(d):
            for a in range(b):
                el = (v[a].T * x * v[b])[0]
                s = el * el
                if abs(s) < mp.mpf("1e-30"):
                    continue
                n = 1 / mp.expm1((e[b] - e[a]) / t)
                down, upr = mp.mpf(GAMMA) * (n + 1) * s, mp.mpf(GAMMA) * n * s
                w[a, b] += down
                w[b, b] -= down
                w[b, a] += upr
                w[a, a] -= upr
    prop = mp.expm(w * TAU)

    def fixed(order):
        a = mp.zeros(d, d)
        for i, src in enumerate(order):
            for j in range(d):
                a[i, j] = prop[src, j]
            a[i, i] -= 1
        for j in range(d):
            a[d - 1, j] = 1
        rhs = mp.zeros(d, 1)
        rhs[d - 1] = 1
        return mp.lu_solve(a, rhs)

    # Start from the NESS's order.
    a = w.copy()
    for j in range(d):
        a[d - 1, j] = 1
    rhs = mp.zeros(d, 1)
    rhs[d - 1] = 1
    ness = mp.lu_solve(a, rhs)
    order = sorted(range(d), key=lambda i: (-ness[i], i))
    for _ in range(64):
        p = fixed(order)
        q = prop * p
        nxt = sorted(range(d), key=lambda i: (-q[i], i))
        if nxt == order:
            return float(sum(e[i] * (q[i] - q[order[i]]) for i in range(d)))
        order = nxt
    return float("nan")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--points", type=int, default=64, help="points per axis (64: the 64 x 64 grid)")
    ap.add_argument("--out", default=os.path.join(ROOT, "results", "bench", "qutip"))
    ap.add_argument("--nessbat", default=os.environ.get("NESSBAT_BIN", os.path.join(ROOT, "target", "release", "nessbat")))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    t_h = np.linspace(*T_H, args.points)
    t_c = np.linspace(*T_C, args.points)

    with tempfile.TemporaryDirectory() as tmp:
        cfg = os.path.join(tmp, "chain.toml")
        with open(cfg, "w") as f:
            f.write(config(args.points))
        # The whole process, five times into fresh folders: the median.
        runs = []
        for k in range(5):
            out = os.path.join(tmp, f"out{k}")
            began = time.perf_counter()
            subprocess.run([args.nessbat, "sweep", "--config", cfg, "--out", out, "--quiet"], check=True)
            runs.append(time.perf_counter() - began)
        nessbat_seconds = float(np.median(runs))
        ours = np.load(os.path.join(tmp, "out0", "ergotropy.npy"))
        status = np.load(os.path.join(tmp, "out0", "status.npy"))
    # The CLI's own axis values are linspace's, end points exact.
    theirs, cycles, qutip_seconds = run_qutip(t_h, t_c)
    n = args.points * args.points
    scale = np.max(np.abs(ours))
    # Relative to each figure where it is at least 1e-3 of the map's
    # largest; below that QuTiP's stopping rule (1e-12 per cycle) leaves
    # ~1e-11 absolute, so the comparison there is absolute, to the scale.
    big = np.abs(ours) >= 1e-3 * scale
    rel_big = np.abs(ours - theirs)[big] / np.abs(ours)[big]
    abs_small = np.abs(ours - theirs)[~big] / scale if (~big).any() else np.zeros(1)
    picks = [(args.points // 2, args.points // 8), (args.points - 1, 0), (args.points // 4, args.points // 4)]
    refs = []
    for i, j in picks:
        r = reference(t_h[i], t_c[j])
        refs.append({
            "t_h": t_h[i], "t_c": t_c[j], "reference_50_digits": r,
            "nessbat": float(ours[i, j]), "qutip": float(theirs[i, j]),
            "nessbat_rel_error": abs(ours[i, j] - r) / abs(r) if r else abs(ours[i, j]),
            "qutip_rel_error": abs(theirs[i, j] - r) / abs(r) if r else abs(theirs[i, j]),
        })
    summary = {
        "grid": f"{args.points} x {args.points} (t_h in {T_H}, t_c in {T_C})",
        "battery": f"3-spin XX chain, omegas {OMEGAS}, lambda {LAMBDA}, hot on sx1, cold on sx3, gamma {GAMMA}, tau {TAU}",
        "points": n,
        "nessbat_status_ok": int((status == 0).sum()),
        "nessbat_whole_process_seconds": nessbat_seconds,
        "nessbat_whole_process_runs": runs,
        "nessbat_points_per_second": n / nessbat_seconds,
        "qutip_seconds": qutip_seconds,
        "qutip_points_per_second": n / qutip_seconds,
        "speedup": (n / nessbat_seconds) / (n / qutip_seconds),
        "qutip_cycles_median": int(np.median(cycles)),
        "max_rel_difference_where_ergotropy_above_1e-3_of_max": float(np.max(rel_big)),
        "max_abs_difference_elsewhere_over_max_ergotropy": float(np.max(abs_small)),
        "engines": int((ours > 0).sum()),
        "references": refs,
        "machine": os.uname().nodename + " " + os.uname().machine,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "python": sys.version.split()[0],
        "qutip": __import__("qutip").__version__,
    }
    with open(os.path.join(args.out, "qutip_chain.json"), "w") as f:
        json.dump(summary, f, indent=2)
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
