#!/bin/sh
# check.sh -- the author kit's test recipe.  Replays fixture.log (real
# auditd records) through auditstream into the plugin built here, loaded
# by absolute path (no install needed), with the config test.conf.in, and
# checks that the plugin received every event the daemon delivered and that
# the daemon's counters add up: enqueued = written, nothing dropped, and the
# daemon's own conservation check (law=ok) holds.
#
# The plugin file and every directory above it must be owned by you (or
# root) and not writable by group or others: auditstream refuses it
# otherwise, as it would in production.
set -eu
AUDITSTREAM=${AUDITSTREAM:-auditstream}
PLUGIN=${PLUGIN:-null}
dir=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

sed "s|@PLUGIN@|$dir/$PLUGIN.so|" "$dir/test.conf.in" > "$tmp/test.conf"
"$AUDITSTREAM" -c "$tmp/test.conf" --check-config
"$AUDITSTREAM" -c "$tmp/test.conf" --replay "$dir/fixture.log" 2> "$tmp/log" ||
	{ cat "$tmp/log"; echo "FAIL: the replay failed"; exit 1; }
stats=$(grep "output test: enqueued=" "$tmp/log") || { cat "$tmp/log"; echo "FAIL: no stats"; exit 1; }
got=$(sed -n 's/.*output test: received \([0-9]*\) events.*/\1/p' "$tmp/log")
enq=$(echo "$stats" | sed 's/.*enqueued=\([0-9]*\).*/\1/')
wrote=$(echo "$stats" | sed 's/.* written=\([0-9]*\).*/\1/')
if [ -z "$got" ] || [ "$got" -eq 0 ] || [ "$got" != "$wrote" ] || [ "$enq" != "$wrote" ] ||
   ! echo "$stats" | grep -q " dropped=0 undelivered=0 " || ! echo "$stats" | grep -q " law=ok"; then
	cat "$tmp/log"
	echo "FAIL: the plugin received ${got:-no} events; the daemon says: $stats"
	exit 1
fi
echo "PASS: $PLUGIN received all $got events of fixture.log"
