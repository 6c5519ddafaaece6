#!/bin/sh
# --check-config judges every in-tree plugin's values, not only its keys:
# for each plugin built, a value its option table (choices, ranges) or its
# check() refuses makes --check-config fail with FILE:LINE: output "NAME":
# KEY, without creating, connecting or writing anything; a good value of
# the same plugin passes and the plugin's name, version and path are
# printed.  A plugin built but not listed here fails the test.
. "$top_srcdir/tests/lib/common.sh"

# case PLUGIN KEY 'GOOD OPTIONS' 'BAD OPTIONS' PATTERN
cases() {
	cat <<CASES
file|mode|path = "$TMP/out.json";|path = "$TMP/out.json"; mode = "rw-------";|"rw-------" is not an octal file mode
file|path|path = "$TMP/out.json";|path = "$TMP/no/such/dir/out.json";|its directory does not exist
syslog|network|network = "udp"; address = "127.0.0.1:1";|network = "tcpp";|"tcpp" is not one of "unix", "udp", "tcp"
syslog|address|network = "tcp"; address = "127.0.0.1:514";|network = "tcp"; address = "localhost";|network "tcp" needs "host:port"
syslog|facility|facility = "authpriv";|facility = "local9";|unknown name "local9"
gelf|address|address = "127.0.0.1:12201";|address = "127.0.0.1";|must be "host:port"
gelf|level|address = "127.0.0.1:12201"; level = 7;|address = "127.0.0.1:12201"; level = 8;|8 is out of range \[0, 7\]
http|url|url = "http://127.0.0.1:9/";|url = "ftp://127.0.0.1:9/";|the scheme must be http or https
http|ca_file|url = "https://127.0.0.1:9/";|url = "https://127.0.0.1:9/"; ca_file = "$TMP/none.pem";|No such file
kafka|properties|brokers = "127.0.0.1:1"; topic = "t";|brokers = "127.0.0.1:1"; topic = "t"; properties = { compression_codec = "zip"; };|Invalid value "zip"
kafka|key|brokers = "127.0.0.1:1"; topic = "t"; key = "node";|brokers = "127.0.0.1:1"; topic = "t"; key = "random";|"random" is not one of
redis|port|key = "k";|key = "k"; port = 70000;|70000 is out of range \[1, 65535\]
redis|username|key = "k"; username = "u"; password = "p";|key = "k"; username = "u";|needs a password
CASES
}

built=0
for so in "$top_builddir"/plugins/.libs/*.so; do
	[ -e "$so" ] || continue
	p=$(basename "$so" .so)
	cases | grep -q "^$p|" || fail "plugin $p has no --check-config case here: add one"
	built=$((built + 1))
done
[ "$built" -gt 0 ] || fail "no plugin built"

n=0
cases | while IFS='|' read -r p key good bad pattern; do
	[ -e "$PLUGDIR/$p.so" ] || { note "$p not built"; continue; }
	n=$((n + 1))
	write_config "$TMP/good$n.conf" "name = \"o$n\"; plugin = \"$p\";
	  $good"
	"$AUDITSTREAM" -c "$TMP/good$n.conf" --check-config >"$TMP/out" 2>&1 ||
		fail "$p: a good $key was refused: $(cat "$TMP/out")"
	grep -q "output o$n: plugin $p [^ ]* ($PLUGDIR/$p.so)" "$TMP/out" ||
		fail "$p: name, version and path not printed: $(cat "$TMP/out")"
	write_config "$TMP/bad$n.conf" "name = \"o$n\"; plugin = \"$p\";
	  $bad"
	"$AUDITSTREAM" -c "$TMP/bad$n.conf" --check-config >"$TMP/out" 2>&1 &&
		fail "$p: --check-config accepted $bad"
	grep -Eq -- "bad$n.conf:5: output \"o$n\": $key: .*$pattern" "$TMP/out" ||
		fail "$p: expected bad$n.conf:5: output \"o$n\": $key: ...$pattern in: $(cat "$TMP/out")"
	grep -q "configuration OK" "$TMP/out" && fail "$p: OK printed after an error"
	note "$p $key: $(grep -E "bad$n.conf:5" "$TMP/out" | head -n 1)"
done || exit 1
[ ! -e "$TMP/out.json" ] || fail "--check-config created the file output's file"
exit 0
