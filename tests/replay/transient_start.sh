#!/bin/sh
# Transient start-up (plugin ABI 1.1): a plugin whose create() says "not
# yet" (-EAGAIN; tests/plugins/flaky.c while notready_flag exists) does not
# stop the daemon: the output starts in the retry state, create() is tried
# again with backoff while the replay waits for it, and once the plugin is
# ready every event arrives, once, in order, the counters adding up.  With
# a spool, the events wait on disk meanwhile; with no events yet, create()
# is retried all the same.  A create() failing for any
# other reason still stops the start.
. "$top_srcdir/tests/lib/common.sh"
[ -e "$PLUGDIR/flaky.so" ] || fail "tests/plugins/flaky.so not built"

make_events 200 1 > "$TMP/in.log"
touch "$TMP/notready"
write_config "$TMP/a.conf" "name = \"t\"; plugin = \"flaky\"; path = \"$TMP/out.json\";
  down_flag = \"$TMP/down\"; notready_flag = \"$TMP/notready\";
  retry = { initial_ms = 20; max_ms = 100; };"
"$AUDITSTREAM" -c "$TMP/a.conf" --check-config >"$TMP/check.out" 2>&1 || fail "check: $(cat "$TMP/check.out")"
"$AUDITSTREAM" -c "$TMP/a.conf" --replay "$TMP/in.log" >/dev/null 2>"$TMP/log" &
pid=$!
stop() { kill -9 $pid 2>/dev/null; }
CLEANUP_HOOKS="$CLEANUP_HOOKS stop"
wait_for 20 grep -q 'output t: plugin "flaky" is not ready yet; the output starts in the retry state, its events queued until it is' "$TMP/log" ||
	fail "no retry-state start: $(cat "$TMP/log")"
# It keeps trying (the plugin logs each refusal), and nothing is written.
wait_for 20 sh -c "[ \$(grep -c 'not ready: ' '$TMP/log') -ge 3 ]" || fail "create() not retried: $(cat "$TMP/log")"
kill -0 $pid 2>/dev/null || fail "the daemon did not keep running: $(cat "$TMP/log")"
[ ! -e "$TMP/out.json" ] || fail "the plugin wrote before it was created"
rm "$TMP/notready"
wait $pid || fail "replay: $(cat "$TMP/log")"
grep -q 'output t: plugin "flaky" started after [0-9]* tries' "$TMP/log" || fail "no start line: $(cat "$TMP/log")"
py "$TMP/out.json" <<'PY' || fail "events after the late start"
import json, sys
seq = [json.loads(l)['sequence'] for l in open(sys.argv[1])]
assert seq == list(range(1, 201)), (len(seq), seq[:5])
PY
check_law "$TMP/log" t
grep -q "output t: enqueued=200 written=200 dropped=0 undelivered=0" "$TMP/log" || fail "$(grep 'output t:' "$TMP/log")"

# With a spool: the events go to disk while the plugin is not ready, and
# come from there once it is.
rm -f "$TMP/out.json"; touch "$TMP/notready"; mkdir -m 0700 "$TMP/spool"
write_config "$TMP/s.conf" "name = \"s\"; plugin = \"flaky\"; path = \"$TMP/out.json\";
  down_flag = \"$TMP/down\"; notready_flag = \"$TMP/notready\";
  retry = { initial_ms = 20; max_ms = 100; }; spool = { dir = \"$TMP/spool\"; };"
"$AUDITSTREAM" -c "$TMP/s.conf" --replay "$TMP/in.log" >/dev/null 2>"$TMP/slog" &
pid=$!
wait_for 20 grep -q 'output s: plugin "flaky" is not ready yet; .* its events queued and spooled until it is' "$TMP/slog" ||
	fail "spool: no retry-state start: $(cat "$TMP/slog")"
wait_for 20 sh -c "[ \$(grep -c 'not ready: ' '$TMP/slog') -ge 3 ]" || fail "spool: create() not retried"
rm "$TMP/notready"
wait $pid || fail "spool replay: $(cat "$TMP/slog")"
[ "$(wc -l < "$TMP/out.json")" = 200 ] || fail "spool: $(wc -l < "$TMP/out.json") events, want 200"
check_law "$TMP/slog" s
grep -q "output s: enqueued=200 .* spooled=[1-9]" "$TMP/slog" || fail "spool: nothing went to the spool: $(grep "output s: enqueued" "$TMP/slog")"
note "$(grep "output s: enqueued" "$TMP/slog")"

# No event yet: create() is still tried with backoff, and the plugin starts
# before the first event comes (input from a FIFO kept open and empty).
rm -f "$TMP/out.json"; touch "$TMP/notready"; mkfifo "$TMP/fifo"
write_config "$TMP/i.conf" "name = \"i\"; plugin = \"flaky\"; path = \"$TMP/out.json\";
  down_flag = \"$TMP/down\"; notready_flag = \"$TMP/notready\";
  retry = { initial_ms = 20; max_ms = 100; };"
"$AUDITSTREAM" -c "$TMP/i.conf" --replay "$TMP/fifo" >/dev/null 2>"$TMP/ilog" &
pid=$!
exec 7>"$TMP/fifo"	# the writer end, open: the replay waits for input
wait_for 20 sh -c "[ \$(grep -c 'not ready: ' '$TMP/ilog') -ge 3 ]" || fail "idle: create() not retried: $(cat "$TMP/ilog")"
rm "$TMP/notready"
wait_for 20 grep -q 'output i: plugin "flaky" started after [0-9]* tries' "$TMP/ilog" ||
	fail "idle: the plugin did not start before an event came: $(cat "$TMP/ilog")"
[ -e "$TMP/out.json" ] || fail "idle: create() did not run (its file is not there)"
make_events 5 1 >&7
exec 7>&-
wait $pid || fail "idle replay: $(cat "$TMP/ilog")"
[ "$(wc -l < "$TMP/out.json")" = 5 ] || fail "idle: $(wc -l < "$TMP/out.json") events, want 5"
check_law "$TMP/ilog" i

# Any other create() failure is a start-up error, as before.
write_config "$TMP/b.conf" "name = \"b\"; plugin = \"flaky\"; path = \"$TMP/nodir/x/out.json\";
  down_flag = \"$TMP/down\";"
"$AUDITSTREAM" -c "$TMP/b.conf" --replay "$TMP/in.log" >/dev/null 2>"$TMP/blog" && fail "a failing create() did not stop the start"
grep -q 'output b: plugin "flaky" could not start: No such file or directory' "$TMP/blog" || fail "$(cat "$TMP/blog")"
exit 0
