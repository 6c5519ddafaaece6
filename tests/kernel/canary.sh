#!/bin/sh
# The canary: auditstream installs "-w PATH -p r -k auditstream_canary",
# reads PATH every interval and sees the event come back.  When the watch
# is removed behind its back, the next read's event never comes: that is
# logged, counted, and reported in-band as an auditstream_loss event with
# reason canary_missed.  At exit the watch is removed.
. "$top_srcdir/tests/kernel/lib.sh"

canary=$TMP/state/canary
EXTRA_CONFIG="canary = { enabled = true; path = \"$canary\"; interval_ms = 300; deadline_ms = 1500; };" \
	write_config "$TMP/a.conf" "plugin = \"file\"; path = \"$TMP/out.json\";"
start_daemon_ready "$TMP/a.conf" "$TMP/log"
auditctl -l | grep -qx -- "-w $canary -p r -k auditstream_canary" ||
	{ auditctl -l; fail "the canary's watch is not installed"; }
[ -f "$canary" ] || fail "the canary file was not created"

# Six reads seen (longer than the 1.5 s deadline of the first one; SIGUSR1
# logs the counters): none may have been missed while the watch was there.
seen6() {
	kill -USR1 "$DPID"
	grep -Eq 'canary: sent=[0-9]+ seen=([6-9]|[1-9][0-9]+) ' "$TMP/log"
}
wait_for 15 seen6 || { cat "$TMP/log"; fail "the canary's reads never came back six times"; }
grep -Eq 'canary: sent=[0-9]+ seen=[0-9]+ missed=[1-9]' "$TMP/log" && { cat "$TMP/log"; fail "canary missed while its watch was in place"; }
grep -q '"canary_missed"' "$TMP/out.json" && { cat "$TMP/log"; fail "canary_missed event while its watch was in place"; }

auditctl -W "$canary" -p r -k auditstream_canary >/dev/null || fail "auditctl -W"
wait_for 15 grep -q '"reason":"canary_missed"' "$TMP/out.json" ||
	{ cat "$TMP/log"; fail "no canary_missed loss event after the watch was removed"; }
grep -q "canary: the read of $canary" "$TMP/log" || fail "the miss is not logged"

stop_daemon "$DPID" || fail "exit status"
grep -Eq "canary: sent=[0-9]+ seen=[1-9][0-9]* missed=[1-9]" "$TMP/log" || { grep stats "$TMP/log"; fail "canary counters"; }
py "$TMP/out.json" <<'PY' || exit 1
import json, sys
ev = [e for e in map(json.loads, open(sys.argv[1])) if e.get('reason') == 'canary_missed']
assert ev and all(e['type'] == 'auditstream_loss' and e['count'] == 1 for e in ev), ev
PY
auditctl -l | grep -q auditstream_canary && fail "the canary's watch was left behind"
true
