/* core/pipeline/seq.c -- a sliding bitmap over serials.
 *
 * The window is [base, base + size): serials below `base` are settled (seen
 * or reported missed).  When a serial arrives beyond the window, the window
 * slides and every unseen serial that falls out of it is reported missed.  A
 * timer does the same for gaps that stay open while traffic stops.  The ring
 * holds 2 * size bits: the window, and behind it the last `size` settled
 * serials, so a duplicate arriving after its serial settled is still known
 * for one.  Serials seen outside the kernel's sequence (auditd's DAEMON_*
 * records in a text log) are kept apart and cut out of every missed run:
 * a loss report names only serials that never came. */
#include "pipeline/seq.h"

#include <stdlib.h>
#include <string.h>

#include "util/log.h"

#define FOREIGN_MAX 4096

struct seq {
	struct seq_config cfg;
	seq_missed_fn missed_fn;
	seq_anomaly_fn anomaly_fn;
	void *arg;
	uint8_t *bits;		/* 2 * size bits: history, then the window */
	uint64_t size;		/* the window, a power of two */
	uint64_t base;		/* lowest unsettled serial */
	uint64_t high;		/* highest serial seen; 0: none yet */
	int started;
	uint64_t mark_serial, mark_ms;	/* for the age check */
	uint64_t held_first, held_len;	/* missed run not yet reported */
	uint64_t *foreign;	/* sorted serials seen outside the sequence */
	size_t nforeign;
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
	s->bits = calloc(2 * size / 8, 1);
	s->foreign = malloc(FOREIGN_MAX * sizeof(*s->foreign));
	if (!s->bits || !s->foreign) {
		seq_free(s);
		return NULL;
	}
	s->missed_fn = fn;
	s->arg = arg;
	return s;
}

void seq_set_anomaly_fn(struct seq *s, seq_anomaly_fn fn)
{
	s->anomaly_fn = fn;
}

void seq_free(struct seq *s)
{
	if (!s)
		return;
	free(s->bits);
	free(s->foreign);
	free(s);
}

static int test_bit(struct seq *s, uint64_t n)
{
	uint64_t i = n & (2 * s->size - 1);
	return s->bits[i >> 3] & (1u << (i & 7));
}

static void set_bit(struct seq *s, uint64_t n, int on)
{
	uint64_t i = n & (2 * s->size - 1);
	if (on)
		s->bits[i >> 3] |= (uint8_t)(1u << (i & 7));
	else
		s->bits[i >> 3] &= (uint8_t)~(1u << (i & 7));
}

static void clear_bits(struct seq *s)
{
	memset(s->bits, 0, 2 * s->size / 8);
}

/* The first foreign serial >= n. */
static size_t foreign_from(const struct seq *s, uint64_t n)
{
	size_t lo = 0, hi = s->nforeign;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (s->foreign[mid] < n)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Forgets foreign serials below n: no missed run can hold them any more. */
static void foreign_prune(struct seq *s, uint64_t n)
{
	size_t k = foreign_from(s, n);

	memmove(s->foreign, s->foreign + k, (s->nforeign - k) * sizeof(*s->foreign));
	s->nforeign -= k;
}

/* Reports [first, first + len) missed, less the foreign serials in it. */
static void report_run(struct seq *s, uint64_t first, uint64_t len)
{
	uint64_t end = first + len;
	size_t i = foreign_from(s, first);

	while (first < end) {
		uint64_t stop = i < s->nforeign && s->foreign[i] < end ? s->foreign[i] : end;

		if (stop > first) {
			s->st.missed += stop - first;
			s->missed_fn(s->arg, first, stop - first);
		}
		first = stop + 1;
		i++;
	}
	foreign_prune(s, end);
}

/* Reports the held run of missed serials, if any. */
static void close_held(struct seq *s)
{
	if (s->held_len)
		report_run(s, s->held_first, s->held_len);
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
 * everything past it was never seen.  A settled serial keeps its bit as
 * history; the slot it frees is that of the window's new top. */
static void settle_below(struct seq *s, uint64_t to)
{
	uint64_t end = to < s->base + s->size ? to : s->base + s->size;

	for (; s->base < end; s->base++) {
		int seen = test_bit(s, s->base);

		set_bit(s, s->base + s->size, 0);	/* was base - size's history */
		if (seen)
			close_held(s);
		else
			hold(s, s->base, 1);
	}
	if (s->base < to) {
		hold(s, s->base, to - s->base);
		s->base = to;
		clear_bits(s);	/* nothing behind a jump was seen */
	}
	/* The next serial was seen: the run cannot grow, report it now. */
	if (s->held_len && s->base <= s->high && test_bit(s, s->base))
		close_held(s);
}

static void restart_at(struct seq *s, uint64_t serial, uint64_t now_ms)
{
	clear_bits(s);
	s->base = serial;
	s->high = serial;
	s->started = 1;
	s->mark_serial = serial;
	s->mark_ms = now_ms;
}

static void anomaly(struct seq *s, enum seq_anomaly kind, uint64_t serial, uint64_t prev)
{
	if (s->anomaly_fn)
		s->anomaly_fn(s->arg, kind, serial, prev);
}

/* A serial below the window.  Returns 1 when it was handled (a duplicate
 * or a late one), 0 when tracking restarted at it. */
static int behind(struct seq *s, uint64_t serial, uint64_t now_ms)
{
	uint64_t back = s->base - serial;

	if (back <= s->size && test_bit(s, serial)) {
		s->st.duplicates++;
		anomaly(s, SEQ_DUPLICATE, serial, s->high);
		return 1;
	}
	if (back <= 2 * s->size) {
		/* A serial reported missed that came after all (or one too old
		 * to tell from a duplicate): logged, not reported again. */
		s->st.late++;
		log_info("serial %llu came after it was settled (highest %llu)",
			 (unsigned long long)serial, (unsigned long long)s->high);
		return 1;
	}
	log_notice("serial went back from %llu to %llu: new boot or daemon restart, tracking restarts",
		   (unsigned long long)s->high, (unsigned long long)serial);
	s->st.resets++;
	anomaly(s, SEQ_RESET, serial, s->high);
	/* The old run's gaps are losses of that run: report them now, the new
	 * window cannot see them any more. */
	settle_below(s, s->high + 1);
	close_held(s);
	s->nforeign = 0;
	restart_at(s, serial, now_ms);
	return 0;
}

void seq_observe(struct seq *s, uint64_t serial, uint64_t now_ms)
{
	s->st.seen++;
	if (!s->started)
		restart_at(s, serial, now_ms);
	if (serial < s->base && behind(s, serial, now_ms))
		return;
	if (serial >= s->base + s->size)
		settle_below(s, serial - s->size + 1);
	if (test_bit(s, serial)) {
		s->st.duplicates++;
		anomaly(s, SEQ_DUPLICATE, serial, s->high);
		return;
	}
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

void seq_note(struct seq *s, uint64_t serial)
{
	size_t k;

	if (s->started && serial < s->base && (!s->held_len || serial < s->held_first))
		return;		/* settled already: in no run to come */
	k = foreign_from(s, serial);
	if (k < s->nforeign && s->foreign[k] == serial)
		return;
	if (s->nforeign == FOREIGN_MAX) {	/* the oldest goes */
		memmove(s->foreign, s->foreign + 1, --s->nforeign * sizeof(*s->foreign));
		if (k)
			k--;
	}
	memmove(s->foreign + k + 1, s->foreign + k, (s->nforeign - k) * sizeof(*s->foreign));
	s->foreign[k] = serial;
	s->nforeign++;
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
