/* core/pipeline/assemble.c -- records to events, with no allocation per record once
 * warm: completed events go back to a free list with their buffers. */
#include "pipeline/assemble.h"

#include <errno.h>
#include <libaudit.h>
#include <stdlib.h>
#include <string.h>

#define HASH_SIZE 1024	/* power of two */

struct assembler {
	struct asm_config cfg;
	asm_emit_fn emit;
	void *arg;
	struct asm_event *hash[HASH_SIZE];
	struct asm_event *oldest, *newest;	/* pending, in arrival order */
	struct asm_event *free_list;
	size_t npending;
	uint64_t nrecords;
};

struct assembler *assembler_new(const struct asm_config *cfg, asm_emit_fn emit, void *arg)
{
	struct assembler *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->cfg = *cfg;
	if (a->cfg.max_pending == 0)
		a->cfg.max_pending = 4096;
	a->emit = emit;
	a->arg = arg;
	return a;
}

static void event_free(struct asm_event *e)
{
	free(e->recs);
	free(e->text);
	free(e);
}

void assembler_free(struct assembler *a)
{
	struct asm_event *e, *n;

	if (!a)
		return;
	for (e = a->oldest; e; e = n) {
		n = e->next;
		event_free(e);
	}
	for (e = a->free_list; e; e = n) {
		n = e->next;
		event_free(e);
	}
	free(a);
}

static struct asm_event **slot(struct assembler *a, uint64_t serial)
{
	return &a->hash[serial & (HASH_SIZE - 1)];
}

static struct asm_event *find(struct assembler *a, uint64_t serial)
{
	struct asm_event *e;

	for (e = *slot(a, serial); e; e = e->hnext)
		if (e->serial == serial)
			return e;
	return NULL;
}

static void unlink_event(struct assembler *a, struct asm_event *e)
{
	struct asm_event **pp;

	for (pp = slot(a, e->serial); *pp != e; pp = &(*pp)->hnext)
		;
	*pp = e->hnext;
	if (e->prev)
		e->prev->next = e->next;
	else
		a->oldest = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		a->newest = e->prev;
	a->npending--;
}

static void complete(struct assembler *a, struct asm_event *e)
{
	unlink_event(a, e);
	a->emit(a->arg, e);
	e->next = a->free_list;
	a->free_list = e;
}

static struct asm_event *start_event(struct assembler *a, const struct record *r, uint64_t now_ms)
{
	struct asm_event *e;

	if (a->npending >= a->cfg.max_pending)
		complete(a, a->oldest);
	e = a->free_list;
	if (e)
		a->free_list = e->next;
	else if (!(e = calloc(1, sizeof(*e))))
		return NULL;
	e->serial = r->serial;
	e->sec = r->sec;
	e->ms = r->ms;
	e->nrec = 0;
	e->text_len = 0;
	e->deadline_ms = now_ms + (record_type_is_single(r->type) && a->cfg.single_grace_ms ?
				   a->cfg.single_grace_ms : a->cfg.timeout_ms);
	e->born_ms = now_ms;
	e->hnext = *slot(a, r->serial);
	*slot(a, r->serial) = e;
	e->next = NULL;
	e->prev = a->newest;
	if (a->newest)
		a->newest->next = e;
	else
		a->oldest = e;
	a->newest = e;
	a->npending++;
	return e;
}

static int append(struct asm_event *e, const struct record *r)
{
	if (e->nrec == e->rec_cap) {
		unsigned cap = e->rec_cap ? e->rec_cap * 2 : 8;
		struct asm_record *n = realloc(e->recs, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		e->recs = n;
		e->rec_cap = cap;
	}
	/* Allocated even for an empty record: formats do text + off. */
	if (!e->text || e->text_cap - e->text_len < r->len) {
		size_t cap = e->text_cap ? e->text_cap : 1024;
		char *n;
		while (cap - e->text_len < r->len)
			cap *= 2;
		if (!(n = realloc(e->text, cap)))
			return -ENOMEM;
		e->text = n;
		e->text_cap = cap;
	}
	memcpy(e->text + e->text_len, r->data, r->len);
	e->recs[e->nrec].type = r->type;
	e->recs[e->nrec].off = (uint32_t)e->text_len;
	e->recs[e->nrec].len = (uint32_t)r->len;
	e->nrec++;
	e->text_len += r->len;
	return 0;
}

/* Text logs: an event is over once enough records of others went past it. */
static void complete_lingering(struct assembler *a)
{
	while (a->oldest && a->nrecords - a->oldest->touched > a->cfg.linger_records)
		complete(a, a->oldest);
}

int assembler_add(struct assembler *a, const struct record *r, uint64_t now_ms)
{
	struct asm_event *e = find(a, r->serial);

	a->nrecords++;
	if (r->type == AUDIT_EOE) {
		if (e)
			complete(a, e);
		return 0;
	}
	if (!e && !(e = start_event(a, r, now_ms)))
		return -ENOMEM;
	if (append(e, r) < 0) {
		complete(a, e);	/* keep what we have rather than nothing */
		return -ENOMEM;
	}
	e->touched = a->nrecords;
	if (e->nrec == 2)	/* more than one record: not a lone one after all */
		e->deadline_ms = e->born_ms + a->cfg.timeout_ms;
	if (a->cfg.linger_records)
		complete_lingering(a);
	return 0;
}

void assembler_tick(struct assembler *a, uint64_t now_ms)
{
	struct asm_event *e, *next;

	if (!a->cfg.timeout_ms)
		return;
	/* Deadlines differ (lone records have a short grace), so look at all;
	 * only a handful are pending outside bursts. */
	for (e = a->oldest; e; e = next) {
		next = e->next;
		if (now_ms >= e->deadline_ms)
			complete(a, e);
	}
}

void assembler_flush(struct assembler *a)
{
	while (a->oldest)
		complete(a, a->oldest);
}

size_t assembler_pending(const struct assembler *a)
{
	return a->npending;
}
