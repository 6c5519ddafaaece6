# bench/: load generators, the reference consumer, a Kafka mock cluster and
# an HTTP receiver for bench/run and bench/sinks.sh, built by `make` (they
# are small; tests/bench/smoke.sh runs each briefly in `make check`, so they
# cannot rot).
BENCH_PROGS = bench/load_getppid bench/load_execve bench/nlref bench/http_sink
bench_load_getppid_SOURCES = bench/load_getppid.c
bench_load_execve_SOURCES = bench/load_execve.c
bench_nlref_SOURCES = bench/nlref.c
bench_http_sink_SOURCES = bench/http_sink.c
bench_http_sink_CFLAGS = $(AM_CFLAGS) $(ZLIB_CFLAGS)
bench_http_sink_LDADD = $(ZLIB_LIBS)
if BUILD_KAFKA
BENCH_PROGS += bench/kafka_mock
endif
bench_kafka_mock_SOURCES = bench/kafka_mock.c
bench_kafka_mock_CFLAGS = $(AM_CFLAGS) $(RDKAFKA_CFLAGS)
bench_kafka_mock_LDADD = $(RDKAFKA_LIBS)
noinst_PROGRAMS = $(BENCH_PROGS)
SCRIPT_TESTS += tests/bench/smoke.sh tests/bench/nlref.sh
EXTRA_DIST += bench/run bench/replay.sh bench/sinks.sh bench/RESULTS.md bench/missed_serials.py
