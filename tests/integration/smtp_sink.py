#!/usr/bin/python3
"""A mail sink for the alert tests: aiosmtpd on a loopback port, each
message written whole to DIR/NNNN.eml (numbered in arrival order), the
envelope to DIR/NNNN.env.

  smtp_sink.py DIR PORT [--tls CERT KEY] [--starttls CERT KEY]
               [--auth USER:PASS]

--tls: implicit TLS (the "ssl" of `set mailserver ... using ssl`).
--starttls: offer STARTTLS.  --auth: require AUTH (PLAIN or LOGIN)."""
import os
import signal
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class Sink:
    def __init__(self, outdir):
        self.outdir = outdir
        self.n = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.n += 1
            base = os.path.join(self.outdir, "%04d" % self.n)
        with open(base + ".tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        with open(base + ".env", "w") as f:
            f.write("from %s\nto %s\nehlo %s\nsession %x\ntls %s\nauth %s\n" % (
                envelope.mail_from, ",".join(envelope.rcpt_tos),
                session.host_name, id(session),
                "yes" if server.transport.get_extra_info("ssl_object") else "no",
                getattr(session, "vigil_auth", None)))
        os.rename(base + ".tmp", base + ".eml")
        return "250 OK"


def main():
    outdir, port = sys.argv[1], int(sys.argv[2])
    args = sys.argv[3:]
    kw = {}
    server_kw = {}
    user = None
    while args:
        a = args.pop(0)
        if a in ("--tls", "--starttls"):
            cert, key = args.pop(0), args.pop(0)
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(cert, key)
            if a == "--tls":
                kw["ssl_context"] = ctx
            else:
                server_kw["tls_context"] = ctx
        elif a == "--auth":
            user = args.pop(0)
        else:
            sys.exit("unknown argument " + a)

    if user is not None:
        want_user, want_pass = user.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (auth_data.login.decode() == want_user and
                  auth_data.password.decode() == want_pass)
            if ok:
                session.vigil_auth = auth_data.login.decode() + " " + mechanism
            if ok:
                return AuthResult(success=True)
            return AuthResult(success=False, handled=False,
                              message="535 5.7.8 Authentication credentials invalid")

        server_kw["authenticator"] = authenticator
        server_kw["auth_required"] = True
        # aiosmtpd counts only STARTTLS as TLS: with implicit TLS the
        # whole connection is encrypted already.
        server_kw["auth_require_tls"] = "ssl_context" not in kw
    sink = Sink(outdir)
    ctl = Controller(sink, hostname="127.0.0.1", port=port,
                     server_kwargs=server_kw, **kw)
    ctl.start()
    with open(os.path.join(outdir, "ready"), "w") as f:
        f.write(str(os.getpid()))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    signal.signal(signal.SIGINT, lambda *a: stop.set())
    stop.wait()
    ctl.stop()


if __name__ == "__main__":
    main()
