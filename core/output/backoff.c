/* core/output/backoff.c -- delays for RETRY. */
#include "output/backoff.h"

void backoff_init(struct backoff *b, unsigned base_ms, unsigned max_ms, uint64_t seed)
{
	b->base_ms = base_ms ? base_ms : 1;
	b->max_ms = max_ms < b->base_ms ? b->base_ms : max_ms;
	b->attempt = 0;
	b->rng = seed | 1;
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

unsigned backoff_next(struct backoff *b)
{
	uint64_t cap = b->base_ms;

	for (unsigned i = 0; i < b->attempt && cap < b->max_ms; i++)
		cap *= 2;
	if (cap > b->max_ms)
		cap = b->max_ms;
	if (b->attempt < 64)
		b->attempt++;
	/* Half fixed, half random: never a zero delay, never in lockstep. */
	return (unsigned)(cap / 2 + xorshift(&b->rng) % (cap - cap / 2 + 1));
}

void backoff_reset(struct backoff *b)
{
	b->attempt = 0;
}
