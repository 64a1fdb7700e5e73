/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-passthrough.c - drives pt_ops directly on a temporary directory:
 * the common operations, forged ids, escapes through ".." and symlinks,
 * read-only mode and caller credentials.
 */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs/passthrough.h"

/* Stub of the FUSE layer's directory sink: records names, bounded. */
struct FsDirBuf {
	bool plus;
	unsigned max;
	unsigned n;
	GPtrArray *names;
	GArray *nodeids;
};

bool fs_dirbuf_add(FsDirBuf *buf, const char *name, size_t namelen,
		   uint64_t ino, uint32_t type, uint64_t next_off,
		   const struct fuse_entry_out *entry)
{
	(void)ino;
	(void)type;
	(void)next_off;
	if (buf->n >= buf->max)
		return false;
	buf->n++;
	g_ptr_array_add(buf->names, g_strndup(name, namelen));
	if (entry && entry->nodeid)
		g_array_append_val(buf->nodeids, entry->nodeid);
	return true;
}

bool fs_dirbuf_is_plus(const FsDirBuf *buf)
{
	return buf->plus;
}

static const bool noxattr = false;

typedef struct {
	char *dir;
	char *outside;
	Passthrough *pt;
	FsConfig cfg;
} Fixture;

static const FsCtx root_ctx = { 0, 0, 1 };

static void fx_setup(Fixture *f, gconstpointer data)
{
	const bool *ro = data;

	f->dir = g_dir_make_tmp("pt-share-XXXXXX", NULL);
	f->outside = g_dir_make_tmp("pt-outside-XXXXXX", NULL);
	g_assert_nonnull(f->dir);
	memset(&f->cfg, 0, sizeof(f->cfg));
	f->cfg.shared_dir = f->dir;
	f->cfg.readonly = ro && *ro;
	f->cfg.xattr = data != &noxattr;
	f->cfg.posix_lock = true;
	f->cfg.flock = true;
	g_assert_cmpint(pt_new(&f->cfg, &f->pt), ==, 0);
}

static void fx_teardown(Fixture *f, gconstpointer data)
{
	char *cmd;

	(void)data;
	pt_free(f->pt);
	cmd = g_strdup_printf("rm -rf '%s' '%s'", f->dir, f->outside);
	g_assert_cmpint(system(cmd), ==, 0);
	g_free(cmd);
	g_free(f->dir);
	g_free(f->outside);
}

static uint64_t do_create(Fixture *f, const FsCtx *ctx, const char *name,
			  uint64_t *fh)
{
	struct fuse_entry_out e;
	struct fuse_open_out o;

	memset(&e, 0, sizeof(e));
	memset(&o, 0, sizeof(o));
	g_assert_cmpint(pt_ops.create(f->pt, ctx, FUSE_ROOT_ID, name, 0644,
				      O_RDWR, 022, &e, &o), ==, 0);
	g_assert_cmpuint(e.nodeid, >, FUSE_ROOT_ID);
	*fh = o.fh;
	return e.nodeid;
}

static void test_basic(Fixture *f, gconstpointer data)
{
	struct fuse_entry_out e, e2;
	struct fuse_attr_out a;
	struct fuse_open_out o;
	struct iovec iov;
	char buf[64];
	uint64_t fh, nid;
	ssize_t n;

	(void)data;
	nid = do_create(f, &root_ctx, "a", &fh);
	iov.iov_base = (void *)"hello";
	iov.iov_len = 5;
	n = pt_ops.write(f->pt, &root_ctx, nid, fh, 0, &iov, 1, 0);
	g_assert_cmpint(n, ==, 5);
	iov.iov_base = buf;
	iov.iov_len = sizeof(buf);
	n = pt_ops.read(f->pt, &root_ctx, nid, fh, 1, &iov, 1);
	g_assert_cmpint(n, ==, 4);
	g_assert_cmpmem(buf, 4, "ello", 4);
	g_assert_cmpint(pt_ops.release(f->pt, &root_ctx, nid, fh, 0, 0, 0),
			==, 0);
	/* released fh is gone */
	g_assert_cmpint(pt_ops.read(f->pt, &root_ctx, nid, fh, 0, &iov, 1),
			==, -EBADF);

	/* same host inode => same nodeid */
	g_assert_cmpint(pt_ops.lookup(f->pt, &root_ctx, FUSE_ROOT_ID, "a", &e),
			==, 0);
	g_assert_cmpuint(e.nodeid, ==, nid);
	g_assert_cmpuint(e.attr.size, ==, 5);
	g_assert_true(S_ISREG(e.attr.mode));
	g_assert_cmpuint(e.attr.mode & 07777, ==, 0644);
	g_assert_cmpint(pt_ops.getattr(f->pt, &root_ctx, nid, 0, 0, &a), ==, 0);
	g_assert_cmpuint(a.attr.ino, ==, e.attr.ino);

	/* setattr size + mode */
	struct fuse_setattr_in sa;
	memset(&sa, 0, sizeof(sa));
	sa.valid = FATTR_SIZE | FATTR_MODE;
	sa.size = 2;
	sa.mode = S_IFREG | 0600;
	g_assert_cmpint(pt_ops.setattr(f->pt, &root_ctx, nid, &sa, &a), ==, 0);
	g_assert_cmpuint(a.attr.size, ==, 2);
	g_assert_cmpuint(a.attr.mode & 07777, ==, 0600);

	/* mkdir, rename into it, link, symlink, readlink */
	g_assert_cmpint(pt_ops.mkdir(f->pt, &root_ctx, FUSE_ROOT_ID, "d", 0777,
				     022, &e2), ==, 0);
	g_assert_cmpuint(e2.attr.mode & 07777, ==, 0755);
	g_assert_cmpint(pt_ops.rename(f->pt, &root_ctx, FUSE_ROOT_ID, "a",
				      e2.nodeid, "b", 0), ==, 0);
	g_assert_cmpint(pt_ops.lookup(f->pt, &root_ctx, FUSE_ROOT_ID, "a", &e),
			==, -ENOENT);
	g_assert_cmpint(pt_ops.link(f->pt, &root_ctx, nid, FUSE_ROOT_ID, "l",
				    &e), ==, 0);
	g_assert_cmpuint(e.nodeid, ==, nid);
	g_assert_cmpuint(e.attr.nlink, ==, 2);
	g_assert_cmpint(pt_ops.symlink(f->pt, &root_ctx, FUSE_ROOT_ID, "s",
				       "d/b", &e), ==, 0);
	g_assert_true(S_ISLNK(e.attr.mode));
	n = pt_ops.readlink(f->pt, &root_ctx, e.nodeid, buf, sizeof(buf));
	g_assert_cmpint(n, ==, 3);
	g_assert_cmpmem(buf, 3, "d/b", 3);

	/* open read-only and read through a fresh handle */
	g_assert_cmpint(pt_ops.open(f->pt, &root_ctx, nid, O_RDONLY, &o), ==, 0);
	iov.iov_base = buf;
	iov.iov_len = sizeof(buf);
	g_assert_cmpint(pt_ops.read(f->pt, &root_ctx, nid, o.fh, 0, &iov, 1),
			==, 2);
	g_assert_cmpint(pt_ops.release(f->pt, &root_ctx, nid, o.fh, 0, 0, 0),
			==, 0);

	/* xattr */
	g_assert_cmpint(pt_ops.setxattr(f->pt, &root_ctx, nid, "user.k", "v", 1,
					0, 0), ==, 0);
	g_assert_cmpint(pt_ops.getxattr(f->pt, &root_ctx, nid, "user.k", NULL,
					0), ==, 1);
	g_assert_cmpint(pt_ops.getxattr(f->pt, &root_ctx, nid, "user.k", buf,
					sizeof(buf)), ==, 1);
	g_assert_cmpint(buf[0], ==, 'v');
	g_assert_cmpint(pt_ops.listxattr(f->pt, &root_ctx, nid, buf,
					 sizeof(buf)), >=, 7);
	g_assert_cmpint(pt_ops.removexattr(f->pt, &root_ctx, nid, "user.k"),
			==, 0);
	g_assert_cmpint(pt_ops.getxattr(f->pt, &root_ctx, nid, "user.k", buf,
					sizeof(buf)), ==, -ENODATA);

	/* unlink / rmdir */
	g_assert_cmpint(pt_ops.rmdir(f->pt, &root_ctx, FUSE_ROOT_ID, "d"),
			==, -ENOTEMPTY);
	g_assert_cmpint(pt_ops.unlink(f->pt, &root_ctx, e2.nodeid, "b"), ==, 0);
	g_assert_cmpint(pt_ops.rmdir(f->pt, &root_ctx, FUSE_ROOT_ID, "d"), ==, 0);
	g_assert_cmpint(pt_ops.unlink(f->pt, &root_ctx, FUSE_ROOT_ID, "l"), ==, 0);
	g_assert_false(g_file_test(f->dir, G_FILE_TEST_IS_REGULAR));
}

static void list_dir(Fixture *f, bool plus, unsigned max, FsDirBuf *db)
{
	struct fuse_open_out o;

	memset(db, 0, sizeof(*db));
	db->plus = plus;
	db->max = max;
	db->names = g_ptr_array_new_with_free_func(g_free);
	db->nodeids = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	g_assert_cmpint(pt_ops.opendir(f->pt, &root_ctx, FUSE_ROOT_ID, 0, &o),
			==, 0);
	g_assert_cmpint(pt_ops.readdir(f->pt, &root_ctx, FUSE_ROOT_ID, o.fh, 0,
				       db), ==, 0);
	g_assert_cmpint(pt_ops.releasedir(f->pt, &root_ctx, FUSE_ROOT_ID,
					  o.fh), ==, 0);
}

static void test_readdir(Fixture *f, gconstpointer data)
{
	FsDirBuf db;
	uint64_t fh, nid;
	struct fuse_entry_out e;
	bool found = false;

	(void)data;
	nid = do_create(f, &root_ctx, "x", &fh);
	pt_ops.release(f->pt, &root_ctx, nid, fh, 0, 0, 0);
	list_dir(f, false, 100, &db);
	g_assert_cmpuint(db.names->len, ==, 3);
	for (unsigned i = 0; i < db.names->len; i++)
		found |= !strcmp(db.names->pdata[i], "x");
	g_assert_true(found);
	g_ptr_array_unref(db.names);
	g_array_unref(db.nodeids);

	/* plus: the lookup matches; a full buffer drops the extra lookup */
	list_dir(f, true, 100, &db);
	g_assert_cmpuint(db.nodeids->len, ==, 1);
	g_assert_cmpuint(g_array_index(db.nodeids, uint64_t, 0), ==, nid);
	g_ptr_array_unref(db.names);
	g_array_unref(db.nodeids);
	list_dir(f, true, 0, &db);
	g_assert_cmpuint(db.names->len, ==, 0);
	g_ptr_array_unref(db.names);
	g_array_unref(db.nodeids);
	/* held: create + readdirplus = 2; forgetting 2 frees the inode */
	pt_ops.forget(f->pt, nid, 2);
	g_assert_cmpint(pt_ops.getattr(f->pt, &root_ctx, nid, 0, 0,
				       &(struct fuse_attr_out){0}), ==, -ESTALE);
	g_assert_cmpint(pt_ops.lookup(f->pt, &root_ctx, FUSE_ROOT_ID, "x", &e),
			==, 0);
}

static void test_forged(Fixture *f, gconstpointer data)
{
	struct fuse_attr_out a;
	struct fuse_entry_out e;
	struct iovec iov;
	char buf[8];
	uint64_t fh, nid, fh2, nid2;
	int r;

	(void)data;
	nid = do_create(f, &root_ctx, "f", &fh);
	nid2 = do_create(f, &root_ctx, "g", &fh2);
	iov.iov_base = buf;
	iov.iov_len = sizeof(buf);
	const uint64_t bad[] = { 0, 2, 0xdeadbeef, UINT64_MAX, nid + 1,
				 nid ^ (1ull << 40), (uint64_t)(uintptr_t)f };
	for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
		if (bad[i] == nid || bad[i] == nid2 || bad[i] == FUSE_ROOT_ID)
			continue;
		r = pt_ops.getattr(f->pt, &root_ctx, bad[i], 0, 0, &a);
		g_assert_cmpint(r, <, 0);
		r = pt_ops.lookup(f->pt, &root_ctx, bad[i], "f", &e);
		g_assert_cmpint(r, <, 0);
		pt_ops.forget(f->pt, bad[i], 5);
		g_assert_cmpint(pt_ops.read(f->pt, &root_ctx, nid, bad[i], 0,
					    &iov, 1), ==, -EBADF);
		g_assert_cmpint(pt_ops.release(f->pt, &root_ctx, nid, bad[i],
					       0, 0, 0), <, 0);
	}
	/* a valid fh for another nodeid */
	g_assert_cmpint(pt_ops.read(f->pt, &root_ctx, nid, fh2, 0, &iov, 1),
			==, -EBADF);
	/* lookup on a non-directory */
	g_assert_cmpint(pt_ops.lookup(f->pt, &root_ctx, nid, "x", &e), <, 0);
	/* forget far more than held: freed, clamped, no crash */
	pt_ops.forget(f->pt, nid, 1000);
	pt_ops.forget(f->pt, nid, 1000);
	g_assert_cmpint(pt_ops.read(f->pt, &root_ctx, nid, fh, 0, &iov, 1), ==, 0);
	pt_ops.release(f->pt, &root_ctx, nid, fh, 0, 0, 0);
	g_assert_cmpint(pt_ops.getattr(f->pt, &root_ctx, nid, 0, 0, &a), <, 0);
	/* root is never forgotten */
	pt_ops.forget(f->pt, FUSE_ROOT_ID, 1000);
	g_assert_cmpint(pt_ops.getattr(f->pt, &root_ctx, FUSE_ROOT_ID, 0, 0, &a),
			==, 0);
	pt_ops.release(f->pt, &root_ctx, nid2, fh2, 0, 0, 0);
}

static void test_escape(Fixture *f, gconstpointer data)
{
	struct fuse_entry_out e, root;
	struct fuse_attr_out a;
	struct fuse_open_out o;
	char *secret;

	(void)data;
	g_assert_cmpint(pt_ops.getattr(f->pt, &root_ctx, FUSE_ROOT_ID, 0, 0, &a),
			==, 0);
	g_assert_cmpint(pt_ops.lookup(f->pt, &root_ctx, FUSE_ROOT_ID, "..", &e),
			==, 0);
	g_assert_cmpuint(e.attr.ino, ==, a.attr.ino);
	pt_ops.forget(f->pt, e.nodeid, 1);
	g_assert_cmpint(pt_ops.lookup(f->pt, &root_ctx, FUSE_ROOT_ID, ".",
				      &root), ==, 0);
	g_assert_cmpuint(root.attr.ino, ==, a.attr.ino);

	secret = g_build_filename(f->outside, "secret", NULL);
	g_assert_true(g_file_set_contents(secret, "s", 1, NULL));
	char *lnk = g_build_filename(f->dir, "out", NULL);
	char *lnkd = g_build_filename(f->dir, "outd", NULL);
	g_assert_cmpint(symlink(secret, lnk), ==, 0);
	g_assert_cmpint(symlink(f->outside, lnkd), ==, 0);
	g_assert_cmpint(pt_ops.lookup(f->pt, &root_ctx, FUSE_ROOT_ID, "out", &e),
			==, 0);
	g_assert_true(S_ISLNK(e.attr.mode));
	g_assert_cmpint(pt_ops.open(f->pt, &root_ctx, e.nodeid, O_RDONLY, &o),
			<, 0);
	g_assert_cmpint(pt_ops.open(f->pt, &root_ctx, e.nodeid, O_WRONLY, &o),
			<, 0);
	g_assert_cmpint(pt_ops.lookup(f->pt, &root_ctx, FUSE_ROOT_ID, "outd",
				      &e), ==, 0);
	g_assert_cmpint(pt_ops.lookup(f->pt, &root_ctx, e.nodeid, "secret",
				      &root), <, 0);
	g_assert_cmpint(pt_ops.opendir(f->pt, &root_ctx, e.nodeid, 0, &o), <, 0);
	g_free(secret);
	g_free(lnk);
	g_free(lnkd);
}

static void test_readonly(Fixture *f, gconstpointer data)
{
	struct fuse_entry_out e;
	struct fuse_open_out o;
	struct fuse_setattr_in sa;
	struct fuse_attr_out a;
	char *p = g_build_filename(f->dir, "r", NULL);

	(void)data;
	g_assert_true(g_file_set_contents(p, "r", 1, NULL));
	g_assert_cmpint(pt_ops.create(f->pt, &root_ctx, FUSE_ROOT_ID, "n", 0644,
				      O_RDWR, 0, &e, &o), ==, -EROFS);
	g_assert_cmpint(pt_ops.mkdir(f->pt, &root_ctx, FUSE_ROOT_ID, "n", 0755,
				     0, &e), ==, -EROFS);
	g_assert_cmpint(pt_ops.lookup(f->pt, &root_ctx, FUSE_ROOT_ID, "r", &e),
			==, 0);
	g_assert_cmpint(pt_ops.open(f->pt, &root_ctx, e.nodeid, O_WRONLY, &o),
			==, -EROFS);
	g_assert_cmpint(pt_ops.unlink(f->pt, &root_ctx, FUSE_ROOT_ID, "r"),
			==, -EROFS);
	memset(&sa, 0, sizeof(sa));
	sa.valid = FATTR_SIZE;
	g_assert_cmpint(pt_ops.setattr(f->pt, &root_ctx, e.nodeid, &sa, &a),
			==, -EROFS);
	g_assert_cmpint(pt_ops.open(f->pt, &root_ctx, e.nodeid, O_RDONLY, &o),
			==, 0);
	g_assert_true(g_file_test(p, G_FILE_TEST_EXISTS));
	g_free(p);
}

static void test_creds(Fixture *f, gconstpointer data)
{
	const FsCtx ctx = { 1234, 1234, 1 };
	struct stat st;
	uint64_t fh, nid;
	char *p = g_build_filename(f->dir, "c", NULL);

	(void)data;
	/* the caller needs write access to the directory like on the host */
	g_assert_cmpint(chmod(f->dir, 0777), ==, 0);
	nid = do_create(f, &ctx, "c", &fh);
	g_assert_cmpint(stat(p, &st), ==, 0);
	g_assert_cmpuint(st.st_uid, ==, 1234);
	g_assert_cmpuint(st.st_gid, ==, 1234);
	g_assert_cmpuint(st.st_mode & 07777, ==, 0644);
	pt_ops.release(f->pt, &ctx, nid, fh, 0, 0, 0);
	/* the thread's own credentials are back */
	g_assert_cmpint(mkdir(p, 0) == 0 ? 0 : errno, ==, EEXIST);
	g_free(p);
	p = g_build_filename(f->dir, "c2", NULL);
	g_assert_cmpint(mkdir(p, 0755), ==, 0);
	g_assert_cmpint(stat(p, &st), ==, 0);
	g_assert_cmpuint(st.st_uid, ==, 0);
	g_free(p);
}

static void test_cache_policy(void)
{
	FsCachePolicy p;

	g_assert_cmpint(fs_cache_policy_parse("always", &p), ==, 0);
	g_assert_cmpint(p, ==, FS_CACHE_ALWAYS);
	g_assert_cmpint(fs_cache_policy_parse("none", &p), ==, 0);
	g_assert_cmpint(p, ==, FS_CACHE_NEVER);
	g_assert_cmpint(fs_cache_policy_parse("bogus", &p), ==, -EINVAL);
	g_assert_cmpstr(fs_cache_policy_name(FS_CACHE_METADATA), ==, "metadata");
	g_assert_cmpfloat(fs_cache_timeout(FS_CACHE_AUTO), ==, 1.0);
	g_assert_cmpfloat(fs_cache_timeout(FS_CACHE_NEVER), ==, 0.0);
	g_assert_cmpfloat(fs_cache_timeout(FS_CACHE_ALWAYS), ==, 86400.0);
}

static void test_misc(Fixture *f, gconstpointer data)
{
	struct fuse_entry_out e;
	struct fuse_open_out o;
	struct fuse_attr_out a;
	struct fuse_setattr_in sa;
	struct fuse_kstatfs sf;
	struct fuse_file_lock lk, lo;
	struct iovec iov;
	uint64_t fh, nid, fh2, nid2, off;
	char buf[16];

	(void)data;
	nid = do_create(f, &root_ctx, "m", &fh);
	nid2 = do_create(f, &root_ctx, "m2", &fh2);
	g_assert_cmpint(pt_ops.fallocate(f->pt, &root_ctx, nid, fh, 0, 8192, 0),
			==, 0);
	g_assert_cmpint(pt_ops.getattr(f->pt, &root_ctx, nid, FUSE_GETATTR_FH,
				       fh, &a), ==, 0);
	g_assert_cmpuint(a.attr.size, ==, 8192);
	g_assert_cmpint(pt_ops.lseek(f->pt, &root_ctx, nid, fh, 0, SEEK_END,
				     &off), ==, 0);
	g_assert_cmpuint(off, ==, 8192);
	iov.iov_base = (void *)"copyme";
	iov.iov_len = 6;
	g_assert_cmpint(pt_ops.write(f->pt, &root_ctx, nid, fh, 0, &iov, 1, 0),
			==, 6);
	g_assert_cmpint(pt_ops.copy_file_range(f->pt, &root_ctx, nid, fh, 0,
					       nid2, fh2, 0, 6, 0), ==, 6);
	g_assert_cmpint(pt_ops.copy_file_range(f->pt, &root_ctx, nid, fh2, 0,
					       nid2, fh2, 0, 6, 0), ==, -EBADF);
	iov.iov_base = buf;
	iov.iov_len = sizeof(buf);
	g_assert_cmpint(pt_ops.read(f->pt, &root_ctx, nid2, fh2, 0, &iov, 1),
			==, 6);
	g_assert_cmpmem(buf, 6, "copyme", 6);
	g_assert_cmpint(pt_ops.fsync(f->pt, &root_ctx, nid, fh, true), ==, 0);
	g_assert_cmpint(pt_ops.flush(f->pt, &root_ctx, nid, fh, 1), ==, 0);
	g_assert_cmpint(pt_ops.statfs(f->pt, &root_ctx, nid, &sf), ==, 0);
	g_assert_cmpuint(sf.bsize, >, 0);

	/* times */
	memset(&sa, 0, sizeof(sa));
	sa.valid = FATTR_ATIME | FATTR_MTIME;
	sa.atime = 1000;
	sa.mtime = 2000;
	sa.mtimensec = 5;
	g_assert_cmpint(pt_ops.setattr(f->pt, &root_ctx, nid, &sa, &a), ==, 0);
	g_assert_cmpuint(a.attr.atime, ==, 1000);
	g_assert_cmpuint(a.attr.mtime, ==, 2000);
	g_assert_cmpuint(a.attr.mtimensec, ==, 5);
	sa.valid = FATTR_MTIME | FATTR_MTIME_NOW;
	g_assert_cmpint(pt_ops.setattr(f->pt, &root_ctx, nid, &sa, &a), ==, 0);
	g_assert_cmpuint(a.attr.mtime, >, 2000);
	g_assert_cmpuint(a.attr.atime, ==, 1000);

	/* locks: one owner holds, the other sees it */
	memset(&lk, 0, sizeof(lk));
	lk.start = 0;
	lk.end = 10;
	lk.type = F_WRLCK;
	lk.pid = 1;
	g_assert_cmpint(pt_ops.setlk(f->pt, &root_ctx, nid, fh, 1, &lk, 0,
				     false), ==, 0);
	g_assert_cmpint(pt_ops.getlk(f->pt, &root_ctx, nid, fh, 1, &lk, &lo),
			==, 0);
	g_assert_cmpint(pt_ops.setlk(f->pt, &root_ctx, nid, fh, 1, &lk,
				     FUSE_LK_FLOCK, false), ==, 0);
	g_assert_cmpint(pt_ops.setlk(f->pt, &root_ctx, nid, fh + 7, 1, &lk, 0,
				     false), ==, -EBADF);

	/* tmpfile and fifo */
	g_assert_cmpint(pt_ops.tmpfile(f->pt, &root_ctx, FUSE_ROOT_ID, 0600,
				       O_RDWR, 0, &e, &o), ==, 0);
	g_assert_true(S_ISREG(e.attr.mode));
	g_assert_cmpint(pt_ops.release(f->pt, &root_ctx, e.nodeid, o.fh, 0, 0,
				       0), ==, 0);
	pt_ops.forget(f->pt, e.nodeid, 1);
	g_assert_cmpint(pt_ops.mknod(f->pt, &root_ctx, FUSE_ROOT_ID, "p",
				     S_IFIFO | 0666, 0, 022, &e), ==, 0);
	g_assert_true(S_ISFIFO(e.attr.mode));
	g_assert_cmpuint(e.attr.mode & 07777, ==, 0644);
	g_assert_cmpint(pt_ops.open(f->pt, &root_ctx, e.nodeid, O_RDONLY, &o),
			<, 0);

	pt_ops.release(f->pt, &root_ctx, nid, fh, 0, 0, 0);
	pt_ops.release(f->pt, &root_ctx, nid2, fh2, 0, 0, 0);
	/* destroy drops everything but the root */
	pt_ops.destroy(f->pt);
	g_assert_cmpint(pt_ops.getattr(f->pt, &root_ctx, nid, 0, 0, &a), <, 0);
	g_assert_cmpint(pt_ops.getattr(f->pt, &root_ctx, FUSE_ROOT_ID, 0, 0, &a),
			==, 0);
}

static void test_noxattr(Fixture *f, gconstpointer data)
{
	char buf[8];

	(void)data;
	g_assert_cmpint(pt_ops.getxattr(f->pt, &root_ctx, FUSE_ROOT_ID,
					"user.x", buf, sizeof(buf)), ==, -ENOSYS);
	g_assert_cmpint(pt_ops.setxattr(f->pt, &root_ctx, FUSE_ROOT_ID,
					"user.x", "1", 1, 0, 0), ==, -ENOSYS);
}

static gpointer churn(gpointer data)
{
	Fixture *f = data;
	struct fuse_entry_out e;
	struct fuse_attr_out a;
	struct fuse_open_out o;
	struct iovec iov;
	char buf[4];

	for (int i = 0; i < 2000; i++) {
		if (pt_ops.lookup(f->pt, &root_ctx, FUSE_ROOT_ID, "t", &e) != 0)
			return GINT_TO_POINTER(1);
		if (pt_ops.getattr(f->pt, &root_ctx, e.nodeid, 0, 0, &a) != 0)
			return GINT_TO_POINTER(2);
		if (pt_ops.open(f->pt, &root_ctx, e.nodeid, O_RDONLY, &o) != 0)
			return GINT_TO_POINTER(3);
		iov.iov_base = buf;
		iov.iov_len = sizeof(buf);
		if (pt_ops.read(f->pt, &root_ctx, e.nodeid, o.fh, 0, &iov, 1) != 1)
			return GINT_TO_POINTER(4);
		pt_ops.release(f->pt, &root_ctx, e.nodeid, o.fh, 0, 0, 0);
		pt_ops.forget(f->pt, e.nodeid, 1);
	}
	return NULL;
}

/* Lookups, opens and forgets of one inode from several threads. */
static void test_threads(Fixture *f, gconstpointer data)
{
	GThread *t[4];
	char *p = g_build_filename(f->dir, "t", NULL);

	(void)data;
	g_assert_true(g_file_set_contents(p, "t", 1, NULL));
	for (unsigned i = 0; i < G_N_ELEMENTS(t); i++)
		t[i] = g_thread_new("churn", churn, f);
	for (unsigned i = 0; i < G_N_ELEMENTS(t); i++)
		g_assert_null(g_thread_join(t[i]));
	g_free(p);
}

int main(int argc, char **argv)
{
	static const bool ro = true;

	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/passthrough/cache-policy", test_cache_policy);
	if (geteuid() != 0) {
		g_test_message("needs root");
		return g_test_run();
	}
#define ADD(path, fn, d) \
	g_test_add("/passthrough/" path, Fixture, d, fx_setup, fn, fx_teardown)
	ADD("basic", test_basic, NULL);
	ADD("readdir", test_readdir, NULL);
	ADD("forged-ids", test_forged, NULL);
	ADD("escape", test_escape, NULL);
	ADD("readonly", test_readonly, &ro);
	ADD("creds", test_creds, NULL);
	ADD("misc", test_misc, NULL);
	ADD("threads", test_threads, NULL);
	ADD("no-xattr", test_noxattr, &noxattr);
	return g_test_run();
}
