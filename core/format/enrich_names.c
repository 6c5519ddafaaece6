/* core/format/enrich_names.c -- field kinds and id names for the enriched format. */
#include "format/enrich_names.h"

#include <libaudit.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "format/enrich_fields.h"
#include "format/json.h"

enum id_kind id_field_kind(const char *name, size_t len)
{
	unsigned k = field_kind(name, len);

	if (k & FK_UID)
		return ID_USER;
	if (k & FK_GID)
		return ID_GROUP;
	if (k & FK_SES)
		return ID_SESSION;
	return ID_NONE;
}

int id_name_json(struct buf *b, struct uidmap *um, enum id_kind k, int64_t id, uint64_t now_sec)
{
	const char *n = NULL;
	char tmp[40];

	if (id == 4294967295LL || id == -1)
		return buf_adds(b, "\"unset\"");
	if (k == ID_SESSION || id < 0 || id > 4294967295LL)
		return -1;
	n = k == ID_USER ? uidmap_user(um, (uint32_t)id, now_sec)
			 : uidmap_group(um, (uint32_t)id, now_sec);
	if (!n) {
		/* as libauparse prints it: a signed int (4294967294 is -2) */
		snprintf(tmp, sizeof(tmp), "unknown(%d)", (int)(int32_t)(uint32_t)id);
		n = tmp;
	}
	return json_add_string(b, n, strlen(n));
}

int field_always_string(const char *name, size_t len)
{
	return (field_kind(name, len) & FK_STRING) != 0;
}

/* libaudit's answers for the common range, kept: audit_msg_type_to_name
 * and its strlen showed ~1.5% of the enriched replay, once per record type
 * per event.  Atomic slots: any formatting thread may fill one (each writes
 * the same pointer). */
#define TYPE_CACHE_MIN 1000
#define TYPE_CACHE_MAX 3000
static _Atomic(const char *) type_names[TYPE_CACHE_MAX - TYPE_CACHE_MIN];

const char *msg_type_name(int type, char tmp[24])
{
	const char *n;
	int cached = type >= TYPE_CACHE_MIN && type < TYPE_CACHE_MAX;

	if (cached &&
	    (n = atomic_load_explicit(&type_names[type - TYPE_CACHE_MIN], memory_order_relaxed)))
		return n;
	if ((n = audit_msg_type_to_name(type)) != NULL) {
		if (cached)	/* libaudit's table: static strings */
			atomic_store_explicit(&type_names[type - TYPE_CACHE_MIN], n, memory_order_relaxed);
		return n;
	}
	snprintf(tmp, 24, "UNKNOWN[%d]", type);
	return tmp;
}
