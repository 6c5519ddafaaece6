/* core/input/netlink/audit_state.h -- the daemon's hold on the kernel's audit state: the
 * audit pid (unicast), the enabled flag, the rules, the canary's watch; and
 * giving them back at exit as on_exit says. */
#ifndef AS_CONTROL_H
#define AS_CONTROL_H

#include "input/netlink/canary.h"
#include "config/config.h"
#include "input/netlink/socket.h"
#include "input/netlink/rules.h"
#include "input/netlink/rules_apply.h"

struct control {
	const struct config *cfg;
	struct ruleset rules;		/* parsed by control_prepare */
	struct rules_added added;	/* the rules we loaded */
	struct rules_added canary_added;
	struct canary *canary;		/* NULL: off */
	int registered;			/* we hold the audit pid */
	int have_status;
	uint32_t orig_enabled;		/* at start */
};

/* Parses the rules (when they are to be loaded) and sets up the canary;
 * touches no kernel state.  Returns 0 or -errno, every error logged. */
int control_prepare(struct control *k, const struct config *cfg);

/* Registers (unicast), enables auditing (input.enable), applies the rules,
 * installs the canary's watch, then "-e 2" if asked.  fn gets the records
 * that arrive meanwhile.  On failure, undoes what it did. */
int control_start(struct control *k, struct nl *n, nl_msg_fn fn, void *arg);

/* Removes the canary's watch, applies on_exit, deregisters. */
void control_stop(struct control *k, struct nl *n, nl_msg_fn fn, void *arg);

void control_free(struct control *k);

#endif
