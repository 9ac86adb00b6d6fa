#!/usr/bin/env bash
# deploy/demo.sh - build jrp, start the four daemons locally and walk through
# one real case, saying at each step what each party sees.
#
# Data: var/demo/ (wiped at the start of every run, so the demo can run again).
# Sockets and daemon logs: var/demo/run/. The daemons are stopped at the end;
# JRP_DEMO_KEEP=1 leaves them running to explore with build/services/ctl/jrpctl -c deploy/demo.yaml.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
"$root/deploy/deps.sh"
"$root/deploy/build.sh"
J="$root/build/services/ctl/jrpctl -c $root/deploy/demo.yaml"
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ jrpctl %s\n' "$*" | sed "s|$root/||g"; $J "$@"; }

$J down >/dev/null 2>&1 || true
if [ -d var/demo ]; then echo "(removing the previous demo's data in var/demo/)"; rm -rf var/demo; fi
trap '[ "${JRP_DEMO_KEEP:-}" = 1 ] || $J down >/dev/null 2>&1' EXIT

# the demo's parties: deploy/parties.yaml with a fresh HTTP token for the office and the procurement centre
# (parties.yaml keeps only their SHA-256; the tokens are printed once, here)
mkdir -p var/demo
cp deploy/parties.yaml var/demo/parties.yaml
token_for() {   # token_for PARTY: make a token, put its hash under the party, print the token
  local out tok hash
  out=$($J --json tokens new "$1")
  tok=$(sed -n 's/.*"token": "\([^"]*\)".*/\1/p' <<<"$out")
  hash=$(sed -n 's/.*"hash": "\([^"]*\)".*/\1/p' <<<"$out")
  sed -i "s/^  - id: $1\$/&\n    tokens: [\"$hash\"]/" var/demo/parties.yaml
  echo "$tok"
}
OFFICE_TOKEN=$(token_for office)
CENTRE_TOKEN=$(token_for procurement_centre)

say "The operator starts the four daemons (ingest, adjudicate, dispatch, feedback) and the HTTP gateway"
run up
run clock set 2026-05-25T09:00:00+08:00
run status

CODE=91350100M000100Y43
say "1. The tax bureau reports an administrative penalty: major tax evasion of 3,500,000 yuan"
run --as tax_bureau submit --record-id TAX-2026-0001 --kind penalty --domain tax \
    --subject-type org --code $CODE --name 示范科技有限公司 --decision-date 2026-05-20 \
    --decision-no "示税稽罚〔2026〕88号" --violation tax_evasion --amount 3500000 --base-amount 20000000 \
    --facts "虚假申报，少缴税款" --basis "《中华人民共和国税收征收管理法》第六十三条"
echo "   The clerk's network drops and she sends it again: the same record id changes nothing."
run --as tax_bureau submit --record-id TAX-2026-0001 --kind penalty --domain tax \
    --subject-type org --code $CODE --name 示范科技有限公司 --decision-date 2026-05-20 \
    --decision-no "示税稽罚〔2026〕88号" --violation tax_evasion --amount 3500000 --base-amount 20000000 \
    --facts "虚假申报，少缴税款" --basis "《中华人民共和国税收征收管理法》第六十三条"
echo "   A typo in the code is refused, with the field and the reason, and nothing is stored:"
run --as tax_bureau submit --record-id TAX-2026-0002 --kind penalty --domain tax \
    --subject-type org --code 91350100M000100Y44 --name 示范科技有限公司 --decision-date 2026-05-20 || true

say "2. The black-list standard lists only a final decision (令第54号 第七条): the record waits"
$J sync >/dev/null
run --as tax_bureau subject $CODE
echo "   Time passes (test clock): neither administrative review (60 days) nor a suit (6 months) is brought;"
echo "   the decision is final on 21 Nov, and the bureau reports it."
run clock set 2026-11-23T09:00:00+08:00
run --as tax_bureau submit --record-id TAX-2026-0001-F --kind finality --domain tax --subject-type org \
    --code $CODE --name 示范科技有限公司 --decision-date 2026-11-21 --refers-to TAX-2026-0001 --final yes
say "   Now a proposed entry. Serious dishonesty: the company is told first"
$J sync >/dev/null
run --as tax_bureau subject $CODE
echo "   The bureau's own stream holds its duty: notify the company (due in 7 working days)."
run --as tax_bureau tasks --ack
ENTRY=$($J --as tax_bureau --json subject $CODE | sed -n 's/^ *"entry": \([0-9]*\),*$/\1/p' | head -1)
echo "   It serves the notice the same day and reports it; the company has 5 days to state its case."
run --as tax_bureau notice "$ENTRY" 2026-11-23
echo "   Before the period ends, the procurement centre's check finds nothing in force:"
run --as procurement_centre check $CODE --matter public_procurement
echo "   Time passes (test clock): 5 days from Mon 23 Nov end on Sat 28 Nov, a day off, so on Mon 30 Nov;"
echo "   on 1 Dec the entry is effective."
run clock set 2026-12-01T09:00:00+08:00
$J sync >/dev/null

say "3. Dispatch pushes the measures: the procurement centre (mandatory) and the bank regulator (recommended) each read their own stream"
run --as procurement_centre tasks --ack
run --as bank_regulator tasks --ack

say "4. Before a procurement, the centre checks the company (逢办必查); the check is recorded"
run --as procurement_centre check $CODE --matter public_procurement

echo "   The centre's own system asks the same over HTTP (jrp-gateway, JSON; docs/openapi.yaml describes it):"
printf '$ curl -H "Authorization: Bearer $CENTRE_TOKEN" -d '"'"'{"subject":"%s","matter":"public_procurement"}'"'"' http://127.0.0.1:8480/v1/check\n' "$CODE"
curl -sS -H "Authorization: Bearer $CENTRE_TOKEN" -d "{\"subject\":\"$CODE\",\"matter\":\"public_procurement\"}" \
  http://127.0.0.1:8480/v1/check | head -c 400; echo " ..."

say "5. The centre reports back; the office reads the statistics"
TASK=$($J --as procurement_centre --json tasks --after 0 | sed -n 's/^ *"task": \([0-9]*\),*$/\1/p' | head -1)
run --as procurement_centre feedback "$TASK" applied --matter-id GP-2026-0777 --note "取消其投标资格"
$J sync >/dev/null
run --as office stats

say "6. Three years after the decision the entry's validity ends: it exits by itself, both agencies are told to stop"
run clock set 2029-05-20T08:00:00+08:00
$J sync >/dev/null
run --as procurement_centre tasks --ack
run --as bank_regulator tasks --ack
run --as procurement_centre check $CODE --matter public_procurement
run --as tax_bureau subject $CODE
run --as office stats

say "Done. Data is in var/demo/data, daemon logs in var/demo/run/*.log"
echo "The office's dashboard: http://127.0.0.1:8480/dashboard/  (office token for this run: $OFFICE_TOKEN)"
[ "${JRP_DEMO_KEEP:-}" = 1 ] || echo "(the daemons stop now; JRP_DEMO_KEEP=1 deploy/demo.sh leaves them and the dashboard running)"
