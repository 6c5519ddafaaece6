/* core/format/cgroup_id.c -- a live process's cgroup v2 path by the id of
 * its cgroup.
 *
 * Opening /proc/PID/cgroup of a new pid instantiates the pid's proc inodes
 * (proc_pid_lookup); on a fork+exec load that was a quarter of the enriched
 * daemon's CPU.  pidfd_open + ioctl(PIDFD_GET_INFO) give the id of the
 * task's cgroup on the unified hierarchy for about half the cost, and the
 * path of an id, read once from /proc, is kept here.
 *
 * Why a kept path stays the one /proc would show:
 *  - v2 cgroups cannot be renamed (only v1 has rename), and a kernfs id
 *    (32-bit cyclic number + generation) is not reused within a boot;
 *  - an id is kept only after fstatat of its path on a cgroup2 mount whose
 *    root is this cgroup namespace's gives that id as the inode number, so
 *    a path read while the process was moving elsewhere is never kept;
 *  - only for a task that has not exited: a zombie may sit in a removed
 *    cgroup, which /proc shows as "PATH (deleted)".  A pidfd of the task
 *    itself (PIDFD_THREAD) polls readable once it has exited.
 * The kept paths are a fixed table, direct-mapped by id. */
#include "format/cgroup_id.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Not in Debian 12's kernel headers (linux/pidfd.h of 6.13): the first
 * version (64 bytes) of the size-versioned struct. */
struct as_pidfd_info {
	uint64_t mask;
	uint64_t cgroupid;
	uint32_t pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid;
	uint32_t spare0;
};
#define AS_PIDFD_GET_INFO _IOWR(0xFF, 11, struct as_pidfd_info)
#define AS_PIDFD_INFO_CGROUPID (1ULL << 2)
#define AS_PIDFD_THREAD O_EXCL		/* this task, not its thread group */
#define AS_CGROUP2_SUPER_MAGIC 0x63677270

#define ID_SLOTS 256

struct idslot {
	uint64_t id;		/* 0: empty */
	size_t len;
	char path[CGROUP_ID_PATH_MAX];
};

struct cgroup_ids {
	int mnt;		/* O_PATH fd of the cgroup2 mount's root */
	dev_t dev;		/* its st_dev */
	uint64_t hits, kept;
	struct idslot slots[ID_SLOTS];
};

static struct idslot *slot_of(struct cgroup_ids *g, uint64_t id)
{
	return &g->slots[(id * 0x9e3779b97f4a7c15ull) >> 56];
}

/* Undoes mountinfo's octal escapes (\040 for a space) in place. */
static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

/* An O_PATH fd of the first cgroup2 mount whose root is this cgroup
 * namespace's root ("/" in mountinfo), or -errno. */
static int open_cgroup2(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t cap = 0;
	int fd = -ENOENT;

	if (!f)
		return -errno;
	while (fd < 0 && getline(&line, &cap, f) > 0) {
		/* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [TAGS...] - FSTYPE ... */
		char *sep = strstr(line, " - "), *save, *root, *mp;
		struct statfs sf;
		if (!sep || strncmp(sep + 3, "cgroup2 ", 8) != 0)
			continue;
		*sep = '\0';
		if (!strtok_r(line, " ", &save) || !strtok_r(NULL, " ", &save) ||
		    !strtok_r(NULL, " ", &save) || !(root = strtok_r(NULL, " ", &save)) ||
		    !(mp = strtok_r(NULL, " ", &save)) || strcmp(root, "/") != 0)
			continue;
		unescape(mp);
		if ((fd = open(mp, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
			fd = -errno;
			continue;
		}
		/* something else mounted over it since */
		if (fstatfs(fd, &sf) < 0 || sf.f_type != AS_CGROUP2_SUPER_MAGIC) {
			close(fd);
			fd = -ENOENT;
		}
	}
	free(line);
	fclose(f);
	return fd;
}

/* /proc is this pid namespace's: the pids the kernel audits are the ones
 * pidfd_open looks up. */
static int proc_is_ours(void)
{
	char self[32], want[32];
	ssize_t n = readlink("/proc/self", self, sizeof(self) - 1);

	if (n <= 0)
		return 0;
	self[n] = '\0';
	snprintf(want, sizeof(want), "%d", (int)getpid());
	return strcmp(self, want) == 0;
}

struct cgroup_ids *cgroup_ids_new(void)
{
	struct cgroup_ids *g;
	struct stat st;
	int fd;

	if (!proc_is_ours() || (fd = open_cgroup2()) < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !(g = calloc(1, sizeof(*g)))) {
		close(fd);
		return NULL;
	}
	g->mnt = fd;
	g->dev = st.st_dev;
	return g;
}

void cgroup_ids_free(struct cgroup_ids *g)
{
	if (g) {
		close(g->mnt);
		free(g);
	}
}

/* errno of pidfd_open or the ioctl: what it says of the kernel. */
static ssize_t failed(int e)
{
	if (e == ESRCH)
		return -ESRCH;
	if (e == ENOSYS || e == EINVAL || e == ENOTTY || e == EOPNOTSUPP || e == EPERM)
		return -ENOSYS;	/* pidfd_open, PIDFD_THREAD or GET_INFO missing, or a seccomp filter */
	return -ENOENT;		/* EMFILE and the like: read /proc this time */
}

ssize_t cgroup_ids_lookup(struct cgroup_ids *g, uint32_t pid, uint64_t *id, const char **path)
{
	struct as_pidfd_info info = { .mask = AS_PIDFD_INFO_CGROUPID };
	struct pollfd p;
	struct idslot *s;
	int fd, exited, e;

	*id = 0;
	if (pid == 0 || pid > INT32_MAX)
		return -ESRCH;	/* not a pid (pidfd_open's EINVAL would mean an old kernel) */
#ifdef SYS_pidfd_open
	fd = (int)syscall(SYS_pidfd_open, (pid_t)pid, AS_PIDFD_THREAD);
#else
	fd = -1;
	errno = ENOSYS;
#endif
	if (fd < 0)
		return failed(errno);
	if (ioctl(fd, AS_PIDFD_GET_INFO, &info) < 0) {
		e = errno;
		close(fd);
		return failed(e);
	}
	/* Polled after the id was taken: alive now, so alive in that cgroup
	 * when it was taken, and a live task's cgroup is not removed. */
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	exited = poll(&p, 1, 0) != 0;
	close(fd);
	if (!(info.mask & AS_PIDFD_INFO_CGROUPID))
		return -ENOSYS;	/* a kernel without cgroups */
	*id = info.cgroupid;
	s = slot_of(g, info.cgroupid);
	if (exited || !info.cgroupid || s->id != info.cgroupid)
		return -ENOENT;
	g->hits++;
	*path = s->path;
	return (ssize_t)s->len;
}

void cgroup_ids_add(struct cgroup_ids *g, uint64_t id, const char *path, size_t len)
{
	char rel[CGROUP_ID_PATH_MAX];
	struct idslot *s = slot_of(g, id);
	struct stat st;

	if (!id || len == 0 || len >= sizeof(rel) || path[0] != '/' || memchr(path, '\0', len))
		return;
	/* relative to the mount's root; "/" is the root itself */
	if (len == 1) {
		strcpy(rel, ".");
	} else {
		memcpy(rel, path + 1, len - 1);
		rel[len - 1] = '\0';
	}
	if (fstatat(g->mnt, rel, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode) ||
	    st.st_dev != g->dev || (uint64_t)st.st_ino != id)
		return;
	s->id = id;
	s->len = len;
	memcpy(s->path, path, len);
	g->kept++;
}

void cgroup_ids_stats(const struct cgroup_ids *g, uint64_t *hits, uint64_t *kept)
{
	*hits = g ? g->hits : 0;
	*kept = g ? g->kept : 0;
}
