#!/bin/sh
# A second audit daemon while one holds the pid: a clear error naming the
# holder's pid, a non-zero exit, and the first one keeps the pid.
. "$top_srcdir/tests/kernel/lib.sh"

write_config "$TMP/a.conf" "plugin = \"file\"; path = \"$TMP/a.json\";"
start_daemon "$TMP/a.conf" "$TMP/a.log"
first=$DPID

write_config "$TMP/b.conf" "plugin = \"file\"; path = \"$TMP/b.json\";"
if timeout 20 "$AUDITSTREAM" -c "$TMP/b.conf" 2>"$TMP/b.log"; then
	fail "the second daemon must not start"
fi
grep -q "another process holds the kernel audit pid: pid $first (auditstream)" "$TMP/b.log" ||
	fail "error should name pid $first: $(cat "$TMP/b.log")"
[ "$(status_field pid)" = "$first" ] || fail "the first daemon lost the pid"
kill -0 "$first" || fail "the first daemon died"

stop_daemon "$first" || fail "first daemon exit status"
[ "$(status_field pid)" = 0 ] || fail "audit pid still registered: $(status_field pid)"
