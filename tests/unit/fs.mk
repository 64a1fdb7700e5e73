# unit tests for src/fs
check_PROGRAMS += tests/unit/test-passthrough
TESTS += tests/unit/test-passthrough
tests_unit_test_passthrough_SOURCES = tests/unit/test-passthrough.c
tests_unit_test_passthrough_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_passthrough_LDADD = \
	src/fs/libfs.a \
	src/shared/libshared.a \
	$(GLIB_LIBS) \
	$(NULL)
