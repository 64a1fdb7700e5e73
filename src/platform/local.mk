# platform layer: sandbox, seccomp, capabilities, limits, notification
noinst_LIBRARIES += src/platform/libplatform.a
src_platform_libplatform_a_SOURCES = \
	src/platform/limits.c \
	src/platform/limits.h \
	$(NULL)
