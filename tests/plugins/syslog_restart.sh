#!/bin/sh
# The syslog daemon goes away and comes back while auditstream runs (reading
# a FIFO), for a unix dgram, a TCP and a unix stream output.
#
# 1. rsyslogd restarts (SIGTERM) between events: the outputs see the failure
#    (a dgram send is refused; a stream finds the connection closed before it
#    writes into it), retry with backoff while it is down, reconnect when it
#    is back, and every event arrives once, in order; retries>0; then SIGHUP
#    makes every output reconnect.
# 2. rsyslogd is killed (SIGKILL) while events flow.  What the kernel had
#    accepted but the daemon had not yet written is lost with the daemon
#    (its socket queue, TCP buffers, its in-memory queue): syslog has no
#    acknowledgements, and the test only reports that number.  It asserts
#    what the plugin guarantees: no event is duplicated beyond one batch,
#    order holds, and every event written after the daemon was back arrives.
# 3. rsyslogd hangs (SIGSTOP) under a flood: sends time out (SO_SNDTIMEO) and
#    are retried instead of blocking, a stream resumes inside the message it
#    stopped in; after SIGCONT every event arrives once, in order, intact.
. "$top_srcdir/tests/lib/common.sh"
. "$top_srcdir/tests/plugins/syslog_lib.sh"

stop_daemon() {
	[ -n "${pid:-}" ] && kill -9 "$pid" 2>/dev/null
}
CLEANUP_HOOKS="$CLEANUP_HOOKS stop_daemon"

outputs() {	# outputs SUFFIX
	echo "name = \"dgram$1\"; plugin = \"syslog\"; tag = \"dgram$1\"; socket_path = \"$SOCK\"; $RETRY"
	echo "name = \"tcp$1\"; plugin = \"syslog\"; tag = \"tcp$1\"; network = \"tcp\"; address = \"127.0.0.1:$PORT\"; $RETRY"
	echo "name = \"ustream$1\"; plugin = \"syslog\"; tag = \"ustream$1\"; socket_path = \"$SSOCK\"; socket_type = \"stream\"; $RETRY"
}
RETRY='retry = { initial_ms = 20; max_ms = 300; }; queue = { batch = 64; };'
# count TAG : messages of TAG that reached rsyslog's file
count() { cat "$OUT" 2>/dev/null | grep -c " $1 [0-9]* "; }
have() { [ "$(count "$1")" -ge "$2" ]; }

start_rsyslog
mkfifo "$TMP/fifo"

# ---- 1: restart between events
write_config "$TMP/a.conf" "name = \"ref\"; plugin = \"file\"; path = \"$TMP/ref.json\";" \
	"$(outputs A | sed -n 1p)" "$(outputs A | sed -n 2p)" "$(outputs A | sed -n 3p)"
"$AUDITSTREAM" -c "$TMP/a.conf" --replay "$TMP/fifo" 2>"$TMP/log" &
pid=$!
exec 3<>"$TMP/fifo"	# read-write: never blocks, even if the daemon is gone
make_events 200 1 >&3
# All 200 complete first (the last ones only by timeout, as the text has no
# EOE): an event still pending at the restart would be sent into the
# stopping daemon's socket, which syslog cannot notice (no acknowledgements).
wait_for 30 sh -c "[ \$(wc -l < '$TMP/ref.json') -ge 200 ]" || fail "the first events never completed"
n1=200
for t in dgramA tcpA ustreamA; do
	wait_for 20 have $t "$n1" || fail "$t: $(count $t) of $n1 events before the restart"
done
stop_rsyslog
make_events 200 201 >&3
for t in dgramA tcpA ustreamA; do
	wait_for 20 grep -q "output $t: write failed, retrying" "$TMP/log" ||
		fail "$t: no retry while rsyslogd is down: $(cat "$TMP/log")"
done
sleep 0.5
start_rsyslog
wait_for 20 sh -c "[ \$(wc -l < '$TMP/ref.json') -ge 350 ]" || fail "events after the restart never completed"
for t in dgramA tcpA ustreamA; do
	wait_for 20 grep -q "output $t: recovered after" "$TMP/log" || fail "$t: did not recover"
done
kill -HUP $pid
wait_for 10 grep -q "SIGHUP" "$TMP/log" || fail "SIGHUP not seen"
make_events 100 401 >&3
exec 3>&-
wait $pid || { cat "$TMP/log"; fail "the daemon failed: $?"; }
check_law "$TMP/log"
pid=
for t in dgramA tcpA ustreamA; do
	wait_for 20 have $t 500 || fail "$t: $(count $t) of 500 events"
done
sleep 0.5
syslog_check '
ref_seq = [json.loads(l)["sequence"] for l in ref]
assert ref_seq == list(range(1, 501)), ref_seq[:5]
for tag in ("dgramA", "tcpA", "ustreamA"):
    seq = [json.loads(o["msg"])["sequence"] for o in tagged(tag)]
    dups = len(seq) - len(set(seq))
    assert sorted(set(seq)) == ref_seq, (tag, "missing", sorted(set(ref_seq) - set(seq))[:10])
    assert all(a <= b for a, b in zip(seq, seq[1:])), (tag, "out of order")
    assert dups <= 64, (tag, "duplicates", dups)
    s = stats(tag)
    assert int(s["retries"]) > 0 and s["written"] == "500" and s["undelivered"] == "0", (tag, s)
    # first connect, after the restart, after SIGHUP
    assert int(s["connects"]) >= 3, (tag, s)
    print("# restart: %s got all 500 events, %d duplicates, %s retries, %s connects" %
          (tag, dups, s["retries"], s["connects"]))
' || exit 1

# ---- 2: crash while events flow
write_config "$TMP/b.conf" "$(outputs B | sed -n 1p)" "$(outputs B | sed -n 2p)" "$(outputs B | sed -n 3p)"
"$AUDITSTREAM" -c "$TMP/b.conf" --replay "$TMP/fifo" 2>"$TMP/log" &
pid=$!
exec 3<>"$TMP/fifo"	# read-write: never blocks, even if the daemon is gone
CHUNKS=30
(
	i=0
	while [ $i -lt $CHUNKS ]; do
		# the second half waits for the new daemon, so there is one
		[ $i = $((CHUNKS / 2)) ] && wait_for 30 test -e "$TMP/restarted"
		# renamed into place: a reader never sees it empty (echo's
		# truncation read as "" made `after` 101, a false failure)
		echo $i > "$TMP/progress.new" && mv "$TMP/progress.new" "$TMP/progress"
		make_events 100 $((1 + i * 100))
		i=$((i + 1))
		sleep 0.1
	done
	# the last events complete only when the input ends
) >&3 &
writer=$!
wait_for 20 have tcpB 500 || fail "the stream never got going: $(count tcpB) events; $(tail -20 "$TMP/log"); $(cat "$TMP/rsyslog.err")"
kill -9 "$RSYSLOG_PID"
wait "$RSYSLOG_PID" 2>/dev/null
RSYSLOG_PID=
sleep 0.5
start_rsyslog
# Everything the writer starts after this point is sent to the new daemon.
progress=$(cat "$TMP/progress")
[ -n "$progress" ] || fail "no progress recorded"
after=$(( (progress + 1) * 100 + 1 ))
touch "$TMP/restarted"
wait $writer
exec 3>&-
wait $pid || { cat "$TMP/log"; fail "the daemon failed: $?"; }
check_law "$TMP/log"
pid=
[ $after -le $((CHUNKS * 100)) ] || fail "the writer finished before rsyslogd was back; nothing to check"
total=$((CHUNKS * 100))
for t in dgramB tcpB ustreamB; do
	wait_for 20 sh -c "grep ' $t [0-9]* ' '$OUT' | grep -q '\"sequence\":$total,'" ||
		fail "$t: the last event never arrived"
done
sleep 0.5
syslog_check "
after, total = $after, $total
for tag in ('dgramB', 'tcpB', 'ustreamB'):
    seq = [json.loads(o['msg'])['sequence'] for o in tagged(tag)]
    got = set(seq)
    dups = len(seq) - len(got)
    missing = sorted(set(range(1, total + 1)) - got)
    late = [m for m in missing if m >= after]
    assert not late, (tag, 'events written after the restart are missing', late[:10])
    assert all(a <= b for a, b in zip(seq, seq[1:])), (tag, 'out of order')
    assert dups <= 64, (tag, 'duplicates', dups)
    s = stats(tag)
    assert int(s['retries']) > 0 and s['undelivered'] == '0', (tag, s)
    print('# crash: %s: %d of %d events arrived, %d lost with the killed daemon (%s), '
          '%d duplicates, %s retries; all from %d on arrived' %
          (tag, len(got), total, len(missing),
           '%d..%d' % (missing[0], missing[-1]) if missing else 'none', dups, s['retries'], after))
" || exit 1

# ---- 3: a daemon that hangs
N=40000
make_events $N 1 > "$TMP/flood.log"
RETRY='retry = { initial_ms = 20; max_ms = 200; }; timeout_ms = 300;'
write_config "$TMP/c.conf" "$(outputs C | sed -n 1p)" "$(outputs C | sed -n 2p)" "$(outputs C | sed -n 3p)"
"$AUDITSTREAM" -c "$TMP/c.conf" --replay "$TMP/fifo" 2>"$TMP/log" &
pid=$!
exec 3<>"$TMP/fifo"
wait_for 10 grep -q "output ustreamC: connected" "$TMP/log" || fail "no connection: $(cat "$TMP/log")"
kill -STOP "$RSYSLOG_PID"
cat "$TMP/flood.log" >&3 &
feeder=$!
for t in dgramC ustreamC; do
	wait_for 30 grep -q "output $t: write failed, retrying" "$TMP/log" ||
		{ kill -CONT "$RSYSLOG_PID"; fail "$t: a hung daemon gave no retry: $(grep "$t" "$TMP/log")"; }
done
grep -q "output ustreamC: send timed out" "$TMP/log" || { kill -CONT "$RSYSLOG_PID"; fail "no send timeout"; }
sleep 1
kill -CONT "$RSYSLOG_PID"
wait $feeder
exec 3>&-
wait $pid || { cat "$TMP/log"; fail "the daemon failed: $?"; }
check_law "$TMP/log"
pid=
for t in dgramC tcpC ustreamC; do
	wait_for 30 have $t $N || fail "$t: $(count $t) of $N events after the hang"
done
sleep 0.5
syslog_check "
for tag in ('dgramC', 'tcpC', 'ustreamC'):
    seq = [json.loads(o['msg'])['sequence'] for o in tagged(tag)]
    assert seq == list(range(1, $N + 1)), (tag, len(seq), [(a, b) for a, b in zip(seq, seq[1:]) if b != a + 1][:5])
    s = stats(tag)
    print('# hang: %s: all %d events once, in order; %s retries, %s send timeouts, %s connects' %
          (tag, $N, s['retries'], s.get('send_timeouts', '0'), s['connects']))
    assert tag == 'tcpC' or int(s['retries']) > 0, (tag, s)
" || exit 1
exit 0
