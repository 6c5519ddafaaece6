#!/usr/bin/env python3
"""tests/fuzz/seed.py -- (re)writes the seed corpora in tests/fuzz/corpus from
the real captures in tests/fixtures (kernel records, auditd logs, rules) and
the example config.  Run from the top of the tree; the result is committed."""
import collections, glob, os, re, struct

TOP = os.getcwd()
OUT = os.path.join(TOP, "tests/fuzz/corpus")
HDR = re.compile(r"^(?:node=\S+ )?type=(\S+) msg=(audit\(\d+\.\d+:(\d+)\): ?.*)$")
# fuzz_enriched.c's selector table, same order.
SEL = [1300, 1309, 1302, 1327, 1306, 1307, 1320, 1112, 1123, 1400, 1305, 1304,
       1323, 1317, 1324, 1326, 1701, 2000, 1006, 1100, 1334, 1318, 1319, 1124, 1805, 1005]
NAMES = {"SYSCALL": 1300, "EXECVE": 1309, "PATH": 1302, "PROCTITLE": 1327,
         "SOCKADDR": 1306, "CWD": 1307, "EOE": 1320, "CONFIG_CHANGE": 1305,
         "USER": 1005}

def put(kind, name, data):
    d = os.path.join(OUT, kind)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

def nl_dgram(typ, payload, quirk=True):
    # Audit records carry nlmsg_len = payload length (the kernel's quirk).
    p = payload.encode() + b"\0"
    h = struct.pack("=IHHII", len(p) if quirk else 16 + len(p), typ, 0, 0, 0)
    d = h + p
    return struct.pack("<H", len(d)) + d

# netlink: the real netlink capture, one file per serial and one with all.
events = collections.OrderedDict()
for line in open(os.path.join(TOP, "tests/fixtures/netlink-raw.txt")):
    line = line.rstrip("\n")
    if not line:
        continue
    typ, _, payload = line.partition(" ")
    m = re.match(r"audit\(\d+\.\d+:(\d+)\)", payload)
    events.setdefault(m.group(1) if m else "x", []).append(nl_dgram(int(typ), payload))
allnl = b""
for serial, ds in events.items():
    put("netlink", "serial-" + serial, b"".join(ds))
    allnl += b"".join(ds)
put("netlink", "all", allnl)
st = struct.pack("=IHHII", 16 + 40, 1000, 0, 0, 0) + bytes(40)   # an AUDIT_GET answer
put("netlink", "status", struct.pack("<H", len(st)) + st)
put("netlink", "proper-len", nl_dgram(1300, "audit(1700000000.123:7): arch=c000003e syscall=59", False))

# record: the auditd logs in pieces of a few events.
for log in ("auditd-basic.log", "auditd-raw.log"):
    lines = open(os.path.join(TOP, "tests/fixtures", log), "rb").read().split(b"\n")
    for i in range(0, len(lines), 20):
        put("record", "%s-%03d" % (log, i), b"\n".join(lines[i:i + 20]) + b"\n")

# enriched: the records of each event of auditd-raw.log, selector + data.
byserial = collections.OrderedDict()
for line in open(os.path.join(TOP, "tests/fixtures/auditd-raw.log")):
    m = HDR.match(line.rstrip("\n"))
    if not m:
        continue
    typ = NAMES.get(m.group(1))
    data = m.group(2).split("): ", 1)[1] if "): " in m.group(2) else ""
    sel = SEL.index(typ) if typ in SEL else len(SEL)   # past the table: 0, 9999, ...
    byserial.setdefault(m.group(3), []).append(bytes([sel]) + data.encode())
for serial, recs in byserial.items():
    put("enriched", "serial-" + serial, b"\n".join(recs))

# rules: the rule files, and a few lines alone.
for f in sorted(glob.glob(os.path.join(TOP, "tests/fixtures/rules/*.rules"))):
    put("rules", os.path.basename(f), open(f, "rb").read())

# config: the example config and the configs the replay tests write.
put("config", "example.conf", open(os.path.join(TOP, "etc/auditstream.conf.in"), "rb").read())
put("config", "outputs.conf", b"""plugin_dir = "/nonexistent";
state_dir = "/tmp";
log_level = "warning";
input = { mode = "multicast"; load_rules = false; };
rules = ( "-a always,exit -F arch=b64 -S execve -k exec" );
filters = ( { syscall = "connect"; message_type = "SOCKADDR"; regex = "saddr=(0A|02)"; action = "drop"; } );
outputs = (
  { name = "f"; plugin = "file"; format = "enriched"; path = "/tmp/x"; queue_size = 100;
    overflow = "drop_newest"; filters = ( { key = "exec"; action = "keep"; } ); },
  { name = "r"; plugin = "redis"; format = "goaudit"; }
);
""")

# spool: fuzz_spool.c's input, a count and length-prefixed events, then
# (offset, xor) damage triples, xor 0 meaning a cut.
events = [b'{"sequence":%d,"type":"SYSCALL"}' % i for i in range(1, 6)]
clean = bytes([len(events)]) + b"".join(bytes([len(e)]) + e for e in events)
put("spool", "clean", clean)
put("spool", "flip", clean + bytes([0, 60, 0x20]))
put("spool", "cut", clean + bytes([0, 200, 0]))
put("spool", "header", clean + bytes([0, 3, 0x01, 0, 40, 0xff]))

# worker: fuzz_worker.c's schedule (tests/unit/worker_sim.h).  Byte 0 is the
# output's shape (bit 0 a file input, bit 6 a spool); then the driver's bytes
# from the front (<160 push, <176 reopen, <248 check at rest), the plugin's
# answers from the back (read last byte first).
def schedule(shape, driver, plugin):
    return bytes([shape]) + bytes(driver) + bytes(reversed(plugin))
put("worker", "ok", schedule(0x39, [22, 200, 40, 200], []))
put("worker", "retry_no_done", schedule(0x39, [22, 200], [248, 0]))
put("worker", "fatal", schedule(0x39, [22, 200, 10, 200], [250, 5]))
put("worker", "bad_status", schedule(0x38, [22, 200], [255, 3]))
put("worker", "drops", schedule(0x39, [22, 200, 22, 200], [210, 4, 239, 1]))
put("worker", "flush_retry", schedule(0x39, [22, 200], [0] + [200] * 40))
put("worker", "spool_retry", schedule(0x79, [22, 200, 150, 30, 200], [160, 2, 170, 0, 248, 0, 200, 7]))
put("worker", "overflow", schedule(0x02, [159, 159, 159, 200, 165, 200], [180, 1] * 10))
