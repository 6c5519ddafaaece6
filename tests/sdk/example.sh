#!/bin/sh
# A third party's view: install auditstream into a staging root, build the
# SDK example out of tree with nothing but pkg-config and the installed
# header, and have the installed daemon load it and feed it events.
. "$top_srcdir/tests/lib/common.sh"

DEST=$TMP/root
make -s -C "$top_builddir" install DESTDIR="$DEST" >"$TMP/install.log" 2>&1 ||
	{ cat "$TMP/install.log"; fail "make install"; }
pc=$(find "$DEST" -name auditstream-plugin.pc | head -n 1)
[ -n "$pc" ] || fail "auditstream-plugin.pc not installed"
hdr=$(find "$DEST" -path '*/include/auditstream/plugin.h' | head -n 1)
[ -n "$hdr" ] || fail "SDK header not installed"
daemon=$(find "$DEST" -type f -name auditstream -path '*sbin*' | head -n 1)
[ -x "$daemon" ] || fail "daemon not installed"
file_so=$(find "$DEST" -path '*/plugins/file.so' | head -n 1)
[ -n "$file_so" ] || fail "file plugin not installed as <pkglibdir>/plugins/file.so"
find "$DEST" -name '*.la' | grep -q . && fail "libtool .la files must not be installed"

# Out of tree: a copy of the example, built with its own Makefile.
cp "$top_srcdir/sdk/examples/null/null.c" "$top_srcdir/sdk/examples/null/Makefile" "$TMP/"
PKG_CONFIG_PATH=$(dirname "$pc") PKG_CONFIG_SYSROOT_DIR=$DEST \
	make -s -C "$TMP" CFLAGS="-O2 -Wall -Wextra -Werror" >"$TMP/build.log" 2>&1 ||
	{ cat "$TMP/build.log"; fail "the example does not build against the installed SDK"; }
plugdir=$(dirname "$file_so")
cp "$TMP/null.so" "$plugdir/"

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
grep -q "output null: enqueued=100 written=100 .* discarded=100" "$TMP/log" || fail "stats: $(grep 'output null' "$TMP/log")"
[ "$(wc -l < "$TMP/out.json")" -eq 100 ] || fail "file output beside it"
