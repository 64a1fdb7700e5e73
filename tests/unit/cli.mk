# unit tests for src/cli
check_PROGRAMS += tests/unit/test-options
TESTS += tests/unit/test-options
tests_unit_test_options_SOURCES = tests/unit/test-options.c
tests_unit_test_options_LDADD = $(VFSD_LIBS) $(VFSD_DEP_LIBS)
