#!/usr/bin/env bash
# Installs what LogBERT Workbench needs to build, test and run.
#   scripts/install-deps.sh             everything (GUI, tests, screenshots, torchrun)
#   scripts/install-deps.sh --cli-only  the engine and the logbert CLI only (cmake -DLOGBERT_GUI=OFF)
# Debian 12, Debian 13, Ubuntu 24.04: installs the missing packages with apt (as root or through sudo).
# macOS: prints the Homebrew commands and the CMake line.
set -euo pipefail

mode=full
for arg in "$@"; do
  case $arg in
    --cli-only) mode=cli ;;
    *) echo "install-deps: unknown argument '$arg' (expected --cli-only)" >&2; exit 2 ;;
  esac
done

# The same names on Debian 12 (bookworm), Debian 13 (trixie) and Ubuntu 24.04 (noble, universe):
# checked with `apt-cache policy` in a debootstrap root of each Debian release
# (scripts/check-debian13.sh builds the trixie one); Ubuntu's were not installed here.
CLI_PACKAGES=(
  build-essential cmake ninja-build pkg-config clang
  libtorch-dev libopenblas0-openmp   # without OpenBLAS, LibTorch uses the reference BLAS (~25x slower)
  libgloo-dev                        # headers of LibTorch's Gloo process group (distributed training)
  libyaml-cpp-dev libre2-dev zlib1g-dev
)
GUI_PACKAGES=(
  qt6-base-dev qt6-svg-dev libqcustomplot-dev
  xvfb xauth                         # GUI screenshots and runs without a display
  poppler-utils                      # pdftotext/pdftoppm: the report test reads the PDF's pages
  python3-torch                      # torchrun, for the test that launches ranks with it (~30 s to install)
)

if [[ "$(uname -s)" == "Darwin" ]]; then
  # Formula names as formulae.brew.sh lists them: pytorch (formerly libtorch; LibTorch 2.x and
  # torchrun), qt (Qt 6), pkgconf (pkg-config). zlib comes with macOS.
  cat <<'MSG'
macOS: install the dependencies with Homebrew:
  brew install cmake ninja pkgconf pytorch yaml-cpp re2 qt
QCustomPlot has no Homebrew formula. Unpack its source release (qcustomplot.h and
qcustomplot.cpp, GPL-3.0, version 2.1) somewhere; the top-level CMakeLists.txt compiles it as a
library when it finds no installed package. Then configure and build:
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_PREFIX_PATH="$(brew --prefix pytorch);$(brew --prefix qt)" \
    -DQCUSTOMPLOT_SOURCE_DIR=/path/to/qcustomplot
  cmake --build build && (cd build && ctest)
If CMake does not find Torch, point it at the folder that holds TorchConfig.cmake:
  find "$(brew --prefix pytorch)/" -name TorchConfig.cmake
For the engine and the CLI without Qt: leave out qt and QCustomPlot and add -DLOGBERT_GUI=OFF.
MSG
  exit 0
fi

distro="unknown"
if [[ -r /etc/os-release ]]; then
  # shellcheck disable=SC1091
  distro="$(. /etc/os-release && echo "${ID:-?} ${VERSION_ID:-?}")"
fi
case $distro in
  "debian 12"|"debian 13"|"ubuntu 24.04") ;;
  *) echo "install-deps: '$distro' is not one of Debian 12, Debian 13, Ubuntu 24.04; trying their package names" >&2 ;;
esac

PACKAGES=("${CLI_PACKAGES[@]}")
[[ $mode == full ]] && PACKAGES+=("${GUI_PACKAGES[@]}")

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "install-deps: no dpkg here; install these packages by hand: ${PACKAGES[*]}" >&2
  exit 1
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "installed" ]] || missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#PACKAGES[@]} packages present ($distro, $mode)"
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null 2>&1 || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
echo "install-deps: installing on $distro: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
