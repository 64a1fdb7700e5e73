# unit tests for src/protocol
check_PROGRAMS += tests/unit/test-fuse-decode
TESTS += tests/unit/test-fuse-decode
tests_unit_test_fuse_decode_SOURCES = \
	tests/unit/test-fuse-decode.c \
	tests/unit/test-fuse-fake.c \
	tests/unit/test-fuse-fake.h \
	$(NULL)
tests_unit_test_fuse_decode_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_fuse_decode_LDADD = \
	src/protocol/libprotocol.a \
	src/shared/libshared.a \
	$(GLIB_LIBS) \
	$(NULL)
