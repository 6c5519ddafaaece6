#!/bin/bash
# bench/sinks.sh -- events/s into the network sinks, each against its real
# counterpart on loopback: a local redis-server (list mode, pipelined
# batches), the librdkafka mock cluster (bench/kafka_mock, 1 partition,
# acks=all: an event counts once its delivery report is in), and a local
# HTTP receiver (tests/plugins/http_receiver.py, python's http.server: it,
# not the plugin, may be the limit; the number says so).
#
#   bench/sinks.sh [EVENTS] [BATCH]     (defaults 200000, 1024)
#   SINKS="redis kafka" bench/sinks.sh  (default: redis kafka http)
#
# Each run replays the same synthetic log through --replay with one output,
# times it from start to exit (all delivered), and checks the count at the
# other end.  Not part of `make check`.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${top_builddir:-$top}
n=${1:-200000}
batch=${2:-1024}
sinks=" ${SINKS:-redis kafka http} "
tmp=$(mktemp -d "${TMPDIR:-/tmp}/as-sinks.XXXXXX")
pids=""
trap 'for p in $pids; do kill $p 2>/dev/null; done; rm -rf "$tmp"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

awk -v n="$n" 'BEGIN {
	for (i = 0; i < n; i++) {
		s = 1000 + i
		printf "type=SYSCALL msg=audit(1700000000.%03d:%d): arch=c000003e syscall=110 success=yes exit=1 a0=0 a1=0 a2=0 a3=0 items=0 ppid=1 pid=2 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=1 comm=\"load\" exe=\"/usr/bin/load\" key=\"bench\"\n", i % 1000, s
		printf "type=PROCTITLE msg=audit(1700000000.%03d:%d): proctitle=6C6F6164\n", i % 1000, s
	}
}' > "$tmp/in.log"

mkdir -p "$tmp/plugins"
ln -s "$build"/plugins/.libs/*.so "$tmp/plugins/"

# run NAME OUTPUT-KEYS : prints events/s for one replay.
run() {
	cat > "$tmp/$1.conf" <<CONF
plugin_dir = "$tmp/plugins";
log_level = "info";
outputs = ( { plugin = "$1"; queue = { batch = $batch; overflow = "block"; }; $2 } );
CONF
	local t0 t1
	t0=$(date +%s.%N)
	"$build/auditstream" -c "$tmp/$1.conf" --replay "$tmp/in.log" 2>"$tmp/$1.log" ||
		{ echo "$1: daemon failed:"; tail -5 "$tmp/$1.log"; return 1; }
	t1=$(date +%s.%N)
	python3 -c "print('%-6s %9d events in %6.2f s = %9.0f events/s' % ('$1', $n, $t1 - $t0, $n / ($t1 - $t0)))"
}

# law NAME : the output's counters from its stats line (drops show).
law() {
	grep -o "output $1: enqueued=[0-9]* written=[0-9]* dropped=[0-9]* undelivered=[0-9]*" "$tmp/$1.log" | tail -n 1
	grep -q "output $1: .* law=ok" "$tmp/$1.log" || echo "$1: the conservation law does not hold"
}

# redis
if [ "${sinks#* redis }" != "$sinks" ]; then
port=$(free_port)
redis-server --port "$port" --bind 127.0.0.1 --dir "$tmp" --save '' --appendonly no >/dev/null &
pids="$pids $!"
for i in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
run redis "port = $port; key = \"bench\";"
got=$(redis-cli -p "$port" llen bench)
[ "$got" = "$n" ] || echo "redis: $got events at the other end, want $n"
law redis
fi

# kafka (mock cluster)
if [ -x "$build/bench/kafka_mock" ] && [ "${sinks#* kafka }" != "$sinks" ]; then
	"$build/bench/kafka_mock" > "$tmp/kafka.addr" 2>/dev/null &
	pids="$pids $!"
	for i in $(seq 50); do [ -s "$tmp/kafka.addr" ] && break; sleep 0.1; done
	brokers=$(head -n 1 "$tmp/kafka.addr")
	run kafka "brokers = \"$brokers\"; topic = \"bench\";"
	law kafka
fi

# http (python receiver)
[ "${sinks#* http }" != "$sinks" ] || exit 0
"$top/tests/plugins/http_receiver.py" --out "$tmp/http.req" --port-file "$tmp/http.port" 2>/dev/null &
pids="$pids $!"
for i in $(seq 50); do [ -s "$tmp/http.port" ] && break; sleep 0.1; done
run http "url = \"http://127.0.0.1:$(cat "$tmp/http.port")/in\"; max_events = $batch;"
law http
