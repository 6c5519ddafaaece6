/* core/enrich_fields.c -- name=value fields of audit records. */
#include "enrich_fields.h"

#include <string.h>

/* Byte classes for the field scanner (a table: field_next was 10% of the
 * enriched replay, three compares per byte). */
#define C_SPACE 1
#define C_EQ 2
static const unsigned char cls[256] = { [' '] = C_SPACE, ['\t'] = C_SPACE, ['\n'] = C_SPACE,
					['='] = C_EQ };

static int is_space(char c)
{
	return cls[(unsigned char)c] == C_SPACE;
}

/* The end of a value that starts at s[i] with quote q (0: unquoted). */
static size_t value_end(const char *s, size_t n, size_t i, char q)
{
	if (!q) {
		while (i < n && !is_space(s[i]))
			i++;
		return i;
	}
	{
		const char *e = memchr(s + i, q, n - i);
		return e ? (size_t)(e - s) : n;
	}
}

int field_next(const char *s, size_t n, size_t *pos, struct field *f)
{
	size_t i = *pos, start;

	while (i < n && is_space(s[i]))
		i++;
	if (i >= n)
		return 0;
	start = i;
	while (i < n && !cls[(unsigned char)s[i]])
		i++;
	if (i >= n || s[i] != '=') {
		f->name = NULL;
		f->nlen = 0;
		f->val = s + start;
		f->vlen = i - start;
		f->quote = 0;
		*pos = i;
		return 1;
	}
	f->name = s + start;
	f->nlen = i - start;
	i++;
	f->quote = (i < n && (s[i] == '"' || s[i] == '\'')) ? s[i] : 0;
	if (f->quote)
		i++;
	f->val = s + i;
	i = value_end(s, n, i, f->quote);
	f->vlen = (size_t)(s + i - f->val);
	if (f->quote && i < n)
		i++;		/* the closing quote */
	*pos = i;
	return 1;
}

int field_next_joined(const char *s, size_t n, size_t *pos, struct field *f)
{
	struct field g;
	size_t p;

	if (!field_next(s, n, pos, f))
		return 0;
	if (!f->name || f->quote)
		return 1;
	for (p = *pos; field_next(s, n, &p, &g) && !g.name; *pos = p)
		f->vlen = (size_t)(g.val + g.vlen - f->val);
	return 1;
}

int field_find(const char *s, size_t n, const char *name, struct field *f)
{
	size_t pos = 0, len = strlen(name);

	while (field_next(s, n, &pos, f))
		if (field_is(f, name, len))
			return 1;
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int is_hex(const char *s, size_t n)
{
	if (n == 0 || n % 2)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (hexval(s[i]) < 0)
			return 0;
	return 1;
}

int hex_decode(struct buf *out, const char *s, size_t n)
{
	char *p;

	if (buf_reserve(out, n / 2) < 0)
		return -1;
	p = out->p + out->len;
	for (size_t i = 0; i + 1 < n; i += 2)
		*p++ = (char)(hexval(s[i]) << 4 | hexval(s[i + 1]));
	out->len += n / 2;
	return 0;
}

int is_decimal(const char *s, size_t n)
{
	size_t i = 0;

	if (n && s[0] == '-')
		i = 1;
	if (i >= n || n - i > 19)
		return 0;
	if (s[i] == '0')
		return n - i == 1;
	for (; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int64_t field_int(const char *s, size_t n, int base)
{
	uint64_t v = 0;
	size_t i = 0;
	int neg = 0;

	if (base == 10 && n && s[0] == '-') {
		neg = 1;
		i = 1;
	}
	for (; i < n && i < 20; i++) {
		int d = hexval(s[i]);
		if (d < 0 || d >= base)
			return 0;
		v = v * (unsigned)base + (unsigned)d;
	}
	return neg ? -(int64_t)v : (int64_t)v;
}

int field_is_encoded(const char *name, size_t len)
{
	static const char *const names[] = {
		"name", "comm", "exe", "cwd", "path", "proctitle", "data", "acct",
		"cmd", "key", "file", "dir", "root_dir", "sw", "vm",
		"ocomm", "watch", "new_name", "old_name", "grp", NULL
	};
	for (const char *const *n = names; *n; n++)
		if ((*n)[0] == name[0] && name_is(*n, name, len))
			return 1;
	return 0;
}

int field_string(const struct field *f, struct buf *out)
{
	out->len = 0;
	if (!f->quote && f->name && field_is_encoded(f->name, f->nlen) && is_hex(f->val, f->vlen)) {
		hex_decode(out, f->val, f->vlen);
		return 1;
	}
	buf_add(out, f->val, f->vlen);
	return 0;
}
