#!/usr/bin/env bash
# tests/integration/csv.sh JRPCTL SOURCE_ROOT - jrpctl submit --csv on a real local deployment
# (jrpctl up/down, ipc://, a temporary data dir): a clerk's spreadsheet of penalties in the
# 双公示 layout, Chinese headers, good and bad rows. DOMAIN.md "Commitments and 双公示"
# [001 §(一)4] (严格落实行政许可、行政处罚作出行政决定之日起7个工作日内上网公示: departments
# report every licence and penalty, and it is published) and "Credit records" (what a penalty
# record carries; a code that fails its check is rejected with the field and why, nothing else is
# stored). The good rows are stored and answer as duplicates when the file comes again, in UTF-8
# or GB18030; the bad ones are in FILE.refused.csv with 行号 and 原因; --check stores nothing; a
# file without a required column is refused whole. Prints TAP (KEEP=1 keeps the temporary directory).
set -u
J0=$1; root=$2
dir=$(mktemp -d /tmp/jrp-csv-XXXXXX)
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
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; echo "$out" | sed 's/^/# /'; failed=$((failed + 1)); }
t() {   # t NAME COMMAND... : ok if the command succeeds
  local name=$1; shift
  if out=$("$@" 2>&1); then ok "$name"; else nok "$name"; fi
}
has() { grep -q -- "$1" <<<"$out"; }
trap '$J down >/dev/null 2>&1; [ -n "${KEEP:-}" ] || rm -rf "$dir"' EXIT

t "up starts the four daemons" $J up
t "clock set" $J clock set 2026-09-25T09:00:00+08:00

# the tax bureau's export: UTF-8 with a BOM, CRLF, a cell with a comma, a cell with a line break,
# a column the mapping does not read (内部编号)
csv=$dir/penalties.csv
{
  printf '\xef\xbb\xbf'
  printf '%s\r\n' '行政相对人名称,统一社会信用代码,法定代表人,法定代表人证件号码,证件类型,证件号码,行政处罚决定书文号,违法行为类型,违法事实,处罚依据,处罚内容,罚款金额（万元）,处罚决定日期,公示截止期,处罚机关,处罚机关统一社会信用代码,内部编号'
  # row 2: an organisation and its legal representative, a fine of 3.5 万元, dates as clerks type them
  printf '%s\r\n' '示范科技有限公司,91350100M000100Y43,王五,350102198001011233,,,示税稽罚〔2026〕101号,偷税,"少缴税款, 经查属实",税收征收管理法第六十三条,罚款,3.5,2026/9/20,2027年9月19日,国家税务总局示范市税务局,11350100MB00012341,A-1'
  # row 3: a natural person (no 统一社会信用代码), his ID number ending in X; the facts on two lines
  printf '%s\r\n' '张三,,,,身份证,11010519491231002X,示税罚〔2026〕7号,未按期申报,"逾期申报' '（两个月）",税收征收管理法第六十二条,罚款,0.02,20260918,,国家税务总局示范市税务局,,A-2'
  # row 4 (5 in the file's lines): a wrong check character
  printf '%s\r\n' '甲公司,91350100M000100Y44,,,,,示税罚〔2026〕8号,,,,,,2026-09-18,,,,A-3'
  # row 5: a code Excel turned into a number
  printf '%s\r\n' '乙公司,9.13501E+17,,,,,示税罚〔2026〕9号,,,,,,2026-09-18,,,,A-4'
  # row 6: no such date
  printf '%s\r\n' '丙公司,91350100MA2XYW001H,,,,,示税罚〔2026〕10号,,,,,,2026-02-30,,,,A-5'
  # row 7: decided in the future (after ingest's today): ingest refuses it
  printf '%s\r\n' '丁公司,91350100MA2XYW001H,,,,,示税罚〔2026〕11号,,,,,,2026-12-01,,,,A-6'
  # row 8: another organisation, good
  printf '%s\r\n' '戊公司,91350102MA3ABC0121,,,,,示税罚〔2026〕12号,虚开普通发票,,,,1,2026-09-22,,,,A-7'
} > "$csv"
refused=$dir/penalties.refused.csv

# --check: every row converted here, then asked of ingest with record.check (its own checks; nothing stored)
out=$($J --as tax_bureau submit --csv "$csv" --check 2>&1); rc=$?
if [ $rc -eq 1 ] && has "7 rows, UTF-8 with BOM; mapping .*rules/csv/penalty.yaml (penalty records, domain tax)" \
   && has "check only, nothing stored: 3 records would be submitted, 4 refused, 0 already accepted before" \
   && has "record.check as of 2026-09-25"; then
  ok "--check: 3 would be submitted, 4 refused (row 7 by ingest's record.check, with ingest's date)"; else nok "--check (rc $rc)"; fi
out=$(cat "$refused" 2>&1)
if has ",4,统一社会信用代码校验位错误 (bad_code record.subject.code)" && has ",7,处罚决定日期晚于今天 (bad_value record.decision_date)"; then
  ok "--check writes the refused rows"; else nok "--check refused file"; fi
out=$($J --as tax_bureau --json subject 91350100M000100Y43 2>&1)
if ! has "示税稽罚" && ! has '"record_id"'; then ok "--check stored nothing"; else nok "--check stored something"; fi
out=$($J --as tax_bureau --json submit --csv "$csv" --check 2>/dev/null)
if has '"would_submit": 3' && has '"refused": 4' && has '"check": true' && has '"asked_ingest": true' \
   && has '"encoding": "UTF-8 with BOM"'; then
  ok "--check --json: the summary as JSON"; else nok "--check --json"; fi

# the real submission: the good rows committed, the bad ones in the refused file
out=$($J --as tax_bureau submit --csv "$csv" 2>&1); rc=$?
if [ $rc -eq 1 ] && has "3 records committed (0 of them already accepted before), 4 refused; the refused rows are in $refused"; then
  ok "submit --csv: 3 committed, 4 refused, exit 1"; else nok "submit --csv (rc $rc)"; fi
if [ "$(grep -c 'does not read, ignored: 内部编号' <<<"$out")" = 1 ]; then ok "the unknown column is named once"; else nok "unknown column warning"; fi
if has "row 4 refused: 统一社会信用代码校验位错误" && has "row 5 refused: 统一社会信用代码“9.13501E+17”是被 Excel 转成科学计数法的数字" \
   && has "row 7 refused: 处罚决定日期晚于今天 (bad_value record.decision_date)"; then
  ok "each refused row is named with its reason (row 7 by ingest's reply)"; else nok "refusals printed"; fi
if has "违法行为类型: 1 row with values not in the mapping's table, sent without field violation: 未按期申报 (1)"; then
  ok "a violation type not in the mapping's table is named"; else nok "values warning"; fi
out=$(cat "$refused")
if [ "$(head -1 "$refused")" = "$(printf '\xef\xbb\xbf行政相对人名称,统一社会信用代码,法定代表人,法定代表人证件号码,证件类型,证件号码,行政处罚决定书文号,违法行为类型,违法事实,处罚依据,处罚内容,罚款金额（万元）,处罚决定日期,公示截止期,处罚机关,处罚机关统一社会信用代码,内部编号,行号,原因\r')" ] \
   && [ "$(grep -c $'\r$' "$refused")" = 5 ] && has "^甲公司,91350100M000100Y44,.*,A-3,4,统一社会信用代码校验位错误 (bad_code record.subject.code)" \
   && has ",A-4,5,统一社会信用代码“9.13501E+17”是被 Excel" && has ",A-5,6,处罚决定日期“2026-02-30”不是有效日期" \
   && has "^丁公司,.*,A-6,7,处罚决定日期晚于今天 (bad_value record.decision_date)" && ! has "示范科技有限公司"; then
  ok "the refused CSV: the original columns, then 行号 and 原因, only the refused rows"; else nok "refused CSV"; fi
t "sync" $J sync
out=$($J --as tax_bureau subject 91350100M000100Y43 2>&1)
if has "1 record reported" && has "penalty 示税稽罚〔2026〕101号 by .*: tax_evasion, decided 2026-09-20 (示税稽罚〔2026〕101号)"; then
  ok "the organisation's penalty is stored"; else nok "subject (org)"; fi
out=$($J --as tax_bureau --json subject 91350100M000100Y43 2>&1)
if has '"amount": 35000' && has '"publish_until": "2027-09-19"' && has '"id_no": "350102198001011233"'; then
  ok "3.5 万元 is 35000 yuan; dates and the legal representative as the row said"; else nok "record fields"; fi
out=$($J --as tax_bureau --json subject 11010519491231002X 2>&1)
if has '"type": "person"' && has '"code": "11010519491231002X"' && has '"facts": "违法事实：逾期申报\\n（两个月）\\n处罚内容：罚款"' && has '"amount": 200'; then
  ok "the person's penalty is stored, the line break kept"; else nok "subject (person)"; fi
out=$($J publication 2>&1)
if has "示范科技有限公司" && has "张\*"; then ok "双公示: both published, the person masked"; else nok "publication"; fi

# the same file again: every good row is a duplicate; the same file in GB18030 too
out=$($J --as tax_bureau submit --csv "$csv" 2>&1); rc=$?
if [ $rc -eq 1 ] && has "3 records committed (3 of them already accepted before), 4 refused"; then
  ok "the same file again: all duplicates"; else nok "resubmission (rc $rc)"; fi
# --check after the submission sees the duplicates (record.check looks the record ids up; nothing stored)
out=$($J --as tax_bureau submit --csv "$csv" --check 2>&1); rc=$?
if [ $rc -eq 1 ] && has "check only, nothing stored: 0 records would be submitted, 4 refused, 3 already accepted before"; then
  ok "--check after the submission: the 3 rows already accepted are named as such"; else nok "--check duplicates (rc $rc)"; fi
gb=$dir/penalties-gbk.csv
tail -c +4 "$csv" | iconv -f UTF-8 -t GB18030 > "$gb"
out=$($J --as tax_bureau submit --csv "$gb" 2>&1); rc=$?
if [ $rc -eq 1 ] && has "7 rows, GB18030" && has "3 records committed (3 of them already accepted before), 4 refused"; then
  ok "the file in GB18030: detected, all duplicates"; else nok "GB18030 (rc $rc)"; fi
out=$(iconv -f GB18030 -t UTF-8 "$dir/penalties-gbk.refused.csv" 2>&1)
if has "行号,原因" && has ",4,统一社会信用代码校验位错误"; then ok "its refused CSV is in GB18030 too"; else nok "GB18030 refused file"; fi

# the clerk corrects the refused file and submits it again: 行号 and 原因 are not columns to read
sed 's/91350100M000100Y44/91350100MA8KLM345E/' "$refused" > "$dir/fixed.csv"
out=$($J --as tax_bureau submit --csv "$dir/fixed.csv" 2>&1); rc=$?
if [ $rc -eq 1 ] && has "1 records committed (0 of them already accepted before), 3 refused" && ! has "行号" \
   && grep -q ',3,统一社会信用代码“9.13501E+17”' "$dir/fixed.refused.csv" && [ "$(head -1 "$dir/fixed.refused.csv" | grep -o 行号 | wc -l)" = 1 ]; then
  ok "the corrected refused file: the fixed row committed, the others refused again"; else nok "fixed file (rc $rc)"; fi

# a file without a required column is refused whole, naming it; nothing is sent
cut -d, -f1-12,14- "$csv" > "$dir/nodate.csv"
out=$($J --as tax_bureau submit --csv "$dir/nodate.csv" --mapping "$root/rules/csv/penalty.yaml" 2>&1); rc=$?
if [ $rc -eq 1 ] && has 'the CSV has no column "处罚决定日期" (field decision_date, required by mapping'; then
  ok "a missing required column refuses the file, naming it"; else nok "missing column (rc $rc)"; fi
out=$($J --as tax_bureau submit --csv "$dir/nodate.csv" 2>&1); rc=$?
if [ $rc -eq 1 ] && has "fit no mapping" && has 'penalty.yaml: the CSV has no column "处罚决定日期"'; then
  ok "without --mapping: no mapping fits, each says why"; else nok "no mapping fits (rc $rc)"; fi
out=$($J --as court submit --csv "$csv" --check --domain tax 2>&1); rc=$?
if [ $rc -eq 1 ] && has "row 2 refused: 本部门无权报送该领域的记录 (forbidden record.domain: department \"court\" does not identify in domain \"tax\")" \
   && has "0 records would be submitted, 7 refused"; then
  ok "--check: another department's domain is refused, as ingest would"; else nok "court (rc $rc)"; fi
t "down stops the four daemons" $J down

# the shipped mappings and templates are part of the rules directory
out=$($J rules check "$root/rules" 2>&1); rc=$?
if [ $rc -eq 0 ] && has "csv mapping csv/penalty.yaml: penalty records, 行政处罚信息（双公示）" \
   && has "template csv/penalty-template.csv: 1 example row converts" && has "csv mapping csv/licence.yaml: licence records"; then
  ok "rules check validates rules/csv and converts its templates"; else nok "rules check (rc $rc)"; fi
rc_dir=$(mktemp -d /tmp/jrp-rules-XXXXXX); cp -r "$root/rules/." "$rc_dir/"
sed -i 's/^kind: penalty$/kind: fine/' "$rc_dir/csv/penalty.yaml"
out=$($J rules check "$rc_dir" 2>&1); rc=$?
if [ $rc -ne 0 ] && has "csv/penalty.yaml:[0-9]*:[0-9]*: key 'kind': 'fine' is not a record kind"; then
  ok "rules check refuses a bad mapping with file:line:column"; else nok "bad mapping (rc $rc)"; fi
rm -rf "$rc_dir"
echo "1..$n"
exit $((failed > 0))
