#!/usr/bin/env bash
# Installs what LogBERT Workbench needs to build, test and run.
# Debian/Ubuntu: installs the missing packages with apt (as root, or through sudo).
# macOS: prints the Homebrew packages and how CMake finds QCustomPlot.
set -euo pipefail

DEBIAN_PACKAGES=(
  build-essential cmake ninja-build pkg-config clang
  qt6-base-dev qt6-svg-dev libqcustomplot-dev
  libtorch-dev libopenblas0-openmp   # without OpenBLAS, LibTorch uses the reference BLAS (~25x slower)
  libgloo-dev                        # headers of LibTorch's Gloo process group (distributed training)
  libyaml-cpp-dev libre2-dev zlib1g-dev
  xvfb xauth                         # GUI screenshots and runs without a display
  python3-torch                      # torchrun, for the test that launches ranks with it (~30 s to install)
)

if [[ "$(uname -s)" == "Darwin" ]]; then
  cat <<'MSG'
macOS: install the dependencies with Homebrew:
  brew install cmake ninja qt pytorch yaml-cpp re2 zlib
QCustomPlot has no Homebrew formula. Unpack its source release (qcustomplot.h and
qcustomplot.cpp, GPL-3.0, version 2.1) somewhere and point CMake at the folder:
  cmake -B build -G Ninja -DQCUSTOMPLOT_SOURCE_DIR=/path/to/qcustomplot
The top-level CMakeLists.txt compiles it as a library when find_package(QCustomPlotQt6) finds none.
LibTorch comes from the pytorch formula: pass
  -DCMAKE_PREFIX_PATH="$(brew --prefix pytorch)/share/cmake;$(brew --prefix qt)"
MSG
  exit 0
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "install-deps: no dpkg here; install these packages by hand: ${DEBIAN_PACKAGES[*]}" >&2
  exit 1
fi

missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
  [[ "$pkg" == \#* ]] && continue
  status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "installed" ]] || missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#DEBIAN_PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null 2>&1 || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
