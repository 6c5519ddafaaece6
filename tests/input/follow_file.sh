#!/bin/sh
# The follow input on a log the test writes itself in auditd's text (the
# make_events records), so the logic is covered where no kernel audit is:
# the log's directory absent at start, then created; rotation by rename as
# auditd does it (log.1 -> log.2, log -> log.1), with lines added to the
# renamed file before the new one appears, and two rotations between two
# looks (the daemon stopped with SIGSTOP meanwhile); truncation; kill -9
# mid-stream and a restart; SIGTERM and a restart.  Every serial written
# must arrive; the only duplicates allowed are one run at the kill, no more
# than the output held (its queue and batch) past the last saved position.
. "$top_srcdir/tests/lib/common.sh"

LOG=$TMP/log/audit.log
OUT=$TMP/out.json
mkdir -p "$TMP/state"
EXTRA_CONFIG="state_dir = \"$TMP/state\"; input = { mode = \"follow\"; path = \"$LOG\"; };"
write_config "$TMP/a.conf" \
	"name = \"out\"; plugin = \"slow\"; path = \"$OUT\"; delay_ms = 5;
	 queue = { size = 256; batch = 64; };"
: > "$OUT"

RUN=0
start() {
	RUN=$((RUN + 1))
	"$AUDITSTREAM" -c "$TMP/a.conf" 2>"$TMP/daemon.$RUN" &
	DPID=$!
}
stop_it() { kill "$DPID" 2>/dev/null; kill -CONT "$DPID" 2>/dev/null; wait "$DPID" 2>/dev/null; }
CLEANUP_HOOKS="stop_it $CLEANUP_HOOKS"

# The number of distinct serials in the output.
distinct() { grep -o '"sequence":[0-9]*' "$OUT" | sort -u | wc -l; }
wait_distinct() {
	wait_for 120 sh -c "[ \$(grep -o '\"sequence\":[0-9]*' '$OUT' | sort -u | wc -l) -ge $1 ]" ||
		{ cat "$TMP/daemon.$RUN"; fail "$2: $(distinct) distinct serials arrived, want $1"; }
	kill -0 "$DPID" 2>/dev/null || { cat "$TMP/daemon.$RUN"; fail "$2: the daemon died"; }
}
# As auditd rotates: every log.N moves up one, the log becomes log.1.
rotate() {
	for i in 4 3 2 1; do
		[ -e "$LOG.$i" ] && mv "$LOG.$i" "$LOG.$((i + 1))"
	done
	mv "$LOG" "$LOG.1"
}
# The daemon's exit: 0, the conservation law, nothing dropped.
stopped_clean() {
	kill -TERM "$DPID"
	wait "$DPID" || { cat "$TMP/daemon.$RUN"; fail "$1: exit status $?"; }
	check_no_loss "$TMP/daemon.$RUN" out
}

# 1. The log's directory is not there: waited for, not an error.
start
wait_for 20 grep -q "not there yet; waiting" "$TMP/daemon.$RUN" ||
	{ cat "$TMP/daemon.$RUN"; fail "no word that the log is waited for"; }
kill -0 "$DPID" || fail "the daemon exited on a missing log"
mkdir -p "$TMP/log"
make_events 1000 1 > "$LOG"
wait_distinct 1000 "log created after the start"

# 2. Rotation; lines added to the renamed file before the new log is there.
make_events 1000 1001 >> "$LOG"
rotate
make_events 500 2001 >> "$LOG.1"
make_events 500 2501 > "$LOG"
wait_distinct 3000 "one rotation"

# 3. Two rotations between two looks.
kill -STOP "$DPID"
make_events 300 3001 >> "$LOG"
rotate
make_events 300 3301 > "$LOG"
rotate
make_events 400 3601 > "$LOG"
kill -CONT "$DPID"
wait_distinct 4000 "two rotations while stopped"

# 4. Truncation: shorter than what was read, then written on.
kill -STOP "$DPID"
: > "$LOG"
make_events 200 4001 >> "$LOG"
kill -CONT "$DPID"
wait_distinct 4200 "truncation"
stopped_clean "first run"

# 5. A restart after SIGTERM repeats nothing; kill -9 mid-stream loses nothing.
start
make_events 40000 4201 >> "$LOG"
wait_distinct 10000 "after a restart"
[ "$(distinct)" -lt 44200 ] || fail "all 40000 arrived before the kill: the test did not kill mid-stream"
kill -KILL "$DPID"
wait "$DPID" 2>/dev/null
KILLED_AT=$(distinct)
note "kill -9 after $KILLED_AT distinct serials"
start
wait_distinct 44200 "restart after kill -9"
stopped_clean "after kill -9"

# 6. Once more, clean: exactly the new events.
start
make_events 100 44201 >> "$LOG"
wait_distinct 44300 "last run"
stopped_clean "last run"

py "$OUT" 44300 <<'PY'
import collections, json, sys
out, n = sys.argv[1], int(sys.argv[2])
seqs = [json.loads(l)['sequence'] for l in open(out) if '"sequence"' in l]
c = collections.Counter(seqs)
err = []
missing = [s for s in range(1, n + 1) if c[s] == 0]
extra = [s for s in c if s < 1 or s > n]
dups = sorted(s for s in c if c[s] > 1)
if missing:
    err.append('%d serials missing, e.g. %r' % (len(missing), missing[:10]))
if extra:
    err.append('serials never written arrived: %r' % extra[:10])
if any(c[s] > 2 for s in dups):
    err.append('a serial arrived more than twice')
# What the output took since the last save: the position is saved every 64
# records (32 events), so at most its queue (256) and batch (64) beyond that.
if dups and (dups[-1] - dups[0] + 1 != len(dups) or len(dups) > 256 + 64 + 32 or dups[0] < 4201):
    err.append('duplicates are not one run at the kill, within what the output held: %d, %r..%r' % (len(dups), dups[0], dups[-1]))
for e in err:
    print('FAIL:', e)
print('# %d events, %d serials, %d repeated after kill -9' % (len(seqs), len(c), len(dups)))
sys.exit(1 if err else 0)
PY
