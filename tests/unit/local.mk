# Unit tests (GTest over TAP).  Each layer keeps its own fragment.
UNIT_CFLAGS = $(AM_CFLAGS)
include tests/unit/transport.mk
include tests/unit/protocol.mk
include tests/unit/fs.mk
include tests/unit/cli.mk
