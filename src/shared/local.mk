noinst_LIBRARIES += src/shared/libshared.a
src_shared_libshared_a_SOURCES = \
	src/shared/log.c \
	src/shared/log.h \
	src/shared/util.h \
	$(NULL)
