# tests/plugins/syslog_lib.sh -- a private rsyslogd for the syslog plugin's
# tests.  Source it after tests/lib/common.sh.
#
# start_rsyslog : starts rsyslogd in the foreground (-n) with a config in
#   $TMP: a unix dgram socket $SOCK (imuxsock, no system socket, parsers on so
#   RFC 5424 is understood), a unix stream socket $SSOCK (imptcp path) and a
#   TCP port $PORT on 127.0.0.1 (imtcp; both stream inputs take octet
#   counting and LF framing) and UDP port $UPORT (imudp, 8 MiB buffer).  No rate limits, 256 KiB messages, everything to
#   $OUT one line per message:
#     facility severity programname app-name procid msgid hostname |msg
#   Sets RSYSLOG_PID.  Restarting reuses $PORT.
# stop_rsyslog : SIGTERM (SIGKILL after 5 s) and waits; also the cleanup hook.
command -v rsyslogd >/dev/null 2>&1 || [ -x /usr/sbin/rsyslogd ] || skip "rsyslogd not installed (Debian package rsyslog)"
RSYSLOGD=$(command -v rsyslogd 2>/dev/null || echo /usr/sbin/rsyslogd)
SOCK=$TMP/log.sock
SSOCK=$TMP/stream.sock
OUT=$TMP/syslog.out
RSYSLOG_PID=
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
UPORT=$(python3 -c 'import socket; s=socket.socket(type=socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

stop_rsyslog() {
	local i=0
	[ -n "$RSYSLOG_PID" ] || return 0
	kill -TERM "$RSYSLOG_PID" 2>/dev/null
	while kill -0 "$RSYSLOG_PID" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -9 "$RSYSLOG_PID" 2>/dev/null
	wait "$RSYSLOG_PID" 2>/dev/null
	RSYSLOG_PID=
}
CLEANUP_HOOKS="$CLEANUP_HOOKS stop_rsyslog"

write_rsyslog_conf() {
	cat > "$TMP/rsyslog.conf" <<CONF
global(maxMessageSize="256k" workDirectory="$TMP")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="$SOCK" UseSpecialParser="off" RateLimit.Interval="0")
module(load="imptcp")
input(type="imptcp" path="$SSOCK" unlink="on")
module(load="imtcp")
input(type="imtcp" address="127.0.0.1" port="$PORT")
module(load="imudp")
input(type="imudp" address="127.0.0.1" port="$UPORT" rcvbufSize="8m")
template(name="raw" type="string"
	 string="%syslogfacility-text% %syslogseverity-text% %programname% %app-name% %procid% %msgid% %hostname% |%msg%\n")
# a big buffer: each batch in one write(), so a killed daemon leaves no half line
*.* action(type="omfile" file="$OUT" template="raw" ioBufferSize="1m" flushOnTXEnd="on")
CONF
}

tcp_up() {
	python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' "$PORT"
}

start_rsyslog() {
	[ -e "$TMP/rsyslog.conf" ] || write_rsyslog_conf
	rm -f "$SOCK" "$SSOCK"	# left by a killed daemon; wait for the new ones
	# (with the test's own descriptors closed: a FIFO writer it kept would
	# never let the input end)
	"$RSYSLOGD" -n -f "$TMP/rsyslog.conf" -i "$TMP/rsyslog.pid" 2>>"$TMP/rsyslog.err" \
		3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
	RSYSLOG_PID=$!
	wait_for 20 test -S "$SOCK" && wait_for 20 test -S "$SSOCK" && wait_for 20 tcp_up ||
		fail "rsyslogd did not start: $(cat "$TMP/rsyslog.err")"
}


# big_event SERIAL : one execve event of about 21 KB in auditd text (three
# EXECVE records near the kernel's record size), with multi-byte UTF-8 in it.
big_event() {
	awk -v s="$1" 'BEGIN {
		t = "1700000000.500"
		printf "type=SYSCALL msg=audit(%s:%d): arch=c000003e syscall=59 success=yes exit=0 items=0 ppid=1 pid=3 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=1 comm=\"big\" exe=\"/usr/bin/big\" key=\"t\"\n", t, s
		for (r = 0; r < 3; r++) {
			arg = ""
			for (i = 0; i < 2300; i++) arg = arg "\342\202\254"	# U+20AC, 3 bytes
			printf "type=EXECVE msg=audit(%s:%d): argc=1 a%d=\"%s\"\n", t, s, r, arg
		}
	}'
}

# syslog_check PYTHON : runs PYTHON with these globals: out (list of dicts
# fac sev prog app procid msgid host msg, the messages in $OUT in order;
# msg without the space rsyslog keeps after an RFC 3164 tag's colon),
# log (the daemon's stderr, $TMP/log) and ref (the JSON lines of the file
# output $TMP/ref.json, if any).
syslog_check() {
	py "$OUT" "$TMP/log" "$TMP/ref.json" "$1" <<'PY'
import json, os, re, sys
out = []
for raw in open(sys.argv[1], 'rb').read().split(b'\n'):
    if not raw:
        continue
    head, msg = raw.split(b' |', 1)
    f = head.decode().split(' ')
    out.append(dict(fac=f[0], sev=f[1], prog=f[2], app=f[3], procid=f[4], msgid=f[5], host=f[6], msg=msg))
log = open(sys.argv[2]).read() if os.path.exists(sys.argv[2]) else ''
ref = [l for l in open(sys.argv[3], 'rb').read().split(b'\n') if l] if os.path.exists(sys.argv[3]) else []
def stats(name):
    m = re.search(r'output %s: (enqueued=.*)' % re.escape(name), log)
    assert m, 'no stats line for %s' % name
    return dict(kv.split('=', 1) for kv in m.group(1).split() if '=' in kv)
def tagged(tag):
    return [dict(o, msg=o['msg'][1:] if o['msg'].startswith(b' ') else o['msg']) for o in out if o['app'] == tag]
exec(sys.argv[4])
PY
}
