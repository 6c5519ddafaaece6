# plugins/kafka: the Kafka sink (librdkafka) and its tests.  kafka_check
# runs the daemon against a librdkafka mock cluster it hosts itself.
if BUILD_KAFKA
plugins_LTLIBRARIES += plugins/kafka.la
SCRIPT_TESTS += tests/plugins/kafka_options.sh
if HAVE_TEST_DEPS
check_PROGRAMS += tests/plugins/kafka_check
endif
endif
plugins_kafka_la_SOURCES = plugins/kafka/kafka.c
plugins_kafka_la_CFLAGS = $(AM_CFLAGS) $(RDKAFKA_CFLAGS)
plugins_kafka_la_LIBADD = $(RDKAFKA_LIBS)
# librdkafka (and the TLS and SASL libraries under it) keeps process-wide
# state that is not meant to be unmapped: -z nodelete keeps the plugin and
# them loaded when the core dlclose()s it, instead of leaving that state
# dangling (LeakSanitizer reports it as leaked, rightly).
plugins_kafka_la_LDFLAGS = $(AM_LDFLAGS) $(PLUGIN_LDFLAGS) -Wl,-z,nodelete
tests_plugins_kafka_check_SOURCES = tests/plugins/kafka_check.c
tests_plugins_kafka_check_CFLAGS = $(AM_CFLAGS) $(RDKAFKA_CFLAGS) $(CJSON_CFLAGS)
tests_plugins_kafka_check_LDADD = $(RDKAFKA_LIBS) $(CJSON_LIBS)
