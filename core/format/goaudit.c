/* core/format/goaudit.c -- the goaudit format.
 *
 * uid_map follows go-audit: every "uid=N" (so auid=, euid=, ouid=, ... too)
 * in records other than EXECVE, CWD and SOCKADDR, whose data is free text,
 * maps N to a user name. */
#include "format/goaudit.h"

#include <errno.h>
#include <libaudit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/enrich_container.h"
#include "format/enrich_fields.h"
#include "format/json.h"
#include "util/bytes.h"

#define MAX_UIDS 16

struct uids {
	uint32_t v[MAX_UIDS];
	unsigned n;
};

static void add_uid(struct uids *u, uint32_t uid)
{
	for (unsigned i = 0; i < u->n; i++)
		if (u->v[i] == uid)
			return;
	if (u->n < MAX_UIDS)
		u->v[u->n++] = uid;
}

/* The field whose '=' is at s[eq], if it is a "uid=N" (auid=, euid=, ...). */
static void check_uid(struct uids *u, const char *s, size_t n, size_t eq)
{
	uint64_t v = 0;
	int digits = 0;
	size_t p = eq + 1;

	if (s[eq] != '=' || eq < 3 || s[eq - 1] != 'd' || s[eq - 2] != 'i' || s[eq - 3] != 'u')
		return;
	while (p < n && s[p] >= '0' && s[p] <= '9' && digits < 11) {
		v = v * 10 + (uint64_t)(s[p++] - '0');
		digits++;
	}
	if (digits && (p == n || s[p] == ' ') && v <= UINT32_MAX)
		add_uid(u, (uint32_t)v);
}

#ifdef __SSE2__
#include <emmintrin.h>

/* Every "uid=" (auid=, euid=, ...): 16 positions at a time, matching the
 * 4 bytes that end at each, so check_uid runs only where "uid=" is (it
 * ran at every '=' before: 11 % of a goaudit replay's instructions). */
static void scan_uids(struct uids *u, const char *s, size_t n)
{
	size_t i = 3;

	for (; i + 16 <= n; i += 16) {
		__m128i m = _mm_and_si128(
			_mm_and_si128(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(s + i)), _mm_set1_epi8('=')),
				      _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(s + i - 1)), _mm_set1_epi8('d'))),
			_mm_and_si128(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(s + i - 2)), _mm_set1_epi8('i')),
				      _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(s + i - 3)), _mm_set1_epi8('u'))));
		for (unsigned bits = (unsigned)_mm_movemask_epi8(m); bits; bits &= bits - 1)
			check_uid(u, s, n, i + (size_t)__builtin_ctz(bits));
	}
	for (; i < n; i++)
		if (s[i] == '=')
			check_uid(u, s, n, i);
}
#else
/* Every "uid=": the '=' of each field found 8 bytes at a time (memmem was
 * 10% of the replay profile, then a memchr call per field ~5%).  Flags
 * above a true '=' may be wrong; check_uid looks at the byte itself. */
static void scan_uids(struct uids *u, const char *s, size_t n)
{
	size_t i = 0;

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	for (uint64_t m; i + 8 <= n; i += 8) {
		for (m = bytes_eq(bytes_load(s + i), '='); m; m &= m - 1)
			check_uid(u, s, n, i + (size_t)__builtin_ctzll(m) / 8);
	}
#endif
	for (; i < n; i++)
		if (s[i] == '=')
			check_uid(u, s, n, i);
}
#endif

static int maps_uids(int type)
{
	return type != AUDIT_EXECVE && type != AUDIT_CWD && type != AUDIT_SOCKADDR;
}

/* With goaudit_container: ,"container":{"pid":N,"cgroup":"...","runtime":
 * "docker","id":"..."} for the event's process (the first pid= field), for
 * events read live, as the enriched format's PID (enrich_container.c). */
static void add_container(struct buf *b, const struct asm_event *ev, struct container_cache *cc,
			  uint64_t now_sec)
{
	struct field f, sc, arch;
	struct container_ref r;
	const char *path = NULL, *name = NULL;
	size_t n = 0;
	int64_t pid = 0;

	if (ev->sec + 60 < now_sec || ev->sec > now_sec + 60)
		return;		/* a replayed old log: its pids are gone or reused */
	for (unsigned i = 0; i < ev->nrec && !pid; i++) {
		const char *t = ev->text + ev->recs[i].off;
		size_t len = ev->recs[i].len;
		if (!field_find(t, len, "pid", &f) || !is_decimal(f.val, f.vlen))
			continue;
		pid = field_int(f.val, f.vlen, 10);
		if (ev->recs[i].type == AUDIT_SYSCALL && field_find(t, len, "arch", &arch) &&
		    field_find(t, len, "syscall", &sc) && enrich_is_hex(arch.val, arch.vlen))
			name = audit_syscall_to_name((int)field_int(sc.val, sc.vlen, 10),
						     audit_elf_to_machine((unsigned)field_int(arch.val, arch.vlen, 16)));
	}
	if (pid <= 0 || pid > UINT32_MAX ||
	    !(path = container_cgroup(cc, (uint32_t)pid, now_sec,
				      name && strncmp(name, "execve", 6) == 0, &n)))
		return;
	buf_adds(b, ",\"container\":{\"pid\":");
	buf_add_u64(b, (uint64_t)pid);
	buf_adds(b, ",\"cgroup\":");
	json_add_string(b, path, n);
	if (container_parse(path, n, &r)) {
		buf_addc(b, ',');
		container_add_ref(b, &r);
	}
	buf_addc(b, '}');
}

int format_goaudit(struct buf *b, const struct asm_event *ev, struct uidmap *um, uint64_t now_sec)
{
	return format_goaudit_ext(b, ev, um, NULL, now_sec);
}

int format_goaudit_ext(struct buf *b, const struct asm_event *ev, struct uidmap *um,
		       struct container_cache *cc, uint64_t now_sec)
{
	struct uids uids = { .n = 0 };
	char ts[4];

	/* Reserve the worst case once, so no append below can fail. */
	if (buf_reserve(b, ev->text_len * 6 + ev->nrec * 48 + MAX_UIDS * 400 + 128) < 0)
		return -ENOMEM;
	buf_adds(b, "{\"sequence\":");
	buf_add_u64(b, ev->serial);
	/* Not snprintf: it showed in the profile, for one number. */
	buf_adds(b, ",\"timestamp\":\"");
	buf_add_u64(b, ev->sec);
	ts[0] = '.';
	ts[1] = (char)('0' + ev->ms / 100 % 10);
	ts[2] = (char)('0' + ev->ms / 10 % 10);
	ts[3] = (char)('0' + ev->ms % 10);
	buf_add(b, ts, 4);
	buf_adds(b, "\",\"messages\":[");
	for (unsigned i = 0; i < ev->nrec; i++) {
		const struct asm_record *r = &ev->recs[i];
		if (i)
			buf_addc(b, ',');
		buf_adds(b, "{\"type\":");
		buf_add_u64(b, (unsigned)r->type);
		buf_adds(b, ",\"data\":");
		json_add_string(b, ev->text + r->off, r->len);
		buf_addc(b, '}');
		if (maps_uids(r->type))
			scan_uids(&uids, ev->text + r->off, r->len);
	}
	buf_adds(b, "],\"uid_map\":{");
	for (unsigned i = 0; i < uids.n; i++) {
		const char *name = uidmap_name(um, uids.v[i], now_sec);
		if (i)
			buf_addc(b, ',');
		buf_addc(b, '"');
		buf_add_u64(b, uids.v[i]);
		buf_adds(b, "\":");
		json_add_string(b, name, strlen(name));
	}
	buf_addc(b, '}');
	if (cc)
		add_container(b, ev, cc, now_sec);
	return buf_addc(b, '}') == 0 ? 0 : -ENOMEM;
}

/* Its scratch: the pipeline's uid name cache, and the pid cache when
 * goaudit_container is on. */
struct goaudit_scratch {
	struct uidmap *um;
	struct container_cache *cc;	/* NULL: off (go-audit's shape) */
};

static void *goaudit_scratch_new(const struct format_env *env)
{
	struct goaudit_scratch *g = calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	g->um = env->uidmap;
	if (env->goaudit_container && !(g->cc = container_cache_new(NULL))) {
		free(g);
		return NULL;
	}
	return g;
}

static void goaudit_scratch_free(void *scratch)
{
	struct goaudit_scratch *g = scratch;

	if (g)
		container_cache_free(g->cc);
	free(g);
}

static int goaudit_render(struct buf *out, const struct asm_event *ev, void *scratch, uint64_t now_sec)
{
	struct goaudit_scratch *g = scratch;

	return format_goaudit_ext(out, ev, g->um, g->cc, now_sec);
}

const struct format format_goaudit_def = {
	.parallel = 1,
	.name = "goaudit",
	.scratch_new = goaudit_scratch_new,
	.scratch_free = goaudit_scratch_free,
	.render = goaudit_render,
};
