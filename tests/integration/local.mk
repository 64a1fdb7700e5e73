# tests/integration: the real daemon binary driven through tests/lib.
INTEGRATION_LDADD = tests/lib/libvutest.a src/shared/libshared.a $(GLIB_LIBS)

check_PROGRAMS += tests/integration/test-ops tests/integration/test-malformed
TESTS += tests/integration/test-ops tests/integration/test-malformed

tests_integration_test_ops_SOURCES = \
	tests/integration/test-ops.c \
	tests/integration/test-helpers.h \
	$(NULL)
tests_integration_test_ops_LDADD = $(INTEGRATION_LDADD)

tests_integration_test_malformed_SOURCES = \
	tests/integration/test-malformed.c \
	tests/integration/test-helpers.h \
	$(NULL)
tests_integration_test_malformed_LDADD = $(INTEGRATION_LDADD)
