#!/usr/bin/env bash
# The tests, all of them: the Rust crate (unit, integration and, where an
# adapter exists, GPU tests), then the Python package built from ./python
# into a temporary virtual environment and its pytest suite, which compares
# Python with the `nessbat` binary built here. `.ci/run` runs exactly this.
#
# The Python build shares the workspace's target folder (release profile),
# so it compiles only the bindings on top of what `cargo test` built.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --release

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/venv"
# From PyPI by name: the build tool, the package's dependencies, pytest,
# h5netcdf (netCDF-4 round trips: uint64 counts) and matplotlib (examples).
"$tmp/venv/bin/pip" install --quiet --disable-pip-version-check \
    maturin numpy xarray pandas pytest h5netcdf h5py matplotlib
# maturin's build hook calls the `maturin` of the environment: on PATH.
PATH="$tmp/venv/bin:$PATH" "$tmp/venv/bin/pip" install --quiet --disable-pip-version-check \
    --no-build-isolation ./python
NESSBAT_BIN="$PWD/target/release/nessbat" MPLBACKEND=Agg \
    "$tmp/venv/bin/python" -m pytest -q -p no:cacheprovider python/tests
