#!/bin/sh
# An output whose peer is down answers RETRY (after writing half a batch):
# the core backs off and retries, and once the peer is back every event
# arrives exactly once, in order; the retries show in the stats.  An output
# that answers FATAL is disabled alone: the others get everything.
. "$top_srcdir/tests/lib/common.sh"

N=500
make_events $N 1 > "$TMP/in.log"
touch "$TMP/down"
write_config "$TMP/a.conf" \
	"name = \"flaky\"; plugin = \"flaky\"; path = \"$TMP/flaky.json\"; down_flag = \"$TMP/down\";
	 queue = { size = 100000; batch = 64; }; retry = { initial_ms = 20; max_ms = 200; };" \
	"name = \"all\"; plugin = \"file\"; path = \"$TMP/all.json\";"
"$AUDITSTREAM" -c "$TMP/a.conf" --replay "$TMP/in.log" 2>"$TMP/log" &
pid=$!
wait_for 10 grep -q "write failed, retrying" "$TMP/log" || { kill $pid; fail "no retry logged"; }
sleep 0.5
rm -f "$TMP/down"
wait $pid || { cat "$TMP/log"; fail "replay failed"; }
check_law "$TMP/log"
py "$TMP/flaky.json" "$TMP/all.json" $N <<'PY' || exit 1
import json, sys
flaky = [json.loads(l)['sequence'] for l in open(sys.argv[1])]
full = [json.loads(l)['sequence'] for l in open(sys.argv[2])]
n = int(sys.argv[3])
want = list(range(1, n + 1))
ok = flaky == want and full == want
print('# flaky got %d events, all got %d' % (len(flaky), len(full)))
sys.exit(0 if ok else 1)
PY
grep -q "output flaky: recovered after" "$TMP/log" || fail "recovery not logged"
grep -Eq "output flaky: enqueued=$N written=$N dropped=0 undelivered=0 retries=[1-9][0-9]* .* refused=[1-9]" "$TMP/log" ||
	fail "stats: $(grep 'output flaky' "$TMP/log")"

# FATAL: that output is disabled, the daemon and the other output go on.
touch "$TMP/fatal"
rm -f "$TMP/all.json"
write_config "$TMP/b.conf" \
	"name = \"doomed\"; plugin = \"flaky\"; path = \"$TMP/doomed.json\"; down_flag = \"$TMP/nope\"; fatal_flag = \"$TMP/fatal\";" \
	"name = \"all\"; plugin = \"file\"; path = \"$TMP/all.json\";"
"$AUDITSTREAM" -c "$TMP/b.conf" --replay "$TMP/in.log" 2>"$TMP/log2" || { cat "$TMP/log2"; fail "FATAL must not stop the daemon"; }
check_law "$TMP/log2"
grep -q "output doomed: the plugin reported a fatal error: output disabled" "$TMP/log2" || fail "$(cat "$TMP/log2")"
py "$TMP/all.json" "$TMP/log2" $N <<'PY' || fail "the healthy output must get all $N events and hear of the losses"
import json, re, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
n = int(sys.argv[3])
assert [e['sequence'] for e in ev if 'sequence' in e] == list(range(1, n + 1))
told = sum(e['count'] for e in ev if e.get('type') == 'auditstream_loss' and e['output'] == 'doomed')
dropped = int(re.search(r'output doomed: enqueued=\d+ written=\d+ dropped=(\d+)', open(sys.argv[2]).read()).group(1))
assert told == dropped and dropped > 0, (told, dropped)
PY
grep -q "output doomed: .* DISABLED" "$TMP/log2" || fail "stats must show the output disabled"

# `block` behind an output that stays down: SIGTERM still stops the daemon
# within the drain time, and what could not be delivered is counted.
touch "$TMP/down"
make_events 5000 1 > "$TMP/big.log"
EXTRA_CONFIG='shutdown = { drain_time_ms = 500; };' write_config "$TMP/c.conf" \
	"name = \"stuck\"; plugin = \"flaky\"; path = \"$TMP/stuck.json\"; down_flag = \"$TMP/down\";
	 queue = { size = 10; overflow = \"block\"; batch = 4; }; retry = { initial_ms = 50; max_ms = 100; };"
"$AUDITSTREAM" -c "$TMP/c.conf" --replay "$TMP/big.log" 2>"$TMP/log3" &
pid=$!
wait_for 10 grep -q "write failed, retrying" "$TMP/log3" || { kill -9 $pid; fail "no retry"; }
kill -TERM $pid
i=0
while kill -0 $pid 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 100 ] && { kill -9 $pid; fail "SIGTERM did not stop a reader blocked on a dead output"; }
	sleep 0.1
done
wait $pid || fail "exit status after SIGTERM: $?"
check_law "$TMP/log3"
py "$TMP/log3" "$TMP/stuck.json" <<'PY' || exit 1
import re, sys
log = open(sys.argv[1]).read()
m = re.search(r'output stuck: enqueued=(\d+) written=(\d+) dropped=(\d+) undelivered=(\d+) retries=\d+ loss_events=(\d+)', log)
assert m, log
enq, written, dropped, undelivered, loss_events = map(int, m.groups())
lines = sum(1 for _ in open(sys.argv[2]))
# Every event the reader completed is accounted for, one way or another.
assert written == lines, (written, lines)
# (loss events the worker made count as written or undelivered too)
assert enq + loss_events == written + dropped + undelivered, m.group(0)
assert dropped + undelivered > 0, m.group(0)
print('# ' + m.group(0))
PY

# A plugin that gives events up for good (host->drop, e.g. an HTTP 400):
# counted, and a loss event with its reason appears in that output's stream.
touch "$TMP/reject"
write_config "$TMP/d.conf" \
	"name = \"picky\"; plugin = \"flaky\"; path = \"$TMP/picky.json\"; down_flag = \"$TMP/nope\"; reject_flag = \"$TMP/reject\";"
"$AUDITSTREAM" -c "$TMP/d.conf" --replay "$TMP/in.log" 2>"$TMP/log4" || fail "replay with a rejecting plugin"
check_law "$TMP/log4"
py "$TMP/picky.json" <<'PY' || exit 1
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
losses = [e for e in ev if e.get('type') == 'auditstream_loss']
assert losses and all(l['reason'] == 'rejected' and l['output'] == 'picky' for l in losses), ev[:3]
assert sum(l['count'] for l in losses) == 500, losses
assert all('type' in e for e in ev), 'only loss events were written'
PY
grep -q "output picky: .* rejected=500 " "$TMP/log4" || fail "stats: $(grep 'output picky' "$TMP/log4")"
