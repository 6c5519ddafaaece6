/* core/format/enrich_container.c -- cgroup and container of a pid.
 *
 * /proc/PID/cgroup has one line per hierarchy, "ID:CONTROLLERS:PATH"; on
 * cgroup v2 only "0::PATH".  The v2 line is used, else the v1 line of the
 * systemd hierarchy ("name=systemd"), else the first.  Scopes the runtimes
 * create (systemd cgroup driver, and the cgroupfs driver's directories):
 *   docker          docker-<64hex>.scope, /docker/<64hex>
 *   containerd      cri-containerd-<64hex>.scope, /kubepods/.../<64hex>
 *   cri-o           crio-<64hex>.scope (crio-conmon-<id>.scope is conmon)
 *   podman          libpod-<64hex>.scope (libpod-conmon-... is conmon)
 *   systemd-nspawn  systemd-nspawn@NAME.service, machine-NAME.scope
 * The cache is direct-mapped by pid; an entry is trusted for CACHE_TTL
 * seconds, short enough that a reused pid is read again.  On a miss, with
 * the real /proc and a v2 line in it, the cgroup's id by a pidfd finds the
 * path when another process of that cgroup was read before (cgroup_id.c);
 * each execve is a miss, and a new pid's /proc files are the costly part. */
#include "format/enrich_container.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format/cgroup_id.h"
#include "format/json.h"

#define CACHE_SLOTS 256
#define CACHE_TTL 5
#define PATH_MAX_KEPT CGROUP_ID_PATH_MAX

struct slot {
	uint32_t pid;
	uint64_t read_sec;	/* 0: empty */
	size_t len;		/* of path */
	char path[PATH_MAX_KEPT];
};

struct container_cache {
	char proc[64];
	struct cgroup_ids *ids;	/* NULL: /proc/PID/cgroup every time */
	int v2;			/* the last file read had the v2 line */
	struct slot slots[CACHE_SLOTS];
};

static int is_hex64(const char *s, size_t n)
{
	if (n != 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

static int starts(const char *s, size_t n, const char *lit, size_t *skip)
{
	size_t l = strlen(lit);

	if (n < l || memcmp(s, lit, l) != 0)
		return 0;
	*skip = l;
	return 1;
}

static int ends(const char *s, size_t n, const char *lit)
{
	size_t l = strlen(lit);

	return n >= l && memcmp(s + n - l, lit, l) == 0;
}

/* One path segment (between slashes); prev: the one before it; kube: a
 * kubepods segment came before. */
static int segment(const char *s, size_t n, const char *prev, size_t pn, int kube,
		   struct container_ref *r)
{
	static const struct {
		const char *prefix, *runtime;
	} scopes[] = {
		{ "docker-", "docker" }, { "cri-containerd-", "containerd" },
		{ "crio-", "cri-o" }, { "libpod-", "podman" },
	};
	size_t skip;

	if (ends(s, n, ".scope")) {
		for (size_t i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++)
			if (starts(s, n, scopes[i].prefix, &skip) && is_hex64(s + skip, n - skip - 6)) {
				*r = (struct container_ref){ scopes[i].runtime, s + skip, 64 };
				return 1;
			}
		if (starts(s, n, "machine-", &skip) && n > skip + 6) {
			*r = (struct container_ref){ "systemd-nspawn", s + skip, n - skip - 6 };
			return 1;
		}
	}
	if (starts(s, n, "systemd-nspawn@", &skip) && ends(s, n, ".service") && n > skip + 8) {
		*r = (struct container_ref){ "systemd-nspawn", s + skip, n - skip - 8 };
		return 1;
	}
	/* cgroupfs driver: /docker/<id>, /kubepods/<qos>/pod<uid>/<id> */
	if (is_hex64(s, n) && prev && pn == 6 && memcmp(prev, "docker", 6) == 0) {
		*r = (struct container_ref){ "docker", s, 64 };
		return 1;
	}
	if (is_hex64(s, n) && kube) {
		*r = (struct container_ref){ "containerd", s, 64 };
		return 1;
	}
	return 0;
}

int container_parse(const char *path, size_t n, struct container_ref *out)
{
	const char *prev = NULL;
	size_t pn = 0, i = 0;
	int found = 0, kube = 0;

	*out = (struct container_ref){ NULL, NULL, 0 };
	while (i < n) {
		size_t j = i;
		struct container_ref r;
		while (j < n && path[j] != '/')
			j++;
		if (j > i) {
			if (j - i >= 8 && memcmp(path + i, "kubepods", 8) == 0)
				kube = 1;
			if (segment(path + i, j - i, prev, pn, kube, &r)) {
				*out = r;	/* the innermost wins */
				found = 1;
			}
			prev = path + i;
			pn = j - i;
		}
		i = j + 1;
	}
	return found;
}

struct container_cache *container_cache_new(const char *proc)
{
	struct container_cache *c = calloc(1, sizeof(*c));

	if (c) {
		snprintf(c->proc, sizeof(c->proc), "%s", proc ? proc : "/proc");
		if (strcmp(c->proc, "/proc") == 0)
			c->ids = cgroup_ids_new();	/* tests give a fake proc */
	}
	return c;
}

void container_cache_free(struct container_cache *c)
{
	if (c)
		cgroup_ids_free(c->ids);
	free(c);
}

void container_cache_stats(const struct container_cache *c, uint64_t *id_hits, uint64_t *ids_kept)
{
	cgroup_ids_stats(c->ids, id_hits, ids_kept);
}

/* The cgroup path of pid into path (NUL-terminated); its length, or -errno.
 * *v2: the path is the v2 line's. */
static ssize_t read_cgroup(const struct container_cache *c, uint32_t pid, char *path, size_t cap,
			   int *v2)
{
	char name[96], text[4096];
	const char *best = NULL, *line;
	size_t bestlen = 0;
	ssize_t n;
	int fd, rank = 0;

	snprintf(name, sizeof(name), "%s/%u/cgroup", c->proc, pid);
	if ((fd = open(name, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -ENOENT;
	text[n] = '\0';
	for (line = text; *line; ) {
		const char *nl = strchr(line, '\n'), *end = nl ? nl : line + strlen(line);
		const char *c1 = memchr(line, ':', (size_t)(end - line));
		const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(end - c1 - 1)) : NULL;
		if (c2) {
			int r = (c1 == line + 1 && line[0] == '0' && c2 == c1 + 1) ? 3
				: (c2 - c1 - 1 == 12 && memcmp(c1 + 1, "name=systemd", 12) == 0) ? 2 : 1;
			if (r > rank) {
				rank = r;
				best = c2 + 1;
				bestlen = (size_t)(end - c2 - 1);
			}
		}
		line = nl ? nl + 1 : end;
	}
	if (!best)
		return -EINVAL;
	*v2 = rank == 3;
	if (bestlen >= cap)
		bestlen = cap - 1;
	memcpy(path, best, bestlen);
	path[bestlen] = '\0';
	return (ssize_t)bestlen;
}

/* read_cgroup, or the kept path of pid's cgroup id when there is one. */
static ssize_t lookup(struct container_cache *c, uint32_t pid, char *path, size_t cap)
{
	const char *kept;
	uint64_t id = 0;
	ssize_t n;
	int v2 = 0;

	/* The v2 line is the one used whenever there is one; the ids are of
	 * v2 cgroups, so only while there is (cgroup v1 only: no v2 line). */
	if (c->ids && c->v2) {
		n = cgroup_ids_lookup(c->ids, pid, &id, &kept);
		if (n >= 0 && (size_t)n < cap) {
			memcpy(path, kept, (size_t)n);
			path[n] = '\0';
			return n;
		}
		if (n == -ESRCH)
			return n;	/* gone: as /proc would say */
		if (n == -ENOSYS) {
			cgroup_ids_free(c->ids);
			c->ids = NULL;
		}
	}
	if ((n = read_cgroup(c, pid, path, cap, &v2)) < 0)
		return n;
	c->v2 = v2;
	if (c->ids && v2 && id)
		cgroup_ids_add(c->ids, id, path, (size_t)n);
	return n;
}

int container_json(struct container_cache *c, struct buf *b, uint32_t pid, uint64_t now_sec,
		   int reread)
{
	struct container_ref r;
	size_t n;
	const char *path = container_cgroup(c, pid, now_sec, reread, &n);

	if (!path)
		return 0;
	buf_adds(b, "{\"cgroup\":");
	json_add_string(b, path, n);
	if (container_parse(path, n, &r)) {
		buf_adds(b, ",\"container\":{");
		container_add_ref(b, &r);
		buf_addc(b, '}');
	}
	return buf_addc(b, '}') == 0;
}

void container_add_ref(struct buf *b, const struct container_ref *r)
{
	buf_adds(b, "\"runtime\":");
	json_add_string(b, r->runtime, strlen(r->runtime));
	buf_adds(b, ",\"id\":");
	json_add_string(b, r->id, r->idlen);
}

const char *container_cgroup(struct container_cache *c, uint32_t pid, uint64_t now_sec,
			     int reread, size_t *len)
{
	struct slot *s = &c->slots[(pid ^ pid >> 8) % CACHE_SLOTS];
	ssize_t n;

	if (reread || !s->read_sec || s->pid != pid || now_sec - s->read_sec >= CACHE_TTL) {
		s->read_sec = 0;
		if ((n = lookup(c, pid, s->path, sizeof(s->path))) < 0)
			return NULL;
		s->pid = pid;
		s->len = (size_t)n;
		s->read_sec = now_sec ? now_sec : 1;
	}
	*len = s->len;
	return s->path;
}
