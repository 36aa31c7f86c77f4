"""nessbat against dynamiqs on the same job, side by side in one process:
the OSS power of the two-stroke engine over a 64 x 64 (T_A, T_S) grid at
tau = 150 (the paper's omega0 = 1, lambda = 0.01, Gamma = 1e-3, Eq. 9
rates), full density matrix. A benchmark, not a test.

    python benches/peers/dynamiqs_oss.py [--side 64] [--repeats 5]

Needs `pip install dynamiqs` (0.3.7 measured) and nessbat's Python package
(`pip install ./python`).

The peer is written the way dynamiqs is meant to be used for this: the
Lindbladian of Eqs. 6, 8 and 9 from dynamiqs operators, the stroke's
propagator for every grid point at once (`dq.mepropagator`, method Expm,
batched over the rates), then the cycles (charge, extract to the passive
state by eigendecomposition) vmapped over the grid in one jitted
`lax.while_loop` until the state moves by less than 1e-12 per cycle, and
the power = ergotropy / tau of the last charged state. Both sides are
timed warm (after one untimed run: JIT compilation, nessbat's first call),
best and median of the repeats; the power maps are compared point by point
so that the two compute the same thing.
"""

import argparse
import json
import platform
import statistics
import time
import tomllib

import jax
import jax.numpy as jnp
import numpy as np

jax.config.update("jax_enable_x64", True)

import dynamiqs as dq  # noqa: E402  (after the x64 switch)
import nessbat  # noqa: E402

OMEGA0, LAMBDA, GAMMA, TAU = 1.0, 0.01, 1e-3, 150.0
T_RANGE = (0.1, 10.0)


def config(side: int, model: str) -> str:
    axes = "".join(
        f'\n[[axes]]\nname = "{name}"\nrange = [{T_RANGE[0]}, {T_RANGE[1]}]\n'
        f'points = {side}\nspacing = "log"\n'
        for name in ("t_a", "t_s")
    )
    return (
        f'model = "{model}"\n[fixed]\nomega0 = {OMEGA0}\nlambda = {LAMBDA}\n'
        f"gamma = {GAMMA}\ntau = {TAU}\n{axes}"
    )


def peer(t_a: np.ndarray, t_s: np.ndarray, tol: float = 1e-12, max_cycles: int = 100_000):
    """The power map with dynamiqs (shape (len(t_a), len(t_s))) and the
    cycles each point took."""
    sm, eye = dq.sigmam(), dq.eye(2)
    s1 = dq.tensor(sm, eye).to_jax()
    s2 = dq.tensor(eye, sm).to_jax()

    def dag(x):
        return jnp.conj(jnp.swapaxes(x, -1, -2))

    # Eq. 6 (the hopping with the paper's sign) and Eq. 8's collective
    # (S) and antisymmetric (A) lowering operators.
    h = OMEGA0 * (dag(s1) @ s1 + dag(s2) @ s2) - LAMBDA * (dag(s1) @ s2 + dag(s2) @ s1)
    op_a, op_s = s1 - s2, s1 + s2
    nbar = lambda t: 1.0 / np.expm1(OMEGA0 / t)  # noqa: E731
    na = nbar(t_a)[:, None] * np.ones((1, len(t_s)))
    ns = np.ones((len(t_a), 1)) * nbar(t_s)[None, :]

    def jump(rate, op):
        return jnp.sqrt(jnp.asarray(rate))[..., None, None] * op

    # Eq. 9: Gamma+ = Gamma n, Gamma- = Gamma (n + 1), per bath.
    jumps = [
        jump(GAMMA * na, dag(op_a)),
        jump(GAMMA * (na + 1.0), op_a),
        jump(GAMMA * ns, dag(op_s)),
        jump(GAMMA * (ns + 1.0), op_s),
    ]
    energies, basis = jnp.linalg.eigh(h)

    def passive(rho):
        # Populations in decreasing order on the levels of increasing energy.
        w = jnp.linalg.eigh(rho)[0][::-1]
        return (basis * w) @ dag(basis)

    def oss(phi):
        def charge(rho):
            return dq.unvectorize(phi @ dq.vectorize(rho)).to_jax()

        def cond(c):
            k, _, delta = c
            return (delta > tol) & (k < max_cycles)

        def body(c):
            k, rho, _ = c
            new = passive(charge(rho))
            return k + 1, new, jnp.max(jnp.abs(new - rho))

        rho0 = jnp.eye(4, dtype=jnp.complex128) / 4.0
        k, rho, _ = jax.lax.while_loop(cond, body, (0, rho0, jnp.inf))
        charged = charge(rho)
        work = jnp.trace(h @ charged) - jnp.trace(h @ passive(charged))
        return jnp.real(work) / TAU, k

    run_cycles = jax.jit(jax.vmap(jax.vmap(oss)))

    def power_map():
        result = dq.mepropagator(
            h,
            jumps,
            jnp.array([0.0, TAU]),
            method=dq.method.Expm(),
            save_propagators=False,
            # The four jump operators carry the same (T_A, T_S) batch.
            cartesian_batching=False,
            progress_meter=False,
        )
        phi = result.final_propagator.to_jax()
        power, cycles = run_cycles(phi)
        return jax.block_until_ready(power), cycles

    return power_map


def timed(f, repeats: int):
    f()  # warm: JIT compilation, first-call set-up
    times = []
    out = None
    for _ in range(repeats):
        t = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t)
    return out, min(times), statistics.median(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--side", type=int, default=64)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    n = args.side * args.side
    rows = {}

    for model in ("density-matrix", "populations"):
        cfg = tomllib.loads(config(args.side, model))
        walls = []

        def call():
            ds = nessbat.sweep(cfg, backend="cpu", progress=False)
            walls.append(ds.attrs["wall_seconds"])
            return ds

        ds, best, median = timed(call, args.repeats)
        del walls[0]  # the warm-up's
        rows[f"nessbat {model}, whole call"] = (best, median, ds)
        rows[f"nessbat {model}, compute"] = (min(walls), statistics.median(walls), ds)
    ref = rows["nessbat density-matrix, whole call"][2]
    t_a, t_s = ref["t_a"].values, ref["t_s"].values
    (power, cycles), best, median = timed(peer(t_a, t_s), args.repeats)
    rows["dynamiqs density matrix"] = (best, median, None)

    print(
        f"grid {args.side} x {args.side} (T_A, T_S in {T_RANGE}), tau = {TAU}, "
        f"lambda = {LAMBDA}, Gamma = {GAMMA}; best and median of {args.repeats} warm runs"
    )
    print(f"{'tool':<40} {'best s':>9} {'median s':>9} {'points/s':>10} {'x dynamiqs':>10}")
    peer_rate = n / rows["dynamiqs density matrix"][1]
    for name, (b, m, _) in rows.items():
        print(f"{name:<40} {b:9.5f} {m:9.5f} {n / m:10.0f} {n / m / peer_rate:10.0f}")
    print("(points/s and the ratio from the medians; 'compute' is the run's own")
    print(" wall_seconds in the Dataset's metadata: the backend loop, without the")
    print(" config parse and the xarray Dataset; the whole call has both)")
    got = np.asarray(power)
    for model in ("density-matrix", "populations"):
        ds = rows[f"nessbat {model}, whole call"][2]
        want, ok = ds["power"].values, ds["status"].values == 0
        scale = np.max(np.abs(want[ok]))
        diff = np.abs(got - want)[ok].max()
        print(
            f"agreement, nessbat {model} vs dynamiqs on {ok.sum()} status-ok points: "
            f"max |dP| = {diff:.2e} ({diff / scale:.1e} of max |P| = {scale:.3e})"
        )
    print(f"dynamiqs cycles to converge: {int(np.min(cycles))}-{int(np.max(cycles))}")
    print(
        json.dumps(
            {
                "machine": platform.processor() or platform.machine(),
                "jax": jax.__version__,
                "dynamiqs": dq.__version__,
                "jax_devices": [str(d) for d in jax.devices()],
            }
        )
    )


if __name__ == "__main__":
    main()
