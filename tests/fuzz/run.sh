#!/usr/bin/env bash
# tests/fuzz/run.sh [SECONDS] - build every libFuzzer target with clang
# (ASan + UBSan) and run each for SECONDS (default 20) on a scratch copy of its
# seed corpus in tests/fuzz/corpus/<name>/. Prints one TAP line per target and
# exits non-zero if any target crashed (the crash input is kept in build-fuzz/).
# A long run: tests/fuzz/run.sh 3600
set -u
secs=${1:-20}
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/build-fuzz
mkdir -p "$out"
common=(common/*.c common/util/*.c)   # all of libjrp, instrumented
libs=(-lyaml -lmsgpackc -lzmq -llmdb -luv -lzstd -lm)
flags=(-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -D_GNU_SOURCE
       -Icommon -Iservices/ctl "-DJRP_SOURCE_ROOT=\"$root\"")
declare -A extra=([conv]="" [request]="services/ingest/record.c" [yaml]="" [journal]="" [records]=""
  [archive]="" [csv]="")
n=0; failed=0
cd "$root"
for t in conv request yaml journal records archive csv; do
  n=$((n + 1))
  if ! clang "${flags[@]}" "tests/fuzz/fuzz_$t.c" ${extra[$t]} "${common[@]}" "${libs[@]}" -o "$out/fuzz_$t" 2>"$out/fuzz_$t.build.log"; then
    echo "not ok $n - fuzz_$t does not build (see $out/fuzz_$t.build.log)"; failed=$((failed + 1)); continue
  fi
  work=$(mktemp -d)
  cp tests/fuzz/corpus/$t/* "$work/" 2>/dev/null
  if (cd "$out" && ASAN_OPTIONS=detect_leaks=1 ./fuzz_$t -max_total_time="$secs" -max_len=65536 -timeout=10 \
        -rss_limit_mb=2048 "$work" >"$out/fuzz_$t.log" 2>&1); then
    runs=$(grep -o 'Done [0-9]* runs' "$out/fuzz_$t.log" | tail -1)
    echo "ok $n - fuzz_$t: ${runs:-ran} in ${secs}s, no crash"
  else
    echo "not ok $n - fuzz_$t crashed; see $out/fuzz_$t.log and $out/crash-*"; failed=$((failed + 1))
  fi
  rm -rf "$work"
done
echo "1..$n"
exit $((failed > 0))
