#!/usr/bin/env python3
"""A syslog receiver for the tests: binds a unix datagram socket at PATH and
appends every datagram it gets as one line to OUT (raw: "<PRI>... text").
Creates OUT.ready once bound.  Stops on SIGTERM."""
import os
import signal
import socket
import sys

path, out = sys.argv[1], sys.argv[2]
if os.path.exists(path):
    os.unlink(path)
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
os.chmod(path, 0o666)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
open(out + ".ready", "w").close()
with open(out, "ab", buffering=0) as f:
    while True:
        data = s.recv(65536)
        f.write(data.replace(b"\n", b" ").rstrip(b"\0") + b"\n")
