/*
 * plugins/http/http.c -- POSTs batches of events to an HTTP(S) collector.
 *
 * Options:
 *   url                (string, required)   http:// or https:// URL to POST to
 *   body               (string, "ndjson")   "ndjson": one event per line
 *                                           (Content-Type: application/x-ndjson);
 *                                           "array": one JSON array per POST
 *                                           (Content-Type: application/json)
 *   max_events         (int, 500)           at most this many events per POST
 *   max_bytes          (int, 1048576)       at most this many body bytes per POST,
 *                                           counted before gzip; an event larger
 *                                           than this goes alone in its POST
 *   headers            (group, none)        extra request headers, name = "value"
 *   bearer_token       (string, none)       sends "Authorization: Bearer <token>"
 *   basic_user         (string, none)       HTTP basic authentication user...
 *   basic_password     (string, none)       ...and its password
 *   ca_file            (string, none)       PEM CA certificates to verify the
 *                                           server with (default: the system's)
 *   client_cert        (string, none)       PEM client certificate (mutual TLS)
 *   client_key         (string, none)       PEM key of client_cert (default: in
 *                                           the client_cert file)
 *   verify             (bool, true)         verify the server's certificate and
 *                                           host name
 *   gzip               (bool, false)        gzip the body (Content-Encoding: gzip)
 *   gzip_level         (int, 1)             zlib level, 1 (fastest) to 9 (smallest)
 *   timeout_ms         (int, 10000)         limit for a whole POST
 *   connect_timeout_ms (int, 5000)          limit for connecting, TLS included
 *
 * Example:
 *   outputs = ( { plugin = "http"; url = "https://collector.example:8443/audit";
 *                 bearer_token = "s3cret"; ca_file = "/etc/auditstream/ca.pem";
 *                 headers = { X-Source = "auditstream"; }; gzip = true; } );
 *
 * The core hands write() batches of up to queue.batch events; each batch goes
 * out as one or more POSTs of at most max_events events and max_bytes bytes.
 * Waiting for a batch to fill up (linger) is the core's business, not ours.
 * The core's loss events ({"type":"auditstream_loss",...}) go in POSTs of
 * their own, so a collector refusing audit events cannot refuse them too.
 * One curl easy handle lives as long as the instance, so the connection is
 * kept alive across POSTs and batches.
 *
 * What the collector's answer means, per POST:
 *   2xx                        delivered
 *   5xx, 408, 429, timeouts,   RETRY: the core backs off and calls again with
 *   connection and TLS errors  the events from this POST on
 *   other 4xx                  the collector refuses these events for good:
 *                              they are dropped (host->drop, reason "http_4xx",
 *                              a loss event follows in this output) and the
 *                              rest of the batch goes on
 *   anything else (3xx...)     RETRY; redirects are not followed
 * A failure is logged with the status and the start of the response body; the
 * same failure repeated while retrying is logged again only at debug level.
 *
 * SIGHUP (reopen) drops the connection and the TLS state, so the next POST
 * connects afresh and reads ca_file, client_cert and client_key again.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>
#ifdef HTTP_WITH_ZLIB
#include <zlib.h>
#endif

#include <auditstream/plugin.h>
#include <auditstream/util.h>

#define RESP_EXCERPT 160		/* bytes of a failed response that get logged */
#define MAX_BODY_BYTES (1L << 30)	/* zlib counts in 32 bits; a GiB is plenty */
#define MAX_TIMEOUT_MS 86400000L


struct http_out {
	const struct auditstream_host *host;
	struct auditstream_ctx *ctx;
	const char *url;
	int array;		/* body = "array" */
	int gzip, gzip_level;
	size_t max_events, max_bytes;
	long timeout_ms, connect_timeout_ms;
	int global_init;	/* curl_global_init() succeeded: undo it once */
	CURL *curl;
	struct curl_slist *headers;
	int user_content_type;	/* headers{} sets Content-Type: keep ours out */
	struct auditstream_buf body, gz;
#ifdef HTTP_WITH_ZLIB
	z_stream z;
	int z_ready;
#endif
	char resp[RESP_EXCERPT + 1];
	size_t resp_len;
	char errbuf[CURL_ERROR_SIZE];
	long last_fail;		/* HTTP status or -CURLcode last logged; 0: none */
};

static const char *const bodies[] = { "ndjson", "array", NULL };

static const struct auditstream_option options[] = {
	{ .name = "url", .type = AUDITSTREAM_OPT_STRING, .default_value = NULL, .required = 1,
	  .help = "http:// or https:// URL to POST events to" },
	{ .name = "body", .type = AUDITSTREAM_OPT_STRING, .default_value = "ndjson", .required = 0,
	  .help = "\"ndjson\" (one event per line) or \"array\" (a JSON array)", .choices = bodies },
	{ .name = "max_events", .type = AUDITSTREAM_OPT_INT, .default_value = "500", .required = 0,
	  .help = "most events in one POST", .min = 1, .max = 1000000 },
	{ .name = "max_bytes", .type = AUDITSTREAM_OPT_INT, .default_value = "1048576", .required = 0,
	  .help = "most body bytes in one POST (before gzip)", .min = 1, .max = MAX_BODY_BYTES },
	{ .name = "headers", .type = AUDITSTREAM_OPT_PASSTHROUGH, .default_value = NULL, .required = 0,
	  .help = "extra request headers: { Name = \"value\"; }" },
	{ .name = "bearer_token", .type = AUDITSTREAM_OPT_STRING, .default_value = NULL, .required = 0,
	  .help = "send Authorization: Bearer <token>" },
	{ .name = "basic_user", .type = AUDITSTREAM_OPT_STRING, .default_value = NULL, .required = 0,
	  .help = "HTTP basic authentication user" },
	{ .name = "basic_password", .type = AUDITSTREAM_OPT_STRING, .default_value = NULL, .required = 0,
	  .help = "HTTP basic authentication password" },
	{ .name = "ca_file", .type = AUDITSTREAM_OPT_STRING, .default_value = NULL, .required = 0,
	  .help = "PEM CA certificates to verify the server with" },
	{ .name = "client_cert", .type = AUDITSTREAM_OPT_STRING, .default_value = NULL, .required = 0,
	  .help = "PEM client certificate for mutual TLS" },
	{ .name = "client_key", .type = AUDITSTREAM_OPT_STRING, .default_value = NULL, .required = 0,
	  .help = "PEM private key of client_cert" },
	{ .name = "verify", .type = AUDITSTREAM_OPT_BOOL, .default_value = "true", .required = 0,
	  .help = "verify the server's certificate and host name" },
	{ .name = "gzip", .type = AUDITSTREAM_OPT_BOOL, .default_value = "false", .required = 0,
	  .help = "gzip request bodies (Content-Encoding: gzip)" },
	{ .name = "gzip_level", .type = AUDITSTREAM_OPT_INT, .default_value = "1", .required = 0,
	  .help = "zlib level: 1 (fastest) to 9 (smallest)", .min = 1, .max = 9 },
	{ .name = "timeout_ms", .type = AUDITSTREAM_OPT_INT, .default_value = "10000", .required = 0,
	  .help = "limit for a whole POST, in ms", .min = 1, .max = MAX_TIMEOUT_MS },
	{ .name = "connect_timeout_ms", .type = AUDITSTREAM_OPT_INT, .default_value = "5000", .required = 0,
	  .help = "limit for connecting (TLS included), in ms", .min = 1, .max = MAX_TIMEOUT_MS },
	{ 0 }
};

#define LOG(h, level, ...) (h)->host->log((h)->ctx, AUDITSTREAM_LOG_##level, __VA_ARGS__)
/* A bad value of option key: with file and line (check() and create()). */
#define BAD(h, key, ...) auditstream_opt_error((h)->host, (h)->ctx, key, __VA_ARGS__)

/* --------------------------------------------------------- validation */

static int check_url(struct http_out *h)
{
	CURLU *u = curl_url();
	char *scheme = NULL;
	CURLUcode uc;
	int rc = 0;

	if (!u)
		return -ENOMEM;
	if ((uc = curl_url_set(u, CURLUPART_URL, h->url, 0)) != CURLUE_OK) {
		BAD(h, "url", "\"%s\" is not a valid URL: %s", h->url, curl_url_strerror(uc));
		rc = -EINVAL;
	} else if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
		   (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0)) {
		BAD(h, "url", "\"%s\": the scheme must be http or https", h->url);
		rc = -EINVAL;
	}
	curl_free(scheme);
	curl_url_cleanup(u);
	return rc;
}

/* The option table holds the choices and ranges: the core checked them. */
static void read_limits(struct http_out *h)
{
	h->array = strcmp(h->host->opt_string(h->ctx, "body"), "array") == 0;
	h->max_events = (size_t)h->host->opt_int(h->ctx, "max_events");
	h->max_bytes = (size_t)h->host->opt_int(h->ctx, "max_bytes");
	h->gzip_level = (int)h->host->opt_int(h->ctx, "gzip_level");
	h->timeout_ms = (long)h->host->opt_int(h->ctx, "timeout_ms");
	h->connect_timeout_ms = (long)h->host->opt_int(h->ctx, "connect_timeout_ms");
}

/* A file option, when set, must be readable now: a typo should stop the
 * start, not turn into endless TLS retries. */
static int check_file(struct http_out *h, const char *name)
{
	const char *path = h->host->opt_string(h->ctx, name);

	if (path && access(path, R_OK) < 0) {
		int e = errno;
		BAD(h, name, "\"%s\": %s", path, strerror(e));
		return -e;
	}
	return 0;
}

static int check_tls_and_auth(struct http_out *h)
{
	struct auditstream_ctx *c = h->ctx;
	const struct auditstream_host *host = h->host;

	int rc = 0;

	if ((check_file(h, "ca_file") < 0) | (check_file(h, "client_cert") < 0) |
	    (check_file(h, "client_key") < 0))
		rc = -EINVAL;
	if (host->opt_string(c, "client_key") && !host->opt_string(c, "client_cert")) {
		BAD(h, "client_key", "is set but client_cert is not");
		rc = -EINVAL;
	}
	if (host->opt_string(c, "basic_password") && !host->opt_string(c, "basic_user")) {
		BAD(h, "basic_password", "is set but basic_user is not");
		rc = -EINVAL;
	}
	if (host->opt_string(c, "bearer_token") && host->opt_string(c, "basic_user")) {
		BAD(h, "bearer_token", "and basic_user exclude each other");
		rc = -EINVAL;
	}
	if (host->opt_string(c, "bearer_token") && strpbrk(host->opt_string(c, "bearer_token"), "\r\n")) {
		BAD(h, "bearer_token", "must be one line");
		rc = -EINVAL;
	}
	return rc;
}

/* ------------------------------------------------------------- headers */

static int add_line(struct http_out *h, const char *fmt, const char *a, const char *b)
{
	struct curl_slist *l;
	char *line;

	if (asprintf(&line, fmt, a, b) < 0)
		return -ENOMEM;
	l = curl_slist_append(h->headers, line);
	free(line);
	if (!l)
		return -ENOMEM;
	h->headers = l;
	return 0;
}

static int token_char(int c)
{
	return c > ' ' && c < 127 && !strchr("\"(),/:;<=>?@[\\]{}", c);
}

static int valid_header(const char *key, const char *value, void *arg)
{
	struct http_out *h = arg;
	const char *k;

	for (k = key; *k && token_char((unsigned char)*k); k++)
		;
	if (*k || k == key || strpbrk(value, "\r\n")) {
		BAD(h, "headers", "\"%s\" is not a valid header name and value", key);
		return -EINVAL;
	}
	return 0;
}

static int add_user_header(const char *key, const char *value, void *arg)
{
	struct http_out *h = arg;

	if (valid_header(key, value, arg) < 0)
		return -EINVAL;
	if (strcasecmp(key, "content-type") == 0)
		h->user_content_type = 1;
	/* curl drops "Name:" with nothing after it; "Name;" sends it empty. */
	return add_line(h, *value ? "%s: %s" : "%s;%s", key, value);
}

static int build_headers(struct http_out *h)
{
	const char *token = h->host->opt_string(h->ctx, "bearer_token");
	int rc;

	if ((rc = h->host->opt_foreach(h->ctx, "headers", add_user_header, h)) != 0)
		return rc < 0 ? rc : -EINVAL;
	if (token && (rc = add_line(h, "Authorization: Bearer %s%s", token, "")) < 0)
		return rc;
	if (!h->user_content_type &&
	    (rc = add_line(h, "Content-Type: %s%s",
			   h->array ? "application/json" : "application/x-ndjson", "")) < 0)
		return rc;
	if (h->gzip && (rc = add_line(h, "Content-Encoding: gzip%s%s", "", "")) < 0)
		return rc;
	/* No "Expect: 100-continue" round trip before large bodies. */
	return add_line(h, "Expect:%s%s", "", "");
}

/* --------------------------------------------------------- curl handle */

static size_t on_response(char *data, size_t size, size_t nmemb, void *arg)
{
	struct http_out *h = arg;
	size_t n = size * nmemb, room = RESP_EXCERPT - h->resp_len;

	/* Only the start is kept, for the log; the rest is read and dropped. */
	if (room) {
		memcpy(h->resp + h->resp_len, data, n < room ? n : room);
		h->resp_len += n < room ? n : room;
	}
	return n;
}

static int set_tls(struct http_out *h, CURL *c)
{
	const char *ca = h->host->opt_string(h->ctx, "ca_file");
	const char *cert = h->host->opt_string(h->ctx, "client_cert");
	const char *key = h->host->opt_string(h->ctx, "client_key");
	int verify = h->host->opt_bool(h->ctx, "verify");

	if (ca && curl_easy_setopt(c, CURLOPT_CAINFO, ca) != CURLE_OK)
		return -EINVAL;
	if (cert && curl_easy_setopt(c, CURLOPT_SSLCERT, cert) != CURLE_OK)
		return -EINVAL;
	if (key && curl_easy_setopt(c, CURLOPT_SSLKEY, key) != CURLE_OK)
		return -EINVAL;
	if (curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, verify ? 1L : 0L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, verify ? 2L : 0L) != CURLE_OK)
		return -EINVAL;
	return 0;
}

static int set_basic_auth(struct http_out *h, CURL *c)
{
	const char *user = h->host->opt_string(h->ctx, "basic_user");
	const char *pass = h->host->opt_string(h->ctx, "basic_password");

	if (!user)
		return 0;
	/* Basic alone: curl sends it with the first request, no 401 round trip. */
	if (curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_USERNAME, user) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_PASSWORD, pass ? pass : "") != CURLE_OK)
		return -EINVAL;
	return 0;
}

static int set_common(struct http_out *h, CURL *c)
{
	int bad = 0;

#if LIBCURL_VERSION_NUM >= 0x075500	/* 7.85 */
	bad |= curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK;
#else
	bad |= curl_easy_setopt(c, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS)) != CURLE_OK;
#endif
	bad |= curl_easy_setopt(c, CURLOPT_URL, h->url) != CURLE_OK;
	/* curl must not raise SIGALRM in the core's worker thread. */
	bad |= curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) != CURLE_OK;
	bad |= curl_easy_setopt(c, CURLOPT_HTTPHEADER, h->headers) != CURLE_OK;
	bad |= curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, h->timeout_ms) != CURLE_OK;
	bad |= curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, h->connect_timeout_ms) != CURLE_OK;
	bad |= curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L) != CURLE_OK;
	bad |= curl_easy_setopt(c, CURLOPT_USERAGENT, "auditstream/" PACKAGE_VERSION) != CURLE_OK;
	bad |= curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_response) != CURLE_OK;
	bad |= curl_easy_setopt(c, CURLOPT_WRITEDATA, h) != CURLE_OK;
	bad |= curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf) != CURLE_OK;
	return bad ? -EINVAL : 0;
}

static int open_handle(struct http_out *h)
{
	CURL *c = curl_easy_init();

	if (!c) {
		LOG(h, ERR, "cannot create a curl handle");
		return -ENOMEM;
	}
	if (set_common(h, c) < 0 || set_tls(h, c) < 0 || set_basic_auth(h, c) < 0) {
		LOG(h, ERR, "this libcurl (%s) lacks a needed feature (TLS?)", curl_version());
		curl_easy_cleanup(c);
		return -ENOTSUP;
	}
	h->curl = c;
	return 0;
}

/* ---------------------------------------------------------------- body */

/*
 * Puts the longest prefix of ev[0..n) that fits the limits (at least one
 * event) into h->body; returns how many events it took, 0 if out of memory.
 * The core's loss events never share a POST with audit events: a collector
 * that rejects a POST (4xx) for its audit events would take the report of
 * an earlier loss down with it, unseen.
 */
static size_t build_body(struct http_out *h, const struct auditstream_event *const *ev, size_t n)
{
	uint32_t kind = ev[0]->flags & AUDITSTREAM_EVENT_LOSS;
	size_t k, len = h->array ? 2 : 0;
	char *p;

	for (k = 0; k < n && k < h->max_events; k++) {
		size_t add = ev[k]->json_len + 1;	/* '\n' or ',' */
		if (k > 0 && (len + add > h->max_bytes ||
			      (ev[k]->flags & AUDITSTREAM_EVENT_LOSS) != kind))
			break;
		len += add;
	}
	h->body.len = 0;
	if (auditstream_buf_reserve(&h->body, len) < 0)
		return 0;
	p = h->body.p;
	if (h->array)
		*p++ = '[';
	for (size_t i = 0; i < k; i++) {
		if (h->array && i > 0)
			*p++ = ',';
		memcpy(p, ev[i]->json, ev[i]->json_len);
		p += ev[i]->json_len;
		if (!h->array)
			*p++ = '\n';
	}
	if (h->array)
		*p++ = ']';
	h->body.len = (size_t)(p - h->body.p);
	return k;
}

#ifdef HTTP_WITH_ZLIB
static int gzip_init(struct http_out *h)
{
	/* windowBits 15 + 16: a gzip wrapper, not raw zlib.  The level is 1 by
	 * default: at zlib's default, 6, deflate was most of the daemon's CPU
	 * (bench/RESULTS.md, issue 18: sinks). */
	if (deflateInit2(&h->z, h->gzip_level, Z_DEFLATED, 15 + 16, 8,
			 Z_DEFAULT_STRATEGY) != Z_OK)
		return -ENOMEM;
	h->z_ready = 1;
	return 0;
}

static int gzip_body(struct http_out *h)
{
	uLong bound;

	if (deflateReset(&h->z) != Z_OK)
		return -EIO;
	bound = deflateBound(&h->z, (uLong)h->body.len);
	h->gz.len = 0;
	if (auditstream_buf_reserve(&h->gz, bound) < 0)
		return -ENOMEM;
	h->z.next_in = (Bytef *)h->body.p;
	h->z.avail_in = (uInt)h->body.len;
	h->z.next_out = (Bytef *)h->gz.p;
	h->z.avail_out = (uInt)bound;
	if (deflate(&h->z, Z_FINISH) != Z_STREAM_END)
		return -EIO;
	h->gz.len = h->z.total_out;
	return 0;
}
#else
static int gzip_init(struct http_out *h)
{
	LOG(h, ERR, "gzip = true, but this plugin was built without zlib");
	return -ENOTSUP;
}

static int gzip_body(struct http_out *h)
{
	(void)h;
	return -ENOTSUP;
}
#endif

/* ---------------------------------------------------------------- POST */

/* Sends h->body (gzipped if asked); returns the HTTP status, or -CURLcode. */
static long post(struct http_out *h)
{
	const struct auditstream_buf *b = &h->body;
	long status = 0;
	CURLcode cc;

	if (h->gzip) {
		if (gzip_body(h) < 0)
			return -(long)CURLE_OUT_OF_MEMORY;
		b = &h->gz;
	}
	h->resp_len = 0;
	h->errbuf[0] = '\0';
	curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, b->p);
	curl_easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)b->len);
	if ((cc = curl_easy_perform(h->curl)) != CURLE_OK)
		return -(long)cc;
	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &status);
	h->host->count(h->ctx, "posts", 1);
	h->host->count(h->ctx, "bytes_sent", b->len);
	return status;
}

/* The response excerpt as one printable line. */
static const char *excerpt(struct http_out *h)
{
	h->resp[h->resp_len] = '\0';
	for (size_t i = 0; i < h->resp_len; i++)
		if ((unsigned char)h->resp[i] < ' ' || (unsigned char)h->resp[i] == 127)
			h->resp[i] = ' ';
	return h->resp_len ? h->resp : "(empty body)";
}

/* Logs a failed POST; the same failure again (a retry) only at debug level. */
static void log_failure(struct http_out *h, long status, size_t k, int dropped)
{
	int level = status == h->last_fail ? AUDITSTREAM_LOG_DEBUG : AUDITSTREAM_LOG_WARNING;
	const char *what = dropped ? "dropped" : "will be retried";

	h->last_fail = status;
	h->host->count(h->ctx, "post_errors", 1);
	if (status < 0)
		h->host->log(h->ctx, level, "POST of %zu events failed (%s): %s%s%s", k, what,
			     curl_easy_strerror((CURLcode)-status), h->errbuf[0] ? ": " : "",
			     h->errbuf);
	else
		h->host->log(h->ctx, level, "POST of %zu events: HTTP %ld (%s): %s", k, status,
			     what, excerpt(h));
}

/* Statuses that mean "these events, never": 4xx but timeout and throttling. */
static int rejects_for_good(long status)
{
	return status >= 400 && status < 500 && status != 408 && status != 429;
}

static uint64_t audit_events(const struct auditstream_event *const *ev, size_t k)
{
	uint64_t n = 0;

	for (size_t i = 0; i < k; i++)
		n += !(ev[i]->flags & AUDITSTREAM_EVENT_LOSS);
	return n;
}

/* One POST of ev[0..k) (already in h->body): OK when they are done with,
 * delivered or given up for good, else RETRY. */
static int send_events(struct http_out *h, const struct auditstream_event *const *ev, size_t k)
{
	long status = post(h);

	if (status >= 200 && status < 300) {
		if (h->last_fail)
			LOG(h, NOTICE, "the collector accepts events again");
		h->last_fail = 0;
		return AUDITSTREAM_OK;
	}
	if (rejects_for_good(status)) {
		log_failure(h, status, k, 1);
		/* Only audit events count: a refused POST of loss events (never
		 * mixed with audit events) has nobody left to tell. */
		h->host->drop(h->ctx, audit_events(ev, k), "http_4xx");
		return AUDITSTREAM_OK;
	}
	log_failure(h, status, k, 0);
	return AUDITSTREAM_RETRY;
}

static int http_write(void *inst, const struct auditstream_event *const *ev, size_t n, size_t *done)
{
	struct http_out *h = inst;

	*done = 0;
	if (!h->curl && open_handle(h) < 0)
		return AUDITSTREAM_RETRY;
	while (*done < n) {
		size_t k = build_body(h, ev + *done, n - *done);
		int rc;

		if (k == 0) {
			LOG(h, WARNING, "out of memory for a POST body");
			return AUDITSTREAM_RETRY;
		}
		if ((rc = send_events(h, ev + *done, k)) != AUDITSTREAM_OK)
			return rc;
		*done += k;
	}
	return AUDITSTREAM_OK;
}

/* ----------------------------------------------------------- lifecycle */

/* Every value the option table cannot judge; all mistakes at once. */
static int check_values(struct http_out *h)
{
	int rc = 0;

	if (check_url(h) < 0)
		rc = -EINVAL;
	if (check_tls_and_auth(h) < 0)
		rc = -EINVAL;
	if (h->host->opt_foreach(h->ctx, "headers", valid_header, h) != 0)
		rc = -EINVAL;
	return rc;
}

/* --check-config and before create(): no connection, no curl handle. */
static int http_check(const struct auditstream_host *host, struct auditstream_ctx *ctx)
{
	struct http_out h = { .host = host, .ctx = ctx, .url = host->opt_string(ctx, "url") };

	return check_values(&h);
}

static void http_destroy(void *inst)
{
	struct http_out *h = inst;

	if (h->curl)
		curl_easy_cleanup(h->curl);
	curl_slist_free_all(h->headers);
	auditstream_buf_free(&h->body);
	auditstream_buf_free(&h->gz);
#ifdef HTTP_WITH_ZLIB
	if (h->z_ready)
		deflateEnd(&h->z);
#endif
	if (h->global_init)
		curl_global_cleanup();
	free(h);
}

static int http_create(const struct auditstream_host *host, struct auditstream_ctx *ctx, void **inst)
{
	struct http_out *h = calloc(1, sizeof(*h));
	int rc;

	if (!h)
		return -ENOMEM;
	h->host = host;
	h->ctx = ctx;
	h->url = host->opt_string(ctx, "url");
	h->gzip = host->opt_bool(ctx, "gzip");
	/* Reference-counted by libcurl; thread-safe since 7.84. */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		LOG(h, ERR, "curl_global_init failed");
		free(h);
		return -ENOMEM;
	}
	h->global_init = 1;
	read_limits(h);
	if (!host->opt_bool(ctx, "verify"))
		LOG(h, WARNING, "verify = false: the server's certificate is not checked");
	if ((rc = check_values(h)) < 0 || (rc = build_headers(h)) < 0 ||
	    (h->gzip && (rc = gzip_init(h)) < 0) || (rc = open_handle(h)) < 0) {
		http_destroy(h);
		return rc;
	}
	*inst = h;
	return 0;
}

static int http_reopen(void *inst)
{
	struct http_out *h = inst;

	/* A fresh handle: new connection, new TLS session, files read again. */
	if (h->curl)
		curl_easy_cleanup(h->curl);
	h->curl = NULL;
	/* On failure the next write() tries again, with backoff. */
	return open_handle(h);
}

static const struct auditstream_plugin plugin = {
	AUDITSTREAM_PLUGIN_HEADER,
	.name = "http",
	.version = PACKAGE_VERSION,
	.description = "POSTs batches of events to an HTTP(S) collector",
	.options = options,
	.check = http_check,
	.create = http_create,
	.write = http_write,
	.reopen = http_reopen,
	.destroy = http_destroy,
};

const struct auditstream_plugin *auditstream_plugin_entry(void)
{
	return &plugin;
}
