#!/bin/sh
# The durable spool, with the redis output and a real redis-server:
#  1. redis is down, 10^5 events go in, the daemon is killed with SIGKILL once
#     they are all in the spool; it is started again, then redis: all 10^5
#     arrive, in order, with duplicates of at most one batch, and the spool
#     directory ends empty
#  2. SIGTERM while redis is down: the drain time is kept, the events stay in
#     the spool; a record damaged on disk and a record cut short are skipped
#     and reported in-band as spool_corrupt; every other event arrives
#  3. config errors: a spool without dir, two outputs sharing one
. "$top_srcdir/tests/lib/common.sh"

command -v redis-server >/dev/null 2>&1 || skip "redis-server not installed (Debian: redis-server)"
command -v redis-cli >/dev/null 2>&1 || skip "redis-cli not installed (Debian: redis-tools)"
[ -e "$PLUGDIR/redis.so" ] || skip "the redis plugin was not built (Debian: libhiredis-dev)"

PIDS=""
stop_all() {
	for p in $PIDS; do
		kill -9 "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
}
CLEANUP_HOOKS="stop_all"

P=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
start_redis() {
	redis-server --bind 127.0.0.1 --port "$P" --dir "$TMP" --save '' --appendonly no \
		--daemonize no >>"$TMP/redis-server.log" 2>&1 &
	RPID=$!
	PIDS="$PIDS $RPID"
	wait_for 10 sh -c "redis-cli -p $P ping | grep -q PONG" ||
		fail "redis-server did not start: $(cat "$TMP/redis-server.log")"
}

# stat_of LOG KEY : the last value of KEY=N in the daemon's stats lines.
stat_of() {
	grep -o "output rs: .*" "$1" | tail -n 1 | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# wait_spooled LOG N : waits until daemon DPID says its spool holds N events.
wait_spooled() {
	local i=0
	# SIGUSR1 only once the daemon handles it (it would end a process starting up).
	wait_for 60 grep -q "output rs: write failed; events go to its spool" "$1" ||
		fail "no spool message: $(cat "$1")"
	while [ "$(stat_of "$1" spool_events)" != "$2" ]; do
		i=$((i + 1))
		[ $i -gt 600 ] && fail "the spool never held the $2 events: $(tail -n 3 "$1")"
		kill -USR1 $DPID 2>/dev/null || fail "the daemon died: $(tail "$1")"
		sleep 0.2
	done
}

# check_all FILE N BATCH : FILE has every sequence 1..N, first seen in order,
# with at most BATCH repeated, and no loss event but the allowed ones.
check_all() {
	py "$@" <<'PY'
import json, sys
path, n, batch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
allowed = set(sys.argv[4:])
seqs, first, seen = [], [], set()
for line in open(path).read().splitlines():
    ev = json.loads(line)
    if ev.get('type') == 'auditstream_loss':
        if ev['reason'] not in allowed:
            print('FAIL: loss event', line)
            sys.exit(1)
        continue
    s = ev['sequence']
    seqs.append(s)
    if s not in seen:
        seen.add(s)
        first.append(s)
dups = len(seqs) - len(first)
print('# %d events, %d distinct, %d duplicates' % (len(seqs), len(first), dups))
if first != list(range(1, n + 1)):
    missing = sorted(set(range(1, n + 1)) - seen)
    print('FAIL: %d distinct events, want 1..%d in order; missing %r...' % (len(first), n, missing[:5]))
    sys.exit(1)
if dups > batch:
    print('FAIL: %d duplicates, more than one batch (%d)' % (dups, batch))
    sys.exit(1)
PY
}

BATCH=256
SPOOL=$TMP/spool
rs_output() {
	echo "name = \"rs\"; plugin = \"redis\"; port = $P; key = \"audit:spool\"; timeout_ms = 500;
	 queue = { batch = $BATCH; }; retry = { initial_ms = 50; max_ms = 400; };
	 spool = { dir = \"$SPOOL\"; };"
}

# ------------------------------------------------ 1: kill -9 with 10^5 spooled
N=100000
make_events $N 1 > "$TMP/in.log"
EXTRA_CONFIG="shutdown = { drain_time_ms = 120000; }; control_socket = \"$TMP/ctl.sock\";" \
	write_config "$TMP/rs.conf" "$(rs_output)"
# At the end of its input a replay waits for its outputs (until a signal).
"$AUDITSTREAM" -c "$TMP/rs.conf" --replay "$TMP/in.log" 2>"$TMP/run1.log" &
DPID=$!
PIDS="$DPID"
wait_spooled "$TMP/run1.log" $N
[ "$(stat_of "$TMP/run1.log" dropped)" = 0 ] || fail "events dropped: $(grep 'output rs' "$TMP/run1.log" | tail -n 1)"
# The operator's view of it: the spool's metrics from the running daemon.
"$AUDITSTREAM" -c "$TMP/rs.conf" --stats > "$TMP/stats.prom" || fail "--stats failed"
check_law "$TMP/stats.prom"
for m in output_spool_events output_spooled_total; do
	grep -Eq "^auditstream_$m\{output=\"rs\"[^}]*\} $N\$" "$TMP/stats.prom" ||
		fail "$m: $(grep "$m" "$TMP/stats.prom")"
done
grep -Eq '^auditstream_output_spool_bytes\{output="rs"[^}]*\} [1-9][0-9]{6,}$' "$TMP/stats.prom" ||
	fail "spool bytes: $(grep spool_bytes "$TMP/stats.prom")"
kill -9 $DPID
wait $DPID 2>/dev/null
note "10^5 events spooled, daemon killed with SIGKILL: $(ls "$SPOOL" | grep -c seg) segments, $(du -sk "$SPOOL" | cut -f1) KiB"

# Started again with nothing new to read: it sends the spool, then ends.
: > "$TMP/empty.log"
"$AUDITSTREAM" -c "$TMP/rs.conf" --replay "$TMP/empty.log" 2>"$TMP/run2.log" &
DPID=$!
PIDS="$DPID"
wait_for 20 grep -q "spool $SPOOL holds $N events" "$TMP/run2.log" ||
	fail "the restarted daemon did not find the spool: $(cat "$TMP/run2.log")"
wait_for 20 grep -q "output rs: write failed" "$TMP/run2.log" || fail "no retry while redis is down"
start_redis
timeout 120 sh -c "while kill -0 $DPID 2>/dev/null; do sleep 0.2; done" ||
	fail "the daemon did not finish sending the spool: $(tail "$TMP/run2.log")"
wait $DPID || fail "exit status $?: $(tail "$TMP/run2.log")"
check_law "$TMP/run2.log"
redis-cli -p $P --raw LRANGE audit:spool 0 -1 > "$TMP/out1"
check_all "$TMP/out1" $N $BATCH || fail "after SIGKILL and restart: events lost, out of order or repeated"
ls "$SPOOL" | grep -q '\.seg$' && fail "segments left in the spool: $(ls "$SPOOL")"
note "all $N events arrived after the restart: $(grep -c . "$TMP/out1") entries"

# -------------------------------- 2: SIGTERM while down, then damage on disk
redis-cli -p $P DEL audit:spool >/dev/null
kill -9 $RPID
wait $RPID 2>/dev/null
M=1000
make_events $M 1 > "$TMP/in2.log"
EXTRA_CONFIG="shutdown = { drain_time_ms = 700; };" write_config "$TMP/rs2.conf" "$(rs_output)"
# A replay waits for its outputs until a signal says stop; then drain_time.
"$AUDITSTREAM" -c "$TMP/rs2.conf" --replay "$TMP/in2.log" 2>"$TMP/run3.log" &
DPID=$!
PIDS="$DPID"
wait_spooled "$TMP/run3.log" $M
start=$(date +%s%N)
kill -TERM $DPID
wait $DPID || fail "exit status $? after SIGTERM with redis down: $(tail "$TMP/run3.log")"
check_law "$TMP/run3.log"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ $ms -lt 5000 ] || fail "the drain took $ms ms, drain_time_ms is 700"
grep -q "output rs: $M events kept in its spool for the next start" "$TMP/run3.log" ||
	fail "the spool did not keep the events: $(grep 'output rs' "$TMP/run3.log")"
grep -q "output rs: .*undelivered=0 " "$TMP/run3.log" || fail "spooled events counted as undelivered"
# Damage: a flipped byte in the JSON of event 500, and the last record cut short.
py "$SPOOL" <<'PY' || fail "could not damage the spool"
import os, struct, sys
d = sys.argv[1]
segs = sorted(f for f in os.listdir(d) if f.endswith('.seg'))
assert len(segs) == 1, segs
path = os.path.join(d, segs[0])
data = bytearray(open(path, 'rb').read())
off, recs = 16, []
while off < len(data):
    magic, crc, ln = struct.unpack_from('<III', data, off)
    recs.append((off, ln))
    off += 32 + ln
assert len(recs) == 1000, len(recs)
off, ln = recs[499]
data[off + 32 + ln // 2] ^= 0x20
del data[-10:]
open(path, 'wb').write(data)
PY
start_redis
: > "$TMP/empty.log"
timeout 60 "$AUDITSTREAM" -c "$TMP/rs2.conf" --replay "$TMP/empty.log" 2>"$TMP/run4.log" ||
	fail "exit status $?: $(tail "$TMP/run4.log")"
check_law "$TMP/run4.log"
grep -q "damaged or cut-short record" "$TMP/run4.log" || fail "the damage was not logged: $(cat "$TMP/run4.log")"
redis-cli -p $P --raw LRANGE audit:spool 0 -1 > "$TMP/out2"
py "$TMP/out2" $M <<'PY' || fail "after damage: wrong events or no spool_corrupt loss event"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
m = int(sys.argv[2])
evs = [json.loads(l) for l in lines]
seqs = [e['sequence'] for e in evs if e.get('type') != 'auditstream_loss']
want = [s for s in range(1, m + 1) if s not in (500, m)]
assert seqs == want, 'got %d events, want %d (all but 500 and %d)' % (len(seqs), len(want), m)
loss = [e for e in evs if e.get('type') == 'auditstream_loss']
# One report per batch that met damage: the counts add up to the 2 events lost.
assert loss and all(l['reason'] == 'spool_corrupt' and l['output'] == 'rs' for l in loss), loss
assert sum(l['count'] for l in loss) == 2, loss
print('# %d events, spool_corrupt reports %r' % (len(seqs), [l['count'] for l in loss]))
PY
note "drain kept $M events in the spool ($ms ms); a damaged and a cut-short record were skipped and reported"

# ------------------------------------------------------------- 3: bad config
write_config "$TMP/bad1.conf" "plugin = \"redis\"; port = $P; spool = { max_bytes = 100; };"
"$AUDITSTREAM" -c "$TMP/bad1.conf" --check-config 2>"$TMP/bad1.log" && fail "a spool without dir was accepted"
grep -q "bad1.conf:[0-9]*: output \"[^\"]*\": spool: missing key \"dir\"" "$TMP/bad1.log" || fail "$(cat "$TMP/bad1.log")"
grep -q "spool.max_bytes: must be at least 1048576" "$TMP/bad1.log" || fail "$(cat "$TMP/bad1.log")"
write_config "$TMP/bad2.conf" "name = \"a\"; plugin = \"redis\"; port = $P; spool = { dir = \"/tmp/x\"; };" \
	"name = \"b\"; plugin = \"redis\"; port = $P; spool = { dir = \"/tmp/x\"; };"
"$AUDITSTREAM" -c "$TMP/bad2.conf" --check-config 2>"$TMP/bad2.log" && fail "a shared spool dir was accepted"
grep -q "output \"[^\"]*\": spool.dir: output \"a\" spools to the same directory" "$TMP/bad2.log" || fail "$(cat "$TMP/bad2.log")"
exit 0
