#!/usr/bin/env bash
# tests/integration/cli.sh JRPCTL SOURCE_ROOT - jrpctl as people use it, on a real local
# deployment (jrpctl up/down, ipc://, a temporary data dir): the entry commands, the credit
# record, publication, and errors printed as "refused [code] field: message" with exit 1.
# DOMAIN.md Life of an entry 1, 4, 9, 10 [001 §(二)2, §(五)7, §(二)3, §(一)4]. Prints TAP.
set -u
J0=$1; root=$2
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
trap '$J down >/dev/null 2>&1; rm -rf "$dir"' EXIT

t "up starts the four daemons" $J up
t "clock set" $J clock set 2026-09-25T09:00:00+08:00
P=11010519491231002X
t "a court judgment against a person" $J --as court submit --record-id CT-1 --kind judgment --domain courts \
  --subject-type person --code $P --name 张三丰 --decision-date 2026-09-20 --violation evade_execution
t "sync" $J sync
out=$($J --as court tasks 2>&1)
n=$((n + 1)); if has "DUTY notice"; then echo "ok $n - the court's stream has the notice duty"; else echo "not ok $n - notice duty"; echo "$out" | sed 's/^/# /'; failed=$((failed+1)); fi
entry=$($J --as court --json subject $P | sed -n 's/^ *"id": \([0-9]*\),*$/\1/p' | head -1)
n=$((n + 1)); if [ -n "$entry" ]; then echo "ok $n - subject --json names the entry ($entry)"; else echo "not ok $n - no entry id"; failed=$((failed+1)); fi
t "clock to the notice day" $J clock set 2026-09-28T09:00:00+08:00
t "notice" $J --as court notice "$entry" 2026-09-28
out=$($J --as tax_bureau notice "$entry" 2026-09-28 2>&1); rc=$?
n=$((n + 1)); if [ $rc -eq 1 ] && has "refused \[forbidden\] party"; then echo "ok $n - another department is refused, exit 1"; else echo "not ok $n - wrong refusal (rc $rc)"; echo "$out" | sed 's/^/# /'; failed=$((failed+1)); fi
t "clock past the window (10 working days across the National Day holiday)" $J clock set 2026-10-17T09:00:00+08:00
t "sync" $J sync
out=$($J --as court subject $P 2>&1)
n=$((n + 1)); if has "state effective" && has "notified" && has "1 record reported"; then echo "ok $n - subject shows records, history, tasks"; else echo "not ok $n - subject"; echo "$out" | sed 's/^/# /'; failed=$((failed+1)); fi
t "an objection" $J --as office object "$entry" --reason "主体称已履行"
t "upheld" $J --as court decide-objection "$entry" upheld --note 核实未履行
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
# issue 10 item 2: a serious standard notifies every subject first; a record can say it was done
# (--notice-date), and the entry then waits only for the company's 5 days to state its case
t "a tax penalty that says the company was notified" $J --as tax_bureau submit --record-id TX-N-1 --kind penalty \
  --domain tax --subject-type org --code 91350100M000100Y43 --name 示范科技有限公司 --decision-date 2026-10-15 \
  --violation tax_fraud --amount 5000000 --final yes --notice-date 2026-10-16
t "sync" $J sync
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
# issue 11: credit commitments. [001 §(三)2] 容缺受理: the approval bureau accepts a matter with papers
# missing on a written promise to supply them by a date; past it the commitment is overdue; a broken
# promise is a credit record of the company; jrpctl commitments shows them, jrpctl stats counts them
t "a commitment (容缺受理)" $J --as approval_bureau submit --record-id CM-1 --kind commitment --domain market \
  --subject-type org --code 91350100M000100Y43 --name 示范科技有限公司 --decision-date 2026-10-16 \
  --commitment missing_papers --matter licence --due 2026-10-30 --content 承诺于2026年10月30日前补交消防验收合格证明
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
