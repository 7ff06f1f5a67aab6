#!/usr/bin/env python3
"""Extract the example control files from the Monit manual page.

Every indented block (8+ spaces) whose first line starts with "check" or
"set" becomes configs/manual_LNNNN.rc (NNNN: its line in the manual); blocks
that are a single test or per-service statement are wrapped in a process
check so they can be parsed on their own.
Usage: extract_manual.py MANUAL.txt OUTDIR
"""
import os
import re
import sys

WRAP = ('check process fragment with pidfile /var/run/fragment.pid\n'
        '  start program = "/bin/true"\n  stop program = "/bin/true"\n')


def blocks(lines):
    """Yield (first line number, lines) of each indented block."""
    cur, start = [], 0
    for num, line in enumerate(lines, 1):
        indent = len(line) - len(line.lstrip(' '))
        if not line.strip():
            if cur:
                cur.append('')
            continue
        if indent >= 8:
            if not cur:
                start = num
            cur.append(line)
        elif cur:
            yield start, cur
            cur = []
    if cur:
        yield start, cur


def main():
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    lines = open(src, encoding='utf-8', errors='replace').read().split('\n')
    n = 0
    for start, b in blocks(lines):
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
        elif re.match(r'(alert|noalert|every|not every|depends|group) ', first) and \
                len(b) <= 6 and '<' not in text and '|' not in text:
            # per-service statements: wrap them in a check too
            text = WRAP + '  ' + text.replace('\n', '\n  ').rstrip() + '\n'
            kind = 'frag'
        else:
            continue
        # the manual renders some double quotes as "aXX"
        text = text.replace('aXX', '"')
        n += 1
        # named after the manual's line number: stable when examples are added
        with open(os.path.join(out, 'manual_L%04d.rc' % start), 'w') as f:
            f.write('# extracted from the Monit manual, line %d (%s example)\n' % (start, kind))
            f.write(text)
    print('%d examples written to %s' % (n, out))


if __name__ == '__main__':
    main()
