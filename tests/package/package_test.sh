#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the .deb from a configured build directory, installs it into a scratch root with dpkg -x
# and checks what a user would meet: the package's version and dependencies, the installed files,
# the desktop file and AppStream metadata, and the installed binary starting (--version, then
# --screenshots on the embedded default, offscreen, in a private HOME).
#   package_test.sh BUILD_DIR VERSION APP_ID
set -euo pipefail
build_dir="$1" version="$2" app_id="$3"

work="$(mktemp -d /tmp/ops-package-XXXXXX)"
chmod 755 "$work"  # as root the embedded server runs as 'postgres', which must reach the data dir
stop_server() {
  local pid_file="$work/data/postgres/pgdata/postmaster.pid"
  if [ -f "$pid_file" ]; then kill -INT "$(head -1 "$pid_file")" 2>/dev/null || true; sleep 1; fi
  rm -rf "$work"
}
trap stop_server EXIT

failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
expect_field() {  # expect_field FIELD WORD: the package's control FIELD names WORD
  local value
  value="$(dpkg-deb -f "$deb" "$1")"
  grep -Eq "(^|[ ,|])$2([ ,(|]|$)" <<<"$value" || fail "$1 lacks $2: $value"
}

echo "== cpack"
cpack -G DEB --config "$build_dir/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1 \
  || { cat "$work/cpack.log"; exit 1; }
deb="$(ls "$work"/out/ops-console_*.deb)"
echo "$deb"
dpkg-deb -I "$deb"

echo "== control fields"
[ "$(dpkg-deb -f "$deb" Package)" = ops-console ] || fail "package name"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "package version $(dpkg-deb -f "$deb" Version) != $version"
for dependency in postgresql-15 qt6-qpa-plugins libqt6svg6 libqt6core6 libqt6widgets6 libpq5 libc6; do
  expect_field Depends "$dependency"  # the last four come from dpkg-shlibdeps
done
expect_field Recommends gnome-keyring
for field in Maintainer Section Homepage Description; do
  [ -n "$(dpkg-deb -f "$deb" "$field")" ] || fail "no $field"
done

echo "== dpkg -x"
dpkg -x "$deb" "$work/root"
for file in usr/bin/ops-console usr/lib/ops-console/ops-demo-platform \
            "usr/share/applications/$app_id.desktop" "usr/share/icons/hicolor/scalable/apps/$app_id.svg" \
            "usr/share/metainfo/$app_id.metainfo.xml" usr/share/doc/ops-console/README.md; do
  [ -f "$work/root/$file" ] || fail "not installed: /$file"
done

echo "== desktop file and AppStream metadata"
desktop-file-validate "$work/root/usr/share/applications/$app_id.desktop" || fail "desktop-file-validate"
grep -qx "Icon=$app_id" "$work/root/usr/share/applications/$app_id.desktop" || fail "desktop file names another icon"
grep -qx "Exec=ops-console" "$work/root/usr/share/applications/$app_id.desktop" || fail "desktop file starts another program"
# Errors and warnings fail validation; pedantic remarks (an id with capitals) do not.
appstreamcli validate --no-net "$work/root/usr/share/metainfo/$app_id.metainfo.xml" || fail "appstreamcli validate"
grep -q "<release version=\"$version\"" "$work/root/usr/share/metainfo/$app_id.metainfo.xml" \
  || fail "AppStream release is not $version"
grep -q "<launchable type=\"desktop-id\">$app_id.desktop</launchable>" "$work/root/usr/share/metainfo/$app_id.metainfo.xml" \
  || fail "AppStream launchable is not the installed desktop file"

echo "== the installed binaries start"
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_DATA_HOME="$work/home/.local/share"
export XDG_RUNTIME_DIR="$work/runtime" QT_QPA_PLATFORM=offscreen
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
unset DATABASE_URL DATABASE_POOLER_URL DISPLAY WAYLAND_DISPLAY
reported="$("$work/root/usr/bin/ops-console" --version)"
[ "$reported" = "ops-console $version" ] || fail "--version says '$reported', the package is $version"
"$work/root/usr/lib/ops-console/ops-demo-platform" --help >/dev/null || fail "ops-demo-platform --help"

if ! timeout 300 "$work/root/usr/bin/ops-console" --data-dir "$work/data" --screenshots "$work/shots" >"$work/console.log" 2>&1; then
  cat "$work/console.log"
  fail "the installed console did not take its screenshots"
fi
for tab in health sandbox deployments standup; do
  png="$work/shots/$tab.png"
  if [ ! -f "$png" ]; then fail "no $tab.png"; continue; fi
  width=$((16#$(od -An -tx1 -j16 -N4 "$png" | tr -d ' \n')))
  height=$((16#$(od -An -tx1 -j20 -N4 "$png" | tr -d ' \n')))
  size=$(stat -c %s "$png")
  echo "$tab.png ${width}x${height} $size bytes"
  # A window that drew nothing compresses to a few kB; a tab with its panels is far larger.
  [ "$width" -ge 400 ] && [ "$height" -ge 300 ] && [ "$size" -ge 20000 ] || fail "$tab.png looks empty"
done

if [ "$failures" -ne 0 ]; then
  echo "package test: $failures failure(s)" >&2
  exit 1
fi
echo "package test: ops-console $version installs and starts"
