#!/bin/sh
# The gelf output against a GELF server (tests/plugins/gelf_receiver.py, which
# reassembles chunks, inflates zlib/gzip, splits TCP frames on NUL and checks
# every message against GELF 1.1):
#  1. UDP: 1000 events arrive exactly once, each field right, _messages and
#     _uid_map parse back to the event's own JSON (a file output beside it).
#     A server that is not there yet: RETRY, then every event once.
#  2. UDP, events of ~30 KB: chunked, uncompressed, zlib and gzip, intact; one
#     that needs more than 128 chunks is dropped as "oversize" and the loss
#     report arrives as a GELF message.
#  3. TCP: N events exactly once, in order.
#  4. TCP server shut down mid-stream and started again: every event arrives
#     (at least once, at most one batch twice), retries are counted, the daemon
#     keeps running.
#  5. Bad options: --check-config names file:line and key; bad values stop the
#     start with the reason.
. "$top_srcdir/tests/lib/common.sh"

RECEIVER=$top_srcdir/tests/plugins/gelf_receiver.py
[ -e "$PLUGDIR/gelf.so" ] || skip "gelf plugin not built"
command -v python3 >/dev/null || skip "python3 not found"

RPIDS=""	# receivers, daemons and feeders in the background
stop_receivers() {
	for p in $RPIDS; do kill "$p" 2>/dev/null; done
}
CLEANUP_HOOKS="stop_receivers"

# A port free for both UDP and TCP on 127.0.0.1.
free_port() {
	python3 -c '
import socket
while True:
    t = socket.socket(); t.bind(("127.0.0.1", 0)); p = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", p)); break
    except OSError:
        pass
print(p)'
}

# start_receiver NAME PORT ARGS... : starts it, sets RPID.
start_receiver() {
	local name=$1 port=$2; shift 2
	rm -f "$TMP/$name.ready"
	python3 "$RECEIVER" --port "$port" --out "$TMP/$name.out" --ready "$TMP/$name.ready" "$@" \
		2>>"$TMP/$name.err" &
	RPID=$!
	RPIDS="$RPIDS $RPID"
	wait_for 30 test -s "$TMP/$name.ready" || fail "$name: receiver did not start: $(cat "$TMP/$name.err")"
}

# stop_receiver PID : graceful stop (SIGTERM), waits for it to exit.
stop_receiver() {
	kill -TERM "$1"
	wait "$1" || fail "receiver $1 exited with $?"
}

# barrier NAME PORT : sends a GELF message of our own to the receiver over
# UDP and waits until it is recorded.  drop_barrier NAME, once the receiver
# has stopped, removes it from NAME's output.
barrier() {
	python3 -c 'import json, socket, sys
m = {"version": "1.1", "host": "test-barrier", "short_message": "barrier", "timestamp": 0, "level": 6}
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(json.dumps(m).encode(), ("127.0.0.1", int(sys.argv[1])))' "$2"
	wait_for 20 grep -q '"host": "test-barrier"' "$TMP/$1.out" || fail "$1: the barrier message never arrived"
}
drop_barrier() {
	[ "$(grep -c '"host": "test-barrier"' "$TMP/$1.out")" = 1 ] || fail "$1: barrier message count"
	grep -v '"host": "test-barrier"' "$TMP/$1.out" > "$TMP/$1.out.tmp"
	mv "$TMP/$1.out.tmp" "$TMP/$1.out"
}

# finish PID : waits for a background daemon, killing it after 60 s.
finish() {
	local t=0
	while kill -0 "$1" 2>/dev/null && [ $t -lt 600 ]; do
		t=$((t + 1))
		sleep 0.1
	done
	kill -0 "$1" 2>/dev/null && { kill -9 "$1"; echo "# daemon $1 hung: killed" >&2; }
	wait "$1"
}

# The daemon in the foreground, never for more than 60 s.
run() { timeout -s KILL 60 "$AUDITSTREAM" "$@"; }

EXTRA_CONFIG='node = "gelftest";'
export EXTRA_CONFIG

# --------------------------------------------------------------- 1. UDP
N=1000
P=$(free_port)
make_events $N 1 > "$TMP/small.log"
start_receiver udp1 "$P" --udp
R=$RPID
write_config "$TMP/udp1.conf" \
	"name = \"g\"; plugin = \"gelf\"; address = \"127.0.0.1:$P\";" \
	"name = \"orig\"; plugin = \"file\"; path = \"$TMP/udp1.json\";"
run -c "$TMP/udp1.conf" --replay "$TMP/small.log" 2>"$TMP/udp1.log" ||
	{ cat "$TMP/udp1.log"; fail "udp: replay failed"; }
check_law "$TMP/udp1.log"
wait_for 20 sh -c "[ \$(wc -l < '$TMP/udp1.out') -ge $N ]"
stop_receiver $R
py "$TMP/udp1.out" "$TMP/udp1.json" $N <<'PY' || fail "udp: events not intact"
import json, sys
got = [json.loads(l) for l in open(sys.argv[1])]
orig = {e['sequence']: e for e in map(json.loads, open(sys.argv[2]))}
n = int(sys.argv[3])
errors = [g['error'] for g in got if 'error' in g]
assert not errors, errors[:3]
msgs = [g['msg'] for g in got]
seqs = sorted(m['_sequence'] for m in msgs)
assert seqs == list(range(1, n + 1)), 'got %d messages, %d distinct' % (len(seqs), len(set(seqs)))
assert sorted(orig) == seqs
for m in msgs:
    o = orig[m['_sequence']]
    want = {'version': '1.1', 'host': 'gelftest', 'level': 6,
            'short_message': 'audit event %d type=1300' % o['sequence'],
            '_sequence': o['sequence'], '_audit_timestamp': o['timestamp'],
            '_messages': m['_messages'], '_uid_map': m['_uid_map'], 'timestamp': m['timestamp']}
    assert m == want, (m, o)
    assert json.loads(m['_messages']) == o['messages'], m
    assert json.loads(m['_uid_map']) == o['uid_map'], m
    assert abs(m['timestamp'] - float(o['timestamp'])) < 0.0005, (m['timestamp'], o['timestamp'])
assert all(g['compression'] == 'none' and g['chunks'] == 1 for g in got)
print('# udp: %d messages, fields intact' % len(msgs))
PY
grep -Eq "output g: enqueued=$N written=$N dropped=0 undelivered=0" "$TMP/udp1.log" ||
	fail "udp stats: $(grep 'output g' "$TMP/udp1.log")"

# UDP server not there yet: refusals give RETRY (the refused message is kept:
# on loopback the refusal is known before the send returns), and once it
# listens every event arrives, once.
P=$(free_port)
rm -f "$TMP/fifo"
mkfifo "$TMP/fifo"
write_config "$TMP/udp2.conf" \
	"name = \"g\"; plugin = \"gelf\"; address = \"127.0.0.1:$P\";
	 retry = { initial_ms = 20; max_ms = 100; };"
"$AUDITSTREAM" -c "$TMP/udp2.conf" --replay "$TMP/fifo" 2>"$TMP/udp2.log" &
D=$!
RPIDS="$RPIDS $D"
# The input: 200 events, then 200 more once the server is up.
(
	make_events 200 1
	wait_for 30 test -e "$TMP/udp2.go"
	make_events 200 201
) > "$TMP/fifo" &
W=$!
RPIDS="$RPIDS $W"
wait_for 10 grep -q "send to 127.0.0.1:$P (udp) failed: Connection refused" "$TMP/udp2.log" ||
	fail "udp: no refusal logged: $(cat "$TMP/udp2.log")"
start_receiver udp2 "$P" --udp
R=$RPID
touch "$TMP/udp2.go"
finish $D || { cat "$TMP/udp2.log"; fail "udp retry: replay failed"; }
check_law "$TMP/udp2.log"
wait_for 20 sh -c "[ \$(wc -l < '$TMP/udp2.out') -ge 400 ]"
stop_receiver $R
py "$TMP/udp2.out" <<'PY' || fail "udp retry: events lost or doubled"
import json, sys
got = [json.loads(l) for l in open(sys.argv[1])]
seqs = sorted(g['msg']['_sequence'] for g in got if 'msg' in g)
assert len(seqs) == len(got) and seqs == list(range(1, 401)), (len(got), seqs[:3])
print('# udp retry: all 400 after the server came up')
PY
grep -Eq "output g: enqueued=400 written=400 dropped=0 undelivered=0 retries=[1-9]" "$TMP/udp2.log" ||
	fail "udp retry stats: $(grep 'output g' "$TMP/udp2.log")"

# ------------------------------------------- 2. big events, chunks, compression
# Events of SYSCALL + 5 records of 6000 hex digits (random: they do not
# compress away), between small ones.
py > "$TMP/big.log" <<'PY'
import random
r = random.Random(7)
for s in range(1, 7):
    ts = '1700000001.%03d:%d' % (s, s)
    print('type=SYSCALL msg=audit(%s): arch=c000003e syscall=59 success=yes exit=0 items=0 ppid=1 pid=2 auid=0 uid=0 comm="big" exe="/bin/big"' % ts)
    if s % 2 == 0:
        for i in range(5):
            print('type=EXECVE msg=audit(%s): argc=1 a%d=%s' % (ts, i, '%x' % r.getrandbits(24000)))
PY
P=$(free_port)
for comp in none zlib gzip; do
	start_receiver "big_$comp" "$P" --udp
	R=$RPID
	write_config "$TMP/big_$comp.conf" \
		"name = \"g\"; plugin = \"gelf\"; address = \"127.0.0.1:$P\"; compress = \"$comp\";
		 host = \"graylog-name\"; level = 5;" \
		"name = \"orig\"; plugin = \"file\"; path = \"$TMP/big_$comp.json\";"
	run -c "$TMP/big_$comp.conf" --replay "$TMP/big.log" 2>"$TMP/big_$comp.log" ||
		{ cat "$TMP/big_$comp.log"; fail "big $comp: replay failed"; }
	check_law "$TMP/big_$comp.log"
	wait_for 20 sh -c "[ \$(wc -l < '$TMP/big_$comp.out') -ge 6 ]"
	stop_receiver $R
	py "$TMP/big_$comp.out" "$TMP/big_$comp.json" "$comp" <<'PY' || fail "big $comp: not intact"
import json, sys
got = [json.loads(l) for l in open(sys.argv[1])]
orig = [json.loads(l) for l in open(sys.argv[2])]
comp = sys.argv[3]
assert not [g for g in got if 'error' in g], got
assert len(got) == len(orig) == 6, (len(got), len(orig))
got.sort(key=lambda g: g['msg']['_sequence'])
for g, o in zip(got, orig):
    m = g['msg']
    assert m['_sequence'] == o['sequence'] and m['host'] == 'graylog-name' and m['level'] == 5, m
    assert json.loads(m['_messages']) == o['messages'], 'messages of %d differ' % o['sequence']
    assert g['compression'] == comp, g
    big = len(o['messages']) > 1
    assert len(json.dumps(o)) > 30000 if big else True
    # A big event takes many chunks; compression of random hex halves it.
    assert (g['chunks'] >= (20 if comp == 'none' else 8)) if big else g['chunks'] == 1, (comp, g['chunks'])
print('# %s: chunks %s' % (comp, [g['chunks'] for g in got]))
PY
done
grep -Eq "output g: .* chunked=3( |$)" "$TMP/big_gzip.log" || fail "chunked counter: $(grep 'output g' "$TMP/big_gzip.log")"

# chunk_size 128 allows 128 * 116 bytes: the big events are given up as
# oversize, reported in-band, and the small ones still arrive.
start_receiver oversize "$P" --udp
R=$RPID
write_config "$TMP/oversize.conf" "name = \"g\"; plugin = \"gelf\"; address = \"127.0.0.1:$P\"; chunk_size = 128;"
run -c "$TMP/oversize.conf" --replay "$TMP/big.log" 2>"$TMP/oversize.log" ||
	{ cat "$TMP/oversize.log"; fail "oversize: replay failed"; }
check_law "$TMP/oversize.log"
# The sender has exited; a datagram sent after it on loopback is read after
# everything it sent: once that one is in, nothing more may come.
barrier oversize "$P"
stop_receiver $R
drop_barrier oversize
py "$TMP/oversize.out" <<'PY' || fail "oversize: wrong messages"
import json, sys
got = [json.loads(l) for l in open(sys.argv[1])]
assert not [g for g in got if 'error' in g], got
msgs = [g['msg'] for g in got]
seqs = sorted(m['_sequence'] for m in msgs if '_sequence' in m)
assert seqs == [1, 3, 5], seqs
loss = [m for m in msgs if '_loss_reason' in m]
assert sum(m['_loss_count'] for m in loss) == 3, loss
for m in loss:
    assert m['_loss_reason'] == 'oversize' and m['_loss_output'] == 'g' and m['level'] == 4, m
    assert m['short_message'] == 'auditstream loss: oversize count=%d' % m['_loss_count'], m
    assert '_type' not in m and '_audit_timestamp' not in m and '_loss_timestamp' in m, m
assert len(msgs) == 3 + len(loss)
print('# oversize: %d loss messages' % len(loss))
PY
grep -q "does not fit in 128 chunks of 128" "$TMP/oversize.log" || fail "oversize not logged"
grep -Eq "output g: enqueued=6 .* rejected=3( |$)" "$TMP/oversize.log" ||
	fail "oversize stats: $(grep 'output g' "$TMP/oversize.log")"

# --------------------------------------------------------------- 3. TCP
N=2000
P=$(free_port)
make_events $N 1 > "$TMP/tcp.log"
start_receiver tcp1 "$P" --tcp
R=$RPID
write_config "$TMP/tcp1.conf" \
	"name = \"g\"; plugin = \"gelf\"; address = \"localhost:$P\"; transport = \"tcp\"; full_message = true;"
run -c "$TMP/tcp1.conf" --replay "$TMP/tcp.log" 2>"$TMP/tcp1.log" ||
	{ cat "$TMP/tcp1.log"; fail "tcp: replay failed"; }
check_law "$TMP/tcp1.log"
stop_receiver $R	# the daemon has closed the connection: all is read
py "$TMP/tcp1.out" $N <<'PY' || fail "tcp: events not intact"
import json, sys
got = [json.loads(l) for l in open(sys.argv[1])]
n = int(sys.argv[2])
assert not [g for g in got if 'error' in g], got[:3]
seqs = [g['msg']['_sequence'] for g in got]
assert seqs == list(range(1, n + 1)), 'got %d, in order: %s' % (len(seqs), seqs == sorted(seqs))
for g in got:
    m = g['msg']
    full = json.loads(m['full_message'])
    assert g['transport'] == 'tcp' and g['compression'] == 'none'
    assert full['sequence'] == m['_sequence'] and json.dumps(full['messages']) == json.dumps(json.loads(m['_messages']))
print('# tcp: %d in order' % len(seqs))
PY
grep -Eq "output g: enqueued=$N written=$N dropped=0 undelivered=0 retries=0" "$TMP/tcp1.log" ||
	fail "tcp stats: $(grep 'output g' "$TMP/tcp1.log")"

# ------------------------------------------------- 4. TCP server restart
N=6000
P=$(free_port)
make_events $N 1 > "$TMP/restart.log"
rm -f "$TMP/fifo"
mkfifo "$TMP/fifo"
start_receiver r1 "$P" --tcp
R1=$RPID
write_config "$TMP/restart.conf" \
	"name = \"g\"; plugin = \"gelf\"; address = \"127.0.0.1:$P\"; transport = \"tcp\";
	 queue = { batch = 64; }; retry = { initial_ms = 20; max_ms = 200; };"
"$AUDITSTREAM" -c "$TMP/restart.conf" --replay "$TMP/fifo" 2>"$TMP/restart_d.log" &
D=$!
RPIDS="$RPIDS $D"
# Feed the input at a pace, so that events are flowing when the server stops.
(
	i=0
	while [ $i -lt 60 ]; do
		sed -n "$((i * 200 + 1)),$(((i + 1) * 200))p" "$TMP/restart.log"
		i=$((i + 1))
		sleep 0.05
	done
) > "$TMP/fifo" &
W=$!
RPIDS="$RPIDS $W"
wait_for 20 sh -c "[ \$(wc -l < '$TMP/r1.out') -ge 500 ]" || { kill $D $W; fail "restart: nothing arrived"; }
stop_receiver $R1
sleep 1	# the daemon retries against a closed port meanwhile
kill -0 $D || fail "restart: the daemon exited when the server went away"
start_receiver r2 "$P" --tcp
R2=$RPID
finish $D || { cat "$TMP/restart_d.log"; fail "restart: replay failed"; }
check_law "$TMP/restart_d.log"
stop_receiver $R2
py "$TMP/r1.out" "$TMP/r2.out" $N <<'PY' || fail "restart: events lost"
import json, sys
n = int(sys.argv[3])
part = [[json.loads(l) for l in open(f)] for f in sys.argv[1:3]]
assert not [g for p in part for g in p if 'error' in g], 'bad messages'
s1, s2 = ([g['msg']['_sequence'] for g in p] for p in part)
assert s1 and s2 and s1 == sorted(s1) and s2 == sorted(s2), 'out of order'
# At least once: everything after the first server came through the second;
# what both got is at most one batch.
assert s1 == list(range(1, len(s1) + 1)), 'first server: gaps'
assert s2 == list(range(s2[0], n + 1)) and s2[0] <= len(s1) + 1, 'gap at the restart: %d..%d' % (s1[-1], s2[0])
dup = len(s1) + 1 - s2[0]
assert dup <= 64, dup
print('# restart: %d + %d messages, %d twice' % (len(s1), len(s2), dup))
PY
grep -Eq "output g: enqueued=$N written=$N dropped=0 undelivered=0 retries=[1-9]" "$TMP/restart_d.log" ||
	fail "restart stats: $(grep 'output g' "$TMP/restart_d.log")"
grep -q "closed the connection" "$TMP/restart_d.log" || fail "restart: the close was not noticed"

# ---------------------------------------------------------- 5. bad options
expect_error() {
	if "$AUDITSTREAM" -c "$TMP/$1.conf" --check-config >"$TMP/$1.out" 2>&1; then
		fail "$1: --check-config should fail"
	fi
	grep -Eq -- "$2" "$TMP/$1.out" || fail "$1: expected /$2/ in: $(cat "$TMP/$1.out")"
}
write_config "$TMP/unknown.conf" "plugin = \"gelf\"; address = \"127.0.0.1:1\";
    port = 12201;"
expect_error unknown "unknown.conf:[0-9]+: output \"[^\"]*\": port: unknown key for plugin \"gelf\""
write_config "$TMP/type.conf" "plugin = \"gelf\"; address = \"127.0.0.1:1\";
    chunk_size = \"big\";"
expect_error type "type.conf:[0-9]+: output \"[^\"]*\": chunk_size: must be an integer"
write_config "$TMP/missing.conf" "plugin = \"gelf\"; transport = \"tcp\";"
expect_error missing "missing.conf:[0-9]+: output \"[^\"]*\": missing option \"address\" required by plugin \"gelf\""
write_config "$TMP/good.conf" "plugin = \"gelf\"; address = \"127.0.0.1:1\"; compress = \"gzip\";"
"$AUDITSTREAM" -c "$TMP/good.conf" --check-config >"$TMP/good.out" 2>&1 || fail "good config: $(cat "$TMP/good.out")"

# Bad values, whether the option table or the plugin's check() judges them:
# --check-config refuses them with file:line, output and key, and the start
# fails the same way.
bad_value() {
	write_config "$TMP/bad.conf" "name = \"g\"; plugin = \"gelf\"; $1"
	"$AUDITSTREAM" -c "$TMP/bad.conf" --check-config >"$TMP/bad.out" 2>&1 && fail "--check-config accepted: $1"
	grep -Eq -- "bad.conf:[0-9]+: output \"g\": $2" "$TMP/bad.out" ||
		fail "expected \"$2\" for $1 in: $(cat "$TMP/bad.out")"
	if run -c "$TMP/bad.conf" --replay /dev/null >"$TMP/bad.out" 2>&1; then
		fail "start should fail with: $1"
	fi
	grep -Eq -- "$2" "$TMP/bad.out" || fail "start: expected \"$2\" for $1 in: $(cat "$TMP/bad.out")"
}
bad_value 'address = "127.0.0.1";' 'address: must be "host:port"'
bad_value 'address = "::1:12201";' 'address: must be "host:port"'
bad_value 'address = "h:99999";' 'address: must be "host:port"'
bad_value 'address = "h:1"; transport = "sctp";' 'transport: "sctp" is not one of "udp", "tcp"'
bad_value 'address = "h:1"; compress = "lz4";' 'compress: "lz4" is not one of "none", "zlib", "gzip"'
bad_value 'address = "h:1"; transport = "tcp"; compress = "zlib";' 'compress: must be "none" with transport "tcp"'
bad_value 'address = "h:1"; chunk_size = 100;' 'chunk_size: 100 is out of range \[128, 65507\]'
bad_value 'address = "h:1"; level = 8;' 'level: 8 is out of range \[0, 7\]'
exit 0
