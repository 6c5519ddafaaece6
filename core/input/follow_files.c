/* core/input/follow_files.c -- see follow_files.h.  The set is listed afresh
 * at each question (a rotation is rare; a directory scan is cheap), and an
 * open file is checked to be the one listed, since a rename may come
 * between the listing and the open. */
#include "input/follow_files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/log.h"

#define MAX_FILES 256
#define TRIES 3

struct entry {
	unsigned long num;	/* LOG.num; 0: LOG itself */
	struct stat st;
};

struct set {
	char dir[PATH_MAX];
	const char *base;
	unsigned n;
	struct entry e[MAX_FILES];
};

/* NAME's rotation number: 0 for base itself, N for base.N, -1 otherwise. */
static long rotation_number(const char *name, const char *base)
{
	size_t bl = strlen(base);
	char *end;
	unsigned long n;

	if (strncmp(name, base, bl) != 0)
		return -1;
	if (name[bl] == '\0')
		return 0;
	if (name[bl] != '.' || name[bl + 1] < '1' || name[bl + 1] > '9')
		return -1;
	n = strtoul(name + bl + 1, &end, 10);
	return *end || n > 1000000 ? -1 : (long)n;
}

/* Oldest first: the highest number first, LOG (0) last. */
static int older_first(const void *a, const void *b)
{
	unsigned long x = ((const struct entry *)a)->num, y = ((const struct entry *)b)->num;

	if (x == y)
		return 0;
	if (x == 0 || y == 0)
		return x == 0 ? 1 : -1;
	return x > y ? -1 : 1;
}

static void entry_name(const struct set *s, const struct entry *e, char *out, size_t len)
{
	if (e->num)
		snprintf(out, len, "%s/%s.%lu", s->dir, s->base, e->num);
	else
		snprintf(out, len, "%s/%s", s->dir, s->base);
}

static int list(struct set *s, const char *log)
{
	const char *slash = strrchr(log, '/');
	struct dirent *d;
	DIR *dir;

	s->n = 0;
	if (!slash || (size_t)(slash - log) >= sizeof(s->dir))
		return -EINVAL;	/* the config insists on an absolute path */
	memcpy(s->dir, log, (size_t)(slash - log));
	s->dir[slash - log] = '\0';
	if (!s->dir[0])
		strcpy(s->dir, "/");
	s->base = slash + 1;
	if (!(dir = opendir(s->dir)))
		return -errno;
	while ((d = readdir(dir)) && s->n < MAX_FILES) {
		long num = rotation_number(d->d_name, s->base);
		struct entry *e = &s->e[s->n];

		if (num < 0 || fstatat(dirfd(dir), d->d_name, &e->st, 0) < 0 || !S_ISREG(e->st.st_mode))
			continue;
		e->num = (unsigned long)num;
		s->n++;
	}
	closedir(dir);
	qsort(s->e, s->n, sizeof(s->e[0]), older_first);
	return 0;
}

/* Opens entry i; -EAGAIN when the name now holds another file. */
static int open_entry(const struct set *s, unsigned i, struct stat *st)
{
	char name[PATH_MAX + 32];
	int fd;

	entry_name(s, &s->e[i], name, sizeof(name));
	if ((fd = open(name, O_RDONLY | O_CLOEXEC)) < 0) {
		int rc = -errno;
		if (rc == -ENOENT)
			return -EAGAIN;
		log_err("%s: cannot open: %s", name, strerror(-rc));
		return rc;
	}
	if (fstat(fd, st) < 0 || st->st_dev != s->e[i].st.st_dev || st->st_ino != s->e[i].st.st_ino) {
		close(fd);
		return -EAGAIN;
	}
	return fd;
}

static int later(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec != b->tv_sec ? a->tv_sec > b->tv_sec : a->tv_nsec >= b->tv_nsec;
}

/* The index of the file wanted in s, or -ENOENT.  mtime NULL: the file
 * (dev, ino) itself; else the one after it. */
static int pick(const struct set *s, uint64_t dev, uint64_t ino, const struct timespec *mtime)
{
	for (unsigned i = 0; i < s->n; i++)
		if (s->e[i].st.st_dev == dev && s->e[i].st.st_ino == ino)
			return mtime ? (i + 1 < s->n ? (int)i + 1 : -ENOENT) : (int)i;
	if (!mtime)
		return -ENOENT;
	for (unsigned i = 0; i < s->n; i++)	/* ours was deleted */
		if (later(&s->e[i].st.st_mtim, mtime))
			return (int)i;
	return -ENOENT;
}

static int open_picked(const char *log, uint64_t dev, uint64_t ino, const struct timespec *mtime,
		       int oldest, struct stat *st)
{
	static struct set s;	/* large; the reader thread is the only caller */
	int rc = -EAGAIN;

	for (int t = 0; t < TRIES && rc == -EAGAIN; t++) {
		int i;

		if ((rc = list(&s, log)) < 0) {
			if (rc != -ENOENT)
				log_err("%s: cannot list its directory: %s", log, strerror(-rc));
			return rc;
		}
		i = oldest ? (s.n ? 0 : -ENOENT) : pick(&s, dev, ino, mtime);
		rc = i < 0 ? i : open_entry(&s, (unsigned)i, st);
	}
	return rc == -EAGAIN ? -ENOENT : rc;
}

int follow_files_next(const char *log, uint64_t dev, uint64_t ino, const struct timespec *mtime,
		      struct stat *st)
{
	return open_picked(log, dev, ino, mtime, 0, st);
}

int follow_files_find(const char *log, uint64_t dev, uint64_t ino, struct stat *st)
{
	return open_picked(log, dev, ino, NULL, 0, st);
}

int follow_files_oldest(const char *log, struct stat *st)
{
	return open_picked(log, 0, 0, NULL, 1, st);
}
