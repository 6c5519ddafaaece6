#!/bin/sh
# logrotate's way: rename the file, send SIGHUP; the file output reopens its
# path and nothing is lost or doubled across the two files.  Then SIGTERM
# while input is still open: the daemon drains and exits 0.
. "$top_srcdir/tests/lib/common.sh"

mkfifo "$TMP/fifo"
write_config "$TMP/a.conf" "plugin = \"file\"; path = \"$TMP/out.json\";"
"$AUDITSTREAM" -c "$TMP/a.conf" --replay "$TMP/fifo" 2>"$TMP/log" &
pid=$!
exec 3>"$TMP/fifo"
make_events 200 1 >&3
# Events of the first half complete once later records pass them; wait for them.
wait_for 10 sh -c "[ \$(wc -l < '$TMP/out.json') -ge 100 ]" || fail "first half never arrived"
mv "$TMP/out.json" "$TMP/out.json.1"
kill -HUP $pid
wait_for 10 grep -q "SIGHUP: reopening outputs" "$TMP/log" || fail "SIGHUP not seen"
make_events 200 201 >&3
wait_for 10 sh -c "[ -s '$TMP/out.json' ]" || fail "the file was not recreated"
kill -TERM $pid
wait $pid || { cat "$TMP/log"; fail "SIGTERM: exit status $?"; }
check_law "$TMP/log"
exec 3>&-
cat "$TMP/out.json.1" "$TMP/out.json" > "$TMP/both.json"
py "$TMP/both.json" <<'PY' || exit 1
import json, sys
seqs = [json.loads(l)['sequence'] for l in open(sys.argv[1])]
print('# %d events across both files' % len(seqs))
sys.exit(0 if seqs == list(range(1, 401)) else 1)
PY
grep -q "SIGTERM: stopping" "$TMP/log" || fail "no stop logged"
grep -q "output file: enqueued=400 written=400 dropped=0 undelivered=0" "$TMP/log" || fail "$(grep output "$TMP/log")"
