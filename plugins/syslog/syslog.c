/*
 * plugins/syslog/syslog.c -- events as syslog messages, to the local syslog
 * socket or to a remote daemon over UDP or TCP (go-audit's default output).
 *
 * Options:
 *   network          (string, "unix")     "unix", "udp" or "tcp"
 *   socket_path      (string, "/dev/log")  the local socket (network "unix")
 *   socket_type      (string, "dgram")     "dgram" or "stream" (network "unix")
 *   address          (string, none)        "host:port" or "[v6addr]:port";
 *                                          required for udp and tcp
 *   facility         (string, "local0")    kern user mail daemon auth syslog lpr
 *                                          news uucp cron authpriv ftp local0..local7
 *   severity         (string, "info")      emerg alert crit err warning notice
 *                                          info debug (also "error", "warn")
 *   loss_severity    (string, "warning")   severity of the core's loss events
 *                                          ({"type":"auditstream_loss",...})
 *   tag              (string, "auditstream")  APP-NAME / TAG: 1-48 printable
 *                                          ASCII characters, none of ": [ ]"
 *   protocol         (string, "rfc3164")   "rfc3164" (BSD) or "rfc5424" header
 *   framing          (string, "auto")      stream transports only: "octet"
 *                                          (RFC 6587 "LEN SP MSG") or "lf"
 *                                          (MSG '\n'); auto: octet on tcp, lf on
 *                                          a unix stream socket
 *   max_message_size (int, 0 = auto)       largest syslog message (header and
 *                                          JSON, without framing), 480..16 MiB;
 *                                          auto: 8192 on datagram transports
 *                                          (unix dgram, udp: rsyslog's default
 *                                          limit, no IP fragment trouble), 65536
 *                                          on stream transports; at most 65507
 *                                          for udp.  Set it to the receiver's
 *                                          limit (rsyslog: global(maxMessageSize))
 *   oversize         (string, "drop")      what happens to a bigger event:
 *                                          "drop" gives it up and reports it
 *                                          in-band (a loss event with reason
 *                                          "oversize", rejected=N in the stats);
 *                                          "truncate" sends the first bytes, cut
 *                                          at a UTF-8 character boundary (no
 *                                          longer valid JSON; counted as
 *                                          "truncated").  drop is the default:
 *                                          a cut JSON breaks its consumer,
 *                                          while a loss event says what went
 *                                          missing, and where in the stream
 *   timeout_ms       (int, 5000)           timeout of connect() and of each send
 *                                          (SO_SNDTIMEO): a stuck daemon gives a
 *                                          retry, never a hang
 *
 * Example:
 *   outputs = ( { plugin = "syslog"; format = "goaudit"; } );     # /dev/log
 *   outputs = ( { plugin = "syslog"; network = "tcp"; address = "logs.example:514";
 *                 protocol = "rfc5424"; facility = "authpriv"; } );
 *
 * Messages.  rfc3164: "<PRI>Mmm dd hh:mm:ss HOST TAG[PID]: JSON", the time is
 * the event's, in local time; on a unix socket HOST is left out, as glibc's
 * syslog(3) does, because the local daemon (rsyslog's imuxsock by default)
 * does not expect one and would take it for the tag.  rfc5424:
 * "<PRI>1 TIME HOST TAG PID MSGID - JSON" with TIME the event's in UTC,
 * MSGID "audit" or "loss".  HOST is the configured node name.  (For rfc5424
 * on a local socket the daemon must parse it: rsyslog needs
 * UseSpecialParser="off" on its imuxsock input.)
 *
 * Delivery.  Events go out in order, one message each.  A send error closes
 * the socket and answers RETRY with the events sent so far; the next write
 * reconnects (after a restart of the daemon, say).  A send timeout on a stream
 * keeps the connection and resumes inside the message it stopped in, so a
 * frame is never cut or doubled on one connection.  Before each batch a stream
 * socket is checked for the peer having closed it, so events are not written
 * into a connection the daemon already left.  What this cannot see: messages
 * the kernel accepted that the daemon never read because it died (its socket
 * queue, TCP buffers in flight), and any UDP loss; syslog has no
 * acknowledgements (use RELP or another sink where that matters).
 * reopen (SIGHUP) reconnects.
 *
 * Counters (in the stats line): connects, send_errors, send_timeouts,
 * oversize (dropped), truncated.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <auditstream/plugin.h>
#include <auditstream/util.h>

#define MAX_HEADER 512			/* longest header we build, with slack */
#define MIN_MESSAGE 480			/* RFC 3164/5426: every receiver takes 480 */
#define MAX_MESSAGE (16 << 20)
#define MAX_UDP 65507			/* IPv4 payload limit */
#define CHUNK_FRAMES 1024		/* frames per send on a stream */
#define CHUNK_BYTES (256 << 10)		/* ...or bytes, whichever comes first */

enum network { NET_UNIX, NET_UDP, NET_TCP };


struct syslog_out {
	const struct auditstream_host *host;
	struct auditstream_ctx *ctx;
	enum network net;
	int stream;		/* SOCK_STREAM transport */
	int octet;		/* octet-counting framing (else LF) */
	int rfc5424;
	int truncate;		/* oversize = "truncate" */
	int facility, severity, loss_severity;
	const char *path, *tag;
	char rhost[256], rport[32];	/* network udp/tcp */
	char hostname[256];	/* header-safe node name */
	size_t max_size;
	int timeout_ms;
	long pid;

	int fd;
	int failing;		/* the last attempt failed: log quietly until it works */
	/* Bytes of resume_ev's frame already sent on this stream connection. */
	size_t resume;
	const struct auditstream_event *resume_ev;
	uint64_t resume_serial;
	struct auditstream_buf out;
	size_t ends[CHUNK_FRAMES];	/* end offset of each frame in out */
};

/* The values of the options with a fixed list, in the order of their enums. */
static const char *const nets[] = { "unix", "udp", "tcp", NULL };
static const char *const types[] = { "dgram", "stream", NULL };
static const char *const framings[] = { "auto", "octet", "lf", NULL };
static const char *const policies[] = { "drop", "truncate", NULL };
static const char *const protocols[] = { "rfc3164", "rfc5424", NULL };

static const struct auditstream_option options[] = {
	{ .name = "network", .type = AUDITSTREAM_OPT_STRING, .default_value = "unix", .required = 0,
	  .help = "transport: unix, udp or tcp", .choices = nets },
	{ .name = "socket_path", .type = AUDITSTREAM_OPT_STRING, .default_value = "/dev/log", .required = 0,
	  .help = "local syslog socket (network unix)" },
	{ .name = "socket_type", .type = AUDITSTREAM_OPT_STRING, .default_value = "dgram", .required = 0,
	  .help = "dgram or stream (network unix)", .choices = types },
	{ .name = "address", .type = AUDITSTREAM_OPT_STRING, .default_value = NULL, .required = 0,
	  .help = "host:port of the daemon (network udp or tcp)" },
	{ .name = "facility", .type = AUDITSTREAM_OPT_STRING, .default_value = "local0", .required = 0,
	  .help = "syslog facility name" },
	{ .name = "severity", .type = AUDITSTREAM_OPT_STRING, .default_value = "info", .required = 0,
	  .help = "syslog severity of audit events" },
	{ .name = "loss_severity", .type = AUDITSTREAM_OPT_STRING, .default_value = "warning", .required = 0,
	  .help = "syslog severity of loss events" },
	{ .name = "tag", .type = AUDITSTREAM_OPT_STRING, .default_value = "auditstream", .required = 0,
	  .help = "tag / APP-NAME" },
	{ .name = "protocol", .type = AUDITSTREAM_OPT_STRING, .default_value = "rfc3164", .required = 0,
	  .help = "header format: rfc3164 or rfc5424", .choices = protocols },
	{ .name = "framing", .type = AUDITSTREAM_OPT_STRING, .default_value = "auto", .required = 0,
	  .help = "stream framing: octet, lf or auto", .choices = framings },
	{ .name = "max_message_size", .type = AUDITSTREAM_OPT_INT, .default_value = "0", .required = 0,
	  .help = "largest message in bytes (0: per transport)" },
	{ .name = "oversize", .type = AUDITSTREAM_OPT_STRING, .default_value = "drop", .required = 0,
	  .help = "bigger events: drop (reported) or truncate", .choices = policies },
	{ .name = "timeout_ms", .type = AUDITSTREAM_OPT_INT, .default_value = "5000", .required = 0,
	  .help = "connect and send timeout", .min = 1, .max = 3600000 },
	{ 0 }
};

struct name_code {
	const char *name;
	int code;
};

static const struct name_code facilities[] = {
	{ "kern", 0 }, { "user", 1 }, { "mail", 2 }, { "daemon", 3 }, { "auth", 4 },
	{ "syslog", 5 }, { "lpr", 6 }, { "news", 7 }, { "uucp", 8 }, { "cron", 9 },
	{ "authpriv", 10 }, { "ftp", 11 }, { "local0", 16 }, { "local1", 17 },
	{ "local2", 18 }, { "local3", 19 }, { "local4", 20 }, { "local5", 21 },
	{ "local6", 22 }, { "local7", 23 }, { NULL, 0 }
};

static const struct name_code severities[] = {
	{ "emerg", 0 }, { "alert", 1 }, { "crit", 2 }, { "err", 3 }, { "error", 3 },
	{ "warning", 4 }, { "warn", 4 }, { "notice", 5 }, { "info", 6 }, { "debug", 7 },
	{ NULL, 0 }
};

static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
				      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/* ------------------------------------------------------------ options */

static int lookup(const struct name_code *t, const char *name)
{
	for (; t->name; t++)
		if (strcmp(t->name, name) == 0)
			return t->code;
	return -1;
}

/* Index of `value` in the NULL-terminated `choices`, or -1 (logged). */
static int choice(struct syslog_out *s, const char *key, const char *const *choices)
{
	const char *v = s->host->opt_string(s->ctx, key);

	for (int i = 0; choices[i]; i++)
		if (strcmp(v, choices[i]) == 0)
			return i;
	auditstream_opt_error(s->host, s->ctx, key, "unknown value \"%s\"", v);
	return -1;
}

static int named_code(struct syslog_out *s, const char *key, const struct name_code *t)
{
	const char *v = s->host->opt_string(s->ctx, key);
	int c = lookup(t, v);

	if (c < 0)
		auditstream_opt_error(s->host, s->ctx, key, "unknown name \"%s\"", v);
	return c;
}

static int valid_tag(const char *t)
{
	size_t n = strlen(t);

	if (n == 0 || n > 48)
		return 0;
	for (; *t; t++)
		if (*t < 33 || *t > 126 || *t == ':' || *t == '[' || *t == ']')
			return 0;
	return 1;
}

/* The node name as a header field: printable ASCII without spaces. */
static void set_hostname(struct syslog_out *s, const char *node)
{
	size_t i;

	for (i = 0; node && node[i] && i < sizeof(s->hostname) - 1; i++)
		s->hostname[i] = node[i] > 32 && node[i] < 127 ? node[i] : '-';
	if (i == 0)
		s->hostname[i++] = '-';
	s->hostname[i] = '\0';
}

static int parse_transport(struct syslog_out *s)
{
	const char *addr = s->host->opt_string(s->ctx, "address");
	int net = choice(s, "network", nets), type = choice(s, "socket_type", types);
	int framing = choice(s, "framing", framings);

	if (net < 0 || type < 0 || framing < 0)
		return -EINVAL;
	s->net = (enum network)net;
	s->path = s->host->opt_string(s->ctx, "socket_path");
	if (s->net == NET_UNIX) {
		struct sockaddr_un sa;
		if (addr) {
			auditstream_opt_error(s->host, s->ctx, "address", "only for network \"udp\" or \"tcp\"; network \"unix\" uses socket_path");
			return -EINVAL;
		}
		if (!*s->path || strlen(s->path) >= sizeof(sa.sun_path)) {
			auditstream_opt_error(s->host, s->ctx, "socket_path", "empty or longer than %zu bytes",
				     sizeof(sa.sun_path) - 1);
			return -EINVAL;
		}
		s->stream = type == 1;
	} else {
		if (type == 1) {
			auditstream_opt_error(s->host, s->ctx, "socket_type", "only for network \"unix\"");
			return -EINVAL;
		}
		if (!addr || auditstream_hostport_parse(addr, s->rhost, sizeof(s->rhost), s->rport,
						 sizeof(s->rport)) < 0) {
			auditstream_opt_error(s->host, s->ctx, "address", "network \"%s\" needs \"host:port\" (or \"[v6addr]:port\"), got %s%s%s",
				     nets[net], addr ? "\"" : "", addr ? addr : "none", addr ? "\"" : "");
			return -EINVAL;
		}
		s->stream = s->net == NET_TCP;
	}
	if (!s->stream && framing != 0) {
		auditstream_opt_error(s->host, s->ctx, "framing", "only for stream transports (tcp, unix stream); datagrams carry one message each");
		return -EINVAL;
	}
	s->octet = framing == 1 || (framing == 0 && s->net == NET_TCP);
	return 0;
}

static int parse_limits(struct syslog_out *s)
{
	int64_t max = s->host->opt_int(s->ctx, "max_message_size");
	int64_t limit = s->net == NET_UDP ? MAX_UDP : MAX_MESSAGE;
	int64_t tmo = s->host->opt_int(s->ctx, "timeout_ms");
	int policy = choice(s, "oversize", policies);

	if (policy < 0)
		return -EINVAL;
	s->truncate = policy == 1;
	if (max == 0)
		max = s->stream ? 65536 : 8192;
	if (max < MIN_MESSAGE || max > limit) {
		auditstream_opt_error(s->host, s->ctx, "max_message_size", "%lld is not in %d..%lld%s",
			     (long long)max, MIN_MESSAGE, (long long)limit,
			     s->net == NET_UDP ? " (the UDP limit)" : "");
		return -EINVAL;
	}
	s->max_size = (size_t)max;
	if (tmo < 1 || tmo > 3600 * 1000) {
		auditstream_opt_error(s->host, s->ctx, "timeout_ms", "%lld is not in 1..3600000",
			     (long long)tmo);
		return -EINVAL;
	}
	s->timeout_ms = (int)tmo;
	return 0;
}

static int parse_message(struct syslog_out *s)
{
	int proto = choice(s, "protocol", protocols);

	s->facility = named_code(s, "facility", facilities);
	s->severity = named_code(s, "severity", severities);
	s->loss_severity = named_code(s, "loss_severity", severities);
	s->tag = s->host->opt_string(s->ctx, "tag");
	if (proto < 0 || s->facility < 0 || s->severity < 0 || s->loss_severity < 0)
		return -EINVAL;
	if (!valid_tag(s->tag)) {
		auditstream_opt_error(s->host, s->ctx, "tag", "\"%s\" must be 1-48 printable ASCII characters without spaces, ':', '[' or ']'",
			     s->tag);
		return -EINVAL;
	}
	s->rfc5424 = proto == 1;
	return 0;
}

/* ------------------------------------------------------------ sockets */

static const char *target(const struct syslog_out *s, char *b, size_t len)
{
	static const char *const names[] = { "unix", "udp", "tcp" };

	if (s->net == NET_UNIX)
		snprintf(b, len, "%s (%s)", s->path, s->stream ? "stream" : "dgram");
	else
		snprintf(b, len, "%s %s:%s", names[s->net], s->rhost, s->rport);
	return b;
}

/* The first failure in a row is a warning, the rest are debug noise. */
static void complain(struct syslog_out *s, const char *what, int err)
{
	char t[400];

	s->host->log(s->ctx, s->failing ? AUDITSTREAM_LOG_DEBUG : AUDITSTREAM_LOG_WARNING,
		     "%s %s: %s", what, target(s, t, sizeof(t)), strerror(err));
	s->failing = 1;
}

static void disconnect(struct syslog_out *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	/* A frame cut short on the old connection goes whole on the next. */
	s->resume = 0;
	s->resume_ev = NULL;
}

/* connect() that gives up after timeout_ms; returns 0 or -errno. */
static int connect_timeout(int fd, const struct sockaddr *sa, socklen_t len, int ms)
{
	int fl = fcntl(fd, F_GETFL), rc, err = 0;
	socklen_t elen = sizeof(err);
	struct pollfd p = { .fd = fd, .events = POLLOUT };

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	rc = connect(fd, sa, len);
	if (rc < 0 && errno == EINPROGRESS) {
		do
			rc = poll(&p, 1, ms);
		while (rc < 0 && errno == EINTR);
		if (rc == 0)
			return -ETIMEDOUT;
		if (rc < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0)
			return -errno;
		if (err)
			return -err;
	} else if (rc < 0) {
		return -errno;
	}
	return fcntl(fd, F_SETFL, fl) < 0 ? -errno : 0;
}

static int open_socket(struct syslog_out *s, int family, const struct sockaddr *sa, socklen_t len)
{
	int type = (s->stream ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC;
	struct timeval tv = { s->timeout_ms / 1000, (s->timeout_ms % 1000) * 1000 };
	int fd = socket(family, type, 0), rc;

	if (fd < 0)
		return -errno;
	if ((rc = connect_timeout(fd, sa, len, s->timeout_ms)) < 0 ||
	    (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0 && (rc = -errno))) {
		close(fd);
		return rc;
	}
	return fd;
}

static int connect_unix(struct syslog_out *s)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	strcpy(sa.sun_path, s->path);	/* length checked in create */
	return open_socket(s, AF_UNIX, (struct sockaddr *)&sa, sizeof(sa));
}

/*
 * Resolves on every connect, so a daemon that moved is found again.  A name
 * that does not resolve is logged here and sets *logged.
 */
static int connect_inet(struct syslog_out *s, int *logged)
{
	struct addrinfo hints = { .ai_socktype = s->stream ? SOCK_STREAM : SOCK_DGRAM };
	struct addrinfo *res, *ai;
	int rc = getaddrinfo(s->rhost, s->rport, &hints, &res), fd = -EHOSTUNREACH;

	if (rc != 0) {
		s->host->log(s->ctx, s->failing ? AUDITSTREAM_LOG_DEBUG : AUDITSTREAM_LOG_WARNING,
			     "cannot resolve %s:%s: %s", s->rhost, s->rport, gai_strerror(rc));
		s->failing = 1;
		*logged = 1;
		return -EHOSTUNREACH;
	}
	for (ai = res; ai; ai = ai->ai_next)
		if ((fd = open_socket(s, ai->ai_family, ai->ai_addr, ai->ai_addrlen)) >= 0)
			break;
	freeaddrinfo(res);
	return fd;
}

static int connect_target(struct syslog_out *s)
{
	int logged = 0, fd = s->net == NET_UNIX ? connect_unix(s) : connect_inet(s, &logged);
	char t[400];

	if (fd < 0) {
		if (!logged)
			complain(s, "cannot connect to", -fd);
		return fd;
	}
	s->fd = fd;
	s->host->count(s->ctx, "connects", 1);
	s->host->log(s->ctx, s->failing ? AUDITSTREAM_LOG_NOTICE : AUDITSTREAM_LOG_INFO,
		     "connected to %s", target(s, t, sizeof(t)));
	s->failing = 0;
	return 0;
}

/*
 * A syslog daemon never writes to us: a readable stream socket means it
 * closed the connection (or reset it).  Sending into it would "succeed" and
 * be lost, so look before each batch.
 */
static int peer_closed(struct syslog_out *s)
{
	struct pollfd p = { .fd = s->fd, .events = POLLIN | POLLRDHUP };
	char scratch[512];
	ssize_t r;

	if (poll(&p, 1, 0) <= 0)
		return 0;
	if (p.revents & (POLLERR | POLLHUP | POLLRDHUP))
		return 1;
	r = recv(s->fd, scratch, sizeof(scratch), MSG_DONTWAIT);
	return r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR);
}

/* ----------------------------------------------------------- messages */

/* Writes the header of ev's message into h; returns its length. */
static size_t format_header(const struct syslog_out *s, const struct auditstream_event *ev,
			    char *h)
{
	int loss = (ev->flags & AUDITSTREAM_EVENT_LOSS) != 0;
	int pri = s->facility * 8 + (loss ? s->loss_severity : s->severity);
	int64_t ns = ev->time_ns > 0 ? ev->time_ns : 0;
	time_t sec = (time_t)(ns / 1000000000);
	struct tm tm;
	int n;

	if (s->rfc5424) {
		gmtime_r(&sec, &tm);
		n = snprintf(h, MAX_HEADER, "<%d>1 %04d-%02d-%02dT%02d:%02d:%02d.%03dZ %s %s %ld %s - ",
			     pri, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
			     tm.tm_min, tm.tm_sec, (int)(ns / 1000000 % 1000), s->hostname,
			     s->tag, s->pid, loss ? "loss" : "audit");
	} else {
		localtime_r(&sec, &tm);
		n = snprintf(h, MAX_HEADER, "<%d>%s %2d %02d:%02d:%02d %s%s%s[%ld]: ", pri,
			     months[tm.tm_mon], tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			     s->net == NET_UNIX ? "" : s->hostname, s->net == NET_UNIX ? "" : " ",
			     s->tag, s->pid);
	}
	return n < 0 ? 0 : (size_t)n < MAX_HEADER ? (size_t)n : MAX_HEADER - 1;
}

/*
 * How much of ev's JSON goes into its message after a header of hlen bytes:
 * all of it, a prefix cut at a UTF-8 character boundary (truncate), or
 * nothing at all (0: the event is to be dropped).
 */
static size_t payload_len(const struct syslog_out *s, const struct auditstream_event *ev,
			  size_t hlen)
{
	size_t room = s->max_size > hlen ? s->max_size - hlen : 0, n;

	if (hlen + ev->json_len <= s->max_size)
		return ev->json_len;
	if (!s->truncate)
		return 0;
	n = room;
	while (n > 0 && ((unsigned char)ev->json[n] & 0xC0) == 0x80)
		n--;
	return n;
}

/*
 * Appends ev's frame to s->out.  Returns 1 if appended, 2 if appended
 * truncated, 0 if the event is oversize and to be dropped (nothing appended),
 * -ENOMEM.
 */
static int append_frame(struct syslog_out *s, const struct auditstream_event *ev)
{
	char h[MAX_HEADER], len[24];
	size_t hlen = format_header(s, ev, h), plen = payload_len(s, ev, hlen), llen = 0;
	struct auditstream_buf *b = &s->out;

	if (plen == 0)
		return 0;
	if (s->stream && s->octet)
		llen = (size_t)snprintf(len, sizeof(len), "%zu ", hlen + plen);
	if (auditstream_buf_reserve(b, llen + hlen + plen + 1) < 0)
		return -ENOMEM;
	memcpy(b->p + b->len, len, llen);
	memcpy(b->p + b->len + llen, h, hlen);
	memcpy(b->p + b->len + llen + hlen, ev->json, plen);
	b->len += llen + hlen + plen;
	if (s->stream && !s->octet)
		b->p[b->len++] = '\n';
	return plen < ev->json_len ? 2 : 1;
}

/* Gives up on an event that cannot fit, reported in-band by the core. */
static void drop_oversize(struct syslog_out *s, const struct auditstream_event *ev)
{
	s->host->log(s->ctx, AUDITSTREAM_LOG_INFO,
		     "event %llu of %zu bytes does not fit max_message_size %zu: dropped",
		     (unsigned long long)ev->serial, ev->json_len, s->max_size);
	s->host->count(s->ctx, "oversize", 1);
	s->host->drop(s->ctx, 1, "oversize");
}

/* ------------------------------------------------------------- writing */

static int write_dgram(struct syslog_out *s, const struct auditstream_event *const *ev, size_t n,
		       size_t *done)
{
	while (*done < n) {
		const struct auditstream_event *e = ev[*done];
		int r;

		s->out.len = 0;
		if ((r = append_frame(s, e)) < 0)
			return AUDITSTREAM_RETRY;
		if (r > 0 && send(s->fd, s->out.p, s->out.len, MSG_NOSIGNAL) < 0) {
			int err = errno;
			if (err == EINTR)
				continue;
			if (err != EMSGSIZE) {
				/* ECONNREFUSED, ENOENT: the daemon is gone; EAGAIN: stuck. */
				complain(s, "cannot send to", err);
				s->host->count(s->ctx, "send_errors", 1);
				disconnect(s);
				return AUDITSTREAM_RETRY;
			}
			r = 0;	/* more than this socket takes at all */
		}
		if (r == 0)
			drop_oversize(s, e);
		else if (r == 2)
			s->host->count(s->ctx, "truncated", 1);
		(*done)++;
	}
	return AUDITSTREAM_OK;
}

/*
 * Builds the frames of ev[0..n) into s->out, up to a chunk, stopping before
 * an event to be dropped; returns how many, or -ENOMEM if none.
 */
static ssize_t fill_frames(struct syslog_out *s, const struct auditstream_event *const *ev,
			   size_t n, unsigned char *truncated)
{
	size_t k = 0;

	s->out.len = 0;
	while (k < n && k < CHUNK_FRAMES && s->out.len < CHUNK_BYTES) {
		int r = append_frame(s, ev[k]);
		if (r < 0)
			return k ? (ssize_t)k : r;
		if (r == 0)
			break;
		truncated[k] = r == 2;
		s->ends[k++] = s->out.len;
	}
	return (ssize_t)k;
}

/* Sends all of p[0..len); *sent says how much went out, even on error. */
static int send_all(int fd, const char *p, size_t len, size_t *sent)
{
	*sent = 0;
	while (*sent < len) {
		ssize_t w = send(fd, p + *sent, len - *sent, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		*sent += (size_t)w;
	}
	return 0;
}

static int stream_failed(struct syslog_out *s, int err)
{
	if (err == EAGAIN || err == EWOULDBLOCK) {
		/* The daemon is slow or stuck: keep the connection, and the
		 * place in the frame, for the next try. */
		complain(s, "send timed out to", ETIMEDOUT);
		s->host->count(s->ctx, "send_timeouts", 1);
	} else {
		complain(s, "cannot send to", err);
		s->host->count(s->ctx, "send_errors", 1);
		disconnect(s);
	}
	return AUDITSTREAM_RETRY;
}

static int write_stream(struct syslog_out *s, const struct auditstream_event *const *ev,
			size_t n, size_t *done)
{
	unsigned char truncated[CHUNK_FRAMES];

	while (*done < n) {
		ssize_t k = fill_frames(s, ev + *done, n - *done, truncated);
		size_t sent, pos, full = 0;
		int rc;

		if (k < 0)
			return AUDITSTREAM_RETRY;
		if (s->resume && (k == 0 || s->resume >= s->ends[0])) {
			/* Cannot happen: frames are built the same way every time. */
			s->host->log(s->ctx, AUDITSTREAM_LOG_ERR, "resumed frame changed; reconnecting");
			disconnect(s);
			return AUDITSTREAM_RETRY;
		}
		if (k == 0) {	/* everything before it is out */
			drop_oversize(s, ev[(*done)++]);
			continue;
		}
		rc = send_all(s->fd, s->out.p + s->resume, s->out.len - s->resume, &sent);
		pos = s->resume + sent;
		for (; full < (size_t)k && s->ends[full] <= pos; full++)
			if (truncated[full])
				s->host->count(s->ctx, "truncated", 1);
		*done += full;
		s->resume = full < (size_t)k ? pos - (full ? s->ends[full - 1] : 0) : 0;
		s->resume_ev = s->resume ? ev[*done] : NULL;
		s->resume_serial = s->resume ? ev[*done]->serial : 0;
		if (rc < 0)
			return stream_failed(s, -rc);
	}
	return AUDITSTREAM_OK;
}

/* Makes sure a stream connection is fit to carry the next frame. */
static void check_stream(struct syslog_out *s, const struct auditstream_event *first)
{
	if (s->resume && (first != s->resume_ev || first->serial != s->resume_serial)) {
		/* The core gave up on the event we were in the middle of
		 * (drain time over): only a new connection starts clean. */
		s->host->log(s->ctx, AUDITSTREAM_LOG_WARNING,
			     "a partly sent message was abandoned; reconnecting");
		disconnect(s);
	} else if (peer_closed(s)) {
		s->host->log(s->ctx, AUDITSTREAM_LOG_NOTICE, "the daemon closed the connection; reconnecting");
		disconnect(s);
	}
}

static int syslog_write(void *inst, const struct auditstream_event *const *ev, size_t n,
			size_t *done)
{
	struct syslog_out *s = inst;
	int rc;

	*done = 0;
	if (s->fd >= 0 && s->stream)
		check_stream(s, ev[0]);
	if (s->fd < 0 && connect_target(s) < 0)
		return AUDITSTREAM_RETRY;
	rc = s->stream ? write_stream(s, ev, n, done) : write_dgram(s, ev, n, done);
	if (rc == AUDITSTREAM_OK)
		s->failing = 0;	/* the next failure is news again */
	return rc;
}

/* ----------------------------------------------------------- lifetime */

static void syslog_destroy(void *inst)
{
	struct syslog_out *s = inst;

	disconnect(s);
	auditstream_buf_free(&s->out);
	free(s);
}

/* The values, all mistakes at once; no socket. */
static int parse_options(struct syslog_out *s)
{
	return (parse_transport(s) < 0) | (parse_limits(s) < 0) | (parse_message(s) < 0) ? -EINVAL : 0;
}

/* --check-config and before create(). */
static int syslog_check(const struct auditstream_host *host, struct auditstream_ctx *ctx)
{
	struct syslog_out s = { .host = host, .ctx = ctx, .fd = -1 };

	return parse_options(&s);
}

static int syslog_create(const struct auditstream_host *host, struct auditstream_ctx *ctx,
			 void **inst)
{
	struct syslog_out *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->host = host;
	s->ctx = ctx;
	s->fd = -1;
	s->pid = (long)getpid();
	if (parse_options(s) < 0) {
		syslog_destroy(s);
		return -EINVAL;
	}
	set_hostname(s, host->node(ctx));
	/* A daemon that is not up yet is no config error: write() retries. */
	connect_target(s);
	*inst = s;
	return 0;
}

static int syslog_reopen(void *inst)
{
	struct syslog_out *s = inst;

	disconnect(s);
	return connect_target(s);
}

static const struct auditstream_plugin plugin = {
	AUDITSTREAM_PLUGIN_HEADER,
	.name = "syslog",
	.version = PACKAGE_VERSION,
	.description = "syslog messages to a local socket or a remote daemon (udp, tcp)",
	.options = options,
	.check = syslog_check,
	.create = syslog_create,
	.write = syslog_write,
	.reopen = syslog_reopen,
	.destroy = syslog_destroy,
};

const struct auditstream_plugin *auditstream_plugin_entry(void)
{
	return &plugin;
}
