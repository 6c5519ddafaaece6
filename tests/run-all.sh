#!/bin/bash
# tests/run-all.sh -- the whole suite, as CI and a newcomer run it.
#
#   tests/run-all.sh [--install-deps]
#
# Builds twice, out of tree under _build/: a normal -Werror build that runs
# every test (unit, replay, SDK, kernel), and an AddressSanitizer +
# UndefinedBehaviorSanitizer build that runs them again; then a short
# `make distcheck` (counted as one test).  Ends with one line:
# "N passed, N failed, N skipped".  Kernel tests need root and skip
# (with the reason) without it.
set -u
cd "$(dirname "$0")/.."
SRC=$PWD
OUT=$SRC/_build
JOBS=$(nproc 2>/dev/null || echo 2)

if [ "${1:-}" = "--install-deps" ]; then
	# Keep package scripts from starting services (auditd would take the
	# audit pid the kernel tests need); only for this install.
	made_policy=""
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && made_policy=1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq && apt-get install -y -qq --no-install-recommends \
		$(grep -v '^#' "$SRC/tests/packages.txt") >/dev/null
	rc=$?
	[ -n "$made_policy" ] && rm -f /usr/sbin/policy-rc.d
	[ $rc = 0 ] || { echo "apt-get install failed"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
fi

passed=0 failed=0 skipped=0

# The source tree must stay unconfigured for out-of-tree builds; copy the
# tracked and new files into a clean one.
rm -rf "$OUT"
mkdir -p "$OUT/src"
git ls-files -co --exclude-standard -z | tar --null -T - -cf - | tar -xf - -C "$OUT/src"
(cd "$OUT/src" && ./autogen.sh >"$OUT/autogen.log" 2>&1) ||
	{ cat "$OUT/autogen.log"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }

# run_suite NAME CONFIGURE-ARGS... : configure, build, make check; adds the counts.
run_suite() {
	local name=$1; shift
	local dir=$OUT/$name
	mkdir -p "$dir"
	echo "=== $name: configure $*"
	if ! (cd "$dir" && "$OUT/src/configure" "$@" >configure.out 2>&1); then
		tail -30 "$dir/configure.out"; failed=$((failed + 1)); return
	fi
	echo "=== $name: build"
	if ! make -C "$dir" -j"$JOBS" >"$dir/build.out" 2>&1; then
		grep -E 'error|warning' "$dir/build.out" | head -40; failed=$((failed + 1)); return
	fi
	echo "=== $name: make check"
	env $CHECK_ENV make -C "$dir" -j"$JOBS" check >"$dir/check.out" 2>&1
	grep -E '^(PASS|FAIL|SKIP|XFAIL|XPASS|ERROR):' "$dir/check.out"
	local log=$dir/test-suite.log
	if [ ! -f "$log" ]; then
		tail -40 "$dir/check.out"; failed=$((failed + 1)); return
	fi
	# Show why anything failed or skipped.
	for t in $(grep -lE '^:test-result: (FAIL|ERROR|SKIP)' $(find "$dir/tests" -name '*.trs') 2>/dev/null); do
		echo "--- ${t%.trs}.log"; tail -25 "${t%.trs}.log"
	done
	local p f s
	p=$(awk '/^# PASS:/ {print $3}' "$log"); p=${p:-0}
	s=$(awk '/^# SKIP:/ {print $3}' "$log"); s=${s:-0}
	f=$(awk '/^# (FAIL|ERROR|XPASS):/ {n += $3} END {print n + 0}' "$log")
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
}

CHECK_ENV=""
run_suite default --enable-werror
# Tests that do not exercise our code's memory (packaging) run once.
CHECK_ENV="AUDITSTREAM_ONCE_DONE=1"
run_suite sanitizers --enable-werror --enable-sanitizers

# make distcheck: the `make dist` tarball configures, builds, installs and
# uninstalls out of tree from a read-only copy, and distclean leaves nothing
# behind.  The suites above ran every test already, so inside distcheck only
# those that read most of the tarball run (fixtures, SDK example and ABI
# baseline, man pages against the sources): about 5 minutes on 2 CPUs, not
# the 10 of a full one.  As root it runs as nobody, since root writes into
# the read-only copy unhindered and a test that writes into the sources
# would pass.
DISTCHECK_TESTS="tests/unit/test_config tests/replay/fixture.sh tests/sdk/example.sh tests/sdk/abi.sh tests/ops/man.sh"
run_distcheck() {
	local dir=$OUT/distcheck as=""
	mkdir -p "$dir"
	if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1 && command -v runuser >/dev/null; then
		chown nobody "$dir" && as="runuser -u nobody --"
	fi
	echo "=== distcheck${as:+ (as nobody)}"
	if (cd "$dir" && $as "$OUT/src/configure" >configure.out 2>&1 &&
	    $as make -j"$JOBS" distcheck TESTS="$DISTCHECK_TESTS" >distcheck.out 2>&1); then
		echo "PASS: make distcheck"
		passed=$((passed + 1))
	else
		tail -40 "$dir/distcheck.out" 2>/dev/null || tail -30 "$dir/configure.out"
		echo "FAIL: make distcheck"
		failed=$((failed + 1))
	fi
}
run_distcheck

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
