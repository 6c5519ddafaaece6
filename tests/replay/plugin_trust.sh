#!/bin/sh
# Plugins run inside a root daemon: plugin_dir, the plugin file and every
# directory above them must be owned by root (or the user running the
# daemon) and not writable by group or others (a root-owned sticky /tmp
# excepted); anything else is refused with one line saying why, and the
# daemon does not start.  The trusted case loads and delivers, by name from
# plugin_dir or by absolute path.
. "$top_srcdir/tests/lib/common.sh"

so=$top_builddir/plugins/.libs/file.so
[ -e "$so" ] || skip "the file plugin is not built"
chmod 0755 "$TMP"
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
check_law "$TMP/err"

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

# Every directory above: a group-writable parent lets its group swap
# plugin_dir for one of its own.
chmod 0775 "$TMP"
refused "$TMP: refused: a directory above $dir owned by uid [0-9]* with mode 0775"
chmod 0755 "$TMP"
# ... and above the file a symlink leads to.
mkdir "$TMP/open"; mv "$TMP/file-real.so" "$TMP/open/"; chmod 0777 "$TMP/open"
ln -sf "$TMP/open/file-real.so" "$dir/file.so"
refused "$TMP/open: refused: the directory of the plugin owned by uid [0-9]* with mode 0777"
chmod 0755 "$TMP/open"
run || { cat "$TMP/err"; fail "a trusted plugin behind a symlink did not load"; }

# By absolute path, under the same checks; the output is named after the file.
rm "$dir/file.so"; cp "$TMP/open/file-real.so" "$TMP/open/file.so"
printf 'outputs = ( { plugin = "%s"; path = "%s/abs.json"; } );\n' \
	"$TMP/open/file.so" "$TMP" > "$TMP/a.conf"
run || { cat "$TMP/err"; fail "a plugin by absolute path did not load"; }
[ "$(wc -l < "$TMP/abs.json")" -gt 0 ] || fail "nothing delivered through the plugin by path"
check_law "$TMP/err" file
grep -q "plugin file .* loaded from $TMP/open/file.so" "$TMP/err" || fail "no load line: $(cat "$TMP/err")"
grep -q "output file: enqueued=" "$TMP/err" || fail "the output is not named after its file: $(cat "$TMP/err")"
chmod 0777 "$TMP/open"
refused "$TMP/open: refused: the directory of the plugin owned by uid [0-9]* with mode 0777"
chmod 0755 "$TMP/open"
chmod 0664 "$TMP/open/file.so"
refused "$TMP/open/file.so: refused: plugin owned by uid [0-9]* with mode 0664"
chmod 0644 "$TMP/open/file.so"
printf 'outputs = ( { plugin = "%s"; path = "%s/abs.json"; } );\n' "$TMP/open/file.txt" "$TMP" > "$TMP/a.conf"
refused "plugin \"$TMP/open/file.txt\": invalid path"
printf 'plugin_dir = "%s";\noutputs = ( { plugin = "file"; path = "%s/out.json"; } );\n' "$dir" "$TMP" > "$TMP/a.conf"
mv "$TMP/open/file-real.so" "$dir/file.so"

if [ "$(id -u)" = 0 ]; then
	chown nobody "$dir/file.so"
	refused "$dir/file.so: refused: plugin owned by uid $(id -u nobody) with mode 0644"
	chown 0 "$dir/file.so"
	chown nobody "$dir"
	refused "$dir: refused: plugin_dir owned by uid $(id -u nobody)"
	chown 0 "$dir"
else
	note "ownership by another user not checked (needs root)"
fi
exit 0
