/* tests/unit/test_spool.c -- the durable spool on a real directory: order
 * across segments, the cursor across a reopen, max_bytes, damage skipped
 * with a count, a torn tail, the lock, and empty again once delivered. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pipeline/event.h"
#include "output/spool.h"

static char root[64], dir[256];

static void setup(void)
{
	snprintf(root, sizeof(root), "/tmp/test_spool.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	snprintf(dir, sizeof(dir), "%s/out", root);	/* spool_open makes it */
}

static void teardown(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
}

static struct spool *open_spool(uint64_t max_bytes)
{
	struct spool_config cfg = { dir, max_bytes, 0 };
	struct spool *s;

	ck_assert_int_eq(spool_open(&s, &cfg, "t"), 0);
	return s;
}

/* Appends events first..first+n-1, each JSON padded to `pad` bytes. */
static void put(struct spool *s, uint64_t first, unsigned n, size_t pad)
{
	char json[4096];
	uint64_t lost = 0;

	for (unsigned i = 0; i < n; i++) {
		struct auditstream_event e = { sizeof(e), 0, first + i, (int64_t)(first + i) * 1000,
					       json, 0, "node" };
		int len = snprintf(json, sizeof(json), "{\"sequence\":%llu,\"pad\":\"%*s\"}",
				   (unsigned long long)(first + i), (int)pad, "");
		e.json_len = (size_t)len;
		ck_assert_int_eq(spool_append(s, &e), 0);
	}
	ck_assert_int_eq(spool_flush(s, &lost), 0);
	ck_assert_uint_eq(lost, 0);
}

/* Peeks up to max, checks they are first.., consumes `take` of them. */
static long take(struct spool *s, uint64_t first, size_t max, size_t take_n, uint64_t *corrupt)
{
	struct event *ev[512];
	long n = spool_peek(s, ev, max, "node", corrupt);

	ck_assert_int_ge(n, 0);
	for (long i = 0; i < n; i++) {
		char want[64];
		snprintf(want, sizeof(want), "{\"sequence\":%llu,", (unsigned long long)(first + i));
		ck_assert_uint_eq(ev[i]->pub.serial, first + i);
		ck_assert_int_eq(ev[i]->pub.time_ns, (int64_t)(first + i) * 1000);
		ck_assert(strncmp(ev[i]->json, want, strlen(want)) == 0);
		event_unref(ev[i]);
	}
	ck_assert_int_eq(spool_consume(s, take_n < (size_t)n ? take_n : (size_t)n), 0);
	return n;
}

static unsigned count_segments(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	unsigned n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)))
		n += strstr(de->d_name, ".seg") != NULL;
	closedir(d);
	return n;
}

START_TEST(order_and_empty_again)
{
	struct spool *s = open_spool(1 << 20);
	uint64_t corrupt = 0, next = 1;

	/* 1 MiB max: segments of 128 KiB; 600 events of ~1 KiB, written 50
	 * at a time, span several. */
	for (unsigned i = 0; i < 12; i++)
		put(s, 1 + 50 * i, 50, 1000);
	ck_assert_uint_eq(spool_events(s), 600);
	ck_assert_uint_gt(count_segments(), 3);
	while (spool_bytes(s))
		next += (uint64_t)take(s, next, 100, 100, &corrupt);
	ck_assert_uint_eq(next, 601);
	ck_assert_uint_eq(corrupt, 0);
	ck_assert_uint_eq(spool_events(s), 0);
	ck_assert_uint_eq(count_segments(), 0);
	/* and it takes new events after being emptied */
	put(s, 601, 3, 10);
	ck_assert_int_eq(take(s, 601, 10, 10, &corrupt), 3);
	spool_close(s);
}
END_TEST

START_TEST(partial_consume_and_reopen)
{
	struct spool *s = open_spool(1 << 20);
	uint64_t corrupt = 0;

	put(s, 1, 50, 100);
	ck_assert_int_eq(take(s, 1, 20, 7, &corrupt), 20);	/* 7 delivered */
	ck_assert_int_eq(take(s, 8, 10, 3, &corrupt), 10);	/* 3 more */
	spool_close(s);
	/* A new run starts where delivery stopped, and adds behind it. */
	s = open_spool(1 << 20);
	ck_assert_uint_eq(spool_events(s), 40);
	put(s, 51, 10, 100);
	/* the old segment's 40, then the new one's 10 */
	ck_assert_int_eq(take(s, 11, 100, 100, &corrupt), 50);
	ck_assert_uint_eq(spool_bytes(s), 0);
	ck_assert_uint_eq(corrupt, 0);
	spool_close(s);
}
END_TEST

START_TEST(max_bytes)
{
	struct spool *s = open_spool(1 << 20);
	char json[2048];
	struct auditstream_event e = { sizeof(e), 0, 1, 0, json, sizeof(json) - 1, "node" };
	unsigned kept = 0;
	int rc;

	memset(json, 'x', sizeof(json));
	while ((rc = spool_append(s, &e)) == 0)
		kept++;
	ck_assert_int_eq(rc, -ENOSPC);
	ck_assert_uint_le(spool_bytes(s), 1 << 20);
	ck_assert_uint_gt(kept, 400);	/* (1 MiB) / (2 KiB + header) is about 500 */
	spool_close(s);
}
END_TEST

/* The spool's one segment, for damaging it. */
static void seg_file(char *path, size_t len)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	path[0] = '\0';
	while ((de = readdir(d)))
		if (strstr(de->d_name, ".seg"))
			snprintf(path, len, "%s/%s", dir, de->d_name);
	closedir(d);
	ck_assert(path[0]);
}

START_TEST(damage_skipped_and_counted)
{
	struct spool *s = open_spool(1 << 20);
	uint64_t corrupt = 0, next = 1, got = 0;
	char path[512];
	struct stat st;
	int fd;

	put(s, 1, 10, 100);	/* records of 32 + ~120 bytes after a 16-byte header */
	spool_close(s);
	seg_file(path, sizeof(path));
	fd = open(path, O_RDWR);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	/* a byte of event 3's JSON, and the last record cut short */
	ck_assert_int_eq(pwrite(fd, "#", 1, 16 + 2 * (st.st_size - 16) / 10 + 60), 1);
	ck_assert_int_eq(ftruncate(fd, st.st_size - 5), 0);
	close(fd);

	s = open_spool(1 << 20);
	while (spool_bytes(s)) {
		struct event *ev[16];
		long n = spool_peek(s, ev, 16, "node", &corrupt);
		ck_assert_int_ge(n, 0);
		for (long i = 0; i < n; i++) {
			if (next == 3 || next == 10)
				next++;
			ck_assert_uint_eq(ev[i]->pub.serial, next);
			next++;
			got++;
			event_unref(ev[i]);
		}
		spool_consume(s, (size_t)n);
	}
	ck_assert_uint_eq(got, 8);
	ck_assert_uint_eq(corrupt, 2);
	spool_close(s);
}
END_TEST

START_TEST(segment_removed_under_it)
{
	struct spool *s = open_spool(1 << 20);
	uint64_t corrupt = 0, last = 0, got = 0;
	char path[512];

	for (unsigned i = 0; i < 12; i++)
		put(s, 1 + 50 * i, 50, 1000);
	ck_assert_uint_gt(count_segments(), 3);
	/* an operator removes the second segment while the daemon runs */
	snprintf(path, sizeof(path), "%s/0000000000000002.seg", dir);
	ck_assert_int_eq(unlink(path), 0);
	while (spool_bytes(s)) {
		struct event *ev[64];
		long n = spool_peek(s, ev, 64, "node", &corrupt);
		ck_assert_int_ge(n, 0);
		for (long i = 0; i < n; i++) {
			ck_assert_uint_gt(ev[i]->pub.serial, last);
			last = ev[i]->pub.serial;
			event_unref(ev[i]);
		}
		got += (uint64_t)n;
		spool_consume(s, (size_t)n);
	}
	ck_assert_uint_eq(corrupt, 1);
	ck_assert_uint_lt(got, 600);
	ck_assert_uint_eq(last, 600);
	spool_close(s);
}
END_TEST

START_TEST(locked_against_a_second_daemon)
{
	struct spool *s = open_spool(1 << 20), *t;
	struct spool_config cfg = { dir, 1 << 20, 0 };

	ck_assert_int_eq(spool_open(&t, &cfg, "t"), -EWOULDBLOCK);
	ck_assert_ptr_null(t);
	spool_close(s);
}
END_TEST

/* A spool directory others may write, or another user's, is refused: they
 * could plant a symlink (or segments of their own) for the daemon. */
START_TEST(untrusted_dir_refused)
{
	struct spool_config cfg = { dir, 1u << 30, 0 };
	struct spool *s;

	ck_assert_int_eq(mkdir(dir, 0700), 0);
	ck_assert_int_eq(chmod(dir, 0777), 0);
	ck_assert_int_eq(spool_open(&s, &cfg, "t"), -EPERM);
	ck_assert_ptr_null(s);
	ck_assert_int_eq(chmod(dir, 0770), 0);
	ck_assert_int_eq(spool_open(&s, &cfg, "t"), -EPERM);
	ck_assert_int_eq(chmod(dir, 0700), 0);
	spool_close(open_spool(1u << 30));
	if (geteuid() != 0)
		return;	/* only root can give it away */
	ck_assert_int_eq(chown(dir, 65534, 65534), 0);
	ck_assert_int_eq(spool_open(&s, &cfg, "t"), -EPERM);
}
END_TEST

/* lock and cursor planted as symlinks are not followed: the target is
 * neither created nor truncated.  Nor is a symlinked directory. */
START_TEST(symlinks_not_followed)
{
	struct spool_config cfg = { dir, 1u << 30, 0 };
	char victim[300], link[300];
	struct spool *s;
	struct stat st;
	FILE *f;

	snprintf(victim, sizeof(victim), "%s/victim", root);
	f = fopen(victim, "w");
	ck_assert_ptr_nonnull(f);
	fputs("precious\n", f);
	fclose(f);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	for (int i = 0; i < 2; i++) {
		const char *name = i ? "cursor" : "lock";

		snprintf(link, sizeof(link), "%s/%s", dir, name);
		ck_assert_int_eq(symlink(victim, link), 0);
		ck_assert_int_lt(spool_open(&s, &cfg, "t"), 0);
		ck_assert_ptr_null(s);
		ck_assert_int_eq(stat(victim, &st), 0);
		ck_assert_int_eq(st.st_size, 9);
		ck_assert_int_eq(unlink(link), 0);
		if (!i) {	/* a real lock from here on, the cursor planted */
			spool_close(open_spool(1u << 30));
			snprintf(link, sizeof(link), "%s/cursor", dir);
			unlink(link);
		}
	}
	snprintf(link, sizeof(link), "%s/linked", root);
	ck_assert_int_eq(symlink(dir, link), 0);
	cfg.dir = link;
	ck_assert_int_lt(spool_open(&s, &cfg, "t"), 0);
}
END_TEST

static Suite *spool_suite(void)
{
	Suite *s = suite_create("spool");
	TCase *tc = tcase_create("disk");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, order_and_empty_again);
	tcase_add_test(tc, partial_consume_and_reopen);
	tcase_add_test(tc, max_bytes);
	tcase_add_test(tc, damage_skipped_and_counted);
	tcase_add_test(tc, segment_removed_under_it);
	tcase_add_test(tc, locked_against_a_second_daemon);
	tcase_add_test(tc, untrusted_dir_refused);
	tcase_add_test(tc, symlinks_not_followed);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(spool_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
