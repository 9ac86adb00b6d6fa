#!/usr/bin/env bash
# tests/bench/run.sh [--long] [--large] - build the jrp benchmark programs and run them
# all, in sequence, on this machine; print one markdown table of figures, each
# beside the machine's own baseline measured in the same run where there is
# one, and the target of issue 5. Figures, not pass/fail: the exit status only
# says whether every program ran.
#
#   --long   the sustained ingest run lasts 60 s instead of 20 s
#   --large  figure 9 at the issue's size: 10,000,000 subjects and 1,000,000
#            entries bulk-loaded (instead of 2,000,000 and 200,000): about 3
#            minutes more (7 in all), 13 GiB in /tmp while it runs; figure 11
#            (retention) over 365 days of 50,000 checks and 1,000 records instead
#            of 90 days of 20,000 and 500
#
# The table goes to stdout and to build/bench-results.md; progress and context
# lines ("# ...") go to stderr and to build/bench-log.txt. About 5 minutes.
# Each program can also be run alone: build/tests/bench/bench_{ingest,pipeline,check,scale,stats,retention,gateway,federation} --help
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$root/build
ingest_secs=20
large=0
full_size="--subjects 10000000 --entries 1000000"
for a in "$@"; do
  case $a in
    --long) ingest_secs=60 ;;
    --large) large=1 ;;
    *) echo "usage: $0 [--long] [--large]" >&2; exit 2 ;;
  esac
done
scale_args=""
retention_args=""
if [ "$large" = 1 ]; then
  scale_args=$full_size
  retention_args="--large"
  avail=$(df -Pk /tmp | awk 'NR == 2 {print int($4 / 1048576)}')
  [ "${avail:-0}" -ge 16 ] || echo "# warning: --large needs about 13 GiB in /tmp at once; ${avail:-?} GiB are free" >&2
fi

if [ ! -d "$build" ]; then
  meson setup "$build" "$root" >&2 || exit 1
fi
# only what the benchmarks need, so that unrelated work in progress elsewhere cannot stop them
ninja -C "$build" tests/bench/bench_ingest tests/bench/bench_pipeline tests/bench/bench_check tests/bench/bench_scale \
  tests/bench/bench_stats tests/bench/bench_retention tests/bench/bench_gateway tests/bench/bench_federation \
  services/ingest/jrp-ingest services/adjudicate/jrp-adjudicate services/dispatch/jrp-dispatch \
  services/feedback/jrp-feedback services/gateway/jrp-gateway services/exchange/jrp-exchange >&2 || exit 1

out=$build/bench-results.md
log=$build/bench-log.txt
rows=$(mktemp)
trap 'rm -f "$rows"' EXIT
: >"$log"
start=$(date +%s)
ncpu=$(nproc)
others_before=$(ps -eo comm= | grep -c '^jrp-')

failed=0
run() {
  echo "# ---- $* ----" | tee -a "$log" >&2
  "$@" >>"$rows" 2> >(tee -a "$log" >&2) || { failed=$((failed + 1)); echo "# $1 failed (see $log)" | tee -a "$log" >&2; }
  wait
}
run "$build/tests/bench/bench_ingest" --seconds "$ingest_secs"
run "$build/tests/bench/bench_pipeline" --records 100000 --seconds 10
run "$build/tests/bench/bench_check" --seconds 15
# shellcheck disable=SC2086
run "$build/tests/bench/bench_scale" $scale_args
run "$build/tests/bench/bench_stats" --records 30000
# shellcheck disable=SC2086
run "$build/tests/bench/bench_retention" $retention_args
run "$build/tests/bench/bench_gateway" --seconds 5
run "$build/tests/bench/bench_federation" --records 2000
secs=$(( $(date +%s) - start ))

fs=$(findmnt -no FSTYPE,SOURCE -T /tmp 2>/dev/null | awk '{print $1 " on " $2}')
if tune2fs -l "$(findmnt -no SOURCE -T /tmp 2>/dev/null)" 2>/dev/null | grep -q has_journal; then
  fs="$fs (journal)"
elif [ "${fs%% *}" = ext4 ]; then
  fs="$fs (no journal)"
fi
buildtype=$(meson introspect --buildoptions "$build" 2>/dev/null |
  python3 -c 'import json, sys; print([o["value"] for o in json.load(sys.stdin) if o["name"] == "buildtype"][0])' 2>/dev/null)
{
  echo "## jrp benchmarks ($(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown) plus the working tree)"
  echo
  echo "Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $ncpu cores," \
       "$(free -g | awk '/^Mem:/ {print $2}') GiB RAM, kernel $(uname -r); LMDB data in /tmp: $fs; build ${buildtype:-?}."
  echo "The daemons and the load generator share these $ncpu cores: every figure includes the load generator's own"
  echo "CPU; the last column says how much each used, how much the rest of the machine used meanwhile (other"
  echo "processes, kernel threads; $others_before processes of other jrp runs were up when this one started)."
  echo "One run of \`tests/bench/run.sh$([ "$ingest_secs" = 60 ] && echo ' --long')$([ "$large" = 1 ] && echo ' --large')\`, ${secs} s in all. Figures, not pass/fail."
  if [ "$large" = 1 ]; then
    echo "Rows 9-9b at the issue's size (\`build/tests/bench/bench_scale $full_size\`)."
  else
    echo "Rows 9-9b at a reduced size; the issue's size (10,000,000 subjects, 1,000,000 entries, about 3 minutes more):"
    echo "\`tests/bench/run.sh --large\`, or that part alone: \`build/tests/bench/bench_scale --only scale $full_size\`."
  fi
  echo
  echo "| # | figure | value | baseline (same run) | ratio | target | bounded by / context |"
  echo "|---|---|---|---|---|---|---|"
  # by figure number (1, 2, 2b, 3 ...), each program's own order kept within one
  awk -F'|' '{ k = $2; gsub(/ /, "", k); print k "\t" $0 }' "$rows" | sort -s -t"$(printf '\t')" -k1,1V | cut -f2-
} | tee "$out"

echo "# table written to $out; log in $log; ${secs} s" >&2
[ "$large" = 1 ] || echo "# figure 9 at the issue's size: tests/bench/run.sh --large (or alone: build/tests/bench/bench_scale --only scale $full_size)" >&2
[ "$failed" -eq 0 ]
