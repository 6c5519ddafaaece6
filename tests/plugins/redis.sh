#!/bin/sh
# The redis output against a real redis-server on loopback:
#  1. list mode, RPUSH and LPUSH: the list holds exactly the N events, in order
#  2. stream mode: XRANGE gives the N entries in order with the JSON intact in
#     the `event` field; with maxlen the stream stays near the cap and keeps
#     the newest entries
#  3. pubsub mode: a subscriber gets the N messages in order; with nobody
#     subscribed the messages are counted as unheard
#  4. outage: redis-server is SIGKILLed mid-stream and restarted on the same
#     port; every event arrives (at-least-once), retries show in the stats
#  5. unix socket + password + db (and ACL user); a wrong password gives
#     RETRY with the AUTH error logged, and the daemon stays up; an error
#     reply (WRONGTYPE) is retried until the key is fixed, nothing lost
#  6. bad options: --check-config names file:line and key; bad values of
#     mode/push stop the start-up naming the option
. "$top_srcdir/tests/lib/common.sh"

command -v redis-server >/dev/null 2>&1 || skip "redis-server not installed (Debian: redis-server)"
command -v redis-cli >/dev/null 2>&1 || skip "redis-cli not installed (Debian: redis-tools)"
[ -e "$PLUGDIR/redis.so" ] || skip "the redis plugin was not built (Debian: libhiredis-dev)"
SUB=$top_srcdir/tests/plugins/redis_sub.py

REDIS_PIDS=""
OTHER_PIDS=""
stop_all() {
	for p in $OTHER_PIDS $REDIS_PIDS; do
		kill -9 "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
}
CLEANUP_HOOKS="stop_all"

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_redis DIR ARGS... : a redis-server in the foreground of a background
# job, its PID in RPID.  ARGS come last, so they override the defaults.
start_redis() {
	local dir=$1; shift
	redis-server --bind 127.0.0.1 --dir "$dir" --save '' --appendonly no --daemonize no \
		"$@" >>"$TMP/redis-server.log" 2>&1 &
	RPID=$!
	REDIS_PIDS="$REDIS_PIDS $RPID"
}

# replay CONF INPUT LOG : runs the daemon over INPUT, bounded in time so that
# a plugin which never delivers fails the test instead of hanging it.
replay() {
	timeout -k 5 60 "$AUDITSTREAM" -c "$1" --replay "$2" 2>"$3" || return $?
	check_law "$3"
}

stop_redis() {
	kill -9 "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

# check_seq FILE FIRST LAST : FILE holds one JSON event per line whose
# sequences are exactly FIRST..LAST in order.
check_seq() {
	py "$@" <<'PY'
import json, sys
path, first, last = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
lines = open(path).read().splitlines()
seqs = [json.loads(l)['sequence'] for l in lines]
want = list(range(first, last + 1))
if seqs != want:
    print('FAIL: %s: %d events, want %d..%d; first %r last %r' % (path, len(seqs), first, last, seqs[:3], seqs[-3:]))
    sys.exit(1)
PY
}

# --------------------------------------------------- 1-3: list, stream, pubsub
P=$(free_port)
start_redis "$TMP" --port "$P"
wait_for 10 sh -c "redis-cli -p $P ping | grep -q PONG" || fail "redis-server did not start: $(cat "$TMP/redis-server.log")"
rcli() { redis-cli -p "$P" "$@"; }

N=2000
make_events $N 1 > "$TMP/in.log"

python3 "$SUB" "$P" audit:chan $N "$TMP/sub.out" "$TMP/sub.ready" 45 > "$TMP/sub.log" 2>&1 &
SUBPID=$!
OTHER_PIDS="$SUBPID"
wait_for 10 test -e "$TMP/sub.ready" || fail "the subscriber did not subscribe: $(cat "$TMP/sub.log")"

write_config "$TMP/modes.conf" \
	"name = \"rlist\"; plugin = \"redis\"; port = $P; key = \"audit:list\"; queue = { batch = 100; };" \
	"name = \"rlpush\"; plugin = \"redis\"; port = $P; key = \"audit:lpush\"; push = \"lpush\";" \
	"name = \"rstream\"; plugin = \"redis\"; port = $P; mode = \"stream\"; key = \"audit:stream\";" \
	"name = \"rcapped\"; plugin = \"redis\"; port = $P; mode = \"stream\"; key = \"audit:capped\"; maxlen = 100; field = \"json\";" \
	"name = \"rpub\"; plugin = \"redis\"; port = $P; mode = \"pubsub\"; key = \"audit:chan\";" \
	"name = \"rnobody\"; plugin = \"redis\"; port = $P; mode = \"pubsub\"; key = \"audit:nobody\";"
replay "$TMP/modes.conf" "$TMP/in.log" "$TMP/modes.log" ||
	{ cat "$TMP/modes.log"; fail "replay into redis failed"; }
for o in rlist rlpush rstream rcapped rpub rnobody; do
	grep -Eq "output $o: enqueued=$N written=$N dropped=0 undelivered=0 retries=0 " "$TMP/modes.log" ||
		fail "stats of $o: $(grep "output $o" "$TMP/modes.log")"
done

# 1. list mode
rcli --raw LRANGE audit:list 0 -1 > "$TMP/list.out"
check_seq "$TMP/list.out" 1 $N || fail "rpush: the list is not exactly the $N events in order"
rcli --raw LRANGE audit:lpush 0 -1 | tac > "$TMP/lpush.out"
check_seq "$TMP/lpush.out" 1 $N || fail "lpush: the list, read backwards, is not the $N events"
# The stored text is the daemon's JSON, byte for byte (here: the file output's).
write_config "$TMP/file.conf" "plugin = \"file\"; path = \"$TMP/file.out\";"
replay "$TMP/file.conf" "$TMP/in.log" "$TMP/file.log" || fail "file replay"
cmp -s "$TMP/file.out" "$TMP/list.out" || fail "the list's JSON differs from the file output's"

# 2. stream mode: XRANGE --raw prints id, field, value per entry.
rcli --raw XRANGE audit:stream - + > "$TMP/stream.out"
rcli --raw XRANGE audit:capped - + > "$TMP/capped.out"
py "$TMP/stream.out" "$TMP/capped.out" "$TMP/file.out" $N <<'PY' || fail "stream contents"
import json, sys
stream, capped, ref, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
ref = open(ref).read().splitlines()

def entries(path, field):
    lines = open(path).read().splitlines()
    assert len(lines) % 3 == 0, '%s: %d lines' % (path, len(lines))
    out = []
    for i in range(0, len(lines), 3):
        sid, f, value = lines[i:i + 3]
        assert f == field, (path, f)
        out.append((tuple(int(x) for x in sid.split('-')), value))
    ids = [e[0] for e in out]
    assert ids == sorted(ids) and len(set(ids)) == len(ids), path + ': ids not ascending'
    return [e[1] for e in out]

full = entries(stream, 'event')
assert full == ref, 'stream: %d entries, want the %d events in order' % (len(full), n)
assert [json.loads(v)['sequence'] for v in full] == list(range(1, n + 1))
cap = entries(capped, 'json')
# MAXLEN ~ trims whole nodes (100 entries by default): near the cap, never under it.
assert 100 <= len(cap) <= 300, 'capped stream holds %d entries' % len(cap)
assert cap == ref[-len(cap):], 'capped stream: not the newest %d events in order' % len(cap)
print('# stream: %d entries; capped stream: %d entries' % (len(full), len(cap)))
PY

# 3. pubsub
wait $SUBPID || fail "subscriber: $(cat "$TMP/sub.log")"
check_seq "$TMP/sub.out" 1 $N || fail "pubsub: the subscriber did not get the $N messages in order"
grep -q "output rnobody: .* unheard=$N" "$TMP/modes.log" || fail "unheard: $(grep "output rnobody" "$TMP/modes.log")"
grep -q "output rpub: .*unheard" "$TMP/modes.log" && fail "rpub had a subscriber: $(grep "output rpub" "$TMP/modes.log")"
stop_redis "$RPID"
note "list, stream and pubsub modes: $N events each"

# ------------------------------------------------------------------ 4: outage
# The AOF with fsync on every write keeps what Redis acknowledged across the
# SIGKILL, so every event must be in the list at the end.
P=$(free_port)
mkdir "$TMP/aof"
AOF="--port $P --appendonly yes --appendfsync always"
start_redis "$TMP/aof" $AOF
wait_for 10 sh -c "redis-cli -p $P ping | grep -q PONG" || fail "redis-server (aof) did not start"
mkfifo "$TMP/fifo"
BATCH=50
write_config "$TMP/out.conf" \
	"name = \"rout\"; plugin = \"redis\"; port = $P; key = \"audit:out\"; timeout_ms = 1000;
	 queue = { batch = $BATCH; }; retry = { initial_ms = 50; max_ms = 300; };"
"$AUDITSTREAM" -c "$TMP/out.conf" --replay "$TMP/fifo" 2>"$TMP/out.log" &
DPID=$!
OTHER_PIDS="$DPID"
# A slow feeder, 40 chunks of 50 events; the last 30 wait for the outage, so
# the kill is always mid-stream whatever the machine's speed.
( for i in $(seq 0 39); do
	[ $i = 10 ] && wait_for 30 test -e "$TMP/killed"
	make_events 50 $((i * 50 + 1))
	sleep 0.05
  done ) > "$TMP/fifo" &
FEEDER=$!
OTHER_PIDS="$DPID $FEEDER"
wait_for 20 sh -c "[ \$(redis-cli -p $P LLEN audit:out) -ge 300 ]" || fail "events never reached redis"
stop_redis "$RPID"
touch "$TMP/killed"
wait_for 20 grep -q "output rout: write failed, retrying" "$TMP/out.log" || fail "no retry while redis was down"
sleep 0.5
kill -0 $DPID 2>/dev/null || fail "the daemon died while redis was down: $(cat "$TMP/out.log")"
start_redis "$TMP/aof" $AOF
wait $FEEDER
i=0
while kill -0 $DPID 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 300 ] && fail "the daemon did not finish after redis came back: $(tail "$TMP/out.log")"
	sleep 0.1
done
wait $DPID || fail "daemon exit status $?: $(cat "$TMP/out.log")"
check_law "$TMP/out.log"
redis-cli -p $P --raw LRANGE audit:out 0 -1 > "$TMP/out.out"
py "$TMP/out.out" 2000 $BATCH <<'PY' || fail "outage: events lost or out of order"
import json, sys
seqs = [json.loads(l)['sequence'] for l in open(sys.argv[1]).read().splitlines()]
n, batch = int(sys.argv[2]), int(sys.argv[3])
first = []
seen = set()
for s in seqs:
    if s not in seen:
        seen.add(s)
        first.append(s)
dups = len(seqs) - len(first)
print('# outage: %d entries, %d distinct, %d duplicates' % (len(seqs), len(first), dups))
assert first == list(range(1, n + 1)), 'missing or reordered events'
assert dups <= batch, 'more duplicates than one batch'
PY
grep -Eq "output rout: enqueued=2000 written=2000 dropped=0 undelivered=0 retries=[1-9][0-9]* " "$TMP/out.log" ||
	fail "outage stats: $(grep "output rout" "$TMP/out.log")"
grep -q "output rout: recovered after" "$TMP/out.log" || fail "recovery not logged"
stop_redis "$RPID"

# ------------------------------------------- 5: unix socket, password, db
SOCK=$TMP/redis.sock
start_redis "$TMP" --port 0 --unixsocket "$SOCK" --unixsocketperm 700 --requirepass s3cret
export REDISCLI_AUTH=s3cret
wait_for 10 sh -c "redis-cli -s $SOCK ping | grep -q PONG" || fail "redis-server (unix socket) did not start"
make_events 200 1 > "$TMP/small.log"
write_config "$TMP/sock.conf" \
	"name = \"rsock\"; plugin = \"redis\"; unix_socket = \"$SOCK\"; password = \"s3cret\"; db = 3; key = \"audit:sock\";" \
	"name = \"racl\"; plugin = \"redis\"; unix_socket = \"$SOCK\"; username = \"default\"; password = \"s3cret\"; db = 5; mode = \"stream\"; key = \"audit:acl\";"
replay "$TMP/sock.conf" "$TMP/small.log" "$TMP/sock.log" ||
	{ cat "$TMP/sock.log"; fail "replay over the unix socket failed"; }
redis-cli -s "$SOCK" -n 3 --raw LRANGE audit:sock 0 -1 > "$TMP/sock.out"
check_seq "$TMP/sock.out" 1 200 || fail "db 3 does not hold the 200 events"
[ "$(redis-cli -s "$SOCK" -n 0 EXISTS audit:sock)" = 0 ] || fail "events went to db 0"
[ "$(redis-cli -s "$SOCK" -n 5 XLEN audit:acl)" = 200 ] || fail "AUTH with a user name: db 5 stream"

# A wrong password: AUTH fails, RETRY with backoff, nothing stored, no crash.
EXTRA_CONFIG='shutdown = { drain_time_ms = 300; };' write_config "$TMP/badpw.conf" \
	"name = \"rbadpw\"; plugin = \"redis\"; unix_socket = \"$SOCK\"; password = \"wrong\"; db = 3; key = \"audit:badpw\";
	 retry = { initial_ms = 20; max_ms = 100; };"
"$AUDITSTREAM" -c "$TMP/badpw.conf" --replay "$TMP/small.log" 2>"$TMP/badpw.log" &
DPID=$!
OTHER_PIDS="$DPID"
wait_for 10 grep -q "output rbadpw: write failed, retrying" "$TMP/badpw.log" || fail "no retry with a wrong password"
wait_for 10 grep -Eq "output rbadpw: redis unix:.*AUTH failed: .*(WRONGPASS|invalid)" "$TMP/badpw.log" ||
	fail "AUTH error not logged: $(cat "$TMP/badpw.log")"
sleep 0.5
kill -0 $DPID 2>/dev/null || fail "the daemon died on a wrong password: $(cat "$TMP/badpw.log")"
kill -TERM $DPID
wait $DPID || fail "exit status $? after SIGTERM: $(cat "$TMP/badpw.log")"
check_law "$TMP/badpw.log"
grep -Eq "output rbadpw: enqueued=200 written=0 .* retries=[1-9]" "$TMP/badpw.log" ||
	fail "wrong password stats: $(grep "output rbadpw" "$TMP/badpw.log")"
[ "$(grep -c "AUTH failed" "$TMP/badpw.log")" = 1 ] || fail "the same AUTH error must be logged once per streak"
[ "$(redis-cli -s "$SOCK" -n 3 EXISTS audit:badpw)" = 0 ] || fail "stored despite a wrong password"

# An error reply (the key holds a string): RETRY with the error logged, and
# once the key is deleted every event arrives, in order.
redis-cli -s "$SOCK" -n 3 SET audit:wt "not a list" >/dev/null
write_config "$TMP/wt.conf" \
	"name = \"rwt\"; plugin = \"redis\"; unix_socket = \"$SOCK\"; password = \"s3cret\"; db = 3; key = \"audit:wt\";
	 retry = { initial_ms = 20; max_ms = 100; };"
timeout -k 5 60 "$AUDITSTREAM" -c "$TMP/wt.conf" --replay "$TMP/small.log" 2>"$TMP/wt.log" &
DPID=$!
OTHER_PIDS="$DPID"
wait_for 10 grep -q "output rwt: redis unix:.*: RPUSH audit:wt: WRONGTYPE" "$TMP/wt.log" ||
	fail "WRONGTYPE not logged: $(cat "$TMP/wt.log")"
redis-cli -s "$SOCK" -n 3 DEL audit:wt >/dev/null
wait $DPID || fail "daemon exit status $? after the key was fixed: $(cat "$TMP/wt.log")"
check_law "$TMP/wt.log"
redis-cli -s "$SOCK" -n 3 --raw LRANGE audit:wt 0 -1 > "$TMP/wt.out"
check_seq "$TMP/wt.out" 1 200 || fail "after WRONGTYPE: not the 200 events"
grep -Eq "output rwt: enqueued=200 written=200 dropped=0 undelivered=0 retries=[1-9]" "$TMP/wt.log" ||
	fail "WRONGTYPE stats: $(grep "output rwt" "$TMP/wt.log")"
unset REDISCLI_AUTH
stop_redis "$RPID"
note "unix socket, AUTH, SELECT and wrong password"

# ------------------------------------------------------------ 6: bad options
# expect_bad LABEL GREP-PATTERN BODY : --check-config fails with file:line.
expect_bad() {
	write_config "$TMP/bad.conf" "name = \"rbad\"; plugin = \"redis\"; $3"
	line=$(grep -n 'rbad' "$TMP/bad.conf" | cut -d: -f1)
	"$AUDITSTREAM" -c "$TMP/bad.conf" --check-config 2>"$TMP/bad.log" && fail "$1: --check-config passed"
	grep -q "^.*$TMP/bad.conf:$line: output \"[^\"]*\": *$2" "$TMP/bad.log" || fail "$1: $(cat "$TMP/bad.log")"
}
expect_bad "unknown key" 'bogus: unknown key for plugin "redis"' 'key = "k"; bogus = 1;'
expect_bad "wrong type" 'port: must be an integer' 'key = "k"; port = "x";'
expect_bad "missing key" 'missing option "key" required by plugin "redis"' 'port = 6379;'

# Values: the option table's choices and ranges, and the plugin's check()
# for what the table cannot say; refused by --check-config with file:line.
expect_bad "mode" 'mode: "queue" is not one of "list", "stream", "pubsub"' 'key = "k"; mode = "queue";'
expect_bad "push" 'push: "middle" is not one of "rpush", "lpush"' 'key = "k"; push = "middle";'
expect_bad "port" 'port: 70000 is out of range \[1, 65535\]' 'key = "k"; port = 70000;'
expect_bad "empty key" 'key: must not be empty' 'key = "";'
expect_bad "user" 'username: needs a password' 'key = "k"; username = "u";'
# ...and the daemon does not start with them.
write_config "$TMP/val.conf" "name = \"rval\"; plugin = \"redis\"; key = \"k\"; port = 70000;"
replay "$TMP/val.conf" "$TMP/small.log" "$TMP/val.log" && fail "port 70000: the daemon started"
grep -q 'output "rval": port: 70000 is out of range' "$TMP/val.log" || fail "port 70000: $(cat "$TMP/val.log")"

# Under --enable-sanitizers, a report in any daemon log fails the test (the
# runs expected to fail would otherwise hide one).
if grep -l -E "Sanitizer|runtime error:" "$TMP"/*.log; then
	fail "sanitizer report: $(grep -h -A5 -E "Sanitizer|runtime error:" "$TMP"/*.log | head -40)"
fi
exit 0
