#!/bin/sh
# Readiness notification (Type=notify) without the kernel: with
# NOTIFY_SOCKET set, --replay sends READY=1 once the outputs are up and the
# input is about to be read (here: while the input is still an open, silent
# fifo), then STOPPING=1 when the input ends; on an abstract ('@') socket
# and on a path.  Without NOTIFY_SOCKET nothing is sent and nothing fails.
# The kernel case (READY=1 only once the audit pid is ours) is in
# tests/kernel/notify.sh.
. "$top_srcdir/tests/lib/common.sh"
command -v python3 >/dev/null || skip "python3 missing"

write_config "$TMP/a.conf" "plugin = \"file\"; path = \"$TMP/out.json\";"
make_events 20 1 > "$TMP/in.log"
for addr in "@auditstream-test-$$" "$TMP/notify.sock"; do
	rm -f "$TMP/msgs" "$TMP/msgs.ready" "$TMP/out.json" "$TMP/fifo"
	python3 "$top_srcdir/tests/ops/notify_listen.py" "$addr" "$TMP/msgs" &
	lpid=$!
	wait_for 10 test -e "$TMP/msgs.ready" || fail "listener did not start"
	mkfifo "$TMP/fifo"
	NOTIFY_SOCKET=$addr "$AUDITSTREAM" -c "$TMP/a.conf" --replay "$TMP/fifo" 2>"$TMP/log" &
	pid=$!
	exec 3>"$TMP/fifo"
	wait_for 10 grep -qx "READY=1" "$TMP/msgs" || { cat "$TMP/log"; fail "$addr: no READY=1"; }
	grep -q "STOPPING=1" "$TMP/msgs" && fail "$addr: STOPPING=1 before the input ended"
	[ -e "$TMP/out.json" ] || fail "$addr: READY=1 before the file output was opened"
	cat "$TMP/in.log" >&3
	exec 3>&-
	wait $pid || { cat "$TMP/log"; fail "$addr: daemon failed"; }
	check_law "$TMP/log"
	wait $lpid || fail "$addr: the listener saw no STOPPING=1: $(cat "$TMP/msgs")"
	[ "$(grep -v '^$' "$TMP/msgs" | tr '\n' ' ')" = "READY=1 STOPPING=1 " ] ||
		fail "$addr: messages: $(cat "$TMP/msgs")"
	[ "$(wc -l < "$TMP/out.json")" -eq 20 ] || fail "$addr: events"
done

# Not under systemd: no socket, no complaint.
env -u NOTIFY_SOCKET "$AUDITSTREAM" -c "$TMP/a.conf" --replay "$TMP/in.log" 2>"$TMP/log" || fail "without NOTIFY_SOCKET"
grep -qi notify "$TMP/log" && fail "noise without NOTIFY_SOCKET: $(cat "$TMP/log")"
# A socket nobody listens on: a warning, and the daemon still does its work.
NOTIFY_SOCKET=$TMP/nobody.sock "$AUDITSTREAM" -c "$TMP/a.conf" --replay "$TMP/in.log" 2>"$TMP/log" ||
	fail "a dead NOTIFY_SOCKET must not stop the daemon"
grep -q "cannot tell the service manager READY=1" "$TMP/log" || fail "no warning: $(cat "$TMP/log")"
exit 0
