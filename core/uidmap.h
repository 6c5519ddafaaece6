/* core/uidmap.h -- uid -> user name, cached with a TTL so that a name lookup
 * (NSS, maybe LDAP) is made once per uid and TTL, never per event. */
#ifndef AS_UIDMAP_H
#define AS_UIDMAP_H

#include <stdint.h>

struct uidmap;

struct uidmap *uidmap_new(unsigned ttl_sec);
void uidmap_free(struct uidmap *m);

/* The user name of uid, or "UNKNOWN_USER" (go-audit's word) if there is none. */
const char *uidmap_name(struct uidmap *m, uint32_t uid, uint64_t now_sec);

#endif
