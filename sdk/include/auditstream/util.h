/*
 * auditstream/util.h -- header-only helpers for output plugins.
 *
 * Everything here is static inline and compiled into the plugin that uses
 * it: it is NOT part of the plugin ABI (sdk/abi does not cover it), may
 * change between releases, and a plugin built against one version keeps
 * working with any core of the same ABI major.  Use what helps:
 *
 *   struct auditstream_buf        a growable byte buffer
 *   auditstream_hostport_parse()  "host:port" / "[v6]:port" into its parts
 *   auditstream_utf8_len(),
 *   auditstream_utf8_valid()      UTF-8 checks, the core's rules
 *   auditstream_json_escape()     a JSON string's inside, invalid UTF-8 as U+FFFD
 *   auditstream_opt_error()       host->opt_error() with a fallback for a
 *                                 core of ABI 1.0, which has none
 */
#ifndef AUDITSTREAM_UTIL_H
#define AUDITSTREAM_UTIL_H

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <auditstream/plugin.h>

#ifdef __cplusplus
extern "C" {
#endif

/* -------------------------------------------------------------- buffer */

/* A growable buffer; zero-initialise it, release it with _free. */
struct auditstream_buf {
	char *p;
	size_t len, cap;
};

/* Makes room for `more` bytes after len (doubling, from 4 KiB).
 * Returns 0 or -ENOMEM (the buffer is unchanged). */
static inline int auditstream_buf_reserve(struct auditstream_buf *b, size_t more)
{
	size_t cap = b->cap ? b->cap : 4096;
	char *p;

	if (more <= b->cap - b->len)
		return 0;
	if (more > SIZE_MAX / 2 - b->len)
		return -ENOMEM;
	while (cap < b->len + more)
		cap *= 2;
	if (!(p = (char *)realloc(b->p, cap)))
		return -ENOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

/* Appends without checking for room: reserve the worst case first. */
static inline void auditstream_buf_add(struct auditstream_buf *b, const void *p, size_t n)
{
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

/* Appends, growing as needed.  Returns 0 or -ENOMEM. */
static inline int auditstream_buf_append(struct auditstream_buf *b, const void *p, size_t n)
{
	if (auditstream_buf_reserve(b, n) < 0)
		return -ENOMEM;
	auditstream_buf_add(b, p, n);
	return 0;
}

static inline void auditstream_buf_free(struct auditstream_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

/* ----------------------------------------------------------- host:port */

/*
 * Splits "host:port" or "[v6addr]:port" (a bare IPv6 address needs the
 * brackets) into host and port, NUL-terminated.  The port is 1..65535 in
 * decimal.  Returns 0, -EINVAL if a is not of that form, -ENAMETOOLONG if a
 * part does not fit.
 */
static inline int auditstream_hostport_parse(const char *a, char *host, size_t hostlen,
					     char *port, size_t portlen)
{
	const char *hs = a, *he, *ps;
	long v = 0;

	if (a[0] == '[') {
		hs = a + 1;
		if (!(he = strchr(hs, ']')) || he[1] != ':')
			return -EINVAL;
		ps = he + 2;
	} else {
		if (!(he = strrchr(a, ':')) || memchr(a, ':', (size_t)(he - a)))
			return -EINVAL;	/* no port, or an IPv6 address without [] */
		ps = he + 1;
	}
	if (he == hs || !*ps || strlen(ps) > 5)
		return -EINVAL;
	for (const char *c = ps; *c; c++) {
		if (*c < '0' || *c > '9')
			return -EINVAL;
		v = v * 10 + (*c - '0');
	}
	if (v < 1 || v > 65535)
		return -EINVAL;
	if ((size_t)(he - hs) >= hostlen || strlen(ps) >= portlen)
		return -ENAMETOOLONG;
	memcpy(host, hs, (size_t)(he - hs));
	host[he - hs] = '\0';
	memcpy(port, ps, strlen(ps) + 1);
	return 0;
}

/* --------------------------------------------------------------- UTF-8 */

/* Length of the valid UTF-8 sequence at s[0..n) (1..4; ASCII is 1), or 0
 * if it is invalid: overlong forms, surrogates and code points above
 * U+10FFFF are invalid, as in the core's JSON writer. */
static inline size_t auditstream_utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return n >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f))
			return 0;	/* overlong, surrogate */
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] > 0x8f))
			return 0;	/* overlong, above U+10FFFF */
		return 4;
	}
	return 0;
}

/* 1 if s[0..n) is valid UTF-8. */
static inline int auditstream_utf8_valid(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0, l; i < n; i += l)
		if (!(l = auditstream_utf8_len(u + i, n - i)))
			return 0;
	return 1;
}

/* ---------------------------------------------------------------- JSON */

/* The most bytes auditstream_json_escape() writes for n input bytes. */
#define AUDITSTREAM_JSON_ESCAPED_MAX(n) (6 * (n))

/*
 * Writes s[0..n) as the inside of a JSON string (no quotes) to out, which
 * has room for AUDITSTREAM_JSON_ESCAPED_MAX(n) bytes; returns the bytes
 * written.  '"', '\\' and control characters are escaped, invalid UTF-8
 * becomes \ufffd, so the result is always valid JSON and valid UTF-8.
 */
static inline size_t auditstream_json_escape(char *out, const char *str, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	char *o = out;
	size_t i = 0, l;

	while (i < n) {
		unsigned char c = s[i];

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			*o++ = (char)c;
			i++;
			continue;
		}
		if (c >= 0x80) {
			if ((l = auditstream_utf8_len(s + i, n - i))) {
				memcpy(o, s + i, l);
				o += l;
				i += l;
			} else {
				memcpy(o, "\\ufffd", 6);
				o += 6;
				i++;
			}
			continue;
		}
		*o++ = '\\';
		switch (c) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '\n': *o++ = 'n'; break;
		case '\t': *o++ = 't'; break;
		case '\r': *o++ = 'r'; break;
		default:
			memcpy(o, "u00", 3);
			o[3] = hex[c >> 4];
			o[4] = hex[c & 15];
			o += 5;
			break;
		}
		i++;
	}
	return (size_t)(o - out);
}

/* Appends s[0..n) as a quoted JSON string.  Returns 0 or -ENOMEM. */
static inline int auditstream_buf_add_json_string(struct auditstream_buf *b, const char *s, size_t n)
{
	if (auditstream_buf_reserve(b, AUDITSTREAM_JSON_ESCAPED_MAX(n) + 2) < 0)
		return -ENOMEM;
	b->p[b->len++] = '"';
	b->len += auditstream_json_escape(b->p + b->len, s, n);
	b->p[b->len++] = '"';
	return 0;
}

/* ---------------------------------------------------------------- host */

/*
 * Reports a bad value of option `key` from check() or create(): through
 * host->opt_error() (file and line) on a core of ABI 1.1 or later, else as
 * an error log line naming the key.
 */
static inline void auditstream_opt_error(const struct auditstream_host *host,
					 struct auditstream_ctx *ctx, const char *key,
					 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static inline void auditstream_opt_error(const struct auditstream_host *host,
					 struct auditstream_ctx *ctx, const char *key,
					 const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (host->struct_size > offsetof(struct auditstream_host, opt_error) && host->opt_error)
		host->opt_error(ctx, key, "%s", msg);
	else
		host->log(ctx, AUDITSTREAM_LOG_ERR, "%s: %s", key, msg);
}

/* The output's format name, or NULL on a core of ABI 1.0 (which cannot say). */
static inline const char *auditstream_format(const struct auditstream_host *host,
					     struct auditstream_ctx *ctx)
{
	if (host->struct_size > offsetof(struct auditstream_host, format) && host->format)
		return host->format(ctx);
	return NULL;
}

#ifdef __cplusplus
}
#endif

#endif /* AUDITSTREAM_UTIL_H */
