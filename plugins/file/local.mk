# plugins/file: no library beyond libc.
plugins_LTLIBRARIES += plugins/file.la
plugins_file_la_SOURCES = plugins/file/file.c
plugins_file_la_LDFLAGS = $(AM_LDFLAGS) $(PLUGIN_LDFLAGS)
