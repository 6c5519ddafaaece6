#!/bin/sh
# bench/replay.sh -- replay throughput of the goaudit and the enriched paths.
#
#   bench/replay.sh [EVENTS]      (default 200000)
#
# Uses the auditstream and plugins of $top_builddir (default: the source
# tree, for an in-tree build).
#
# Makes a synthetic audit.log of EVENTS events cloned from the real capture
# tests/fixtures/auditd-raw.log (its kernel events, new serials), replays it
# on one core (taskset -c 0) into the file sink with format goaudit, then
# enriched, then raw, and prints events/s for each and the enriched/goaudit
# ratio.  The goal: enriched >= 0.5 x goaudit.  Not part of `make check`.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${top_builddir:-$top}
n=${1:-200000}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/as-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

python3 - "$top/tests/fixtures/auditd-raw.log" "$n" > "$tmp/big.log" <<'PY'
import re, sys
src, n = sys.argv[1], int(sys.argv[2])
events, cur, last = [], [], None
for line in open(src, encoding='utf-8', errors='surrogateescape'):
    m = re.match(r'type=(\w+) msg=audit\((\d+\.\d+):(\d+)\): (.*)$', line.rstrip('\n'))
    if not m or m.group(1).startswith('DAEMON'):
        continue
    if m.group(3) != last and cur:
        events.append(cur); cur = []
    last = m.group(3)
    cur.append((m.group(1), m.group(4)))
events.append(cur)
out = sys.stdout
for i in range(n):
    serial = 1000 + i
    ts = '%d.%03d' % (1700000000 + i // 1000, i % 1000)
    for t, d in events[i % len(events)]:
        out.write('type=%s msg=audit(%s:%d): %s\n' % (t, ts, serial, d))
PY

plugdir=$build/plugins/.libs
run() {
	fmt=$1
	cat > "$tmp/$fmt.conf" <<CONF
plugin_dir = "$plugdir";
log_level = "notice";
outputs = ( { plugin = "file"; path = "$tmp/$fmt.json"; format = "$fmt"; queue = { size = 1048576; overflow = "block"; }; } );
CONF
	rm -f "$tmp/$fmt.json"
	start=$(date +%s.%N)
	taskset -c 0 "$build/auditstream" -c "$tmp/$fmt.conf" --replay "$tmp/big.log" 2>"$tmp/$fmt.log" ||
		{ cat "$tmp/$fmt.log" >&2; echo "replay ($fmt) failed" >&2; exit 1; }
	end=$(date +%s.%N)
	lines=$(wc -l < "$tmp/$fmt.json")
	# A rate over events that did not all arrive would be a lie.
	[ "$lines" = "$n" ] || { echo "replay ($fmt): $lines events written, $n replayed" >&2; exit 1; }
	python3 -c "import sys; n,s,e=int(sys.argv[1]),float(sys.argv[2]),float(sys.argv[3]); print('%d' % (n/(e-s)))" "$lines" "$start" "$end"
}
best() {	# best of 3
	b=0
	for _ in 1 2 3; do r=$(run "$1") || exit 1; [ "$r" -gt "$b" ] && b=$r; done
	echo "$b"
}
g=$(best goaudit) || exit 1
e=$(best enriched) || exit 1
r=$(best raw) || exit 1
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)  nproc: $(nproc)  kernel: $(uname -r)  events: $n ($(wc -l < "$tmp/big.log") records, $(du -h "$tmp/big.log" | cut -f1))"
echo "goaudit:  $g events/s"
echo "enriched: $e events/s"
echo "raw:      $r events/s"
python3 -c "import sys; print('enriched/goaudit: %.2f' % (int(sys.argv[1]) / int(sys.argv[2])))" "$e" "$g"
