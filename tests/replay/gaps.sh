#!/bin/sh
# A log with known gaps, as an analyst replays one: single serials and
# bursts absent, auditd's DAEMON_START/DAEMON_END records (auditd's own
# serials) standing inside the gaps, events slightly out of order.  The
# in-band missed_serials reports name exactly the absent serials, each once,
# and never one that was delivered; the stats count the same number.
# (Before the fix every DAEMON record inside a gap was reported missed.)
. "$top_srcdir/tests/lib/common.sh"

py "$TMP/in.log" "$TMP/absent" <<'PY' || fail "cannot write the input"
import random, sys
rnd = random.Random(14)
out = open(sys.argv[1], 'w')
def event(s):
    h = 'msg=audit(1700000000.%03d:%d): ' % (s % 1000, s)
    out.write('type=SYSCALL ' + h + 'arch=c000003e syscall=110 success=yes exit=1 items=0 ppid=1 pid=2 auid=0 uid=0 comm="load" exe="/usr/bin/load" key="t"\n')
    out.write('type=PROCTITLE ' + h + 'proctitle=6C6F6164\n')
def daemon(s):
    out.write('type=DAEMON_START msg=audit(1700000000.000:%d): op=start ver=3.0.9 format=raw auid=4294967295 pid=3 uid=0 ses=4294967295 res=success\n' % s)
serials, absent, i = [], [], 1000
while i < 21000:
    r = rnd.random()
    if r < 0.002:                      # a burst lost
        n = rnd.randint(2, 60)
        absent += range(i, i + n)
        i += n
    elif r < 0.02:                     # one lost; sometimes a DAEMON record takes its serial
        serials.append(('d', i) if rnd.random() < 0.5 else None)
        if serials[-1] is None:
            serials.pop()
            absent.append(i)
        i += 1
    else:
        serials.append(('e', i))
        i += 1
# Slightly out of order (well inside the tracker's window).
keyed = sorted((k + rnd.randint(0, 20), x) for k, x in enumerate(serials))
for _, (kind, s) in keyed:
    (daemon if kind == 'd' else event)(s)
open(sys.argv[2], 'w').write(' '.join(map(str, absent)))
PY
write_config "$TMP/a.conf" "name = \"f\"; plugin = \"file\"; path = \"$TMP/f.json\";"
"$AUDITSTREAM" -c "$TMP/a.conf" --replay "$TMP/in.log" 2>"$TMP/log" || { tail "$TMP/log"; fail "replay failed"; }
py "$TMP/f.json" "$TMP/absent" "$TMP/log" <<'PY' || fail "missed serials are not exactly the absent ones"
import json, re, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
absent = set(map(int, open(sys.argv[2]).read().split()))
seen = {e['sequence'] for e in ev if 'sequence' in e}
told = []
for e in ev:
    if e.get('type') == 'auditstream_loss':
        assert e['reason'] == 'missed_serials', e
        told += range(e['first_serial'], e['last_serial'] + 1)
        assert e['count'] == e['last_serial'] - e['first_serial'] + 1, e
assert len(told) == len(set(told)), 'a serial reported twice'
assert not set(told) & seen, 'delivered serials reported missed: %r' % sorted(set(told) & seen)[:10]
assert set(told) == absent, 'reported %d, absent %d; not reported %r, wrongly %r' % (
    len(told), len(absent), sorted(absent - set(told))[:10], sorted(set(told) - absent)[:10])
m = re.search(r'stats: .* missed=(\d+) ', open(sys.argv[3]).read())
assert m and int(m.group(1)) == len(absent), m and m.group(0)
print('# %d events, %d absent serials reported exactly, in %d loss events' % (
    len(seen), len(absent), sum(1 for e in ev if e.get('type') == 'auditstream_loss')))
PY
check_law "$TMP/log"
exit 0
