#!/bin/sh
# The bench programs still build and work (bench/ itself is not part of
# `make check`): each load generator runs a fraction of a second and counts
# its operations, the Kafka mock cluster prints a bootstrap address, the
# HTTP receiver counts the events POSTed to it, and
# bench/replay.sh replays a few hundred events through every format.
. "$top_srcdir/tests/lib/common.sh"
B=$top_builddir/bench

ops() { sed -n 's/^ops=\([0-9]*\) .*ops_per_s=\([0-9]*\)$/\1/p'; }

n=$("$B/load_getppid" 0.2 | ops)
[ "${n:-0}" -gt 0 ] || fail "load_getppid counted no calls"
n=$("$B/load_getppid" 5 1000 | ops)
[ "$n" = 1000 ] || fail "load_getppid with MAX_OPS 1000 made $n calls"
n=$("$B/load_execve" 0.2 | ops)
[ "${n:-0}" -gt 0 ] || fail "load_execve counted no runs"
"$B/load_execve" 5 3 > "$TMP/ex" || fail "load_execve failed"
[ "$(ops < "$TMP/ex")" = 3 ] || fail "load_execve with MAX_OPS 3: $(cat "$TMP/ex")"

if [ -x "$B/kafka_mock" ]; then
	"$B/kafka_mock" > "$TMP/boot" &
	kpid=$!
	wait_for 10 grep -q ':[0-9]' "$TMP/boot" || { kill $kpid; fail "kafka_mock printed no bootstrap servers"; }
	kill -TERM $kpid
	wait $kpid || fail "kafka_mock did not exit cleanly on SIGTERM"
else
	note "kafka_mock not built (no librdkafka)"
fi

# http_sink is bench/sinks.sh's count at the other end: it must count the
# events of ndjson, gzipped and array bodies, and refuse what is neither.
if command -v curl >/dev/null 2>&1; then
	"$B/http_sink" > "$TMP/hs" &
	hpid=$!
	wait_for 10 grep -q '^[0-9]' "$TMP/hs" || { kill $hpid; fail "http_sink printed no port"; }
	url=http://127.0.0.1:$(head -n 1 "$TMP/hs")/in
	printf '%s\n' '{"a":"}{\"x"}' '{"b":[1,{"c":2}]}' > "$TMP/nd"
	gzip -c "$TMP/nd" > "$TMP/nd.gz"
	post() { t=$1; shift; curl -s -o /dev/null -w '%{http_code} ' -H "Content-Type: $t" "$@"; }
	codes=$(post application/x-ndjson --data-binary @"$TMP/nd" "$url" "$url"
		post application/x-ndjson -H 'Content-Encoding: gzip' --data-binary @"$TMP/nd.gz" "$url"
		post application/json --data-binary '[{"a":1},{"b":"]"}]' "$url"
		post application/json --data-binary '[{"a":1},2]' "$url"
		post application/x-ndjson --data-binary '{"a":1}{"b":2}' "$url")
	kill -TERM $hpid
	wait $hpid || fail "http_sink did not exit cleanly on SIGTERM"
	[ "$codes" = "200 200 200 200 400 400 " ] || fail "http_sink answered $codes"
	grep -q '^requests=6 events=8 bad=2 ' "$TMP/hs" || fail "http_sink counted: $(tail -n 1 "$TMP/hs")"
else
	note "no curl: http_sink not tried"
fi

top_builddir=$top_builddir sh "$top_srcdir/bench/replay.sh" 300 > "$TMP/replay" 2>&1 ||
	{ cat "$TMP/replay"; fail "bench/replay.sh failed"; }
for f in goaudit enriched raw; do
	grep -Eq "^$f: +[1-9][0-9]* events/s" "$TMP/replay" || { cat "$TMP/replay"; fail "no $f rate"; }
done
