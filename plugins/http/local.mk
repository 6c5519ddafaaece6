# plugins/http: POSTs batches of events with libcurl.
#
# gzip bodies need zlib.  configure's zlib check is the BUILD_GELF
# conditional (the gelf sink needs zlib too); without zlib the http plugin
# still builds and refuses `gzip = true` at start-up.
if BUILD_HTTP
plugins_LTLIBRARIES += plugins/http.la
SCRIPT_TESTS += tests/plugins/http.sh tests/plugins/spool_kill.sh
endif
if BUILD_GELF
http_zlib_cflags = -DHTTP_WITH_ZLIB $(ZLIB_CFLAGS)
http_zlib_libs = $(ZLIB_LIBS)
else
http_zlib_cflags =
http_zlib_libs =
endif
plugins_http_la_SOURCES = plugins/http/http.c
plugins_http_la_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS) $(http_zlib_cflags)
plugins_http_la_LIBADD = $(CURL_LIBS) $(http_zlib_libs)
plugins_http_la_LDFLAGS = $(AM_LDFLAGS) $(PLUGIN_LDFLAGS)
EXTRA_DIST += tests/plugins/http_receiver.py
