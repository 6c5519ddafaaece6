#!/bin/sh
# Type=notify under the kernel: READY=1 arrives only once the daemon holds
# the audit pid and its rules are in (the state a unit's dependents rely
# on), STOPPING=1 on SIGTERM; a daemon that cannot start (the pid is taken)
# never says READY=1.
. "$top_srcdir/tests/kernel/lib.sh"

KEY=auditstream-notify-$$
EXTRA_CONFIG="rules = ( \"-a always,exit -F arch=b64 -S getpid -k $KEY\" );" \
	write_config "$TMP/a.conf" "plugin = \"file\"; path = \"$TMP/out.json\";"
python3 "$top_srcdir/tests/ops/notify_listen.py" "@auditstream-knotify-$$" "$TMP/msgs" &
lpid=$!
wait_for 10 test -e "$TMP/msgs.ready" || fail "listener did not start"
NOTIFY_SOCKET="@auditstream-knotify-$$" "$AUDITSTREAM" -c "$TMP/a.conf" 2>"$TMP/log" &
DPID=$!
DAEMONS="$DAEMONS $DPID"
wait_for 15 grep -qx "READY=1" "$TMP/msgs" || { cat "$TMP/log"; fail "no READY=1"; }
# Read right after READY=1: everything must already be in place.
[ "$(status_field pid)" = "$DPID" ] || fail "READY=1 before the audit pid was registered: $(status_field pid)"
auditctl -l | grep -q "$KEY" || fail "READY=1 before the rules were loaded"
stop_daemon "$DPID" || { cat "$TMP/log"; fail "daemon exit status"; }
wait $lpid || fail "no STOPPING=1: $(cat "$TMP/msgs")"
[ "$(grep -v '^$' "$TMP/msgs" | tr '\n' ' ')" = "READY=1 STOPPING=1 " ] || fail "messages: $(cat "$TMP/msgs")"

# The pid taken by another daemon: start fails, and no READY=1 is sent.
write_config "$TMP/h.conf" "plugin = \"file\"; path = \"$TMP/h.json\";"
start_daemon "$TMP/h.conf" "$TMP/h.log"
rm -f "$TMP/msgs" "$TMP/msgs.ready"
python3 "$top_srcdir/tests/ops/notify_listen.py" "@auditstream-knotify2-$$" "$TMP/msgs" &
lpid=$!
wait_for 10 test -e "$TMP/msgs.ready" || fail "listener did not start"
NOTIFY_SOCKET="@auditstream-knotify2-$$" "$AUDITSTREAM" -c "$TMP/a.conf" 2>"$TMP/log2" && fail "second daemon started"
grep -q "READY=1" "$TMP/msgs" && fail "READY=1 from a daemon that failed to start"
kill "$lpid"; wait "$lpid" 2>/dev/null
exit 0
