#!/usr/bin/env bash
# tests/federation/run.sh - two engines, two regions, two network namespaces (issue 14; README "Between
# regions"): region sh and region zj each run the five daemons inside their own namespace, joined only
# by a veth pair; each jrp-exchange listens on its own address with CURVE, and each engine is a party
# with role peer in the other's registry.
#
# The case [001 §(五)2] [004 ch.11] [000 七(二)1]: a company of region sh is black-listed at home for
# tax fraud (tax.major_violation, share: [zj]); its assets are in zj, whose own law (its rules copy
# here) binds the land office's measure to major tax violators: zj's land office and procurement
# centre get their tasks, feed back, and the feedback report reaches sh. The company objects at home,
# the entry is suspended, sh decides the objection (wrong) and revokes: zj's agencies get `stop`. sh
# initiates towards zj for two subjects zj has no entry on: zj's office accepts one (identified under
# zj's own standard, its own process) and refuses the other with a reason; sh sees both replies.
# In the middle the link is cut (from either end), either side's jrp-exchange, sh's dispatch and zj's
# ingest and adjudicate are SIGKILLed and restarted: afterwards every count on both sides is exactly
# what one delivery makes.
#
# TAP output; needs root (ip netns). Usage: tests/federation/run.sh [BUILD_DIR]
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
CTL=$build/services/ctl/jrpctl
n=0 fail=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }
say() { echo "# $*"; }

if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null; then
	echo "1..0 # SKIP needs root and ip(8) for network namespaces"
	exit 0
fi
T=$(mktemp -d /tmp/jrp-fed.XXXXXX)
NSA=jrpfa$$ NSB=jrpfb$$ VA=vfa$$ VB=vfb$$
AIP=10.77.$(($$ % 200)).1 BIP=10.77.$(($$ % 200)).2
cleanup() {
	for r in a b; do
		[ -f "$T/$r/jrp.yaml" ] && ip netns exec ${r/a/$NSA} true 2>/dev/null
	done
	ip netns exec $NSA "$CTL" -c "$T/a/jrp.yaml" down >/dev/null 2>&1
	ip netns exec $NSB "$CTL" -c "$T/b/jrp.yaml" down >/dev/null 2>&1
	pkill -9 -f "$T/" 2>/dev/null
	ip netns del $NSA 2>/dev/null
	ip netns del $NSB 2>/dev/null
	[ "${JRP_FED_KEEP:-}" = 1 ] || rm -rf "$T"
}
trap cleanup EXIT

ip netns add $NSA && ip netns add $NSB && ip link add $VA type veth peer name $VB &&
	ip link set $VA netns $NSA && ip link set $VB netns $NSB &&
	ip -n $NSA addr add $AIP/24 dev $VA && ip -n $NSB addr add $BIP/24 dev $VB &&
	ip -n $NSA link set $VA up && ip -n $NSB link set $VB up && ip -n $NSA link set lo up && ip -n $NSB link set lo up ||
	{ echo "Bail out! cannot make the namespaces"; exit 1; }

# ---- the two engines ----
A() { ip netns exec $NSA "$CTL" -c "$T/a/jrp.yaml" --key "$T/a/keys/office.key" "$@"; }
B() { ip netns exec $NSB "$CTL" -c "$T/b/jrp.yaml" --key "$T/b/keys/office.key" "$@"; }
AX() { A --key "$T/a/keys/office.key" "$@"; }   # the office, over CURVE to its own tcp:// jrp-exchange
BX() { B --key "$T/b/keys/office.key" "$@"; }

setup() {   # setup DIR REGION MY_IP PEER PEER_IP
	local d=$T/$1
	mkdir -p "$d/keys"
	cp -r "$root/rules" "$d/rules"
	cp "$root/deploy/parties.yaml" "$d/parties.yaml"
	"$CTL" keys new exchange --dir "$d/keys" >/dev/null
	"$CTL" keys new office --dir "$d/keys" >/dev/null
	cat >"$d/jrp.yaml" <<-EOF
	data_dir: data
	run_dir: run
	rules: rules
	parties: parties.yaml
	keys_dir: keys
	test_clock: true
	map_size_mb: 16
	exchange:
	  region: $2
	  endpoint: tcp://$3:7410
	  peers:
	    - {region: $4, endpoint: "tcp://$5:7410"}
	EOF
}
setup a sh $AIP zj $BIP
setup b zj $BIP sh $AIP
register() {   # register DIR PARTY PUBKEY [ROLES]: the key (and a new party) in DIR's registry
	python3 - "$T/$1/parties.yaml" "$2" "$3" "${4:-}" <<'PY'
import sys
f, party, key, roles = sys.argv[1:5]
lines = open(f).read().split("\n")
for i, l in enumerate(lines):
	if l == "  - id: " + party:
		lines.insert(i + 1, '    pubkey: "%s"' % key)
		break
else:
	lines[-1:] = ["  - id: " + party, "    name: " + party, "    roles: [%s]" % roles, '    pubkey: "%s"' % key, ""]
open(f, "w").write("\n".join(lines))
PY
}
pub() { sed -n "s/^public: //p" "$T/$1/keys/$2.pub"; }
register a exchange "$(pub a exchange)"
register a office "$(pub a office)"
register a zj "$(pub b exchange)" peer
register b exchange "$(pub b exchange)"
register b office "$(pub b office)"
register b sh "$(pub a exchange)" peer
# sh shares its major tax violators with zj; zj's law binds the land office's measure to them too
sed -i 's/^    validity: 3y$/&\n    share: [zj]/' "$T/a/rules/standards.yaml"
awk '/^  - id: tax.major_violation$/{f=1} f&&/share: \[zj\]/{print; f=0; next} /share: \[zj\]/{next} {print}' \
	"$T/a/rules/standards.yaml" >"$T/a/rules/s.yaml" && mv "$T/a/rules/s.yaml" "$T/a/rules/standards.yaml"
sed -i '/^  - id: P-LAND-01$/,/^    domains:/s/^    domains: \[courts\]$/    domains: [courts, tax]/' "$T/b/rules/measures.yaml"
check "sh's catalogue shares tax.major_violation with zj, and only it" test "$(grep -c 'share: \[zj\]' "$T/a/rules/standards.yaml")" = 1

export JRP_EXCHANGE_REPORT_MS=300 JRP_PULL_RECHECK_MS=300
A up >"$T/a-up.log" 2>&1; ra=$?
B up >"$T/b-up.log" 2>&1; rb=$?
check "region sh's engine is up in its namespace (five daemons)" test $ra = 0
check "region zj's engine is up in its namespace" test $rb = 0
[ $ra = 0 ] && [ $rb = 0 ] || { cat "$T"/a-up.log "$T"/b-up.log "$T"/a/run/*.log | tail -40 | sed 's/^/# /'; echo "1..$n"; exit 1; }
check "each jrp-exchange listens only on its own address" \
	bash -c "ip netns exec $NSA ss -ltn | grep -q '$AIP:7410' && ! ip netns exec $NSB ss -ltn | grep -q '$AIP:7410'"
A clock set 2026-11-23T09:00:00+08:00 >/dev/null && B clock set 2026-11-23T09:00:00+08:00 >/dev/null

# wait_for WHAT SECONDS CMD...: until CMD succeeds
wait_for() {
	local what=$1 s=$2; shift 2
	local until=$((SECONDS + s))
	while ! "$@" >/dev/null 2>&1; do
		if [ $SECONDS -ge $until ]; then not_ok "$what (waited ${s}s)"; return 1; fi
		sleep 0.2
	done
	ok "$what"
}
jget() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }

CODE=91350100M000100Y43
say "1. sh's tax bureau black-lists the company (tax fraud, final, notified on 23 Nov)"
A --as tax_bureau submit --record-id SH-TAX-1 --kind penalty --domain tax --subject-type org --code $CODE \
	--name 示范科技有限公司 --decision-date 2026-11-20 --final yes --violation tax_fraud --amount 5000000 \
	--facts "骗取出口退税" --notice-date 2026-11-23 >/dev/null
A sync >/dev/null
ENTRY=$(A --as tax_bureau --json subject $CODE | jget 'd["entries"][0]["id"]' 2>/dev/null || echo 0)
check "sh has a proposed entry ($ENTRY)" test "$ENTRY" -gt 0

say "2. the link is cut before the entry takes effect; zj's jrp-exchange is SIGKILLed meanwhile"
ip -n $NSA link set $VA down
A clock set 2026-12-01T09:00:00+08:00 >/dev/null && B clock set 2026-12-01T09:00:00+08:00 >/dev/null
A sync >/dev/null
offered() { A --as office --json exchange status | grep -q '"offered": [1-9]'; }
wait_for "sh offers the effective entry to zj while the link is down (its stream for zj holds it)" 10 offered
pkill -9 -f "jrp-exchange -c $T/b/" ; sleep 0.3
B up >/dev/null 2>&1
zj_check() { B --as procurement_centre --json check $CODE --matter public_procurement; }
listed_in_zj() { zj_check | grep -q '"listed": true'; }
not_listed_in_zj() { ! listed_in_zj; }
check "nothing reached zj over the cut link" not_listed_in_zj
ip -n $NSA link set $VA up

say "3. the link is back: zj lists the foreign entry under its own law and pushes its own agencies' tasks"
from_sh() { zj_check | grep -q '"region": "sh"'; }
wait_for "zj's procurement centre finds the company listed, from region sh" 20 from_sh
B sync >/dev/null
LAND=$(B --as land_office --json tasks | jget 'len([t for t in d["tasks"] if t["action"]=="apply"])' 2>/dev/null || echo x)
PROC=$(B --as procurement_centre --json tasks | jget 'len([t for t in d["tasks"] if t["action"]=="apply"])' 2>/dev/null || echo x)
check "zj's land office has exactly one apply task (zj's law: P-LAND-01 binds tax violators there) [got $LAND]" test "$LAND" = 1
check "zj's procurement centre has exactly one apply task [got $PROC]" test "$PROC" = 1
B --as land_office --json tasks >"$T/land.json"
check "zj's task names the foreign origin: region sh, its entry, its department and standard" \
	bash -c "grep -q '\"region\": \"sh\"' $T/land.json && grep -q '\"entry\": $ENTRY' $T/land.json && grep -q 'tax.major_violation' $T/land.json && grep -q 'tax_bureau' $T/land.json"
TASK=$(jget 'd["tasks"][0]["seq"]' <"$T/land.json")
B --as land_office feedback "$TASK" applied --note "不予受理土地出让申请" >/dev/null
check "zj's land office feeds back on its task" test $? = 0

say "4. sh's jrp-exchange is SIGKILLed; the report of zj's feedback still reaches sh once it is back"
pkill -9 -f "jrp-exchange -c $T/a/" ; sleep 0.3
A up >/dev/null 2>&1
reported() { A --as office --json exchange reports | python3 -c 'import json,sys; r=json.load(sys.stdin)["reports"][0]["report"]["totals"]; sys.exit(0 if r["tasks"]>=2 and r["done"]==1 else 1)'; }
wait_for "sh's office sees zj's report: its tasks, 1 done" 20 reported

say "5. only the home region changes a foreign entry"
LOCAL=$(B --as office --json subject $CODE | jget 'd["entries"][0]["id"]' 2>/dev/null || echo 0)
B --as tax_bureau object "$LOCAL" --reason "不是我们的" >"$T/obj.out" 2>&1
check "zj's department cannot file an objection on sh's entry (forbidden)" grep -q forbidden "$T/obj.out"

say "6. the company objects at home; sh suspends, decides the objection was right, and revokes"
A --as tax_bureau object "$ENTRY" --reason "出口退税已依法补缴, 认定有误" >/dev/null
A sync >/dev/null
suspended_in_zj() { zj_check | grep -q '"suspended": true'; }
wait_for "zj sees the suspension: the check answers no measure while sh reviews" 20 suspended_in_zj
say "   (zj's jrp-exchange, ingest and adjudicate SIGKILLed and zj's side of the link down meanwhile; sh's dispatch too)"
pkill -9 -f "jrp-exchange -c $T/b/" ; ip -n $NSB link set $VB down
A --as tax_bureau decide-objection "$ENTRY" wrong --note "经复核认定错误" >/dev/null
pkill -9 -f "jrp-dispatch -c $T/a/"
A up >/dev/null 2>&1
A sync >/dev/null
B up >/dev/null 2>&1
ip -n $NSB link set $VB up
sleep 0.3
pkill -9 -f "jrp-ingest -c $T/b/"; pkill -9 -f "jrp-adjudicate -c $T/b/"
ip -n $NSB link set $VB down
sleep 0.5
B up >/dev/null 2>&1
ip -n $NSB link set $VB up
wait_for "zj's procurement centre no longer finds the company listed" 20 not_listed_in_zj
B sync >/dev/null
STOPL=$(B --as land_office --json tasks | jget 'len([t for t in d["tasks"] if t["action"]=="stop"])' 2>/dev/null || echo x)
STOPP=$(B --as procurement_centre --json tasks | jget 'len([t for t in d["tasks"] if t["action"]=="stop"])' 2>/dev/null || echo x)
check "zj's land office has exactly one stop task [got $STOPL]" test "$STOPL" = 1
check "zj's procurement centre has exactly one stop task [got $STOPP]" test "$STOPP" = 1

say "7. cross-region initiations: sh asks zj about two subjects zj has no entry on"
C1=91330100MA2B000192 C2=91330100MA2B00027W
AX --as office exchange initiate --to zj --subject $C1 --name 浙示范一有限公司 --list black --domain tax \
	--reason "在本地区骗取出口退税, 资产在贵地区" --facts "骗取出口退税 300 万元" >"$T/i1.out" 2>&1
check "sh initiates towards zj (1)" grep -q "initiation 1" "$T/i1.out"
AX --as office exchange initiate --to zj --subject $C2 --name 浙示范二有限公司 --list focus --domain tax \
	--reason "逃避追缴欠税" --facts "欠税 50 万元" >/dev/null 2>&1
AX --as office exchange initiate --to nowhere --subject $C2 --name x --list black --domain tax --reason r --facts f >"$T/i3.out" 2>&1
check "an initiation to a region that is no peer is refused, naming the field" grep -q "unknown_party\|not a peer" "$T/i3.out"
two_pending() { test "$(B --as office --json exchange initiations received | grep -c '"decision": "pending"')" = 2; }
wait_for "zj's office sees both initiations pending" 20 two_pending
BX --as office exchange decide sh 1 accepted --reason "资产在本地区, 依本地区标准认定" --standard tax.major_violation >"$T/d1.out" 2>&1
check "zj accepts initiation 1 under its own standard" grep -q "accepted" "$T/d1.out"
BX --as office exchange decide sh 2 refused --reason "欠税未达本地区认定标准" >/dev/null 2>&1
BX --as office exchange decide sh 2 accepted --reason x --standard tax.major_violation >"$T/d3.out" 2>&1
check "an initiation is decided once (conflict)" grep -q "conflict" "$T/d3.out"
B sync >/dev/null
c1_recorded() { B --as office --json subject $C1 | grep -q '"record_id": "x-sh-1"'; }
wait_for "zj's ingest has the determination x-sh-1: its own process starts (tax.major_violation waits for finality there)" 20 c1_recorded
replies_seen() { local o; o=$(A --as office --json exchange initiations sent); grep -q '"decision": "accepted"' <<<"$o" && grep -q '欠税未达本地区认定标准' <<<"$o"; }
sent_kept() { local o; o=$(A --as office --json exchange initiations sent); grep -q '"list": "black"' <<<"$o" && grep -q '"list": "focus"' <<<"$o"; }
wait_for "sh's office sees zj's replies: accepted and refused, with the reasons" 20 replies_seen
check "and each initiation as it sent it (black and focus: its list read back from the store with the reply)" sent_kept

say "8. exactly once, on both sides"
AX --as office --json exchange sent >"$T/a-sent.json"
BX --as office --json exchange received >"$T/b-recv.json"
BX --as office --json exchange status >"$T/b-status.json"
AX --as office --json exchange status >"$T/a-status.json"
SHARED=$(jget 'len([r for r in d["records"] if r["record"]["kind"]=="shared"])' <"$T/a-sent.json")
RECV=$(jget 'len([r for r in d["records"] if r["record"]["kind"]=="shared"])' <"$T/b-recv.json")
check "sh sent each change of the entry once (effective, suspended, revoked: 3) [got $SHARED]" test "$SHARED" = 3
check "zj received exactly those 3 [got $RECV]" test "$RECV" = 3
STREAM=$(A --as office --json exchange sent --region zj | jget '[r["n"] for r in d["records"]]')
check "sh's stream for zj, read by its index: 3 shared and 2 initiations, seq 1..5 without a gap [got $STREAM]" \
	test "$STREAM" = "[1, 2, 3, 4, 5]"
check "zj's forward queue is empty and nothing was refused" \
	test "$(jget 'd["forward"]["queued"] + d["forward"]["refused"]' <"$T/b-status.json")" = 0
FOREIGN=$(B --as office --json subject $CODE | jget 'len(d["entries"])' 2>/dev/null || echo x)
check "zj holds exactly one entry for the company (sh's, revoked) [got $FOREIGN]" test "$FOREIGN" = 1
RECS=$(B --as office --json subject $CODE | jget 'len(d["records"])' 2>/dev/null || echo x)
check "zj's ingest holds exactly 3 foreign records for it [got $RECS]" test "$RECS" = 3
B --as office --json stats >"$T/b-stats.json"
check "zj's statistics count the foreign entry by region sh" grep -q '"sh"' "$T/b-stats.json"
B --as office --json exchange rejected sh >"$T/b-rej.json" 2>&1
check "zj's list of sh's records it could not apply is empty (pending 0)" grep -q '"pending": 0' "$T/b-rej.json"
B --as office exchange rejected nowhere >"$T/b-rej2.out" 2>&1
check "a region it does not pull is refused on field region" grep -q "unknown_party.*region" "$T/b-rej2.out"
check "no peer pull is stopped, nothing rejected" \
	bash -c "! grep -q '\"stopped\"' $T/a-status.json $T/b-status.json && ! grep -q '\"rejected\": [1-9]' $T/a-status.json $T/b-status.json"

A down >/dev/null 2>&1; B down >/dev/null 2>&1
check "every daemon of both engines stopped cleanly, no sanitizer report in their logs" \
	bash -c "! grep -l 'Sanitizer\|runtime error' $T/a/run/*.log $T/b/run/*.log"

echo "1..$n"
[ $fail = 0 ]
