/* bench/kafka_mock.c -- a librdkafka mock cluster for the benchmarks.
 *
 *   kafka_mock [BROKERS]
 *
 * Starts rd_kafka_mock_cluster_new() with BROKERS brokers (1 by default) on
 * loopback, prints its bootstrap servers on one line, then sleeps until
 * SIGTERM/SIGINT and tears the cluster down. */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

int main(int argc, char **argv)
{
	char err[256];
	int brokers = argc > 1 ? atoi(argv[1]) : 1;
	rd_kafka_conf_t *c = rd_kafka_conf_new();
	rd_kafka_mock_cluster_t *mc;
	rd_kafka_t *rk;

	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
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
	printf("%s\n", rd_kafka_mock_cluster_bootstraps(mc));
	fflush(stdout);
	while (!stop)
		pause();
	rd_kafka_mock_cluster_destroy(mc);
	rd_kafka_destroy(rk);
	return 0;
}
