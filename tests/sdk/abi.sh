#!/bin/sh
# The plugin ABI against its baselines (sdk/abi/<minor>/baseline.txt,
# measured by sdk/abi/abi.py with the compiler): the current header is
# compatible with 1.0 and is 1.1, and
# the checker catches what it must -- a member inserted in the middle or a
# changed type without raising abi_major, an appended member or a new
# function without raising abi_minor -- and accepts those with the right
# bump.  Then a plugin built from the 1.0 baseline header (sdk/abi/1.0/,
# the header as it was) still loads and works in this daemon.
. "$top_srcdir/tests/lib/common.sh"
command -v python3 >/dev/null || skip "python3 missing"
[ "$(uname -m)" = x86_64 ] || skip "the baseline is measured on x86_64"
ABI="python3 $top_srcdir/sdk/abi/abi.py"
BASE10=$top_srcdir/sdk/abi/1.0/baseline.txt
BASE=$top_srcdir/sdk/abi/1.1/baseline.txt

$ABI check "$BASE10" "$top_srcdir/sdk/include" >"$TMP/out" 2>&1 || { cat "$TMP/out"; fail "the SDK header breaks the 1.0 ABI"; }
cat "$TMP/out" >&2
$ABI check "$BASE" "$top_srcdir/sdk/include" >"$TMP/out" 2>&1 || { cat "$TMP/out"; fail "the SDK header breaks the 1.1 ABI"; }
for v in 1.0 1.1; do	# each baseline is its header, measured
	$ABI dump "$top_srcdir/sdk/abi/$v" | cmp -s - "$top_srcdir/sdk/abi/$v/baseline.txt" ||
		fail "sdk/abi/$v's header does not match its baseline.txt"
done
$ABI dump "$top_srcdir/sdk/include" | grep -q '^abi 1 1$' || fail "the header is not ABI 1.1"

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
MIN0='#define AUDITSTREAM_ABI_MINOR 1'
MAJ1='#define AUDITSTREAM_ABI_MAJOR 1'
EV='	uint64_t serial;	/* kernel serial'
mutate "inserted member" 1 "$EV" "	uint32_t pad;
$EV"
mutate "inserted member, major raised" 0 "$EV" "	uint32_t pad;
$EV" "$MAJ1" "#define AUDITSTREAM_ABI_MAJOR 2"
mutate "changed type" 1 "	int64_t time_ns;" "	uint64_t time_ns;"
mutate "changed callback" 1 "	int (*reopen)(void *instance);" "	int (*reopen)(void *instance, int how);"
mutate "changed constant" 1 "AUDITSTREAM_FATAL = 2" "AUDITSTREAM_FATAL = 3"
APP='	void (*opt_error)(struct auditstream_ctx *ctx, const char *key, const char *fmt, ...)
		__attribute__((format(printf, 3, 4)));'
mutate "appended host member" 1 "$APP" "$APP
	int (*flags)(struct auditstream_ctx *ctx);"
mutate "appended host member, minor raised" 0 "$APP" "$APP
	int (*flags)(struct auditstream_ctx *ctx);" "$MIN0" "#define AUDITSTREAM_ABI_MINOR 2"
mutate "new function" 1 "#endif /* AUDITSTREAM_PLUGIN_H */" \
	"int auditstream_plugin_probe(void);
#endif /* AUDITSTREAM_PLUGIN_H */"

# A growing option element is safe only because the descriptor declares
# its size: inserting into it breaks like any struct.
OPT='	const char *help;		/* one line, for documentation and errors */'
mutate "inserted option member" 1 "$OPT" "	int flags;
$OPT" "$MIN0" "#define AUDITSTREAM_ABI_MINOR 2"

# The 1.0 example, built from the 1.0 baseline header, loads in today's
# daemon and runs.
cc -std=gnu11 -Wall -Wextra -Werror -shared -fPIC -I "$top_srcdir/sdk/abi/1.0" \
	-o "$PLUGDIR/null.so" "$top_srcdir/tests/sdk/null10.c" 2>"$TMP/cc.log" ||
	{ cat "$TMP/cc.log"; fail "the 1.0 example does not build against the baseline header"; }
make_events 30 1 > "$TMP/in.log"
write_config "$TMP/a.conf" "plugin = \"null\"; report_every = 10;"
"$AUDITSTREAM" -c "$TMP/a.conf" --check-config >"$TMP/log" 2>&1 || { cat "$TMP/log"; fail "--check-config with the baseline plugin"; }
"$AUDITSTREAM" -c "$TMP/a.conf" --replay "$TMP/in.log" 2>"$TMP/log" || { cat "$TMP/log"; fail "replay with the baseline plugin"; }
grep -q "output null: enqueued=30 written=30 .* discarded=30" "$TMP/log" || fail "$(grep null "$TMP/log")"
check_law "$TMP/log" null
grep -q "plugin null 1.0 loaded from .*(plugin ABI 1.0, this auditstream has ABI 1.1)" "$TMP/log" ||
	fail "the load line: $(grep 'plugin null' "$TMP/log")"

# A 1.1 plugin on a 1.0 core: the core's ABI check (core/output/abi_check.c)
# built against the 1.0 header, as the 1.0 core was, refuses the 1.1 SDK
# example naming both versions, and accepts the 1.0 plugin.
cc -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -I "$top_srcdir/sdk/abi/1.0" -I "$top_srcdir/core" \
	-o "$TMP/core10" "$top_srcdir/tests/sdk/core10.c" "$top_srcdir/core/output/abi_check.c" \
	"$top_srcdir/core/util/log.c" -ldl 2>"$TMP/cc.log" || { cat "$TMP/cc.log"; fail "building the 1.0 core's check"; }
cc -std=gnu11 -Wall -Wextra -Werror -shared -fPIC -I "$top_srcdir/sdk/include" \
	-o "$TMP/null11.so" "$top_srcdir/sdk/examples/null/null.c" 2>"$TMP/cc.log" ||
	{ cat "$TMP/cc.log"; fail "the 1.1 example does not build"; }
"$TMP/core10" "$PLUGDIR/null.so" 2>"$TMP/c10.log" || { cat "$TMP/c10.log"; fail "the 1.0 core refused a 1.0 plugin"; }
"$TMP/core10" "$TMP/null11.so" 2>"$TMP/c10.log"
rc=$?
[ $rc = 1 ] || { cat "$TMP/c10.log"; fail "the 1.0 core's check answered $rc for a 1.1 plugin, want 1 (refused)"; }
grep -q "$TMP/null11.so: auditstream_plugin_entry: plugin ABI 1.1 is newer than this auditstream's ABI 1.0" "$TMP/c10.log" ||
	fail "refusal: $(cat "$TMP/c10.log")"
[ "$(wc -l < "$TMP/c10.log")" = 1 ] || fail "not one line: $(cat "$TMP/c10.log")"
exit 0
