# unit tests for src/transport
check_PROGRAMS += tests/unit/test-virtq
TESTS += tests/unit/test-virtq
tests_unit_test_virtq_SOURCES = \
	tests/unit/test-virtq.c \
	$(NULL)
tests_unit_test_virtq_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_virtq_LDADD = \
	src/transport/libtransport.a \
	src/shared/libshared.a \
	$(GLIB_LIBS) \
	$(NULL)
