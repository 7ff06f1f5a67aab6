#!/usr/bin/env python3
"""Stand in for systemd's NOTIFY_SOCKET in tests.

    notify_listen.py SOCKET LOG

Binds a unix datagram socket at SOCKET ("@name" for an abstract one, as
systemd may pass), writes "listening" to LOG, then appends every message
received as one line (its newlines as "|") until killed.
"""
import socket
import sys

path, log = sys.argv[1], sys.argv[2]
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind("\0" + path[1:] if path.startswith("@") else path)
with open(log, "a", buffering=1) as out:
    out.write("listening\n")
    while True:
        out.write(sock.recv(4096).decode(errors="replace").replace("\n", "|") + "\n")
