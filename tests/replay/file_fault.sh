#!/bin/sh
# The file sink in a failing environment, input through a fifo so the daemon
# keeps running while the environment changes:
#  1. disk full (a 1 MiB tmpfs, filled up mid-stream): the output retries
#     with backoff and, once a filler file is deleted, every event arrives
#     once, whole lines only (the write resumes inside the event it stopped in);
#  2. the output file removed under the daemon: SIGHUP recreates it;
#  3. a SIGHUP storm under load: nothing lost, nothing doubled, no torn line.
# Needs root for the tmpfs mount (skips otherwise).
. "$top_srcdir/tests/lib/common.sh"

[ "$(id -u)" = 0 ] || skip "mounting a tmpfs needs root"
mkdir "$TMP/mnt"
mount -t tmpfs -o size=1m,mode=0700 auditstream-test "$TMP/mnt" 2>"$TMP/mount.err" ||
	skip "cannot mount a tmpfs: $(cat "$TMP/mount.err")"
unmount() { umount "$TMP/mnt" 2>/dev/null; }
CLEANUP_HOOKS="stop_daemon unmount"
pid=
stop_daemon() { [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; }

check_events() {	# FILE FIRST LAST: exactly serials FIRST..LAST, in order, whole lines
	py "$@" <<'PY'
import json, sys
path, first, last = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
seqs = []
for n, l in enumerate(open(path, 'rb').read().decode('utf-8').split('\n')[:-1]):
    try:
        seqs.append(json.loads(l)['sequence'])
    except Exception as e:
        sys.exit('%s:%d: not a whole JSON event (%s): %.80r' % (path, n + 1, e, l))
want = list(range(first, last + 1))
if seqs != want:
    missing = sorted(set(want) - set(seqs))
    extra = len(seqs) - len(set(seqs))
    sys.exit('%s: %d events, want %d; missing %s...; %d doubled' %
             (path, len(seqs), len(want), missing[:10], extra))
PY
}

start() {	# CONFIG
	rm -f "$TMP/fifo"
	mkfifo "$TMP/fifo"
	"$AUDITSTREAM" -c "$1" --replay "$TMP/fifo" 2>"$TMP/log" &
	pid=$!
	exec 3>"$TMP/fifo"
}

finish() {	# closes the input; the daemon drains and exits 0
	exec 3>&-
	wait $pid || { cat "$TMP/log"; fail "exit status $?"; }
	check_law "$TMP/log"
	pid=
}

# --- 1. disk full -----------------------------------------------------------
# Leave about 60 KiB free: the disk fills after ~100 events, mid-line.
dd if=/dev/zero of="$TMP/mnt/filler" bs=1k count=$((1024 - 60)) 2>/dev/null
write_config "$TMP/full.conf" "plugin = \"file\"; path = \"$TMP/mnt/out.json\"; retry = { initial_ms = 20; max_ms = 200; };" ||
	fail "config"
start "$TMP/full.conf"
make_events 1000 1 >&3
wait_for 20 grep -q "output file: write failed, retrying with backoff" "$TMP/log" ||
	{ cat "$TMP/log"; fail "a full disk was not retried"; }
sleep 1	# several retries while still full
kill -0 $pid || fail "the daemon died on a full disk"
rm "$TMP/mnt/filler"
wait_for 20 grep -q "output file: recovered after" "$TMP/log" || { cat "$TMP/log"; fail "no recovery"; }
make_events 1 1001 >&3	# pushes the last event out of the linger window
finish
check_events "$TMP/mnt/out.json" 1 1001 || fail "disk full: events lost or torn"
grep -q "output file: enqueued=1001 written=1001 dropped=0 undelivered=0" "$TMP/log" ||
	fail "disk full: $(grep 'output file:' "$TMP/log")"
rm "$TMP/mnt/out.json"

# --- 2. removed under it, recreated on SIGHUP --------------------------------
write_config "$TMP/rm.conf" "plugin = \"file\"; path = \"$TMP/mnt/out.json\";"
start "$TMP/rm.conf"
make_events 100 1 >&3
wait_for 10 sh -c "[ \$(wc -l < '$TMP/mnt/out.json') -ge 95 ]" || fail "first events never arrived"
rm "$TMP/mnt/out.json"
kill -HUP $pid
wait_for 10 grep -q "SIGHUP: reopening outputs" "$TMP/log" || fail "SIGHUP not seen"
wait_for 10 test -e "$TMP/mnt/out.json" || fail "the removed file was not recreated on SIGHUP"
make_events 100 101 >&3
finish
# The events before the HUP are gone with the removed file: the new one
# starts where that one ended.
first=$(head -1 "$TMP/mnt/out.json" | sed 's/.*"sequence":\([0-9]*\).*/\1/')
[ -n "$first" ] && [ "$first" -le 101 ] || fail "the recreated file starts at serial $first"
check_events "$TMP/mnt/out.json" "$first" 200 || fail "after the reopen: events lost"
rm "$TMP/mnt/out.json"

# --- 3. SIGHUP storm under load ---------------------------------------------
write_config "$TMP/storm.conf" "plugin = \"file\"; path = \"$TMP/storm.json\";"
start "$TMP/storm.conf"
( i=0; while kill -0 $pid 2>/dev/null && [ $i -lt 2000 ]; do kill -HUP $pid 2>/dev/null; i=$((i + 1)); done ) &
storm=$!
make_events 20000 1 >&3
wait $storm
finish
hups=$(grep -c "SIGHUP: reopening outputs" "$TMP/log")
[ "$hups" -ge 10 ] || fail "only $hups SIGHUPs reached the daemon"
note "$hups reopens during 20000 events"
check_events "$TMP/storm.json" 1 20000 || fail "SIGHUP storm: events lost, doubled or torn"
exit 0
