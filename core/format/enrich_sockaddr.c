/* core/format/enrich_sockaddr.c -- decode struct sockaddr from SOCKADDR records.
 * Family names follow ausearch -i (inet, inet6, local, netlink). */
#include "format/enrich_sockaddr.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "format/enrich_tables.h"
#include "format/json.h"

static unsigned be16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static uint32_t ne32(const unsigned char *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static void add_port(struct buf *b, const unsigned char *p)
{
	buf_adds(b, ",\"port\":");
	buf_add_u64(b, be16(p));
}

static void add_addr(struct buf *b, int af, const unsigned char *a)
{
	char txt[INET6_ADDRSTRLEN];

	if (!inet_ntop(af, a, txt, sizeof(txt)))
		return;
	buf_adds(b, ",\"addr\":");
	json_add_string(b, txt, strlen(txt));
}

/* sun_path: up to the first NUL; an abstract name (leading NUL) as "@name". */
static void add_unix(struct buf *b, const unsigned char *p, size_t n)
{
	size_t len = 0;

	buf_adds(b, "\"local\"");
	if (n == 0)
		return;
	buf_adds(b, ",\"path\":");
	if (p[0] == 0) {
		struct buf t = { 0 };
		buf_addc(&t, '@');
		buf_add(&t, p + 1, n - 1);
		json_add_string(b, t.p, t.len);
		buf_free(&t);
		return;
	}
	while (len < n && p[len])
		len++;
	json_add_string(b, (const char *)p, len);
}

int sockaddr_json(struct buf *b, const unsigned char *s, size_t n)
{
	unsigned fam;

	if (buf_reserve(b, n * 6 + 128) < 0)
		return -1;
	if (n < 2)
		return buf_adds(b, "{}");
	fam = (unsigned)s[0] | (unsigned)s[1] << 8;	/* host order: little-endian here */
	buf_adds(b, "{\"family\":");
	if (fam == AF_INET && n >= 8) {
		buf_adds(b, "\"inet\"");
		add_addr(b, AF_INET, s + 4);
		add_port(b, s + 2);
	} else if (fam == AF_INET6 && n >= 24) {
		buf_adds(b, "\"inet6\"");
		add_addr(b, AF_INET6, s + 8);
		add_port(b, s + 2);
		if (n >= 28 && ne32(s + 24)) {
			buf_adds(b, ",\"scope_id\":");
			buf_add_u64(b, ne32(s + 24));
		}
	} else if (fam == AF_UNIX) {
		add_unix(b, s + 2, n - 2);
	} else if (fam == AF_NETLINK && n >= 12) {
		buf_adds(b, "\"netlink\",\"pid\":");
		buf_add_u64(b, ne32(s + 4));
		buf_adds(b, ",\"groups\":");
		buf_add_u64(b, ne32(s + 8));
	} else if (itab_name(&tab_fam, fam)) {	/* libauparse's family names */
		const char *name = itab_name(&tab_fam, fam);
		json_add_string(b, name, strlen(name));
	} else {
		buf_add_u64(b, fam);
	}
	return buf_addc(b, '}');
}
