/* tests/unit/test_format_pool.c -- events rendered on several threads come
 * out in the order they went in, each once, with the forms asked for;
 * prebuilt (loss) events keep their place; the byte bound holds. */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pipeline/event.h"
#include "pipeline/format_pool.h"

#define FIXED_SERIAL 0xffffffffull

struct ctx {
	int id;			/* 0: the reader's */
	atomic_uint rendered;
};

struct world {
	struct ctx reader, helper[2];
	atomic_int next_helper;
	uint64_t *got;		/* delivered, in order: serial * 16 + format, FIXED_SERIAL for fixed */
	size_t ngot, cap;
	uint64_t *outs;		/* each delivery's outs */
	size_t held_max;	/* bytes submitted, not yet delivered, at most */
	size_t held;
	unsigned slow_every;	/* a render sleeps every n-th call: helpers lag, the reader steals */
};

static void *ctx_new(void *arg)
{
	struct world *w = arg;
	int i = atomic_fetch_add(&w->next_helper, 1);

	w->helper[i].id = i + 1;
	return &w->helper[i];
}

static void ctx_free(void *ctx)
{
	(void)ctx;
}

static struct event *render(void *vctx, unsigned f, const struct asm_event *ev, uint64_t now)
{
	struct ctx *c = vctx;
	char json[64];
	/* The record text carries the serial: it must have been copied. */
	unsigned long long s = strtoull(ev->text + ev->recs[0].off, NULL, 10);
	int n = snprintf(json, sizeof(json), "{\"s\":%llu,\"f\":%u,\"now\":%llu}", s, f,
			 (unsigned long long)now);
	unsigned k = atomic_fetch_add(&c->rendered, 1);

	ck_assert_uint_eq(s, ev->serial);
	if (k % 7 == 3)
		usleep(50);	/* any thread falls behind now and then */
	return event_new(json, (size_t)n, ev->serial, 0, 0, "node");
}

static void push(struct world *w, uint64_t v, uint64_t outs)
{
	if (w->ngot == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 1024;
		w->got = realloc(w->got, w->cap * sizeof(*w->got));
		w->outs = realloc(w->outs, w->cap * sizeof(*w->outs));
		ck_assert_ptr_nonnull(w->got);
		ck_assert_ptr_nonnull(w->outs);
	}
	w->got[w->ngot] = v;
	w->outs[w->ngot++] = outs;
}

static void deliver(void *arg, struct fpool_item *it)
{
	struct world *w = arg;

	if (it->fixed) {
		push(w, FIXED_SERIAL, it->outs);
		event_unref(it->fixed);
	}
	for (unsigned f = 0; f < FORMAT_MAX; f++) {
		if (!it->ev[f])
			continue;
		ck_assert_ptr_nonnull(strstr(it->ev[f]->json, "\"now\":"));
		push(w, it->ev[f]->pub.serial * 16 + f, it->outs);
		event_unref(it->ev[f]);
	}
}

static const struct fpool_ops ops = { ctx_new, ctx_free, render, deliver };

/* An event of one record whose text is its serial, padded to len bytes. */
static void make_event(struct asm_event *ev, struct asm_record *rec, char *text, uint64_t serial,
		       size_t len)
{
	int n = snprintf(text, len, "%llu", (unsigned long long)serial);

	memset(text + n, ' ', len - (size_t)n);
	memset(ev, 0, sizeof(*ev));
	*rec = (struct asm_record){ .type = 1300, .off = 0, .len = (uint32_t)len };
	ev->serial = serial;
	ev->sec = 1700000000;
	ev->nrec = 1;
	ev->recs = rec;
	ev->text = text;
	ev->text_len = len;
}

static void world_free(struct world *w)
{
	free(w->got);
	free(w->outs);
}

START_TEST(order_kept_with_helpers)
{
	unsigned helpers = (unsigned)_i;	/* 0, 1, 2 */
	struct world w = { 0 };
	struct format_pool *fp = fpool_new(&ops, &w, &w.reader, helpers);
	char text[64];
	struct asm_record rec;
	struct asm_event ev;
	const uint64_t N = 20000;
	size_t i = 0;

	ck_assert_ptr_nonnull(fp);
	for (uint64_t s = 1; s <= N; s++) {
		/* format 0 always, format 2 for every third event */
		uint32_t fmts = 1u | (s % 3 == 0 ? 4u : 0u);

		make_event(&ev, &rec, text, s, 40);
		ck_assert_int_eq(fpool_submit(fp, &ev, s, fmts, s & 3), 0);
		if (s % 97 == 0)
			fpool_submit_event(fp, event_new("{}", 2, 0, 0, 0, "node"), 1);
		if (s % 1000 == 0) {
			/* The reader pauses now and then (as between reads), so a
			 * helper gets a CPU even on a loaded machine with one core:
			 * the "each helper rendered" check below does not depend
			 * on the scheduler running it within the loop. */
			usleep(2000);
			fpool_flush(fp);	/* the end of a read */
		}
	}
	fpool_flush(fp);
	/* Everything is delivered at a flush, in submission order. */
	for (uint64_t s = 1; s <= N; s++) {
		ck_assert_uint_lt(i, w.ngot);
		ck_assert_uint_eq(w.got[i], s * 16);
		ck_assert_uint_eq(w.outs[i++], s & 3);
		if (s % 3 == 0) {
			ck_assert_uint_eq(w.got[i], s * 16 + 2);
			ck_assert_uint_eq(w.outs[i++], s & 3);
		}
		if (s % 97 == 0) {
			ck_assert_uint_eq(w.got[i], FIXED_SERIAL);
			ck_assert_uint_eq(w.outs[i++], 1);
		}
	}
	ck_assert_uint_eq(i, w.ngot);
	fpool_free(fp);
	/* Work was shared: each helper rendered, and so did the reader while it
	 * waited on a lagging helper. */
	for (unsigned h = 0; h < helpers; h++)
		ck_assert_uint_gt(atomic_load(&w.helper[h].rendered), 0);
	ck_assert_uint_gt(atomic_load(&w.reader.rendered), 0);
	if (!helpers)
		ck_assert_uint_eq(atomic_load(&w.reader.rendered), N + N / 3);
	world_free(&w);
}
END_TEST

/* Text held for rendering stays under FPOOL_MAX_BYTES: past it, a submit
 * delivers what is pending first. */
START_TEST(byte_bound)
{
	struct world w = { 0 };
	struct format_pool *fp = fpool_new(&ops, &w, &w.reader, 1);
	const size_t big = 1u << 20;
	char *text = malloc(big);
	struct asm_record rec;
	struct asm_event ev;
	uint64_t submitted = 0;

	ck_assert_ptr_nonnull(fp);
	ck_assert_ptr_nonnull(text);
	for (uint64_t s = 1; s <= 40; s++) {
		make_event(&ev, &rec, text, s, big);
		ck_assert_int_eq(fpool_submit(fp, &ev, 0, 1, 1), 0);
		submitted += big;
		/* undelivered bytes: what went in minus what came out */
		ck_assert_uint_le(submitted - w.ngot * big, FPOOL_MAX_BYTES);
	}
	fpool_free(fp);		/* delivers the rest */
	ck_assert_uint_eq(w.ngot, 40);
	free(text);
	world_free(&w);
}
END_TEST

static Suite *pool_suite(void)
{
	Suite *s = suite_create("format_pool");
	TCase *tc = tcase_create("pool");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, order_kept_with_helpers, 0, 3);
	tcase_add_test(tc, byte_bound);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(pool_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
