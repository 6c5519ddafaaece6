/* core/input/netlink/rules.c -- parse auditctl rule lines into kernel commands.
 *
 * Each line is taken apart the way auditctl takes apart its arguments, and
 * the rule is built with the same libaudit calls in the same order, so the
 * kernel ends up with the very rule auditctl would have sent: `auditctl -l`
 * reads both back identically.  In particular keys (-k and -F key=) are
 * gathered and added last, joined by AUDIT_KEY_SEPARATOR, and a rule
 * without -S on a syscall list gets every syscall.
 *
 * libaudit keeps the state of the rule being built in globals (_audit_elf,
 * _audit_syscalladded, ...), reset here for every line; parsing runs on the
 * main thread before any other thread starts. */
#include "input/netlink/rules.h"

#include <ctype.h>
#include <errno.h>
#include <libaudit.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* libaudit's rule-building state: exported, though not in libaudit.h. */
extern int _audit_permadded, _audit_archadded, _audit_syscalladded;
extern int _audit_exeadded, _audit_filterfsadded;
extern unsigned int _audit_elf;

#define MAX_TOKENS 256

struct line {
	struct ruleset *rs;
	const char *where, *text;
	char *err;
	size_t errlen;
	int add, del, action;		/* AUDIT_FILTER_*, AUDIT_FILTER_UNSET if none */
	int lists;			/* -a/-A/-d given: at most one */
	int rule_opts;			/* -S -F -C -k -p given */
	char key[AUDIT_MAX_KEY_LEN + 1];
	struct audit_rule_data *rule;
};

static int failf(struct line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int failf(struct line *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(l->err, l->errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

void ruleset_init(struct ruleset *rs)
{
	memset(rs, 0, sizeof(*rs));
}

void ruleset_free(struct ruleset *rs)
{
	for (size_t i = 0; i < rs->n; i++) {
		free(rs->cmds[i].data);
		free(rs->cmds[i].where);
		free(rs->cmds[i].text);
	}
	free(rs->cmds);
	free((char *)rs->immutable_where);
	ruleset_init(rs);
}

/* Appends a command; takes data (freed on failure too). */
static int push(struct line *l, enum rule_kind kind, struct audit_rule_data *data,
		uint32_t mask, uint32_t value)
{
	struct ruleset *rs = l->rs;
	struct rule_cmd *c;

	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? rs->cap * 2 : 32;
		struct rule_cmd *v = realloc(rs->cmds, cap * sizeof(*v));
		if (!v) {
			free(data);
			return -ENOMEM;
		}
		rs->cmds = v;
		rs->cap = cap;
	}
	c = &rs->cmds[rs->n];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->data = data;
	c->size = data ? sizeof(*data) + data->buflen : 0;
	c->set_mask = mask;
	c->set_value = value;
	c->where = strdup(l->where);
	c->text = strdup(l->text);
	if (!c->where || !c->text) {
		free(c->where);
		free(c->text);
		free(data);
		return -ENOMEM;
	}
	rs->n++;
	return 0;
}

/* ------------------------------------------------------------ tokens */

/* Splits on blanks; "\ " is a space inside a word and "\\" a backslash, as
 * in auditctl's rule files.  Returns the number of words or -1. */
static int split(char *s, char **argv, int max)
{
	int n = 0;

	while (*s) {
		char *out;

		while (*s == ' ' || *s == '\t' || *s == '\r')
			s++;
		if (!*s)
			break;
		if (n == max)
			return -1;
		argv[n++] = out = s;
		while (*s && *s != ' ' && *s != '\t' && *s != '\r') {
			if (s[0] == '\\' && (s[1] == ' ' || s[1] == '\\'))
				s++;
			*out++ = *s++;
		}
		if (*s)
			s++;
		*out = '\0';
	}
	return n;
}

/* ------------------------------------------------------ -a -A -d lists */

static int lookup_action(const char *s)
{
	if (strcmp(s, "always") == 0)
		return AUDIT_ALWAYS;
	if (strcmp(s, "never") == 0)
		return AUDIT_NEVER;
	return -1;
}

/* "list,action" or "action,list". */
static int parse_list(struct line *l, const char *arg, int *list)
{
	char buf[64], *comma, *a, *b;
	int flag;

	if (++l->lists > 1)
		return failf(l, "only one of -a, -A, -d, -w, -W per rule");
	if (strlen(arg) >= sizeof(buf) || !(comma = strchr(strcpy(buf, arg), ',')) ||
	    strchr(comma + 1, ','))
		return failf(l, "\"%s\" must be LIST,ACTION (e.g. exit,always)", arg);
	*comma = '\0';
	a = buf;
	b = comma + 1;
	if (lookup_action(a) >= 0) {
		char *t = a;
		a = b;
		b = t;
	}
	if (strcmp(b, "possible") == 0)
		return failf(l, "the action \"possible\" is deprecated: use always or never");
	if ((l->action = lookup_action(b)) < 0)
		return failf(l, "unknown action \"%s\" (known: always, never)", b);
	flag = audit_name_to_flag(a);
	if (flag < 0)
		return failf(l, "unknown list \"%s\" (known: exit, task, user, exclude, filesystem)", a);
	if (flag == AUDIT_FILTER_ENTRY)
		return failf(l, "the entry list is obsolete: use exit");
	*list = flag;
	return 0;
}

static int list_of(const struct line *l)
{
	if (l->add != AUDIT_FILTER_UNSET)
		return l->add & AUDIT_FILTER_MASK;
	if (l->del != AUDIT_FILTER_UNSET)
		return l->del & AUDIT_FILTER_MASK;
	return -1;
}

static int opt_list(struct line *l, int opt, const char *arg)
{
	int list = 0, rc;

	if (opt != 'd' && strstr(arg, "task") && _audit_syscalladded)
		return failf(l, "syscalls (-S) cannot go on the task list");
	if ((rc = parse_list(l, arg, &list)) < 0)
		return rc;
	if (opt == 'd')
		l->del = list;
	else
		l->add = list | (opt == 'A' ? AUDIT_FILTER_PREPEND : 0);
	return 0;
}

/* ---------------------------------------------------------------- -S */

static int ensure_arch(struct line *l)
{
	int machine;

	if (_audit_elf)
		return 0;
	if ((machine = audit_detect_machine()) < 0)
		return failf(l, "cannot detect this machine's type");
	if ((_audit_elf = audit_machine_to_elf(machine)) == 0)
		return failf(l, "no ELF type for machine %d", machine);
	return 0;
}

static int opt_syscall(struct line *l, const char *arg)
{
	char buf[4096], *save = NULL;
	int list = list_of(l);

	if (list == AUDIT_FILTER_TASK || list == AUDIT_FILTER_USER || list == AUDIT_FILTER_FS ||
	    list == AUDIT_FILTER_EXCLUDE)
		return failf(l, "syscalls (-S) cannot go on the %s list", audit_flag_to_name(list));
	if (ensure_arch(l) < 0)
		return -EINVAL;
	if (strlen(arg) >= sizeof(buf))
		return failf(l, "syscall list too long");
	strcpy(buf, arg);
	for (char *s = strtok_r(buf, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
		int rc = audit_rule_syscallbyname_data(l->rule, s);
		if (rc == -1)
			return failf(l, "unknown syscall \"%s\" for arch %s", s,
				     audit_machine_to_name(audit_elf_to_machine(_audit_elf)));
		if (rc < 0)
			return failf(l, "unknown arch 0x%x for syscall \"%s\"", _audit_elf, s);
	}
	_audit_syscalladded = 1;
	l->rule_opts = 1;
	return 0;
}

/* ------------------------------------------------------------ -F -C */

/* libaudit's codes for a refused -F or -C, in words. */
static const char *field_error(int rc)
{
	switch (rc) {
	case -1: return "missing or unknown operator (use =, !=, <, >, <=, >=, &, &=)";
	case -2: case -38: return "unknown user or group";
	case -3: return "arch must be given before -S";
	case -4: return "unknown machine type";
	case -5: return "unknown arch";
	case -6: return "this bit width is not supported on this machine";
	case -7: return "field can only be used on the exit list";
	case -8: return "unknown message type";
	case -9: return "msgtype can only be used on the exclude or user list";
	case -10: return "cannot upgrade the rule";
	case -11: return "value too long";
	case -12: return "only msgtype and credential fields can be used on the exclude list";
	case -13: return "this field only takes = or !=";
	case -14: return "permission can only contain r, w, x, a";
	case -15: return "unknown errno name";
	case -16: return "unknown file type";
	case -17: return "field can only be used on the exit list";
	case -19: return "a key needs a watch or syscall given before it";
	case -20: return "missing value after the operator";
	case -21: return "value must be a number";
	case -22: return "missing field name before the operator";
	case -24: return "missing field name before the operator";
	case -25: return "missing field name after the operator";
	case -26: return "unknown field on the left";
	case -27: return "unknown or incomparable field on the right";
	case -28: return "too many fields in one rule (at most 64)";
	case -29: return "this field only takes =";
	case -30: return "not supported by this kernel";
	case -31: return "field can only be used on the exclude, user or exit list";
	default: return "refused by libaudit";
	}
}

/* The field name of "name<op>value", or "" when none. */
static void field_name(const char *pair, char *out, size_t len)
{
	size_t n = strcspn(pair, "=!<>&");

	snprintf(out, len, "%.*s", (int)(n < len ? n : len - 1), pair);
}

/* -F dir= must exist, -F path= needs its directory: the kernel refuses
 * otherwise, and that must be found before anything is sent. */
static int check_fs_field(struct line *l, int field, const char *pair)
{
	const char *v = strchr(pair, '=');
	char tmp[PATH_MAX];
	struct stat st;

	if (!v || (field != AUDIT_DIR && field != AUDIT_WATCH))
		return 0;
	v++;
	if (v[0] != '/')
		return failf(l, "%s must be an absolute path", pair);
	snprintf(tmp, sizeof(tmp), "%s", v);
	if (field == AUDIT_DIR && (stat(tmp, &st) < 0 || !S_ISDIR(st.st_mode)))
		return failf(l, "%s: no such directory", pair);
	if (field == AUDIT_WATCH && stat(tmp, &st) < 0 &&
	    (stat(dirname(tmp), &st) < 0 || !S_ISDIR(st.st_mode)))
		return failf(l, "%s: the parent directory does not exist", pair);
	return 0;
}

static int add_key(struct line *l, const char *k);

static int opt_field(struct line *l, const char *arg)
{
	char pair[PATH_MAX + 64], name[64];
	int list = list_of(l), rc, last;

	if (list < 0)
		return failf(l, "the list (-a, -A or -d) must be given before -F %s", arg);
	l->rule_opts = 1;
	if (strncmp(arg, "key=", 4) == 0)
		return add_key(l, arg + 4);
	if (strlen(arg) >= sizeof(pair))
		return failf(l, "-F %.40s...: too long", arg);
	field_name(arg, name, sizeof(name));
	if (name[0] && strcmp(name, arg) != 0 && audit_name_to_field(name) < 0)
		return failf(l, "-F %s: unknown field \"%s\"", arg, name);
	if (check_fs_field(l, audit_name_to_field(name), arg) < 0)
		return -EINVAL;
	strcpy(pair, arg);	/* libaudit cuts its argument up */
	rc = audit_rule_fieldpair_data(&l->rule, pair, list);
	if (!l->rule)
		return -ENOMEM;
	if (rc != 0)
		return failf(l, "-F %s: %s", arg, field_error(rc));
	last = l->rule->fields[l->rule->field_count - 1];
	if (last == AUDIT_PERM)
		_audit_permadded = 1;
	if (last == AUDIT_EXE)
		_audit_exeadded = 1;
	return 0;
}

static int opt_compare(struct line *l, const char *arg)
{
	char pair[128];
	int rc;

	if (list_of(l) < 0)
		return failf(l, "the list (-a, -A or -d) must be given before -C %s", arg);
	if (strlen(arg) >= sizeof(pair))
		return failf(l, "-C %.40s...: too long", arg);
	strcpy(pair, arg);
	rc = audit_rule_interfield_comp_data(&l->rule, pair, list_of(l));
	if (!l->rule)
		return -ENOMEM;
	if (rc != 0)
		return failf(l, "-C %s: %s", arg, rc == -13 ? "only = and != compare fields" :
			     rc == -1 ? "these fields cannot be compared" : field_error(rc));
	l->rule_opts = 1;
	return 0;
}

/* ------------------------------------------------------ -w -W -p -k */

static int check_watch_path(struct line *l, char *path)
{
	char tmp[PATH_MAX];
	size_t len = strlen(path);
	struct stat st;

	if (path[0] != '/')
		return failf(l, "watch path \"%s\" must be absolute (start with '/')", path);
	if (len >= PATH_MAX)
		return failf(l, "watch path too long");
	strcpy(tmp, path);
	if (strlen(basename(tmp)) > NAME_MAX)
		return failf(l, "watch path: the last component is too long");
	if (len > 2)
		while (len > 1 && path[len - 1] == '/')
			path[--len] = '\0';
	strcpy(tmp, path);
	if (stat(path, &st) < 0 && (stat(dirname(tmp), &st) < 0 || !S_ISDIR(st.st_mode)))
		return failf(l, "watch path \"%s\": its directory does not exist", path);
	return 0;
}

static int opt_watch(struct line *l, int opt, const char *arg)
{
	char path[PATH_MAX + 1];
	struct stat st;
	int type = AUDIT_WATCH;

	if (l->add != AUDIT_FILTER_UNSET || l->del != AUDIT_FILTER_UNSET || l->lists)
		return failf(l, "a watch (-%c) cannot be combined with -a, -A or -d", opt);
	if (strlen(arg) > PATH_MAX)
		return failf(l, "watch path too long");
	strcpy(path, arg);
	if (check_watch_path(l, path) < 0)
		return -EINVAL;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		type = AUDIT_DIR;
	if (opt == 'w')
		l->add = AUDIT_FILTER_EXIT;
	else
		l->del = AUDIT_FILTER_EXIT;
	l->action = AUDIT_ALWAYS;
	l->lists = 1;
	_audit_syscalladded = 1;
	if (audit_add_watch_dir(type, &l->rule, path) != 0)
		return l->rule ? failf(l, "cannot build the watch for \"%s\"", path) : -ENOMEM;
	return 0;
}

static int opt_perm(struct line *l, const char *arg)
{
	int val = 0;

	if (list_of(l) < 0)
		return failf(l, "-p needs a watch (-w) given before it");
	if (strlen(arg) > 4)
		return failf(l, "permission \"%s\" is too long (at most rwxa)", arg);
	for (const char *p = arg; *p; p++) {
		switch (tolower((unsigned char)*p)) {
		case 'r': val |= AUDIT_PERM_READ; break;
		case 'w': val |= AUDIT_PERM_WRITE; break;
		case 'x': val |= AUDIT_PERM_EXEC; break;
		case 'a': val |= AUDIT_PERM_ATTR; break;
		default: return failf(l, "permission '%c' is not one of r, w, x, a", *p);
		}
	}
	if (audit_update_watch_perms(l->rule, val) != 0)
		return failf(l, "cannot set the permissions %s", arg);
	_audit_permadded = 1;
	l->rule_opts = 1;
	return 0;
}

static int add_key(struct line *l, const char *k)
{
	size_t have = strlen(l->key);

	if (!*k)
		return failf(l, "empty key");
	if (strlen(k) + have + (have ? 1 : 0) > AUDIT_MAX_KEY_LEN)
		return failf(l, "keys longer than %d bytes in all", AUDIT_MAX_KEY_LEN);
	if (strchr(k, AUDIT_KEY_SEPARATOR))
		return failf(l, "key \"%s\" holds the separator byte 0x01", k);
	if (have)
		l->key[have++] = AUDIT_KEY_SEPARATOR;
	strcpy(l->key + have, k);
	return 0;
}

static int opt_key(struct line *l, const char *arg)
{
	if (!(_audit_syscalladded || _audit_permadded || _audit_exeadded || _audit_filterfsadded) ||
	    list_of(l) < 0)
		return failf(l, "-k needs a watch or a syscall rule given before it");
	l->rule_opts = 1;
	return add_key(l, arg);
}

/* ---------------------------------------------- -b -r -f -e and friends */

static int number(struct line *l, const char *opt, const char *arg, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = isdigit((unsigned char)arg[0]) ? strtoul(arg, &end, 0) : 0;
	if (!isdigit((unsigned char)arg[0]) || errno || *end || v > UINT32_MAX)
		return failf(l, "%s needs a number, got \"%s\"", opt, arg);
	*out = (uint32_t)v;
	return 0;
}

static int opt_set(struct line *l, int opt, const char *arg)
{
	uint32_t v = 0, mask;
	int rc;

	if (opt == 'e' || opt == 'f') {
		if (strcmp(arg, "0") && strcmp(arg, "1") && strcmp(arg, "2"))
			return failf(l, "-%c must be 0, 1 or 2, got \"%s\"", opt, arg);
		v = (uint32_t)(arg[0] - '0');
		if (opt == 'e' && v == 2) {
			/* Locks the configuration until reboot: only ever last. */
			l->rs->immutable = 1;
			free((char *)l->rs->immutable_where);
			l->rs->immutable_where = strdup(l->where);
			return l->rs->immutable_where ? 0 : -ENOMEM;
		}
		return push(l, RULE_SET, NULL, opt == 'e' ? AUDIT_STATUS_ENABLED : AUDIT_STATUS_FAILURE, v);
	}
	if ((rc = number(l, opt == 'B' ? "--backlog_wait_time" : opt == 'b' ? "-b" : "-r", arg, &v)) < 0)
		return rc;
	mask = opt == 'b' ? AUDIT_STATUS_BACKLOG_LIMIT :
	       opt == 'r' ? AUDIT_STATUS_RATE_LIMIT : AUDIT_STATUS_BACKLOG_WAIT_TIME;
	return push(l, RULE_SET, NULL, mask, v);
}

/* ------------------------------------------------------------ a line */

static int takes_arg(int opt)
{
	return strchr("aAdSFCwWkpbrfe", opt) != NULL;
}

static int dispatch(struct line *l, int opt, const char *arg)
{
	switch (opt) {
	case 'a': case 'A': case 'd': return opt_list(l, opt, arg);
	case 'S': return opt_syscall(l, arg);
	case 'F': return opt_field(l, arg);
	case 'C': return opt_compare(l, arg);
	case 'w': case 'W': return opt_watch(l, opt, arg);
	case 'p': return opt_perm(l, arg);
	case 'k': return opt_key(l, arg);
	default: return opt_set(l, opt, arg);	/* b r f e, B: --backlog_wait_time */
	}
}

/* Walks the words like getopt: "-k x" or "-kx", "--backlog_wait_time N|=N". */
static int parse_words(struct line *l, char **argv, int argc)
{
	for (int i = 0; i < argc; i++) {
		const char *w = argv[i], *arg = NULL;
		int opt, rc;

		if (w[0] != '-' || !w[1])
			return failf(l, "\"%s\" is not an option", w);
		if (strncmp(w, "--backlog_wait_time", 19) == 0 && (!w[19] || w[19] == '=')) {
			opt = 'B';
			arg = w[19] ? w + 20 : NULL;
		} else if (w[1] == '-') {
			return failf(l, "option %s is not supported in rules", w);
		} else {
			opt = w[1];
			arg = w[2] ? w + 2 : NULL;
			if (opt == 'D')
				return failf(l, "-D must stand alone on its line");
			if (!takes_arg(opt))
				return failf(l, "option -%c is not supported in rules "
					     "(use -a -A -d -D -w -W -p -k -F -S -C -b -r -f -e --backlog_wait_time)", opt);
		}
		if (!arg && ++i >= argc)
			return failf(l, "option %s needs a value", w);
		if (!arg)
			arg = argv[i];
		if ((rc = dispatch(l, opt, arg)) < 0)
			return rc;
	}
	return 0;
}

/* After the words: the key, the implied "all syscalls", the command. */
static int finish_rule(struct line *l)
{
	int list = list_of(l), kind = l->add != AUDIT_FILTER_UNSET ? RULE_ADD : RULE_DEL;
	struct audit_rule_data *r;

	if (list < 0)
		return l->rule_opts ? failf(l, "no list given: add -a LIST,ACTION (or -w PATH)") : 0;
	if (l->key[0]) {
		char pair[AUDIT_MAX_KEY_LEN + 8];
		int rc;
		snprintf(pair, sizeof(pair), "key=%s", l->key);
		rc = audit_rule_fieldpair_data(&l->rule, pair, list);
		if (!l->rule)
			return -ENOMEM;
		if (rc != 0)
			return failf(l, "-k %s: %s", l->key, field_error(rc));
	}
	if (list != AUDIT_FILTER_TASK && _audit_syscalladded != 1)
		audit_rule_syscallbyname_data(l->rule, "all");
	r = l->rule;
	l->rule = NULL;
	r->flags = (uint32_t)(kind == RULE_ADD ? l->add : l->del);
	r->action = (uint32_t)l->action;
	return push(l, kind, r, 0, 0);
}

static void reset_libaudit(void)
{
	_audit_permadded = _audit_archadded = _audit_syscalladded = 0;
	_audit_exeadded = _audit_filterfsadded = 0;
	_audit_elf = 0;
}

int rules_parse_line(struct ruleset *rs, const char *text, const char *where,
		     char *err, size_t errlen)
{
	struct line l = { .rs = rs, .where = where, .text = text, .err = err, .errlen = errlen,
			  .add = AUDIT_FILTER_UNSET, .del = AUDIT_FILTER_UNSET, .action = -1 };
	char *argv[MAX_TOKENS], *copy = strdup(text);
	int argc, rc;

	err[0] = '\0';
	if (!copy)
		return -ENOMEM;
	argc = split(copy, argv, MAX_TOKENS);
	if (argc <= 0 || argv[0][0] == '#') {
		free(copy);
		return argc < 0 ? failf(&l, "too many words") : 0;
	}
	set_aumessage_mode(MSG_QUIET, DBG_NO);
	reset_libaudit();
	if (strcmp(argv[0], "-D") == 0) {
		rc = argc == 1 ? push(&l, RULE_DELETE_ALL, NULL, 0, 0) :
			failf(&l, "-D must stand alone on its line");
	} else if (!(l.rule = audit_rule_create_data())) {
		rc = -ENOMEM;
	} else if ((rc = parse_words(&l, argv, argc)) == 0) {
		rc = finish_rule(&l);
	}
	if (rc == -ENOMEM && !err[0])
		snprintf(err, errlen, "out of memory");
	audit_rule_free_data(l.rule);
	reset_libaudit();
	free(copy);
	return rc;
}
