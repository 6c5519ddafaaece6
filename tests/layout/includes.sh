#!/bin/sh
# The core's modules include each other without cycles, and core and plugins
# share nothing but the SDK headers (tests/layout/includes.py).  The checker
# is first shown a planted cycle and a plugin including a core header, and
# must refuse both, so a checker that finds nothing cannot pass.
. "$top_srcdir/tests/lib/common.sh"
check=$top_srcdir/tests/layout/includes.py

mkdir -p "$TMP/t/core/a" "$TMP/t/core/b" "$TMP/t/plugins/p"
printf '#include "b/y.h"\n' > "$TMP/t/core/a/x.h"
printf '#include "a/x.h"\n' > "$TMP/t/core/b/y.c"
: > "$TMP/t/core/b/y.h"
printf '#include "b/y.h"\n' > "$TMP/t/plugins/p/p.c"
python3 "$check" "$TMP/t" > "$TMP/planted" && fail "a planted cycle passed: $(cat "$TMP/planted")"
grep -q 'include cycle among a/x, b/y' "$TMP/planted" || fail "planted cycle not named: $(cat "$TMP/planted")"
grep -q 'plugins/p/p.c: includes core header' "$TMP/planted" || fail "plugin including the core not named"

python3 "$check" "$top_srcdir" || fail "the core's include graph (above)"
