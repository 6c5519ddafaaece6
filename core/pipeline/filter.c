/* core/pipeline/filter.c -- filters: loading from the config, matching events. */
#include "pipeline/filter.h"

#include <errno.h>
#include <libaudit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/where.h"
#include "format/enrich_fields.h"
#include "util/log.h"

static int bad(const config_setting_t *s, const char *msg, const char *arg)
{
	char where[512];

	log_err("%s: %s%s", config_where(s, where, sizeof(where)), msg, arg);
	return -EINVAL;
}

/* syscall = 59 or "execve". */
static int load_syscall(struct filter *f, const config_setting_t *s)
{
	if (config_setting_type(s) == CONFIG_TYPE_STRING) {
		f->syscall_name = config_setting_get_string(s);
		if (audit_name_to_syscall(f->syscall_name, audit_detect_machine()) < 0)
			return bad(s, "unknown syscall ", f->syscall_name);
		return 0;
	}
	if (config_setting_type(s) != CONFIG_TYPE_INT && config_setting_type(s) != CONFIG_TYPE_INT64)
		return bad(s, "must be a syscall number or name", "");
	f->syscall = (int)config_setting_get_int64(s);
	return f->syscall < 0 ? bad(s, "must be at least 0", "") : 0;
}

/* message_type = 1302 or "PATH". */
static int load_msg_type(struct filter *f, const config_setting_t *s)
{
	if (config_setting_type(s) == CONFIG_TYPE_STRING) {
		f->msg_type = audit_name_to_msg_type(config_setting_get_string(s));
		return f->msg_type < 0 ? bad(s, "unknown message type ", config_setting_get_string(s)) : 0;
	}
	if (config_setting_type(s) != CONFIG_TYPE_INT && config_setting_type(s) != CONFIG_TYPE_INT64)
		return bad(s, "must be a message type number or name", "");
	f->msg_type = (int)config_setting_get_int64(s);
	return f->msg_type < 0 ? bad(s, "must be at least 0", "") : 0;
}

static int load_regex(struct filter *f, const config_setting_t *s)
{
	char err[256];
	int rc;

	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return bad(s, "must be a string", "");
	rc = regcomp(&f->re, config_setting_get_string(s), REG_EXTENDED | REG_NOSUB);
	if (rc) {
		regerror(rc, &f->re, err, sizeof(err));
		return bad(s, "bad regular expression: ", err);
	}
	f->has_regex = 1;
	return 0;
}

static int load_id(int64_t *out, const config_setting_t *s)
{
	if (config_setting_type(s) != CONFIG_TYPE_INT && config_setting_type(s) != CONFIG_TYPE_INT64)
		return bad(s, "must be an integer", "");
	*out = config_setting_get_int64(s);
	if (*out == -1)
		*out = 4294967295LL;	/* unset, as libconfig may read 4294967295 */
	return *out < 0 || *out > 4294967295LL ? bad(s, "must be between 0 and 4294967295", "") : 0;
}

static int load_str(const char **out, const config_setting_t *s)
{
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return bad(s, "must be a string", "");
	*out = config_setting_get_string(s);
	return 0;
}

static int load_action(struct filter *f, const config_setting_t *s)
{
	const char *a = NULL;

	if (load_str(&a, s) < 0)
		return -EINVAL;
	if (strcmp(a, "drop") == 0)
		f->action = FILTER_DROP;
	else if (strcmp(a, "keep") == 0)
		f->action = FILTER_KEEP;
	else
		return bad(s, "unknown action (known: drop, keep): ", a);
	return 0;
}

static int load_member(struct filter *f, const config_setting_t *m)
{
	const char *n = config_setting_name(m);

	if (strcmp(n, "syscall") == 0)
		return load_syscall(f, m);
	if (strcmp(n, "message_type") == 0)
		return load_msg_type(f, m);
	if (strcmp(n, "regex") == 0)
		return load_regex(f, m);
	if (strcmp(n, "key") == 0)
		return load_str(&f->key, m);
	if (strcmp(n, "exe") == 0)
		return load_str(&f->exe, m);
	if (strcmp(n, "uid") == 0)
		return load_id(&f->uid, m);
	if (strcmp(n, "auid") == 0)
		return load_id(&f->auid, m);
	if (strcmp(n, "action") == 0)
		return load_action(f, m);
	return bad(m, "unknown key (known: syscall, message_type, regex, key, exe, uid, auid, action)", "");
}

static int load_one(struct filter *f, const config_setting_t *g)
{
	int rc = 0;

	f->syscall = -1;
	f->msg_type = -1;
	f->uid = f->auid = -1;
	f->action = FILTER_DROP;
	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return bad(g, "a filter must be a group { ... }", "");
	for (int i = 0; i < config_setting_length(g); i++)
		if (load_member(f, config_setting_get_elem(g, (unsigned)i)) < 0)
			rc = -EINVAL;
	return rc;
}

int filter_set_load(struct filter_set *fs, const config_setting_t *list)
{
	int n, rc = 0;

	memset(fs, 0, sizeof(*fs));
	if (!list || (n = config_setting_length(list)) == 0)
		return 0;
	if (config_setting_type(list) != CONFIG_TYPE_LIST)
		return bad(list, "must be a list ( { ... }, ... )", "");
	if (!(fs->v = calloc((size_t)n, sizeof(*fs->v))))
		return -ENOMEM;
	fs->n = (unsigned)n;
	for (int i = 0; i < n; i++)
		if (load_one(&fs->v[i], config_setting_get_elem(list, (unsigned)i)) < 0)
			rc = -EINVAL;
	return rc;
}

void filter_set_free(struct filter_set *fs)
{
	for (unsigned i = 0; fs->v && i < fs->n; i++)
		if (fs->v[i].has_regex)
			regfree(&fs->v[i].re);
	free(fs->v);
	fs->v = NULL;
	fs->n = 0;
}

void filter_facts_free(struct filter_facts *f)
{
	buf_free(&f->key);
	buf_free(&f->exe);
	buf_free(&f->line);
}

/* ------------------------------------------------------------- matching */

static void read_field(struct filter_facts *ft, const struct field *f)
{
	if (FIELD_IS(f, "arch") && enrich_is_hex(f->val, f->vlen) && f->vlen <= 8)
		ft->machine = audit_elf_to_machine((unsigned)field_int(f->val, f->vlen, 16));
	else if (FIELD_IS(f, "syscall") && is_decimal(f->val, f->vlen))
		ft->syscall = (int)field_int(f->val, f->vlen, 10);
	else if (FIELD_IS(f, "uid") && is_decimal(f->val, f->vlen))
		ft->uid = field_int(f->val, f->vlen, 10);
	else if (FIELD_IS(f, "auid") && is_decimal(f->val, f->vlen))
		ft->auid = field_int(f->val, f->vlen, 10);
	else if (FIELD_IS(f, "exe"))
		ft->has_exe = (field_string(f, &ft->exe), 1);
	else if (FIELD_IS(f, "key") && !(f->vlen == 6 && memcmp(f->val, "(null)", 6) == 0))
		ft->has_key = (field_string(f, &ft->key), 1);
}

static void read_facts(struct filter_facts *ft, const struct asm_event *ev)
{
	unsigned r = 0;
	struct field f;
	size_t pos = 0;

	ft->ev = ev;
	ft->syscall = ft->machine = -1;
	ft->uid = ft->auid = -1;
	ft->has_key = ft->has_exe = 0;
	for (unsigned i = 0; i < ev->nrec; i++)
		if (ev->recs[i].type == AUDIT_SYSCALL) {
			r = i;
			break;
		}
	if (ev->nrec == 0)
		return;
	while (field_next(ev->text + ev->recs[r].off, ev->recs[r].len, &pos, &f))
		if (f.name)
			read_field(ft, &f);
}

/* The key is one of the event's keys (auditd joins several with 0x01). */
static int key_matches(const struct filter_facts *ft, const char *key)
{
	size_t kl = strlen(key), i = 0;

	while (ft->has_key && i <= ft->key.len) {
		size_t j = i;
		while (j < ft->key.len && ft->key.p[j] != '\x01')
			j++;
		if (j - i == kl && memcmp(ft->key.p + i, key, kl) == 0)
			return 1;
		i = j + 1;
	}
	return 0;
}

/* regexec wants a C string; record text is not NUL-terminated. */
static const char *record_cstr(struct filter_facts *ft, const struct asm_event *ev,
			       const struct asm_record *r)
{
	ft->line.len = 0;
	if (buf_add(&ft->line, ev->text + r->off, r->len) < 0 || buf_addc(&ft->line, '\0') < 0)
		return NULL;
	return ft->line.p;
}

static int record_matches(const struct filter *f, const struct asm_event *ev,
			  struct filter_facts *ft)
{
	for (unsigned i = 0; i < ev->nrec; i++) {
		const struct asm_record *r = &ev->recs[i];
		const char *s;

		if (f->msg_type >= 0 && r->type != f->msg_type)
			continue;
		if (!f->has_regex)
			return 1;
		if ((s = record_cstr(ft, ev, r)) && regexec(&f->re, s, 0, NULL, 0) == 0)
			return 1;
	}
	return 0;
}

static int syscall_matches(const struct filter *f, const struct filter_facts *ft)
{
	const char *name;

	if (!f->syscall_name)
		return ft->syscall == f->syscall;
	if (ft->syscall < 0)
		return 0;
	name = audit_syscall_to_name(ft->syscall, ft->machine >= 0 ? ft->machine : audit_detect_machine());
	return name && strcmp(name, f->syscall_name) == 0;
}

static int matches(const struct filter *f, const struct asm_event *ev, struct filter_facts *ft)
{
	if (ft->ev != ev)
		read_facts(ft, ev);
	if ((f->syscall >= 0 || f->syscall_name) && !syscall_matches(f, ft))
		return 0;
	if (f->uid >= 0 && ft->uid != f->uid)
		return 0;
	if (f->auid >= 0 && ft->auid != f->auid)
		return 0;
	if (f->exe && !(ft->has_exe && ft->exe.len == strlen(f->exe) &&
			memcmp(ft->exe.p, f->exe, ft->exe.len) == 0))
		return 0;
	if (f->key && !key_matches(ft, f->key))
		return 0;
	if ((f->msg_type >= 0 || f->has_regex) && !record_matches(f, ev, ft))
		return 0;
	return 1;
}

int filter_set_keep(const struct filter_set *fs, const struct asm_event *ev,
		    struct filter_facts *ft)
{
	for (unsigned i = 0; i < fs->n; i++)
		if (matches(&fs->v[i], ev, ft))
			return fs->v[i].action == FILTER_KEEP;
	return 1;
}
