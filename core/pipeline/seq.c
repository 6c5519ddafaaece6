/* core/pipeline/seq.c -- a sliding bitmap over serials [base, base + size).
 *
 * Serials below `base` are settled (seen or reported missed).  When a serial
 * arrives beyond the window, the window slides and every unseen serial that
 * falls out of it is reported missed.  A timer does the same for gaps that
 * stay open while traffic stops. */
#include "pipeline/seq.h"

#include <stdlib.h>

#include "util/log.h"

struct seq {
	struct seq_config cfg;
	seq_missed_fn missed_fn;
	void *arg;
	uint8_t *bits;
	uint64_t size;		/* power of two */
	uint64_t base;		/* lowest unsettled serial */
	uint64_t high;		/* highest serial seen; 0: none yet */
	int started;
	uint64_t mark_serial, mark_ms;	/* for the age check */
	uint64_t held_first, held_len;	/* missed run not yet reported */
	struct seq_stats st;
};

struct seq *seq_new(const struct seq_config *cfg, seq_missed_fn fn, void *arg)
{
	struct seq *s = calloc(1, sizeof(*s));
	uint64_t size = 64;

	if (!s)
		return NULL;
	s->cfg = *cfg;
	while (size < cfg->window)
		size <<= 1;
	s->size = size;
	s->bits = calloc(size / 8, 1);
	if (!s->bits) {
		free(s);
		return NULL;
	}
	s->missed_fn = fn;
	s->arg = arg;
	return s;
}

void seq_free(struct seq *s)
{
	if (!s)
		return;
	free(s->bits);
	free(s);
}

static int test_bit(struct seq *s, uint64_t n)
{
	uint64_t i = n & (s->size - 1);
	return s->bits[i >> 3] & (1u << (i & 7));
}

static void set_bit(struct seq *s, uint64_t n, int on)
{
	uint64_t i = n & (s->size - 1);
	if (on)
		s->bits[i >> 3] |= (uint8_t)(1u << (i & 7));
	else
		s->bits[i >> 3] &= (uint8_t)~(1u << (i & 7));
}

/* Reports the held run of missed serials, if any. */
static void close_held(struct seq *s)
{
	if (s->held_len) {
		s->st.missed += s->held_len;
		s->missed_fn(s->arg, s->held_first, s->held_len);
	}
	s->held_len = 0;
}

/* Adds [first, first+n) to the held run: a burst lost at once is one report,
 * even though the window settles it one serial at a time. */
static void hold(struct seq *s, uint64_t first, uint64_t n)
{
	if (s->held_len && s->held_first + s->held_len == first) {
		s->held_len += n;
		return;
	}
	close_held(s);
	s->held_first = first;
	s->held_len = n;
}

/* Settles every serial below `to`.  Only [base, base + size) has bits;
 * everything past it was never seen. */
static void settle_below(struct seq *s, uint64_t to)
{
	uint64_t end = to < s->base + s->size ? to : s->base + s->size;

	for (; s->base < end; s->base++) {
		if (test_bit(s, s->base)) {
			set_bit(s, s->base, 0);
			close_held(s);
		} else {
			hold(s, s->base, 1);
		}
	}
	if (s->base < to) {
		hold(s, s->base, to - s->base);
		s->base = to;
	}
	/* The next serial was seen: the run cannot grow, report it now. */
	if (s->held_len && s->base <= s->high && test_bit(s, s->base))
		close_held(s);
}

static void restart_at(struct seq *s, uint64_t serial)
{
	for (uint64_t i = 0; i < s->size / 8; i++)
		s->bits[i] = 0;
	s->base = serial;
	s->high = serial;
	s->started = 1;
}

void seq_observe(struct seq *s, uint64_t serial, uint64_t now_ms)
{
	s->st.seen++;
	if (!s->started) {
		restart_at(s, serial);
		s->mark_serial = serial;
		s->mark_ms = now_ms;
	}
	if (serial < s->base) {
		if (s->base - serial > 2 * s->size) {
			log_notice("serial went back from %llu to %llu: new boot or wrap, tracking restarts",
				   (unsigned long long)s->high, (unsigned long long)serial);
			s->st.resets++;
			/* The old run's gaps are losses of that run: report them now,
			 * the new window cannot see them any more. */
			settle_below(s, s->high + 1);
			close_held(s);
			restart_at(s, serial);
			s->mark_serial = serial;
			s->mark_ms = now_ms;
		} else {
			/* Already settled: a late record of an event that had timed out,
			 * or a serial reported missed that came after all. */
			return;
		}
	}
	if (serial >= s->base + s->size)
		settle_below(s, serial - s->size + 1);
	if (serial < s->high) {
		s->st.out_of_order++;
		if (s->cfg.log_out_of_order)
			log_info("out of order: serial %llu after %llu",
				 (unsigned long long)serial, (unsigned long long)s->high);
	} else {
		s->high = serial;
	}
	set_bit(s, serial, 1);
}

void seq_tick(struct seq *s, uint64_t now_ms)
{
	if (!s->started || now_ms - s->mark_ms < s->cfg.max_age_ms)
		return;
	/* Gaps below the serial we marked max_age_ms ago are old enough. */
	if (s->mark_serial > s->base)
		settle_below(s, s->mark_serial);
	close_held(s);
	s->mark_serial = s->high;
	s->mark_ms = now_ms;
}

void seq_flush(struct seq *s)
{
	if (s->started)
		settle_below(s, s->high + 1);
	close_held(s);
}

uint64_t seq_last(const struct seq *s)
{
	return s->high;
}

const struct seq_stats *seq_stats(const struct seq *s)
{
	return &s->st;
}
