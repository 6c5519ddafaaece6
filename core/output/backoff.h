/* core/output/backoff.h -- capped, jittered exponential retry delays ("full jitter"),
 * so that outputs retrying a shared peer do not hammer it in step. */
#ifndef AS_BACKOFF_H
#define AS_BACKOFF_H

#include <stdint.h>

struct backoff {
	unsigned base_ms;
	unsigned max_ms;
	unsigned attempt;
	uint64_t rng;
};

void backoff_init(struct backoff *b, unsigned base_ms, unsigned max_ms, uint64_t seed);
/* The next delay: random in [cap/2, cap], cap = min(max, base * 2^attempt). */
unsigned backoff_next(struct backoff *b);
void backoff_reset(struct backoff *b);

#endif
