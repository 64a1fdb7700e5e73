# Unit tests (GTest over TAP).  Each layer keeps its own fragment.
UNIT_CFLAGS = $(AM_CFLAGS)
UNIT_LDADD = $(VFSD_LIBS) $(VFSD_DEP_LIBS)
include tests/unit/transport.mk
include tests/unit/protocol.mk
include tests/unit/fs.mk
include tests/unit/cli.mk
