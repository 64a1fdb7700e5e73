# transport layer: vhost-user device, guest memory, virtqueues, listener
noinst_LIBRARIES += src/transport/libtransport.a
src_transport_libtransport_a_SOURCES = \
	src/transport/gmem.c \
	src/transport/gmem.h \
	src/transport/virtq.c \
	src/transport/virtq.h \
	src/transport/vu-dev.c \
	src/transport/vu-dev.h \
	src/transport/vu-msg.h \
	src/transport/listener.c \
	src/transport/listener.h \
	$(NULL)
