#!/usr/bin/env python3
"""A small HTTP(S) collector for tests/plugins/http.sh (python3 stdlib only).

It listens on 127.0.0.1 on a free port (written to --port-file once it
listens), speaks HTTP/1.1 with keep-alive, and appends one JSON line per
request to --out:

  {"i": 0, "method": "POST", "path": "/in", "status": 200, "peer": 40312,
   "headers": {"content-type": "...", ...}, "wire_bytes": 1234, "body": "..."}

`body` is the request body as text, gunzipped when Content-Encoding is gzip;
`peer` is the client's port, one per connection; `status` is what it answered.

--control FILE makes it fail on purpose: while FILE holds "STATUS" every
request is answered with that status; "STATUS COUNT" answers the next COUNT
requests so, then removes FILE; "STATUS COUNT audit" does the same to
requests with audit events only and lets auditstream's loss reports through
(a collector that rejects some events but not the news of their loss).
STATUS "stall" holds such requests for --stall seconds and then closes the
connection without an answer (recorded with status 0).  The line is written before the answer, so a
client that got 200 finds its request in --out.

--tls CERT KEY serves HTTPS; --client-ca CA also requires a client
certificate signed by CA.
"""
import argparse
import gzip
import json
import os
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, args):
        super().__init__(('127.0.0.1', args.port), Handler)
        self.args = args
        self.lock = threading.Lock()
        self.count = 0
        self.tls = None
        if args.tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(args.tls[0], args.tls[1])
            if args.client_ca:
                ctx.verify_mode = ssl.CERT_REQUIRED
                ctx.load_verify_locations(args.client_ca)
            self.tls = ctx

    def get_request(self):
        sock, addr = super().get_request()
        if self.tls:
            # The handshake happens in the connection's thread, on first read.
            sock = self.tls.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, addr

    def handle_error(self, request, client_address):
        print('receiver: connection from %s: %s' % (client_address, sys.exc_info()[1]),
              file=sys.stderr, flush=True)

    def answer_status(self, body):
        """The status the control file asks for (200 without one)."""
        path = self.args.control
        if not path or not os.path.exists(path):
            return 200
        words = open(path).read().split()
        if not words:
            return 200
        if words[2:] == ['audit'] and b'"sequence"' not in body:
            return 200
        status = 0 if words[0] == 'stall' else int(words[0])
        if len(words) > 1:
            left = int(words[1]) - 1
            if left > 0:
                with open(path + '.tmp', 'w') as f:
                    f.write(' '.join([words[0], str(left)] + words[2:]) + '\n')
                os.replace(path + '.tmp', path)
            else:
                os.unlink(path)
        return status


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, fmt, *args):
        pass

    def read_body(self):
        length = self.headers.get('Content-Length')
        if length is None:
            return None
        return self.rfile.read(int(length))

    def do_POST(self):
        srv = self.server
        raw = self.read_body()
        if raw is None:
            self.reply(411, b'Content-Length required\n')
            return
        body = raw
        if self.headers.get('Content-Encoding', '').lower() == 'gzip':
            body = gzip.decompress(raw)
        with srv.lock:
            status = srv.answer_status(body)
            rec = {
                'i': srv.count, 'method': self.command, 'path': self.path,
                'status': status, 'peer': self.client_address[1],
                'headers': {k.lower(): v for k, v in self.headers.items()},
                'wire_bytes': len(raw), 'body': body.decode('utf-8'),
            }
            srv.count += 1
            with open(srv.args.out, 'a') as f:
                f.write(json.dumps(rec) + '\n')
        if status == 0:
            time.sleep(srv.args.stall)
            self.close_connection = True
        elif status == 200:
            self.reply(200, b'{"ok":true}\n')
        else:
            self.reply(status, b'test receiver refuses: status %d\n' % status)

    def reply(self, status, payload):
        self.send_response(status)
        self.send_header('Content-Type', 'text/plain')
        self.send_header('Content-Length', str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--out', required=True)
    p.add_argument('--port', type=int, default=0)
    p.add_argument('--port-file')
    p.add_argument('--control')
    p.add_argument('--tls', nargs=2, metavar=('CERT', 'KEY'))
    p.add_argument('--client-ca')
    p.add_argument('--stall', type=float, default=5)
    args = p.parse_args()
    srv = Receiver(args)
    if args.port_file:
        with open(args.port_file + '.tmp', 'w') as f:
            f.write('%d\n' % srv.server_address[1])
        os.replace(args.port_file + '.tmp', args.port_file)
    srv.serve_forever()


if __name__ == '__main__':
    main()
