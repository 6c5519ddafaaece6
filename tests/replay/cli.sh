#!/bin/sh
# The command line and --check-config: each mistake an operator can make
# gives one clear line naming the file, line and key (or the plugin file and
# both ABI versions), and a non-zero exit; a good config passes without
# touching any output.
. "$top_srcdir/tests/lib/common.sh"

"$AUDITSTREAM" --version | grep -Eq '^auditstream [0-9.]+ \(plugin ABI 1\.[0-9]+\)$' || fail "--version"
"$AUDITSTREAM" --bogus >/dev/null 2>&1 && fail "an unknown option must fail"

# expect_error NAME PATTERN : --check-config on $TMP/NAME.conf fails with PATTERN.
expect_error() {
	if "$AUDITSTREAM" -c "$TMP/$1.conf" --check-config >"$TMP/$1.out" 2>&1; then
		fail "$1: --check-config should fail"
	fi
	grep -Eq -- "$2" "$TMP/$1.out" || fail "$1: expected /$2/ in: $(cat "$TMP/$1.out")"
}

write_config "$TMP/good.conf" "plugin = \"file\"; path = \"$TMP/never.json\"; queue = { size = 10; overflow = \"block\"; };"
"$AUDITSTREAM" -c "$TMP/good.conf" --check-config > "$TMP/good.out" 2>&1 || fail "good config: $(cat "$TMP/good.out")"
grep -q "configuration OK (1 output)" "$TMP/good.out" || fail "good config: $(cat "$TMP/good.out")"
[ -e "$TMP/never.json" ] && fail "--check-config must not open outputs"

expect_error missing "$TMP/missing.conf: cannot read the config: No such file"

printf 'outputs = ( { plugin = "file"; path = "x"; } );\n\nbogus = 1;\n' > "$TMP/unknown.conf"
expect_error unknown "$TMP/unknown.conf:3: bogus: unknown key"

printf 'outputs = ( { plugin = "file"; path = "x"; } );\nsocket_buffer = {\n  receive = "big";\n};\n' > "$TMP/type.conf"
expect_error type "$TMP/type.conf:3: socket_buffer.receive: must be an integer"

printf 'outputs = ( { plugin = ; } );\n' > "$TMP/syntax.conf"
expect_error syntax "$TMP/syntax.conf:1: syntax error"

write_config "$TMP/policy.conf" "plugin = \"file\"; path = \"x\";
    queue = { overflow = \"sometimes\"; };"
expect_error policy "policy.conf:[0-9]+: output \"[^\"]*\": queue.overflow: unknown policy \"sometimes\""

write_config "$TMP/noplugin.conf" "plugin = \"nosuch\";"
expect_error noplugin "$PLUGDIR/nosuch.so: no such plugin \"nosuch\""

write_config "$TMP/slash.conf" "plugin = \"../plugins/file\";"
expect_error slash "invalid name"

write_config "$TMP/major.conf" "plugin = \"badmajor\";"
expect_error major "$PLUGDIR/badmajor.so: auditstream_plugin_entry: plugin ABI 2.1, this auditstream has ABI 1.1"

write_config "$TMP/minor.conf" "plugin = \"newerminor\";"
expect_error minor "$PLUGDIR/newerminor.so: auditstream_plugin_entry: plugin ABI 1.7 is newer than this auditstream's ABI 1.1"

write_config "$TMP/short.conf" "plugin = \"shortstruct\";"
expect_error short "$PLUGDIR/shortstruct.so: auditstream_plugin_entry: descriptor of 16 bytes is too short"

write_config "$TMP/nosym.conf" "plugin = \"nosymbol\";"
expect_error nosym "$PLUGDIR/nosymbol.so: no symbol auditstream_plugin_entry"

write_config "$TMP/optunknown.conf" "plugin = \"file\"; path = \"x\";
    colour = \"blue\";"
expect_error optunknown "optunknown.conf:[0-9]+: output \"[^\"]*\": colour: unknown key for plugin \"file\""

write_config "$TMP/optmissing.conf" "plugin = \"file\";"
expect_error optmissing "output \"[^\"]*\": missing option \"path\" required by plugin \"file\""

write_config "$TMP/opttype.conf" "plugin = \"file\"; path = \"x\"; fsync = 1;"
expect_error opttype "output \"[^\"]*\": fsync: must be true or false"

printf 'outputs = ( );\n' > "$TMP/none.conf"
expect_error none "no outputs"

# A file output whose directory does not exist: its check() refuses it at
# --check-config, with the line, and the daemon does not start.
write_config "$TMP/nodir.conf" "plugin = \"file\"; path = \"$TMP/no/such/dir/x.json\";"
"$AUDITSTREAM" -c "$TMP/nodir.conf" --check-config > "$TMP/nodir.out" 2>&1 && fail "nodir: --check-config passed"
grep -q "nodir.conf:4: output \"file\": path: \"$TMP/no/such/dir/x.json\": its directory does not exist" \
	"$TMP/nodir.out" || fail "nodir: $(cat "$TMP/nodir.out")"
if "$AUDITSTREAM" -c "$TMP/nodir.conf" --replay /dev/null > "$TMP/nodir.out" 2>&1; then
	fail "an output that cannot open its file must stop the start"
fi
grep -q "its directory does not exist" "$TMP/nodir.out" || fail "nodir: $(cat "$TMP/nodir.out")"
exit 0
