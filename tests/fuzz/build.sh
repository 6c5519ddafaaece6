#!/bin/sh
# tests/fuzz/build.sh -- builds the libFuzzer harnesses with clang
# (-fsanitize=fuzzer,address,undefined) against the core's sources.
#
#   sh tests/fuzz/build.sh [SRCDIR [OUTDIR]]
#
# Exits 77 when clang or its fuzzer runtime (Debian: libclang-rt-NN-dev) is
# missing, so CI can skip rather than fail.
set -eu
src=${1:-${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}}
out=${2:-${top_builddir:-$src}/tests/fuzz/bin}
CC=${FUZZ_CC:-}
if [ -z "$CC" ]; then
	for c in clang clang-19 clang-18 clang-17 clang-16 clang-15 clang-14; do
		if command -v $c >/dev/null 2>&1; then CC=$c; break; fi
	done
fi
[ -n "$CC" ] || { echo "SKIP: no clang" >&2; exit 77; }
mkdir -p "$out/obj"
probe="$out/obj/probe"
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n){(void)d;(void)n;return 0;}\n' >"$probe.c"
if ! $CC -fsanitize=fuzzer,address,undefined "$probe.c" -o "$probe" 2>"$probe.err"; then
	echo "SKIP: $CC cannot link -fsanitize=fuzzer (install libclang-rt-dev): $(head -1 "$probe.err")" >&2
	exit 77
fi
for pc in libconfig audit libcjson zlib; do
	pkg-config --exists $pc || { echo "SKIP: pkg-config $pc missing" >&2; exit 77; }
done
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
CFLAGS="-g -O1 -std=gnu11 -D_GNU_SOURCE -I$src/core -I$src/sdk/include -I$src/tests/fuzz
	-DPACKAGE_VERSION=\"fuzz\" $(pkg-config --cflags libconfig audit libcjson zlib)"
LIBS="$(pkg-config --libs libconfig audit libcjson zlib) -ldl -pthread"
# The core's sources as Makefile.am lists them (not main.c, not files being
# written by someone else that the build does not use yet).
srcs=$(sed -n '/^libcore_la_SOURCES/,/^[^	]/p' "$src/Makefile.am" | tr ' \\\t' '\n\n\n' | grep '^core/.*\.c$')
objs=
for f in $srcs; do
	o="$out/obj/$(basename "$f" .c).o"
	if [ ! -e "$o" ] || [ "$src/$f" -nt "$o" ] || [ -n "$(find "$src/core" -name '*.h' -newer "$o" | head -1)" ]; then
		$CC $CFLAGS $SAN -fsanitize=fuzzer-no-link -c "$src/$f" -o "$o"
	fi
	objs="$objs $o"
done
for h in netlink record enriched rules config spool worker; do
	$CC $CFLAGS $SAN -fsanitize=fuzzer "$src/tests/fuzz/fuzz_$h.c" $objs $LIBS -o "$out/fuzz_$h"
done
echo "built: $(cd "$out" && ls fuzz_*)"
