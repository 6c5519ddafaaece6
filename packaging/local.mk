# packaging/: `make deb` and `make rpm`, both from the `make dist` tarball
# (what a distro builds from), in _pkg/ under the build directory.
PKG_DIR = $(abs_top_builddir)/_pkg
EXTRA_DIST += packaging/debian packaging/rpm/auditstream.spec

.PHONY: deb rpm
deb: dist-gzip
	rm -rf $(PKG_DIR)/deb && $(MKDIR_P) $(PKG_DIR)/deb
	cp $(distdir).tar.gz $(PKG_DIR)/deb/$(PACKAGE)_$(VERSION).orig.tar.gz
	cd $(PKG_DIR)/deb && tar -xzf $(PACKAGE)_$(VERSION).orig.tar.gz && \
		cp -R $(distdir)/packaging/debian $(distdir)/debian && \
		cd $(distdir) && dpkg-buildpackage -us -uc -b
	@ls -1 $(PKG_DIR)/deb/*.deb

rpm: dist-gzip
	rm -rf $(PKG_DIR)/rpm && $(MKDIR_P) $(PKG_DIR)/rpm/SOURCES
	cp $(distdir).tar.gz $(PKG_DIR)/rpm/SOURCES/
	rpmbuild -bb --nodeps --define '_topdir $(PKG_DIR)/rpm' $(srcdir)/packaging/rpm/auditstream.spec
	@find $(PKG_DIR)/rpm/RPMS -name '*.rpm'

# The unpacked trees and packages of `make deb` and `make rpm`.
distclean-local:
	-rm -rf $(PKG_DIR)
