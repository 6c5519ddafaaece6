#!/bin/sh
# Output is byte-identical to the reviewed golden files: the real auditd
# captures replayed in every format give exactly tests/fixtures/golden/*.
# The golden files were made by the release before core/ was reorganised
# (issue 13); a change of output shows here as a diff to review, and is
# made on purpose by regenerating them (see tests/fixtures/golden/README).
# Loss events carry the wall clock, so only events are compared.
. "$top_srcdir/tests/lib/common.sh"

n=0
for fx in auditd-raw auditd-basic; do
	for fmt in goaudit enriched raw; do
		EXTRA_CONFIG="node = \"golden\"; state_dir = \"$TMP\";" write_config "$TMP/$fmt.conf" \
			"plugin = \"file\"; path = \"$TMP/$fx.$fmt.json\"; format = \"$fmt\";"
		"$AUDITSTREAM" -c "$TMP/$fmt.conf" --replay "$FIXTURES/$fx.log" 2>"$TMP/log" ||
			{ cat "$TMP/log"; fail "$fx in $fmt: replay exited with $?"; }
		check_law "$TMP/log"
		grep -v '"type":"auditstream_loss"' "$TMP/$fx.$fmt.json" > "$TMP/$fx.$fmt.events"
		if ! cmp "$FIXTURES/golden/$fx.$fmt.json" "$TMP/$fx.$fmt.events"; then
			diff "$FIXTURES/golden/$fx.$fmt.json" "$TMP/$fx.$fmt.events" | head -c 3000
			fail "$fx in format $fmt differs from tests/fixtures/golden/$fx.$fmt.json"
		fi
		n=$((n + $(wc -l < "$TMP/$fx.$fmt.events")))
	done
done
[ "$n" -gt 100 ] || fail "only $n events compared"
note "$n events byte-identical to the golden files"
