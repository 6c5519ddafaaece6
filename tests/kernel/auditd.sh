# tests/kernel/auditd.sh -- a real auditd as the kernel's audit daemon, for
# tests of what reads its output (follow, the audisp plugin mode).  Source
# after lib.sh, which restores the kernel state and stops $DAEMONS by pid.
command -v auditd >/dev/null || cannot_run "auditd (package auditd) is needed"

# start_auditd DIR LOG MAX_LOG_FILE_MB ACTION : a private DIR/auditd.conf
# (RAW log at LOG, its plugin_dir DIR/plugins.d), auditd -n -c DIR started
# and registered, audit enabled with a large backlog; sets $APID.
# space_left must be above admin_space_left or auditd exits at once.
start_auditd() {
	mkdir -p "$1/plugins.d"
	cat > "$1/auditd.conf" <<CONF
local_events = yes
write_logs = yes
log_file = $2
log_format = RAW
log_group = root
priority_boost = 0
flush = incremental_async
freq = 20
num_logs = 99
name_format = none
max_log_file = $3
max_log_file_action = $4
space_left = 2
space_left_action = ignore
admin_space_left = 1
admin_space_left_action = ignore
disk_full_action = ignore
disk_error_action = ignore
plugin_dir = $1/plugins.d
q_depth = 8192
tcp_listen_queue = 5
tcp_max_per_addr = 1
tcp_client_max_idle = 0
distribute_network = no
CONF
	auditd -n -c "$1" >"$1/auditd.out" 2>&1 &
	APID=$!
	DAEMONS="$DAEMONS $APID"
	wait_for 10 sh -c "[ \"\$(auditctl -s | awk '\$1==\"pid\"{print \$2}')\" = $APID ]" ||
		{ cat "$1/auditd.out"; fail "auditd did not register"; }
	auditctl -e 1 >/dev/null
	auditctl -b 8192 >/dev/null
}

# load AUID N : N getppid calls from a process whose audit uid is AUID.
load() {
	sh -c "echo $1 > /proc/self/loginuid && exec python3 -c '
import os, sys
for i in range(int(sys.argv[1])): os.getppid()
' $2" || fail "load"
}

# serials KEY FILE... : the serials of the SYSCALL records of rule KEY, sorted
# as comm wants them.
serials() {
	local key=$1; shift
	cat "$@" 2>/dev/null | grep -a "^type=SYSCALL .*key=\"$key\"" |
		sed -n 's/.*msg=audit([0-9.]*:\([0-9]*\)).*/\1/p' | sort -u
}
