#!/usr/bin/env bash
# The README's `make test` inside Debian 13 (trixie: LibTorch 2.6, Qt 6.8, yaml-cpp 0.8,
# OpenBLAS 0.3.29), in a debootstrap root cached under build-debian/ (scripts/debian-root.sh).
# .ci/run calls it after the Debian 12 run. Needs root. An argument is a ctest -R regular expression (only those tests).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
filter=()
(($# > 0)) && filter=("CTEST_R=$1")
scripts/debian-root.sh trixie full bash -c '
  set -euo pipefail
  echo "check-debian13: $(. /etc/os-release; echo "$PRETTY_NAME"), libtorch-dev $(dpkg-query -W -f="\${Version}" libtorch-dev), qt6-base-dev $(dpkg-query -W -f="\${Version}" qt6-base-dev)"
  make -C /src test BUILD_DIR=/work/build "$@"' -- "${filter[@]}"
echo "check-debian13: passed in $((SECONDS - start)) s"
