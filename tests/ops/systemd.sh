#!/bin/sh
# The unit as installed: `systemd-analyze verify` with empty stderr (it
# exits 0 even on unknown keys and bad values, and only stderr says so),
# with the man pages of Documentation= findable; the hardening asked for is
# there; and `systemd-analyze security` rates it (printed, not asserted
# beyond "not UNSAFE").
. "$top_srcdir/tests/lib/common.sh"
command -v systemd-analyze >/dev/null || skip "systemd-analyze missing (package systemd)"

unit=$top_builddir/etc/auditstream.service
[ -f "$unit" ] || make -s -C "$top_builddir" etc/auditstream.service || fail "cannot make the unit"
# As installed: the ExecStart binary must exist, so point it at the build.
sed "s|^ExecStart=[^ ]*|ExecStart=$AUDITSTREAM|" "$unit" > "$TMP/auditstream.service"
grep -q "^ExecStart=$AUDITSTREAM -c /" "$TMP/auditstream.service" || fail "ExecStart: $(grep ExecStart "$unit")"
mkdir -p "$TMP/man/man8" "$TMP/man/man5"
cp "$top_builddir/doc/auditstream.8" "$TMP/man/man8/"
cp "$top_builddir/doc/auditstream.conf.5" "$TMP/man/man5/"
(cd "$TMP" && MANPATH=$TMP/man systemd-analyze verify "$TMP/auditstream.service") >"$TMP/out" 2>"$TMP/err" ||
	fail "verify failed: $(cat "$TMP/err")"
[ -s "$TMP/err" ] && fail "systemd-analyze verify: $(cat "$TMP/err")"

# The checker itself must be able to fail: an unknown key is reported.
{ cat "$TMP/auditstream.service"; echo "NoSuchKeyAtAll=yes"; } > "$TMP/bad.service"
(cd "$TMP" && MANPATH=$TMP/man systemd-analyze verify "$TMP/bad.service") 2>"$TMP/err2" >/dev/null
grep -q NoSuchKeyAtAll "$TMP/err2" || fail "systemd-analyze verify does not report unknown keys here: the test proves nothing"

for want in "Type=notify" "Restart=on-failure" "ProtectSystem=strict" "NoNewPrivileges=yes" \
	"ProtectHome=yes" "PrivateTmp=yes" \
	"CapabilityBoundingSet=CAP_AUDIT_CONTROL CAP_AUDIT_READ CAP_NET_ADMIN CAP_DAC_READ_SEARCH CAP_SETUID CAP_SETGID CAP_SETPCAP" \
	"RuntimeDirectoryMode=0750" \
	"ReadWritePaths=-/var/log/auditstream -/var/lib/auditstream" \
	"RuntimeDirectory=auditstream"; do
	grep -qx "$want" "$TMP/auditstream.service" || fail "the unit lacks $want"
done

if systemd-analyze security --offline=true "$TMP/auditstream.service" >"$TMP/sec" 2>&1; then
	score=$(grep -o 'Overall exposure level for .*' "$TMP/sec")
	note "$score"
	echo "$score" | grep -q UNSAFE && fail "$score"
fi
exit 0
