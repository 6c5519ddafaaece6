#!/bin/sh
# input.mode = "multicast" beside a process that holds the unicast audit pid
# (a second auditstream): the multicast daemon gets a copy of every event,
# never touches the pid, and loads no rules unless input.load_rules says so.
. "$top_srcdir/tests/kernel/lib.sh"

write_config "$TMP/holder.conf" "plugin = \"file\"; path = \"$TMP/holder.json\";"
start_daemon "$TMP/holder.conf" "$TMP/holder.log"
holder=$DPID

EXTRA_CONFIG='input = { mode = "multicast"; };
rules = ( "-a always,exit -F arch=b64 -S getpid -k auditstream-mc-not-loaded" );' \
	write_config "$TMP/mc.conf" "plugin = \"file\"; path = \"$TMP/mc.json\";"
start_daemon_ready "$TMP/mc.conf" "$TMP/mc.log"
mc=$DPID
[ "$(status_field pid)" = "$holder" ] || fail "the multicast daemon took the pid: $(status_field pid)"
grep -q "multicast beside the audit daemon" "$TMP/mc.log" || { cat "$TMP/mc.log"; fail "mode not logged"; }
grep -q "input.load_rules is off" "$TMP/mc.log" || { cat "$TMP/mc.log"; fail "skipped rules not logged"; }
auditctl -l | grep -q auditstream-mc-not-loaded && fail "multicast mode loaded rules without input.load_rules"

tag="asmc-$$-$(date +%s%N)"
auditctl -a always,exit -F arch=b64 -S execve -F key=auditstream-mc >/dev/null || fail "auditctl -a"
/bin/sh -c "/bin/echo $tag > /dev/null"
wait_for 15 grep -q "$tag" "$TMP/mc.json" || { cat "$TMP/mc.log"; fail "the event never reached the multicast daemon"; }
wait_for 15 grep -q "$tag" "$TMP/holder.json" || fail "the event never reached the pid holder"
auditctl -D >/dev/null

py "$TMP/mc.json" "$tag" <<'PY' || exit 1
import json, sys
path, tag = sys.argv[1:3]
hits = [e for e in map(json.loads, open(path))
        if any(m['type'] == 1309 and ('a1="%s"' % tag) in m['data'] for m in e.get('messages', []))]
assert len(hits) == 1, 'want one event for the command, got %d' % len(hits)
types = [m['type'] for m in hits[0]['messages']]
assert 1300 in types and 1309 in types, types
print('# multicast copy of serial %d: types %r' % (hits[0]['sequence'], types))
PY

stop_daemon "$mc" || { cat "$TMP/mc.log"; fail "multicast daemon exit status"; }
[ "$(status_field pid)" = "$holder" ] || fail "the holder lost the pid after the multicast daemon stopped"
kill -0 "$holder" || fail "the holder died"
stop_daemon "$holder" || fail "holder exit status"
[ "$(status_field pid)" = 0 ] || fail "audit pid still registered: $(status_field pid)"
