/* tests/unit/test_filter.c -- filters loaded from config text and matched
 * against events: each criterion, first match decides, default keep, and
 * config errors. */
#include <check.h>
#include <errno.h>
#include <libaudit.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/filter.h"

static config_t lc;
static struct filter_set fs;
static struct filter_facts ft;

static int load(const char *text)
{
	config_init(&lc);
	ck_assert_int_eq(config_read_string(&lc, text), CONFIG_TRUE);
	return filter_set_load(&fs, config_lookup(&lc, "filters"));
}

static void unload(void)
{
	filter_set_free(&fs);
	filter_facts_free(&ft);
	config_destroy(&lc);
}

static struct asm_event ev;
static struct asm_record recs[4];
static char text[4096];

static void event(const char *syscall_rec, int type2, const char *rec2)
{
	size_t a = strlen(syscall_rec), b = rec2 ? strlen(rec2) : 0;

	memcpy(text, syscall_rec, a);
	if (rec2)
		memcpy(text + a, rec2, b);
	recs[0] = (struct asm_record){ AUDIT_SYSCALL, 0, (uint32_t)a };
	recs[1] = (struct asm_record){ type2, (uint32_t)a, (uint32_t)b };
	ev = (struct asm_event){ .serial = 1, .nrec = rec2 ? 2 : 1, .recs = recs, .text = text,
				 .text_len = a + b };
	ft.ev = NULL;
}

static const char *CONNECT = "arch=c000003e syscall=42 exit=0 uid=1000 auid=1000 "
			     "comm=\"curl\" exe=\"/usr/bin/curl\" key=\"net\"";

START_TEST(test_goaudit_style)
{
	ck_assert_int_eq(load("filters = ( { syscall = 42; message_type = 1306; regex = \"saddr=02\"; } );"), 0);
	event(CONNECT, AUDIT_SOCKADDR, "saddr=020000357F000001");
	ck_assert_int_eq(filter_set_keep(&fs, &ev, &ft), 0);
	event(CONNECT, AUDIT_SOCKADDR, "saddr=0A000035");
	ck_assert_int_eq(filter_set_keep(&fs, &ev, &ft), 1);
	event(CONNECT, AUDIT_PATH, "saddr=02");	/* right text, wrong type */
	ck_assert_int_eq(filter_set_keep(&fs, &ev, &ft), 1);
	unload();
}
END_TEST

START_TEST(test_criteria)
{
	ck_assert_int_eq(load("filters = ( { syscall = \"connect\"; uid = 0; },"
			      "{ key = \"net\"; exe = \"/usr/bin/curl\"; auid = 1000; action = \"keep\"; },"
			      "{ action = \"drop\"; } );"), 0);
	event(CONNECT, AUDIT_SOCKADDR, "saddr=02");
	ck_assert_int_eq(filter_set_keep(&fs, &ev, &ft), 1);	/* 2nd: keep */
	event("arch=c000003e syscall=42 uid=0 auid=0 exe=\"/bin/x\" key=(null)", 0, NULL);
	ck_assert_int_eq(filter_set_keep(&fs, &ev, &ft), 0);	/* 1st */
	/* Several keys, hex-encoded with 0x01 between them. */
	event("arch=c000003e syscall=1 uid=5 auid=1000 exe=\"/usr/bin/curl\" key=666F6F016E6574", 0, NULL);
	ck_assert_int_eq(filter_set_keep(&fs, &ev, &ft), 1);
	event("arch=c000003e syscall=1 uid=5 auid=1000 exe=\"/usr/bin/curl\" key=\"nett\"", 0, NULL);
	ck_assert_int_eq(filter_set_keep(&fs, &ev, &ft), 0);	/* last: drop */
	unload();
}
END_TEST

START_TEST(test_default_keep)
{
	ck_assert_int_eq(load("x = 1;"), 0);
	event(CONNECT, 0, NULL);
	ck_assert_int_eq(filter_set_keep(&fs, &ev, &ft), 1);
	unload();
}
END_TEST

START_TEST(test_errors)
{
	ck_assert_int_eq(load("filters = ( { regex = \"(\"; } );"), -EINVAL);
	unload();
	ck_assert_int_eq(load("filters = ( { syscall = \"nosuchcall\"; } );"), -EINVAL);
	unload();
	ck_assert_int_eq(load("filters = ( { message_type = \"NOPE\"; } );"), -EINVAL);
	unload();
	ck_assert_int_eq(load("filters = ( { action = \"maybe\"; } );"), -EINVAL);
	unload();
	ck_assert_int_eq(load("filters = ( { color = 1; } );"), -EINVAL);
	unload();
	ck_assert_int_eq(load("filters = ( 5 );"), -EINVAL);
	unload();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("filter");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_goaudit_style);
	tcase_add_test(tc, test_criteria);
	tcase_add_test(tc, test_default_keep);
	tcase_add_test(tc, test_errors);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
