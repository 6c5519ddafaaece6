#!/bin/sh
# The reference consumer (bench/nlref), with one recv per record and with
# recvmmsg (-m), registers as the audit daemon, counts every event of an
# audited load, and gives the audit pid back at exit.
. "$top_srcdir/tests/kernel/lib.sh"
B=$top_builddir/bench

auditctl -e 1 >/dev/null || fail "auditctl -e 1"
auditctl -a always,exit -F arch=b64 -S getppid -F key=bench-smoke >/dev/null || fail "auditctl -a"
for mode in "" -m; do
	"$B/nlref" $mode 20 > "$TMP/ref" 2>&1 &
	rpid=$!
	DAEMONS="$DAEMONS $rpid"
	wait_for 10 grep -q '^registered' "$TMP/ref" || { cat "$TMP/ref"; fail "nlref $mode did not register"; }
	[ "$(status_field pid)" = "$rpid" ] || fail "the audit pid is $(status_field pid), not nlref's $rpid"
	"$B/load_getppid" 10 1000 > /dev/null || fail "load_getppid"
	# Stop, then count: once the kernel's backlog is empty every record is
	# in nlref's socket, and nlref reads its socket dry before it exits.
	wait_for 10 sh -c "[ \"\$(auditctl -s | awk '\$1 == \"backlog\" { print \$2 }')\" = 0 ]" ||
		fail "the kernel's backlog never emptied"
	kill -TERM "$rpid"
	wait "$rpid" || { cat "$TMP/ref"; fail "nlref exit status"; }
	DAEMONS=""
	events=$(sed -n 's/^records=.* events=\([0-9]*\) .*/\1/p' "$TMP/ref")
	[ "${events:-0}" -ge 1000 ] || { cat "$TMP/ref"; fail "nlref $mode counted ${events:-no} events for 1000 audited calls"; }
	[ "$(status_field pid)" = 0 ] || fail "nlref left the audit pid at $(status_field pid)"
	note "nlref $mode: $(tail -1 "$TMP/ref")"
done
