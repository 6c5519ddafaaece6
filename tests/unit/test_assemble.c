/* tests/unit/test_assemble.c -- grouping records into events: EOE, timeouts,
 * the lone-record grace, lingering (text logs), flush and max_pending. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pipeline/assemble.h"
#include "pipeline/record.h"

#define T_SYSCALL 1300
#define T_PATH 1302
#define T_CONFIG_CHANGE 1305
#define T_CWD 1307
#define T_EOE 1320
#define T_PROCTITLE 1327

/* ------------------------------------------------------------- capture */

#define MAX_EVENTS 512
#define MAX_RECS 64

/* A deep copy of one emitted event (the assembler reuses its own). */
struct cap_event {
	uint64_t serial, sec;
	uint32_t ms;
	unsigned nrec;
	int types[MAX_RECS];
	char *texts[MAX_RECS];
};

struct capture {
	unsigned n;
	struct cap_event ev[MAX_EVENTS];
};

static void capture_emit(void *arg, const struct asm_event *ev)
{
	struct capture *c = arg;
	struct cap_event *ce;
	uint32_t off = 0;

	ck_assert_uint_lt(c->n, MAX_EVENTS);
	ck_assert_uint_le(ev->nrec, MAX_RECS);
	ce = &c->ev[c->n++];
	ce->serial = ev->serial;
	ce->sec = ev->sec;
	ce->ms = ev->ms;
	ce->nrec = ev->nrec;
	for (unsigned i = 0; i < ev->nrec; i++) {
		/* records lie back to back in text, in order */
		ck_assert_uint_eq(ev->recs[i].off, off);
		off += ev->recs[i].len;
		ck_assert_uint_le(off, ev->text_len);
		ce->types[i] = ev->recs[i].type;
		ce->texts[i] = malloc(ev->recs[i].len + 1);
		ck_assert_ptr_nonnull(ce->texts[i]);
		memcpy(ce->texts[i], ev->text + ev->recs[i].off, ev->recs[i].len);
		ce->texts[i][ev->recs[i].len] = '\0';
	}
	ck_assert_uint_eq(off, ev->text_len);
}

static void capture_free(struct capture *c)
{
	for (unsigned i = 0; i < c->n; i++)
		for (unsigned j = 0; j < c->ev[i].nrec; j++)
			free(c->ev[i].texts[j]);
	free(c);
}

static struct capture *capture_new(void)
{
	struct capture *c = calloc(1, sizeof(*c));
	ck_assert_ptr_nonnull(c);
	return c;
}

/* ------------------------------------------------------------- helpers */

static const struct asm_config netlink_cfg = {
	.timeout_ms = 2000, .single_grace_ms = 100, .linger_records = 0, .max_pending = 0,
};
static const struct asm_config text_cfg = {
	.timeout_ms = 0, .single_grace_ms = 0, .linger_records = 64, .max_pending = 0,
};

/* Adds one record (time 1700000000.123) and asserts success. */
static void add(struct assembler *a, int type, uint64_t serial, const char *data, uint64_t now)
{
	struct record r = {
		.type = type, .serial = serial, .sec = 1700000000, .ms = 123,
		.data = data, .len = strlen(data),
	};
	ck_assert_int_eq(assembler_add(a, &r, now), 0);
}

static void eoe(struct assembler *a, uint64_t serial, uint64_t now)
{
	add(a, T_EOE, serial, "", now);
}

static void assert_event(const struct cap_event *e, uint64_t serial, unsigned nrec)
{
	ck_assert_uint_eq(e->serial, serial);
	ck_assert_uint_eq(e->nrec, nrec);
}

/* $top_srcdir as the harness exports it, else the usual guesses. */
static const char *srcdir(void)
{
	const char *d = getenv("top_srcdir");
	static const char *const guesses[] = { "../..", ".", ".." };

	if (d && *d)
		return d;
	for (size_t i = 0; i < sizeof(guesses) / sizeof(guesses[0]); i++) {
		char p[4096];
		snprintf(p, sizeof(p), "%s/tests/fixtures/netlink-raw.txt", guesses[i]);
		if (access(p, R_OK) == 0)
			return guesses[i];
	}
	return "../..";
}

/* ----------------------------------------------------------- EOE events */

/* Records then EOE: one event at once (no tick), records in order, text and
 * header intact. */
START_TEST(eoe_completes_at_once)
{
	struct capture *c = capture_new();
	struct assembler *a = assembler_new(&netlink_cfg, capture_emit, c);

	add(a, T_SYSCALL, 42, "arch=c000003e syscall=59 success=yes", 1000);
	add(a, T_PATH, 42, "item=0 name=\"/bin/echo\"", 1000);
	add(a, T_PROCTITLE, 42, "proctitle=2F62696E2F6563686F", 1001);
	ck_assert_uint_eq(c->n, 0);
	ck_assert_uint_eq(assembler_pending(a), 1);
	eoe(a, 42, 1001);
	ck_assert_uint_eq(c->n, 1);
	ck_assert_uint_eq(assembler_pending(a), 0);
	assert_event(&c->ev[0], 42, 3);
	ck_assert_uint_eq(c->ev[0].sec, 1700000000u);
	ck_assert_uint_eq(c->ev[0].ms, 123);
	ck_assert_int_eq(c->ev[0].types[0], T_SYSCALL);
	ck_assert_int_eq(c->ev[0].types[1], T_PATH);
	ck_assert_int_eq(c->ev[0].types[2], T_PROCTITLE);
	ck_assert_str_eq(c->ev[0].texts[0], "arch=c000003e syscall=59 success=yes");
	ck_assert_str_eq(c->ev[0].texts[1], "item=0 name=\"/bin/echo\"");
	ck_assert_str_eq(c->ev[0].texts[2], "proctitle=2F62696E2F6563686F");
	/* nothing left for a later tick or flush */
	assembler_tick(a, 1000000);
	assembler_flush(a);
	ck_assert_uint_eq(c->n, 1);
	assembler_free(a);
	capture_free(c);
}
END_TEST

/* An EOE for a serial that is not pending emits nothing and keeps the
 * pending one. */
START_TEST(eoe_unknown_serial_ignored)
{
	struct capture *c = capture_new();
	struct assembler *a = assembler_new(&netlink_cfg, capture_emit, c);

	eoe(a, 99, 1000);
	ck_assert_uint_eq(c->n, 0);
	ck_assert_uint_eq(assembler_pending(a), 0);
	add(a, T_SYSCALL, 1, "a=1", 1000);
	eoe(a, 2, 1000);
	ck_assert_uint_eq(c->n, 0);
	ck_assert_uint_eq(assembler_pending(a), 1);
	eoe(a, 1, 1000);
	ck_assert_uint_eq(c->n, 1);
	assert_event(&c->ev[0], 1, 1);
	assembler_free(a);
	capture_free(c);
}
END_TEST

/* Interleaved serials A,B,A,B,EOE(B),EOE(A): two events, B first, each with
 * its own records only. */
START_TEST(interleaved_serials)
{
	struct capture *c = capture_new();
	struct assembler *a = assembler_new(&netlink_cfg, capture_emit, c);

	add(a, T_SYSCALL, 10, "A1", 1000);
	add(a, T_SYSCALL, 11, "B1", 1000);
	add(a, T_PATH, 10, "A2", 1000);
	add(a, T_CWD, 11, "B2", 1000);
	ck_assert_uint_eq(assembler_pending(a), 2);
	eoe(a, 11, 1000);
	ck_assert_uint_eq(c->n, 1);
	eoe(a, 10, 1000);
	ck_assert_uint_eq(c->n, 2);
	assert_event(&c->ev[0], 11, 2);
	ck_assert_int_eq(c->ev[0].types[0], T_SYSCALL);
	ck_assert_int_eq(c->ev[0].types[1], T_CWD);
	ck_assert_str_eq(c->ev[0].texts[0], "B1");
	ck_assert_str_eq(c->ev[0].texts[1], "B2");
	assert_event(&c->ev[1], 10, 2);
	ck_assert_int_eq(c->ev[1].types[0], T_SYSCALL);
	ck_assert_int_eq(c->ev[1].types[1], T_PATH);
	ck_assert_str_eq(c->ev[1].texts[0], "A1");
	ck_assert_str_eq(c->ev[1].texts[1], "A2");
	assembler_free(a);
	capture_free(c);
}
END_TEST

/* The real netlink capture: five events, each complete at its EOE, with the
 * captured record types in order (CONFIG_CHANGE + SYSCALL... of one serial
 * stay one event). */
START_TEST(netlink_fixture)
{
	static const int want[5][8] = {
		{ 1305, 1300, 1327 },
		{ 1300, 1321, 1309, 1307, 1302, 1302, 1327 },
		{ 1300, 1321, 1309, 1307, 1302, 1302, 1327 },
		{ 1305, 1300, 1306, 1327 },
		{ 1305, 1300, 1327 },
	};
	static const unsigned want_n[5] = { 3, 7, 7, 4, 3 };
	struct capture *c = capture_new();
	struct assembler *a = assembler_new(&netlink_cfg, capture_emit, c);
	char path[4096], line[9000];
	unsigned neoe = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/tests/fixtures/netlink-raw.txt", srcdir());
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	while (fgets(line, sizeof(line), f)) {
		char *payload;
		long type = strtol(line, &payload, 10);
		struct record r;

		ck_assert_int_eq(record_parse_payload((int)type, payload + 1, strlen(payload + 1), &r), 0);
		ck_assert_int_eq(assembler_add(a, &r, 5000), 0);
		if (type == T_EOE)
			ck_assert_uint_eq(c->n, ++neoe);	/* completes right at its EOE */
		else
			ck_assert_uint_eq(c->n, neoe);
	}
	fclose(f);
	ck_assert_uint_eq(c->n, 5);
	for (unsigned i = 0; i < 5; i++) {
		assert_event(&c->ev[i], 105 + i, want_n[i]);
		ck_assert_uint_eq(c->ev[i].sec, 1795608121u);
		for (unsigned j = 0; j < want_n[i]; j++)
			ck_assert_int_eq(c->ev[i].types[j], want[i][j]);
	}
	ck_assert_str_eq(c->ev[2].texts[2], "argc=2 a0=\"auditctl\" a1=\"-D\"");
	ck_assert_uint_eq(c->ev[0].ms, 955);
	assembler_free(a);
	capture_free(c);
}
END_TEST

/* ------------------------------------------------------------- timeouts */

/* No EOE: nothing before born + timeout, the event at born + timeout. */
START_TEST(timeout_without_eoe)
{
	struct capture *c = capture_new();
	struct assembler *a = assembler_new(&netlink_cfg, capture_emit, c);

	add(a, T_SYSCALL, 7, "s", 1000);
	add(a, T_PATH, 7, "p", 1500);
	assembler_tick(a, 1000);
	assembler_tick(a, 2999);
	ck_assert_uint_eq(c->n, 0);
	ck_assert_uint_eq(assembler_pending(a), 1);
	assembler_tick(a, 3000);
	ck_assert_uint_eq(c->n, 1);
	assert_event(&c->ev[0], 7, 2);
	ck_assert_str_eq(c->ev[0].texts[1], "p");
	ck_assert_uint_eq(assembler_pending(a), 0);
	assembler_free(a);
	capture_free(c);
}
END_TEST

/* Each event has its own deadline: a tick completes the old one only. */
START_TEST(timeout_per_event)
{
	struct capture *c = capture_new();
	struct assembler *a = assembler_new(&netlink_cfg, capture_emit, c);

	add(a, T_SYSCALL, 1, "old", 1000);
	add(a, T_SYSCALL, 2, "new", 2500);
	assembler_tick(a, 3000);
	ck_assert_uint_eq(c->n, 1);
	assert_event(&c->ev[0], 1, 1);
	assembler_tick(a, 4499);
	ck_assert_uint_eq(c->n, 1);
	assembler_tick(a, 4500);
	ck_assert_uint_eq(c->n, 2);
	assert_event(&c->ev[1], 2, 1);
	assembler_free(a);
	capture_free(c);
}
END_TEST

/* A lone CONFIG_CHANGE completes after the 100 ms grace, not the full 2 s. */
START_TEST(single_grace)
{
	struct capture *c = capture_new();
	struct assembler *a = assembler_new(&netlink_cfg, capture_emit, c);

	add(a, T_CONFIG_CHANGE, 51, "op=set audit_enabled=1", 1000);
	assembler_tick(a, 1099);
	ck_assert_uint_eq(c->n, 0);
	assembler_tick(a, 1100);
	ck_assert_uint_eq(c->n, 1);
	assert_event(&c->ev[0], 51, 1);
	ck_assert_int_eq(c->ev[0].types[0], T_CONFIG_CHANGE);
	ck_assert_str_eq(c->ev[0].texts[0], "op=set audit_enabled=1");
	assembler_free(a);
	capture_free(c);
}
END_TEST

/* CONFIG_CHANGE followed by SYSCALL of the same serial is a syscall event:
 * it waits for its EOE past the grace, and completes with it. */
START_TEST(single_then_syscall_waits_for_eoe)
{
	struct capture *c = capture_new();
	struct assembler *a = assembler_new(&netlink_cfg, capture_emit, c);

	add(a, T_CONFIG_CHANGE, 51, "op=add_rule", 1000);
	add(a, T_SYSCALL, 51, "syscall=44", 1000);
	assembler_tick(a, 1100);
	assembler_tick(a, 1500);
	ck_assert_uint_eq(c->n, 0);
	add(a, T_PROCTITLE, 51, "proctitle=6175", 1600);
	eoe(a, 51, 1600);
	ck_assert_uint_eq(c->n, 1);
	assert_event(&c->ev[0], 51, 3);
	ck_assert_int_eq(c->ev[0].types[0], T_CONFIG_CHANGE);
	ck_assert_int_eq(c->ev[0].types[1], T_SYSCALL);
	ck_assert_int_eq(c->ev[0].types[2], T_PROCTITLE);
	assembler_free(a);
	capture_free(c);
}
END_TEST

/* ... and without an EOE it gets the full timeout from its first record. */
START_TEST(single_then_syscall_full_timeout)
{
	struct capture *c = capture_new();
	struct assembler *a = assembler_new(&netlink_cfg, capture_emit, c);

	add(a, T_CONFIG_CHANGE, 51, "op=add_rule", 1000);
	add(a, T_SYSCALL, 51, "syscall=44", 1050);
	assembler_tick(a, 2999);
	ck_assert_uint_eq(c->n, 0);
	assembler_tick(a, 3000);
	ck_assert_uint_eq(c->n, 1);
	assert_event(&c->ev[0], 51, 2);
	assembler_free(a);
	capture_free(c);
}
END_TEST

/* ------------------------------------------------------------ text mode */

/* No EOE in text logs: an event completes once more than linger_records (64)
 * records of other serials went past it, not before; the tick is a no-op
 * (timeout 0). */
START_TEST(text_linger)
{
	struct capture *c = capture_new();
	struct assembler *a = assembler_new(&text_cfg, capture_emit, c);
	uint64_t s = 2;

	add(a, T_SYSCALL, 1, "first", 0);
	add(a, T_PATH, 1, "first-path", 0);
	while (s < 2 + 63)		/* 63 records of others */
		add(a, T_SYSCALL, s++, "other", 0);
	assembler_tick(a, 1u << 30);
	ck_assert_uint_eq(c->n, 0);
	/* (the 64th may or may not complete it: "once 64 have passed") */
	add(a, T_SYSCALL, s++, "other", 0);
	add(a, T_SYSCALL, s++, "other", 0);	/* 65 records of others */
	ck_assert_uint_eq(c->n, 1);
	assert_event(&c->ev[0], 1, 2);
	ck_assert_str_eq(c->ev[0].texts[0], "first");
	ck_assert_str_eq(c->ev[0].texts[1], "first-path");
	ck_assert_int_eq(c->ev[0].types[1], T_PATH);
	/* then one by one, oldest first: serial 2 after 65 others too */
	add(a, T_SYSCALL, s++, "other", 0);
	ck_assert_uint_eq(c->n, 2);
	assert_event(&c->ev[1], 2, 1);
	assembler_free(a);
	capture_free(c);
}
END_TEST

/* A record of the same serial restarts the count: interleaving is allowed. */
START_TEST(text_linger_touched)
{
	struct capture *c = capture_new();
	struct assembler *a = assembler_new(&text_cfg, capture_emit, c);
	uint64_t s = 2;

	add(a, T_SYSCALL, 1, "a", 0);
	for (int i = 0; i < 60; i++)
		add(a, T_SYSCALL, s++, "x", 0);
	add(a, T_PATH, 1, "b", 0);
	for (int i = 0; i < 60; i++)
		add(a, T_SYSCALL, s++, "x", 0);
	/* 120 records went by since serial 1 began, 60 since its last record;
	 * serials 2.. completed meanwhile are not serial 1 */
	for (unsigned i = 0; i < c->n; i++)
		ck_assert_uint_ne(c->ev[i].serial, 1);
	for (int i = 0; i < 10; i++)
		add(a, T_SYSCALL, s++, "x", 0);
	ck_assert_uint_ge(c->n, 1);
	assert_event(&c->ev[0], 1, 2);
	ck_assert_str_eq(c->ev[0].texts[1], "b");
	assembler_free(a);
	capture_free(c);
}
END_TEST

/* End of input: flush emits every pending event, oldest first. */
START_TEST(flush_oldest_first)
{
	struct capture *c = capture_new();
	struct assembler *a = assembler_new(&text_cfg, capture_emit, c);

	add(a, T_SYSCALL, 5, "five", 0);
	add(a, T_SYSCALL, 3, "three", 0);
	add(a, T_SYSCALL, 4, "four", 0);
	add(a, T_PATH, 5, "five-path", 0);
	ck_assert_uint_eq(assembler_pending(a), 3);
	assembler_flush(a);
	ck_assert_uint_eq(c->n, 3);
	ck_assert_uint_eq(assembler_pending(a), 0);
	assert_event(&c->ev[0], 5, 2);
	assert_event(&c->ev[1], 3, 1);
	assert_event(&c->ev[2], 4, 1);
	ck_assert_str_eq(c->ev[0].texts[1], "five-path");
	ck_assert_str_eq(c->ev[2].texts[0], "four");
	assembler_free(a);
	capture_free(c);
}
END_TEST

/* ---------------------------------------------------------- max_pending */

/* With max_pending 4, a 5th pending event forces the oldest out. */
START_TEST(max_pending_forces_oldest)
{
	struct asm_config cfg = netlink_cfg;
	struct capture *c;
	struct assembler *a;

	cfg.max_pending = 4;
	c = capture_new();
	a = assembler_new(&cfg, capture_emit, c);
	for (uint64_t s = 1; s <= 4; s++)
		add(a, T_SYSCALL, s, "x", 1000);
	ck_assert_uint_eq(c->n, 0);
	ck_assert_uint_eq(assembler_pending(a), 4);
	add(a, T_SYSCALL, 5, "y", 1000);
	ck_assert_uint_eq(c->n, 1);
	assert_event(&c->ev[0], 1, 1);
	ck_assert_uint_eq(assembler_pending(a), 4);
	/* a record of a pending serial starts nothing: no eviction */
	add(a, T_PATH, 3, "z", 1000);
	ck_assert_uint_eq(c->n, 1);
	add(a, T_SYSCALL, 6, "w", 1000);
	ck_assert_uint_eq(c->n, 2);
	assert_event(&c->ev[1], 2, 1);
	assembler_flush(a);
	ck_assert_uint_eq(c->n, 6);
	assert_event(&c->ev[2], 3, 2);
	assert_event(&c->ev[3], 4, 1);
	assert_event(&c->ev[4], 5, 1);
	assert_event(&c->ev[5], 6, 1);
	assembler_free(a);
	capture_free(c);
}
END_TEST

/* The same with completed events on the free list: eviction and reuse give
 * the right events and lose no memory (ASan's leak check proves the latter). */
START_TEST(max_pending_with_free_list)
{
	struct asm_config cfg = netlink_cfg;
	struct capture *c;
	struct assembler *a;

	cfg.max_pending = 4;
	c = capture_new();
	a = assembler_new(&cfg, capture_emit, c);
	add(a, T_SYSCALL, 100, "done", 1000);	/* completed: its buffers go to the free list */
	eoe(a, 100, 1000);
	ck_assert_uint_eq(c->n, 1);
	for (uint64_t s = 1; s <= 6; s++)
		add(a, T_SYSCALL, s, "x", 1000);
	ck_assert_uint_eq(c->n, 3);
	assert_event(&c->ev[1], 1, 1);
	assert_event(&c->ev[2], 2, 1);
	ck_assert_uint_eq(assembler_pending(a), 4);
	assembler_flush(a);
	ck_assert_uint_eq(c->n, 7);
	for (unsigned i = 3; i < 7; i++) {
		assert_event(&c->ev[i], i, 1);
		ck_assert_str_eq(c->ev[i].texts[0], "x");
	}
	assembler_free(a);
	capture_free(c);
}
END_TEST

/* Reused events start clean: no records or text of their previous use. */
START_TEST(reuse_starts_clean)
{
	struct capture *c = capture_new();
	struct assembler *a = assembler_new(&netlink_cfg, capture_emit, c);
	char big[3000];

	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	for (int i = 0; i < 20; i++)
		add(a, T_PATH, 1, big, 1000);	/* 20 records, 60 KB: grows its buffers */
	eoe(a, 1, 1000);
	add(a, T_CWD, 2, "cwd=\"/\"", 1000);
	eoe(a, 2, 1000);
	ck_assert_uint_eq(c->n, 2);
	assert_event(&c->ev[0], 1, 20);
	ck_assert_str_eq(c->ev[0].texts[19], big);
	assert_event(&c->ev[1], 2, 1);
	ck_assert_str_eq(c->ev[1].texts[0], "cwd=\"/\"");
	assembler_free(a);
	capture_free(c);
}
END_TEST

/* assembler_free releases pending events (ASan checks). */
START_TEST(free_with_pending)
{
	struct capture *c = capture_new();
	struct assembler *a = assembler_new(&netlink_cfg, capture_emit, c);

	add(a, T_SYSCALL, 1, "x", 1000);
	add(a, T_SYSCALL, 2, "y", 1000);
	eoe(a, 2, 1000);
	assembler_free(a);
	ck_assert_uint_eq(c->n, 1);
	capture_free(c);
}
END_TEST

static Suite *assemble_suite(void)
{
	Suite *s = suite_create("assemble");
	TCase *tc;

	tc = tcase_create("eoe");
	tcase_add_test(tc, eoe_completes_at_once);
	tcase_add_test(tc, eoe_unknown_serial_ignored);
	tcase_add_test(tc, interleaved_serials);
	tcase_add_test(tc, netlink_fixture);
	suite_add_tcase(s, tc);

	tc = tcase_create("timeout");
	tcase_add_test(tc, timeout_without_eoe);
	tcase_add_test(tc, timeout_per_event);
	tcase_add_test(tc, single_grace);
	tcase_add_test(tc, single_then_syscall_waits_for_eoe);
	tcase_add_test(tc, single_then_syscall_full_timeout);
	suite_add_tcase(s, tc);

	tc = tcase_create("text");
	tcase_add_test(tc, text_linger);
	tcase_add_test(tc, text_linger_touched);
	tcase_add_test(tc, flush_oldest_first);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_test(tc, max_pending_forces_oldest);
	tcase_add_test(tc, max_pending_with_free_list);
	tcase_add_test(tc, reuse_starts_clean);
	tcase_add_test(tc, free_with_pending);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(assemble_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
