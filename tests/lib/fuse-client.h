/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuse-client.h - FUSE request builders and reply parsers on top of the
 * vhost-user frontend: what the guest kernel's virtiofs driver would send.
 * Each call returns 0 (or a byte count) on success, the reply's error as a
 * negative errno, or a transport failure (-ECONNRESET, -ETIMEDOUT, -EPROTO)
 * which also sets FuseClient.transport_error.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>
#include <linux/fuse.h>

#include "vu-frontend.h"

#define FUSE_ROOT_NODEID FUSE_ROOT_ID
#define FUSE_HIPRIO_QUEUE 0
#define FUSE_REQUEST_QUEUE 1

typedef struct {
	VuFront *vu;
	unsigned queue;	     /* request queue index (default 1) */
	uint64_t unique;     /* last unique id used */
	uint32_t uid, gid, pid; /* put in every in-header */
	bool indirect;	     /* submit chains as indirect tables */
	int transport_error; /* first transport failure, 0 if none */
	long overflow;	     /* first guest RAM offset written outside a reply
			      * buffer (or into a request buffer), -1 if none */
	struct fuse_init_out init; /* filled by fuse_init() */
} FuseClient;

void fuse_client_init(FuseClient *c, VuFront *vu);

/**
 * fuse_call() - send one request and wait for its reply.
 * @opcode, @nodeid: for the in-header
 * @args, @nargs: the request arguments, each placed in its own descriptor
 * @reply, @reply_size: room for the reply body (the out-header is separate)
 * @ret_len: body bytes in the reply, may be NULL
 * Return: 0, the reply's -errno, or a transport error.
 */
int fuse_call(FuseClient *c, uint32_t opcode, uint64_t nodeid,
	      const struct iovec *args, unsigned nargs, void *reply,
	      size_t reply_size, size_t *ret_len);

/**
 * fuse_call_raw() - send @req (a whole request, header included, exactly as
 * given, split at @split if nonzero) on @queue with reply buffers of
 * @hdr_room bytes and @body_room bytes (either may be 0 for none).
 * @ret_reply: receives up to @reply_max bytes of what the device wrote
 * Return: the used length, or a transport error.
 */
int fuse_call_raw(FuseClient *c, unsigned queue, const void *req, size_t len,
		  size_t split, size_t hdr_room, size_t body_room,
		  void *ret_reply, size_t reply_max);

/* Requests without a reply (FORGET, BATCH_FORGET) go to the hiprio queue;
 * Return: 0 once the device returned the chain, or a transport error. */
int fuse_send_noreply(FuseClient *c, uint32_t opcode, uint64_t nodeid,
		      const struct iovec *args, unsigned nargs);

int fuse_init(FuseClient *c, uint32_t flags, struct fuse_init_out *ret);
int fuse_destroy(FuseClient *c);
int fuse_lookup(FuseClient *c, uint64_t parent, const char *name,
		struct fuse_entry_out *ret);
int fuse_forget(FuseClient *c, uint64_t nodeid, uint64_t nlookup);
int fuse_batch_forget(FuseClient *c, const struct fuse_forget_one *items,
		      uint32_t count);
int fuse_getattr(FuseClient *c, uint64_t nodeid, uint64_t fh, bool use_fh,
		 struct fuse_attr_out *ret);
int fuse_setattr(FuseClient *c, uint64_t nodeid, const struct fuse_setattr_in *in,
		 struct fuse_attr_out *ret);
/* Return: target length (NUL-terminated into @buf) or -errno */
int fuse_readlink(FuseClient *c, uint64_t nodeid, char *buf, size_t size);
int fuse_symlink(FuseClient *c, uint64_t parent, const char *name,
		 const char *target, struct fuse_entry_out *ret);
int fuse_mknod(FuseClient *c, uint64_t parent, const char *name, uint32_t mode,
	       uint32_t rdev, uint32_t umask, struct fuse_entry_out *ret);
int fuse_mkdir(FuseClient *c, uint64_t parent, const char *name, uint32_t mode,
	       uint32_t umask, struct fuse_entry_out *ret);
int fuse_unlink(FuseClient *c, uint64_t parent, const char *name);
int fuse_rmdir(FuseClient *c, uint64_t parent, const char *name);
int fuse_rename(FuseClient *c, uint64_t olddir, const char *oldname,
		uint64_t newdir, const char *newname);
int fuse_rename2(FuseClient *c, uint64_t olddir, const char *oldname,
		 uint64_t newdir, const char *newname, uint32_t flags);
int fuse_link(FuseClient *c, uint64_t oldnode, uint64_t newparent,
	      const char *newname, struct fuse_entry_out *ret);
int fuse_open(FuseClient *c, uint64_t nodeid, uint32_t flags,
	      struct fuse_open_out *ret);
int fuse_create(FuseClient *c, uint64_t parent, const char *name,
		uint32_t flags, uint32_t mode, uint32_t umask,
		struct fuse_entry_out *ret_entry, struct fuse_open_out *ret_open);
int fuse_tmpfile(FuseClient *c, uint64_t parent, uint32_t flags, uint32_t mode,
		 uint32_t umask, struct fuse_entry_out *ret_entry,
		 struct fuse_open_out *ret_open);
/* Return: bytes read into @buf or -errno */
int fuse_read(FuseClient *c, uint64_t nodeid, uint64_t fh, uint64_t off,
	      uint32_t size, void *buf);
/* Return: bytes written or -errno */
int fuse_write(FuseClient *c, uint64_t nodeid, uint64_t fh, uint64_t off,
	       const void *data, uint32_t size, uint32_t write_flags);
int fuse_flush(FuseClient *c, uint64_t nodeid, uint64_t fh, uint64_t owner);
int fuse_release(FuseClient *c, uint64_t nodeid, uint64_t fh, uint32_t flags);
int fuse_fsync(FuseClient *c, uint64_t nodeid, uint64_t fh, bool datasync);
int fuse_opendir(FuseClient *c, uint64_t nodeid, struct fuse_open_out *ret);
/* Return: bytes of dirents in @buf or -errno */
int fuse_readdir(FuseClient *c, uint64_t nodeid, uint64_t fh, uint64_t off,
		 uint32_t size, void *buf);
int fuse_readdirplus(FuseClient *c, uint64_t nodeid, uint64_t fh, uint64_t off,
		     uint32_t size, void *buf);
int fuse_releasedir(FuseClient *c, uint64_t nodeid, uint64_t fh);
int fuse_fsyncdir(FuseClient *c, uint64_t nodeid, uint64_t fh, bool datasync);
int fuse_statfs(FuseClient *c, uint64_t nodeid, struct fuse_statfs_out *ret);
int fuse_setxattr(FuseClient *c, uint64_t nodeid, const char *name,
		  const void *value, uint32_t size, uint32_t flags);
/* @size 0: Return the value's size; else Return bytes copied or -errno */
int fuse_getxattr(FuseClient *c, uint64_t nodeid, const char *name,
		  void *buf, uint32_t size);
int fuse_listxattr(FuseClient *c, uint64_t nodeid, void *buf, uint32_t size);
int fuse_removexattr(FuseClient *c, uint64_t nodeid, const char *name);
int fuse_access(FuseClient *c, uint64_t nodeid, uint32_t mask);
int fuse_getlk(FuseClient *c, uint64_t nodeid, uint64_t fh, uint64_t owner,
	       const struct fuse_file_lock *lk, struct fuse_file_lock *ret);
int fuse_setlk(FuseClient *c, uint64_t nodeid, uint64_t fh, uint64_t owner,
	       const struct fuse_file_lock *lk, bool sleep, bool flock);
int fuse_fallocate(FuseClient *c, uint64_t nodeid, uint64_t fh, uint64_t off,
		   uint64_t len, uint32_t mode);
int fuse_lseek(FuseClient *c, uint64_t nodeid, uint64_t fh, uint64_t off,
	       uint32_t whence, uint64_t *ret_off);
/* Return: bytes copied or -errno */
int fuse_copy_file_range(FuseClient *c, uint64_t node_in, uint64_t fh_in,
			 uint64_t off_in, uint64_t node_out, uint64_t fh_out,
			 uint64_t off_out, uint64_t len, uint64_t flags);
int fuse_syncfs(FuseClient *c, uint64_t nodeid);
int fuse_interrupt(FuseClient *c, uint64_t unique);
int fuse_ioctl(FuseClient *c, uint64_t nodeid, uint64_t fh, uint32_t cmd,
	       uint32_t flags);
int fuse_poll(FuseClient *c, uint64_t nodeid, uint64_t fh);

/**
 * fuse_dirent_next() - walk READDIR (or READDIRPLUS when @plus) output.
 * @pos: in/out offset into @buf
 * Return: the next entry (and its fuse_entry_out in *ret_entry for PLUS), or
 * NULL at the end or on a malformed entry.
 */
const struct fuse_dirent *fuse_dirent_next(const void *buf, size_t len,
					   size_t *pos, bool plus,
					   const struct fuse_entry_out **ret_entry);
