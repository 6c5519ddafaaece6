#!/usr/bin/env python3
"""The plugin ABI, machine-checked.

  abi.py dump INCLUDE_DIR        print the ABI of INCLUDE_DIR/auditstream/plugin.h
  abi.py check BASELINE INCLUDE_DIR
                                 compare it with a baseline written by dump

The description is measured by the compiler, not read off the text: the
header's structs are parsed only for their member names and declarations,
then a C program built against the header prints sizeof and offsetof of
each.  Lines:

  abi MAJOR MINOR
  struct NAME size N
  member STRUCT.NAME offset O size S decl <declaration, whitespace collapsed>
  const NAME VALUE          (enumerators and #define'd numbers)
  function NAME <prototype>

The baseline is measured on x86_64 (LP64); sizes and offsets are that
ABI's.  Declarations are compared as text, parameter names included.

check's rules (plugin.h, VERSIONING): with the same major, every baseline
member keeps its offset, size and declaration, every constant and function
its value and prototype; a member that is new must come after the end of
the baseline struct, and then the minor must be above the baseline's.  A
raised major accepts anything (write a new baseline).  Exit 0 compatible,
1 not, 2 usage or build error.
"""
import os
import re
import subprocess
import sys
import tempfile


def strip_comments(s):
    s = re.sub(r'/\*.*?\*/', ' ', s, flags=re.S)
    return re.sub(r'//[^\n]*', ' ', s)


def parse(text):
    text = strip_comments(text)
    structs = []
    for name, body in re.findall(r'\bstruct (auditstream_\w+) \{(.*?)\n\};', text, re.S):
        members = []
        # Split at ';' outside parentheses.
        depth, cur = 0, ''
        for ch in body:
            if ch == '(':
                depth += 1
            elif ch == ')':
                depth -= 1
            if ch == ';' and depth == 0:
                decl = ' '.join(cur.split())
                cur = ''
                if not decl:
                    continue
                m = re.search(r'\(\s*\*\s*(\w+)\s*\)', decl)
                if m:
                    mname = m.group(1)
                else:
                    m = re.search(r'(\w+)\s*(\[[^\]]*\])?\s*$', decl)
                    mname = m.group(1)
                members.append((mname, decl))
            else:
                cur += ch
        structs.append((name, members))
    consts = re.findall(r'^\s*(AUDITSTREAM_[A-Z0-9_]+)\s*=\s*[^,\n]+,?\s*$', text, re.M)
    consts += re.findall(r'^#define (AUDITSTREAM_[A-Z0-9_]+)\s+(?:\(?-?[0-9][0-9a-fA-Fxu]*\)?)\s*$', text, re.M)
    funcs = [(n, ' '.join(p.split())) for p, n in
             re.findall(r'^((?:const )?[\w ]+\*?\s*(auditstream_\w+)\s*\([^;{]*\));', text, re.M)]
    return structs, consts, funcs


def dump(incdir):
    header = os.path.join(incdir, 'auditstream', 'plugin.h')
    structs, consts, funcs = parse(open(header).read())
    prog = ['#include <stddef.h>', '#include <stdio.h>', '#include <auditstream/plugin.h>',
            'int main(void) {',
            'printf("abi %d %d\\n", AUDITSTREAM_ABI_MAJOR, AUDITSTREAM_ABI_MINOR);']
    for name, members in structs:
        prog.append('printf("struct %s size %%zu\\n", sizeof(struct %s));' % (name, name))
        for m, decl in members:
            prog.append('printf("member %s.%s offset %%zu size %%zu decl %%s\\n", offsetof(struct %s, %s), '
                        'sizeof(((struct %s *)0)->%s), "%s");'
                        % (name, m, name, m, name, m, decl.replace('\\', '\\\\').replace('"', '\\"')))
    for c in consts:
        if c in ('AUDITSTREAM_ABI_MAJOR', 'AUDITSTREAM_ABI_MINOR'):
            continue	# the 'abi' line; they change by design
        prog.append('printf("const %s %%lld\\n", (long long)(%s));' % (c, c))
    for n, proto in funcs:
        prog.append('(void)&%s; printf("function %s %%s\\n", "%s");' % (n, n, proto.replace('"', '\\"')))
    prog.append('return 0; }')
    with tempfile.TemporaryDirectory() as d:
        src, exe = os.path.join(d, 'dump.c'), os.path.join(d, 'dump')
        open(src, 'w').write('\n'.join(prog) + '\n')
        # The entry point is declared, not defined: resolve it to nothing
        # at link time; only its address is taken, never called.
        stub = os.path.join(d, 'stub.c')
        open(stub, 'w').write('#include <auditstream/plugin.h>\nconst struct auditstream_plugin *'
                              'auditstream_plugin_entry(void) { return 0; }\n')
        cc = os.environ.get('CC', 'cc')
        r = subprocess.run([cc, '-std=gnu11', '-Wall', '-Werror', '-I', incdir, '-o', exe, src, stub],
                           capture_output=True, text=True)
        if r.returncode:
            sys.stderr.write(r.stderr)
            sys.exit(2)
        return subprocess.run([exe], capture_output=True, text=True, check=True).stdout


def load(text):
    abi, structs, members, consts, funcs = None, {}, {}, {}, {}
    for line in text.splitlines():
        f = line.split(' ', 2)
        if f[0] == 'abi':
            abi = tuple(int(x) for x in f[1:3])
        elif f[0] == 'struct':
            structs[f[1]] = int(f[2].split()[1])
        elif f[0] == 'member':
            m = re.match(r'offset (\d+) size (\d+) decl (.*)$', f[2])
            members[f[1]] = (int(m.group(1)), int(m.group(2)), m.group(3))
        elif f[0] == 'const':
            consts[f[1]] = f[2]
        elif f[0] == 'function':
            funcs[f[1]] = f[2]
    return abi, structs, members, consts, funcs


def check(baseline, current):
    (bmaj, bmin), bs, bm, bc, bf = load(baseline)
    (cmaj, cmin), cs, cm, cc, cf = load(current)
    if cmaj != bmaj:
        print('abi_major raised (%d -> %d): anything goes; write a new baseline' % (bmaj, cmaj))
        return 0
    broken, added = [], []
    for k, v in bm.items():
        if k not in cm:
            broken.append('member %s removed or renamed' % k)
        elif cm[k] != v:
            broken.append('member %s changed: offset/size/decl %s -> %s' % (k, v, cm[k]))
    for k, v in bc.items():
        if cc.get(k) != v:
            broken.append('constant %s changed: %s -> %s' % (k, v, cc.get(k)))
    for k, v in bf.items():
        if cf.get(k) != v:
            broken.append('function %s changed: %s -> %s' % (k, v, cf.get(k)))
    for k in bs:
        if k not in cs:
            broken.append('struct %s removed' % k)
    for k, v in cm.items():
        if k in bm:
            continue
        s = k.split('.')[0]
        if s in bs and v[0] < bs[s]:
            broken.append('member %s inserted inside struct %s (offset %d < old size %d)' % (k, s, v[0], bs[s]))
        else:
            added.append('member ' + k)
    added += ['struct ' + k for k in cs if k not in bs]
    added += ['constant ' + k for k in cc if k not in bc]
    added += ['function ' + k for k in cf if k not in bf]
    for b in broken:
        print('INCOMPATIBLE: %s (abi_major must be raised)' % b)
    if added and cmin <= bmin:
        for a in added:
            print('ADDED without raising abi_minor (still %d): %s' % (cmin, a))
        return 1
    for a in added:
        print('added (abi_minor %d -> %d): %s' % (bmin, cmin, a))
    return 1 if broken else 0


def main(argv):
    if len(argv) == 3 and argv[1] == 'dump':
        sys.stdout.write(dump(argv[2]))
        return 0
    if len(argv) == 4 and argv[1] == 'check':
        return check(open(argv[2]).read(), dump(argv[3]))
    sys.stderr.write(__doc__)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
