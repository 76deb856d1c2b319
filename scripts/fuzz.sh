#!/usr/bin/env bash
# Runs every libFuzzer target under BUILD_DIR for SECONDS each, on a scratch copy of its seed
# corpus (new inputs stay out of the tree; merge interesting ones by hand with -merge=1).
set -euo pipefail
build=${1:?usage: fuzz.sh BUILD_DIR SECONDS}
seconds=${2:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
status=0
while IFS= read -r bin; do
  name=$(basename "$bin")
  src=$(grep -rl --include=CMakeLists.txt "l7_fuzz_target(${name} " "$root/tests/fuzz" | head -n1)
  corpus_dir=$(sed -n "s/.*l7_fuzz_target(${name} [^ ]* \${CMAKE_CURRENT_SOURCE_DIR}\/\([^ )]*\).*/\1/p" "$src")
  seeds="$(dirname "$src")/${corpus_dir}"
  scratch=$(mktemp -d)
  cp -r "$seeds"/. "$scratch"/ 2>/dev/null || true
  echo "== $name (${seconds}s, seeds: ${seeds#$root/})"
  if ! "$bin" -max_total_time="$seconds" -print_final_stats=1 "$scratch" 2>&1 | tail -n 12; then
    status=1
  fi
  rm -rf "$scratch"
done < <(find "$build/tests/fuzz" -type f -executable -name '*_fuzz' | sort)
exit $status
