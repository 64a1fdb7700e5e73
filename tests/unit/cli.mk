# unit tests for src/cli
check_PROGRAMS += tests/unit/test-options
TESTS += tests/unit/test-options
tests_unit_test_options_SOURCES = tests/unit/test-options.c
tests_unit_test_options_LDADD = src/cli/libcli.a src/fs/libfs.a src/platform/libplatform.a src/shared/libshared.a $(GLIB_LIBS)
