// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuse-server.c - the FUSE session: validates each request's header and
 * fixed arguments, dispatches by opcode through one table, negotiates INIT
 * and writes the reply.  The opcode handlers live in fuse-do.c.  Knows
 * nothing of vhost-user: a request is two iovec arrays.
 *
 * Theory of operation
 *  - Request framing: the guest's driver puts exactly fuse_in_header.len
 *    bytes into the device-readable buffers.  We require
 *    sizeof(header) <= len <= bytes present and read only len bytes (slack
 *    after them is ignored); any extension area (total_extlen) at the end
 *    is excluded from what the handlers see.  A bad len gets EINVAL.
 *  - Replies: handlers check that their reply fits the device-writable
 *    buffers before calling the backend, so nothing is done for a reply
 *    that could not be delivered.  If it does not fit, the guest gets an
 *    EIO header instead (a zero-length completion would leave the guest
 *    driver reading a stale header); if not even the 16-byte header fits,
 *    the request is dropped with no reply.
 *  - Session: nothing but INIT is served before INIT (EIO), a second INIT
 *    gets EIO (as libfuse does), DESTROY and fuse_server_reset() go back
 *    to before INIT.  The state is an atomic, so any number of queue
 *    threads may call fuse_server_handle() at once.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <string.h>

#include <glib.h>

#include "protocol/fuse-server-int.h"
#include "shared/log.h"
#include "shared/util.h"

/* What INIT offers besides the configurable flags. */
#define FUSE_SRV_MAX_BACKGROUND 64
#define FUSE_SRV_CONGESTION 48

typedef struct {
	const char *name;
	FuseHandler handler;	/* NULL: ENOSYS */
	uint16_t in_size;	/* fixed in-arg for current guests */
	uint16_t compat_size;	/* ... for guests older than compat_minor */
	uint8_t compat_minor;
	bool no_reply;		/* the guest expects no answer */
} FuseOpDesc;

static int fuse_do_init(FuseReq *req, const void *arg);
static int fuse_do_destroy(FuseReq *req, const void *arg);

#define OP(op, fn, size) [FUSE_##op] = { #op, fn, size, size, 0, false }
#define OP_COMPAT(op, fn, size, csize, cminor) \
	[FUSE_##op] = { #op, fn, size, csize, cminor, false }
#define OP_NOREPLY(op, fn, size) [FUSE_##op] = { #op, fn, size, size, 0, true }

static const FuseOpDesc fuse_op_table[] = {
	OP(LOOKUP, fuse_do_lookup, 0),
	OP_NOREPLY(FORGET, fuse_do_forget, sizeof(struct fuse_forget_in)),
	OP_COMPAT(GETATTR, fuse_do_getattr, sizeof(struct fuse_getattr_in),
		  0, 9),
	OP(SETATTR, fuse_do_setattr, sizeof(struct fuse_setattr_in)),
	OP(READLINK, fuse_do_readlink, 0),
	OP(SYMLINK, fuse_do_symlink, 0),
	OP_COMPAT(MKNOD, fuse_do_mknod, sizeof(struct fuse_mknod_in),
		  FUSE_COMPAT_MKNOD_IN_SIZE, 12),
	OP(MKDIR, fuse_do_mkdir, sizeof(struct fuse_mkdir_in)),
	OP(UNLINK, fuse_do_unlink, 0),
	OP(RMDIR, fuse_do_rmdir, 0),
	OP(RENAME, fuse_do_rename, sizeof(struct fuse_rename_in)),
	OP(LINK, fuse_do_link, sizeof(struct fuse_link_in)),
	OP(OPEN, fuse_do_open, sizeof(struct fuse_open_in)),
	OP_COMPAT(READ, fuse_do_read, sizeof(struct fuse_read_in), 24, 9),
	OP_COMPAT(WRITE, fuse_do_write, sizeof(struct fuse_write_in),
		  FUSE_COMPAT_WRITE_IN_SIZE, 9),
	OP(STATFS, fuse_do_statfs, 0),
	OP(RELEASE, fuse_do_release, sizeof(struct fuse_release_in)),
	OP(FSYNC, fuse_do_fsync, sizeof(struct fuse_fsync_in)),
	/* the size depends on FUSE_SETXATTR_EXT; see fuse_op_in_size() */
	OP(SETXATTR, fuse_do_setxattr, sizeof(struct fuse_setxattr_in)),
	OP(GETXATTR, fuse_do_getxattr, sizeof(struct fuse_getxattr_in)),
	OP(LISTXATTR, fuse_do_listxattr, sizeof(struct fuse_getxattr_in)),
	OP(REMOVEXATTR, fuse_do_removexattr, 0),
	OP(FLUSH, fuse_do_flush, sizeof(struct fuse_flush_in)),
	/* major and minor; the rest is read as far as present */
	OP(INIT, fuse_do_init, 8),
	OP(OPENDIR, fuse_do_opendir, sizeof(struct fuse_open_in)),
	OP(READDIR, fuse_do_readdir, sizeof(struct fuse_read_in)),
	OP(RELEASEDIR, fuse_do_releasedir, sizeof(struct fuse_release_in)),
	OP(FSYNCDIR, fuse_do_fsyncdir, sizeof(struct fuse_fsync_in)),
	OP(GETLK, fuse_do_getlk, sizeof(struct fuse_lk_in)),
	OP(SETLK, fuse_do_setlk, sizeof(struct fuse_lk_in)),
	OP(SETLKW, fuse_do_setlkw, sizeof(struct fuse_lk_in)),
	OP(ACCESS, fuse_do_access, sizeof(struct fuse_access_in)),
	OP_COMPAT(CREATE, fuse_do_create, sizeof(struct fuse_create_in),
		  sizeof(struct fuse_open_in), 12),
	OP_NOREPLY(INTERRUPT, fuse_do_interrupt,
		   sizeof(struct fuse_interrupt_in)),
	OP(BMAP, NULL, sizeof(struct fuse_bmap_in)),
	OP(DESTROY, fuse_do_destroy, 0),
	OP(IOCTL, fuse_do_ioctl, 0),
	OP(POLL, NULL, sizeof(struct fuse_poll_in)),
	OP_NOREPLY(NOTIFY_REPLY, fuse_do_notify_reply, 0),
	OP_NOREPLY(BATCH_FORGET, fuse_do_batch_forget,
		   sizeof(struct fuse_batch_forget_in)),
	OP(FALLOCATE, fuse_do_fallocate, sizeof(struct fuse_fallocate_in)),
	OP(READDIRPLUS, fuse_do_readdirplus, sizeof(struct fuse_read_in)),
	OP(RENAME2, fuse_do_rename2, sizeof(struct fuse_rename2_in)),
	OP(LSEEK, fuse_do_lseek, sizeof(struct fuse_lseek_in)),
	OP(COPY_FILE_RANGE, fuse_do_copy_file_range,
	   sizeof(struct fuse_copy_file_range_in)),
	OP(SETUPMAPPING, NULL, sizeof(struct fuse_setupmapping_in)),
	OP(REMOVEMAPPING, NULL, sizeof(struct fuse_removemapping_in)),
	OP(SYNCFS, fuse_do_syncfs, sizeof(struct fuse_syncfs_in)),
	OP(TMPFILE, fuse_do_tmpfile, sizeof(struct fuse_create_in)),
};
G_STATIC_ASSERT(G_N_ELEMENTS(fuse_op_table) == FUSE_OP_MAX);
/* the largest fixed in-arg must fit FuseReq's argument buffer below */
G_STATIC_ASSERT(sizeof(struct fuse_setattr_in) <= 128);

#undef OP
#undef OP_COMPAT
#undef OP_NOREPLY

static const FuseOpDesc *fuse_op_desc(uint32_t opcode)
{
	if (opcode >= FUSE_OP_MAX || !fuse_op_table[opcode].name)
		return NULL;
	return &fuse_op_table[opcode];
}

/**
 * fuse_server_opcode_name() - printable name of a FUSE opcode.
 * @opcode: any value
 * Return: e.g. "LOOKUP", or NULL for opcodes we do not know.
 */
const char *fuse_server_opcode_name(uint32_t opcode)
{
	const FuseOpDesc *d = fuse_op_desc(opcode);

	return d ? d->name : NULL;
}

static size_t fuse_op_in_size(const FuseOpDesc *d, uint32_t opcode,
			      uint32_t minor, uint64_t flags)
{
	if (opcode == FUSE_SETXATTR && !(flags & FUSE_SETXATTR_EXT))
		return FUSE_COMPAT_SETXATTR_IN_SIZE;
	if (d->compat_minor && minor < d->compat_minor)
		return d->compat_size;
	return d->in_size;
}

/**
 * fuse_server_new() - create a FUSE session for one backend.
 * @cfg: backend and configuration; @cfg->ops, @cfg->fs and @cfg->cfg must
 *       outlive the server
 * Return: the server (never NULL).
 */
FuseServer *fuse_server_new(const FuseServerConfig *cfg)
{
	FuseServer *srv = g_new0(FuseServer, 1);

	srv->ops = cfg->ops;
	srv->fs = cfg->fs;
	srv->cfg = cfg->cfg;
	atomic_init(&srv->state, FUSE_SRV_UNINIT);
	return srv;
}

/**
 * fuse_server_free() - free a server; the backend is not touched.
 * @srv: the server, or NULL
 */
void fuse_server_free(FuseServer *srv)
{
	g_free(srv);
}

/**
 * fuse_server_reset() - forget the session after a disconnect.
 * @srv: the server; no request may be in flight
 *
 * Calls the backend's destroy op if INIT had completed.
 */
void fuse_server_reset(FuseServer *srv)
{
	int old = atomic_exchange(&srv->state, FUSE_SRV_UNINIT);

	if (old == FUSE_SRV_READY && srv->ops->destroy)
		srv->ops->destroy(srv->fs);
}

/**
 * fuse_server_get_stats() - request and error totals over all opcodes.
 * @srv: the server
 * @ret: filled with the sums
 */
void fuse_server_get_stats(FuseServer *srv, FuseServerStats *ret)
{
	FuseServerStats s = { 0 };

	for (unsigned i = 0; i < G_N_ELEMENTS(srv->stats); i++) {
		s.requests += atomic_load_explicit(&srv->stats[i].requests,
						   memory_order_relaxed);
		s.errors += atomic_load_explicit(&srv->stats[i].errors,
						 memory_order_relaxed);
	}
	*ret = s;
}

/**
 * fuse_server_get_op_stats() - counters of one opcode.
 * @srv: the server
 * @opcode: FUSE opcode; FUSE_SERVER_OP_UNKNOWN sums all unknown ones
 * @ret: filled on success
 * Return: 0, or -EINVAL for an opcode out of range.
 */
int fuse_server_get_op_stats(FuseServer *srv, uint32_t opcode,
			     FuseServerStats *ret)
{
	if (opcode > FUSE_OP_MAX)
		return -EINVAL;
	ret->requests = atomic_load_explicit(&srv->stats[opcode].requests,
					     memory_order_relaxed);
	ret->errors = atomic_load_explicit(&srv->stats[opcode].errors,
					   memory_order_relaxed);
	return 0;
}
G_STATIC_ASSERT(FUSE_SERVER_OP_UNKNOWN == FUSE_OP_MAX);

/* ------------------------------------------------------------ request helpers */

/**
 * fuse_req_reserve() - check that a reply body of @n bytes will fit.
 * @req: the request
 * @n: body bytes after the out header
 * Return: 0, or -EIO if the guest's reply buffers are too small.
 */
int fuse_req_reserve(FuseReq *req, size_t n)
{
	if (req->in_space >= sizeof(struct fuse_out_header) &&
	    req->in_space - sizeof(struct fuse_out_header) >= n)
		return 0;
	vlog_warn_ratelimited("%s reply of %zu bytes does not fit %zu-byte "
			      "buffer, failing request",
			      fuse_server_opcode_name(req->hdr.opcode),
			      n + sizeof(struct fuse_out_header),
			      req->in_space);
	return -EIO;
}

/**
 * fuse_req_body() - append to the fixed reply body.
 * @req: the request
 * @p: bytes to append
 * @n: how many; the caller reserved them
 */
void fuse_req_body(FuseReq *req, const void *p, size_t n)
{
	g_assert(n <= sizeof(req->body) - req->body_len);
	memcpy((char *)req->body + req->body_len, p, n);
	req->body_len += n;
}

/**
 * fuse_req_tail() - a cursor on the reply buffers after header and body.
 * @req: the request
 * @ret_cursor: set to the position where variable reply data goes; empty
 *              if the buffers are smaller than header and body
 */
void fuse_req_tail(FuseReq *req, FuseIov *ret_cursor)
{
	fuse_iov_init(ret_cursor, req->in, req->in_num);
	if (fuse_iov_skip(ret_cursor, sizeof(struct fuse_out_header) +
				      req->body_len) < 0)
		fuse_iov_limit(ret_cursor, 0);
}

/**
 * fuse_req_entry_size() - size of fuse_entry_out for this guest.
 * @req: the request
 * Return: FUSE_COMPAT_ENTRY_OUT_SIZE for guests before 7.9, else the full
 * size.
 */
size_t fuse_req_entry_size(const FuseReq *req)
{
	return req->minor < 9 ? FUSE_COMPAT_ENTRY_OUT_SIZE
			      : sizeof(struct fuse_entry_out);
}

/**
 * fuse_req_attr_size() - size of fuse_attr_out for this guest.
 * @req: the request
 * Return: FUSE_COMPAT_ATTR_OUT_SIZE for guests before 7.9, else full size.
 */
size_t fuse_req_attr_size(const FuseReq *req)
{
	return req->minor < 9 ? FUSE_COMPAT_ATTR_OUT_SIZE
			      : sizeof(struct fuse_attr_out);
}

/**
 * fuse_req_name() - take the next NUL-terminated name out of the request.
 * @req: the request
 * @buf: destination, at least NAME_MAX + 1 bytes (XATTR_NAME_MAX + 1 for
 *       FUSE_NAME_XATTR)
 * @size: size of @buf
 * @kind: which checks apply
 * Return: the name's length; -EINVAL if it is unterminated, empty, holds a
 * '/' (except xattr names) or is "."/".." where @kind forbids them;
 * -ENAMETOOLONG if longer than NAME_MAX (-ERANGE for xattr names).
 */
int fuse_req_name(FuseReq *req, char *buf, size_t size, FuseNameKind kind)
{
	size_t cap = NAME_MAX + 1 < size ? NAME_MAX + 1 : size;
	int len = fuse_iov_read_str(&req->args, buf, cap);

	if (len == -ENAMETOOLONG && kind == FUSE_NAME_XATTR)
		len = -ERANGE;
	if (len < 0) {
		vlog_warn_ratelimited("%s: bad name (%s)",
				      fuse_server_opcode_name(req->hdr.opcode),
				      g_strerror(-len));
		return len;
	}
	if (len == 0)
		goto bad;
	if (kind == FUSE_NAME_XATTR)
		return len;
	if (memchr(buf, '/', (size_t)len))
		goto bad;
	if (kind == FUSE_NAME_NEW &&
	    (strcmp(buf, ".") == 0 || strcmp(buf, "..") == 0))
		goto bad;
	return len;
bad:
	vlog_warn_ratelimited("%s: invalid name",
			      fuse_server_opcode_name(req->hdr.opcode));
	return -EINVAL;
}

static GPrivate fuse_scratch_key = G_PRIVATE_INIT(g_free);

/**
 * fuse_thread_scratch() - this thread's FUSE_SCRATCH_SIZE-byte buffer, for
 * xattr values that the backend needs contiguous.  Allocated once per
 * thread, freed when the thread exits.
 * Return: the buffer.
 */
void *fuse_thread_scratch(void)
{
	void *p = g_private_get(&fuse_scratch_key);

	if (!p) {
		p = g_malloc(FUSE_SCRATCH_SIZE);
		g_private_set(&fuse_scratch_key, p);
	}
	return p;
}

/* ------------------------------------------------------------ INIT / DESTROY */

static uint64_t fuse_init_offer(const FsConfig *cfg)
{
	uint64_t f = FUSE_ASYNC_READ | FUSE_ATOMIC_O_TRUNC |
		     FUSE_EXPORT_SUPPORT | FUSE_BIG_WRITES | FUSE_DONT_MASK |
		     FUSE_AUTO_INVAL_DATA | FUSE_ASYNC_DIO |
		     FUSE_PARALLEL_DIROPS | FUSE_MAX_PAGES |
		     FUSE_CACHE_SYMLINKS | FUSE_INIT_EXT;

	if (!cfg)
		return f;
	if (cfg->posix_lock)
		f |= FUSE_POSIX_LOCKS;
	if (cfg->flock)
		f |= FUSE_FLOCK_LOCKS;
	if (cfg->readdirplus)
		f |= FUSE_DO_READDIRPLUS | FUSE_READDIRPLUS_AUTO;
	if (cfg->writeback)
		f |= FUSE_WRITEBACK_CACHE;
	if (cfg->announce_submounts)
		f |= FUSE_SUBMOUNTS;
	if (cfg->xattr)
		f |= FUSE_SETXATTR_EXT;
	if (cfg->killpriv_v2)
		f |= FUSE_HANDLE_KILLPRIV_V2;
	return f;
}

static int fuse_do_init(FuseReq *req, const void *arg)
{
	FuseServer *srv = req->srv;
	struct fuse_init_in in = { 0 };
	struct fuse_init_out out = { 0 };
	FsInitInfo info = { 0 };
	uint64_t guest, flags;
	size_t more, out_size;
	int expected = FUSE_SRV_UNINIT;
	int r;

	memcpy(&in, arg, 8);
	more = VFSD_MIN(fuse_iov_remaining(&req->args), sizeof(in) - 8);
	fuse_iov_read(&req->args, (char *)&in + 8, more);

	if (in.major < 7) {
		vlog_warn_ratelimited("guest FUSE %u.%u too old", in.major,
				      in.minor);
		return -EPROTO;
	}
	out.major = FUSE_KERNEL_VERSION;
	out.minor = FUSE_KERNEL_MINOR_VERSION;
	if (in.major > 7) {
		/* the guest retries INIT with our major */
		r = fuse_req_reserve(req, sizeof(out));
		if (r < 0)
			return r;
		fuse_req_body(req, &out, sizeof(out));
		return 0;
	}
	if (in.minor < 6) {
		in.max_readahead = 0;
		in.flags = 0;
	}
	if (in.minor < 5)
		out_size = FUSE_COMPAT_INIT_OUT_SIZE;
	else if (in.minor < 23)
		out_size = FUSE_COMPAT_22_INIT_OUT_SIZE;
	else
		out_size = sizeof(out);
	r = fuse_req_reserve(req, out_size);
	if (r < 0)
		return r;

	guest = in.flags;
	if (in.flags & FUSE_INIT_EXT)
		guest |= (uint64_t)in.flags2 << 32;
	flags = guest & fuse_init_offer(srv->cfg);

	out.minor = VFSD_MIN(in.minor, (uint32_t)FUSE_KERNEL_MINOR_VERSION);
	out.max_readahead = VFSD_MIN(in.max_readahead, FUSE_SRV_MAX_WRITE);
	out.flags = (uint32_t)flags;
	if (flags & FUSE_INIT_EXT)
		out.flags2 = (uint32_t)(flags >> 32);
	out.max_background = FUSE_SRV_MAX_BACKGROUND;
	out.congestion_threshold = FUSE_SRV_CONGESTION;
	out.max_write = FUSE_SRV_MAX_WRITE;
	out.time_gran = 1;
	if (flags & FUSE_MAX_PAGES)
		out.max_pages = FUSE_SRV_MAX_PAGES;
	out.map_alignment = 0;

	if (!atomic_compare_exchange_strong(&srv->state, &expected,
					    FUSE_SRV_INITIALISING)) {
		vlog_warn_ratelimited("INIT while already initialised");
		return -EIO;
	}
	info.flags = flags;
	info.max_write = out.max_write;
	info.max_readahead = out.max_readahead;
	if (srv->ops->init) {
		r = srv->ops->init(srv->fs, &info);
		if (r < 0) {
			atomic_store(&srv->state, FUSE_SRV_UNINIT);
			return r;
		}
	}
	atomic_store_explicit(&srv->minor, out.minor, memory_order_relaxed);
	atomic_store_explicit(&srv->flags, flags, memory_order_relaxed);
	atomic_store_explicit(&srv->state, FUSE_SRV_READY,
			      memory_order_release);
	vlog_debug("INIT: guest %u.%u flags %#" PRIx64 ", agreed 7.%u flags %#"
		   PRIx64, in.major, in.minor, guest, out.minor, flags);
	fuse_req_body(req, &out, out_size);
	return 0;
}

static int fuse_do_destroy(FuseReq *req, const void *arg)
{
	fuse_server_reset(req->srv);
	return 0;
}

/* ------------------------------------------------------------ dispatch */

static uint32_t fuse_reply(FuseReq *req, int error)
{
	struct fuse_out_header oh = {
		.error = error,
		.unique = req->hdr.unique,
	};
	FuseIov c;
	size_t len = sizeof(oh);

	if (error == 0)
		len += req->body_len + req->tail_len;
	if (len > req->in_space) {
		/* only reached when not even the header fits */
		vlog_warn_ratelimited("%zu-byte reply buffer too small, "
				      "dropping reply", req->in_space);
		return 0;
	}
	oh.len = (uint32_t)len;
	fuse_iov_init(&c, req->in, req->in_num);
	fuse_iov_write(&c, &oh, sizeof(oh));
	if (error == 0)
		fuse_iov_write(&c, req->body, req->body_len);
	return oh.len;
}

static uint32_t fuse_reply_err(FuseReq *req, FuseOpCounters *st, int err)
{
	atomic_fetch_add_explicit(&st->errors, 1, memory_order_relaxed);
	return fuse_reply(req, err);
}

/**
 * fuse_server_handle() - serve one request; see fuse-server.h.
 * @srv: the server
 * @out: device-readable buffers holding the request
 * @out_num: entries in @out
 * @in: device-writable buffers for the reply
 * @in_num: entries in @in
 * Return: bytes of reply written into @in.
 */
uint32_t fuse_server_handle(FuseServer *srv, const struct iovec *out,
			    unsigned out_num, const struct iovec *in,
			    unsigned in_num)
{
	FuseReq req = { .srv = srv, .in = in, .in_num = in_num };
	uint64_t argbuf[16] = { 0 };
	const FuseOpDesc *d;
	FuseOpCounters *st;
	FuseIov c;
	size_t avail, payload, extlen, arg_size;
	int state, r;

	fuse_iov_init(&c, out, out_num);
	avail = fuse_iov_remaining(&c);
	if (fuse_iov_read(&c, &req.hdr, sizeof(req.hdr)) < 0) {
		vlog_warn_ratelimited("%zu-byte request has no header, "
				      "dropping it", avail);
		return 0;
	}
	fuse_iov_init(&c, in, in_num);
	req.in_space = fuse_iov_remaining(&c);
	req.ctx.uid = req.hdr.uid;
	req.ctx.gid = req.hdr.gid;
	req.ctx.pid = req.hdr.pid;

	d = fuse_op_desc(req.hdr.opcode);
	st = &srv->stats[d ? req.hdr.opcode : FUSE_OP_MAX];
	atomic_fetch_add_explicit(&st->requests, 1, memory_order_relaxed);
	vlog_trace("unique %" PRIu64 " %s (%u) nodeid %" PRIu64 " len %u",
		   req.hdr.unique, d ? d->name : "?", req.hdr.opcode,
		   req.hdr.nodeid, req.hdr.len);

	if (req.hdr.len < sizeof(req.hdr) || req.hdr.len > avail) {
		vlog_warn_ratelimited("request len %u but %zu bytes present",
				      req.hdr.len, avail);
		goto einval;
	}
	payload = req.hdr.len - sizeof(req.hdr);
	extlen = (size_t)req.hdr.total_extlen * 8;
	if (extlen > payload) {
		vlog_warn_ratelimited("extensions (%zu bytes) exceed request",
				      extlen);
		goto einval;
	}
	fuse_iov_init(&req.args, out, out_num);
	fuse_iov_skip(&req.args, sizeof(req.hdr));
	fuse_iov_limit(&req.args, payload - extlen);

	if (!d || !d->handler) {
		if (d && d->no_reply)
			return 0;
		vlog_debug("opcode %u not implemented", req.hdr.opcode);
		return fuse_reply_err(&req, st, -ENOSYS);
	}

	state = atomic_load_explicit(&srv->state, memory_order_acquire);
	if (req.hdr.opcode == FUSE_INIT) {
		if (state != FUSE_SRV_UNINIT) {
			vlog_warn_ratelimited("INIT while already initialised");
			return fuse_reply_err(&req, st, -EIO);
		}
	} else if (state != FUSE_SRV_READY) {
		if (d->no_reply)
			return 0;
		vlog_warn_ratelimited("%s before INIT", d->name);
		return fuse_reply_err(&req, st, -EIO);
	} else {
		req.minor = atomic_load_explicit(&srv->minor,
						 memory_order_relaxed);
		req.flags = atomic_load_explicit(&srv->flags,
						 memory_order_relaxed);
	}

	arg_size = fuse_op_in_size(d, req.hdr.opcode, req.minor, req.flags);
	g_assert(arg_size <= sizeof(argbuf));
	if (fuse_iov_read(&req.args, argbuf, arg_size) < 0) {
		vlog_warn_ratelimited("%s: %zu-byte argument truncated to %zu",
				      d->name, arg_size,
				      fuse_iov_remaining(&req.args));
		goto einval;
	}

	r = d->handler(&req, argbuf);
	if (d->no_reply)
		return 0;
	if (r < 0) {
		if (r < -4095)
			r = -EIO;
		return fuse_reply_err(&req, st, r);
	}
	return fuse_reply(&req, 0);

einval:
	if (d && d->no_reply)
		return 0;
	return fuse_reply_err(&req, st, -EINVAL);
}

/**
 * fuse_server_vu_handler() - VuReqHandler adapter for the transport.
 * @opaque: the FuseServer
 * @qidx: queue index (unused: every queue serves every opcode)
 * @out: request buffers
 * @out_num: entries in @out
 * @in: reply buffers
 * @in_num: entries in @in
 * Return: bytes of reply written.
 */
uint32_t fuse_server_vu_handler(void *opaque, unsigned qidx,
				const struct iovec *out, unsigned out_num,
				const struct iovec *in, unsigned in_num)
{
	return fuse_server_handle(opaque, out, out_num, in, in_num);
}
