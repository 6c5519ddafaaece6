/* core/config/where.h -- where a setting was written, for error messages. */
#ifndef AS_CONFIG_WHERE_H
#define AS_CONFIG_WHERE_H

#include <libconfig.h>
#include <stddef.h>

/* The file the setting was written in, as the operator named it (the
 * config is parsed from memfds: libconfig knows "/proc/self/fd/N"). */
const char *config_source_file(const config_setting_t *s);

/* "FILE:LINE: KEY.PATH" into buf; returns buf. */
const char *config_where(const config_setting_t *s, char *buf, size_t len);

#endif
