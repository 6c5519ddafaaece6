#!/bin/sh
# An output file that ends inside a line (a daemon killed during a write):
# the file sink ends that line before it writes on, so every new event is a
# line of its own and the fragment stays one line a reader can skip; it says
# so.  A file that ends with a newline is left as it is.
. "$top_srcdir/tests/lib/common.sh"

printf '{"sequence":1,"timestamp":"1700000000.000","mess' > "$TMP/out.json"
write_config "$TMP/a.conf" "plugin = \"file\"; path = \"$TMP/out.json\";"
"$AUDITSTREAM" -c "$TMP/a.conf" --replay "$FIXTURES/auditd-raw.log" 2>"$TMP/log" || fail "replay: $(cat "$TMP/log")"
grep -q "ended inside a line" "$TMP/log" || fail "the torn line was not reported: $(cat "$TMP/log")"
first=$(head -1 "$TMP/out.json")
[ "$first" = '{"sequence":1,"timestamp":"1700000000.000","mess' ] || fail "the fragment is not a line of its own: $first"
tail -n +2 "$TMP/out.json" > "$TMP/rest.json"
n=$(grep -c . "$TMP/rest.json")
[ "$n" -gt 0 ] || fail "nothing written after the fragment"
py "$TMP/rest.json" <<'PY' || fail "a line after the fragment is not one whole event"
import json, sys
for l in open(sys.argv[1]):
    json.loads(l)['sequence']
PY

# Again into the same file: it ends with a newline now; nothing to report.
"$AUDITSTREAM" -c "$TMP/a.conf" --replay "$FIXTURES/auditd-raw.log" 2>"$TMP/log2" || fail "second replay"
! grep -q "ended inside a line" "$TMP/log2" || fail "a whole file was reported torn"
[ "$(grep -c . "$TMP/out.json")" -eq $((2 * n + 1)) ] || fail "second replay: $(grep -c . "$TMP/out.json") lines, want $((2 * n + 1))"
exit 0
