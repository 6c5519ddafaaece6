#!/bin/sh
# A newcomer's first run: the shipped etc/auditstream.conf as built (only
# its paths moved under $TMP) loads its rules, and a command run afterwards
# is in the output file as an event with its arguments.  The time from the
# command to the event is printed, not asserted (machines are shared).
. "$top_srcdir/tests/kernel/lib.sh"

conf=$top_builddir/etc/auditstream.conf
[ -f "$conf" ] || fail "build first: $conf missing"
mkdir -m 0700 "$TMP/log" "$TMP/state"
sed -e "s|^plugin_dir = .*|plugin_dir = \"$PLUGDIR\";|" \
    -e "s|^state_dir = .*|state_dir = \"$TMP/state\";|" \
    -e "s|^user = .*|user = \"\";|" \
    -e "s|path = \".*/events.json\";|path = \"$TMP/log/events.json\";|" \
    -e "s|^# control_socket = .*|control_socket = \"\";|" "$conf" > "$TMP/a.conf"
grep -q "$TMP/log/events.json" "$TMP/a.conf" || fail "the shipped config's output path was not found"
start_daemon_ready "$TMP/a.conf" "$TMP/log.txt"
auditctl -l | grep -q 'arch=b64 -S execve,execveat -F key=exec' || { auditctl -l; fail "no b64 execve rule"; }
auditctl -l | grep -q 'arch=b32 -S execve,execveat -F key=exec' || { auditctl -l; fail "no b32 execve rule"; }
[ "$(status_field backlog_limit)" = 8192 ] || fail "backlog_limit $(status_field backlog_limit), want 8192"

tag="asfirst-$$-$(date +%s%N)"
t0=$(date +%s%N)
/bin/echo "$tag" > /dev/null
wait_for 15 grep -q "$tag" "$TMP/log/events.json" || { cat "$TMP/log.txt"; fail "the command's event never came"; }
note "the event was in the file $(( ($(date +%s%N) - t0) / 1000000 )) ms after the command (polled every 100 ms)"
stop_daemon "$DPID" || { cat "$TMP/log.txt"; fail "exit status"; }
check_law "$TMP/log.txt"
py "$TMP/log/events.json" "$tag" <<'PY' || exit 1
import json, sys
path, tag = sys.argv[1:3]
hits = [e for e in map(json.loads, open(path))
        if any(m['type'] == 1309 and 'a0="/bin/echo"' in m['data'] and tag in m['data']
                   for m in e.get('messages', []))]
assert len(hits) == 1, 'want one event for the command, got %d' % len(hits)
assert any(m['type'] == 1300 and 'key="exec"' in m['data'] for m in hits[0]['messages']), hits[0]
PY
