/* core/format/enrich_container.h -- which cgroup, and which container, a
 * process is in: /proc/PID/cgroup read once per pid (a small cache), its
 * path matched against the scopes container runtimes create (docker,
 * containerd under kubepods, cri-o, podman, systemd-nspawn).  go-audit's
 * container extras, without a runtime client. */
#ifndef AS_ENRICH_CONTAINER_H
#define AS_ENRICH_CONTAINER_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* The container a cgroup path names: runtime ("docker", ...) and id (a
 * 64-hex id, or a machine name for systemd-nspawn), in the path itself. */
struct container_ref {
	const char *runtime;	/* NULL: the path names no container */
	const char *id;
	size_t idlen;
};

/* Parses a cgroup path ("/system.slice/docker-<id>.scope"); the innermost
 * container wins.  Returns 1 if it names one. */
int container_parse(const char *path, size_t n, struct container_ref *out);

/* Appends "runtime":"...","id":"..." (the members, no braces). */
void container_add_ref(struct buf *b, const struct container_ref *r);

struct container_cache;

/* NULL if out of memory.  proc: the /proc to read ("/proc" but in tests). */
struct container_cache *container_cache_new(const char *proc);
void container_cache_free(struct container_cache *c);

/* Lookups answered by a cgroup id's kept path, and paths kept (tests). */
void container_cache_stats(const struct container_cache *c, uint64_t *id_hits, uint64_t *ids_kept);

/* The cgroup path of pid (not NUL-terminated, *len bytes; valid until
 * the next call), from the cache when it read the pid less than a few
 * seconds ago, unless reread (an execve: runtimes move a process into the
 * container's cgroup just before it execs the entrypoint).  NULL when
 * /proc/PID/cgroup cannot be read (the process is gone). */
const char *container_cgroup(struct container_cache *c, uint32_t pid, uint64_t now_sec,
			     int reread, size_t *len);

/* Appends {"cgroup":"...","container":{"runtime":"docker","id":"..."}}
 * (the container part only where the path names one) for pid: the
 * enriched format's PID.  Returns 1, or 0 (b unchanged) as above. */
int container_json(struct container_cache *c, struct buf *b, uint32_t pid, uint64_t now_sec,
		   int reread);

#endif
