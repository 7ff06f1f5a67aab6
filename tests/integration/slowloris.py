#!/usr/bin/env python3
"""A bounded slowloris client for the web interface's exhaustion test.

    slowloris.py HOST PORT SECONDS CONNECTIONS ADDRESSES STATUSFILE

Holds CONNECTIONS connections to HOST:PORT (loopback only) from ADDRESSES
source addresses 127.0.0.2, 127.0.0.3, ... for at most SECONDS seconds.
Half of them send a request head one header line per second and never
finish it (slowloris); the other half connect and send nothing (idle).  A
connection the server closes is opened again at once, so the server never
gets a quiet table.  Every second STATUSFILE gets "open N connects N
closed_by_server N".  Bounded: at most 2000 connections, 300 seconds, and
only 127.0.0.0/8 targets.
"""
import ipaddress
import os
import resource
import selectors
import socket
import sys
import time

host, port, seconds, total, naddr, status = sys.argv[1:7]
port, seconds, total, naddr = int(port), float(seconds), int(total), int(naddr)
if not ipaddress.ip_address(host).is_loopback:
    sys.exit("slowloris.py: loopback targets only")
seconds = min(seconds, 300.0)
total = min(total, 2000)
naddr = max(1, min(naddr, 250))

soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
want = min(hard, total + 64)
if soft < want:
    resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))

sel = selectors.DefaultSelector()
stats = {"connects": 0, "closed": 0}
slots = {}   # index -> socket
sent = {}    # index -> header lines sent on that connection


def open_slot(i):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.%d" % (2 + i % naddr), 0))
    s.setblocking(False)
    try:
        s.connect((host, port))
    except BlockingIOError:
        pass
    except OSError:
        s.close()
        return
    slots[i] = s
    sent[i] = 0
    sel.register(s, selectors.EVENT_READ, i)
    stats["connects"] += 1


def close_slot(i):
    s = slots.pop(i, None)
    if s is not None:
        sel.unregister(s)
        s.close()


end = time.monotonic() + seconds
next_drip = next_report = 0.0
while time.monotonic() < end:
    for i in range(total):
        if i not in slots:
            open_slot(i)
    now = time.monotonic()
    if now >= next_drip:
        next_drip = now + 1.0
        for i, s in list(slots.items()):
            if i % 2:
                continue          # the idle half never sends a byte
            sent[i] += 1
            line = b"GET / HTTP/1.1\r\nHost: x\r\n" if sent[i] == 1 else b"X-%d: y\r\n" % sent[i]
            try:
                s.send(line)
            except (BlockingIOError, InterruptedError):
                pass
            except OSError:
                stats["closed"] += 1
                close_slot(i)
    if now >= next_report:
        next_report = now + 1.0
        with open(status + ".tmp", "w") as f:
            f.write("open %d connects %d closed_by_server %d\n"
                    % (len(slots), stats["connects"], stats["closed"]))
        os.replace(status + ".tmp", status)
    for key, _ in sel.select(timeout=0.2):
        i = key.data
        try:
            data = key.fileobj.recv(4096)
        except (BlockingIOError, InterruptedError):
            continue
        except OSError:
            data = b""
        if not data:
            stats["closed"] += 1
            close_slot(i)
for i in list(slots):
    close_slot(i)
