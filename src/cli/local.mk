# cli: the option table and the daemon's start-up sequence
noinst_LIBRARIES += src/cli/libcli.a
src_cli_libcli_a_SOURCES = \
	src/cli/options.c \
	src/cli/options.h \
	src/cli/options.def \
	$(NULL)

bin_PROGRAMS += src/virtiofsd
src_virtiofsd_SOURCES = src/cli/main.c
# Order matters for static libraries: users before what they use.  The
# backend calls back into the protocol layer (fs_dirbuf_add), hence the
# second libprotocol.a.
VFSD_LIBS = \
	src/cli/libcli.a \
	src/protocol/libprotocol.a \
	src/fs/libfs.a \
	src/protocol/libprotocol.a \
	src/transport/libtransport.a \
	src/platform/libplatform.a \
	src/shared/libshared.a \
	$(NULL)
VFSD_DEP_LIBS = $(GLIB_LIBS) $(CAPNG_LIBS) $(SECCOMP_LIBS) $(SYSTEMD_LIBS) -lpthread
src_virtiofsd_LDADD = $(VFSD_LIBS) $(VFSD_DEP_LIBS)
