#!/bin/sh
# A slow output with a small queue: its overflow policy holds, every drop is
# counted and reported in its own stream as a loss event, and the other
# output, with room, gets every event.  With `block`, nothing is lost.
. "$top_srcdir/tests/lib/common.sh"

N=3000
make_events $N 1000 > "$TMP/in.log"

for policy in drop_newest drop_oldest block; do
	rm -f "$TMP/slow.json" "$TMP/all.json"
	write_config "$TMP/a.conf" \
		"name = \"slow\"; plugin = \"slow\"; path = \"$TMP/slow.json\"; delay_ms = 20;
		 queue = { size = 50; overflow = \"$policy\"; batch = 10; };" \
		"name = \"all\"; plugin = \"file\"; path = \"$TMP/all.json\";"
	"$AUDITSTREAM" -c "$TMP/a.conf" --replay "$TMP/in.log" 2>"$TMP/log" ||
		{ cat "$TMP/log"; fail "$policy: replay failed"; }
	py "$TMP/slow.json" "$TMP/all.json" "$policy" "$N" "$TMP/log" <<'PY' || exit 1
import json, re, sys
slow_path, all_path, policy, n, log = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
slow = [json.loads(l) for l in open(slow_path)]
full = [json.loads(l) for l in open(all_path)]
events = [e['sequence'] for e in slow if 'sequence' in e]
losses = [e for e in slow if e.get('type') == 'auditstream_loss']
err = []
told = [e for e in full if e.get('type') == 'auditstream_loss']
full = [e for e in full if 'sequence' in e]
if [e['sequence'] for e in full] != list(range(1000, 1000 + n)):
    err.append('the fast output must get all %d events in order, got %d' % (n, len(full)))
dropped = sum(l['count'] for l in losses)
# The healthy output hears of the slow one's losses, all of them.
if any(t['reason'] != 'queue_overflow' or t['output'] != 'slow' for t in told):
    err.append('bad loss events in the healthy output: %r' % told[:3])
if sum(t['count'] for t in told) != dropped:
    err.append('the healthy output was told of %d drops, the slow one of %d' % (sum(t['count'] for t in told), dropped))
if any(l['reason'] != 'queue_overflow' or l['output'] != 'slow' for l in losses):
    err.append('bad loss events: %r' % losses[:3])
if policy == 'block':
    if losses or events != list(range(1000, 1000 + n)):
        err.append('block: want all %d events and no loss, got %d events, %d losses' % (n, len(events), len(losses)))
else:
    if not losses:
        err.append('%s: a queue of 50 behind a slow output must overflow' % policy)
    if len(events) + dropped != n:
        err.append('%s: written %d + reported dropped %d != %d' % (policy, len(events), dropped, n))
    if events != sorted(events) or len(set(events)) != len(events):
        err.append('%s: events out of order or duplicated' % policy)
    if policy == 'drop_newest' and events[:50] != list(range(1000, 1050)):
        err.append('drop_newest keeps the first events: %r' % events[:5])
    if policy == 'drop_oldest' and events[-1] != 1000 + n - 1:
        err.append('drop_oldest keeps the newest: last is %r' % events[-1])
    stats = re.search(r'output slow: enqueued=(\d+) written=(\d+) dropped=(\d+)', open(log).read())
    if not stats or int(stats.group(3)) != dropped:
        err.append('stats dropped should be %d: %r' % (dropped, stats and stats.group(0)))
for e in err:
    print('FAIL:', e)
print('# %s: %d written, %d dropped in %d loss events' % (policy, len(events), dropped, len(losses)))
sys.exit(1 if err else 0)
PY
done
exit 0
