/* core/input/netlink/rules_load.h -- the rule set of a configuration: its rules_files
 * (files, or rules.d directories) and its rules list. */
#ifndef AS_RULES_LOAD_H
#define AS_RULES_LOAD_H

#include "config/config.h"
#include "input/netlink/rules.h"

/* Parses a rules file, or a directory's *.rules files in version order (as
 * augenrules does).  Every bad line is logged as "FILE:LINE: reason; rule:
 * TEXT"; returns 0, -EINVAL or -errno. */
int rules_parse_path(struct ruleset *rs, const char *path);

/* rules_files in order, then the rules list.  Returns 0 or -EINVAL (every
 * error logged). */
int rules_load_config(struct ruleset *rs, const struct config *cfg);

#endif
