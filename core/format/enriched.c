/* core/format/enriched.c -- the enriched format (see enriched.h).
 *
 * Rules, in the order they apply to a field name=value:
 *   - saddr (not in AVC or NETFILTER_PKT): kept as hex, decoded beside it
 *     as "SADDR":{...}.
 *   - msg='...' (USER_* records): kept as a string, its inner fields parsed
 *     beside it as "MSG":{...} (bare words join the value before them).
 *   - a0..a3, arch, capability masks, mode, hex fields: always strings.
 *   - quoted: the string; unquoted hex in a field auditd encodes: decoded.
 *   - decimal integers: JSON numbers; anything else: the string.
 * Interpretations, under the upper-case name, with libauparse's meanings:
 * ARCH, SYSCALL, EXIT (errno name and text), ids (UID, AUID, GID, OUID,
 * ID, ... names from a cached lookup; "unset" for -1), SES, KEY (the rule
 * keys, an array), and every other kind libauparse interprets
 * (enrich_interp.c: syscall arguments, modes, capability sets, signals,
 * ...).  A capability set holding more than half of the known ones is
 * written as those it lacks, under "NAME_ALL_BUT".  EXECVE records (also
 * when split over several) become {"argc":N,"ARGV":[]} with split
 * arguments (aN_len, aN[0], aN[1], ...) joined; PROCTITLE becomes
 * {"ARGV":[...]} split on NUL.  Bare words (AVC's "avc: denied { read }
 * for") are kept: the record then also carries "raw", its text. */
#include "format/enriched.h"

#include <errno.h>
#include <libaudit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "format/enrich_fields.h"
#include "format/enrich_interp.h"
#include "format/enrich_names.h"
#include "format/enrich_sockaddr.h"
#include "format/enrich_tables.h"
#include "format/json.h"

/* One record object being written. */
struct obj {
	struct buf *b;
	struct rec_ctx c;	/* type, arch, syscall, a0, a1 so far */
	int first;
	int bare;		/* saw words that are not name=value */
	int inner;		/* inside MSG: no further nesting */
	int impure;		/* its rendering may differ for the same text
				 * (names from the id cache, container, a0..a3) */
	uint32_t ppid;		/* from ppid=, 0 until seen */
};

static void obj_init(struct obj *o, struct enrich *x, struct buf *b, int type, int inner)
{
	memset(o, 0, sizeof(*o));
	o->b = b;
	o->c.type = type;
	o->c.machine = -1;
	o->c.um = x->um;
	o->c.now_sec = x->now_sec;
	o->first = 1;
	o->inner = inner;
}

void enrich_init(struct enrich *x, struct uidmap *um, const char *node)
{
	memset(x, 0, sizeof(*x));
	x->um = um;
	x->node = node ? node : "";
	x->proc = "/proc";
	x->time_sec = UINT64_MAX;
}

void enrich_free(struct enrich *x)
{
	for (unsigned i = 0; i < ENRICH_REC_CACHE; i++) {
		buf_free(&x->rec[i].text);
		buf_free(&x->rec[i].json);
		x->rec[i].type = 0;
	}
	buf_free(&x->tmp);
	buf_free(&x->argv);
	buf_free(&x->arg);
	container_cache_free(x->ctr);
	x->ctr = NULL;
}

static void sep(struct obj *o)
{
	if (!o->first)
		buf_addc(o->b, ',');
	o->first = 0;
}

/* ,"NAME (add_upper_name) or ,"NAME": (add_upper_key) with the name
 * upper-cased; names here are known ASCII fields (from field_kind's
 * table), and reserve_field() made room for them. */
static void add_upper_name(struct obj *o, const char *name, size_t len)
{
	char *d = o->b->p + o->b->len;

	if (len > 63)
		len = 63;
	*d++ = ',';
	*d++ = '"';
	for (size_t i = 0; i < len; i++)
		*d++ = (name[i] >= 'a' && name[i] <= 'z') ? (char)(name[i] - 32) : name[i];
	o->b->len = (size_t)(d - o->b->p);
}

static void add_upper_key(struct obj *o, const char *name, size_t len)
{
	add_upper_name(o, name, len);
	o->b->p[o->b->len++] = '"';
	o->b->p[o->b->len++] = ':';
}

static void add_interp_str(struct obj *o, const struct field *f, const char *s)
{
	if (!s)
		return;
	add_upper_key(o, f->name, f->nlen);
	json_add_string(o->b, s, strlen(s));
}

static enum id_kind id_kind_of(const struct obj *o, const struct field *f, unsigned k)
{
	if ((k & FK_UID) && (o->c.type == AUDIT_ADD_GROUP || o->c.type == AUDIT_GRP_MGMT ||
			     o->c.type == AUDIT_DEL_GROUP) && FIELD_IS(f, "id"))
		return ID_GROUP;	/* a group's id (libauparse's adjust_type) */
	return k & FK_UID ? ID_USER : k & FK_GID ? ID_GROUP : k & FK_SES ? ID_SESSION : ID_NONE;
}

/* "socketcall(connect)": the call that a0 names, further on in the record. */
static void add_syscall_name(struct obj *o, const struct field *f, const char *name,
			     const char *rest, size_t restlen)
{
	struct field a0;
	const char *call = NULL;
	char t[64];

	if (name && (name[0] == 's' || name[0] == 'i') &&
	    (strcmp(name, "socketcall") == 0 || strcmp(name, "ipc") == 0) &&
	    field_find(rest, restlen, "a0", &a0)) {
		uint64_t v = field_num(&a0, 16);
		call = name[0] == 's' ? itab_name(&tab_socketcall, v) : itab_name(&tab_ipccall, v);
	}
	if (call) {
		snprintf(t, sizeof(t), "%s(%s)", name, call);
		name = t;
	}
	add_interp_str(o, f, name);
}

/* The syscall's name and argument meanings; the last one is kept (events
 * come in runs of one syscall, and the lookups showed in the profile). */
static void syscall_of(struct obj *o, int nr)
{
	static _Thread_local struct {
		int machine, nr;
		const char *name;
		const struct sys_args *args;
	} last = { -1, -1, NULL, NULL };

	if (last.machine != o->c.machine || last.nr != nr) {
		last.machine = o->c.machine;
		last.nr = nr;
		last.name = audit_syscall_to_name(nr, o->c.machine);
		last.args = sys_args_find(last.name);
	}
	o->c.sysname = last.name;
	o->c.args = last.args;
}

/* With an interp kind, what libauparse prints; "KEY" is the caller's. */
static void interpret_kind(struct obj *o, const struct field *f, unsigned ik)
{
	size_t mark = o->b->len;

	if (ik == IK_KEY || (ik == IK_CAP_BITMAP && o->c.type == AUDIT_CRYPTO_KEY_USER))
		return;
	if (ik == IK_ARG)
		o->impure = 1;	/* set*id's arguments are named by the id cache */
	/* Most syscalls' arguments are not named: no key written and taken back. */
	if (ik == IK_ARG && (!o->c.args || f->nlen != 2 || f->name[1] < '0' || f->name[1] > '3' ||
			     (o->c.args->a[f->name[1] - '0'] == AK_NONE && f->name[1] > '1')))
		return;
	if (ik == IK_CAP_BITMAP) {	/* "PP":[...] or "PP_ALL_BUT":[...] */
		add_upper_name(o, f->name, f->nlen);
		if (interp_cap_set(o->b, f) < 0)
			o->b->len = mark;
		return;
	}
	add_upper_key(o, f->name, f->nlen);
	if (interp_value(o->b, &o->c, f, ik) <= 0)
		o->b->len = mark;
}

/* "PID":{"cgroup":...,"container":{...}} beside pid=, or "PPID":{...} when
 * the process is already gone (a short command) but its parent is not. */
static void add_container(struct enrich *x, struct obj *o, const struct field *f)
{
	int64_t pid = field_int(f->val, f->vlen, 10);
	const char *sc = o->c.sysname;
	int exec = sc && sc[0] == 'e' && (strcmp(sc, "execve") == 0 || strcmp(sc, "execveat") == 0);
	size_t mark = o->b->len;

	if (!x->ctr && !(x->ctr = container_cache_new(x->proc)))
		return;
	if (pid <= 0 || pid > UINT32_MAX)
		return;
	buf_adds(o->b, ",\"PID\":");
	if (container_json(x->ctr, o->b, (uint32_t)pid, x->now_sec, exec))
		return;
	o->b->len = mark;
	buf_adds(o->b, ",\"PPID\":");
	if (!o->ppid || !container_json(x->ctr, o->b, o->ppid, x->now_sec, 0))
		o->b->len = mark;
}

/* k: the field's field_kind(); rest: the record after f (look-ahead). */
static void interpret(struct enrich *x, struct obj *o, const struct field *f, unsigned k,
		      int decimal, const char *rest, size_t restlen)
{
	if (o->c.type == AUDIT_TRUSTED_APP)
		return;		/* libauparse decodes its fields, names none */
	if ((k & FK_ARCH) && !f->quote && f->vlen <= 8 && enrich_is_hex(f->val, f->vlen)) {
		o->c.machine = audit_elf_to_machine((unsigned)field_int(f->val, f->vlen, 16));
		add_interp_str(o, f, o->c.machine >= 0 ? audit_machine_to_name(o->c.machine) : NULL);
		return;
	}
	if (k >> FK_IK_SHIFT) {
		interpret_kind(o, f, k >> FK_IK_SHIFT);
		return;
	}
	if (!decimal)
		return;
	if (k & (FK_PID | FK_PPID)) {
		o->impure = 1;	/* a container only while the event is fresh */
		if (k & FK_PPID)
			o->ppid = (uint32_t)field_int(f->val, f->vlen, 10);
		else if (x->fresh && !o->inner)
			add_container(x, o, f);
		return;
	}
	if ((k & FK_SYSCALL) && o->c.machine >= 0) {
		syscall_of(o, (int)field_int(f->val, f->vlen, 10));
		add_syscall_name(o, f, o->c.sysname, rest, restlen);
	} else if (k & FK_EXIT) {
		size_t mark = o->b->len;
		add_upper_key(o, f->name, f->nlen);
		if (interp_exit(o->b, f) <= 0)
			o->b->len = mark;
	} else if (k & (FK_UID | FK_GID | FK_SES)) {
		size_t mark = o->b->len;
		o->impure = 1;	/* names from a cache with a TTL */
		add_upper_key(o, f->name, f->nlen);
		if (id_name_json(o->b, x->um, id_kind_of(o, f, k), field_int(f->val, f->vlen, 10), x->now_sec) < 0)
			o->b->len = mark;
	}
}

/* "KEY":["k1","k2"]: the rule keys, split on libaudit's separator (\001). */
static void add_keys(struct obj *o, const char *s, size_t n)
{
	size_t start = 0;

	if (n == 6 && memcmp(s, "(null)", 6) == 0)
		return;
	buf_adds(o->b, ",\"KEY\":[");
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != AUDIT_KEY_SEPARATOR)
			continue;
		if (start)
			buf_addc(o->b, ',');
		json_add_string(o->b, s + start, i - start);
		start = i + 1;
	}
	buf_addc(o->b, ']');
}

static void emit_fields(struct enrich *x, struct obj *o, const char *s, size_t n);
static void add_avc(struct obj *o, const char *s, size_t n);

/* The value of one field, and what stands beside it. */
/* A string value: decoded first if auditd hex-encoded it, else escaped
 * straight from the record (no copy through x->tmp). */
static void emit_string(struct enrich *x, struct obj *o, const struct field *f, unsigned k)
{
	const char *s = f->val;
	size_t n = f->vlen;

	x->tmp.len = 0;
	if (!f->quote && (k & FK_ENCODED || o->c.type == AUDIT_TRUSTED_APP) &&
	    enrich_hex_decode_if(&x->tmp, f->val, f->vlen) > 0) {
		s = x->tmp.p;
		n = x->tmp.len;
	}
	json_add_string(o->b, s, n);
	if (k >> FK_IK_SHIFT == IK_KEY && buf_room(o->b, n * 6 + 16) == 0)
		add_keys(o, s, n);
}

/* The value of one field (k: its field_kind()), and what stands beside it;
 * rest: the record after the field. */
static void emit_value(struct enrich *x, struct obj *o, const struct field *f, unsigned k,
		       const char *rest, size_t restlen)
{
	int decimal = 0;

	x->tmp.len = 0;
	if ((k & FK_SADDR) && o->c.type != AUDIT_AVC && o->c.type != AUDIT_NETFILTER_PKT &&
	    !f->quote && enrich_hex_decode_if(&x->tmp, f->val, f->vlen) > 0) {
		json_add_string(o->b, f->val, f->vlen);
		buf_adds(o->b, ",\"SADDR\":");
		sockaddr_json(o->b, (const unsigned char *)x->tmp.p, x->tmp.len);
		return;
	}
	if ((k & FK_MSG) && o->c.type == AUDIT_USER_TTY)
		k |= FK_ENCODED;	/* USER_TTY's msg is hex (libauparse) */
	if ((k & FK_MSG) && f->quote == '\'' && !o->inner) {
		struct obj in;
		obj_init(&in, x, o->b, o->c.type, 1);
		json_add_string(o->b, f->val, f->vlen);
		buf_adds(o->b, ",\"MSG\":{");
		/* USER_AVC's msg='avc:  denied  { status } for ...': the words
		 * as AVC's (libauparse names them only in AVC records). */
		if (o->c.type == AUDIT_USER_AVC)
			add_avc(&in, f->val, f->vlen);
		emit_fields(x, &in, f->val, f->vlen);
		buf_addc(o->b, '}');
		o->impure |= in.impure;
		return;
	}
	if (!f->quote && !(k & FK_STRING) && is_decimal(f->val, f->vlen)) {
		buf_add(o->b, f->val, f->vlen);
		decimal = 1;
	} else {
		emit_string(x, o, f, k);
	}
	interpret(x, o, f, k, decimal, rest, restlen);
}

/* PROCTITLE's proctitle: the argv array, split on NUL. */
static void emit_proctitle(struct enrich *x, struct obj *o, const struct field *f)
{
	size_t start = 0;

	field_string(f, &x->tmp);
	sep(o);
	buf_adds(o->b, "\"ARGV\":[");
	for (size_t i = 0; i <= x->tmp.len; i++) {
		if (i < x->tmp.len && x->tmp.p[i] != '\0')
			continue;
		if (i == x->tmp.len && i == start && i)
			break;		/* a trailing NUL ends the last argument */
		if (start)
			buf_addc(o->b, ',');
		json_add_string(o->b, x->tmp.p + start, i - start);
		start = i + 1;
	}
	buf_addc(o->b, ']');
}

/* "name": -- copied when field_next saw nothing to escape in it (half of
 * json_add_string's calls were for names); reserve_field() made room. */
static void add_key(struct buf *b, const struct field *f)
{
	if (!f->plain_name) {
		json_add_string(b, f->name, f->nlen);
		buf_addc(b, ':');
		return;
	}
	b->p[b->len] = '"';
	memcpy(b->p + b->len + 1, f->name, f->nlen);
	b->len += f->nlen + 1;
	b->p[b->len++] = '"';
	b->p[b->len++] = ':';
}

static int reserve_field(struct buf *b, const struct field *f)
{
	return buf_room(b, (f->nlen + f->vlen) * 6 + 1024);
}

static void emit_fields(struct enrich *x, struct obj *o, const char *s, size_t n)
{
	struct field f;
	size_t pos = 0;

	while (o->inner ? field_next_joined(s, n, &pos, &f) : field_next(s, n, &pos, &f)) {
		unsigned k;

		if (!f.name) {
			o->bare = 1;
			continue;
		}
		if (reserve_field(o->b, &f) < 0)
			return;
		k = field_kind(f.name, f.nlen);
		if (o->c.type == AUDIT_PROCTITLE && (k & FK_PROCTITLE) && !o->inner) {
			emit_proctitle(x, o, &f);
			continue;
		}
		sep(o);
		add_key(o->b, &f);
		emit_value(x, o, &f, k, s + pos, n - pos);
	}
}

/* AVC's "avc:  denied  { read write } for ...": the words libauparse names
 * seresult and seperms, as fields ("seperms" a set). */
static void add_avc(struct obj *o, const char *s, size_t n)
{
	struct field f;
	size_t pos = 0;
	int state = 0, nperm = 0;	/* 0: before avc:, 1: result, 2: {, 3: perms */

	while (state < 4 && field_next(s, n, &pos, &f)) {
		if (f.name)
			break;
		if (state == 0 && f.vlen == 4 && memcmp(f.val, "avc:", 4) == 0) {
			state = 1;
		} else if (state == 1) {
			sep(o);
			buf_adds(o->b, "\"seresult\":");
			json_add_string(o->b, f.val, f.vlen);
			state = 2;
		} else if (state == 2 && f.vlen == 1 && f.val[0] == '{') {
			sep(o);
			buf_adds(o->b, "\"seperms\":[");
			state = 3;
		} else if (state == 3 && f.vlen == 1 && f.val[0] == '}') {
			buf_addc(o->b, ']');
			state = 4;
		} else if (state == 3) {
			if (nperm++)
				buf_addc(o->b, ',');
			json_add_string(o->b, f.val, f.vlen);
		} else {
			break;
		}
	}
	if (state == 3)
		buf_addc(o->b, ']');
}

/* Records rendered once per distinct text: a root exec's BPRM_FCAPS is the
 * same 13 fields every time (44 % of bench/replay.sh's events have one;
 * rendering it was 9,000 instructions, 8 % of the enriched replay).  Other
 * types rarely repeat verbatim; looking them up would only cost. */
#define REC_CACHE_MAX 1024	/* longest record text kept */

static struct enrich_rec *rec_find(struct enrich *x, int type, const char *s, size_t n)
{
	for (unsigned i = 0; i < ENRICH_REC_CACHE; i++) {
		struct enrich_rec *c = &x->rec[i];
		if (c->type == type && c->text.len == n && memcmp(c->text.p, s, n) == 0)
			return c;
	}
	return NULL;
}

static void rec_store(struct enrich *x, int type, const char *s, size_t n, const char *json,
		      size_t len)
{
	struct enrich_rec *c = &x->rec[x->rec_next++ % ENRICH_REC_CACHE];

	c->type = 0;
	c->text.len = c->json.len = 0;
	if (buf_add(&c->text, s, n) == 0 && buf_add(&c->json, json, len) == 0)
		c->type = type;
}

static void emit_record(struct enrich *x, struct buf *b, const struct asm_event *ev, unsigned i)
{
	const struct asm_record *r = &ev->recs[i];
	const char *text = ev->text + r->off;
	int cache = r->type == AUDIT_BPRM_FCAPS && r->len <= REC_CACHE_MAX;
	struct enrich_rec *c;
	size_t start = b->len;
	struct obj o;

	if (cache && (c = rec_find(x, r->type, text, r->len)) && buf_add(b, c->json.p, c->json.len) == 0)
		return;
	obj_init(&o, x, b, r->type, 0);
	buf_addc(b, '{');
	emit_fields(x, &o, ev->text + r->off, r->len);
	if (o.bare && buf_reserve(b, r->len * 12 + 64) == 0) {
		if (r->type == AUDIT_AVC)
			add_avc(&o, ev->text + r->off, r->len);
		sep(&o);
		buf_adds(b, "\"raw\":");
		json_add_string(b, ev->text + r->off, r->len);
	}
	buf_addc(b, '}');
	if (cache && !o.impure && b->len > start)
		rec_store(x, r->type, text, r->len, b->p + start, b->len - start);
}

/* ------------------------------------------------------------- EXECVE */

enum arg_kind { ARG_NONE, ARG_WHOLE, ARG_LEN, ARG_PIECE };

/* a7 / a7_len / a7[3]; *idx gets 7. */
static enum arg_kind arg_kind(const struct field *f, unsigned long *idx)
{
	size_t i = 1;

	if (f->nlen < 2 || f->name[0] != 'a' || f->name[1] < '0' || f->name[1] > '9')
		return ARG_NONE;
	*idx = 0;
	while (i < f->nlen && f->name[i] >= '0' && f->name[i] <= '9' && i < 10)
		*idx = *idx * 10 + (unsigned long)(f->name[i++] - '0');
	if (i == f->nlen)
		return ARG_WHOLE;
	if (f->nlen - i == 4 && memcmp(f->name + i, "_len", 4) == 0)
		return ARG_LEN;
	if (f->name[i] == '[' && f->name[f->nlen - 1] == ']')
		return ARG_PIECE;
	return ARG_NONE;
}

struct argv_state {
	unsigned nargs;
	int split;		/* a split argument is being joined in x->arg */
	unsigned long split_idx;
};

static void argv_add(struct enrich *x, struct argv_state *a, const char *s, size_t n)
{
	if (a->nargs++)
		buf_addc(&x->argv, ',');
	json_add_string(&x->argv, s, n);
}

static void argv_flush_split(struct enrich *x, struct argv_state *a)
{
	if (!a->split)
		return;
	a->split = 0;
	argv_add(x, a, x->arg.p, x->arg.len);
}

/* Decodes a value the way EXECVE writes args: quoted text, or hex. */
static void arg_value(const struct field *f, struct buf *out)
{
	if (f->quote || enrich_hex_decode_if(out, f->val, f->vlen) <= 0)
		buf_add(out, f->val, f->vlen);
}

static int execve_field(struct enrich *x, struct argv_state *a, const struct field *f)
{
	unsigned long idx = 0;
	enum arg_kind k = arg_kind(f, &idx);

	if (k == ARG_PIECE && !(a->split && a->split_idx == idx)) {
		argv_flush_split(x, a);
		k = ARG_LEN;	/* a piece without its _len: start joining here */
	}
	if (k != ARG_PIECE)
		argv_flush_split(x, a);
	if (buf_room(&x->argv, f->vlen * 6 + 8) < 0)
		return -1;
	switch (k) {
	case ARG_WHOLE:
		x->tmp.len = 0;
		arg_value(f, &x->tmp);
		argv_add(x, a, x->tmp.p, x->tmp.len);
		return 1;
	case ARG_LEN:
		a->split = 1;
		a->split_idx = idx;
		x->arg.len = 0;
		if (f->name[f->nlen - 1] == ']')
			arg_value(f, &x->arg);
		return 1;
	case ARG_PIECE:
		arg_value(f, &x->arg);
		return 1;
	default:
		return 0;
	}
}

static void emit_execve(struct enrich *x, struct buf *b, const struct asm_event *ev, unsigned first)
{
	struct argv_state a = { 0, 0, 0 };
	struct field f;
	struct obj o;

	obj_init(&o, x, b, AUDIT_EXECVE, 0);
	x->argv.len = 0;
	buf_addc(b, '{');
	for (unsigned i = first; i < ev->nrec; i++) {
		const char *s = ev->text + ev->recs[i].off;
		size_t n = ev->recs[i].len, pos = 0;

		if (ev->recs[i].type != AUDIT_EXECVE)
			continue;
		while (field_next(s, n, &pos, &f)) {
			if (!f.name) {
				o.bare = 1;
				continue;
			}
			if (execve_field(x, &a, &f) != 0 || reserve_field(b, &f) < 0)
				continue;
			sep(&o);
			add_key(b, &f);
			emit_value(x, &o, &f, field_kind(f.name, f.nlen), s + pos, n - pos);
		}
	}
	argv_flush_split(x, &a);
	if (buf_reserve(b, x->argv.len + 16) == 0) {
		sep(&o);
		buf_adds(b, "\"ARGV\":[");
		buf_add(b, x->argv.p, x->argv.len);
		buf_addc(b, ']');
	}
	buf_addc(b, '}');
}

/* ------------------------------------------------------------- the event */

void enrich_add_time(struct enrich *x, struct buf *b, uint64_t sec, unsigned ms)
{
	char t[5] = { '.', 0, 0, 0, 'Z' };

	ms %= 1000;
	if (sec != x->time_sec) {
		time_t tt = (time_t)sec;
		struct tm tm;
		if (!gmtime_r(&tt, &tm) ||
		    !strftime(x->time_txt, sizeof(x->time_txt), "%Y-%m-%dT%H:%M:%S", &tm))
			strcpy(x->time_txt, "1970-01-01T00:00:00");
		x->time_sec = sec;
	}
	buf_add(b, x->time_txt, strlen(x->time_txt));
	t[1] = (char)('0' + ms / 100);	/* not snprintf: it showed in the profile */
	t[2] = (char)('0' + ms / 10 % 10);
	t[3] = (char)('0' + ms % 10);
	buf_add(b, t, sizeof(t));
}

static int seen_before(const struct asm_event *ev, unsigned i)
{
	for (unsigned j = 0; j < i; j++)
		if (ev->recs[j].type == ev->recs[i].type)
			return 1;
	return 0;
}

static unsigned count_type(const struct asm_event *ev, unsigned from)
{
	unsigned n = 0;

	for (unsigned j = from; j < ev->nrec; j++)
		n += ev->recs[j].type == ev->recs[from].type;
	return n;
}

static void emit_type(struct enrich *x, struct buf *b, const struct asm_event *ev, unsigned i)
{
	int type = ev->recs[i].type;
	unsigned n = count_type(ev, i);
	char tmp[24];
	const char *name = msg_type_name(type, tmp);

	buf_addc(b, ',');
	json_add_string(b, name, strlen(name));
	buf_addc(b, ':');
	if (type == AUDIT_EXECVE) {
		emit_execve(x, b, ev, i);
		return;
	}
	if (n > 1)
		buf_addc(b, '[');
	for (unsigned j = i, k = 0; j < ev->nrec; j++) {
		if (ev->recs[j].type != type)
			continue;
		if (k++)
			buf_addc(b, ',');
		emit_record(x, b, ev, j);
	}
	if (n > 1)
		buf_addc(b, ']');
}

void enrich_add_head(struct enrich *x, struct buf *b, const struct asm_event *ev, size_t node_len)
{
	buf_adds(b, "{\"serial\":");
	buf_add_u64(b, ev->serial);
	buf_adds(b, ",\"time\":\"");
	enrich_add_time(x, b, ev->sec, ev->ms);
	buf_adds(b, "\",\"node\":");
	json_add_string(b, x->node, node_len);
}

int format_enriched(struct buf *b, const struct asm_event *ev, struct enrich *x, uint64_t now_sec)
{
	size_t start = b->len, node_len = strlen(x->node);

	x->now_sec = now_sec;
	/* Within a minute of now: read from the kernel, not replayed from an
	 * old log, so /proc still shows its processes. */
	x->fresh = ev->sec + 60 >= now_sec && ev->sec <= now_sec + 60;
	if (buf_reserve(b, node_len * 6 + 128) < 0)
		return -ENOMEM;
	enrich_add_head(x, b, ev, node_len);
	for (unsigned i = 0; i < ev->nrec; i++) {
		if (buf_room(b, 64) < 0)
			break;
		if (!seen_before(ev, i))
			emit_type(x, b, ev, i);
	}
	/* Every write above reserved first; a failed reserve leaves b short. */
	if (buf_reserve(b, 2) < 0 || b->cap - b->len < 2) {
		b->len = start;
		return -ENOMEM;
	}
	buf_addc(b, '}');
	return 0;
}

/* The scratch of the enriched format, and of the raw one, which shares its
 * object head and time cache. */
void *enrich_scratch_new(const struct format_env *env)
{
	struct enrich *x = malloc(sizeof(*x));

	if (x)
		enrich_init(x, env->uidmap, env->node);
	return x;
}

void enrich_scratch_free(void *scratch)
{
	if (scratch)
		enrich_free(scratch);
	free(scratch);
}

static int enriched_render(struct buf *out, const struct asm_event *ev, void *scratch, uint64_t now_sec)
{
	return format_enriched(out, ev, scratch, now_sec);
}

const struct format format_enriched_def = {
	.name = "enriched",
	.scratch_new = enrich_scratch_new,
	.scratch_free = enrich_scratch_free,
	.render = enriched_render,
	.parallel = 1,
	.reads_processes = 1,
};
