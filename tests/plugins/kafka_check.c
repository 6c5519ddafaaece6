/*
 * tests/plugins/kafka_check.c -- the kafka sink against real Kafka brokers.
 *
 * Hosts a librdkafka mock cluster (3 brokers on loopback, ports chosen by
 * the kernel, speaking the real Kafka protocol) in this process, runs the
 * daemon on auditd text with the kafka output pointed at it, and reads the
 * topic back with a consumer (assign() from the beginning):
 *
 *   plain    1 partition, no key: exactly the N events, once, in order,
 *            each valid JSON with its 3 records
 *   keyed    3 partitions, key = "serial": every event once, its key its
 *            serial, each partition in order, the keys spread out
 *   bynode   2 partitions, key = "node": every event once, keyed with the
 *            node name, all in one partition, in order
 *   toolarge one event above message.max.bytes: refused for good (not
 *            retried for ever), the others arrive in order, and a loss event
 *            with reason "rejected" in the topic tells of it
 *   fatal    the cluster answers the producer id request with an error the
 *            idempotent producer takes as fatal: a new producer delivers
 *            all events once, in order
 *   outage   all brokers down while the daemon is producing from a FIFO,
 *            then up again: every event arrives (duplicates at most one
 *            batch, first copies in order), the stats show retries > 0, the
 *            daemon exits 0 with nothing dropped or undelivered
 *
 * Exit status as automake wants: 0 pass, 1 fail, 77 skip.  Needs the env
 * variable top_builddir (make check sets it).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

extern char **environ;

#define BROKERS 3
#define BATCH 64		/* the output's queue.batch: the duplicate bound */
#define DAEMON_TIMEOUT_S 60
#define NODE "kafka-check-node"
#define BIG_TITLE 1200	/* bytes: above message.max.bytes = 1000 */

#define SEQ_BAD -1	/* not the JSON we sent */
#define SEQ_LOSS -2	/* the core's loss event */

struct msg {
	int32_t partition;
	int64_t seq;		/* the event's serial, or SEQ_* */
	char reason[32];	/* of a loss event */
	double count;		/* of a loss event */
	char key[32];
	int has_key;
};

struct msgs {
	struct msg *v;
	size_t n, cap;
};

struct env {
	char dir[PATH_MAX];
	char daemon[PATH_MAX];
	char plugdir[PATH_MAX];
	rd_kafka_t *host_rk;		/* hosts the mock cluster */
	rd_kafka_mock_cluster_t *mc;
	const char *bootstrap;
};

static int failf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int failf(const char *fmt, ...)
{
	va_list ap;

	fputs("FAIL: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* --------------------------------------------------------------- input */

/* n 3-record events in auditd text, serials first.. (tests/lib/common.sh);
 * the one of serial `big` has a proctitle of BIG_TITLE bytes. */
static int write_events(int fd, uint64_t first, size_t n, uint64_t big)
{
	static char title[2 * BIG_TITLE + 1];

	if (!title[0])
		for (size_t i = 0; i < 2 * BIG_TITLE; i++)
			title[i] = i % 2 ? '1' : '4';	/* "AAA..." in hex */
	for (size_t i = 0; i < n; i++) {
		char buf[4096];
		unsigned ms = (unsigned)(i % 1000);
		uint64_t s = first + i;
		int len = snprintf(buf, sizeof(buf),
			"type=SYSCALL msg=audit(1700000000.%03u:%" PRIu64 "): arch=c000003e syscall=110 "
			"success=yes exit=1 a0=0 a1=0 a2=0 a3=0 items=0 ppid=1 pid=2 auid=0 uid=0 gid=0 "
			"euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=1 comm=\"load\" "
			"exe=\"/usr/bin/load\" key=\"t\"\n"
			"type=CWD msg=audit(1700000000.%03u:%" PRIu64 "): cwd=\"/\"\n"
			"type=PROCTITLE msg=audit(1700000000.%03u:%" PRIu64 "): proctitle=%s\n",
			ms, s, ms, s, ms, s, s == big ? title : "6C6F6164");

		for (int off = 0; off < len;) {
			ssize_t w = write(fd, buf + off, (size_t)(len - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				return failf("writing events: %s", strerror(errno));
			off += (int)w;
		}
	}
	return 0;
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (!f)
		return failf("%s: %s", path, strerror(errno));
	ok = fputs(text, f) >= 0;
	ok = fclose(f) == 0 && ok;
	return ok ? 0 : failf("writing %s", path);
}

static const char *output_extra = "";	/* core keys for the next config (a spool) */

static int write_config(struct env *e, const char *path, const char *topic, const char *key,
			const char *props)
{
	char text[PATH_MAX + 2048];

	snprintf(text, sizeof(text),
		 "plugin_dir = \"%s\";\n"
		 "log_level = \"info\";\n"
		 "node = \"%s\";\n"
		 "shutdown = { drain_time_ms = 30000; };\n"
		 "outputs = ( {\n"
		 "  name = \"kafka\"; plugin = \"kafka\";\n"
		 "  brokers = \"%s\"; topic = \"%s\"; key = \"%s\"; timeout_ms = 1500;\n"
		 "  queue = { size = 100000; batch = %d; };\n"
		 "  retry = { initial_ms = 50; max_ms = 500; };\n"
		 /* linger_ms: the '_' for '.' spelling of linger.ms */
		 "  properties = { linger_ms = 5; reconnect_backoff_max_ms = 500; %s };\n"
		 "  %s\n"
		 "} );\n",
		 e->plugdir, NODE, e->bootstrap, topic, key, BATCH, props, output_extra);
	return write_file(path, text);
}

/* ------------------------------------------------------------ the daemon */

static int spawn_daemon(struct env *e, const char *conf, const char *input, const char *errlog,
			pid_t *pid)
{
	char *argv[] = { e->daemon, "-c", (char *)conf, "--replay", (char *)input, NULL };
	posix_spawn_file_actions_t fa;
	int rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, errlog, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	rc = posix_spawn(pid, e->daemon, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	return rc ? failf("cannot start %s: %s", e->daemon, strerror(rc)) : 0;
}

/* Waits for the daemon; kills it after timeout_s.  Returns its exit status. */
static int wait_daemon(pid_t pid, int timeout_s)
{
	int64_t end = now_ms() + timeout_s * 1000L;
	int st;

	for (;;) {
		pid_t r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			break;
		if (r < 0)
			return failf("waitpid: %s", strerror(errno));
		if (now_ms() > end) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			return failf("the daemon did not finish within %d s", timeout_s);
		}
		sleep_ms(50);
	}
	if (!WIFEXITED(st))
		return failf("the daemon died of signal %d", WTERMSIG(st));
	return WEXITSTATUS(st);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *s = NULL;
	size_t len = 0, got;
	char buf[4096];

	if (!f)
		return NULL;
	while ((got = fread(buf, 1, sizeof(buf), f)) > 0) {
		char *t = realloc(s, len + got + 1);
		if (!t)
			break;
		s = t;
		memcpy(s + len, buf, got);
		len += got;
	}
	if (s)
		s[len] = '\0';
	fclose(f);
	return s ? s : strdup("");
}

static void show_log(const char *path)
{
	char *s = slurp(path);

	fprintf(stderr, "--- daemon log %s ---\n%s--- end ---\n", path, s ? s : "(none)");
	free(s);
}

static int log_contains(const char *path, const char *needle)
{
	char *s = slurp(path);
	int found = s && strstr(s, needle);

	free(s);
	return found;
}

struct stats {
	unsigned long long enqueued, written, dropped, undelivered, retries, loss_events, rejected;
};

/* The daemon's final stats line of output "kafka". */
static int read_stats(const char *path, struct stats *st)
{
	static const char tag[] = "output kafka: enqueued=";
	char *s = slurp(path), *p, *last = NULL;
	int n = 0;

	for (p = s; p && (p = strstr(p, tag)) != NULL; p++)
		last = p;
	if (last)
		n = sscanf(last, "output kafka: enqueued=%llu written=%llu dropped=%llu "
			   "undelivered=%llu retries=%llu loss_events=%llu rejected=%llu",
			   &st->enqueued, &st->written, &st->dropped, &st->undelivered,
			   &st->retries, &st->loss_events, &st->rejected);
	/* The conservation law, as the daemon checked it (tests/lib/common.sh
	 * check_law checks the sums from the same line for the shell tests). */
	if (n == 7 && (!(p = strchr(last, '\n')) || !memmem(last, (size_t)(p - last), " law=ok", 7)))
		n = -1;
	free(s);
	return n == 7 ? 0 : failf("no stats line with law=ok for output kafka in %s", path);
}

/* ------------------------------------------------------------- consuming */

/* {"type":"auditstream_loss","reason":..,"count":..}: keeps reason and count. */
static int parse_loss(struct msg *x, const cJSON *j)
{
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(j, "type");
	const cJSON *reason = cJSON_GetObjectItemCaseSensitive(j, "reason");
	const cJSON *count = cJSON_GetObjectItemCaseSensitive(j, "count");

	if (!cJSON_IsString(type) || strcmp(type->valuestring, "auditstream_loss") != 0 ||
	    !cJSON_IsString(reason) || !cJSON_IsNumber(count))
		return 0;
	x->seq = SEQ_LOSS;
	snprintf(x->reason, sizeof(x->reason), "%s", reason->valuestring);
	x->count = count->valuedouble;
	return 1;
}

static int msgs_add(struct msgs *m, const rd_kafka_message_t *km)
{
	struct msg *x;
	cJSON *j, *seq, *recs;

	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 1024;
		struct msg *v = realloc(m->v, cap * sizeof(*v));
		if (!v)
			return failf("out of memory");
		m->v = v;
		m->cap = cap;
	}
	x = &m->v[m->n++];
	memset(x, 0, sizeof(*x));
	x->partition = km->partition;
	x->seq = SEQ_BAD;
	if (km->key && km->key_len < sizeof(x->key)) {
		memcpy(x->key, km->key, km->key_len);
		x->has_key = 1;
	}
	j = cJSON_ParseWithLength(km->payload, km->len);
	if (parse_loss(x, j)) {
		cJSON_Delete(j);
		return 0;
	}
	seq = cJSON_GetObjectItemCaseSensitive(j, "sequence");
	recs = cJSON_GetObjectItemCaseSensitive(j, "messages");
	/* The JSON is intact: the serial and all three records with their types. */
	if (cJSON_IsNumber(seq) && cJSON_GetArraySize(recs) == 3 &&
	    cJSON_GetObjectItem(cJSON_GetArrayItem(recs, 0), "type")->valuedouble == 1300 &&
	    cJSON_GetObjectItem(cJSON_GetArrayItem(recs, 1), "type")->valuedouble == 1307 &&
	    cJSON_GetObjectItem(cJSON_GetArrayItem(recs, 2), "type")->valuedouble == 1327)
		x->seq = (int64_t)seq->valuedouble;
	else
		fprintf(stderr, "# bad message: %.*s\n", (int)km->len, (const char *)km->payload);
	cJSON_Delete(j);
	return 0;
}

static rd_kafka_t *consumer_new(struct env *e, const char *topic, int partitions)
{
	rd_kafka_conf_t *c = rd_kafka_conf_new();
	rd_kafka_topic_partition_list_t *tp = rd_kafka_topic_partition_list_new(partitions);
	rd_kafka_t *rk;
	char err[512];

	if (rd_kafka_conf_set(c, "bootstrap.servers", e->bootstrap, err, sizeof(err)) ||
	    rd_kafka_conf_set(c, "group.id", "auditstream-check", err, sizeof(err)) ||
	    rd_kafka_conf_set(c, "enable.auto.commit", "false", err, sizeof(err)) ||
	    rd_kafka_conf_set(c, "enable.partition.eof", "true", err, sizeof(err)) ||
	    /* quiet about the outage the test makes */
	    rd_kafka_conf_set(c, "log_level", "2", err, sizeof(err)) ||
	    !(rk = rd_kafka_new(RD_KAFKA_CONSUMER, c, err, sizeof(err)))) {
		rd_kafka_conf_destroy(c);
		rd_kafka_topic_partition_list_destroy(tp);
		failf("consumer: %s", err);
		return NULL;
	}
	for (int p = 0; p < partitions; p++)
		rd_kafka_topic_partition_list_add(tp, topic, p)->offset = RD_KAFKA_OFFSET_BEGINNING;
	if (rd_kafka_assign(rk, tp)) {
		failf("assign failed");
		rd_kafka_destroy(rk);
		rk = NULL;
	}
	rd_kafka_topic_partition_list_destroy(tp);
	return rk;
}

static void consumer_free(rd_kafka_t *rk)
{
	if (!rk)
		return;
	rd_kafka_consumer_close(rk);
	rd_kafka_destroy(rk);
}

/* Reads until at least `want` messages are in and every partition is at
 * its end (so nothing more is there), or timeout_s passes. */
static int consume(rd_kafka_t *rk, int partitions, struct msgs *m, size_t want, int timeout_s)
{
	int64_t end = now_ms() + timeout_s * 1000L;
	int eof[16] = { 0 }, all;

	do {
		rd_kafka_message_t *km = rd_kafka_consumer_poll(rk, 200);

		if (km && km->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
			if (km->partition >= 0 && km->partition < 16)
				eof[km->partition] = 1;
		} else if (km && km->err) {
			/* Transient while brokers are down: the consumer retries. */
			fprintf(stderr, "# consumer: %s\n", rd_kafka_message_errstr(km));
		} else if (km) {
			if (km->partition >= 0 && km->partition < 16)
				eof[km->partition] = 0;
			if (msgs_add(m, km) < 0) {
				rd_kafka_message_destroy(km);
				return -1;
			}
		}
		if (km)
			rd_kafka_message_destroy(km);
		all = 1;
		for (int p = 0; p < partitions; p++)
			all = all && eof[p];
		if (all && m->n >= want)
			return 0;
	} while (now_ms() < end);
	return failf("consumed %zu messages within %d s, wanted %zu", m->n, timeout_s, want);
}

/* -------------------------------------------------------------- checking */

/* seen[s - first] counts copies of serial s; bad serials fail, and so do
 * loss events unless want_loss. */
static int count_serials(const struct msgs *m, uint64_t first, size_t n, unsigned *seen,
			 int want_loss)
{
	for (size_t i = 0; i < m->n; i++) {
		int64_t s = m->v[i].seq;
		if (s == SEQ_LOSS && want_loss)
			continue;
		if (s < (int64_t)first || s >= (int64_t)(first + n))
			return failf("message %zu: sequence %" PRId64 " is not one we sent", i, s);
		seen[s - (int64_t)first]++;
	}
	return 0;
}

static int check_all_seen(const unsigned *seen, uint64_t first, size_t n, uint64_t skip)
{
	for (size_t k = 0; k < n; k++)
		if (!seen[k] && first + k != skip)
			return failf("serial %" PRIu64 " never arrived", first + k);
	return 0;
}

/* Within each partition, first copies come in serial order. */
static int check_order(const struct msgs *m, int partitions)
{
	for (int p = 0; p < partitions; p++) {
		int64_t high = -1;
		size_t k = 0;
		for (size_t i = 0; i < m->n; i++) {
			const struct msg *x = &m->v[i];
			int dup = 0;
			if (x->partition != p || x->seq < 0)	/* loss events have none */
				continue;
			for (size_t j = 0; j < i && !dup; j++)
				dup = m->v[j].seq == x->seq;
			if (dup)	/* counted by the callers */
				continue;
			if (x->seq < high)
				return failf("partition %d: serial %" PRId64 " after %" PRId64
					     " (position %zu)", p, x->seq, high, k);
			high = x->seq;
			k++;
		}
	}
	return 0;
}

/* The key each message must carry. */
static int check_key(const struct msg *x, const char *mode)
{
	char want[32];

	if (strcmp(mode, "none") == 0)
		return x->has_key ? failf("serial %" PRId64 " has a key, but key = \"none\"", x->seq) : 0;
	if (strcmp(mode, "node") == 0)
		snprintf(want, sizeof(want), "%s", NODE);
	else
		snprintf(want, sizeof(want), "%" PRId64, x->seq);
	if (!x->has_key || strcmp(x->key, want) != 0)
		return failf("serial %" PRId64 " has key \"%s\", want \"%s\"", x->seq, x->key, want);
	return 0;
}

/* Exactly the n serials first.., once each, ordered per partition, keyed
 * as configured: by serial spread over the partitions, by node in one. */
static int check_exact(const struct msgs *m, uint64_t first, size_t n, int partitions,
		       const char *key)
{
	unsigned *seen = calloc(n, sizeof(*seen));
	int used[16] = { 0 }, nused = 0, rc = 0;

	if (!seen)
		return failf("out of memory");
	if (m->n != n)
		rc = failf("%zu messages in the topic, want exactly %zu", m->n, n);
	if (rc == 0)
		rc = count_serials(m, first, n, seen, 0);
	if (rc == 0)
		rc = check_all_seen(seen, first, n, 0);
	for (size_t k = 0; rc == 0 && k < n; k++)
		if (seen[k] != 1)
			rc = failf("serial %" PRIu64 " arrived %u times", first + k, seen[k]);
	if (rc == 0)
		rc = check_order(m, partitions);
	for (size_t i = 0; rc == 0 && i < m->n; i++) {
		rc = check_key(&m->v[i], key);
		if (m->v[i].partition >= 0 && m->v[i].partition < 16 && !used[m->v[i].partition]++)
			nused++;
	}
	if (rc == 0 && strcmp(key, "serial") == 0 && partitions > 1 && nused < 2)
		rc = failf("keys by serial should spread over the %d partitions, used %d",
			   partitions, nused);
	if (rc == 0 && strcmp(key, "node") == 0 && nused != 1)
		rc = failf("one node's events belong in one partition, found %d", nused);
	free(seen);
	return rc;
}

/* After an outage: all serials, duplicates at most one batch, in order. */
static int check_at_least_once(const struct msgs *m, uint64_t first, size_t n)
{
	unsigned *seen = calloc(n, sizeof(*seen));
	int rc;

	if (!seen)
		return failf("out of memory");
	rc = count_serials(m, first, n, seen, 0);
	if (rc == 0)
		rc = check_all_seen(seen, first, n, 0);
	if (rc == 0 && m->n > n + BATCH)
		rc = failf("%zu messages for %zu events: more duplicates than one batch (%d)",
			   m->n, n, BATCH);
	if (rc == 0)
		rc = check_order(m, 1);
	fprintf(stderr, "# outage: %zu messages for %zu events (%zu duplicates)\n", m->n, n,
		m->n - n);
	free(seen);
	return rc;
}

/* Serial `big` was refused for good: it is missing, the others arrived once
 * in order, and one loss event says why, in the topic itself. */
static int check_rejected(const struct msgs *m, uint64_t first, size_t n, uint64_t big)
{
	unsigned *seen = calloc(n, sizeof(*seen));
	size_t losses = 0;
	int rc;

	if (!seen)
		return failf("out of memory");
	rc = count_serials(m, first, n, seen, 1);
	if (rc == 0)
		rc = check_all_seen(seen, first, n, big);
	for (size_t k = 0; rc == 0 && k < n; k++)
		if (seen[k] != (first + k == big ? 0u : 1u))
			rc = failf("serial %" PRIu64 " arrived %u times", first + k, seen[k]);
	for (size_t i = 0; rc == 0 && i < m->n; i++) {
		const struct msg *x = &m->v[i];
		if (x->seq != SEQ_LOSS)
			continue;
		losses++;
		if (strcmp(x->reason, "rejected") != 0 || x->count != 1)
			rc = failf("loss event: reason \"%s\", count %g; want rejected, 1",
				   x->reason, x->count);
	}
	if (rc == 0 && losses != 1)
		rc = failf("%zu loss events in the topic, want 1", losses);
	if (rc == 0 && m->n != n)
		rc = failf("%zu messages, want %zu events but one and a loss event", m->n, n);
	if (rc == 0)
		rc = check_order(m, 1);
	free(seen);
	return rc;
}

/* n events in, all written (with the loss events the core made) but those
 * the broker refused for good (dropped as rejected), none undelivered;
 * retries or rejections when the case makes them. */
static int check_stats(const char *errlog, size_t n, int want_retries, unsigned want_rejected)
{
	struct stats st;

	if (read_stats(errlog, &st) < 0)
		return -1;
	fprintf(stderr, "# stats: enqueued=%llu written=%llu dropped=%llu undelivered=%llu "
		"retries=%llu loss_events=%llu rejected=%llu\n", st.enqueued, st.written,
		st.dropped, st.undelivered, st.retries, st.loss_events, st.rejected);
	if (st.enqueued != n || st.written + st.rejected != n + st.loss_events ||
	    st.dropped != st.rejected || st.undelivered)
		return failf("stats must show %zu enqueued and written, none lost", n);
	if (want_retries && st.retries == 0)
		return failf("stats must show retries after an outage");
	if (st.rejected != want_rejected || st.loss_events != (want_rejected ? 1 : 0))
		return failf("stats must show %u rejected in %d loss events", want_rejected,
			     want_rejected ? 1 : 0);
	return 0;
}

/* ---------------------------------------------------------------- cases */

/* Runs the daemon on a file of n events (serial `big` over-long) with the
 * output to a new topic; its log goes to errlog. */
static int run_file(struct env *e, const char *topic, int partitions, const char *key,
		    uint64_t first, size_t n, uint64_t big, const char *props, char *errlog)
{
	char conf[PATH_MAX + 32], in[PATH_MAX + 32];
	pid_t pid;
	int fd, rc;

	fprintf(stderr, "# case %s: %d partition(s), key %s, %zu events\n", topic, partitions,
		key, n);
	snprintf(conf, sizeof(conf), "%s/%s.conf", e->dir, topic);
	snprintf(in, sizeof(in), "%s/%s.log", e->dir, topic);
	snprintf(errlog, PATH_MAX + 32, "%s/%s.err", e->dir, topic);
	if (rd_kafka_mock_topic_create(e->mc, topic, partitions, BROKERS))
		return failf("cannot create topic %s", topic);
	if ((fd = open(in, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0)
		return failf("%s: %s", in, strerror(errno));
	rc = write_events(fd, first, n, big);
	close(fd);
	if (rc < 0 || write_config(e, conf, topic, key, props) < 0 ||
	    spawn_daemon(e, conf, in, errlog, &pid) < 0)
		return -1;
	if ((rc = wait_daemon(pid, DAEMON_TIMEOUT_S)) != 0) {
		show_log(errlog);
		return rc > 0 ? failf("the daemon exited with %d", rc) : -1;
	}
	return 0;
}

/* The topic holds exactly the n events, keyed as configured. */
static int case_file(struct env *e, const char *topic, int partitions, const char *key,
		     uint64_t first, size_t n)
{
	char errlog[PATH_MAX + 32];
	struct msgs m = { NULL, 0, 0 };
	rd_kafka_t *c = NULL;
	int rc = -1;

	if (run_file(e, topic, partitions, key, first, n, 0, "", errlog) < 0)
		return -1;
	if ((c = consumer_new(e, topic, partitions)) && consume(c, partitions, &m, n, 30) == 0 &&
	    check_exact(&m, first, n, partitions, key) == 0 && check_stats(errlog, n, 0, 0) == 0)
		rc = 0;
	if (rc < 0)
		show_log(errlog);
	consumer_free(c);
	free(m.v);
	return rc;
}

/* An event above message.max.bytes is refused for good, not retried for
 * ever: the others arrive, and a loss event tells of the one that did not. */
static int case_too_large(struct env *e, uint64_t first, size_t n)
{
	char errlog[PATH_MAX + 32];
	struct msgs m = { NULL, 0, 0 };
	rd_kafka_t *c = NULL;
	int rc = -1;

	if (run_file(e, "toolarge", 1, "none", first, n, first + n / 2,
		     "message_max_bytes = 1000;", errlog) < 0)
		return -1;
	if ((c = consumer_new(e, "toolarge", 1)) && consume(c, 1, &m, n, 30) == 0 &&
	    check_rejected(&m, first, n, first + n / 2) == 0 && check_stats(errlog, n, 0, 1) == 0)
		rc = 0;
	if (rc < 0)
		show_log(errlog);
	consumer_free(c);
	free(m.v);
	return rc;
}

/* The cluster refuses the producer id with an error librdkafka's idempotent
 * producer takes as fatal: the plugin starts a new producer and delivers
 * everything, exactly once and in order. */
static int case_fatal(struct env *e, uint64_t first, size_t n)
{
	char errlog[PATH_MAX + 32];
	struct msgs m = { NULL, 0, 0 };
	rd_kafka_t *c = NULL;
	int rc = -1;

	rd_kafka_mock_push_request_errors(e->mc, 22 /* InitProducerId */, 1,
					  RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED);
	if (run_file(e, "fatal", 1, "none", first, n, 0, "", errlog) < 0)
		return -1;
	if ((c = consumer_new(e, "fatal", 1)) && consume(c, 1, &m, n, 30) == 0 &&
	    check_exact(&m, first, n, 1, "none") == 0 && check_stats(errlog, n, 1, 0) == 0)
		rc = 0;
	if (rc == 0 && (!log_contains(errlog, "fatal producer error") ||
			!log_contains(errlog, " restarts=1")))
		rc = failf("the fatal error and the new producer must show in the log");
	if (rc < 0 || getenv("KAFKA_CHECK_VERBOSE"))
		show_log(errlog);
	consumer_free(c);
	free(m.v);
	return rc;
}

static void set_brokers(struct env *e, int up)
{
	for (int b = 1; b <= BROKERS; b++)
		if (up)
			rd_kafka_mock_broker_set_up(e->mc, b);
		else
			rd_kafka_mock_broker_set_down(e->mc, b);
}

/* Opens the FIFO for writing once the daemon reads it. */
static int open_fifo(const char *path, pid_t pid)
{
	int64_t end = now_ms() + 20000;
	int fd;

	while ((fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)) < 0) {
		if (errno != ENXIO || now_ms() > end || waitpid(pid, NULL, WNOHANG) != 0)
			return failf("the daemon does not read %s: %s", path, strerror(errno));
		sleep_ms(50);
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

/* Waits until the daemon's log says the output is failing. */
static int wait_log(const char *errlog, const char *needle, int timeout_s)
{
	int64_t end = now_ms() + timeout_s * 1000L;

	while (!log_contains(errlog, needle))
		if (now_ms() > end)
			return failf("no \"%s\" in the daemon's log within %d s", needle, timeout_s);
		else
			sleep_ms(100);
	return 0;
}

/* The second half of the stream meets a dead cluster that comes back. */
static int outage_run(struct env *e, const char *topic, const char *fifo, const char *errlog,
		      pid_t pid, struct msgs *m, size_t n)
{
	rd_kafka_t *c = consumer_new(e, topic, 1);
	int fd = c ? open_fifo(fifo, pid) : -1, rc = -1;

	if (fd < 0)
		goto out;
	/* The stream is flowing before the outage. */
	if (write_events(fd, 1, n / 2, 0) < 0 || consume(c, 1, m, n / 2, 30) < 0)
		goto out;
	set_brokers(e, 0);
	if (write_events(fd, n / 2 + 1, n - n / 2, 0) < 0 ||
	    wait_log(errlog, "write failed, retrying", 30) < 0) {
		set_brokers(e, 1);
		goto out;
	}
	sleep_ms(1500);		/* a few more retries against the dead cluster */
	if (waitpid(pid, NULL, WNOHANG) != 0) {
		set_brokers(e, 1);
		failf("the daemon exited during the outage");
		goto out;
	}
	set_brokers(e, 1);
	close(fd);		/* end of input: the daemon drains and exits */
	fd = -1;
	if ((rc = wait_daemon(pid, DAEMON_TIMEOUT_S)) != 0) {
		rc = rc > 0 ? failf("the daemon exited with %d", rc) : -1;
		goto out;
	}
	pid = 0;
	rc = consume(c, 1, m, n, 30);
out:
	if (fd >= 0)
		close(fd);
	if (pid > 0 && rc < 0 && waitpid(pid, NULL, WNOHANG) == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	consumer_free(c);
	return rc;
}

static int case_outage(struct env *e, size_t n)
{
	const char *topic = "outage";
	char conf[PATH_MAX + 32], fifo[PATH_MAX + 32], errlog[PATH_MAX + 32];
	struct msgs m = { NULL, 0, 0 };
	pid_t pid;
	int rc;

	fprintf(stderr, "# case outage: all brokers down mid-stream, %zu events\n", n);
	snprintf(conf, sizeof(conf), "%s/%s.conf", e->dir, topic);
	snprintf(fifo, sizeof(fifo), "%s/%s.fifo", e->dir, topic);
	snprintf(errlog, sizeof(errlog), "%s/%s.err", e->dir, topic);
	if (rd_kafka_mock_topic_create(e->mc, topic, 1, BROKERS))
		return failf("cannot create topic %s", topic);
	if (mkfifo(fifo, 0600) < 0)
		return failf("mkfifo: %s", strerror(errno));
	if (write_config(e, conf, topic, "none", "") < 0 || spawn_daemon(e, conf, fifo, errlog, &pid) < 0)
		return -1;
	rc = outage_run(e, topic, fifo, errlog, pid, &m, n);
	if (rc == 0)
		rc = check_at_least_once(&m, 1, n);
	if (rc == 0)
		rc = check_stats(errlog, n, 1, 0);
	if (rc == 0 && !log_contains(errlog, "output kafka: recovered after"))
		rc = failf("the recovery is not logged");
	if (rc < 0 || getenv("KAFKA_CHECK_VERBOSE"))
		show_log(errlog);
	free(m.v);
	return rc;
}

/* The spool's event count on the daemon's latest stats line (SIGUSR1). */
static long long spool_events_now(const char *errlog)
{
	char *s = slurp(errlog), *p, *last = NULL;
	long long v = -1;

	for (p = s; p && (p = strstr(p, " spool_events=")) != NULL; p++)
		last = p;
	if (last)
		v = strtoll(last + 14, NULL, 10);
	free(s);
	return v;
}

/* kill -9 with a spool: the cluster is down, every event goes to the spool,
 * the daemon is killed; with the cluster back a second start sends the
 * spool and ends.  Every event arrives, repeats within one batch. */
static int case_spool_kill(struct env *e, size_t n)
{
	const char *topic = "spoolkill";
	char conf[PATH_MAX + 32], in[PATH_MAX + 32], empty[PATH_MAX + 32], errlog[PATH_MAX + 32],
		extra[PATH_MAX + 64];
	struct msgs m = { NULL, 0, 0 };
	rd_kafka_t *c = NULL;
	int64_t end;
	pid_t pid;
	int fd, rc = -1;

	fprintf(stderr, "# case spool_kill: cluster down, %zu events spooled, kill -9, restart\n", n);
	snprintf(conf, sizeof(conf), "%s/%s.conf", e->dir, topic);
	snprintf(in, sizeof(in), "%s/%s.log", e->dir, topic);
	snprintf(empty, sizeof(empty), "%s/empty.log", e->dir);
	snprintf(errlog, sizeof(errlog), "%s/%s.err", e->dir, topic);
	snprintf(extra, sizeof(extra), "spool = { dir = \"%s/spool\"; };", e->dir);
	if (rd_kafka_mock_topic_create(e->mc, topic, 1, BROKERS))
		return failf("cannot create topic %s", topic);
	if ((fd = open(in, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0)
		return failf("%s: %s", in, strerror(errno));
	rc = write_events(fd, 1, n, 0);
	close(fd);
	output_extra = extra;
	if (rc < 0 || write_file(empty, "") < 0 || write_config(e, conf, topic, "none", "") < 0)
		return output_extra = "", -1;
	output_extra = "";
	set_brokers(e, 0);
	if (spawn_daemon(e, conf, in, errlog, &pid) < 0)
		return set_brokers(e, 1), -1;
	rc = wait_log(errlog, "events go to its spool", 30);
	for (end = now_ms() + 60000; rc == 0 && spool_events_now(errlog) != (long long)n;) {
		if (now_ms() > end || kill(pid, SIGUSR1) < 0)
			rc = failf("the spool never held the %zu events", n);
		sleep_ms(200);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	set_brokers(e, 1);
	if (rc < 0 || spawn_daemon(e, conf, empty, errlog, &pid) < 0)
		goto out;
	if ((rc = wait_daemon(pid, DAEMON_TIMEOUT_S)) != 0) {
		rc = rc > 0 ? failf("the second start exited with %d", rc) : -1;
		goto out;
	}
	rc = -1;
	if ((c = consumer_new(e, topic, 1)) && consume(c, 1, &m, n, 30) == 0 &&
	    check_at_least_once(&m, 1, n) == 0) {
		struct stats st;
		rc = read_stats(errlog, &st);
	}
out:
	if (rc < 0 || getenv("KAFKA_CHECK_VERBOSE"))
		show_log(errlog);
	consumer_free(c);
	free(m.v);
	return rc;
}

/* ---------------------------------------------------------------- main */

static int setup(struct env *e)
{
	const char *top = getenv("top_builddir");
	rd_kafka_conf_t *c;
	char err[512], so[PATH_MAX + 16];

	if (!top)
		top = ".";
	snprintf(e->daemon, sizeof(e->daemon), "%s/auditstream", top);
	snprintf(e->plugdir, sizeof(e->plugdir), "%s/plugins/.libs", top);
	snprintf(so, sizeof(so), "%s/kafka.so", e->plugdir);
	if (access(e->daemon, X_OK) < 0 || access(so, R_OK) < 0) {
		fprintf(stderr, "SKIP: %s or %s not built\n", e->daemon, so);
		return 77;
	}
	snprintf(e->dir, sizeof(e->dir), "%s/auditstream-kafka.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(e->dir))
		return failf("mkdtemp: %s", strerror(errno)), 1;
	c = rd_kafka_conf_new();
	rd_kafka_conf_set(c, "log_level", "3", err, sizeof(err));
	if (!(e->host_rk = rd_kafka_new(RD_KAFKA_PRODUCER, c, err, sizeof(err)))) {
		rd_kafka_conf_destroy(c);
		return failf("cannot create the mock cluster's handle: %s", err), 1;
	}
	if (!(e->mc = rd_kafka_mock_cluster_new(e->host_rk, BROKERS)))
		return failf("cannot create the mock cluster"), 1;
	e->bootstrap = rd_kafka_mock_cluster_bootstraps(e->mc);
	fprintf(stderr, "# mock cluster of %d brokers at %s\n", BROKERS, e->bootstrap);
	return 0;
}

static void teardown(struct env *e)
{
	char cmd[PATH_MAX + 16];

	if (e->mc)
		rd_kafka_mock_cluster_destroy(e->mc);
	if (e->host_rk)
		rd_kafka_destroy(e->host_rk);
	if (e->dir[0] && strstr(e->dir, "auditstream-kafka.")) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", e->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "# could not remove %s\n", e->dir);
	}
}

int main(void)
{
	struct env e;
	int rc;

	memset(&e, 0, sizeof(e));
	signal(SIGPIPE, SIG_IGN);
	rc = setup(&e);
	if (rc == 0 &&
	    (case_file(&e, "plain", 1, "none", 1, 1000) < 0 ||
	     case_file(&e, "keyed", 3, "serial", 5000, 600) < 0 ||
	     case_file(&e, "bynode", 2, "node", 9000, 300) < 0 ||
	     case_too_large(&e, 20000, 50) < 0 ||
	     case_fatal(&e, 30000, 100) < 0 ||
	     case_outage(&e, 600) < 0 ||
	     case_spool_kill(&e, 2000) < 0))
		rc = 1;
	teardown(&e);
	if (rc == 0)
		fprintf(stderr, "# all kafka cases passed\n");
	return rc;
}
