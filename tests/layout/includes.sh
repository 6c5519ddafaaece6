#!/bin/sh
# The core's modules include each other without cycles, and core and plugins
# share nothing but the SDK headers (tests/layout/includes.py).
exec python3 "$top_srcdir/tests/layout/includes.py" "$top_srcdir"
