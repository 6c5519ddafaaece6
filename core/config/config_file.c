/* core/config/config_file.c -- see config_file.h. */
#include "config/config_file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/log.h"

#define MAX_DEPTH 10		/* libconfig's own limit for nested @include */
#define MAX_FILES 64
#define MAX_SIZE (16u << 20)

struct reader {
	struct config_files *files;
	char dir[PATH_MAX];		/* where relative @include paths start */
	int fds[MAX_FILES];		/* the memfds, open until libconfig has read them */
	size_t nfds;
};

/* The scanner's state across lines: an @include counts only outside these. */
enum scan { SCAN_CODE, SCAN_STRING, SCAN_COMMENT };

static int refuse(const char *where, const struct stat *st)
{
	if (!S_ISREG(st->st_mode)) {
		log_err("%s: cannot read the config: %s", where,
			S_ISDIR(st->st_mode) ? strerror(EISDIR) : "not a regular file");
		return S_ISDIR(st->st_mode) ? -EISDIR : -EINVAL;
	}
	if (st->st_uid != 0 && st->st_uid != geteuid()) {
		log_err("%s: refused: owned by uid %u, not by root%s; whoever owns it chooses "
			"what is audited and loaded", where, (unsigned)st->st_uid,
			geteuid() ? " or the daemon's user" : "");
		return -EPERM;
	}
	if (st->st_mode & (S_IWGRP | S_IWOTH)) {
		log_err("%s: refused: writable by %s (mode %04o); chmod go-w it", where,
			st->st_mode & S_IWOTH ? "others" : "its group", (unsigned)(st->st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

int config_open_trusted(const char *path, const char *where)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC), rc;

	if (fd < 0) {
		rc = -errno;
		if (rc == -ELOOP)
			log_err("%s: refused: a symbolic link; name the file itself", where);
		else
			log_err("%s: cannot read the config: %s", where, strerror(-rc));
		return rc;
	}
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		log_err("%s: cannot read the config: %s", where, strerror(-rc));
	} else {
		rc = refuse(where, &st);
	}
	if (rc < 0) {
		close(fd);
		return rc;
	}
	return fd;
}

static int read_all(int fd, const char *where, struct buf *b)
{
	for (;;) {
		ssize_t n;

		if (buf_room(b, 65536) < 0)
			return -ENOMEM;
		n = read(fd, b->p + b->len, b->cap - b->len);
		if (n == 0)
			return 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			log_err("%s: cannot read the config: %s", where, strerror(errno));
			return -errno;
		}
		b->len += (size_t)n;
		if (b->len > MAX_SIZE) {
			log_err("%s: refused: larger than %u bytes", where, MAX_SIZE);
			return -EFBIG;
		}
	}
}

/* Moves the state over t[from..to). */
static enum scan scan_range(const char *t, size_t from, size_t to, enum scan st)
{
	for (size_t i = from; i < to; i++) {
		char c = t[i], next = i + 1 < to ? t[i + 1] : '\0';

		if (st == SCAN_COMMENT) {
			if (c == '*' && next == '/')
				st = SCAN_CODE, i++;
		} else if (st == SCAN_STRING) {
			if (c == '\\')
				i++;
			else if (c == '"')
				st = SCAN_CODE;
		} else if (c == '"') {
			st = SCAN_STRING;
		} else if (c == '#' || (c == '/' && next == '/')) {
			break;	/* the rest of the line is a comment */
		} else if (c == '/' && next == '*') {
			st = SCAN_COMMENT, i++;
		}
	}
	return st;
}

static int read_file(struct reader *r, const char *path, const char *where, int depth);

/* t[i..end) is a line starting with [ \t]*@include: libconfig 1.5's rule is
 * ^[ \t]*@include[ \t]+"PATH".  Writes the line with PATH replaced by the
 * checked file's memfd; *i is left after the closing quote. */
static int include_line(struct reader *r, const char *from, int line, const char *t,
			size_t *i, size_t end, int depth, struct buf *out)
{
	char where[PATH_MAX + 64], inc[PATH_MAX], name[PATH_MAX];
	size_t p = *i, q;
	int fd;

	while (p < end && (t[p] == ' ' || t[p] == '\t'))
		p++;
	p += 8;	/* "@include" */
	q = p;
	while (q < end && (t[q] == ' ' || t[q] == '\t'))
		q++;
	if (q == p || q >= end || t[q] != '"')
		return 1;	/* not an include to libconfig either: copy as is */
	p = ++q;
	while (q < end && t[q] != '"' && t[q] != '\\')
		q++;
	if (q >= end || t[q] != '"' || q == p || q - p >= sizeof(name) - 1) {
		log_err("%s:%d: @include: a plain \"PATH\" is expected (no escapes)", from, line);
		return -EINVAL;
	}
	memcpy(name, t + p, q - p);
	name[q - p] = '\0';
	if (snprintf(inc, sizeof(inc), "%s%s%s", name[0] == '/' ? "" : r->dir,
		     name[0] == '/' ? "" : "/", name) >= (int)sizeof(inc))
		return -ENAMETOOLONG;
	snprintf(where, sizeof(where), "%s:%d: @include \"%s\"", from, line, inc);
	if (depth + 1 >= MAX_DEPTH) {
		log_err("%s: includes nested more than %d deep (an include loop?)", where, MAX_DEPTH);
		return -ELOOP;
	}
	if ((fd = read_file(r, inc, where, depth + 1)) < 0)
		return fd;
	snprintf(name, sizeof(name), "@include \"/proc/self/fd/%d\"", fd);
	*i = q + 1;
	return buf_add(out, name, strlen(name)) < 0 ? -ENOMEM : 0;
}

/* Copies text to out line by line, each @include line rewritten. */
static int rewrite(struct reader *r, const char *path, const struct buf *text, int depth,
		   struct buf *out)
{
	const char *t = text->p;
	enum scan st = SCAN_CODE;
	int line = 1, rc;

	for (size_t i = 0; i < text->len; line++) {
		const char *nl = memchr(t + i, '\n', text->len - i);
		size_t end = nl ? (size_t)(nl - t) + 1 : text->len, s = i;

		while (s < end && (t[s] == ' ' || t[s] == '\t'))
			s++;
		if (st == SCAN_CODE && end - s >= 8 && memcmp(t + s, "@include", 8) == 0) {
			if ((rc = include_line(r, path, line, t, &i, end, depth, out)) < 0)
				return rc;
		}
		st = scan_range(t, i, end, st);
		if (buf_add(out, t + i, end - i) < 0)
			return -ENOMEM;
		i = end;
	}
	return 0;
}

static int add_name(struct reader *r, int fd, const char *path)
{
	struct config_files *f = r->files;
	struct config_file_name *v = realloc(f->v, (f->n + 1) * sizeof(*v));
	char proc[32];

	if (!v)
		return -ENOMEM;
	f->v = v;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	v[f->n].proc = strdup(proc);
	v[f->n].path = strdup(path);
	if (!v[f->n].proc || !v[f->n].path) {
		free(v[f->n].proc);
		free(v[f->n].path);
		return -ENOMEM;
	}
	f->n++;
	return 0;
}

/* Checks path, reads it, rewrites its includes, and returns a memfd holding
 * the result (kept in r->fds), or -errno having logged why. */
static int read_file(struct reader *r, const char *path, const char *where, int depth)
{
	struct buf text = { 0 }, out = { 0 };
	int fd, rc;

	if (r->nfds >= MAX_FILES) {
		log_err("%s: more than %d config files", where, MAX_FILES);
		return -EMFILE;
	}
	if ((fd = config_open_trusted(path, where)) < 0)
		return fd;
	rc = read_all(fd, where, &text);
	close(fd);
	if (rc == 0)
		rc = rewrite(r, path, &text, depth, &out);
	buf_free(&text);
	if (rc == 0 && (fd = memfd_create("auditstream.conf", MFD_CLOEXEC)) < 0)
		rc = -errno;
	if (rc == 0) {
		r->fds[r->nfds++] = fd;
		errno = 0;
		if (out.len && write(fd, out.p, out.len) != (ssize_t)out.len)
			rc = errno ? -errno : -EIO;
		else
			rc = add_name(r, fd, path);
	}
	buf_free(&out);
	if (rc == -ENOMEM)
		log_err("%s: out of memory", where);
	return rc < 0 ? rc : fd;
}

int config_files_read(config_t *lc, const char *path, struct config_files *files)
{
	struct reader r = { .files = files };
	char copy[PATH_MAX], proc[32];
	int fd, rc = 0;

	snprintf(copy, sizeof(copy), "%s", path);
	snprintf(r.dir, sizeof(r.dir), "%s", dirname(copy));
	if ((fd = read_file(&r, path, path, 0)) < 0)
		rc = fd;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (rc == 0 && config_read_file(lc, proc) != CONFIG_TRUE) {
		const char *file = config_files_name(files, config_error_file(lc));

		log_err("%s:%d: %s", file ? file : path, config_error_line(lc), config_error_text(lc));
		rc = -EINVAL;
	}
	while (r.nfds)
		close(r.fds[--r.nfds]);
	return rc;
}

const char *config_files_name(const struct config_files *files, const char *name)
{
	for (size_t i = 0; name && files && i < files->n; i++)
		if (strcmp(files->v[i].proc, name) == 0)
			return files->v[i].path;
	return name;
}

void config_files_free(struct config_files *files)
{
	for (size_t i = 0; i < files->n; i++) {
		free(files->v[i].proc);
		free(files->v[i].path);
	}
	free(files->v);
	files->v = NULL;
	files->n = 0;
}
