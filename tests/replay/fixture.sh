#!/bin/sh
# A real auditd capture replayed through the file sink gives exactly its
# events: grouped by serial, every record's type and text intact, in order,
# go-audit's shape, uid_map filled, and no loss reported.  The expected
# events are computed here from the raw text and <linux/audit.h>, not by
# auditstream's own code.
. "$top_srcdir/tests/lib/common.sh"

write_config "$TMP/a.conf" "plugin = \"file\"; path = \"$TMP/out.json\";"
"$AUDITSTREAM" -c "$TMP/a.conf" --replay "$FIXTURES/auditd-raw.log" 2>"$TMP/log" ||
	{ cat "$TMP/log"; fail "replay exited with $?"; }
check_law "$TMP/log"

# The same through stdin must give the same bytes.
write_config "$TMP/b.conf" "plugin = \"file\"; path = \"$TMP/out-stdin.json\";"
"$AUDITSTREAM" -c "$TMP/b.conf" --replay - < "$FIXTURES/auditd-raw.log" 2>/dev/null || fail "stdin replay"
cmp -s "$TMP/out.json" "$TMP/out-stdin.json" || fail "replay from stdin differs from replay of the file"

# Through a pipe (reads of at most 64 KiB, each emptying it): the same bytes,
# and no wait between reads (input.coalesce_ms is for the kernel's socket; a
# pipe read with waits ran 7x slower).
write_config "$TMP/c.conf" "plugin = \"file\"; path = \"$TMP/out-pipe.json\";"
cat "$FIXTURES/auditd-raw.log" | "$AUDITSTREAM" -c "$TMP/c.conf" --replay - 2>"$TMP/c.log" || fail "pipe replay"
cmp -s "$TMP/out.json" "$TMP/out-pipe.json" || fail "replay from a pipe differs from replay of the file"
! grep -q "input.coalesce_ms" "$TMP/c.log" || fail "a replay would wait between reads: $(grep coalesce "$TMP/c.log")"

py "$FIXTURES/auditd-raw.log" "$TMP/out.json" /usr/include/linux/audit.h <<'PY' || exit 1
import json, re, sys, pwd
raw, out, hdr = sys.argv[1:4]
types = {}
for line in open(hdr):
    m = re.match(r'#define\s+AUDIT_(\w+)\s+(\d+)', line)
    if m:
        types.setdefault(m.group(1), int(m.group(2)))
# auditd's name for AUDIT_USER records is USER; the header agrees.
expected = {}
order = []
rx = re.compile(r'^type=(\w+) msg=audit\((\d+)\.(\d{3}):(\d+)\): ?(.*)$')
for line in open(raw, encoding='utf-8', errors='surrogateescape'):
    m = rx.match(line.rstrip('\n'))
    assert m, line
    name, sec, ms, serial, data = m.groups()
    serial = int(serial)
    if serial not in expected:
        expected[serial] = {'timestamp': f'{sec}.{ms}', 'messages': []}
        order.append(serial)
    expected[serial]['messages'].append({'type': types[name], 'data': data})

got = [json.loads(l) for l in open(out, encoding='utf-8')]
errors = []
if any('type' in e for e in got):
    errors.append('unexpected loss events: %r' % [e for e in got if 'type' in e])
got = [e for e in got if 'type' not in e]
if sorted(e['sequence'] for e in got) != sorted(order):
    errors.append('serials differ: got %d events, want %d' % (len(got), len(order)))
for e in got:
    want = expected.get(e['sequence'])
    if not want:
        continue
    if e['timestamp'] != want['timestamp']:
        errors.append('serial %d: timestamp %s, want %s' % (e['sequence'], e['timestamp'], want['timestamp']))
    if e['messages'] != want['messages']:
        errors.append('serial %d: messages differ:\n got %r\nwant %r' % (e['sequence'], e['messages'], want['messages']))
    uids = set()
    for m in want['messages']:
        if m['type'] in (types['EXECVE'], types['CWD'], types['SOCKADDR']):
            continue
        uids.update(re.findall(r'uid=(\d+)(?: |$)', m['data']))
    for u in uids:
        try:
            name = pwd.getpwuid(int(u)).pw_name
        except KeyError:
            name = 'UNKNOWN_USER'
        if e['uid_map'].get(u) != name:
            errors.append('serial %d: uid_map[%s]=%r, want %r' % (e['sequence'], u, e['uid_map'].get(u), name))
    if set(e['uid_map']) != uids:
        errors.append('serial %d: uid_map keys %r, want %r' % (e['sequence'], sorted(e['uid_map']), sorted(uids)))
# Events in input order (the file keeps order; kernel serials ascend).
kernel = [e['sequence'] for e in got if e['sequence'] < 1000]
if kernel != sorted(kernel):
    errors.append('kernel events out of order: %r' % kernel)
for err in errors[:20]:
    print('FAIL:', err)
print('# %d events checked' % len(got))
sys.exit(1 if errors else 0)
PY
grep -q 'events=50 ' "$TMP/log" || fail "stats line should count 50 events: $(grep stats "$TMP/log")"
grep -q 'missed=0 ' "$TMP/log" || fail "no serial of this capture is missing"
