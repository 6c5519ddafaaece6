/* core/format/uidmap.h -- uid -> user name and gid -> group name, cached with a TTL
 * so that a name lookup (NSS, maybe LDAP) is made once per id and TTL, never
 * per event.  Ids without a name are cached too. */
#ifndef AS_UIDMAP_H
#define AS_UIDMAP_H

#include <stdint.h>

struct uidmap;

struct uidmap *uidmap_new(unsigned ttl_sec);
void uidmap_free(struct uidmap *m);

/* The user name of uid, or "UNKNOWN_USER" (go-audit's word) if there is none. */
const char *uidmap_name(struct uidmap *m, uint32_t uid, uint64_t now_sec);

/* The user / group name, or NULL if the id has none.  The string lives until
 * the next call. */
const char *uidmap_user(struct uidmap *m, uint32_t uid, uint64_t now_sec);
const char *uidmap_group(struct uidmap *m, uint32_t gid, uint64_t now_sec);

#endif
