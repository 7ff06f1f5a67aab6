#!/usr/bin/env python3
"""Side by side: one control file (scenario.rc) run by Monit 5.33
(`monit -c FILE -I`, set daemon 2) and by vigil, one after the other, on the
same fresh objects; every rule acts by `exec` of a recorder that writes
TAG|$MONIT_SERVICE|$MONIT_EVENT.  The report lists each action that fired
under one and not the other (or a different number of times), with the
reason from reasons.txt, or UNEXPLAINED.  Exit 0 when every difference is
explained.

    sudo tests/sidebyside/run.py [--seconds 20] [--keep]

Run as root from the source tree after `make` and `make users`."""
import argparse
import collections
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
BUILD = os.environ.get("VIGIL_BUILD", os.path.join(TOP, "build"))
MONIT = os.environ.get("MONIT", "/usr/bin/monit")


def objects(d):
    """The real objects the scenario watches."""
    os.makedirs(d)
    os.chmod(d, 0o755)
    with open(os.path.join(d, "owned"), "w") as f:
        f.write("owned by nobody\n")
    os.chmod(os.path.join(d, "owned"), 0o600)
    os.chown(os.path.join(d, "owned"), 65534, 65534)
    os.makedirs(os.path.join(d, "dir"))
    os.chmod(os.path.join(d, "dir"), 0o755)
    os.utime(os.path.join(d, "dir"), (1000000000, 1000000000))
    rec = os.path.join(d, "rec")
    with open(rec, "w") as f:
        f.write('#!/bin/sh\necho "$1|$MONIT_SERVICE|$MONIT_EVENT" >> "%s/marks"\n' % d)
    os.chmod(rec, 0o755)
    demo = os.path.join(TOP, "examples", "demo-service")
    with open(os.path.join(d, "svc"), "w") as f:
        f.write('#!/bin/sh\necho "$1|$2|$MONIT_EVENT" >> "%s/marks"\n'
                'exec "%s" "$1" "%s/$2.pid" >/dev/null\n' % (d, demo, d))
    os.chmod(os.path.join(d, "svc"), 0o755)
    with open(os.path.join(d, "cronprog"), "w") as f:
        f.write('#!/bin/sh\necho "run|cron|" >> "%s/marks"\n' % d)
    os.chmod(os.path.join(d, "cronprog"), 0o755)
    sleeper = subprocess.Popen(["sleep", "100000"])
    with open(os.path.join(d, "sleeper.pid"), "w") as f:
        f.write("%d\n" % sleeper.pid)
    return sleeper


def control_file(d, for_vigil):
    s = open(os.path.join(HERE, "scenario.rc")).read()
    s = s.replace("@DIR@", d).replace("@REC@", os.path.join(d, "rec"))
    s = s.replace("@HOST@", "sys_" + socket.gethostname().replace("-", "_"))
    head = ["set daemon 2"]
    if for_vigil:
        os.makedirs(os.path.join(d, "run"))
        shutil.chown(os.path.join(d, "run"), "_vigil", "_vigil")
        head += ["set statefile %s/run/vigil.state" % d,
                 "set pidfile %s/run/vigild.pid" % d,
                 "set control socket %s/run/control.sock" % d]
    else:
        head += ["set statefile %s/monit.state" % d, "set idfile %s/monit.id" % d,
                 "set pidfile %s/monit.pid" % d]
    rc = os.path.join(d, "rc")
    with open(rc, "w") as f:
        f.write("\n".join(head) + "\n\n" + s)
    os.chmod(rc, 0o600)
    return rc


def pid_of(path):
    try:
        return int(open(path).read().strip())
    except (OSError, ValueError):
        return 0


def end_demo(d, name):
    """The demo daemon's sleep and the shell that waits for it."""
    pid = pid_of(os.path.join(d, name + ".pid"))
    if pid <= 0:
        return
    try:
        ppid = int([l.split()[1] for l in open("/proc/%d/status" % pid)
                    if l.startswith("PPid:")][0])
        cmd = open("/proc/%d/cmdline" % ppid).read()
    except (OSError, IndexError, ValueError):
        ppid, cmd = 0, ""
    for p in (pid, ppid if name + ".pid" in cmd else 0):
        if p > 0:
            try:
                os.kill(p, signal.SIGKILL)
            except OSError:
                pass


def run(cmd, d, seconds):
    log = open(os.path.join(d, "log"), "w")
    p = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    time.sleep(seconds / 2)
    with open(os.path.join(d, "marks"), "a") as f:
        f.write("--- kill -9 base\n")
    base = pid_of(os.path.join(d, "base.pid"))
    if base > 0:
        os.kill(base, signal.SIGKILL)
    time.sleep(seconds - seconds // 2)
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(30)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    time.sleep(1)       # execs still writing their mark
    end_demo(d, "base")
    end_demo(d, "dep")
    marks, order, after = collections.Counter(), [], False
    try:
        for line in open(os.path.join(d, "marks")):
            line = line.rstrip("\n")
            if line.startswith("---"):
                after = True
                continue
            marks[line] += 1
            if after and line.split("|")[0] in ("start", "stop"):
                order.append("%s %s" % tuple(line.split("|")[:2]))
    except OSError:
        pass
    return marks, order


def reasons():
    out = []
    for line in open(os.path.join(HERE, "reasons.txt")):
        line = line.rstrip("\n")
        if line and not line.startswith("#"):
            key, why = line.split("\t", 1)
            out.append((key, why))
    return out


def explain(mark, table):
    for key, why in table:
        if mark.startswith(key):
            return why
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("run.py: run as root")
    base = tempfile.mkdtemp(prefix="sidebyside.", dir=BUILD)
    os.chmod(base, 0o755)
    got = {}
    try:
        for who in ("monit", "vigil"):
            d = os.path.join(base, who)
            sleeper = objects(d)
            try:
                rc = control_file(d, who == "vigil")
                check = [MONIT, "-t", "-c", rc] if who == "monit" else \
                    [os.path.join(BUILD, "vigil"), "-t", "-c", rc]
                t = subprocess.run(check, capture_output=True, text=True)
                if t.returncode != 0:
                    sys.exit("%s refuses the scenario:\n%s%s" % (who, t.stdout, t.stderr))
                cmd = [MONIT, "-c", rc, "-I"] if who == "monit" else \
                    [os.path.join(BUILD, "vigil"), "-c", rc, "-I"]
                got[who] = run(cmd, d, a.seconds)
            finally:
                sleeper.kill()
                sleeper.wait()
    finally:
        if not a.keep:
            shutil.rmtree(base, ignore_errors=True)
        else:
            print("kept %s" % base)
    (m, morder), (v, vorder) = got["monit"], got["vigil"]
    table = reasons()
    unexplained = 0
    print("%-45s %6s %6s  %s" % ("action (tag|service|event)", "monit", "vigil", "reason"))
    for mark in sorted(set(m) | set(v)):
        same = m[mark] == v[mark] or (mark.startswith("run|cron|") and
                                       abs(m[mark] - v[mark]) <= 1)
        if same:
            print("%-45s %6d %6d  same" % (mark, m[mark], v[mark]))
            continue
        why = explain(mark, table)
        if why is None:
            why = "UNEXPLAINED"
            unexplained += 1
        print("%-45s %6d %6d  %s" % (mark, m[mark], v[mark], why))
    print("after kill -9 base: monit: %s" % ", ".join(morder))
    print("                    vigil: %s" % ", ".join(vorder))
    if morder != vorder:
        why = explain("order|", table)
        if why is None:
            why = "UNEXPLAINED"
            unexplained += 1
        print("  order differs: %s" % why)
    print("%d action(s) fired under Monit, %d under vigil; %d difference(s) "
          "unexplained" % (sum(m.values()), sum(v.values()), unexplained))
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
