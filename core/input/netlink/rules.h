/* core/input/netlink/rules.h -- audit rules in auditctl syntax, parsed with libaudit's
 * rule builders into a list of kernel commands.
 *
 * Everything is parsed and checked before anything is sent (rules_apply.h
 * sends them).  Each command keeps where it came from ("FILE:LINE" or
 * "CONFIG:LINE: rules[N]") and its text, for error messages. */
#ifndef AS_RULES_H
#define AS_RULES_H

#include <linux/audit.h>
#include <stddef.h>
#include <stdint.h>

enum rule_kind {
	RULE_ADD,		/* -a, -A, -w: AUDIT_ADD_RULE */
	RULE_DEL,		/* -d, -W: AUDIT_DEL_RULE */
	RULE_DELETE_ALL,	/* -D */
	RULE_SET,		/* -b -r -f -e --backlog_wait_time: AUDIT_SET of one field */
};

struct rule_cmd {
	enum rule_kind kind;
	struct audit_rule_data *data;	/* ADD, DEL: flags and action set */
	size_t size;			/* of data, with its string buffer */
	uint32_t set_mask;		/* SET: one AUDIT_STATUS_* bit */
	uint32_t set_value;
	char *where;
	char *text;
};

struct ruleset {
	struct rule_cmd *cmds;
	size_t n, cap;
	int immutable;		/* "-e 2" was given: applied last, by rules_lock() */
	const char *immutable_where;
};

void ruleset_init(struct ruleset *rs);
void ruleset_free(struct ruleset *rs);

/* Parses one line in auditctl syntax; blank lines and # comments add
 * nothing.  On error writes the reason to err and returns -EINVAL (or
 * -ENOMEM). */
int rules_parse_line(struct ruleset *rs, const char *line, const char *where,
		     char *err, size_t errlen);

/* The whole rule text of a kernel rule, in auditctl syntax, as `auditctl -l`
 * prints it (rules_print.c).  Returns 0 or -ENOMEM; *out is malloc'd. */
int rules_format(const struct audit_rule_data *r, size_t len, char **out);

#endif
