#!/bin/sh
# Options of the syslog output.  --check-config names file, line and key for
# an unknown key and a wrong type (the plugin has no option the operator must
# always set: every one has a default).  Values only the plugin understands
# (names, ranges, combinations such as tcp without an address) are refused
# by --check-config too, through the plugin's check(), with file, line,
# output and key, and stop the daemon at start-up the same way.  A syslog
# daemon that is not up yet is no error: the output starts and retries.
. "$top_srcdir/tests/lib/common.sh"

# expect_check NAME PATTERN OPTIONS : --check-config fails with PATTERN.
expect_check() {
	write_config "$TMP/$1.conf" "name = \"out_$1\"; plugin = \"syslog\";
	  $3"
	if "$AUDITSTREAM" -c "$TMP/$1.conf" --check-config >"$TMP/$1.out" 2>&1; then
		fail "$1: --check-config should fail"
	fi
	grep -Eq -- "$2" "$TMP/$1.out" || fail "$1: expected /$2/ in: $(cat "$TMP/$1.out")"
}

# expect_start NAME PATTERN OPTIONS : --check-config fails with
# FILE:LINE: output "out_NAME": PATTERN, and so does the start.
expect_start() {
	write_config "$TMP/$1.conf" "name = \"out_$1\"; plugin = \"syslog\"; $3"
	if "$AUDITSTREAM" -c "$TMP/$1.conf" --check-config >"$TMP/$1.out" 2>&1; then
		fail "$1: --check-config should fail"
	fi
	grep -Eq -- "$1.conf:[0-9]+: output \"out_$1\": $2" "$TMP/$1.out" ||
		fail "$1: --check-config: expected /$2/ in: $(cat "$TMP/$1.out")"
	if "$AUDITSTREAM" -c "$TMP/$1.conf" --replay /dev/null >"$TMP/$1.out" 2>&1; then
		fail "$1: the daemon should not start"
	fi
	grep -Eq -- "output \"out_$1\": $2" "$TMP/$1.out" || fail "$1: expected /$2/ in: $(cat "$TMP/$1.out")"
}

# A good config passes without touching the socket.
write_config "$TMP/good.conf" "plugin = \"syslog\"; network = \"tcp\"; address = \"127.0.0.1:1\";
    protocol = \"rfc5424\"; facility = \"authpriv\"; framing = \"lf\"; max_message_size = 100000;"
"$AUDITSTREAM" -c "$TMP/good.conf" --check-config >"$TMP/good.out" 2>&1 || fail "good: $(cat "$TMP/good.out")"
grep -q "configuration OK (1 output)" "$TMP/good.out" || fail "good: $(cat "$TMP/good.out")"

expect_check unknown "unknown.conf:5: output \"[^\"]*\": colour: unknown key for plugin \"syslog\"" 'colour = "blue";'
expect_check type "type.conf:5: output \"[^\"]*\": max_message_size: must be an integer" 'max_message_size = "big";'
expect_check type2 "type2.conf:5: output \"[^\"]*\": facility: must be a string" 'facility = 4;'

expect_start noaddr 'address: network "tcp" needs "host:port"' 'network = "tcp";'
expect_start noport 'address: network "udp" needs "host:port".*got "localhost"' 'network = "udp"; address = "localhost";'
expect_start v6 'address: network "tcp" needs' 'network = "tcp"; address = "::1:514";'
expect_start unixaddr 'address: only for network "udp" or "tcp"' 'address = "127.0.0.1:514";'
expect_start network 'network: "sctp" is not one of "unix", "udp", "tcp"' 'network = "sctp";'
expect_start socktype 'socket_type: "seqpacket" is not one of "dgram", "stream"' 'socket_type = "seqpacket";'
expect_start tcpstream 'socket_type: only for network "unix"' 'network = "tcp"; address = "h:1"; socket_type = "stream";'
expect_start facility 'facility: unknown name "local9"' 'facility = "local9";'
expect_start severity 'severity: unknown name "loud"' 'severity = "loud";'
expect_start losssev 'loss_severity: unknown name "high"' 'loss_severity = "high";'
expect_start protocol 'protocol: "rfc1234" is not one of "rfc3164", "rfc5424"' 'protocol = "rfc1234";'
expect_start framing 'framing: "crlf" is not one of "auto", "octet", "lf"' 'network = "tcp"; address = "h:1"; framing = "crlf";'
expect_start dgramframing 'framing: only for stream transports' 'framing = "octet";'
expect_start oversize 'oversize: "split" is not one of "drop", "truncate"' 'oversize = "split";'
expect_start small 'max_message_size: 100 is not in 480' 'max_message_size = 100;'
expect_start udpbig 'max_message_size: 70000 is not in 480..65507 \(the UDP limit\)' 'network = "udp"; address = "h:1"; max_message_size = 70000;'
expect_start timeout 'timeout_ms: 0 is out of range \[1, 3600000\]' 'timeout_ms = 0;'
expect_start tag 'tag: "has space" must be' 'tag = "has space";'
expect_start tag2 'tag: "a:b" must be' 'tag = "a:b";'
expect_start longpath 'socket_path: empty or longer than' "socket_path = \"$(printf '/x%.0s' $(seq 60))\";"

# No daemon listening yet: the output starts, says why it cannot deliver,
# retries, and counts what it could not deliver when told to stop.
make_events 10 1 > "$TMP/in.log"
EXTRA_CONFIG='shutdown = { drain_time_ms = 300; };' write_config "$TMP/down.conf" \
	"name = \"down\"; plugin = \"syslog\"; socket_path = \"$TMP/nobody.sock\"; retry = { initial_ms = 20; max_ms = 50; };"
"$AUDITSTREAM" -c "$TMP/down.conf" --replay "$TMP/in.log" >"$TMP/down.out" 2>&1 &
pid=$!
stop_daemon() { kill -9 $pid 2>/dev/null; }
CLEANUP_HOOKS="$CLEANUP_HOOKS stop_daemon"
wait_for 20 grep -q "output down: write failed, retrying" "$TMP/down.out" || fail "down: $(cat "$TMP/down.out")"
kill -TERM $pid
wait $pid
check_law "$TMP/down.out"
grep -q "output down: cannot connect to $TMP/nobody.sock (dgram): No such file or directory" "$TMP/down.out" ||
	fail "down: $(cat "$TMP/down.out")"
grep -Eq "output down: enqueued=10 written=0 dropped=0 undelivered=10 retries=[1-9]" "$TMP/down.out" ||
	fail "down: $(cat "$TMP/down.out")"
exit 0
