#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# One command: install what is missing, build, and run the whole test suite through ctest.
#   installer/test.sh                 every test (labels unit, integration, gui), then the leak
#                                     scan (label leakscan) over the files they wrote
#   installer/test.sh -L unit         only one label (any ctest arguments pass through)
#   OPS_SANITIZE=address installer/test.sh   the suite under ASan+UBSan (or =thread for TSan),
#                                            built in build-<sanitizer>/
#   installer/test.sh --sanitize=address     the same as OPS_SANITIZE=address (first argument only)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

sanitize="${OPS_SANITIZE:-}"
case "${1:-}" in
  --sanitize=*) sanitize="${1#--sanitize=}"; shift ;;
esac
case "$sanitize" in
  ""|address|thread) ;;
  *) echo "test.sh: unknown sanitizer '$sanitize' (use address or thread)" >&2; exit 2 ;;
esac

"$root/installer/deps.sh"
if [ -n "$sanitize" ]; then
  export OPS_BUILD_DIR="${OPS_BUILD_DIR:-$root/build-$sanitize}"
  export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1 second_deadlock_stack=1 ignore_noninstrumented_modules=1 suppressions=$root/tests/tsan.supp}"
  export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
  export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
  # A sanitizer build compiles everything again (other flags): through ccache when there is one.
  launcher=()
  if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  fi
  "$root/installer/build.sh" -DOPS_SANITIZE="$sanitize" -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}"
else
  "$root/installer/build.sh"
fi
build_dir="${OPS_BUILD_DIR:-$root/build}"

# GUI tests need no display; a private runtime dir silences Qt's warning about it.
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d /tmp/ops-runtime-XXXXXX)}"
chmod 700 "$XDG_RUNTIME_DIR"

cd "$build_dir"
# Every test process writes under test-output (tests/support/TestSecrets.h); the leak scan reads
# it after all other tests, so it starts empty and the scan (label leakscan) runs last.
rm -rf "$build_dir/test-output"
status=0
ctest --output-on-failure --parallel "$(nproc)" --timeout 600 -LE leakscan "$@" || status=$?
ctest --output-on-failure --timeout 600 -L leakscan || status=$?
echo
if [ $status -eq 0 ]; then
  echo "ops-console tests: all passed"
else
  echo "ops-console tests: FAILED (exit $status); see the output above"
fi
exit $status
