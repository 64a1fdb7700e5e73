// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-fuse-fake.c - the recording backend and request builder used by the
 * FUSE protocol tests; see test-fuse-fake.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "test-fuse-fake.h"

FakeRec fake_rec;

void fake_reset(void)
{
	memset(&fake_rec, 0, sizeof(fake_rec));
	fake_rec.io_ret = -1;
}

static int rec(const char *op)
{
	g_strlcpy(fake_rec.op, op, sizeof(fake_rec.op));
	fake_rec.calls++;
	return fake_rec.ret;
}

static void fill_entry(struct fuse_entry_out *e, uint64_t nodeid)
{
	memset(e, 0xee, sizeof(*e));
	e->nodeid = nodeid;
}

static int f_init(void *fs, const FsInitInfo *info)
{
	fake_rec.init = *info;
	return rec("init");
}

static void f_destroy(void *fs)
{
	fake_rec.destroyed = true;
	rec("destroy");
}

static int f_lookup(void *fs, const FsCtx *ctx, uint64_t parent,
		    const char *name, struct fuse_entry_out *out)
{
	fake_rec.nodeid = parent;
	fake_rec.a = ctx->uid;
	fake_rec.b = ctx->gid;
	fake_rec.c = ctx->pid;
	g_strlcpy(fake_rec.name, name, sizeof(fake_rec.name));
	fill_entry(out, 77);
	return rec("lookup");
}

static void f_forget(void *fs, uint64_t nodeid, uint64_t nlookup)
{
	fake_rec.forgets++;
	fake_rec.forget_sum += nodeid * 1000 + nlookup;
	rec("forget");
}

static int f_getattr(void *fs, const FsCtx *ctx, uint64_t nodeid,
		     uint32_t flags, uint64_t fh, struct fuse_attr_out *out)
{
	fake_rec.nodeid = nodeid;
	fake_rec.a = flags;
	fake_rec.fh = fh;
	memset(out, 0xaa, sizeof(*out));
	return rec("getattr");
}

static int f_setattr(void *fs, const FsCtx *ctx, uint64_t nodeid,
		     const struct fuse_setattr_in *in,
		     struct fuse_attr_out *out)
{
	fake_rec.nodeid = nodeid;
	fake_rec.a = in->valid;
	fake_rec.b = in->mode;
	fake_rec.len = in->size;
	fake_rec.fh = in->fh;
	memset(out, 0xaa, sizeof(*out));
	return rec("setattr");
}

static int f_readlink(void *fs, const FsCtx *ctx, uint64_t nodeid,
		      char *buf, size_t size)
{
	fake_rec.nodeid = nodeid;
	memcpy(buf, "target/path", 11);
	return fake_rec.ret < 0 ? rec("readlink") : (rec("readlink"), 11);
}

static int f_symlink(void *fs, const FsCtx *ctx, uint64_t parent,
		     const char *name, const char *target,
		     struct fuse_entry_out *out)
{
	fake_rec.nodeid = parent;
	g_strlcpy(fake_rec.name, name, sizeof(fake_rec.name));
	g_strlcpy(fake_rec.name2, target, sizeof(fake_rec.name2));
	fill_entry(out, 78);
	return rec("symlink");
}

static int f_mknod(void *fs, const FsCtx *ctx, uint64_t parent,
		   const char *name, uint32_t mode, uint32_t rdev,
		   uint32_t umask, struct fuse_entry_out *out)
{
	fake_rec.nodeid = parent;
	g_strlcpy(fake_rec.name, name, sizeof(fake_rec.name));
	fake_rec.a = mode;
	fake_rec.b = rdev;
	fake_rec.c = umask;
	fill_entry(out, 79);
	return rec("mknod");
}

static int f_mkdir(void *fs, const FsCtx *ctx, uint64_t parent,
		   const char *name, uint32_t mode, uint32_t umask,
		   struct fuse_entry_out *out)
{
	fake_rec.nodeid = parent;
	g_strlcpy(fake_rec.name, name, sizeof(fake_rec.name));
	fake_rec.a = mode;
	fake_rec.c = umask;
	fill_entry(out, 80);
	return rec("mkdir");
}

static int f_unlink(void *fs, const FsCtx *ctx, uint64_t parent,
		    const char *name)
{
	fake_rec.nodeid = parent;
	g_strlcpy(fake_rec.name, name, sizeof(fake_rec.name));
	return rec("unlink");
}

static int f_rmdir(void *fs, const FsCtx *ctx, uint64_t parent,
		   const char *name)
{
	fake_rec.nodeid = parent;
	g_strlcpy(fake_rec.name, name, sizeof(fake_rec.name));
	return rec("rmdir");
}

static int f_rename(void *fs, const FsCtx *ctx, uint64_t parent,
		    const char *name, uint64_t newparent, const char *newname,
		    uint32_t flags)
{
	fake_rec.nodeid = parent;
	fake_rec.nodeid2 = newparent;
	g_strlcpy(fake_rec.name, name, sizeof(fake_rec.name));
	g_strlcpy(fake_rec.name2, newname, sizeof(fake_rec.name2));
	fake_rec.a = flags;
	return rec("rename");
}

static int f_link(void *fs, const FsCtx *ctx, uint64_t nodeid,
		  uint64_t newparent, const char *newname,
		  struct fuse_entry_out *out)
{
	fake_rec.nodeid = nodeid;
	fake_rec.nodeid2 = newparent;
	g_strlcpy(fake_rec.name, newname, sizeof(fake_rec.name));
	fill_entry(out, nodeid);
	return rec("link");
}

static int f_open(void *fs, const FsCtx *ctx, uint64_t nodeid,
		  uint32_t flags, struct fuse_open_out *out)
{
	fake_rec.nodeid = nodeid;
	fake_rec.a = flags;
	out->fh = 555;
	out->open_flags = FOPEN_KEEP_CACHE;
	return rec("open");
}

static int f_create(void *fs, const FsCtx *ctx, uint64_t parent,
		    const char *name, uint32_t mode, uint32_t flags,
		    uint32_t umask, struct fuse_entry_out *entry,
		    struct fuse_open_out *open)
{
	fake_rec.nodeid = parent;
	g_strlcpy(fake_rec.name, name, sizeof(fake_rec.name));
	fake_rec.a = mode;
	fake_rec.b = flags;
	fake_rec.c = umask;
	fill_entry(entry, 81);
	open->fh = 556;
	return rec("create");
}

static int f_tmpfile(void *fs, const FsCtx *ctx, uint64_t parent,
		     uint32_t mode, uint32_t flags, uint32_t umask,
		     struct fuse_entry_out *entry, struct fuse_open_out *open)
{
	fake_rec.nodeid = parent;
	fake_rec.a = mode;
	fake_rec.b = flags;
	fake_rec.c = umask;
	fill_entry(entry, 82);
	open->fh = 557;
	return rec("tmpfile");
}

static ssize_t f_read(void *fs, const FsCtx *ctx, uint64_t nodeid,
		      uint64_t fh, uint64_t offset, const struct iovec *iov,
		      int iovcnt)
{
	size_t total = 0;
	unsigned char v = 0;

	fake_rec.nodeid = nodeid;
	fake_rec.fh = fh;
	fake_rec.off = offset;
	fake_rec.iovcnt = iovcnt;
	for (int i = 0; i < iovcnt; i++) {
		for (size_t j = 0; j < iov[i].iov_len; j++)
			((unsigned char *)iov[i].iov_base)[j] = v++;
		total += iov[i].iov_len;
	}
	fake_rec.len = total;
	if (rec("read") < 0)
		return fake_rec.ret;
	return fake_rec.io_ret >= 0 ? fake_rec.io_ret : (ssize_t)total;
}

static ssize_t f_write(void *fs, const FsCtx *ctx, uint64_t nodeid,
		       uint64_t fh, uint64_t offset, const struct iovec *iov,
		       int iovcnt, uint32_t write_flags)
{
	size_t total = 0;

	fake_rec.nodeid = nodeid;
	fake_rec.fh = fh;
	fake_rec.off = offset;
	fake_rec.a = write_flags;
	fake_rec.iovcnt = iovcnt;
	for (int i = 0; i < iovcnt; i++) {
		g_assert_cmpuint(total + iov[i].iov_len, <=,
				 sizeof(fake_rec.data));
		memcpy(fake_rec.data + total, iov[i].iov_base,
		       iov[i].iov_len);
		total += iov[i].iov_len;
	}
	fake_rec.data_len = total;
	if (rec("write") < 0)
		return fake_rec.ret;
	return fake_rec.io_ret >= 0 ? fake_rec.io_ret : (ssize_t)total;
}

static int f_flush(void *fs, const FsCtx *ctx, uint64_t nodeid, uint64_t fh,
		   uint64_t lock_owner)
{
	fake_rec.nodeid = nodeid;
	fake_rec.fh = fh;
	fake_rec.owner = lock_owner;
	return rec("flush");
}

static int f_release(void *fs, const FsCtx *ctx, uint64_t nodeid,
		     uint64_t fh, uint32_t flags, uint32_t release_flags,
		     uint64_t lock_owner)
{
	fake_rec.nodeid = nodeid;
	fake_rec.fh = fh;
	fake_rec.a = flags;
	fake_rec.b = release_flags;
	fake_rec.owner = lock_owner;
	return rec("release");
}

static int f_fsync(void *fs, const FsCtx *ctx, uint64_t nodeid, uint64_t fh,
		   bool datasync)
{
	fake_rec.nodeid = nodeid;
	fake_rec.fh = fh;
	fake_rec.a = datasync;
	return rec("fsync");
}

static int f_opendir(void *fs, const FsCtx *ctx, uint64_t nodeid,
		     uint32_t flags, struct fuse_open_out *out)
{
	fake_rec.nodeid = nodeid;
	fake_rec.a = flags;
	out->fh = 600;
	return rec("opendir");
}

/* Entry i is named "e" followed by i 'x' characters (length i + 1). */
static int f_readdir(void *fs, const FsCtx *ctx, uint64_t nodeid, uint64_t fh,
		     uint64_t offset, FsDirBuf *buf)
{
	char name[300];

	fake_rec.nodeid = nodeid;
	fake_rec.fh = fh;
	fake_rec.off = offset;
	fake_rec.a = fs_dirbuf_is_plus(buf);
	rec("readdir");
	for (int i = (int)offset; i < fake_rec.dir_entries; i++) {
		struct fuse_entry_out e;

		name[0] = 'e';
		memset(name + 1, 'x', (size_t)i);
		fill_entry(&e, 1000 + (uint64_t)i);
		if (!fs_dirbuf_add(buf, name, (size_t)i + 1, 100 + (uint64_t)i,
				   4, (uint64_t)i + 1,
				   fs_dirbuf_is_plus(buf) ? &e : NULL))
			break;
		fake_rec.b++;	/* entries added */
	}
	return fake_rec.ret;
}

static int f_releasedir(void *fs, const FsCtx *ctx, uint64_t nodeid,
			uint64_t fh)
{
	fake_rec.nodeid = nodeid;
	fake_rec.fh = fh;
	return rec("releasedir");
}

static int f_fsyncdir(void *fs, const FsCtx *ctx, uint64_t nodeid,
		      uint64_t fh, bool datasync)
{
	fake_rec.nodeid = nodeid;
	fake_rec.fh = fh;
	fake_rec.a = datasync;
	return rec("fsyncdir");
}

static int f_statfs(void *fs, const FsCtx *ctx, uint64_t nodeid,
		    struct fuse_kstatfs *out)
{
	fake_rec.nodeid = nodeid;
	out->blocks = 1234;
	out->namelen = 255;
	return rec("statfs");
}

static int f_setxattr(void *fs, const FsCtx *ctx, uint64_t nodeid,
		      const char *name, const void *value, size_t size,
		      uint32_t flags, uint32_t setxattr_flags)
{
	fake_rec.nodeid = nodeid;
	g_strlcpy(fake_rec.name, name, sizeof(fake_rec.name));
	memcpy(fake_rec.data, value, size);
	fake_rec.data_len = size;
	fake_rec.a = flags;
	fake_rec.b = setxattr_flags;
	return rec("setxattr");
}

static ssize_t f_getxattr(void *fs, const FsCtx *ctx, uint64_t nodeid,
			  const char *name, void *buf, size_t size)
{
	fake_rec.nodeid = nodeid;
	g_strlcpy(fake_rec.name, name, sizeof(fake_rec.name));
	fake_rec.len = size;
	if (rec("getxattr") < 0)
		return fake_rec.ret;
	if (size == 0)
		return 5;
	if (size < 5)
		return -ERANGE;
	memcpy(buf, "value", 5);
	return 5;
}

static ssize_t f_listxattr(void *fs, const FsCtx *ctx, uint64_t nodeid,
			   void *buf, size_t size)
{
	fake_rec.nodeid = nodeid;
	fake_rec.len = size;
	if (rec("listxattr") < 0)
		return fake_rec.ret;
	if (size == 0)
		return 8;
	if (size < 8)
		return -ERANGE;
	memcpy(buf, "user.a\0b", 8);
	return 8;
}

static int f_removexattr(void *fs, const FsCtx *ctx, uint64_t nodeid,
			 const char *name)
{
	fake_rec.nodeid = nodeid;
	g_strlcpy(fake_rec.name, name, sizeof(fake_rec.name));
	return rec("removexattr");
}

static int f_access(void *fs, const FsCtx *ctx, uint64_t nodeid,
		    uint32_t mask)
{
	fake_rec.nodeid = nodeid;
	fake_rec.a = mask;
	return rec("access");
}

static int f_getlk(void *fs, const FsCtx *ctx, uint64_t nodeid, uint64_t fh,
		   uint64_t owner, const struct fuse_file_lock *lk,
		   struct fuse_file_lock *out)
{
	fake_rec.nodeid = nodeid;
	fake_rec.fh = fh;
	fake_rec.owner = owner;
	fake_rec.off = lk->start;
	fake_rec.len = lk->end;
	fake_rec.a = lk->type;
	*out = *lk;
	out->pid = 4242;
	return rec("getlk");
}

static int f_setlk(void *fs, const FsCtx *ctx, uint64_t nodeid, uint64_t fh,
		   uint64_t owner, const struct fuse_file_lock *lk,
		   uint32_t lk_flags, bool sleep)
{
	fake_rec.nodeid = nodeid;
	fake_rec.fh = fh;
	fake_rec.owner = owner;
	fake_rec.off = lk->start;
	fake_rec.a = lk->type;
	fake_rec.b = lk_flags;
	fake_rec.c = sleep;
	return rec("setlk");
}

static int f_fallocate(void *fs, const FsCtx *ctx, uint64_t nodeid,
		       uint64_t fh, uint64_t offset, uint64_t length,
		       uint32_t mode)
{
	fake_rec.nodeid = nodeid;
	fake_rec.fh = fh;
	fake_rec.off = offset;
	fake_rec.len = length;
	fake_rec.a = mode;
	return rec("fallocate");
}

static int f_lseek(void *fs, const FsCtx *ctx, uint64_t nodeid, uint64_t fh,
		   uint64_t offset, uint32_t whence, uint64_t *ret_offset)
{
	fake_rec.nodeid = nodeid;
	fake_rec.fh = fh;
	fake_rec.off = offset;
	fake_rec.a = whence;
	*ret_offset = offset + 10;
	return rec("lseek");
}

static ssize_t f_copy_file_range(void *fs, const FsCtx *ctx,
				 uint64_t nodeid_in, uint64_t fh_in,
				 uint64_t off_in, uint64_t nodeid_out,
				 uint64_t fh_out, uint64_t off_out,
				 uint64_t len, uint64_t flags)
{
	fake_rec.nodeid = nodeid_in;
	fake_rec.fh = fh_in;
	fake_rec.off = off_in;
	fake_rec.nodeid2 = nodeid_out;
	fake_rec.fh2 = fh_out;
	fake_rec.off2 = off_out;
	fake_rec.len = len;
	fake_rec.a = (uint32_t)flags;
	if (rec("copy_file_range") < 0)
		return fake_rec.ret;
	return (ssize_t)(len / 2);
}

static int f_syncfs(void *fs, const FsCtx *ctx, uint64_t nodeid)
{
	fake_rec.nodeid = nodeid;
	return rec("syncfs");
}

const FsOps fake_ops = {
	.init = f_init,
	.destroy = f_destroy,
	.lookup = f_lookup,
	.forget = f_forget,
	.getattr = f_getattr,
	.setattr = f_setattr,
	.readlink = f_readlink,
	.symlink = f_symlink,
	.mknod = f_mknod,
	.mkdir = f_mkdir,
	.unlink = f_unlink,
	.rmdir = f_rmdir,
	.rename = f_rename,
	.link = f_link,
	.open = f_open,
	.create = f_create,
	.tmpfile = f_tmpfile,
	.read = f_read,
	.write = f_write,
	.flush = f_flush,
	.release = f_release,
	.fsync = f_fsync,
	.opendir = f_opendir,
	.readdir = f_readdir,
	.releasedir = f_releasedir,
	.fsyncdir = f_fsyncdir,
	.statfs = f_statfs,
	.setxattr = f_setxattr,
	.getxattr = f_getxattr,
	.listxattr = f_listxattr,
	.removexattr = f_removexattr,
	.access = f_access,
	.getlk = f_getlk,
	.setlk = f_setlk,
	.fallocate = f_fallocate,
	.lseek = f_lseek,
	.copy_file_range = f_copy_file_range,
	.syncfs = f_syncfs,
};

void req_begin(ReqBuf *b, uint32_t opcode, uint64_t nodeid)
{
	struct fuse_in_header h = {
		.opcode = opcode,
		.unique = 0x1122334455ULL,
		.nodeid = nodeid,
		.uid = 1001,
		.gid = 1002,
		.pid = 1003,
	};

	memset(b->buf, 0, sizeof(h));
	b->len = 0;
	req_put(b, &h, sizeof(h));
}

void req_put(ReqBuf *b, const void *p, size_t n)
{
	g_assert_cmpuint(b->len + n, <=, sizeof(b->buf));
	memcpy(b->buf + b->len, p, n);
	b->len += n;
}

void req_str(ReqBuf *b, const char *s)
{
	req_put(b, s, strlen(s) + 1);
}

void req_end(ReqBuf *b)
{
	struct fuse_in_header *h = (void *)b->buf;

	h->len = (uint32_t)b->len;
}

unsigned split_iov(void *buf, size_t len, size_t chunk, bool empties,
		   struct iovec *iov, unsigned max)
{
	unsigned n = 0;
	size_t off = 0;

	if (chunk == 0)
		chunk = len ? len : 1;
	while (off < len) {
		size_t k = len - off < chunk ? len - off : chunk;

		g_assert_cmpuint(n + 2, <=, max);
		iov[n].iov_base = (char *)buf + off;
		iov[n].iov_len = k;
		n++;
		if (empties) {
			iov[n].iov_base = NULL;
			iov[n].iov_len = 0;
			n++;
		}
		off += k;
	}
	return n;
}
