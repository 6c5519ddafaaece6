/* core/input/netlink/rules_load.c -- gather rule lines from rules files, rules.d
 * directories and the config's `rules` list, and parse them all.
 *
 * Order: every entry of rules_files in turn (a directory's *.rules files in
 * version order, like augenrules), then the config's rules list.  Every bad
 * line is reported; one is enough for the whole set to be refused. */
#include "input/netlink/rules_load.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config_file.h"
#include "config/where.h"
#include "util/log.h"

static int one_line(struct ruleset *rs, const char *text, const char *where)
{
	char err[512];
	int rc = rules_parse_line(rs, text, where, err, sizeof(err));

	if (rc < 0)
		log_err("%s: %s; rule: %s", where, err, text);
	return rc;
}

static int parse_file(struct ruleset *rs, const char *path)
{
	char *line = NULL, where[4200];
	size_t cap = 0;
	unsigned lineno = 0;
	ssize_t len;
	int rc = 0;
	/* Rules decide what is audited: trusted as the config is (owner,
	 * mode, no symlink), and read from the descriptor that was checked. */
	int fd = config_open_trusted(path, path);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "re");

	if (!f) {
		int e = fd < 0 ? -fd : errno;

		if (fd >= 0) {
			close(fd);
			log_err("%s: cannot read the rules: %s", path, strerror(e));
		}
		return -e;
	}
	while ((len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			line[len - 1] = '\0';
		snprintf(where, sizeof(where), "%s:%u", path, lineno);
		if (one_line(rs, line, where) < 0)
			rc = -EINVAL;
	}
	free(line);
	fclose(f);
	return rc;
}

static int is_rules_file(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 6 && strcmp(d->d_name + n - 6, ".rules") == 0;
}

static int parse_dir(struct ruleset *rs, const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, is_rules_file, versionsort), rc = 0;

	if (n < 0) {
		int e = errno;
		log_err("%s: cannot list the rules directory: %s", dir, strerror(e));
		return -e;
	}
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && parse_file(rs, path) < 0)
			rc = -EINVAL;
		free(names[i]);
	}
	free(names);
	return rc;
}

int rules_parse_path(struct ruleset *rs, const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		int e = errno;
		log_err("%s: cannot read the rules: %s", path, strerror(e));
		return -e;
	}
	return S_ISDIR(st.st_mode) ? parse_dir(rs, path) : parse_file(rs, path);
}

/* Each element of a list of strings, or an error naming it. */
static const char *elem_string(config_setting_t *list, int i, char *where, size_t len)
{
	config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
	const char *file = config_source_file(e);

	snprintf(where, len, "%s:%u: %s[%d]", file ? file : "?", config_setting_source_line(e),
		 config_setting_name(list), i);
	if (config_setting_type(e) != CONFIG_TYPE_STRING) {
		log_err("%s: must be a string", where);
		return NULL;
	}
	return config_setting_get_string(e);
}

int rules_load_config(struct ruleset *rs, const struct config *cfg)
{
	char where[512];
	int rc = 0;

	for (int i = 0; cfg->rules_files && i < config_setting_length(cfg->rules_files); i++) {
		const char *path = elem_string(cfg->rules_files, i, where, sizeof(where));
		if (!path || rules_parse_path(rs, path) < 0)
			rc = -EINVAL;
	}
	for (int i = 0; cfg->rules && i < config_setting_length(cfg->rules); i++) {
		const char *text = elem_string(cfg->rules, i, where, sizeof(where));
		if (!text || one_line(rs, text, where) < 0)
			rc = -EINVAL;
	}
	return rc;
}
