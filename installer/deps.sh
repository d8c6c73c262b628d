#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the Debian 12 packages Ops Console needs to build, test and run. Idempotent: when
# everything is present it only checks (about a second). Works as root or through sudo.
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config
  qt6-base-dev libqt6opengl6-dev qt6-charts-dev qt6-httpserver-dev qt6-websockets-dev qt6-qpa-plugins
  libpq-dev postgresql-15 pgbouncer
  libgtest-dev libgmock-dev libbenchmark-dev
  libmd4c-dev libmd4c-html0-dev
  xvfb xauth fonts-dejavu-core libxkbcommon-dev apache2-utils
  clang libclang-rt-14-dev
  qtkeychain-qt6-dev qt6-l10n-tools gnome-keyring libsecret-tools dbus
  qt6-tools-dev libqt6svg6 dpkg-dev desktop-file-utils appstream
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#packages[@]} Debian packages present"
  exit 0
fi

echo "deps: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
