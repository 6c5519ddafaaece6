#!/bin/sh
# kill -9 with a spool, for the network sinks beside redis (tests/plugins/
# spool.sh): http, gelf over TCP and syslog over TCP, each against its
# receiver (the test ones, rsyslogd for syslog).  The
# peer is down: the daemon spools every event and is killed with SIGKILL.
# Started again with the peer up, it is killed once more in the middle of
# sending the spool; a third start sends the rest and ends.  Every event
# arrives, repeats only within the batch in flight at a kill (at most one
# batch per kill), and each clean exit's counters obey the conservation law.
. "$top_srcdir/tests/lib/common.sh"

command -v python3 >/dev/null || skip "python3 missing"
N=3000
BATCH=50
make_events $N 1 > "$TMP/in.log"
: > "$TMP/empty.log"
PIDS=""
stop_all() { for p in $PIDS; do kill -9 "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; }
CLEANUP_HOOKS="stop_all $CLEANUP_HOOKS"
if command -v rsyslogd >/dev/null 2>&1 || [ -x /usr/sbin/rsyslogd ]; then
	. "$top_srcdir/tests/plugins/syslog_lib.sh"
	SINKS="http gelf syslog"
else
	[ "${CI:-}" = true ] && fail "rsyslogd missing (Debian package rsyslog)"
	note "rsyslogd missing: syslog skipped"
	SINKS="http gelf"
fi
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# received SINK : the sequences the receiver has, one per line.
received() {
	case $1 in
	http) python3 -c 'import json,sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r["status"] == 200:
        for e in r["body"].splitlines():
            e = json.loads(e)
            if "sequence" in e: print(e["sequence"])' "$TMP/http.req" 2>/dev/null ;;
	gelf) python3 -c 'import json,sys
for l in open(sys.argv[1]):
    m = json.loads(l).get("msg", {})
    if "_sequence" in m: print(m["_sequence"])' "$TMP/gelf.out" 2>/dev/null ;;
	syslog) python3 -c 'import json,sys
for l in open(sys.argv[1], "rb"):
    try:
        e = json.loads(l.split(b" |", 1)[1])
    except Exception:
        continue	# a line cut by a kill: its event is sent again
    if "sequence" in e: print(e["sequence"])' "$OUT" 2>/dev/null ;;
	esac
}

start_peer() {	# SINK PORT
	case $1 in
	http) rm -f "$TMP/http.port"
	      python3 "$top_srcdir/tests/plugins/http_receiver.py" --out "$TMP/http.req" --port "$2" \
		--port-file "$TMP/http.port" 2>>"$TMP/http.err" &
	      RPID=$!
	      wait_for 20 test -s "$TMP/http.port" || fail "http receiver: $(cat "$TMP/http.err")" ;;
	gelf) rm -f "$TMP/gelf.ready"
	      python3 "$top_srcdir/tests/plugins/gelf_receiver.py" --port "$2" --tcp --out "$TMP/gelf.out" \
		--ready "$TMP/gelf.ready" 2>>"$TMP/gelf.err" &
	      RPID=$!
	      wait_for 30 test -s "$TMP/gelf.ready" || fail "gelf receiver: $(cat "$TMP/gelf.err")" ;;
	syslog) start_rsyslog
	      RPID=$RSYSLOG_PID ;;
	esac
	PIDS="$PIDS $RPID"
}

# spool_events LOG NAME : the spool's event count on the last stats line.
spool_events() { grep -o "output $2: .*" "$1" | tail -n 1 | tr ' ' '\n' | sed -n 's/^spool_events=//p'; }

for sink in $SINKS; do
	[ -e "$PLUGDIR/$sink.so" ] || { note "$sink plugin not built: skipped"; continue; }
	P=$(free_port)
	case $sink in
	http) keys="url = \"http://127.0.0.1:$P/in\"; max_events = $BATCH;" ;;
	gelf) keys="address = \"127.0.0.1:$P\"; transport = \"tcp\";" ;;
	syslog) keys="network = \"tcp\"; address = \"127.0.0.1:$PORT\";" ;;
	esac
	write_config "$TMP/$sink.conf" "name = \"$sink\"; plugin = \"$sink\"; $keys
		queue = { batch = $BATCH; }; retry = { initial_ms = 20; max_ms = 200; };
		spool = { dir = \"$TMP/spool-$sink\"; };"

	# 1. The peer is down: everything goes to the spool; then SIGKILL.
	"$AUDITSTREAM" -c "$TMP/$sink.conf" --replay "$TMP/in.log" 2>"$TMP/$sink.1.log" &
	DPID=$!
	PIDS="$PIDS $DPID"
	wait_for 60 grep -q "output $sink: write failed; events go to its spool" "$TMP/$sink.1.log" ||
		fail "$sink: no spooling: $(tail "$TMP/$sink.1.log")"
	i=0
	while [ "$(spool_events "$TMP/$sink.1.log" $sink)" != $N ]; do
		i=$((i + 1))
		[ $i -gt 600 ] && fail "$sink: the spool never held $N events: $(tail -n 2 "$TMP/$sink.1.log")"
		kill -USR1 $DPID 2>/dev/null || fail "$sink: the daemon died: $(tail "$TMP/$sink.1.log")"
		sleep 0.2
	done
	kill -9 $DPID
	wait $DPID 2>/dev/null

	# 2. The peer is up: killed again in the middle of sending the spool.
	start_peer $sink $P
	"$AUDITSTREAM" -c "$TMP/$sink.conf" --replay "$TMP/empty.log" 2>"$TMP/$sink.2.log" &
	DPID=$!
	PIDS="$PIDS $DPID"
	i=0
	while [ "$(received $sink | wc -l)" -lt $BATCH ]; do
		i=$((i + 1))
		[ $i -gt 600 ] && fail "$sink: the spool is not being sent: $(tail "$TMP/$sink.2.log")"
		kill -0 $DPID 2>/dev/null || break
		sleep 0.05
	done
	kill -9 $DPID 2>/dev/null
	wait $DPID 2>/dev/null
	mid=$(received $sink | wc -l)

	# 3. The rest, and a clean exit.
	timeout 60 "$AUDITSTREAM" -c "$TMP/$sink.conf" --replay "$TMP/empty.log" 2>"$TMP/$sink.3.log" ||
		fail "$sink: third run exited $?: $(tail "$TMP/$sink.3.log")"
	check_law "$TMP/$sink.3.log"
	if [ $sink = syslog ]; then
		stop_rsyslog	# writes what it has
	else
		kill -TERM $RPID
		wait $RPID 2>/dev/null
	fi
	received $sink > "$TMP/$sink.seq"
	py "$TMP/$sink.seq" $N $BATCH $sink $mid <<'PY' || fail "$sink: events lost or repeated beyond a batch"
import sys
seqs = [int(l) for l in open(sys.argv[1])]
n, batch, sink, mid = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
missing = sorted(set(range(1, n + 1)) - set(seqs))
dups = len(seqs) - len(set(seqs))
assert not missing, '%s: %d events never arrived: %r' % (sink, len(missing), missing[:10])
# One batch may repeat per kill that hit a delivery (the second one did).
assert dups <= batch, '%s: %d repeats, more than one batch of %d' % (sink, dups, batch)
first = []
seen = set()
for s in seqs:
    if s not in seen:
        seen.add(s)
        first.append(s)
assert first == sorted(first), '%s: out of order' % sink
print('# %s: all %d events after two kill -9 (%d had arrived at the second), %d repeated' % (sink, n, mid, dups))
PY
	[ -z "$(ls "$TMP/spool-$sink" | grep '\.seg$')" ] || fail "$sink: segments left in the spool"
done
exit 0
