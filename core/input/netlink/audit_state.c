/* core/input/netlink/audit_state.c -- take and give back the kernel's audit state.
 *
 * Order at start: audit pid (unicast only), enabled flag, rules, canary
 * watch, and "-e 2" last of all, since after it nothing can change until
 * reboot.  Order at exit: canary watch, our rules (on_exit.rules), enabled
 * flag (on_exit.enabled), audit pid. */
#include "input/netlink/audit_state.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/log.h"
#include "input/netlink/rules_load.h"

int control_prepare(struct control *k, const struct config *cfg)
{
	memset(k, 0, sizeof(*k));
	k->cfg = cfg;
	ruleset_init(&k->rules);
	if (cfg->load_rules && rules_load_config(&k->rules, cfg) < 0) {
		log_err("rules: errors above: no rule was applied");
		return -EINVAL;
	}
	if (!cfg->load_rules && (cfg->rules || cfg->rules_files))
		log_notice("rules: input.load_rules is off: rules and rules_files are not applied");
	if (cfg->canary.enabled && !(k->canary = canary_new(&cfg->canary)))
		return -EINVAL;
	return 0;
}

void control_free(struct control *k)
{
	ruleset_free(&k->rules);
	rules_added_free(&k->added);
	rules_added_free(&k->canary_added);
	canary_free(k->canary);
	k->canary = NULL;
}

static void name_holder(uint32_t pid, char *comm, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/comm", pid);
	comm[0] = '\0';
	if (!(f = fopen(path, "r")))
		return;
	if (fgets(comm, (int)len, f))
		comm[strcspn(comm, "\n")] = '\0';
	fclose(f);
}

static int register_pid(struct control *k, struct nl *n, nl_msg_fn fn, void *arg)
{
	struct audit_status st;
	char comm[64];
	int rc = nl_set_status(n, AUDIT_STATUS_PID, (uint32_t)getpid(), fn, arg);

	if (rc == 0) {
		k->registered = 1;
		return 0;
	}
	if (rc == -EEXIST && nl_get_status(n, &st, fn, arg) == 0 && st.pid) {
		name_holder(st.pid, comm, sizeof(comm));
		log_err("another process holds the kernel audit pid: pid %u (%s); stop it first "
			"(auditd, or another auditstream), or run beside it with input.mode = \"multicast\"",
			st.pid, comm[0] ? comm : "?");
	} else {
		log_err("cannot register as the audit daemon (AUDIT_SET pid): %s", strerror(-rc));
	}
	return rc;
}

static int read_status(struct control *k, struct nl *n, nl_msg_fn fn, void *arg)
{
	struct audit_status st;
	int rc = nl_get_status(n, &st, fn, arg);

	if (rc < 0) {
		log_err("cannot read the kernel audit status: %s%s", strerror(-rc),
			rc == -EPERM ? " (needs CAP_AUDIT_CONTROL)" : "");
		return rc;
	}
	if (fn)
		fn(arg, AUDIT_GET, (const char *)&st, sizeof(st));	/* first status for stats */
	k->have_status = 1;
	k->orig_enabled = st.enabled;
	return 0;
}

static int enable(struct control *k, struct nl *n, nl_msg_fn fn, void *arg)
{
	int rc;

	if (!k->cfg->enable_audit || !k->have_status || k->orig_enabled != 0)
		return 0;
	if ((rc = nl_set_status(n, AUDIT_STATUS_ENABLED, 1, fn, arg)) < 0)
		log_err("cannot enable auditing: %s", strerror(-rc));
	return rc;
}

static int install_canary(struct control *k, struct nl *n, nl_msg_fn fn, void *arg)
{
	size_t len;
	const struct audit_rule_data *r;
	int rc;

	if (!k->canary)
		return 0;
	r = canary_rule(k->canary, &len);
	if ((rc = rules_add_one(n, r, len, &k->canary_added, fn, arg)) < 0)
		log_err("canary: cannot install its watch rule (-w %s -p r -k %s): %s",
			k->cfg->canary.path, CANARY_KEY, strerror(-rc));
	return rc;
}

int control_start(struct control *k, struct nl *n, nl_msg_fn fn, void *arg)
{
	int multicast = k->cfg->input_mode == INPUT_MULTICAST, rc;

	if (!multicast && (rc = register_pid(k, n, fn, arg)) < 0)
		return rc;
	if ((rc = read_status(k, n, fn, arg)) < 0 && !multicast)
		goto undo;
	if ((rc = enable(k, n, fn, arg)) < 0 ||
	    (k->cfg->load_rules && (rc = rules_apply(n, &k->rules, &k->added, fn, arg)) < 0) ||
	    (rc = install_canary(k, n, fn, arg)) < 0 ||
	    (k->cfg->load_rules && (rc = rules_lock(n, &k->rules, fn, arg)) < 0))
		goto undo;
	log_info("reading the kernel's audit records as pid %d, %s (auditing %s)", getpid(),
		 multicast ? "multicast beside the audit daemon" : "the audit daemon",
		 !k->have_status ? "in an unknown state" : k->orig_enabled == 2 ? "enabled, locked" :
		 (k->orig_enabled || k->cfg->enable_audit) ? "enabled" : "disabled");
	return 0;
undo:
	control_stop(k, n, fn, arg);
	return rc;
}

static void restore_enabled(struct control *k, struct nl *n, nl_msg_fn fn, void *arg)
{
	struct audit_status st;
	uint32_t want;
	int rc;

	if (!k->have_status || k->cfg->on_exit_enabled == EXIT_ENABLED_KEEP)
		return;
	want = k->cfg->on_exit_enabled == EXIT_ENABLED_DISABLE ? 0 : k->orig_enabled;
	if (nl_get_status(n, &st, fn, arg) < 0 || st.enabled == want || st.enabled == 2)
		return;
	if ((rc = nl_set_status(n, AUDIT_STATUS_ENABLED, want, fn, arg)) < 0)
		log_warn("cannot set auditing back to %s: %s", want ? "enabled" : "disabled",
			 strerror(-rc));
}

void control_stop(struct control *k, struct nl *n, nl_msg_fn fn, void *arg)
{
	int rc;

	rules_remove_added(n, &k->canary_added, fn, arg);
	if (k->cfg->on_exit_rules == EXIT_RULES_CLEAR)
		rules_remove_added(n, &k->added, fn, arg);
	restore_enabled(k, n, fn, arg);
	if (k->registered && (rc = nl_set_status(n, AUDIT_STATUS_PID, 0, fn, arg)) < 0)
		log_warn("cannot deregister as the audit daemon: %s", strerror(-rc));
	k->registered = 0;
}
