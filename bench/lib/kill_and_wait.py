#!/usr/bin/env python3
"""Kill the process a pid file names with SIGKILL and print, in ms with a
tenth, how long until the pid file names a different live process, or
"timeout".  The pid file's directory is watched with inotify, so the new pid
is seen when it is written (no poll interval in the figure) and this probe
takes no CPU time from the daemon it measures while it waits.

    kill_and_wait.py PIDFILE CAP_S
"""
import ctypes
import os
import select
import signal
import struct
import sys
import time

IN_MODIFY, IN_CLOSE_WRITE, IN_MOVED_TO, IN_CREATE = 0x2, 0x8, 0x80, 0x100


def live_pid(path):
    try:
        with open(path) as f:
            text = f.read().strip()
    except OSError:
        return None
    if not text.isdigit():
        return None
    pid = int(text)
    try:
        os.kill(pid, 0)
    except OSError:
        return None
    try:	# a zombie is dead, only not yet reaped
        with open(f"/proc/{pid}/stat") as f:
            if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                return None
    except (OSError, IndexError):
        return None
    return pid


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    path, cap = sys.argv[1], float(sys.argv[2])
    old = live_pid(path)
    if old is None:
        sys.exit(f"kill_and_wait: {path} names no live process before the kill")
    libc = ctypes.CDLL(None, use_errno=True)
    fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
    if fd < 0 or libc.inotify_add_watch(
            fd, os.path.dirname(os.path.abspath(path)).encode(),
            IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE) < 0:
        sys.exit("kill_and_wait: inotify: " + os.strerror(ctypes.get_errno()))
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    t0 = time.monotonic()
    os.kill(old, signal.SIGKILL)
    while True:
        pid = live_pid(path)
        now = time.monotonic()
        if pid is not None and pid != old:
            print(f"{(now - t0) * 1000:.1f}")
            return
        left = cap - (now - t0)
        if left <= 0:
            print("timeout")
            return
        # Wake on a write in the directory; at least every 10 ms anyway, for
        # a writer that changes the file in a way inotify does not report.
        poller.poll(min(left * 1000, 10))
        try:
            while os.read(fd, 4096):
                pass
        except BlockingIOError:
            pass


main()
