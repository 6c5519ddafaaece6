# doc/: the man pages (checked by tests/ops/man.sh).
dist_man_MANS = doc/auditstream.8 doc/auditstream.conf.5
# auditstream-plugin(3) names the install paths configure chose.
man_MANS = doc/auditstream-plugin.3
EXTRA_DIST += doc/auditstream-plugin.3.in
CLEANFILES += doc/auditstream-plugin.3
doc/auditstream-plugin.3: $(srcdir)/doc/auditstream-plugin.3.in Makefile
	$(MKDIR_P) doc
	sed -e 's|@PACKAGE_VERSION[@]|$(PACKAGE_VERSION)|g' -e 's|@includedir[@]|$(includedir)|g' \
	    -e 's|@pkgconfigdir[@]|$(pkgconfigdir)|g' -e 's|@plugindir[@]|$(pluginsdir)|g' \
	    -e 's|@examplesdir[@]|$(examplesdir)|g' $(srcdir)/doc/auditstream-plugin.3.in > $@
