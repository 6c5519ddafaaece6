#!/bin/sh
# tests/fuzz/short.sh -- builds the harnesses and runs each for a short time
# (FUZZ_SECONDS, default 20) on its seed corpus.  A crash, leak or failed
# JSON/UTF-8 assertion fails the test and leaves the input in the log.
# Skips (77) when clang's fuzzer runtime is missing.
set -u
src=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
bld=${top_builddir:-$src}
out=$bld/tests/fuzz/bin
secs=${FUZZ_SECONDS:-20}
# The harnesses carry their own sanitizers: run them once per suite, in the
# normal build's pass, not again in the ASan build's.
if nm "$bld/auditstream" 2>/dev/null | grep -q __asan_init; then
	echo "SKIP: sanitizer build; the fuzzers run in the normal build's pass" >&2
	exit 77
fi
sh "$src/tests/fuzz/build.sh" "$src" "$out"
rc=$?
[ $rc -eq 0 ] || exit $rc
work=$(mktemp -d /tmp/auditstream-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail=0
LSAN_OPTIONS=suppressions=$src/tests/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}
export LSAN_OPTIONS
for h in netlink record enriched rules config spool worker; do
	# New inputs go to a scratch dir: the seed corpus in the tree stays as is.
	mkdir -p "$work/$h"
	if "$out/fuzz_$h" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$work/$h-" -print_final_stats=1 \
		"$work/$h" "$src/tests/fuzz/corpus/$h" >"$work/$h.log" 2>&1; then
		echo "ok: fuzz_$h $(grep -m1 'stat::number_of_executed_units' "$work/$h.log" | awk '{print $2}') execs in ${secs}s"
	else
		echo "FAIL: fuzz_$h"
		tail -60 "$work/$h.log"
		for a in "$work/$h-"*; do
			[ -e "$a" ] && { echo "crashing input $a:"; od -c "$a" | head -20; }
		done
		fail=1
	fi
done
exit $fail
