#!/usr/bin/python3
"""A nameserver that answers late, for resolve.bats.

slow_dns.py ADDRESS DELAY_SECONDS DIR

Listens on ADDRESS port 53 (UDP).  Every query is logged to DIR/queries
("NAME TYPE" per line) at once; DELAY_SECONDS later an A query is answered
with 127.0.0.1 and any other type with no records.  DIR/ready appears once
the socket is bound."""
import os
import socket
import struct
import sys
import threading
import time

addr, delay, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind((addr, 53))
open(os.path.join(out, "ready"), "w").close()


def question(msg):
    labels, o = [], 12
    while msg[o]:
        labels.append(msg[o + 1:o + 1 + msg[o]].decode())
        o += 1 + msg[o]
    qtype = struct.unpack(">H", msg[o + 1:o + 3])[0]
    return ".".join(labels), qtype, o + 5


def answer(msg, peer):
    name, qtype, qend = question(msg)
    with open(os.path.join(out, "queries"), "a") as f:
        f.write("%s %d\n" % (name, qtype))
    time.sleep(delay)
    header = msg[:2] + b"\x81\x80" + b"\x00\x01" + \
        (b"\x00\x01" if qtype == 1 else b"\x00\x00") + b"\x00\x00\x00\x00"
    body = msg[12:qend]
    if qtype == 1:
        body += b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x00\x00\x04\x7f\x00\x00\x01"
    sock.sendto(header + body, peer)
    with open(os.path.join(out, "answered"), "a") as f:
        f.write("%s %d\n" % (name, qtype))


while True:
    data, peer = sock.recvfrom(1500)
    threading.Thread(target=answer, args=(data, peer), daemon=True).start()
