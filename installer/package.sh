#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the Debian package: a Release build of the installed programs in build-package/ (or
# $OPS_PACKAGE_BUILD_DIR), then cpack (installer/Packaging.cmake). Prints the .deb's path.
#   installer/package.sh && sudo apt install ./build-package/ops-console_*.deb
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${OPS_PACKAGE_BUILD_DIR:-$root/build-package}"
"$root/installer/deps.sh" >&2
# CMAKE_SKIP_INSTALL_ALL_DEPENDENCY: cpack installs what is built below instead of building every
# test and benchmark first.
cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON >/dev/null
cmake --build "$build_dir" --parallel "$(nproc)" --target ops-console ops-demo-platform >&2
rm -f "$build_dir"/package/ops-console_*.deb
(cd "$build_dir" && cpack -G DEB -B "$build_dir/package" >&2)
ls "$build_dir"/package/ops-console_*.deb
