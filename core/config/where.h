/* core/config/where.h -- where a setting was written, for error messages. */
#ifndef AS_CONFIG_WHERE_H
#define AS_CONFIG_WHERE_H

#include <libconfig.h>
#include <stddef.h>

/* "FILE:LINE: KEY.PATH" into buf; returns buf. */
const char *config_where(const config_setting_t *s, char *buf, size_t len);

#endif
