#!/bin/sh
# format = "enriched": the auditd-basic capture replayed gives, event for
# event, the objects of tests/fixtures/enriched/auditd-basic.expected.json,
# which were written from `ausearch -i` readings of the same capture (names,
# decoded args and paths, sockaddr, errno names), not from auditstream.
# Compared as parsed JSON.  Names of uids other than 0 depend on the host;
# the capture only has root (0) and unset.  The same run's raw output must
# give back the capture's lines.
. "$top_srcdir/tests/lib/common.sh"

EXTRA_CONFIG='node = "testnode";' write_config "$TMP/a.conf" \
	"plugin = \"file\"; path = \"$TMP/enriched.json\"; format = \"enriched\";" \
	"plugin = \"file\"; name = \"raw\"; path = \"$TMP/raw.json\"; format = \"raw\";" \
	"plugin = \"file\"; name = \"goaudit\"; path = \"$TMP/goaudit.json\";"
"$AUDITSTREAM" -c "$TMP/a.conf" --replay "$FIXTURES/auditd-basic.log" 2>"$TMP/log" ||
	{ cat "$TMP/log"; fail "replay exited with $?"; }
check_law "$TMP/log"

py "$FIXTURES/enriched/auditd-basic.expected.json" "$TMP/enriched.json" "$TMP/raw.json" \
	"$FIXTURES/auditd-basic.log" "$TMP/goaudit.json" <<'PY' || exit 1
import json, sys
exp_f, got_f, raw_f, log_f, ga_f = sys.argv[1:6]
want = [json.loads(l) for l in open(exp_f, encoding='utf-8')]
# auditd-basic has gaps between serials: its loss events are not compared here
def events(f):
    return [e for e in (json.loads(l) for l in open(f, encoding='utf-8'))
            if e.get('type') != 'auditstream_loss']
got = events(got_f)
errors = []
if [e['serial'] for e in got] != [e['serial'] for e in want]:
    errors.append('serials: got %r want %r' % ([e['serial'] for e in got], [e['serial'] for e in want]))
def diff(path, g, w):
    if type(g) != type(w):
        errors.append('%s: got %r, want %r' % (path, g, w)); return
    if isinstance(w, dict):
        for k in sorted(set(g) | set(w)):
            if k not in g: errors.append('%s.%s: missing (want %r)' % (path, k, w[k]))
            elif k not in w: errors.append('%s.%s: unexpected %r' % (path, k, g[k]))
            else: diff(path + '.' + k, g[k], w[k])
    elif isinstance(w, list):
        if len(g) != len(w): errors.append('%s: %d items, want %d' % (path, len(g), len(w)))
        for i, (a, b) in enumerate(zip(g, w)): diff('%s[%d]' % (path, i), a, b)
    elif g != w:
        errors.append('%s: got %r, want %r' % (path, g, w))
for g, w in zip(got, want):
    diff('serial %d' % w['serial'], g, w)
# raw: the capture's own lines, event by event, in order
lines = [l.rstrip('\n') for l in open(log_f, encoding='utf-8', errors='replace')]
raw = [r for e in events(raw_f) for r in e['records']]
if raw != lines:
    errors.append('raw records differ from the capture: %d vs %d lines' % (len(raw), len(lines)))
for e in events(raw_f):
    if e['node'] != 'testnode' or not e['time'].endswith('Z'):
        errors.append('raw event %d: node/time %r %r' % (e['serial'], e['node'], e['time']))
# goaudit is unchanged by the other formats: same serials
ga = [e['sequence'] for e in events(ga_f)]
if ga != [e['serial'] for e in want]:
    errors.append('goaudit serials %r' % ga)
for e in errors[:30]:
    print('FAIL:', e)
print('# %d enriched events compared' % len(got))
sys.exit(1 if errors else 0)
PY
