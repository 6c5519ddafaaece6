#!/bin/sh
# A file input cannot be overrun: a replay waits for a slow output whatever
# its queue.overflow says (the policies protect the kernel input only), so
# every event arrives, once, in order, and nothing is counted as dropped or
# reported lost.  The acceptance case: 10^5 events into a slow output with
# the default queue.  Before the fix a drop_newest queue of 50 behind a slow
# output lost most of the 3000 events.
. "$top_srcdir/tests/lib/common.sh"

N=3000
make_events $N 1000 > "$TMP/in.log"

check_all() {	# FILE N LOG NAME
	py "$@" <<'PY' || exit 1
import json, re, sys
path, n, log, name = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
ev = [json.loads(l) for l in open(path)]
seqs = [e['sequence'] for e in ev if 'sequence' in e]
losses = [e for e in ev if e.get('type') == 'auditstream_loss']
err = []
if seqs != list(range(1000, 1000 + n)):
    err.append('%s: want all %d events in order, got %d' % (name, n, len(seqs)))
if losses:
    err.append('%s: loss events in a replay: %r' % (name, losses[:3]))
m = re.search(r'output %s: enqueued=(\d+) written=(\d+) dropped=(\d+) undelivered=(\d+)' % name, open(log).read())
if not m or m.groups() != (str(n), str(n), '0', '0'):
    err.append('%s: stats %r' % (name, m and m.group(0)))
for e in err:
    print('FAIL:', e)
print('# %s: %d events, %d loss events' % (name, len(seqs), len(losses)))
sys.exit(1 if err else 0)
PY
}

for policy in drop_newest drop_oldest block; do
	rm -f "$TMP/slow.json" "$TMP/all.json"
	write_config "$TMP/a.conf" \
		"name = \"slow\"; plugin = \"slow\"; path = \"$TMP/slow.json\"; delay_ms = 20;
		 queue = { size = 50; overflow = \"$policy\"; batch = 10; };" \
		"name = \"all\"; plugin = \"file\"; path = \"$TMP/all.json\";"
	"$AUDITSTREAM" -c "$TMP/a.conf" --replay "$TMP/in.log" 2>"$TMP/log" ||
		{ cat "$TMP/log"; fail "$policy: replay failed"; }
	check_all "$TMP/slow.json" $N "$TMP/log" slow
	check_all "$TMP/all.json" $N "$TMP/log" all
	check_law "$TMP/log"
done

# 10^5 events, the default queue (65536, drop_newest), an output about ten
# times slower than the reader: every event is delivered.
N=100000
make_events $N 1000 > "$TMP/big.log"
write_config "$TMP/b.conf" "name = \"slow\"; plugin = \"slow\"; path = \"$TMP/slow.json\"; delay_ms = 5;"
rm -f "$TMP/slow.json"
"$AUDITSTREAM" -c "$TMP/b.conf" --replay "$TMP/big.log" 2>"$TMP/log" ||
	{ cat "$TMP/log"; fail "10^5: replay failed"; }
check_all "$TMP/slow.json" $N "$TMP/log" slow
check_law "$TMP/log"
exit 0
