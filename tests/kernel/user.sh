#!/bin/sh
# user = "nobody": after start-up the daemon runs as that user and group
# (no supplementary groups), in every thread, keeping only CAP_AUDIT_CONTROL
# and CAP_AUDIT_READ -- and that is enough: in unicast mode it loads its
# rules, takes the audit pid, sees an execve and its canary, and at exit
# clears its rules and gives the pid back; in multicast mode it loads rules
# and reads the copy.  Its files (output, canary, state) are the user's, and
# so is its control socket, which that user may ask.
. "$top_srcdir/tests/kernel/lib.sh"

ldd "$AUDITSTREAM" | grep -q libcap-ng || cannot_run "this build does not link libcap-ng (configured --without-capng)"
id nobody >/dev/null 2>&1 || cannot_run "no user nobody"
uid=$(id -u nobody) gid=$(id -g nobody)
AUDIT_CONTROL=$((1 << 30)) AUDIT_READ=$((1 << 37))

chmod 0711 "$TMP"	# the user reaches its own directories below
mkdir -m 0700 "$TMP/state" "$TMP/out"
chown nobody: "$TMP/state" "$TMP/out"

check_user() {	# PID: every thread runs as nobody with only the audit caps
	local n=0 t
	for t in /proc/$1/task/*; do
		set -- $(awk '$1 == "Uid:" { print $2, $3, $4, $5 }' "$t/status")
		[ "$*" = "$uid $uid $uid $uid" ] || fail "thread $(basename "$t"): Uid $*, want $uid"
		set -- $(awk '$1 == "Gid:" { print $2, $3, $4, $5 }' "$t/status")
		[ "$*" = "$gid $gid $gid $gid" ] || fail "thread $(basename "$t"): Gid $*, want $gid"
		[ -z "$(awk '$1 == "Groups:" { $1 = ""; print }' "$t/status" | tr -d ' ')" ] ||
			fail "thread $(basename "$t"): supplementary groups kept"
		for f in CapEff CapPrm CapBnd; do
			v=$(awk -v k="$f:" '$1 == k { print $2 }' "$t/status")
			[ "$((0x$v))" = "$((AUDIT_CONTROL | AUDIT_READ))" ] || fail "thread $(basename "$t"): $f=$v"
		done
		n=$((n + 1))
	done
	[ $n -ge 2 ] || fail "only $n threads: the output worker is missing"
	note "$n threads run as uid $uid with CAP_AUDIT_CONTROL, CAP_AUDIT_READ only"
}

canary=$TMP/state/canary
EXTRA_CONFIG="user = \"nobody\";
state_dir = \"$TMP/state\";
control_socket = \"$TMP/run/ctl.sock\";
socket_buffer = { receive = 0; };
canary = { enabled = true; path = \"$canary\"; interval_ms = 300; deadline_ms = 5000; };
rules = ( \"-a always,exit -F arch=b64 -S execve -k astest-user\" );" \
	write_config "$TMP/u.conf" "plugin = \"file\"; path = \"$TMP/out/u.json\";"
start_daemon_ready "$TMP/u.conf" "$TMP/u.log"
[ "$(status_field pid)" = "$DPID" ] || { cat "$TMP/u.log"; fail "the audit pid is not the daemon's"; }
check_user "$DPID"
grep -q "running as user nobody (uid $uid, gid $gid)" "$TMP/u.log" || { cat "$TMP/u.log"; fail "the switch is not logged"; }
auditctl -l | grep -q -- "key=astest-user$" || { auditctl -l; fail "the rule was not loaded"; }

tag="asuser-$$-$(date +%s%N)"
/bin/sh -c "/bin/echo $tag > /dev/null"
wait_for 15 grep -q "$tag" "$TMP/out/u.json" || { cat "$TMP/u.log"; fail "no execve event as nobody"; }
# The canary's read came back (SIGUSR1 logs the counters).
wait_for 15 sh -c "kill -USR1 $DPID; grep -Eq 'canary: sent=[0-9]+ seen=[1-9]' '$TMP/u.log'" ||
	{ cat "$TMP/u.log"; fail "no canary event came back as nobody"; }
# The daemon's user may ask for the stats too (the socket is given to it).
if command -v setpriv >/dev/null 2>&1; then
	setpriv --reuid=nobody --regid="$gid" --clear-groups "$AUDITSTREAM" -c "$TMP/u.conf" --stats \
		>"$TMP/stats" 2>"$TMP/stats.err" || fail "--stats as nobody: $(cat "$TMP/stats.err")"
	grep -q '^auditstream_events_total [1-9]' "$TMP/stats" || fail "--stats as nobody: $(head -5 "$TMP/stats")"
else
	note "setpriv missing: --stats as the daemon's user not checked"
fi
stop_daemon "$DPID" || { cat "$TMP/u.log"; fail "exit status as nobody"; }
check_law "$TMP/u.log"
[ -e "$TMP/run/ctl.sock" ] && fail "the control socket was left behind"
[ "$(status_field pid)" = 0 ] || fail "audit pid not given back: $(status_field pid)"
auditctl -l | grep -q -- "astest-user\|auditstream_canary" && fail "rules left after exit: $(auditctl -l)"
grep -Eq "canary: sent=[0-9]+ seen=[1-9][0-9]* missed=0" "$TMP/u.log" || { grep canary "$TMP/u.log"; fail "canary counters"; }
[ "$(stat -c %U "$TMP/out/u.json")" = nobody ] || fail "the output file is $(stat -c %U "$TMP/out/u.json")'s"
[ "$(stat -c %U "$canary")" = nobody ] || fail "the canary file is $(stat -c %U "$canary")'s"

# Multicast, with its rules loaded as nobody too.
EXTRA_CONFIG="user = \"nobody\";
state_dir = \"$TMP/state\";
control_socket = \"\";
socket_buffer = { receive = 0; };
input = { mode = \"multicast\"; load_rules = true; };
rules = ( \"-a always,exit -F arch=b64 -S execve -k astest-user-mc\" );" \
	write_config "$TMP/m.conf" "plugin = \"file\"; path = \"$TMP/out/m.json\";"
start_daemon_ready "$TMP/m.conf" "$TMP/m.log"
check_user "$DPID"
auditctl -l | grep -q -- "key=astest-user-mc$" || { auditctl -l; fail "the multicast rule was not loaded"; }
tag="asusermc-$$-$(date +%s%N)"
/bin/sh -c "/bin/echo $tag > /dev/null"
wait_for 15 grep -q "$tag" "$TMP/out/m.json" || { cat "$TMP/m.log"; fail "no multicast event as nobody"; }
stop_daemon "$DPID" || { cat "$TMP/m.log"; fail "multicast exit status as nobody"; }
check_law "$TMP/m.log"
auditctl -l | grep -q -- "astest-user-mc" && fail "multicast rule left after exit"

# A user that does not exist is a config error with its line.
EXTRA_CONFIG='user = "no-such-user-astest";' write_config "$TMP/bad.conf" "plugin = \"file\"; path = \"$TMP/out/b.json\";"
"$AUDITSTREAM" -c "$TMP/bad.conf" --check-config 2>"$TMP/bad.log" && fail "an unknown user was accepted"
grep -q "bad.conf:3: user: no such user \"no-such-user-astest\"" "$TMP/bad.log" || fail "$(cat "$TMP/bad.log")"
exit 0
