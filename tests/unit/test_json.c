/* tests/unit/test_json.c -- the JSON writer (json_add_string), the goaudit
 * format and loss events, all checked with cJSON and a UTF-8 validator. */
#include <check.h>
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/assemble.h"
#include "util/buf.h"
#include "pipeline/event.h"
#include "format/goaudit.h"
#include "format/json.h"
#include "pipeline/loss.h"
#include "format/uidmap.h"

/* ------------------------------------------------------------- helpers */

/*
 * Length of the well-formed UTF-8 sequence at s (Unicode 15, table 3-7), or
 * 0.  Written independently of core/format/json.c on purpose.
 */
static size_t seq_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len;
	unsigned char lo = 0x80, hi = 0xbf;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/* 1 if s[0..n) is well-formed UTF-8. */
static int utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;

	for (size_t i = 0, l; i < n; i += l)
		if (!(l = seq_len(s + i, n - i)))
			return 0;
	return 1;
}

/* What the writer promises to keep: valid UTF-8 as is, each byte of an
 * invalid sequence as U+FFFD.  Returns a malloc'd buffer, length in *outlen. */
static char *reference(const char *str, size_t n, size_t *outlen)
{
	const unsigned char *s = (const unsigned char *)str;
	char *out = malloc(n * 3 + 1), *o = out;

	ck_assert_ptr_nonnull(out);
	for (size_t i = 0, l; i < n; i += l) {
		if ((l = seq_len(s + i, n - i))) {
			memcpy(o, s + i, l);
			o += l;
		} else {
			memcpy(o, "\xef\xbf\xbd", 3);
			o += 3;
			l = 1;
		}
	}
	*o = '\0';
	*outlen = (size_t)(o - out);
	return out;
}

/* JSON text rules cJSON may be lenient about: whole text valid UTF-8, no raw
 * control character. */
static void assert_json_text_ok(const char *p, size_t n)
{
	/* plain ifs in loops: every ck_assert records a checkpoint, slowly */
	if (!utf8_valid(p, n))
		ck_abort_msg("output is not valid UTF-8: %.*s", (int)n, p);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x20)
			ck_abort_msg("raw control byte 0x%02x at %zu", (unsigned char)p[i], i);
}

/*
 * Writes s[0..n) with json_add_string, checks the text and that cJSON reads
 * back exactly reference(s): for valid UTF-8, s itself.
 */
static void check_string(const char *s, size_t n)
{
	struct buf b = { 0 };
	cJSON *root, *item;
	size_t want_len;
	char *want;

	ck_assert_int_eq(buf_addc(&b, '['), 0);
	ck_assert_int_eq(json_add_string(&b, s, n), 0);
	ck_assert_int_eq(buf_addc(&b, ']'), 0);
	assert_json_text_ok(b.p, b.len);
	root = cJSON_ParseWithLength(b.p, b.len);
	ck_assert_msg(root != NULL, "cJSON cannot parse %.*s", (int)b.len, b.p);
	ck_assert_int_eq(cJSON_GetArraySize(root), 1);
	item = cJSON_GetArrayItem(root, 0);
	ck_assert(cJSON_IsString(item));
	want = reference(s, n, &want_len);
	/* cJSON keeps an escaped NUL inside valuestring: compare all bytes */
	ck_assert_msg(memcmp(item->valuestring, want, want_len) == 0 &&
		      item->valuestring[want_len] == '\0',
		      "round trip differs for %.*s", (int)b.len, b.p);
	if (utf8_valid(s, n))
		ck_assert_int_eq(memcmp(want, s, n), 0);
	free(want);
	cJSON_Delete(root);
	buf_free(&b);
}

/* json_add_string's whole output as a C string. */
static char *json_of(const char *s, size_t n)
{
	struct buf b = { 0 };
	char *out;

	ck_assert_int_eq(json_add_string(&b, s, n), 0);
	out = strndup(b.p, b.len);
	ck_assert_ptr_nonnull(out);
	buf_free(&b);
	return out;
}

#define ck_assert_json_of(lit, expected) do { \
		char *j_ = json_of((lit), sizeof(lit) - 1); \
		ck_assert_str_eq(j_, (expected)); \
		free(j_); \
	} while (0)

/* ------------------------------------------------------ json_add_string */

/* Every single byte 0..255: valid JSON, exact escape for the special ones. */
START_TEST(every_byte)
{
	for (int c = 0; c < 256; c++) {
		char s[1] = { (char)c };
		check_string(s, 1);
	}
	ck_assert_json_of("a", "\"a\"");
	ck_assert_json_of("\"", "\"\\\"\"");
	ck_assert_json_of("\\", "\"\\\\\"");
	ck_assert_json_of("\n", "\"\\n\"");
	ck_assert_json_of("\t", "\"\\t\"");
	ck_assert_json_of("\r", "\"\\r\"");
	ck_assert_json_of("\x01", "\"\\u0001\"");
	ck_assert_json_of("\x1f", "\"\\u001f\"");
	ck_assert_json_of("\x7f", "\"\\u007f\"");
	ck_assert_json_of("\x80", "\"\\ufffd\"");
	ck_assert_json_of("\xff", "\"\\ufffd\"");
	ck_assert_json_of("", "\"\"");
}
END_TEST

/* All 256 bytes in one string. */
START_TEST(all_bytes_together)
{
	char s[256];

	for (int c = 0; c < 256; c++)
		s[c] = (char)c;
	check_string(s, sizeof(s));
	for (int c = 255; c >= 0; c--)
		s[255 - c] = (char)c;
	check_string(s, sizeof(s));
}
END_TEST

/* Invalid UTF-8: each byte of the bad sequence becomes \ufffd, exactly. */
START_TEST(invalid_utf8)
{
	static const struct { const char *in; size_t n; const char *out; } cases[] = {
		{ "\x80", 1, "\"\\ufffd\"" },				/* lone continuation */
		{ "a\xbf" "b", 3, "\"a\\ufffdb\"" },
		{ "\xc0\x80", 2, "\"\\ufffd\\ufffd\"" },		/* overlong NUL */
		{ "\xc1\xbf", 2, "\"\\ufffd\\ufffd\"" },		/* overlong */
		{ "\xe0\x80\x80", 3, "\"\\ufffd\\ufffd\\ufffd\"" },	/* overlong 3 */
		{ "\xe0\x9f\xbf", 3, "\"\\ufffd\\ufffd\\ufffd\"" },
		{ "\xf0\x80\x80\x80", 4, "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },	/* overlong 4 */
		{ "\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\"" },	/* surrogate D800 */
		{ "\xed\xbf\xbf", 3, "\"\\ufffd\\ufffd\\ufffd\"" },	/* surrogate DFFF */
		{ "\xf4\x90\x80\x80", 4, "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },	/* > U+10FFFF */
		{ "\xf5\x80\x80\x80", 4, "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },
		{ "\xfe\xff", 2, "\"\\ufffd\\ufffd\"" },
		{ "x\xc3", 2, "\"x\\ufffd\"" },				/* truncated at the end */
		{ "x\xe2\x82", 3, "\"x\\ufffd\\ufffd\"" },
		{ "x\xf0\x9f\x98", 4, "\"x\\ufffd\\ufffd\\ufffd\"" },
		{ "\xe2\x82" "A", 3, "\"\\ufffd\\ufffdA\"" },		/* truncated inside */
		{ "\xc3\xc3\xa9", 3, "\"\\ufffd\xc3\xa9\"" },		/* bad then good */
		{ "\xe2\x28\xa1", 3, "\"\\ufffd(\\ufffd\"" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *j = json_of(cases[i].in, cases[i].n);
		ck_assert_msg(strcmp(j, cases[i].out) == 0, "case %zu: got %s, want %s", i, j,
			      cases[i].out);
		free(j);
		check_string(cases[i].in, cases[i].n);
	}
}
END_TEST

/* Valid UTF-8 is kept as is (not escaped) and round-trips, edges included. */
START_TEST(valid_utf8_kept)
{
	static const char *const cases[] = {
		"\xc2\x80",			/* U+0080 */
		"caf\xc3\xa9",			/* é */
		"\xdf\xbf",			/* U+07FF */
		"\xe0\xa0\x80",			/* U+0800 */
		"\xe2\x82\xac",			/* € */
		"\xed\x9f\xbf",			/* U+D7FF, below the surrogates */
		"\xee\x80\x80",			/* U+E000, above them */
		"\xef\xbf\xbd",			/* U+FFFD itself */
		"\xef\xbf\xbf",			/* U+FFFF */
		"\xf0\x90\x80\x80",		/* U+10000 */
		"\xf0\x9f\x98\x80",		/* 😀 */
		"\xf4\x8f\xbf\xbf",		/* U+10FFFF */
		"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e name=\"/tmp/\xc3\xa9\"",
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = strlen(cases[i]);
		char *j = json_of(cases[i], n);
		if (!strchr(cases[i], '"')) {
			ck_assert_uint_eq(strlen(j), n + 2);
			ck_assert_int_eq(memcmp(j + 1, cases[i], n), 0);
		}
		free(j);
		check_string(cases[i], n);
	}
}
END_TEST

/* An embedded NUL is data, escaped as \u0000; the rest follows. */
START_TEST(embedded_nul)
{
	ck_assert_json_of("a\0b", "\"a\\u0000b\"");
	ck_assert_json_of("\0", "\"\\u0000\"");
	check_string("a\0b", 3);
	check_string("\0\0\xff\0", 4);
}
END_TEST

/* Each kind of special byte at every position of a 48-byte string: the
 * writer goes 16 bytes at a time, so block edges must not matter. */
START_TEST(specials_at_every_position)
{
	static const struct { const char *in, *out; } kinds[] = {
		{ "\"", "\\\"" }, { "\\", "\\\\" }, { "\n", "\\n" }, { "\x01", "\\u0001" },
		{ "\x7f", "\\u007f" }, { "\xc3\xa9", "\xc3\xa9" }, { "\xff", "\\ufffd" },
		{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80" }, { "\xe2\x82", "\\ufffd\\ufffd" },
	};

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		size_t kl = strlen(kinds[k].in);
		for (size_t pos = 0; pos + kl <= 48; pos++) {
			char in[48], want[128];
			char *got;
			memset(in, 'a', sizeof(in));
			memcpy(in + pos, kinds[k].in, kl);
			snprintf(want, sizeof(want), "\"%.*s%s%.*s\"", (int)pos, in, kinds[k].out,
				 (int)(48 - pos - kl), in + pos + kl);
			got = json_of(in, sizeof(in));
			ck_assert_msg(strcmp(got, want) == 0, "kind %zu at %zu: %s, not %s", k, pos, got, want);
			free(got);
		}
	}
}
END_TEST

/* buf_add_u64 against printf, around every power of ten. */
START_TEST(decimal_numbers)
{
	unsigned long long p = 1;

	for (int e = 0; e < 20; e++, p *= 10) {
		unsigned long long vs[] = { p - 1, p, p + 1, p * 7 + 3 };
		for (size_t i = 0; i < 4; i++) {
			struct buf b = { 0 };
			char want[32];
			snprintf(want, sizeof(want), "%llu", vs[i]);
			ck_assert_int_eq(buf_add_u64(&b, vs[i]), 0);
			ck_assert_uint_eq(b.len, strlen(want));
			ck_assert_msg(memcmp(b.p, want, b.len) == 0, "%s written as %.*s", want, (int)b.len, b.p);
			buf_free(&b);
		}
	}
	{
		struct buf b = { 0 };
		buf_add_u64(&b, UINT64_MAX);
		ck_assert_uint_eq(b.len, 20);
		ck_assert_int_eq(memcmp(b.p, "18446744073709551615", 20), 0);
		buf_free(&b);
	}
}
END_TEST

/* The writer appends: what is in the buffer stays, several strings make a
 * valid array. */
START_TEST(appends)
{
	struct buf b = { 0 };
	cJSON *root;

	buf_adds(&b, "[");
	ck_assert_int_eq(json_add_string(&b, "one", 3), 0);
	buf_adds(&b, ",");
	ck_assert_int_eq(json_add_string(&b, "t\x01wo", 4), 0);
	buf_adds(&b, "]");
	ck_assert_uint_eq(b.len, strlen("[\"one\",\"t\\u0001wo\"]"));
	ck_assert_int_eq(memcmp(b.p, "[\"one\",\"t\\u0001wo\"]", b.len), 0);
	root = cJSON_ParseWithLength(b.p, b.len);
	ck_assert_ptr_nonnull(root);
	ck_assert_str_eq(cJSON_GetArrayItem(root, 1)->valuestring, "t\x01wo");
	cJSON_Delete(root);
	buf_free(&b);
}
END_TEST

/* Large input (the worst case grows 6x): still exact. */
START_TEST(large_input)
{
	size_t n = 200000;
	char *s = malloc(n);

	ck_assert_ptr_nonnull(s);
	memset(s, 0xff, n);
	check_string(s, n);
	memset(s, 0x01, n);
	check_string(s, n);
	for (size_t i = 0; i < n; i++)
		s[i] = "\xe2\x82\xac\"\\"[i % 5];
	check_string(s, n);
	free(s);
}
END_TEST

/* xorshift64*: the same strings on every run and every libc. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}

/* 10000 random strings up to 300 bytes, biased towards the bytes that make
 * or break UTF-8 and JSON: always valid, always the reference decoding. */
START_TEST(randomized)
{
	static const unsigned char hot[] = {
		0x00, 0x01, 0x1f, '"', '\\', '/', 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf,
		0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 'a',
	};
	unsigned char s[300];
	unsigned nvalid = 0;

	for (int iter = 0; iter < 10000; iter++) {
		size_t n = (size_t)(rng() % (sizeof(s) + 1));
		unsigned mode = (unsigned)(rng() % 3);

		for (size_t i = 0; i < n; i++) {
			uint64_t r = rng();
			if (mode == 0)
				s[i] = (unsigned char)r;
			else if (mode == 1)
				s[i] = hot[(r >> 8) % sizeof(hot)];
			else	/* mostly continuation bytes after leads */
				s[i] = (r & 1) ? (unsigned char)(0x80 | ((r >> 8) & 0x3f))
					       : hot[(r >> 8) % sizeof(hot)];
		}
		/* some valid multi-byte strings too */
		if (iter % 10 == 0)
			for (size_t i = 0; i + 3 < n; i += 4)
				memcpy(s + i, "\xf0\x9f\x98\x80", 4);
		if (utf8_valid((const char *)s, n))
			nvalid++;
		check_string((const char *)s, n);
	}
	ck_assert_uint_gt(nvalid, 300);	/* the round trip was exercised */
}
END_TEST

/* ----------------------------------------------------------- goaudit */

#define MAX_TEST_RECS 8

/* A hand-made assembled event: records back to back in text. */
struct test_event {
	struct asm_event ev;
	struct asm_record recs[MAX_TEST_RECS];
	char text[4096];
};

static void te_init(struct test_event *t, uint64_t serial, uint64_t sec, uint32_t ms)
{
	memset(t, 0, sizeof(*t));
	t->ev.serial = serial;
	t->ev.sec = sec;
	t->ev.ms = ms;
	t->ev.recs = t->recs;
	t->ev.text = t->text;
}

static void te_add(struct test_event *t, int type, const char *data, size_t len)
{
	ck_assert_uint_lt(t->ev.nrec, MAX_TEST_RECS);
	ck_assert_uint_le(t->ev.text_len + len, sizeof(t->text));
	t->recs[t->ev.nrec].type = type;
	t->recs[t->ev.nrec].off = (uint32_t)t->ev.text_len;
	t->recs[t->ev.nrec].len = (uint32_t)len;
	memcpy(t->text + t->ev.text_len, data, len);
	t->ev.text_len += len;
	t->ev.nrec++;
}

#define te_adds(t, type, lit) te_add((t), (type), (lit), sizeof(lit) - 1)

/* Formats and parses; the text must also be valid on its own. */
static cJSON *format_parse(const struct test_event *t, char **text)
{
	struct buf b = { 0 };
	struct uidmap *um = uidmap_new(60);
	cJSON *root;

	ck_assert_ptr_nonnull(um);
	ck_assert_int_eq(format_goaudit(&b, &t->ev, um, 1000), 0);
	assert_json_text_ok(b.p, b.len);
	ck_assert_ptr_null(memchr(b.p, '\n', b.len));
	root = cJSON_ParseWithLength(b.p, b.len);
	ck_assert_msg(root != NULL, "cJSON cannot parse %.*s", (int)b.len, b.p);
	if (text) {
		*text = strndup(b.p, b.len);
		ck_assert_ptr_nonnull(*text);
	}
	buf_free(&b);
	uidmap_free(um);
	return root;
}

static const char *str_member(const cJSON *o, const char *name)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, name);
	ck_assert_msg(cJSON_IsString(m), "member \"%s\" is not a string", name);
	return m->valuestring;
}

static double num_member(const cJSON *o, const char *name)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, name);
	ck_assert_msg(cJSON_IsNumber(m), "member \"%s\" is not a number", name);
	return m->valuedouble;
}

/* go-audit's exact shape for a one-record event, byte for byte. */
START_TEST(goaudit_exact_shape)
{
	struct test_event t;
	char *text;
	cJSON *root;

	te_init(&t, 42, 1700000000, 123);
	te_adds(&t, 1300, "arch=c000003e syscall=59");
	root = format_parse(&t, &text);
	ck_assert_str_eq(text, "{\"sequence\":42,\"timestamp\":\"1700000000.123\",\"messages\":"
			 "[{\"type\":1300,\"data\":\"arch=c000003e syscall=59\"}],\"uid_map\":{}}");
	free(text);
	cJSON_Delete(root);
}
END_TEST

/* An event with hostile record data: sequence, timestamp, every message's
 * type and data round-trip; invalid UTF-8 comes back as U+FFFD. */
START_TEST(goaudit_messages)
{
	static const char sys[] = "arch=c000003e syscall=59 success=yes exit=0 ppid=1 pid=2 "
				  "auid=4294967295 uid=0 gid=0 euid=0 comm=\"q\\\"uote\" exe=\"/bin/b\\\\s\"";
	static const char execve[] = "argc=3 a0=\"tab\there\" a1=\"caf\xc3\xa9\" a2=\"\xff\xfe\x80\"";
	static const char path[] = "item=0 name=\"/tmp/\xe2\x82\xac \x01\x1f\x7f\" inode=1 ouid=0 ogid=0";
	static const char title[] = "proctitle=\"\xc0\x80\xed\xa0\x80\xf4\x90\x80\x80\"";
	const char *data[4] = { sys, execve, path, title };
	const size_t len[4] = { sizeof(sys) - 1, sizeof(execve) - 1, sizeof(path) - 1, sizeof(title) - 1 };
	const int types[4] = { 1300, 1309, 1302, 1327 };
	struct test_event t;
	const cJSON *msgs;
	cJSON *root;

	te_init(&t, 18446744073709551615ull, 1700000000, 7);
	for (int i = 0; i < 4; i++)
		te_add(&t, types[i], data[i], len[i]);
	root = format_parse(&t, NULL);
	/* 2^64-1 is not exact as a double: check the text form below */
	ck_assert(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(root, "sequence")));
	ck_assert_str_eq(str_member(root, "timestamp"), "1700000000.007");
	msgs = cJSON_GetObjectItemCaseSensitive(root, "messages");
	ck_assert(cJSON_IsArray(msgs));
	ck_assert_int_eq(cJSON_GetArraySize(msgs), 4);
	for (int i = 0; i < 4; i++) {
		const cJSON *m = cJSON_GetArrayItem(msgs, i);
		size_t wl;
		char *want = reference(data[i], len[i], &wl);

		ck_assert_int_eq((int)num_member(m, "type"), types[i]);
		ck_assert_str_eq(str_member(m, "data"), want);
		free(want);
	}
	/* valid ones are unchanged */
	ck_assert_str_eq(str_member(cJSON_GetArrayItem(msgs, 0), "data"), sys);
	cJSON_Delete(root);

	{
		char *text;
		root = format_parse(&t, &text);
		ck_assert(strncmp(text, "{\"sequence\":18446744073709551615,", 33) == 0);
		free(text);
		cJSON_Delete(root);
	}
}
END_TEST

/* The timestamp's milliseconds are always three digits, zero-padded. */
START_TEST(goaudit_timestamp_padding)
{
	static const struct { uint32_t ms; const char *want; } cases[] = {
		{ 0, "1700000000.000" }, { 7, "1700000000.007" }, { 50, "1700000000.050" },
		{ 123, "1700000000.123" }, { 999, "1700000000.999" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct test_event t;
		cJSON *root;

		te_init(&t, 1, 1700000000, cases[i].ms);
		te_adds(&t, 1300, "a=b");
		root = format_parse(&t, NULL);
		ck_assert_str_eq(str_member(root, "timestamp"), cases[i].want);
		ck_assert_int_eq((int)num_member(root, "sequence"), 1);
		cJSON_Delete(root);
	}
}
END_TEST

/* uid_map: every *uid=N of records other than EXECVE (and CWD) maps N to a
 * name: 0 is root, 4294967295 (unset) is UNKNOWN_USER. */
START_TEST(goaudit_uid_map)
{
	struct test_event t;
	const cJSON *map;
	cJSON *root;

	te_init(&t, 9, 1700000000, 1);
	te_adds(&t, 1300, "arch=c000003e syscall=59 auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0");
	te_adds(&t, 1309, "argc=2 a0=\"id\" a1=uid=4242 a2=--auid=4243");	/* free text */
	te_adds(&t, 1307, "cwd=/home/uid=4244");				/* free text */
	te_adds(&t, 1302, "item=0 name=\"/x\" inode=1 ouid=0 ogid=0 mode=0100644");
	te_adds(&t, 1300, "uid=99999999999 euid=12ab uid=4294967296 uid=");	/* not uids */
	root = format_parse(&t, NULL);
	map = cJSON_GetObjectItemCaseSensitive(root, "uid_map");
	ck_assert(cJSON_IsObject(map));
	ck_assert_str_eq(str_member(map, "0"), "root");
	ck_assert_str_eq(str_member(map, "4294967295"), "UNKNOWN_USER");
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(map, "4242"));
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(map, "4243"));
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(map, "4244"));
	ck_assert_int_eq(cJSON_GetArraySize(map), 2);
	/* the EXECVE text itself is untouched */
	ck_assert_str_eq(str_member(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(root, "messages"), 1),
				    "data"), "argc=2 a0=\"id\" a1=uid=4242 a2=--auid=4243");
	cJSON_Delete(root);
}
END_TEST

/* "uid=N" found wherever it sits in a record (the scan goes 16 bytes at a
 * time, matching the 4 bytes before each position), and "uid" split from
 * its '=' by a block edge still counts. */
START_TEST(goaudit_uid_every_position)
{
	for (int pad = 0; pad < 40; pad++) {
		struct test_event t;
		const cJSON *map;
		cJSON *root;
		char rec[128];

		snprintf(rec, sizeof(rec), "%.*s uid=4294967295 x=1", pad, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
		te_init(&t, 11, 1700000000, 1);
		te_add(&t, 1300, rec + (pad == 0), strlen(rec + (pad == 0)));	/* pad 0: "uid=" first */
		root = format_parse(&t, NULL);
		map = cJSON_GetObjectItemCaseSensitive(root, "uid_map");
		ck_assert_msg(cJSON_GetArraySize(map) == 1 &&
			      cJSON_IsString(cJSON_GetObjectItemCaseSensitive(map, "4294967295")),
			      "uid= not found in \"%s\"", rec + (pad == 0));
		cJSON_Delete(root);
	}
}
END_TEST

/* The same uid map for EXECVE alone: it maps nothing. */
START_TEST(goaudit_execve_not_mapped)
{
	struct test_event t;
	cJSON *root;

	te_init(&t, 10, 1700000000, 1);
	te_adds(&t, 1309, "argc=1 a0=uid=0");
	root = format_parse(&t, NULL);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(root, "uid_map")), 0);
	cJSON_Delete(root);
}
END_TEST

/* An event without records is still valid: empty arrays and maps. */
START_TEST(goaudit_empty_event)
{
	struct test_event t;
	char *text;
	cJSON *root;

	te_init(&t, 3, 5, 0);
	root = format_parse(&t, &text);
	ck_assert_str_eq(text, "{\"sequence\":3,\"timestamp\":\"5.000\",\"messages\":[],\"uid_map\":{}}");
	free(text);
	cJSON_Delete(root);
}
END_TEST

/* format_goaudit appends to what the buffer holds. */
START_TEST(goaudit_appends)
{
	struct test_event t;
	struct buf b = { 0 };
	struct uidmap *um = uidmap_new(60);

	te_init(&t, 3, 5, 0);
	buf_adds(&b, "X");
	ck_assert_int_eq(format_goaudit(&b, &t.ev, um, 0), 0);
	ck_assert_int_eq(b.p[0], 'X');
	ck_assert_int_eq(b.p[1], '{');
	ck_assert_int_eq(b.p[b.len - 1], '}');
	buf_free(&b);
	uidmap_free(um);
}
END_TEST

/* ------------------------------------------------------------- loss */

/* A loss event: valid JSON with type, reason, count, serials, output and node,
 * and the loss flag. */
START_TEST(loss_event_fields)
{
	struct loss l = { .reason = "queue_overflow", .count = 17, .first_serial = 100,
			  .last_serial = 116, .output = "file" };
	struct event *e = loss_event(&l, "host1");
	cJSON *root;
	const char *ts;

	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->pub.flags & AUDITSTREAM_EVENT_LOSS, AUDITSTREAM_EVENT_LOSS);
	ck_assert_uint_eq(e->pub.struct_size, sizeof(struct auditstream_event));
	ck_assert_uint_eq(e->pub.serial, 116);
	ck_assert_str_eq(e->pub.node, "host1");
	ck_assert_uint_eq(e->pub.json_len, strlen(e->pub.json));
	ck_assert_int_gt(e->pub.time_ns, 1500000000ll * 1000000000ll);
	assert_json_text_ok(e->pub.json, e->pub.json_len);
	root = cJSON_Parse(e->pub.json);
	ck_assert_ptr_nonnull(root);
	ck_assert_str_eq(str_member(root, "type"), "auditstream_loss");
	ck_assert_str_eq(str_member(root, "reason"), "queue_overflow");
	ck_assert_int_eq((int)num_member(root, "count"), 17);
	ck_assert_int_eq((int)num_member(root, "first_serial"), 100);
	ck_assert_int_eq((int)num_member(root, "last_serial"), 116);
	ck_assert_str_eq(str_member(root, "output"), "file");
	ck_assert_str_eq(str_member(root, "node"), "host1");
	ts = str_member(root, "timestamp");
	ck_assert_ptr_nonnull(strchr(ts, '.'));
	ck_assert_uint_eq(strlen(strchr(ts, '.') + 1), 3);
	cJSON_Delete(root);
	event_unref(e);
}
END_TEST

/* Not output-specific, no serials: no "output" and no serial members. */
START_TEST(loss_event_minimal)
{
	struct loss l = { .reason = "kernel_lost", .count = 3 };
	struct event *e = loss_event(&l, "n");
	cJSON *root;

	ck_assert_ptr_nonnull(e);
	root = cJSON_Parse(e->pub.json);
	ck_assert_ptr_nonnull(root);
	ck_assert_str_eq(str_member(root, "reason"), "kernel_lost");
	ck_assert_int_eq((int)num_member(root, "count"), 3);
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(root, "output"));
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(root, "first_serial"));
	cJSON_Delete(root);
	event_unref(e);
}
END_TEST

/* Hostile bytes in the node and output names still give valid JSON. */
START_TEST(loss_event_hostile_names)
{
	struct loss l = { .reason = "enobufs", .count = 1, .output = "o\"u\\t\xff" };
	struct event *e = loss_event(&l, "no\nde\xc0");
	cJSON *root;

	ck_assert_ptr_nonnull(e);
	assert_json_text_ok(e->pub.json, e->pub.json_len);
	root = cJSON_Parse(e->pub.json);
	ck_assert_ptr_nonnull(root);
	ck_assert_str_eq(str_member(root, "output"), "o\"u\\t\xef\xbf\xbd");
	ck_assert_str_eq(str_member(root, "node"), "no\nde\xef\xbf\xbd");
	cJSON_Delete(root);
	event_unref(e);
}
END_TEST

static Suite *json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *tc;

	tc = tcase_create("string");
	tcase_add_test(tc, every_byte);
	tcase_add_test(tc, all_bytes_together);
	tcase_add_test(tc, invalid_utf8);
	tcase_add_test(tc, valid_utf8_kept);
	tcase_add_test(tc, embedded_nul);
	tcase_add_test(tc, appends);
	tcase_add_test(tc, decimal_numbers);
	tcase_add_test(tc, specials_at_every_position);
	tcase_add_test(tc, large_input);
	tcase_add_test(tc, randomized);
	suite_add_tcase(s, tc);

	tc = tcase_create("goaudit");
	tcase_add_test(tc, goaudit_exact_shape);
	tcase_add_test(tc, goaudit_messages);
	tcase_add_test(tc, goaudit_timestamp_padding);
	tcase_add_test(tc, goaudit_uid_map);
	tcase_add_test(tc, goaudit_uid_every_position);
	tcase_add_test(tc, goaudit_execve_not_mapped);
	tcase_add_test(tc, goaudit_empty_event);
	tcase_add_test(tc, goaudit_appends);
	suite_add_tcase(s, tc);

	tc = tcase_create("loss");
	tcase_add_test(tc, loss_event_fields);
	tcase_add_test(tc, loss_event_minimal);
	tcase_add_test(tc, loss_event_hostile_names);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(json_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
