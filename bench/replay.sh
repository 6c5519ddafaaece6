#!/bin/sh
# bench/replay.sh -- replay throughput: goaudit, enriched and raw, on both
# cores and on one, beside `ausearch -i` on the same file, in one run.
#
#   bench/replay.sh [EVENTS]      (default 200000)
#   ROUNDS=5 bench/replay.sh      rounds, interleaved; medians (default 3)
#   BASE=DIR bench/replay.sh      also a build in DIR (before/after, same run)
#
# Uses the auditstream and plugins of $top_builddir (default: the source
# tree, for an in-tree build).
#
# Makes a synthetic audit.log of EVENTS events cloned from the real capture
# tests/fixtures/auditd-raw.log (its kernel events, new serials: execve-heavy,
# 5.6 records and 1.4 KB per event), and replays it into the file sink
# (a `block` queue: nothing dropped; every run's count is checked) with
# each format: unpinned ("both cores": the reader parses while a helper
# thread renders, core/pipeline/format_pool.c) and with taskset -c 0 ("one
# core").  `ausearch -i -if` on the same file is the yardstick.  CPU is
# user+sys of the whole process per event.  Not part of `make check`.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${top_builddir:-$top}
n=${1:-200000}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/as-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

python3 - "$top/tests/fixtures/auditd-raw.log" "$n" > "$tmp/big.log" <<'PY'
import re, sys
src, n = sys.argv[1], int(sys.argv[2])
events, cur, last = [], [], None
for line in open(src, encoding='utf-8', errors='surrogateescape'):
    m = re.match(r'type=(\w+) msg=audit\((\d+\.\d+):(\d+)\): (.*)$', line.rstrip('\n'))
    if not m or m.group(1).startswith('DAEMON'):
        continue
    if m.group(3) != last and cur:
        events.append(cur); cur = []
    last = m.group(3)
    cur.append((m.group(1), m.group(4)))
events.append(cur)
out = sys.stdout
for i in range(n):
    serial = 1000 + i
    ts = '%d.%03d' % (1700000000 + i // 1000, i % 1000)
    for t, d in events[i % len(events)]:
        out.write('type=%s msg=audit(%s:%d): %s\n' % (t, ts, serial, d))
PY

exec python3 - "$tmp" "$n" "$build" "${BASE:-}" "${ROUNDS:-3}" <<'PY'
import os, shutil, statistics, subprocess, sys, time, datetime
tmp, n, build, base, rounds = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
log = os.path.join(tmp, "big.log")
builds = [("", build)] + ([("base ", base)] if base else [])

def run(cmd, out):
    """(events/s, CPU µs/event) of one command; wall time covers the whole process."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    secs = time.monotonic() - t0
    err = p.stderr.read().decode(errors="replace")
    if status != 0:
        sys.exit("%s failed:\n%s" % (" ".join(cmd), err))
    return n / secs, (ru.ru_utime + ru.ru_stime) * 1e6 / n

def replay(b, fmt, pin):
    conf, out = os.path.join(tmp, fmt + ".conf"), os.path.join(tmp, fmt + ".json")
    with open(conf, "w") as f:
        f.write('plugin_dir = "%s/plugins/.libs";\nlog_level = "notice";\n'
                'outputs = ( { plugin = "file"; path = "%s"; format = "%s"; '
                'queue = { size = 1048576; overflow = "block"; }; } );\n' % (b, out, fmt))
    if os.path.exists(out):
        os.unlink(out)
    cmd = (["taskset", "-c", "0"] if pin else []) + [os.path.join(b, "auditstream"), "-c", conf, "--replay", log]
    r = run(cmd, subprocess.DEVNULL)
    with open(out, "rb") as f:
        lines = sum(1 for _ in f)
    if lines != n:	# a rate over events that did not all arrive would be a lie
        sys.exit("replay (%s): %d events written, %d replayed" % (fmt, lines, n))
    return r

res = {}
ausearch = shutil.which("ausearch")
for _ in range(rounds):
    for label, b in builds:
        for fmt in ("goaudit", "enriched", "raw"):
            for pin in (0, 1):
                res.setdefault((label, fmt, pin), []).append(replay(b, fmt, pin))
    if ausearch:
        res.setdefault("ausearch", []).append(
            run([ausearch, "-i", "-if", log], subprocess.DEVNULL))

med = lambda k, i: statistics.median(r[i] for r in res[k])
print("date: %s  nproc: %d  kernel: %s  load average: %s  events: %d (%d records, %.0f MB)" % (
    datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%MZ"), os.cpu_count(), os.uname().release,
    open("/proc/loadavg").read().split()[0], n, sum(1 for _ in open(log, "rb")), os.path.getsize(log) / 1e6))
print("medians of %d interleaved rounds; CPU = user+sys of the process per event" % rounds)
for label, b in builds:
    for fmt in ("goaudit", "enriched", "raw"):
        print("%s%-9s %d events/s (CPU %.2f µs/event); one core: %d events/s (CPU %.2f µs/event)" % (
            label, fmt + ":", med((label, fmt, 0), 0), med((label, fmt, 0), 1),
            med((label, fmt, 1), 0), med((label, fmt, 1), 1)))
if ausearch:
    a = med("ausearch", 0)
    print("ausearch -i: %d events/s (CPU %.2f µs/event)" % (a, med("ausearch", 1)))
    for fmt in ("goaudit", "enriched"):
        print("%s/ausearch -i: %.1fx" % (fmt, med(("", fmt, 0), 0) / a))
else:
    print("ausearch -i: not installed (Debian's auditd package)")
print("enriched/goaudit: %.2f" % (med(("", "enriched", 0), 0) / med(("", "goaudit", 0), 0)))
PY
