#!/bin/sh
# Restart gap: the daemon keeps its last serial in state_dir; audited events
# happen while it is down; the next run reports exactly the serials it missed
# in-band, as its first event:
#   {"type":"auditstream_loss","reason":"restart_gap","first_serial":S1+1,
#    "last_serial":F-1,"count":F-1-S1}
# where S1 is the previous run's last serial and F the first one of this run.
. "$top_srcdir/tests/kernel/lib.sh"

mkdir -m 0700 "$TMP/state"
EXTRA_CONFIG="state_dir = \"$TMP/state\";" write_config "$TMP/1.conf" "plugin = \"file\"; path = \"$TMP/out1.json\";"
EXTRA_CONFIG="state_dir = \"$TMP/state\";" write_config "$TMP/2.conf" "plugin = \"file\"; path = \"$TMP/out2.json\";"
rule="-a always,exit -F arch=b64 -S execve -F key=auditstream-gap"
tag="astest-$$-$(date +%s%N)"

start_daemon "$TMP/1.conf" "$TMP/log1"
auditctl $rule >/dev/null || fail "auditctl -a"
/bin/sh -c "/bin/echo $tag-1 > /dev/null"
wait_for 15 grep -q "$tag-1" "$TMP/out1.json" || { cat "$TMP/log1"; fail "run 1: the event never arrived"; }
stop_daemon "$DPID" || fail "run 1: exit status"
[ -s "$TMP/state/last_serial" ] || fail "no state_dir/last_serial after run 1"
read -r boot s1 < "$TMP/state/last_serial"
[ "$boot" = "$(cat /proc/sys/kernel/random/boot_id)" ] || fail "state file boot id $boot"
last1=$(py "$TMP/out1.json" <<'PY'
import json, sys
print(max(e['sequence'] for e in map(json.loads, open(sys.argv[1])) if 'sequence' in e))
PY
)
[ "$s1" -ge "$last1" ] || fail "state file serial $s1 is below the last delivered serial $last1"

# Down: audited work goes on (to the kernel log); its serials are the gap.
auditctl -e 1 >/dev/null
auditctl $rule >/dev/null 2>&1
for i in 1 2 3 4 5; do /bin/sh -c "/bin/true $i"; done
auditctl -D >/dev/null

start_daemon "$TMP/2.conf" "$TMP/log2"
auditctl $rule >/dev/null || fail "auditctl -a"
/bin/sh -c "/bin/echo $tag-2 > /dev/null"
wait_for 15 grep -q "$tag-2" "$TMP/out2.json" || { cat "$TMP/log2"; fail "run 2: the event never arrived"; }
stop_daemon "$DPID" || fail "run 2: exit status"

py "$TMP/out2.json" "$s1" <<'PY' || { cat "$TMP/log2"; exit 1; }
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
s1 = int(sys.argv[2])
gap = [e for e in lines if e.get('reason') == 'restart_gap']
assert len(gap) == 1, 'want one restart_gap event, got %r' % gap
g = gap[0]
assert lines[0] is g, 'the gap is not the first event of run 2: %r' % lines[0]
first = min(e['sequence'] for e in lines if 'sequence' in e)
assert g['first_serial'] == s1 + 1, 'gap starts at %d, want %d' % (g['first_serial'], s1 + 1)
assert g['last_serial'] < first, 'gap ends at %d, run 2 delivered %d' % (g['last_serial'], first)
assert g['count'] == g['last_serial'] - g['first_serial'] + 1, g
# Five execs and the rule changes happened while it was down.
assert g['count'] >= 5, 'gap of %d serials, at least 5 went by' % g['count']
print('# restart gap: serials %d-%d (%d)' % (g['first_serial'], g['last_serial'], g['count']))
PY
grep -q "loss: restart_gap" "$TMP/log2" || fail "the gap is not in the daemon's log"

# A replay is not a restart: nothing reported, the state file untouched.
cp "$TMP/state/last_serial" "$TMP/saved"
EXTRA_CONFIG="state_dir = \"$TMP/state\";" write_config "$TMP/3.conf" "plugin = \"file\"; path = \"$TMP/out3.json\";"
"$AUDITSTREAM" -c "$TMP/3.conf" --replay "$FIXTURES/auditd-basic.log" 2>"$TMP/log3" || fail "replay"
check_law "$TMP/log3"
grep -q restart_gap "$TMP/out3.json" && fail "a replay reported a restart gap"
cmp -s "$TMP/saved" "$TMP/state/last_serial" || fail "a replay changed the state file"
exit 0
