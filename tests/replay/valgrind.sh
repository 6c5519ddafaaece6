#!/bin/sh
# The replay of a real capture, under valgrind: no memory errors and no leaks
# of any kind in the daemon, its queues, its worker threads and the plugins
# (goaudit, enriched and raw outputs through the file sink; a file and the
# stdin path).  Needs the normal build: a sanitizer build cannot run under
# valgrind, so that case skips.
. "$top_srcdir/tests/lib/common.sh"

command -v valgrind >/dev/null 2>&1 || skip "valgrind is not installed"
if nm "$AUDITSTREAM" 2>/dev/null | grep -q __asan_init; then
	skip "sanitizer build: valgrind runs on the normal build"
fi

write_config "$TMP/a.conf" \
	"name = \"g\"; plugin = \"file\"; path = \"$TMP/g.json\"; format = \"goaudit\";" \
	"name = \"e\"; plugin = \"file\"; path = \"$TMP/e.json\"; format = \"enriched\";" \
	"name = \"r\"; plugin = \"file\"; path = \"$TMP/r.json\"; format = \"raw\";"
for input in "$FIXTURES/auditd-raw.log" -; do
	# "Still reachable" is left out: plugins stay mapped (RTLD_NODELETE), and
	# glibc keeps their link maps.  Definite, indirect, possible leaks fail.
	valgrind --quiet --error-exitcode=99 --leak-check=full \
		--show-leak-kinds=definite,indirect,possible \
		--errors-for-leak-kinds=definite,indirect,possible --log-file="$TMP/vg.log" \
		"$AUDITSTREAM" -c "$TMP/a.conf" --replay "$input" <"$FIXTURES/auditd-raw.log" 2>"$TMP/log"
	rc=$?
	[ $rc -eq 0 ] || { cat "$TMP/vg.log" "$TMP/log"; fail "valgrind run on $input exited $rc"; }
	[ -s "$TMP/vg.log" ] && { cat "$TMP/vg.log"; fail "valgrind reported something for $input"; }
	check_law "$TMP/log"
done
# The run did its work: every event of the capture in each output.
want=$(sed -n 's/.*msg=audit([0-9.]*:\([0-9]*\)).*/\1/p' "$FIXTURES/auditd-raw.log" | sort -u | wc -l)
for f in g e r; do
	got=$(wc -l < "$TMP/$f.json")
	[ "$got" -eq $((2 * want)) ] || fail "$f.json has $got lines, want $((2 * want)) (two runs)"
done
py "$TMP/e.json" <<'PY' || exit 1
import json, sys
[json.loads(l) for l in open(sys.argv[1], 'rb').read().decode('utf-8').splitlines()]
PY
exit 0
