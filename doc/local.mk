# doc/: the man pages (checked by tests/ops/man.sh).  Each names the paths
# configure chose.
man_MANS = doc/auditstream.8 doc/auditstream.conf.5 doc/auditstream-plugin.3
EXTRA_DIST += doc/auditstream.8.in doc/auditstream.conf.5.in doc/auditstream-plugin.3.in
CLEANFILES += doc/auditstream.8 doc/auditstream.conf.5 doc/auditstream-plugin.3
doc/auditstream-plugin.3: $(srcdir)/doc/auditstream-plugin.3.in Makefile
	$(MKDIR_P) doc
	sed -e 's|@PACKAGE_VERSION[@]|$(PACKAGE_VERSION)|g' -e 's|@includedir[@]|$(includedir)|g' \
	    -e 's|@pkgconfigdir[@]|$(pkgconfigdir)|g' -e 's|@plugindir[@]|$(pluginsdir)|g' \
	    -e 's|@examplesdir[@]|$(examplesdir)|g' $(srcdir)/doc/auditstream-plugin.3.in > $@
# auditstream(8) and auditstream.conf(5): SUBST_PATHS is etc/local.mk's.
doc/auditstream.8: $(srcdir)/doc/auditstream.8.in Makefile
	$(AM_V_GEN)$(MKDIR_P) doc && $(SUBST_PATHS) $(srcdir)/doc/auditstream.8.in > $@.tmp && mv $@.tmp $@
doc/auditstream.conf.5: $(srcdir)/doc/auditstream.conf.5.in Makefile
	$(AM_V_GEN)$(MKDIR_P) doc && $(SUBST_PATHS) $(srcdir)/doc/auditstream.conf.5.in > $@.tmp && mv $@.tmp $@
