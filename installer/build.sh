#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Configures and builds Ops Console into build/ (or $OPS_BUILD_DIR). Extra arguments go to cmake.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${OPS_BUILD_DIR:-$root/build}"
cmake -S "$root" -B "$build_dir" -G Ninja "$@" >/dev/null
cmake --build "$build_dir" --parallel "$(nproc)"
