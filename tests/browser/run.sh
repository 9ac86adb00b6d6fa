#!/usr/bin/env bash
# tests/browser/run.sh [BUILD_DIR] - the office's dashboard in headless Chromium (README "The office's
# dashboard"). Prints TAP.
#
# A temporary deployment (jrpctl up with the test clock and jrp-gateway on 127.0.0.1, a copy of
# deploy/parties.yaml with an office token's hash) and a real case driven with jrpctl: departments'
# records that put three companies on the black list and leave a person's entry waiting for its notice,
# one record reported late, the measures pushed to the agencies, the procurement centre feeding back
# and the others left overdue, an objection decided, checks before handling. Then dashboard.mjs
# (playwright-core driving Debian's /usr/bin/chromium) reads the page and holds every figure against
# what the gateway answers directly in the same run, filters by agency, looks at the trend chart and
# the overdue list, downloads the CSV and XLSX exports, prints, and requires no console error and no
# request to anywhere but 127.0.0.1. DOMAIN.md "Monitoring by the office" [001 四(三)] [003 六]: list
# counts by type and domain; measures pushed, applied, overdue by agency; departments' late reports;
# objections and repairs and how long they took; query volume per agency; departments that lag are named.
#
# Needs /usr/bin/chromium, fonts-noto-cjk, node and tests/browser/node_modules (npm ci; tests/run does
# it): a missing one is a failure, never a skip. The screenshots, the PDF and the exported files go to
# $JRP_TEST_OUT (default tests/browser/out/, ignored by git). JRP_KEEP_TEST_DIR=1 keeps the deployment.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
J0=$build/services/ctl/jrpctl
out=${JRP_TEST_OUT:-$here/out}
n=0; failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; failed=$((failed + 1)); [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/# /'; }
t() {   # t NAME COMMAND... : ok if the command succeeds
  local name=$1 o; shift
  if o=$("$@" 2>&1); then ok "$name"; else nok "$name" "$o"; fi
}
finish() { echo "1..$n"; [ "$failed" -eq 0 ]; exit $?; }

# what the test needs: its absence fails the test (the dashboard is not tested without a browser)
missing=""
[ -x /usr/bin/chromium ] || missing="$missing /usr/bin/chromium (apt-get install chromium)"
fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' || missing="$missing fonts-noto-cjk"
command -v node >/dev/null || missing="$missing node (apt-get install nodejs npm)"
[ -d "$here/node_modules/playwright-core" ] || missing="$missing tests/browser/node_modules (cd tests/browser && npm ci)"
[ -x "$J0" ] || missing="$missing $J0 (build first)"
if [ -n "$missing" ]; then nok "what the browser test needs is here" "missing:$missing"; finish; fi
ok "chromium, the CJK fonts, node, playwright-core and jrpctl are here"

dir=$(mktemp -d /tmp/jrp-browser-XXXXXX)
mkdir -p "$out"
cp "$root/deploy/parties.yaml" "$dir/parties.yaml"
tokline=$($J0 --json tokens new office) || { nok "jrpctl tokens new office" "$tokline"; finish; }
TOKEN=$(sed -n 's/.*"token": "\([^"]*\)".*/\1/p' <<<"$tokline")
HASH=$(sed -n 's/.*"hash": "\([^"]*\)".*/\1/p' <<<"$tokline")
# the office's entry gets the token's hash, as `jrpctl tokens new office` says to add it; an agency gets one
# too (the page must refuse it: statistics are the office's)
sed -i "/^  - id: office\$/,/^    roles:/s/^\(    roles: \[office\]\)\$/\1\n    tokens: [\"$HASH\"]/" "$dir/parties.yaml"
tokline=$($J0 --json tokens new bank_regulator)
OTHER_TOKEN=$(sed -n 's/.*"token": "\([^"]*\)".*/\1/p' <<<"$tokline")
OTHER_HASH=$(sed -n 's/.*"hash": "\([^"]*\)".*/\1/p' <<<"$tokline")
sed -i "/^  - id: bank_regulator\$/,/^    roles:/s/^\(    roles: \[agency\]\)\$/\1\n    tokens: [\"$OTHER_HASH\"]/" "$dir/parties.yaml"
if grep -q "tokens: \[\"$HASH\"\]" "$dir/parties.yaml" && grep -q "tokens: \[\"$OTHER_HASH\"\]" "$dir/parties.yaml"; then ok "the office's and the bank regulator's token hashes are in the registry copy"
else nok "the token hashes are in the registry copy" "$(grep -n -A3 'id: office\|id: bank_regulator' "$dir/parties.yaml")"; finish; fi
cat > "$dir/jrp.yaml" <<YAML
data_dir: data
run_dir: run
rules: $root/rules
parties: parties.yaml
test_clock: true
map_size_mb: 16
gateway: {listen: "127.0.0.1:0"}
YAML
J="$J0 -c $dir/jrp.yaml"
cleanup() {
  $J down >/dev/null 2>&1
  if [ "${JRP_KEEP_TEST_DIR:-}" = 1 ]; then echo "# kept $dir"; else rm -rf "$dir"; fi
}
trap cleanup EXIT

t "jrpctl up starts the four daemons and jrp-gateway" $J up
PORT=$(cat "$dir/run/gateway.port" 2>/dev/null)
if [ -n "$PORT" ]; then ok "the gateway wrote its port ($PORT)"; else nok "the gateway wrote its port" "$(tail -5 "$dir/run/gateway.log" 2>&1)"; finish; fi

# ---- the case ----
A=91350100M000100Y43     # 示范科技有限公司: tax evasion, black list (国家税务总局令第54号)
B=91350100MA0000010M     # 示范建设工程有限公司: dishonest judgment debtor, reported late
D=91350100MA0000020N     # 示范商贸有限公司: dishonest judgment debtor
P=11010519491231002X     # 张三丰: a person; the court never serves the notice
t "clock set 2026-06-01" $J clock set 2026-06-01T09:00:00+08:00
# DOMAIN.md Credit records [001 §(一)1,4]: reported within 7 working days of the decision, or late
t "the tax bureau reports a final penalty for major tax evasion (3 working days after it)" \
  $J --as tax_bureau submit --record-id TAX-B-1 --kind penalty --domain tax --subject-type org --code $A \
  --name 示范科技有限公司 --decision-date 2026-05-27 --decision-no "示税稽罚〔2026〕101号" --violation tax_evasion \
  --amount 3500000 --base-amount 20000000 --final yes
out1=$($J --as court submit --record-id CT-B-1 --kind judgment --domain courts --subject-type org --code $B \
  --name 示范建设工程有限公司 --decision-date 2026-05-06 --violation evade_execution 2>&1)
if grep -q "reported late" <<<"$out1"; then ok "the court reports a judgment of 6 May on 1 June: late"; else nok "a late report" "$out1"; fi
t "the court reports another judgment in time" $J --as court submit --record-id CT-B-2 --kind judgment \
  --domain courts --subject-type org --code $D --name 示范商贸有限公司 --decision-date 2026-05-29 --violation evade_execution
t "the court reports a judgment against a person" $J --as court submit --record-id CT-B-3 --kind judgment \
  --domain courts --subject-type person --code $P --name 张三丰 --decision-date 2026-05-28 --violation evade_execution
t "sync" $J sync
entry() { $J --as office --json subject "$1" | sed -n 's/^ *"id": \([0-9]*\),*$/\1/p' | head -1; }
EA=$(entry $A); EB=$(entry $B); ED=$(entry $D)
if [ -n "$EA" ] && [ -n "$EB" ] && [ -n "$ED" ]; then ok "three proposed entries ($EA, $EB, $ED)"; else nok "proposed entries" "A=$EA B=$EB D=$ED"; finish; fi
# DOMAIN.md Life of an entry 1 (国办发〔2020〕49号): the subject is told first; the person's notice is never reported
t "the tax bureau serves its notice" $J --as tax_bureau notice "$EA" 2026-06-01
t "the court serves two of its three notices" bash -c "$J --as court notice $EB 2026-06-01 && $J --as court notice $ED 2026-06-01"
t "clock set 2026-06-15: the entries are effective, the measures pushed" $J clock set 2026-06-15T09:00:00+08:00
t "sync" $J sync
t "the procurement centre reads its stream" $J --as procurement_centre tasks --ack
# DOMAIN.md Life of an entry 6 [001 §(五)7]: an objection, verified by the department in 3 working days
t "the office files an objection for 示范建设工程有限公司" $J --as office object "$EB" --reason 主体称已履行判决
t "clock set 2026-06-18" $J clock set 2026-06-18T10:00:00+08:00
t "the court upholds the entry" $J --as court decide-objection "$EB" upheld --note 核实未履行
t "sync" $J sync
# DOMAIN.md Trigger, response, feedback [001 §(五)1-2]: one agency feeds back, the others do not
tasks=$($J --as procurement_centre --json tasks --after 0 | sed -n 's/^ *"task": \([0-9]*\),*$/\1/p')
fb_ok=0
for k in $tasks; do $J --as procurement_centre feedback "$k" applied --matter-id "GP-2026-$k" --note 取消其投标资格 >/dev/null && fb_ok=$((fb_ok + 1)); done
if [ "$fb_ok" -ge 3 ] && [ "$fb_ok" -eq "$(wc -w <<<"$tasks")" ]; then ok "the procurement centre feeds back its $fb_ok tasks"; else nok "procurement feedback" "$fb_ok of: $tasks"; fi
t "clock set 2026-07-15: the others' mandatory tasks and the person's notice are overdue" $J clock set 2026-07-15T09:00:00+08:00
t "sync" $J sync
# DOMAIN.md Trigger, response, feedback: agencies check on every handling (逢办必查), each check recorded
t "the procurement centre checks two companies" bash -c "$J --as procurement_centre check $A --matter public_procurement >/dev/null && $J --as procurement_centre check $B --matter public_procurement >/dev/null"
t "the bank regulator checks one" $J --as bank_regulator check $A --matter financing
t "sync" $J sync
o=$($J --as office overdue 2>&1)
if grep -q public_resource_trading <<<"$o" && grep -q "court" <<<"$o"; then ok "jrpctl overdue names the trading centre's tasks and the court's duty"
else nok "overdue before the browser" "$o"; fi

# ---- the browser ----
export JRP_GW="http://127.0.0.1:$PORT" JRP_TOKEN="$TOKEN" JRP_OTHER_TOKEN="$OTHER_TOKEN" JRP_TEST_OUT="$out" JRP_TAP_FROM=$n
export JRP_PERIOD_FROM=2026-06-01 JRP_PERIOD_TO=2026-07-15 JRP_AGENCY_OVERDUE=public_resource_trading \
  JRP_AGENCY_FED=procurement_centre JRP_LATE_DEPARTMENT=court
f=$(mktemp)
node "$here/dashboard.mjs" 2>&1 | tee "$f" | grep -v '^1\.\.'
rc=${PIPESTATUS[0]}
nodeok=$(grep -cE '^ok [0-9]+' "$f"); nodenok=$(grep -cE '^not ok [0-9]+' "$f")
n=$((n + nodeok + nodenok)); failed=$((failed + nodenok))
if [ "$rc" -ne 0 ] && [ "$nodenok" -eq 0 ]; then nok "dashboard.mjs ran to its end (exit $rc)"; fi
rm -f "$f"
t "jrpctl down" $J down
finish
