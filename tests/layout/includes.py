#!/usr/bin/env python3
"""tests/layout/includes.py -- the core's include graph has no cycles.

A module is a .c file with the .h of the same name: core/output/queue.{c,h}.
Module A depends on B when any file of A includes B's header.  The graph of
modules must be acyclic (a lower layer never includes a higher one), the core
never includes a plugin's files and a plugin never includes the core's: the
SDK headers are the only contract between them.  Prints every cycle found.
"""
import os
import re
import sys

top = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', '..')
core = os.path.join(top, 'core')
inc = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def module(path):
    return os.path.splitext(os.path.relpath(path, core))[0]


deps, problems = {}, []
for d, _, files in os.walk(core):
    for f in files:
        if not f.endswith(('.c', '.h')):
            continue
        path = os.path.join(d, f)
        m = module(path)
        deps.setdefault(m, set())
        for name in inc.findall(open(path, encoding='utf-8').read()):
            target = os.path.normpath(os.path.join(core, name))
            if not os.path.exists(target):
                problems.append(f'{os.path.relpath(path, top)}: includes "{name}", not a core header '
                                '(write includes from core/: "pipeline/seq.h")')
                continue
            if module(target) != m:
                deps[m].add(module(target))

for d, _, files in os.walk(os.path.join(top, 'plugins')):
    for f in files:
        if f.endswith(('.c', '.h')):
            path = os.path.join(d, f)
            for name in inc.findall(open(path, encoding='utf-8').read()):
                if os.path.exists(os.path.join(core, name)):
                    problems.append(f'{os.path.relpath(path, top)}: includes core header "{name}"')

# Tarjan's strongly connected components: each with more than one module is a cycle.
index, low, stack, on, sccs = {}, {}, [], set(), []


def visit(v):
    index[v] = low[v] = len(index)
    stack.append(v)
    on.add(v)
    for w in sorted(deps.get(v, ())):
        if w not in index:
            visit(w)
            low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop()
            on.discard(w)
            comp.append(w)
            if w == v:
                break
        if len(comp) > 1:
            sccs.append(sorted(comp))


sys.setrecursionlimit(10000)
for v in sorted(deps):
    if v not in index:
        visit(v)
for comp in sccs:
    edges = [f'{a} -> {b}' for a in comp for b in sorted(deps[a]) if b in comp]
    problems.append('include cycle among ' + ', '.join(comp) + ':\n    ' + '\n    '.join(edges))

for p in problems:
    print(p)
print(f'{len(deps)} core modules, {sum(len(v) for v in deps.values())} dependencies, '
      f'{len(problems)} problem(s)')
sys.exit(1 if problems else 0)
