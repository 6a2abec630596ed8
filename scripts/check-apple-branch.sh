#!/usr/bin/env bash
# Compiles the project's __APPLE__ code paths on Linux: each translation unit with an Apple branch
# is type-checked with __APPLE__ defined and __linux__ undefined, against the SDK stand-ins in
# scripts/apple-stubs/ (what they prove and what not: scripts/apple-stubs/README.md). It also
# checks in the preprocessed text that the Apple calls are what got compiled, so a check that
# silently compiled the Linux branch fails. CTest runs it (apple_branch_compiles).
#
#   scripts/check-apple-branch.sh [C++ compiler]      default: clang++, else g++
set -euo pipefail
cd "$(dirname "$0")/.."
cxx=${1:-$(command -v clang++ || command -v g++)}
warnings=(-std=c++17 -Wall -Wextra -I.)
flags=("${warnings[@]}" -U__linux__ -U__linux -Ulinux -U__gnu_linux__ -D__APPLE__ -D__MACH__ -isystem scripts/apple-stubs)
# file, then a call that only its Apple branch makes
units=(
  "engine/platform/resource_sampler.cpp task_threads"
  "engine/platform/process_memory.cpp task_info("
  "engine/runtime/thread_policy.cpp sysctlbyname"
  "engine/runtime/thread_policy.cpp host_statistics"
  "engine/platform/blas_check.cpp Accelerate"
  "engine/io/append_file.cpp ::fsync"
  "app/cli/worker_launcher.cpp _NSGetExecutablePath"
  "engine/runtime/startup_defaults.cpp restartWithMpsFallback(argv)"
)
# Every file with an __APPLE__ branch must be listed, so a new one cannot escape the check.
for f in $(grep -rl --include='*.cpp' --include='*.h' '__APPLE__' engine app ui widgets); do
  printf '%s\n' "${units[@]}" | grep -q "^$f " || { echo "check-apple-branch: $f has an __APPLE__ branch but is not checked here" >&2; exit 1; }
done
status=0
for unit in "${units[@]}"; do
  read -r file marker <<<"$unit"
  if ! apple=$("$cxx" "${flags[@]}" -fsyntax-only "$file" 2>&1); then
    echo "$apple" >&2; echo "FAIL $file: the Apple branch does not compile" >&2; status=1; continue
  fi
  # A warning only the Apple branch has (an unused helper, a sign mismatch) fails; one that the
  # Linux build of the same file also prints (a newer compiler's) is that build's business.
  linux=$("$cxx" "${warnings[@]}" -fsyntax-only "$file" 2>&1 || true)
  if (( $(grep -c 'warning:' <<<"$apple") > $(grep -c 'warning:' <<<"$linux") )); then
    echo "$apple" >&2; echo "FAIL $file: the Apple branch warns where the Linux branch does not" >&2; status=1; continue
  fi
  # The marker must survive preprocessing of the file's own text (the stubs declare some of the
  # same names, so look only at lines that come from the file itself).
  own=$("$cxx" "${flags[@]}" -E "$file" | awk -v f="$file" '/^# [0-9]+ "/ { inside = ($3 == "\"" f "\"") ; next } inside')
  if ! grep -qF "$marker" <<<"$own"; then
    echo "FAIL $file: '$marker' is not in the compiled text; the Apple branch was not compiled" >&2; status=1; continue
  fi
  echo "ok   $file (Apple branch, '$marker')"
done
exit $status
