// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuse-do.c - one handler per FUSE opcode: decode the opcode's arguments
 * (the fixed part was already copied out and size-checked by the
 * dispatcher), validate names and sizes, call the backend, and stage the
 * reply.  Knows the FUSE wire format and FsOps, nothing of the transport.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "protocol/fuse-server-int.h"
#include "shared/log.h"
#include "shared/util.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif
#ifndef FUSE_FSYNC_FDATASYNC
#define FUSE_FSYNC_FDATASYNC (1 << 0)
#endif

/* largest READ/WRITE copy_file_range reply that a fuse_write_out can carry */
#define FUSE_CFR_MAX 0xfffff000u

#define OPS(req) ((req)->srv->ops)
#define FS(req) ((req)->srv->fs)
#define NEED_OP(req, op)                       \
	do {                                   \
		if (!OPS(req)->op)             \
			return -ENOSYS;        \
	} while (0)
#define TRY(expr)                   \
	do {                        \
		int _r = (expr);    \
		if (_r < 0)         \
			return _r;  \
	} while (0)

/* A backend's negative ssize_t as an int errno; nonsense becomes EIO. */
static int fuse_ssize_err(ssize_t r)
{
	return r < -4095 ? -EIO : (int)r;
}

/* Stage an entry reply of the size this guest expects. */
static int fuse_entry_reply(FuseReq *req, int r,
			    const struct fuse_entry_out *e)
{
	if (r < 0)
		return r;
	fuse_req_body(req, e, fuse_req_entry_size(req));
	return 0;
}

int fuse_do_lookup(FuseReq *req, const void *arg)
{
	char name[NAME_MAX + 1];
	struct fuse_entry_out e = { 0 };

	NEED_OP(req, lookup);
	TRY(fuse_req_name(req, name, sizeof(name), FUSE_NAME_LOOKUP));
	TRY(fuse_req_reserve(req, fuse_req_entry_size(req)));
	return fuse_entry_reply(req, OPS(req)->lookup(FS(req), &req->ctx,
						      req->hdr.nodeid, name,
						      &e), &e);
}

int fuse_do_forget(FuseReq *req, const void *arg)
{
	const struct fuse_forget_in *in = arg;

	if (OPS(req)->forget)
		OPS(req)->forget(FS(req), req->hdr.nodeid, in->nlookup);
	return 0;
}

int fuse_do_batch_forget(FuseReq *req, const void *arg)
{
	const struct fuse_batch_forget_in *in = arg;
	size_t present = fuse_iov_remaining(&req->args) /
			 sizeof(struct fuse_forget_one);
	size_t n = in->count;

	if (n > present) {
		vlog_warn_ratelimited("BATCH_FORGET of %u but only %zu present",
				      in->count, present);
		n = present;
	}
	for (size_t i = 0; i < n; i++) {
		struct fuse_forget_one one;

		if (fuse_iov_read(&req->args, &one, sizeof(one)) < 0)
			break;
		if (OPS(req)->forget)
			OPS(req)->forget(FS(req), one.nodeid, one.nlookup);
	}
	return 0;
}

int fuse_do_getattr(FuseReq *req, const void *arg)
{
	const struct fuse_getattr_in *in = arg;
	struct fuse_attr_out out = { 0 };
	size_t size = fuse_req_attr_size(req);

	NEED_OP(req, getattr);
	TRY(fuse_req_reserve(req, size));
	TRY(OPS(req)->getattr(FS(req), &req->ctx, req->hdr.nodeid,
			      in->getattr_flags, in->fh, &out));
	fuse_req_body(req, &out, size);
	return 0;
}

int fuse_do_setattr(FuseReq *req, const void *arg)
{
	struct fuse_attr_out out = { 0 };
	size_t size = fuse_req_attr_size(req);

	NEED_OP(req, setattr);
	TRY(fuse_req_reserve(req, size));
	TRY(OPS(req)->setattr(FS(req), &req->ctx, req->hdr.nodeid, arg, &out));
	fuse_req_body(req, &out, size);
	return 0;
}

/* Copy @n bytes of variable reply data after the header. */
static int fuse_tail_reply(FuseReq *req, const void *data, size_t n)
{
	FuseIov tail;

	fuse_req_tail(req, &tail);
	TRY(fuse_iov_write(&tail, data, n));
	req->tail_len = n;
	return 0;
}

int fuse_do_readlink(FuseReq *req, const void *arg)
{
	char buf[PATH_MAX];
	int r;

	NEED_OP(req, readlink);
	TRY(fuse_req_reserve(req, 0));
	r = OPS(req)->readlink(FS(req), &req->ctx, req->hdr.nodeid, buf,
			       sizeof(buf));
	if (r < 0)
		return r;
	if ((size_t)r > sizeof(buf))
		return -EIO;
	TRY(fuse_req_reserve(req, (size_t)r));
	return fuse_tail_reply(req, buf, (size_t)r);
}

int fuse_do_symlink(FuseReq *req, const void *arg)
{
	char name[NAME_MAX + 1];
	char target[PATH_MAX];
	struct fuse_entry_out e = { 0 };
	int len;

	NEED_OP(req, symlink);
	TRY(fuse_req_name(req, name, sizeof(name), FUSE_NAME_NEW));
	len = fuse_iov_read_str(&req->args, target, sizeof(target));
	if (len < 0) {
		vlog_warn_ratelimited("SYMLINK: bad target (%s)",
				      g_strerror(-len));
		return len;
	}
	if (len == 0)
		return -ENOENT;
	TRY(fuse_req_reserve(req, fuse_req_entry_size(req)));
	return fuse_entry_reply(req, OPS(req)->symlink(FS(req), &req->ctx,
						       req->hdr.nodeid, name,
						       target, &e), &e);
}

int fuse_do_mknod(FuseReq *req, const void *arg)
{
	const struct fuse_mknod_in *in = arg;
	char name[NAME_MAX + 1];
	struct fuse_entry_out e = { 0 };

	NEED_OP(req, mknod);
	TRY(fuse_req_name(req, name, sizeof(name), FUSE_NAME_NEW));
	TRY(fuse_req_reserve(req, fuse_req_entry_size(req)));
	return fuse_entry_reply(req, OPS(req)->mknod(FS(req), &req->ctx,
						     req->hdr.nodeid, name,
						     in->mode, in->rdev,
						     in->umask, &e), &e);
}

int fuse_do_mkdir(FuseReq *req, const void *arg)
{
	const struct fuse_mkdir_in *in = arg;
	char name[NAME_MAX + 1];
	struct fuse_entry_out e = { 0 };

	NEED_OP(req, mkdir);
	TRY(fuse_req_name(req, name, sizeof(name), FUSE_NAME_NEW));
	TRY(fuse_req_reserve(req, fuse_req_entry_size(req)));
	return fuse_entry_reply(req, OPS(req)->mkdir(FS(req), &req->ctx,
						     req->hdr.nodeid, name,
						     in->mode, in->umask, &e),
				&e);
}

int fuse_do_unlink(FuseReq *req, const void *arg)
{
	char name[NAME_MAX + 1];

	NEED_OP(req, unlink);
	TRY(fuse_req_name(req, name, sizeof(name), FUSE_NAME_NEW));
	TRY(fuse_req_reserve(req, 0));
	return OPS(req)->unlink(FS(req), &req->ctx, req->hdr.nodeid, name);
}

int fuse_do_rmdir(FuseReq *req, const void *arg)
{
	char name[NAME_MAX + 1];

	NEED_OP(req, rmdir);
	TRY(fuse_req_name(req, name, sizeof(name), FUSE_NAME_NEW));
	TRY(fuse_req_reserve(req, 0));
	return OPS(req)->rmdir(FS(req), &req->ctx, req->hdr.nodeid, name);
}

static int fuse_rename_common(FuseReq *req, uint64_t newdir, uint32_t flags)
{
	char name[NAME_MAX + 1];
	char newname[NAME_MAX + 1];

	NEED_OP(req, rename);
	if (flags & ~(uint32_t)(RENAME_NOREPLACE | RENAME_EXCHANGE)) {
		vlog_warn_ratelimited("RENAME2 flags %#x not supported", flags);
		return -EINVAL;
	}
	TRY(fuse_req_name(req, name, sizeof(name), FUSE_NAME_NEW));
	TRY(fuse_req_name(req, newname, sizeof(newname), FUSE_NAME_NEW));
	TRY(fuse_req_reserve(req, 0));
	return OPS(req)->rename(FS(req), &req->ctx, req->hdr.nodeid, name,
				newdir, newname, flags);
}

int fuse_do_rename(FuseReq *req, const void *arg)
{
	const struct fuse_rename_in *in = arg;

	return fuse_rename_common(req, in->newdir, 0);
}

int fuse_do_rename2(FuseReq *req, const void *arg)
{
	const struct fuse_rename2_in *in = arg;

	return fuse_rename_common(req, in->newdir, in->flags);
}

int fuse_do_link(FuseReq *req, const void *arg)
{
	const struct fuse_link_in *in = arg;
	char name[NAME_MAX + 1];
	struct fuse_entry_out e = { 0 };

	NEED_OP(req, link);
	TRY(fuse_req_name(req, name, sizeof(name), FUSE_NAME_NEW));
	TRY(fuse_req_reserve(req, fuse_req_entry_size(req)));
	return fuse_entry_reply(req, OPS(req)->link(FS(req), &req->ctx,
						    in->oldnodeid,
						    req->hdr.nodeid, name, &e),
				&e);
}

int fuse_do_open(FuseReq *req, const void *arg)
{
	const struct fuse_open_in *in = arg;
	struct fuse_open_out out = { 0 };

	NEED_OP(req, open);
	TRY(fuse_req_reserve(req, sizeof(out)));
	TRY(OPS(req)->open(FS(req), &req->ctx, req->hdr.nodeid, in->flags,
			   &out));
	fuse_req_body(req, &out, sizeof(out));
	return 0;
}

static int fuse_create_reply(FuseReq *req, int r,
			     const struct fuse_entry_out *e,
			     const struct fuse_open_out *o)
{
	if (r < 0)
		return r;
	fuse_req_body(req, e, fuse_req_entry_size(req));
	fuse_req_body(req, o, sizeof(*o));
	return 0;
}

int fuse_do_create(FuseReq *req, const void *arg)
{
	const struct fuse_create_in *in = arg;
	char name[NAME_MAX + 1];
	struct fuse_entry_out e = { 0 };
	struct fuse_open_out o = { 0 };

	NEED_OP(req, create);
	TRY(fuse_req_name(req, name, sizeof(name), FUSE_NAME_NEW));
	TRY(fuse_req_reserve(req, fuse_req_entry_size(req) + sizeof(o)));
	return fuse_create_reply(req, OPS(req)->create(FS(req), &req->ctx,
						       req->hdr.nodeid, name,
						       in->mode, in->flags,
						       in->umask, &e, &o),
				 &e, &o);
}

/* The kernel sends a placeholder name ("/") after the argument: ignored. */
int fuse_do_tmpfile(FuseReq *req, const void *arg)
{
	const struct fuse_create_in *in = arg;
	struct fuse_entry_out e = { 0 };
	struct fuse_open_out o = { 0 };

	NEED_OP(req, tmpfile);
	TRY(fuse_req_reserve(req, fuse_req_entry_size(req) + sizeof(o)));
	return fuse_create_reply(req, OPS(req)->tmpfile(FS(req), &req->ctx,
							req->hdr.nodeid,
							in->mode, in->flags,
							in->umask, &e, &o),
				 &e, &o);
}

/* Bulk data slices: one per serving thread, sized for the longest chain. */
static __thread struct iovec fuse_slice[FUSE_IOV_MAX];

int fuse_do_read(FuseReq *req, const void *arg)
{
	const struct fuse_read_in *in = arg;
	FuseIov tail;
	size_t size;
	ssize_t r;
	int cnt;

	NEED_OP(req, read);
	TRY(fuse_req_reserve(req, 0));
	fuse_req_tail(req, &tail);
	size = VFSD_MIN((size_t)in->size, (size_t)FUSE_SRV_MAX_WRITE);
	size = VFSD_MIN(size, fuse_iov_remaining(&tail));
	cnt = fuse_iov_slice(&tail, size, fuse_slice, FUSE_IOV_MAX);
	if (cnt < 0)
		return -EINVAL;	/* more buffers than FUSE_IOV_MAX */
	r = OPS(req)->read(FS(req), &req->ctx, req->hdr.nodeid, in->fh,
			   in->offset, fuse_slice, cnt);
	if (r < 0)
		return fuse_ssize_err(r);
	if ((size_t)r > size)
		return -EIO;
	req->tail_len = (size_t)r;
	return 0;
}

int fuse_do_write(FuseReq *req, const void *arg)
{
	const struct fuse_write_in *in = arg;
	struct fuse_write_out out = { 0 };
	ssize_t r;
	int cnt;

	NEED_OP(req, write);
	if (in->size > FUSE_SRV_MAX_WRITE ||
	    in->size != fuse_iov_remaining(&req->args)) {
		vlog_warn_ratelimited("WRITE of %u bytes with %zu present",
				      in->size,
				      fuse_iov_remaining(&req->args));
		return -EINVAL;
	}
	TRY(fuse_req_reserve(req, sizeof(out)));
	cnt = fuse_iov_slice(&req->args, in->size, fuse_slice, FUSE_IOV_MAX);
	if (cnt < 0)
		return -EINVAL;	/* more buffers than FUSE_IOV_MAX */
	r = OPS(req)->write(FS(req), &req->ctx, req->hdr.nodeid, in->fh,
			    in->offset, fuse_slice, cnt, in->write_flags);
	if (r < 0)
		return fuse_ssize_err(r);
	if ((size_t)r > in->size)
		return -EIO;
	out.size = (uint32_t)r;
	fuse_req_body(req, &out, sizeof(out));
	return 0;
}

int fuse_do_flush(FuseReq *req, const void *arg)
{
	const struct fuse_flush_in *in = arg;

	NEED_OP(req, flush);
	TRY(fuse_req_reserve(req, 0));
	return OPS(req)->flush(FS(req), &req->ctx, req->hdr.nodeid, in->fh,
			       in->lock_owner);
}

int fuse_do_release(FuseReq *req, const void *arg)
{
	const struct fuse_release_in *in = arg;

	NEED_OP(req, release);
	/* a release must not be lost even if the reply cannot be sent */
	return OPS(req)->release(FS(req), &req->ctx, req->hdr.nodeid, in->fh,
				 in->flags, in->release_flags,
				 in->lock_owner);
}

int fuse_do_fsync(FuseReq *req, const void *arg)
{
	const struct fuse_fsync_in *in = arg;

	NEED_OP(req, fsync);
	TRY(fuse_req_reserve(req, 0));
	return OPS(req)->fsync(FS(req), &req->ctx, req->hdr.nodeid, in->fh,
			       in->fsync_flags & FUSE_FSYNC_FDATASYNC);
}

int fuse_do_opendir(FuseReq *req, const void *arg)
{
	const struct fuse_open_in *in = arg;
	struct fuse_open_out out = { 0 };

	NEED_OP(req, opendir);
	TRY(fuse_req_reserve(req, sizeof(out)));
	TRY(OPS(req)->opendir(FS(req), &req->ctx, req->hdr.nodeid, in->flags,
			      &out));
	fuse_req_body(req, &out, sizeof(out));
	return 0;
}

static int fuse_readdir_common(FuseReq *req, const struct fuse_read_in *in,
			       bool plus)
{
	FsDirBuf buf;
	FuseIov tail;
	int r;

	NEED_OP(req, readdir);
	TRY(fuse_req_reserve(req, 0));
	fuse_req_tail(req, &tail);
	fuse_dirbuf_init(&buf, &tail,
			 VFSD_MIN((size_t)in->size, (size_t)FUSE_SRV_MAX_WRITE),
			 plus);
	r = OPS(req)->readdir(FS(req), &req->ctx, req->hdr.nodeid, in->fh,
			      in->offset, &buf);
	/* entries already added hold lookup references: deliver them */
	if (r < 0 && buf.used == 0)
		return r;
	req->tail_len = buf.used;
	return 0;
}

int fuse_do_readdir(FuseReq *req, const void *arg)
{
	return fuse_readdir_common(req, arg, false);
}

int fuse_do_readdirplus(FuseReq *req, const void *arg)
{
	return fuse_readdir_common(req, arg, true);
}

int fuse_do_releasedir(FuseReq *req, const void *arg)
{
	const struct fuse_release_in *in = arg;

	NEED_OP(req, releasedir);
	return OPS(req)->releasedir(FS(req), &req->ctx, req->hdr.nodeid,
				    in->fh);
}

int fuse_do_fsyncdir(FuseReq *req, const void *arg)
{
	const struct fuse_fsync_in *in = arg;

	NEED_OP(req, fsyncdir);
	TRY(fuse_req_reserve(req, 0));
	return OPS(req)->fsyncdir(FS(req), &req->ctx, req->hdr.nodeid, in->fh,
				  in->fsync_flags & FUSE_FSYNC_FDATASYNC);
}

int fuse_do_statfs(FuseReq *req, const void *arg)
{
	struct fuse_statfs_out out = { 0 };
	size_t size = req->minor < 4 ? FUSE_COMPAT_STATFS_SIZE : sizeof(out);

	NEED_OP(req, statfs);
	TRY(fuse_req_reserve(req, size));
	TRY(OPS(req)->statfs(FS(req), &req->ctx, req->hdr.nodeid, &out.st));
	fuse_req_body(req, &out, size);
	return 0;
}

int fuse_do_setxattr(FuseReq *req, const void *arg)
{
	const struct fuse_setxattr_in *in = arg;
	char name[NAME_MAX + 1];
	void *value;

	NEED_OP(req, setxattr);
	TRY(fuse_req_name(req, name, sizeof(name), FUSE_NAME_XATTR));
	if (in->size > FUSE_SCRATCH_SIZE)
		return -E2BIG;
	if (in->size > fuse_iov_remaining(&req->args)) {
		vlog_warn_ratelimited("SETXATTR value of %u bytes truncated",
				      in->size);
		return -EINVAL;
	}
	TRY(fuse_req_reserve(req, 0));
	value = fuse_thread_scratch();
	fuse_iov_read(&req->args, value, in->size);
	return OPS(req)->setxattr(FS(req), &req->ctx, req->hdr.nodeid, name,
				  value, in->size, in->flags,
				  in->setxattr_flags);
}

/* GETXATTR and LISTXATTR: size 0 asks for the size, else for the data. */
static int fuse_xattr_reply(FuseReq *req, uint32_t size, const char *name)
{
	struct fuse_getxattr_out out = { 0 };
	size_t cap = VFSD_MIN((size_t)size, (size_t)FUSE_SCRATCH_SIZE);
	void *buf = NULL;
	ssize_t r;

	TRY(fuse_req_reserve(req, size ? cap : sizeof(out)));
	if (size)
		buf = fuse_thread_scratch();
	if (name)
		r = OPS(req)->getxattr(FS(req), &req->ctx, req->hdr.nodeid,
				       name, buf, size ? cap : 0);
	else
		r = OPS(req)->listxattr(FS(req), &req->ctx, req->hdr.nodeid,
					buf, size ? cap : 0);
	if (r < 0)
		return fuse_ssize_err(r);
	if (size == 0) {
		out.size = (uint32_t)VFSD_MIN((size_t)r, (size_t)UINT32_MAX);
		fuse_req_body(req, &out, sizeof(out));
		return 0;
	}
	if ((size_t)r > cap)
		return -EIO;
	return fuse_tail_reply(req, buf, (size_t)r);
}

int fuse_do_getxattr(FuseReq *req, const void *arg)
{
	const struct fuse_getxattr_in *in = arg;
	char name[NAME_MAX + 1];

	NEED_OP(req, getxattr);
	TRY(fuse_req_name(req, name, sizeof(name), FUSE_NAME_XATTR));
	return fuse_xattr_reply(req, in->size, name);
}

int fuse_do_listxattr(FuseReq *req, const void *arg)
{
	const struct fuse_getxattr_in *in = arg;

	NEED_OP(req, listxattr);
	return fuse_xattr_reply(req, in->size, NULL);
}

int fuse_do_removexattr(FuseReq *req, const void *arg)
{
	char name[NAME_MAX + 1];

	NEED_OP(req, removexattr);
	TRY(fuse_req_name(req, name, sizeof(name), FUSE_NAME_XATTR));
	TRY(fuse_req_reserve(req, 0));
	return OPS(req)->removexattr(FS(req), &req->ctx, req->hdr.nodeid,
				     name);
}

int fuse_do_access(FuseReq *req, const void *arg)
{
	const struct fuse_access_in *in = arg;

	NEED_OP(req, access);
	TRY(fuse_req_reserve(req, 0));
	return OPS(req)->access(FS(req), &req->ctx, req->hdr.nodeid, in->mask);
}

int fuse_do_getlk(FuseReq *req, const void *arg)
{
	const struct fuse_lk_in *in = arg;
	struct fuse_lk_out out = { 0 };

	NEED_OP(req, getlk);
	TRY(fuse_req_reserve(req, sizeof(out)));
	TRY(OPS(req)->getlk(FS(req), &req->ctx, req->hdr.nodeid, in->fh,
			    in->owner, &in->lk, &out.lk));
	fuse_req_body(req, &out, sizeof(out));
	return 0;
}

static int fuse_setlk_common(FuseReq *req, const struct fuse_lk_in *in,
			     bool sleep)
{
	NEED_OP(req, setlk);
	TRY(fuse_req_reserve(req, 0));
	return OPS(req)->setlk(FS(req), &req->ctx, req->hdr.nodeid, in->fh,
			       in->owner, &in->lk, in->lk_flags, sleep);
}

int fuse_do_setlk(FuseReq *req, const void *arg)
{
	return fuse_setlk_common(req, arg, false);
}

int fuse_do_setlkw(FuseReq *req, const void *arg)
{
	return fuse_setlk_common(req, arg, true);
}

int fuse_do_fallocate(FuseReq *req, const void *arg)
{
	const struct fuse_fallocate_in *in = arg;

	NEED_OP(req, fallocate);
	TRY(fuse_req_reserve(req, 0));
	return OPS(req)->fallocate(FS(req), &req->ctx, req->hdr.nodeid, in->fh,
				   in->offset, in->length, in->mode);
}

int fuse_do_lseek(FuseReq *req, const void *arg)
{
	const struct fuse_lseek_in *in = arg;
	struct fuse_lseek_out out = { 0 };
	uint64_t off = 0;

	NEED_OP(req, lseek);
	TRY(fuse_req_reserve(req, sizeof(out)));
	TRY(OPS(req)->lseek(FS(req), &req->ctx, req->hdr.nodeid, in->fh,
			    in->offset, in->whence, &off));
	out.offset = off;
	fuse_req_body(req, &out, sizeof(out));
	return 0;
}

int fuse_do_copy_file_range(FuseReq *req, const void *arg)
{
	const struct fuse_copy_file_range_in *in = arg;
	struct fuse_write_out out = { 0 };
	uint64_t len = VFSD_MIN(in->len, (uint64_t)FUSE_CFR_MAX);
	ssize_t r;

	NEED_OP(req, copy_file_range);
	TRY(fuse_req_reserve(req, sizeof(out)));
	r = OPS(req)->copy_file_range(FS(req), &req->ctx, req->hdr.nodeid,
				      in->fh_in, in->off_in, in->nodeid_out,
				      in->fh_out, in->off_out, len, in->flags);
	if (r < 0)
		return fuse_ssize_err(r);
	if ((uint64_t)r > len)
		return -EIO;
	out.size = (uint32_t)r;
	fuse_req_body(req, &out, sizeof(out));
	return 0;
}

int fuse_do_syncfs(FuseReq *req, const void *arg)
{
	NEED_OP(req, syncfs);
	TRY(fuse_req_reserve(req, 0));
	return OPS(req)->syncfs(FS(req), &req->ctx, req->hdr.nodeid);
}

/* Requests are served synchronously: by the time an INTERRUPT arrives the
 * request it names has been answered or is blocked in a syscall that the
 * server cannot abort.  No reply either way. */
int fuse_do_interrupt(FuseReq *req, const void *arg)
{
	return 0;
}

int fuse_do_ioctl(FuseReq *req, const void *arg)
{
	return -ENOTTY;
}

/* Answer to a retrieve notification, which this server never sends. */
int fuse_do_notify_reply(FuseReq *req, const void *arg)
{
	return 0;
}
