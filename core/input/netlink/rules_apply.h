/* core/input/netlink/rules_apply.h -- send a parsed rule set to the kernel, every command
 * ACK-checked, all or nothing; remember what was added so that it can be
 * removed at exit. */
#ifndef AS_RULES_APPLY_H
#define AS_RULES_APPLY_H

#include "input/netlink/socket.h"
#include "input/netlink/rules.h"

/* What this process added (and so may remove again). */
struct rules_added {
	struct audit_rule_data **rules;
	size_t *sizes;
	size_t n, cap;
	int error;	/* a rule could not be recorded (-ENOMEM) */
};

/* Calls fn(arg, rule, len) for every rule the kernel holds, in its order. */
typedef void (*rules_list_fn)(void *arg, const struct audit_rule_data *r, size_t len);
int rules_kernel_list(struct nl *n, rules_list_fn fn, void *arg, nl_msg_fn other, void *other_arg);

/* Applies rs in order, but for "-e 2" (see rules_lock).  A rule the kernel
 * already holds is logged and skipped.  When the kernel refuses a command,
 * logs it with its source and text, puts back the rules and settings found
 * before, and returns its -errno. */
int rules_apply(struct nl *n, const struct ruleset *rs, struct rules_added *added,
		nl_msg_fn other, void *arg);

/* Adds one rule (ACK checked; EEXIST counts as success) and records it. */
int rules_add_one(struct nl *n, const struct audit_rule_data *r, size_t len,
		  struct rules_added *added, nl_msg_fn other, void *arg);

/* Removes what was added, newest first; rules already gone are fine. */
int rules_remove_added(struct nl *n, struct rules_added *added, nl_msg_fn other, void *arg);
void rules_added_free(struct rules_added *added);

/* "-e 2", if the set asked for it: the rules are immutable until reboot. */
int rules_lock(struct nl *n, const struct ruleset *rs, nl_msg_fn other, void *arg);

#endif
