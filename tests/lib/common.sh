# tests/lib/common.sh -- shared set-up for the shell tests.  Source it first.
# Exit codes follow automake: 0 pass, 1 fail, 77 skip.
set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
AUDITSTREAM=$top_builddir/auditstream
FIXTURES=$top_srcdir/tests/fixtures

TMP=$(mktemp -d "${TMPDIR:-/tmp}/auditstream-test.XXXXXX")
CLEANUP_HOOKS=""
cleanup() {
	for h in $CLEANUP_HOOKS; do "$h"; done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*" >&2; exit 77; }
# cannot_run REASON: a test that should run here but cannot.  Locally that
# is a skip with the reason; under CI=true it fails: CI must never pass by
# not testing.
cannot_run() {
	[ "${CI:-}" = true ] && fail "cannot run under CI=true: $*"
	skip "$*"
}
note() { echo "# $*" >&2; }

# A plugin directory holding the built plugins and the test plugins.
PLUGDIR=$TMP/plugins
mkdir -p "$PLUGDIR"
for so in "$top_builddir"/plugins/.libs/*.so "$top_builddir"/tests/plugins/.libs/*.so; do
	[ -e "$so" ] && ln -s "$so" "$PLUGDIR/"
done

# write_config FILE OUTPUTS... : a config with the given output groups.
write_config() {
	local f=$1; shift
	{
		echo "plugin_dir = \"$PLUGDIR\";"
		echo "log_level = \"${LOG_LEVEL:-info}\";"
		[ -n "${EXTRA_CONFIG:-}" ] && echo "$EXTRA_CONFIG"
		echo "outputs = ("
		local first=1
		for o in "$@"; do
			[ $first = 1 ] || echo ","
			echo "  { $o }"
			first=0
		done
		echo ");"
	} > "$f"
}

# wait_for SECONDS COMMAND... : polls until the command succeeds.
wait_for() {
	local t=$1; shift
	local end=$(( $(date +%s) + t ))
	while ! "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.1
	done
}

# make_events N FIRST_SERIAL : N synthetic 2-record events in auditd text,
# cloned from a real getppid-like SYSCALL/PROCTITLE pair with new serials.
make_events() {
	awk -v n="$1" -v s="$2" 'BEGIN {
		for (i = 0; i < n; i++) {
			serial = s + i
			printf "type=SYSCALL msg=audit(1700000000.%03d:%d): arch=c000003e syscall=110 success=yes exit=1 a0=0 a1=0 a2=0 a3=0 items=0 ppid=1 pid=2 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=1 comm=\"load\" exe=\"/usr/bin/load\" key=\"t\"\n", i % 1000, serial
			printf "type=PROCTITLE msg=audit(1700000000.%03d:%d): proctitle=6C6F6164\n", i % 1000, serial
		}
	}'
}

# count_json FILE JQ-LIKE-PYTHON-EXPR : helpers in python for JSON checks.
py() { python3 - "$@"; }

# check_law LOG [OUTPUT...] : the conservation law (README, "Loss
# accounting") on the last stats line of each output in LOG (a stopped
# daemon's stderr, or any text holding its "output NAME: enqueued=..."
# lines), or on the metrics when LOG is `auditstream --stats` output or a
# metrics file; only the named outputs if some are given.  Per output:
#   received = enqueued + reports + recovered = written + dropped + held
#   dropped = the sum of dropped.<reason>, and for every reason
#   dropped.<reason> = reported.<reason> + unreportable.<reason>
# Fails the test (with the line) when a term is missing or a sum is off.
check_law() {
	py "$@" <<'PY' || fail "conservation law broken in $1"
import re, sys
text = open(sys.argv[1], errors='replace').read()
want = sys.argv[2:]
last = {}
for m in re.finditer(r'output (.+?): (enqueued=\d+ written=.*)', text):
    last[m.group(1)] = m.group(2)
if 'auditstream_output_received_total{' in text:
    # Prometheus text: the same terms, rebuilt as a stats line per output.
    unq = lambda v: re.sub(r'\\(.)', lambda m: '\n' if m.group(1) == 'n' else m.group(1), v)
    terms = {}
    for m in re.finditer(r'^auditstream_output_(\w+?)(?:_total)?\{output="((?:[^"\\]|\\.)*)",plugin="(?:[^"\\]|\\.)*"(?:,reason="([^"]*)")?\} (\d+)$', text, re.M):
        key, name, reason, val = m.group(1), unq(m.group(2)), m.group(3), m.group(4)
        if reason is not None:
            key = key.replace('_by_reason', '') + '.' + reason
        elif key == 'law_ok':
            key, val = 'law', 'ok' if val == '1' else 'BROKEN'
        terms.setdefault(name, {})[key] = val
    for name, t in terms.items():
        t.setdefault('undelivered', '0')
        last[name] = ' '.join('%s=%s' % kv for kv in sorted(t.items()) if kv[0] in ('enqueued', 'written', 'law')) + \
            ' ' + ' '.join('%s=%s' % kv for kv in sorted(t.items()) if kv[0] not in ('enqueued', 'written', 'law')) + \
            ' law=%s' % t.get('law', '?')
if not last:
    print('FAIL: no output stats line in %s' % sys.argv[1]); sys.exit(1)
bad = []
for name in want or sorted(last):
    line = last.get(name)
    if line is None:
        bad.append('%s: no stats line' % name); continue
    v = {k: int(x) for k, x in re.findall(r'(?:^| )([a-z_]+(?:\.[a-z0-9_]+)?)=(\d+)', line)}
    law = re.search(r' law=(\w+)', line)
    need = ('enqueued', 'written', 'dropped', 'undelivered', 'received', 'reports', 'recovered', 'held')
    missing = [k for k in need if k not in v]
    if missing or not law:
        bad.append('%s: terms missing (%s): %s' % (name, ' '.join(missing) or 'law', line)); continue
    reasons = {k.split('.', 1)[1] for k in v if '.' in k and k.split('.')[0] in ('dropped', 'reported', 'unreportable')}
    dropped = sum(v.get('dropped.' + r, 0) for r in reasons)
    errs = []
    if v['received'] != v['enqueued'] + v['reports'] + v['recovered']:
        errs.append('received != enqueued + reports + recovered')
    if v['dropped'] != dropped:
        errs.append('dropped %d != sum by reason %d' % (v['dropped'], dropped))
    if v['received'] != v['written'] + v['dropped'] + v['held']:
        errs.append('received %d != written %d + dropped %d + held %d' % (v['received'], v['written'], v['dropped'], v['held']))
    for r in sorted(reasons):
        d, t, u = (v.get(k + '.' + r, 0) for k in ('dropped', 'reported', 'unreportable'))
        if d != t + u:
            errs.append('%s: dropped %d != reported %d + unreportable %d' % (r, d, t, u))
    if law.group(1) != 'ok':
        errs.append('the daemon says law=%s' % law.group(1))
    if errs:
        bad.append('%s: %s: %s' % (name, '; '.join(errs), line))
    else:
        print('# law holds for %s: received=%d written=%d dropped=%d held=%d' % (name, v['received'], v['written'], v['dropped'], v['held']))
for b in bad:
    print('FAIL: ' + b)
sys.exit(1 if bad else 0)
PY
}

# check_no_loss LOG OUTPUT : check_law, and the output neither dropped nor
# left undelivered any event (a file input waits for its outputs).
check_no_loss() {
	check_law "$1" "$2"
	grep "output $2: enqueued=" "$1" | tail -n 1 | grep -q " dropped=0 undelivered=0 " ||
		fail "output $2 lost events: $(grep "output $2: enqueued=" "$1" | tail -n 1)"
}
