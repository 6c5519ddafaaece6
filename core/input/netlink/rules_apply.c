/* core/input/netlink/rules_apply.c -- the rule set goes to the kernel over our own
 * netlink socket: AUDIT_ADD_RULE / AUDIT_DEL_RULE with NLM_F_ACK, and the
 * answer read before the next command.
 *
 * Our own socket rather than libaudit's audit_add_rule_data() on a second
 * audit_open() fd: the reader's socket keeps taking records in (handed to
 * the pipeline) while we wait for an ACK, so nothing queues up unread
 * behind a rule load; and the error comes back as an -errno we can report
 * with the rule's file and line.
 *
 * Before anything is sent the kernel's rules and settings are read; if the
 * kernel refuses a command half-way, they are put back, so a rule set is
 * applied whole or not at all. */
#include "input/netlink/rules_apply.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"

struct snapshot {
	struct rules_added rules;	/* reused as a plain list */
	struct audit_status st;
};

void rules_added_free(struct rules_added *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->rules[i]);
	free(a->rules);
	free(a->sizes);
	memset(a, 0, sizeof(*a));
}

static int remember(struct rules_added *a, const struct audit_rule_data *r, size_t len)
{
	struct audit_rule_data *copy;

	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 16;
		struct audit_rule_data **v = realloc(a->rules, cap * sizeof(*v));
		size_t *s;
		if (!v)
			return -ENOMEM;
		a->rules = v;
		if (!(s = realloc(a->sizes, cap * sizeof(*s))))
			return -ENOMEM;
		a->sizes = s;
		a->cap = cap;
	}
	if (!(copy = malloc(len)))
		return -ENOMEM;
	memcpy(copy, r, len);
	/* The kernel keeps a prepended rule without the flag: a delete must
	 * match what it keeps. */
	copy->flags &= ~(uint32_t)AUDIT_FILTER_PREPEND;
	a->rules[a->n] = copy;
	a->sizes[a->n++] = len;
	return 0;
}

struct list_ctx {
	rules_list_fn fn;
	void *arg;
};

static void on_list_item(void *arg, int type, const char *payload, size_t len)
{
	struct list_ctx *c = arg;
	const struct audit_rule_data *r = (const void *)payload;

	(void)type;
	if (len >= sizeof(*r) && len >= sizeof(*r) + r->buflen)
		c->fn(c->arg, r, sizeof(*r) + r->buflen);
}

int rules_kernel_list(struct nl *n, rules_list_fn fn, void *arg, nl_msg_fn other, void *other_arg)
{
	struct list_ctx c = { fn, arg };

	return nl_dump(n, AUDIT_LIST_RULES, on_list_item, &c, other, other_arg);
}

static void collect(void *arg, const struct audit_rule_data *r, size_t len)
{
	struct rules_added *a = arg;

	if (!a->error)
		a->error = remember(a, r, len);
}

static int delete_all(struct nl *n, nl_msg_fn other, void *arg)
{
	struct rules_added now = { 0 };
	int rc = rules_kernel_list(n, collect, &now, other, arg);

	if (rc == 0)
		rc = now.error;
	for (size_t i = 0; rc == 0 && i < now.n; i++) {
		rc = nl_request(n, AUDIT_DEL_RULE, now.rules[i], now.sizes[i], 1, other, arg);
		if (rc == -ENOENT)
			rc = 0;
	}
	rules_added_free(&now);
	return rc;
}

int rules_add_one(struct nl *n, const struct audit_rule_data *r, size_t len,
		  struct rules_added *added, nl_msg_fn other, void *arg)
{
	int rc = nl_request(n, AUDIT_ADD_RULE, r, len, 1, other, arg);

	if (rc == -EEXIST)
		return 0;	/* not ours to remove later */
	if (rc < 0)
		return rc;
	return remember(added, r, len);
}

static int run_cmd(struct nl *n, const struct rule_cmd *c, struct rules_added *added,
		   nl_msg_fn other, void *arg)
{
	int rc;

	switch (c->kind) {
	case RULE_ADD:
		rc = nl_request(n, AUDIT_ADD_RULE, c->data, c->size, 1, other, arg);
		if (rc == -EEXIST) {
			log_notice("%s: the kernel already holds this rule; rule: %s", c->where, c->text);
			return 0;
		}
		return rc < 0 ? rc : remember(added, c->data, c->size);
	case RULE_DEL:
		rc = nl_request(n, AUDIT_DEL_RULE, c->data, c->size, 1, other, arg);
		if (rc == -ENOENT) {
			log_notice("%s: no such rule to delete; rule: %s", c->where, c->text);
			return 0;
		}
		return rc;
	case RULE_DELETE_ALL:
		return delete_all(n, other, arg);
	case RULE_SET:
		return nl_set_status(n, c->set_mask, c->set_value, other, arg);
	}
	return -EINVAL;
}

static int take_snapshot(struct nl *n, struct snapshot *s, nl_msg_fn other, void *arg)
{
	int rc;

	memset(s, 0, sizeof(*s));
	if ((rc = nl_get_status(n, &s->st, other, arg)) < 0)
		return rc;
	rc = rules_kernel_list(n, collect, &s->rules, other, arg);
	return rc ? rc : s->rules.error;
}

/* Puts the rules and settings of the snapshot back; best effort, logged. */
static void roll_back(struct nl *n, const struct snapshot *s, nl_msg_fn other, void *arg)
{
	static const uint32_t masks[] = { AUDIT_STATUS_FAILURE, AUDIT_STATUS_RATE_LIMIT,
		AUDIT_STATUS_BACKLOG_LIMIT, AUDIT_STATUS_BACKLOG_WAIT_TIME, AUDIT_STATUS_ENABLED };
	const uint32_t values[] = { s->st.failure, s->st.rate_limit, s->st.backlog_limit,
		s->st.backlog_wait_time, s->st.enabled };
	int rc, bad = 0;

	if ((rc = delete_all(n, other, arg)) < 0)
		log_err("rules: rolling back: cannot delete the rules: %s", strerror(-rc));
	for (size_t i = 0; i < s->rules.n; i++)
		if (nl_request(n, AUDIT_ADD_RULE, s->rules.rules[i], s->rules.sizes[i], 1, other, arg) < 0)
			bad++;
	for (size_t i = 0; i < sizeof(masks) / sizeof(masks[0]); i++)
		if (nl_set_status(n, masks[i], values[i], other, arg) < 0)
			bad++;
	if (bad)
		log_err("rules: rolling back: %d rules or settings could not be put back", bad);
	else
		log_notice("rules: the kernel's rules and settings are back as they were");
}

int rules_apply(struct nl *n, const struct ruleset *rs, struct rules_added *added,
		nl_msg_fn other, void *arg)
{
	struct snapshot s;
	size_t i;
	int rc;

	if (rs->n == 0)
		return 0;
	if ((rc = take_snapshot(n, &s, other, arg)) < 0) {
		log_err("rules: cannot read the kernel's rules and status first: %s", strerror(-rc));
		rules_added_free(&s.rules);
		return rc;
	}
	for (i = 0; i < rs->n; i++)
		if ((rc = run_cmd(n, &rs->cmds[i], added, other, arg)) < 0)
			break;
	if (rc < 0) {
		log_err("%s: the kernel refused it: %s; rule: %s", rs->cmds[i].where,
			rc == -EEXIST ? "rule exists" : strerror(-rc), rs->cmds[i].text);
		roll_back(n, &s, other, arg);
		rules_added_free(added);
	} else {
		log_info("rules: %zu commands applied", rs->n);
	}
	rules_added_free(&s.rules);
	return rc;
}

int rules_remove_added(struct nl *n, struct rules_added *a, nl_msg_fn other, void *arg)
{
	int rc = 0;

	for (size_t i = a->n; i-- > 0;) {
		int r = nl_request(n, AUDIT_DEL_RULE, a->rules[i], a->sizes[i], 1, other, arg);
		if (r < 0 && r != -ENOENT && rc == 0)
			rc = r;
	}
	if (rc < 0)
		log_warn("rules: cannot remove the rules we loaded: %s", strerror(-rc));
	else if (a->n)
		log_info("rules: removed the %zu rules we loaded", a->n);
	rules_added_free(a);
	return rc;
}

int rules_lock(struct nl *n, const struct ruleset *rs, nl_msg_fn other, void *arg)
{
	int rc;

	if (!rs->immutable)
		return 0;
	if ((rc = nl_set_status(n, AUDIT_STATUS_ENABLED, 2, other, arg)) < 0) {
		log_err("%s: cannot lock the audit configuration (-e 2): %s", rs->immutable_where,
			strerror(-rc));
		return rc;
	}
	log_notice("%s: -e 2: the audit rules are now immutable until reboot", rs->immutable_where);
	return 0;
}
