#!/usr/bin/env bash
# Sanitizer builds of the test suite (docs/reliability.md):
#   scripts/sanitize.sh asan   ASan + UBSan build (build-asan/) of every test; runs all of CTest
#   scripts/sanitize.sh tsan   TSan build (build-tsan/) of the worker and GUI tests; runs them
# Extra arguments go to ctest (e.g. -R test_cancel). Exits non-zero on any sanitizer report.
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:?usage: scripts/sanitize.sh asan|tsan [ctest arguments]}
shift
JOBS=${JOBS:-$(nproc)}
supp=$PWD/scripts/sanitizers
case $kind in
  asan)
    dir=build-asan
    cmake -S . -B $dir -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
      -DLOGBERT_SANITIZE="address;undefined" -DLOGBERT_BUILD_BENCH=OFF >/dev/null
    cmake --build $dir -j "$JOBS"
    # LibTorch and Qt are not instrumented: container annotations do not match, and their
    # one-time allocations at exit are listed in the suppressions file with the reason.
    export ASAN_OPTIONS=detect_container_overflow=0:detect_leaks=1:abort_on_error=1
    export LSAN_OPTIONS=suppressions=$supp/lsan.supp:print_suppressions=0
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    # Qt Test's 5-minute watchdog per test function is too short for SIGKILL-and-resume rounds
    # at ASan speed.
    export QTEST_FUNCTION_TIMEOUT=1200000
    # The tests that measure latency (cancel within a second) or kill training at random moments
    # run alone after the rest: run beside other tests, ASan's slowdown doubles.
    timed='^(test_cancel|test_crash_safety)$'
    (cd $dir && ctest --output-on-failure -j "$JOBS" -E "$timed" "$@" && ctest --output-on-failure -j 1 -R "$timed" "$@")
    ;;
  tsan)
    dir=build-tsan
    tests=(test_training_runner test_cancel test_run_page test_results_page test_datasets_page)
    cmake -S . -B $dir -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
      -DLOGBERT_SANITIZE=thread -DLOGBERT_BUILD_BENCH=OFF >/dev/null
    cmake --build $dir -j "$JOBS" --target logbert "${tests[@]}"
    # Qt, LibTorch, OpenMP and OpenBLAS are not instrumented and synchronise in ways TSan cannot
    # see (futexes, spin-waits): only accesses made by instrumented code (ours) are checked.
    export TSAN_OPTIONS="ignore_noninstrumented_modules=1:halt_on_error=1:second_deadlock_stack=1"
    (cd $dir && ctest --output-on-failure -j 1 -R "^($(IFS='|'; echo "${tests[*]}"))\$" "$@")
    ;;
  *) echo "usage: scripts/sanitize.sh asan|tsan [ctest arguments]" >&2; exit 2 ;;
esac
