#!/bin/sh
# The http output against a real HTTP/1.1 server on loopback
# (tests/plugins/http_receiver.py: python's http.server, keep-alive, HTTPS
# with certificates made here by openssl).  Each case checks what reached the
# collector: exactly the events sent, once, in order, valid JSON, in POSTs
# within the limits, with the headers asked for; outages (503, a dead
# collector) end with everything delivered and retries counted; a 400 drops
# that POST's events and reports them in-band; TLS verifies the server; bad
# options are refused naming file, line and key.
. "$top_srcdir/tests/lib/common.sh"

[ -e "$PLUGDIR/http.so" ] || skip "the http plugin is not built (libcurl4-openssl-dev missing)"
command -v python3 >/dev/null || skip "python3 missing"
# The interpreter itself: a version manager's shim may cost a second a call.
PYTHON=$(python3 -c 'import sys; print(sys.executable)')

RECEIVER=$top_srcdir/tests/plugins/http_receiver.py
RPID=""
DPID=""
stop_receiver() {
	[ -n "$RPID" ] && kill "$RPID" 2>/dev/null && wait "$RPID" 2>/dev/null
	RPID=""
}
stop_daemon() {
	[ -n "$DPID" ] && kill -9 "$DPID" 2>/dev/null && wait "$DPID" 2>/dev/null
	DPID=""
}
CLEANUP_HOOKS="stop_daemon stop_receiver"

# start_receiver NAME [ARGS...]: records to $TMP/NAME.req, sets PORT.  With
# PORT already set and --port "$PORT" in ARGS it comes back on the same port.
start_receiver() {
	local name=$1
	shift
	rm -f "$TMP/$name.port"
	"$PYTHON" "$RECEIVER" --out "$TMP/$name.req" --port-file "$TMP/$name.port" \
		--control "$TMP/control" "$@" 2>>"$TMP/$name.recv.log" 3>&- &
	RPID=$!
	wait_for 20 test -s "$TMP/$name.port" || fail "$name: receiver did not start: $(cat "$TMP/$name.recv.log")"
	PORT=$(cat "$TMP/$name.port")
	touch "$TMP/$name.req"
}

# run_daemon NAME INPUT OPTIONS: one http output named "http" with OPTIONS,
# replaying INPUT to its end; the log goes to $TMP/NAME.log.
run_daemon() {
	write_config "$TMP/$1.conf" "plugin = \"http\"; $3"
	"$AUDITSTREAM" -c "$TMP/$1.conf" --replay "$2" 2>"$TMP/$1.log" ||
		fail "$1: the daemon failed: $(cat "$TMP/$1.log")"
	check_law "$TMP/$1.log"
}

# wait_daemon NAME: waits (30 s at most) for the daemon $DPID to exit 0.
wait_daemon() {
	local i=0 rc
	while kill -0 "$DPID" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 300 ] && fail "$1: the daemon did not exit: $(cat "$TMP/$1.log")"
		sleep 0.1
	done
	wait "$DPID"
	rc=$?
	DPID=""
	[ $rc -eq 0 ] || fail "$1: the daemon exited with $rc: $(cat "$TMP/$1.log")"
	check_law "$TMP/$1.log"
}

# stats NAME: the final stats line of output "http".
stats() { grep "output http: enqueued=" "$TMP/$1.log" | tail -n 1; }

# received REQ: how many audit events the collector accepted (answered 200).
received() { "$PYTHON" "$TMP/check.py" "$1" --count; }

cat > "$TMP/check.py" <<'PY'
"""check.py REQ [--count] [--mode ndjson|array] [--first S] [--n N]
[--max-events K] [--max-bytes B] [--dups D] [--losses]

Checks the bodies the receiver answered 200: each a valid body of the mode,
each event valid JSON, POSTs within the limits, and the audit events exactly
serials first..first+n-1, in order (up to D duplicates of a resent POST).
Loss events are an error unless --losses."""
import argparse, json, sys
p = argparse.ArgumentParser()
p.add_argument('req')
p.add_argument('--count', action='store_true')
p.add_argument('--mode', default='ndjson')
p.add_argument('--first', type=int, default=1)
p.add_argument('--n', type=int, default=0)
p.add_argument('--max-events', type=int, default=500)
p.add_argument('--max-bytes', type=int, default=1 << 20)
p.add_argument('--dups', type=int, default=0)
p.add_argument('--losses', action='store_true')
a = p.parse_args()

def events(r, mode):
    body = r['body']
    if mode == 'array':
        ev = json.loads(body)
        assert isinstance(ev, list), 'array body is not a JSON array: %r' % body[:80]
        return ev
    assert body.endswith('\n'), 'NDJSON body must end with a newline: %r' % body[-80:]
    return [json.loads(line) for line in body[:-1].split('\n')]

reqs = [json.loads(l) for l in open(a.req)]
ok = [r for r in reqs if r['status'] == 200]
err, seqs, losses, sizes = [], [], [], []
for r in ok:
    try:
        ev = events(r, a.mode)
    except Exception as e:
        err.append('request %d: %s' % (r['i'], e))
        continue
    sizes.append(len(ev))
    if len(ev) > a.max_events:
        err.append('request %d has %d events > max_events %d' % (r['i'], len(ev), a.max_events))
    if len(ev) > 1 and len(r['body'].encode()) > a.max_bytes:
        err.append('request %d has %d bytes > max_bytes %d' % (r['i'], len(r['body'].encode()), a.max_bytes))
    want_ct = 'application/json' if a.mode == 'array' else 'application/x-ndjson'
    if r['headers'].get('content-type') != want_ct:
        err.append('request %d: content-type %r' % (r['i'], r['headers'].get('content-type')))
    seqs += [e['sequence'] for e in ev if 'sequence' in e]
    losses += [e for e in ev if e.get('type') == 'auditstream_loss']
if a.count:
    print(len(seqs))
    sys.exit(0)
want = list(range(a.first, a.first + a.n))
uniq = list(dict.fromkeys(seqs))
if uniq != want:
    missing = sorted(set(want) - set(seqs))
    err.append('got %d distinct events, want %d in order (missing %d, first %r); first got %r'
               % (len(uniq), len(want), len(missing), missing[:5], uniq[:5]))
if len(seqs) - len(uniq) > a.dups:
    err.append('%d duplicates, at most %d allowed' % (len(seqs) - len(uniq), a.dups))
if losses and not a.losses:
    err.append('unexpected loss events: %r' % losses[:2])
for e in err:
    print('FAIL:', e)
print('# %d POSTs accepted of %d, %d events (%d duplicates), POST sizes %d..%d'
      % (len(ok), len(reqs), len(seqs), len(seqs) - len(uniq), min(sizes or [0]), max(sizes or [0])))
sys.exit(1 if err else 0)
PY

# step WHAT: names the case in the log, with the seconds spent so far.
T0=$(date +%s)
step() { note "$(( $(date +%s) - T0 ))s: $*"; }

N=2000
make_events $N 1 > "$TMP/in.log"
make_events 1000 1 > "$TMP/k.log"

# 1. NDJSON: every event once, in order, in POSTs of at most max_events,
#    all over one kept-alive connection.
step "case 1"
start_receiver ndjson
run_daemon ndjson "$TMP/in.log" "url = \"http://127.0.0.1:$PORT/in\"; max_events = 100;"
"$PYTHON" "$TMP/check.py" "$TMP/ndjson.req" --n $N --max-events 100 || fail "ndjson: events"
"$PYTHON" - "$TMP/ndjson.req" <<'PY' || fail "ndjson: POSTs"
import json, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
sizes = [r['body'].count('\n') for r in reqs]
# The core's batches of 256 are split into POSTs of 100, 100 and 56.
assert max(sizes) == 100, sizes
assert all(r['path'] == '/in' and r['method'] == 'POST' for r in reqs)
assert len({r['peer'] for r in reqs}) == 1, 'keep-alive: %d connections for %d POSTs' % (len({r['peer'] for r in reqs}), len(reqs))
assert all(r['headers']['user-agent'].startswith('auditstream/') for r in reqs)
assert not any('expect' in r['headers'] for r in reqs), 'no Expect: 100-continue'
PY
posts=$(wc -l < "$TMP/ndjson.req")
stats ndjson | grep -Eq "enqueued=$N written=$N dropped=0 undelivered=0 retries=0 .* posts=$posts " ||
	fail "ndjson stats ($posts POSTs): $(stats ndjson)"
stop_receiver

# 2. A JSON array per POST, cut by max_bytes; then gzip'd NDJSON bodies.
step "case 2"
start_receiver array
run_daemon array "$TMP/k.log" "url = \"http://127.0.0.1:$PORT/\"; body = \"array\"; max_bytes = 4000;"
"$PYTHON" "$TMP/check.py" "$TMP/array.req" --mode array --n 1000 --max-bytes 4000 || fail "array mode"
[ "$(wc -l < "$TMP/array.req")" -gt 50 ] || fail "array: max_bytes = 4000 must cut into many POSTs"
stop_receiver
start_receiver gzip
run_daemon gzip "$TMP/k.log" "url = \"http://127.0.0.1:$PORT/\"; gzip = true;"
"$PYTHON" "$TMP/check.py" "$TMP/gzip.req" --n 1000 || fail "gzip mode"
"$PYTHON" - "$TMP/gzip.req" <<'PY' || fail "gzip: not compressed"
import json, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
assert all(r['headers'].get('content-encoding') == 'gzip' for r in reqs), reqs[0]['headers']
sizes = [(r['wire_bytes'], len(r['body'])) for r in reqs]
assert all(w < b for w, b in sizes) and sum(w for w, b in sizes) * 3 < sum(b for w, b in sizes), sizes
PY
stop_receiver
# gzip_level = 9 delivers the same events in fewer bytes than the default, 1.
start_receiver gzip9
run_daemon gzip9 "$TMP/k.log" "url = \"http://127.0.0.1:$PORT/\"; gzip = true; gzip_level = 9;"
"$PYTHON" "$TMP/check.py" "$TMP/gzip9.req" --n 1000 || fail "gzip_level = 9"
"$PYTHON" - "$TMP/gzip.req" "$TMP/gzip9.req" <<'PY' || fail "gzip_level = 9: not smaller than level 1"
import json, sys
wire = [sum(json.loads(l)['wire_bytes'] for l in open(f)) for f in sys.argv[1:]]
body = [sum(len(json.loads(l)['body']) for l in open(f)) for f in sys.argv[1:]]
assert body[0] == body[1] and wire[1] < wire[0], (wire, body)
PY
stop_receiver

# 3. Extra headers and a bearer token arrive; so does basic authentication.
step "case 3"
make_events 10 1 > "$TMP/ten.log"
start_receiver auth
run_daemon bearer "$TMP/ten.log" "url = \"http://127.0.0.1:$PORT/\"; bearer_token = \"tok-123\";
	headers = { X-Tenant = \"blue team\"; X-Empty = \"\"; };"
run_daemon basic "$TMP/ten.log" "url = \"http://127.0.0.1:$PORT/\"; basic_user = \"alice\"; basic_password = \"pa:ss w0rd\";"
"$PYTHON" - "$TMP/auth.req" <<'PY' || fail "headers and authentication"
import base64, json, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
bearer = [r for r in reqs if r['headers'].get('authorization') == 'Bearer tok-123']
basic = [r for r in reqs if r['headers'].get('authorization') ==
         'Basic ' + base64.b64encode(b'alice:pa:ss w0rd').decode()]
# Each run's 10 events, in one or more POSTs, all with the run's headers.
assert len(bearer) + len(basic) == len(reqs), [r['headers'] for r in reqs]
assert sum(r['body'].count('\n') for r in bearer) == 10, bearer
assert sum(r['body'].count('\n') for r in basic) == 10, basic
assert all(r['headers'].get('x-tenant') == 'blue team' and r['headers'].get('x-empty') == '' for r in bearer), bearer[0]['headers']
assert not any('x-tenant' in r['headers'] for r in basic)
PY
stop_receiver

# 4. The collector answers 503 for a while, mid-stream: everything arrives
#    once it is back, the retries show in the stats, and the failure is
#    logged once, with the status and the start of the answer.
step "case 4"
mkfifo "$TMP/fifo"
start_receiver outage
write_config "$TMP/outage.conf" "plugin = \"http\"; url = \"http://127.0.0.1:$PORT/\"; max_events = 100;
	retry = { initial_ms = 50; max_ms = 300; };"
"$AUDITSTREAM" -c "$TMP/outage.conf" --replay "$TMP/fifo" 2>"$TMP/outage.log" &
DPID=$!
exec 3>"$TMP/fifo"
make_events 1000 1 >&3
wait_for 20 sh -c "[ \$('$PYTHON' '$TMP/check.py' '$TMP/outage.req' --count) -ge 900 ]" || fail "outage: first half never arrived"
echo 503 > "$TMP/control"
make_events 1000 1001 >&3
wait_for 20 sh -c "[ \$(grep -c '\"status\": 503' '$TMP/outage.req') -ge 5 ]" || fail "outage: no 503 answered"
rm -f "$TMP/control"
exec 3>&-
wait_daemon outage
"$PYTHON" "$TMP/check.py" "$TMP/outage.req" --n $N --max-events 100 --dups 100 || fail "outage: events"
stats outage | grep -Eq "enqueued=$N written=$N dropped=0 undelivered=0 retries=[1-9][0-9]* " ||
	fail "outage stats: $(stats outage)"
[ "$(grep -c 'HTTP 503 (will be retried): test receiver refuses: status 503' "$TMP/outage.log")" -eq 1 ] ||
	fail "outage: the 503 must be logged once: $(grep 503 "$TMP/outage.log")"
grep -q "the collector accepts events again" "$TMP/outage.log" || fail "outage: recovery not logged"

# 4b. The collector dies (connection refused) mid-stream and comes back on
#     the same port: the plugin reconnects and delivers the rest.  A SIGHUP
#     (reopen: a fresh connection) on the way must not lose anything either.
step "case 4b"
rm -f "$TMP/outage.req"
write_config "$TMP/dead.conf" "plugin = \"http\"; url = \"http://127.0.0.1:$PORT/\"; max_events = 100;
	retry = { initial_ms = 50; max_ms = 300; };"
stop_receiver
start_receiver dead --port "$PORT"
"$AUDITSTREAM" -c "$TMP/dead.conf" --replay "$TMP/fifo" 2>"$TMP/dead.log" &
DPID=$!
exec 3>"$TMP/fifo"
make_events 1000 1 >&3
wait_for 20 sh -c "[ \$('$PYTHON' '$TMP/check.py' '$TMP/dead.req' --count) -ge 900 ]" || fail "dead: first half never arrived"
kill -HUP $DPID
stop_receiver
make_events 1000 1001 >&3
wait_for 20 grep -q "Couldn't connect to server" "$TMP/dead.log" || fail "dead: no connection failure logged: $(cat "$TMP/dead.log")"
start_receiver dead --port "$PORT"
exec 3>&-
wait_daemon dead
"$PYTHON" "$TMP/check.py" "$TMP/dead.req" --n $N --max-events 100 --dups 100 || fail "dead collector: events"
stats dead | grep -Eq "enqueued=$N written=$N dropped=0 undelivered=0 retries=[1-9][0-9]* " ||
	fail "dead stats: $(stats dead)"
[ "$("$PYTHON" -c 'import json,sys; print(len({json.loads(l)["peer"] for l in open(sys.argv[1])}))' "$TMP/dead.req")" -ge 2 ] ||
	fail "dead: the plugin must have reconnected"
stop_receiver

# 4c. The collector takes requests and never answers: timeout_ms gives up
#     on them, the core retries, and every event arrives once.
step "case 4c"
echo "stall 2" > "$TMP/control"
start_receiver stall --stall 4
run_daemon stall "$TMP/k.log" "url = \"http://127.0.0.1:$PORT/\"; timeout_ms = 1000;
	retry = { initial_ms = 50; max_ms = 300; };"
"$PYTHON" "$TMP/check.py" "$TMP/stall.req" --n 1000 || fail "stall: events"
[ "$(grep -c '"status": 0' "$TMP/stall.req")" -eq 2 ] || fail "stall: the receiver must have held 2 requests"
grep -q "failed (will be retried): Timeout was reached" "$TMP/stall.log" || fail "stall: no timeout logged: $(cat "$TMP/stall.log")"
stats stall | grep -Eq "enqueued=1000 written=1000 dropped=0 undelivered=0 retries=[1-9][0-9]* " ||
	fail "stall stats: $(stats stall)"
stop_receiver

# 5. The collector rejects the first two POSTs of audit events with 400:
#    those events are dropped and reported in-band (reason http_4xx) to the
#    same collector, the rest arrive, and the stats count them as rejected.
step "case 5"
echo "400 2 audit" > "$TMP/control"
start_receiver reject
run_daemon reject "$TMP/k.log" "url = \"http://127.0.0.1:$PORT/\"; max_events = 100;"
"$PYTHON" - "$TMP/reject.req" "$TMP/reject.log" <<'PY' || fail "400: rejected events"
import json, re, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
def events(r):
    return [json.loads(l) for l in r['body'].splitlines()]
bad = [e['sequence'] for r in reqs if r['status'] == 400 for e in events(r) if 'sequence' in e]
good = [e for r in reqs if r['status'] == 200 for e in events(r)]
seqs = [e['sequence'] for e in good if 'sequence' in e]
losses = [e for e in good if e.get('type') == 'auditstream_loss']
assert [r['status'] for r in reqs].count(400) == 2, [r['status'] for r in reqs]
# Loss reports travel alone, so a refused POST cannot take one down.
mixed = [r['i'] for r in reqs if len({'sequence' in e for e in events(r)}) > 1]
assert not mixed, 'loss events share POSTs with audit events: %r' % mixed
assert bad and seqs and sorted(bad + seqs) == list(range(1, 1001)) and not set(bad) & set(seqs), (len(bad), len(seqs))
assert seqs == sorted(seqs), 'order'
assert losses and all(l['reason'] == 'http_4xx' and l['output'] == 'http' for l in losses), losses
assert sum(l['count'] for l in losses) == len(bad), (losses, len(bad))
log = open(sys.argv[2]).read()
# Refused events are dropped (http_4xx), not written.
m = re.search(r'output http: enqueued=1000 written=(\d+) dropped=(\d+) undelivered=0 retries=0 loss_events=\d+ rejected=(\d+) ', log)
assert m and int(m.group(2)) == int(m.group(3)) == len(bad), (len(bad), re.findall('output http: enq.*', log))
assert int(m.group(1)) == len(good), (len(good), m.group(0))
assert 'HTTP 400 (dropped): test receiver refuses: status 400' in log, log
print('# %d events rejected, %d delivered, loss events %r' % (len(bad), len(seqs), [l['count'] for l in losses]))
PY
stop_receiver

# 6. HTTPS with a CA made here: verified with ca_file, refused without it
#    (RETRY until SIGTERM, the events counted undelivered), mutual TLS.
step "case 6"
if command -v openssl >/dev/null; then
	(
		cd "$TMP" || exit 1
		openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 \
			-subj "/CN=auditstream test CA" 2>/dev/null &&
		openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=127.0.0.1" 2>/dev/null &&
		printf 'subjectAltName = IP:127.0.0.1, DNS:localhost\n' > server.ext &&
		openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
			-extfile server.ext -out server.pem 2>/dev/null &&
		openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj "/CN=auditstream" 2>/dev/null &&
		openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -out client.pem 2>/dev/null
	) || fail "openssl could not make the test certificates"
	make_events 300 1 > "$TMP/tls.log"
	start_receiver tls --tls "$TMP/server.pem" "$TMP/server.key"
	run_daemon tlsok "$TMP/tls.log" "url = \"https://127.0.0.1:$PORT/\"; ca_file = \"$TMP/ca.pem\";"
	"$PYTHON" "$TMP/check.py" "$TMP/tls.req" --n 300 || fail "tls: events"

	rm -f "$TMP/tls.req"
	EXTRA_CONFIG='shutdown = { drain_time_ms = 500; };' write_config "$TMP/tlsbad.conf" \
		"plugin = \"http\"; url = \"https://127.0.0.1:$PORT/\"; retry = { initial_ms = 50; max_ms = 200; };"
	"$AUDITSTREAM" -c "$TMP/tlsbad.conf" --replay "$TMP/tls.log" 2>"$TMP/tlsbad.log" &
	DPID=$!
	wait_for 20 grep -q "write failed, retrying" "$TMP/tlsbad.log" || fail "tls without CA: no retry: $(cat "$TMP/tlsbad.log")"
	kill -TERM $DPID
	wait_daemon tlsbad
	grep -Eq "POST of [0-9]+ events failed \(will be retried\): (SSL peer certificate|Peer certificate|SSL certificate).*(verif|certificate)" "$TMP/tlsbad.log" ||
		fail "tls without CA: the certificate failure must be logged: $(cat "$TMP/tlsbad.log")"
	stats tlsbad | grep -Eq "written=0 dropped=0 undelivered=300 " || fail "tls without CA: stats $(stats tlsbad)"
	[ -s "$TMP/tls.req" ] && fail "tls without CA: nothing may reach the collector"
	stop_receiver

	rm -f "$TMP/tls.req"
	start_receiver tls --tls "$TMP/server.pem" "$TMP/server.key" --client-ca "$TMP/ca.pem"
	run_daemon mtls "$TMP/tls.log" "url = \"https://localhost:$PORT/\"; ca_file = \"$TMP/ca.pem\";
		client_cert = \"$TMP/client.pem\"; client_key = \"$TMP/client.key\";"
	"$PYTHON" "$TMP/check.py" "$TMP/tls.req" --n 300 || fail "mutual tls: events"
	run_daemon noverify "$TMP/tls.log" "url = \"https://127.0.0.1:$PORT/\"; verify = false;
		client_cert = \"$TMP/client.pem\"; client_key = \"$TMP/client.key\";"
	[ "$(received "$TMP/tls.req")" -eq 600 ] || fail "verify = false: events not delivered"
	grep -q "verify = false" "$TMP/noverify.log" || fail "verify = false must be warned about"
	stop_receiver
else
	note "openssl missing: TLS cases not run"
fi

# 7. Bad options: refused by --check-config naming file, line and key; bad
#    values the plugin checks refuse the start, naming the option.
step "case 7"
expect_check_error() {
	write_config "$TMP/$1.conf" "plugin = \"http\";
		$2"
	if "$AUDITSTREAM" -c "$TMP/$1.conf" --check-config >"$TMP/$1.out" 2>&1; then
		fail "$1: --check-config should fail"
	fi
	grep -Eq -- "$3" "$TMP/$1.out" || fail "$1: expected /$3/ in: $(cat "$TMP/$1.out")"
}
U='url = "http://127.0.0.1:9/";'
expect_check_error unknown "$U colour = \"blue\";" "unknown.conf:5: output \"[^\"]*\": colour: unknown key for plugin \"http\""
expect_check_error type "$U max_events = \"many\";" "type.conf:5: output \"[^\"]*\": max_events: must be an integer"
expect_check_error headers "$U headers = \"X-A: b\";" "headers.conf:5: output \"[^\"]*\": headers: must be a group"
expect_check_error nourl "gzip = true;" "nourl.conf:4: output \"[^\"]*\": missing option \"url\" required by plugin \"http\""
write_config "$TMP/good.conf" "plugin = \"http\"; $U headers = { X-A = \"b\"; };"
"$AUDITSTREAM" -c "$TMP/good.conf" --check-config >"$TMP/good.out" 2>&1 || fail "good config: $(cat "$TMP/good.out")"

# expect_start_error NAME OPTIONS PATTERN: the daemon refuses to start.
expect_start_error() {
	write_config "$TMP/$1.conf" "plugin = \"http\"; $2"
	refused "$1" "$3"
}
# refused NAME PATTERN: the daemon refuses to start with $TMP/NAME.conf.
refused() {
	if "$AUDITSTREAM" -c "$TMP/$1.conf" --replay "$TMP/ten.log" >"$TMP/$1.out" 2>&1; then
		fail "$1: the daemon should refuse to start"
	fi
	grep -Eq -- "$2" "$TMP/$1.out" || fail "$1: expected /$2/ in: $(cat "$TMP/$1.out")"
}
# expect_value_error NAME OPTIONS PATTERN: --check-config refuses it with
# file:line, output and key (the option table or the plugin's check()),
# and the daemon refuses to start the same way.
expect_value_error() {
	write_config "$TMP/$1.conf" "plugin = \"http\"; $2"
	if "$AUDITSTREAM" -c "$TMP/$1.conf" --check-config >"$TMP/$1.out" 2>&1; then
		fail "$1: --check-config should fail"
	fi
	grep -Eq -- "$1.conf:[0-9]+: output \"http\": $3" "$TMP/$1.out" ||
		fail "$1: --check-config: expected /$3/ in: $(cat "$TMP/$1.out")"
	refused "$1" "output \"http\": $3"
}
expect_value_error scheme 'url = "ftp://127.0.0.1/x";' 'url: "ftp://127.0.0.1/x": the scheme must be http or https'
expect_value_error badurl 'url = "http://[::1/";' 'url: "http://\[::1/" is not a valid URL'
expect_value_error body "$U body = \"xml\";" 'body: "xml" is not one of "ndjson", "array"'
expect_value_error maxev "$U max_events = 0;" 'max_events: 0 is out of range \[1, 1000000\]'
expect_value_error cafile "$U ca_file = \"$TMP/nope.pem\";" "ca_file: \"$TMP/nope.pem\": No such file"
expect_value_error auth "$U bearer_token = \"t\"; basic_user = \"u\";" 'bearer_token: and basic_user exclude each other'
# (written by hand: a shell's echo may turn the \n escape into a newline)
printf 'plugin_dir = "%s";\noutputs = ( { plugin = "http"; %s headers = { X-A = "b\\nc"; }; } );\n' \
	"$PLUGDIR" "$U" > "$TMP/hdr.conf"
refused hdr 'output "http": headers: "X-A" is not a valid header'
"$AUDITSTREAM" -c "$TMP/hdr.conf" --check-config >"$TMP/hdr.out" 2>&1 && fail "hdr: --check-config should fail"
grep -Eq 'hdr.conf:2: output "http": headers: "X-A" is not a valid header' "$TMP/hdr.out" ||
	fail "hdr: --check-config: $(cat "$TMP/hdr.out")"

# Under --enable-sanitizers, no run may have reported anything, the refused
# starts (create() failing half-way) included.
if grep -El "AddressSanitizer|LeakSanitizer|runtime error:" "$TMP"/*.log "$TMP"/*.out; then
	fail "sanitizer reports above"
fi
exit 0
