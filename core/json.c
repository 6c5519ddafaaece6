/* core/json.c -- JSON string escaping with UTF-8 validation.
 *
 * Written by hand rather than with cJSON because it runs once per record on
 * the reader thread and must never allocate; cJSON checks it in tests. */
#include "json.h"

#include <stdint.h>
#include <string.h>

/* 1: byte may be copied as is (printable ASCII other than '"' and '\\'). */
static const uint8_t plain[256] = {
#define R16(v) v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v
	R16(0), R16(0),
	1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0x20: '"' */
	R16(1), R16(1),
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,	/* 0x50: '\\' */
	R16(1),
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,	/* 0x7f: DEL */
	R16(0), R16(0), R16(0), R16(0), R16(0), R16(0), R16(0), R16(0)
#undef R16
};

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if it is invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];

	if (c >= 0xc2 && c <= 0xdf)
		return n >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if (c == 0xe0 && s[1] < 0xa0)		/* overlong */
			return 0;
		if (c == 0xed && s[1] > 0x9f)		/* surrogate */
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		if (c == 0xf0 && s[1] < 0x90)		/* overlong */
			return 0;
		if (c == 0xf4 && s[1] > 0x8f)		/* > U+10FFFF */
			return 0;
		return 4;
	}
	return 0;
}

static int add_escape(struct buf *b, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

	switch (c) {
	case '"': return buf_adds(b, "\\\"");
	case '\\': return buf_adds(b, "\\\\");
	case '\n': return buf_adds(b, "\\n");
	case '\t': return buf_adds(b, "\\t");
	case '\r': return buf_adds(b, "\\r");
	case '\b': return buf_adds(b, "\\b");
	case '\f': return buf_adds(b, "\\f");
	default: return buf_add(b, e, sizeof(e));
	}
}

/* Word-at-a-time check (the replay profile had 19% in this function, most
 * of it the byte loop over plain ASCII): non-zero when any of the 8 bytes
 * is a control byte, '"', '\\', DEL or non-ASCII.  Exact as a yes/no. */
#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull
static inline uint64_t has_zero(uint64_t v)
{
	return (v - ONES) & ~v & HIGHS;
}

static inline uint64_t needs_care(uint64_t v)
{
	return (v & HIGHS) | ((v - 0x20 * ONES) & ~v & HIGHS) | has_zero(v ^ (0x22 * ONES)) |
	       has_zero(v ^ (0x5c * ONES)) | has_zero(v ^ (0x7f * ONES));
}

int json_add_string(struct buf *b, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run;

	/* Worst case grows 6x (\u00XX); reserving it up front keeps the loop simple. */
	if (buf_reserve(b, n * 6 + 2) < 0)
		return -1;
	buf_addc(b, '"');
	while (i < n) {
		run = i;
		for (uint64_t w; run + 8 <= n; run += 8) {
			memcpy(&w, s + run, 8);	/* unaligned load, one instruction */
			if (needs_care(w))
				break;
		}
		while (run < n && plain[s[run]])
			run++;
		if (run > i) {
			buf_add(b, s + i, run - i);
			i = run;
			if (i == n)
				break;
		}
		if (s[i] < 0x80) {
			add_escape(b, s[i]);
			i++;
		} else {
			size_t l = utf8_len(s + i, n - i);
			if (l) {
				buf_add(b, s + i, l);
				i += l;
			} else {
				buf_adds(b, "\\ufffd");
				i++;
			}
		}
	}
	return buf_addc(b, '"');
}
