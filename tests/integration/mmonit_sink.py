#!/usr/bin/python3
"""An M/Monit collector stand-in on the loopback for mmonit.bats.

mmonit_sink.py DIR PORT [--garbage] [--tls CERT KEY]

Every request is checked and summarised as DIR/NNNN.json: the method, path,
whether the Basic authorization decodes to mon:pa%20ss (as Monit sends the
URL's user:password, not decoded), the content type, whether the body
parses as XML, and what it says (services with their status and monitor
fields, events).  The raw request is kept as DIR/NNNN.req.  The answer is
200 OK, or with --garbage the bytes "NOT-A-PROTOCOL 42".  DIR/ready
appears once the socket listens.  With --tls the collector speaks HTTPS
with CERT and KEY."""
import base64
import json
import os
import socket
import ssl
import sys
import threading
import xml.etree.ElementTree as ET

out, port = sys.argv[1], int(sys.argv[2])
garbage = "--garbage" in sys.argv[3:]
tls = None
if "--tls" in sys.argv[3:]:
    i = sys.argv.index("--tls")
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(sys.argv[i + 1], sys.argv[i + 2])
lock = threading.Lock()
count = [0]


def summarise(head, body):
    lines = head.decode("latin-1").split("\r\n")
    method, path, version = lines[0].split(" ", 2)
    hdr = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        hdr[name.strip().lower()] = value.strip()
    auth = hdr.get("authorization", "")
    auth_ok = auth.startswith("Basic ") and \
        base64.b64decode(auth[6:]) == b"mon:pa%20ss"
    s = {"method": method, "path": path, "version": version,
         "auth_ok": auth_ok, "content_type": hdr.get("content-type"),
         "host": hdr.get("host"), "xml_ok": False, "services": {},
         "events": []}
    try:
        root = ET.fromstring(body)
    except ET.ParseError as e:
        s["xml_error"] = str(e)
        return s
    s["xml_ok"] = root.tag == "monit" and root.get("id") is not None
    s["localhostname"] = root.findtext("server/localhostname")
    for svc in root.findall("services/service"):
        s["services"][svc.get("name")] = {
            "type": svc.findtext("type"), "status": svc.findtext("status"),
            "monitor": svc.findtext("monitor"), "pid": svc.findtext("pid")}
    for ev in root.findall("event"):
        s["events"].append({k: ev.findtext(k) for k in
                            ("service", "type", "id", "state", "action",
                             "message")})
    return s


def handle(conn):
    conn.settimeout(20)
    if tls is not None:
        try:
            conn = tls.wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError) as e:
            with open(os.path.join(out, "tls-errors"), "a") as f:
                f.write("%s\n" % e)
            conn.close()
            return
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        while len(body) < length:
            chunk = conn.recv(65536)
            if not chunk:
                break
            body += chunk
        with lock:
            count[0] += 1
            n = count[0]
        with open(os.path.join(out, "%04d.req" % n), "wb") as f:
            f.write(head + b"\r\n\r\n" + body)
        summary = summarise(head, body)
        tmp = os.path.join(out, "%04d.tmp" % n)
        with open(tmp, "w") as f:
            json.dump(summary, f)
        os.rename(tmp, os.path.join(out, "%04d.json" % n))
        if garbage:
            conn.sendall(b"NOT-A-PROTOCOL 42\r\n")
        else:
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n"
                         b"Connection: close\r\n\r\n")
    finally:
        conn.close()


srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port))
srv.listen(64)
open(os.path.join(out, "ready"), "w").close()
while True:
    c, _ = srv.accept()
    threading.Thread(target=handle, args=(c,), daemon=True).start()
