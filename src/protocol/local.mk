# protocol layer: FUSE request decoding, INIT, dispatch, replies
noinst_LIBRARIES += src/protocol/libprotocol.a
src_protocol_libprotocol_a_SOURCES = \
	src/protocol/fuse-server.c \
	src/protocol/fuse-server.h \
	src/protocol/fuse-server-int.h \
	src/protocol/fuse-do.c \
	src/protocol/fuse-dirbuf.c \
	src/protocol/fuse-iov.c \
	src/protocol/fuse-iov.h \
	$(NULL)
