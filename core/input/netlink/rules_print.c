/* core/input/netlink/rules_print.c -- a kernel rule (struct audit_rule_data, as
 * AUDIT_LIST_RULES returns it) in auditctl syntax, the way `auditctl -l`
 * prints it: a watch (perm field, every syscall, no other fields) as
 * "-w PATH -p PERMS -k KEY", anything else as "-a ACTION,LIST" with the arch
 * (b32 or b64) first, then the syscalls ("-S a,b"), then the fields in
 * kernel order; string fields take their text from the rule's buffer in
 * field order.  Matches auditctl 3.0.x, e.g. "auid!=-1", not "unset". */
#include "input/netlink/rules.h"

#include <errno.h>
#include <libaudit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *op_sym(const struct audit_rule_data *r, unsigned i)
{
	const char *s = audit_operator_to_symbol((int)(r->fieldflags[i] & AUDIT_OPERATORS));
	return s ? s : "?";
}

static int list_of(const struct audit_rule_data *r)
{
	return (int)(r->flags & AUDIT_FILTER_MASK);
}

static int takes_syscalls(const struct audit_rule_data *r)
{
	int l = list_of(r);
	return l != AUDIT_FILTER_USER && l != AUDIT_FILTER_TASK && l != AUDIT_FILTER_EXCLUDE &&
	       l != AUDIT_FILTER_FS;
}

static int all_syscalls(const struct audit_rule_data *r)
{
	for (int i = 0; i < AUDIT_BITMASK_SIZE - 1; i++)
		if (r->mask[i] != ~0u)
			return 0;
	return 1;
}

static int is_string_field(int f)
{
	return (f >= AUDIT_SUBJ_USER && f <= AUDIT_OBJ_LEV_HIGH && f != AUDIT_PPID) ||
	       f == AUDIT_WATCH || f == AUDIT_DIR || f == AUDIT_FILTERKEY || f == AUDIT_EXE;
}

static int is_watch(const struct audit_rule_data *r)
{
	int perm = 0;

	for (unsigned i = 0; i < r->field_count; i++) {
		int f = (int)(r->fields[i] & ~AUDIT_OPERATORS);
		if (f == AUDIT_PERM)
			perm = 1;
		else if (f != AUDIT_FILTERKEY && f != AUDIT_DIR && f != AUDIT_WATCH)
			return 0;
	}
	return perm && (!takes_syscalls(r) || all_syscalls(r));
}

static int machine_of(unsigned elf)
{
	return elf ? audit_elf_to_machine(elf) : audit_detect_machine();
}

static void print_head(FILE *f, const struct audit_rule_data *r, unsigned *elf)
{
	int first = 1, machine;

	fprintf(f, "-a %s,%s", audit_action_to_name((int)r->action), audit_flag_to_name(list_of(r)));
	for (unsigned i = 0; i < r->field_count; i++) {
		if ((r->fields[i] & ~AUDIT_OPERATORS) != AUDIT_ARCH)
			continue;
		*elf = r->values[i];
		machine = audit_elf_to_machine(*elf);
		if (machine < 0)
			fprintf(f, " -F arch%s0x%X", op_sym(r, i), r->values[i]);
		else
			fprintf(f, " -F arch%s%s", op_sym(r, i),
				(*elf & __AUDIT_ARCH_64BIT) ? "b64" : "b32");
	}
	if (!takes_syscalls(r))
		return;
	if (all_syscalls(r)) {
		fprintf(f, " -S all");
		return;
	}
	machine = machine_of(*elf);
	for (int sc = 0; sc < AUDIT_BITMASK_SIZE * 32; sc++) {
		const char *name;
		if (!(r->mask[AUDIT_WORD(sc)] & AUDIT_BIT(sc)))
			continue;
		name = machine < 0 ? NULL : audit_syscall_to_name(sc, machine);
		if (name)
			fprintf(f, "%s%s", first ? " -S " : ",", name);
		else
			fprintf(f, "%s%d", first ? " -S " : ",", sc);
		first = 0;
	}
}

static const char *compare_name(unsigned v, const char **right)
{
	static const struct { unsigned v; const char *l, *r; } t[] = {
		{ AUDIT_COMPARE_UID_TO_OBJ_UID, "uid", "obj_uid" },
		{ AUDIT_COMPARE_GID_TO_OBJ_GID, "gid", "obj_gid" },
		{ AUDIT_COMPARE_EUID_TO_OBJ_UID, "euid", "obj_uid" },
		{ AUDIT_COMPARE_EGID_TO_OBJ_GID, "egid", "obj_gid" },
		{ AUDIT_COMPARE_AUID_TO_OBJ_UID, "auid", "obj_uid" },
		{ AUDIT_COMPARE_SUID_TO_OBJ_UID, "suid", "obj_uid" },
		{ AUDIT_COMPARE_SGID_TO_OBJ_GID, "sgid", "obj_gid" },
		{ AUDIT_COMPARE_FSUID_TO_OBJ_UID, "fsuid", "obj_uid" },
		{ AUDIT_COMPARE_FSGID_TO_OBJ_GID, "fsgid", "obj_gid" },
		{ AUDIT_COMPARE_UID_TO_AUID, "uid", "auid" },
		{ AUDIT_COMPARE_UID_TO_EUID, "uid", "euid" },
		{ AUDIT_COMPARE_UID_TO_FSUID, "uid", "fsuid" },
		{ AUDIT_COMPARE_UID_TO_SUID, "uid", "suid" },
		{ AUDIT_COMPARE_AUID_TO_FSUID, "auid", "fsuid" },
		{ AUDIT_COMPARE_AUID_TO_SUID, "auid", "suid" },
		{ AUDIT_COMPARE_AUID_TO_EUID, "auid", "euid" },
		{ AUDIT_COMPARE_EUID_TO_SUID, "euid", "suid" },
		{ AUDIT_COMPARE_EUID_TO_FSUID, "euid", "fsuid" },
		{ AUDIT_COMPARE_SUID_TO_FSUID, "suid", "fsuid" },
		{ AUDIT_COMPARE_GID_TO_EGID, "gid", "egid" },
		{ AUDIT_COMPARE_GID_TO_FSGID, "gid", "fsgid" },
		{ AUDIT_COMPARE_GID_TO_SGID, "gid", "sgid" },
		{ AUDIT_COMPARE_EGID_TO_FSGID, "egid", "fsgid" },
		{ AUDIT_COMPARE_EGID_TO_SGID, "egid", "sgid" },
		{ AUDIT_COMPARE_SGID_TO_FSGID, "sgid", "fsgid" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].v == v) {
			*right = t[i].r;
			return t[i].l;
		}
	return NULL;
}

static void print_perm(FILE *f, unsigned v, int watch)
{
	fprintf(f, watch ? " -p " : " -F perm=");
	fprintf(f, "%s%s%s%s", v & AUDIT_PERM_READ ? "r" : "", v & AUDIT_PERM_WRITE ? "w" : "",
		v & AUDIT_PERM_EXEC ? "x" : "", v & AUDIT_PERM_ATTR ? "a" : "");
}

static void print_keys(FILE *f, const char *s, unsigned len, int watch)
{
	unsigned start = 0;

	for (unsigned i = 0; i <= len; i++) {
		if (i < len && s[i] != AUDIT_KEY_SEPARATOR)
			continue;
		if (i > start)
			fprintf(f, watch ? " -k %.*s" : " -F key=%.*s", (int)(i - start), s + start);
		start = i + 1;
	}
}

static void print_string(FILE *f, const struct audit_rule_data *r, unsigned i, const char *s,
			 int watch)
{
	int field = (int)(r->fields[i] & ~AUDIT_OPERATORS);
	unsigned len = r->values[i];

	if (field == AUDIT_FILTERKEY)
		print_keys(f, s, len, watch);
	else if ((field == AUDIT_WATCH || field == AUDIT_DIR) && watch)
		fprintf(f, "-w %.*s", (int)len, s);
	else
		fprintf(f, " -F %s%s%.*s", field == AUDIT_WATCH ? "path" : audit_field_to_name(field),
			op_sym(r, i), (int)len, s);
}

static void print_value(FILE *f, const struct audit_rule_data *r, unsigned i, int watch)
{
	int field = (int)(r->fields[i] & ~AUDIT_OPERATORS);
	const char *name = audit_field_to_name(field), *right, *s;
	int v = (int)r->values[i];

	if (!name) {
		fprintf(f, " f%u%s%d", r->fields[i], op_sym(r, i), v);
	} else if (field == AUDIT_MSGTYPE && (s = audit_msg_type_to_name(v))) {
		fprintf(f, " -F %s%s%s", name, op_sym(r, i), s);
	} else if (field == AUDIT_PERM) {
		print_perm(f, r->values[i], watch);
	} else if (field == AUDIT_FIELD_COMPARE) {
		if ((s = compare_name(r->values[i], &right)))
			fprintf(f, " -C %s%s%s", s, op_sym(r, i), right);
	} else if (field == AUDIT_EXIT && v < 0 && (s = audit_errno_to_name(-v))) {
		fprintf(f, " -F %s%s-%s", name, op_sym(r, i), s);
	} else if (field == AUDIT_INODE) {
		fprintf(f, " -F %s%s%u", name, op_sym(r, i), r->values[i]);
	} else if (field >= AUDIT_ARG0 && field <= AUDIT_ARG3) {
		fprintf(f, " -F %s%s0x%X", name, op_sym(r, i), r->values[i]);
	} else {
		fprintf(f, " -F %s%s%d", name, op_sym(r, i), v);
	}
}

int rules_format(const struct audit_rule_data *r, size_t len, char **out)
{
	size_t size = 0, off = 0;
	unsigned elf = 0;
	int watch = is_watch(r);
	FILE *f = open_memstream(out, &size);

	if (!f)
		return -ENOMEM;
	if (!watch)
		print_head(f, r, &elf);
	for (unsigned i = 0; i < r->field_count && i < AUDIT_MAX_FIELDS; i++) {
		int field = (int)(r->fields[i] & ~AUDIT_OPERATORS);

		if (field == AUDIT_ARCH)
			continue;
		if (is_string_field(field)) {
			if (sizeof(*r) + off + r->values[i] > len)
				break;	/* a short message: print what it holds */
			print_string(f, r, i, r->buf + off, watch);
			off += r->values[i];
		} else {
			print_value(f, r, i, watch);
		}
	}
	if (fclose(f) != 0) {
		free(*out);
		*out = NULL;
		return -ENOMEM;
	}
	return 0;
}
