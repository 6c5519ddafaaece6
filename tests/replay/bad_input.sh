#!/bin/sh
# The bad input catalogue, through the replay input into two file sinks
# (goaudit and enriched): each bad thing gets a clear log line, and every
# good event around it arrives once, intact, as valid JSON and UTF-8.
#  - a record longer than the kernel's 8970-byte maximum (auditd's text may
#    be; it is kept whole) and a line past the replay limit (skipped, named)
#  - garbage between records: text, binary, NUL bytes, a broken header
#  - serials going backwards (new boot or wrap): a reset, not a loss, and a
#    serial seen twice: each reported in-band (serial_reset, duplicate_serial)
#  - invalid UTF-8 and control bytes in file names, hex-encoded as the kernel
#    writes them and raw as a hostile log could hold them
#  - the largest time a header can hold
# The configs: missing, a directory, unreadable, malformed, mistyped,
# writable by others; plugin names with '/' or '..'.
. "$top_srcdir/tests/lib/common.sh"

py "$TMP/in.log" <<'PY' || fail "cannot write the input"
import sys
out = open(sys.argv[1], 'wb')
def syscall(serial, name_hex=None, raw_name=None):
    ts = b'1700000000.%03d' % (serial % 1000)
    hdr = b'msg=audit(' + ts + b':%d): ' % serial
    out.write(b'type=SYSCALL ' + hdr + b'arch=c000003e syscall=257 success=yes exit=3 a0=ffffff9c a1=1 a2=241 a3=1b6 items=1 ppid=1 pid=2 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=1 comm="touch" exe="/usr/bin/touch" key="watch"\n')
    if name_hex is not None:
        out.write(b'type=PATH ' + hdr + b'item=0 name=' + name_hex.hex().upper().encode() + b' inode=5 dev=fe:00 mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype=CREATE\n')
    if raw_name is not None:
        out.write(b'type=PATH ' + hdr + b'item=0 name="' + raw_name + b'" inode=5 dev=fe:00 mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype=CREATE\n')
    out.write(b'type=PROCTITLE ' + hdr + b'proctitle=746F756368\n')
B = 500000   # the previous boot's serials: far above the new boot's
for s in range(B + 100, B + 105):
    syscall(s)
# 20000 bytes of data: over the kernel's record limit, under the replay line limit.
out.write(b'type=USER msg=audit(1700000000.105:%d): pid=1' % (B + 105) + b' uid=0 msg=\'' + b'x' * 20000 + b'\'\n')
# Past the replay line limit (64 KiB): skipped with its line number.
out.write(b'type=USER msg=audit(1700000000.106:%d): msg=' % (B + 106) + b'\'' + b'y' * 100000 + b'\'\n')
# Garbage between records.
out.write(b'hello, this is not audit\n')
out.write(b'\x00\x01\x02\xff\xfe binary \x00 junk\n')
out.write(b'type=SYSCALL msg=audit(17000:broken\n')
out.write(b'type=NOSUCHTYPE msg=audit(1700000000.000:3):\n')
out.write(b'\n\n')
# Hostile file names.
syscall(B + 107, name_hex=b'/tmp/\xff\xfe bad\x01\x1b[31m\nname.txt')
syscall(B + 108, raw_name=b'/tmp/raw\xff\xc0\x80\x7f\x01end')
for s in range(B + 109, B + 112):
    syscall(s)
# A serial seen twice: a late record, after more records than the
# assembler lingers for (64) have moved past its event.
user = b'type=USER msg=audit(1700000000.112:%d): pid=1 uid=0 msg=\'op=dup\'\n' % (B + 112)
out.write(user)
for s in range(B + 113, B + 150):
    syscall(s)
out.write(user)
# A new boot: serials start again low.  A reset, not a loss.
for s in range(5, 10):
    syscall(s)
# The largest time the header syntax allows (a hostile log; once overran a
# stack buffer in the goaudit format).
out.write(b'type=SYSCALL msg=audit(18446744073709551615.999:10): arch=c000003e syscall=59 success=yes exit=0\n')
PY

LOG_LEVEL=info write_config "$TMP/a.conf" \
	"name = \"g\"; plugin = \"file\"; path = \"$TMP/g.json\"; format = \"goaudit\";" \
	"name = \"e\"; plugin = \"file\"; path = \"$TMP/e.json\"; format = \"enriched\";"
"$AUDITSTREAM" -c "$TMP/a.conf" --replay "$TMP/in.log" 2>"$TMP/log" ||
	{ cat "$TMP/log"; fail "replay exited with $?"; }

grep -q 'in.log:12: line longer than 65536 bytes, skipped' "$TMP/log" ||
	{ cat "$TMP/log"; fail "no log line naming the over-long line 12"; }
n=$(grep -c 'not an audit record, skipped' "$TMP/log")
[ "$n" -eq 4 ] || { cat "$TMP/log"; fail "$n garbage lines reported, want 4"; }
grep -q 'serial went back from 500149 to 5: new boot or daemon restart' "$TMP/log" ||
	{ cat "$TMP/log"; fail "no reset reported for the serials going back"; }

py "$TMP/g.json" "$TMP/e.json" <<'PY' || { cat "$TMP/log"; exit 1; }
import json, sys
def load(path):
    raw = open(path, 'rb').read()
    text = raw.decode('utf-8')          # strict: invalid UTF-8 fails here
    return [json.loads(l) for l in text.splitlines()]
g, e = load(sys.argv[1]), load(sys.argv[2])
err = []
B = 500000
want = list(range(B + 100, B + 106)) + list(range(B + 107, B + 150)) + [B + 112] + list(range(5, 11))
events = [x for x in g if 'type' not in x]
loss = [x for x in g if 'type' in x]
if sorted(x['sequence'] for x in events) != sorted(want):
    err.append('goaudit serials %r, want %r' % (sorted(x['sequence'] for x in events), sorted(want)))
# The skipped line's serial is reported missed, exactly it; the reset and
# the duplicate are reported in-band, each once, naming its serial.
got = sorted((x.get('reason'), x.get('count'), x.get('first_serial'), x.get('last_serial')) for x in loss)
if got != [('duplicate_serial', 1, B + 112, B + 112), ('missed_serials', 1, B + 106, B + 106),
           ('serial_reset', 1, 5, 5)]:
    err.append('loss events %r, want missed 500106, duplicate 500112, reset at 5' % loss)
big = [x for x in events if x['sequence'] == B + 105]
if not big or len(big[0]['messages'][0]['data']) != len("pid=1 uid=0 msg=''") + 20000:
    err.append('the 20000-byte record did not arrive whole')
ev = {x['serial']: x for x in e if 'serial' in x and 'type' not in x}
if sorted(ev) != sorted(set(want)):
    err.append('enriched serials %r' % sorted(ev))
def path_name(x):
    p = x.get('PATH')
    p = p[0] if isinstance(p, list) else p
    return p.get('name')
n107 = path_name(ev.get(B + 107, {'PATH': {}}))
if n107 != '/tmp/\ufffd\ufffd bad\x01\x1b[31m\nname.txt':
    err.append('hex name of 107 decoded as %r' % n107)
n108 = path_name(ev.get(B + 108, {'PATH': {}}))
if n108 is None or not n108.startswith('/tmp/raw\ufffd') or not n108.endswith('\x7f\x01end') or '\ufffd' not in n108:
    err.append('raw name of 108 came out as %r' % n108)
far = [x for x in events if x['sequence'] == 10]
if not far or far[0]['timestamp'] != '18446744073709551615.999':
    err.append('the far-future time came out as %r' % far)
for x in err:
    print('FAIL:', x)
sys.exit(1 if err else 0)
PY
grep -q 'duplicate_serials=1 serial_resets=1' "$TMP/log" || fail "stats: $(grep 'stats: records' "$TMP/log")"
check_law "$TMP/log"

# --- inputs that are not audit logs ------------------------------------------
# Nothing but garbage: the run fails, saying so (it used to exit 0 with
# "4008 bad records").  An empty input is fine.
head -c 65536 /dev/urandom | tr -d '\n' | fold -w 100 > "$TMP/binary"
write_config "$TMP/bin.conf" "plugin = \"file\"; path = \"$TMP/bin.json\";"
"$AUDITSTREAM" -c "$TMP/bin.conf" --replay "$TMP/binary" 2>"$TMP/bin.err" && fail "a replay of garbage exited 0"
grep -q "$TMP/binary: no audit record in it ([0-9]* lines skipped)" "$TMP/bin.err" || fail "$(tail -3 "$TMP/bin.err")"
"$AUDITSTREAM" -c "$TMP/bin.conf" --replay /dev/null 2>"$TMP/bin.err" || fail "an empty replay failed: $(cat "$TMP/bin.err")"
# A missing replay file is said before any output file is made.
rm -f "$TMP/bin.json"
"$AUDITSTREAM" -c "$TMP/bin.conf" --replay "$TMP/no-such.log" 2>"$TMP/bin.err" && fail "a missing replay file exited 0"
grep -q "$TMP/no-such.log: cannot open for replay: No such file" "$TMP/bin.err" || fail "$(cat "$TMP/bin.err")"
[ -e "$TMP/bin.json" ] && fail "the output file was created for a replay file that is missing"

# --- configs ---------------------------------------------------------------
expect_refusal() {	# CONFIG PATTERN [RUNNER...]: exits 1, says PATTERN
	local c=$1 pat=$2; shift 2
	"$@" "$AUDITSTREAM" -c "$c" --replay /dev/null 2>"$TMP/err" >/dev/null
	local rc=$?
	[ $rc -eq 1 ] || fail "config $c: exit $rc, want 1"
	grep -q -- "$pat" "$TMP/err" || { cat "$TMP/err"; fail "config $c: no line saying '$pat'"; }
}
expect_refusal "$TMP/none.conf" "none.conf: cannot read the config: No such file or directory"
mkdir "$TMP/dir.conf"
expect_refusal "$TMP/dir.conf" "dir.conf: cannot read the config: Is a directory"
printf 'outputs = ( { plugin = "file" ;\n' > "$TMP/syntax.conf"
expect_refusal "$TMP/syntax.conf" "syntax.conf:2: syntax error"
write_config "$TMP/typed.conf" "plugin = \"file\"; path = 5;"
expect_refusal "$TMP/typed.conf" "output \"file\": path: must be a string"
printf 'log_level = 7;\noutputs = ();\n' > "$TMP/typed2.conf"
expect_refusal "$TMP/typed2.conf" "typed2.conf:1: log_level: must be a string"
write_config "$TMP/wow.conf" "plugin = \"file\"; path = \"$TMP/x.json\";"
chmod 0666 "$TMP/wow.conf"
expect_refusal "$TMP/wow.conf" "wow.conf: refused: writable by others (mode 0666)"
# An @include'd file is checked too (it used to give "configuration OK").
echo 'node = "planted";' > "$TMP/inc666.conf"
chmod 0666 "$TMP/inc666.conf"
write_config "$TMP/inc.conf" "plugin = \"file\"; path = \"$TMP/x.json\";"
echo "@include \"$TMP/inc666.conf\"" >> "$TMP/inc.conf"
expect_refusal "$TMP/inc.conf" "inc.conf:[0-9]*: @include \"$TMP/inc666.conf\": refused: writable by others (mode 0666)"
for name in ../file file/x ..; do
	write_config "$TMP/pl.conf" "plugin = \"$name\"; path = \"$TMP/x.json\";"
	expect_refusal "$TMP/pl.conf" "plugin \"$name\": invalid name"
done
# Unreadable: root reads anything, so read it as nobody.
if command -v setpriv >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
	write_config "$TMP/ro.conf" "plugin = \"file\"; path = \"$TMP/x.json\";"
	chmod 0600 "$TMP/ro.conf"
	chmod 0755 "$TMP"
	expect_refusal "$TMP/ro.conf" "ro.conf: cannot read the config: Permission denied" \
		setpriv --reuid=nobody --regid=nogroup --clear-groups
else
	note "unreadable config not checked (needs root and setpriv)"
fi
exit 0
