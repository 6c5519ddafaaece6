#!/bin/sh
# The syslog output against a real rsyslogd: every transport, framing and
# header format at once, on 500 events plus one execve event of about 21 KB.
# Each output must deliver exactly the events, in order, byte for byte the
# JSON the file output wrote, with the facility, severity, tag, hostname,
# procid and msgid right.  The big event passes whole where it fits
# (octet-counted TCP, LF-framed streams, a datagram with a raised limit); where
# it does not, it is dropped and reported in-band (a loss event "oversize",
# rejected=1) or, with oversize = "truncate", cut at a UTF-8 boundary.
. "$top_srcdir/tests/lib/common.sh"
. "$top_srcdir/tests/plugins/syslog_lib.sh"

start_rsyslog
{
	make_events 250 1
	big_event 251
	make_events 250 252
} > "$TMP/in.log"

out() {	# out NAME OPTIONS : an output tagged NAME
	echo "name = \"$1\"; plugin = \"syslog\"; tag = \"$1\"; $2"
}
unix="socket_path = \"$SOCK\";"
stream="network = \"unix\"; socket_path = \"$SSOCK\"; socket_type = \"stream\";"
tcp="network = \"tcp\"; address = \"127.0.0.1:$PORT\";"
EXTRA_CONFIG='node = "testnode";' write_config "$TMP/a.conf" \
	"name = \"ref\"; plugin = \"file\"; path = \"$TMP/ref.json\";" \
	"$(out dgram "$unix facility = \"authpriv\"; severity = \"notice\";")" \
	"$(out dgram5424 "$unix protocol = \"rfc5424\"; max_message_size = 65536; facility = \"user\"; severity = \"debug\";")" \
	"$(out trunc "$unix oversize = \"truncate\"; max_message_size = 4096;")" \
	"$(out trunc2 "$unix oversize = \"truncate\"; max_message_size = 4096;")" \
	"$(out tcp "$tcp facility = \"local3\";")" \
	"$(out tcp5424 "$tcp protocol = \"rfc5424\"; facility = \"daemon\"; severity = \"err\";")" \
	"$(out tcplf "$tcp framing = \"lf\";")" \
	"$(out tcpsmall "$tcp max_message_size = 2048;")" \
	"$(out udp "network = \"udp\"; address = \"127.0.0.1:$UPORT\"; protocol = \"rfc5424\";")" \
	"$(out ustream "$stream protocol = \"rfc5424\";")" \
	"$(out ustreamoct "$stream framing = \"octet\";")"
"$AUDITSTREAM" -c "$TMP/a.conf" --replay "$TMP/in.log" 2>"$TMP/log" || { cat "$TMP/log"; fail "replay failed"; }
check_law "$TMP/log"

# rsyslog writes asynchronously: wait for the last message of every output.
all_there() {
	[ "$(grep -c '"sequence":501,' "$OUT")" -ge 11 ]
}
wait_for 30 all_there || fail "not every output's last event reached rsyslog: $(grep -c '"sequence":501,' "$OUT")"
# The sender has exited; rsyslogd, stopped gracefully, writes out what it
# took in: a message doubled behind the last one is in the file then.
stop_rsyslog
syslog_check '
N = 501
big = 251
assert len(ref) == N, len(ref)
seqs = [json.loads(l)["sequence"] for l in ref]
assert seqs == list(range(1, N + 1)), seqs[:5]
def check(tag, fac, sev, host=None, msgid=None, want=ref):
    """Exactly the messages want, in order, with these header fields."""
    got = tagged(tag)
    msgs = [o["msg"] for o in got]
    if msgs != want:
        bad = next((i for i, (a, b) in enumerate(zip(msgs, want)) if a != b), min(len(msgs), len(want)))
        raise AssertionError("%s: %d messages, want %d; first difference at %d: %r" %
                             (tag, len(msgs), len(want), bad, msgs[bad][:120] if bad < len(msgs) else None))
    for o in got:
        audit = not o["msg"].startswith(b"{\"type\":\"auditstream_loss\"")
        assert (o["fac"], o["sev"]) == (fac, sev if audit else "warning"), (tag, o)
        assert o["prog"] == tag, (tag, o)
        assert host is None or o["host"] == host, (tag, o)
        assert msgid is None or o["msgid"] == (msgid if audit else "loss"), (tag, o)
        assert o["procid"].isdigit(), (tag, o)
    for m in msgs:
        json.loads(m)
    print("# %s: %d messages, JSON intact" % (tag, len(msgs)))
    return got

def loss_in_place(tag, want_rejected=1):
    """The big event is missing and a loss event stands after the events before it."""
    got = [o["msg"] for o in tagged(tag)]
    evs = [json.loads(m) for m in got]
    losses = [i for i, e in enumerate(evs) if e.get("type") == "auditstream_loss"]
    assert len(losses) == 1, (tag, losses)
    l = evs[losses[0]]
    assert (l["reason"], l["count"], l["output"]) == ("oversize", 1, tag), l
    assert losses[0] >= big - 1, (tag, "loss event before the events that came first", losses)
    want = ref[:big - 1] + ref[big:]
    assert [m for i, m in enumerate(got) if i != losses[0]] == want, tag
    s = stats(tag)
    assert (s["rejected"], s["oversize"], s["undelivered"]) == ("1", "1", "0"), (tag, s)
    return got

# unix dgram, RFC 3164: the 21 KB event is over the 8 KiB datagram default.
check("dgram", "authpriv", "notice", want=loss_in_place("dgram"))
check("dgram5424", "user", "debug", host="testnode", msgid="audit")
check("tcp", "local3", "info", host="testnode")
check("tcp5424", "daemon", "err", host="testnode", msgid="audit")
check("tcplf", "local0", "info", host="testnode")
check("ustream", "local0", "info", host="testnode", msgid="audit")
check("ustreamoct", "local0", "info")
check("tcpsmall", "local0", "info", want=loss_in_place("tcpsmall"))
check("udp", "local0", "info", host="testnode", msgid="audit", want=loss_in_place("udp"))
assert len(ref[big - 1]) > 20000, len(ref[big - 1])

# truncate: the same events, the big one cut below 4096 bytes with its
# header, at a character boundary (tags of different lengths move the cut).
for tag in ("trunc", "trunc2"):
    got = [o["msg"] for o in tagged(tag)]
    assert len(got) == N, (tag, len(got))
    assert got[:big - 1] + got[big:] == ref[:big - 1] + ref[big:], tag
    cut = got[big - 1]
    assert 3000 < len(cut) < 4096 - len(tag) and ref[big - 1].startswith(cut), (tag, len(cut))
    cut.decode("utf-8")
    s = stats(tag)
    assert (s["truncated"], s["rejected"]) == ("1", "0"), s
    print("# %s: the big event cut to %d bytes" % (tag, len(cut)))
for tag in ("dgram5424", "tcp", "tcp5424", "tcplf", "ustream", "ustreamoct"):
    s = stats(tag)
    assert (s["written"], s["rejected"], s["retries"]) == (str(N), "0", "0"), (tag, s)
' || exit 1
exit 0
