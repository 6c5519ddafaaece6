/* core/format/json.c -- JSON string escaping with UTF-8 validation.
 *
 * Written by hand rather than with cJSON because it runs once per record on
 * the reader thread and must never allocate; cJSON checks it in tests. */
#include "format/json.h"
#include "util/bytes.h"

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

/* Writes the escape of ASCII byte c at d; returns the end. */
static char *put_escape(char *d, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	char short_esc = 0;

	switch (c) {
	case '"': short_esc = '"'; break;
	case '\\': short_esc = '\\'; break;
	case '\n': short_esc = 'n'; break;
	case '\t': short_esc = 't'; break;
	case '\r': short_esc = 'r'; break;
	case '\b': short_esc = 'b'; break;
	case '\f': short_esc = 'f'; break;
	default: break;
	}
	*d++ = '\\';
	if (short_esc) {
		*d++ = short_esc;
		return d;
	}
	memcpy(d, "u00", 3);
	d[3] = hex[c >> 4];
	d[4] = hex[c & 15];
	return d + 5;
}

/* Writes the byte or UTF-8 sequence that needs care at s[*i]; returns the
 * end.  At most 6 bytes out per byte in. */
static char *put_special(char *d, const unsigned char *s, size_t n, size_t *i)
{
	size_t l;

	if (s[*i] < 0x80) {
		d = put_escape(d, s[*i]);
		(*i)++;
		return d;
	}
	if ((l = utf8_len(s + *i, n - *i)) != 0) {
		memcpy(d, s + *i, l);
		*i += l;
		return d + l;
	}
	memcpy(d, "\\ufffd", 6);
	(*i)++;
	return d + 6;
}

/* Word-at-a-time check (the replay profile had 19% in this function, most
 * of it the byte loop over plain ASCII): non-zero when any of the 8 bytes
 * is a control byte, '"', '\\', DEL or non-ASCII.  Exact as a yes/no. */
static inline uint64_t needs_care(uint64_t v)
{
	return (v & BYTES_HIGHS) | ((v - 0x20 * BYTES_ONES) & ~v & BYTES_HIGHS) |
	       bytes_eq(v, 0x22) | bytes_eq(v, 0x5c) | bytes_eq(v, 0x7f);
}

#ifdef __SSE2__
#include <emmintrin.h>

/* Bytes of the 16 at s that need care, one bit each (bit k: s[k]).  The
 * signed compare with 0x20 takes control bytes and every byte >= 0x80. */
static inline unsigned care_mask16(const unsigned char *s)
{
	__m128i v = _mm_loadu_si128((const __m128i *)s);
	__m128i m = _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)),
				 _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
					      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\\')),
							   _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f)))));
	return (unsigned)_mm_movemask_epi8(m);
}

/* 16 bytes at a time: each block is stored whole and the output advances
 * only past its plain prefix, so a '"' (every quoted field of a record has
 * two) costs a bit scan, not a fall back to the byte loop (the byte loop
 * and its restarts were most of this function's instructions on the
 * execve-heavy replay: bench/RESULTS.md, issue 18). */
static char *copy_plain16(char *d, const unsigned char *s, size_t n, size_t *i)
{
	while (*i + 16 <= n) {
		unsigned m = care_mask16(s + *i);

		_mm_storeu_si128((__m128i *)d, _mm_loadu_si128((const __m128i *)(s + *i)));
		if (!m) {
			*i += 16;
			d += 16;
			continue;
		}
		m = (unsigned)__builtin_ctz(m);
		*i += m;
		d += m;
		d = put_special(d, s, n, i);
	}
	return d;
}
#define BLOCK_SLACK 16	/* a whole block is stored past the output's end */
#else
#define BLOCK_SLACK 0
static char *copy_plain16(char *d, const unsigned char *s, size_t n, size_t *i)
{
	(void)s;
	(void)n;
	(void)i;
	return d;
}
#endif

int json_add_string(struct buf *b, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, need = n * 6 + 2 + BLOCK_SLACK;
	char *d;

	/* Worst case grows 6x (\u00XX); with that reserved up front the loop
	 * writes through a pointer, no check per append (the per-append checks
	 * and memcpy calls were most of this function's time on short strings). */
	if (b->cap - b->len < need && buf_reserve(b, need) < 0)
		return -1;
	d = b->p + b->len;
	*d++ = '"';
	d = copy_plain16(d, s, n, &i);
	for (;;) {
		for (uint64_t w; i + 8 <= n; i += 8, d += 8) {
			memcpy(&w, s + i, 8);	/* unaligned load, one instruction */
			if (needs_care(w))
				break;
			memcpy(d, &w, 8);
		}
		while (i < n && plain[s[i]])
			*d++ = (char)s[i++];
		if (i == n)
			break;
		d = put_special(d, s, n, &i);
	}
	*d++ = '"';
	b->len = (size_t)(d - b->p);
	return 0;
}
