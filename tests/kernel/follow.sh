#!/bin/sh
# The follow input against a real auditd writing its own log: auditd -n -c
# DIR (the kernel's audit daemon, a private auditd.conf: RAW, max_log_file =
# 1 MB, max_log_file_action = ROTATE), a getppid rule limited to one auid,
# and a load from a process with that auid.  auditstream starts first,
# before the log exists; then auditd; load across several rotations (by
# size and by SIGUSR1, what `auditctl --signal rotate` sends); kill -9 of
# auditstream mid-stream and a restart; truncation of the log auditd
# writes; SIGTERM; a restart as user nobody.  The output's queue is left to
# its default overflow (drop_newest): a file input waits instead.  Every
# serial auditd wrote must arrive, each once, but for one run of duplicates
# at the kill (no more than the output held past the last saved position);
# the output's counters add up at each stop.
. "$top_srcdir/tests/kernel/lib.sh"
. "$top_srcdir/tests/kernel/auditd.sh"
command -v python3 >/dev/null || cannot_run "python3 is needed for the load"

AUID=4247
AD=$TMP/auditd
LOGDIR=$TMP/alog
LOG=$LOGDIR/audit.log
OUT=$TMP/out.json
mkdir -p "$TMP/state" "$TMP/copies"

EXTRA_CONFIG="state_dir = \"$TMP/state\"; input = { mode = \"follow\"; path = \"$LOG\"; };" \
	write_config "$TMP/a.conf" "name = \"out\"; plugin = \"file\"; path = \"$OUT\";
		queue = { size = 1024; batch = 64; };"
RUN=0
start_follow() {
	RUN=$((RUN + 1))
	"$AUDITSTREAM" -c "$TMP/a.conf" 2>"$TMP/daemon.$RUN" &
	DPID=$!
	DAEMONS="$DAEMONS $DPID"
}
# SIGTERM; exit 0; the conservation law holds, nothing dropped.
stop_follow() {
	stop_daemon "$DPID" || { cat "$TMP/daemon.$RUN"; fail "run $RUN: exit status"; }
	check_no_loss "$TMP/daemon.$RUN" out
}
# The serials of our rule's events in auditd's logs (and the copies taken
# before truncating).  Its CONFIG_CHANGE records are left out: the
# rule's removal is logged just before the last stop, and what the daemon
# has not read by then is for its next start.
written() { serials asfollow "$TMP"/copies/* "$LOG"*; }
# Waits until every serial auditd wrote so far has arrived.
caught_up() {
	written > "$TMP/w"
	grep -o '"sequence":[0-9]*' "$OUT" 2>/dev/null | cut -d: -f2 | sort -u > "$TMP/d"
	[ -s "$TMP/w" ] && [ -z "$(comm -23 "$TMP/w" "$TMP/d")" ]
}
wait_caught_up() {
	wait_for 120 caught_up ||
		{ cat "$TMP/daemon.$RUN"; fail "$1: $(comm -23 "$TMP/w" "$TMP/d" | wc -l) of $(wc -l < "$TMP/w") serials did not arrive"; }
}

# 1. auditstream first: the log is not there yet.
start_follow
wait_for 20 grep -q "not there yet; waiting" "$TMP/daemon.$RUN" ||
	{ cat "$TMP/daemon.$RUN"; fail "no word that the log is waited for"; }
kill -0 "$DPID" || fail "auditstream exited on a missing log"

mkdir -m 0700 "$LOGDIR"	# auditd makes the log, not its directory
start_auditd "$AD" "$LOG" 1 rotate
auditctl -a always,exit -F arch=b64 -S getppid -F auid=$AUID -k asfollow >/dev/null || fail "auditctl -a"

# 2. Load across rotations by size (1 MB is about 2500 of these events).
load $AUID 4000
# auditd rotates on SIGUSR1 (auditctl --signal rotate, where auditctl has it).
kill -USR1 "$APID"
load $AUID 6000
wait_caught_up "rotations"
[ -e "$LOG.2" ] || fail "auditd rotated fewer than twice: $(ls "$LOGDIR")"
note "rotated files: $(ls "$LOGDIR" | tr '\n' ' ')"

# 3. kill -9 while the load runs, and a restart.
load $AUID 30000 &
LOADPID=$!
wait_for 60 sh -c "[ \$(grep -c . '$OUT') -ge $(( $(grep -c . "$OUT") + 3000 )) ]" ||
	fail "no progress under load"
kill -KILL "$DPID"
wait "$DPID" 2>/dev/null
DAEMONS=$(echo "$DAEMONS" | sed "s/ $DPID\b//")
note "killed after $(grep -c . "$OUT") events"
start_follow
wait "$LOADPID" || fail "load"
wait_caught_up "restart after kill -9"

# 4. Truncation of the log auditd writes (everything read first).
cp "$LOG" "$TMP/copies/before-truncation"
: > "$LOG"
load $AUID 500
wait_caught_up "truncation"
grep -q "truncated" "$TMP/daemon.$RUN" || fail "the truncation went unnoticed"
stop_follow

# 5. A clean restart repeats nothing; as user nobody where there is one,
# which reads auditd's root-only log (0600 in a 0700 directory) with the
# one capability follow keeps, CAP_DAC_READ_SEARCH.
if id nobody >/dev/null 2>&1; then
	chown nobody "$TMP/state" "$TMP/state"/* "$OUT"
	sed -i '1i user = "nobody";' "$TMP/a.conf"
fi
start_follow
load $AUID 300
wait_caught_up "clean restart"
if id nobody >/dev/null 2>&1; then
	grep -q "running as user nobody .*keeping CAP_DAC_READ_SEARCH; no_new_privs set" "$TMP/daemon.$RUN" ||
		{ cat "$TMP/daemon.$RUN"; fail "not running as nobody with CAP_DAC_READ_SEARCH"; }
	kill -USR1 "$APID"	# a rotation read as nobody
	load $AUID 200
	wait_caught_up "rotation as nobody"
fi
auditctl -D >/dev/null
stop_follow

written | sort -n > "$TMP/w"
py "$OUT" "$TMP/w" "$TMP"/daemon.* <<'PY'
import collections, json, sys
want = [int(l) for l in open(sys.argv[2])]
got, torn = collections.Counter(), []
for l in open(sys.argv[1]):
    try:
        if '"sequence"' in l:
            got[json.loads(l)['sequence']] += 1
    except ValueError:
        torn.append(l[:80])
ours = set(want)
err = []
# kill -9 may cut a write short: one torn line at most, which the restarted
# daemon ended (file plugin) before writing on; its event comes again whole.
if len(torn) > 1 or (torn and not any('ended inside a line' in open(f).read() for f in sys.argv[3:])):
    err.append('lines that are not JSON: %r' % torn[:3])
missing = [s for s in want if got[s] == 0]
dups = sorted(s for s in ours if got[s] > 1)
if missing:
    err.append('%d of %d serials missing, e.g. %r' % (len(missing), len(want), missing[:10]))
if any(got[s] > 2 for s in dups):
    err.append('a serial arrived more than twice')
# Duplicates: one run of consecutive serials of ours (the kill), no more than
# the output held past the last save (queue 1024, batch 64, a save every 64
# records).
idx = {s: i for i, s in enumerate(want)}
if dups and (idx[dups[-1]] - idx[dups[0]] + 1 != len(dups) or len(dups) > 1024 + 64 + 64):
    err.append('duplicates are not one run within what the output held: %d, %r..%r' % (len(dups), dups[0], dups[-1]))
for e in err:
    print('FAIL:', e)
print('# %d serials written by auditd, all arrived; %d repeated after kill -9' % (len(want), len(dups)))
sys.exit(1 if err else 0)
PY
