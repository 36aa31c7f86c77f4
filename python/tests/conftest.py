"""Shared fixtures: the `nessbat` binary the Rust tests built, and which
backends to compare on (the GPU where an adapter exists; required where
NESSBAT_REQUIRE_GPU=1, as in CI on lavapipe)."""

import json
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def nessbat_bin() -> str:
    path = os.environ.get("NESSBAT_BIN", str(ROOT / "target" / "release" / "nessbat"))
    if not os.path.exists(path):
        pytest.fail(f"no nessbat binary at {path}: build it with `cargo build --release` or set NESSBAT_BIN")
    return path


def cli(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Runs the CLI; fails the test with its stderr when it fails."""
    p = subprocess.run([nessbat_bin(), *args], capture_output=True, text=True)
    if check and p.returncode != 0:
        pytest.fail(f"nessbat {' '.join(args)} exited {p.returncode}: {p.stderr}")
    return p


def gpu_available() -> bool:
    """Whether the library finds a GPU adapter (asked in a subprocess, so a
    driver's start-up noise stays out of the test's output)."""
    code = "import nessbat, sys; nessbat.sweep({'fixed': {'t_a': 1, 't_s': 0.1, 'gamma': 1e-3, 'lambda': 0.01}, 'axes': [{'name': 'tau', 'values': [1.0]}]}, backend='gpu', progress=False)"
    return subprocess.run([sys.executable, "-c", code], capture_output=True).returncode == 0


BACKENDS = ["cpu", "gpu"]


@pytest.fixture(params=BACKENDS)
def backend(request):
    if request.param == "gpu" and not gpu_available():
        if os.environ.get("NESSBAT_REQUIRE_GPU") == "1":
            pytest.fail("NESSBAT_REQUIRE_GPU=1 but no GPU adapter was found")
        pytest.skip("no GPU adapter: GPU comparison skipped (set NESSBAT_REQUIRE_GPU=1 to make this a failure)")
    return request.param


def read_json(path) -> dict:
    with open(path, encoding="utf-8") as f:
        return json.load(f)
