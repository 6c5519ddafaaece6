# tests/kernel/lib.sh -- for tests against the real kernel audit subsystem.
# The kernel's audit state is global: take the lock, save what we find,
# restore it on any exit, and never leave a daemon holding the audit pid.
. "$top_srcdir/tests/lib/common.sh"

LOCK=/run/auditstream-kernel-test.lock

# Under CI=true every one of these is a failure (cannot_run): CI runs as
# root on a machine with audit, so a kernel test that cannot run there
# means something is wrong, not that it may pass untested.
[ "$(id -u)" = 0 ] || cannot_run "kernel tests need root"
command -v auditctl >/dev/null || cannot_run "auditctl (package auditd) is needed to set up and read back the kernel state"
auditctl -s >/dev/null 2>&1 || cannot_run "no access to kernel audit (CAP_AUDIT_CONTROL, or audit not in this kernel)"

exec 9>"$LOCK"
flock -w 300 9 || cannot_run "could not take $LOCK in 300 s (held by: $(fuser "$LOCK" 2>/dev/null))"

status_field() { auditctl -s | awk -v k="$1" '$1 == k { print $2 }'; }

ORIG_ENABLED=$(status_field enabled)
ORIG_PID=$(status_field pid)
ORIG_BACKLOG=$(status_field backlog_limit)
ORIG_WAIT=$(status_field backlog_wait_time)
ORIG_RATE=$(status_field rate_limit)
ORIG_FAILURE=$(status_field failure)
ORIG_RULES=$TMP/rules.orig
auditctl -l > "$ORIG_RULES"
[ "$ORIG_ENABLED" = 2 ] && cannot_run "audit configuration is locked (enabled 2)"
if [ "${ORIG_PID:-0}" != 0 ] && [ -d "/proc/$ORIG_PID" ]; then
	cannot_run "another audit daemon holds the audit pid: $ORIG_PID ($(cat /proc/$ORIG_PID/comm))"
fi

DAEMONS=""
kernel_restore() {
	for p in $DAEMONS; do
		kill -CONT "$p" 2>/dev/null
		kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	auditctl -D >/dev/null 2>&1
	if ! grep -q '^No rules' "$ORIG_RULES"; then
		while read -r rule; do
			eval "auditctl $rule" >/dev/null 2>&1
		done < "$ORIG_RULES"
	fi
	auditctl -b "$ORIG_BACKLOG" >/dev/null 2>&1
	[ -n "$ORIG_WAIT" ] && auditctl --backlog_wait_time "$ORIG_WAIT" >/dev/null 2>&1
	[ -n "$ORIG_RATE" ] && auditctl -r "$ORIG_RATE" >/dev/null 2>&1
	[ -n "$ORIG_FAILURE" ] && auditctl -f "$ORIG_FAILURE" >/dev/null 2>&1
	auditctl -e "$ORIG_ENABLED" >/dev/null 2>&1
	now=$(status_field pid)
	if [ "${now:-0}" != 0 ] && [ "$now" != "${ORIG_PID:-0}" ]; then
		echo "WARNING: audit pid $now still registered after the test" >&2
	fi
}
CLEANUP_HOOKS="kernel_restore $CLEANUP_HOOKS"

# start_daemon CONF LOG : starts auditstream in the background, waits until
# it holds the audit pid, sets $DPID.
start_daemon() {
	"$AUDITSTREAM" -c "$1" 2>"$2" &
	DPID=$!
	DAEMONS="$DAEMONS $DPID"
	eval "DLOG_$DPID=\$2"	# for stop_daemon's check_law
	wait_for 10 sh -c "[ \"\$(auditctl -s | awk '\$1==\"pid\"{print \$2}')\" = $DPID ]" ||
		{ cat "$2"; fail "auditstream did not register as the audit daemon"; }
}

# stop_daemon PID : SIGTERM and wait; returns its exit status.  A daemon
# that ended well has its counters checked (check_law) from its log.
stop_daemon() {
	kill -TERM "$1"
	wait "$1"
	local rc=$? log
	DAEMONS=$(echo "$DAEMONS" | sed "s/ $1\b//")
	eval "log=\${DLOG_$1:-}"
	[ $rc -ne 0 ] || [ -z "$log" ] || check_law "$log"
	return $rc
}

# start_daemon_ready CONF LOG : starts auditstream in the background and
# waits until it has set everything up (rules, canary; in either input
# mode), sets $DPID.  Fails with the log when it exits instead.
start_daemon_ready() {
	"$AUDITSTREAM" -c "$1" 2>"$2" &
	DPID=$!
	DAEMONS="$DAEMONS $DPID"
	eval "DLOG_$DPID=\$2"
	wait_for 15 sh -c "grep -q 'reading the kernel' '$2' || ! kill -0 $DPID" ||
		{ cat "$2"; fail "auditstream did not start"; }
	kill -0 "$DPID" 2>/dev/null || { cat "$2"; fail "auditstream exited at start"; }
}

# rules_now FILE : the kernel's rules as auditctl prints them.
rules_now() { auditctl -l > "$1"; }
