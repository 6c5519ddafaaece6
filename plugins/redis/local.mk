# plugins/redis: events to Redis (list, stream or pubsub) through hiredis.
if BUILD_REDIS
plugins_LTLIBRARIES += plugins/redis.la
SCRIPT_TESTS += tests/plugins/redis.sh tests/plugins/spool.sh
endif
plugins_redis_la_SOURCES = plugins/redis/redis.c
plugins_redis_la_CFLAGS = $(AM_CFLAGS) $(HIREDIS_CFLAGS)
plugins_redis_la_LIBADD = $(HIREDIS_LIBS)
plugins_redis_la_LDFLAGS = $(AM_LDFLAGS) $(PLUGIN_LDFLAGS)
EXTRA_DIST += tests/plugins/redis_sub.py
