#!/bin/bash
# bench/sinks.sh -- events/s into the network sinks, each against its real
# counterpart on loopback, and the daemon's CPU per event:
#   redis      a local redis-server (list mode, one pipeline per batch)
#   kafka      the librdkafka mock cluster (bench/kafka_mock), a topic of 1
#              partition, acks=all: an event counts once its delivery
#              report is in
#   http       bench/http_sink (keep-alive, ndjson, max_events = BATCH)
#   http-gzip  the same with gzip = true
#
#   bench/sinks.sh [EVENTS] [BATCH] [ROUNDS]  (defaults 1000000, 1024, 3)
#   CASES="redis kafka" bench/sinks.sh        (default: redis kafka http http-gzip)
#   OPTS='properties = { linger_ms = 0; };'   more keys for the output
#   PROFILE=DIR   runs the daemon under `perf record -e cpu-clock -g`, into
#                 DIR/CASE.ROUND.data (its CPU then counts in the daemon's)
#   BUILDS="DIR1 DIR2"  before/after: each case runs with the daemon and
#                 plugins of each build directory in turn, in every round
#                 (the counterparts are always top_builddir's)
#
# Each round runs every case once, in turn (interleaved), each with a fresh
# counterpart: the same synthetic log through --replay into one output,
# timed from start to exit (all delivered; the start and exit cost about
# 0.1-0.2 s, hence a million events).  Each run checks the count at
# the other end (redis LLEN, the topic's watermarks, the events the HTTP
# receiver counted in the bodies it got) and law=ok with nothing dropped in
# the daemon's stats line; any mismatch is printed and makes the exit status
# 1.  CPU is user+system of all threads: the daemon's from /usr/bin/time,
# the counterpart's from /proc/PID/stat over the run.  The medians over the
# rounds end the output.  Not part of `make check`.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${top_builddir:-$top}
n=${1:-1000000}
batch=${2:-1024}
rounds=${3:-3}
cases=${CASES:-redis kafka http http-gzip}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/as-sinks.XXXXXX")
cpid=""
status=0
trap '[ -z "$cpid" ] || kill $cpid 2>/dev/null; rm -rf "$tmp"' EXIT
hz=$(getconf CLK_TCK)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# utime+stime of a process (all its threads), in clock ticks.
ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
bad() { echo "$*"; status=1; }
# wait_file FILE: until FILE has a line (5 s at most).
wait_file() { for _ in $(seq 50); do [ -s "$1" ] && return 0; sleep 0.1; done; return 1; }

awk -v n="$n" 'BEGIN {
	for (i = 0; i < n; i++) {
		s = 1000 + i
		printf "type=SYSCALL msg=audit(1700000000.%03d:%d): arch=c000003e syscall=110 success=yes exit=1 a0=0 a1=0 a2=0 a3=0 items=0 ppid=1 pid=2 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=1 comm=\"load\" exe=\"/usr/bin/load\" key=\"bench\"\n", i % 1000, s
		printf "type=PROCTITLE msg=audit(1700000000.%03d:%d): proctitle=6C6F6164\n", i % 1000, s
	}
}' > "$tmp/in.log"

builds=${BUILDS:-$build}
i=0
for b in $builds; do
	i=$((i + 1))
	mkdir -p "$tmp/plugins.$i"
	ln -s "$b"/plugins/.libs/*.so "$tmp/plugins.$i/"
done

# start_counterpart CASE: starts it (pid in cpid), sets keys, the output's options.
start_counterpart() {
	case $1 in
	redis)
		local port
		port=$(free_port)
		redis-server --port "$port" --bind 127.0.0.1 --dir "$tmp" --save '' --appendonly no \
			>/dev/null &
		cpid=$!
		for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
		keys="port = $port; key = \"bench\";"
		rport=$port ;;
	kafka)
		"$build/bench/kafka_mock" 1 bench > "$tmp/kafka.addr" &
		cpid=$!
		wait_file "$tmp/kafka.addr" || return 1
		brokers=$(head -n 1 "$tmp/kafka.addr")
		keys="brokers = \"$brokers\"; topic = \"bench\";" ;;
	http*)
		"$build/bench/http_sink" > "$tmp/http.out" &
		cpid=$!
		wait_file "$tmp/http.out" || return 1
		keys="url = \"http://127.0.0.1:$(head -n 1 "$tmp/http.out")/in\"; max_events = $batch;"
		if [ "$1" = http-gzip ]; then keys="$keys gzip = true;"; fi ;;
	esac
}

# received CASE: sets got, the count at the other end, and extra (for
# HTTP: POSTs per connection, keep-alive at work, and bytes on the wire per
# body byte).  Stops the HTTP receiver.
received() {
	extra=""
	case $1 in
	redis) got=$(redis-cli -p "$rport" llen bench) ;;
	kafka) got=$("$build/bench/kafka_mock" --count "$brokers" bench) ;;
	http*)
		kill -TERM "$cpid"
		wait "$cpid"
		cpid=""
		got=$(sed -n 's/.* events=\([0-9]*\) bad=0 .*/\1/p' "$tmp/http.out")
		extra=$(sed -n 's/^requests=\([0-9]*\) .* wire_bytes=\([0-9]*\) body_bytes=\([0-9]*\) connections=\([0-9]*\)/\1 \2 \3 \4/p' \
			"$tmp/http.out" |
			awk '$3 && $4 { printf "  %d POSTs on %d connection(s), wire/body %.3f", $1, $4, $2 / $3 }') ;;
	esac
}

stop_counterpart() {
	[ -z "$cpid" ] && return
	kill "$cpid" 2>/dev/null
	wait "$cpid" 2>/dev/null
	cpid=""
}

# run CASE ROUND BUILD-DIR BUILD-INDEX: one replay; appends
# "CASE BUILD events/s daemon-µs/event counterpart-µs/event" to the rows.
run() {
	local c=$1 plugin=${1%-gzip} t0 t1 c0 c1 law label
	label=$(basename "$3")
	start_counterpart "$c" || { bad "$c: the counterpart did not start"; stop_counterpart; return; }
	cat > "$tmp/$c.conf" <<CONF
plugin_dir = "$tmp/plugins.$4";
log_level = "info";
outputs = ( { plugin = "$plugin"; queue = { batch = $batch; overflow = "block"; }; $keys ${OPTS:-} } );
CONF
	c0=$(ticks "$cpid")
	t0=$(date +%s.%N)
	/usr/bin/time -f "%U %S" -o "$tmp/time" \
		${PROFILE:+perf record -q -e cpu-clock -g -o "$PROFILE/$c.$2.data" --} \
		"$3/auditstream" -c "$tmp/$c.conf" --replay "$tmp/in.log" 2>"$tmp/$c.log" ||
		{ bad "$c: daemon failed:"; tail -5 "$tmp/$c.log"; stop_counterpart; return; }
	t1=$(date +%s.%N)
	c1=$(ticks "$cpid")
	received "$c"
	[ "$got" = "$n" ] || bad "$c: $got events at the other end, want $n"
	law=$(grep -o "output $plugin: .*" "$tmp/$c.log" | tail -n 1)
	case $law in
	*" dropped=0 "*law=ok*) ;;
	*) bad "$c: the stats line says: ${law:-nothing}" ;;
	esac
	stop_counterpart
	read -r u s < "$tmp/time"
	awk -v c="$c" -v r="$2" -v b="$label" -v n="$n" -v t0="$t0" -v t1="$t1" -v u="$u" -v s="$s" \
		-v ct="$((c1 - c0))" -v hz="$hz" -v rows="$tmp/rows" -v x="$extra" 'BEGIN {
		t = t1 - t0
		printf "%-9s %-8s round %d: %8.0f events/s  daemon %5.2f µs/event  counterpart %5.2f µs/event%s\n",
			c, b, r, n / t, (u + s) * 1e6 / n, ct / hz * 1e6 / n, x
		printf "%s %s %.0f %.2f %.2f\n", c, b, n / t, (u + s) * 1e6 / n, ct / hz * 1e6 / n >> rows
	}'
}

echo "bench/sinks.sh $n events, batch $batch, $rounds rounds; $(uptime)"
for r in $(seq "$rounds"); do
	for c in $cases; do
		i=0
		for b in $builds; do
			i=$((i + 1))
			run "$c" "$r" "$b" "$i"
		done
	done
done
echo "load: $(uptime)"
echo "medians over $rounds rounds:"
for c in $cases; do for b in $builds; do
	b=$(basename "$b")
	grep "^$c $b " "$tmp/rows" 2>/dev/null | awk -v c="$c" -v b="$b" '
		{ e[NR] = $3; d[NR] = $4; p[NR] = $5 }
		function med(a, k, i, j, t) {
			for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++)
				if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
			return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
		}
		END { if (NR) printf "%-9s %-8s %8.0f events/s  daemon %5.2f µs/event  counterpart %5.2f µs/event\n",
			c, b, med(e, NR), med(d, NR), med(p, NR) }'
done; done
exit $status
