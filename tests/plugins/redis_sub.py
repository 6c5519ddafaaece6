#!/usr/bin/env python3
"""tests/plugins/redis_sub.py -- a Redis pubsub subscriber speaking RESP.

    redis_sub.py PORT CHANNEL COUNT OUT READY TIMEOUT_S

Subscribes to CHANNEL on 127.0.0.1:PORT, creates the file READY once Redis
has confirmed the subscription, then appends each message's payload as one
line to OUT until COUNT messages arrived (exit 0), or exits 1 when
TIMEOUT_S seconds passed or the connection broke first.  Payloads are audit JSON, which holds no newline.
"""
import socket
import sys
import time


def read_reply(f):
    line = f.readline()
    if not line:
        raise EOFError('connection closed')
    kind, rest = line[:1], line[1:-2]
    if kind == b'*':
        return [read_reply(f) for _ in range(int(rest))]
    if kind == b'$':
        n = int(rest)
        if n < 0:
            return None
        data = f.read(n + 2)
        return data[:-2]
    if kind == b':':
        return int(rest)
    if kind == b'-':
        raise RuntimeError(rest.decode())
    return rest


def main():
    port, channel, count, out, ready, timeout = sys.argv[1:7]
    count, deadline = int(count), time.monotonic() + float(timeout)
    s = socket.create_connection(('127.0.0.1', int(port)), timeout=5)
    ch = channel.encode()
    s.sendall(b'*2\r\n$9\r\nSUBSCRIBE\r\n$%d\r\n%s\r\n' % (len(ch), ch))
    f = s.makefile('rb')
    ack = read_reply(f)
    if ack[0] != b'subscribe':
        sys.exit('unexpected answer to SUBSCRIBE: %r' % (ack,))
    open(ready, 'w').close()
    got = 0
    with open(out, 'wb') as o:
        while got < count:
            # A timeout leaves the buffered reader unusable: it ends the run.
            s.settimeout(max(deadline - time.monotonic(), 0.01))
            try:
                msg = read_reply(f)
            except (socket.timeout, OSError, EOFError) as e:
                print('# subscriber: %r after %d of %d messages' % (e, got, count))
                return 1
            if msg[0] == b'message' and msg[1] == ch:
                o.write(msg[2] + b'\n')
                o.flush()
                got += 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
