/* core/enrich_names.c -- field kinds and id names for the enriched format. */
#include "enrich_names.h"

#include <libaudit.h>
#include <stdio.h>
#include <string.h>

#include "enrich_fields.h"
#include "json.h"

static int in(const char *const *list, const char *name, size_t len)
{
	for (; *list; list++)	/* first byte first: most fields are in no list */
		if ((*list)[0] == name[0] && name_is(*list, name, len))
			return 1;
	return 0;
}

enum id_kind id_field_kind(const char *name, size_t len)
{
	static const char *const users[] = {
		"uid", "auid", "euid", "suid", "fsuid", "ouid", "oauid", "old-auid", "sauid",
		"iuid", "inode_uid", "obj_uid", "new-auid", NULL
	};
	static const char *const groups[] = {
		"gid", "egid", "sgid", "fsgid", "ogid", "igid", "inode_gid", "obj_gid",
		"new_gid", "new-gid", NULL
	};
	static const char *const sessions[] = { "ses", "old-ses", "new-ses", NULL };

	if (in(users, name, len))
		return ID_USER;
	if (in(groups, name, len))
		return ID_GROUP;
	if (in(sessions, name, len))
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
		snprintf(tmp, sizeof(tmp), "unknown(%lld)", (long long)id);
		n = tmp;
	}
	return json_add_string(b, n, strlen(n));
}

int field_always_string(const char *name, size_t len)
{
	static const char *const hexes[] = {
		"a0", "a1", "a2", "a3", "arch", "pp", "pi", "pe", "pa", "fp", "fi", "fe", "fver",
		"flags", "prot", "mode", "perm_mask", "saddr", NULL
	};

	if (len > 4 && memcmp(name, "cap_", 4) == 0 && !(len == 11 && memcmp(name, "cap_frootid", 11) == 0))
		return 1;
	if (len >= 5 && (memcmp(name, "old_p", 5) == 0 || memcmp(name, "new_p", 5) == 0))
		return 1;
	return in(hexes, name, len);
}

const char *msg_type_name(int type, char tmp[24])
{
	const char *n = audit_msg_type_to_name(type);

	if (n)
		return n;
	snprintf(tmp, 24, "UNKNOWN[%d]", type);
	return tmp;
}
