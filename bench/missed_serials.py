#!/usr/bin/env python3
"""bench/missed_serials.py OUT.json [DMESG.txt] -- were "missed" serials lost?

For each missed_serials loss event in a goaudit output file (bench/run
--keep-burst DIR keeps the burst's), counts how many of the serials it
names were written anyway (a gap declared too early) and, given the
kernel log (dmesg), how many the kernel printed instead of sending them
(kauditd_printk_skb: records it failed to deliver and, without audit=1 on
the kernel command line, dropped without counting them in `lost`)."""
import json, re, sys

seen, losses = set(), []
for line in open(sys.argv[1], 'rb'):
    try:
        e = json.loads(line)
    except ValueError:
        continue
    if e.get('type') == 'auditstream_loss':
        losses.append(e)
    elif 'sequence' in e:
        seen.add(e['sequence'])
printed = set()
if len(sys.argv) > 2:
    for line in open(sys.argv[2], errors='replace'):
        m = re.search(r'audit: type=\d+ audit\([\d.]+:(\d+)\)', line)
        if m:
            printed.add(int(m.group(1)))
print('events written: %d, serials %d..%d' % (len(seen), min(seen), max(seen)))
for e in losses:
    if e.get('reason') != 'missed_serials':
        print('loss: %s %s' % (e.get('reason'), e.get('count')))
        continue
    run = range(e['first_serial'], e['last_serial'] + 1)
    print('loss: missed_serials %d (%d-%d): %d written anyway, %d printed by the kernel (dmesg, rate-limited)'
          % (len(run), run[0], run[-1], sum(s in seen for s in run), sum(s in printed for s in run)))
