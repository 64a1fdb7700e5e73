# SPDX-License-Identifier: GPL-2.0-or-later
# dist.mk - what a distribution installs besides the binary, and the checks
# that the packages come out right:
#  - systemd/: the virtiofsd@.socket / virtiofsd@.service templates;
#  - man/: virtiofsd(1) and virtiofsd.conf(5), generated from the option
#    table (and shipped in the tarball, so users need no generator), and
#    virtiofsd@.service(8);
#  - data/: the vhost-user backend descriptor QEMU and libvirt look for, and
#    an example configuration file generated from the option table;
#  - virtiofsd.spec (from configure) and debian/, both built from the dist
#    tarball by `make check-packages`.
# Files with @bindir@ in them are made by make, not configure, so that
# `make bindir=...` and the final prefix are honoured; they are not shipped.

vfsd_subst = sed \
	-e 's|@bindir[@]|$(bindir)|g' \
	-e 's|@PACKAGE_VERSION[@]|$(PACKAGE_VERSION)|g'

# ------------------------------------------------------------ systemd units
VFSD_UNITS = \
	systemd/virtiofsd@.socket \
	systemd/virtiofsd@.service \
	$(NULL)

if HAVE_SYSTEMD_UNIT_DIR
systemdsystemunitdir = $(SYSTEMD_SYSTEM_UNIT_DIR)
nodist_systemdsystemunit_DATA = $(VFSD_UNITS)
endif

systemd/virtiofsd@.socket: systemd/virtiofsd@.socket.in Makefile
	$(AM_V_GEN)$(MKDIR_P) systemd && \
	$(vfsd_subst) $(srcdir)/systemd/virtiofsd@.socket.in > $@.tmp && mv $@.tmp $@
systemd/virtiofsd@.service: systemd/virtiofsd@.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) systemd && \
	$(vfsd_subst) $(srcdir)/systemd/virtiofsd@.service.in > $@.tmp && mv $@.tmp $@

# `make distcheck` installs as a user under its own prefix.
AM_DISTCHECK_CONFIGURE_FLAGS = \
	--with-systemdsystemunitdir='$${dc_install_base}/lib/systemd/system'

# ---------------------------------------------------------------- man pages
VFSD_GEN = $(srcdir)/man/gen-from-options.sh
VFSD_GEN_INPUTS = \
	$(srcdir)/man/gen-from-options.sh \
	$(srcdir)/src/cli/options.def \
	$(srcdir)/src/cli/options.c \
	$(NULL)
vfsd_gen = $(MKDIR_P) $(@D) && \
	AWK='$(AWK)' $(SHELL) $(VFSD_GEN) $(1) $(srcdir)/src/cli/options.def \
	$(srcdir)/src/cli/options.c $(PACKAGE_VERSION) > $@.tmp && mv $@.tmp $@

dist_man_MANS += man/virtiofsd.1 man/virtiofsd.conf.5
nodist_man_MANS = man/virtiofsd@.service.8

man/virtiofsd.1: $(VFSD_GEN_INPUTS) $(top_srcdir)/configure.ac
	$(AM_V_GEN)$(call vfsd_gen,man1)
man/virtiofsd.conf.5: $(VFSD_GEN_INPUTS) $(top_srcdir)/configure.ac
	$(AM_V_GEN)$(call vfsd_gen,man5)
man/virtiofsd@.service.8: man/virtiofsd@.service.8.in Makefile
	$(AM_V_GEN)$(MKDIR_P) man && \
	$(vfsd_subst) $(srcdir)/man/virtiofsd@.service.8.in > $@.tmp && mv $@.tmp $@

# ------------------------------------------------- descriptor, example config
vhostuserdir = $(datadir)/qemu/vhost-user
nodist_vhostuser_DATA = data/50-virtiofsd.json

data/50-virtiofsd.json: data/50-virtiofsd.json.in Makefile
	$(AM_V_GEN)$(MKDIR_P) data && \
	$(vfsd_subst) $(srcdir)/data/50-virtiofsd.json.in > $@.tmp && mv $@.tmp $@

dist_doc_DATA = data/virtiofsd.conf.example
data/virtiofsd.conf.example: $(VFSD_GEN_INPUTS) $(top_srcdir)/configure.ac
	$(AM_V_GEN)$(call vfsd_gen,conf)

CLEANFILES += $(VFSD_UNITS) $(nodist_man_MANS) $(nodist_vhostuser_DATA)
MAINTAINERCLEANFILES = \
	man/virtiofsd.1 \
	man/virtiofsd.conf.5 \
	data/virtiofsd.conf.example \
	$(NULL)

# ---------------------------------------------------------------- packaging
EXTRA_DIST += \
	systemd/virtiofsd@.socket.in \
	systemd/virtiofsd@.service.in \
	systemd/verify-units.sh \
	man/gen-from-options.sh \
	man/check-man.sh \
	man/virtiofsd@.service.8.in \
	data/50-virtiofsd.json.in \
	data/check-packages.sh \
	virtiofsd.spec \
	debian/changelog \
	debian/control \
	debian/copyright \
	debian/rules \
	debian/virtiofsd.dirs \
	debian/source/format \
	$(NULL)

# Lint the man pages and verify the units (the pages back their
# Documentation= links).
check-units: $(VFSD_UNITS) $(dist_man_MANS) $(nodist_man_MANS)
	$(AM_V_at)for m in $(dist_man_MANS) $(nodist_man_MANS); do \
		test -f $$m || m=$(srcdir)/$$m; \
		out=`LC_ALL=C.UTF-8 groff -man -ww -z $$m 2>&1`; \
		if test -n "$$out"; then echo "$$out"; echo "groff: $$m: warnings"; exit 1; fi; \
	done
	$(AM_V_at)set -- ; for m in $(dist_man_MANS) $(nodist_man_MANS); do \
		if test -f $$m; then set -- "$$@" $$m; else set -- "$$@" $(srcdir)/$$m; fi; \
	done; \
	$(SHELL) $(srcdir)/systemd/verify-units.sh $(VFSD_UNITS) -- "$$@"

# Every option in the daemon's --help is in virtiofsd(1).
check-man: src/virtiofsd$(EXEEXT) man/virtiofsd.1
	$(AM_V_at)m=man/virtiofsd.1; test -f $$m || m=$(srcdir)/$$m; \
	$(SHELL) $(srcdir)/man/check-man.sh src/virtiofsd$(EXEEXT) $$m

# Build the tarball, then an rpm and a deb from it, and check what they hold.
check-packages: dist
	$(SHELL) $(srcdir)/data/check-packages.sh \
		$(abs_builddir)/$(distdir).tar.xz $(PACKAGE_VERSION)

.PHONY: check-units check-man check-packages
