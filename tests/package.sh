#!/usr/bin/env bash
# tests/package.sh [BUILDDIR] - the Debian package and the installed system (issue 12, item 1),
# as far as a machine without systemd as PID 1 can go. Prints TAP (tests/run counts it).
#
#  1. builds the package from a copy of the tree (dpkg-buildpackage: debhelper 13, meson), with
#     no compiler warning under Debian's flags;
#  2. lintian: not one tag, info and pedantic included (debian/jrp.lintian-overrides says why
#     for each it keeps);
#  3. installs it into a scratch root with dpkg --root, maintainer scripts included (chrootless,
#     $DPKG_ROOT: systemd-sysusers, systemd-tmpfiles and deb-systemd-helper act on the root);
#  4. checks the tree: paths, modes, owners, conffiles, the jrp user, /var/lib/jrp, the enabled
#     target, the link to the catalogue in force, the installed configuration;
#  5. systemd-analyze verify, and security --offline, on the installed units (with the installed
#     binaries and manual pages in view: an overlay in a private mount namespace);
#  6. runs the installed units as systemd would, in a private mount namespace: each unit's own
#     ExecStartPre= and ExecStart= lines, as the jrp user without capabilities, with
#     NoNewPrivileges=, its SystemCallFilter=, RestrictAddressFamilies= and
#     MemoryDenyWriteExecute= as a seccomp filter (tests/package/sandbox.c), ProtectSystem=strict
#     (every mount read-only but /var/lib/jrp and /run/jrp), PrivateTmp=, ProtectHome=, UMask=,
#     $NOTIFY_SOCKET; in the units' order, each started when its upstream said READY=1; then the
#     installed jrpctl with no -c (so /etc/jrp/jrp.yaml) submits, syncs and checks, and SIGTERM
#     stops them in reverse order with STOPPING=1 and exit 0. A tcp:// endpoint starts under the
#     unit's filter, and the same without AF_NETLINK, or with ~@resources, is seen to abort
#     (why the unit has the one and not the other);
#  7. upgrades over a changed configuration and a moved catalogue link (both kept), and purges;
#  8. `meson install --destdir` twice: the layout, and a second install keeps /etc/jrp's files.
# What is not run here: systemd itself (its namespaces, cgroups, journald, the watchdog's
# restart, Restart=, the ordering done by systemd rather than by this script).
# JRP_KEEP_TEST_DIR=1 keeps the work directory.
set -u
export LC_ALL=C.UTF-8   # jrpctl and the daemons in English, as this script greps them
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$src/build}" && pwd)
n=0; failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else nok "$d"; fi; }
finish() {
  echo "1..$n"
  if [ "$failed" -gt 0 ] || [ -n "${JRP_KEEP_TEST_DIR:-}" ]; then echo "# kept $work"; else rm -rf "$work"; fi
  [ "$failed" -eq 0 ]; exit
}

if [ "$(id -u)" -ne 0 ]; then echo "1..0 # SKIP root is needed (dpkg --root, mount namespaces)"; exit 0; fi
for t in dpkg-buildpackage lintian systemd-analyze unshare setpriv python3; do
  command -v "$t" >/dev/null || { echo "1..0 # SKIP $t is missing (deploy/deps.sh installs it)"; exit 0; }
done
work=$(mktemp -d /tmp/jrp-package-XXXXXX)
chmod 0755 "$work"
R=$work/root

# ---- 1, 2: build and lintian ----
mkdir -p "$work/src/jrp"
# the tree as a clone has it: tracked files and new ones, none of the build directories
if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
  (cd "$src" && git ls-files -co --exclude-standard -z | tar --null -T - -cf -) | tar -xf - -C "$work/src/jrp"
else
  (cd "$src" && tar --exclude='./build*' --exclude=./var --exclude='./obj-*' -cf - .) | tar -xf - -C "$work/src/jrp"
fi
if (cd "$work/src/jrp" && dpkg-buildpackage -b -us -uc) > "$work/build.log" 2>&1; then
  ok "the package builds (dpkg-buildpackage -b: debhelper-compat 13, dh with meson, unit tests run)"
else
  tail -30 "$work/build.log" | sed 's/^/# /'; nok "the package builds"; finish
fi
deb=$(ls "$work"/src/jrp_*_*.deb | grep -v dbgsym | head -1)
check "no compiler warning under Debian's build flags" eval "! grep -E 'warning:' '$work/build.log' | sed 's/^/# /' | grep ."
lintian --pedantic --display-info --fail-on error,warning,info,pedantic "$work"/src/jrp_*.changes 2>&1 |
  grep -v '^running with root privileges is not recommended!$' > "$work/lintian.log"
rc=${PIPESTATUS[0]}
sed 's/^/# /' "$work/lintian.log"
check "lintian: no tag (errors, warnings, info, pedantic)" test "$rc" -eq 0 -a ! -s "$work/lintian.log"

# ---- 3, 4: install into a scratch root, check the tree ----
dpkg_root() { dpkg --root="$R" --force-script-chrootless --force-depends "$@"; }
mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates" "$R/var/lib/dpkg/triggers"
touch "$R/var/lib/dpkg/status" "$R/var/lib/dpkg/available"
if dpkg_root -i "$deb" > "$work/install.log" 2>&1; then ok "dpkg --root installs it, maintainer scripts included"
else sed 's/^/# /' "$work/install.log"; nok "dpkg --root installs it"; finish; fi

tree_ok=true
want() {   # want PATH MODE: the file is there with that mode, owned by root
  local m; m=$(stat -c '%a %u' "$R$1" 2>/dev/null)
  if [ "$m" != "$2 0" ]; then echo "# $1: '$m', want '$2 0'"; tree_ok=false; fi
}
for d in ingest adjudicate dispatch feedback gateway exchange; do
  want /usr/sbin/jrp-$d 755; want /lib/systemd/system/jrp-$d.service 644; want /usr/share/man/man8/jrp-$d.8.gz 644
done
want /usr/bin/jrpctl 755; want /usr/share/man/man1/jrpctl.1.gz 644; want /usr/share/man/man5/jrp.yaml.5.gz 644
want /lib/systemd/system/jrp.target 644
want /etc/jrp/jrp.yaml 644; want /etc/jrp/parties.yaml 644
want /usr/lib/sysusers.d/jrp.conf 644; want /usr/lib/tmpfiles.d/jrp.conf 644
version=$(sed -n 's/^version: "\(.*\)"/\1/p' "$src/rules/catalog.yaml")
want "/etc/jrp/catalogues/$version/catalog.yaml" 644; want "/etc/jrp/catalogues/$version/calendar/2026.yaml" 644
check "the tree: daemons in /usr/sbin, jrpctl in /usr/bin, /etc/jrp, units, sysusers, tmpfiles, manual pages" $tree_ok
check "/etc/jrp/rules links to the shipped catalogue, catalogues/$version" \
  test "$(readlink "$R/etc/jrp/rules")" = "catalogues/$version"
check "the shipped catalogue is the source's rules/" diff -r "$src/rules" "$R/etc/jrp/catalogues/$version"
conf=$(dpkg-query --admindir="$R/var/lib/dpkg" -W -f='${Conffiles}\n' jrp | awk '{print $1}' | sort)
check "conffiles: jrp.yaml, parties.yaml and every file of the catalogue" test "$conf" = "$(printf '%s\n' \
  /etc/jrp/jrp.yaml /etc/jrp/parties.yaml $(cd "$src/rules" && find . -type f | sed "s|^\.|/etc/jrp/catalogues/$version|") | sort)"
jrp_line=$(grep '^jrp:' "$R/etc/passwd")
uid=$(echo "$jrp_line" | cut -d: -f3); gid=$(echo "$jrp_line" | cut -d: -f4)
check "the jrp system user (systemd-sysusers): a system uid, home /var/lib/jrp, no login" \
  eval "[ -n '$uid' ] && [ '$uid' -lt 1000 ] && [ '$uid' -gt 0 ] && echo '$jrp_line' | grep -q ':/var/lib/jrp:/usr/sbin/nologin$'"
check "/var/lib/jrp: 0700, jrp's (systemd-tmpfiles)" test "$(stat -c '%a %u:%g' "$R/var/lib/jrp")" = "700 $uid:$gid"
check "jrp.target enabled (multi-user.target.wants), the daemons not on their own" \
  eval "[ -L '$R/etc/systemd/system/multi-user.target.wants/jrp.target' ] && ! ls '$R/etc/systemd/system/'*.wants/jrp-* 2>/dev/null"
cfg=$(grep -v '^ *#' "$R/etc/jrp/jrp.yaml")
check "the installed configuration: /var/lib/jrp, /run/jrp, /etc/jrp/rules, ipc://, no test clock" eval \
  "grep -qx 'data_dir: /var/lib/jrp' <<<\"\$cfg\" && grep -qx 'run_dir: /run/jrp' <<<\"\$cfg\" && \
   grep -qx 'rules: /etc/jrp/rules' <<<\"\$cfg\" && grep -qx 'test_clock: false' <<<\"\$cfg\" && \
   [ \"\$(grep -c 'ipc://{run}/' <<<\"\$cfg\")\" = 4 ]"
check "every binary's default configuration is /etc/jrp/jrp.yaml" eval \
  "'$R/usr/sbin/jrp-ingest' -h 2>&1 | grep -q 'else /etc/jrp/jrp.yaml' && '$R/usr/bin/jrpctl' -h | grep -q 'else /etc/jrp/jrp.yaml'"

# ---- 5: systemd-analyze ----
# jrp-exchange.service is installed and verified, not started below: it runs only with an exchange: section
units=("$R"/lib/systemd/system/jrp-{ingest,adjudicate,dispatch,feedback,gateway,exchange}.service "$R/lib/systemd/system/jrp.target")
if unshare --mount --propagation private sh -c "mount -t overlay overlay -o lowerdir='$R/usr':/usr /usr &&
     MANPATH=/usr/share/man systemd-analyze verify $(printf "'%s' " "${units[@]}")" > "$work/verify.log" 2>&1 &&
   [ ! -s "$work/verify.log" ]; then
  ok "systemd-analyze verify: the six services and jrp.target (commands, manual pages, dependencies)"
else
  sed 's/^/# /' "$work/verify.log"; nok "systemd-analyze verify"
fi
sec_ok=true
for u in "${units[@]:0:6}"; do
  line=$(unshare --mount --propagation private sh -c "mount -t overlay overlay -o lowerdir='$R/usr':/usr /usr &&
    systemd-analyze security --offline=yes '$u'" 2>&1 | grep 'Overall exposure level')
  echo "# ${u##*/}: ${line#*: }"
  score=$(echo "$line" | grep -oE '[0-9]+\.[0-9]+' | head -1)
  awk -v s="${score:-99}" 'BEGIN { exit !(s <= 2.0) }' || sec_ok=false
done
check "systemd-analyze security --offline: every service 2.0 or below (OK)" $sec_ok

# ---- 6: the installed units, run as systemd would run them ----
sed -n 's/^SystemCallFilter=//p' "$R/lib/systemd/system/jrp-ingest.service" > "$work/filter"
(cat "$work/filter"; echo '~@resources') > "$work/filter.resources"
cat > "$work/expand.py" <<'EOF'
# the unit's SystemCallFilter= lines as systemd reads them: the first allows its sets, a line
# starting with ~ takes its sets away; sets expanded by systemd-analyze syscall-filter
import subprocess, sys
out = subprocess.run(['systemd-analyze', 'syscall-filter'], capture_output=True, text=True, check=True).stdout
groups, cur = {}, None
for line in out.splitlines():
    if line.startswith('@'):
        cur = line.split()[0]; groups[cur] = []
    elif cur and line.strip() and not line.strip().startswith('#'):
        groups[cur].append(line.strip())
def expand(names, seen):
    r = set()
    for x in names:
        if x.startswith('@'):
            if x not in seen:
                seen.add(x); r |= expand(groups[x], seen)
        else:
            r.add(x)
    return r
allowed = set()
for line in open(sys.argv[1]).read().split('\n'):
    if line.startswith('~'):
        allowed -= expand(line[1:].split(), set())
    elif line:
        allowed |= expand(line.split(), set())
print('\n'.join(sorted(allowed)))
EOF
python3 "$work/expand.py" "$work/filter" > "$work/syscalls" &&
  python3 "$work/expand.py" "$work/filter.resources" > "$work/syscalls.resources"
families=$(sed -n 's/^RestrictAddressFamilies=//p' "$R/lib/systemd/system/jrp-ingest.service")
mdwx=$(sed -n 's/^MemoryDenyWriteExecute=//p' "$R/lib/systemd/system/jrp-ingest.service")
if ! gcc -O2 -Wall -Werror -o "$work/sandbox" "$src/tests/package/sandbox.c" -lseccomp 2> "$work/sandbox.log"; then
  sed 's/^/# /' "$work/sandbox.log"; nok "the seccomp sandbox builds (libseccomp-dev)"; finish
fi
for u in "$R"/lib/systemd/system/jrp-*.service; do
  # one template, one filter: the others must say the same as ingest's
  [ "$(grep -E '^(SystemCallFilter|RestrictAddressFamilies|MemoryDenyWriteExecute)=' "$u")" = \
    "$(grep -E '^(SystemCallFilter|RestrictAddressFamilies|MemoryDenyWriteExecute)=' "$R/lib/systemd/system/jrp-ingest.service")" ] ||
    nok "${u##*/} has the same filters as jrp-ingest.service"
done
mkdir -p "$work/etc-ov" "$work/varlib/up" "$work/varlib/work"
cp -a "$R/etc/jrp" "$work/etc-ov/"
cat > "$work/notify.py" <<'EOF'
# a notify socket as systemd binds one: each datagram on a line, "PID TEXT" (| for newlines)
import os, socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o666)
s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
with open(sys.argv[2], 'a', buffering=1) as f:
    while True:
        msg, anc, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(12))
        pid = next((struct.unpack('iII', d[:12])[0] for l, t, d in anc
                    if l == socket.SOL_SOCKET and t == socket.SCM_CREDENTIALS), 0)
        f.write('%d %s\n' % (pid, msg.decode().replace('\n', '|')))
EOF
cat > "$work/units.sh" <<'EOF'
# runs inside `unshare --mount`: the mounts systemd would make for the units, then the units
set -u
res() { echo "RESULT $1 $2"; }
T=/run/test
mount -t overlay overlay -o lowerdir="$R/usr":/usr /usr
mount -t overlay overlay -o lowerdir="$W/etc-ov":/etc /etc
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /run/jrp $T && chmod 0700 /run/jrp && chown "$U:$G" /run/jrp
mount -t overlay overlay -o lowerdir=/var/lib,upperdir="$W/varlib/up",workdir="$W/varlib/work" /var/lib
mkdir -p /var/lib/jrp && mount --bind "$R/var/lib/jrp" /var/lib/jrp
cp "$W/sandbox" "$W/syscalls" "$W/syscalls.resources" "$W/notify.py" "$R"/lib/systemd/system/jrp-*.service $T/
# ProtectSystem=strict + ReadWritePaths=/var/lib/jrp /run/jrp; PrivateTmp=; ProtectHome=
mount --bind /run/jrp /run/jrp; mount --bind $T $T
mount -t tmpfs tmpfs /tmp; mount -t tmpfs tmpfs /var/tmp
for h in /home /root; do [ -d $h ] && mount -t tmpfs -o mode=0000,ro tmpfs $h; done
awk '{print $5}' /proc/self/mountinfo | sort -u | while read -r m; do
  case $m in /proc|/proc/*|/sys|/sys/*|/dev|/dev/*|/run/jrp|/var/lib/jrp|$T|/tmp|/var/tmp) continue ;; esac
  mount -o remount,bind,ro "$m" 2>/dev/null
done
touch /var/lib/jrp-rw-test 2>/dev/null && res "not ok" "ProtectSystem=strict emulated (a write outside the writable paths failed)" \
  || res ok "ProtectSystem=strict emulated: everything read-only but /var/lib/jrp, /run/jrp"
# as the unit runs it: the jrp user, no capabilities, NoNewPrivileges=, UMask=, the seccomp filter
as_unit() {   # as_unit SYSCALLS FAMILIES COMMAND... (in a subshell: it becomes the command, same pid)
  local sc=$1 fam=$2; shift 2
  umask 0077
  exec setpriv --reuid="$U" --regid="$G" --clear-groups --inh-caps=-all --bounding-set=-all \
     --no-new-privs -- $T/sandbox "$sc" "$fam" "$MDWX" -- "$@"
}
wait_notify() {   # wait_notify LOG PID TEXT: TEXT from PID within 10 s
  for _ in $(seq 100); do grep -q "^$2 .*$3" "$1" 2>/dev/null && return 0; sleep 0.1; done; return 1
}
declare -A pid
lp=()
# whatever this script started ends with it, even when a step fails
trap 'kill "${pid[@]}" "${lp[@]}" 2>/dev/null; wait 2>/dev/null' EXIT
for d in ingest adjudicate dispatch feedback gateway; do
  pre=$(sed -n 's/^ExecStartPre=//p' $T/jrp-$d.service)
  start=$(sed -n 's/^ExecStart=//p' $T/jrp-$d.service)
  if out=$(as_unit $T/syscalls "$FAMILIES" $pre 2>&1) && grep -q '^configuration OK' <<<"$out"; then
    res ok "jrp-$d: ExecStartPre= ($pre) as jrp in the sandbox: $out"
  else
    res "not ok" "jrp-$d: ExecStartPre= says: $out"
  fi
  /usr/bin/python3 $T/notify.py $T/notify-$d.sock $T/notify-$d.log & lp+=($!)
  for _ in $(seq 50); do [ -S $T/notify-$d.sock ] && break; sleep 0.1; done
  NOTIFY_SOCKET=$T/notify-$d.sock as_unit $T/syscalls "$FAMILIES" $start 2> $T/$d.log &
  pid[$d]=$!
  if [ $d = gateway ]; then want_status='READY=1|STATUS=serving http://127.0.0.1:8480/'
  else want_status='READY=1|STATUS=serving ipc:///run/jrp/'"$d"'.sock'; fi
  if wait_notify $T/notify-$d.log "${pid[$d]}" "$want_status"; then
    res ok "jrp-$d: ExecStart= ($start) said READY=1 from its own pid once it served"
  else
    res "not ok" "jrp-$d: no READY=1 (log: $(tail -3 $T/$d.log | tr '\n' ' '))"
  fi
done
J=/usr/bin/jrpctl
st=$(env -u JRP_CONFIG $J status 2>&1)
[ "$(grep -cE '^jrp-[a-z]+ +up ' <<<"$st")" = 5 ] && grep -q "catalogue $VERSION" <<<"$st" &&
  res ok "the installed jrpctl, with no -c, reads /etc/jrp/jrp.yaml: four daemons and the gateway up, catalogue $VERSION" ||
  res "not ok" "jrpctl status: $st"
day=$(date -d '-10 days' +%F)
out=$(env -u JRP_CONFIG $J --as tax_bureau submit --record-id PKG-0001 --kind penalty --domain tax --subject-type org \
  --code 91350100M000100Y43 --name 示范科技有限公司 --decision-date "$day" --violation tax_evasion --amount 3500000 \
  --base-amount 20000000 --final yes 2>&1) && grep -q 'committed as event #1' <<<"$out" &&
  out2=$(env -u JRP_CONFIG $J sync 2>&1) &&
  out3=$(env -u JRP_CONFIG $J --as procurement_centre check 91350100M000100Y43 --matter public_procurement 2>&1) &&
  res ok "through the units: a department submits, the pipeline syncs, an agency checks ($(head -1 <<<"$out3"))" ||
  res "not ok" "submit/sync/check: $out $out2 $out3"
[ "$(stat -c '%a %u' /var/lib/jrp/ingest/data.mdb)" = "600 $U" ] && [ "$(stat -c '%a %u' /run/jrp/ingest.sock)" = "600 $U" ] &&
  [ "$(stat -c '%a %u' /run/jrp)" = "700 $U" ] &&
  res ok "the data (0600) and sockets (0600, in a 0700 directory) are jrp's" ||
  res "not ok" "modes: $(ls -la /var/lib/jrp/ingest /run/jrp | tr '\n' ' ')"
out=$(curl -sS http://127.0.0.1:8480/readyz 2>&1)
grep -q '"ready":true' <<<"$out" && res ok "through the units: the gateway answers /readyz, every daemon ready ($out)" ||
  res "not ok" "gateway /readyz: $out"
for d in gateway feedback dispatch adjudicate ingest; do
  kill -TERM "${pid[$d]}"; wait "${pid[$d]}"; rc=$?
  if [ $rc -eq 0 ] && wait_notify $T/notify-$d.log "${pid[$d]}" 'STOPPING=1'; then
    res ok "jrp-$d: SIGTERM: STOPPING=1, exit 0"
  else
    res "not ok" "jrp-$d: SIGTERM: exit $rc, $(cat $T/notify-$d.log | tr '\n' ' ')"
  fi
done
errs=$(cat $T/*.log | grep -E ' (error|warn) ' | grep -v 'calendar [0-9]* is provisional')
[ -z "$errs" ] && res ok "no error or warning in the daemons' logs" || res "not ok" "logs: $errs"
# a tcp:// endpoint on one address: the unit's families let libzmq resolve it; without AF_NETLINK,
# or with ~@resources, libzmq aborts (controls: the sandbox is not a no-op)
mkdir -p $T/keys && env -u JRP_CONFIG $J keys new ingest --dir $T/keys >/dev/null && chown -R "$U:$G" $T/keys
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > $T/tcp.yaml <<EOT
data_dir: /var/lib/jrp/tcp
run_dir: /run/jrp/tcp
rules: /etc/jrp/rules
parties: /etc/jrp/parties.yaml
keys_dir: $T/keys
endpoints:
  ingest: tcp://127.0.0.1:$port
EOT
tcp_run() {   # tcp_run SYSCALLS FAMILIES: 0 when jrp-ingest said READY=1 on tcp://127.0.0.1, served on, and
              # stopped cleanly
  rm -f $T/notify-tcp.sock; : > $T/notify-tcp.log
  /usr/bin/python3 $T/notify.py $T/notify-tcp.sock $T/notify-tcp.log & local l=$!
  for _ in $(seq 50); do [ -S $T/notify-tcp.sock ] && break; sleep 0.1; done
  NOTIFY_SOCKET=$T/notify-tcp.sock as_unit "$1" "$2" /usr/sbin/jrp-ingest -c $T/tcp.yaml 2> $T/tcp.log & local p=$!
  local ready=no alive=no
  wait_notify $T/notify-tcp.log $p 'READY=1' && ready=yes
  sleep 0.5
  kill -0 $p 2>/dev/null && alive=yes
  kill -TERM $p 2>/dev/null; wait $p; local st=$?
  kill $l; wait $l 2>/dev/null
  echo "# tcp run ($2): READY=1 $ready, alive $alive, exit status $st $(grep -v ' info ' $T/tcp.log | head -2 | tr '\n' ' ')"
  [ $ready = yes ] && [ $alive = yes ] && [ $st = 0 ]
}
tcp_run $T/syscalls "$FAMILIES" && res ok "a tcp://127.0.0.1 endpoint serves under the unit's filter ($FAMILIES)" ||
  res "not ok" "a tcp:// endpoint under the unit's filter"
tcp_run $T/syscalls "${FAMILIES/ AF_NETLINK/}" && res "not ok" "without AF_NETLINK a tcp:// bind should abort libzmq" ||
  res ok "control: without AF_NETLINK, libzmq aborts binding tcp://127.0.0.1 (getifaddrs)"
tcp_run $T/syscalls.resources "$FAMILIES" && res "not ok" "with ~@resources libzmq should abort" ||
  res ok "control: with SystemCallFilter=~@resources, libzmq aborts (sched_setscheduler in its threads)"
EOF
if R=$R W=$work U=$uid G=$gid FAMILIES=$families MDWX=$mdwx VERSION=$version \
     unshare --mount --propagation private bash "$work/units.sh" > "$work/units.log" 2>&1; then :; fi
grep -q '^RESULT' "$work/units.log" || { sed 's/^/# /' "$work/units.log" | tail -20; nok "the units run in a private mount namespace"; }
while read -r line; do
  case $line in
    "RESULT ok "*) ok "${line#RESULT ok }" ;;
    "RESULT not ok "*) nok "${line#RESULT not ok }" ;;
    "# "*) echo "$line" ;;
  esac
done < "$work/units.log"

# ---- 7: upgrade over local changes, then purge ----
echo "# an office's note" >> "$R/etc/jrp/jrp.yaml"
cp -a "$R/etc/jrp/catalogues/$version" "$R/etc/jrp/catalogues/$version-office"
ln -sfn "catalogues/$version-office" "$R/etc/jrp/rules.new" && mv -T "$R/etc/jrp/rules.new" "$R/etc/jrp/rules"
if dpkg_root --force-confold -i "$deb" > "$work/upgrade.log" 2>&1 && grep -q "an office's note" "$R/etc/jrp/jrp.yaml" &&
   [ "$(readlink "$R/etc/jrp/rules")" = "catalogues/$version-office" ] && [ "$(grep -c '^jrp:' "$R/etc/passwd")" = 1 ] &&
   [ "$(grep '^jrp:' "$R/etc/passwd" | cut -d: -f3)" = "$uid" ]; then
  ok "an upgrade keeps a changed jrp.yaml, the catalogue link where the office moved it, the jrp user"
else
  sed 's/^/# /' "$work/upgrade.log"; nok "an upgrade keeps local changes"
fi
if dpkg_root --purge jrp > "$work/purge.log" 2>&1 && [ ! -e "$R/etc/jrp/jrp.yaml" ] && [ ! -L "$R/etc/jrp/rules" ] &&
   [ ! -e "$R/usr/sbin/jrp-ingest" ] && [ ! -L "$R/etc/systemd/system/multi-user.target.wants/jrp.target" ] &&
   [ -f "$R/var/lib/jrp/ingest/data.mdb" ]; then
  ok "purge removes the binaries, conffiles, the link and the enablement, and keeps /var/lib/jrp's data"
else
  sed 's/^/# /' "$work/purge.log"; ls -laR "$R/etc/jrp" 2>&1 | head -10 | sed 's/^/# /'; nok "purge"
fi

# ---- 8: meson install ----
M=$work/meson-root
if meson install -C "$build" --destdir "$M" > "$work/meson-install.log" 2>&1; then
  prefix=$(meson introspect "$build" --buildoptions | python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"]=="prefix"][0])')
  etc=$M$(dirname "$(sed -n 's/.*"\(\/.*\/jrp\.yaml\)".*/\1/p' "$build/common/jrp_paths.h")")
  [ -x "$M$prefix/sbin/jrp-ingest" ] && [ -x "$M$prefix/bin/jrpctl" ] && [ -f "$etc/jrp.yaml" ] && [ -L "$etc/rules" ] &&
    ok "meson install (prefix $prefix): daemons in sbin, jrpctl in bin, ${etc#$M}/jrp.yaml and the catalogue link" ||
    nok "meson install layout"
  echo "# an office's note" >> "$etc/jrp.yaml"
  if meson install -C "$build" --destdir "$M" >> "$work/meson-install.log" 2>&1 && grep -q "an office's note" "$etc/jrp.yaml" &&
     [ -f "$etc/jrp.yaml.dist" ]; then
    ok "a second meson install keeps the configuration (the shipped one beside it as jrp.yaml.dist)"
  else
    nok "a second meson install keeps the configuration"
  fi
else
  sed 's/^/# /' "$work/meson-install.log" | tail -10; nok "meson install"
fi
finish
