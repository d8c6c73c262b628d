#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs every libFuzzer target of tests/fuzz for SECONDS each (default 60), one after the other.
#   tests/fuzz/run.sh [SECONDS] [TARGET...]
# Configures and builds the clang++ fuzz build in build-fuzz/ (OPS_FUZZ=ON). New inputs the
# fuzzer finds go to build-fuzz/corpus/<target> (the seed corpus in tests/fuzz/corpus stays as
# committed); a crash leaves build-fuzz/artifacts/<target>/crash-* and stops the script with exit 1.
# Each run prints its last libFuzzer status line (executions, exec/s, coverage).
set -euo pipefail
seconds="${1:-60}"
shift || true
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$root/build-fuzz"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(plan_importer sandbox_lines health_json connection_string deploy_json http_response)

export QT_QPA_PLATFORM=offscreen
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$root" -B "$build" -G Ninja -DOPS_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" >/dev/null
cmake --build "$build" --parallel 2 >/dev/null

status=0
for target in "${targets[@]}"; do
  work="$build/corpus/$target"
  artifacts="$build/artifacts/$target"
  mkdir -p "$work" "$artifacts"
  log="$build/fuzz-$target.log"
  echo "fuzz: $target for ${seconds}s"
  # -rss_limit_mb: the targets read a file whole, like the console does; 2 GB is far above need.
  if ! "$build/tests/fuzz/fuzz_$target" "$work" "$root/tests/fuzz/corpus/$target" \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
      -artifact_prefix="$artifacts/" -print_final_stats=1 >"$log" 2>&1; then
    echo "fuzz: $target FAILED, see $log and $artifacts" >&2
    grep -E "ERROR|invariant|Test unit written" "$log" | head -5 >&2
    status=1
    continue
  fi
  execs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
  rate=$(grep -E '^stat::average_exec_per_sec' "$log" | awk '{print $2}')
  cov=$(grep -E '^#[0-9]+' "$log" | tail -1 | grep -oE 'cov: [0-9]+' || true)
  echo "fuzz_target=$target seconds=$seconds executions=$execs exec_per_s=$rate ${cov/: /=} result=clean"
done
exit $status
