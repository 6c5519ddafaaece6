#!/bin/sh
# The kafka output's options: --check-config names file, line and key for an
# unknown key, a wrong type, a missing required option, a value outside the
# table's choices or range, and (through the plugin's check()) a librdkafka
# property librdkafka refuses; a combination librdkafka judges only when a
# producer is made stops the daemon at start-up, naming the output.
# No broker is needed: nothing here gets as far as connecting.
. "$top_srcdir/tests/lib/common.sh"

[ -e "$PLUGDIR/kafka.so" ] || skip "the kafka plugin is not built"

BASE='name = "audit-kafka"; plugin = "kafka"; brokers = "127.0.0.1:1";'

# line_of FILE TEXT : the line number where TEXT first occurs.
line_of() { grep -n -F -- "$2" "$1" | head -n 1 | cut -d: -f1; }

# check_fails NAME PATTERN : --check-config on $TMP/NAME.conf fails with PATTERN.
check_fails() {
	if "$AUDITSTREAM" -c "$TMP/$1.conf" --check-config >"$TMP/$1.out" 2>&1; then
		fail "$1: --check-config should fail"
	fi
	grep -Eq -- "$2" "$TMP/$1.out" || fail "$1: expected /$2/ in: $(cat "$TMP/$1.out")"
}

# start_fails NAME PATTERN : the daemon refuses to start with PATTERN.
start_fails() {
	"$AUDITSTREAM" -c "$TMP/$1.conf" --check-config >"$TMP/$1.out" 2>&1 ||
		fail "$1: --check-config should pass: $(cat "$TMP/$1.out")"
	if "$AUDITSTREAM" -c "$TMP/$1.conf" --replay "$TMP/empty.log" >"$TMP/$1.out" 2>&1; then
		fail "$1: the daemon should not start"
	fi
	grep -Eq -- "$2" "$TMP/$1.out" || fail "$1: expected /$2/ in: $(cat "$TMP/$1.out")"
}
: > "$TMP/empty.log"

# A good config passes, and starts (and stops at the end of the input)
# without a broker to talk to; the options as documented are accepted.
# (libconfig names hold no dots: compression_codec stands for compression.codec;
# log_level is a librdkafka name with an underscore of its own.)
write_config "$TMP/good.conf" "$BASE topic = \"audit\"; key = \"node\"; timeout_ms = 500;
    properties = { linger_ms = 20; compression_codec = \"lz4\"; acks = \"all\"; log_level = 6; };"
"$AUDITSTREAM" -c "$TMP/good.conf" --check-config >"$TMP/good.out" 2>&1 ||
	fail "good config: $(cat "$TMP/good.out")"
grep -q "configuration OK (1 output)" "$TMP/good.out" || fail "good config: $(cat "$TMP/good.out")"
"$AUDITSTREAM" -c "$TMP/good.conf" --replay "$TMP/empty.log" >"$TMP/good.run" 2>&1 ||
	fail "good config must start: $(cat "$TMP/good.run")"
check_law "$TMP/good.run"

# Unknown key.
write_config "$TMP/unknown.conf" "$BASE topic = \"audit\";
    partitions = 3;"
L=$(line_of "$TMP/unknown.conf" "partitions = 3")
check_fails unknown "$TMP/unknown.conf:$L: output \"[^\"]*\": partitions: unknown key for plugin \"kafka\""

# Missing required option: topic (named with the line of the output's group).
write_config "$TMP/notopic.conf" "$BASE"
L=$(line_of "$TMP/notopic.conf" "$BASE")
check_fails notopic "$TMP/notopic.conf:$L: .*missing option \"topic\" required by plugin \"kafka\""

# Wrong types: a string for timeout_ms, a string for the properties group,
# a group holding a group.
write_config "$TMP/type.conf" "$BASE topic = \"audit\";
    timeout_ms = \"soon\";"
L=$(line_of "$TMP/type.conf" "timeout_ms")
check_fails type "$TMP/type.conf:$L: output \"[^\"]*\": timeout_ms: must be an integer"

write_config "$TMP/ptype.conf" "$BASE topic = \"audit\";
    properties = \"acks=all\";"
L=$(line_of "$TMP/ptype.conf" "properties")
check_fails ptype "$TMP/ptype.conf:$L: output \"[^\"]*\": properties: must be a group of settings"

write_config "$TMP/pnest.conf" "$BASE topic = \"audit\";
    properties = { sasl = { mechanism = \"PLAIN\"; }; };"
L=$(line_of "$TMP/pnest.conf" "properties")
check_fails pnest "$TMP/pnest.conf:$L: output \"[^\"]*\": properties: must be a group of settings"

# What check() asks librdkafka: refused by --check-config with file:line.
write_config "$TMP/pname.conf" "$BASE topic = \"audit\"; properties = { no_such_thing = 1; };"
L=$(line_of "$TMP/pname.conf" "properties")
check_fails pname "pname.conf:$L: output \"audit-kafka\": properties: no_such_thing = \"1\": No such configuration property"

write_config "$TMP/pvalue.conf" "$BASE topic = \"audit\"; properties = { compression_codec = \"zip\"; };"
L=$(line_of "$TMP/pvalue.conf" "properties")
check_fails pvalue "pvalue.conf:$L: output \"audit-kafka\": properties: compression_codec = \"zip\": Invalid value \"zip\" for configuration property \"compression.codec\""

# Idempotence (the default) needs acks=all: librdkafka's own words.
write_config "$TMP/pcombo.conf" "$BASE topic = \"audit\"; properties = { acks = 1; };"
start_fails pcombo "output audit-kafka: cannot create a producer: .*acks.*idempotence"

write_config "$TMP/key.conf" "$BASE topic = \"audit\"; key = \"random\";"
check_fails key "key.conf:[0-9]+: output \"audit-kafka\": key: \"random\" is not one of \"none\", \"node\", \"serial\""

write_config "$TMP/timeout.conf" "$BASE topic = \"audit\"; timeout_ms = 0;"
check_fails timeout "timeout.conf:[0-9]+: output \"audit-kafka\": timeout_ms: 0 is out of range \[1, 2147483647\]"

# ...and with idempotence off, acks=1 is fine.
write_config "$TMP/noidem.conf" "$BASE topic = \"audit\"; properties = { acks = 1; enable_idempotence = false; };"
"$AUDITSTREAM" -c "$TMP/noidem.conf" --replay "$TMP/empty.log" >"$TMP/noidem.out" 2>&1 ||
	fail "acks=1 without idempotence must start: $(cat "$TMP/noidem.out")"
check_law "$TMP/noidem.out"
exit 0
