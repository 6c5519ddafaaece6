/* tests/unit/test_seq.c -- the sequence tracker: reordering is not loss, a
 * real gap is reported once and exactly, by window, by age or at the end. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/seq.h"

/* ------------------------------------------------------------- capture */

#define MAX_RUNS 64

struct runs {
	unsigned n;
	uint64_t first[MAX_RUNS], count[MAX_RUNS];
};

static void capture_missed(void *arg, uint64_t first, uint64_t count)
{
	struct runs *r = arg;

	ck_assert_uint_lt(r->n, MAX_RUNS);
	ck_assert_uint_gt(count, 0);
	r->first[r->n] = first;
	r->count[r->n] = count;
	r->n++;
}

static struct seq *new_seq(unsigned window, unsigned max_age_ms, struct runs *r)
{
	struct seq_config cfg = { .window = window, .max_age_ms = max_age_ms, .log_out_of_order = 0 };
	struct seq *s;

	memset(r, 0, sizeof(*r));
	s = seq_new(&cfg, capture_missed, r);
	ck_assert_ptr_nonnull(s);
	return s;
}

static void observe_list(struct seq *s, const uint64_t *serials, size_t n, uint64_t now)
{
	for (size_t i = 0; i < n; i++)
		seq_observe(s, serials[i], now);
}

static void assert_run(const struct runs *r, unsigned i, uint64_t first, uint64_t count)
{
	ck_assert_uint_gt(r->n, i);
	ck_assert_uint_eq(r->first[i], first);
	ck_assert_uint_eq(r->count[i], count);
}

/* ------------------------------------------------------------------ tests */

/* In-order serials: nothing missed, nothing out of order, even at the end. */
START_TEST(in_order)
{
	struct runs r;
	struct seq *s = new_seq(64, 1000, &r);

	for (uint64_t i = 1; i <= 1000; i++)
		seq_observe(s, i, 0);
	seq_tick(s, 1000);
	seq_tick(s, 2000);
	seq_flush(s);
	ck_assert_uint_eq(r.n, 0);
	ck_assert_uint_eq(seq_stats(s)->seen, 1000);
	ck_assert_uint_eq(seq_stats(s)->missed, 0);
	ck_assert_uint_eq(seq_stats(s)->out_of_order, 0);
	ck_assert_uint_eq(seq_stats(s)->resets, 0);
	ck_assert_uint_eq(seq_last(s), 1000);
	seq_free(s);
}
END_TEST

/* Tracking starts wherever the first serial is: nothing below it is missed. */
START_TEST(starts_anywhere)
{
	struct runs r;
	struct seq *s = new_seq(64, 1000, &r);

	ck_assert_uint_eq(seq_last(s), 0);
	seq_observe(s, 123456, 0);
	seq_observe(s, 123457, 0);
	seq_flush(s);
	ck_assert_uint_eq(r.n, 0);
	ck_assert_uint_eq(seq_last(s), 123457);
	seq_free(s);
}
END_TEST

/* Reordering within the window is not loss, but is counted. */
START_TEST(reorder_in_window)
{
	static const uint64_t order[] = { 1, 3, 2, 5, 4 };
	struct runs r;
	struct seq *s = new_seq(64, 1000, &r);

	observe_list(s, order, 5, 0);
	for (uint64_t i = 6; i <= 200; i++)
		seq_observe(s, i, 0);
	seq_flush(s);
	ck_assert_uint_eq(r.n, 0);
	ck_assert_uint_eq(seq_stats(s)->out_of_order, 2);
	ck_assert_uint_eq(seq_stats(s)->missed, 0);
	ck_assert_uint_eq(seq_last(s), 200);
	seq_free(s);
}
END_TEST

/* A serial late by almost a whole window is still not missed. */
START_TEST(late_within_window)
{
	struct runs r;
	struct seq *s = new_seq(64, 1000, &r);

	seq_observe(s, 1, 0);
	for (uint64_t i = 3; i <= 65; i++)	/* 63 later serials */
		seq_observe(s, i, 0);
	ck_assert_uint_eq(r.n, 0);
	seq_observe(s, 2, 0);
	for (uint64_t i = 66; i <= 300; i++)
		seq_observe(s, i, 0);
	seq_flush(s);
	ck_assert_uint_eq(r.n, 0);
	ck_assert_uint_eq(seq_stats(s)->out_of_order, 1);
	seq_free(s);
}
END_TEST

/* A real gap (1,2,4,...) is reported as [3,1] once `window` (64) later
 * serials have been seen: not at 4+63=66, exactly at 4+63+1=67. */
START_TEST(gap_by_window)
{
	struct runs r;
	struct seq *s = new_seq(64, 1000, &r);

	seq_observe(s, 1, 0);
	seq_observe(s, 2, 0);
	for (uint64_t i = 4; i <= 66; i++)
		seq_observe(s, i, 0);
	ck_assert_uint_eq(r.n, 0);
	seq_observe(s, 67, 0);
	ck_assert_uint_eq(r.n, 1);
	assert_run(&r, 0, 3, 1);
	ck_assert_uint_eq(seq_stats(s)->missed, 1);
	/* once only */
	for (uint64_t i = 68; i <= 500; i++)
		seq_observe(s, i, 0);
	seq_flush(s);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_uint_eq(seq_stats(s)->missed, 1);
	seq_free(s);
}
END_TEST

/* The same with go-audit's 500 (a window is rounded up to a power of two, so
 * the report comes by 4+512 at the latest). */
START_TEST(gap_by_window_500)
{
	struct runs r;
	struct seq *s = new_seq(500, 1000, &r);

	seq_observe(s, 1, 0);
	seq_observe(s, 2, 0);
	for (uint64_t i = 4; i <= 4 + 499; i++)
		seq_observe(s, i, 0);
	ck_assert_uint_eq(r.n, 0);	/* 500 later serials: not yet */
	for (uint64_t i = 4 + 500; i <= 4 + 512; i++)
		seq_observe(s, i, 0);
	ck_assert_uint_eq(r.n, 1);
	assert_run(&r, 0, 3, 1);
	seq_free(s);
}
END_TEST

/* Several gaps make separate runs, in order. */
START_TEST(several_gaps)
{
	struct runs r;
	struct seq *s = new_seq(64, 1000, &r);

	for (uint64_t i = 1; i <= 300; i++)
		if (!(i == 10 || (i >= 20 && i <= 24) || i == 100))
			seq_observe(s, i, 0);
	seq_flush(s);
	ck_assert_uint_eq(r.n, 3);
	assert_run(&r, 0, 10, 1);
	assert_run(&r, 1, 20, 5);
	assert_run(&r, 2, 100, 1);
	ck_assert_uint_eq(seq_stats(s)->missed, 7);
	ck_assert_uint_eq(seq_stats(s)->seen, 293);
	seq_free(s);
}
END_TEST

/* Traffic stops with a gap open: the first tick at max_age sets the mark,
 * the next one max_age later declares the gap below it. */
START_TEST(gap_by_age)
{
	static const uint64_t order[] = { 1, 2, 4 };
	struct runs r;
	struct seq *s = new_seq(64, 1000, &r);

	observe_list(s, order, 3, 0);
	seq_tick(s, 500);
	ck_assert_uint_eq(r.n, 0);
	seq_tick(s, 1000);		/* mark: serial 4 at t=1000 */
	ck_assert_uint_eq(r.n, 0);
	seq_tick(s, 1999);
	ck_assert_uint_eq(r.n, 0);
	seq_tick(s, 2000);
	ck_assert_uint_eq(r.n, 1);
	assert_run(&r, 0, 3, 1);
	ck_assert_uint_eq(seq_stats(s)->missed, 1);
	/* 3 arriving after all is not counted again, nor as a new gap */
	seq_observe(s, 3, 2100);
	seq_tick(s, 5000);
	seq_tick(s, 9000);
	seq_flush(s);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_uint_eq(seq_stats(s)->missed, 1);
	seq_free(s);
}
END_TEST

/* A gap above the mark is younger than max_age: a tick does not declare it. */
START_TEST(age_respects_mark)
{
	struct runs r;
	struct seq *s = new_seq(64, 1000, &r);

	seq_observe(s, 1, 0);
	seq_tick(s, 1000);		/* mark: serial 1 */
	seq_observe(s, 3, 1500);	/* gap at 2, seen at t=1500 */
	seq_tick(s, 2000);		/* nothing below 1 is open; mark: 3 */
	ck_assert_uint_eq(r.n, 0);
	seq_tick(s, 3000);		/* now 2 is older than max_age */
	ck_assert_uint_eq(r.n, 1);
	assert_run(&r, 0, 2, 1);
	seq_free(s);
}
END_TEST

/* End of input: trailing gaps below the highest serial are declared. */
START_TEST(flush_trailing_gaps)
{
	static const uint64_t order[] = { 1, 2, 5, 7 };
	struct runs r;
	struct seq *s = new_seq(64, 1000, &r);

	observe_list(s, order, 4, 0);
	ck_assert_uint_eq(r.n, 0);
	seq_flush(s);
	ck_assert_uint_eq(r.n, 2);
	assert_run(&r, 0, 3, 2);
	assert_run(&r, 1, 6, 1);
	ck_assert_uint_eq(seq_stats(s)->missed, 3);
	/* a second flush reports nothing new */
	seq_flush(s);
	ck_assert_uint_eq(r.n, 2);
	seq_free(s);
}
END_TEST

/* A jump far beyond the window (1, then 1000000, window 500) is one gap:
 * by the end of input it has been reported as exactly one run [2, 999998]
 * (whether at once or when the window has moved past it). */
START_TEST(far_jump)
{
	struct runs r;
	struct seq *s = new_seq(500, 1000, &r);

	seq_observe(s, 1, 0);
	seq_observe(s, 1000000, 0);
	seq_flush(s);
	ck_assert_uint_eq(r.n, 1);
	assert_run(&r, 0, 2, 999998);
	ck_assert_uint_eq(seq_stats(s)->missed, 999998);
	seq_free(s);
}
END_TEST

/* After such a jump the serials just below the new one may still come: a
 * late 999999 is not missed; everything else in [2, 999998] is, once. */
START_TEST(far_jump_late_serial)
{
	struct runs r;
	struct seq *s = new_seq(500, 1000, &r);
	uint64_t total = 0;

	seq_observe(s, 1, 0);
	seq_observe(s, 1000000, 0);
	seq_observe(s, 999999, 0);
	seq_flush(s);
	for (unsigned i = 0; i < r.n; i++) {
		ck_assert_uint_ge(r.first[i], 2);
		ck_assert_uint_le(r.first[i] + r.count[i], 999999);	/* 999999 not in it */
		total += r.count[i];
	}
	ck_assert_uint_eq(total, 999997);
	ck_assert_uint_eq(seq_stats(s)->missed, 999997);
	seq_free(s);
}
END_TEST

/* The serial going far backwards (a new boot) restarts tracking: counted as
 * a reset, not as a gap, and tracking goes on from the new serial. */
START_TEST(backwards_reset)
{
	struct runs r;
	struct seq *s = new_seq(64, 1000, &r);

	for (uint64_t i = 100000; i <= 100010; i++)
		seq_observe(s, i, 0);
	seq_observe(s, 5, 0);
	ck_assert_uint_eq(seq_stats(s)->resets, 1);
	ck_assert_uint_eq(r.n, 0);
	ck_assert_uint_eq(seq_last(s), 5);
	for (uint64_t i = 6; i <= 20; i++)
		if (i != 9)
			seq_observe(s, i, 0);
	seq_flush(s);
	ck_assert_uint_eq(r.n, 1);
	assert_run(&r, 0, 9, 1);
	ck_assert_uint_eq(seq_stats(s)->resets, 1);
	ck_assert_uint_eq(seq_last(s), 20);
	seq_free(s);
}
END_TEST

/* A gap the old run still held when the serial went back is a loss of that
 * run: reported at the reset, not forgotten. */
START_TEST(gap_before_reset)
{
	struct runs r;
	struct seq *s = new_seq(64, 1000, &r);

	for (uint64_t i = 100000; i <= 100010; i++)
		if (i != 100006)
			seq_observe(s, i, 0);
	ck_assert_uint_eq(r.n, 0);	/* still inside the window */
	seq_observe(s, 5, 0);
	ck_assert_uint_eq(seq_stats(s)->resets, 1);
	ck_assert_uint_eq(r.n, 1);
	assert_run(&r, 0, 100006, 1);
	seq_flush(s);
	ck_assert_uint_eq(r.n, 1);
	seq_free(s);
}
END_TEST

/* After a reset the age check starts over too: ticks report no gap between
 * the new serials and the old ones. */
START_TEST(reset_then_tick)
{
	struct runs r;
	struct seq *s = new_seq(64, 1000, &r);

	for (uint64_t i = 100000; i <= 100010; i++)
		seq_observe(s, i, 0);
	seq_tick(s, 1000);			/* mark: 100010 */
	for (uint64_t i = 5; i <= 7; i++)	/* new boot */
		seq_observe(s, i, 1500);
	ck_assert_uint_eq(seq_stats(s)->resets, 1);
	seq_tick(s, 2000);
	seq_tick(s, 3000);
	seq_tick(s, 4000);
	ck_assert_uint_eq(r.n, 0);
	ck_assert_uint_eq(seq_stats(s)->missed, 0);
	seq_flush(s);
	ck_assert_uint_eq(r.n, 0);
	seq_free(s);
}
END_TEST

/* Duplicates are neither missed nor counted twice as gaps. */
START_TEST(duplicates)
{
	static const uint64_t order[] = { 1, 2, 2, 3, 3, 3, 1, 4 };
	struct runs r;
	struct seq *s = new_seq(64, 1000, &r);

	observe_list(s, order, 8, 0);
	for (uint64_t i = 5; i <= 200; i++)
		seq_observe(s, i, 0);
	seq_flush(s);
	ck_assert_uint_eq(r.n, 0);
	ck_assert_uint_eq(seq_stats(s)->missed, 0);
	ck_assert_uint_eq(seq_stats(s)->resets, 0);
	ck_assert_uint_eq(seq_stats(s)->duplicates, 4);	/* 2, 3, 3, 1 again */
	ck_assert_uint_eq(seq_last(s), 200);
	seq_free(s);
}
END_TEST

struct anomalies {
	unsigned n;
	enum seq_anomaly kind[16];
	uint64_t serial[16];
};

static struct anomalies *anom;

static void capture_anomaly(void *arg, enum seq_anomaly kind, uint64_t serial, uint64_t high)
{
	(void)arg;
	(void)high;
	ck_assert_uint_lt(anom->n, 16);
	anom->kind[anom->n] = kind;
	anom->serial[anom->n++] = serial;
}

/* A duplicate is told as one, also after its serial settled (it is still
 * in the history behind the window); a reset is told once. */
START_TEST(anomalies_told)
{
	struct runs r;
	struct anomalies a = { 0 };
	struct seq *s = new_seq(64, 1000, &r);

	anom = &a;
	seq_set_anomaly_fn(s, capture_anomaly);
	for (uint64_t i = 1000; i <= 1200; i++)
		seq_observe(s, i, 0);
	seq_observe(s, 1199, 0);	/* in the window */
	seq_observe(s, 1150, 0);	/* settled, in the history */
	seq_observe(s, 5, 0);		/* far back: a reset */
	ck_assert_uint_eq(a.n, 3);
	ck_assert_int_eq(a.kind[0], SEQ_DUPLICATE);
	ck_assert_uint_eq(a.serial[0], 1199);
	ck_assert_int_eq(a.kind[1], SEQ_DUPLICATE);
	ck_assert_uint_eq(a.serial[1], 1150);
	ck_assert_int_eq(a.kind[2], SEQ_RESET);
	ck_assert_uint_eq(a.serial[2], 5);
	ck_assert_uint_eq(seq_stats(s)->duplicates, 2);
	ck_assert_uint_eq(seq_stats(s)->resets, 1);
	seq_flush(s);
	ck_assert_uint_eq(r.n, 0);
	seq_free(s);
}
END_TEST

/* Serials seen outside the sequence (auditd's DAEMON_* records) split a
 * missed run: a report names only serials that never came. */
START_TEST(foreign_split)
{
	struct runs r;
	struct seq *s = new_seq(64, 1000, &r);

	seq_note(s, 5);
	seq_observe(s, 1, 0);
	seq_note(s, 7);
	seq_note(s, 7);
	seq_observe(s, 10, 0);
	seq_flush(s);
	ck_assert_uint_eq(r.n, 3);
	assert_run(&r, 0, 2, 3);
	assert_run(&r, 1, 6, 1);
	assert_run(&r, 2, 8, 2);
	ck_assert_uint_eq(seq_stats(s)->missed, 6);
	seq_free(s);
}
END_TEST

static uint64_t rng_next(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Marks each reported serial; a serial reported twice fails. */
static void mark_missed(void *arg, uint64_t first, uint64_t count)
{
	uint8_t *reported = arg;

	for (uint64_t i = first; i < first + count; i++) {
		ck_assert_msg(!reported[i], "serial %llu reported twice", (unsigned long long)i);
		reported[i] = 1;
	}
}

/* A log with known gaps: serials dropped at random (bursts too), the rest
 * shuffled within a quarter of the window, some absent serials present as
 * DAEMON records.  The reported runs are exactly the absent serials, each
 * once. */
START_TEST(exact_gaps)
{
	enum { N = 20000, W = 256 };
	static uint8_t present[N + 2], foreign[N + 2], reported[N + 2];
	static uint64_t order[N], keyed[N];
	uint64_t x = 0x9e3779b97f4a7c15ull + (uint64_t)_i;
	size_t n = 0;
	struct seq_config cfg = { .window = W, .max_age_ms = 1000000 };
	struct seq *s;

	memset(present, 0, sizeof(present));
	memset(foreign, 0, sizeof(foreign));
	memset(reported, 0, sizeof(reported));
	order[n++] = 1;
	present[1] = 1;
	for (uint64_t i = 2; i < N; i++) {
		if (rng_next(&x) % 500 == 0) {		/* a burst lost */
			i += rng_next(&x) % 40;
			continue;
		}
		if (rng_next(&x) % 10 == 0) {		/* one lost, or a DAEMON record */
			foreign[i] = rng_next(&x) % 3 == 0;
			continue;
		}
		present[i] = 1;
		order[n++] = i;
	}
	order[n++] = N;
	present[N] = 1;
	/* Local reordering, the ends kept: each serial moves by less than a
	 * quarter of the window (sorted by position plus a random offset). */
	for (size_t i = 1; i + 1 < n; i++)
		keyed[i] = ((i + rng_next(&x) % (W / 4)) << 20) | order[i];
	qsort(keyed + 1, n - 2, sizeof(*keyed), cmp_u64);
	for (size_t i = 1; i + 1 < n; i++)
		order[i] = keyed[i] & ((1u << 20) - 1);
	s = seq_new(&cfg, mark_missed, reported);
	ck_assert_ptr_nonnull(s);
	for (size_t i = 0, f = 1; i < n; i++) {
		/* DAEMON records come in their place in the log. */
		for (; f <= order[i]; f++)
			if (foreign[f])
				seq_note(s, f);
		seq_observe(s, order[i], 0);
	}
	seq_flush(s);
	for (uint64_t i = 1; i <= N; i++)
		ck_assert_msg(reported[i] == (!present[i] && !foreign[i]),
			      "serial %llu: present %d foreign %d reported %d", (unsigned long long)i,
			      present[i], foreign[i], reported[i]);
	ck_assert_uint_eq(seq_stats(s)->duplicates, 0);
	seq_free(s);
}
END_TEST

/* A late serial that was already reported missed is not reported again and
 * does not move the highest serial back. */
START_TEST(late_after_reported)
{
	struct runs r;
	struct seq *s = new_seq(64, 1000, &r);

	seq_observe(s, 1, 0);
	for (uint64_t i = 3; i <= 100; i++)
		seq_observe(s, i, 0);
	ck_assert_uint_eq(r.n, 1);
	assert_run(&r, 0, 2, 1);
	seq_observe(s, 2, 0);
	ck_assert_uint_eq(seq_last(s), 100);
	ck_assert_uint_eq(seq_stats(s)->resets, 0);
	seq_flush(s);
	ck_assert_uint_eq(r.n, 1);
	seq_free(s);
}
END_TEST

/* No traffic, only ticks: nothing to report, no crash. */
START_TEST(tick_without_traffic)
{
	struct runs r;
	struct seq *s = new_seq(64, 1000, &r);

	seq_tick(s, 0);
	seq_tick(s, 5000);
	seq_tick(s, 100000);
	seq_flush(s);
	ck_assert_uint_eq(r.n, 0);
	ck_assert_uint_eq(seq_last(s), 0);
	seq_free(s);
}
END_TEST

static Suite *seq_suite(void)
{
	Suite *s = suite_create("seq");
	TCase *tc = tcase_create("seq");

	tcase_add_test(tc, in_order);
	tcase_add_test(tc, starts_anywhere);
	tcase_add_test(tc, reorder_in_window);
	tcase_add_test(tc, late_within_window);
	tcase_add_test(tc, gap_by_window);
	tcase_add_test(tc, gap_by_window_500);
	tcase_add_test(tc, several_gaps);
	tcase_add_test(tc, gap_by_age);
	tcase_add_test(tc, age_respects_mark);
	tcase_add_test(tc, flush_trailing_gaps);
	tcase_add_test(tc, far_jump);
	tcase_add_test(tc, far_jump_late_serial);
	tcase_add_test(tc, backwards_reset);
	tcase_add_test(tc, reset_then_tick);
	tcase_add_test(tc, duplicates);
	tcase_add_test(tc, late_after_reported);
	tcase_add_test(tc, tick_without_traffic);
	tcase_add_test(tc, gap_before_reset);
	tcase_add_test(tc, anomalies_told);
	tcase_add_test(tc, foreign_split);
	tcase_add_loop_test(tc, exact_gaps, 0, 8);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(seq_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
