/* core/output/trust.c -- the ownership and mode checks for code run as root.
 *
 * A plugin is code that a root daemon runs: whoever can replace the file,
 * or rename any directory above it, chooses that code.  The path is resolved
 * once (realpath), then walked again from "/" one component at a time with
 * O_NOFOLLOW, each step checked with fstat on the descriptor that the next
 * step is opened from; a symlink swapped in after the resolution makes the
 * walk fail instead of leading elsewhere (no check-then-open race). */
#include "output/trust.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/log.h"

/* Owned by root or us, and not writable by group or others.  A root-owned
 * sticky directory (/tmp) is the exception: there nobody else can rename or
 * remove what we own. */
static int stat_trusted(const struct stat *st)
{
	int dir_sticky = S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX) && st->st_uid == 0;

	if (st->st_uid != 0 && st->st_uid != geteuid())
		return 0;
	return dir_sticky || !(st->st_mode & (S_IWGRP | S_IWOTH));
}

static int refuse(const char *shown, const char *what, const struct stat *st, const char *real)
{
	int same = !real || strcmp(shown, real) == 0;

	log_err("%s: refused: %s owned by uid %u with mode %04o; it must be owned by root "
		"and not writable by group or others%s%s%s", shown, what, (unsigned)st->st_uid,
		(unsigned)(st->st_mode & 07777), same ? "" : " (it resolves to ", same ? "" : real,
		same ? "" : ")");
	return -EPERM;
}

/* Opens one component below dirfd without following a symlink: the file
 * itself read-only, a directory as a path only. */
static int open_below(int dirfd, const char *name, size_t len, int as_file)
{
	char comp[NAME_MAX + 1];

	if (len > NAME_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(comp, name, len);
	comp[len] = '\0';
	return openat(dirfd, comp, O_NOFOLLOW | O_CLOEXEC |
		      (as_file ? O_RDONLY : O_PATH | O_DIRECTORY));
}

/*
 * Walks the resolved absolute path `real` from "/", checking every
 * directory: the last one is called `last_dir`, those above it "a
 * directory above <shown>".  With file_what, the last component is a
 * regular file, checked and returned open; else the last directory's
 * O_PATH descriptor is returned.
 */
static int walk(const char *real, const char *shown, const char *last_dir, const char *file_what)
{
	char prefix[PATH_MAX] = "", above[PATH_MAX + 32];
	const char *p = real;
	struct stat st;
	int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC), rc;

	snprintf(above, sizeof(above), "a directory above %s", shown);
	while (fd >= 0 && fstat(fd, &st) == 0) {
		size_t len;
		int final, next;

		p += strspn(p, "/");
		len = strcspn(p, "/");
		final = p[len + strspn(p + len, "/")] == '\0';
		if (!stat_trusted(&st)) {
			rc = refuse(*prefix ? prefix : "/",
				    !*p || (file_what && final) ? last_dir : above, &st, NULL);
			close(fd);
			return rc;
		}
		if (!*p && !file_what)
			return fd;
		if (!*p || strlen(prefix) + len + 2 > sizeof(prefix)) {
			errno = !*p ? EISDIR : ENAMETOOLONG;
			break;
		}
		strcat(prefix, "/");
		strncat(prefix, p, len);
		next = open_below(fd, p, len, file_what && final);
		close(fd);
		fd = next;
		p += len;
		if (fd >= 0 && file_what && final) {
			if (fstat(fd, &st) < 0)
				break;
			if (!S_ISREG(st.st_mode)) {
				close(fd);
				log_err("%s: refused: the %s is not a regular file", shown, file_what);
				return -EINVAL;
			}
			if (!stat_trusted(&st)) {
				close(fd);
				return refuse(shown, file_what, &st, real);
			}
			return fd;
		}
	}
	rc = errno ? -errno : -EIO;
	if (fd >= 0)
		close(fd);
	log_err("%s: refused: cannot check the %s at %s: %s", shown,
		file_what ? file_what : last_dir, *prefix ? prefix : "/", strerror(-rc));
	return rc;
}

static int resolve(const char *path, const char *what, char *real)
{
	if (realpath(path, real))
		return 0;
	log_err("%s: %s: %s", path, what, strerror(errno));
	return -errno;
}

int trust_check_dir(const char *path, const char *what)
{
	char real[PATH_MAX];
	int fd, rc;

	if ((rc = resolve(path, what, real)) < 0)
		return rc;
	if ((fd = walk(real, path, what, NULL)) < 0)
		return fd;
	close(fd);
	return 0;
}

int trust_open_file(const char *path, const char *what)
{
	char real[PATH_MAX];
	int rc;

	if ((rc = resolve(path, what, real)) < 0)
		return rc;
	return walk(real, path, "the directory of the plugin", what);
}
