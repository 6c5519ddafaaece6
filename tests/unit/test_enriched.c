/* tests/unit/test_enriched.c -- the enriched and raw formats and their
 * decoders: hex, split EXECVE args, sockaddr families, typed values, and
 * hostile records, whose output must still be valid JSON and UTF-8. */
#include <check.h>
#include <cJSON.h>
#include <libaudit.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pipeline/assemble.h"
#include "util/buf.h"
#include "format/enrich_container.h"
#include "format/enrich_fields.h"
#include "format/enrich_interp.h"
#include "format/enrich_names.h"
#include "format/enrich_sockaddr.h"
#include "format/enriched.h"
#include "format/raw.h"
#include "format/uidmap.h"

/* An event of up to 16 records, built from (type, text) pairs. */
struct fake {
	struct asm_event ev;
	struct asm_record recs[16];
	char text[65536];
};

static void fake_init(struct fake *f, uint64_t serial)
{
	memset(f, 0, sizeof(*f));
	f->ev.serial = serial;
	f->ev.sec = 1700000000;
	f->ev.ms = 123;
	f->ev.recs = f->recs;
	f->ev.text = f->text;
}

static void fake_add(struct fake *f, int type, const char *data, size_t len)
{
	struct asm_record *r = &f->recs[f->ev.nrec++];

	r->type = type;
	r->off = (uint32_t)f->ev.text_len;
	r->len = (uint32_t)len;
	memcpy(f->text + f->ev.text_len, data, len);
	f->ev.text_len += len;
}
#define ADD(f, t, s) fake_add((f), (t), (s), strlen(s))

static struct uidmap *um;
static struct enrich x;
static char proc[] = "/tmp/test-enriched-proc.XXXXXX";	/* a fake /proc */

static void setup(void)
{
	um = uidmap_new(600);
	enrich_init(&x, um, "node1");
	ck_assert_ptr_nonnull(mkdtemp(proc));
	x.proc = proc;
}

static void teardown(void)
{
	char cmd[128];

	enrich_free(&x);
	uidmap_free(um);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", proc);
	ck_assert_int_eq(system(cmd), 0);
	strcpy(proc + strlen(proc) - 6, "XXXXXX");
}

/* proc/PID/cgroup with the given text. */
static void fake_cgroup(unsigned pid, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%u", proc, pid);
	mkdir(path, 0755);
	strcat(path, "/cgroup");
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

/* Independent UTF-8 check (any byte >= 0x80 must be in a valid sequence). */
static int valid_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i], len, cp;
		if (c < 0x80) { i++; continue; }
		if (c >= 0xc2 && c <= 0xdf) { len = 2; cp = c & 0x1f; }
		else if (c >= 0xe0 && c <= 0xef) { len = 3; cp = c & 0x0f; }
		else if (c >= 0xf0 && c <= 0xf4) { len = 4; cp = c & 0x07; }
		else return 0;
		if (i + len > n) return 0;
		for (unsigned k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80) return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
			return 0;
		i += len;
	}
	return 1;
}

/* Renders, checks it is one valid JSON object of valid UTF-8, parses it. */
static cJSON *render(struct fake *f)
{
	struct buf b = { 0 };
	cJSON *j;

	ck_assert_int_eq(format_enriched(&b, &f->ev, &x, 1700000000), 0);
	ck_assert(valid_utf8((unsigned char *)b.p, b.len));
	ck_assert_ptr_null(memchr(b.p, '\n', b.len));
	j = cJSON_ParseWithLength(b.p, b.len);
	ck_assert_msg(j != NULL, "invalid JSON: %.*s", (int)(b.len > 400 ? 400 : b.len), b.p);
	buf_free(&b);
	return j;
}

static const char *str(cJSON *o, const char *path1, const char *path2)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(o, path1);
	if (path2)
		v = cJSON_GetObjectItemCaseSensitive(v, path2);
	ck_assert_msg(cJSON_IsString(v), "%s.%s is not a string", path1, path2 ? path2 : "");
	return v->valuestring;
}

static double num(cJSON *o, const char *path1, const char *path2)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(o, path1);
	if (path2)
		v = cJSON_GetObjectItemCaseSensitive(v, path2);
	ck_assert_msg(cJSON_IsNumber(v), "%s.%s is not a number", path1, path2 ? path2 : "");
	return v->valuedouble;
}

START_TEST(test_header_and_types)
{
	struct fake f;
	cJSON *j, *s, *a;

	fake_init(&f, 42);
	ADD(&f, AUDIT_SYSCALL, "arch=c000003e syscall=2 success=no exit=-2 a0=7ffd a1=241 a2=1b6 a3=0 "
	    "items=1 ppid=1 pid=20 auid=4294967295 uid=0 gid=0 ses=4294967295 tty=(none) "
	    "comm=\"cat\" exe=\"/usr/bin/cat\" key=(null) mode=0100644");
	ADD(&f, 1338, "odd=1 hex=ABCD word=x");
	j = render(&f);
	ck_assert_int_eq((int)num(j, "serial", NULL), 42);
	ck_assert_str_eq(str(j, "time", NULL), "2023-11-14T22:13:20.123Z");
	ck_assert_str_eq(str(j, "node", NULL), "node1");
	s = cJSON_GetObjectItemCaseSensitive(j, "SYSCALL");
	ck_assert_str_eq(str(s, "ARCH", NULL), "x86_64");
	ck_assert_int_eq((int)num(s, "syscall", NULL), 2);
	ck_assert_str_eq(str(s, "SYSCALL", NULL), "open");
	ck_assert_int_eq((int)num(s, "exit", NULL), -2);
	ck_assert_str_eq(str(s, "EXIT", NULL), "ENOENT(No such file or directory)");
	ck_assert_str_eq(str(s, "a1", NULL), "241");	/* hex, though it looks decimal */
	/* open's a1 is its flags, a2 (with O_CREAT) the mode: ausearch's
	 * O_WRONLY|O_CREAT|O_TRUNC and 0666, the set as an array */
	a = cJSON_GetObjectItemCaseSensitive(s, "A1");
	ck_assert_int_eq(cJSON_GetArraySize(a), 3);
	ck_assert_str_eq(cJSON_GetArrayItem(a, 0)->valuestring, "O_WRONLY");
	ck_assert_str_eq(cJSON_GetArrayItem(a, 1)->valuestring, "O_CREAT");
	ck_assert_str_eq(cJSON_GetArrayItem(a, 2)->valuestring, "O_TRUNC");
	ck_assert_str_eq(str(s, "A2", NULL), "0666");
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(s, "A0"));	/* a pointer */
	ck_assert_str_eq(str(s, "MODE", NULL), "file,644");
	ck_assert_str_eq(str(s, "mode", NULL), "0100644");
	ck_assert_str_eq(str(s, "AUID", NULL), "unset");
	ck_assert_str_eq(str(s, "UID", NULL), "root");
	ck_assert_str_eq(str(s, "SES", NULL), "unset");
	ck_assert_str_eq(str(s, "comm", NULL), "cat");
	ck_assert_str_eq(str(s, "tty", NULL), "(none)");
	/* Unknown types and fields are kept raw. */
	ck_assert_int_eq((int)num(j, "UNKNOWN[1338]", "odd"), 1);
	ck_assert_str_eq(str(j, "UNKNOWN[1338]", "hex"), "ABCD");
	cJSON_Delete(j);
}
END_TEST

START_TEST(test_hex_and_execve_split)
{
	struct fake f;
	char line[8192];
	cJSON *j, *argv;
	int n;

	fake_init(&f, 7);
	ADD(&f, AUDIT_EXECVE, "argc=4 a0=\"echo\" a1=6109746162 a2_len=8 a2[0]=41424344");
	n = snprintf(line, sizeof(line), " a2[1]=45464748 a3=626164FF62797465");
	fake_add(&f, AUDIT_EXECVE, line, (size_t)n);
	ADD(&f, AUDIT_PATH, "item=0 name=2F746D702F6E6C0A6E616D65 inode=5 dev=fe:00 ouid=0 ogid=0");
	ADD(&f, AUDIT_PATH, "item=1 name=\"/tmp/x\" inode=6");
	ADD(&f, AUDIT_PROCTITLE, "proctitle=6563686F0061096200");
	j = render(&f);
	ck_assert_int_eq((int)num(j, "EXECVE", "argc"), 4);
	argv = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "EXECVE"), "ARGV");
	ck_assert_int_eq(cJSON_GetArraySize(argv), 4);
	ck_assert_str_eq(cJSON_GetArrayItem(argv, 0)->valuestring, "echo");
	ck_assert_str_eq(cJSON_GetArrayItem(argv, 1)->valuestring, "a\ttab");
	ck_assert_str_eq(cJSON_GetArrayItem(argv, 2)->valuestring, "ABCDEFGH");
	ck_assert_str_eq(cJSON_GetArrayItem(argv, 3)->valuestring, "bad\xef\xbf\xbd" "byte");
	ck_assert(cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(j, "PATH")));
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "PATH"), 0), "name")->valuestring,
			 "/tmp/nl\nname");
	ck_assert_str_eq(str(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "PATH"), 0), "OGID", NULL), "root");
	argv = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "PROCTITLE"), "ARGV");
	ck_assert_int_eq(cJSON_GetArraySize(argv), 2);
	ck_assert_str_eq(cJSON_GetArrayItem(argv, 1)->valuestring, "a\tb");
	cJSON_Delete(j);
}
END_TEST

static cJSON *saddr(const char *hex)
{
	struct fake f;
	char line[512];
	cJSON *j, *s;

	fake_init(&f, 9);
	snprintf(line, sizeof(line), "saddr=%s", hex);
	ADD(&f, AUDIT_SOCKADDR, line);
	j = render(&f);
	s = cJSON_DetachItemFromObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "SOCKADDR"), "SADDR");
	cJSON_Delete(j);
	ck_assert_ptr_nonnull(s);
	return s;
}

START_TEST(test_sockaddr)
{
	cJSON *s;

	s = saddr("020000357F0000010000000000000000");
	ck_assert_str_eq(str(s, "family", NULL), "inet");
	ck_assert_str_eq(str(s, "addr", NULL), "127.0.0.1");
	ck_assert_int_eq((int)num(s, "port", NULL), 53);
	cJSON_Delete(s);
	s = saddr("0A0001BB00000000000000000000000000000000000000010000000000");
	ck_assert_str_eq(str(s, "family", NULL), "inet6");
	ck_assert_str_eq(str(s, "addr", NULL), "::1");
	ck_assert_int_eq((int)num(s, "port", NULL), 443);
	cJSON_Delete(s);
	s = saddr("01002F72756E2F782E736F636B00");
	ck_assert_str_eq(str(s, "family", NULL), "local");
	ck_assert_str_eq(str(s, "path", NULL), "/run/x.sock");
	cJSON_Delete(s);
	s = saddr("0100006162");		/* abstract */
	ck_assert_str_eq(str(s, "path", NULL), "@ab");
	cJSON_Delete(s);
	s = saddr("100000002A00000001000000");
	ck_assert_str_eq(str(s, "family", NULL), "netlink");
	ck_assert_int_eq((int)num(s, "pid", NULL), 42);
	ck_assert_int_eq((int)num(s, "groups", NULL), 1);
	cJSON_Delete(s);
	s = saddr("1100");			/* AF_PACKET: named as libauparse does */
	ck_assert_str_eq(str(s, "family", NULL), "packet");
	cJSON_Delete(s);
	s = saddr("7F00");			/* unknown family, no body */
	ck_assert_int_eq((int)num(s, "family", NULL), 127);
	cJSON_Delete(s);
	s = saddr("02");			/* too short */
	cJSON_Delete(s);
}
END_TEST

START_TEST(test_user_msg_and_bare_words)
{
	struct fake f;
	cJSON *j, *m;

	fake_init(&f, 3);
	ADD(&f, AUDIT_USER, "pid=1 uid=0 auid=1000 ses=2 msg='text=hello from test exe=\"/bin/x\" res=success'");
	ADD(&f, AUDIT_AVC, "avc:  denied  { read } for  pid=5 comm=\"x\"");
	j = render(&f);
	m = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "USER"), "MSG");
	ck_assert_str_eq(str(m, "text", NULL), "hello from test");
	ck_assert_str_eq(str(m, "exe", NULL), "/bin/x");
	ck_assert_str_eq(str(j, "USER", "msg"), "text=hello from test exe=\"/bin/x\" res=success");
	ck_assert_str_eq(str(j, "AVC", "raw"), "avc:  denied  { read } for  pid=5 comm=\"x\"");
	ck_assert_int_eq((int)num(j, "AVC", "pid"), 5);
	ck_assert_str_eq(str(j, "AVC", "seresult"), "denied");
	cJSON_Delete(j);

	/* USER_AVC (dbus, systemd): the same words inside msg='...', in MSG */
	fake_init(&f, 4);
	ADD(&f, AUDIT_USER_AVC, "pid=551 uid=0 auid=4294967295 ses=4294967295 "
	    "subj=system_u:system_r:system_dbusd_t:s0 msg='avc:  denied  { send_msg acquire_svc } "
	    "for msgtype=method_return dest=:1.83 spid=1 tpid=1042 scontext=a tcontext=b "
	    "tclass=dbus permissive=0  exe=\"/usr/bin/dbus-daemon\" sauid=81 hostname=? addr=? terminal=?'");
	j = render(&f);
	m = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "USER_AVC"), "MSG");
	ck_assert_str_eq(str(m, "seresult", NULL), "denied");
	m = cJSON_GetObjectItemCaseSensitive(m, "seperms");
	ck_assert_int_eq(cJSON_GetArraySize(m), 2);
	ck_assert_str_eq(cJSON_GetArrayItem(m, 0)->valuestring, "send_msg");
	ck_assert_str_eq(cJSON_GetArrayItem(m, 1)->valuestring, "acquire_svc");
	m = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "USER_AVC"), "MSG");
	ck_assert_str_eq(str(m, "msgtype", NULL), "method_return");
	ck_assert_str_eq(str(m, "exe", NULL), "/usr/bin/dbus-daemon");
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "USER_AVC"), "raw"));
	cJSON_Delete(j);
}
END_TEST

/* Hostile records: every byte value, broken quotes, odd hex, huge numbers,
 * bare '=' -- the output is valid JSON and UTF-8 whatever comes in. */
START_TEST(test_hostile)
{
	static const char *const lines[] = {
		"a=\"unterminated", "msg='open", "=", "==", "a==b", "\"=\"", "name=ABC",
		"name=zz", "saddr=0", "exit=-99999999999999999999", "uid=99999999999999999999",
		"arch=zzzz syscall=99999", "a0_len=5 a0[0]=41 a0[1]=4", "a1[0]=41", "argc=-1",
		"proctitle=00", "proctitle=", "msg='a=b msg='c=d'' x", "cap_fp=1 old_pp=2 -=-",
		"key=010203 exe=C3", "comm=FF", "a\x01=\x02\"x\"", "uid=-1 gid=4294967295 ouid=12345678",
		NULL
	};
	static const int types[] = { AUDIT_SYSCALL, AUDIT_EXECVE, AUDIT_PROCTITLE, AUDIT_SOCKADDR,
				     AUDIT_USER, AUDIT_PATH, 9999 };
	unsigned seed = 1;

	for (unsigned t = 0; t < sizeof(types) / sizeof(types[0]); t++)
		for (unsigned i = 0; lines[i]; i++) {
			struct fake f;
			fake_init(&f, i);
			ADD(&f, types[t], lines[i]);
			ADD(&f, types[t], lines[i]);
			cJSON_Delete(render(&f));
		}
	for (unsigned round = 0; round < 2000; round++) {
		struct fake f;
		char junk[600];
		size_t n = (seed = seed * 1103515245 + 12345) % sizeof(junk);
		for (size_t k = 0; k < n; k++) {
			seed = seed * 1103515245 + 12345;
			junk[k] = "a=\"' 0F9-_[]\x01\xff\xc3\xa9"[(seed >> 16) % 16];
			if ((seed >> 8) % 7 == 0)
				junk[k] = (char)(seed >> 20);
		}
		fake_init(&f, round);
		fake_add(&f, types[round % 7], junk, n);
		fake_add(&f, AUDIT_EXECVE, junk, n / 2);
		cJSON_Delete(render(&f));
	}
}
END_TEST

START_TEST(test_raw)
{
	struct fake f;
	struct buf b = { 0 };
	cJSON *j, *r;

	fake_init(&f, 42);
	ADD(&f, AUDIT_SYSCALL, "arch=c000003e syscall=59");
	ADD(&f, 1338, " a\x01\xff");
	ck_assert_int_eq(format_raw(&b, &f.ev, &x), 0);
	j = cJSON_ParseWithLength(b.p, b.len);
	ck_assert_ptr_nonnull(j);
	ck_assert(valid_utf8((unsigned char *)b.p, b.len));
	r = cJSON_GetObjectItemCaseSensitive(j, "records");
	ck_assert_int_eq(cJSON_GetArraySize(r), 2);
	ck_assert_str_eq(cJSON_GetArrayItem(r, 0)->valuestring,
			 "type=SYSCALL msg=audit(1700000000.123:42): arch=c000003e syscall=59");
	ck_assert_str_eq(cJSON_GetArrayItem(r, 1)->valuestring,
			 "type=UNKNOWN[1338] msg=audit(1700000000.123:42):  a\x01\xef\xbf\xbd");
	ck_assert_str_eq(str(j, "time", NULL), "2023-11-14T22:13:20.123Z");
	cJSON_Delete(j);
	buf_free(&b);
}
END_TEST

START_TEST(test_fields)
{
	struct field f;
	struct buf b = { 0 };
	size_t pos = 0;
	const char *s = "a=1 b=\"x y\" c='p q' bare d=";

	ck_assert(field_next(s, strlen(s), &pos, &f) && FIELD_IS(&f, "a") && f.vlen == 1);
	ck_assert(field_next(s, strlen(s), &pos, &f) && FIELD_IS(&f, "b") && f.vlen == 3 && f.quote == '"');
	ck_assert(field_next(s, strlen(s), &pos, &f) && FIELD_IS(&f, "c") && f.quote == '\'');
	ck_assert(field_next(s, strlen(s), &pos, &f) && !f.name && f.vlen == 4);
	ck_assert(field_next(s, strlen(s), &pos, &f) && FIELD_IS(&f, "d") && f.vlen == 0);
	ck_assert(!field_next(s, strlen(s), &pos, &f));
	ck_assert(enrich_is_hex("0aFF", 4) && !enrich_is_hex("0aF", 3) && !enrich_is_hex("", 0) && !enrich_is_hex("0g", 2));
	ck_assert(enrich_hex_decode(&b, "414200", 6) == 0 && b.len == 3 && memcmp(b.p, "AB\0", 3) == 0);
	ck_assert(is_decimal("0", 1) && is_decimal("-2", 2) && !is_decimal("01", 2) && !is_decimal("-", 1));
	ck_assert(!is_decimal("12345678901234567890", 20));
	buf_free(&b);
}
END_TEST

/* Independent of core/format/enrich_fields.c on purpose. */
static int ref_hexval(unsigned char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* enrich_hex_decode_if (8 digits at a time, then a byte loop) against a plain
 * decoder, on random mixes of digits, near-digits and other bytes. */
START_TEST(test_hex_decode_if)
{
	static const char pool[] = "0123456789abcdefABCDEF/:@G`gFf9 \x80\xc1\x10\x1d";
	struct buf b = { 0 };
	unsigned seed = 7;

	ck_assert_int_eq(buf_reserve(&b, 64), 0);
	for (int round = 0; round < 20000; round++) {
		char s[40], want[20];
		size_t n = (size_t)(round % 37);
		int ok = n > 0 && n % 2 == 0, rc;

		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			/* mostly digits, so long valid runs are common */
			s[i] = (seed >> 16) % 8 ? pool[(seed >> 8) % 22] : pool[(seed >> 8) % (sizeof(pool) - 1)];
		}
		for (size_t i = 0; ok && i < n; i += 2) {
			int hi = ref_hexval((unsigned char)s[i]), lo = ref_hexval((unsigned char)s[i + 1]);
			ok = hi >= 0 && lo >= 0;
			if (ok)
				want[i / 2] = (char)(hi << 4 | lo);
		}
		b.len = 1;	/* appends after what is there */
		rc = enrich_hex_decode_if(&b, s, n);
		ck_assert_int_eq(rc, ok);
		ck_assert_int_eq(enrich_is_hex(s, n), ok);
		ck_assert_uint_eq(b.len, ok ? 1 + n / 2 : 1);
		if (ok)
			ck_assert(memcmp(b.p + 1, want, n / 2) == 0);
	}
	buf_free(&b);
}
END_TEST

#define ID64 "2b45249a1a21d3806efd98e2eb93c7dc319c645a27e7cd85362227becc68ca44"

/* The runtimes' scope names (systemd and cgroupfs drivers), near misses. */
START_TEST(test_container_parse)
{
	static const struct {
		const char *path, *runtime, *id;
	} cases[] = {
		{ "/system.slice/docker-" ID64 ".scope", "docker", ID64 },
		{ "/docker/" ID64, "docker", ID64 },
		{ "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1f2e.slice/"
		  "cri-containerd-" ID64 ".scope", "containerd", ID64 },
		{ "/kubepods/burstable/pod1f2e-33/" ID64, "containerd", ID64 },
		{ "/kubepods.slice/kubepods-pod9.slice/crio-" ID64 ".scope", "cri-o", ID64 },
		{ "/kubepods.slice/kubepods-pod9.slice/crio-conmon-" ID64 ".scope", NULL, NULL },
		{ "/machine.slice/libpod-" ID64 ".scope/container", "podman", ID64 },
		{ "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" ID64 ".scope",
		  "podman", ID64 },
		{ "/machine.slice/libpod-conmon-" ID64 ".scope", NULL, NULL },
		{ "/machine.slice/systemd-nspawn@web1.service/payload", "systemd-nspawn", "web1" },
		{ "/machine.slice/machine-web2.scope", "systemd-nspawn", "web2" },
		{ "/system.slice/docker-" ID64 "0.scope", NULL, NULL },	/* 65 digits */
		{ "/system.slice/docker.service", NULL, NULL },
		{ "/user.slice/user-0.slice/session-3.scope", NULL, NULL },
		{ "/" ID64, NULL, NULL },	/* a bare id outside docker/kubepods */
		{ "/", NULL, NULL },
		{ "", NULL, NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct container_ref r;
		int found = container_parse(cases[i].path, strlen(cases[i].path), &r);
		ck_assert_msg(found == (cases[i].runtime != NULL), "%s", cases[i].path);
		if (!found)
			continue;
		ck_assert_str_eq(r.runtime, cases[i].runtime);
		ck_assert_int_eq((int)r.idlen, (int)strlen(cases[i].id));
		ck_assert(memcmp(r.id, cases[i].id, r.idlen) == 0);
	}
}
END_TEST

/* PID beside pid= for fresh events: the v2 line of /proc/PID/cgroup, the
 * container it names; PPID when the process is gone; cached by pid for a
 * few seconds; nothing for an old (replayed) event. */
START_TEST(test_container_pid)
{
	struct fake f;
	cJSON *j, *s;

	fake_cgroup(4242, "12:pids:/system.slice/x.scope\n1:name=systemd:/v1\n"
			  "0::/system.slice/docker-" ID64 ".scope\n");
	fake_cgroup(4300, "0::/user.slice/user-0.slice/session-3.scope\n");
	fake_init(&f, 1);
	ADD(&f, AUDIT_SYSCALL, "arch=c000003e syscall=59 ppid=1 pid=4242 uid=0");
	j = render(&f);
	s = cJSON_GetObjectItemCaseSensitive(j, "SYSCALL");
	ck_assert_str_eq(str(cJSON_GetObjectItemCaseSensitive(s, "PID"), "cgroup", NULL),
			 "/system.slice/docker-" ID64 ".scope");
	s = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(s, "PID"), "container");
	ck_assert_str_eq(str(s, "runtime", NULL), "docker");
	ck_assert_str_eq(str(s, "id", NULL), ID64);
	cJSON_Delete(j);

	/* gone: the parent's, as PPID; no container named: cgroup only */
	fake_init(&f, 2);
	ADD(&f, AUDIT_SYSCALL, "arch=c000003e syscall=59 ppid=4300 pid=4301 uid=0");
	j = render(&f);
	s = cJSON_GetObjectItemCaseSensitive(j, "SYSCALL");
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(s, "PID"));
	ck_assert_str_eq(str(cJSON_GetObjectItemCaseSensitive(s, "PPID"), "cgroup", NULL),
			 "/user.slice/user-0.slice/session-3.scope");
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(s, "PPID"), "container"));
	cJSON_Delete(j);

	/* cached: a move within the same seconds is not seen... */
	fake_cgroup(4242, "0::/machine.slice/machine-web2.scope\n");
	fake_init(&f, 3);
	ADD(&f, AUDIT_USER_CMD, "pid=4242 uid=0 msg='cmd=6C73 res=success'");
	j = render(&f);
	s = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "USER_CMD"), "PID");
	ck_assert_str_eq(str(cJSON_GetObjectItemCaseSensitive(s, "container"), "runtime", NULL), "docker");
	cJSON_Delete(j);
	/* ...except by an execve (a runtime moves its process just before) */
	fake_init(&f, 5);
	ADD(&f, AUDIT_SYSCALL, "arch=c000003e syscall=59 ppid=1 pid=4242 uid=0");
	j = render(&f);
	s = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "SYSCALL"), "PID");
	ck_assert_str_eq(str(s, "cgroup", NULL), "/machine.slice/machine-web2.scope");
	cJSON_Delete(j);
	fake_cgroup(4242, "0::/system.slice/docker-" ID64 ".scope\n");
	/* ...and once the entry is old */
	{
		struct buf b = { 0 };
		f.ev.sec += 10;
		ck_assert_int_eq(format_enriched(&b, &f.ev, &x, 1700000010), 0);
		ck_assert_ptr_nonnull(strstr(b.p, "\"runtime\":\"docker\",\"id\":\"" ID64 "\""));
		buf_free(&b);
	}

	/* a replayed old event: no lookup at all */
	fake_init(&f, 4);
	f.ev.sec = 1600000000;
	ADD(&f, AUDIT_SYSCALL, "arch=c000003e syscall=59 ppid=1 pid=4242 uid=0");
	j = render(&f);
	s = cJSON_GetObjectItemCaseSensitive(j, "SYSCALL");
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(s, "PID"));
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(s, "PPID"));
	cJSON_Delete(j);
}
END_TEST

/* field_kind: the table's names, the prefix rules, and near misses. */
START_TEST(test_field_kind)
{
	ck_assert_uint_eq(field_kind("uid", 3), FK_UID);
	ck_assert_uint_eq(field_kind("new-gid", 7), FK_GID);
	ck_assert_uint_eq(field_kind("proctitle", 9), FK_ENCODED | FK_PROCTITLE);
	ck_assert_uint_eq(field_kind("arch", 4), FK_STRING | FK_ARCH);
	ck_assert_uint_eq(field_kind("saddr", 5), FK_STRING | FK_SADDR);
	ck_assert_uint_eq(field_kind("cap_fp", 6), FK_STRING | IK_CAP_BITMAP << FK_IK_SHIFT);
	ck_assert_uint_eq(field_kind("cap_frootid", 11), 0);
	ck_assert_uint_eq(field_kind("old_pe", 6), FK_STRING | IK_CAP_BITMAP << FK_IK_SHIFT);
	ck_assert_uint_eq(field_kind("new_gid", 7), FK_GID);
	ck_assert_uint_eq(field_kind("uidx", 4), 0);
	ck_assert_uint_eq(field_kind("ui", 2), 0);
	ck_assert_uint_eq(field_kind("pid", 3), FK_PID);
	ck_assert_uint_eq(field_kind("pidx", 4), 0);
	ck_assert_uint_eq(field_kind("", 0), 0);
	ck_assert(field_is_encoded("exe", 3) && !field_is_encoded("exec", 4));
	ck_assert(id_field_kind("ses", 3) == ID_SESSION && id_field_kind("sess", 4) == ID_NONE);
	ck_assert(field_always_string("a3", 2) && !field_always_string("a4", 2));
}
END_TEST

/* The capability set field name=hex in a CAPSET record: its object. */
static cJSON *capset(const char *name, unsigned long long v, const char *hex)
{
	struct fake f;
	char line[256];
	cJSON *j, *r;

	fake_init(&f, 11);
	if (hex)
		snprintf(line, sizeof(line), "pid=2 %s=%s", name, hex);
	else
		snprintf(line, sizeof(line), "pid=2 %s=%016llx", name, v);
	ADD(&f, AUDIT_CAPSET, line);
	j = render(&f);
	r = cJSON_DetachItemFromObjectCaseSensitive(j, "CAPSET");
	cJSON_Delete(j);
	ck_assert_ptr_nonnull(r);
	return r;
}

/* The array under key, which must be the record's only interpretation of
 * the set (the other key absent); its names joined by ','. */
static const char *cap_names(cJSON *r, const char *key, const char *other)
{
	static char t[1024];
	cJSON *a = cJSON_GetObjectItemCaseSensitive(r, key), *e;

	ck_assert_msg(cJSON_IsArray(a), "%s is not an array", key);
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(r, other));
	t[0] = '\0';
	cJSON_ArrayForEach(e, a) {
		ck_assert(cJSON_IsString(e));
		if (t[0])
			strcat(t, ",");
		strcat(t, e->valuestring);
	}
	return t;
}

/* A set with at most half of the capabilities known (the kernel headers'
 * CAP_LAST_CAP + 1, 41 here) lists them under "NAME"; with more, the
 * known ones it lacks under "NAME_ALL_BUT"; bits above the last known are
 * kept as cap_N, and such a set always lists what it holds. */
START_TEST(test_cap_sets)
{
	const unsigned known = CAP_LAST_CAP + 1, half = known / 2;
	const unsigned long long all = (1ull << known) - 1;
	cJSON *r;

	r = capset("cap_pp", 0, NULL);
	ck_assert_str_eq(cap_names(r, "CAP_PP", "CAP_PP_ALL_BUT"), "");
	ck_assert_str_eq(str(r, "cap_pp", NULL), "0000000000000000");	/* raw kept */
	cJSON_Delete(r);
	r = capset("cap_pp", 0, "3000");
	ck_assert_str_eq(cap_names(r, "CAP_PP", "CAP_PP_ALL_BUT"), "net_admin,net_raw");
	cJSON_Delete(r);
	r = capset("cap_pe", all, NULL);
	ck_assert_str_eq(cap_names(r, "CAP_PE_ALL_BUT", "CAP_PE"), "");
	cJSON_Delete(r);
	/* a root exec's sets in a container: all but sys_resource (24) */
	r = capset("cap_pe", all & ~(1ull << CAP_SYS_RESOURCE), NULL);
	ck_assert_str_eq(cap_names(r, "CAP_PE_ALL_BUT", "CAP_PE"), "sys_resource");
	ck_assert_str_eq(str(r, "cap_pe", NULL), "000001fffeffffff");
	cJSON_Delete(r);
	/* exactly half: listed; one more: the rest, from sys_admin (21) on */
	r = capset("cap_pi", (1ull << half) - 1, NULL);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r, "CAP_PI")), (int)half);
	ck_assert(strncmp(cap_names(r, "CAP_PI", "CAP_PI_ALL_BUT"), "chown,dac_override,", 19) == 0);
	cJSON_Delete(r);
	r = capset("cap_pi", (1ull << (half + 1)) - 1, NULL);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r, "CAP_PI_ALL_BUT")),
			 (int)(known - half - 1));
	ck_assert(strncmp(cap_names(r, "CAP_PI_ALL_BUT", "CAP_PI"), "sys_admin,sys_boot,", 19) == 0);
	cJSON_Delete(r);
	/* unknown bits: never lost, never under _ALL_BUT */
	r = capset("cap_pa", all | 1ull << known | 1ull << 63, NULL);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r, "CAP_PA")), (int)known + 2);
	ck_assert(strstr(cap_names(r, "CAP_PA", "CAP_PA_ALL_BUT"), ",checkpoint_restore,cap_41,cap_63"));
	cJSON_Delete(r);
	r = capset("cap_pa", 1ull << 63 | 1, NULL);
	ck_assert_str_eq(cap_names(r, "CAP_PA", "CAP_PA_ALL_BUT"), "chown,cap_63");
	cJSON_Delete(r);
	/* rendered sets are cached by text: more distinct sets than slots,
	 * twice round, each still its own */
	for (int round = 0; round < 2; round++)
		for (unsigned k = 0; k < 6; k++) {
			r = capset("cap_pp", all & ~(1ull << k), NULL);
			ck_assert_str_eq(cap_names(r, "CAP_PP_ALL_BUT", "CAP_PP"),
					 k == 0 ? "chown" : k == 1 ? "dac_override" : k == 2 ? "dac_read_search" :
					 k == 3 ? "fowner" : k == 4 ? "fsetid" : "kill");
			cJSON_Delete(r);
			r = capset("cap_pp", 1ull << k, NULL);
			ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r, "CAP_PP")), 1);
			cJSON_Delete(r);
		}
}
END_TEST

/* The enriched text of an event of one record. */
static char *render_text(int type, const char *text, uint64_t sec)
{
	struct fake f;
	struct buf b = { 0 };
	char *r;

	fake_init(&f, 12);
	f.ev.sec = sec;
	ADD(&f, type, text);
	ck_assert_int_eq(format_enriched(&b, &f.ev, &x, 1700000000), 0);
	ck_assert_ptr_nonnull(r = strndup(b.p, b.len));
	buf_free(&b);
	return r;
}

/* BPRM_FCAPS records are rendered once per distinct text: each text still
 * gives its own rendering, whatever came between, as a fresh scratch
 * renders it; and a record with something not from its text (here a
 * container, only for fresh events) is not reused. */
START_TEST(test_record_cache)
{
	static const char *const texts[] = {
		"fver=0 fp=0 fi=0 fe=0 old_pp=000001fffeffffff old_pi=0 old_pe=000001fffeffffff "
		"old_pa=0 pp=000001fffeffffff pi=0 pe=000001fffeffffff pa=0 frootid=0",
		"fver=2 fp=0000000000003000 fi=0 fe=1 old_pp=0 old_pi=0 old_pe=0 old_pa=0 pp=3000 "
		"pi=0 pe=3000 pa=0 frootid=0",
		"fver=0 fp=0 fi=0 fe=0 old_pp=000001ffffffffff old_pi=0 old_pe=000001ffffffffff "
		"old_pa=0 pp=000001ffffffffff pi=0 pe=000001ffffffffff pa=0 frootid=0",
	};
	char *want[3], *got;
	struct enrich fresh;

	for (unsigned i = 0; i < 3; i++) {	/* each by a scratch that saw nothing */
		struct enrich keep = x;
		enrich_init(&fresh, um, "node1");
		x = fresh;
		want[i] = render_text(AUDIT_BPRM_FCAPS, texts[i], 1700000000);
		enrich_free(&x);
		x = keep;
	}
	ck_assert_ptr_nonnull(strstr(want[0], "\"PP_ALL_BUT\":[\"sys_resource\"]"));
	for (unsigned round = 0; round < 3; round++)
		for (unsigned i = 0; i < 3; i++) {
			unsigned k = (i + round) % 3;
			got = render_text(AUDIT_BPRM_FCAPS, texts[k], 1700000000);
			ck_assert_str_eq(got, want[k]);
			free(got);
		}
	for (unsigned i = 0; i < 3; i++)
		free(want[i]);

	fake_cgroup(4242, "0::/system.slice/docker-" ID64 ".scope\n");
	got = render_text(AUDIT_BPRM_FCAPS, "fver=0 fp=0 pid=4242", 1700000000);
	ck_assert_ptr_nonnull(strstr(got, "\"runtime\":\"docker\""));
	free(got);
	got = render_text(AUDIT_BPRM_FCAPS, "fver=0 fp=0 pid=4242", 1600000000);
	ck_assert_ptr_null(strstr(got, "\"PID\""));	/* an old event: no container */
	free(got);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("enriched");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_header_and_types);
	tcase_add_test(tc, test_hex_and_execve_split);
	tcase_add_test(tc, test_sockaddr);
	tcase_add_test(tc, test_user_msg_and_bare_words);
	tcase_add_test(tc, test_hostile);
	tcase_add_test(tc, test_raw);
	tcase_add_test(tc, test_fields);
	tcase_add_test(tc, test_hex_decode_if);
	tcase_add_test(tc, test_field_kind);
	tcase_add_test(tc, test_cap_sets);
	tcase_add_test(tc, test_record_cache);
	tcase_add_test(tc, test_container_parse);
	tcase_add_test(tc, test_container_pid);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
