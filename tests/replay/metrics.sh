#!/bin/sh
# metrics = { path; interval_s; }: the Prometheus text file is written while
# a replay runs (scraped mid-way, as node_exporter would) and at exit, parses
# as text exposition format, and its values are what was sent: records,
# events, missed serials (a gap in the input), and per output written and
# dropped (an output whose peer refuses every audit event: a replay waits
# for a slow output rather than drop) -- the same numbers the stats log line
# gives.  A symlink planted at a temporary name is never followed.
. "$top_srcdir/tests/lib/common.sh"

# 300 events, then a gap of 5 serials, then 200 more.
make_events 300 1 > "$TMP/in1.log"
make_events 200 306 > "$TMP/in2.log"
mkfifo "$TMP/fifo"
EXTRA_CONFIG="metrics = { path = \"$TMP/m/auditstream.prom\"; interval_s = 1; };
message_tracking = { max_out_of_order = 10; };" write_config "$TMP/a.conf" \
	"name = \"all\"; plugin = \"file\"; path = \"$TMP/all.json\";" \
	"name = \"sl\\\"ow\"; plugin = \"flaky\"; path = \"$TMP/slow.json\"; down_flag = \"$TMP/nope\";
	 reject_flag = \"$TMP/reject\"; queue = { size = 20; max_bytes = 65536; overflow = \"drop_newest\"; batch = 5; };"
touch "$TMP/reject"
mkdir "$TMP/m"
# Another user who may write the directory plants a symlink where the old
# temporary file went: the file it points to must stay untouched.
echo precious > "$TMP/victim"
ln -s "$TMP/victim" "$TMP/m/auditstream.prom.tmp"
"$AUDITSTREAM" -c "$TMP/a.conf" --replay "$TMP/fifo" 2>"$TMP/log" &
pid=$!
exec 3>"$TMP/fifo"
cat "$TMP/in1.log" >&3
wait_for 20 sh -c "grep -q '^auditstream_events_total [1-9]' '$TMP/m/auditstream.prom'" ||
	{ cat "$TMP/log"; fail "no metrics file with events during the replay"; }
cp "$TMP/m/auditstream.prom" "$TMP/mid.prom"
cat "$TMP/in2.log" >&3
exec 3>&-
wait $pid || { cat "$TMP/log"; fail "replay failed"; }
ls "$TMP/m" | grep -v '^auditstream.prom$' | grep -v '^auditstream.prom.tmp$' &&
	fail "temporary file left beside the metrics file"
[ "$(cat "$TMP/victim")" = precious ] || fail "the metrics were written through a planted symlink"
[ -L "$TMP/m/auditstream.prom.tmp" ] || fail "the planted symlink was replaced"

py "$TMP/mid.prom" "$TMP/m/auditstream.prom" "$TMP/log" "$TMP/all.json" <<'PY' || exit 1
import json, re, sys
mid, final, log, alljson = sys.argv[1:5]
# The text exposition format, strictly: HELP and TYPE once per family and
# before its samples, names and labels well-formed, values numbers.
sample = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")*)?\})? (-?[0-9.e+]+|NaN|[+-]Inf)$')
def parse(path):
    vals, types, seen = {}, {}, set()
    for n, line in enumerate(open(path), 1):
        line = line.rstrip('\n')
        m = re.match(r'^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$', line)
        if m:
            key = (m.group(1), m.group(2))
            assert key not in seen, '%s:%d: second %s' % (path, n, key)
            seen.add(key)
            if m.group(1) == 'TYPE':
                assert m.group(3) in ('counter', 'gauge'), line
                types[m.group(2)] = m.group(3)
            continue
        m = sample.match(line)
        assert m, '%s:%d: not a sample: %r' % (path, n, line)
        assert m.group(1) in types, '%s:%d: sample before its TYPE' % (path, n)
        if types[m.group(1)] == 'counter':
            assert m.group(1).endswith('_total'), m.group(1)
        key = m.group(1) + (m.group(2) or '')
        assert key not in vals, 'duplicate ' + key
        vals[key] = float(m.group(4))
    return vals
a, b = parse(mid), parse(final)
err = []
if not 0 < a['auditstream_events_total'] <= 300:
    err.append('mid-way events_total %r' % a['auditstream_events_total'])
for k, v in a.items():
    if k.endswith('_total') and b[k] < v:
        err.append('counter %s went down: %r -> %r' % (k, v, b[k]))
want = {
    'auditstream_records_received_total': 1000,
    'auditstream_events_total': 500,
    'auditstream_missed_serials_total': 5,
    # every counter of the stats log line is a series too (one list, stats.c)
    'auditstream_duplicate_serials_total': 0,
    'auditstream_serial_resets_total': 0,
    'auditstream_output_dropped_total{output="all",plugin="file"}': 0,
    'auditstream_output_queue_capacity{output="sl\\"ow",plugin="flaky"}': 20,
    'auditstream_output_queue_depth{output="sl\\"ow",plugin="flaky"}': 0,
    'auditstream_output_queue_bytes{output="sl\\"ow",plugin="flaky"}': 0,
    'auditstream_output_queue_max_bytes{output="sl\\"ow",plugin="flaky"}': 65536,
    'auditstream_output_queue_max_bytes{output="all",plugin="file"}': 32 << 20,
}
for k, v in want.items():
    if b.get(k) != v:
        err.append('%s = %r, want %r' % (k, b.get(k), v))
# The refusing output: what it wrote and dropped, as its own log line says and
# as its file holds.
m = re.search(r'output sl"ow: enqueued=(\d+) written=(\d+) dropped=(\d+)', open(log).read())
slow = 'auditstream_output_%s_total{output="sl\\"ow",plugin="flaky"}'
if not m:
    err.append('no stats line for the slow output')
else:
    if b[slow % 'written'] != int(m.group(2)) or b[slow % 'dropped'] != int(m.group(3)):
        err.append('slow output: metrics written=%r dropped=%r, log says %s' % (b[slow % 'written'], b[slow % 'dropped'], m.group(0)))
    if b[slow % 'dropped'] == 0:
        err.append('the slow output dropped nothing: the test proves nothing about drops')
# The healthy output: every event plus the loss events (the gap, the slow
# output's drops), each line counted as enqueued and written.
lines = [json.loads(l) for l in open(alljson)]
if sum(1 for e in lines if 'sequence' in e) != 500:
    err.append('the file output has %d events' % len(lines))
for k in ('enqueued', 'written'):
    v = b['auditstream_output_%s_total{output="all",plugin="file"}' % k]
    if v != len(lines):
        err.append('all: %s_total %r, the file has %d lines' % (k, v, len(lines)))
for e in err:
    print('FAIL: ' + e)
print('# mid-way events_total=%d, final written/dropped by the slow output %d/%d' % (a['auditstream_events_total'], b.get(slow % 'written', -1), b.get(slow % 'dropped', -1)))
sys.exit(1 if err else 0)
PY

check_law "$TMP/log"

# A bad path is a config error, not a silent no-op.
EXTRA_CONFIG='metrics = { path = "relative.prom"; };' write_config "$TMP/b.conf" "plugin = \"file\"; path = \"$TMP/x.json\";"
"$AUDITSTREAM" -c "$TMP/b.conf" --check-config 2>"$TMP/log2" && fail "relative metrics.path accepted"
grep -q "metrics.path: must be an absolute path" "$TMP/log2" || fail "$(cat "$TMP/log2")"
exit 0
