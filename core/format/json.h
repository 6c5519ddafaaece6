/* core/format/json.h -- the JSON writer of the hot path.  Its output is always valid
 * JSON and valid UTF-8 whatever the input bytes; tests check it with cJSON. */
#ifndef AS_JSON_H
#define AS_JSON_H

#include "util/buf.h"

/*
 * Appends s[0..n) as a quoted JSON string.  Control bytes are escaped, valid
 * UTF-8 is kept, and each byte of an invalid sequence becomes U+FFFD.
 */
int json_add_string(struct buf *b, const char *s, size_t n);

#endif
