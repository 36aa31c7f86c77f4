#!/usr/bin/env bash
# GPU check for a machine with a real GPU and no Rust toolchain.
#
# Prepare here (with cargo):   scripts/gpu-check.sh --prepare
#   builds the release binary and the GPU test binaries into .gpucheck/
#   (ignored by git, stripped), to be carried to the GPU machine with the
#   repo (device tool: carry [".gpucheck", ".gl"]; .gl holds Debian's
#   libvulkan1 .deb when the image has no Vulkan loader).
# Run there:                   scripts/gpu-check.sh [REPORT_DIR]
#   finds a Vulkan loader and NVIDIA's ICD (or writes one for
#   libGLX_nvidia.so.0), runs the GPU tests and `nessbat bench`, and writes
#   REPORT_DIR/gpu-check.md (default: $OUT or results/bench): adapter,
#   driver, figures, and any failure with its reason.
set -u
cd "$(dirname "$0")/.."
BUNDLE=.gpucheck
# Test binaries with GPU tests; each runs its tests whose names hold "gpu"
# (gpu_backend: all of them).
GPU_TESTS="gpu_backend reductions optimize outputs battery_gpu battery_oss"

if [ "${1:-}" = "--prepare" ]; then
  set -e
  cargo build --release --bin nessbat
  rm -rf "$BUNDLE" && mkdir -p "$BUNDLE"
  cp target/release/nessbat "$BUNDLE/"
  # The test binaries with GPU tests, without running them.
  for t in $GPU_TESTS; do
    cargo test --release --test "$t" --no-run --message-format=json 2>/dev/null \
      | grep -o "\"executable\":\"[^\"]*/$t-[^\"]*\"" | cut -d'"' -f4 | while read -r exe; do cp "$exe" "$BUNDLE/$t"; done
  done
  # Debug info would take the bundle past the 64 MiB a device call carries.
  strip "$BUNDLE"/*
  # Debian's Vulkan loader, for an image without one (unpacked by the run).
  mkdir -p .gl /tmp/amd64/partial
  o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
  if (apt-get $o update -qq && cd .gl && apt-get $o download libvulkan1) >/dev/null 2>&1; then
    ls .gl
  else
    echo "note: could not download libvulkan1 into .gl/ (the run then needs the image's own loader)"
  fi
  du -sh "$BUNDLE"; ls -la "$BUNDLE"
  exit 0
fi

REPORT_DIR="${1:-${OUT:-results/bench}}"
mkdir -p "$REPORT_DIR"
REPORT="$REPORT_DIR/gpu-check.md"
log() { echo "$*" | tee -a "$REPORT"; }
: > "$REPORT"
log "# nessbat GPU check"
log ""
log "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
log "- host: $(uname -srm), $(nproc) CPUs"
command -v nvidia-smi >/dev/null && log "- nvidia-smi: $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | head -1)"

# 1. A Vulkan loader: the system's, or Debian's libvulkan1 carried in .gl/.
if ! ldconfig -p 2>/dev/null | grep -q libvulkan.so.1; then
  if ls .gl/*.deb >/dev/null 2>&1; then
    for f in .gl/*.deb; do dpkg -x "$f" / ; done; ldconfig
    log "- Vulkan loader: installed from carried .gl/*.deb"
  fi
fi
if ldconfig -p 2>/dev/null | grep -q libvulkan.so.1; then
  log "- Vulkan loader: $(ldconfig -p | grep -m1 libvulkan.so.1 | awk '{print $NF}')"
else
  log "- MISSING: no Vulkan loader (libvulkan.so.1); carry Debian's libvulkan1 in .gl/"
fi

# 2. NVIDIA's ICD: a JSON file, or one written for libGLX_nvidia.so.0.
ICD=""
for f in /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json \
         /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.x86_64.json; do
  [ -f "$f" ] && ICD="$f" && break
done
if [ -z "$ICD" ]; then
  GLX=$(ldconfig -p 2>/dev/null | grep -m1 libGLX_nvidia.so.0 | awk '{print $NF}')
  [ -z "$GLX" ] && GLX=$(find / -name 'libGLX_nvidia.so.0' 2>/dev/null | head -1)
  if [ -n "$GLX" ]; then
    ICD=/tmp/nessbat_nvidia_icd.json
    printf '{"file_format_version":"1.0.0","ICD":{"library_path":"%s","api_version":"1.3.0"}}\n' "$GLX" > "$ICD"
    log "- NVIDIA ICD: written for $GLX"
  fi
fi
if [ -n "$ICD" ]; then
  export VK_DRIVER_FILES="$ICD" VK_ICD_FILENAMES="$ICD"
  log "- NVIDIA ICD: $ICD"
else
  log "- MISSING: no NVIDIA Vulkan ICD (nvidia_icd.json) and no libGLX_nvidia.so.0; wgpu will see only other adapters"
fi

BIN="$BUNDLE/nessbat"; [ -x "$BIN" ] || BIN=target/release/nessbat
[ -x "$BIN" ] || { log "- MISSING: no nessbat binary (run scripts/gpu-check.sh --prepare where cargo exists)"; exit 1; }

# 3. The GPU tests (they fail, rather than skip, without an adapter).
log ""
log "## GPU tests"
for t in $GPU_TESTS; do
  exe="$BUNDLE/$t"
  filter=gpu; [ "$t" = gpu_backend ] && filter=""
  if [ -x "$exe" ]; then
    if NESSBAT_REQUIRE_GPU=1 "$exe" --test-threads=1 $filter > "/tmp/nessbat_$t.log" 2>&1; then
      log "- $t: passed: $(grep -E '^test result' "/tmp/nessbat_$t.log" | tail -1)"
    else
      log "- $t: FAILED:"; log '```'; grep -vE 'XDG_RUNTIME_DIR' "/tmp/nessbat_$t.log" | tail -30 | tee -a "$REPORT"; log '```'
    fi
  else
    log "- $t: not run: no test binary in $BUNDLE (run --prepare)"
  fi
done

# 4. Figures: both models, both precisions; then the populations with
# only the power kept (`--outputs`: 12 bytes read back per point instead of
# 96), for the read-back share.
log ""
log "## nessbat bench"
POP=${NESSBAT_CHECK_POINTS:-10000000}; DM=$((POP / 10))
for args in "--points $POP --gpu-only" "--points $DM --model density-matrix --gpu-only" \
            "--points $POP --gpu-only --outputs power"; do
  log '```'
  if ! "$BIN" bench $args --repeats 3 2>/tmp/nessbat_bench.err | tee -a "$REPORT"; then
    log "FAILED: $(grep -v XDG_RUNTIME_DIR /tmp/nessbat_bench.err | tail -3)"
  fi
  grep -v XDG_RUNTIME_DIR /tmp/nessbat_bench.err | grep -i notice | tee -a "$REPORT"
  log '```'
done

# 4b. User-defined batteries (#23): whole sweeps in memory, the CPU
# backend, and on the GPU the stroke kernel in both layouts (a point per
# invocation, a workgroup per point) with the solves on the host, then the
# NESS and OSS kernel in both layouts (a point per invocation up to 8
# levels), d = 3 … 16.
log ""
log "## nessbat bench --batteries"
log '```'
"$BIN" bench --batteries --points "${NESSBAT_CHECK_BATTERY_POINTS:-1048576}" --repeats 3 2>/dev/null | tee -a "$REPORT"
log '```'

# 5. Set-up of a first and a second sweep (the pipeline cache, kept in a
# fresh NESSBAT_CACHE_DIR), both models, and the CPU backend on all cores
# as the baseline.
log ""
log "## Set-up: first and second sweep (pipeline cache)"
export NESSBAT_CACHE_DIR=/tmp/nessbat_cache_check; rm -rf "$NESSBAT_CACHE_DIR"
printf 'model = "density-matrix"\n[[axes]]\nname = "t_a"\nrange = [0.5, 4]\npoints = 64\n[[axes]]\nname = "t_s"\nvalues = [0.1, 0.2]\n' > /tmp/nessbat_dm.toml
for cfg in "" "--config /tmp/nessbat_dm.toml"; do
  for run in first second; do
    line=$("$BIN" sweep $cfg --out /tmp/nessbat_setup --force --backend gpu 2>/dev/null | tail -1)
    log "- ${cfg:-populations (default config)} $run: $(echo "$line" | grep -o '+[0-9.]* s set-up')"
  done
done
log "- cache files: $(ls -la "$NESSBAT_CACHE_DIR" 2>/dev/null | tail -n +2 | awk '{print $5" "$9}' | tr '\n' ';')"
log ""
log "## CPU backend baseline ($(nproc) cores, every SIMD width the CPU has)"
log '```'
"$BIN" bench --points "$POP" --repeats 3 2>/dev/null | grep -E '^(nessbat|backend|cpu)' | tee -a "$REPORT"
"$BIN" bench --points "$DM" --model density-matrix --repeats 3 2>/dev/null | grep -E '^(nessbat|backend|cpu)' | tee -a "$REPORT"
log '```'
echo "report: $REPORT"
