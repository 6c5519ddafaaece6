#!/bin/sh
# A third party's view: install auditstream into a staging root, copy the
# installed author kit (pkg-config's examplesdir) into a clean directory
# and, with nothing but the installed header, pkg-config file and daemon,
# build the example plugin (hidden visibility), run the kit's own test
# recipe (make check: the fixture replayed into the plugin loaded by
# absolute path, every event received), and load it from a plugin_dir
# beside an installed plugin, its counters adding up.
. "$top_srcdir/tests/lib/common.sh"

DEST=$TMP/root
make -s -C "$top_builddir" install DESTDIR="$DEST" >"$TMP/install.log" 2>&1 ||
	{ cat "$TMP/install.log"; fail "make install"; }
pc=$(find "$DEST" -name auditstream-plugin.pc | head -n 1)
[ -n "$pc" ] || fail "auditstream-plugin.pc not installed"
for h in plugin.h util.h; do
	find "$DEST" -path "*/include/auditstream/$h" | grep -q . || fail "SDK header $h not installed"
done
daemon=$(find "$DEST" -type f -name auditstream -path '*sbin*' | head -n 1)
[ -x "$daemon" ] || fail "daemon not installed"
file_so=$(find "$DEST" -path '*/plugins/file.so' | head -n 1)
[ -n "$file_so" ] || fail "file plugin not installed as <pkglibdir>/plugins/file.so"
find "$DEST" -name '*.la' | grep -q . && fail "libtool .la files must not be installed"
man3=$(find "$DEST" -name 'auditstream-plugin.3*' | head -n 1)
[ -n "$man3" ] || fail "auditstream-plugin(3) not installed"

# pkg-config's variables name where things are (under the staging root).
export PKG_CONFIG_PATH="$(dirname "$pc")" PKG_CONFIG_SYSROOT_DIR="$DEST"
for v in plugindir examplesdir daemon; do
	val=$(pkg-config --variable=$v auditstream-plugin) || fail "pkg-config --variable=$v"
	[ -e "$DEST${val#$DEST}" ] || fail "pkg-config's $v ($val) is not installed"
done
[ "$(pkg-config --variable=abi_minor auditstream-plugin)" = 1 ] || fail "abi_minor in the .pc"
kit=$DEST$(pkg-config --variable=examplesdir auditstream-plugin | sed "s|^$DEST||")/null
[ -f "$kit/null.c" ] || fail "the author kit is not installed in examplesdir ($kit)"
grep -q "$(pkg-config --variable=examplesdir auditstream-plugin | sed "s|^$DEST||")/null" "$man3" ||
	fail "auditstream-plugin(3) does not name the kit's installed path"

# A clean directory of one's own, the kit copied in; the kit's Makefile
# finds everything through pkg-config.
mkdir "$TMP/work" && cp -R "$kit" "$TMP/work/" && chmod -R go-w "$TMP/work"
make -s -C "$TMP/work/null" CFLAGS="-O2 -Wall -Wextra -Werror" >"$TMP/build.log" 2>&1 ||
	{ cat "$TMP/build.log"; fail "the example does not build against the installed SDK"; }
nm -D --defined-only "$TMP/work/null/null.so" | grep -q ' T auditstream_plugin_entry$' ||
	fail "entry point not exported"
[ "$(nm -D --defined-only "$TMP/work/null/null.so" | grep -c ' T ')" = 1 ] ||
	fail "a hidden-visibility build exports more than its entry point"
make -s -C "$TMP/work/null" check AUDITSTREAM="$daemon" >"$TMP/check.log" 2>&1 ||
	{ cat "$TMP/check.log"; fail "the kit's test recipe failed"; }
grep -q "PASS: null received all [1-9][0-9]* events of fixture.log" "$TMP/check.log" || fail "$(cat "$TMP/check.log")"
note "$(grep PASS "$TMP/check.log")"

# Installed next to the packaged plugins, by name, beside the file output.
plugdir=$(dirname "$file_so")
cp "$TMP/work/null/null.so" "$plugdir/"
make_events 100 1 > "$TMP/in.log"
cat > "$TMP/a.conf" <<CONF
plugin_dir = "$plugdir";
outputs = (
  { plugin = "null"; report_every = 50; },
  { plugin = "file"; path = "$TMP/out.json"; }
);
CONF
"$daemon" -c "$TMP/a.conf" --replay "$TMP/in.log" 2>"$TMP/log" || { cat "$TMP/log"; fail "installed daemon"; }
grep -q "output null: 100 events, last serial 100" "$TMP/log" || fail "null plugin did not log: $(cat "$TMP/log")"
grep -q "output null: received 100 events (0 loss reports)" "$TMP/log" || fail "summary: $(grep 'output null' "$TMP/log")"
grep -q "output null: enqueued=100 written=100 dropped=0 undelivered=0 .* discarded=100" "$TMP/log" ||
	fail "stats: $(grep 'output null' "$TMP/log")"
[ "$(wc -l < "$TMP/out.json")" -eq 100 ] || fail "file output beside it"
check_law "$TMP/log" null file
exit 0
