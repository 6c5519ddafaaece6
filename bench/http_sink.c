/* bench/http_sink.c -- an HTTP/1.1 receiver for bench/sinks.sh that counts
 * the events it is sent.
 *
 *   http_sink
 *
 * Listens on 127.0.0.1 on a port the kernel picks (printed on the first line
 * of stdout), answers each POST with 200 and an empty body on a kept-alive
 * connection, and counts the events in its body, gunzipped first when
 * Content-Encoding is gzip: the JSON objects of an ndjson body (one per line)
 * or the elements of a JSON array (each must be an object).  A body that is
 * neither is answered 400 and counted as bad.  On SIGTERM it prints
 *   requests=R events=E bad=B wire_bytes=W body_bytes=D connections=C
 * and exits 0.  One thread and poll(): python's http.server was the limit
 * (about 80 ms a POST), and this is a counterpart, not a test subject.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#define MAX_CONN 16
#define MAX_HEAD 16384

struct conn {
	int fd;
	char *buf;
	size_t len, cap;
};

struct sink {
	struct conn c[MAX_CONN];
	unsigned char *plain;	/* gunzipped body */
	size_t plain_cap;
	z_stream z;
	uint64_t requests, events, bad, wire_bytes, body_bytes, connections;
};

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

/* Events in a body: JSON objects at the top level (ndjson, one per line) or
 * at depth 1 of one array.  -1 if the body is not that. */
static long count_events(const unsigned char *p, size_t n, int array)
{
	int depth = 0, in_str = 0, esc = 0, top = array ? 1 : 0, opened = 0;
	long events = 0, lines = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char ch = p[i];

		if (in_str) {
			if (esc)
				esc = 0;
			else if (ch == '\\')
				esc = 1;
			else if (ch == '"')
				in_str = 0;
			continue;
		}
		if (depth > top) {
			if (ch == '"')
				in_str = 1;
			else if (ch == '{' || ch == '[')
				depth++;
			else if (ch == '}' || ch == ']')
				depth--;
			continue;
		}
		/* At the top: only objects, separators and white space. */
		if (ch == '{') {
			events++;
			depth++;
		} else if (array && depth == 0 && ch == '[' && !opened) {
			opened = depth = 1;
		} else if (array && depth == 1 && ch == ']') {
			depth = 0;
		} else if (!array && ch == '\n') {
			lines++;
		} else if (!(ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' ||
			     (array && depth == 1 && ch == ','))) {
			return -1;
		}
	}
	if (in_str || depth != 0 || (array && !opened) || (!array && lines != events))
		return -1;
	return events;
}

/* Gunzips body into s->plain; its length, or -1. */
static long gunzip(struct sink *s, const unsigned char *body, size_t n)
{
	int rc;

	if (inflateReset(&s->z) != Z_OK)
		return -1;
	s->z.next_in = (unsigned char *)body;
	s->z.avail_in = (uInt)n;
	s->z.total_out = 0;
	do {
		if (s->plain_cap - s->z.total_out < 65536) {
			size_t cap = s->plain_cap ? s->plain_cap * 2 : 1 << 20;
			unsigned char *p = realloc(s->plain, cap);
			if (!p)
				return -1;
			s->plain = p;
			s->plain_cap = cap;
		}
		s->z.next_out = s->plain + s->z.total_out;
		s->z.avail_out = (uInt)(s->plain_cap - s->z.total_out);
		rc = inflate(&s->z, Z_NO_FLUSH);
	} while (rc == Z_OK);
	return rc == Z_STREAM_END && s->z.avail_in == 0 ? (long)s->z.total_out : -1;
}

/* The value of header name (with its ':') in head, or NULL. */
static const char *header(const char *head, const char *name)
{
	size_t len = strlen(name);

	for (const char *l = strstr(head, "\r\n"); l && l[2]; l = strstr(l + 2, "\r\n"))
		if (strncasecmp(l + 2, name, len) == 0) {
			l += 2 + len;
			while (*l == ' ' || *l == '\t')
				l++;
			return l;
		}
	return NULL;
}

static int reply(int fd, int status)
{
	char msg[128];
	int len = snprintf(msg, sizeof(msg), "HTTP/1.1 %d %s\r\nContent-Length: 0\r\n\r\n", status,
			   status == 200 ? "OK" : status == 400 ? "Bad Request" : "Error");

	for (int off = 0; off < len;) {
		ssize_t w = send(fd, msg + off, (size_t)(len - off), MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		off += (int)w;
	}
	return 0;
}

/* Serves the complete requests in c's buffer; -1 closes the connection. */
static int serve(struct sink *s, struct conn *c)
{
	for (;;) {
		char *end = memmem(c->buf, c->len, "\r\n\r\n", 4);
		const char *cl, *ce, *ct;
		size_t head_len, body_len;
		const unsigned char *body;
		long plain_len, events;
		int status = 200;

		if (!end)
			return c->len > MAX_HEAD ? -1 : 0;
		head_len = (size_t)(end - c->buf) + 4;
		end[2] = '\0';	/* the head as a string, ending with its last "\r\n" */
		if (strncmp(c->buf, "POST ", 5) != 0 || !(cl = header(c->buf, "Content-Length:")))
			return -1;
		body_len = strtoul(cl, NULL, 10);
		if (c->len - head_len < body_len) {
			end[2] = '\r';
			return 0;
		}
		ce = header(c->buf, "Content-Encoding:");
		ct = header(c->buf, "Content-Type:");
		body = (unsigned char *)c->buf + head_len;
		plain_len = (long)body_len;
		if (ce && strncasecmp(ce, "gzip", 4) == 0) {
			plain_len = gunzip(s, body, body_len);
			body = s->plain;
		}
		events = plain_len < 0 ? -1 :
			count_events(body, (size_t)plain_len, ct && strncmp(ct, "application/json", 16) == 0);
		s->requests++;
		s->wire_bytes += body_len;
		if (events < 0) {
			s->bad++;
			status = 400;
		} else {
			s->events += (uint64_t)events;
			s->body_bytes += (uint64_t)plain_len;
		}
		if (reply(c->fd, status) < 0)
			return -1;
		c->len -= head_len + body_len;
		memmove(c->buf, c->buf + head_len + body_len, c->len);
	}
}

/* Reads what c has; -1 when it is done with. */
static int on_readable(struct sink *s, struct conn *c)
{
	ssize_t r;

	if (c->cap - c->len < 65536) {
		size_t cap = c->cap ? c->cap * 2 : 1 << 20;
		char *b = realloc(c->buf, cap + 1);
		if (!b)
			return -1;
		c->buf = b;
		c->cap = cap;
	}
	r = read(c->fd, c->buf + c->len, c->cap - c->len);
	if (r < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -1;
	if (r == 0)
		return -1;
	c->len += (size_t)r;
	return serve(s, c);
}

static int listen_loopback(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 16) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &alen) < 0) {
		perror("http_sink: listen");
		return -1;
	}
	printf("%d\n", ntohs(a.sin_port));
	fflush(stdout);
	return fd;
}

static void drop(struct conn *c)
{
	close(c->fd);
	free(c->buf);
	*c = (struct conn){ .fd = -1 };
}

int main(void)
{
	static struct sink s;
	struct sigaction sa = { .sa_handler = on_signal };
	struct pollfd pfd[MAX_CONN + 1];
	int lfd;

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (inflateInit2(&s.z, 15 + 16) != Z_OK || (lfd = listen_loopback()) < 0)
		return 1;
	for (int i = 0; i < MAX_CONN; i++)
		s.c[i].fd = -1;
	while (!stop) {
		pfd[0] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		for (int i = 0; i < MAX_CONN; i++)
			pfd[i + 1] = (struct pollfd){ .fd = s.c[i].fd, .events = POLLIN };
		if (poll(pfd, MAX_CONN + 1, -1) < 0)
			continue;	/* EINTR: the loop looks at stop */
		for (int i = 0; i < MAX_CONN; i++)
			if (pfd[i + 1].revents && on_readable(&s, &s.c[i]) < 0)
				drop(&s.c[i]);
		if (pfd[0].revents & POLLIN) {
			int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC), i;

			for (i = 0; fd >= 0 && i < MAX_CONN && s.c[i].fd >= 0; i++)
				;
			if (fd >= 0 && i < MAX_CONN) {
				s.c[i].fd = fd;
				s.connections++;
			}
			else if (fd >= 0)
				close(fd);
		}
	}
	printf("requests=%llu events=%llu bad=%llu wire_bytes=%llu body_bytes=%llu connections=%llu\n",
	       (unsigned long long)s.requests, (unsigned long long)s.events,
	       (unsigned long long)s.bad, (unsigned long long)s.wire_bytes,
	       (unsigned long long)s.body_bytes, (unsigned long long)s.connections);
	return 0;
}
