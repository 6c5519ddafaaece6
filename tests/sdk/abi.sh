#!/bin/sh
# The plugin ABI against its baseline (sdk/abi/baseline.txt, measured by
# sdk/abi/abi.py with the compiler): the current header is compatible, and
# the checker catches what it must -- a member inserted in the middle or a
# changed type without raising abi_major, an appended member or a new
# function without raising abi_minor -- and accepts those with the right
# bump.  Then a plugin built from the baseline headers (sdk/abi/1.0/, the
# header as it was at the baseline) still loads and works in this daemon.
. "$top_srcdir/tests/lib/common.sh"
command -v python3 >/dev/null || skip "python3 missing"
[ "$(uname -m)" = x86_64 ] || skip "the baseline is measured on x86_64"
ABI="python3 $top_srcdir/sdk/abi/abi.py"
BASE=$top_srcdir/sdk/abi/baseline.txt

$ABI check "$BASE" "$top_srcdir/sdk/include" >"$TMP/out" 2>&1 || { cat "$TMP/out"; fail "the SDK header breaks the baseline ABI"; }
cat "$TMP/out" >&2

# mutate NAME EXPECT(0|1) PYTHON-REPLACEMENT... : edit a copy of the header
# and check the verdict.
mutate() {
	name=$1 want=$2; shift 2
	rm -rf "$TMP/m"; mkdir -p "$TMP/m/auditstream"
	py "$top_srcdir/sdk/include/auditstream/plugin.h" "$TMP/m/auditstream/plugin.h" "$@" <<'PY' || fail "$name: edit did not apply"
import sys
s = open(sys.argv[1]).read()
args = sys.argv[3:]
for old, new in zip(args[::2], args[1::2]):
    if old not in s:
        sys.exit(1)
    s = s.replace(old, new, 1)
open(sys.argv[2], 'w').write(s)
PY
	$ABI check "$BASE" "$TMP/m" >"$TMP/out" 2>&1
	got=$?
	[ "$got" = "$want" ] || { cat "$TMP/out"; fail "$name: verdict $got, want $want"; }
	note "$name: $(head -n 1 "$TMP/out")"
}
MIN0='#define AUDITSTREAM_ABI_MINOR 0'
MAJ1='#define AUDITSTREAM_ABI_MAJOR 1'
EV='	uint64_t serial;	/* kernel serial'
mutate "inserted member" 1 "$EV" "	uint32_t pad;
$EV"
mutate "inserted member, major raised" 0 "$EV" "	uint32_t pad;
$EV" "$MAJ1" "#define AUDITSTREAM_ABI_MAJOR 2"
mutate "changed type" 1 "	int64_t time_ns;" "	uint64_t time_ns;"
mutate "changed callback" 1 "	int (*reopen)(void *instance);" "	int (*reopen)(void *instance, int how);"
mutate "changed constant" 1 "AUDITSTREAM_FATAL = 2" "AUDITSTREAM_FATAL = 3"
APP='	void (*drop)(struct auditstream_ctx *ctx, uint64_t n, const char *reason);'
mutate "appended host member" 1 "$APP" "$APP
	int (*flags)(struct auditstream_ctx *ctx);"
mutate "appended host member, minor raised" 0 "$APP" "$APP
	int (*flags)(struct auditstream_ctx *ctx);" "$MIN0" "#define AUDITSTREAM_ABI_MINOR 1"
mutate "new function" 1 "#endif /* AUDITSTREAM_PLUGIN_H */" \
	"int auditstream_plugin_probe(void);
#endif /* AUDITSTREAM_PLUGIN_H */"

# A plugin built from the baseline headers loads in today's daemon.
cc -std=gnu11 -Wall -Wextra -Werror -shared -fPIC -I "$top_srcdir/sdk/abi/1.0" \
	-o "$PLUGDIR/null.so" "$top_srcdir/sdk/examples/null/null.c" 2>"$TMP/cc.log" ||
	{ cat "$TMP/cc.log"; fail "the example does not build against the baseline header"; }
# The baseline copy is the header itself as it was: its ABI is the baseline.
$ABI dump "$top_srcdir/sdk/abi/1.0" | cmp -s - "$BASE" || fail "sdk/abi/1.0's header does not match baseline.txt"
make_events 30 1 > "$TMP/in.log"
write_config "$TMP/a.conf" "plugin = \"null\"; report_every = 10;"
"$AUDITSTREAM" -c "$TMP/a.conf" --check-config >"$TMP/log" 2>&1 || { cat "$TMP/log"; fail "--check-config with the baseline plugin"; }
"$AUDITSTREAM" -c "$TMP/a.conf" --replay "$TMP/in.log" 2>"$TMP/log" || { cat "$TMP/log"; fail "replay with the baseline plugin"; }
grep -q "output null: enqueued=30 written=30 .* discarded=30" "$TMP/log" || fail "$(grep null "$TMP/log")"
exit 0
