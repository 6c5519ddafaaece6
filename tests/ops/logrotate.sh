#!/bin/sh
# The packaged logrotate snippet, run by logrotate itself against a running
# daemon: only its path and its postrotate command (systemctl kill ... HUP,
# which needs the service) are swapped for the test's.  After a forced
# rotation the events are split between the rotated file and the new one
# that the daemon created on SIGHUP, none lost, none doubled.
. "$top_srcdir/tests/lib/common.sh"
command -v logrotate >/dev/null || skip "logrotate missing (package logrotate)"

mkdir "$TMP/log"
mkfifo "$TMP/fifo"
write_config "$TMP/a.conf" "plugin = \"file\"; path = \"$TMP/log/events.json\";"
"$AUDITSTREAM" -c "$TMP/a.conf" --replay "$TMP/fifo" 2>"$TMP/daemon.log" &
pid=$!
exec 3>"$TMP/fifo"
grep -q '^	postrotate$' "$top_srcdir/etc/auditstream.logrotate" || fail "the snippet has no postrotate"
sed -e "s|^/var/log/auditstream/\*.json|$TMP/log/*.json|" \
    -e "s|systemctl kill --kill-who=main --signal=HUP auditstream.service|kill -HUP $pid|" \
	"$top_srcdir/etc/auditstream.logrotate" > "$TMP/rotate.conf"
grep -q "kill -HUP $pid" "$TMP/rotate.conf" || fail "postrotate command not found in the snippet"
make_events 100 1 >&3
wait_for 10 sh -c "[ \$(wc -l < '$TMP/log/events.json') -ge 50 ]" || fail "no events before the rotation"
logrotate -f -s "$TMP/state" "$TMP/rotate.conf" >"$TMP/lr.log" 2>&1 || { cat "$TMP/lr.log"; fail "logrotate"; }
[ -f "$TMP/log/events.json.1" ] || fail "not rotated: $(ls "$TMP/log")"
wait_for 10 grep -q "SIGHUP: reopening outputs" "$TMP/daemon.log" || fail "postrotate sent no SIGHUP"
make_events 100 101 >&3
exec 3>&-
wait $pid || { cat "$TMP/daemon.log"; fail "daemon"; }
check_law "$TMP/daemon.log"
[ -f "$TMP/log/events.json" ] || fail "the daemon did not create the new file"
cat "$TMP/log/events.json.1" "$TMP/log/events.json" > "$TMP/both"
py "$TMP/both" <<'PY' || exit 1
import json, sys
seqs = [json.loads(l)['sequence'] for l in open(sys.argv[1])]
print('# %d events across the rotated and the new file' % len(seqs))
sys.exit(0 if seqs == list(range(1, 201)) else 1)
PY
