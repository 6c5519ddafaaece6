#!/bin/sh
# The rule corpus (tests/fixtures/rules/*.rules, real-world style: STIG,
# PCI, watches, excludes, every operator) loaded by auditstream reads back
# in `auditctl -l` exactly as the same file loaded by `auditctl -R` does;
# `auditstream --list-rules` prints the same text; and at exit the daemon
# removes the rules it loaded (on_exit.rules = "clear", the default).
. "$top_srcdir/tests/kernel/lib.sh"

n=0
for rules in "$FIXTURES"/rules/*.rules; do
	name=$(basename "$rules")
	auditctl -D >/dev/null
	auditctl -R "$rules" >"$TMP/auditctl.out" 2>&1 || { cat "$TMP/auditctl.out"; fail "$name: auditctl -R refused it"; }
	rules_now "$TMP/expected"
	auditctl -D >/dev/null
	auditctl -e "$ORIG_ENABLED" >/dev/null

	EXTRA_CONFIG="rules_files = ( \"$rules\" );" \
		write_config "$TMP/a.conf" "plugin = \"file\"; path = \"$TMP/out.json\";"
	"$AUDITSTREAM" -c "$TMP/a.conf" --check-config >"$TMP/check.out" 2>&1 ||
		{ cat "$TMP/check.out"; fail "$name: --check-config refused it"; }
	start_daemon_ready "$TMP/a.conf" "$TMP/log"
	rules_now "$TMP/got"
	"$AUDITSTREAM" --list-rules >"$TMP/listed" 2>"$TMP/list.err" || { cat "$TMP/list.err"; fail "--list-rules"; }
	stop_daemon "$DPID" || { cat "$TMP/log"; fail "$name: daemon exit status"; }
	diff -u "$TMP/expected" "$TMP/got" || { cat "$TMP/log"; fail "$name: auditctl -l differs after auditstream loaded the rules"; }
	diff -u "$TMP/expected" "$TMP/listed" || fail "$name: --list-rules differs from auditctl -l"
	rules_now "$TMP/after"
	[ "$(cat "$TMP/after")" = "No rules" ] || { cat "$TMP/after"; fail "$name: rules left behind at exit"; }
	n=$((n + $(wc -l < "$TMP/expected")))
	note "$name: $(wc -l < "$TMP/expected") rules identical"
done
note "$n rules read back identically"
