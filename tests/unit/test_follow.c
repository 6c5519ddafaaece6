/* tests/unit/test_follow.c -- the follow input driven through its ops as
 * the loop drives it, on real files: rotation by rename with lines added
 * to the renamed file, truncation, a log absent at start, a restart from
 * the saved position, and a path that cannot be followed.  Every event is
 * counted by serial as the pipeline completes it: each must come once. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"
#include "input/input.h"
#include "pipeline/pipeline.h"

#define MAXS 5000

static char root[64], logp[128], conf[128];
static struct config cfg;
static struct pipeline p;
static unsigned seen[MAXS];

static void count(void *arg, const struct asm_event *ev)
{
	(void)arg;
	ck_assert_uint_lt(ev->serial, MAXS);
	seen[ev->serial]++;
	ck_assert_uint_eq(ev->nrec, 2);
}

static void setup(void)
{
	FILE *f;

	snprintf(root, sizeof(root), "/tmp/test_follow.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	snprintf(logp, sizeof(logp), "%s/audit.log", root);
	snprintf(conf, sizeof(conf), "%s/c.conf", root);
	ck_assert_ptr_nonnull(f = fopen(conf, "w"));
	fprintf(f, "state_dir = \"%s\";\ninput = { mode = \"follow\"; path = \"%s\"; };\n"
		"outputs = ( { plugin = \"file\"; path = \"/dev/null\"; } );\n", root, logp);
	fclose(f);
	ck_assert_int_eq(config_load(&cfg, conf), 0);
	ck_assert_int_eq(pipeline_init(&p, &cfg, "node", NULL, 0, 1), 0);
	p.observe = count;
	memset(seen, 0, sizeof(seen));
}

static void teardown(void)
{
	char cmd[128];

	pipeline_free(&p);
	config_free(&cfg);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
}

/* Appends events first..last (two records each) to path. */
static void put(const char *path, unsigned first, unsigned last)
{
	FILE *f = fopen(path, "a");

	ck_assert_ptr_nonnull(f);
	for (unsigned s = first; s <= last; s++) {
		fprintf(f, "type=SYSCALL msg=audit(1700000000.%03u:%u): arch=c000003e syscall=110 "
			"success=yes exit=1 items=0 ppid=1 pid=2 auid=0 uid=0 comm=\"load\" key=\"t\"\n",
			s % 1000, s);
		fprintf(f, "type=PROCTITLE msg=audit(1700000000.%03u:%u): proctitle=6C6F6164\n",
			s % 1000, s);
	}
	fclose(f);
}

static uint64_t clock_ms = 1000000;

/* Reads until the input waits, then lets it be idle long enough to
 * complete what is pending. */
static void drain(struct input *in)
{
	int rc, n = 0;

	while ((rc = in->ops->read(in)) == INPUT_MORE)
		ck_assert_int_lt(++n, 100000);
	ck_assert_int_eq(rc, 0);
	clock_ms += 100000;	/* far past the idle time, whatever the clock says */
	in->ops->tick(in, clock_ms);
}

static void start(struct input *in)
{
	memset(in, 0, sizeof(*in));
	in->ops = &input_follow_ops;
	in->p = &p;
	in->cfg = &cfg;
	in->path = cfg.input_path;
	ck_assert_int_eq(in->ops->start(in), 0);
}

static void finish(struct input *in)
{
	in->ops->stop(in);
	in->ops->destroy(in);
}

/* Every serial in [first, last] once; none outside. */
static void check_once(unsigned first, unsigned last)
{
	for (unsigned s = 0; s < MAXS; s++)
		ck_assert_msg(seen[s] == (s >= first && s <= last), "serial %u seen %u times", s,
			      seen[s]);
}

START_TEST(rotation_by_rename)
{
	struct input in;
	char old[160];

	put(logp, 1, 100);
	start(&in);
	drain(&in);
	put(logp, 101, 200);
	snprintf(old, sizeof(old), "%s.1", logp);
	ck_assert_int_eq(rename(logp, old), 0);
	put(old, 201, 250);	/* written after our last read, before the new log */
	ck_assert_int_eq(in.ops->read(&in), INPUT_MORE);
	drain(&in);		/* no new log yet: waits on the renamed one */
	put(logp, 251, 300);
	drain(&in);
	/* Rotated twice between two reads: log.1 -> log.2, log -> log.1. */
	put(logp, 301, 320);
	{
		char two[160];
		snprintf(two, sizeof(two), "%s.2", logp);
		ck_assert_int_eq(rename(old, two), 0);
		ck_assert_int_eq(rename(logp, old), 0);
	}
	put(old, 321, 330);
	put(logp, 331, 400);
	drain(&in);
	finish(&in);
	check_once(1, 400);
}
END_TEST

START_TEST(truncation)
{
	struct input in;

	put(logp, 1, 100);
	start(&in);
	drain(&in);
	ck_assert_int_eq(truncate(logp, 0), 0);
	put(logp, 101, 120);	/* shorter than before */
	drain(&in);
	finish(&in);
	check_once(1, 120);
}
END_TEST

START_TEST(absent_at_start)
{
	struct input in;

	start(&in);		/* waits, not an error */
	drain(&in);
	put(logp, 1, 50);
	drain(&in);
	finish(&in);
	check_once(1, 50);
}
END_TEST

START_TEST(restart_from_saved_position)
{
	struct input in;

	put(logp, 1, 100);
	start(&in);
	drain(&in);
	finish(&in);
	check_once(1, 100);
	put(logp, 101, 150);
	memset(seen, 0, sizeof(seen));
	start(&in);
	drain(&in);
	finish(&in);
	check_once(101, 150);
	/* Rotated while we were away: the rest of the old file, then the new. */
	put(logp, 151, 160);
	{
		char old[160];
		snprintf(old, sizeof(old), "%s.1", logp);
		ck_assert_int_eq(rename(logp, old), 0);
	}
	put(logp, 161, 170);
	memset(seen, 0, sizeof(seen));
	start(&in);
	drain(&in);
	finish(&in);
	check_once(151, 170);
}
END_TEST

START_TEST(not_a_file)
{
	struct input in;

	ck_assert_int_eq(mkdir(logp, 0700), 0);
	memset(&in, 0, sizeof(in));
	in.ops = &input_follow_ops;
	in.p = &p;
	in.cfg = &cfg;
	in.path = cfg.input_path;
	ck_assert_int_lt(in.ops->start(&in), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("follow");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, rotation_by_rename);
	tcase_add_test(tc, truncation);
	tcase_add_test(tc, absent_at_start);
	tcase_add_test(tc, restart_from_saved_position);
	tcase_add_test(tc, not_a_file);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
