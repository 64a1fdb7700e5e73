# platform layer: sandbox, limits, systemd activation and notification
noinst_LIBRARIES += src/platform/libplatform.a
src_platform_libplatform_a_SOURCES = \
	src/platform/activation.c \
	src/platform/activation.h \
	src/platform/limits.c \
	src/platform/limits.h \
	src/platform/sandbox.c \
	src/platform/sandbox.h \
	src/platform/harden.c \
	src/platform/harden.h \
	$(NULL)
src_platform_libplatform_a_CFLAGS = $(AM_CFLAGS) $(SYSTEMD_CFLAGS) $(CAPNG_CFLAGS) $(SECCOMP_CFLAGS)
