/* core/uidmap.c -- a small direct-mapped cache in front of getpwuid_r. */
#include "uidmap.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define UIDMAP_SLOTS 512

struct slot {
	uint32_t uid;
	uint8_t used;
	uint64_t expires;
	char name[64];
};

struct uidmap {
	unsigned ttl;
	struct slot slots[UIDMAP_SLOTS];
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

static void lookup(uint32_t uid, char *out, size_t outlen)
{
	struct passwd pw, *res = NULL;
	char tmp[1024];

	if (getpwuid_r((uid_t)uid, &pw, tmp, sizeof(tmp), &res) == 0 && res &&
	    strlen(res->pw_name) < outlen)
		strcpy(out, res->pw_name);
	else
		strcpy(out, "UNKNOWN_USER");
}

const char *uidmap_name(struct uidmap *m, uint32_t uid, uint64_t now_sec)
{
	struct slot *s = &m->slots[(uid * 2654435761u) % UIDMAP_SLOTS];

	if (!s->used || s->uid != uid || now_sec >= s->expires) {
		lookup(uid, s->name, sizeof(s->name));
		s->uid = uid;
		s->used = 1;
		s->expires = now_sec + m->ttl;
	}
	return s->name;
}
