#!/bin/sh
# "-e 2" makes the kernel's rules immutable until reboot, so it is only ever
# checked with --check-config, which touches no kernel state: it is
# accepted, reported as applied last, and a bad line beside it still fails.
# Never start the daemon here.
. "$top_srcdir/tests/lib/common.sh"

cat > "$TMP/lock.rules" <<'RULES'
-D
-e 2
-a always,exit -F arch=b64 -S execve -k exec
-w /etc/passwd -p wa -k identity
RULES
EXTRA_CONFIG="rules_files = ( \"$TMP/lock.rules\" );" \
	write_config "$TMP/a.conf" "plugin = \"file\"; path = \"$TMP/out.json\";"
"$AUDITSTREAM" -c "$TMP/a.conf" --check-config >"$TMP/out" 2>&1 || { cat "$TMP/out"; fail "--check-config refused -e 2"; }
grep -q "rules OK (3 commands, then -e 2: immutable until reboot)" "$TMP/out" ||
	{ cat "$TMP/out"; fail "--check-config should say -e 2 comes last"; }

echo "-e 2x" >> "$TMP/lock.rules"
"$AUDITSTREAM" -c "$TMP/a.conf" --check-config >"$TMP/out" 2>&1 && fail "--check-config accepted -e 2x"
grep -q "lock.rules:5: -e must be 0, 1 or 2" "$TMP/out" || { cat "$TMP/out"; fail "no error for -e 2x"; }
