#!/bin/sh
# After start-up the daemon keeps only CAP_AUDIT_CONTROL and CAP_AUDIT_READ
# (effective, permitted and bounding sets) in every thread, with
# no_new_privs set -- and that is enough for the rest of its life: events
# flow, SIGHUP reopens, SIGTERM gives the audit pid and the enabled flag back.
# With socket_buffer.receive set (the default, 16 MiB), CAP_NET_ADMIN stays
# too, for SO_RCVBUFFORCE; with receive = 0 it goes.
. "$top_srcdir/tests/kernel/lib.sh"

ldd "$AUDITSTREAM" | grep -q libcap-ng || cannot_run "this build does not link libcap-ng (configured --without-capng)"

check_caps() {	# PID WANT_HEX
	local n=0 t
	for t in /proc/$1/task/*; do
		for f in CapEff CapPrm CapBnd; do
			v=$(awk -v k="$f:" '$1 == k { print $2 }' "$t/status")
			[ "$((0x$v))" = "$(($2))" ] ||
				fail "thread $(basename "$t") ($(cat "$t/comm")): $f=$v, want $(printf %016x $(($2)))"
		done
		[ "$(awk '$1 == "NoNewPrivs:" { print $2 }' "$t/status")" = 1 ] ||
			fail "thread $(basename "$t"): no_new_privs not set"
		n=$((n + 1))
	done
	[ $n -ge 2 ] || fail "only $n threads: the output worker is missing"
	note "$n threads checked: caps $(printf %x $(($2)))"
}
AUDIT_CONTROL=$((1 << 30)) AUDIT_READ=$((1 << 37)) NET_ADMIN=$((1 << 12))

EXTRA_CONFIG='socket_buffer = { receive = 0; };' write_config "$TMP/a.conf" \
	"plugin = \"file\"; path = \"$TMP/out.json\";"
start_daemon "$TMP/a.conf" "$TMP/log"
check_caps "$DPID" $((AUDIT_CONTROL | AUDIT_READ))
grep -q "capabilities dropped: keeping CAP_AUDIT_CONTROL, CAP_AUDIT_READ; no_new_privs set" "$TMP/log" ||
	fail "the drop is not logged"

tag="astest-$$-$(date +%s%N)"
auditctl -a always,exit -F arch=b64 -S execve -F key=auditstream-test >/dev/null || fail "auditctl -a"
/bin/sh -c "/bin/echo $tag > /dev/null"
wait_for 15 grep -q "$tag" "$TMP/out.json" || { cat "$TMP/log"; fail "no event with the reduced set"; }
mv "$TMP/out.json" "$TMP/out.json.1"
kill -HUP "$DPID"
/bin/sh -c "/bin/echo $tag-2 > /dev/null"
wait_for 15 grep -q "$tag-2" "$TMP/out.json" || { cat "$TMP/log"; fail "no reopen with the reduced set"; }
auditctl -D >/dev/null
stop_daemon "$DPID" || { cat "$TMP/log"; fail "exit status with the reduced set"; }
[ "$(status_field pid)" = 0 ] || fail "audit pid not given back: $(status_field pid)"
[ "$(status_field enabled)" = "$ORIG_ENABLED" ] || fail "enabled left at $(status_field enabled)"

write_config "$TMP/b.conf" \
	"plugin = \"file\"; path = \"$TMP/out-b.json\";"
start_daemon "$TMP/b.conf" "$TMP/log-b"
check_caps "$DPID" $((AUDIT_CONTROL | AUDIT_READ | NET_ADMIN))
stop_daemon "$DPID" || fail "exit status (default socket_buffer)"
exit 0
