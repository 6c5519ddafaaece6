/*
 * plugins/gelf/gelf.c -- GELF 1.1 messages to Graylog over UDP or TCP.
 *
 * Options:
 *   address     (string, required)  "host:port" of the GELF input, e.g.
 *                                   "graylog.example.com:12201" or "[::1]:12201"
 *   transport   (string, "udp")     "udp" or "tcp"
 *   compress    (string, "none")    UDP only: "none", "zlib" or "gzip" (GELF TCP
 *                                   has no compression; tcp with anything but
 *                                   "none" is refused at start-up)
 *   chunk_size  (int, 1420)         UDP datagram size in bytes, chunk header
 *                                   included (128..65507); longer messages are
 *                                   sent as GELF chunks, at most 128 of them
 *   host        (string, node name) the GELF "host" field
 *   level       (int, 6)            syslog severity of audit events (0..7);
 *                                   loss reports use 4 (warning) or the
 *                                   configured level if that is more severe
 *   full_message (bool, false)      also send the event's JSON as full_message
 *   timeout_ms  (int, 5000)         connect and send timeout
 *
 * Example:
 *   outputs = ( { plugin = "gelf"; address = "graylog:12201"; compress = "gzip"; } );
 *
 * Each event becomes one GELF object:
 *   {"version":"1.1","host":"web1","short_message":"audit event 42 type=1300",
 *    "timestamp":1700000000.123,"level":6,"_sequence":42,
 *    "_audit_timestamp":"1700000000.123","_messages":"[{\"type\":1300,...}]",
 *    "_uid_map":"{\"0\":\"root\"}"}
 * The event's top-level JSON members become "_"-prefixed additional fields:
 * numbers and strings as they are, objects and arrays as their JSON text (GELF
 * fields are strings or numbers only).  Names that Graylog reserves (id,
 * timestamp, message, source, ...) get an "audit_" prefix.  A loss report
 * ({"type":"auditstream_loss",...}) becomes "auditstream loss: REASON
 * count=N" with its members as _loss_reason, _loss_count, ...
 *
 * Delivery.  UDP is fire and forget: a refused datagram (ICMP port
 * unreachable) gives RETRY -- on a local host the refused message itself is
 * sent again, from a remote one the refusal shows on the next send and the
 * message that caused it is lost -- and a datagram lost on the way is not
 * noticed.  A message that needs more than 128 chunks is given up
 * as "oversize" (host->drop), so it shows as a loss event.  TCP frames each
 * message with a NUL byte.  Before each batch the connection is checked for a
 * close by the peer (a GELF server never sends, so readable means closed), so
 * a server that shuts its input down gracefully loses nothing; a server that
 * crashes loses what it had received but not read -- GELF has no
 * acknowledgements.  Errors close the connection; the next write (after the
 * core's backoff) connects again.  SIGHUP (reopen) reconnects too, which picks
 * up DNS changes.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include <auditstream/plugin.h>
#include <auditstream/util.h>

#define CHUNK_HEADER 12		/* 0x1e 0x0f, 8-byte id, sequence, count */
#define MAX_CHUNKS 128
#define MAX_UDP 65507		/* largest IPv4 UDP payload */
#define TCP_SEND_UNIT 65536	/* bytes of frames gathered per send loop */

enum { COMPRESS_NONE, COMPRESS_ZLIB, COMPRESS_GZIP };


struct gelf_out {
	const struct auditstream_host *host;
	struct auditstream_ctx *ctx;
	const char *address;
	char hostname[256], port[8];	/* parsed from address */
	int tcp;
	int compress;
	size_t chunk_size;
	int level;
	int full_message;
	int timeout_ms;
	const char *gelf_host;
	int fd;
	int down;		/* the last attempt failed: quieter logs, "recovered" */
	unsigned rotate;	/* failures so far: which resolved address to try first */
	uint64_t next_id;	/* chunked message ids: random start, then +1 */
	struct auditstream_buf msg;	/* one GELF message */
	struct auditstream_buf z;		/* its compressed form */
	struct auditstream_buf out;	/* TCP: NUL-framed messages of one send unit */
	size_t *ends;		/* TCP: end offset in out of each framed message */
	size_t ends_cap;
	z_stream zs;
	int zs_ready;
};

static const char *const transports[] = { "udp", "tcp", NULL };
static const char *const compressions[] = { "none", "zlib", "gzip", NULL };

static const struct auditstream_option options[] = {
	{ .name = "address", .type = AUDITSTREAM_OPT_STRING, .default_value = NULL, .required = 1,
	  .help = "host:port of the GELF input" },
	{ .name = "transport", .type = AUDITSTREAM_OPT_STRING, .default_value = "udp", .required = 0,
	  .help = "\"udp\" or \"tcp\"", .choices = transports },
	{ .name = "compress", .type = AUDITSTREAM_OPT_STRING, .default_value = "none", .required = 0,
	  .help = "UDP compression: \"none\", \"zlib\" or \"gzip\"", .choices = compressions },
	{ .name = "chunk_size", .type = AUDITSTREAM_OPT_INT, .default_value = "1420", .required = 0,
	  .help = "UDP datagram size, 128..65507", .min = 128, .max = MAX_UDP },
	{ .name = "host", .type = AUDITSTREAM_OPT_STRING, .default_value = NULL, .required = 0,
	  .help = "GELF host field (default: the node name)" },
	{ .name = "level", .type = AUDITSTREAM_OPT_INT, .default_value = "6", .required = 0,
	  .help = "syslog severity of audit events, 0..7", .min = 0, .max = 7 },
	{ .name = "full_message", .type = AUDITSTREAM_OPT_BOOL, .default_value = "false", .required = 0,
	  .help = "also send the event JSON as full_message" },
	{ .name = "timeout_ms", .type = AUDITSTREAM_OPT_INT, .default_value = "5000", .required = 0,
	  .help = "connect and send timeout in ms", .min = 1, .max = 3600000 },
	{ 0 }
};

/* ------------------------------------------------------------- buffers */

/* Appends are unchecked: callers reserve the worst case first. */
static void gb_adds(struct auditstream_buf *b, const char *s)
{
	auditstream_buf_add(b, s, strlen(s));
}

/* s[0..n) as a JSON string, invalid UTF-8 as U+FFFD (util.h: the core's
 * rules, so what we send is valid UTF-8).  Needs 6n + 2 bytes reserved. */
static void add_string(struct auditstream_buf *b, const char *s, size_t n)
{
	auditstream_buf_add(b, "\"", 1);
	b->len += auditstream_json_escape(b->p + b->len, s, n);
	auditstream_buf_add(b, "\"", 1);
}

/* ------------------------------------------------- reading the event JSON */

/*
 * The events are the core's own JSON: one object whose members are numbers,
 * strings, objects and arrays.  We need only their top level, so a scanner
 * that finds where each value ends is enough; string tokens are copied as
 * they are, being valid JSON strings already.
 */
struct span {
	const char *p;
	size_t n;
};

static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* p at '"': returns just past the closing quote, or NULL. */
static const char *skip_string(const char *p, const char *end)
{
	for (p++; p < end; p++) {
		if (*p == '\\')
			p++;
		else if (*p == '"')
			return p + 1;
	}
	return NULL;
}

/* Returns just past the value starting at p, or NULL if it is malformed. */
static const char *skip_value(const char *p, const char *end)
{
	int depth = 0;

	if (p >= end)
		return NULL;
	do {
		if (p >= end)
			return NULL;
		if (*p == '"') {
			if (!(p = skip_string(p, end)))
				return NULL;
			continue;
		}
		if (*p == '{' || *p == '[') {
			depth++;
		} else if (*p == '}' || *p == ']') {
			if (--depth < 0)
				return NULL;
		} else if (depth == 0) {
			/* number or literal: up to a delimiter */
			while (p < end && !strchr(",}] \t\r\n", *p))
				p++;
			return p;
		}
		p++;
	} while (depth > 0);
	return p;
}

/* Reads the next "key":value of an object; *pp is after '{' or a value.
 * Returns 1 with key (without quotes) and val set, 0 at '}', -1 if malformed. */
static int next_member(const char **pp, const char *end, int first, struct span *key,
		       struct span *val)
{
	const char *p = skip_ws(*pp, end), *q;

	if (p < end && *p == '}')
		return 0;
	if (!first) {
		if (p >= end || *p != ',')
			return -1;
		p = skip_ws(p + 1, end);
	}
	if (p >= end || *p != '"' || !(q = skip_string(p, end)))
		return -1;
	key->p = p + 1;
	key->n = (size_t)(q - p) - 2;
	p = skip_ws(q, end);
	if (p >= end || *p != ':')
		return -1;
	p = skip_ws(p + 1, end);
	if (!(q = skip_value(p, end)) || q == p)
		return -1;
	val->p = p;
	val->n = (size_t)(q - p);
	*pp = q;
	return 1;
}

static int span_is(const struct span *s, const char *lit)
{
	return s->n == strlen(lit) && memcmp(s->p, lit, s->n) == 0;
}

/* Finds member `name` of the object in obj; 1 if found. */
static int find_member(struct span obj, const char *name, struct span *val)
{
	const char *p = obj.p + 1, *end = obj.p + obj.n;
	struct span k;
	int first = 1;

	if (obj.n < 2 || obj.p[0] != '{')
		return 0;
	while (next_member(&p, end, first, &k, val) == 1) {
		if (span_is(&k, name))
			return 1;
		first = 0;
	}
	return 0;
}

static int is_number(const struct span *v)
{
	return v->n && (v->p[0] == '-' || (v->p[0] >= '0' && v->p[0] <= '9'));
}

/* ----------------------------------------------------------- GELF object */

/* Names Graylog keeps for itself (an additional field is shown without its
 * underscore): ours get an "audit_" prefix instead of clashing. */
static int reserved_name(const struct span *k)
{
	static const char *const names[] = { "id", "timestamp", "message", "source",
		"full_message", "short_message", "level", "host", "version", "streams", NULL };

	for (const char *const *n = names; *n; n++)
		if (span_is(k, *n))
			return 1;
	return 0;
}

/* "_" + prefix + key, with characters outside GELF's [\w.-] made '_'. */
static void add_field_name(struct auditstream_buf *b, const char *prefix, const struct span *k)
{
	gb_adds(b, ",\"_");
	gb_adds(b, prefix);
	for (size_t i = 0; i < k->n; i++) {
		char c = k->p[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			 (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
		auditstream_buf_add(b, ok ? &c : "_", 1);
	}
	gb_adds(b, "\":");
}

/* One member as an additional field; null is left out (GELF has no null). */
static void add_field(struct auditstream_buf *b, int loss, const struct span *k, const struct span *v)
{
	char c = v->p[0];

	if (c == 'n' || (loss && span_is(k, "type")))
		return;
	add_field_name(b, loss ? "loss_" : reserved_name(k) ? "audit_" : "", k);
	if (c == '"' || is_number(v))
		auditstream_buf_add(b, v->p, v->n);
	else
		add_string(b, v->p, v->n);	/* object, array, true, false */
}

/* short_message: "audit event SERIAL type=T" (T of the first record) or
 * "auditstream loss: REASON count=N".  String insides are copied as they are:
 * the inside of a valid JSON string is valid inside another. */
static void add_short(struct auditstream_buf *b, const struct auditstream_event *ev, struct span obj,
		      int loss)
{
	struct span v, first;
	char num[48];

	gb_adds(b, ",\"short_message\":\"");
	if (loss) {
		gb_adds(b, "auditstream loss");
		if (find_member(obj, "reason", &v) && v.p[0] == '"') {
			gb_adds(b, ": ");
			auditstream_buf_add(b, v.p + 1, v.n - 2);
		}
		if (find_member(obj, "count", &v) && is_number(&v)) {
			gb_adds(b, " count=");
			auditstream_buf_add(b, v.p, v.n);
		}
	} else {
		snprintf(num, sizeof(num), "audit event %llu", (unsigned long long)ev->serial);
		gb_adds(b, num);
		if (find_member(obj, "messages", &v) && v.p[0] == '[') {
			const char *p = skip_ws(v.p + 1, v.p + v.n), *q;
			struct span t;

			first.p = p;
			q = skip_value(p, v.p + v.n);
			first.n = q ? (size_t)(q - p) : 0;
			if (q && find_member(first, "type", &t) && is_number(&t)) {
				gb_adds(b, " type=");
				auditstream_buf_add(b, t.p, t.n);
			}
		}
	}
	gb_adds(b, "\"");
}

/* Builds the GELF object of one event into g->msg. */
static int build_message(struct gelf_out *g, const struct auditstream_event *ev)
{
	struct auditstream_buf *b = &g->msg;
	struct span obj = { ev->json, ev->json_len }, k, v;
	const char *p = ev->json + 1, *end = ev->json + ev->json_len;
	int loss = (ev->flags & AUDITSTREAM_EVENT_LOSS) != 0, first = 1, rc;
	int64_t ns = ev->time_ns > 0 ? ev->time_ns : 0;
	char head[96];

	b->len = 0;
	/* Escaping grows text at most 6x; the JSON may appear three times
	 * (fields, full_message, _raw), field names add a few bytes each. */
	if (auditstream_buf_reserve(b, ev->json_len * 24 + strlen(g->gelf_host) * 6 + 512) < 0)
		return -ENOMEM;
	gb_adds(b, "{\"version\":\"1.1\",\"host\":");
	add_string(b, g->gelf_host, strlen(g->gelf_host));
	add_short(b, ev, obj, loss);
	snprintf(head, sizeof(head), ",\"timestamp\":%lld.%03lld,\"level\":%d",
		 (long long)(ns / 1000000000), (long long)(ns % 1000000000 / 1000000),
		 loss && g->level > 4 ? 4 : g->level);
	gb_adds(b, head);
	if (g->full_message) {
		gb_adds(b, ",\"full_message\":");
		add_string(b, ev->json, ev->json_len);
	}
	if (ev->json_len < 2 || ev->json[0] != '{') {
		rc = -1;
	} else {
		while ((rc = next_member(&p, end, first, &k, &v)) == 1) {
			add_field(b, loss, &k, &v);
			first = 0;
		}
	}
	if (rc < 0) {
		/* Not the object we expect: keep it whole rather than lose it. */
		g->host->count(g->ctx, "unparsed", 1);
		gb_adds(b, ",\"_raw\":");
		add_string(b, ev->json, ev->json_len);
	}
	gb_adds(b, "}");
	return 0;
}

/* Points *out at the bytes to send: the message, or its zlib/gzip form. */
static int compress_message(struct gelf_out *g, const char **out, size_t *len)
{
	if (g->compress == COMPRESS_NONE) {
		*out = g->msg.p;
		*len = g->msg.len;
		return 0;
	}
	g->z.len = 0;
	if (deflateReset(&g->zs) != Z_OK ||
	    auditstream_buf_reserve(&g->z, deflateBound(&g->zs, g->msg.len)) < 0)
		return -ENOMEM;
	g->zs.next_in = (Bytef *)g->msg.p;
	g->zs.avail_in = (uInt)g->msg.len;
	g->zs.next_out = (Bytef *)g->z.p;
	g->zs.avail_out = (uInt)g->z.cap;
	if (deflate(&g->zs, Z_FINISH) != Z_STREAM_END)
		return -EIO;
	*out = g->z.p;
	*len = g->z.cap - g->zs.avail_out;
	return 0;
}

/* ---------------------------------------------------------- connections */

static void close_conn(struct gelf_out *g)
{
	if (g->fd >= 0)
		close(g->fd);
	g->fd = -1;
}

/* A failure closes the connection; the first of a row is a warning, the
 * rest (one per backoff step while the peer is down) only debug. */
static void failed(struct gelf_out *g, const char *what, int err)
{
	g->host->log(g->ctx, g->down ? AUDITSTREAM_LOG_DEBUG : AUDITSTREAM_LOG_WARNING,
		     "%s %s (%s) failed: %s", what, g->address, g->tcp ? "tcp" : "udp",
		     strerror(-err));
	g->host->count(g->ctx, "send_errors", 1);
	g->down = 1;
	/* UDP "connects" to any address: after a failure start with the next
	 * one ("localhost" may give ::1 first while the server has 127.0.0.1). */
	g->rotate++;
	close_conn(g);
}

static int wait_connected(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	socklen_t len = sizeof(int);
	int r, err = 0;

	do
		r = poll(&pfd, 1, ms);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		return -ETIMEDOUT;
	if (r < 0)
		return -errno;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		return -errno;
	return -err;
}

/* Connects fd within the timeout and leaves it blocking with a send timeout. */
static int connect_fd(struct gelf_out *g, int fd, const struct addrinfo *ai)
{
	struct timeval tv = { g->timeout_ms / 1000, (g->timeout_ms % 1000) * 1000 };
	int rc = 0;

	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0)
		rc = errno == EINPROGRESS ? wait_connected(fd, g->timeout_ms) : -errno;
	if (rc == 0 && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0)
		rc = -errno;
	if (rc == 0 && setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0)
		rc = -errno;
	return rc;
}

/* Resolves the address again (DNS may have moved it) and connects; for UDP,
 * connect() only fixes the peer so that refusals are reported. */
static int open_conn(struct gelf_out *g)
{
	struct addrinfo hints = { .ai_socktype = g->tcp ? SOCK_STREAM : SOCK_DGRAM };
	struct addrinfo *res, *ai, *list[16];
	int rc = getaddrinfo(g->hostname, g->port, &hints, &res);
	size_t n = 0;

	if (rc != 0) {
		g->host->log(g->ctx, g->down ? AUDITSTREAM_LOG_DEBUG : AUDITSTREAM_LOG_WARNING,
			     "cannot resolve %s: %s", g->address, gai_strerror(rc));
		g->host->count(g->ctx, "send_errors", 1);
		g->down = 1;
		return -EHOSTUNREACH;
	}
	rc = -EHOSTUNREACH;
	for (ai = res; ai && n < sizeof(list) / sizeof(list[0]); ai = ai->ai_next)
		list[n++] = ai;
	for (size_t i = 0; i < n && g->fd < 0; i++) {
		int fd;

		ai = list[(g->rotate + i) % n];
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
				ai->ai_protocol);
		if (fd < 0) {
			rc = -errno;
			continue;
		}
		if ((rc = connect_fd(g, fd, ai)) == 0)
			g->fd = fd;
		else
			close(fd);
	}
	freeaddrinfo(res);
	if (rc < 0) {
		failed(g, "connect to", rc);
		return rc;
	}
	if (g->tcp)
		g->host->log(g->ctx, g->down ? AUDITSTREAM_LOG_NOTICE : AUDITSTREAM_LOG_INFO,
			     "connected to %s", g->address);
	return 0;
}

/* A GELF server never sends, so a readable TCP socket means it closed (or
 * reset) the connection; what it says otherwise is read and ignored. */
static int peer_closed(int fd)
{
	char buf[512];

	for (int i = 0; i < 64; i++) {
		ssize_t r = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (r == 0)
			return 1;
		if (r < 0 && errno != EINTR)
			return errno != EAGAIN && errno != EWOULDBLOCK;
	}
	return 0;
}

/* ------------------------------------------------------------------ UDP */

static int send_msg(int fd, struct iovec *iov, int n)
{
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = (size_t)n };
	ssize_t r;

	do
		r = sendmsg(fd, &mh, MSG_NOSIGNAL);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return errno == EAGAIN ? -ETIMEDOUT : -errno;
	return 0;
}

/* One message in one datagram, or in GELF chunks when it is bigger;
 * -EMSGSIZE when it needs more than 128. */
static int udp_send(struct gelf_out *g, const char *p, size_t n)
{
	size_t data = g->chunk_size - CHUNK_HEADER, count = (n + data - 1) / data;
	unsigned char hdr[CHUNK_HEADER] = { 0x1e, 0x0f };
	struct iovec iov[2] = { { (void *)p, n } };
	uint64_t id;
	int rc = 0;

	if (n <= g->chunk_size)
		return send_msg(g->fd, iov, 1);
	if (count > MAX_CHUNKS)
		return -EMSGSIZE;
	id = g->next_id++;
	for (int i = 0; i < 8; i++)
		hdr[2 + i] = (unsigned char)(id >> (56 - 8 * i));
	hdr[11] = (unsigned char)count;
	for (size_t i = 0; i < count && rc == 0; i++) {
		hdr[10] = (unsigned char)i;
		iov[0] = (struct iovec){ hdr, sizeof(hdr) };
		iov[1] = (struct iovec){ (void *)(p + i * data), i + 1 < count ? data : n - i * data };
		rc = send_msg(g->fd, iov, 2);
	}
	if (rc == 0)
		g->host->count(g->ctx, "chunked", 1);
	return rc;
}

/*
 * A refusal (ICMP port unreachable) is reported on the socket after the
 * datagram that caused it.  On a local host it is there before sendmsg()
 * returns, so asking at once keeps the refused message for the retry instead
 * of losing one message per attempt while the server is down; from a remote
 * host it comes later and fails the next send instead.
 */
static int refused(int fd)
{
	socklen_t len = sizeof(int);
	int err = 0;

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		return -errno;
	return -err;
}

static int udp_write(struct gelf_out *g, const struct auditstream_event *const *ev, size_t n,
		     size_t *done)
{
	for (*done = 0; *done < n; ++*done) {
		const char *p;
		size_t len;
		int rc;

		if (g->fd < 0 && open_conn(g) < 0)
			return AUDITSTREAM_RETRY;
		if (build_message(g, ev[*done]) < 0 || compress_message(g, &p, &len) < 0) {
			g->host->log(g->ctx, AUDITSTREAM_LOG_WARNING, "out of memory");
			return AUDITSTREAM_RETRY;
		}
		if ((rc = udp_send(g, p, len)) == 0)
			rc = refused(g->fd);
		if (rc == -EMSGSIZE) {
			g->host->log(g->ctx, AUDITSTREAM_LOG_WARNING,
				     "event %llu: a message of %zu bytes does not fit in %d chunks of %zu",
				     (unsigned long long)ev[*done]->serial, len, MAX_CHUNKS,
				     g->chunk_size);
			g->host->drop(g->ctx, 1, "oversize");
		} else if (rc < 0) {
			failed(g, "send to", rc);
			return AUDITSTREAM_RETRY;
		}
		g->down = 0;
	}
	return AUDITSTREAM_OK;
}

/* ------------------------------------------------------------------ TCP */

static int send_all(int fd, const char *p, size_t n, size_t *sent)
{
	while (*sent < n) {
		ssize_t r = send(fd, p + *sent, n - *sent, MSG_NOSIGNAL);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		*sent += (size_t)r;
	}
	return 0;
}

/* Frames events from ev[0] into g->out until it holds TCP_SEND_UNIT bytes;
 * returns how many, or -ENOMEM. */
static long frame_unit(struct gelf_out *g, const struct auditstream_event *const *ev, size_t n)
{
	size_t k = 0;

	g->out.len = 0;
	while (k < n && (k == 0 || g->out.len < TCP_SEND_UNIT)) {
		if (build_message(g, ev[k]) < 0 || auditstream_buf_reserve(&g->out, g->msg.len + 1) < 0)
			return -ENOMEM;
		auditstream_buf_add(&g->out, g->msg.p, g->msg.len);
		auditstream_buf_add(&g->out, "", 1);	/* the NUL frame delimiter */
		g->ends[k++] = g->out.len;
	}
	return (long)k;
}

static int tcp_write(struct gelf_out *g, const struct auditstream_event *const *ev, size_t n,
		     size_t *done)
{
	*done = 0;
	if (n > g->ends_cap) {
		size_t *e = realloc(g->ends, n * sizeof(*e));
		if (!e)
			return AUDITSTREAM_RETRY;
		g->ends = e;
		g->ends_cap = n;
	}
	if (g->fd >= 0 && peer_closed(g->fd)) {
		g->host->log(g->ctx, AUDITSTREAM_LOG_NOTICE, "%s closed the connection", g->address);
		close_conn(g);
	}
	if (g->fd < 0 && open_conn(g) < 0)
		return AUDITSTREAM_RETRY;
	while (*done < n) {
		long k = frame_unit(g, ev + *done, n - *done);
		size_t sent = 0, whole = 0;
		int rc;

		if (k < 0) {
			g->host->log(g->ctx, AUDITSTREAM_LOG_WARNING, "out of memory");
			return AUDITSTREAM_RETRY;
		}
		rc = send_all(g->fd, g->out.p, g->out.len, &sent);
		if (rc < 0) {
			/* Messages wholly in the socket count; a cut one is sent again
			 * whole on the next connection (the server drops the stub). */
			while (whole < (size_t)k && g->ends[whole] <= sent)
				whole++;
			*done += whole;
			failed(g, "send to", rc);
			return AUDITSTREAM_RETRY;
		}
		*done += (size_t)k;
	}
	g->down = 0;
	return AUDITSTREAM_OK;
}

static int gelf_write(void *inst, const struct auditstream_event *const *ev, size_t n,
		      size_t *done)
{
	struct gelf_out *g = inst;

	return g->tcp ? tcp_write(g, ev, n, done) : udp_write(g, ev, n, done);
}

/* --------------------------------------------------------------- set-up */

static int pick(const char *v, const char *const *names)
{
	for (int i = 0; names[i]; i++)
		if (strcmp(v, names[i]) == 0)
			return i;
	return -1;
}

/* Reads the options; checks what the option table cannot say (the address,
 * compression with TCP) and reports the first bad one. */
static int read_options(struct gelf_out *g)
{
	const struct auditstream_host *h = g->host;
	const char *transport = h->opt_string(g->ctx, "transport");
	const char *compress = h->opt_string(g->ctx, "compress");
	int64_t chunk = h->opt_int(g->ctx, "chunk_size"), level = h->opt_int(g->ctx, "level");
	int64_t timeout = h->opt_int(g->ctx, "timeout_ms");
	const char *bad = NULL, *why = NULL;

	g->address = h->opt_string(g->ctx, "address");
	g->gelf_host = h->opt_string(g->ctx, "host");
	if (!g->gelf_host || !*g->gelf_host)
		g->gelf_host = h->node(g->ctx);
	g->full_message = h->opt_bool(g->ctx, "full_message");
	g->tcp = pick(transport, transports) == 1;
	g->compress = pick(compress, compressions);
	if (auditstream_hostport_parse(g->address, g->hostname, sizeof(g->hostname), g->port,
				       sizeof(g->port)) < 0)
		bad = "address", why = "must be \"host:port\" (or \"[ipv6]:port\")";
	else if (g->tcp && g->compress != COMPRESS_NONE)
		bad = "compress", why = "must be \"none\" with transport \"tcp\" (GELF TCP is uncompressed)";
	if (bad) {
		auditstream_opt_error(h, g->ctx, bad, "%s", why);
		return -EINVAL;
	}
	g->chunk_size = (size_t)chunk;
	g->level = (int)level;
	g->timeout_ms = (int)timeout;
	return 0;
}

static void gelf_destroy(void *inst)
{
	struct gelf_out *g = inst;

	close_conn(g);
	if (g->zs_ready)
		deflateEnd(&g->zs);
	free(g->msg.p);
	free(g->z.p);
	free(g->out.p);
	free(g->ends);
	free(g);
}

/* --check-config and before create(): the values, no connection. */
static int gelf_check(const struct auditstream_host *host, struct auditstream_ctx *ctx)
{
	struct gelf_out g = { .host = host, .ctx = ctx, .fd = -1 };

	return read_options(&g);
}

static int gelf_create(const struct auditstream_host *host, struct auditstream_ctx *ctx,
		       void **inst)
{
	struct gelf_out *g = calloc(1, sizeof(*g));
	int rc;

	if (!g)
		return -ENOMEM;
	g->host = host;
	g->ctx = ctx;
	g->fd = -1;
	if ((rc = read_options(g)) < 0) {
		gelf_destroy(g);
		return rc;
	}
	/* Chunk ids must not repeat across restarts or senders: start at random. */
	if (getrandom(&g->next_id, sizeof(g->next_id), GRND_NONBLOCK) != sizeof(g->next_id))
		g->next_id = (uint64_t)time(NULL) << 32 ^ (uint64_t)getpid();
	if (g->compress != COMPRESS_NONE) {
		int bits = g->compress == COMPRESS_GZIP ? 15 + 16 : 15;
		if (deflateInit2(&g->zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, bits, 8,
				 Z_DEFAULT_STRATEGY) != Z_OK) {
			gelf_destroy(g);
			return -ENOMEM;
		}
		g->zs_ready = 1;
	}
	/* No connection yet: a server that is down at start-up is retried. */
	*inst = g;
	return 0;
}

static int gelf_reopen(void *inst)
{
	/* The next write resolves and connects again. */
	close_conn(inst);
	return 0;
}

static const struct auditstream_plugin plugin = {
	AUDITSTREAM_PLUGIN_HEADER,
	.name = "gelf",
	.version = PACKAGE_VERSION,
	.description = "GELF 1.1 to Graylog over UDP (chunked, compressed) or TCP",
	.options = options,
	.check = gelf_check,
	.create = gelf_create,
	.write = gelf_write,
	.reopen = gelf_reopen,
	.destroy = gelf_destroy,
};

const struct auditstream_plugin *auditstream_plugin_entry(void)
{
	return &plugin;
}
