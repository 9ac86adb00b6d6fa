#!/usr/bin/env bash
# tests/bench/instructions.sh [BUILDDIR] - instructions per record in each daemon, counted by
# valgrind's callgrind (the same count whatever else the machine is doing, unlike wall-clock
# figures on this VM).
#
# The four daemons of BUILDDIR (default build/) run under callgrind on a fresh test deployment
# with the real rules; N tax penalties of distinct companies go in through `jrpctl submit --lines`
# (each becomes a proposed black-list entry), the clock moves past the objection window (each
# entry takes effect: its changes, the apply tasks of two agencies, feedback's accounts), and the
# daemons stop. This runs twice, with N1 and N2 records; the difference, divided by N2 - N1,
# is what one record costs each daemon, start-up and shut-down left out. Prints one line per
# daemon. Give two build directories' outputs side by side to compare versions. JRP_CG_KEEP=DIR keeps
# the callgrind files of the larger run (callgrind_annotate DIR/cg.dispatch shows where they go).
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
n1=${JRP_CG_N1:-1000}
n2=${JRP_CG_N2:-4000}
command -v valgrind >/dev/null || { echo "valgrind is needed (apt-get install valgrind)" >&2; exit 1; }
bin() { find "$build/services" -name "$1" -type f -perm -u+x | head -1; }
jrpctl=$(bin jrpctl)

lines() {   # N valid tax penalties of distinct companies, as JSON lines
  python3 - "$1" <<'EOF'
import sys
cs = "0123456789ABCDEFGHJKLMNPQRTUWXY"
w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
for i in range(int(sys.argv[1])):
    s17 = "91350100MF%07d" % i
    c = 31 - sum(cs.index(ch) * wt for ch, wt in zip(s17, w)) % 31
    code = s17 + cs[0 if c == 31 else c]
    print('{"record_id":"CG-%d","kind":"penalty","domain":"tax","subject":{"type":"org","code":"%s",'
          '"name":"企业%d"},"decision_date":"2026-11-20","final":true,"notice":{"date":"2026-11-20"},"violation":"tax_fraud",'
          '"amount":5000000}' % (i, code, i))
EOF
}

settle() {   # until every log has stopped growing and every consumer has caught up
  local prev="" cur
  while :; do
    "$jrpctl" -c "$1/jrp.yaml" --timeout 600000 sync >/dev/null
    cur=$("$jrpctl" -c "$1/jrp.yaml" --json status | grep -o '"log_last": [0-9]*' | tr -d '\n')
    [ "$cur" = "$prev" ] && return 0
    prev=$cur
    sleep 3
  done
}

run() {   # $1 records; prints "daemon instructions" lines
  local n=$1 dir
  dir=$(mktemp -d /tmp/jrp-cg-XXXXXX)
  printf 'data_dir: data\nrun_dir: run\nrules: %s/rules\nparties: %s/deploy/parties.yaml\ntest_clock: true\n' \
    "$root" "$root" >"$dir/jrp.yaml"
  lines "$n" >"$dir/records.jsonl"
  for d in ingest adjudicate dispatch feedback; do
    valgrind --tool=callgrind --callgrind-out-file="$dir/cg.$d" "$(bin jrp-$d)" -c "$dir/jrp.yaml" \
      >"$dir/$d.log" 2>&1 &
    echo $! >"$dir/$d.pid"
  done
  until "$jrpctl" -c "$dir/jrp.yaml" --timeout 2000 status >/dev/null 2>&1; do sleep 1; done
  "$jrpctl" -c "$dir/jrp.yaml" clock set 2026-11-23T09:00:00+08:00 >/dev/null
  "$jrpctl" -c "$dir/jrp.yaml" --as tax_bureau submit --lines "$dir/records.jsonl" >/dev/null
  settle "$dir"
  "$jrpctl" -c "$dir/jrp.yaml" clock set 2026-12-10T09:00:00+08:00 >/dev/null
  settle "$dir"
  for d in feedback dispatch adjudicate ingest; do
    kill -TERM "$(cat "$dir/$d.pid")"
    while kill -0 "$(cat "$dir/$d.pid")" 2>/dev/null; do sleep 0.2; done
  done
  for d in ingest adjudicate dispatch feedback; do
    echo "$d $(grep -m1 '^summary:' "$dir/cg.$d" | awk '{print $2}')"
  done
  [ -n "${JRP_CG_KEEP:-}" ] && mkdir -p "$JRP_CG_KEEP" && cp "$dir"/cg.* "$JRP_CG_KEEP/"   # for callgrind_annotate
  rm -rf "$dir"
}

a=$(run "$n1")
b=$(run "$n2")
echo "# instructions per record ($(basename "$build"), $n1 and $n2 records; callgrind)"
join <(echo "$a") <(echo "$b") | while read -r d i1 i2; do
  printf '%-11s %8d\n' "$d" $(( (i2 - i1) / (n2 - n1) ))
done
