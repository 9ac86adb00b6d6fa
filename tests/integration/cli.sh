#!/usr/bin/env bash
# tests/integration/cli.sh JRPCTL SOURCE_ROOT [DAEMON...] - jrpctl as people use it, on a real local
# deployment (jrpctl up/down, ipc://, a temporary data dir): the entry commands, the credit
# record, publication, and errors printed as "refused [code] field: message" with exit 1.
# DOMAIN.md Life of an entry 1, 4, 9, 10 [001 §(二)2, §(五)7, §(二)3, §(一)4]. Prints TAP.
# Issue 13 item 5: every command's --help (and help COMMAND) on stdout with exit 0 and no
# configuration; --version of jrpctl and of the DAEMONs (their -h/--help too); human output in
# Chinese under LANG=zh_CN.UTF-8 and in English under LANG=C; --json of every command is JSON.
set -u
J0=$1; root=$2; shift 2; daemons=("$@")
export LC_ALL= LC_MESSAGES= LANG=C.UTF-8   # English unless a test says otherwise
dir=$(mktemp -d /tmp/jrp-cli-XXXXXX)
cat > "$dir/jrp.yaml" <<YAML
data_dir: data
run_dir: run
rules: $root/rules
parties: $root/deploy/parties.yaml
test_clock: true
map_size_mb: 8
YAML
J="$J0 -c $dir/jrp.yaml"
n=0; failed=0
t() {   # t NAME COMMAND... : ok if the command succeeds
  local name=$1; shift; n=$((n + 1))
  if out=$("$@" 2>&1); then echo "ok $n - $name"; else echo "not ok $n - $name"; echo "$out" | sed 's/^/# /'; failed=$((failed + 1)); fi
}
has() { grep -q -- "$1" <<<"$out"; }
fail() { echo "not ok $n - $1"; echo "$out" | sed 's/^/# /'; failed=$((failed + 1)); }
pass() { echo "ok $n - $1"; }
# isjson: $out is one JSON document (Debian's python3; json.tool refuses two documents or none)
isjson() { /usr/bin/python3 -m json.tool >/dev/null 2>&1 <<<"$out"; }
# jt NAME ARGS...: jrpctl --json ARGS prints one JSON document (whatever its exit status: an error too)
jt() {
  local name=$1; shift; n=$((n + 1))
  out=$($J --json "$@" 2>/dev/null)
  if isjson; then pass "--json $name is JSON"; else fail "--json $name is not one JSON document"; fi
}
trap '$J down >/dev/null 2>&1; rm -rf "$dir"' EXIT

# ---- help and version: no configuration needed (-c names a file that does not exist) ----
Jn="$J0 -c $dir/none.yaml"
out=$($Jn --help 2>&1); rc=$?
n=$((n + 1)); if [ $rc -eq 0 ] && has "^usage: jrpctl " && has "^operator:" && has "  keys new NAME"; then pass "jrpctl --help lists the commands, exit 0"; else fail "jrpctl --help (rc $rc)"; fi
out=$($Jn --json help 2>/dev/null)
cmds=$(/usr/bin/python3 -c 'import json,sys; [print(c["command"]) for c in json.load(sys.stdin)["commands"]]' <<<"$out")
n=$((n + 1)); if [ "$(wc -l <<<"$cmds")" -ge 35 ] && grep -qx "rules check" <<<"$cmds" && grep -qx submit <<<"$cmds"; then pass "--json help: the table of $(wc -l <<<"$cmds") commands"; else fail "--json help"; fi
bad=""
while read -r c; do
  # shellcheck disable=SC2086
  syn=$(/usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["synopsis"][0])' < <($Jn --json help $c 2>/dev/null))
  for form in "$c --help" "help $c"; do
    # shellcheck disable=SC2086
    o=$($Jn $form 2>/tmp/jrp-cli-err.$$); rc=$?
    if [ $rc -ne 0 ] || [ -s /tmp/jrp-cli-err.$$ ] || ! grep -qF -- "usage: jrpctl $syn" <<<"$o" || ! grep -q "^options:$\|^global options" <<<"$o"; then
      bad="$bad [$form: rc $rc]"
    fi
  done
done <<<"$cmds"
rm -f /tmp/jrp-cli-err.$$
out=$bad
n=$((n + 1)); if [ -z "$bad" ]; then pass "every command's --help and help COMMAND: its synopsis on stdout, exit 0"; else fail "--help of:$bad"; fi
out=$($Jn rules diff DIR --help 2>&1); rc=$?
n=$((n + 1)); if [ $rc -eq 0 ] && has "usage: jrpctl rules diff DIR" && ! has "rules reload"; then pass "--help after a command's arguments: that command"; else fail "rules diff DIR --help (rc $rc)"; fi
out=$($Jn rules --help 2>&1); rc=$?
n=$((n + 1)); if [ $rc -eq 0 ] && has "jrpctl rules check" && has "jrpctl rules diff" && has "jrpctl rules reload"; then pass "rules --help: every rules command"; else fail "rules --help (rc $rc)"; fi
out=$($Jn nosuch --help 2>&1); rc=$?
n=$((n + 1)); if [ $rc -eq 2 ] && has 'unknown command "nosuch"'; then pass "--help of an unknown command: exit 2"; else fail "nosuch --help (rc $rc)"; fi
out=$(LANG=zh_CN.UTF-8 $Jn check --help 2>&1); rc=$?
n=$((n + 1)); if [ $rc -eq 0 ] && has "^用法: jrpctl check CODE --matter KIND" && has "逢办必查" && has "^选项:"; then pass "check --help in Chinese under LANG=zh_CN.UTF-8"; else fail "check --help zh (rc $rc)"; fi
version=$(sed -n "s/^ *version : '\(.*\)',\$/\1/p" "$root/meson.build")   # meson's project version
out=$($Jn --version 2>&1); rc=$?
n=$((n + 1)); if [ $rc -eq 0 ] && [ "$out" = "jrpctl (jrp) $version" ]; then pass "jrpctl --version"; else fail "jrpctl --version (rc $rc)"; fi
out=$($Jn --json --version 2>&1)
n=$((n + 1)); if isjson && has "\"version\": \"$version\""; then pass "jrpctl --json --version is JSON"; else fail "--json --version"; fi
for d in "${daemons[@]}"; do
  name=$(basename "$d")
  out=$("$d" --version 2>&1); rc=$?
  n=$((n + 1)); if [ $rc -eq 0 ] && [ "$out" = "$name (jrp) $version" ]; then pass "$name --version"; else fail "$name --version (rc $rc)"; fi
  for h in -h --help; do
    out=$("$d" $h 2>/dev/null); rc=$?
    n=$((n + 1)); if [ $rc -eq 0 ] && has "^usage: $name \[-c CONFIG\]" && has -- "-n  "; then pass "$name $h: usage and options on stdout, exit 0"; else fail "$name $h (rc $rc)"; fi
  done
  out=$("$d" --bogus 2>&1 >/dev/null); rc=$?
  n=$((n + 1)); if [ $rc -eq 2 ] && has "^usage: $name"; then pass "$name: a usage error on stderr, exit 2"; else fail "$name --bogus (rc $rc)"; fi
done
out=$(LANG=zh_CN.UTF-8 "${daemons[0]}" --help 2>&1)
n=$((n + 1)); if has "^用法: jrp-ingest" && has "守护进程"; then pass "a daemon's help in Chinese"; else fail "daemon help zh"; fi

t "up starts the four daemons" $J up
jt "up (all running already)" up
t "clock set" $J clock set 2026-09-25T09:00:00+08:00
jt "clock set" clock set 2026-09-25T09:00:00+08:00
P=11010519491231002X
t "a court judgment against a person" $J --as court submit --record-id CT-1 --kind judgment --domain courts \
  --subject-type person --code $P --name 张三丰 --decision-date 2026-09-20 --violation evade_execution
t "sync" $J sync
jt sync sync
jt tasks --as court tasks --after 0
jt status status
out=$(LANG=zh_CN.UTF-8 $J status 2>&1)
n=$((n + 1)); if has "^jrp-ingest .* 运行 进程号 " && has "  空间: 已用 " && ! has "MiB used of"; then pass "status in Chinese under LANG=zh_CN.UTF-8"; else fail "status zh"; fi
out=$(LC_ALL=C LANG=zh_CN.UTF-8 $J status 2>&1)
n=$((n + 1)); if has "^jrp-ingest .* up   pid " && has "MiB used of"; then pass "status in English when LC_ALL=C overrides LANG"; else fail "status LC_ALL=C"; fi
out=$($J --as court tasks 2>&1)
n=$((n + 1)); if has "DUTY notice"; then echo "ok $n - the court's stream has the notice duty"; else echo "not ok $n - notice duty"; echo "$out" | sed 's/^/# /'; failed=$((failed+1)); fi
entry=$($J --as court --json subject $P | sed -n 's/^ *"id": \([0-9]*\),*$/\1/p' | head -1)
n=$((n + 1)); if [ -n "$entry" ]; then echo "ok $n - subject --json names the entry ($entry)"; else echo "not ok $n - no entry id"; failed=$((failed+1)); fi
t "clock to the notice day" $J clock set 2026-09-28T09:00:00+08:00
jt notice --as court notice "$entry" 2026-09-28
out=$($J --as tax_bureau notice "$entry" 2026-09-28 2>&1); rc=$?
n=$((n + 1)); if [ $rc -eq 1 ] && has "refused \[forbidden\] party"; then echo "ok $n - another department is refused, exit 1"; else echo "not ok $n - wrong refusal (rc $rc)"; echo "$out" | sed 's/^/# /'; failed=$((failed+1)); fi
out=$(LANG=zh_CN.UTF-8 $J --as tax_bureau notice "$entry" 2026-09-28 2>&1); rc=$?
n=$((n + 1)); if [ $rc -eq 1 ] && has "jrpctl: 被拒绝 \[forbidden\] party: "; then pass "the refusal in Chinese keeps its code and field"; else fail "refusal zh (rc $rc)"; fi
jt "an error reply" --as tax_bureau notice "$entry" 2026-09-28
t "clock past the window (10 working days across the National Day holiday)" $J clock set 2026-10-17T09:00:00+08:00
t "sync" $J sync
out=$($J --as court subject $P 2>&1)
n=$((n + 1)); if has "state effective" && has "notified" && has "1 record reported"; then echo "ok $n - subject shows records, history, tasks"; else echo "not ok $n - subject"; echo "$out" | sed 's/^/# /'; failed=$((failed+1)); fi
# issue 14: the subject's record as it was at a past instant (before the court's record came: nothing)
out=$($J --as court subject $P --as-of 2026-09-21 2>&1)
n=$((n + 1)); if has "^as it was at 2026-09-21T00:00:00+08:00" && has "0 records reported" && ! has "state effective"; then pass "subject --as-of before the record: nothing yet"; else fail "subject --as-of"; fi
# DOMAIN.md "Subjects and codes": a mistyped code is refused by the lookups too, never "no record"
out=$($J --as court subject 11010519491231002Y 2>&1); rc=$?
n=$((n + 1)); if [ $rc -eq 1 ] && has "refused \[bad_code\] subject"; then pass "subject with a wrong check character: refused [bad_code] subject, exit 1"; else fail "subject bad code (rc $rc)"; fi
out=$(LANG=zh_CN.UTF-8 $J --as court subject $P 2>&1)
n=$((n + 1)); if has "状态 effective" && has "主体 $P: 报送记录 1 条" && has "关于 $P 推送的任务"; then pass "subject in Chinese (the protocol's state names kept)"; else fail "subject zh"; fi
jt subject --as court subject $P
jt history --as court history "$entry"
jt "object" --as office object "$entry" --reason "主体称已履行"
jt "decide-objection" --as court decide-objection "$entry" upheld --note 核实未履行
jt publication publication
out=$($J publication 2>&1)
n=$((n + 1)); if has "张\*\*" && ! has "张三丰" && ! has "$P"; then echo "ok $n - publication masks the person"; else echo "not ok $n - publication"; echo "$out" | sed 's/^/# /'; failed=$((failed+1)); fi
# the bulk loader: a JSON-lines file through the real ingest path, pipelined; a bad line is
# reported with its number and the rest are committed; a second run finds them all duplicates
for i in $(seq 0 49); do
  printf '{"record_id":"BULK-%02d","kind":"penalty","domain":"tax","subject":{"type":"org","code":"91350100M000100Y43","name":"示范科技有限公司"},"decision_date":"2026-09-20","violation":"minor","amount":%d}\n' "$i" "$i"
done > "$dir/bulk.jsonl"
sed -i '7s/"amount":6/"amount":"six"/' "$dir/bulk.jsonl"
out=$($J --as tax_bureau submit --lines "$dir/bulk.jsonl" 2>&1); rc=$?
n=$((n + 1)); if [ $rc -eq 1 ] && has "49 records committed" && has "line 7 refused \[wrong_type\] record.amount"; then echo "ok $n - bulk loader: 49 committed, line 7 named"; else echo "not ok $n - bulk loader (rc $rc)"; echo "$out" | sed 's/^/# /'; failed=$((failed+1)); fi
out=$($J --as tax_bureau submit --lines "$dir/bulk.jsonl" 2>&1)
n=$((n + 1)); if has "49 records committed (49 of them already accepted before)"; then echo "ok $n - bulk loader again: all duplicates"; else echo "not ok $n - bulk rerun"; echo "$out" | sed 's/^/# /'; failed=$((failed+1)); fi
out=$(LANG=zh_CN.UTF-8 $J --as tax_bureau submit --lines "$dir/bulk.jsonl" 2>&1)
n=$((n + 1)); if has "已提交 49 条记录(其中 49 条此前已受理), 被拒绝 1 条" && has "第 7 行被拒绝 \[wrong_type\] record.amount: "; then pass "bulk loader in Chinese: summary and refusal"; else fail "bulk zh"; fi
out=$($J --json --as tax_bureau submit --lines "$dir/bulk.jsonl" 2>/dev/null); rc=$?
n=$((n + 1)); if [ $rc -eq 1 ] && isjson && [ "$(/usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); r=d["refusals"][0]; print(d["accepted"], d["duplicates"], d["refused"], r["line"], r["code"], r["field"])' <<<"$out")" = "0 49 1 7 wrong_type record.amount" ]; then pass "submit --lines --json: one object with the counts and each refusal's line, code, field"; else fail "submit --lines --json (rc $rc)"; fi
# issue 10 item 2: a serious standard notifies every subject first; a record can say it was done
# (--notice-date), and the entry then waits only for the company's 5 days to state its case
t "a tax penalty that says the company was notified" $J --as tax_bureau submit --record-id TX-N-1 --kind penalty \
  --domain tax --subject-type org --code 91350100M000100Y43 --name 示范科技有限公司 --decision-date 2026-10-15 \
  --violation tax_fraud --amount 5000000 --final yes --notice-date 2026-10-16
t "sync" $J sync
jt "submit (flags)" --as tax_bureau submit --record-id TX-N-1 --kind penalty --domain tax --subject-type org \
  --code 91350100M000100Y43 --name 示范科技有限公司 --decision-date 2026-10-15 --violation tax_fraud --amount 5000000 \
  --final yes --notice-date 2026-10-16
out=$($J --as tax_bureau subject 91350100M000100Y43 2>&1)
n=$((n + 1)); if has "the period to state its case ends 2026-10-21" && has "subject notified on 2026-10-16"; then echo "ok $n - the record's notice starts the 5 days"; else echo "not ok $n - notice in the record"; echo "$out" | sed 's/^/# /'; failed=$((failed+1)); fi
out=$($J --as tax_bureau submit --record-id TX-N-2 --kind penalty --domain tax --subject-type org \
  --code 91350100M000100Y43 --name x --decision-date 2026-10-15 --notice-linked 2>&1); rc=$?
n=$((n + 1)); if [ $rc -eq 2 ] && has "needs --notice-date"; then echo "ok $n - --notice-linked alone is a usage error"; else echo "not ok $n - --notice-linked (rc $rc)"; echo "$out" | sed 's/^/# /'; failed=$((failed+1)); fi
out=$($J --as tax_bureau submit --record-id TX-N-3 --kind penalty --domain tax --subject-type org \
  --code 91350100M000100Y43 --name x --decision-date 2026-10-15 --final maybe 2>&1); rc=$?
n=$((n + 1)); if [ $rc -eq 2 ] && has "yes or no"; then echo "ok $n - --final is yes or no"; else echo "not ok $n - --final (rc $rc)"; echo "$out" | sed 's/^/# /'; failed=$((failed+1)); fi
# issue 10 item 6: rules diff against the live state; the catalogue in force changes nothing
out=$($J --as office rules diff "$root/rules" 2>&1); rc=$?
n=$((n + 1)); if [ $rc -eq 0 ] && has "0 entries would exit" && has "0 tasks would be pushed (apply) and 0 stopped"; then echo "ok $n - rules diff of the catalogue in force: nothing"; else echo "not ok $n - rules diff (rc $rc)"; echo "$out" | sed 's/^/# /'; failed=$((failed+1)); fi
jt "rules diff" --as office rules diff "$root/rules"
jt "rules reload (refused: the same version)" --as office rules reload
jt "parties reload" --as office parties reload
# issue 11: credit commitments. [001 §(三)2] 容缺受理: the approval bureau accepts a matter with papers
# missing on a written promise to supply them by a date; past it the commitment is overdue; a broken
# promise is a credit record of the company; jrpctl commitments shows them, jrpctl stats counts them
t "a commitment (容缺受理)" $J --as approval_bureau submit --record-id CM-1 --kind commitment --domain market \
  --subject-type org --code 91350100M000100Y43 --name 示范科技有限公司 --decision-date 2026-10-16 \
  --commitment missing_papers --matter licence --due 2026-10-30 --content 承诺于2026年10月30日前补交消防验收合格证明
jt commitments --as approval_bureau commitments
out=$($J --as approval_bureau commitments 2>&1)
n=$((n + 1)); if has "1 open, 0 overdue" && has "CM-1" && has "容缺受理 in 行政许可和资质审核" && has "补交消防验收合格证明"; then echo "ok $n - commitments lists it open"; else echo "not ok $n - commitments"; echo "$out" | sed 's/^/# /'; failed=$((failed+1)); fi
out=$($J --as approval_bureau submit --record-id CM-2 --kind licence --domain market --subject-type org \
  --code 91350100M000100Y43 --name x --decision-date 2026-10-15 --matter licence 2>&1); rc=$?
n=$((n + 1)); if [ $rc -eq 2 ] && has "describe a --commitment"; then echo "ok $n - --matter alone is a usage error"; else echo "not ok $n - --matter (rc $rc)"; echo "$out" | sed 's/^/# /'; failed=$((failed+1)); fi
t "clock past the due date" $J clock set 2026-11-02T09:00:00+08:00
t "sync" $J sync
out=$($J --as office commitments --state overdue 2>&1)
n=$((n + 1)); if has "0 open, 1 overdue" && has "overdue  2026-10-30 approval_bureau"; then echo "ok $n - the office sees it overdue"; else echo "not ok $n - overdue commitments"; echo "$out" | sed 's/^/# /'; failed=$((failed+1)); fi
t "the promise broken" $J --as approval_bureau submit --record-id CM-1-R --kind commitment_broken --domain market \
  --subject-type org --code 91350100M000100Y43 --name 示范科技有限公司 --decision-date 2026-11-02 \
  --refers-to CM-1 --violation papers_not_supplied
out=$($J --as approval_bureau submit --record-id CM-1-R2 --kind commitment_kept --domain market --subject-type org \
  --code 91350100M000100Y43 --name 示范科技有限公司 --decision-date 2026-11-02 --refers-to CM-1 2>&1); rc=$?
n=$((n + 1)); if [ $rc -eq 1 ] && has "refused \[conflict\] record.refers_to" && has "broken on 2026-11-02"; then echo "ok $n - a second result is refused"; else echo "not ok $n - second result (rc $rc)"; echo "$out" | sed 's/^/# /'; failed=$((failed+1)); fi
out=$($J --as office stats 2>&1)
n=$((n + 1)); if has "credit commitments: 1 made, 0 kept, 1 broken; 0 open, 0 overdue now"; then echo "ok $n - stats count commitments"; else echo "not ok $n - stats commitments"; echo "$out" | sed 's/^/# /'; failed=$((failed+1)); fi
out=$(LANG=zh_CN.UTF-8 $J --as office stats 2>&1)
n=$((n + 1)); if has "守信联合激励和失信联合惩戒 —— 统计, 截至 " && has "信用承诺: 作出 1, 履行 0, 违背 1" && has "^  实施部门  *实施  *停止"; then pass "stats in Chinese: headings and labels"; else fail "stats zh"; fi
jt stats --as office stats
jt overdue --as office overdue
out=$(LANG=zh_CN.UTF-8 $J --as office overdue 2>&1)
n=$((n + 1)); if has "^逾期 [0-9]* 项"; then pass "overdue in Chinese"; else fail "overdue zh"; fi
jt check --as procurement_centre check 91350100M000100Y43 --matter public_procurement
out=$(LANG=zh_CN.UTF-8 $J --as procurement_centre check 91350100M000100Y43 --matter public_procurement 2>&1)
n=$((n + 1)); if has "核查已留痕为 " && ! has "check recorded as"; then pass "check in Chinese"; else fail "check zh"; fi
out=$(LANG=C $J --as procurement_centre check 91350100M000100Y43 --matter public_procurement 2>&1)
n=$((n + 1)); if has "check recorded as " && ! has "核查已留痕"; then pass "check in English under LANG=C"; else fail "check C"; fi
jt "ack" --as procurement_centre ack 0
task=$($J --as procurement_centre --json tasks --after 0 | sed -n 's/^ *"task": \([0-9]*\),*$/\1/p' | head -1)
jt "feedback" --as procurement_centre feedback "${task:-0}" applied --date 2026-11-02
n=$((n + 1)); if [ -n "$task" ] && has '^  "ok": true'; then pass "feedback on task $task recorded"; else fail "feedback (task '$task')"; fi
printf '{"v": 1, "type": "ping", "id": 1}\n' > "$dir/ping.json"
jt "call" call ingest "$dir/ping.json"
jt "audit" --as office audit --subject 91350100M000100Y43
jt "rejected list" rejected list
jt "backup" backup "$dir/backup"
# stats --daily: feedback's stats.daily as a table, a row a day from --from to --to and the totals
out=$($J --as office stats --daily --from 2026-09-25 --to 2026-11-02 2>&1)
n=$((n + 1)); if has "^  2026-09-25 " && has "^  2026-11-02 " && has "^  total " && [ "$(grep -c '^  2026-' <<<"$out")" = 39 ]; then echo "ok $n - stats --daily: 39 days and the totals"; else echo "not ok $n - stats --daily"; echo "$out" | sed 's/^/# /'; failed=$((failed+1)); fi
out=$($J --as office --json stats --daily --from 2026-10-17 --to 2026-10-17 2>&1)
n=$((n + 1)); if has '"date": "2026-10-17"' && has '"objections_filed": 1'; then echo "ok $n - stats --daily --json: the day of the objection"; else echo "not ok $n - stats --daily --json"; echo "$out" | sed 's/^/# /'; failed=$((failed+1)); fi
out=$($J --as office stats --daily --to 2026-11-02 2>&1); rc=$?
n=$((n + 1)); if [ $rc -eq 2 ] && has "needs both --from and --to"; then echo "ok $n - stats --daily without --from is a usage error"; else echo "not ok $n - stats --daily usage (rc $rc)"; echo "$out" | sed 's/^/# /'; failed=$((failed+1)); fi
out=$($J --as office stats --daily --from 2025-11-01 --to 2026-11-02 2>&1); rc=$?
n=$((n + 1)); if [ $rc -eq 1 ] && has "refused \[bad_value\] to: the period is 367 days long; at most 366"; then echo "ok $n - stats --daily over 366 days is refused"; else echo "not ok $n - stats --daily 367 days (rc $rc)"; echo "$out" | sed 's/^/# /'; failed=$((failed+1)); fi
out=$($J --as office subject 91350100M000100Y43 2>&1)
n=$((n + 1)); if has "commitment CM-1 by" && has "commitment CM-1 broken on 2026-11-02"; then echo "ok $n - the subject's credit record shows both"; else echo "not ok $n - subject commitments"; echo "$out" | sed 's/^/# /'; failed=$((failed+1)); fi
out=$($J status 2>&1)
n=$((n + 1)); if has "space: " && has "MiB used of" && has "log [0-9][0-9]*\.\." && has "log events: .* in the store" && has "disk: .* MiB free for its data"; then echo "ok $n - status shows space used against the map's maximum and the disk, each log's oldest seq and what it keeps"; else echo "not ok $n - status space"; echo "$out" | sed 's/^/# /'; failed=$((failed+1)); fi
t "down stops the four daemons" $J down
jt "down (none running)" down
jt "restore" restore "$dir/backup"
jt "rules check" rules check "$root/rules"
jt "rules check (an error)" rules check "$dir/nonexistent"
jt "parties check" parties check
jt "config check" config check
jt "keys new" keys new cli_test --dir "$dir/keys"
jt "status (every daemon down)" status

# issue 11: rules check validates what the national texts needed the catalogue to say
t "rules check: the shipped catalogue" $J rules check "$root/rules"
rc_dir=$(mktemp -d /tmp/jrp-rules-XXXXXX); cp -r "$root/rules/." "$rc_dir/"
sed -i '0,/^    validity: 3y/s//    validity: none/' "$rc_dir/standards.yaml"
out=$($J rules check "$rc_dir" 2>&1); rc=$?
n=$((n + 1)); if [ $rc -ne 0 ] && has "standards.yaml:" && has "none (no fixed term) needs the law that says so in validity_basis"; then echo "ok $n - rules check refuses validity none without its law"; else echo "not ok $n - rules check validity none (rc $rc)"; echo "$out" | sed 's/^/# /'; failed=$((failed+1)); fi
cp "$root/rules/standards.yaml" "$rc_dir/standards.yaml"
sed -i '0,/^    repair_min: 1y/s//    repair_min: 6m/' "$rc_dir/standards.yaml"
out=$($J rules check "$rc_dir" 2>&1); rc=$?
n=$((n + 1)); if [ $rc -ne 0 ] && has "shorter than the serious tier's minimum 1y before repair"; then echo "ok $n - rules check refuses a repair minimum below the tier"; else echo "not ok $n - rules check repair_min (rc $rc)"; echo "$out" | sed 's/^/# /'; failed=$((failed+1)); fi
cp "$root/rules/standards.yaml" "$rc_dir/standards.yaml"
sed -i 's/publish: { period: 1y, min: 3m, max: 3y }/publish: { period: 5y, min: 3m, max: 3y }/' "$rc_dir/catalog.yaml"
out=$($J rules check "$rc_dir" 2>&1); rc=$?
n=$((n + 1)); if [ $rc -ne 0 ] && has "catalog.yaml:" && has "needs 0 < min <= period <= max"; then echo "ok $n - rules check refuses a publication period outside its range"; else echo "not ok $n - rules check publish (rc $rc)"; echo "$out" | sed 's/^/# /'; failed=$((failed+1)); fi
rm -rf "$rc_dir"
# issue 12 item 5: the parties registry checked offline
t "parties check: the shipped registry" $J parties check
rc_dir=$(mktemp -d /tmp/jrp-parties-XXXXXX)
sed 's/^  - id: procurement_centre$/  - id: procurement_centre_gone/' "$root/deploy/parties.yaml" > "$rc_dir/parties.yaml"
out=$($J parties check "$rc_dir/parties.yaml" 2>&1); rc=$?
n=$((n + 1)); if [ $rc -ne 0 ] && has "P-GP-01" && has "procurement_centre"; then echo "ok $n - parties check refuses a registry that drops an agency the catalogue names"; else echo "not ok $n - parties check (rc $rc)"; echo "$out" | sed 's/^/# /'; failed=$((failed+1)); fi
rm -rf "$rc_dir"
echo "1..$n"
exit $((failed > 0))
