#!/usr/bin/env python3
"""Extract the example control files from the Monit manual page.

Every indented block (8+ spaces) whose first line starts with "check" or
"set" becomes configs/manual_NNN.rc; blocks that are a single "if" test
are wrapped in a process check so they can be parsed on their own.
Usage: extract_manual.py MANUAL.txt OUTDIR
"""
import os
import re
import sys

WRAP = ('check process fragment with pidfile /var/run/fragment.pid\n'
        '  start program = "/bin/true"\n  stop program = "/bin/true"\n')


def blocks(lines):
    cur = []
    for line in lines:
        indent = len(line) - len(line.lstrip(' '))
        if not line.strip():
            if cur:
                cur.append('')
            continue
        if indent >= 8:
            cur.append(line)
        elif cur:
            yield cur
            cur = []
    if cur:
        yield cur


def main():
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    lines = open(src, encoding='utf-8', errors='replace').read().split('\n')
    n = 0
    for b in blocks(lines):
        while b and not b[-1].strip():
            b.pop()
        first = b[0].strip()
        text = '\n'.join(l[8:] if l.startswith(' ' * 8) else l.strip() for l in b) + '\n'
        if re.match(r'(check|set) [a-z]', first):
            kind = 'full'
        elif re.match(r'(?i)if (failed|\d+ restarts|cpu|changed)', first) and \
                not any(c in text for c in '[]{}|<>') or first.startswith('send "'):
            if first.startswith('send'):
                continue
            text = WRAP + '  ' + text.replace('\n', '\n  ').rstrip() + '\n'
            kind = 'frag'
        else:
            continue
        # the manual renders some double quotes as "aXX"
        text = text.replace('aXX', '"')
        n += 1
        with open(os.path.join(out, 'manual_%03d.rc' % n), 'w') as f:
            f.write('# extracted from the Monit manual (%s example)\n' % kind)
            f.write(text)
    print('%d examples written to %s' % (n, out))


if __name__ == '__main__':
    main()
