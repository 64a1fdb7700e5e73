# tests/lib: the vhost-user frontend and FUSE client shared by the
# integration tests and the benchmark.
noinst_LIBRARIES += tests/lib/libvutest.a
tests_lib_libvutest_a_SOURCES = \
	tests/lib/vu-frontend.c \
	tests/lib/vu-frontend.h \
	tests/lib/vu-daemon.c \
	tests/lib/vu-daemon.h \
	tests/lib/fuse-client.c \
	tests/lib/fuse-client.h \
	$(NULL)
tests_lib_libvutest_a_CFLAGS = $(AM_CFLAGS)
# the TAP helpers of the shell tests
EXTRA_DIST += tests/lib/tap.sh
