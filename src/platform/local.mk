# platform layer: sandbox, limits (seccomp, capabilities, notification to come)
noinst_LIBRARIES += src/platform/libplatform.a
src_platform_libplatform_a_SOURCES = \
	src/platform/limits.c \
	src/platform/limits.h \
	src/platform/sandbox.c \
	src/platform/sandbox.h \
	$(NULL)
