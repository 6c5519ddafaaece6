#!/usr/bin/env python3
"""The service manager's side of sd_notify: bind a unix datagram socket
(ADDR: a path, or '@name' for the abstract namespace), append every
datagram received to OUT as one line, and exit after STOPPING=1 (or after
60 s).  OUT.ready is created once the socket is bound."""
import socket
import sys

addr, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind('\0' + addr[1:] if addr.startswith('@') else addr)
s.settimeout(60)
open(out + '.ready', 'w').close()
with open(out, 'a') as f:
    while True:
        try:
            msg = s.recv(4096).decode()
        except socket.timeout:
            sys.exit(1)
        for line in msg.split('\n'):
            f.write(line + '\n')
        f.flush()
        if 'STOPPING=1' in msg.split('\n'):
            sys.exit(0)
