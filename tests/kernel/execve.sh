#!/bin/sh
# End to end on the real kernel: the daemon registers, a test-loaded execve
# rule fires for a command with a unique argument, and its event reaches the
# file sink as one goaudit event (SYSCALL, EXECVE, ..., completed by EOE).
# SIGTERM leaves no audit pid behind.
. "$top_srcdir/tests/kernel/lib.sh"

write_config "$TMP/a.conf" "plugin = \"file\"; path = \"$TMP/out.json\";"
start_daemon "$TMP/a.conf" "$TMP/log"
[ "$(status_field enabled)" = 1 ] || fail "input.enable = true must enable auditing"

tag="astest-$$-$(date +%s%N)"
auditctl -a always,exit -F arch=b64 -S execve -F key=auditstream-test >/dev/null || fail "auditctl -a"
# A new process: audit contexts are given at fork, after auditing is on.
/bin/sh -c "/bin/echo $tag > /dev/null"
wait_for 15 grep -q "$tag" "$TMP/out.json" || { cat "$TMP/log"; fail "the event never reached the file"; }
auditctl -D >/dev/null

py "$TMP/out.json" "$tag" <<'PY' || exit 1
import json, sys
path, tag = sys.argv[1:3]
# (grep and sh -c that waited for it are audited too: look for the echo.)
hits = [e for e in map(json.loads, open(path))
        if any(m['type'] == 1309 and m['data'].startswith('argc=2 a0="/bin/echo" a1="%s"' % tag)
               for m in e.get('messages', []))]
assert len(hits) == 1, 'want one event for the command, got %d' % len(hits)
e = hits[0]
types = [m['type'] for m in e['messages']]
syscall = [m['data'] for m in e['messages'] if m['type'] == 1300]
execve = [m['data'] for m in e['messages'] if m['type'] == 1309]
assert syscall and 'syscall=59 ' in syscall[0], 'SYSCALL record of execve: %r' % syscall
assert 'key="auditstream-test"' in syscall[0], syscall[0]
assert execve and ('a1="%s"' % tag) in execve[0], 'EXECVE args: %r' % execve
assert 1327 in types and 1320 not in types, 'PROCTITLE kept, EOE not a message: %r' % types
assert e['uid_map'].get('0') == 'root', e['uid_map']
assert isinstance(e['sequence'], int) and e['timestamp'].count('.') == 1
print('# serial %d: types %r' % (e['sequence'], types))
PY

stop_daemon "$DPID" || fail "daemon exit status on SIGTERM"
[ "$(status_field pid)" = 0 ] || fail "audit pid still registered after SIGTERM: $(status_field pid)"
[ "$(status_field enabled)" = "$ORIG_ENABLED" ] || fail "auditing left at $(status_field enabled), found $ORIG_ENABLED"
grep -q "SIGTERM: stopping" "$TMP/log" || fail "no stop logged"
grep -q "followed by a wait of 5 ms (input.coalesce_ms, default)" "$TMP/log" || fail "coalescing: $(grep coalesce "$TMP/log")"
grep -q "netlink: receive buffer [0-9]* bytes: a read that empties it below 1/32" "$TMP/log" ||
	fail "16 MiB buffer: sparse reads may wait; $(grep 'receive buffer' "$TMP/log")"
grep -Eq "stats: records=[1-9]" "$TMP/log" || fail "final counters: $(grep stats "$TMP/log")"
grep -q "output file: .* undelivered=0" "$TMP/log" || fail "$(grep 'output file' "$TMP/log")"
