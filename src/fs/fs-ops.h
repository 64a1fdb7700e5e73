/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fs-ops.h - the filesystem backend interface.  The FUSE layer decodes and
 * validates a request, then calls one of these operations; the backend does
 * the work on the host.  Arguments and results use the kernel's FUSE wire
 * structures from <linux/fuse.h> where one fits, so nothing is converted
 * twice.  Everything passed in is already validated for size; names are
 * NUL-terminated, non-empty, contain no '/', and are at most NAME_MAX bytes
 * (the backend still rejects "." and ".." where they make no sense).
 * Node ids and file handles are NOT validated: the backend must check them.
 *
 * All operations return >= 0 on success and -errno on failure.
 */
#pragma once

#include <linux/fuse.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

/* Who is asking: from struct fuse_in_header (guest-controlled). */
typedef struct {
	uint32_t uid;
	uint32_t gid;
	uint32_t pid;
} FsCtx;

typedef enum {
	FS_CACHE_AUTO = 0,
	FS_CACHE_ALWAYS,
	FS_CACHE_METADATA,
	FS_CACHE_NEVER,
	FS_CACHE_MAX
} FsCachePolicy;

/* Backend configuration, filled from the command line by main(). */
typedef struct {
	const char *shared_dir;
	FsCachePolicy cache;
	bool xattr;
	bool readonly;
	bool writeback;		/* offer FUSE_WRITEBACK_CACHE */
	bool allow_direct_io;	/* honour O_DIRECT from the guest */
	bool announce_submounts;
	bool readdirplus;
	bool posix_lock;	/* serve GETLK/SETLK(W) with OFD locks */
	bool flock;		/* serve flock() (FUSE_LK_FLOCK) */
	bool killpriv_v2;
	bool preserve_noatime;
	bool allow_mmap;
} FsConfig;

/* What INIT negotiated, told to the backend once. */
typedef struct {
	uint64_t flags;		/* FUSE_* capability bits both sides agreed on */
	uint32_t max_write;
	uint32_t max_readahead;
} FsInitInfo;

/*
 * Directory listing sink.  The backend calls fs_dirbuf_add() (provided by the
 * FUSE layer) once per entry, starting after @offset.  For READDIRPLUS the
 * backend fills @entry (and took a lookup reference for it) before adding;
 * if the entry does not fit, fs_dirbuf_add() returns false, the backend must
 * drop that reference again and stop.
 */
typedef struct FsDirBuf FsDirBuf;

/**
 * fs_dirbuf_add() - append one directory entry.
 * @name, @namelen: entry name (not NUL-terminated necessarily)
 * @ino: inode number to report; @type: DT_* type; @next_off: offset of the
 *       entry after this one (what the guest passes back to continue)
 * @entry: READDIRPLUS only: the entry's lookup result, else NULL
 * Return: true if it fit; false if the buffer is full (nothing was added).
 */
bool fs_dirbuf_add(FsDirBuf *buf, const char *name, size_t namelen,
		   uint64_t ino, uint32_t type, uint64_t next_off,
		   const struct fuse_entry_out *entry);
/* true when READDIRPLUS, i.e. the backend must supply @entry */
bool fs_dirbuf_is_plus(const FsDirBuf *buf);

typedef struct FsOps {
	/* Called after INIT; may return -errno to fail INIT. */
	int (*init)(void *fs, const FsInitInfo *info);
	/* DESTROY or disconnect: forget all inodes and handles except root. */
	void (*destroy)(void *fs);

	int (*lookup)(void *fs, const FsCtx *ctx, uint64_t parent,
		      const char *name, struct fuse_entry_out *out);
	void (*forget)(void *fs, uint64_t nodeid, uint64_t nlookup);
	/* @fh is valid when (getattr_flags & FUSE_GETATTR_FH) */
	int (*getattr)(void *fs, const FsCtx *ctx, uint64_t nodeid,
		       uint32_t getattr_flags, uint64_t fh,
		       struct fuse_attr_out *out);
	int (*setattr)(void *fs, const FsCtx *ctx, uint64_t nodeid,
		       const struct fuse_setattr_in *in,
		       struct fuse_attr_out *out);
	/* Return: length of the link target written to @buf (not terminated) */
	int (*readlink)(void *fs, const FsCtx *ctx, uint64_t nodeid,
			char *buf, size_t size);
	int (*symlink)(void *fs, const FsCtx *ctx, uint64_t parent,
		       const char *name, const char *target,
		       struct fuse_entry_out *out);
	int (*mknod)(void *fs, const FsCtx *ctx, uint64_t parent,
		     const char *name, uint32_t mode, uint32_t rdev,
		     uint32_t umask, struct fuse_entry_out *out);
	int (*mkdir)(void *fs, const FsCtx *ctx, uint64_t parent,
		     const char *name, uint32_t mode, uint32_t umask,
		     struct fuse_entry_out *out);
	int (*unlink)(void *fs, const FsCtx *ctx, uint64_t parent,
		      const char *name);
	int (*rmdir)(void *fs, const FsCtx *ctx, uint64_t parent,
		     const char *name);
	/* @flags: RENAME_NOREPLACE / RENAME_EXCHANGE / 0 */
	int (*rename)(void *fs, const FsCtx *ctx, uint64_t parent,
		      const char *name, uint64_t newparent,
		      const char *newname, uint32_t flags);
	int (*link)(void *fs, const FsCtx *ctx, uint64_t nodeid,
		    uint64_t newparent, const char *newname,
		    struct fuse_entry_out *out);
	int (*open)(void *fs, const FsCtx *ctx, uint64_t nodeid,
		    uint32_t flags, struct fuse_open_out *out);
	int (*create)(void *fs, const FsCtx *ctx, uint64_t parent,
		      const char *name, uint32_t mode, uint32_t flags,
		      uint32_t umask, struct fuse_entry_out *entry,
		      struct fuse_open_out *open);
	/* O_TMPFILE in directory @parent; @entry describes the new inode */
	int (*tmpfile)(void *fs, const FsCtx *ctx, uint64_t parent,
		       uint32_t mode, uint32_t flags, uint32_t umask,
		       struct fuse_entry_out *entry,
		       struct fuse_open_out *open);
	/* Zero-copy: @iov points into guest memory.  Return: bytes read */
	ssize_t (*read)(void *fs, const FsCtx *ctx, uint64_t nodeid,
			uint64_t fh, uint64_t offset, const struct iovec *iov,
			int iovcnt);
	/* Return: bytes written.  @write_flags: FUSE_WRITE_* */
	ssize_t (*write)(void *fs, const FsCtx *ctx, uint64_t nodeid,
			 uint64_t fh, uint64_t offset,
			 const struct iovec *iov, int iovcnt,
			 uint32_t write_flags);
	int (*flush)(void *fs, const FsCtx *ctx, uint64_t nodeid, uint64_t fh,
		     uint64_t lock_owner);
	int (*release)(void *fs, const FsCtx *ctx, uint64_t nodeid,
		       uint64_t fh, uint32_t flags, uint32_t release_flags,
		       uint64_t lock_owner);
	int (*fsync)(void *fs, const FsCtx *ctx, uint64_t nodeid, uint64_t fh,
		     bool datasync);
	int (*opendir)(void *fs, const FsCtx *ctx, uint64_t nodeid,
		       uint32_t flags, struct fuse_open_out *out);
	/* Fill @buf with entries after @offset (0 = from the start). */
	int (*readdir)(void *fs, const FsCtx *ctx, uint64_t nodeid,
		       uint64_t fh, uint64_t offset, FsDirBuf *buf);
	int (*releasedir)(void *fs, const FsCtx *ctx, uint64_t nodeid,
			  uint64_t fh);
	int (*fsyncdir)(void *fs, const FsCtx *ctx, uint64_t nodeid,
			uint64_t fh, bool datasync);
	int (*statfs)(void *fs, const FsCtx *ctx, uint64_t nodeid,
		      struct fuse_kstatfs *out);
	/* @flags: XATTR_CREATE/XATTR_REPLACE; @setxattr_flags: FUSE_SETXATTR_* */
	int (*setxattr)(void *fs, const FsCtx *ctx, uint64_t nodeid,
			const char *name, const void *value, size_t size,
			uint32_t flags, uint32_t setxattr_flags);
	/* @size 0: Return the value's size.  Else Return: bytes written to
	 * @buf, -ERANGE if it does not fit. */
	ssize_t (*getxattr)(void *fs, const FsCtx *ctx, uint64_t nodeid,
			    const char *name, void *buf, size_t size);
	/* Same size convention as getxattr; @buf gets NUL-separated names. */
	ssize_t (*listxattr)(void *fs, const FsCtx *ctx, uint64_t nodeid,
			     void *buf, size_t size);
	int (*removexattr)(void *fs, const FsCtx *ctx, uint64_t nodeid,
			   const char *name);
	int (*access)(void *fs, const FsCtx *ctx, uint64_t nodeid,
		      uint32_t mask);
	int (*getlk)(void *fs, const FsCtx *ctx, uint64_t nodeid, uint64_t fh,
		     uint64_t owner, const struct fuse_file_lock *lk,
		     struct fuse_file_lock *out);
	/* @lk_flags: FUSE_LK_FLOCK for flock(); @sleep for SETLKW */
	int (*setlk)(void *fs, const FsCtx *ctx, uint64_t nodeid, uint64_t fh,
		     uint64_t owner, const struct fuse_file_lock *lk,
		     uint32_t lk_flags, bool sleep);
	int (*fallocate)(void *fs, const FsCtx *ctx, uint64_t nodeid,
			 uint64_t fh, uint64_t offset, uint64_t length,
			 uint32_t mode);
	/* Return: the new offset via @ret_offset */
	int (*lseek)(void *fs, const FsCtx *ctx, uint64_t nodeid, uint64_t fh,
		     uint64_t offset, uint32_t whence, uint64_t *ret_offset);
	/* Return: bytes copied */
	ssize_t (*copy_file_range)(void *fs, const FsCtx *ctx,
				   uint64_t nodeid_in, uint64_t fh_in,
				   uint64_t off_in, uint64_t nodeid_out,
				   uint64_t fh_out, uint64_t off_out,
				   uint64_t len, uint64_t flags);
	int (*syncfs)(void *fs, const FsCtx *ctx, uint64_t nodeid);
} FsOps;
