#!/bin/sh
# The interpreted values of tests/fixtures/enriched/auditd-basic.expected.json
# are ausearch -i's: derive.py (the script that derives them) cuts
# `ausearch -i` at the raw record's keys and compares every upper-case
# string field of the expected file with it.
. "$top_srcdir/tests/lib/common.sh"
command -v ausearch >/dev/null || cannot_run "ausearch missing (Debian: auditd)"
python3 "$FIXTURES/enriched/derive.py" "$FIXTURES/auditd-basic.log" \
	--check "$FIXTURES/enriched/auditd-basic.expected.json" >"$TMP/out" 2>&1 || { cat "$TMP/out"; fail "disagreements"; }
grep -Eq '^# ([5-9][0-9]|[1-9][0-9]{2,}) interpreted fields agree with ausearch -i, 0 differ$' "$TMP/out" ||
	{ cat "$TMP/out"; fail "too few fields compared: the comparison proves nothing"; }
cat "$TMP/out" >&2
