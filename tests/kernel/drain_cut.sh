#!/bin/sh
# auditstream(8): in daemon mode SIGTERM gives the outputs
# shutdown.drain_time_ms to drain, and a second SIGTERM cuts that short.
# An output that is down keeps its events through a 60 s drain; the second
# signal ends it at once: the daemon exits with status 0, its held events
# counted as undelivered (the law adds up), the audit pid given back.
. "$top_srcdir/tests/kernel/lib.sh"

touch "$TMP/down"
mkdir -m 0700 "$TMP/state"
EXTRA_CONFIG="state_dir = \"$TMP/state\";
control_socket = \"\";
shutdown = { drain_time_ms = 60000; };
rules = ( \"-a always,exit -F arch=b64 -S execve -k astest-drain\" );" \
	write_config "$TMP/a.conf" "name = \"down\"; plugin = \"flaky\"; path = \"$TMP/out.json\"; down_flag = \"$TMP/down\";"
start_daemon_ready "$TMP/a.conf" "$TMP/log"
/bin/true
wait_for 15 grep -q "output down: write failed, retrying" "$TMP/log" || { cat "$TMP/log"; fail "the output never held events"; }

kill -TERM "$DPID"
wait_for 15 grep -q "SIGTERM: stopping" "$TMP/log" || { cat "$TMP/log"; fail "the first SIGTERM was not taken"; }
kill -0 "$DPID" 2>/dev/null || fail "the daemon did not drain (60 s) after the first SIGTERM"
kill -TERM "$DPID"
# The drain would last 60 s; the second signal must end it well before.
wait_for 20 sh -c "! kill -0 $DPID" || { cat "$TMP/log"; fail "a second SIGTERM did not cut the drain short"; }
stop_daemon "$DPID" 2>/dev/null
rc=$?
[ $rc = 0 ] || { cat "$TMP/log"; fail "exit status $rc"; }
grep -Eq "output down: .*undelivered=[1-9][0-9]* " "$TMP/log" || { grep 'output down' "$TMP/log"; fail "no undelivered events"; }
check_law "$TMP/log"
[ "$(status_field pid)" = 0 ] || fail "audit pid not given back: $(status_field pid)"
exit 0
