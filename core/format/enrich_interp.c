/* core/format/enrich_interp.c -- interpretations with libauparse's meanings.
 *
 * Each function follows the printer of the same name in libauparse 3.0.9's
 * auparse/interpret.c: the same parsing of the value (hex or decimal, the
 * same truncation to int), the same special cases (PROT_NONE, O_RDONLY,
 * MAP_FILE, F_OK, AT_FDCWD).  Where libauparse only prints the value back
 * ("0x1c", "unknown-signal(99)"), nothing is added.  Flag sets become JSON
 * arrays; composite texts (file modes) stay strings as ausearch writes them. */
#include "format/enrich_interp.h"

#include <errno.h>
#include <libaudit.h>
#include <netdb.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "format/enrich_names.h"
#include "format/enrich_tables.h"
#include "format/json.h"

/* field_num runs for every capability set and mode: digits by one table
 * load (field_hex1), and no division per digit until overflow is possible
 * (the loop with one was the largest cost these interpretations added). */
uint64_t field_num(const struct field *f, int base)
{
	const unsigned char *s = (const unsigned char *)f->val, *e = s + f->vlen;
	unsigned safe = base == 16 ? 15 : base == 10 ? 19 : 21;	/* digits that cannot overflow */
	uint64_t v = 0;
	int neg = 0;

	if (s < e && (*s == '-' || *s == '+'))
		neg = *s++ == '-';
	if (base == 16 && e - s > 2 && s[0] == '0' && (s[1] | 0x20) == 'x')
		s += 2;
	for (unsigned n = 0; s < e; s++, n++) {
		unsigned d = field_hex1[*s] - 1u;
		if (d >= (unsigned)base)
			break;
		if (n >= safe && v > (UINT64_MAX - d) / (unsigned)base)
			return UINT64_MAX;	/* strtoull: ERANGE */
		v = v * (unsigned)base + d;
	}
	return neg ? (uint64_t)-(int64_t)v : v;
}

static int add_str(struct buf *b, const char *s)
{
	if (!s)
		return 0;
	json_add_string(b, s, strlen(s));
	return 1;
}

static int add_name(struct buf *b, const struct itable *t, uint64_t v)
{
	return add_str(b, itab_name(t, v));
}

/* The entries of flag table t that v has, as an array; first: a name
 * that goes before them (O_RDONLY, MAP_FILE), or NULL.  limit: how many
 * entries libauparse looks at.  0 if the array would be empty. */
static int add_flags(struct buf *b, const struct itable *t, unsigned limit, uint64_t v,
		     const char *first)
{
	size_t mark = b->len;
	int n = 0;

	buf_addc(b, '[');
	if (first) {
		add_str(b, first);
		n++;
	}
	for (unsigned i = 0; i < t->n && i < limit; i++) {
		if (!(t->e[i].v & v))
			continue;
		if (n++)
			buf_addc(b, ',');
		add_str(b, t->e[i].s);
	}
	buf_addc(b, ']');
	if (!n)
		b->len = mark;
	return n > 0;
}

static int add_signal(struct buf *b, uint64_t v)
{
	int i = (int)v;

	return i >= 0 && i < 32 ? add_name(b, &tab_signal, (unsigned)i) : 0;
}

static int add_id(struct buf *b, struct rec_ctx *c, enum id_kind k, uint64_t v)
{
	size_t mark = b->len;
	int32_t id = (int32_t)v;

	if (id_name_json(b, c->um, k, id == -1 ? -1 : (int64_t)(uint32_t)id, c->now_sec) < 0) {
		b->len = mark;
		return 0;
	}
	return 1;
}

/* Protocol names from /etc/protocols, as getprotobynumber() gives them;
 * cached (the lookup reads the file). */
static _Atomic(const char *) proto_names[256];
static const char proto_none[] = "";

static const char *proto_name(unsigned p)
{
	struct protoent pe, *r = NULL;
	char tmp[1024];
	const char *n;

	if (p < 256 && (n = atomic_load_explicit(&proto_names[p], memory_order_acquire)))
		return n == proto_none ? NULL : n;
	if (getprotobynumber_r((int)p, &pe, tmp, sizeof(tmp), &r) != 0 || !r)
		n = proto_none;
	else if (!(n = strdup(r->p_name)))
		return NULL;
	if (p < 256) {
		const char *expect = NULL;
		if (!atomic_compare_exchange_strong(&proto_names[p], &expect, n) && n != proto_none) {
			free((void *)n);
			n = expect;
		}
	} else if (n != proto_none) {
		static _Thread_local char big[64];	/* rare: above 255 */
		snprintf(big, sizeof(big), "%s", n);
		free((void *)n);
		n = big;
	}
	return n == proto_none ? NULL : n;
}

/* print_mode_short_int: "0644", "suid,0755". */
static int add_mode_short(struct buf *b, unsigned v)
{
	char t[48];

	snprintf(t, sizeof(t), "%s%s%s%s0%03o", v & S_ISUID ? "suid," : "",
		 v & S_ISGID ? "sgid," : "", v & S_ISVTX ? "sticky," : "",
		 "", v & (S_IRWXU | S_IRWXG | S_IRWXO));
	return add_str(b, t);
}

/* print_mode: "file,755", "dir,sticky,777", "014,644" for an unknown type.
 * Cached by value: every PATH record has a mode, and few modes recur. */
#define MODE_CACHE 16
static _Thread_local struct {
	unsigned v;
	char s[40];		/* "": empty slot */
} mode_cache[MODE_CACHE];

static int add_mode(struct buf *b, unsigned v)
{
	unsigned slot = (v * 2654435761u) >> 28;	/* MODE_CACHE 16: top 4 bits */
	const char *type;
	char t[80], tb[8];

	if (mode_cache[slot].s[0] && mode_cache[slot].v == v)
		return add_str(b, mode_cache[slot].s);
	type = audit_ftype_to_name((int)(v & S_IFMT));

	if (!type) {
		snprintf(tb, sizeof(tb), "%03o", (v & S_IFMT) / (S_IFMT & ~(S_IFMT - 1)));
		type = tb;
	}
	snprintf(t, sizeof(t), "%s%s%s%s,%03o", type, v & S_ISUID ? ",suid" : "",
		 v & S_ISGID ? ",sgid" : "", v & S_ISVTX ? ",sticky" : "",
		 v & (S_IRWXU | S_IRWXG | S_IRWXO));
	if (strlen(t) < sizeof(mode_cache[0].s)) {
		mode_cache[slot].v = v;
		strcpy(mode_cache[slot].s, t);
	}
	return add_str(b, t);
}

static int add_personality(struct buf *b, uint64_t v)
{
	const char *n = itab_name(&tab_person, (unsigned)v & 0xff);
	char t[64];

	if (!n)
		return 0;
	if (!((unsigned)v & 0x0040000))	/* ADDR_NO_RANDOMIZE */
		return add_str(b, n);
	snprintf(t, sizeof(t), "%s|~ADDR_NO_RANDOMIZE", n);
	return add_str(b, t);
}

static int add_clone(struct buf *b, uint64_t v)
{
	unsigned flags = (unsigned)v, sig = flags & 0xff;
	size_t mark = b->len;
	int n = 0;

	buf_addc(b, '[');
	for (unsigned i = 0; i < tab_clone.n; i++) {
		if (!(tab_clone.e[i].v & flags))
			continue;
		if (n++)
			buf_addc(b, ',');
		add_str(b, tab_clone.e[i].s);
	}
	if (sig && sig < 32 && itab_name(&tab_signal, sig)) {
		if (n++)
			buf_addc(b, ',');
		add_str(b, itab_name(&tab_signal, sig));
	}
	buf_addc(b, ']');
	if (!n)
		b->len = mark;
	return n > 0;
}

static int add_sched(struct buf *b, uint64_t v)
{
	const char *n = itab_name(&tab_sched, (unsigned)v & 0x0f);
	char t[64];

	if (!n)
		return 0;
	snprintf(t, sizeof(t), "%s%s", n, (unsigned)v & 0x40000000 ? "|SCHED_RESET_ON_FORK" : "");
	return add_str(b, t);
}

static int add_socklevel(struct buf *b, uint64_t v)
{
	int lvl = (int)v;
	const char *n;

	if (lvl == 1)
		return add_str(b, "SOL_SOCKET");
	if (lvl >= 0 && (n = proto_name((unsigned)lvl)))
		return add_str(b, n);
	return add_name(b, &tab_socklevel, (unsigned)lvl);
}

static int add_sockopt(struct buf *b, const struct rec_ctx *c, uint64_t v)
{
	unsigned opt = (unsigned)v;

	switch (c->a1) {
	case 0:
		return add_name(b, &tab_ipopt, opt);
	case 1:
		if ((c->machine == MACH_PPC64 || c->machine == MACH_PPC) && opt >= 16 && opt <= 21)
			opt += 100;
		return add_name(b, &tab_sockopt, opt);
	case 6:
		return add_name(b, &tab_tcpopt, opt);
	case 17:
		return add_str(b, opt == 1 ? "UDP_CORK" : opt == 100 ? "UDP_ENCAP" : NULL);
	case 41:
		return add_name(b, &tab_ip6opt, opt);
	case 263:
		return add_name(b, &tab_pktopt, opt);
	default:
		return 0;
	}
}

/* print_shmflags: "IPC_CREAT|SHM_HUGETLB|0600" (a string, as the mode is). */
static int add_shm(struct buf *b, uint64_t v)
{
	unsigned flags = (unsigned)v;
	char t[160];
	size_t len = 0;

	t[0] = '\0';
	for (int pass = 0; pass < 2; pass++)
		for (unsigned i = 0; i < tab_shm.n; i++)
			if (tab_shm.e[i].v & flags & (pass ? 014000u : 03000u))
				len += (size_t)snprintf(t + len, sizeof(t) - len, "%s|", tab_shm.e[i].s);
	snprintf(t + len, sizeof(t) - len, "0%03o", flags & 0777);	/* no special bits */
	return add_str(b, t);
}

static int add_prot(struct buf *b, uint64_t v, unsigned limit)
{
	if (((unsigned)v & 7) == 0)
		return add_flags(b, &tab_prot, 0, 0, "PROT_NONE");
	return add_flags(b, &tab_prot, limit, (unsigned)v, NULL);
}

static int add_oflags(struct buf *b, uint64_t v)
{
	unsigned f = (unsigned)v;

	return add_flags(b, &tab_open, ~0u, f, (f & 3) == 0 ? "O_RDONLY" : NULL);
}

/* a0..a3 of a SYSCALL record (name "a0".."a3"), by the syscall's table. */
static int add_arg(struct buf *b, struct rec_ctx *c, const struct field *f)
{
	unsigned i = (unsigned)(f->name[1] - '0');
	uint64_t v;

	if (!c->args || f->nlen != 2 || i > 3)
		return 0;	/* no argument of this syscall is named */
	v = field_num(f, 16);
	if (i == 0)
		c->a0 = v;
	else if (i == 1)
		c->a1 = v;
	switch ((enum sys_arg_kind)c->args->a[i]) {
	case AK_SIGNAL: return add_signal(b, v);
	case AK_DIRFD: return (uint32_t)v == 0xffffff9cu ? add_str(b, "AT_FDCWD") : 0;
	case AK_CLOCK: return (int)v >= 0 && (int)v < 7 ? add_name(b, &tab_clock, v) : 0;
	case AK_PERSON: return add_personality(b, v);
	case AK_PTRACE: return add_name(b, &tab_ptrace, (uint32_t)v);
	case AK_PRCTL: return add_name(b, &tab_prctl, (uint32_t)v);
	case AK_CLONE: return add_clone(b, v);
	case AK_RLIMIT: return (int)v >= 0 && (int)v < 17 ? add_name(b, &tab_rlimit, v) : 0;
	case AK_UID: return add_id(b, c, ID_USER, v);
	case AK_GID: return add_id(b, c, ID_GROUP, v);
	case AK_FAM: return add_name(b, &tab_fam, (uint32_t)v);
	case AK_SOCKETCALL: return add_name(b, &tab_socketcall, (uint32_t)v);
	case AK_EXIT:
		return add_str(b, f->vlen == 1 && f->val[0] == '0' ? "EXIT_SUCCESS"
				  : f->vlen == 1 && f->val[0] == '1' ? "EXIT_FAILURE" : "UNKNOWN");
	case AK_BPF: return add_name(b, &tab_bpf, (uint32_t)v);
	case AK_MODE_SHORT: return add_mode_short(b, (unsigned)v);
	case AK_MODE: return add_mode(b, (unsigned)v);
	case AK_FCNTL: return add_name(b, &tab_fcntl, (uint32_t)v);
	case AK_SOCKLEVEL: return add_socklevel(b, v);
	case AK_SOCKTYPE: return add_name(b, &tab_socktype, v & 0xff);
	case AK_SCHED: return add_sched(b, v);
	case AK_OFLAGS: return add_oflags(b, v);
	case AK_ACCESS:
		if ((v & 0xf) == 0)
			return add_flags(b, &tab_access, 0, 0, "F_OK");
		return add_flags(b, &tab_access, 3, v, NULL);
	case AK_EPOLL: return add_name(b, &tab_epoll, (uint32_t)v);
	case AK_PRCTL_A1:
		if (c->a0 == 23 || c->a0 == 24)	/* PR_CAPBSET_READ, _DROP */
			return add_name(b, &tab_cap, (uint32_t)v);
		return c->a0 == 1 ? add_signal(b, v) : 0;	/* PR_SET_PDEATHSIG */
	case AK_UMOUNT: return add_flags(b, &tab_umount, ~0u, (unsigned)v, NULL);
	case AK_IOCTL: return add_name(b, &tab_ioctl, (uint32_t)v);
	case AK_FCNTL_A2:
		if (c->a1 == 8)		/* F_SETOWN */
			return add_id(b, c, ID_USER, v);
		return c->a1 == 2 && (int)v == 1 ? add_str(b, "FD_CLOEXEC") : 0;
	case AK_SOCKOPT: return add_sockopt(b, c, v);
	case AK_OPEN_MODE:
	case AK_MQ_MODE: return c->a1 & 0100 ? add_mode_short(b, (unsigned)v) : 0;
	case AK_PROTO: return add_str(b, proto_name((unsigned)v));
	case AK_RECV: return add_flags(b, &tab_recv, ~0u, (unsigned)v, NULL);
	case AK_SHM: return add_shm(b, v);
	case AK_PROT_MMAP: return add_prot(b, v, 4);
	case AK_PROT: return add_prot(b, v, 3);
	case AK_SEEK: return add_name(b, &tab_seek, v & 0xff);
	case AK_MMAP:
		return add_flags(b, &tab_mmap, ~0u, (unsigned)v, (v & 0xf) == 0 ? "MAP_FILE" : NULL);
	case AK_MOUNT: return add_flags(b, &tab_mount, ~0u, (unsigned)v, NULL);
	default: return 0;
	}
}

/* print_perm: an AUDIT_PERM_* mask, 0 meaning all. */
static int add_perm(struct buf *b, uint64_t v)
{
	static const struct ient e[] = { { 4, "read" }, { 2, "write" }, { 1, "exec" }, { 8, "attr" } };
	static const struct itable t = { e, 4 };

	return add_flags(b, &t, 4, (int)v == 0 ? 0x0f : (unsigned)v, NULL);
}

/* A capability set, after the upper-case name the caller wrote: either
 * ":[names in the set]" or, when it holds more than half of the
 * capabilities tab_cap knows, "_ALL_BUT":[names not in it]".  A root
 * exec's BPRM_FCAPS carries four near-full sets; listing all 41 names in
 * each was 92 of the 103 MB that issue 16 added per 100,000 events.  Bits
 * tab_cap does not know (a newer kernel's) are kept as "cap_N" in the
 * plain form, which a set with such bits always takes, so that
 * "_ALL_BUT" means exactly: every known capability but those listed.
 * Rendered tails are cached by the field's text: BPRM_FCAPS repeats the
 * same few sets. */
#define CAP_CACHE 4
#define CAP_JSON_MAX 1024
static _Thread_local struct {
	char raw[24];		/* the field's text; keyed by it, not parsed again */
	unsigned rawlen;
	unsigned len;		/* 0: empty slot */
	char json[CAP_JSON_MAX];
} cap_cache[CAP_CACHE];
static _Thread_local unsigned cap_next;

static unsigned popcount64(uint64_t v)
{
	return (unsigned)__builtin_popcountll(v);
}

int interp_cap_set(struct buf *b, const struct field *f)
{
	size_t start = b->len;
	uint64_t v, known = 0, want;
	unsigned slot;
	int all_but, n = 0;

	/* Room for the longest tail (all 64 bits: 41 names and 23 cap_N,
	 * 722 bytes): no append below can fail half-way. */
	if (buf_room(b, CAP_JSON_MAX) < 0)
		return -ENOMEM;
	for (unsigned i = 0; i < CAP_CACHE; i++)
		if (cap_cache[i].len && cap_cache[i].rawlen == f->vlen &&
		    memcmp(cap_cache[i].raw, f->val, f->vlen) == 0) {
			buf_add(b, cap_cache[i].json, cap_cache[i].len);
			return 0;
		}
	v = field_num(f, 16);
	for (unsigned i = 0; i < tab_cap.n; i++)
		if (tab_cap.e[i].v < 64)
			known |= 1ull << tab_cap.e[i].v;
	all_but = !(v & ~known) && 2 * popcount64(v) > popcount64(known);
	want = all_but ? ~v : v;
	if (all_but)
		buf_adds(b, "_ALL_BUT\":[");
	else
		buf_adds(b, "\":[");
	for (unsigned i = 0; i < tab_cap.n; i++) {
		if (tab_cap.e[i].v >= 64 || !(want >> tab_cap.e[i].v & 1))
			continue;
		if (n++)
			buf_addc(b, ',');
		add_str(b, tab_cap.e[i].s);
	}
	for (unsigned bit = 0; bit < 64; bit++) {
		char t[16];
		if (!((v & ~known) >> bit & 1))
			continue;
		if (n++)
			buf_addc(b, ',');
		snprintf(t, sizeof(t), "cap_%u", bit);
		add_str(b, t);
	}
	buf_addc(b, ']');
	slot = cap_next++ % CAP_CACHE;
	if (b->len - start <= CAP_JSON_MAX && f->vlen <= sizeof(cap_cache[0].raw)) {
		memcpy(cap_cache[slot].raw, f->val, f->vlen);
		cap_cache[slot].rawlen = (unsigned)f->vlen;
		cap_cache[slot].len = (unsigned)(b->len - start);
		memcpy(cap_cache[slot].json, b->p + start, b->len - start);
	}
	return 0;
}

int interp_value(struct buf *b, struct rec_ctx *c, const struct field *f, unsigned ik)
{
	int dig = f->vlen && f->val[0] >= '0' && f->val[0] <= '9';

	switch ((enum interp_kind)ik) {
	case IK_ARG: return add_arg(b, c, f);
	case IK_PERM: return add_perm(b, field_num(f, 10));
	case IK_MODE:
		if (c->type == AUDIT_MQ_OPEN)
			return add_mode_short(b, (unsigned)field_num(f, 8));
		return add_mode(b, (unsigned)field_num(f, 8));
	case IK_FLAGS:
		if (c->type == AUDIT_PATH) {
			uint64_t v = field_num(f, 16);
			if (v == 0) {
				buf_adds(b, "[]");
				return 1;
			}
			return add_flags(b, &tab_pathflags, ~0u, (unsigned)v, NULL);
		}
		return add_flags(b, &tab_mmap, ~0u, (unsigned)field_num(f, 16),
				 (field_num(f, 16) & 0xf) == 0 ? "MAP_FILE" : NULL);
	case IK_PROMISC: return add_str(b, field_num(f, 10) ? "yes" : "no");
	case IK_CAPABILITY: return add_name(b, &tab_cap, (uint32_t)field_num(f, 10));
	case IK_SUCCESS:
		if (!dig)
			return 0;
		return add_str(b, (int)field_num(f, 10) == 1 ? "yes" : (int)field_num(f, 10) == 0 ? "no" : "unset");
	case IK_SIGNAL: return add_signal(b, field_num(f, 10));
	case IK_LIST: return add_str(b, audit_flag_to_name((int)field_num(f, 10)));
	case IK_NFPROTO: return add_name(b, &tab_nfproto, (uint32_t)field_num(f, 10));
	case IK_ICMPTYPE: return add_name(b, &tab_icmptype, (uint32_t)field_num(f, 10));
	case IK_PROTOCOL: return add_str(b, proto_name((unsigned)field_num(f, 10)));
	case IK_PERSONALITY: return add_personality(b, field_num(f, 16));
	case IK_SECCOMP: return add_name(b, &tab_seccomp, field_num(f, 16) & 0x7fff0000u);
	case IK_OFLAG: return add_oflags(b, field_num(f, 16));
	case IK_HOOK: return add_name(b, &tab_hook, (uint32_t)field_num(f, 16));
	case IK_NETACTION: return add_name(b, &tab_netaction, (uint32_t)field_num(f, 16));
	case IK_MACPROTO: {
		unsigned t = (unsigned)field_num(f, 16);
		return add_str(b, t == 0x0800 ? "IP" : t == 0x0806 ? "ARP" : "UNKNOWN");
	}
	case IK_IOCTL: return add_name(b, &tab_ioctl, (uint32_t)field_num(f, 16));
	case IK_FANOTIFY:
		if (!dig)
			return 0;
		return add_str(b, field_num(f, 10) == 1 ? "allow" : field_num(f, 10) == 2 ? "deny" : "unknown");
	case IK_NLMCGRP:
		return add_str(b, field_num(f, 16) == 1 ? "audit-netlink-multicast" : "audit-none");
	case IK_RESOLVE: return add_flags(b, &tab_resolve, ~0u, field_num(f, 16), NULL);
	default: return 0;
	}
}

int interp_exit(struct buf *b, const struct field *f)
{
	/* "ENOENT(No such file or directory)" built once per errno (snprintf
	 * and strerror_r per failed syscall showed in the profile). */
	static _Thread_local char txt[160][72];
	int64_t e = (int64_t)field_num(f, 10);
	const char *name;
	char t[160], msg[96];

	if (f->vlen < 2 || f->val[0] != '-' || e <= -4096)
		return 0;
	if (-e < 160 && txt[-e][0])
		return add_str(b, txt[-e]);
	if (!(name = audit_errno_to_name((int)-e)))
		return 0;
	snprintf(t, sizeof(t), "%s(%s)", name, strerror_r((int)-e, msg, sizeof(msg)));
	if (-e < 160 && strlen(t) < sizeof(txt[0]))
		strcpy(txt[-e], t);
	return add_str(b, t);
}
