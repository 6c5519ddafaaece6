#!/usr/bin/env python3
# core/format/enrich_tables_gen.py -- writes core/format/enrich_tables.c, the
# name tables behind the enriched format's interpretations, by asking the
# installed libauparse (Debian's libauparse0) what it prints for each value:
#
#   python3 core/format/enrich_tables_gen.py > core/format/enrich_tables.c
#
# Run once per libauparse version (the file records which).  Tables are not
# copied from anywhere: every name comes from auparse_do_interpretation()
# (exported by libauparse; its idata argument is declared here as 3.0.9 has
# it), probed over the value ranges below.  Enum tables keep the values that
# got a name; flag tables are probed a bit at a time (which entries a bit
# belongs to) and with every bit set (the order libauparse prints them in).
# The oracle test (tests/oracle) checks the result against libauparse.
import ctypes
import sys

AU = ctypes.CDLL('libauparse.so.0')
LA = ctypes.CDLL('libaudit.so.1')


class IData(ctypes.Structure):
    _fields_ = [('machine', ctypes.c_uint), ('syscall', ctypes.c_int),
                ('a0', ctypes.c_ulonglong), ('a1', ctypes.c_ulonglong),
                ('cwd', ctypes.c_char_p), ('name', ctypes.c_char_p), ('val', ctypes.c_char_p)]


AU.auparse_do_interpretation.restype = ctypes.c_void_p
AU.auparse_do_interpretation.argtypes = [ctypes.c_int, ctypes.POINTER(IData), ctypes.c_int]
AU.auparse_init.restype = ctypes.c_void_p
LA.audit_name_to_machine.argtypes = [ctypes.c_char_p]
LA.audit_name_to_syscall.argtypes = [ctypes.c_char_p, ctypes.c_int]
libc = ctypes.CDLL(None)
libc.free.argtypes = [ctypes.c_void_p]

# auparse-defs.h
T = dict(CAPABILITY=12, A0=14, A1=15, A2=16, A3=17, SIGNAL=18, NFPROTO=23, ICMPTYPE=24,
         PERSONALITY=27, SECCOMP=28, HOOK=34, NETACTION=35, IOCTL_REQ=37, RESOLVE=42,
         FLAGS=10, SYSCALL=3)

# The interpretation list must exist before auparse_do_interpretation.
AU.auparse_init(1, b'')  # AUSOURCE_BUFFER, empty
X86_64 = LA.audit_name_to_machine(b'x86_64')
I386 = LA.audit_name_to_machine(b'i386')


def interp(kind, val, machine=X86_64, sysname=None, a0=0, a1=0):
    d = IData(machine, LA.audit_name_to_syscall(sysname.encode(), machine) if sysname else -1,
              a0, a1, None, b'x', val.encode())
    p = AU.auparse_do_interpretation(kind, ctypes.byref(d), 0)
    s = ctypes.string_at(p).decode() if p else None
    libc.free(p)
    return s


def named(s, val):
    return s and not (s.startswith('unknown') or s.startswith('0x') or s.startswith('conversion')
                      or s == val or s.startswith('undefined'))


def enum(kind, values, fmt='%x', post=None, **kw):
    out = {}
    for v in values:
        s = interp(kind, fmt % v, **kw)
        if post:
            s = post(s)
        if named(s, fmt % v):
            out[v] = s
    return out


def flags(kind, bits, fmt='%x', strip=(), sep='|', **kw):
    """Entries of a table libauparse prints by testing value & flags."""
    names = {}
    for b in bits:
        for n in interp(kind, fmt % (1 << b), **kw).split(sep):
            if named(n, '') and n not in strip:
                names[n] = names.get(n, 0) | (1 << b)
    every = sum(1 << b for b in bits)
    order = [n for n in interp(kind, fmt % every, **kw).split(sep) if n in names]
    return [(names[n], n) for n in order]


IOCTL_C = r"""
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
struct idata { unsigned machine; int syscall; unsigned long long a0, a1;
	       const char *cwd, *name, *val; };
char *auparse_do_interpretation(int type, const struct idata *id, int esc);
void *auparse_init(int source, const void *b);
int main(void)
{
	char val[16];
	struct idata id = { 0, -1, 0, 0, NULL, "x", val };
	auparse_init(1, "");
	for (unsigned long d = 0; d < 4; d++)
		for (unsigned long size = 0; size < 0x100; size++)
			for (unsigned long tn = 0; tn < 0x10000; tn++) {
				unsigned long v = d << 30 | size << 16 | tn;
				char *s;
				snprintf(val, sizeof(val), "%lx", v);
				s = auparse_do_interpretation(37, &id, 0);
				if (s && strncmp(s, "0x", 2) != 0)
					printf("%lx %s\n", v, s);
				free(s);
			}
	return 0;
}
"""


def ioctl_probe():
    import os
    import subprocess
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        src, exe = os.path.join(d, 'p.c'), os.path.join(d, 'p')
        with open(src, 'w') as f:
            f.write(IOCTL_C)
        subprocess.run(['cc', '-O2', '-o', exe, src, '-lauparse'], check=True)
        out = subprocess.run([exe], capture_output=True, text=True, check=True).stdout
    return {int(v, 16): n for v, n in (line.split() for line in out.splitlines())}


def emit_enum(name, d):
    print('static const struct ient %s_e[] = {' % name)
    for v in sorted(d):
        print('\t{ 0x%x, "%s" },' % (v, d[v]))
    print('};')
    print('const struct itable %s = { %s_e, %d };\n' % (name, name, len(d)))


def emit_flags(name, lst):
    print('static const struct ient %s_e[] = {' % name)
    for v, n in lst:
        print('\t{ 0x%x, "%s" },' % (v, n))
    print('};')
    print('const struct itable %s = { %s_e, %d };\n' % (name, name, len(lst)))


def main():
    ver = None
    try:
        import subprocess
        ver = subprocess.run(['dpkg-query', '-W', '-f', '${Version}', 'libauparse0'],
                             capture_output=True, text=True).stdout.strip()
    except OSError:
        pass
    print('/* core/format/enrich_tables.c -- GENERATED by enrich_tables_gen.py from')
    print(' * libauparse %s: the names ausearch -i prints.  Do not edit; rerun the' % (ver or '?'))
    print(' * script for another libauparse.  Enum tables are sorted by value; flag')
    print(' * tables are in the order libauparse prints them. */')
    print('#include "format/enrich_tables.h"\n')
    emit_enum('tab_signal', enum(T['SIGNAL'], range(0, 64), '%d'))
    emit_enum('tab_cap', enum(T['CAPABILITY'], range(0, 64), '%d'))
    emit_enum('tab_fam', enum(T['A0'], range(0, 256), sysname='socket'))
    emit_enum('tab_socktype', enum(T['A1'], range(0, 256), sysname='socket'))
    emit_enum('tab_fcntl', enum(T['A1'], range(0, 0x800), sysname='fcntl'))
    emit_enum('tab_epoll', enum(T['A1'], range(0, 64), sysname='epoll_ctl'))
    emit_enum('tab_clock', enum(T['A0'], range(0, 64), sysname='clock_settime'))
    emit_enum('tab_person', enum(T['A0'], range(0, 256), sysname='personality'))
    emit_enum('tab_ptrace', enum(T['A0'], range(0, 0x8000), sysname='ptrace'))
    emit_enum('tab_prctl', enum(T['A0'], range(0, 0x400), sysname='prctl'))
    emit_enum('tab_rlimit', enum(T['A0'], range(0, 64), sysname='setrlimit'))
    emit_enum('tab_sched', enum(T['A1'], range(0, 16), sysname='sched_setscheduler'))
    emit_enum('tab_seek', enum(T['A2'], range(0, 256), sysname='lseek'))
    emit_enum('tab_bpf', enum(T['A0'], range(0, 256), sysname='bpf'))
    # Socket option levels: libauparse asks getprotobynumber() first (at run
    # time, as enriched does); the table is what it falls back to.
    lv = enum(T['A1'], range(2, 0x400), sysname='setsockopt')
    getproto = libc.getprotobynumber
    getproto.restype = ctypes.c_void_p
    protos = {v for v in lv if getproto(v)}
    emit_enum('tab_socklevel', {v: s for v, s in lv.items() if v not in protos})
    emit_enum('tab_sockopt', enum(T['A2'], range(0, 0x400), sysname='setsockopt', a1=1))
    emit_enum('tab_ipopt', enum(T['A2'], range(0, 0x400), sysname='setsockopt', a1=0))
    emit_enum('tab_ip6opt', enum(T['A2'], range(0, 0x400), sysname='setsockopt', a1=41))
    emit_enum('tab_tcpopt', enum(T['A2'], range(0, 0x400), sysname='setsockopt', a1=6))
    emit_enum('tab_pktopt', enum(T['A2'], range(0, 0x400), sysname='setsockopt', a1=263))
    emit_enum('tab_nfproto', enum(T['NFPROTO'], range(0, 256), '%d'))
    emit_enum('tab_icmptype', enum(T['ICMPTYPE'], range(0, 256), '%d'))
    emit_enum('tab_hook', enum(T['HOOK'], range(0, 256)))
    emit_enum('tab_netaction', enum(T['NETACTION'], range(0, 256)))
    sec = enum(T['SECCOMP'], [v << 16 for v in range(0, 0x8000)])
    emit_enum('tab_seccomp', sec)
    # ioctl requests: _IOC(dir, size, type, nr) with sizes below 0x100: 2^26
    # probes, too many for ctypes; a throwaway C loop does them.
    ioc = ioctl_probe() if '--quick' not in sys.argv else {}
    emit_enum('tab_ioctl', ioc)
    # socketcall(2) and ipc(2) multiplexers (i386 and others): "socketcall(connect)"
    sock = {}
    ipc = {}
    for v in range(0, 64):
        s = interp(T['SYSCALL'], '102', machine=I386, sysname='socketcall', a0=v)
        if s and '(' in s:
            sock[v] = s[s.index('(') + 1:-1]
        s = interp(T['SYSCALL'], '117', machine=I386, sysname='ipc', a0=v)
        if s and '(' in s:
            ipc[v] = s[s.index('(') + 1:-1]
    emit_enum('tab_socketcall', sock)
    emit_enum('tab_ipccall', ipc)

    emit_flags('tab_open', flags(T['A1'], range(32), sysname='open', strip=('O_RDONLY',)))
    emit_flags('tab_clone', flags(T['A2'], range(8, 32), sysname='clone'))
    # PROT_SEM shows only beside a bit of 07 (else it is PROT_NONE): probed with PROT_READ.
    prot = flags(T['A2'], range(3), sysname='mmap', strip=('PROT_NONE',))
    for b in range(3, 32):
        for n in interp(T['A2'], '%x' % (1 << b | 1), sysname='mmap').split('|'):
            if n != 'PROT_READ' and named(n, ''):
                prot.append((1 << b, n))
    emit_flags('tab_prot', prot)
    emit_flags('tab_mmap', flags(T['A3'], range(32), sysname='mmap', strip=('MAP_FILE',)))
    emit_flags('tab_mount', flags(T['A3'], range(32), sysname='mount'))
    emit_flags('tab_recv', flags(T['A2'], range(32), sysname='recvmsg'))
    emit_flags('tab_umount', flags(T['A1'], range(32), sysname='umount2'))
    emit_flags('tab_access', flags(T['A1'], range(4), sysname='access', strip=('F_OK',)))
    emit_flags('tab_resolve', flags(T['RESOLVE'], range(32)))
    emit_flags('tab_pathflags', flags(T['FLAGS'], range(32), sep=','))
    # shmget's flags: IPC_* bits of 03000, SHM_* bits of 014000, then the mode.
    shm = flags(T['A2'], range(9, 14), sysname='shmget')
    emit_flags('tab_shm', [(v, n) for v, n in shm if not n[0].isdigit() and v & 0o17000])


main()
