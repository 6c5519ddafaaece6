# plugins/gelf: GELF 1.1 to Graylog over UDP or TCP; links zlib only.
if BUILD_GELF
plugins_LTLIBRARIES += plugins/gelf.la
SCRIPT_TESTS += tests/plugins/gelf.sh
endif
plugins_gelf_la_SOURCES = plugins/gelf/gelf.c
plugins_gelf_la_CFLAGS = $(AM_CFLAGS) $(ZLIB_CFLAGS)
plugins_gelf_la_LIBADD = $(ZLIB_LIBS)
plugins_gelf_la_LDFLAGS = $(AM_LDFLAGS) $(PLUGIN_LDFLAGS)
EXTRA_DIST += tests/plugins/gelf_receiver.py
