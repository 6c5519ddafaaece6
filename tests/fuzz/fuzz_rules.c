/* tests/fuzz/fuzz_rules.c -- the rule parser (auditctl syntax through
 * libaudit's builders) and the printer that reads rules back. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"
#include "input/netlink/rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int inited;
	struct ruleset rs;
	const char *p = (const char *)data, *end = p + size;
	char err[512];

	if (!inited) {
		log_set_level(LOG_LVL_ERR - 1);
		inited = 1;
	}
	ruleset_init(&rs);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *line = malloc(n + 1);

		memcpy(line, p, n);
		line[n] = '\0';
		err[0] = '\0';
		if (rules_parse_line(&rs, line, "fuzz:1", err, sizeof(err)) < 0 &&
		    (err[0] == '\0' || !memchr(err, '\0', sizeof(err)))) {
			/* a refusal must say why */
			abort();
		}
		free(line);
		p += n + (nl != NULL);
	}
	for (size_t i = 0; i < rs.n; i++) {
		char *txt = NULL;
		if (rs.cmds[i].data && rules_format(rs.cmds[i].data, rs.cmds[i].size, &txt) == 0)
			free(txt);
	}
	ruleset_free(&rs);
	return 0;
}
