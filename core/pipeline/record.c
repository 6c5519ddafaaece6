/* core/pipeline/record.c -- parse record headers without copying or allocating. */
#include "pipeline/record.h"

#include <errno.h>
#include <libaudit.h>
#include <pthread.h>
#include <string.h>

/* Reads decimal digits at *p (at most 20); returns -1 when there are none.
 * Up to 19 digits cannot overflow, so only a 20th is checked (a check per
 * digit was most of this function: 110 instructions a call in the replay). */
static int parse_u64(const char **p, const char *end, uint64_t *out)
{
	const char *s = *p, *stop = end - s > 19 ? s + 19 : end;
	uint64_t v = 0;
	unsigned d;

	while (s < stop && (d = (unsigned)(unsigned char)*s - '0') <= 9) {
		v = v * 10 + d;
		s++;
	}
	if (s == *p)
		return -1;
	if (s - *p == 19 && s < end && (d = (unsigned)(unsigned char)*s - '0') <= 9) {
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
		s++;
	}
	*p = s;
	*out = v;
	return 0;
}

/* "audit(1700000000.123:42)" at buf: its numbers into r; the end of it, or
 * NULL. */
static const char *parse_numbers(const char *buf, const char *end, struct record *r)
{
	const char *p = buf;
	uint64_t ms;

	if (end - p < 6 || memcmp(p, "audit(", 6) != 0)
		return NULL;
	p += 6;
	if (parse_u64(&p, end, &r->sec) < 0 || p >= end || *p++ != '.')
		return NULL;
	if (parse_u64(&p, end, &ms) < 0 || ms > 999 || p >= end || *p++ != ':')
		return NULL;
	if (parse_u64(&p, end, &r->serial) < 0 || p >= end || *p++ != ')')
		return NULL;
	r->ms = (uint32_t)ms;
	return p;
}

/* "audit(1700000000.123:42): " -> time, serial, and the data after it. */
static int parse_header(const char *buf, size_t len, struct record *r, struct record_hdr *last)
{
	const char *p, *end = buf + len;

	if (last && last->len && len >= last->len && memcmp(buf, last->text, last->len) == 0) {
		r->sec = last->sec;
		r->ms = last->ms;
		r->serial = last->serial;
		p = buf + last->len;
	} else {
		if (!(p = parse_numbers(buf, end, r)))
			return -EINVAL;
		if (last && (size_t)(p - buf) <= sizeof(last->text)) {
			last->len = (uint8_t)(p - buf);
			memcpy(last->text, buf, last->len);
			last->sec = r->sec;
			last->ms = r->ms;
			last->serial = r->serial;
		}
	}
	if (p < end && *p == ':')
		p++;
	if (p < end && *p == ' ')
		p++;
	r->data = p;
	r->len = (size_t)(end - p);
	return 0;
}

int record_parse_payload(int type, const char *buf, size_t len, struct record *r)
{
	/* Some kernels NUL-terminate the payload; the NUL is not data. */
	while (len > 0 && (buf[len - 1] == '\0' || buf[len - 1] == '\n'))
		len--;
	r->type = type;
	return parse_header(buf, len, r, NULL);
}

/* libaudit's audit_name_to_msg_type() compares the name with each of its
 * ~300 names in turn (strcmp showed in the replay profile, once per line).
 * A hash of its names, filled once and read-only after, answers in one
 * probe; names it does not hold still go to libaudit. */
#define TYPE_HASH 1024	/* power of two, > 2x the names */
#define TYPE_NAME_MAX 32

struct type_slot {
	char name[TYPE_NAME_MAX];
	int type;	/* 0: empty */
};

static struct type_slot type_hash[TYPE_HASH];
static pthread_once_t type_hash_once = PTHREAD_ONCE_INIT;

static uint32_t name_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * 16777619u;
	return h;
}

static void type_hash_fill(void)
{
	for (int t = 1000; t < 3000; t++) {
		const char *name = audit_msg_type_to_name(t);
		size_t n = name ? strlen(name) : 0;
		uint32_t h;

		if (n == 0 || n >= TYPE_NAME_MAX || audit_name_to_msg_type(name) != t)
			continue;
		for (h = name_hash(name, n); type_hash[h & (TYPE_HASH - 1)].type; h++)
			;
		memcpy(type_hash[h & (TYPE_HASH - 1)].name, name, n + 1);
		type_hash[h & (TYPE_HASH - 1)].type = t;
	}
}

static int type_hash_find(const char *name, size_t n)
{
	if (n >= TYPE_NAME_MAX)
		return 0;
	pthread_once(&type_hash_once, type_hash_fill);
	for (uint32_t h = name_hash(name, n);; h++) {
		const struct type_slot *s = &type_hash[h & (TYPE_HASH - 1)];
		if (!s->type)
			return 0;
		if (memcmp(s->name, name, n) == 0 && s->name[n] == '\0')
			return s->type;
	}
}

/* Looks a type name up; accepts libaudit's names and "UNKNOWN[1234]". */
static int type_from_name(const char *name, size_t n)
{
	char tmp[64];
	uint64_t v;
	const char *p;
	int t;

	if (n == 0 || n >= sizeof(tmp))
		return -1;
	if ((t = type_hash_find(name, n)) > 0)
		return t;
	if (n > 9 && memcmp(name, "UNKNOWN[", 8) == 0 && name[n - 1] == ']') {
		p = name + 8;
		if (parse_u64(&p, name + n - 1, &v) < 0 || p != name + n - 1 || v > 65535)
			return -1;
		return (int)v;
	}
	memcpy(tmp, name, n);
	tmp[n] = '\0';
	return audit_name_to_msg_type(tmp);
}

int record_parse_line(const char *line, size_t len, struct record *r)
{
	const char *gs = memchr(line, 0x1d, len);

	return record_parse_text(line, gs ? (size_t)(gs - line) : len, r, NULL);
}

int record_parse_text(const char *line, size_t len, struct record *r, struct record_hdr *last)
{
	const char *p = line, *end, *name;
	int type;

	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	end = line + len;
	if (len > 5 && memcmp(p, "node=", 5) == 0) {
		p = memchr(p, ' ', len);
		if (!p)
			return -EINVAL;
		p++;
	}
	if (end - p < 5 || memcmp(p, "type=", 5) != 0)
		return -EINVAL;
	name = p + 5;
	p = memchr(name, ' ', (size_t)(end - name));
	if (!p)
		return -EINVAL;
	type = type_from_name(name, (size_t)(p - name));
	if (type <= 0)
		return -EINVAL;
	p++;
	if (end - p < 4 || memcmp(p, "msg=", 4) != 0)
		return -EINVAL;
	p += 4;
	r->type = type;
	return parse_header(p, (size_t)(end - p), r, last);
}

int record_type_is_record(int type)
{
	/* Below 1100 are commands, except two old record types. */
	if (type == AUDIT_USER || type == AUDIT_LOGIN)
		return 1;
	return type >= AUDIT_FIRST_USER_MSG && type != AUDIT_REPLACE && type < 10000;
}

int record_type_is_single(int type)
{
	switch (type) {
	case AUDIT_USER:
	case AUDIT_CONFIG_CHANGE:
	case AUDIT_AVC:
	case AUDIT_KERNEL:
		return 1;
	default:
		break;
	}
	/* USER_* (1100-1199), DAEMON_* (1200-1299), user messages 2100-2999. */
	return (type >= AUDIT_FIRST_USER_MSG && type <= AUDIT_LAST_USER_MSG) ||
	       (type >= AUDIT_FIRST_DAEMON && type <= AUDIT_LAST_DAEMON) ||
	       (type >= AUDIT_FIRST_USER_MSG2 && type <= AUDIT_LAST_USER_MSG2);
}

int record_type_is_daemon(int type)
{
	return type >= AUDIT_FIRST_DAEMON && type <= AUDIT_LAST_DAEMON;
}
