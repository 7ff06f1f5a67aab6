#!/usr/bin/python3
"""Record what real servers answer to the requests vigil's protocol modules
send, as seeds for fuzz_protocols and transcripts for test_netproto.

    record_transcripts.py OUTDIR NAME:PORT[:udp] ...

Each file OUTDIR/real_NAME is in fuzz_protocols' format: the module's
index in proto_modules, the flags (2: UDP, 4: the server closes at the
end), then each reply as it arrived, separated by "\\xf5\\xf5".  The
requests are the modules' own bytes with a nonce of zeros (the unit test
plays them back with that nonce).  Run by tests/fuzz/record.sh."""
import socket, struct, sys, time

MODULES = ["http", "generic", "smtp", "lmtp", "ssh", "redis", "mysql", "pgsql",
           "memcache", "imap", "pop", "ftp", "dns", "ntp3", "ldap3", "ldap2",
           "nntp", "clamav", "rsync", "sieve", "spamassassin", "postfix-policy",
           "fail2ban", "mqtt", "websocket", "sip", "radius", "gps", "rdate",
           "mongodb"]

PG = (struct.pack(">II", 35, 196608) + b"user\0vigil\0database\0vigil\0\0")
DNSQ = b"\0\0\0\0\0\1\0\0\0\0\0\0\0\0\2\0\1"
MQTT = b"\x10\x1a\x00\x04MQTT\x04\x02\x00\x3c\x00\x0evigil-00000000"

# the client's side: None waits for the server to speak first
STEPS = {
    "http": [b"GET / HTTP/1.1\r\nHost: localhost\r\nUser-Agent: vigil\r\n"
             b"Accept: */*\r\nConnection: close\r\n\r\n"],
    "smtp": [None, b"EHLO localhost\r\n", b"QUIT\r\n"],
    "lmtp": [None, b"LHLO localhost\r\n", b"QUIT\r\n"],
    "ftp": [None, b"QUIT\r\n"],
    "pop": [None, b"QUIT\r\n"],
    "imap": [None, b"V1 LOGOUT\r\n"],
    "sieve": [None, b"LOGOUT\r\n"],
    "ssh": [None],
    "redis": [b"PING\r\n"],
    "memcache": [b"version\r\n"],
    "mysql": [None],
    "pgsql": [PG],
    "dns": [b"\0\x11" + DNSQ],
    "dns-udp": [DNSQ],
    "ntp3": [b"\x1b" + b"\0" * 47],
    "ldap3": [b"\x30\x0c\x02\x01\x01\x60\x07\x02\x01\x03\x04\x00\x80\x00"],
    "mqtt": [MQTT],
    "rsync": [None, b"@RSYNCD: 30.0\n#list\n"],
}
CLOSES = {"http"}


def record(name, port, udp):
    kind = socket.SOCK_DGRAM if udp else socket.SOCK_STREAM
    s = socket.socket(socket.AF_INET, kind)
    s.connect(("127.0.0.1", port))
    s.settimeout(1.0)
    chunks = []
    for step in STEPS[name + ("-udp" if udp and name == "dns" else "")]:
        if step is not None:
            s.send(step)
        got = b""
        deadline = time.time() + 3
        while time.time() < deadline:
            try:
                b = s.recv(65536)
            except socket.timeout:
                if got:
                    break
                continue
            if not b:
                break
            got += b
            if udp:
                break
            s.settimeout(0.3)
        chunks.append(got)
    s.close()
    flags = (2 if udp else 0) | (4 if name in CLOSES else 0)
    return bytes([MODULES.index(name), flags]) + b"\xf5\xf5".join(chunks)


out = sys.argv[1]
for spec in sys.argv[2:]:
    parts = spec.split(":")
    name, port, udp = parts[0], int(parts[1]), len(parts) > 2
    data = record(name, port, udp)
    fn = "%s/real_%s%s" % (out, name, "_udp" if udp and name == "dns" else "")
    open(fn, "wb").write(data)
    print("%s: %d bytes" % (fn, len(data)))
