#!/bin/sh
# A plugin that misuses the host table (tests/plugins/bad.c, BAD_MISUSE:
# a log level of 9, a counter name "Bad Name!", a 17th counter, on every
# write; a drop reason "Bad Reason!" for serial 2) is told about it once
# per kind, as a plugin bug naming the plugin and the value, never
# silently: the level-9 message still reaches the log (as an error), the 16
# good counters are kept, the drops are counted as "plugin_dropped", the
# counters add up, and the daemon runs on.
. "$top_srcdir/tests/lib/common.sh"
[ -e "$PLUGDIR/misuse.so" ] || fail "tests/plugins/misuse.so not built"

make_events 20 1 > "$TMP/in.log"
write_config "$TMP/a.conf" 'name = "m"; plugin = "misuse"; format = "raw"; queue = { batch = 1; };'
"$AUDITSTREAM" -c "$TMP/a.conf" --replay "$TMP/in.log" 2>"$TMP/log" || { cat "$TMP/log"; fail "replay"; }

check_law "$TMP/log" m
grep -q '^<6>output m: format raw$' "$TMP/log" || fail "host->format(): $(grep 'output m: format' "$TMP/log")"

once() {	# PATTERN: exactly one line
	c=$(grep -c -- "$1" "$TMP/log")
	[ "$c" = 1 ] || { cat "$TMP/log"; fail "$c lines, want 1: $1"; }
}
once 'output m: plugin "misuse" bug (reported once): log level 9 is not 3 (err) .. 7 (debug)'
once 'output m: plugin "misuse" bug (reported once): counter name "Bad Name!" is not \[a-z0-9_\]+ of at most 31 bytes'
once 'output m: plugin "misuse" bug (reported once): counter "c16" is one more than the 16'
once 'output m: plugin "misuse" bug (reported once): drop reason "Bad Reason!" is not \[a-z0-9_\]+ of at most 31 bytes: counted as "plugin_dropped"'
grep "output m: enqueued=" "$TMP/log" | grep -q " dropped.plugin_dropped=[1-9][0-9]* .*law=ok" ||
	fail "drops under plugin_dropped, law: $(grep 'output m: enqueued' "$TMP/log")"
n=$(grep -c '^<3>output m: a message at level 9$' "$TMP/log")
[ "$n" -ge 1 ] || fail "the level-9 message was lost: $(cat "$TMP/log")"
grep "output m: enqueued=" "$TMP/log" | grep -q " c0=[1-9][0-9]* .* c15=[1-9]" || fail "the 16 good counters: $(grep 'output m:' "$TMP/log")"
grep "output m: enqueued=" "$TMP/log" | grep -q " c16=" && fail "a 17th counter shown"
exit 0
