#!/bin/sh
# Filters and events.min/max on the auditd-basic capture (serials 51 59 63 69
# 71 72 87 89 91 95): go-audit's syscall+message_type+regex drop, key, exe,
# uid, auid, keep-then-drop, per-output filters, record type ranges; dropped
# events are counted as filtered, not as losses, and bad regexes are config
# errors naming file:line.
. "$top_srcdir/tests/lib/common.sh"

ALL="51 59 63 69 71 72 87 89 91 95"

# run NAME FILTERS... : replays with EXTRA (global config) and one output.
run() {
	local name=$1
	EXTRA_CONFIG="$EXTRA" write_config "$TMP/$name.conf" \
		"plugin = \"file\"; path = \"$TMP/$name.json\"; ${OUT_EXTRA:-}"
	"$AUDITSTREAM" -c "$TMP/$name.conf" --replay "$FIXTURES/auditd-basic.log" 2>"$TMP/$name.log" ||
		{ cat "$TMP/$name.log"; fail "$name: replay exited with $?"; }
	check_law "$TMP/$name.log"
}

# serials FILE : the event serials in FILE, loss events left out.
serials() {
	python3 -c 'import json,sys
print(" ".join(str(e["sequence"]) for e in map(json.loads, open(sys.argv[1])) if "sequence" in e))' "$1"
}

# expect NAME SERIALS FILTERED
expect() {
	local got
	got=$(serials "$TMP/$1.json")
	[ "$got" = "$2" ] || fail "$1: serials [$got], want [$2]"
	grep -q "filtered=$3 " "$TMP/$1.log" || fail "$1: want filtered=$3: $(grep stats: "$TMP/$1.log")"
	note "$1: ok"
}

missed() { sed -n 's/.*stats:.* missed=\([0-9]*\) .*/\1/p' "$TMP/$1.log"; }

EXTRA='' run base
expect base "$ALL" 0

# go-audit's example: drop connect()s to IPv4 (saddr family 2), keep unix ones.
EXTRA='filters = ( { syscall = 42; message_type = 1306; regex = "saddr=02"; } );' run goaudit
expect goaudit "51 59 63 69 71 72 89 91 95" 1

# The same by names, with an explicit action.
EXTRA='filters = ( { syscall = "connect"; message_type = "SOCKADDR"; regex = "^saddr=02"; action = "drop"; } );' run names
expect names "51 59 63 69 71 72 89 91 95" 1

EXTRA='filters = ( { key = "watch"; } );' run key
expect key "51 59 87 89 91 95" 4

# Keep bash's events, drop the rest.
EXTRA='filters = ( { exe = "/usr/bin/bash"; action = "keep"; }, { action = "drop"; } );' run exe
expect exe "63 72 87" 7

EXTRA='filters = ( { uid = 0; syscall = "execve"; } );' run uid
expect uid "51 63 69 71 72 87 89 91 95" 1

EXTRA='filters = ( { auid = 1000; } );' run auid_other
expect auid_other "$ALL" 0
EXTRA='filters = ( { auid = 4294967295; message_type = "CONFIG_CHANGE"; } );' run auid
expect auid "59 63 69 71 72 87 89 91" 2

# events.min/max: USER (1107) leaves; PROCTITLE (1327) records leave their
# events; the sequence tracker still sees every serial: no more missed.
EXTRA='events = { min = 1300; max = 1320; };' run range
expect range "51 59 63 69 71 72 87 89 95" 1
python3 -c 'import json,sys
for e in map(json.loads, open(sys.argv[1])):
    if "messages" in e and any(m["type"] not in range(1300, 1321) for m in e["messages"]):
        sys.exit("serial %d keeps %r" % (e["sequence"], [m["type"] for m in e["messages"]]))' \
	"$TMP/range.json" || fail "range: records outside events.min/max kept"
[ "$(missed range)" = "$(missed base)" ] || fail "range: missed=$(missed range), without filters $(missed base)"

# Per output: two outputs, only one filtered.
EXTRA='' write_config "$TMP/two.conf" \
	"plugin = \"file\"; path = \"$TMP/all.json\";" \
	"plugin = \"file\"; name = \"nonet\"; path = \"$TMP/nonet.json\"; format = \"enriched\"; filters = ( { key = \"net\"; } );"
"$AUDITSTREAM" -c "$TMP/two.conf" --replay "$FIXTURES/auditd-basic.log" 2>"$TMP/two.log" ||
	{ cat "$TMP/two.log"; fail "two outputs: replay exited with $?"; }
check_law "$TMP/two.log"
[ "$(serials "$TMP/all.json")" = "$ALL" ] || fail "unfiltered output: $(serials "$TMP/all.json")"
got=$(python3 -c 'import json,sys
print(" ".join(str(e["serial"]) for e in map(json.loads, open(sys.argv[1])) if "serial" in e))' "$TMP/nonet.json")
[ "$got" = "51 59 63 69 71 72 91 95" ] || fail "filtered output: [$got]"
grep -q "filtered=0 filtered_output=2 " "$TMP/two.log" || fail "two outputs: $(grep stats: "$TMP/two.log")"

# Config errors name file:line and the key.
EXTRA_CONFIG='filters = ( { regex = "a(b"; } );' write_config "$TMP/bad.conf" "plugin = \"file\"; path = \"$TMP/x\";"
"$AUDITSTREAM" -c "$TMP/bad.conf" --check-config 2>"$TMP/bad.log" && fail "bad regex accepted"
grep -q "bad.conf:3: filters.\[0\].regex: bad regular expression" "$TMP/bad.log" || fail "bad regex error: $(cat "$TMP/bad.log")"
EXTRA_CONFIG='filters = ( { sycall = 59; } );' write_config "$TMP/bad2.conf" "plugin = \"file\"; path = \"$TMP/x\";"
"$AUDITSTREAM" -c "$TMP/bad2.conf" --check-config 2>"$TMP/bad2.log" && fail "unknown filter key accepted"
grep -q "bad2.conf:3: filters.\[0\].sycall: unknown key" "$TMP/bad2.log" || fail "unknown key error: $(cat "$TMP/bad2.log")"
EXTRA='' write_config "$TMP/bad3.conf" "plugin = \"file\"; path = \"$TMP/x\"; format = \"xml\";"
"$AUDITSTREAM" -c "$TMP/bad3.conf" --check-config 2>"$TMP/bad3.log" && fail "format xml accepted"
grep -q 'unknown format "xml" (known: goaudit, enriched, raw)' "$TMP/bad3.log" || fail "format error: $(cat "$TMP/bad3.log")"
exit 0
