#!/usr/bin/python3
"""Scripted servers for protocols Debian has no cheap server for, and the
impostor every protocol test uses.

    proto_server.py MODE PORT [tcp|udp]

Each speaks the exchange its protocol documents (the RFC or the project's
own protocol notes), no more: enough to tell a real conversation from
garbage.  MODE "impostor" accepts anything and answers "NOT-A-PROTOCOL 42".
Runs until killed (tests stop it by pid)."""
import hashlib, hmac, socket, socketserver, struct, sys, threading

MODE, PORT = sys.argv[1], int(sys.argv[2])
TRANSPORT = sys.argv[3] if len(sys.argv) > 3 else "tcp"


def readline(f):
    return f.readline(4096)


def tcp_session(rf, wf):
    if MODE == "impostor":
        wf.write(b"NOT-A-PROTOCOL 42\r\n")
        wf.flush()
        rf.read1(4096) if hasattr(rf, "read1") else None
        return
    if MODE == "clamav":            # clamd: "PING" -> "PONG"
        if readline(rf).strip() in (b"PING", b"nPING", b"zPING\0"):
            wf.write(b"PONG\n")
    elif MODE == "spamassassin":    # spamd: PING SPAMC/1.x -> SPAMD/1.5 0 PONG
        line = readline(rf)
        readline(rf)
        if line.startswith(b"PING SPAMC/"):
            wf.write(b"SPAMD/1.5 0 PONG\r\n")
    elif MODE == "postfix-policy":  # attributes, blank line -> action=
        while readline(rf).strip():
            pass
        wf.write(b"action=DUNNO\n\n")
    elif MODE == "nntp":            # RFC 3977
        wf.write(b"200 news.example ready (posting ok)\r\n")
        wf.flush()
        if readline(rf).strip().upper() == b"QUIT":
            wf.write(b"205 closing connection\r\n")
    elif MODE == "sieve":           # RFC 5804
        wf.write(b'"IMPLEMENTATION" "scripted"\r\n"SIEVE" "fileinto"\r\nOK "ready"\r\n')
        wf.flush()
        if readline(rf).strip().upper() == b"LOGOUT":
            wf.write(b'OK "Logout"\r\n')
    elif MODE == "gps":             # gpsd JSON protocol
        wf.write(b'{"class":"VERSION","release":"3.22","proto_major":3}\r\n')
        wf.flush()
        readline(rf)
    elif MODE == "fail2ban":        # pickled command, <F2B_END_COMMAND>
        data = b""
        while b"<F2B_END_COMMAND>" not in data:
            chunk = rf.read1(4096)
            if not chunk:
                return
            data += chunk
        if b"ping" in data:
            import pickle
            wf.write(pickle.dumps([0, "pong"], protocol=2) + b"<F2B_END_COMMAND>")
    elif MODE == "rdate":           # RFC 868: seconds since 1900, then close
        import time
        wf.write(struct.pack(">I", int(time.time()) + 2208988800))
    elif MODE == "websocket":       # RFC 6455 opening handshake
        req = b""
        while b"\r\n\r\n" not in req:
            chunk = rf.read1(4096)
            if not chunk:
                return
            req += chunk
        key = [l.split(b":", 1)[1].strip() for l in req.split(b"\r\n")
               if l.lower().startswith(b"sec-websocket-key:")][0]
        import base64
        acc = base64.b64encode(hashlib.sha1(key + b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest())
        wf.write(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                 b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + acc + b"\r\n\r\n")
    elif MODE == "mongodb":         # OP_MSG hello -> { ok: 1.0 }
        hdr = rf.read(16)
        if len(hdr) < 16:
            return
        ln, rid = struct.unpack("<ii", hdr[:8])
        rf.read(ln - 16)
        doc = b"\x01ok\x00" + struct.pack("<d", 1.0) + b"\x08isWritablePrimary\x00\x01"
        doc = struct.pack("<i", len(doc) + 5) + doc + b"\x00"
        body = struct.pack("<i", 0) + b"\x00" + doc
        wf.write(struct.pack("<iiii", 16 + len(body), 1, rid, 2013) + body)
    elif MODE == "sip":
        sip_answer(rf.read1(8192), lambda b: wf.write(b))
    elif MODE == "dwp":             # Domino's web server: HEAD / with Host
        req = b""
        while b"\r\n\r\n" not in req:
            chunk = rf.read1(4096)
            if not chunk:
                return
            req += chunk
        if req.startswith(b"HEAD / HTTP/1.1\r\n") and b"\r\nHost: " in req:
            wf.write(b"HTTP/1.1 200 OK\r\nServer: Lotus-Domino\r\n"
                     b"Content-Type: text/html\r\nConnection: close\r\n\r\n")
        else:
            wf.write(b"HTTP/1.1 400 Bad Request\r\n\r\n")
    elif MODE == "tns":             # Oracle listener: ping CONNECT -> REFUSE
        hdr = rf.read(8)
        if len(hdr) < 8 or hdr[4] != 1:
            return
        body = rf.read(struct.unpack(">H", hdr[:2])[0] - 8)
        if b"(COMMAND=ping)" not in body:
            return
        text = b"(DESCRIPTION=(TMP=)(VSNNUM=318767104)(ERR=0)(ALIAS=LISTENER))"
        wf.write(struct.pack(">HHBBH", 12 + len(text), 0, 4, 0, 0) +
                 struct.pack(">BBH", 0, 0, len(text)) + text)
    elif MODE == "apache-status":   # mod_status ?auto, then close
        while readline(rf).strip():
            pass
        wf.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=ISO-8859-1\r\n"
                 b"Connection: close\r\n\r\nTotal Accesses: 12\nBusyWorkers: 2\n"
                 b"IdleWorkers: 8\nScoreboard: ____W___K_......\n")
    wf.flush()


def sip_answer(req, send):
    """RFC 3261: OPTIONS answered 200 with the request's dialog headers."""
    lines = req.split(b"\r\n")
    if not lines or not lines[0].startswith(b"OPTIONS "):
        return
    keep = [l for l in lines[1:] if l.split(b":", 1)[0].lower() in
            (b"via", b"from", b"to", b"call-id", b"cseq")]
    send(b"SIP/2.0 200 OK\r\n" + b"\r\n".join(keep) + b"\r\nContent-Length: 0\r\n\r\n")


def radius_answer(req):
    """RFC 5997 Status-Server -> Access-Accept signed with the secret."""
    secret = b"testing123"
    if len(req) < 20 or req[0] != 12:
        return None
    attrs = b""
    ln = 20 + len(attrs)
    head = struct.pack(">BBH", 2, req[1], ln)
    auth = hashlib.md5(head + req[4:20] + attrs + secret).digest()
    return head + auth + attrs


class TCP(socketserver.StreamRequestHandler):
    def handle(self):
        try:
            tcp_session(self.rfile, self.wfile)
        except (OSError, IndexError, struct.error):
            pass


class UDP(socketserver.BaseRequestHandler):
    def handle(self):
        data, sock = self.request
        if MODE == "impostor":
            out = b"NOT-A-PROTOCOL 42\r\n"
        elif MODE == "radius":
            out = radius_answer(data)
        elif MODE == "sip":
            box = []
            sip_answer(data, box.append)
            out = box[0] if box else None
        else:
            out = None
        if out:
            sock.sendto(out, self.client_address)


class ThreadedTCP(socketserver.ThreadingMixIn, socketserver.TCPServer):
    allow_reuse_address = True
    daemon_threads = True


class ThreadedUDP(socketserver.ThreadingMixIn, socketserver.UDPServer):
    allow_reuse_address = True


if TRANSPORT == "udp":
    ThreadedUDP(("127.0.0.1", PORT), UDP).serve_forever()
else:
    ThreadedTCP(("127.0.0.1", PORT), TCP).serve_forever()
