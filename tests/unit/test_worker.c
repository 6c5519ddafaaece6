/* tests/unit/test_worker.c -- the output worker against an in-process fake
 * plugin (tests/unit/worker_sim.h): the issue-14 cases one by one, then
 * randomized schedules of OK, RETRY with any *done, FATAL, statuses outside
 * the enum, drop(), flush RETRY and reopen failures, with and without a
 * spool, the conservation law checked at rest after every step and after
 * the stop.  WORKER_SEED=N replays a run; WORKER_RUNS sets how many. */
#include <check.h>

#include "util/log.h"
#include "worker_sim.h"

static char root[64];

static void setup(void)
{
	snprintf(root, sizeof(root), "/tmp/test_worker.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	log_set_level(LOG_LVL_ERR - 1);	/* the fake's plugin bugs are on purpose */
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
}

/* A schedule from the driver's bytes and the plugin's (in call order). */
static size_t schedule(uint8_t *out, const uint8_t *drv, size_t nd, const uint8_t *plug, size_t np)
{
	memcpy(out, drv, nd);
	for (size_t i = 0; i < np; i++)
		out[nd + np - 1 - i] = plug[i];
	return nd + np;
}

/* Runs one schedule on a fresh output; returns it stopped, for checks. */
static void run_case(const uint8_t *drv, size_t nd, const uint8_t *plug, size_t np)
{
	uint8_t data[256];
	char why[1200];
	const char *bad = sim_run(data, schedule(data, drv, nd, plug, np), NULL, why, sizeof(why));

	ck_assert_msg(bad == NULL, "%s", bad);
}

/* Config byte 0x39: a file input, batches of 8, a queue of 7.  Then 23
 * events and a check at rest. */
static const uint8_t push23[] = { 0x39, 22, 200 };

/* Issue 14.1: RETRY without setting *done wrote nothing; the batch is sent
 * again, all 23 arrive once (before: 16 of 50 lost, written=50). */
START_TEST(retry_without_done)
{
	static const uint8_t plug[] = { 248, 0 };

	run_case(push23, sizeof(push23), plug, sizeof(plug));
}
END_TEST

/* Issue 14.1: FATAL after 5 of a batch of 8: written=5, the other 18
 * dropped as output_failed (before: written=8, reason queue_overflow). */
START_TEST(fatal_counts_the_rest)
{
	static const uint8_t plug[] = { 250, 5 };

	run_case(push23, sizeof(push23), plug, sizeof(plug));
}
END_TEST

/* A status outside the enum (7, -1) is a plugin bug, taken as FATAL. */
START_TEST(out_of_range_status)
{
	static const uint8_t plug7[] = { 255, 3 }, plugm1[] = { 254, 3 };

	run_case(push23, sizeof(push23), plug7, sizeof(plug7));
	run_case(push23, sizeof(push23), plugm1, sizeof(plugm1));
}
END_TEST

/* Issue 14.2: drop() moves events from written to dropped.<reason>, and
 * drop() of more than *done counts no more than *done. */
START_TEST(drop_is_dropped)
{
	static const uint8_t within[] = { 210, 4 }, beyond[] = { 239, 1, 245, 2 };

	run_case(push23, sizeof(push23), within, sizeof(within));
	run_case(push23, sizeof(push23), beyond, sizeof(beyond));
}
END_TEST

/* Issue 14.3: a flush() that keeps answering RETRY is retried with
 * backoff, and given up after the drain time: the output comes to rest
 * (a replay ends) with every event counted written. */
START_TEST(flush_retry_is_bounded)
{
	uint8_t plug[120];

	plug[0] = 0;	/* the write: OK */
	memset(plug + 1, 200, sizeof(plug) - 1);	/* flush: RETRY, RETRY, ... */
	run_case(push23, sizeof(push23), plug, sizeof(plug));
}
END_TEST

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void random_runs(int spool)
{
	const char *env_seed = getenv("WORKER_SEED"), *env_runs = getenv("WORKER_RUNS");
	uint64_t seed = env_seed ? strtoull(env_seed, NULL, 0) : (uint64_t)time(NULL);
	int runs = env_runs ? atoi(env_runs) : 60;

	for (int r = 0; r < runs; r++) {
		uint64_t x = seed + (uint64_t)r, run_seed = x;
		uint8_t data[400];
		size_t len = 40 + splitmix(&x) % (sizeof(data) - 40);
		char why[1200], dir[128];
		const char *bad;

		for (size_t i = 0; i < len; i++)
			data[i] = (uint8_t)splitmix(&x);
		snprintf(dir, sizeof(dir), "%s/spool%d", root, r);
		bad = sim_run(data, len, spool ? dir : NULL, why, sizeof(why));
		ck_assert_msg(bad == NULL, "WORKER_SEED=%llu (run %d, spool %d): %s",
			      (unsigned long long)run_seed, r, spool, bad);
	}
}

START_TEST(random_schedules)
{
	random_runs(0);
}
END_TEST

START_TEST(random_schedules_spooled)
{
	random_runs(1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("worker");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, retry_without_done);
	tcase_add_test(tc, fatal_counts_the_rest);
	tcase_add_test(tc, out_of_range_status);
	tcase_add_test(tc, drop_is_dropped);
	tcase_add_test(tc, flush_retry_is_bounded);
	tcase_add_test(tc, random_schedules);
	tcase_add_test(tc, random_schedules_spooled);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
