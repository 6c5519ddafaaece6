#!/bin/sh
# The kernel drops records when its backlog overflows: auditstream sees the
# kernel's `lost` counter grow and says so in the event stream, with the
# kernel's exact count.  To make the kernel lose records, the daemon is
# stopped (SIGSTOP) with a tiny socket buffer and a tiny backlog, while an
# audited command runs many times.
. "$top_srcdir/tests/kernel/lib.sh"

EXTRA_CONFIG='socket_buffer = { receive = 4096; }; input = { status_interval_ms = 200; };' \
	write_config "$TMP/a.conf" "plugin = \"file\"; path = \"$TMP/out.json\";"
lost_at_start=$(status_field lost)
start_daemon "$TMP/a.conf" "$TMP/log"
auditctl -b 4 --backlog_wait_time 0 >/dev/null || fail "auditctl -b"
auditctl -a always,exit -F arch=b64 -S execve -F key=auditstream-lost >/dev/null || fail "auditctl -a"
lost_before=$(status_field lost)

kill -STOP "$DPID"
i=0
while [ $i -lt 300 ]; do /bin/true; i=$((i + 1)); done
lost_after=$(status_field lost)
auditctl -D >/dev/null
kill -CONT "$DPID"
[ "$lost_after" -gt "$lost_before" ] || cannot_run "the kernel lost nothing ($lost_before -> $lost_after): cannot provoke a loss here"

# Every loss arrives in-band with a status poll (every 200 ms): wait until
# the stream accounts for what the kernel counts (the rule is gone, so its
# count no longer moves), then stop the daemon and count again.
reported() {
	py "$TMP/out.json" <<'PY'
import json, sys
print(sum(e['count'] for e in map(json.loads, open(sys.argv[1])) if e.get('reason') == 'kernel_lost'))
PY
}
lost_final=$(status_field lost)
want=$((lost_final - lost_at_start))
wait_for 15 grep -q '"reason":"kernel_lost"' "$TMP/out.json" || { cat "$TMP/log"; fail "no kernel_lost event"; }
i=0
while [ "$(reported)" != "$want" ] && [ $i -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
stop_daemon "$DPID" || fail "exit status"
# A buffer this small fills within a wait: reads must never wait here.
grep -q "netlink: receive buffer [0-9]* bytes: under 1 MiB, reads never wait" "$TMP/log" ||
	fail "small buffer: $(grep 'receive buffer' "$TMP/log")"
got=$(reported)
[ "$got" = "$want" ] || fail "kernel_lost events count $got, the kernel lost $want while the daemon ran"
grep -q "loss: kernel_lost" "$TMP/log" || fail "loss not logged"
note "kernel lost $want records; auditstream reported $got in-band"
