/* bench/kafka_mock.c -- a librdkafka mock cluster for the benchmarks.
 *
 *   kafka_mock [BROKERS [TOPIC...]]
 *   kafka_mock --count BOOTSTRAP TOPIC
 *
 * The first form starts rd_kafka_mock_cluster_new() with BROKERS brokers (1
 * by default) on loopback, creates each TOPIC with one partition (a topic
 * the cluster creates by itself gets several), prints its bootstrap servers
 * on one line, then sleeps until SIGTERM/SIGINT and tears the cluster down.
 * The second prints how many messages were ever appended to TOPIC (its
 * high watermarks summed over its partitions; the mock cluster drops old
 * message sets, so the low watermark moves): the count at the other end. */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define COUNT_TIMEOUT_MS 5000

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

static int count(const char *bootstrap, const char *topic)
{
	char err[256];
	rd_kafka_conf_t *c = rd_kafka_conf_new();
	const struct rd_kafka_metadata *md = NULL;
	rd_kafka_topic_t *rkt;
	rd_kafka_t *rk;
	long long total = 0;
	int rc = 1;

	if (rd_kafka_conf_set(c, "bootstrap.servers", bootstrap, err, sizeof(err)) != RD_KAFKA_CONF_OK ||
	    !(rk = rd_kafka_new(RD_KAFKA_CONSUMER, c, err, sizeof(err)))) {
		fprintf(stderr, "kafka_mock: %s\n", err);
		return 1;
	}
	rkt = rd_kafka_topic_new(rk, topic, NULL);
	if (!rkt || rd_kafka_metadata(rk, 0, rkt, &md, COUNT_TIMEOUT_MS) || md->topic_cnt != 1 ||
	    md->topics[0].err) {
		fprintf(stderr, "kafka_mock: no metadata for topic %s\n", topic);
		goto out;
	}
	for (int p = 0; p < md->topics[0].partition_cnt; p++) {
		int64_t lo, hi;	/* lo: where the log starts now */
		rd_kafka_resp_err_t e = rd_kafka_query_watermark_offsets(
			rk, topic, md->topics[0].partitions[p].id, &lo, &hi, COUNT_TIMEOUT_MS);

		if (e) {
			fprintf(stderr, "kafka_mock: %s [%d]: %s\n", topic, p, rd_kafka_err2str(e));
			goto out;
		}
		total += hi;
	}
	printf("%lld\n", total);
	rc = 0;
out:
	if (md)
		rd_kafka_metadata_destroy(md);
	if (rkt)
		rd_kafka_topic_destroy(rkt);
	rd_kafka_destroy(rk);
	return rc;
}

int main(int argc, char **argv)
{
	char err[256];
	int brokers = argc > 1 ? atoi(argv[1]) : 1;
	rd_kafka_conf_t *c;
	rd_kafka_mock_cluster_t *mc;
	rd_kafka_t *rk;

	if (argc == 4 && strcmp(argv[1], "--count") == 0)
		return count(argv[2], argv[3]);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	c = rd_kafka_conf_new();
	rd_kafka_conf_set(c, "log_level", "3", err, sizeof(err));
	if (!(rk = rd_kafka_new(RD_KAFKA_PRODUCER, c, err, sizeof(err)))) {
		fprintf(stderr, "kafka_mock: %s\n", err);
		return 1;
	}
	if (!(mc = rd_kafka_mock_cluster_new(rk, brokers > 0 ? brokers : 1))) {
		fprintf(stderr, "kafka_mock: cannot start the mock cluster\n");
		rd_kafka_destroy(rk);
		return 1;
	}
	for (int i = 2; i < argc; i++)
		if (rd_kafka_mock_topic_create(mc, argv[i], 1, 1)) {
			fprintf(stderr, "kafka_mock: cannot create topic %s\n", argv[i]);
			stop = 1;
		}
	if (!stop) {
		printf("%s\n", rd_kafka_mock_cluster_bootstraps(mc));
		fflush(stdout);
	}
	while (!stop)
		pause();
	rd_kafka_mock_cluster_destroy(mc);
	rd_kafka_destroy(rk);
	return 0;
}
