/* core/format/uidmap.c -- small direct-mapped caches in front of getpwuid_r and
 * getgrgid_r. */
#include "format/uidmap.h"

#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define UIDMAP_SLOTS 512

struct slot {
	uint32_t id;
	uint8_t used;
	uint8_t found;
	uint64_t expires;
	char name[64];
};

struct uidmap {
	unsigned ttl;
	struct slot users[UIDMAP_SLOTS];
	struct slot groups[UIDMAP_SLOTS];
};

struct uidmap *uidmap_new(unsigned ttl_sec)
{
	struct uidmap *m = calloc(1, sizeof(*m));
	if (m)
		m->ttl = ttl_sec;
	return m;
}

void uidmap_free(struct uidmap *m)
{
	free(m);
}

static int lookup_user(uint32_t uid, char *out, size_t outlen)
{
	struct passwd pw, *res = NULL;
	char tmp[1024];

	if (getpwuid_r((uid_t)uid, &pw, tmp, sizeof(tmp), &res) == 0 && res &&
	    strlen(res->pw_name) < outlen) {
		strcpy(out, res->pw_name);
		return 1;
	}
	return 0;
}

static int lookup_group(uint32_t gid, char *out, size_t outlen)
{
	struct group gr, *res = NULL;
	char tmp[4096];

	if (getgrgid_r((gid_t)gid, &gr, tmp, sizeof(tmp), &res) == 0 && res &&
	    strlen(res->gr_name) < outlen) {
		strcpy(out, res->gr_name);
		return 1;
	}
	return 0;
}

static struct slot *get(struct uidmap *m, struct slot *table, uint32_t id, uint64_t now_sec,
			int (*lookup)(uint32_t, char *, size_t))
{
	struct slot *s = &table[(id * 2654435761u) % UIDMAP_SLOTS];

	if (!s->used || s->id != id || now_sec >= s->expires) {
		s->found = (uint8_t)lookup(id, s->name, sizeof(s->name));
		s->id = id;
		s->used = 1;
		s->expires = now_sec + m->ttl;
	}
	return s;
}

const char *uidmap_user(struct uidmap *m, uint32_t uid, uint64_t now_sec)
{
	struct slot *s = get(m, m->users, uid, now_sec, lookup_user);
	return s->found ? s->name : NULL;
}

const char *uidmap_group(struct uidmap *m, uint32_t gid, uint64_t now_sec)
{
	struct slot *s = get(m, m->groups, gid, now_sec, lookup_group);
	return s->found ? s->name : NULL;
}

const char *uidmap_name(struct uidmap *m, uint32_t uid, uint64_t now_sec)
{
	const char *n = uidmap_user(m, uid, now_sec);
	return n ? n : "UNKNOWN_USER";
}
