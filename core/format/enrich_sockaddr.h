/* core/format/enrich_sockaddr.h -- SOCKADDR's saddr (hex of a struct sockaddr) as a
 * JSON object: {"family":"inet","addr":"127.0.0.1","port":9}, inet6, local
 * (unix) paths, netlink; other families by libauparse's name ({"family":"packet"}),
 * else {"family":N}. */
#ifndef AS_ENRICH_SOCKADDR_H
#define AS_ENRICH_SOCKADDR_H

#include <stddef.h>

#include "util/buf.h"

/* bytes[0..n) is the raw sockaddr; appends the object.  Returns 0 or -1. */
int sockaddr_json(struct buf *out, const unsigned char *bytes, size_t n);

#endif
