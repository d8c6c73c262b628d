#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# One command: install what is missing, build, and start the console on the embedded default
# (its own PostgreSQL under your data directory). Arguments go to ops-console (e.g. --dsn URL).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/installer/deps.sh"
"$root/installer/build.sh"
exec "${OPS_BUILD_DIR:-$root/build}/app/ops-console" "$@"
