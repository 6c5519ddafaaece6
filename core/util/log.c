/* core/util/log.c -- log lines to stderr with an sd-daemon "<N>" priority prefix,
 * which journald turns into a level and a terminal shows harmlessly. */
#include "util/log.h"

#include <stdio.h>
#include <string.h>

static int max_level = LOG_LVL_INFO;

void log_set_level(int level)
{
	max_level = level;
}

int log_level_from_name(const char *name)
{
	static const char *const names[] = { "err", "warning", "notice", "info", "debug" };
	for (int i = 0; i < 5; i++)
		if (strcmp(name, names[i]) == 0)
			return LOG_LVL_ERR + i;
	return -1;
}

void log_vmsg(int level, const char *prefix, const char *fmt, va_list ap)
{
	char line[2048];
	int n;

	if (level > max_level)
		return;
	n = snprintf(line, sizeof(line), "<%d>%s%s", level, prefix ? prefix : "", prefix ? ": " : "");
	if (n < 0 || (size_t)n >= sizeof(line))
		n = 0;
	vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	/* One fputs per line keeps lines from concurrent threads whole. */
	size_t len = strlen(line);
	if (len < sizeof(line) - 1) {
		line[len] = '\n';
		line[len + 1] = '\0';
	}
	fputs(line, stderr);
}

void log_msg(int level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_vmsg(level, NULL, fmt, ap);
	va_end(ap);
}
