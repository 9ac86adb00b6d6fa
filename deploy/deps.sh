#!/usr/bin/env bash
# deploy/deps.sh - install what jrp needs to build and test, from Debian's
# packages, if it is missing. Needs root (or sudo) only when something is missing.
set -eu
pkgs=(gcc clang libclang-rt-14-dev meson ninja-build pkg-config libzmq3-dev libmsgpack-dev liblmdb-dev lmdb-utils
      libyaml-dev libuv1-dev
      # the package and its test (tests/package.sh): build it, lint it, verify and emulate its units
      dpkg-dev debhelper lintian systemd libseccomp-dev python3
      # archives of retained logs (common/archive.c), and the zstd tool to read them without jrp
      libzstd-dev zstd
      # jrp-gateway: HTTP in the libuv loop, HTTPS and token hashes; its test: an HTTP client checking
      # every answer against docs/openapi.yaml, and a certificate for the HTTPS test
      libmicrohttpd-dev libgnutls28-dev python3-jsonschema python3-yaml openssl curl
      # the manual pages' test (tests/man.sh): groff formats them, man-db reads them as lintian does
      groff-base man-db
      # the dashboard's XLSX exports (services/gateway/export.c)
      libxlsxwriter-dev
      # the dashboard's test (tests/browser/run.sh): the browser it runs headless, Chinese fonts for the page
      chromium fonts-noto-cjk)
# and Node.js with npm for its driver (playwright-core): Debian's, unless a node and npm are there already
# (NodeSource's nodejs package carries its own npm and conflicts with Debian's npm package)
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || pkgs+=(nodejs npm)
# tests/federation/run.sh: two engines in two network namespaces (ip netns, veth, ss)
pkgs+=(iproute2)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
