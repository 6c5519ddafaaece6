/* core/record.c -- parse record headers without copying or allocating. */
#include "record.h"

#include <errno.h>
#include <libaudit.h>
#include <string.h>

/* Reads decimal digits at *p (at most 20); returns -1 when there are none. */
static int parse_u64(const char **p, const char *end, uint64_t *out)
{
	uint64_t v = 0;
	const char *s = *p;
	int n = 0;

	while (s < end && *s >= '0' && *s <= '9' && n < 20) {
		uint64_t d = (uint64_t)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
		s++;
		n++;
	}
	if (n == 0)
		return -1;
	*p = s;
	*out = v;
	return 0;
}

/* "audit(1700000000.123:42): " -> time, serial, and the data after it. */
static int parse_header(const char *buf, size_t len, struct record *r)
{
	const char *p = buf, *end = buf + len;
	uint64_t ms;

	if (len < 6 || memcmp(p, "audit(", 6) != 0)
		return -EINVAL;
	p += 6;
	if (parse_u64(&p, end, &r->sec) < 0 || p >= end || *p++ != '.')
		return -EINVAL;
	if (parse_u64(&p, end, &ms) < 0 || ms > 999 || p >= end || *p++ != ':')
		return -EINVAL;
	if (parse_u64(&p, end, &r->serial) < 0 || p >= end || *p++ != ')')
		return -EINVAL;
	r->ms = (uint32_t)ms;
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
	return parse_header(buf, len, r);
}

/* Looks a type name up; accepts libaudit's names and "UNKNOWN[1234]". */
static int type_from_name(const char *name, size_t n)
{
	char tmp[64];
	uint64_t v;
	const char *p;

	if (n == 0 || n >= sizeof(tmp))
		return -1;
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
	const char *p = line, *end, *gs, *name;
	int type;

	gs = memchr(line, 0x1d, len);
	if (gs)
		len = (size_t)(gs - line);
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
	return parse_header(p, (size_t)(end - p), r);
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
