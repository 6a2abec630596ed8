#!/usr/bin/env bash
# Keeps what fuzzing learnt across clean clones: adds to fuzz/grown/<target>/ the inputs of the
# corpus grown in build-fuzz/corpus/<target>/ that reach a feature the kept ones do not
# (libFuzzer's -merge=1 into a copy of the kept folder), for scripts/fuzz.sh to start from. The
# kept inputs stay as they are, so git history grows only by what is new. FUZZ_MINIMIZE=1 instead
# makes a new minimized folder from both (the fewest inputs that reach every feature either had),
# which may replace every file.
#   scripts/fuzz-keep-corpus.sh TARGET...      after scripts/fuzz.sh; uses the build it made
set -euo pipefail
cd "$(dirname "$0")/.."
(( $# )) || { echo "usage: $0 TARGET..." >&2; exit 2; }
BUILD=build-fuzz
[[ -x build-fuzz-undefined/fuzz/fuzz_$1 ]] && BUILD=build-fuzz-undefined # the faster build when there is one
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_container_overflow=0:detect_leaks=0:allocator_may_return_null=1}
for t in "$@"; do
  fuzzer=$BUILD/fuzz/fuzz_$t
  [[ -x $fuzzer ]] || { echo "$fuzzer is not built: run scripts/fuzz.sh first" >&2; exit 2; }
  old=fuzz/grown/$t
  mkdir -p fuzz/grown
  new=$(mktemp -d "fuzz/grown/.$t.XXXXXX")
  from=()
  if [[ -d $old && ${FUZZ_MINIMIZE:-0} != 1 ]]; then
    cp -pR "$old/." "$new/" # kept as they are; merge only adds (a failed copy stops before $old goes)
  elif [[ -d $old ]]; then
    from+=("$old")
  fi
  [[ -d build-fuzz/corpus/$t ]] && from+=("build-fuzz/corpus/$t")
  (( ${#from[@]} )) || { echo "$t: no new corpus to merge" >&2; rm -rf "$new"; continue; }
  "$fuzzer" -merge=1 -max_len=65536 -timeout=10 -rss_limit_mb=4096 "$new" "${from[@]}" >"$BUILD/keep-$t.log" 2>&1 ||
    { echo "$t: merge failed (see $BUILD/keep-$t.log)" >&2; rm -rf "$new"; exit 1; }
  rm -rf "$old"
  mv "$new" "$old"
  printf '%-16s %6s inputs %8s  (%s)\n' "$t" "$(find "$old" -type f | wc -l)" "$(du -sh --apparent-size "$old" | cut -f1)" \
    "$(grep -o "MERGE-OUTER: [0-9]* new files[^;]*" "$BUILD/keep-$t.log" | tail -1 | cut -d" " -f2- || true)"
done
