# filesystem layer: backend interface and the passthrough backend
noinst_LIBRARIES += src/fs/libfs.a
src_fs_libfs_a_SOURCES = \
	src/fs/fs-ops.h \
	src/fs/passthrough.c \
	src/fs/passthrough.h \
	src/fs/inode-table.c \
	src/fs/inode-table.h \
	src/fs/creds.c \
	src/fs/creds.h \
	$(NULL)
