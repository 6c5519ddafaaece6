/* core/format/enrich_tables.h -- the names libauparse prints for numbers
 * (signals, capabilities, socket families, syscall argument flags, ...),
 * generated into enrich_tables.c by enrich_tables_gen.py. */
#ifndef AS_ENRICH_TABLES_H
#define AS_ENRICH_TABLES_H

#include <stdint.h>

struct ient {
	uint32_t v;
	const char *s;
};

/* Enum tables are sorted by v; flag tables keep libauparse's order. */
struct itable {
	const struct ient *e;
	unsigned n;
};

extern const struct itable tab_signal, tab_cap, tab_fam, tab_socktype, tab_fcntl, tab_epoll,
	tab_clock, tab_person, tab_ptrace, tab_prctl, tab_rlimit, tab_sched, tab_seek, tab_bpf,
	tab_socklevel, tab_sockopt, tab_ipopt, tab_ip6opt, tab_tcpopt, tab_pktopt, tab_nfproto,
	tab_icmptype, tab_hook, tab_netaction, tab_seccomp, tab_ioctl, tab_socketcall, tab_ipccall;
extern const struct itable tab_open, tab_clone, tab_prot, tab_mmap, tab_mount, tab_recv,
	tab_umount, tab_access, tab_resolve, tab_pathflags, tab_shm;

/* The name of v in an enum table, or NULL. */
static inline const char *itab_name(const struct itable *t, uint64_t v)
{
	unsigned lo = 0, hi = t->n;

	if (v > UINT32_MAX)
		return 0;
	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		if (t->e[mid].v == v)
			return t->e[mid].s;
		if (t->e[mid].v < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

#endif
