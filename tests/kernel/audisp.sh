#!/bin/sh
# The audisp plugin mode: a real auditd (auditd -n -c DIR, its private
# plugin_dir) starts auditstream from the shipped example plugin config
# (etc/audisp-auditstream.conf, made active and pointed at this build) and
# writes every record to its stdin; auditstream reads it with --replay -.
# Every serial of the rule's events in auditd's own log must arrive in the
# output exactly once, and when auditd stops, auditstream stops with it,
# its counters adding up.
. "$top_srcdir/tests/kernel/lib.sh"
. "$top_srcdir/tests/kernel/auditd.sh"
command -v python3 >/dev/null || cannot_run "python3 is needed for the load"

AUID=4248
AD=$TMP/auditd
LOG=$TMP/alog/audit.log
OUT=$TMP/out.json
mkdir -p "$AD/plugins.d" "$TMP/alog"
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

start_auditd "$AD" "$LOG" 64 ignore
wait_for 10 pgrep -P "$APID" -f "$TMP/a.conf" ||
	{ cat "$AD/auditd.out" "$TMP/daemon.log"; fail "auditd did not start auditstream"; }
PPID_AS=$(pgrep -P "$APID" -f "$TMP/a.conf")
auditctl -a always,exit -F arch=b64 -S getppid -F auid=$AUID -k asaudisp >/dev/null || fail "auditctl -a"
load $AUID 3000

written() { serials asaudisp "$LOG"; }
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
py "$OUT" "$TMP/w" <<'PY' || { cat "$TMP/daemon.log"; exit 1; }
import collections, json, sys
got = collections.Counter(json.loads(l)['sequence'] for l in open(sys.argv[1]) if '"sequence"' in l)
want = [int(l) for l in open(sys.argv[2])]
bad = [s for s in want if got[s] != 1]
if bad:
    sys.exit('FAIL: %d of %d serials not exactly once, e.g. %r' % (len(bad), len(want), [(s, got[s]) for s in bad[:5]]))
print('# %d serials from auditd\'s plugin stream, each once' % len(want))
PY
check_no_loss "$TMP/daemon.log" out
