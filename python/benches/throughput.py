"""Points per second of a sweep through Python against the CLI, on the
same grid and backend, in one run (a benchmark, not a test).

    python python/benches/throughput.py [--backend cpu] [--points 1024] [--repeats 5]

For each repeat it runs `nessbat sweep --quiet` on a 2-D grid of
points x points and `nessbat.sweep` on the same config, and reports the
median of: the compute rate both record (metadata's
compute_points_per_second: the backend's loop), and the whole call (the CLI process with its .npy
writes; the Python call with the hand-over into an xarray.Dataset).
"""

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time

import nessbat

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def config(points: int) -> str:
    return f"""
[fixed]
lambda = 0.01
gamma = 1e-3
tau = 150

[[axes]]
name = "beta_a"
range = [0.1, 10.0]
points = {points}
spacing = "log"

[[axes]]
name = "beta_s"
range = [0.1, 10.0]
points = {points}
spacing = "log"
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", default="cpu")
    ap.add_argument("--points", type=int, default=1024)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--bin", default=os.environ.get("NESSBAT_BIN", os.path.join(ROOT, "target", "release", "nessbat")))
    a = ap.parse_args()
    n = a.points * a.points
    with tempfile.TemporaryDirectory() as tmp:
        cfg = os.path.join(tmp, "grid.toml")
        with open(cfg, "w") as f:
            f.write(config(a.points))
        cli_rate, cli_call, py_rate, py_call = [], [], [], []
        for r in range(a.repeats):
            out = os.path.join(tmp, f"out{r}")
            t = time.perf_counter()
            subprocess.run([a.bin, "sweep", "--config", cfg, "--out", out, "--backend", a.backend, "--quiet"], check=True, stderr=subprocess.DEVNULL)
            cli_call.append(n / (time.perf_counter() - t))
            with open(os.path.join(out, "metadata.json")) as f:
                cli_rate.append(json.load(f)["compute_points_per_second"])
            t = time.perf_counter()
            ds = nessbat.sweep(cfg, backend=a.backend, progress=False)
            py_call.append(n / (time.perf_counter() - t))
            py_rate.append(ds.attrs["compute_points_per_second"])
            del ds
    med = statistics.median
    print(f"grid {a.points} x {a.points} = {n} points, backend {a.backend}, median of {a.repeats}")
    print(f"{'':24}{'CLI':>14}{'Python':>14}{'Python/CLI':>12}")
    print(f"{'compute (points/s)':24}{med(cli_rate):>14,.0f}{med(py_rate):>14,.0f}{med(py_rate) / med(cli_rate):>12.3f}")
    print(f"{'whole call (points/s)':24}{med(cli_call):>14,.0f}{med(py_call):>14,.0f}{med(py_call) / med(cli_call):>12.3f}")


if __name__ == "__main__":
    main()
