#!/usr/bin/env bash
# deploy/build.sh [BUILDDIR [MESON OPTIONS...]] - configure (once) and build with meson
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$root/build}
shift || true
[ -f "$dir/build.ninja" ] || meson setup "$dir" "$root" "$@" >/dev/null
ninja -C "$dir" >/dev/null
