/* core/format/enrich_fields.c -- name=value fields of audit records. */
#include "format/enrich_fields.h"
#include "util/bytes.h"

#include "format/interp_kind.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

/* Byte classes for the field scanner (a table: field_next was 10% of the
 * enriched replay, three compares per byte).  C_CARE: a byte JSON must
 * escape or check (control, '"', '\\', DEL, non-ASCII); a name without
 * one is written as a key without json_add_string. */
#define C_SPACE 1
#define C_EQ 2
#define C_CARE 4
static const unsigned char cls[256] = {
	[0 ... 8] = C_CARE, ['\t'] = C_SPACE, ['\n'] = C_SPACE, [0x0b ... 0x1f] = C_CARE,
	[' '] = C_SPACE, ['"'] = C_CARE, ['='] = C_EQ, ['\\'] = C_CARE, [0x7f ... 0xff] = C_CARE,
};

static int is_space(char c)
{
	return cls[(unsigned char)c] == C_SPACE;
}

#define ONES BYTES_ONES
#define HIGHS BYTES_HIGHS

/* The first space, tab or newline in s[i..n), or n.  Eight bytes at a
 * time: unquoted values include EXECVE's hex arguments, up to ~7 KB each
 * (this loop was over half of field_next's time, byte by byte). */
static size_t space_from(const char *s, size_t n, size_t i)
{
	for (uint64_t w, m; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		m = bytes_eq(w, ' ') | bytes_eq(w, '\t') | bytes_eq(w, '\n');
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		if (m)	/* the lowest flag is exact, and the first in memory */
			return i + (size_t)__builtin_ctzll(m) / 8;
#else
		if (m)
			break;		/* the byte loop finds which one */
#endif
	}
	while (i < n && !is_space(s[i]))
		i++;
	return i;
}

/* The end of a value that starts at s[i] with quote q (0: unquoted). */
static size_t value_end(const char *s, size_t n, size_t i, char q)
{
	const char *e;

	if (!q)
		return space_from(s, n, i);
	e = memchr(s + i, q, n - i);
	return e ? (size_t)(e - s) : n;
}

int field_next(const char *s, size_t n, size_t *pos, struct field *f)
{
	size_t i = *pos, start;
	unsigned care = 0, c;

	while (i < n && is_space(s[i]))
		i++;
	if (i >= n)
		return 0;
	start = i;
	while (i < n && !((c = cls[(unsigned char)s[i]]) & (C_SPACE | C_EQ))) {
		care |= c;
		i++;
	}
	if (i >= n || s[i] != '=') {
		f->name = NULL;
		f->nlen = 0;
		f->plain_name = 0;
		f->val = s + start;
		f->vlen = i - start;
		f->quote = 0;
		*pos = i;
		return 1;
	}
	f->name = s + start;
	f->nlen = i - start;
	f->plain_name = !care;
	i++;
	f->quote = (i < n && (s[i] == '"' || s[i] == '\'')) ? s[i] : 0;
	if (f->quote)
		i++;
	f->val = s + i;
	i = value_end(s, n, i, f->quote);
	f->vlen = (size_t)(s + i - f->val);
	if (f->quote && i < n)
		i++;		/* the closing quote */
	*pos = i;
	return 1;
}

int field_next_joined(const char *s, size_t n, size_t *pos, struct field *f)
{
	struct field g;
	size_t p;

	if (!field_next(s, n, pos, f))
		return 0;
	if (!f->name || f->quote)
		return 1;
	for (p = *pos; field_next(s, n, &p, &g) && !g.name; *pos = p)
		f->vlen = (size_t)(g.val + g.vlen - f->val);
	return 1;
}

int field_find(const char *s, size_t n, const char *name, struct field *f)
{
	size_t pos = 0, len = strlen(name);

	while (field_next(s, n, &pos, f))
		if (field_is(f, name, len))
			return 1;
	return 0;
}

/* Hex digit value + 1, 0 for other bytes: one load per digit instead of
 * three ranges (enrich_is_hex and enrich_hex_decode showed 3% each, on EXECVE's long
 * hex arguments). */
#define H(c, v) [c] = (v) + 1
const uint8_t field_hex1[256] = {
	H('0', 0), H('1', 1), H('2', 2), H('3', 3), H('4', 4), H('5', 5), H('6', 6), H('7', 7),
	H('8', 8), H('9', 9), H('A', 10), H('B', 11), H('C', 12), H('D', 13), H('E', 14),
	H('F', 15), H('a', 10), H('b', 11), H('c', 12), H('d', 13), H('e', 14), H('f', 15),
};
#undef H

static int hexval(char c)
{
	return (int)field_hex1[(unsigned char)c] - 1;
}

int enrich_is_hex(const char *s, size_t n)
{
	unsigned ok = 1;

	if (n == 0 || n % 2)
		return 0;
	for (size_t i = 0; i < n; i++)
		ok &= field_hex1[(unsigned char)s[i]] != 0;
	return (int)ok;
}

int enrich_hex_decode(struct buf *out, const char *s, size_t n)
{
	return enrich_hex_decode_if(out, s, n) < 0 ? -1 : 0;
}

/* High bit of each byte of x (all bytes < 0x80) that is in [lo, hi]. */
static inline uint64_t bytes_in(uint64_t x, unsigned lo, unsigned hi)
{
	return (x + (0x80 - lo) * ONES) & ~(x + (0x7f - hi) * ONES) & HIGHS;
}

/* Decodes the 8 hex digits in w (memory order) into 4 bytes at p; returns 0
 * if one is not a hex digit.  Little-endian only.  EXECVE's long arguments
 * and PROCTITLE are hex: the byte loop was 8% of the enriched replay. */
static int hex8(uint64_t w, char *p)
{
	uint64_t v;
	uint32_t out;

	if ((w & HIGHS) || (bytes_in(w, '0', '9') | bytes_in(w | 0x20 * ONES, 'a', 'f')) != HIGHS)
		return 0;
	v = (w & 0x0f * ONES) + ((w >> 6) & ONES) * 9;		/* a nibble per byte */
	v = ((v << 4) | (v >> 8)) & 0x00ff00ff00ff00ffull;	/* a byte per 16 bits */
	v = (v | (v >> 8)) & 0x0000ffff0000ffffull;
	out = (uint32_t)(v | (v >> 16));
	memcpy(p, &out, 4);
	return 1;
}

int enrich_hex_decode_if(struct buf *out, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned bad = 0;
	size_t i = 0;
	char *p;

	if (n == 0 || n % 2)
		return 0;
	if (buf_room(out, n / 2) < 0)
		return -1;
	p = out->p + out->len;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	for (uint64_t w; i + 8 <= n; i += 8, p += 4) {
		memcpy(&w, u + i, 8);
		if (!hex8(w, p))
			return 0;
	}
#endif
	/* Decode first, judge once at the end: no branch per digit. */
	for (; i < n; i += 2) {
		unsigned hi = field_hex1[u[i]], lo = field_hex1[u[i + 1]];
		bad |= (hi == 0) | (lo == 0);
		*p++ = (char)((hi - 1) << 4 | ((lo - 1) & 15));
	}
	if (bad)
		return 0;
	out->len += n / 2;
	return 1;
}

int is_decimal(const char *s, size_t n)
{
	size_t i = 0;

	if (n && s[0] == '-')
		i = 1;
	if (i >= n || n - i > 19)
		return 0;
	if (s[i] == '0')
		return n - i == 1;
	for (; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int64_t field_int(const char *s, size_t n, int base)
{
	uint64_t v = 0;
	size_t i = 0;
	int neg = 0;

	if (base == 10 && n && s[0] == '-') {
		neg = 1;
		i = 1;
	}
	for (; i < n && i < 20; i++) {
		int d = hexval(s[i]);
		if (d < 0 || d >= base)
			return 0;
		v = v * (unsigned)base + (unsigned)d;
	}
	return neg ? -(int64_t)v : (int64_t)v;
}

/* The names each kind applies to (auditd's and ausearch's lists; the
 * interpretations from libauparse's typetab.h). */
#define IK(k) ((unsigned)(k) << FK_IK_SHIFT)
#define CAPS (FK_STRING | IK(IK_CAP_BITMAP))
static const struct {
	const char *name;
	unsigned kind;
} kinds[] = {
	{ "name", FK_ENCODED }, { "comm", FK_ENCODED }, { "exe", FK_ENCODED },
	{ "cwd", FK_ENCODED }, { "path", FK_ENCODED }, { "proctitle", FK_ENCODED | FK_PROCTITLE },
	{ "data", FK_ENCODED }, { "acct", FK_ENCODED }, { "cmd", FK_ENCODED },
	{ "key", FK_ENCODED | IK(IK_KEY) }, { "file", FK_ENCODED }, { "dir", FK_ENCODED },
	{ "root_dir", FK_ENCODED }, { "sw", FK_ENCODED }, { "vm", FK_ENCODED },
	{ "ocomm", FK_ENCODED }, { "watch", FK_ENCODED }, { "new_name", FK_ENCODED },
	{ "old_name", FK_ENCODED }, { "grp", FK_ENCODED }, { "new_group", FK_ENCODED },
	{ "old-chardev", FK_ENCODED }, { "new-chardev", FK_ENCODED }, { "old-disk", FK_ENCODED },
	{ "new-disk", FK_ENCODED }, { "old-fs", FK_ENCODED }, { "new-fs", FK_ENCODED },
	{ "old-net", FK_ENCODED }, { "new-net", FK_ENCODED }, { "device", FK_ENCODED },
	{ "cgroup", FK_ENCODED }, { "old-rng", FK_ENCODED }, { "new-rng", FK_ENCODED },
	{ "invalid_context", FK_ENCODED },
	{ "uid", FK_UID }, { "auid", FK_UID }, { "euid", FK_UID }, { "suid", FK_UID },
	{ "fsuid", FK_UID }, { "ouid", FK_UID }, { "oauid", FK_UID }, { "old-auid", FK_UID },
	{ "sauid", FK_UID }, { "iuid", FK_UID }, { "inode_uid", FK_UID }, { "obj_uid", FK_UID },
	{ "new-auid", FK_UID }, { "id", FK_UID },
	{ "gid", FK_GID }, { "egid", FK_GID }, { "sgid", FK_GID }, { "fsgid", FK_GID },
	{ "ogid", FK_GID }, { "igid", FK_GID }, { "inode_gid", FK_GID }, { "obj_gid", FK_GID },
	{ "new_gid", FK_GID }, { "new-gid", FK_GID },
	{ "ses", FK_SES }, { "old-ses", FK_SES }, { "new-ses", FK_SES },
	{ "a0", FK_STRING | IK(IK_ARG) }, { "a1", FK_STRING | IK(IK_ARG) },
	{ "a2", FK_STRING | IK(IK_ARG) }, { "a3", FK_STRING | IK(IK_ARG) },
	{ "arch", FK_STRING | FK_ARCH },
	{ "pp", CAPS }, { "pi", CAPS }, { "pe", CAPS }, { "pa", CAPS }, { "fp", CAPS },
	{ "fi", CAPS }, { "cap_pi", CAPS }, { "cap_pe", CAPS }, { "cap_pp", CAPS },
	{ "cap_pa", CAPS }, { "cap_fi", CAPS }, { "cap_fp", CAPS }, { "old_pp", CAPS },
	{ "old_pi", CAPS }, { "old_pe", CAPS }, { "old_pa", CAPS }, { "new_pp", CAPS },
	{ "new_pi", CAPS }, { "new_pe", CAPS },
	{ "fe", FK_STRING }, { "fver", FK_STRING }, { "prot", FK_STRING },
	{ "flags", FK_STRING | IK(IK_FLAGS) }, { "mode", FK_STRING | IK(IK_MODE) },
	{ "perm", IK(IK_PERM) }, { "perm_mask", FK_STRING | IK(IK_PERM) },
	{ "saddr", FK_STRING | FK_SADDR },
	{ "syscall", FK_SYSCALL }, { "exit", FK_EXIT }, { "msg", FK_MSG },
	{ "pid", FK_PID }, { "ppid", FK_PPID },
	{ "prom", IK(IK_PROMISC) }, { "old_prom", IK(IK_PROMISC) },
	{ "capability", IK(IK_CAPABILITY) }, { "res", IK(IK_SUCCESS) },
	{ "result", IK(IK_SUCCESS) }, { "sig", IK(IK_SIGNAL) }, { "sigev_signo", IK(IK_SIGNAL) },
	{ "list", IK(IK_LIST) }, { "family", IK(IK_NFPROTO) }, { "icmptype", IK(IK_ICMPTYPE) },
	{ "proto", IK(IK_PROTOCOL) }, { "per", FK_STRING | IK(IK_PERSONALITY) },
	{ "code", FK_STRING | IK(IK_SECCOMP) }, { "oflag", FK_STRING | IK(IK_OFLAG) },
	{ "hook", FK_STRING | IK(IK_HOOK) }, { "action", FK_STRING | IK(IK_NETACTION) },
	{ "macproto", FK_STRING | IK(IK_MACPROTO) }, { "ioctlcmd", FK_STRING | IK(IK_IOCTL) },
	{ "resp", IK(IK_FANOTIFY) }, { "nl-mcgrp", FK_STRING | IK(IK_NLMCGRP) },
	{ "resolve", FK_STRING | IK(IK_RESOLVE) },
};
#undef CAPS
#undef IK
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))
#define KIND_SLOTS 512	/* power of two, > 3x NKINDS: about one probe */

static uint8_t kind_slot[KIND_SLOTS];	/* index + 1 into kinds[]; 0: empty */
static uint8_t kind_len[NKINDS];
static pthread_once_t kind_once = PTHREAD_ONCE_INIT;
static atomic_int kind_ready;		/* spares a pthread_once call per field */

static unsigned kind_hash(const char *s, size_t n)
{
	return ((unsigned)n * 961u + (unsigned char)s[0] * 31u + (unsigned char)s[n - 1] * 7u +
		(unsigned char)s[n / 2]) & (KIND_SLOTS - 1);
}

static void kind_fill(void)
{
	for (size_t k = 0; k < NKINDS; k++) {
		unsigned h = kind_hash(kinds[k].name, strlen(kinds[k].name));
		kind_len[k] = (uint8_t)strlen(kinds[k].name);
		while (kind_slot[h])
			h = (h + 1) & (KIND_SLOTS - 1);
		kind_slot[h] = (uint8_t)(k + 1);
	}
	atomic_store_explicit(&kind_ready, 1, memory_order_release);
}

static unsigned kind_lookup(const char *name, size_t len)
{
	if (!atomic_load_explicit(&kind_ready, memory_order_acquire))
		pthread_once(&kind_once, kind_fill);
	for (unsigned h = kind_hash(name, len); kind_slot[h]; h = (h + 1) & (KIND_SLOTS - 1)) {
		unsigned k = kind_slot[h] - 1u;
		if (kind_len[k] == len && name_is(kinds[k].name, name, len))
			return kinds[k].kind;	/* names are short: no memcmp call */
	}
	return 0;
}

/* Capability sets (cap_*, but not cap_frootid, a uid) and old_p* / new_p*
 * (BPRM_FCAPS masks) are strings whatever their exact name. */
static int string_by_prefix(const char *name, size_t len)
{
	if (len > 4 && memcmp(name, "cap_", 4) == 0 && !(len == 11 && memcmp(name, "cap_frootid", 11) == 0))
		return 1;
	return len >= 5 && (memcmp(name, "old_p", 5) == 0 || memcmp(name, "new_p", 5) == 0);
}

unsigned field_kind(const char *name, size_t len)
{
	if (len == 0)
		return 0;
	return kind_lookup(name, len) | (len > 4 && string_by_prefix(name, len) ? FK_STRING : 0);
}

int field_is_encoded(const char *name, size_t len)
{
	return (field_kind(name, len) & FK_ENCODED) != 0;
}

int field_string(const struct field *f, struct buf *out)
{
	out->len = 0;
	if (!f->quote && f->name && field_is_encoded(f->name, f->nlen) &&
	    enrich_hex_decode_if(out, f->val, f->vlen) > 0)
		return 1;
	buf_add(out, f->val, f->vlen);
	return 0;
}
