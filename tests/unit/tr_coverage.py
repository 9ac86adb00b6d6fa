#!/usr/bin/env python3
"""tests/unit/tr_coverage.py SOURCE_ROOT - every text a program gives to tr() (or marks with N_()
for a later tr) has a row in its Chinese table, and every row is still used: jrpctl's
(services/ctl/*.c, table ctl_zh in services/ctl/zh.c) and the daemons' (common/daemon.c, table
daemon_zh). A text without a row would print in English under a Chinese locale; a row no text
uses is a translation left behind by an English edit. Prints TAP."""
import glob
import os
import re
import sys

root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', '..')
LIT = r'"(?:[^"\\]|\\.)*"'
CALL = re.compile(r'\b(?:tr|N_)\(\s*((?:' + LIT + r'\s*)+)\)')
ROW = re.compile(r'\{\s*((?:' + LIT + r'\s*)+),\s*((?:' + LIT + r'\s*)+|NULL)\s*\}')


def text(lits):
    return ''.join(x[1:-1] for x in re.findall(LIT, lits))


def strip_comments(src):
    return re.sub(r'/\*.*?\*/', '', src, flags=re.S)


def used(files):
    out = set()
    for f in files:
        for m in CALL.finditer(strip_comments(open(f, encoding='utf-8').read())):
            out.add(text(m.group(1)))
    return out


def rows(path, name):
    src = strip_comments(open(path, encoding='utf-8').read())
    start = src.index(name + '[] = {')
    body = src[start:src.index('{ NULL, NULL }', start)]
    return {text(m.group(1)) for m in ROW.finditer(body)}


n = failed = 0


def check(ok, what, details):
    global n, failed
    n += 1
    print(('ok' if ok else 'not ok') + ' %d - %s' % (n, what))
    for d in sorted(details):
        print('#   "%s"' % d)
    failed += not ok


ctl_src = sorted(glob.glob(os.path.join(root, 'services/ctl/*.c')))
ctl_used, ctl_rows = used(ctl_src), rows(os.path.join(root, 'services/ctl/zh.c'), 'ctl_zh')
check(not ctl_used - ctl_rows, "every tr() text of jrpctl (%d) has a Chinese row in zh.c" % len(ctl_used),
      ctl_used - ctl_rows)
check(not ctl_rows - ctl_used, "every row of zh.c (%d) is a text jrpctl gives to tr()" % len(ctl_rows),
      ctl_rows - ctl_used)
d = os.path.join(root, 'common/daemon.c')
d_used, d_rows = used([d]), rows(d, 'daemon_zh')
check(d_used == d_rows and d_used, "the daemons' help: every tr() text has a row and every row is used",
      d_used ^ d_rows)
print('1..%d' % n)
sys.exit(1 if failed else 0)
