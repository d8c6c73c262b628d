#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Regenerates the README's screenshots: one PNG per tab, made by the real console on the embedded
# default under Xvfb (a real X server, so fonts and styles look as on a desktop).
#   installer/screenshots.sh [output-dir]     default: resources/screenshots
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/resources/screenshots}"
"$root/installer/deps.sh"
"$root/installer/build.sh"
data="$(mktemp -d /tmp/ops-screenshots-XXXXXX)"
chmod 755 "$data"
export XDG_RUNTIME_DIR="$data/runtime" XDG_CONFIG_HOME="$data/config"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
unset DATABASE_URL QT_QPA_PLATFORM
xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" \
  "${OPS_BUILD_DIR:-$root/build}/app/ops-console" --data-dir "$data/data" --screenshots "$out"
rm -rf "$data"
echo "screenshots written to $out"
