#!/bin/sh
# auditstream --stats: a running daemon (a replay kept open on a fifo)
# answers on its control socket with the metrics text, whose counters are
# what was sent and which has the same series as the metrics file.  The
# socket is mode 0600 and answers only root and the daemon's user, in a
# directory made 0750; it replaces a dead daemon's stale socket, but not a
# live daemon's nor a file that is not a socket; it is gone after SIGTERM;
# and --stats with nobody listening fails, naming the socket.
. "$top_srcdir/tests/lib/common.sh"

N=400
SOCK=$TMP/run/ctl.sock
make_events $N 1 > "$TMP/in.log"
mkfifo "$TMP/fifo" "$TMP/fifo2"
EXTRA_CONFIG="control_socket = \"$SOCK\";
metrics = { path = \"$TMP/m.prom\"; interval_s = 1; };" write_config "$TMP/a.conf" \
	"name = \"all\"; plugin = \"file\"; path = \"$TMP/all.json\";"
stats() { "$AUDITSTREAM" -c "$TMP/a.conf" --stats; }

# What a SIGKILLed daemon leaves: a socket file nobody listens on.
mkdir "$TMP/run"
py "$SOCK" <<'PY' || fail "cannot make a stale socket"
import socket, sys
socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).bind(sys.argv[1])
PY
[ -S "$SOCK" ] || fail "no stale socket to start from"
stats 2>/dev/null && fail "--stats succeeded on a stale socket"

"$AUDITSTREAM" -c "$TMP/a.conf" --replay "$TMP/fifo" 2>"$TMP/log" &
pid=$!
stop_daemon() { kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; }
CLEANUP_HOOKS="stop_daemon $CLEANUP_HOOKS"
exec 3>"$TMP/fifo"
cat "$TMP/in.log" >&3
grep -q "removing the stale socket" "$TMP/log" || fail "stale socket not replaced: $(cat "$TMP/log")"
[ "$(stat -c %a "$SOCK")" = 600 ] || fail "socket mode $(stat -c %a "$SOCK"), want 600"

# With the input open but idle, the replay completes what it holds (auditd
# text has no EOE).  Wait until --stats shows every record read and every
# event written (the numbers then hold still); all of them are checked
# below, against what was sent and against the metrics file.
settled() {
	stats > "$TMP/s.prom" 2>"$TMP/s.err" || return 1
	awk -v n=$N '
		$1 == "auditstream_records_received_total" { r = $2 }
		$1 == "auditstream_events_total" { e = $2 }
		/^auditstream_output_written_total/ { w = $2 }
		END { exit !(r == 2 * n && e == n && w == n) }' "$TMP/s.prom"
}
wait_for 30 settled || { cat "$TMP/log" "$TMP/s.err"; fail "--stats never showed all $N events written: $(grep -E '^auditstream_(records_received|events|output_written)_total' "$TMP/s.prom")"; }
[ "$(wc -l < "$TMP/all.json")" = $N ] || fail "the file output has $(wc -l < "$TMP/all.json") lines, want $N"
check_law "$TMP/s.prom"

# Only root and the daemon's user are answered (SO_PEERCRED), even when the
# socket's mode would let another user connect.
if command -v setpriv >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
	chmod 0711 "$TMP" && chmod 0755 "$TMP/run" && chmod 0666 "$SOCK" && chmod 0644 "$TMP/a.conf"
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$AUDITSTREAM" -c "$TMP/a.conf" --stats \
		>"$TMP/nobody.prom" 2>"$TMP/nobody.err" && fail "--stats as nobody succeeded"
	grep -q auditstream_ "$TMP/nobody.prom" && fail "nobody was sent the metrics"
	grep -q "control socket $SOCK: refused a client running as uid $(id -u nobody)" "$TMP/log" ||
		fail "the refusal is not logged: $(cat "$TMP/log")"
	chmod 0600 "$SOCK"
else
	note "SO_PEERCRED refusal not checked (needs root and setpriv)"
fi
# A directory the daemon makes for its socket is 0750; a group- or
# other-writable one is refused.
EXTRA_CONFIG="control_socket = \"$TMP/new/ctl.sock\";" write_config "$TMP/b.conf" \
	"plugin = \"file\"; path = \"$TMP/b.json\";"
"$AUDITSTREAM" -c "$TMP/b.conf" --replay /dev/null 2>"$TMP/logb" || fail "b: $(cat "$TMP/logb")"
check_law "$TMP/logb"
[ "$(stat -c %a "$TMP/new")" = 750 ] || fail "socket directory mode $(stat -c %a "$TMP/new"), want 750"
chmod 0770 "$TMP/new"
"$AUDITSTREAM" -c "$TMP/b.conf" --replay /dev/null 2>"$TMP/logb" || fail "b: $(cat "$TMP/logb")"
check_law "$TMP/logb"
grep -q "control socket $TMP/new/ctl.sock: refused: its directory $TMP/new is writable by its group" \
	"$TMP/logb" || fail "group-writable socket directory accepted: $(cat "$TMP/logb")"

# A second daemon on the same socket path runs without one and leaves the
# first one's alone.
"$AUDITSTREAM" -c "$TMP/a.conf" --replay "$TMP/fifo2" 2>"$TMP/log2" &
pid2=$!
exec 4>"$TMP/fifo2"
exec 4>&-
wait $pid2 || fail "the second daemon failed: $(cat "$TMP/log2")"
check_law "$TMP/log2"
grep -q "control socket $SOCK: another daemon is listening on it" "$TMP/log2" ||
	fail "second daemon: $(cat "$TMP/log2")"
[ -S "$SOCK" ] || fail "the second daemon removed the first one's socket"
stats | grep -qx "auditstream_records_received_total $((2 * N))" || fail "the first daemon no longer answers"

# SIGTERM: the socket goes with the daemon, and --stats says nobody is there.
kill -TERM $pid
wait $pid || fail "daemon exit status $?: $(cat "$TMP/log")"
check_law "$TMP/log"
exec 3>&-
CLEANUP_HOOKS=""
[ -e "$SOCK" ] && fail "socket left after SIGTERM"
py "$TMP/s.prom" "$TMP/m.prom" "$TMP/all.json" $N <<'PY' || exit 1
import json, re, sys
sock, mfile, alljson, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
sample = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? ([0-9]+)$')
def parse(path):
    vals, types = {}, {}
    for n_, line in enumerate(open(path), 1):
        line = line.rstrip('\n')
        m = re.match(r'^# (HELP|TYPE) (\S+) (.+)$', line)
        if m:
            if m.group(1) == 'TYPE':
                types[m.group(2)] = m.group(3)
            continue
        m = sample.match(line)
        assert m, '%s:%d: not a sample: %r' % (path, n_, line)
        assert m.group(1) in types, '%s:%d: sample before its TYPE' % (path, n_)
        vals[m.group(1) + (m.group(2) or '')] = int(m.group(3))
    return vals
s, f = parse(sock), parse(mfile)
err = []
lines = [json.loads(l) for l in open(alljson)]
events = sum(1 for e in lines if 'sequence' in e)
out = '{output="all",plugin="file"}'
if events != n or len(lines) != n:
    err.append('the file output has %d lines, %d events; %d were sent' % (len(lines), events, n))
want = {
    'auditstream_records_received_total': 2 * n,
    'auditstream_events_total': n,
    'auditstream_bad_records_total': 0,
    'auditstream_missed_serials_total': 0,
    'auditstream_loss_events_total': 0,
    'auditstream_output_enqueued_total' + out: n,
    'auditstream_output_written_total' + out: n,
    'auditstream_output_dropped_total' + out: 0,
    'auditstream_output_queue_depth' + out: 0,
    'auditstream_output_queue_capacity' + out: 65536,
}
for k, v in want.items():
    if s.get(k) != v:
        err.append('--stats: %s = %r, want %r' % (k, s.get(k), v))
    # Nothing came after: the file written at exit says the same.
    if f.get(k) != v:
        err.append('metrics file at exit: %s = %r, want %r' % (k, f.get(k), v))
# One renderer for both: the same series, in the same order.
if list(s) != list(f):
    err.append('--stats and the metrics file differ in series: %s' % sorted(set(s) ^ set(f)))
for e in err:
    print('FAIL: ' + e)
print('# --stats: %d series, %d records, %d events' % (len(s), s.get('auditstream_records_received_total', -1), s.get('auditstream_events_total', -1)))
sys.exit(1 if err else 0)
PY
stats >"$TMP/out" 2>"$TMP/err" && fail "--stats succeeded with no daemon"
grep -q "no auditstream daemon is listening on $SOCK" "$TMP/err" || fail "--stats error: $(cat "$TMP/err")"
[ -s "$TMP/out" ] && fail "--stats printed something with no daemon"

# A file that is not a socket is never removed.
echo keep > "$SOCK"
"$AUDITSTREAM" -c "$TMP/a.conf" --replay "$TMP/in.log" 2>"$TMP/log3" || fail "replay: $(cat "$TMP/log3")"
check_law "$TMP/log3"
grep -q "control socket $SOCK: exists and is not a socket" "$TMP/log3" || fail "$(cat "$TMP/log3")"
[ "$(cat "$SOCK")" = keep ] || fail "a regular file at the socket path was touched"
rm -f "$SOCK"

# "" disables the socket; --stats then says so.  A relative path is a
# config error.
EXTRA_CONFIG='control_socket = "";' write_config "$TMP/b.conf" "plugin = \"file\"; path = \"$TMP/b.json\";"
"$AUDITSTREAM" -c "$TMP/b.conf" --stats 2>"$TMP/err" && fail "--stats with control_socket \"\""
grep -q 'control_socket is ""' "$TMP/err" || fail "$(cat "$TMP/err")"
EXTRA_CONFIG='control_socket = "run/x.sock";' write_config "$TMP/c.conf" "plugin = \"file\"; path = \"$TMP/c.json\";"
"$AUDITSTREAM" -c "$TMP/c.conf" --check-config 2>"$TMP/err" && fail "relative control_socket accepted"
grep -q "control_socket: must be an absolute path" "$TMP/err" || fail "$(cat "$TMP/err")"

# Without the key, --stats asks the daemon's default socket.
write_config "$TMP/d.conf" "plugin = \"file\"; path = \"$TMP/d.json\";"
if [ ! -e /run/auditstream/auditstream.sock ]; then
	"$AUDITSTREAM" -c "$TMP/d.conf" --stats 2>"$TMP/err" && fail "--stats with no daemon"
	grep -q "listening on /run/auditstream/auditstream.sock" "$TMP/err" || fail "$(cat "$TMP/err")"
fi
exit 0
