#!/usr/bin/env bash
# The CUDA path, on a machine with an NVIDIA GPU and a pip-installed PyTorch with CUDA (Qt not
# needed): builds the engine and the CLI against that LibTorch (-DLOGBERT_GUI=OFF), trains the
# test preset on the HDFS acceptance data (examples/hdfs-deeplog.yaml) for one epoch with
# device cuda and bf16 (what auto picks on a GPU of compute capability 8.0 or newer), evaluates
# the run on the CPU (CUDA hidden), and prints seq/s and memory from run.json.
#   LOGBERT_DATASETS=/path/to/datasets scripts/gpu-check.sh [build folder]
# Needs CMake, Ninja, a C++17 compiler, yaml-cpp, RE2 and zlib headers
# (Debian: scripts/install-deps.sh --cli-only), and python3 with torch built for CUDA.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-gpu}
: "${LOGBERT_DATASETS:?set LOGBERT_DATASETS to the datasets folder (see the README)}"
prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' ||
  { echo "gpu-check: this PyTorch sees no CUDA device" >&2; exit 1; }
python3 -c 'import torch; print("gpu-check: torch", torch.__version__, "CUDA", torch.version.cuda, "on", torch.cuda.get_device_name(0))'
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLOGBERT_GUI=OFF -DCMAKE_PREFIX_PATH="$prefix"
cmake --build "$build" --target logbert
cli=$build/app/logbert
"$cli" info
run=$build/gpu-check-run
rm -rf "$run"
start=$SECONDS
# device auto (picks cuda here; kept in config.yaml, so that the CPU can open the run below).
"$cli" train examples/hdfs-deeplog.yaml --set training.precision=bf16 --set training.num_epochs=1 --out "$run"
echo "gpu-check: one epoch on cuda (bf16) in $((SECONDS - start)) s"
python3 - "$run/run.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
if not r["device"].startswith("cuda"): sys.exit("gpu-check: trained on " + r["device"] + ", not cuda")
print("gpu-check: device {device}, precision {precision}, {sequences_per_second:.0f} seq/s, "
      "peak RSS {peak_rss_mb:.0f} MiB".format(**r))
PY
# What the GPU wrote opens on a machine without one.
CUDA_VISIBLE_DEVICES= "$cli" evaluate "$run"
echo "gpu-check: the CUDA run evaluated on the CPU"
