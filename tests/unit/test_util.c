/* tests/unit/test_util.c -- <auditstream/util.h>, the plugins' header-only
 * helpers: host:port parsing, UTF-8 validation, JSON string escaping (every
 * output checked with cJSON, random bytes included) and the buffer. */
#include <check.h>
#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

#include <auditstream/util.h>

START_TEST(hostport)
{
	static const struct { const char *in; int rc; const char *host, *port; } cases[] = {
		{ "127.0.0.1:514", 0, "127.0.0.1", "514" },
		{ "logs.example:12201", 0, "logs.example", "12201" },
		{ "[::1]:6379", 0, "::1", "6379" },
		{ "[fe80::1%eth0]:1", 0, "fe80::1%eth0", "1" },
		{ "h:65535", 0, "h", "65535" },
		{ "h:65536", -EINVAL, NULL, NULL },
		{ "h:0", -EINVAL, NULL, NULL },
		{ "h:", -EINVAL, NULL, NULL },
		{ "h", -EINVAL, NULL, NULL },
		{ ":514", -EINVAL, NULL, NULL },
		{ "::1:514", -EINVAL, NULL, NULL },	/* IPv6 needs [] */
		{ "[::1]514", -EINVAL, NULL, NULL },
		{ "[::1:514", -EINVAL, NULL, NULL },
		{ "[]:514", -EINVAL, NULL, NULL },
		{ "h:5x4", -EINVAL, NULL, NULL },
		{ "h:+514", -EINVAL, NULL, NULL },
		{ "h:0000514", -EINVAL, NULL, NULL },
		{ "", -EINVAL, NULL, NULL },
	};
	char host[16], port[8];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = auditstream_hostport_parse(cases[i].in, host, sizeof(host), port, sizeof(port));
		ck_assert_msg(rc == cases[i].rc, "\"%s\": %d, want %d", cases[i].in, rc, cases[i].rc);
		if (rc == 0) {
			ck_assert_str_eq(host, cases[i].host);
			ck_assert_str_eq(port, cases[i].port);
		}
	}
	ck_assert_int_eq(auditstream_hostport_parse("a-very-long-host-name:1", host, sizeof(host), port,
						     sizeof(port)), -ENAMETOOLONG);
}
END_TEST

START_TEST(utf8)
{
	static const struct { const char *s; int valid; } cases[] = {
		{ "plain", 1 }, { "caf\xc3\xa9", 1 }, { "\xe2\x82\xac", 1 }, { "\xf0\x9f\x98\x80", 1 },
		{ "\xc3", 0 }, { "\xc0\xaf", 0 },		/* truncated, overlong */
		{ "\xe0\x80\xaf", 0 }, { "\xed\xa0\x80", 0 },	/* overlong, surrogate */
		{ "\xf4\x90\x80\x80", 0 }, { "\xff", 0 },	/* > U+10FFFF, never valid */
		{ "\x80", 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(auditstream_utf8_valid(cases[i].s, strlen(cases[i].s)) == cases[i].valid,
			      "case %zu", i);
}
END_TEST

/* Escapes s[0..n) into a quoted JSON string; returns it (malloc'd). */
static char *quoted(const char *s, size_t n)
{
	struct auditstream_buf b = { 0 };

	ck_assert_int_eq(auditstream_buf_add_json_string(&b, s, n), 0);
	ck_assert_int_eq(auditstream_buf_append(&b, "", 1), 0);
	ck_assert_uint_le(b.len - 1, AUDITSTREAM_JSON_ESCAPED_MAX(n) + 2);
	return b.p;
}

START_TEST(json_known)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "a\"b\\c", "\"a\\\"b\\\\c\"" },
		{ "t\tn\nr\r", "\"t\\tn\\nr\\r\"" },
		{ "\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"" },
		{ "caf\xc3\xa9", "\"caf\xc3\xa9\"" },
		{ "bad\xff!", "\"bad\\ufffd!\"" },
		{ "/", "\"/\"" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *q = quoted(cases[i].in, strlen(cases[i].in));
		ck_assert_str_eq(q, cases[i].out);
		free(q);
	}
	{	/* a NUL byte inside is escaped, not an end */
		char *q = quoted("a\0b", 3);
		ck_assert_str_eq(q, "\"a\\u0000b\"");
		free(q);
	}
}
END_TEST

/* Random bytes: always valid JSON and valid UTF-8, and what cJSON reads
 * back is the input wherever the input was valid UTF-8. */
START_TEST(json_random)
{
	unsigned seed = 12345;

	for (int round = 0; round < 20000; round++) {
		char in[64];
		size_t n = (size_t)(rand_r(&seed) % sizeof(in));
		char *q;
		cJSON *j;

		for (size_t i = 0; i < n; i++)
			in[i] = (char)(round % 3 ? rand_r(&seed) : rand_r(&seed) % 128);
		q = quoted(in, n);
		ck_assert_msg(auditstream_utf8_valid(q, strlen(q)), "round %d: not UTF-8", round);
		j = cJSON_Parse(q);
		ck_assert_msg(j && cJSON_IsString(j), "round %d: cJSON refused %s", round, q);
		if (auditstream_utf8_valid(in, n) && !memchr(in, 0, n))
			ck_assert_msg(strlen(j->valuestring) == n && memcmp(j->valuestring, in, n) == 0,
				      "round %d: not the input back", round);
		cJSON_Delete(j);
		free(q);
	}
}
END_TEST

START_TEST(buffer)
{
	struct auditstream_buf b = { 0 };
	char chunk[1000];

	memset(chunk, 'x', sizeof(chunk));
	ck_assert_int_eq(auditstream_buf_reserve(&b, 0), 0);
	for (int i = 0; i < 100; i++)
		ck_assert_int_eq(auditstream_buf_append(&b, chunk, sizeof(chunk)), 0);
	ck_assert_uint_eq(b.len, 100000);
	ck_assert_uint_ge(b.cap, b.len);
	ck_assert_int_eq(auditstream_buf_reserve(&b, SIZE_MAX), -ENOMEM);
	ck_assert_uint_eq(b.len, 100000);
	auditstream_buf_free(&b);
	ck_assert_ptr_null(b.p);
	ck_assert_uint_eq(b.len + b.cap, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("util");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, hostport);
	tcase_add_test(tc, utf8);
	tcase_add_test(tc, json_known);
	tcase_add_test(tc, json_random);
	tcase_add_test(tc, buffer);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
