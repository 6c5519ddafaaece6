#!/bin/sh
# The audisp plugin mode: a real auditd (auditd -n -c DIR, its private
# plugin_dir) starts auditstream from the shipped example plugin config
# (etc/audisp-auditstream.conf, made active and pointed at this build) and
# writes every record to its stdin; auditstream reads it with --replay -.
# Every serial of the rule's events in auditd's own log must arrive in the
# output exactly once, and when auditd stops, auditstream stops with it,
# its counters adding up.
. "$top_srcdir/tests/kernel/lib.sh"
command -v auditd >/dev/null || skip "auditd (package auditd) is needed"
command -v python3 >/dev/null || skip "python3 is needed for the load"

AUID=4248
AD=$TMP/auditd
LOG=$TMP/alog/audit.log
OUT=$TMP/out.json
mkdir -p "$AD/plugins.d" "$TMP/alog"
cat > "$AD/auditd.conf" <<CONF
local_events = yes
write_logs = yes
log_file = $LOG
log_format = RAW
log_group = root
priority_boost = 0
flush = incremental_async
freq = 20
num_logs = 5
name_format = none
max_log_file = 64
max_log_file_action = ignore
space_left = 2
space_left_action = ignore
admin_space_left = 1
admin_space_left_action = ignore
disk_full_action = ignore
disk_error_action = ignore
plugin_dir = $AD/plugins.d
q_depth = 8192
tcp_listen_queue = 5
tcp_max_per_addr = 1
tcp_client_max_idle = 0
distribute_network = no
CONF
write_config "$TMP/a.conf" "name = \"out\"; plugin = \"file\"; path = \"$OUT\";"
# auditd passes at most two arguments (the example's --replay -): the
# config goes in through a wrapper, as the README says.
cat > "$TMP/plugin.sh" <<SH
#!/bin/sh
exec "$AUDITSTREAM" -c "$TMP/a.conf" "\$@" 2>>"$TMP/daemon.log"
SH
chmod 0755 "$TMP/plugin.sh"
sed -e 's/^active = no/active = yes/' -e "s|^path = .*|path = $TMP/plugin.sh|" \
	"$top_srcdir/etc/audisp-auditstream.conf" > "$AD/plugins.d/auditstream.conf"
chmod 0640 "$AD/plugins.d/auditstream.conf"
grep -q '^args = --replay -$' "$AD/plugins.d/auditstream.conf" || fail "the example does not run --replay -"

auditd -n -c "$AD" >"$TMP/auditd.out" 2>&1 &
APID=$!
DAEMONS="$DAEMONS $APID"
wait_for 10 sh -c "[ \"\$(auditctl -s | awk '\$1==\"pid\"{print \$2}')\" = $APID ]" ||
	{ cat "$TMP/auditd.out"; fail "auditd did not register"; }
wait_for 10 pgrep -P "$APID" -f "$TMP/a.conf" ||
	{ cat "$TMP/auditd.out" "$TMP/daemon.log"; fail "auditd did not start auditstream"; }
PPID_AS=$(pgrep -P "$APID" -f "$TMP/a.conf")
auditctl -e 1 >/dev/null
auditctl -b 8192 >/dev/null
auditctl -a always,exit -F arch=b64 -S getppid -F auid=$AUID -k asaudisp >/dev/null || fail "auditctl -a"
sh -c "echo $AUID > /proc/self/loginuid && exec python3 -c '
import os
for i in range(3000): os.getppid()
'" || fail "load"

written() { grep -a '^type=SYSCALL .*key="asaudisp"' "$LOG" | sed -n 's/.*msg=audit([0-9.]*:\([0-9]*\)).*/\1/p' | sort -u; }
caught_up() {
	written > "$TMP/w"
	grep -o '"sequence":[0-9]*' "$OUT" 2>/dev/null | cut -d: -f2 | sort -u > "$TMP/d"
	[ "$(wc -l < "$TMP/w")" -ge 3000 ] && [ -z "$(comm -23 "$TMP/w" "$TMP/d")" ]
}
wait_for 60 caught_up ||
	{ cat "$TMP/daemon.log"; fail "$(comm -23 "$TMP/w" "$TMP/d" | wc -l) of $(wc -l < "$TMP/w") serials did not arrive"; }
auditctl -D >/dev/null

# auditd stops its plugin: auditstream ends with it.
stop_daemon "$APID" || note "auditd exited with $?"
wait_for 20 sh -c "! kill -0 $PPID_AS" || fail "auditstream outlived auditd"
written > "$TMP/w"
py "$OUT" "$TMP/w" "$TMP/daemon.log" <<'PY' || { cat "$TMP/daemon.log"; exit 1; }
import collections, json, re, sys
got = collections.Counter(json.loads(l)['sequence'] for l in open(sys.argv[1]) if '"sequence"' in l)
want = [int(l) for l in open(sys.argv[2])]
bad = [s for s in want if got[s] != 1]
if bad:
    sys.exit('FAIL: %d of %d serials not exactly once, e.g. %r' % (len(bad), len(want), [(s, got[s]) for s in bad[:5]]))
m = re.findall(r'output out: enqueued=(\d+) written=(\d+) dropped=(\d+) undelivered=(\d+)', open(sys.argv[3]).read())
if not m:
    sys.exit('FAIL: no exit stats for the output')
enq, wr, dr, und = map(int, m[-1])
if enq != wr + dr + und or dr or und:
    sys.exit('FAIL: enqueued %d != written %d + dropped %d + undelivered %d' % (enq, wr, dr, und))
print('# %d serials from auditd\'s plugin stream, each once; enqueued %d = written %d' % (len(want), enq, wr))
PY
