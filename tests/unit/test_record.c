/* tests/unit/test_record.c -- record_parse_payload (netlink), record_parse_line
 * (auditd text logs) and the record type predicates. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pipeline/record.h"

/* ------------------------------------------------------------- helpers */

/* $top_srcdir as the test harness exports it, else the usual guesses. */
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

/* Reads a fixture into a NUL-terminated buffer. */
static char *read_fixture(const char *name, size_t *len)
{
	char path[4096];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/tests/fixtures/%s", srcdir(), name);
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open fixture %s", path);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	ck_assert_int_gt(n, 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Parses a line given as a C string. */
static int parse_line(const char *s, struct record *r)
{
	memset(r, 0xa5, sizeof(*r));
	return record_parse_line(s, strlen(s), r);
}

/* The record's data as a NUL-terminated copy, for string asserts. */
static char *data_of(const struct record *r)
{
	char *s = malloc(r->len + 1);
	ck_assert_ptr_nonnull(s);
	memcpy(s, r->data, r->len);
	s[r->len] = '\0';
	return s;
}

#define ck_assert_data(r, expected) do { \
		char *d_ = data_of(r); \
		ck_assert_str_eq(d_, (expected)); \
		free(d_); \
	} while (0)

/* ------------------------------------------------------ netlink payloads */

/* A real CONFIG_CHANGE payload: header fields and data exact, data borrowed
 * from the input (no copy). */
START_TEST(payload_config_change)
{
	const char *p = "audit(1795608121.955:105): auid=4294967295 ses=4294967295 "
			"op=add_rule key=\"exec\" list=4 res=1";
	struct record r;

	ck_assert_int_eq(record_parse_payload(1305, p, strlen(p), &r), 0);
	ck_assert_int_eq(r.type, 1305);
	ck_assert_uint_eq(r.sec, 1795608121u);
	ck_assert_uint_eq(r.ms, 955);
	ck_assert_uint_eq(r.serial, 105);
	ck_assert_ptr_eq(r.data, p + strlen("audit(1795608121.955:105): "));
	ck_assert_data(&r, "auid=4294967295 ses=4294967295 op=add_rule key=\"exec\" list=4 res=1");
}
END_TEST

/* The EOE payload "audit(...): " has empty data -- not an error. */
START_TEST(payload_eoe_empty_data)
{
	const char *p = "audit(1795608121.955:105): ";
	const char *bare = "audit(1795608121.955:105):";
	struct record r;

	ck_assert_int_eq(record_parse_payload(1320, p, strlen(p), &r), 0);
	ck_assert_int_eq(r.type, 1320);
	ck_assert_uint_eq(r.serial, 105);
	ck_assert_uint_eq(r.len, 0);

	ck_assert_int_eq(record_parse_payload(1320, bare, strlen(bare), &r), 0);
	ck_assert_uint_eq(r.serial, 105);
	ck_assert_uint_eq(r.len, 0);
}
END_TEST

/* Some kernels NUL-terminate the payload or end it in '\n': not data. */
START_TEST(payload_trailing_nul_and_newline)
{
	static const char p1[] = "audit(1.002:3): a=b\0\0";
	static const char p2[] = "audit(1.002:3): a=b\n";
	struct record r;

	ck_assert_int_eq(record_parse_payload(1300, p1, sizeof(p1) - 1, &r), 0);
	ck_assert_uint_eq(r.sec, 1);
	ck_assert_uint_eq(r.ms, 2);
	ck_assert_uint_eq(r.serial, 3);
	ck_assert_uint_eq(r.len, 3);
	ck_assert_data(&r, "a=b");

	ck_assert_int_eq(record_parse_payload(1300, p2, sizeof(p2) - 1, &r), 0);
	ck_assert_uint_eq(r.len, 3);
	ck_assert_data(&r, "a=b");
}
END_TEST

/* Every line of the real netlink capture parses, with the data being exactly
 * what follows "): " and the serials grouped as captured (105..109). */
START_TEST(payload_fixture)
{
	size_t len, nlines = 0, neoe = 0;
	char *buf = read_fixture("netlink-raw.txt", &len);
	unsigned per_serial[5] = { 0 };

	for (char *line = buf, *nl; *line; line = nl + 1) {
		char *payload, *end;
		struct record r;
		long type;

		nl = strchr(line, '\n');
		ck_assert_ptr_nonnull(nl);
		*nl = '\0';
		type = strtol(line, &payload, 10);
		ck_assert_int_eq(*payload, ' ');
		payload++;
		ck_assert_int_eq(record_parse_payload((int)type, payload, strlen(payload), &r), 0);
		ck_assert_int_eq(r.type, (int)type);
		ck_assert_uint_eq(r.sec, 1795608121u);
		ck_assert_uint_ge(r.serial, 105);
		ck_assert_uint_le(r.serial, 109);
		per_serial[r.serial - 105]++;
		end = strstr(payload, "): ");
		ck_assert_ptr_nonnull(end);
		ck_assert_ptr_eq(r.data, end + 3);
		ck_assert_uint_eq(r.len, strlen(end + 3));
		if (type == 1320) {
			ck_assert_uint_eq(r.len, 0);
			neoe++;
		}
		nlines++;
	}
	ck_assert_uint_eq(nlines, 29);
	ck_assert_uint_eq(neoe, 5);
	/* records per event, EOE included */
	ck_assert_uint_eq(per_serial[0], 4);
	ck_assert_uint_eq(per_serial[1], 8);
	ck_assert_uint_eq(per_serial[2], 8);
	ck_assert_uint_eq(per_serial[3], 5);
	ck_assert_uint_eq(per_serial[4], 4);
	free(buf);
}
END_TEST

/* Payloads without a valid audit(...) header are refused. */
START_TEST(payload_malformed)
{
	static const char *const bad[] = {
		"", "audit(", "audit(1.2:", "audit(1.2:3", "audit(1.2:3", "audit(abc): x",
		"audit(1.2 3): x", "audit(1.1000:3): x", "audit(1.2:18446744073709551616): x",
		"audit(.2:3): x", "audit(1.:3): x", "audit(1.2:): x", "type=SYSCALL msg=audit(1.2:3): x",
		"AUDIT(1.2:3): x",
	};
	struct record r;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(record_parse_payload(1300, bad[i], strlen(bad[i]), &r) == -EINVAL,
			      "accepted payload \"%s\"", bad[i]);
}
END_TEST

/* A payload whose length stops inside the header is refused even when the
 * bytes after it would complete it (no reading past len). */
START_TEST(payload_length_respected)
{
	const char *p = "audit(1.2:3): x";
	struct record r;

	for (size_t n = 0; n < strlen("audit(1.2:3)"); n++)
		ck_assert_msg(record_parse_payload(1300, p, n, &r) == -EINVAL, "accepted %zu bytes", n);
	ck_assert_int_eq(record_parse_payload(1300, p, strlen("audit(1.2:3)"), &r), 0);
	ck_assert_uint_eq(r.serial, 3);
	ck_assert_uint_eq(r.len, 0);
}
END_TEST

/* ---------------------------------------------------------- auditd lines */

/* A plain auditd line: type name looked up, header and data exact. */
START_TEST(line_basic)
{
	struct record r;

	ck_assert_int_eq(parse_line("type=SYSCALL msg=audit(1700000000.123:42): arch=c000003e syscall=59\n", &r), 0);
	ck_assert_int_eq(r.type, 1300);
	ck_assert_uint_eq(r.sec, 1700000000u);
	ck_assert_uint_eq(r.ms, 123);
	ck_assert_uint_eq(r.serial, 42);
	ck_assert_data(&r, "arch=c000003e syscall=59");
}
END_TEST

/* The whole real auditd log parses, with the types auditd wrote. */
START_TEST(line_fixture)
{
	struct { const char *name; int type; unsigned want, got; } types[] = {
		{ "BPRM_FCAPS", 1321, 22, 0 }, { "CONFIG_CHANGE", 1305, 6, 0 },
		{ "CWD", 1307, 40, 0 }, { "DAEMON_END", 1201, 1, 0 },
		{ "DAEMON_START", 1200, 1, 0 }, { "EXECVE", 1309, 24, 0 },
		{ "PATH", 1302, 75, 0 }, { "PROCTITLE", 1327, 47, 0 },
		{ "SOCKADDR", 1306, 7, 0 }, { "SYSCALL", 1300, 47, 0 }, { "USER", 1005, 1, 0 },
	};
	size_t len, nlines = 0;
	char *buf = read_fixture("auditd-raw.log", &len);

	for (char *line = buf, *nl; *line; line = nl + 1) {
		struct record r;
		size_t i;
		char *d;

		nl = strchr(line, '\n');
		ck_assert_ptr_nonnull(nl);
		/* the line with its '\n', as the replay input passes it */
		ck_assert_msg(record_parse_line(line, (size_t)(nl - line + 1), &r) == 0,
			      "line %zu refused", nlines + 1);
		for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if (strncmp(line + 5, types[i].name, strlen(types[i].name)) == 0 &&
			    line[5 + strlen(types[i].name)] == ' ')
				break;
		ck_assert_msg(i < sizeof(types) / sizeof(types[0]), "unexpected type in line %zu", nlines + 1);
		ck_assert_int_eq(r.type, types[i].type);
		types[i].got++;
		d = strstr(line, "): ");
		ck_assert_ptr_eq(r.data, d + 3);
		ck_assert_uint_eq(r.len, (size_t)(nl - (d + 3)));
		/* the header read independently */
		{
			unsigned long long sec, serial;
			unsigned ms;
			ck_assert_int_eq(sscanf(strstr(line, "msg=audit("), "msg=audit(%llu.%u:%llu)",
						&sec, &ms, &serial), 3);
			ck_assert_uint_eq(r.sec, sec);
			ck_assert_uint_eq(r.ms, ms);
			ck_assert_uint_eq(r.serial, serial);
		}
		nlines++;
	}
	ck_assert_uint_eq(nlines, 271);
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		ck_assert_msg(types[i].got == types[i].want, "%s: %u records, want %u",
			      types[i].name, types[i].got, types[i].want);
	free(buf);
}
END_TEST

/* The first fixture line in detail: DAEMON_START, auditd's own serial. */
START_TEST(line_fixture_first)
{
	size_t len;
	char *buf = read_fixture("auditd-raw.log", &len);
	struct record r;

	ck_assert_int_eq(record_parse_line(buf, (size_t)(strchr(buf, '\n') - buf + 1), &r), 0);
	ck_assert_int_eq(r.type, 1200);
	ck_assert_uint_eq(r.sec, 1795608028u);
	ck_assert_uint_eq(r.ms, 648);
	ck_assert_uint_eq(r.serial, 6717);
	ck_assert_uint_eq(r.len, strlen("op=start ver=3.0.9 format=raw kernel=6.18.44-fc-v782 "
					 "auid=4294967295 pid=3335 uid=0 ses=4294967295 res=success"));
	ck_assert_int_eq(memcmp(r.data, "op=start ver=3.0.9 ", 19), 0);
	free(buf);
}
END_TEST

/* "node=NAME " (auditd's name_format) is skipped. */
START_TEST(line_node_prefix)
{
	struct record r;

	ck_assert_int_eq(parse_line("node=web-01.example type=PATH msg=audit(1700000000.001:7): item=0 name=\"/x\"", &r), 0);
	ck_assert_int_eq(r.type, 1302);
	ck_assert_uint_eq(r.ms, 1);
	ck_assert_uint_eq(r.serial, 7);
	ck_assert_data(&r, "item=0 name=\"/x\"");
	/* "node=" with no space after the name: nothing follows */
	ck_assert_int_eq(parse_line("node=web-01.example", &r), -EINVAL);
}
END_TEST

/* The ENRICHED suffix, from the 0x1d byte on, is not what the kernel sent. */
START_TEST(line_enriched_suffix_cut)
{
	struct record r;

	ck_assert_int_eq(parse_line("type=SYSCALL msg=audit(1700000000.123:42): arch=c000003e syscall=59"
				    "\x1d" "ARCH=x86_64 SYSCALL=execve AUID=\"unset\"\n", &r), 0);
	ck_assert_int_eq(r.type, 1300);
	ck_assert_data(&r, "arch=c000003e syscall=59");
	/* a 0x1d inside the header cuts it short: refused */
	ck_assert_int_eq(parse_line("type=SYSCALL msg=audit(1700000000.1\x1d" "23:42): a=b", &r), -EINVAL);
}
END_TEST

/* auditd writes types libaudit does not know as UNKNOWN[N]. */
START_TEST(line_unknown_type_number)
{
	struct record r;

	ck_assert_int_eq(parse_line("type=UNKNOWN[1334] msg=audit(1700000000.500:9): prog-id=12 op=LOAD", &r), 0);
	ck_assert_int_eq(r.type, 1334);
	ck_assert_uint_eq(r.ms, 500);
	ck_assert_uint_eq(r.serial, 9);
	ck_assert_data(&r, "prog-id=12 op=LOAD");
	ck_assert_int_eq(parse_line("type=UNKNOWN[] msg=audit(1.2:3): x", &r), -EINVAL);
	ck_assert_int_eq(parse_line("type=UNKNOWN[12a] msg=audit(1.2:3): x", &r), -EINVAL);
	ck_assert_int_eq(parse_line("type=UNKNOWN[70000] msg=audit(1.2:3): x", &r), -EINVAL);
	ck_assert_int_eq(parse_line("type=UNKNOWN[1334 msg=audit(1.2:3): x", &r), -EINVAL);
}
END_TEST

/* Malformed lines are refused with -EINVAL, never half-parsed. */
START_TEST(line_malformed)
{
	static const char *const bad[] = {
		"",						/* empty */
		"\n",
		"msg=audit(1700000000.123:42): a=b",		/* no type= */
		"typ=SYSCALL msg=audit(1700000000.123:42): a=b",
		"type=NO_SUCH_TYPE msg=audit(1700000000.123:42): a=b",	/* unknown name */
		"type= msg=audit(1700000000.123:42): a=b",
		"type=SYSCALL",					/* nothing after the type */
		"type=SYSCALL audit(1700000000.123:42): a=b",	/* missing msg= */
		"type=SYSCALL msg=",
		"type=SYSCALL msg=audit(abc): a=b",		/* bad header */
		"type=SYSCALL msg=audit(1700000000.123 42): a=b",	/* no colon */
		"type=SYSCALL msg=audit(1700000000.1000:42): a=b",	/* ms > 999 */
		"type=SYSCALL msg=audit(1700000000.123:18446744073709551616): a=b", /* > 2^64-1 */
		"type=SYSCALL msg=audit(1700000000.123:99999999999999999999): a=b",
		"type=SYSCALL msg=audit(1700000000.123:-1): a=b",
		"type=SYSCALL msg=audit(1.2:",			/* truncated */
		"type=SYSCALL msg=audit(1.2:3",
		"type=SYSCALL msg=audit(1.2",
	};
	struct record r;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(parse_line(bad[i], &r) == -EINVAL, "accepted line \"%s\"", bad[i]);
}
END_TEST

/* The largest serial, 2^64-1, is accepted exactly; ms 0 and 999 too. */
START_TEST(line_header_bounds)
{
	struct record r;

	ck_assert_int_eq(parse_line("type=SYSCALL msg=audit(1700000000.999:18446744073709551615): a=b", &r), 0);
	ck_assert_uint_eq(r.serial, UINT64_MAX);
	ck_assert_uint_eq(r.ms, 999);
	/* one more overflows; a 21st digit is not a number either */
	ck_assert_int_lt(parse_line("type=SYSCALL msg=audit(1.000:18446744073709551616): a=b", &r), 0);
	ck_assert_int_lt(parse_line("type=SYSCALL msg=audit(1.000:100000000000000000000): a=b", &r), 0);
	ck_assert_int_eq(parse_line("type=SYSCALL msg=audit(1.000:00000000000000000042): a=b", &r), 0);
	ck_assert_uint_eq(r.serial, 42);
	ck_assert_int_eq(parse_line("type=SYSCALL msg=audit(1.000:9999999999999999999): a=b", &r), 0);
	ck_assert_uint_eq(r.serial, 9999999999999999999ull);
	ck_assert_int_eq(parse_line("type=EOE msg=audit(0.000:1): ", &r), 0);
	ck_assert_int_eq(r.type, 1320);
	ck_assert_uint_eq(r.sec, 0);
	ck_assert_uint_eq(r.ms, 0);
	ck_assert_uint_eq(r.len, 0);
}
END_TEST

/* Serials of every length from 1 to 20 digits, and times of every length,
 * read exactly (the parser reads 8 digits at a time), followed by each
 * kind of byte that ends a number. */
START_TEST(line_header_every_length)
{
	char line[160], digits[24];
	struct record r;

	for (int len = 1; len <= 20; len++) {
		for (int variant = 0; variant < 3; variant++) {
			unsigned long long want;
			for (int i = 0; i < len; i++)
				digits[i] = (char)('0' + (variant == 0 ? 9 : variant == 1 ? (i * 7 + 3) % 10 : (i == 0)));
			digits[len] = '\0';
			if (len == 20 && variant != 2)
				continue;	/* above 2^64-1: refused, below */
			want = strtoull(digits, NULL, 10);
			snprintf(line, sizeof(line), "type=SYSCALL msg=audit(%s.5:%s): a=b", digits, digits);
			ck_assert_msg(parse_line(line, &r) == 0, "%s refused", line);
			ck_assert_msg(r.serial == want && r.sec == want && r.ms == 5, "%s read as %llu/%llu",
				      digits, (unsigned long long)r.serial, (unsigned long long)r.sec);
		}
	}
	ck_assert_int_lt(parse_line("type=SYSCALL msg=audit(1.000:99999999999999999999): a=b", &r), 0);
	ck_assert_int_lt(parse_line("type=SYSCALL msg=audit(1.000:12345678:): a=b", &r), 0);
	ck_assert_int_lt(parse_line("type=SYSCALL msg=audit(1.000:1234567/): a=b", &r), 0);
	ck_assert_int_lt(parse_line("type=SYSCALL msg=audit(1.000:12345678\xff): a=b", &r), 0);
	ck_assert_int_lt(parse_line("type=SYSCALL msg=audit(1.000:): a=b", &r), 0);
	ck_assert_int_eq(parse_line("type=SYSCALL msg=audit(1.000:0)", &r), 0);
	ck_assert_uint_eq(r.serial, 0);
}
END_TEST

/* With a header cache, a record that repeats the last header reads the
 * same numbers, and one that differs anywhere (a serial one digit longer,
 * another time) is parsed afresh. */
START_TEST(text_header_cache)
{
	static const struct { const char *line; uint64_t sec, serial; uint32_t ms; const char *data; } lines[] = {
		{ "type=SYSCALL msg=audit(1700000000.123:12): a=1", 1700000000, 12, 123, "a=1" },
		{ "type=CWD msg=audit(1700000000.123:12): cwd=\"/\"", 1700000000, 12, 123, "cwd=\"/\"" },
		{ "type=EOE msg=audit(1700000000.123:12): ", 1700000000, 12, 123, "" },
		{ "type=SYSCALL msg=audit(1700000000.123:123): b=2", 1700000000, 123, 123, "b=2" },
		{ "type=SYSCALL msg=audit(1700000000.124:123): c=3", 1700000000, 123, 124, "c=3" },
		{ "type=SYSCALL msg=audit(1700000001.124:123):d=4", 1700000001, 123, 124, "d=4" },
		{ "type=SYSCALL msg=audit(1700000001.124:123", 0, 0, 0, NULL },
		{ "type=SYSCALL msg=audit(1700000001.124:123): e=5", 1700000001, 123, 124, "e=5" },
	};
	struct record_hdr last = { 0 };

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		struct record r;
		int rc = record_parse_text(lines[i].line, strlen(lines[i].line), &r, &last);
		if (!lines[i].data) {
			ck_assert_int_eq(rc, -EINVAL);
			continue;
		}
		ck_assert_msg(rc == 0, "%s refused", lines[i].line);
		ck_assert_uint_eq(r.sec, lines[i].sec);
		ck_assert_uint_eq(r.serial, lines[i].serial);
		ck_assert_uint_eq(r.ms, lines[i].ms);
		ck_assert_uint_eq(r.len, strlen(lines[i].data));
		ck_assert_int_eq(memcmp(r.data, lines[i].data, r.len), 0);
	}
}
END_TEST

/* CRLF line ends are not data. */
START_TEST(line_crlf)
{
	struct record r;

	ck_assert_int_eq(parse_line("type=CWD msg=audit(1.002:3): cwd=\"/\"\r\n", &r), 0);
	ck_assert_int_eq(r.type, 1307);
	ck_assert_data(&r, "cwd=\"/\"");
}
END_TEST

/* ------------------------------------------------------------ predicates */

/* Records vs netlink control traffic. */
START_TEST(type_is_record)
{
	ck_assert_int_eq(record_type_is_record(1300), 1);	/* SYSCALL */
	ck_assert_int_eq(record_type_is_record(1320), 1);	/* EOE */
	ck_assert_int_eq(record_type_is_record(1100), 1);	/* first USER_* */
	ck_assert_int_eq(record_type_is_record(1005), 1);	/* USER (old) */
	ck_assert_int_eq(record_type_is_record(1006), 1);	/* LOGIN */
	ck_assert_int_eq(record_type_is_record(1400), 1);	/* AVC */
	ck_assert_int_eq(record_type_is_record(1000), 0);	/* AUDIT_GET answer */
	ck_assert_int_eq(record_type_is_record(1001), 0);	/* AUDIT_SET */
	ck_assert_int_eq(record_type_is_record(1329), 0);	/* AUDIT_REPLACE */
	ck_assert_int_eq(record_type_is_record(2), 0);		/* NLMSG_ERROR (ACK) */
	ck_assert_int_eq(record_type_is_record(3), 0);		/* NLMSG_DONE */
}
END_TEST

/* Types that make an event alone. */
START_TEST(type_is_single)
{
	ck_assert_int_eq(record_type_is_single(1305), 1);	/* CONFIG_CHANGE */
	ck_assert_int_eq(record_type_is_single(1400), 1);	/* AVC */
	ck_assert_int_eq(record_type_is_single(1005), 1);	/* USER */
	ck_assert_int_eq(record_type_is_single(1100), 1);	/* USER_AUTH */
	ck_assert_int_eq(record_type_is_single(1199), 1);
	ck_assert_int_eq(record_type_is_single(1200), 1);	/* DAEMON_START */
	ck_assert_int_eq(record_type_is_single(2100), 1);	/* USER_MSG2 range */
	ck_assert_int_eq(record_type_is_single(1300), 0);	/* SYSCALL */
	ck_assert_int_eq(record_type_is_single(1302), 0);	/* PATH */
	ck_assert_int_eq(record_type_is_single(1320), 0);	/* EOE */
	ck_assert_int_eq(record_type_is_single(1327), 0);	/* PROCTITLE */
}
END_TEST

/* DAEMON_* only. */
START_TEST(type_is_daemon)
{
	ck_assert_int_eq(record_type_is_daemon(1200), 1);
	ck_assert_int_eq(record_type_is_daemon(1201), 1);
	ck_assert_int_eq(record_type_is_daemon(1299), 1);
	ck_assert_int_eq(record_type_is_daemon(1199), 0);
	ck_assert_int_eq(record_type_is_daemon(1300), 0);
	ck_assert_int_eq(record_type_is_daemon(1305), 0);
}
END_TEST

static Suite *record_suite(void)
{
	Suite *s = suite_create("record");
	TCase *tc;

	tc = tcase_create("payload");
	tcase_add_test(tc, payload_config_change);
	tcase_add_test(tc, payload_eoe_empty_data);
	tcase_add_test(tc, payload_trailing_nul_and_newline);
	tcase_add_test(tc, payload_fixture);
	tcase_add_test(tc, payload_malformed);
	tcase_add_test(tc, payload_length_respected);
	suite_add_tcase(s, tc);

	tc = tcase_create("line");
	tcase_add_test(tc, line_basic);
	tcase_add_test(tc, line_fixture);
	tcase_add_test(tc, line_fixture_first);
	tcase_add_test(tc, line_node_prefix);
	tcase_add_test(tc, line_enriched_suffix_cut);
	tcase_add_test(tc, line_unknown_type_number);
	tcase_add_test(tc, line_malformed);
	tcase_add_test(tc, line_header_bounds);
	tcase_add_test(tc, text_header_cache);
	tcase_add_test(tc, line_header_every_length);
	tcase_add_test(tc, line_crlf);
	suite_add_tcase(s, tc);

	tc = tcase_create("types");
	tcase_add_test(tc, type_is_record);
	tcase_add_test(tc, type_is_single);
	tcase_add_test(tc, type_is_daemon);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(record_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
