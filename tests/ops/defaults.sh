#!/bin/sh
# The defaults, said four times, say the same: the README's key tables, the
# shipped etc/auditstream.conf (itself compared with the code's defaults by
# tests/unit/test_defaults), and auditstream.conf(5).  Every key of the
# README's tables appears in the shipped config (set, or commented out when
# its default is not a plain value), and where the README, the config and
# the man page each give a plain value, they are equal.
. "$top_srcdir/tests/lib/common.sh"
conf=$top_builddir/etc/auditstream.conf
man=$top_builddir/doc/auditstream.conf.5
[ -f "$conf" ] && [ -f "$man" ] || fail "build first: $conf or $man missing"
py "$top_srcdir/README.md" "$conf" "$man" <<'PY'
import re, sys
readme, conf, man = (open(p).read() for p in sys.argv[1:4])

def norm(v):
    v = v.strip().strip('"')
    return v[:-1] if re.fullmatch(r'-?\d+L', v) else v

# The shipped config: dotted keys of uncommented settings; an output's keys
# under "output.".  Comments go first (none of our values holds a '#').
values, stack = {}, []
for line in conf.splitlines():
    line = line.split('#', 1)[0]
    for tok in re.finditer(r'(\w+)\s*=\s*([{(])|([})])|(\w+)\s*=\s*("[^"]*"|[^;{}()]+?)\s*;|(\{)', line):
        name, opener, closer, key, val, bare = tok.groups()
        if name:
            stack.append('output' if name == 'outputs' else name)
            if name == 'filters':
                values['.'.join(stack)] = 'none'
        elif bare:
            stack.append('')
        elif closer:
            stack.pop()
        else:
            path = [s for s in stack if s] + [key]
            values['.'.join(path)] = norm(val)
mentioned = set(re.findall(r'\b(\w+)\s*=', conf))

# The README's tables: `key` | default | meaning; two keys may share a row.
readme_defaults, err = {}, []
for table, prefix in ((r'\| key \| default \| meaning \|', ''), (r'\| core key \| default \| meaning \|', 'output.')):
    m = re.search(table + r'\n\|[- |]+\|\n((?:\|.*\|\n)+)', readme)
    if not m:
        err.append('README: no table %r' % table)
        continue
    for row in m.group(1).splitlines():
        cells = [c.strip() for c in row.strip('|').split('|')]
        keys = re.findall(r'`([\w.]+)`', cells[0])
        defs = re.findall(r'`([^`]*)`', cells[1])
        for i, k in enumerate(keys):
            d = defs[i] if len(defs) == len(keys) and not re.search(r'\(|\)', cells[1]) else None
            readme_defaults[prefix + k] = d
if len(readme_defaults) < 30:
    err.append('only %d README keys parsed: the parser is broken' % len(readme_defaults))

# auditstream.conf(5): the paragraph of ".TP .B key" (keys may be paired
# with .TQ, "Default A and B"), macros stripped.
def man_default(key):
    short = key.split('.', 1)[1] if key.startswith('output.') else key
    for m in re.finditer(r'^\.TP\n((?:\.B [\w.]+\n\.TQ\n)*\.B [\w.]+\n)(.*?)(?=^\.(?:TP|SH|SS)\b)', man, re.M | re.S):
        heads = re.findall(r'^\.B ([\w.]+)$', m.group(1), re.M)
        if short in heads:
            break
    else:
        return None, False
    text = ' '.join(re.sub(r'^\.\w+\s*', '', l).replace('"', '').replace('\\-', '-').replace('\\(dq', '"')
                    for l in m.group(2).splitlines())
    text = re.sub(r'\s+', ' ', text)
    d = re.search(r'Default:? ([^\s;,]+?)[.;,]?(?: and ([^\s;,.]+))?(?: |$)', text)
    if d:
        v = d.group(2) if d.group(2) and heads.index(short) == 1 else d.group(1)
        return norm(v), True
    d = re.search(r'(\S+) \(default\)', text)
    return (norm(d.group(1)) if d else None), True

checked = 0
for k, d in sorted(readme_defaults.items()):
    leaf = k.split('.')[-1]
    if k not in values and leaf not in mentioned:
        err.append('%s: in the README, not in etc/auditstream.conf' % k)
        continue
    v = values.get(k)
    if d is not None and v is not None and not d.startswith('<') and norm(d) != v and not (d == 'none' and v == ''):
        err.append('%s: README says %r, etc/auditstream.conf sets %r' % (k, d, v))
    md, found = man_default(k)
    if not found:
        err.append('%s: not in auditstream.conf(5)' % k)
    elif v is not None and md is not None and md not in ('none', 'the', 'set', 'none.') and md != v:
        err.append('%s: auditstream.conf(5) says %r, etc/auditstream.conf sets %r' % (k, md, v))
    checked += 1
for e in err:
    print('FAIL: ' + e)
print('# %d keys compared across the README, etc/auditstream.conf and auditstream.conf(5)' % checked)
sys.exit(1 if err else 0)
PY
