#!/bin/sh
# Bad rule lines are refused before anything is sent: the error names the
# file and line (or the config's rules[N]), the reason and the rule; the
# daemon exits non-zero and the kernel's rules stay as they were.  A rule
# set the kernel itself refuses half-way is rolled back.
. "$top_srcdir/tests/kernel/lib.sh"

auditctl -D >/dev/null
auditctl -a always,exit -F arch=b64 -S getppid -k auditstream-known >/dev/null || fail "auditctl -a"
rules_now "$TMP/before"

# refuse LINE REASON : a file with a good rule, then LINE; the daemon must
# refuse it, name file:2, the reason and the rule, and change nothing.
refuse() {
	printf '%s\n%s\n' "-a always,exit -F arch=b64 -S getpid -k auditstream-good" "$1" > "$TMP/bad.rules"
	EXTRA_CONFIG="rules_files = ( \"$TMP/bad.rules\" );" \
		write_config "$TMP/a.conf" "plugin = \"file\"; path = \"$TMP/out.json\";"
	if "$AUDITSTREAM" -c "$TMP/a.conf" --check-config >"$TMP/check.log" 2>&1; then
		fail "--check-config accepted: $1"
	fi
	if timeout 20 "$AUDITSTREAM" -c "$TMP/a.conf" >"$TMP/log" 2>&1; then
		fail "the daemon started with: $1"
	fi
	for log in "$TMP/check.log" "$TMP/log"; do
		grep -F "$TMP/bad.rules:2: " "$log" | grep -qF -- "$2" ||
			{ cat "$log"; fail "no \"bad.rules:2: ... $2\" for: $1"; }
		grep -qF "; rule: $1" "$log" || { cat "$log"; fail "the rule text is not in the error: $1"; }
	done
	rules_now "$TMP/after"
	diff -u "$TMP/before" "$TMP/after" || fail "the kernel's rules changed after: $1"
	[ "$(status_field pid)" = "${ORIG_PID:-0}" ] || fail "audit pid left at $(status_field pid)"
	note "refused: $1"
}

refuse "-a always,exit -F arch=b64 -S nosuchcall -k x" 'unknown syscall "nosuchcall" for arch x86_64'
refuse "-a always,exit -F arch=b64 -S open,nosuchcall" 'unknown syscall "nosuchcall"'
refuse "-a always,exit -F arch=b64 -S open -F nosuchfield=1" '-F nosuchfield=1: unknown field "nosuchfield"'
refuse "-a always,exit -F arch>=b64 -S open" '-F arch>=b64: this field only takes = or !='
refuse "-a always,exit -F arch=b64 -S open -F uid~0" '-F uid~0: missing or unknown operator'
refuse "-a always,exit -F arch=b64 -S open -F auid=nosuchuser-xyz" '-F auid=nosuchuser-xyz: unknown user or group'
refuse "-a always,exit -S open -F arch=b64" '-F arch=b64: arch must be given before -S'
refuse "-a always,exit -F arch=b64 -S open -F perm=wz" '-F perm=wz: '
refuse "-a exit,sometimes -S open" 'unknown action "sometimes"'
refuse "-a nolist,always -S open" 'unknown list "nolist"'
refuse "-a never,exclude -S open" 'syscalls (-S) cannot go on the exclude list'
refuse "-w etc/passwd -p wa" 'watch path "etc/passwd" must be absolute'
refuse "-w /nonexistent-auditstream-dir/file -p wa -k x" 'its directory does not exist'
refuse "-w /etc/passwd -p rq" "permission 'q' is not one of r, w, x, a"
refuse "-k lonely" '-k needs a watch or a syscall rule given before it'
refuse "-e 3" '-e must be 0, 1 or 2'
refuse "-b lots" '-b needs a number'
refuse "-l" 'option -l is not supported in rules'

# The config's own list: named by its index and line.
EXTRA_CONFIG='rules = ( "-a always,exit -F arch=b64 -S getpid", "-a always,exit -S bogus" );' \
	write_config "$TMP/b.conf" "plugin = \"file\"; path = \"$TMP/out.json\";"
"$AUDITSTREAM" -c "$TMP/b.conf" --check-config >"$TMP/b.log" 2>&1 && fail "--check-config accepted rules[1]"
grep -qE "b.conf:[0-9]+: rules\[1\]: unknown syscall \"bogus\".*; rule: -a always,exit -S bogus" "$TMP/b.log" ||
	{ cat "$TMP/b.log"; fail "rules[1] not named"; }

# Valid to the parser, refused by the kernel (a wait time over its limit):
# what was applied before is rolled back.
printf '%s\n' "-D" "-a always,exit -F arch=b64 -S getpid -k auditstream-new" \
	"--backlog_wait_time 999999999" > "$TMP/kernel-refuses.rules"
EXTRA_CONFIG="rules_files = ( \"$TMP/kernel-refuses.rules\" );" \
	write_config "$TMP/c.conf" "plugin = \"file\"; path = \"$TMP/out.json\";"
"$AUDITSTREAM" -c "$TMP/c.conf" --check-config >/dev/null 2>&1 || fail "--check-config should accept what only the kernel refuses"
timeout 20 "$AUDITSTREAM" -c "$TMP/c.conf" >"$TMP/c.log" 2>&1 && fail "the daemon started though the kernel refused a rule"
grep -qF "kernel-refuses.rules:3: the kernel refused it: Invalid argument; rule: --backlog_wait_time 999999999" "$TMP/c.log" ||
	{ cat "$TMP/c.log"; fail "kernel refusal not reported with file:line"; }
rules_now "$TMP/after"
diff -u "$TMP/before" "$TMP/after" || fail "not rolled back after the kernel refused a rule"
[ "$(status_field backlog_wait_time)" = "$ORIG_WAIT" ] || fail "backlog_wait_time not rolled back"
[ "$(status_field pid)" = "${ORIG_PID:-0}" ] || fail "audit pid left at $(status_field pid)"
