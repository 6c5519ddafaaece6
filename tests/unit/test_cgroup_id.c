/* tests/unit/test_cgroup_id.c -- the enriched PID.cgroup of real processes
 * in real cgroup v2 directories, made under the unified hierarchy here and
 * removed after: it must be the path /proc/PID/cgroup shows, byte for byte,
 * when the cgroup's id already has a kept path (cgroup_id.c), after moves
 * between cgroups and back, for a zombie whose cgroup was removed
 * ("PATH (deleted)"), and for a process gone (PPID's).  Needs root and a
 * writable cgroup2 mount; skips otherwise, fails under CI=true. */
#include <check.h>
#include <cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <mntent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "format/cgroup_id.h"
#include "format/enrich_container.h"
#include "format/enriched.h"
#include "format/uidmap.h"
#include "pipeline/assemble.h"
#include "util/buf.h"

static char v2[256];		/* the cgroup2 mount */
static char top[320];		/* our directory under it */
static char top_rel[64];	/* its path as /proc shows it: "/astest-cgid-PID" */

static struct uidmap *um;
static struct enrich x;

static void setup(void)
{
	um = uidmap_new(600);
	enrich_init(&x, um, "node1");	/* the real /proc */
}

static void teardown(void)
{
	enrich_free(&x);
	uidmap_free(um);
}

/* The v2 line's path in /proc/PID/cgroup, read here independently. */
static int proc_v2(pid_t pid, char *out, size_t cap)
{
	char name[64], text[4096], *line, *save;
	ssize_t n;
	int fd;

	snprintf(name, sizeof(name), "/proc/%d/cgroup", (int)pid);
	if ((fd = open(name, O_RDONLY)) < 0)
		return -1;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	text[n] = '\0';
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (strncmp(line, "0::", 3) == 0) {
			snprintf(out, cap, "%s", line + 3);
			return 0;
		}
	return -1;
}

/* A child that waits to be killed, in cgroup dir (under top). */
static pid_t spawn(const char *dir)
{
	char path[512], num[16];
	pid_t pid = fork();
	int fd;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		pause();
		_exit(0);
	}
	snprintf(path, sizeof(path), "%s/%s/cgroup.procs", top, dir);
	snprintf(num, sizeof(num), "%d", (int)pid);
	ck_assert_int_ge(fd = open(path, O_WRONLY), 0);
	ck_assert_int_eq(write(fd, num, strlen(num)), (ssize_t)strlen(num));
	close(fd);
	return pid;
}

static void move(pid_t pid, const char *dir)
{
	char path[512], num[16];
	int fd;

	snprintf(path, sizeof(path), "%s/%s/cgroup.procs", top, dir);
	snprintf(num, sizeof(num), "%d", (int)pid);
	ck_assert_int_ge(fd = open(path, O_WRONLY), 0);
	ck_assert_int_eq(write(fd, num, strlen(num)), (ssize_t)strlen(num));
	close(fd);
}

static void mk(const char *dir)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", top, dir);
	ck_assert_msg(mkdir(path, 0755) == 0, "mkdir %s: %s", path, strerror(errno));
}

static char want_buf[600];
static const char *want(const char *dir)
{
	snprintf(want_buf, sizeof(want_buf), "%s/%s", top_rel, dir);
	return want_buf;
}

/* The enriched SYSCALL of an execve by pid (parent ppid), read live:
 * its PID.cgroup, or "PPID:" + PPID.cgroup, or "" (neither). */
static char got[700];
static const char *execve_cgroup(pid_t pid, pid_t ppid)
{
	struct asm_event ev = { 0 };
	struct asm_record rec = { 0 };
	struct buf b = { 0 };
	char text[128];
	cJSON *j, *s, *p;
	uint64_t now = (uint64_t)time(NULL);

	snprintf(text, sizeof(text), "arch=c000003e syscall=59 success=yes exit=0 ppid=%d pid=%d uid=0",
		 (int)ppid, (int)pid);
	rec.type = 1300;	/* AUDIT_SYSCALL */
	rec.len = (uint32_t)strlen(text);
	ev.serial = 1;
	ev.sec = now;
	ev.recs = &rec;
	ev.nrec = 1;
	ev.text = text;
	ev.text_len = rec.len;
	ck_assert_int_eq(format_enriched(&b, &ev, &x, now), 0);
	ck_assert_ptr_nonnull(j = cJSON_ParseWithLength(b.p, b.len));
	s = cJSON_GetObjectItemCaseSensitive(j, "SYSCALL");
	got[0] = '\0';
	if ((p = cJSON_GetObjectItemCaseSensitive(s, "PID")))
		snprintf(got, sizeof(got), "%s", cJSON_GetObjectItemCaseSensitive(p, "cgroup")->valuestring);
	else if ((p = cJSON_GetObjectItemCaseSensitive(s, "PPID")))
		snprintf(got, sizeof(got), "PPID:%s",
			 cJSON_GetObjectItemCaseSensitive(p, "cgroup")->valuestring);
	cJSON_Delete(j);
	buf_free(&b);
	return got;
}

static uint64_t hits(void)
{
	uint64_t h = 0, k = 0;

	if (x.ctr)
		container_cache_stats(x.ctr, &h, &k);
	return h;
}

/* PID.cgroup is /proc's v2 line, and want(dir); returns whether a kept
 * path answered. */
static int check(pid_t pid, const char *dir)
{
	char proc[600];
	uint64_t h = hits();

	execve_cgroup(pid, getpid());
	ck_assert_int_eq(proc_v2(pid, proc, sizeof(proc)), 0);
	ck_assert_str_eq(got, proc);
	ck_assert_str_eq(got, want(dir));
	return hits() > h;
}

static void reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* New processes in a cgroup, moves between cgroups and back. */
START_TEST(test_moves)
{
	pid_t p1, p2, p3, p4;

	mk("a");
	mk("b b");	/* /proc shows names as they are */
	p1 = spawn("a");
	p2 = spawn("a");
	p3 = spawn("b b");
	check(p1, "a");		/* the first read: no id kept yet */
	check(p2, "a");		/* kept now */
	ck_assert_msg(check(p2, "a"), "a kept path was not used (pidfd path off?)");
	ck_assert(!check(p3, "b b"));
	p4 = spawn("a");
	ck_assert(check(p4, "a"));
	move(p4, "b b");	/* the next execve sees the move... */
	ck_assert(check(p4, "b b"));
	move(p4, "a");		/* ...and the move back */
	ck_assert(check(p4, "a"));
	mk("a/c");		/* and into a new cgroup, never seen */
	move(p4, "a/c");
	ck_assert(!check(p4, "a/c"));
	ck_assert(check(p4, "a/c"));
	reap(p1);
	reap(p2);
	reap(p3);
	reap(p4);
}
END_TEST

/* A zombie whose cgroup was removed: /proc says "PATH (deleted)", and so
 * must the enriched PID; once reaped, the parent's cgroup as PPID. */
START_TEST(test_zombie_and_gone)
{
	char path[512], proc[600], mine[600];
	pid_t z1, z2;

	mk("z");
	z1 = spawn("z");
	z2 = spawn("z");
	check(z1, "z");		/* the first read of this cache: no id asked */
	check(z2, "z");
	ck_assert(check(z2, "z"));	/* z's path is kept */
	kill(z1, SIGKILL);
	kill(z2, SIGKILL);
	/* zombies (not waited for): z is empty once they have exited */
	snprintf(path, sizeof(path), "%s/z", top);
	for (int i = 0; i < 2000 && rmdir(path) < 0; i++)
		usleep(1000);
	ck_assert_int_eq(access(path, F_OK), -1);
	ck_assert_int_eq(proc_v2(z2, proc, sizeof(proc)), 0);
	ck_assert_str_eq(proc, strcat(strcpy(mine, want("z")), " (deleted)"));
	execve_cgroup(z2, getpid());
	ck_assert_str_eq(got, proc);
	waitpid(z1, NULL, 0);
	waitpid(z2, NULL, 0);
	ck_assert_int_eq(proc_v2(getpid(), mine, sizeof(mine)), 0);
	execve_cgroup(z2, getpid());	/* gone: the parent's */
	ck_assert_str_eq(got, strcat(strcpy(proc, "PPID:"), mine));
}
END_TEST

/* A path is kept for an id only if it names that cgroup: a path read
 * while the process was elsewhere (moved away and back) is not. */
START_TEST(test_add_verifies)
{
	struct cgroup_ids *g = cgroup_ids_new();
	const char *path = NULL;
	uint64_t id = 0, h, k;
	pid_t p;

	ck_assert_ptr_nonnull(g);
	mk("v");
	mk("w");
	p = spawn("v");
	ck_assert_int_eq(cgroup_ids_lookup(g, (uint32_t)p, &id, &path), -ENOENT);
	ck_assert_uint_ne(id, 0);
	cgroup_ids_add(g, id, want("w"), strlen(want("w")));	/* another's */
	cgroup_ids_add(g, id, want("v (deleted)"), strlen(want("v (deleted)")));
	cgroup_ids_add(g, id, top_rel, strlen(top_rel));	/* its parent */
	cgroup_ids_add(g, id, "/", 1);
	cgroup_ids_stats(g, &h, &k);
	ck_assert_uint_eq(k, 0);
	ck_assert_int_eq(cgroup_ids_lookup(g, (uint32_t)p, &id, &path), -ENOENT);
	cgroup_ids_add(g, id, want("v"), strlen(want("v")));
	ck_assert_int_eq(cgroup_ids_lookup(g, (uint32_t)p, &id, &path), (ssize_t)strlen(want("v")));
	ck_assert_int_eq(memcmp(path, want("v"), strlen(want("v"))), 0);
	reap(p);
	ck_assert_int_eq(cgroup_ids_lookup(g, (uint32_t)p, &id, &path), -ESRCH);
	cgroup_ids_free(g);
}
END_TEST

/* Kills what is left in our cgroups, removes them, deepest first. */
static void remove_top(const char *dir)
{
	char path[1024], line[32];
	struct dirent *d;
	DIR *dp = opendir(dir);
	FILE *f;

	if (!dp)
		return;
	while ((d = readdir(dp)))
		if (d->d_type == DT_DIR && strcmp(d->d_name, ".") && strcmp(d->d_name, "..")) {
			snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
			remove_top(path);
		}
	closedir(dp);
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	if ((f = fopen(path, "r"))) {
		while (fgets(line, sizeof(line), f))
			kill(atoi(line), SIGKILL);
		fclose(f);
	}
	for (int i = 0; i < 200 && rmdir(dir) < 0 && errno == EBUSY; i++)
		usleep(10000);
}

static int cannot_run(const char *why)
{
	const char *ci = getenv("CI");

	if (ci && strcmp(ci, "true") == 0) {
		fprintf(stderr, "FAIL (CI=true): cannot run: %s\n", why);
		return EXIT_FAILURE;
	}
	fprintf(stderr, "SKIP: %s\n", why);
	return 77;
}

int main(void)
{
	struct mntent *m;
	SRunner *sr;
	Suite *s;
	TCase *tc;
	FILE *f;
	int failed;

	if (geteuid() != 0)
		return cannot_run("making cgroups needs root");
	if (!(f = setmntent("/proc/self/mounts", "r")))
		return cannot_run("no /proc/self/mounts");
	while ((m = getmntent(f)) && strcmp(m->mnt_type, "cgroup2") != 0)
		;
	if (m)
		snprintf(v2, sizeof(v2), "%s", m->mnt_dir);
	endmntent(f);
	if (!v2[0])
		return cannot_run("no cgroup2 hierarchy mounted");
	snprintf(top_rel, sizeof(top_rel), "/astest-cgid-%d", (int)getpid());
	snprintf(top, sizeof(top), "%s%s", v2, top_rel);
	if (mkdir(top, 0755) < 0) {
		char why[512];
		snprintf(why, sizeof(why), "cannot make %s: %s", top, strerror(errno));
		return cannot_run(why);
	}
	{	/* our own cgroup must show the mount's root as "/" (no namespace) */
		char mine[600];
		pid_t p = fork();
		if (p == 0) {
			pause();
			_exit(0);
		}
		snprintf(mine, sizeof(mine), "%s/cgroup.procs", top);
		f = fopen(mine, "w");
		if (f) {
			fprintf(f, "%d", (int)p);
			fclose(f);
		}
		if (proc_v2(p, mine, sizeof(mine)) < 0 || strcmp(mine, top_rel) != 0) {
			reap(p);
			remove_top(top);
			return cannot_run("the cgroup2 mount's root is not this cgroup namespace's root");
		}
		reap(p);
	}

	s = suite_create("cgroup_id");
	tc = tcase_create("real");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_moves);
	tcase_add_test(tc, test_zombie_and_gone);
	tcase_add_test(tc, test_add_verifies);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	remove_top(top);
	if (access(top, F_OK) == 0) {
		fprintf(stderr, "%s left behind\n", top);
		failed++;
	}
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
