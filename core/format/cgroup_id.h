/* core/format/cgroup_id.h -- the cgroup v2 path of a live process without
 * opening /proc/PID/cgroup: a pidfd tells the id of its cgroup on the
 * unified hierarchy (PIDFD_GET_INFO, Linux >= 6.13), and the path of each
 * id is kept once read from /proc.  For enrich_container.c. */
#ifndef AS_CGROUP_ID_H
#define AS_CGROUP_ID_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Longest path kept (with its NUL). */
#define CGROUP_ID_PATH_MAX 512

struct cgroup_ids;

/* NULL when this cannot be used here: no cgroup2 mount in this mount
 * namespace, /proc of another pid namespace, or out of memory.  Only for
 * the real /proc: the ids are the running kernel's. */
struct cgroup_ids *cgroup_ids_new(void);
void cgroup_ids_free(struct cgroup_ids *g);

/* The kept path of pid's cgroup v2 when pid is alive: its length, *path
 * set (not NUL-terminated; valid until cgroup_ids_add or _free).  Else
 *   -ENOENT  not kept: read /proc/PID/cgroup, and if its v2 line was the
 *            one used give it to cgroup_ids_add with *id (0: no id known)
 *   -ESRCH   no such process (gone, reaped)
 *   -ENOSYS  the kernel cannot tell (older than 6.13): stop asking. */
ssize_t cgroup_ids_lookup(struct cgroup_ids *g, uint32_t pid, uint64_t *id, const char **path);

/* Keeps path ("/..." as the v2 line of /proc/PID/cgroup has it) for id,
 * but only if that path names the cgroup with that id on the mount. */
void cgroup_ids_add(struct cgroup_ids *g, uint64_t id, const char *path, size_t len);

/* Paths answered from the kept ones, and paths kept, so far (for tests). */
void cgroup_ids_stats(const struct cgroup_ids *g, uint64_t *hits, uint64_t *kept);

#endif
