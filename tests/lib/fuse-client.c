/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuse-client.c - FUSE requests over the test frontend: one in-header
 * descriptor, one descriptor per argument; one out-header descriptor and one
 * body descriptor for the reply.  Every reply is checked (unique, length)
 * before its body is handed to the caller.
 */
#include <errno.h>
#include <string.h>

#include "fuse-client.h"

#define NAME_ARG(s) { (void *)(s), strlen(s) + 1 }

void fuse_client_init(FuseClient *c, VuFront *vu)
{
	memset(c, 0, sizeof(*c));
	c->vu = vu;
	c->queue = FUSE_REQUEST_QUEUE;
	c->overflow = -1;
}

/* Nothing may be written past a reply buffer or into a request buffer. */
static void check_slack(FuseClient *c, const void *p, size_t len)
{
	long bad;

	if (!p || c->overflow >= 0)
		return;
	bad = vu_front_check_slack(c->vu, p, len);
	if (bad >= 0)
		c->overflow = bad;
}

static void check_unchanged(FuseClient *c, const void *p, const void *orig,
			    size_t len)
{
	if (c->overflow < 0 && len && memcmp(p, orig, len))
		c->overflow = (long)vu_front_gpa(c->vu, p);
	check_slack(c, p, len);
}

static int transport(FuseClient *c, int r)
{
	if (!c->transport_error)
		c->transport_error = r;
	return r;
}

/* Copy @args into guest RAM, each in its own buffer after the in-header. */
static int build_request(FuseClient *c, uint32_t opcode, uint64_t nodeid,
			 const struct iovec *args, unsigned nargs,
			 struct iovec *out, void **bufs)
{
	struct fuse_in_header *h;
	size_t total = sizeof(*h);

	for (unsigned i = 0; i < nargs; i++)
		total += args[i].iov_len;
	h = vu_front_alloc(c->vu, sizeof(*h));
	if (!h)
		return -ENOMEM;
	bufs[0] = h;
	memset(h, 0, sizeof(*h));
	h->len = (uint32_t)total;
	h->opcode = opcode;
	h->unique = ++c->unique;
	h->nodeid = nodeid;
	h->uid = c->uid;
	h->gid = c->gid;
	h->pid = c->pid;
	out[0].iov_base = h;
	out[0].iov_len = sizeof(*h);
	for (unsigned i = 0; i < nargs; i++) {
		void *b = vu_front_alloc(c->vu, args[i].iov_len);
		if (!b)
			return -ENOMEM;
		bufs[i + 1] = b;
		memcpy(b, args[i].iov_base, args[i].iov_len);
		out[i + 1].iov_base = b;
		out[i + 1].iov_len = args[i].iov_len;
	}
	return 0;
}

#define MAX_ARGS 6

int fuse_call(FuseClient *c, uint32_t opcode, uint64_t nodeid,
	      const struct iovec *args, unsigned nargs, void *reply,
	      size_t reply_size, size_t *ret_len)
{
	struct iovec out[MAX_ARGS + 1], in[2];
	void *bufs[MAX_ARGS + 3] = { 0 };
	struct fuse_out_header *oh;
	uint8_t *body = NULL;
	uint64_t unique;
	int r, used;

	if (nargs > MAX_ARGS)
		return -EINVAL;
	r = build_request(c, opcode, nodeid, args, nargs, out, bufs);
	if (r < 0)
		goto out;
	unique = c->unique;
	oh = vu_front_alloc(c->vu, sizeof(*oh));
	if (!oh) {
		r = -ENOMEM;
		goto out;
	}
	bufs[MAX_ARGS + 1] = oh;
	memset(oh, 0, sizeof(*oh));
	in[0].iov_base = oh;
	in[0].iov_len = sizeof(*oh);
	if (reply_size) {
		body = vu_front_alloc(c->vu, reply_size);
		if (!body) {
			r = -ENOMEM;
			goto out;
		}
		bufs[MAX_ARGS + 2] = body;
		in[1].iov_base = body;
		in[1].iov_len = reply_size;
	}
	used = vu_front_call(c->vu, c->queue, out, nargs + 1, in,
			     reply_size ? 2 : 1, c->indirect);
	check_slack(c, oh, sizeof(*oh));
	check_slack(c, body, reply_size);
	for (unsigned i = 0; i < nargs; i++)
		check_unchanged(c, out[i + 1].iov_base, args[i].iov_base,
				args[i].iov_len);
	if (used < 0) {
		r = transport(c, used);
		goto out;
	}
	if ((size_t)used < sizeof(*oh) || oh->unique != unique ||
	    oh->len < sizeof(*oh) || oh->len > (uint32_t)used ||
	    oh->len > sizeof(*oh) + reply_size || oh->error > 0 ||
	    oh->error < -4095) {
		r = transport(c, -EPROTO);
		goto out;
	}
	if (oh->error) {
		r = oh->error;
		goto out;
	}
	if (reply_size)
		memcpy(reply, body, oh->len - sizeof(*oh));
	if (ret_len)
		*ret_len = oh->len - sizeof(*oh);
	r = 0;
out:
	for (unsigned i = 0; i < MAX_ARGS + 3; i++)
		vu_front_release(c->vu, bufs[i]);
	return r;
}

int fuse_call_raw(FuseClient *c, unsigned queue, const void *req, size_t len,
		  size_t split, size_t hdr_room, size_t body_room,
		  void *ret_reply, size_t reply_max)
{
	struct iovec out[2], in[2];
	unsigned nout = 0, nin = 0;
	uint8_t *rq, *hb = NULL, *bb = NULL;
	int r;

	rq = vu_front_alloc(c->vu, len ? len : 1);
	if (!rq)
		return -ENOMEM;
	memcpy(rq, req, len);
	if (split && split < len) {
		out[nout++] = (struct iovec){ rq, split };
		out[nout++] = (struct iovec){ rq + split, len - split };
	} else {
		out[nout++] = (struct iovec){ rq, len };
	}
	if (hdr_room) {
		hb = vu_front_alloc(c->vu, hdr_room);
		in[nin++] = (struct iovec){ hb, hdr_room };
	}
	if (body_room) {
		bb = vu_front_alloc(c->vu, body_room);
		in[nin++] = (struct iovec){ bb, body_room };
	}
	r = vu_front_call(c->vu, queue, out, nout, in, nin, c->indirect);
	check_unchanged(c, rq, req, len);
	check_slack(c, hb, hdr_room);
	check_slack(c, bb, body_room);
	if (r >= 0 && ret_reply) {
		size_t n = 0;
		if (hb) {
			size_t k = hdr_room < reply_max ? hdr_room : reply_max;
			memcpy(ret_reply, hb, k);
			n = k;
		}
		if (bb && n < reply_max) {
			size_t k = body_room < reply_max - n ? body_room : reply_max - n;
			memcpy((uint8_t *)ret_reply + n, bb, k);
		}
	}
	if (r < 0)
		transport(c, r);
	vu_front_release(c->vu, rq);
	vu_front_release(c->vu, hb);
	vu_front_release(c->vu, bb);
	return r;
}

int fuse_send_noreply(FuseClient *c, uint32_t opcode, uint64_t nodeid,
		      const struct iovec *args, unsigned nargs)
{
	struct iovec out[MAX_ARGS + 1];
	void *bufs[MAX_ARGS + 1] = { 0 };
	int r;

	if (nargs > MAX_ARGS)
		return -EINVAL;
	r = build_request(c, opcode, nodeid, args, nargs, out, bufs);
	if (r >= 0) {
		r = vu_front_call(c->vu, FUSE_HIPRIO_QUEUE, out, nargs + 1,
				  NULL, 0, c->indirect);
		if (r < 0)
			transport(c, r);
		else
			r = 0;
	}
	for (unsigned i = 0; i < MAX_ARGS + 1; i++)
		vu_front_release(c->vu, bufs[i]);
	return r;
}

int fuse_init(FuseClient *c, uint32_t flags, struct fuse_init_out *ret)
{
	struct fuse_init_in in = {
		.major = FUSE_KERNEL_VERSION,
		.minor = FUSE_KERNEL_MINOR_VERSION,
		.max_readahead = 128 * 1024,
		.flags = flags | FUSE_INIT_EXT,
	};
	struct iovec a = { &in, sizeof(in) };
	struct fuse_init_out o;
	size_t len = 0;
	int r;

	memset(&o, 0, sizeof(o));
	r = fuse_call(c, FUSE_INIT, 0, &a, 1, &o, sizeof(o), &len);
	if (r < 0)
		return r;
	if (len < FUSE_COMPAT_22_INIT_OUT_SIZE)
		return transport(c, -EPROTO);
	c->init = o;
	if (ret)
		*ret = o;
	return 0;
}

int fuse_destroy(FuseClient *c)
{
	return fuse_call(c, FUSE_DESTROY, 0, NULL, 0, NULL, 0, NULL);
}

static int entry_call(FuseClient *c, uint32_t op, uint64_t parent,
		      const struct iovec *a, unsigned n,
		      struct fuse_entry_out *ret)
{
	struct fuse_entry_out e;
	size_t len = 0;
	int r = fuse_call(c, op, parent, a, n, &e, sizeof(e), &len);

	if (r < 0)
		return r;
	if (len != sizeof(e))
		return transport(c, -EPROTO);
	if (ret)
		*ret = e;
	return 0;
}

int fuse_lookup(FuseClient *c, uint64_t parent, const char *name,
		struct fuse_entry_out *ret)
{
	struct iovec a = NAME_ARG(name);
	return entry_call(c, FUSE_LOOKUP, parent, &a, 1, ret);
}

int fuse_forget(FuseClient *c, uint64_t nodeid, uint64_t nlookup)
{
	struct fuse_forget_in in = { .nlookup = nlookup };
	struct iovec a = { &in, sizeof(in) };
	return fuse_send_noreply(c, FUSE_FORGET, nodeid, &a, 1);
}

int fuse_batch_forget(FuseClient *c, const struct fuse_forget_one *items,
		      uint32_t count)
{
	struct fuse_batch_forget_in in = { .count = count };
	struct iovec a[2] = {
		{ &in, sizeof(in) },
		{ (void *)items, count * sizeof(*items) },
	};
	return fuse_send_noreply(c, FUSE_BATCH_FORGET, 0, a, count ? 2 : 1);
}

static int attr_call(FuseClient *c, uint32_t op, uint64_t nodeid,
		     const struct iovec *a, unsigned n, struct fuse_attr_out *ret)
{
	struct fuse_attr_out o;
	size_t len = 0;
	int r = fuse_call(c, op, nodeid, a, n, &o, sizeof(o), &len);

	if (r < 0)
		return r;
	if (len != sizeof(o))
		return transport(c, -EPROTO);
	if (ret)
		*ret = o;
	return 0;
}

int fuse_getattr(FuseClient *c, uint64_t nodeid, uint64_t fh, bool use_fh,
		 struct fuse_attr_out *ret)
{
	struct fuse_getattr_in in = {
		.getattr_flags = use_fh ? FUSE_GETATTR_FH : 0,
		.fh = fh,
	};
	struct iovec a = { &in, sizeof(in) };
	return attr_call(c, FUSE_GETATTR, nodeid, &a, 1, ret);
}

int fuse_setattr(FuseClient *c, uint64_t nodeid, const struct fuse_setattr_in *in,
		 struct fuse_attr_out *ret)
{
	struct iovec a = { (void *)in, sizeof(*in) };
	return attr_call(c, FUSE_SETATTR, nodeid, &a, 1, ret);
}

int fuse_readlink(FuseClient *c, uint64_t nodeid, char *buf, size_t size)
{
	size_t len = 0;
	int r;

	if (!size)
		return -EINVAL;
	r = fuse_call(c, FUSE_READLINK, nodeid, NULL, 0, buf, size - 1, &len);
	if (r < 0)
		return r;
	buf[len] = 0;
	return (int)len;
}

int fuse_symlink(FuseClient *c, uint64_t parent, const char *name,
		 const char *target, struct fuse_entry_out *ret)
{
	struct iovec a[2] = { NAME_ARG(name), NAME_ARG(target) };
	return entry_call(c, FUSE_SYMLINK, parent, a, 2, ret);
}

int fuse_mknod(FuseClient *c, uint64_t parent, const char *name, uint32_t mode,
	       uint32_t rdev, uint32_t umask, struct fuse_entry_out *ret)
{
	struct fuse_mknod_in in = { .mode = mode, .rdev = rdev, .umask = umask };
	struct iovec a[2] = { { &in, sizeof(in) }, NAME_ARG(name) };
	return entry_call(c, FUSE_MKNOD, parent, a, 2, ret);
}

int fuse_mkdir(FuseClient *c, uint64_t parent, const char *name, uint32_t mode,
	       uint32_t umask, struct fuse_entry_out *ret)
{
	struct fuse_mkdir_in in = { .mode = mode, .umask = umask };
	struct iovec a[2] = { { &in, sizeof(in) }, NAME_ARG(name) };
	return entry_call(c, FUSE_MKDIR, parent, a, 2, ret);
}

int fuse_unlink(FuseClient *c, uint64_t parent, const char *name)
{
	struct iovec a = NAME_ARG(name);
	return fuse_call(c, FUSE_UNLINK, parent, &a, 1, NULL, 0, NULL);
}

int fuse_rmdir(FuseClient *c, uint64_t parent, const char *name)
{
	struct iovec a = NAME_ARG(name);
	return fuse_call(c, FUSE_RMDIR, parent, &a, 1, NULL, 0, NULL);
}

int fuse_rename(FuseClient *c, uint64_t olddir, const char *oldname,
		uint64_t newdir, const char *newname)
{
	struct fuse_rename_in in = { .newdir = newdir };
	struct iovec a[3] = { { &in, sizeof(in) }, NAME_ARG(oldname),
			      NAME_ARG(newname) };
	return fuse_call(c, FUSE_RENAME, olddir, a, 3, NULL, 0, NULL);
}

int fuse_rename2(FuseClient *c, uint64_t olddir, const char *oldname,
		 uint64_t newdir, const char *newname, uint32_t flags)
{
	struct fuse_rename2_in in = { .newdir = newdir, .flags = flags };
	struct iovec a[3] = { { &in, sizeof(in) }, NAME_ARG(oldname),
			      NAME_ARG(newname) };
	return fuse_call(c, FUSE_RENAME2, olddir, a, 3, NULL, 0, NULL);
}

int fuse_link(FuseClient *c, uint64_t oldnode, uint64_t newparent,
	      const char *newname, struct fuse_entry_out *ret)
{
	struct fuse_link_in in = { .oldnodeid = oldnode };
	struct iovec a[2] = { { &in, sizeof(in) }, NAME_ARG(newname) };
	return entry_call(c, FUSE_LINK, newparent, a, 2, ret);
}

static int open_call(FuseClient *c, uint32_t op, uint64_t nodeid,
		     uint32_t flags, struct fuse_open_out *ret)
{
	struct fuse_open_in in = { .flags = flags };
	struct iovec a = { &in, sizeof(in) };
	struct fuse_open_out o;
	size_t len = 0;
	int r = fuse_call(c, op, nodeid, &a, 1, &o, sizeof(o), &len);

	if (r < 0)
		return r;
	if (len != sizeof(o))
		return transport(c, -EPROTO);
	if (ret)
		*ret = o;
	return 0;
}

int fuse_open(FuseClient *c, uint64_t nodeid, uint32_t flags,
	      struct fuse_open_out *ret)
{
	return open_call(c, FUSE_OPEN, nodeid, flags, ret);
}

int fuse_opendir(FuseClient *c, uint64_t nodeid, struct fuse_open_out *ret)
{
	return open_call(c, FUSE_OPENDIR, nodeid, 0, ret);
}

static int create_call(FuseClient *c, uint32_t op, uint64_t parent,
		       const char *name, uint32_t flags, uint32_t mode,
		       uint32_t umask, struct fuse_entry_out *ret_entry,
		       struct fuse_open_out *ret_open)
{
	struct fuse_create_in in = { .flags = flags, .mode = mode, .umask = umask };
	struct iovec a[2] = { { &in, sizeof(in) }, NAME_ARG(name) };
	struct {
		struct fuse_entry_out e;
		struct fuse_open_out o;
	} o;
	size_t len = 0;
	int r = fuse_call(c, op, parent, a, 2, &o, sizeof(o), &len);

	if (r < 0)
		return r;
	if (len != sizeof(o))
		return transport(c, -EPROTO);
	if (ret_entry)
		*ret_entry = o.e;
	if (ret_open)
		*ret_open = o.o;
	return 0;
}

int fuse_create(FuseClient *c, uint64_t parent, const char *name,
		uint32_t flags, uint32_t mode, uint32_t umask,
		struct fuse_entry_out *ret_entry, struct fuse_open_out *ret_open)
{
	return create_call(c, FUSE_CREATE, parent, name, flags, mode, umask,
			   ret_entry, ret_open);
}

int fuse_tmpfile(FuseClient *c, uint64_t parent, uint32_t flags, uint32_t mode,
		 uint32_t umask, struct fuse_entry_out *ret_entry,
		 struct fuse_open_out *ret_open)
{
	/* the kernel sends the O_TMPFILE dentry's name, "/" */
	return create_call(c, FUSE_TMPFILE, parent, "/", flags, mode, umask,
			   ret_entry, ret_open);
}

static int read_call(FuseClient *c, uint32_t op, uint64_t nodeid, uint64_t fh,
		     uint64_t off, uint32_t size, void *buf)
{
	struct fuse_read_in in = { .fh = fh, .offset = off, .size = size };
	struct iovec a = { &in, sizeof(in) };
	size_t len = 0;
	int r = fuse_call(c, op, nodeid, &a, 1, buf, size, &len);

	return r < 0 ? r : (int)len;
}

int fuse_read(FuseClient *c, uint64_t nodeid, uint64_t fh, uint64_t off,
	      uint32_t size, void *buf)
{
	return read_call(c, FUSE_READ, nodeid, fh, off, size, buf);
}

int fuse_readdir(FuseClient *c, uint64_t nodeid, uint64_t fh, uint64_t off,
		 uint32_t size, void *buf)
{
	return read_call(c, FUSE_READDIR, nodeid, fh, off, size, buf);
}

int fuse_readdirplus(FuseClient *c, uint64_t nodeid, uint64_t fh, uint64_t off,
		     uint32_t size, void *buf)
{
	return read_call(c, FUSE_READDIRPLUS, nodeid, fh, off, size, buf);
}

int fuse_write(FuseClient *c, uint64_t nodeid, uint64_t fh, uint64_t off,
	       const void *data, uint32_t size, uint32_t write_flags)
{
	struct fuse_write_in in = {
		.fh = fh, .offset = off, .size = size, .write_flags = write_flags,
	};
	struct iovec a[2] = { { &in, sizeof(in) }, { (void *)data, size } };
	struct fuse_write_out o;
	size_t len = 0;
	int r = fuse_call(c, FUSE_WRITE, nodeid, a, size ? 2 : 1, &o,
			  sizeof(o), &len);

	if (r < 0)
		return r;
	if (len != sizeof(o))
		return transport(c, -EPROTO);
	return (int)o.size;
}

int fuse_flush(FuseClient *c, uint64_t nodeid, uint64_t fh, uint64_t owner)
{
	struct fuse_flush_in in = { .fh = fh, .lock_owner = owner };
	struct iovec a = { &in, sizeof(in) };
	return fuse_call(c, FUSE_FLUSH, nodeid, &a, 1, NULL, 0, NULL);
}

static int release_call(FuseClient *c, uint32_t op, uint64_t nodeid,
			uint64_t fh, uint32_t flags)
{
	struct fuse_release_in in = { .fh = fh, .flags = flags };
	struct iovec a = { &in, sizeof(in) };
	return fuse_call(c, op, nodeid, &a, 1, NULL, 0, NULL);
}

int fuse_release(FuseClient *c, uint64_t nodeid, uint64_t fh, uint32_t flags)
{
	return release_call(c, FUSE_RELEASE, nodeid, fh, flags);
}

int fuse_releasedir(FuseClient *c, uint64_t nodeid, uint64_t fh)
{
	return release_call(c, FUSE_RELEASEDIR, nodeid, fh, 0);
}

static int fsync_call(FuseClient *c, uint32_t op, uint64_t nodeid, uint64_t fh,
		      bool datasync)
{
	struct fuse_fsync_in in = { .fh = fh, .fsync_flags = datasync ? 1 : 0 };
	struct iovec a = { &in, sizeof(in) };
	return fuse_call(c, op, nodeid, &a, 1, NULL, 0, NULL);
}

int fuse_fsync(FuseClient *c, uint64_t nodeid, uint64_t fh, bool datasync)
{
	return fsync_call(c, FUSE_FSYNC, nodeid, fh, datasync);
}

int fuse_fsyncdir(FuseClient *c, uint64_t nodeid, uint64_t fh, bool datasync)
{
	return fsync_call(c, FUSE_FSYNCDIR, nodeid, fh, datasync);
}

int fuse_statfs(FuseClient *c, uint64_t nodeid, struct fuse_statfs_out *ret)
{
	struct fuse_statfs_out o;
	size_t len = 0;
	int r = fuse_call(c, FUSE_STATFS, nodeid, NULL, 0, &o, sizeof(o), &len);

	if (r < 0)
		return r;
	if (len != sizeof(o))
		return transport(c, -EPROTO);
	if (ret)
		*ret = o;
	return 0;
}

int fuse_setxattr(FuseClient *c, uint64_t nodeid, const char *name,
		  const void *value, uint32_t size, uint32_t flags)
{
	/* without FUSE_SETXATTR_EXT the kernel sends the 8-byte form */
	struct fuse_setxattr_in in = { .size = size, .flags = flags };
	struct iovec a[3] = {
		{ &in, FUSE_COMPAT_SETXATTR_IN_SIZE },
		NAME_ARG(name),
		{ (void *)value, size },
	};
	return fuse_call(c, FUSE_SETXATTR, nodeid, a, size ? 3 : 2, NULL, 0, NULL);
}

static int xattr_get_call(FuseClient *c, uint32_t op, uint64_t nodeid,
			  const char *name, void *buf, uint32_t size)
{
	struct fuse_getxattr_in in = { .size = size };
	struct iovec a[2] = { { &in, sizeof(in) }, { 0 } };
	size_t len = 0;
	int r;

	if (name)
		a[1] = (struct iovec)NAME_ARG(name);
	if (size == 0) {
		struct fuse_getxattr_out o;
		r = fuse_call(c, op, nodeid, a, name ? 2 : 1, &o, sizeof(o), &len);
		if (r < 0)
			return r;
		if (len != sizeof(o))
			return transport(c, -EPROTO);
		return (int)o.size;
	}
	r = fuse_call(c, op, nodeid, a, name ? 2 : 1, buf, size, &len);
	return r < 0 ? r : (int)len;
}

int fuse_getxattr(FuseClient *c, uint64_t nodeid, const char *name,
		  void *buf, uint32_t size)
{
	return xattr_get_call(c, FUSE_GETXATTR, nodeid, name, buf, size);
}

int fuse_listxattr(FuseClient *c, uint64_t nodeid, void *buf, uint32_t size)
{
	return xattr_get_call(c, FUSE_LISTXATTR, nodeid, NULL, buf, size);
}

int fuse_removexattr(FuseClient *c, uint64_t nodeid, const char *name)
{
	struct iovec a = NAME_ARG(name);
	return fuse_call(c, FUSE_REMOVEXATTR, nodeid, &a, 1, NULL, 0, NULL);
}

int fuse_access(FuseClient *c, uint64_t nodeid, uint32_t mask)
{
	struct fuse_access_in in = { .mask = mask };
	struct iovec a = { &in, sizeof(in) };
	return fuse_call(c, FUSE_ACCESS, nodeid, &a, 1, NULL, 0, NULL);
}

int fuse_getlk(FuseClient *c, uint64_t nodeid, uint64_t fh, uint64_t owner,
	       const struct fuse_file_lock *lk, struct fuse_file_lock *ret)
{
	struct fuse_lk_in in = { .fh = fh, .owner = owner, .lk = *lk };
	struct iovec a = { &in, sizeof(in) };
	struct fuse_lk_out o;
	size_t len = 0;
	int r = fuse_call(c, FUSE_GETLK, nodeid, &a, 1, &o, sizeof(o), &len);

	if (r < 0)
		return r;
	if (len != sizeof(o))
		return transport(c, -EPROTO);
	if (ret)
		*ret = o.lk;
	return 0;
}

int fuse_setlk(FuseClient *c, uint64_t nodeid, uint64_t fh, uint64_t owner,
	       const struct fuse_file_lock *lk, bool sleep, bool flock)
{
	struct fuse_lk_in in = {
		.fh = fh, .owner = owner, .lk = *lk,
		.lk_flags = flock ? FUSE_LK_FLOCK : 0,
	};
	struct iovec a = { &in, sizeof(in) };
	return fuse_call(c, sleep ? FUSE_SETLKW : FUSE_SETLK, nodeid, &a, 1,
			 NULL, 0, NULL);
}

int fuse_fallocate(FuseClient *c, uint64_t nodeid, uint64_t fh, uint64_t off,
		   uint64_t len, uint32_t mode)
{
	struct fuse_fallocate_in in = {
		.fh = fh, .offset = off, .length = len, .mode = mode,
	};
	struct iovec a = { &in, sizeof(in) };
	return fuse_call(c, FUSE_FALLOCATE, nodeid, &a, 1, NULL, 0, NULL);
}

int fuse_lseek(FuseClient *c, uint64_t nodeid, uint64_t fh, uint64_t off,
	       uint32_t whence, uint64_t *ret_off)
{
	struct fuse_lseek_in in = { .fh = fh, .offset = off, .whence = whence };
	struct iovec a = { &in, sizeof(in) };
	struct fuse_lseek_out o;
	size_t len = 0;
	int r = fuse_call(c, FUSE_LSEEK, nodeid, &a, 1, &o, sizeof(o), &len);

	if (r < 0)
		return r;
	if (len != sizeof(o))
		return transport(c, -EPROTO);
	if (ret_off)
		*ret_off = o.offset;
	return 0;
}

int fuse_copy_file_range(FuseClient *c, uint64_t node_in, uint64_t fh_in,
			 uint64_t off_in, uint64_t node_out, uint64_t fh_out,
			 uint64_t off_out, uint64_t len, uint64_t flags)
{
	struct fuse_copy_file_range_in in = {
		.fh_in = fh_in, .off_in = off_in, .nodeid_out = node_out,
		.fh_out = fh_out, .off_out = off_out, .len = len, .flags = flags,
	};
	struct iovec a = { &in, sizeof(in) };
	struct fuse_write_out o;
	size_t rlen = 0;
	int r = fuse_call(c, FUSE_COPY_FILE_RANGE, node_in, &a, 1, &o,
			  sizeof(o), &rlen);

	if (r < 0)
		return r;
	if (rlen != sizeof(o))
		return transport(c, -EPROTO);
	return (int)o.size;
}

int fuse_syncfs(FuseClient *c, uint64_t nodeid)
{
	struct fuse_syncfs_in in = { 0 };
	struct iovec a = { &in, sizeof(in) };
	return fuse_call(c, FUSE_SYNCFS, nodeid, &a, 1, NULL, 0, NULL);
}

int fuse_interrupt(FuseClient *c, uint64_t unique)
{
	struct fuse_interrupt_in in = { .unique = unique };
	struct iovec a = { &in, sizeof(in) };
	return fuse_send_noreply(c, FUSE_INTERRUPT, 0, &a, 1);
}

int fuse_ioctl(FuseClient *c, uint64_t nodeid, uint64_t fh, uint32_t cmd,
	       uint32_t flags)
{
	struct fuse_ioctl_in in = { .fh = fh, .cmd = cmd, .flags = flags };
	struct iovec a = { &in, sizeof(in) };
	struct fuse_ioctl_out o;
	return fuse_call(c, FUSE_IOCTL, nodeid, &a, 1, &o, sizeof(o), NULL);
}

int fuse_poll(FuseClient *c, uint64_t nodeid, uint64_t fh)
{
	struct fuse_poll_in in = { .fh = fh, .events = 1 };
	struct iovec a = { &in, sizeof(in) };
	struct fuse_poll_out o;
	return fuse_call(c, FUSE_POLL, nodeid, &a, 1, &o, sizeof(o), NULL);
}

const struct fuse_dirent *fuse_dirent_next(const void *buf, size_t len,
					   size_t *pos, bool plus,
					   const struct fuse_entry_out **ret_entry)
{
	const uint8_t *b = buf;
	const struct fuse_dirent *d;
	size_t hdr = plus ? sizeof(struct fuse_entry_out) : 0;
	size_t rec;

	if (*pos + hdr + FUSE_NAME_OFFSET > len)
		return NULL;
	if (plus && ret_entry)
		*ret_entry = (const struct fuse_entry_out *)(b + *pos);
	d = (const struct fuse_dirent *)(b + *pos + hdr);
	rec = hdr + FUSE_DIRENT_ALIGN(FUSE_NAME_OFFSET + d->namelen);
	if (d->namelen == 0 || *pos + rec > len)
		return NULL;
	*pos += rec;
	return d;
}
