/* core/output/account.c -- drops by reason, their in-band reports, and the
 * conservation law over a snapshot of an output's counters. */
#include "output/account.h"

#include <stdio.h>
#include <string.h>

static const char *const core_reasons[ACCOUNT_PLUGIN] = {
	"queue_overflow", "output_failed", "spool_dropped", "spool_corrupt",
};

void account_init(struct account *a)
{
	memset(a, 0, sizeof(*a));
	for (unsigned i = 0; i < ACCOUNT_PLUGIN; i++)
		snprintf(a->reason[i], sizeof(a->reason[i]), "%s", core_reasons[i]);
	atomic_store(&a->nreasons, ACCOUNT_PLUGIN);
}

unsigned account_reason(struct account *a, const char *name)
{
	unsigned n = atomic_load(&a->nreasons);

	if (!name || !*name)
		name = "dropped";
	for (unsigned i = 0; i < n; i++)
		if (strcmp(a->reason[i], name) == 0)
			return i;
	if (n == ACCOUNT_REASONS)
		return n - 1;
	/* The last slot is kept for "other" once the others are taken. */
	snprintf(a->reason[n], sizeof(a->reason[n]), "%s", n == ACCOUNT_REASONS - 1 ? "other" : name);
	atomic_store(&a->nreasons, n + 1);
	return n;
}

void account_drop(struct account *a, unsigned reason, uint64_t n)
{
	atomic_fetch_add(&a->dropped[reason], n);
}

void account_reported(struct account *a, unsigned reason, uint64_t n)
{
	atomic_fetch_add(&a->reported[reason], n);
}

void account_unreportable(struct account *a, unsigned reason, uint64_t n)
{
	atomic_fetch_add(&a->unreportable[reason], n);
}

uint64_t account_pending(const struct account *a, unsigned reason)
{
	uint64_t d = atomic_load(&a->dropped[reason]);
	uint64_t told = atomic_load(&a->reported[reason]) + atomic_load(&a->unreportable[reason]);

	return d > told ? d - told : 0;
}

uint64_t account_dropped_total(const struct account *a)
{
	unsigned n = atomic_load(&a->nreasons);
	uint64_t t = 0;

	for (unsigned i = 0; i < n; i++)
		t += atomic_load(&a->dropped[i]);
	return t;
}

void account_copy(const struct account *a, struct account_snap *s)
{
	s->nreasons = atomic_load(&a->nreasons);
	for (unsigned i = 0; i < s->nreasons; i++) {
		s->reason[i] = a->reason[i];
		s->dropped[i] = atomic_load(&a->dropped[i]);
		s->reported[i] = atomic_load(&a->reported[i]);
		s->unreportable[i] = atomic_load(&a->unreportable[i]);
	}
}

uint64_t snap_received(const struct account_snap *s)
{
	return s->enqueued + s->reports + s->recovered;
}

uint64_t snap_dropped(const struct account_snap *s)
{
	uint64_t t = 0;

	for (unsigned i = 0; i < s->nreasons; i++)
		t += s->dropped[i];
	return t;
}

uint64_t snap_held(const struct account_snap *s)
{
	return s->queued + s->in_hand + s->spooled + s->undelivered;
}

int snap_balanced(const struct account_snap *s)
{
	if (snap_received(s) != s->written + snap_dropped(s) + snap_held(s))
		return 0;
	for (unsigned i = 0; i < s->nreasons; i++)
		if (s->dropped[i] != s->reported[i] + s->unreportable[i])
			return 0;
	return 1;
}

/* Appends to buf at *used; never past len - 1. */
static void add(char *buf, size_t len, size_t *used, const char *fmt, const char *name,
		unsigned long long v)
{
	int w;

	if (*used + 1 >= len)
		return;
	w = snprintf(buf + *used, len - *used, fmt, name, v);
	if (w > 0)
		*used = *used + (size_t)w < len ? *used + (size_t)w : len - 1;
}

size_t snap_format(const struct account_snap *s, char *buf, size_t len)
{
	size_t used = 0;

	if (!len)
		return 0;
	buf[0] = '\0';
	add(buf, len, &used, " %sreceived=%llu", "", (unsigned long long)snap_received(s));
	add(buf, len, &used, " %sreports=%llu", "", (unsigned long long)s->reports);
	add(buf, len, &used, " %srecovered=%llu", "", (unsigned long long)s->recovered);
	add(buf, len, &used, " %sheld=%llu", "", (unsigned long long)snap_held(s));
	add(buf, len, &used, " %sin_hand=%llu", "", (unsigned long long)s->in_hand);
	for (unsigned i = 0; i < s->nreasons; i++) {
		if (!s->dropped[i] && !s->reported[i] && !s->unreportable[i])
			continue;
		add(buf, len, &used, " dropped.%s=%llu", s->reason[i], (unsigned long long)s->dropped[i]);
		add(buf, len, &used, " reported.%s=%llu", s->reason[i], (unsigned long long)s->reported[i]);
		if (s->unreportable[i])
			add(buf, len, &used, " unreportable.%s=%llu", s->reason[i],
			    (unsigned long long)s->unreportable[i]);
	}
	add(buf, len, &used, " law=%s", snap_balanced(s) ? "ok" : "BROKEN", 0);
	return used;
}
