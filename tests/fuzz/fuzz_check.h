/* tests/fuzz/fuzz_check.h -- what every harness asserts about an output:
 * one valid JSON value (cJSON) that is valid UTF-8 (cJSON does not check). */
#ifndef FUZZ_CHECK_H
#define FUZZ_CHECK_H

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/assemble.h"
#include "util/buf.h"
#include "format/enriched.h"
#include "format/goaudit.h"
#include "format/raw.h"
#include "format/uidmap.h"

/* Strict UTF-8 (RFC 3629): no overlongs, no surrogates, nothing past U+10FFFF. */
static inline int fuzz_utf8_ok(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i], need, min, cp;

		if (c < 0x80) { i++; continue; }
		if (c >= 0xc2 && c <= 0xdf) { need = 1; min = 0x80; cp = c & 0x1f; }
		else if (c >= 0xe0 && c <= 0xef) { need = 2; min = 0x800; cp = c & 0x0f; }
		else if (c >= 0xf0 && c <= 0xf4) { need = 3; min = 0x10000; cp = c & 0x07; }
		else return 0;
		if (n - i <= need)
			return 0;
		for (unsigned k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += need + 1;
	}
	return 1;
}

static inline void fuzz_check_json(const char *what, const char *s, size_t n)
{
	const char *end = NULL;
	cJSON *j;

	if (!fuzz_utf8_ok((const unsigned char *)s, n)) {
		fprintf(stderr, "%s: output is not valid UTF-8: %.*s\n", what, (int)n, s);
		abort();
	}
	if (memchr(s, '\0', n)) {
		fprintf(stderr, "%s: output holds a NUL byte\n", what);
		abort();
	}
	j = cJSON_ParseWithLengthOpts(s, n, &end, 0);
	if (!j || !cJSON_IsObject(j)) {
		fprintf(stderr, "%s: output is not a JSON object: %.*s\n", what, (int)n, s);
		abort();
	}
	while (end < s + n && (*end == '\n' || *end == ' '))
		end++;
	if (end != s + n) {
		fprintf(stderr, "%s: bytes after the JSON value: %.*s\n", what, (int)n, s);
		abort();
	}
	cJSON_Delete(j);
}

/* Renders an event in every format and checks each. */
struct fuzz_render {
	struct uidmap *um;
	struct enrich x;
	struct buf out;
};

static inline void fuzz_render_init(struct fuzz_render *r)
{
	memset(r, 0, sizeof(*r));
	r->um = uidmap_new(600);
	enrich_init(&r->x, r->um, "fuzz-node");
}

static inline void fuzz_render_free(struct fuzz_render *r)
{
	buf_free(&r->out);
	enrich_free(&r->x);
	uidmap_free(r->um);
}

static inline void fuzz_render_event(struct fuzz_render *r, const struct asm_event *ev)
{
	r->out.len = 0;
	if (format_goaudit(&r->out, ev, r->um, 1700000000) == 0)
		fuzz_check_json("goaudit", r->out.p, r->out.len);
	r->out.len = 0;
	if (format_enriched(&r->out, ev, &r->x, 1700000000) == 0)
		fuzz_check_json("enriched", r->out.p, r->out.len);
	r->out.len = 0;
	if (format_raw(&r->out, ev, &r->x) == 0)
		fuzz_check_json("raw", r->out.p, r->out.len);
}

static void fuzz_emit(void *arg, const struct asm_event *ev)
{
	fuzz_render_event(arg, ev);
}

#endif
