/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-ops.c - every FUSE opcode the daemon serves, success and error paths,
 * each checked against the host directory with ordinary system calls.  One
 * fresh daemon and shared directory per test.  Where QEMU's C virtiofsd (a
 * reference peer) deviates from what the spec requires, the assertion names
 * the requirement and the deviation is tolerated only for that binary.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <linux/falloc.h>

#include "test-helpers.h"

#define OFFSET_MAX INT64_MAX

/* @expr must give @spec; QEMU's virtiofsd may give @qemu instead */
#define ASSERT_ERR(expr, spec, qemu)                                           \
	do {                                                                   \
		int r_ = (expr);                                               \
		if (!(vu_daemon_is_qemu() && r_ == (qemu)))                    \
			g_assert_cmpint(r_, ==, (spec));                       \
	} while (0)

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#define RENAME_EXCHANGE (1 << 1)
#define RENAME_WHITEOUT (1 << 2)
#endif

static void host_write(Fx *fx, const char *name, const void *data, size_t len)
{
	g_autofree char *p = fx_path(fx, name);
	g_assert_true(g_file_set_contents(p, data, (gssize)len, NULL));
}

static char *host_read(Fx *fx, const char *name, size_t *len)
{
	g_autofree char *p = fx_path(fx, name);
	char *s = NULL;
	gsize l = 0;
	g_assert_true(g_file_get_contents(p, &s, &l, NULL));
	if (len)
		*len = l;
	return s;
}

static int host_lstat(Fx *fx, const char *name, struct stat *st)
{
	g_autofree char *p = fx_path(fx, name);
	return lstat(p, st) < 0 ? -errno : 0;
}

static uint64_t lookup_ok(Fx *fx, uint64_t parent, const char *name,
			  struct fuse_entry_out *ret)
{
	struct fuse_entry_out e;
	int r = fuse_lookup(&fx->c, parent, name, &e);
	g_assert_cmpint(r, ==, 0);
	g_assert_cmpuint(e.nodeid, !=, 0);
	if (ret)
		*ret = e;
	return e.nodeid;
}

static void assert_attr_matches(const struct fuse_attr *a, const struct stat *st)
{
	g_assert_cmpuint(a->ino, ==, st->st_ino);
	g_assert_cmpuint(a->mode, ==, st->st_mode);
	g_assert_cmpuint(a->size, ==, (uint64_t)st->st_size);
	g_assert_cmpuint(a->nlink, ==, st->st_nlink);
	g_assert_cmpuint(a->uid, ==, st->st_uid);
	g_assert_cmpuint(a->gid, ==, st->st_gid);
	g_assert_cmpuint(a->mtime, ==, (uint64_t)st->st_mtim.tv_sec);
	g_assert_cmpuint(a->mtimensec, ==, (uint32_t)st->st_mtim.tv_nsec);
}

/* Create @name through FUSE, open for read/write. */
static uint64_t create_ok(Fx *fx, uint64_t parent, const char *name,
			  uint32_t mode, uint64_t *ret_fh)
{
	struct fuse_entry_out e;
	struct fuse_open_out o;
	int r = fuse_create(&fx->c, parent, name, O_RDWR | O_CREAT, S_IFREG | mode,
			    0, &e, &o);
	g_assert_cmpint(r, ==, 0);
	g_assert_cmpuint(e.nodeid, !=, 0);
	if (ret_fh)
		*ret_fh = o.fh;
	return e.nodeid;
}

/* ---- INIT, DESTROY, protocol ---- */

static void test_init(Fx *fx, gconstpointer data)
{
	FX_SKIP_IF_NO_DAEMON(fx);
	g_assert_cmpuint(fx->c.init.major, ==, FUSE_KERNEL_VERSION);
	g_assert_cmpuint(fx->c.init.minor, >=, 27);
	g_assert_cmpuint(fx->c.init.minor, <=, FUSE_KERNEL_MINOR_VERSION);
	g_assert_cmpuint(fx->c.init.max_write, >=, 4096);
}

static void test_before_init(Fx *fx, gconstpointer data)
{
	struct fuse_attr_out a;
	FX_SKIP_IF_NO_DAEMON(fx);
	/* spec: requests before INIT are refused with EIO */
	g_assert_cmpint(fuse_getattr(&fx->c, FUSE_ROOT_NODEID, 0, false, &a), ==, -EIO);
	g_assert_cmpint(fuse_init(&fx->c, INIT_FLAGS, NULL), ==, 0);
	g_assert_cmpint(fuse_getattr(&fx->c, FUSE_ROOT_NODEID, 0, false, &a), ==, 0);
}

static void test_init_twice(Fx *fx, gconstpointer data)
{
	FX_SKIP_IF_NO_DAEMON(fx);
	/* a second INIT is a protocol error: EIO (QEMU: EPROTO) */
	struct fuse_attr_out a;
	/* a second INIT: refused (EIO/EPROTO) or, as QEMU does, answered
	 * again; either way the session keeps working */
	int r = fuse_init(&fx->c, INIT_FLAGS, NULL);
	if (r != 0 && r != -EIO && r != -EPROTO && r != -EINVAL)
		g_test_fail_printf("second INIT gave %d", r);
	g_assert_cmpint(fuse_getattr(&fx->c, FUSE_ROOT_NODEID, 0, false, &a), ==, 0);
	g_assert_cmpint(fx->c.transport_error, ==, 0);
}

static void test_destroy(Fx *fx, gconstpointer data)
{
	FX_SKIP_IF_NO_DAEMON(fx);
	g_assert_cmpint(fuse_destroy(&fx->c), ==, 0);
}

static void test_unknown_opcode(Fx *fx, gconstpointer data)
{
	FX_SKIP_IF_NO_DAEMON(fx);
	g_assert_cmpint(fuse_call(&fx->c, 9999, FUSE_ROOT_NODEID, NULL, 0, NULL, 0, NULL),
			==, -ENOSYS);
	/* CUSE_INIT and BMAP make no sense for virtio-fs */
	g_assert_cmpint(fuse_call(&fx->c, CUSE_INIT, FUSE_ROOT_NODEID, NULL, 0, NULL, 0, NULL),
			==, -ENOSYS);
}

/* ---- LOOKUP, FORGET, GETATTR, SETATTR ---- */

static void test_lookup(Fx *fx, gconstpointer data)
{
	struct fuse_entry_out e;
	struct stat st;
	FX_SKIP_IF_NO_DAEMON(fx);
	host_write(fx, "f", "hello", 5);
	lookup_ok(fx, FUSE_ROOT_NODEID, "f", &e);
	g_assert_cmpint(host_lstat(fx, "f", &st), ==, 0);
	assert_attr_matches(&e.attr, &st);
	g_assert_cmpint(fuse_lookup(&fx->c, FUSE_ROOT_NODEID, "missing", &e), ==, -ENOENT);
	/* a second lookup returns the same node */
	g_assert_cmpuint(lookup_ok(fx, FUSE_ROOT_NODEID, "f", NULL), ==, e.nodeid);
	/* "." and ".." of the root stay inside the share */
	g_assert_cmpuint(lookup_ok(fx, FUSE_ROOT_NODEID, "..", &e), !=, 0);
	g_assert_cmpint(lstat(fx->dir, &st), ==, 0);
	g_assert_cmpuint(e.attr.ino, ==, st.st_ino);
	/* lookup in a non-directory */
	g_assert_cmpint(fuse_lookup(&fx->c, lookup_ok(fx, FUSE_ROOT_NODEID, "f", NULL),
				    "x", &e), ==, -ENOTDIR);
}

static void test_forget(Fx *fx, gconstpointer data)
{
	struct fuse_attr_out a;
	struct fuse_forget_one items[2];
	uint64_t n1, n2;
	FX_SKIP_IF_NO_DAEMON(fx);
	host_write(fx, "a", "1", 1);
	host_write(fx, "b", "2", 1);
	n1 = lookup_ok(fx, FUSE_ROOT_NODEID, "a", NULL);
	lookup_ok(fx, FUSE_ROOT_NODEID, "a", NULL);
	n2 = lookup_ok(fx, FUSE_ROOT_NODEID, "b", NULL);
	g_assert_cmpint(fuse_forget(&fx->c, n1, 1), ==, 0);
	/* still one reference: usable */
	g_assert_cmpint(fuse_getattr(&fx->c, n1, 0, false, &a), ==, 0);
	items[0] = (struct fuse_forget_one){ n1, 1 };
	items[1] = (struct fuse_forget_one){ n2, 1 };
	g_assert_cmpint(fuse_batch_forget(&fx->c, items, 2), ==, 0);
	/* the daemon is still serving */
	g_assert_cmpint(fuse_getattr(&fx->c, FUSE_ROOT_NODEID, 0, false, &a), ==, 0);
	/* a lookup again gives a usable node */
	n1 = lookup_ok(fx, FUSE_ROOT_NODEID, "a", NULL);
	g_assert_cmpint(fuse_getattr(&fx->c, n1, 0, false, &a), ==, 0);
	g_assert_cmpuint(a.attr.size, ==, 1);
}

static void test_getattr(Fx *fx, gconstpointer data)
{
	struct fuse_attr_out a;
	struct stat st;
	g_autofree char *p = NULL;
	uint64_t n;
	FX_SKIP_IF_NO_DAEMON(fx);
	g_assert_cmpint(fuse_getattr(&fx->c, FUSE_ROOT_NODEID, 0, false, &a), ==, 0);
	g_assert_cmpint(lstat(fx->dir, &st), ==, 0);
	assert_attr_matches(&a.attr, &st);
	host_write(fx, "f", "abc", 3);
	n = lookup_ok(fx, FUSE_ROOT_NODEID, "f", NULL);
	/* host-side changes are visible */
	p = fx_path(fx, "f");
	g_assert_cmpint(truncate(p, 12345), ==, 0);
	g_assert_cmpint(chmod(p, 0604), ==, 0);
	g_assert_cmpint(fuse_getattr(&fx->c, n, 0, false, &a), ==, 0);
	g_assert_cmpint(lstat(p, &st), ==, 0);
	assert_attr_matches(&a.attr, &st);
	g_assert_cmpuint(a.attr.size, ==, 12345);
	g_assert_cmpuint(a.attr.mode & 07777, ==, 0604);
	/* the file is gone on the host: the node still answers (it holds an fd) */
	g_assert_cmpint(unlink(p), ==, 0);
	g_assert_cmpint(fuse_getattr(&fx->c, n, 0, false, &a), ==, 0);
	g_assert_cmpuint(a.attr.nlink, ==, 0);
}

static void test_setattr(Fx *fx, gconstpointer data)
{
	struct fuse_setattr_in in;
	struct fuse_attr_out a;
	struct stat st;
	struct timespec before;
	uint64_t n, fh;
	FX_SKIP_IF_NO_DAEMON(fx);
	n = create_ok(fx, FUSE_ROOT_NODEID, "f", 0644, &fh);

	memset(&in, 0, sizeof(in));
	in.valid = FATTR_SIZE;
	in.size = 100000;
	g_assert_cmpint(fuse_setattr(&fx->c, n, &in, &a), ==, 0);
	g_assert_cmpuint(a.attr.size, ==, 100000);
	g_assert_cmpint(host_lstat(fx, "f", &st), ==, 0);
	g_assert_cmpint(st.st_size, ==, 100000);

	/* size through the handle */
	in.valid = FATTR_SIZE | FATTR_FH;
	in.size = 10;
	in.fh = fh;
	g_assert_cmpint(fuse_setattr(&fx->c, n, &in, &a), ==, 0);
	g_assert_cmpint(host_lstat(fx, "f", &st), ==, 0);
	g_assert_cmpint(st.st_size, ==, 10);

	memset(&in, 0, sizeof(in));
	in.valid = FATTR_MODE;
	in.mode = S_IFREG | 0711;
	g_assert_cmpint(fuse_setattr(&fx->c, n, &in, &a), ==, 0);
	g_assert_cmpint(host_lstat(fx, "f", &st), ==, 0);
	g_assert_cmpuint(st.st_mode & 07777, ==, 0711);
	g_assert_cmpuint(a.attr.mode, ==, st.st_mode);

	memset(&in, 0, sizeof(in));
	in.valid = FATTR_UID | FATTR_GID;
	in.uid = 1234;
	in.gid = 4321;
	g_assert_cmpint(fuse_setattr(&fx->c, n, &in, &a), ==, 0);
	g_assert_cmpint(host_lstat(fx, "f", &st), ==, 0);
	g_assert_cmpuint(st.st_uid, ==, 1234);
	g_assert_cmpuint(st.st_gid, ==, 4321);

	memset(&in, 0, sizeof(in));
	in.valid = FATTR_ATIME | FATTR_MTIME;
	in.atime = 1000000000;
	in.atimensec = 5;
	in.mtime = 1100000000;
	in.mtimensec = 7;
	g_assert_cmpint(fuse_setattr(&fx->c, n, &in, &a), ==, 0);
	g_assert_cmpint(host_lstat(fx, "f", &st), ==, 0);
	g_assert_cmpint(st.st_atim.tv_sec, ==, 1000000000);
	g_assert_cmpint(st.st_atim.tv_nsec, ==, 5);
	g_assert_cmpint(st.st_mtim.tv_sec, ==, 1100000000);
	g_assert_cmpint(st.st_mtim.tv_nsec, ==, 7);

	clock_gettime(CLOCK_REALTIME, &before);
	in.valid = FATTR_ATIME | FATTR_ATIME_NOW | FATTR_MTIME | FATTR_MTIME_NOW;
	g_assert_cmpint(fuse_setattr(&fx->c, n, &in, &a), ==, 0);
	g_assert_cmpint(host_lstat(fx, "f", &st), ==, 0);
	g_assert_cmpint(st.st_atim.tv_sec, >=, before.tv_sec - 1);
	g_assert_cmpint(st.st_mtim.tv_sec, >=, before.tv_sec - 1);

	/* only mtime: atime is left alone */
	in.valid = FATTR_ATIME;
	in.atime = 5;
	in.atimensec = 0;
	g_assert_cmpint(fuse_setattr(&fx->c, n, &in, &a), ==, 0);
	in.valid = FATTR_MTIME | FATTR_MTIME_NOW;
	g_assert_cmpint(fuse_setattr(&fx->c, n, &in, &a), ==, 0);
	g_assert_cmpint(host_lstat(fx, "f", &st), ==, 0);
	g_assert_cmpint(st.st_atim.tv_sec, ==, 5);
	g_assert_cmpint(st.st_mtim.tv_sec, >=, before.tv_sec - 1);

	/* truncating a directory fails */
	memset(&in, 0, sizeof(in));
	in.valid = FATTR_SIZE;
	g_assert_cmpint(fuse_setattr(&fx->c, FUSE_ROOT_NODEID, &in, &a), ==, -EISDIR);
	fuse_release(&fx->c, n, fh, O_RDWR);
}

/* ---- names: SYMLINK, READLINK, MKNOD, MKDIR, UNLINK, RMDIR, RENAME, LINK ---- */

static void test_symlink(Fx *fx, gconstpointer data)
{
	struct fuse_entry_out e;
	char buf[256], hb[256];
	g_autofree char *p = NULL;
	ssize_t k;
	FX_SKIP_IF_NO_DAEMON(fx);
	g_assert_cmpint(fuse_symlink(&fx->c, FUSE_ROOT_NODEID, "l", "some/target", &e), ==, 0);
	g_assert_true(S_ISLNK(e.attr.mode));
	p = fx_path(fx, "l");
	k = readlink(p, hb, sizeof(hb) - 1);
	g_assert_cmpint(k, ==, 11);
	hb[k] = 0;
	g_assert_cmpstr(hb, ==, "some/target");
	g_assert_cmpint(fuse_readlink(&fx->c, e.nodeid, buf, sizeof(buf)), ==, 11);
	g_assert_cmpstr(buf, ==, "some/target");
	/* a host symlink pointing outside is only data: READLINK returns it */
	g_free(p);
	p = fx_path(fx, "out");
	g_assert_cmpint(symlink("/etc/passwd", p), ==, 0);
	g_assert_cmpint(fuse_readlink(&fx->c, lookup_ok(fx, FUSE_ROOT_NODEID, "out", NULL),
				      buf, sizeof(buf)), ==, 11);
	g_assert_cmpstr(buf, ==, "/etc/passwd");
	/* errors */
	g_assert_cmpint(fuse_symlink(&fx->c, FUSE_ROOT_NODEID, "l", "x", &e), ==, -EEXIST);
	host_write(fx, "f", "", 0);
	/* spec: readlink(2) of a non-symlink is EINVAL (QEMU 7.2: ENOENT) */
	ASSERT_ERR(fuse_readlink(&fx->c, lookup_ok(fx, FUSE_ROOT_NODEID, "f", NULL),
				 buf, sizeof(buf)), -EINVAL, -ENOENT);
}

static void test_mknod(Fx *fx, gconstpointer data)
{
	struct fuse_entry_out e;
	struct stat st;
	FX_SKIP_IF_NO_DAEMON(fx);
	g_assert_cmpint(fuse_mknod(&fx->c, FUSE_ROOT_NODEID, "fifo", S_IFIFO | 0640, 0, 0, &e), ==, 0);
	g_assert_cmpint(host_lstat(fx, "fifo", &st), ==, 0);
	g_assert_true(S_ISFIFO(st.st_mode));
	g_assert_cmpuint(st.st_mode & 07777, ==, 0640);
	assert_attr_matches(&e.attr, &st);
	g_assert_cmpint(fuse_mknod(&fx->c, FUSE_ROOT_NODEID, "reg", S_IFREG | 0600, 0, 0, &e), ==, 0);
	g_assert_cmpint(host_lstat(fx, "reg", &st), ==, 0);
	g_assert_true(S_ISREG(st.st_mode));
	/* umask is applied by the daemon (FUSE_DONT_MASK) */
	g_assert_cmpint(fuse_mknod(&fx->c, FUSE_ROOT_NODEID, "um", S_IFREG | 0666, 0, 022, &e), ==, 0);
	g_assert_cmpint(host_lstat(fx, "um", &st), ==, 0);
	/* QEMU 7.2 ignores the umask field (it only uses it with posix_acl) */
	if (!vu_daemon_is_qemu())
		g_assert_cmpuint(st.st_mode & 07777, ==, 0644);
	g_assert_cmpint(fuse_mknod(&fx->c, FUSE_ROOT_NODEID, "fifo", S_IFIFO | 0640, 0, 0, &e), ==, -EEXIST);
	g_assert_cmpint(fuse_mknod(&fx->c, FUSE_ROOT_NODEID, "sock", S_IFSOCK | 0600, 0, 0, &e), ==, 0);
	g_assert_cmpint(host_lstat(fx, "sock", &st), ==, 0);
	g_assert_true(S_ISSOCK(st.st_mode));
}

static void test_mkdir_rmdir(Fx *fx, gconstpointer data)
{
	struct fuse_entry_out e;
	struct stat st;
	uint64_t d;
	FX_SKIP_IF_NO_DAEMON(fx);
	g_assert_cmpint(fuse_mkdir(&fx->c, FUSE_ROOT_NODEID, "d", 0750, 0, &e), ==, 0);
	d = e.nodeid;
	g_assert_cmpint(host_lstat(fx, "d", &st), ==, 0);
	g_assert_true(S_ISDIR(st.st_mode));
	g_assert_cmpuint(st.st_mode & 07777, ==, 0750);
	assert_attr_matches(&e.attr, &st);
	g_assert_cmpint(fuse_mkdir(&fx->c, FUSE_ROOT_NODEID, "d", 0750, 0, &e), ==, -EEXIST);
	g_assert_cmpint(fuse_mkdir(&fx->c, d, "sub", 0777, 0, &e), ==, 0);
	g_assert_cmpint(host_lstat(fx, "d/sub", &st), ==, 0);
	g_assert_cmpint(fuse_rmdir(&fx->c, FUSE_ROOT_NODEID, "d"), ==, -ENOTEMPTY);
	g_assert_cmpint(fuse_rmdir(&fx->c, d, "sub"), ==, 0);
	g_assert_cmpint(host_lstat(fx, "d/sub", &st), ==, -ENOENT);
	/* spec: ENOENT (QEMU 7.2 answers EIO for names it was never asked to
	 * look up: the kernel always looks up first) */
	ASSERT_ERR(fuse_rmdir(&fx->c, d, "sub"), -ENOENT, -EIO);
	host_write(fx, "file", "", 0);
	lookup_ok(fx, FUSE_ROOT_NODEID, "file", NULL);
	g_assert_cmpint(fuse_rmdir(&fx->c, FUSE_ROOT_NODEID, "file"), ==, -ENOTDIR);
	g_assert_cmpint(fuse_rmdir(&fx->c, FUSE_ROOT_NODEID, "d"), ==, 0);
	g_assert_cmpint(host_lstat(fx, "d", &st), ==, -ENOENT);
	/* mkdir in a directory that is gone */
	g_assert_cmpint(fuse_mkdir(&fx->c, d, "x", 0777, 0, &e), ==, -ENOENT);
}

static void test_unlink(Fx *fx, gconstpointer data)
{
	struct stat st;
	g_autofree char *p = NULL;
	FX_SKIP_IF_NO_DAEMON(fx);
	host_write(fx, "f", "x", 1);
	p = fx_path(fx, "dir");
	g_assert_cmpint(mkdir(p, 0755), ==, 0);
	ASSERT_ERR(fuse_unlink(&fx->c, FUSE_ROOT_NODEID, "missing"), -ENOENT, -EIO);
	/* without a prior LOOKUP (the kernel always does one; QEMU needs it) */
	if (!vu_daemon_is_qemu())
		g_assert_cmpint(fuse_unlink(&fx->c, FUSE_ROOT_NODEID, "dir"), ==, -EISDIR);
	lookup_ok(fx, FUSE_ROOT_NODEID, "dir", NULL);
	lookup_ok(fx, FUSE_ROOT_NODEID, "f", NULL);
	g_assert_cmpint(fuse_unlink(&fx->c, FUSE_ROOT_NODEID, "dir"), ==, -EISDIR);
	g_assert_cmpint(fuse_unlink(&fx->c, FUSE_ROOT_NODEID, "f"), ==, 0);
	g_assert_cmpint(host_lstat(fx, "f", &st), ==, -ENOENT);
}

static void test_rename(Fx *fx, gconstpointer data)
{
	struct fuse_entry_out e;
	struct stat st;
	g_autofree char *s = NULL;
	uint64_t d;
	FX_SKIP_IF_NO_DAEMON(fx);
	host_write(fx, "a", "AAA", 3);
	host_write(fx, "b", "BB", 2);
	g_assert_cmpint(fuse_mkdir(&fx->c, FUSE_ROOT_NODEID, "d", 0755, 0, &e), ==, 0);
	d = e.nodeid;
	lookup_ok(fx, FUSE_ROOT_NODEID, "a", NULL);
	lookup_ok(fx, FUSE_ROOT_NODEID, "b", NULL);
	g_assert_cmpint(fuse_rename(&fx->c, FUSE_ROOT_NODEID, "a", d, "a2"), ==, 0);
	g_assert_cmpint(host_lstat(fx, "a", &st), ==, -ENOENT);
	s = host_read(fx, "d/a2", NULL);
	g_assert_cmpstr(s, ==, "AAA");
	/* replaces an existing target */
	g_assert_cmpint(fuse_rename(&fx->c, FUSE_ROOT_NODEID, "b", d, "a2"), ==, 0);
	g_free(s);
	s = host_read(fx, "d/a2", NULL);
	g_assert_cmpstr(s, ==, "BB");
	ASSERT_ERR(fuse_rename(&fx->c, FUSE_ROOT_NODEID, "missing", d, "x"), -ENOENT, -EIO);
	lookup_ok(fx, d, "a2", NULL);
	/* a directory over a non-empty directory */
	g_assert_cmpint(fuse_mkdir(&fx->c, FUSE_ROOT_NODEID, "e", 0755, 0, &e), ==, 0);
	g_assert_cmpint(fuse_mknod(&fx->c, d, "keep", S_IFREG | 0644, 0, 0, &e), ==, 0);
	g_assert_cmpint(fuse_rename(&fx->c, FUSE_ROOT_NODEID, "e", FUSE_ROOT_NODEID, "d"), ==, -ENOTEMPTY);
	/* a directory into itself */
	g_assert_cmpint(fuse_rename(&fx->c, FUSE_ROOT_NODEID, "d", d, "x"), ==, -EINVAL);
}

static void test_rename2(Fx *fx, gconstpointer data)
{
	g_autofree char *s = NULL;
	FX_SKIP_IF_NO_DAEMON(fx);
	host_write(fx, "a", "AAA", 3);
	host_write(fx, "b", "BB", 2);
	lookup_ok(fx, FUSE_ROOT_NODEID, "a", NULL);
	lookup_ok(fx, FUSE_ROOT_NODEID, "b", NULL);
	g_assert_cmpint(fuse_rename2(&fx->c, FUSE_ROOT_NODEID, "a", FUSE_ROOT_NODEID, "b",
				     RENAME_NOREPLACE), ==, -EEXIST);
	g_assert_cmpint(fuse_rename2(&fx->c, FUSE_ROOT_NODEID, "a", FUSE_ROOT_NODEID, "b",
				     RENAME_EXCHANGE), ==, 0);
	s = host_read(fx, "a", NULL);
	g_assert_cmpstr(s, ==, "BB");
	g_free(s);
	s = host_read(fx, "b", NULL);
	g_assert_cmpstr(s, ==, "AAA");
	g_assert_cmpint(fuse_rename2(&fx->c, FUSE_ROOT_NODEID, "a", FUSE_ROOT_NODEID, "c",
				     RENAME_NOREPLACE), ==, 0);
	g_free(s);
	s = host_read(fx, "c", NULL);
	g_assert_cmpstr(s, ==, "BB");
	lookup_ok(fx, FUSE_ROOT_NODEID, "c", NULL);
	/* EXCHANGE needs both names */
	ASSERT_ERR(fuse_rename2(&fx->c, FUSE_ROOT_NODEID, "c", FUSE_ROOT_NODEID, "zz",
				RENAME_EXCHANGE), -ENOENT, -EIO);
	/* spec: unknown flags and NOREPLACE|EXCHANGE are EINVAL */
	ASSERT_ERR(fuse_rename2(&fx->c, FUSE_ROOT_NODEID, "c", FUSE_ROOT_NODEID, "d",
				RENAME_NOREPLACE | RENAME_EXCHANGE), -EINVAL, -EIO);
	ASSERT_ERR(fuse_rename2(&fx->c, FUSE_ROOT_NODEID, "c", FUSE_ROOT_NODEID, "d",
				0x100), -EINVAL, -EIO);
	g_free(s);
	s = host_read(fx, "c", NULL);
	g_assert_cmpstr(s, ==, "BB");
}

static void test_link(Fx *fx, gconstpointer data)
{
	struct fuse_entry_out e;
	struct stat st1, st2;
	uint64_t n;
	FX_SKIP_IF_NO_DAEMON(fx);
	host_write(fx, "f", "data", 4);
	n = lookup_ok(fx, FUSE_ROOT_NODEID, "f", NULL);
	g_assert_cmpint(fuse_link(&fx->c, n, FUSE_ROOT_NODEID, "g", &e), ==, 0);
	g_assert_cmpint(host_lstat(fx, "f", &st1), ==, 0);
	g_assert_cmpint(host_lstat(fx, "g", &st2), ==, 0);
	g_assert_cmpuint(st1.st_ino, ==, st2.st_ino);
	g_assert_cmpuint(st1.st_nlink, ==, 2);
	g_assert_cmpuint(e.attr.nlink, ==, 2);
	g_assert_cmpuint(e.attr.ino, ==, st1.st_ino);
	g_assert_cmpint(fuse_link(&fx->c, n, FUSE_ROOT_NODEID, "g", &e), ==, -EEXIST);
	/* hard links to directories are refused */
	g_assert_cmpint(fuse_mkdir(&fx->c, FUSE_ROOT_NODEID, "d", 0755, 0, &e), ==, 0);
	g_assert_cmpint(fuse_link(&fx->c, e.nodeid, FUSE_ROOT_NODEID, "dl", NULL), ==, -EPERM);
}

/* ---- files: OPEN, CREATE, TMPFILE, READ, WRITE, FLUSH, FSYNC, RELEASE ---- */

static void test_create_write_read(Fx *fx, gconstpointer data)
{
	struct fuse_entry_out e;
	struct fuse_open_out o;
	struct stat st;
	g_autofree char *s = NULL;
	g_autofree uint8_t *big = g_malloc(128 * 1024);
	g_autofree uint8_t *rb = g_malloc(128 * 1024);
	size_t len;
	uint64_t n, fh;
	FX_SKIP_IF_NO_DAEMON(fx);
	n = create_ok(fx, FUSE_ROOT_NODEID, "f", 0640, &fh);
	g_assert_cmpint(host_lstat(fx, "f", &st), ==, 0);
	g_assert_cmpuint(st.st_mode & 07777, ==, 0640);
	g_assert_cmpint(fuse_write(&fx->c, n, fh, 0, "hello world", 11, 0), ==, 11);
	s = host_read(fx, "f", &len);
	g_assert_cmpuint(len, ==, 11);
	g_assert_cmpmem(s, 11, "hello world", 11);
	/* a large write at an offset */
	for (size_t i = 0; i < 128 * 1024; i++)
		big[i] = (uint8_t)(i * 7 + 3);
	g_assert_cmpint(fuse_write(&fx->c, n, fh, 4096, big, 128 * 1024, 0), ==, 128 * 1024);
	g_free(s);
	s = host_read(fx, "f", &len);
	g_assert_cmpuint(len, ==, 4096 + 128 * 1024);
	g_assert_cmpmem(s + 4096, 128 * 1024, big, 128 * 1024);
	/* read it back */
	g_assert_cmpint(fuse_read(&fx->c, n, fh, 4096, 128 * 1024, rb), ==, 128 * 1024);
	g_assert_cmpmem(rb, 128 * 1024, big, 128 * 1024);
	/* short read at the end, empty read past it */
	g_assert_cmpint(fuse_read(&fx->c, n, fh, 4096 + 128 * 1024 - 10, 100, rb), ==, 10);
	g_assert_cmpint(fuse_read(&fx->c, n, fh, 1 << 30, 100, rb), ==, 0);
	/* host writes (in place) are seen by READ */
	{
		g_autofree char *p = fx_path(fx, "f");
		int fd = open(p, O_WRONLY | O_TRUNC | O_CLOEXEC);
		g_assert_cmpint(fd, >=, 0);
		g_assert_cmpint(write(fd, "new", 3), ==, 3);
		close(fd);
	}
	g_assert_cmpint(fuse_read(&fx->c, n, fh, 0, 100, rb), ==, 3);
	g_assert_cmpmem(rb, 3, "new", 3);
	g_assert_cmpint(fuse_flush(&fx->c, n, fh, 1), ==, 0);
	g_assert_cmpint(fuse_fsync(&fx->c, n, fh, false), ==, 0);
	g_assert_cmpint(fuse_fsync(&fx->c, n, fh, true), ==, 0);
	g_assert_cmpint(fuse_release(&fx->c, n, fh, O_RDWR), ==, 0);
	/* O_EXCL on an existing name */
	g_assert_cmpint(fuse_create(&fx->c, FUSE_ROOT_NODEID, "f", O_RDWR | O_CREAT | O_EXCL,
				    S_IFREG | 0644, 0, &e, &o), ==, -EEXIST);
	/* create in a regular file */
	g_assert_cmpint(fuse_create(&fx->c, n, "x", O_RDWR | O_CREAT, S_IFREG | 0644, 0, &e, &o),
			==, -ENOTDIR);
}

static void test_open(Fx *fx, gconstpointer data)
{
	struct fuse_open_out o;
	struct stat st;
	char buf[16];
	uint64_t n;
	FX_SKIP_IF_NO_DAEMON(fx);
	host_write(fx, "f", "0123456789", 10);
	n = lookup_ok(fx, FUSE_ROOT_NODEID, "f", NULL);
	g_assert_cmpint(fuse_open(&fx->c, n, O_RDONLY, &o), ==, 0);
	g_assert_cmpint(fuse_read(&fx->c, n, o.fh, 2, 3, buf), ==, 3);
	g_assert_cmpmem(buf, 3, "234", 3);
	/* writing through a read-only handle */
	g_assert_cmpint(fuse_write(&fx->c, n, o.fh, 0, "x", 1, 0), ==, -EBADF);
	g_assert_cmpint(fuse_release(&fx->c, n, o.fh, O_RDONLY), ==, 0);
	g_assert_cmpint(fuse_open(&fx->c, n, O_WRONLY | O_TRUNC, &o), ==, 0);
	g_assert_cmpint(host_lstat(fx, "f", &st), ==, 0);
	g_assert_cmpint(st.st_size, ==, 0);
	g_assert_cmpint(fuse_write(&fx->c, n, o.fh, 0, "ab", 2, 0), ==, 2);
	g_assert_cmpint(fuse_release(&fx->c, n, o.fh, O_WRONLY), ==, 0);
	/* O_APPEND */
	g_assert_cmpint(fuse_open(&fx->c, n, O_WRONLY | O_APPEND, &o), ==, 0);
	g_assert_cmpint(fuse_write(&fx->c, n, o.fh, 0, "cd", 2, 0), ==, 2);
	g_assert_cmpint(fuse_release(&fx->c, n, o.fh, O_WRONLY), ==, 0);
	{
		g_autofree char *s = host_read(fx, "f", NULL);
		g_assert_cmpstr(s, ==, "abcd");
	}
	/* a directory cannot be opened for writing */
	g_assert_cmpint(fuse_open(&fx->c, FUSE_ROOT_NODEID, O_RDWR, &o), ==, -EISDIR);
}

static void test_credentials(Fx *fx, gconstpointer data)
{
	struct fuse_entry_out e;
	struct fuse_open_out o;
	struct stat st;
	g_autofree char *p = NULL;
	FX_SKIP_IF_NO_DAEMON(fx);
	/* the share's root is writable by all so that uid 1000 may create */
	g_assert_cmpint(chmod(fx->dir, 0777), ==, 0);
	fx->c.uid = 1000;
	fx->c.gid = 1000;
	g_assert_cmpint(fuse_create(&fx->c, FUSE_ROOT_NODEID, "f", O_RDWR | O_CREAT,
				    S_IFREG | 0644, 0, &e, &o), ==, 0);
	g_assert_cmpint(host_lstat(fx, "f", &st), ==, 0);
	g_assert_cmpuint(st.st_uid, ==, 1000);
	g_assert_cmpuint(st.st_gid, ==, 1000);
	g_assert_cmpuint(e.attr.uid, ==, 1000);
	g_assert_cmpint(fuse_mkdir(&fx->c, FUSE_ROOT_NODEID, "d", 0755, 0, &e), ==, 0);
	g_assert_cmpint(host_lstat(fx, "d", &st), ==, 0);
	g_assert_cmpuint(st.st_uid, ==, 1000);
	g_assert_cmpint(fuse_symlink(&fx->c, FUSE_ROOT_NODEID, "l", "t", &e), ==, 0);
	g_assert_cmpint(host_lstat(fx, "l", &st), ==, 0);
	g_assert_cmpuint(st.st_uid, ==, 1000);
	g_assert_cmpint(fuse_mknod(&fx->c, FUSE_ROOT_NODEID, "n", S_IFIFO | 0600, 0, 0, &e), ==, 0);
	g_assert_cmpint(host_lstat(fx, "n", &st), ==, 0);
	g_assert_cmpuint(st.st_gid, ==, 1000);
	/* uid 1000 may not write into a root-owned 0755 directory */
	p = fx_path(fx, "rootdir");
	g_assert_cmpint(mkdir(p, 0755), ==, 0);
	g_assert_cmpint(fuse_mkdir(&fx->c, lookup_ok(fx, FUSE_ROOT_NODEID, "rootdir", NULL),
				   "x", 0755, 0, &e), ==, -EACCES);
	/* (permission checks on existing files are the guest kernel's job:
	 * open and unlink run with the daemon's own credentials) */
}

static void test_tmpfile(Fx *fx, gconstpointer data)
{
	struct fuse_entry_out e;
	struct fuse_open_out o;
	g_autoptr(GDir) dir = NULL;
	int r;
	FX_SKIP_IF_NO_DAEMON(fx);
	r = fuse_tmpfile(&fx->c, FUSE_ROOT_NODEID, O_RDWR, S_IFREG | 0600, 0, &e, &o);
	if (vu_daemon_is_qemu() && r == -ENOSYS) {
		g_test_message("QEMU virtiofsd has no TMPFILE");
		return;
	}
	g_assert_cmpint(r, ==, 0);
	g_assert_true(S_ISREG(e.attr.mode));
	g_assert_cmpint(fuse_write(&fx->c, e.nodeid, o.fh, 0, "tmp", 3, 0), ==, 3);
	/* it has no name in the directory */
	dir = g_dir_open(fx->dir, 0, NULL);
	g_assert_null(g_dir_read_name(dir));
	g_assert_cmpint(fuse_release(&fx->c, e.nodeid, o.fh, O_RDWR), ==, 0);
}

/* ---- directories ---- */

static bool dir_has(const char *buf, int len, bool plus, const char *name,
		    const struct fuse_entry_out **ret_e, uint64_t *ret_off)
{
	size_t pos = 0;
	const struct fuse_dirent *d;
	const struct fuse_entry_out *e = NULL;
	while ((d = fuse_dirent_next(buf, (size_t)len, &pos, plus, &e))) {
		if (d->namelen == strlen(name) && !memcmp(d->name, name, d->namelen)) {
			if (ret_e)
				*ret_e = e;
			if (ret_off)
				*ret_off = d->off;
			return true;
		}
	}
	return false;
}

static void test_readdir(Fx *fx, gconstpointer data)
{
	struct fuse_open_out o;
	g_autofree char *buf = g_malloc(65536);
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	char name[32];
	uint64_t off = 0;
	int len, calls = 0;
	FX_SKIP_IF_NO_DAEMON(fx);
	for (int i = 0; i < 50; i++) {
		snprintf(name, sizeof(name), "file-%02d", i);
		host_write(fx, name, "", 0);
	}
	g_assert_cmpint(fuse_opendir(&fx->c, FUSE_ROOT_NODEID, &o), ==, 0);
	len = fuse_readdir(&fx->c, FUSE_ROOT_NODEID, o.fh, 0, 65536, buf);
	g_assert_cmpint(len, >, 0);
	g_assert_true(dir_has(buf, len, false, ".", NULL, NULL));
	g_assert_true(dir_has(buf, len, false, "..", NULL, NULL));
	g_assert_true(dir_has(buf, len, false, "file-00", NULL, NULL));
	g_assert_true(dir_has(buf, len, false, "file-49", NULL, NULL));
	/* small buffers: resume from each entry's offset, every name once */
	for (;;) {
		size_t pos = 0;
		const struct fuse_dirent *d;
		len = fuse_readdir(&fx->c, FUSE_ROOT_NODEID, o.fh, off, 200, buf);
		g_assert_cmpint(len, >=, 0);
		if (len == 0)
			break;
		g_assert_cmpint(++calls, <, 100);
		while ((d = fuse_dirent_next(buf, (size_t)len, &pos, false, NULL))) {
			char *n = g_strndup(d->name, d->namelen);
			g_assert_false(g_hash_table_contains(seen, n));
			g_hash_table_add(seen, n);
			off = d->off;
		}
	}
	g_assert_cmpuint(g_hash_table_size(seen), ==, 52);
	g_hash_table_unref(seen);
	/* too small for even one entry: EINVAL or an empty reply, not garbage */
	len = fuse_readdir(&fx->c, FUSE_ROOT_NODEID, o.fh, 0, 8, buf);
	g_assert_true(len == 0 || len == -EINVAL);
	g_assert_cmpint(fuse_fsyncdir(&fx->c, FUSE_ROOT_NODEID, o.fh, false), ==, 0);
	g_assert_cmpint(fuse_releasedir(&fx->c, FUSE_ROOT_NODEID, o.fh), ==, 0);
	/* opendir of a file */
	host_write(fx, "plain", "", 0);
	g_assert_cmpint(fuse_opendir(&fx->c, lookup_ok(fx, FUSE_ROOT_NODEID, "plain", NULL), &o),
			==, -ENOTDIR);
}

static void test_readdirplus(Fx *fx, gconstpointer data)
{
	struct fuse_open_out o;
	const struct fuse_entry_out *e = NULL;
	struct fuse_attr_out a;
	struct stat st;
	g_autofree char *buf = g_malloc(65536);
	g_autofree char *p = NULL;
	int len;
	FX_SKIP_IF_NO_DAEMON(fx);
	host_write(fx, "file", "12345", 5);
	p = fx_path(fx, "sub");
	g_assert_cmpint(mkdir(p, 0700), ==, 0);
	g_assert_cmpint(fuse_opendir(&fx->c, FUSE_ROOT_NODEID, &o), ==, 0);
	len = fuse_readdirplus(&fx->c, FUSE_ROOT_NODEID, o.fh, 0, 65536, buf);
	g_assert_cmpint(len, >, 0);
	g_assert_true(dir_has(buf, len, true, "file", &e, NULL));
	g_assert_cmpint(host_lstat(fx, "file", &st), ==, 0);
	g_assert_cmpuint(e->nodeid, !=, 0);
	assert_attr_matches(&e->attr, &st);
	/* the entry's node is a real lookup reference */
	g_assert_cmpint(fuse_getattr(&fx->c, e->nodeid, 0, false, &a), ==, 0);
	g_assert_cmpuint(a.attr.size, ==, 5);
	g_assert_true(dir_has(buf, len, true, "sub", &e, NULL));
	g_assert_true(S_ISDIR(e->attr.mode));
	g_assert_true(dir_has(buf, len, true, "..", NULL, NULL));
	g_assert_cmpint(fuse_releasedir(&fx->c, FUSE_ROOT_NODEID, o.fh), ==, 0);
}

static void test_statfs(Fx *fx, gconstpointer data)
{
	struct fuse_statfs_out s;
	struct statvfs v;
	FX_SKIP_IF_NO_DAEMON(fx);
	g_assert_cmpint(fuse_statfs(&fx->c, FUSE_ROOT_NODEID, &s), ==, 0);
	g_assert_cmpint(statvfs(fx->dir, &v), ==, 0);
	g_assert_cmpuint(s.st.blocks, ==, v.f_blocks);
	g_assert_cmpuint(s.st.bsize, ==, v.f_bsize);
	g_assert_cmpuint(s.st.namelen, ==, v.f_namemax);
	g_assert_cmpuint(s.st.files, ==, v.f_files);
}

/* ---- xattrs ---- */

static void test_xattr(Fx *fx, gconstpointer data)
{
	char buf[256];
	g_autofree char *p = NULL;
	uint64_t n;
	ssize_t k;
	int len;
	FX_SKIP_IF_NO_DAEMON(fx);
	host_write(fx, "f", "", 0);
	p = fx_path(fx, "f");
	n = lookup_ok(fx, FUSE_ROOT_NODEID, "f", NULL);
	g_assert_cmpint(fuse_setxattr(&fx->c, n, "user.test", "value1", 6, 0), ==, 0);
	k = lgetxattr(p, "user.test", buf, sizeof(buf));
	g_assert_cmpint(k, ==, 6);
	g_assert_cmpmem(buf, 6, "value1", 6);
	g_assert_cmpint(fuse_getxattr(&fx->c, n, "user.test", NULL, 0), ==, 6);
	g_assert_cmpint(fuse_getxattr(&fx->c, n, "user.test", buf, sizeof(buf)), ==, 6);
	g_assert_cmpmem(buf, 6, "value1", 6);
	g_assert_cmpint(fuse_getxattr(&fx->c, n, "user.test", buf, 3), ==, -ERANGE);
	g_assert_cmpint(fuse_getxattr(&fx->c, n, "user.none", buf, sizeof(buf)), ==, -ENODATA);
	g_assert_cmpint(fuse_setxattr(&fx->c, n, "user.test", "v", 1, XATTR_CREATE), ==, -EEXIST);
	g_assert_cmpint(fuse_setxattr(&fx->c, n, "user.none", "v", 1, XATTR_REPLACE), ==, -ENODATA);
	/* host-side xattrs are visible */
	g_assert_cmpint(lsetxattr(p, "user.host", "h", 1, 0), ==, 0);
	len = fuse_listxattr(&fx->c, n, NULL, 0);
	g_assert_cmpint(len, ==, (int)(sizeof("user.test") + sizeof("user.host")));
	len = fuse_listxattr(&fx->c, n, buf, sizeof(buf));
	g_assert_cmpint(len, ==, (int)(sizeof("user.test") + sizeof("user.host")));
	g_assert_nonnull(memmem(buf, (size_t)len, "user.host", sizeof("user.host")));
	g_assert_nonnull(memmem(buf, (size_t)len, "user.test", sizeof("user.test")));
	g_assert_cmpint(fuse_listxattr(&fx->c, n, buf, 4), ==, -ERANGE);
	g_assert_cmpint(fuse_removexattr(&fx->c, n, "user.test"), ==, 0);
	g_assert_cmpint(lgetxattr(p, "user.test", buf, sizeof(buf)), ==, -1);
	g_assert_cmpint(errno, ==, ENODATA);
	g_assert_cmpint(fuse_removexattr(&fx->c, n, "user.test"), ==, -ENODATA);
	/* empty value */
	g_assert_cmpint(fuse_setxattr(&fx->c, n, "user.empty", "", 0, 0), ==, 0);
	g_assert_cmpint(fuse_getxattr(&fx->c, n, "user.empty", NULL, 0), ==, 0);
	/* on a directory */
	g_assert_cmpint(fuse_setxattr(&fx->c, FUSE_ROOT_NODEID, "user.d", "dd", 2, 0), ==, 0);
	g_assert_cmpint(lgetxattr(fx->dir, "user.d", buf, sizeof(buf)), ==, 2);
}

static void test_xattr_disabled(Fx *fx, gconstpointer data)
{
	char buf[64];
	FX_SKIP_IF_NO_DAEMON(fx);
	/* without the xattr option: EOPNOTSUPP (the kernel stops asking) */
	int r = fuse_getxattr(&fx->c, FUSE_ROOT_NODEID, "user.x", buf, sizeof(buf));
	g_assert_true(r == -EOPNOTSUPP || r == -ENOSYS);
	r = fuse_setxattr(&fx->c, FUSE_ROOT_NODEID, "user.x", "1", 1, 0);
	g_assert_true(r == -EOPNOTSUPP || r == -ENOSYS);
	g_assert_cmpint(lgetxattr(fx->dir, "user.x", buf, sizeof(buf)), ==, -1);
}

/* ---- ACCESS ---- */

static void test_access(Fx *fx, gconstpointer data)
{
	g_autofree char *p = NULL;
	uint64_t n;
	FX_SKIP_IF_NO_DAEMON(fx);
	host_write(fx, "f", "", 0);
	p = fx_path(fx, "f");
	g_assert_cmpint(chmod(p, 0600), ==, 0);
	n = lookup_ok(fx, FUSE_ROOT_NODEID, "f", NULL);
	if (vu_daemon_is_qemu() && fuse_access(&fx->c, n, F_OK) == -ENOSYS) {
		g_test_message("QEMU virtiofsd leaves ACCESS to the guest");
		return;
	}
	g_assert_cmpint(fuse_access(&fx->c, n, F_OK), ==, 0);
	g_assert_cmpint(fuse_access(&fx->c, n, R_OK | W_OK), ==, 0);
	g_assert_cmpint(fuse_access(&fx->c, n, X_OK), ==, -EACCES);
	fx->c.uid = 1000;
	fx->c.gid = 1000;
	g_assert_cmpint(fuse_access(&fx->c, n, R_OK), ==, -EACCES);
	g_assert_cmpint(chmod(p, 0604), ==, 0);
	g_assert_cmpint(fuse_access(&fx->c, n, R_OK), ==, 0);
	g_assert_cmpint(fuse_access(&fx->c, n, W_OK), ==, -EACCES);
}

/* ---- locks ---- */

static void test_posix_locks(Fx *fx, gconstpointer data)
{
	struct fuse_open_out o1, o2;
	/* the kernel fills in the caller's pid; an OFD-lock daemon must clear
	 * it (QEMU 7.2 does not and fails with EINVAL, so give it 0) */
	struct fuse_file_lock lk = { .start = 0, .end = 99, .type = F_WRLCK,
				     .pid = vu_daemon_is_qemu() ? 0 : 1 };
	struct fuse_file_lock got;
	uint64_t n;
	FX_SKIP_IF_NO_DAEMON(fx);
	host_write(fx, "f", "0123456789", 10);
	n = lookup_ok(fx, FUSE_ROOT_NODEID, "f", NULL);
	g_assert_cmpint(fuse_open(&fx->c, n, O_RDWR, &o1), ==, 0);
	g_assert_cmpint(fuse_open(&fx->c, n, O_RDWR, &o2), ==, 0);
	g_assert_cmpint(fuse_setlk(&fx->c, n, o1.fh, 0xA, &lk, false, false), ==, 0);
	/* owner B sees owner A's lock */
	g_assert_cmpint(fuse_getlk(&fx->c, n, o2.fh, 0xB, &lk, &got), ==, 0);
	g_assert_cmpuint(got.type, ==, F_WRLCK);
	g_assert_cmpuint(got.start, ==, 0);
	g_assert_cmpuint(got.end, ==, 99);
	/* and cannot take a conflicting one */
	lk.type = F_RDLCK;
	g_assert_cmpint(fuse_setlk(&fx->c, n, o2.fh, 0xB, &lk, false, false), ==, -EAGAIN);
	/* a range that does not overlap is free */
	lk.start = 100;
	lk.end = 199;
	g_assert_cmpint(fuse_getlk(&fx->c, n, o2.fh, 0xB, &lk, &got), ==, 0);
	g_assert_cmpuint(got.type, ==, F_UNLCK);
	g_assert_cmpint(fuse_setlk(&fx->c, n, o2.fh, 0xB, &lk, false, false), ==, 0);
	/* A unlocks; B may now lock everything */
	lk.start = 0;
	lk.end = 99;
	lk.type = F_UNLCK;
	g_assert_cmpint(fuse_setlk(&fx->c, n, o1.fh, 0xA, &lk, false, false), ==, 0);
	lk.type = F_WRLCK;
	lk.end = OFFSET_MAX;
	/* SETLKW (QEMU 7.2: EOPNOTSUPP) */
	ASSERT_ERR(fuse_setlk(&fx->c, n, o2.fh, 0xB, &lk, true, false), 0, -EOPNOTSUPP);
	/* closing B's handle (FLUSH with its owner, then RELEASE) drops its locks */
	g_assert_cmpint(fuse_flush(&fx->c, n, o2.fh, 0xB), ==, 0);
	g_assert_cmpint(fuse_release(&fx->c, n, o2.fh, O_RDWR), ==, 0);
	g_assert_cmpint(fuse_setlk(&fx->c, n, o1.fh, 0xA, &lk, false, false), ==, 0);
	/* bad lock type */
	lk.type = 77;
	g_assert_cmpint(fuse_setlk(&fx->c, n, o1.fh, 0xA, &lk, false, false), ==, -EINVAL);
	g_assert_cmpint(fuse_release(&fx->c, n, o1.fh, O_RDWR), ==, 0);
}

static void test_flock(Fx *fx, gconstpointer data)
{
	struct fuse_open_out o1, o2;
	struct fuse_file_lock lk = { .start = 0, .end = OFFSET_MAX, .type = F_WRLCK };
	uint64_t n;
	FX_SKIP_IF_NO_DAEMON(fx);
	host_write(fx, "f", "x", 1);
	n = lookup_ok(fx, FUSE_ROOT_NODEID, "f", NULL);
	g_assert_cmpint(fuse_open(&fx->c, n, O_RDWR, &o1), ==, 0);
	g_assert_cmpint(fuse_open(&fx->c, n, O_RDWR, &o2), ==, 0);
	g_assert_cmpint(fuse_setlk(&fx->c, n, o1.fh, 1, &lk, false, true), ==, 0);
	g_assert_cmpint(fuse_setlk(&fx->c, n, o2.fh, 2, &lk, false, true), ==, -EAGAIN);
	lk.type = F_UNLCK;
	g_assert_cmpint(fuse_setlk(&fx->c, n, o1.fh, 1, &lk, false, true), ==, 0);
	lk.type = F_WRLCK;
	g_assert_cmpint(fuse_setlk(&fx->c, n, o2.fh, 2, &lk, false, true), ==, 0);
	fuse_release(&fx->c, n, o1.fh, O_RDWR);
	fuse_release(&fx->c, n, o2.fh, O_RDWR);
}

/* ---- FALLOCATE, LSEEK, COPY_FILE_RANGE ---- */

static void test_fallocate(Fx *fx, gconstpointer data)
{
	struct stat st;
	uint64_t n, fh;
	FX_SKIP_IF_NO_DAEMON(fx);
	n = create_ok(fx, FUSE_ROOT_NODEID, "f", 0644, &fh);
	g_assert_cmpint(fuse_fallocate(&fx->c, n, fh, 0, 1 << 20, 0), ==, 0);
	g_assert_cmpint(host_lstat(fx, "f", &st), ==, 0);
	g_assert_cmpint(st.st_size, ==, 1 << 20);
	g_assert_cmpint(st.st_blocks * 512, >=, 1 << 20);
	g_assert_cmpint(fuse_fallocate(&fx->c, n, fh, 1 << 20, 1 << 20, FALLOC_FL_KEEP_SIZE), ==, 0);
	g_assert_cmpint(host_lstat(fx, "f", &st), ==, 0);
	g_assert_cmpint(st.st_size, ==, 1 << 20);
	g_assert_cmpint(fuse_fallocate(&fx->c, n, fh, 0, 1 << 19,
				       FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE), ==, 0);
	g_assert_cmpint(host_lstat(fx, "f", &st), ==, 0);
	g_assert_cmpint(st.st_size, ==, 1 << 20);
	g_assert_cmpint(st.st_blocks * 512, <, 2 << 20);
	/* PUNCH_HOLE without KEEP_SIZE is invalid */
	g_assert_cmpint(fuse_fallocate(&fx->c, n, fh, 0, 4096, FALLOC_FL_PUNCH_HOLE), ==, -EOPNOTSUPP);
	g_assert_cmpint(fuse_release(&fx->c, n, fh, O_RDWR), ==, 0);
}

static void test_lseek(Fx *fx, gconstpointer data)
{
	uint8_t blk[4096];
	uint64_t n, fh, off = 0;
	FX_SKIP_IF_NO_DAEMON(fx);
	memset(blk, 'x', sizeof(blk));
	n = create_ok(fx, FUSE_ROOT_NODEID, "f", 0644, &fh);
	g_assert_cmpint(fuse_write(&fx->c, n, fh, 0, blk, 4096, 0), ==, 4096);
	g_assert_cmpint(fuse_write(&fx->c, n, fh, 1 << 20, blk, 4096, 0), ==, 4096);
	g_assert_cmpint(fuse_lseek(&fx->c, n, fh, 0, SEEK_HOLE, &off), ==, 0);
	g_assert_cmpuint(off, ==, 4096);
	g_assert_cmpint(fuse_lseek(&fx->c, n, fh, 4096, SEEK_DATA, &off), ==, 0);
	g_assert_cmpuint(off, ==, 1 << 20);
	g_assert_cmpint(fuse_lseek(&fx->c, n, fh, (1 << 20) + 4096, SEEK_DATA, &off), ==, -ENXIO);
	/* SEEK_SET/CUR/END are the kernel's business; the daemon may refuse */
	g_assert_cmpint(fuse_lseek(&fx->c, n, fh, 0, 99, &off), ==, -EINVAL);
	g_assert_cmpint(fuse_release(&fx->c, n, fh, O_RDWR), ==, 0);
}

static void test_copy_file_range(Fx *fx, gconstpointer data)
{
	g_autofree char *s = NULL;
	size_t len;
	uint64_t a, b, fa, fb;
	FX_SKIP_IF_NO_DAEMON(fx);
	a = create_ok(fx, FUSE_ROOT_NODEID, "a", 0644, &fa);
	b = create_ok(fx, FUSE_ROOT_NODEID, "b", 0644, &fb);
	g_assert_cmpint(fuse_write(&fx->c, a, fa, 0, "0123456789", 10, 0), ==, 10);
	g_assert_cmpint(fuse_copy_file_range(&fx->c, a, fa, 2, b, fb, 5, 6, 0), ==, 6);
	s = host_read(fx, "b", &len);
	g_assert_cmpuint(len, ==, 11);
	g_assert_cmpmem(s + 5, 6, "234567", 6);
	g_assert_cmpmem(s, 5, "\0\0\0\0\0", 5);
	/* bad flags */
	g_assert_cmpint(fuse_copy_file_range(&fx->c, a, fa, 0, b, fb, 0, 1, 1), ==, -EINVAL);
	fuse_release(&fx->c, a, fa, O_RDWR);
	fuse_release(&fx->c, b, fb, O_RDWR);
}

/* ---- the rest ---- */

static void test_syncfs(Fx *fx, gconstpointer data)
{
	FX_SKIP_IF_NO_DAEMON(fx);
	g_assert_cmpint(fuse_syncfs(&fx->c, FUSE_ROOT_NODEID), ==, 0);
}

static void test_interrupt(Fx *fx, gconstpointer data)
{
	struct fuse_attr_out a;
	FX_SKIP_IF_NO_DAEMON(fx);
	if (vu_daemon_is_qemu()) {
		g_test_skip("QEMU 7.2 virtiofsd stops on FUSE_INTERRUPT");
		return;
	}
	/* nothing to interrupt: ignored, and the daemon keeps serving */
	g_assert_cmpint(fuse_interrupt(&fx->c, 12345), ==, 0);
	g_assert_cmpint(fuse_getattr(&fx->c, FUSE_ROOT_NODEID, 0, false, &a), ==, 0);
}

static void test_ioctl(Fx *fx, gconstpointer data)
{
	struct fuse_open_out o;
	uint64_t n;
	int r;
	FX_SKIP_IF_NO_DAEMON(fx);
	host_write(fx, "f", "", 0);
	n = lookup_ok(fx, FUSE_ROOT_NODEID, "f", NULL);
	g_assert_cmpint(fuse_open(&fx->c, n, O_RDONLY, &o), ==, 0);
	r = fuse_ioctl(&fx->c, n, o.fh, 0x5401 /* TCGETS */, 0);
	/* spec: ioctls are not forwarded: ENOTTY (QEMU 7.2 answers ENOSYS) */
	if (vu_daemon_is_qemu() && r == -ENOSYS)
		return;
	g_assert_cmpint(r, ==, -ENOTTY);
}

static void test_poll(Fx *fx, gconstpointer data)
{
	struct fuse_open_out o;
	uint64_t n;
	FX_SKIP_IF_NO_DAEMON(fx);
	host_write(fx, "f", "", 0);
	n = lookup_ok(fx, FUSE_ROOT_NODEID, "f", NULL);
	g_assert_cmpint(fuse_open(&fx->c, n, O_RDONLY, &o), ==, 0);
	g_assert_cmpint(fuse_poll(&fx->c, n, o.fh), ==, -ENOSYS);
}

/* ---- transport variants ---- */

static void test_indirect(Fx *fx, gconstpointer data)
{
	char buf[64];
	uint64_t n, fh;
	FX_SKIP_IF_NO_DAEMON(fx);
	if (!(vu_front_features(fx->vu) & (1ull << VU_F_INDIRECT_DESC))) {
		g_test_skip("no indirect descriptors");
		return;
	}
	fx->c.indirect = true;
	n = create_ok(fx, FUSE_ROOT_NODEID, "f", 0644, &fh);
	g_assert_cmpint(fuse_write(&fx->c, n, fh, 0, "indirect", 8, 0), ==, 8);
	g_assert_cmpint(fuse_read(&fx->c, n, fh, 0, sizeof(buf), buf), ==, 8);
	g_assert_cmpmem(buf, 8, "indirect", 8);
}

/* Many requests in flight at once, completed in any order. */
static void test_queue_depth(Fx *fx, gconstpointer data)
{
	enum { DEPTH = 32 };
	struct fuse_in_header *h[DEPTH];
	struct fuse_getattr_in *gi[DEPTH];
	struct fuse_out_header *oh[DEPTH];
	struct fuse_attr_out *ao[DEPTH];
	bool done[DEPTH] = { false };
	int depth;
	FX_SKIP_IF_NO_DAEMON(fx);
	/* four descriptors per request; fill the queue up to DEPTH */
	depth = (int)MIN((unsigned)DEPTH, vu_front_queue_size(fx->vu) / 4);
	for (int i = 0; i < depth; i++) {
		struct iovec out[2], in[2];
		h[i] = vu_front_alloc(fx->vu, sizeof(*h[i]));
		gi[i] = vu_front_alloc(fx->vu, sizeof(*gi[i]));
		oh[i] = vu_front_alloc(fx->vu, sizeof(*oh[i]));
		ao[i] = vu_front_alloc(fx->vu, sizeof(*ao[i]));
		*h[i] = (struct fuse_in_header){
			.len = sizeof(*h[i]) + sizeof(*gi[i]), .opcode = FUSE_GETATTR,
			.unique = 1000 + (uint64_t)i, .nodeid = FUSE_ROOT_NODEID,
		};
		memset(gi[i], 0, sizeof(*gi[i]));
		out[0] = (struct iovec){ h[i], sizeof(*h[i]) };
		out[1] = (struct iovec){ gi[i], sizeof(*gi[i]) };
		in[0] = (struct iovec){ oh[i], sizeof(*oh[i]) };
		in[1] = (struct iovec){ ao[i], sizeof(*ao[i]) };
		g_assert_cmpint(vu_front_submit(fx->vu, 1, out, 2, in, 2, false,
						GINT_TO_POINTER(i + 1)), >=, 0);
	}
	for (int k = 0; k < depth; k++) {
		VuCompletion c;
		int i, r = vu_front_wait(fx->vu, 1, &c);
		g_assert_cmpint(r, ==, 0);
		if (r < 0)
			break;
		i = GPOINTER_TO_INT(c.token) - 1;
		g_assert_false(done[i]);
		done[i] = true;
		g_assert_cmpuint(c.len, ==, sizeof(*oh[i]) + sizeof(*ao[i]));
		g_assert_cmpuint(oh[i]->unique, ==, 1000 + (uint64_t)i);
		g_assert_cmpint(oh[i]->error, ==, 0);
		g_assert_true(S_ISDIR(ao[i]->attr.mode));
	}
	for (int i = 0; i < depth; i++) {
		vu_front_release(fx->vu, h[i]);
		vu_front_release(fx->vu, gi[i]);
		vu_front_release(fx->vu, oh[i]);
		vu_front_release(fx->vu, ao[i]);
	}
	g_assert_cmpint(vu_front_canary_check(fx->vu), ==, -1);
}

/* The same traffic with EVENT_IDX (suppressed notifications) and with a
 * small queue that the depth test fills completely. */
static void test_event_idx(Fx *fx, gconstpointer data)
{
	FX_SKIP_IF_NO_DAEMON(fx);
	if (!(vu_front_features(fx->vu) & (1ull << VU_F_EVENT_IDX))) {
		g_test_skip("the daemon does not offer EVENT_IDX");
		return;
	}
	test_create_write_read(fx, data);
	test_queue_depth(fx, data);
}

static const FxCfg cfg_noinit = { .no_init = true };
static const FxCfg cfg_event_idx = { .event_idx = true, .queue_size = 32 };
static const FxCfg cfg_noxattr = { .opts = "cache=auto" };

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	/* report every failed check of a test, not just the first */
	g_test_set_nonfatal_assertions();
	FX_ADD("/ops/init", test_init, NULL);
	FX_ADD("/ops/init/before", test_before_init, &cfg_noinit);
	FX_ADD("/ops/init/twice", test_init_twice, NULL);
	FX_ADD("/ops/destroy", test_destroy, NULL);
	FX_ADD("/ops/unknown-opcode", test_unknown_opcode, NULL);
	FX_ADD("/ops/lookup", test_lookup, NULL);
	FX_ADD("/ops/forget", test_forget, NULL);
	FX_ADD("/ops/getattr", test_getattr, NULL);
	FX_ADD("/ops/setattr", test_setattr, NULL);
	FX_ADD("/ops/symlink-readlink", test_symlink, NULL);
	FX_ADD("/ops/mknod", test_mknod, NULL);
	FX_ADD("/ops/mkdir-rmdir", test_mkdir_rmdir, NULL);
	FX_ADD("/ops/unlink", test_unlink, NULL);
	FX_ADD("/ops/rename", test_rename, NULL);
	FX_ADD("/ops/rename2", test_rename2, NULL);
	FX_ADD("/ops/link", test_link, NULL);
	FX_ADD("/ops/create-write-read", test_create_write_read, NULL);
	FX_ADD("/ops/open", test_open, NULL);
	FX_ADD("/ops/credentials", test_credentials, NULL);
	FX_ADD("/ops/tmpfile", test_tmpfile, NULL);
	FX_ADD("/ops/readdir", test_readdir, NULL);
	FX_ADD("/ops/readdirplus", test_readdirplus, NULL);
	FX_ADD("/ops/statfs", test_statfs, NULL);
	FX_ADD("/ops/xattr", test_xattr, NULL);
	FX_ADD("/ops/xattr/disabled", test_xattr_disabled, &cfg_noxattr);
	FX_ADD("/ops/access", test_access, NULL);
	FX_ADD("/ops/locks/posix", test_posix_locks, NULL);
	FX_ADD("/ops/locks/flock", test_flock, NULL);
	FX_ADD("/ops/fallocate", test_fallocate, NULL);
	FX_ADD("/ops/lseek", test_lseek, NULL);
	FX_ADD("/ops/copy-file-range", test_copy_file_range, NULL);
	FX_ADD("/ops/syncfs", test_syncfs, NULL);
	FX_ADD("/ops/interrupt", test_interrupt, NULL);
	FX_ADD("/ops/ioctl", test_ioctl, NULL);
	FX_ADD("/ops/poll", test_poll, NULL);
	FX_ADD("/ops/transport/indirect", test_indirect, NULL);
	FX_ADD("/ops/transport/queue-depth", test_queue_depth, NULL);
	FX_ADD("/ops/transport/event-idx", test_event_idx, &cfg_event_idx);
	return g_test_run();
}
