/* core/format/enrich_names.h -- interpretations that stand beside a raw field in
 * the enriched format ("uid":0,"UID":"root"): which fields are ids, which
 * are always strings, and the names of ids, arches, syscalls, errnos. */
#ifndef AS_ENRICH_NAMES_H
#define AS_ENRICH_NAMES_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "format/uidmap.h"

enum id_kind { ID_NONE, ID_USER, ID_GROUP, ID_SESSION };

/* What kind of id the field holds (uid, auid, ouid, ... / gid, ogid, ...). */
enum id_kind id_field_kind(const char *name, size_t len);

/* Appends the JSON string naming the id: the user or group name, "unset"
 * for (uint32_t)-1, else "unknown(N)" as ausearch says. */
int id_name_json(struct buf *b, struct uidmap *um, enum id_kind k, int64_t id, uint64_t now_sec);

/* Fields that look decimal but are hex or masks (a0..a3, capabilities):
 * always strings, so a field keeps one JSON type across events. */
int field_always_string(const char *name, size_t len);

/* "UNKNOWN[1334]" for types libaudit does not name. */
const char *msg_type_name(int type, char tmp[24]);

#endif
