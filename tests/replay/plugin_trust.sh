#!/bin/sh
# Plugins run inside a root daemon: plugin_dir and the plugin file must be
# owned by root (or the user running the daemon) and not writable by group
# or others; anything else is refused with one line saying why, and the
# daemon does not start.  The trusted case loads and delivers.
. "$top_srcdir/tests/lib/common.sh"

so=$top_builddir/plugins/.libs/file.so
[ -e "$so" ] || skip "the file plugin is not built"
dir=$TMP/trusted
mkdir "$dir"
chmod 0755 "$dir"
cp "$so" "$dir/file.so"
chmod 0644 "$dir/file.so"
printf 'plugin_dir = "%s";\noutputs = ( { plugin = "file"; path = "%s/out.json"; } );\n' "$dir" "$TMP" > "$TMP/a.conf"

run() { "$AUDITSTREAM" -c "$TMP/a.conf" --replay "$FIXTURES/auditd-basic.log" 2>"$TMP/err" >/dev/null; }
refused() {	# PATTERN: the run fails and says it
	run && fail "loaded although: $1"
	grep -q -- "$1" "$TMP/err" || { cat "$TMP/err"; fail "no line saying: $1"; }
}

run || { cat "$TMP/err"; fail "a trusted plugin did not load"; }
[ -s "$TMP/out.json" ] || fail "nothing delivered through the trusted plugin"

chmod 0775 "$dir"
refused "$dir: refused: plugin_dir owned by uid [0-9]* with mode 0775; it must be owned by root and not writable by group or others"
chmod 0757 "$dir"
refused "$dir: refused: plugin_dir owned by uid [0-9]* with mode 0757"
chmod 0755 "$dir"

chmod 0666 "$dir/file.so"
refused "$dir/file.so: refused: plugin owned by uid [0-9]* with mode 0666"
chmod 0644 "$dir/file.so"
# A symlink is judged by what it points to.
mv "$dir/file.so" "$TMP/file-real.so"
chmod 0646 "$TMP/file-real.so"
ln -s "$TMP/file-real.so" "$dir/file.so"
refused "$dir/file.so: refused: plugin owned by uid [0-9]* with mode 0646"
chmod 0644 "$TMP/file-real.so"
run || { cat "$TMP/err"; fail "a trusted plugin behind a symlink did not load"; }

if [ "$(id -u)" = 0 ]; then
	chown nobody "$TMP/file-real.so"
	refused "$dir/file.so: refused: plugin owned by uid $(id -u nobody) with mode 0644"
	chown 0 "$TMP/file-real.so"
	chown nobody "$dir"
	refused "$dir: refused: plugin_dir owned by uid $(id -u nobody)"
	chown 0 "$dir"
else
	note "ownership by another user not checked (needs root)"
fi
exit 0
