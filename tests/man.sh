#!/usr/bin/env bash
# tests/man.sh SOURCE_ROOT JRPCTL PAGE... - the manual pages meson made (deploy/man/*.in): each
# formats without a warning (groff -man -ww, and man --warnings where man-db is installed, as
# lintian reads them); jrpctl(1) has an entry for every command of jrpctl's table (jrpctl --json
# help); jrp.yaml(5) every key that common/config.c reads; the daemons' pages say -h, --help and
# --version. Prints TAP; skips without groff (deploy/deps.sh installs groff-base).
set -u
root=$1; jrpctl=$2; shift 2; pages=("$@")
export LC_ALL=C.UTF-8 MANWIDTH=80
command -v groff >/dev/null || { echo "1..0 # SKIP groff is missing (deploy/deps.sh installs groff-base)"; exit 0; }
n=0; failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }

for p in "${pages[@]}"; do
  name=$(basename "$p")
  w=$(for dev in utf8 ascii; do groff -man -ww -z -T$dev "$p" 2>&1; done)
  if command -v man >/dev/null; then w+=$(man --warnings -l "$p" 2>&1 >/dev/null); fi
  if [ -z "$w" ]; then ok "$name formats without a warning"; else nok "$name: warnings"; echo "$w" | sed 's/^/# /'; fi
done

page() { for p in "${pages[@]}"; do [ "$(basename "$p")" = "$1" ] && echo "$p"; done; }
# the headings of a page's entries (the line after each .TP), fonts and quotes taken away
headings() {
  awk 'tp { print; tp = 0 } /^\.TP/ { tp = 1 }' "$1" |
    sed -e 's/^\.[A-Z]* //' -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' -e 's/"//g' -e 's/  */ /g' -e 's/ ,/,/g'
}

man1=$(page jrpctl.1)
cmds=$("$jrpctl" --json help | python3 -c 'import json,sys; [print(c["command"]) for c in json.load(sys.stdin)["commands"]]')
h=$(headings "$man1" | sed 's/, /\n/g')
missing=""
while read -r c; do
  grep -q "^$c\( \|$\)" <<<"$h" || missing="$missing [$c]"
done <<<"$cmds"
if [ -n "$cmds" ] && [ -z "$missing" ]; then ok "jrpctl(1) has an entry for each of jrpctl's $(wc -l <<<"$cmds") commands"
else nok "jrpctl(1) lacks:$missing"; fi

man5=$(page jrp.yaml.5)
keys=$(sed -n '/^int config_load/,/NULL };/p' "$root/common/config.c" | grep -o '"[a-z_]*"' | tr -d '"')
h=$(headings "$man5")
missing=""
for k in $keys; do grep -q "^$k\( \|$\)" <<<"$h" || missing="$missing [$k]"; done
for d in ingest adjudicate dispatch feedback; do grep -q "^ *$d: " "$man5" || missing="$missing [endpoints.$d]"; done
if [ -n "$keys" ] && [ -z "$missing" ]; then ok "jrp.yaml(5) has an entry for each of the $(wc -w <<<"$keys") keys of config.c"
else nok "jrp.yaml(5) lacks:$missing"; fi

bad=""
for d in ingest adjudicate dispatch feedback; do
  p=$(page jrp-$d.8)
  grep -q -- '\\-\\-help' "$p" && grep -q -- '\\-\\-version' "$p" && grep -q 'jrp.yaml (5)' "$p" || bad="$bad jrp-$d.8"
done
if [ -z "$bad" ]; then ok "the daemons' pages: -h, --help, --version, jrp.yaml(5)"; else nok "lacking:$bad"; fi
echo "1..$n"
exit $((failed > 0))
