#!/usr/bin/env python3
"""A small GELF 1.1 server for the gelf plugin's tests (python3 stdlib only).

    gelf_receiver.py --port P --out FILE [--udp] [--tcp] [--ready FILE]

Listens on 127.0.0.1:P over UDP and/or TCP, as Graylog's GELF inputs do:
UDP datagrams are whole messages or GELF chunks (0x1e 0x0f, 8-byte id,
sequence, count; at most 128), reassembled by id; zlib (0x78...) and gzip
(0x1f 0x8b...) payloads are inflated.  TCP carries uncompressed messages, each
ended by a NUL byte.  Each message is checked against GELF 1.1 and written to
FILE as one JSON line {"msg": {...}, "transport": ..., "compression": ...,
"chunks": N}; a message that breaks the spec is written as {"error": "..."}
instead, so a test sees it.

SIGTERM stops it gracefully, like a server shutting an input down: it stops
listening, half-closes every TCP connection (the client sees the FIN), reads
what the client still sends until the client closes (3 s at most), then exits.
"""
import argparse
import gzip
import json
import os
import selectors
import signal
import socket
import sys
import time
import zlib

MAX_CHUNKS = 128
SO_RCVBUFFORCE = getattr(socket, 'SO_RCVBUFFORCE', 33)
GELF_KEYS = {'version', 'host', 'short_message', 'full_message', 'timestamp', 'level'}


class Receiver:
    def __init__(self, out):
        self.out = open(out, 'a', buffering=1)
        self.chunks = {}    # message id -> {seq: bytes}, count

    def record(self, obj):
        self.out.write(json.dumps(obj, sort_keys=True) + '\n')

    def error(self, why):
        print('gelf_receiver: ' + why, file=sys.stderr)
        self.record({'error': why})

    def message(self, data, transport, chunks=1):
        compression = 'none'
        try:
            if data[:1] == b'\x78':
                data, compression = zlib.decompress(data), 'zlib'
            elif data[:2] == b'\x1f\x8b':
                data, compression = gzip.decompress(data), 'gzip'
            if transport == 'tcp' and compression != 'none':
                return self.error('compressed message over tcp')
            msg = json.loads(data.decode('utf-8'))
        except (ValueError, zlib.error, OSError) as e:
            return self.error('undecodable message (%s): %r' % (e, data[:80]))
        why = check_gelf(msg)
        if why:
            return self.error(why + ': ' + json.dumps(msg)[:200])
        self.record({'msg': msg, 'transport': transport, 'compression': compression,
                     'chunks': chunks})

    def datagram(self, d):
        if d[:2] != b'\x1e\x0f':
            return self.message(d, 'udp')
        if len(d) < 13:
            return self.error('short chunk of %d bytes' % len(d))
        mid, seq, count = d[2:10], d[10], d[11]
        if count < 1 or count > MAX_CHUNKS or seq >= count:
            return self.error('bad chunk header: sequence %d count %d' % (seq, count))
        parts, want = self.chunks.setdefault(mid, ({}, count))
        if want != count or seq in parts:
            return self.error('chunk %d/%d of id %s conflicts' % (seq, count, mid.hex()))
        parts[seq] = d[12:]
        if len(parts) == count:
            del self.chunks[mid]
            self.message(b''.join(parts[i] for i in range(count)), 'udp', count)


def check_gelf(m):
    """Returns why m is not a valid GELF 1.1 message, or None."""
    if not isinstance(m, dict):
        return 'not an object'
    if m.get('version') != '1.1':
        return 'version is not "1.1"'
    for k in ('host', 'short_message'):
        if not isinstance(m.get(k), str) or not m[k]:
            return k + ' missing or empty'
    if not isinstance(m.get('timestamp'), (int, float)):
        return 'timestamp is not a number'
    if not isinstance(m.get('level'), int) or not 0 <= m['level'] <= 7:
        return 'level is not a syslog level'
    for k, v in m.items():
        if k in GELF_KEYS:
            continue
        if not k.startswith('_') or k == '_id' or not all(c.isalnum() or c in '_.-' for c in k):
            return 'bad field name %r' % k
        if isinstance(v, bool) or not isinstance(v, (str, int, float)):
            return 'field %s is not a string or number' % k
    return None


class Conn:
    def __init__(self, sock):
        self.sock = sock
        self.buf = b''


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--port', type=int, required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--udp', action='store_true')
    ap.add_argument('--tcp', action='store_true')
    ap.add_argument('--ready')
    a = ap.parse_args()

    rx = Receiver(a.out)
    sel = selectors.DefaultSelector()
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    sel.register(wake_r, selectors.EVENT_READ, 'wake')
    listeners = []
    if a.udp:
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        # A big buffer so that a burst on loopback is not dropped.
        for opt in (SO_RCVBUFFORCE, socket.SO_RCVBUF):
            try:
                u.setsockopt(socket.SOL_SOCKET, opt, 32 << 20)
                break
            except OSError:
                pass
        u.bind(('127.0.0.1', a.port))
        sel.register(u, selectors.EVENT_READ, 'udp')
        listeners.append(u)
    if a.tcp:
        t = socket.socket()
        t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        t.bind(('127.0.0.1', a.port))
        t.listen(16)
        sel.register(t, selectors.EVENT_READ, 'listen')
        listeners.append(t)
    if a.ready:
        with open(a.ready, 'w') as f:
            f.write('%d\n' % os.getpid())

    conns = {}
    deadline = None
    while True:
        if stopping and deadline is None:
            # Graceful stop: no new clients; tell the current ones with a FIN
            # and take what they still send until they close.
            deadline = time.monotonic() + 3
            for s in listeners:
                if s.type == socket.SOCK_STREAM:
                    sel.unregister(s)
                    s.close()
            for c in conns.values():
                c.sock.shutdown(socket.SHUT_WR)
        if deadline is not None and (not conns or time.monotonic() > deadline):
            break
        for key, _ in sel.select(timeout=0.5):
            kind = key.data
            if kind == 'wake':
                os.read(wake_r, 64)
            elif kind == 'udp':
                rx.datagram(key.fileobj.recv(65535))
            elif kind == 'listen':
                s, _ = key.fileobj.accept()
                if stopping:
                    s.close()
                    continue
                conns[s.fileno()] = Conn(s)
                sel.register(s, selectors.EVENT_READ, 'conn')
            else:
                c = conns[key.fileobj.fileno()]
                try:
                    d = c.sock.recv(1 << 16)
                except ConnectionResetError:
                    d = b''
                if d:
                    c.buf += d
                    *frames, c.buf = c.buf.split(b'\0')
                    for f in frames:
                        rx.message(f, 'tcp')
                    continue
                if c.buf:
                    # A message cut by a lost connection; a real server drops it too.
                    print('gelf_receiver: dropping %d bytes of a cut message' % len(c.buf),
                          file=sys.stderr)
                sel.unregister(c.sock)
                del conns[c.sock.fileno()]
                c.sock.close()
    for mid, (parts, count) in rx.chunks.items():
        rx.error('incomplete chunked message %s: %d of %d chunks' % (mid.hex(), len(parts), count))
    rx.out.close()


if __name__ == '__main__':
    main()
