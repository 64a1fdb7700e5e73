/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * passthrough.c - the passthrough backend: every FsOps operation, served
 * from the shared directory.  Inodes are O_PATH fds; files are re-opened
 * through /proc/self/fd/N (an fd of /proc/self/fd taken at start-up), which
 * names the inode itself and so never follows a symlink out of the share.
 * Special files are never opened for I/O.  Creating operations run with the
 * guest caller's fsuid/fsgid.  Knows nothing of FUSE framing or vhost-user.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "fs/creds.h"
#include "fs/inode-table.h"
#include "fs/passthrough.h"
#include "shared/log.h"
#include "shared/util.h"

struct Passthrough {
	FsConfig cfg;
	char *shared_dir;	/* cfg.shared_dir points here */
	int proc_self_fd;	/* O_PATH of /proc/self/fd */
	PtTable *table;
	double timeout;
	bool writeback;		/* negotiated at INIT */
	bool killpriv_v2;	/* negotiated at INIT */
};

/* ------------------------------------------------------------------ policy */

static const char *const cache_names[FS_CACHE_MAX] = {
	[FS_CACHE_AUTO] = "auto",
	[FS_CACHE_ALWAYS] = "always",
	[FS_CACHE_METADATA] = "metadata",
	[FS_CACHE_NEVER] = "never",
};
G_STATIC_ASSERT(G_N_ELEMENTS(cache_names) == FS_CACHE_MAX);

double fs_cache_timeout(FsCachePolicy policy)
{
	switch (policy) {
	case FS_CACHE_AUTO:
		return 1.0;
	case FS_CACHE_ALWAYS:
	case FS_CACHE_METADATA:
		return 86400.0;
	default:
		return 0.0;
	}
}

int fs_cache_policy_parse(const char *s, FsCachePolicy *ret)
{
	for (int i = 0; i < FS_CACHE_MAX; i++) {
		if (strcmp(s, cache_names[i]) == 0) {
			*ret = i;
			return 0;
		}
	}
	if (strcmp(s, "none") == 0) {
		*ret = FS_CACHE_NEVER;
		return 0;
	}
	return -EINVAL;
}

const char *fs_cache_policy_name(FsCachePolicy policy)
{
	return policy < FS_CACHE_MAX ? cache_names[policy] : "?";
}

/* ----------------------------------------------------------------- helpers */

static void fill_attr(const struct stat *st, struct fuse_attr *a)
{
	memset(a, 0, sizeof(*a));
	a->ino = st->st_ino;
	a->size = st->st_size;
	a->blocks = st->st_blocks;
	a->atime = st->st_atim.tv_sec;
	a->mtime = st->st_mtim.tv_sec;
	a->ctime = st->st_ctim.tv_sec;
	a->atimensec = st->st_atim.tv_nsec;
	a->mtimensec = st->st_mtim.tv_nsec;
	a->ctimensec = st->st_ctim.tv_nsec;
	a->mode = st->st_mode;
	a->nlink = st->st_nlink;
	a->uid = st->st_uid;
	a->gid = st->st_gid;
	a->rdev = st->st_rdev;
	a->blksize = st->st_blksize;
}

static void set_valid(double t, uint64_t *sec, uint32_t *nsec)
{
	*sec = (uint64_t)t;
	*nsec = (uint32_t)((t - (double)*sec) * 1e9);
}

static int stat_fd(int fd, struct stat *st)
{
	return fstatat(fd, "", st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
}

/* One statx() for both the attributes and the mount id: a LOOKUP (and
 * every READDIRPLUS entry) pays for one syscall fewer. */
static int stat_fd_mnt(int fd, struct stat *st, uint64_t *ret_mnt)
{
	struct statx x;

	if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW,
		  STATX_BASIC_STATS | STATX_MNT_ID, &x) < 0)
		return -errno;
	memset(st, 0, sizeof(*st));
	st->st_dev = makedev(x.stx_dev_major, x.stx_dev_minor);
	st->st_ino = x.stx_ino;
	st->st_mode = x.stx_mode;
	st->st_nlink = x.stx_nlink;
	st->st_uid = x.stx_uid;
	st->st_gid = x.stx_gid;
	st->st_rdev = makedev(x.stx_rdev_major, x.stx_rdev_minor);
	st->st_size = (off_t)x.stx_size;
	st->st_blksize = x.stx_blksize;
	st->st_blocks = (blkcnt_t)x.stx_blocks;
	st->st_atim.tv_sec = x.stx_atime.tv_sec;
	st->st_atim.tv_nsec = x.stx_atime.tv_nsec;
	st->st_mtim.tv_sec = x.stx_mtime.tv_sec;
	st->st_mtim.tv_nsec = x.stx_mtime.tv_nsec;
	st->st_ctim.tv_sec = x.stx_ctime.tv_sec;
	st->st_ctim.tv_nsec = x.stx_ctime.tv_nsec;
	*ret_mnt = (x.stx_mask & STATX_MNT_ID) ? x.stx_mnt_id : 0;
	return 0;
}

static int mount_id(int fd, uint64_t *ret)
{
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &stx) < 0)
		return -errno;
	*ret = (stx.stx_mask & STATX_MNT_ID) ? stx.stx_mnt_id : 0;
	return 0;
}

/* Re-open an inode for I/O.  Return: fd or -errno. */
static int reopen(Passthrough *pt, const PtInode *ino, int flags)
{
	char name[16];
	int fd;

	if (S_ISLNK(ino->mode))
		return -ELOOP;
	if (!S_ISREG(ino->mode) && !S_ISDIR(ino->mode))
		return -ENXIO; /* devices, fifos, sockets: the guest's business */
	snprintf(name, sizeof(name), "%d", ino->fd);
	fd = openat(pt->proc_self_fd, name, (flags & ~O_NOFOLLOW) | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static int check_name(const char *name)
{
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return -EINVAL;
	return 0;
}

/* Look @name up in @dir and register it.  Return: 0 or -errno. */
static int do_lookup(Passthrough *pt, PtInode *dir, const char *name,
		     struct fuse_entry_out *out)
{
	_cleanup_fd_ int fd = -1;
	struct stat st = { 0 };
	PtInodeKey key;
	int64_t id;
	int r;

	memset(out, 0, sizeof(*out));
	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	if (strcmp(name, "..") == 0 && pt_inode_nodeid(dir) == FUSE_ROOT_ID)
		name = "."; /* the root's parent is the root */
	fd = openat(dir->fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = stat_fd_mnt(fd, &st, &key.mnt_id);
	if (r < 0)
		return r;
	key.dev = st.st_dev;
	key.ino = st.st_ino;
	/* ".." of a directory whose parent is outside the share (only the
	 * root's, handled above; a bind mount's would be caught here). */
	id = pt_inode_insert(pt->table, vfsd_steal_fd(&fd), &key, st.st_mode);
	if (id < 0)
		return (int)id;
	out->nodeid = (uint64_t)id;
	out->generation = 0;
	fill_attr(&st, &out->attr);
	if (pt->cfg.announce_submounts && S_ISDIR(st.st_mode) &&
	    key.mnt_id != dir->key.mnt_id)
		out->attr.flags |= FUSE_ATTR_SUBMOUNT;
	set_valid(pt->timeout, &out->entry_valid, &out->entry_valid_nsec);
	set_valid(pt->timeout, &out->attr_valid, &out->attr_valid_nsec);
	return 0;
}

#define GET_INODE(var, id)                                                     \
	PtInode *var = pt_inode_get(pt->table, (id));                          \
	if (!var)                                                              \
		return -ESTALE;

#define RO_CHECK()                                                             \
	do {                                                                   \
		if (pt->cfg.readonly)                                          \
			return -EROFS;                                         \
	} while (0)

/* -------------------------------------------------------------- operations */

static int pt_init(void *fs, const FsInitInfo *info)
{
	Passthrough *pt = fs;

	pt->writeback = (info->flags & FUSE_WRITEBACK_CACHE) != 0;
	pt->killpriv_v2 = (info->flags & FUSE_HANDLE_KILLPRIV_V2) != 0;
	return 0;
}

static void pt_destroy(void *fs)
{
	Passthrough *pt = fs;

	pt_table_reset(pt->table);
}

static int pt_lookup(void *fs, const FsCtx *ctx, uint64_t parent,
		     const char *name, struct fuse_entry_out *out)
{
	Passthrough *pt = fs;
	GET_INODE(dir, parent);
	int r = do_lookup(pt, dir, name, out);

	pt_inode_put(pt->table, dir);
	return r;
}

static void pt_forget(void *fs, uint64_t nodeid, uint64_t nlookup)
{
	Passthrough *pt = fs;

	pt_inode_forget(pt->table, nodeid, nlookup);
}

static int pt_getattr(void *fs, const FsCtx *ctx, uint64_t nodeid,
		      uint32_t getattr_flags, uint64_t fh,
		      struct fuse_attr_out *out)
{
	Passthrough *pt = fs;
	struct stat st;
	GET_INODE(ino, nodeid);
	int r = stat_fd(ino->fd, &st);

	pt_inode_put(pt->table, ino);
	if (r < 0)
		return r;
	memset(out, 0, sizeof(*out));
	fill_attr(&st, &out->attr);
	set_valid(pt->timeout, &out->attr_valid, &out->attr_valid_nsec);
	return 0;
}

static int setattr_locked(Passthrough *pt, const FsCtx *ctx, PtInode *ino,
			  const struct fuse_setattr_in *in)
{
	PtHandle *h = NULL;
	char name[16];
	int r = 0;

	snprintf(name, sizeof(name), "%d", ino->fd);
	if (in->valid & FATTR_FH) {
		h = pt_handle_get(pt->table, in->fh, pt_inode_nodeid(ino));
		if (!h)
			return -EBADF;
	}
	if (in->valid & FATTR_MODE) {
		if (h)
			r = fchmod(h->fd, in->mode);
		else if (S_ISLNK(ino->mode))
			r = (errno = EOPNOTSUPP, -1);
		else
			r = fchmodat(pt->proc_self_fd, name, in->mode, 0);
		if (r < 0)
			goto fail;
	}
	if (in->valid & (FATTR_UID | FATTR_GID)) {
		uid_t uid = (in->valid & FATTR_UID) ? in->uid : (uid_t)-1;
		gid_t gid = (in->valid & FATTR_GID) ? in->gid : (gid_t)-1;

		if (fchownat(ino->fd, "", uid, gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
			goto fail;
	}
	if (in->valid & FATTR_SIZE) {
		if (h) {
			r = ftruncate(h->fd, in->size);
		} else {
			int fd = reopen(pt, ino, O_WRONLY);
			if (fd < 0) {
				r = fd;
				goto out;
			}
			r = ftruncate(fd, in->size);
			if (r < 0)
				r = -errno;
			close(fd);
			if (r < 0)
				goto out;
		}
		if (r < 0)
			goto fail;
	}
	if (in->valid & (FATTR_ATIME | FATTR_MTIME)) {
		struct timespec ts[2] = { { 0, UTIME_OMIT }, { 0, UTIME_OMIT } };

		if (in->valid & FATTR_ATIME_NOW)
			ts[0].tv_nsec = UTIME_NOW;
		else if (in->valid & FATTR_ATIME)
			ts[0] = (struct timespec){ in->atime, in->atimensec };
		if (in->valid & FATTR_MTIME_NOW)
			ts[1].tv_nsec = UTIME_NOW;
		else if (in->valid & FATTR_MTIME)
			ts[1] = (struct timespec){ in->mtime, in->mtimensec };
		if ((ts[0].tv_nsec != UTIME_NOW && ts[0].tv_nsec != UTIME_OMIT &&
		     ts[0].tv_nsec >= 1000000000) ||
		    (ts[1].tv_nsec != UTIME_NOW && ts[1].tv_nsec != UTIME_OMIT &&
		     ts[1].tv_nsec >= 1000000000)) {
			r = -EINVAL;
			goto out;
		}
		if (h)
			r = futimens(h->fd, ts);
		else if (S_ISLNK(ino->mode))
			r = utimensat(ino->fd, "", ts, AT_EMPTY_PATH);
		else
			r = utimensat(pt->proc_self_fd, name, ts, 0);
		if (r < 0)
			goto fail;
	}
	r = 0;
	goto out;
fail:
	r = -errno;
out:
	pt_handle_put(pt->table, h);
	return r;
}

static int pt_setattr(void *fs, const FsCtx *ctx, uint64_t nodeid,
		      const struct fuse_setattr_in *in, struct fuse_attr_out *out)
{
	Passthrough *pt = fs;
	RO_CHECK();
	GET_INODE(ino, nodeid);
	int r = setattr_locked(pt, ctx, ino, in);
	pt_inode_put(pt->table, ino);
	if (r < 0)
		return r;
	return pt_getattr(fs, ctx, nodeid, 0, 0, out);
}

static int pt_readlink(void *fs, const FsCtx *ctx, uint64_t nodeid, char *buf,
		       size_t size)
{
	Passthrough *pt = fs;
	GET_INODE(ino, nodeid);
	ssize_t n = S_ISLNK(ino->mode) ? readlinkat(ino->fd, "", buf, size)
				       : (errno = EINVAL, -1);
	int r = n < 0 ? -errno : (int)n;

	pt_inode_put(pt->table, ino);
	return r;
}

/* Run a creating syscall as the caller, then look the result up. */
typedef int (*CreateFn)(Passthrough *pt, PtInode *dir, const char *name,
			const void *arg);

static int create_entry(Passthrough *pt, const FsCtx *ctx, uint64_t parent,
			const char *name, CreateFn fn, const void *arg,
			struct fuse_entry_out *out)
{
	FsCreds saved;
	int r;

	if (pt->cfg.readonly)
		return -EROFS;
	r = check_name(name);
	if (r < 0)
		return r;
	GET_INODE(dir, parent);
	r = creds_switch(ctx->uid, ctx->gid, &saved);
	if (r == 0) {
		r = fn(pt, dir, name, arg);
		creds_restore(&saved);
	}
	if (r == 0)
		r = do_lookup(pt, dir, name, out);
	pt_inode_put(pt->table, dir);
	return r;
}

typedef struct {
	uint32_t mode;
	uint32_t rdev;
	const char *target;
} MkArgs;

static int mk_node(Passthrough *pt, PtInode *dir, const char *name, const void *a)
{
	const MkArgs *m = a;
	return mknodat(dir->fd, name, m->mode, m->rdev) < 0 ? -errno : 0;
}

static int mk_dir(Passthrough *pt, PtInode *dir, const char *name, const void *a)
{
	const MkArgs *m = a;
	return mkdirat(dir->fd, name, m->mode) < 0 ? -errno : 0;
}

static int mk_symlink(Passthrough *pt, PtInode *dir, const char *name, const void *a)
{
	const MkArgs *m = a;
	return symlinkat(m->target, dir->fd, name) < 0 ? -errno : 0;
}

static int pt_symlink(void *fs, const FsCtx *ctx, uint64_t parent,
		      const char *name, const char *target,
		      struct fuse_entry_out *out)
{
	MkArgs m = { .target = target };
	return create_entry(fs, ctx, parent, name, mk_symlink, &m, out);
}

static int pt_mknod(void *fs, const FsCtx *ctx, uint64_t parent,
		    const char *name, uint32_t mode, uint32_t rdev,
		    uint32_t umask, struct fuse_entry_out *out)
{
	MkArgs m = { .mode = mode & ~(umask & 07777), .rdev = rdev };
	return create_entry(fs, ctx, parent, name, mk_node, &m, out);
}

static int pt_mkdir(void *fs, const FsCtx *ctx, uint64_t parent,
		    const char *name, uint32_t mode, uint32_t umask,
		    struct fuse_entry_out *out)
{
	MkArgs m = { .mode = mode & ~(umask & 07777) };
	return create_entry(fs, ctx, parent, name, mk_dir, &m, out);
}

static int remove_entry(Passthrough *pt, uint64_t parent, const char *name, int flags)
{
	int r;

	RO_CHECK();
	r = check_name(name);
	if (r < 0)
		return r;
	GET_INODE(dir, parent);
	r = unlinkat(dir->fd, name, flags) < 0 ? -errno : 0;
	pt_inode_put(pt->table, dir);
	return r;
}

static int pt_unlink(void *fs, const FsCtx *ctx, uint64_t parent, const char *name)
{
	return remove_entry(fs, parent, name, 0);
}

static int pt_rmdir(void *fs, const FsCtx *ctx, uint64_t parent, const char *name)
{
	return remove_entry(fs, parent, name, AT_REMOVEDIR);
}

static int pt_rename(void *fs, const FsCtx *ctx, uint64_t parent,
		     const char *name, uint64_t newparent, const char *newname,
		     uint32_t flags)
{
	Passthrough *pt = fs;
	PtInode *nd;
	int r;

	RO_CHECK();
	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE))
		return -EINVAL;
	if (check_name(name) < 0 || check_name(newname) < 0)
		return -EINVAL;
	GET_INODE(od, parent);
	nd = pt_inode_get(pt->table, newparent);
	if (!nd) {
		pt_inode_put(pt->table, od);
		return -ESTALE;
	}
	r = renameat2(od->fd, name, nd->fd, newname, flags) < 0 ? -errno : 0;
	pt_inode_put(pt->table, nd);
	pt_inode_put(pt->table, od);
	return r;
}

static int pt_link(void *fs, const FsCtx *ctx, uint64_t nodeid,
		   uint64_t newparent, const char *newname,
		   struct fuse_entry_out *out)
{
	Passthrough *pt = fs;
	PtInode *nd;
	char name[16];
	int r;

	RO_CHECK();
	if (check_name(newname) < 0)
		return -EINVAL;
	GET_INODE(ino, nodeid);
	nd = pt_inode_get(pt->table, newparent);
	if (!nd) {
		pt_inode_put(pt->table, ino);
		return -ESTALE;
	}
	r = linkat(ino->fd, "", nd->fd, newname, AT_EMPTY_PATH);
	if (r < 0 && errno == ENOENT && !S_ISLNK(ino->mode)) {
		/* Without CAP_DAC_READ_SEARCH: link the /proc magic link. */
		snprintf(name, sizeof(name), "%d", ino->fd);
		r = linkat(pt->proc_self_fd, name, nd->fd, newname, AT_SYMLINK_FOLLOW);
	}
	r = r < 0 ? -errno : do_lookup(pt, nd, newname, out);
	pt_inode_put(pt->table, nd);
	pt_inode_put(pt->table, ino);
	return r;
}

static int open_flags(Passthrough *pt, uint32_t flags)
{
	int f = (int)flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_NOFOLLOW);

	if (pt->writeback) {
		/* The guest's page cache may read what it writes. */
		if ((f & O_ACCMODE) == O_WRONLY)
			f = (f & ~O_ACCMODE) | O_RDWR;
		f &= ~O_APPEND;
	}
	if (!pt->cfg.allow_direct_io)
		f &= ~O_DIRECT;
	if (!pt->cfg.preserve_noatime)
		f &= ~O_NOATIME;
	return f | O_CLOEXEC;
}

static bool flags_write(int f)
{
	return (f & O_ACCMODE) != O_RDONLY || (f & O_TRUNC);
}

static void fill_open(Passthrough *pt, uint64_t fh, bool dir, struct fuse_open_out *out)
{
	memset(out, 0, sizeof(*out));
	out->fh = fh;
	switch (pt->cfg.cache) {
	case FS_CACHE_NEVER:
		if (!dir)
			out->open_flags |= FOPEN_DIRECT_IO;
		break;
	case FS_CACHE_METADATA:
		if (!dir)
			out->open_flags |= FOPEN_DIRECT_IO;
		break;
	case FS_CACHE_ALWAYS:
		out->open_flags |= FOPEN_KEEP_CACHE;
		if (dir)
			out->open_flags |= FOPEN_CACHE_DIR;
		break;
	default:
		break;
	}
}

static int pt_open(void *fs, const FsCtx *ctx, uint64_t nodeid, uint32_t flags,
		   struct fuse_open_out *out)
{
	Passthrough *pt = fs;
	int f = open_flags(pt, flags);
	int64_t fh;
	int fd;

	if (pt->cfg.readonly && flags_write(f))
		return -EROFS;
	GET_INODE(ino, nodeid);
	if (S_ISDIR(ino->mode) && (f & O_ACCMODE) != O_RDONLY)
		fd = -EISDIR;
	else
		fd = reopen(pt, ino, f);
	pt_inode_put(pt->table, ino);
	if (fd < 0)
		return fd;
	fh = pt_handle_add(pt->table, fd, NULL, nodeid);
	if (fh < 0)
		return (int)fh;
	fill_open(pt, (uint64_t)fh, false, out);
	return 0;
}

typedef struct {
	int flags;
	uint32_t mode;
	int fd;			/* out */
	bool tmpfile;
} CreateArgs;

static int mk_file(Passthrough *pt, PtInode *dir, const char *name, const void *a)
{
	CreateArgs *c = (CreateArgs *)a;

	c->fd = openat(dir->fd, name, c->flags | O_CREAT | O_NOFOLLOW, c->mode);
	return c->fd < 0 ? -errno : 0;
}

static int pt_create(void *fs, const FsCtx *ctx, uint64_t parent,
		     const char *name, uint32_t mode, uint32_t flags,
		     uint32_t umask, struct fuse_entry_out *entry,
		     struct fuse_open_out *open)
{
	Passthrough *pt = fs;
	CreateArgs c = {
		.flags = open_flags(pt, flags) | (flags & O_EXCL),
		.mode = mode & ~(umask & 07777),
		.fd = -1,
	};
	int64_t fh;
	int r;

	r = create_entry(pt, ctx, parent, name, mk_file, &c, entry);
	if (r < 0) {
		if (c.fd >= 0)
			close(c.fd);
		return r;
	}
	fh = pt_handle_add(pt->table, c.fd, NULL, entry->nodeid);
	if (fh < 0) {
		pt_inode_forget(pt->table, entry->nodeid, 1);
		return (int)fh;
	}
	fill_open(pt, (uint64_t)fh, false, open);
	return 0;
}

static int pt_tmpfile(void *fs, const FsCtx *ctx, uint64_t parent,
		      uint32_t mode, uint32_t flags, uint32_t umask,
		      struct fuse_entry_out *entry, struct fuse_open_out *open)
{
	Passthrough *pt = fs;
	int f = (open_flags(pt, flags) & ~O_ACCMODE) | O_TMPFILE |
		((flags & O_ACCMODE) == O_RDONLY ? O_RDWR : (int)(flags & O_ACCMODE));
	FsCreds saved;
	char name[16];
	int fd, pfd;
	struct stat st;
	PtInodeKey key;
	int64_t id, fh;
	int r;

	RO_CHECK();
	GET_INODE(dir, parent);
	r = creds_switch(ctx->uid, ctx->gid, &saved);
	if (r < 0) {
		pt_inode_put(pt->table, dir);
		return r;
	}
	fd = openat(dir->fd, ".", f, mode & ~(umask & 07777));
	r = fd < 0 ? -errno : 0;
	creds_restore(&saved);
	pt_inode_put(pt->table, dir);
	if (r < 0)
		return r;
	snprintf(name, sizeof(name), "%d", fd);
	pfd = openat(pt->proc_self_fd, name, O_PATH | O_CLOEXEC);
	if (pfd < 0 || (r = stat_fd(pfd, &st)) < 0 || (r = mount_id(pfd, &key.mnt_id)) < 0) {
		r = pfd < 0 ? -errno : r;
		if (pfd >= 0)
			close(pfd);
		close(fd);
		return r;
	}
	key.dev = st.st_dev;
	key.ino = st.st_ino;
	id = pt_inode_insert(pt->table, pfd, &key, st.st_mode);
	if (id < 0) {
		close(fd);
		return (int)id;
	}
	memset(entry, 0, sizeof(*entry));
	entry->nodeid = (uint64_t)id;
	fill_attr(&st, &entry->attr);
	set_valid(pt->timeout, &entry->entry_valid, &entry->entry_valid_nsec);
	set_valid(pt->timeout, &entry->attr_valid, &entry->attr_valid_nsec);
	fh = pt_handle_add(pt->table, fd, NULL, (uint64_t)id);
	if (fh < 0) {
		pt_inode_forget(pt->table, (uint64_t)id, 1);
		return (int)fh;
	}
	fill_open(pt, (uint64_t)fh, false, open);
	return 0;
}

static ssize_t pt_read(void *fs, const FsCtx *ctx, uint64_t nodeid, uint64_t fh,
		       uint64_t offset, const struct iovec *iov, int iovcnt)
{
	Passthrough *pt = fs;
	PtHandle *h = pt_handle_get(pt->table, fh, nodeid);
	ssize_t n;

	if (!h)
		return -EBADF;
	if (offset > INT64_MAX) {
		pt_handle_put(pt->table, h);
		return -EINVAL;
	}
	n = preadv(h->fd, iov, iovcnt, (off_t)offset);
	if (n < 0)
		n = -errno;
	pt_handle_put(pt->table, h);
	return n;
}

static ssize_t pt_write(void *fs, const FsCtx *ctx, uint64_t nodeid,
			uint64_t fh, uint64_t offset, const struct iovec *iov,
			int iovcnt, uint32_t write_flags)
{
	Passthrough *pt = fs;
	PtHandle *h;
	ssize_t n;

	if (pt->cfg.readonly)
		return -EROFS;
	if (offset > INT64_MAX)
		return -EINVAL;
	h = pt_handle_get(pt->table, fh, nodeid);
	if (!h)
		return -EBADF;
	if ((write_flags & FUSE_WRITE_KILL_SUIDGID) && pt->killpriv_v2) {
		struct stat st;
		if (fstat(h->fd, &st) == 0 && (st.st_mode & (S_ISUID | S_ISGID)))
			if (fchmod(h->fd, st.st_mode & ~(S_ISUID | S_ISGID) & 07777) < 0)
				vlog_debug("clearing suid/sgid failed: %s", strerror(errno));
	}
	n = pwritev(h->fd, iov, iovcnt, (off_t)offset);
	if (n < 0)
		n = -errno;
	pt_handle_put(pt->table, h);
	return n;
}

static int pt_flush(void *fs, const FsCtx *ctx, uint64_t nodeid, uint64_t fh,
		    uint64_t lock_owner)
{
	Passthrough *pt = fs;
	PtHandle *h = pt_handle_get(pt->table, fh, nodeid);
	int fd, r = 0;

	if (!h)
		return -EBADF;
	/* Closing a duplicate drops POSIX locks like close() in the guest. */
	fd = dup(h->fd);
	if (fd < 0)
		r = -errno;
	else if (close(fd) < 0)
		r = -errno;
	pt_handle_put(pt->table, h);
	return r;
}

static int pt_release(void *fs, const FsCtx *ctx, uint64_t nodeid, uint64_t fh,
		      uint32_t flags, uint32_t release_flags, uint64_t lock_owner)
{
	Passthrough *pt = fs;

	if (release_flags & FUSE_RELEASE_FLOCK_UNLOCK) {
		PtHandle *h = pt_handle_get(pt->table, fh, nodeid);
		if (h) {
			flock(h->fd, LOCK_UN);
			pt_handle_put(pt->table, h);
		}
	}
	return pt_handle_release(pt->table, fh, nodeid);
}

static int pt_fsync(void *fs, const FsCtx *ctx, uint64_t nodeid, uint64_t fh,
		    bool datasync)
{
	Passthrough *pt = fs;
	PtHandle *h = pt_handle_get(pt->table, fh, nodeid);
	int r;

	if (!h)
		return -EBADF;
	r = (datasync ? fdatasync(h->fd) : fsync(h->fd)) < 0 ? -errno : 0;
	pt_handle_put(pt->table, h);
	return r;
}

static int pt_opendir(void *fs, const FsCtx *ctx, uint64_t nodeid, uint32_t flags,
		      struct fuse_open_out *out)
{
	Passthrough *pt = fs;
	DIR *dir;
	int64_t fh;
	int fd, dfd;

	GET_INODE(ino, nodeid);
	if (!S_ISDIR(ino->mode)) {
		pt_inode_put(pt->table, ino);
		return -ENOTDIR;
	}
	fd = reopen(pt, ino, O_RDONLY | O_DIRECTORY);
	pt_inode_put(pt->table, ino);
	if (fd < 0)
		return fd;
	dfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (dfd < 0 || !(dir = fdopendir(dfd))) {
		int r = -errno;
		if (dfd >= 0)
			close(dfd);
		close(fd);
		return r;
	}
	fh = pt_handle_add(pt->table, fd, dir, nodeid);
	if (fh < 0)
		return (int)fh;
	fill_open(pt, (uint64_t)fh, true, out);
	return 0;
}

static int pt_readdir(void *fs, const FsCtx *ctx, uint64_t nodeid, uint64_t fh,
		      uint64_t offset, FsDirBuf *buf)
{
	Passthrough *pt = fs;
	PtHandle *h = pt_handle_get(pt->table, fh, nodeid);
	bool plus = fs_dirbuf_is_plus(buf);
	PtInode *dir = NULL;
	int r = 0;

	if (!h)
		return -EBADF;
	if (plus && !(dir = pt_inode_get(pt->table, nodeid))) {
		pt_handle_put(pt->table, h);
		return -ESTALE;
	}
	pthread_mutex_lock(&h->dir_lock);
	if (!h->dir_off_valid || offset != h->dir_off) {
		if (offset == 0)
			rewinddir(h->dir);
		else
			seekdir(h->dir, (long)offset);
		h->pending = false;
	}
	h->dir_off_valid = false;
	for (;;) {
		struct fuse_entry_out e;
		struct dirent *d;
		bool dot;

		if (h->pending) {
			d = &h->pending_ent;
			h->pending = false;
		} else {
			errno = 0;
			d = readdir(h->dir);
			if (!d) {
				r = errno ? -errno : 0;
				break;
			}
		}
		dot = strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0;
		memset(&e, 0, sizeof(e));
		if (plus && !dot) {
			r = do_lookup(pt, dir, d->d_name, &e);
			if (r < 0) {
				/* Vanished meanwhile: leave it out. */
				r = 0;
				offset = (uint64_t)d->d_off;
				continue;
			}
		} else if (plus) {
			e.attr.ino = d->d_ino;
			e.attr.mode = (uint32_t)d->d_type << 12;
		}
		if (!fs_dirbuf_add(buf, d->d_name, strlen(d->d_name), d->d_ino,
				   d->d_type, (uint64_t)d->d_off,
				   plus ? &e : NULL)) {
			if (plus && e.nodeid)
				pt_inode_forget(pt->table, e.nodeid, 1);
			/* Keep it for the reply that continues from here. */
			if (d != &h->pending_ent) {
				/* a record may be shorter than struct dirent */
				h->pending_ent.d_ino = d->d_ino;
				h->pending_ent.d_off = d->d_off;
				h->pending_ent.d_type = d->d_type;
				g_strlcpy(h->pending_ent.d_name, d->d_name,
					  sizeof(h->pending_ent.d_name));
			}
			h->pending = true;
			h->dir_off = offset;
			h->dir_off_valid = true;
			break;
		}
		offset = (uint64_t)d->d_off;
	}
	if (!h->pending && r == 0) {
		h->dir_off = offset;
		h->dir_off_valid = true;
	}
	pthread_mutex_unlock(&h->dir_lock);
	pt_inode_put(pt->table, dir);
	pt_handle_put(pt->table, h);
	return r;
}

static int pt_releasedir(void *fs, const FsCtx *ctx, uint64_t nodeid, uint64_t fh)
{
	Passthrough *pt = fs;
	return pt_handle_release(pt->table, fh, nodeid);
}

static int pt_fsyncdir(void *fs, const FsCtx *ctx, uint64_t nodeid, uint64_t fh,
		       bool datasync)
{
	return pt_fsync(fs, ctx, nodeid, fh, datasync);
}

static int pt_statfs(void *fs, const FsCtx *ctx, uint64_t nodeid,
		     struct fuse_kstatfs *out)
{
	Passthrough *pt = fs;
	struct statvfs sv;
	GET_INODE(ino, nodeid);
	int r = fstatvfs(ino->fd, &sv) < 0 ? -errno : 0;

	pt_inode_put(pt->table, ino);
	if (r < 0)
		return r;
	memset(out, 0, sizeof(*out));
	out->blocks = sv.f_blocks;
	out->bfree = sv.f_bfree;
	out->bavail = sv.f_bavail;
	out->files = sv.f_files;
	out->ffree = sv.f_ffree;
	out->bsize = sv.f_bsize;
	out->namelen = sv.f_namemax;
	out->frsize = sv.f_frsize;
	return 0;
}

/* xattrs live on regular files and directories, reached through an fd
 * opened for them; other file types have none we serve. */
static int xattr_fd(Passthrough *pt, uint64_t nodeid, int *ret_fd)
{
	GET_INODE(ino, nodeid);
	int fd;

	if (!pt->cfg.xattr) {
		pt_inode_put(pt->table, ino);
		return -ENOSYS;
	}
	if (!S_ISREG(ino->mode) && !S_ISDIR(ino->mode)) {
		pt_inode_put(pt->table, ino);
		return -ENOTSUP;
	}
	fd = reopen(pt, ino, S_ISDIR(ino->mode) ? O_RDONLY | O_DIRECTORY : O_RDONLY | O_NONBLOCK);
	if (fd == -EACCES && S_ISREG(ino->mode))
		fd = reopen(pt, ino, O_WRONLY | O_NONBLOCK);
	pt_inode_put(pt->table, ino);
	if (fd < 0)
		return fd;
	*ret_fd = fd;
	return 0;
}

static int pt_setxattr(void *fs, const FsCtx *ctx, uint64_t nodeid,
		       const char *name, const void *value, size_t size,
		       uint32_t flags, uint32_t setxattr_flags)
{
	Passthrough *pt = fs;
	_cleanup_fd_ int fd = -1;
	int r;

	if (pt->cfg.readonly)
		return pt->cfg.xattr ? -EROFS : -ENOSYS;
	r = xattr_fd(pt, nodeid, &fd);
	if (r < 0)
		return r;
	return fsetxattr(fd, name, value, size, (int)flags) < 0 ? -errno : 0;
}

static ssize_t pt_getxattr(void *fs, const FsCtx *ctx, uint64_t nodeid,
			   const char *name, void *buf, size_t size)
{
	Passthrough *pt = fs;
	_cleanup_fd_ int fd = -1;
	ssize_t n;
	int r;

	r = xattr_fd(pt, nodeid, &fd);
	if (r == -ENOTSUP)
		return -ENODATA;
	if (r < 0)
		return r;
	n = fgetxattr(fd, name, size ? buf : NULL, size);
	return n < 0 ? -errno : n;
}

static ssize_t pt_listxattr(void *fs, const FsCtx *ctx, uint64_t nodeid,
			    void *buf, size_t size)
{
	Passthrough *pt = fs;
	_cleanup_fd_ int fd = -1;
	ssize_t n;
	int r;

	r = xattr_fd(pt, nodeid, &fd);
	if (r == -ENOTSUP)
		return 0;
	if (r < 0)
		return r;
	n = flistxattr(fd, size ? buf : NULL, size);
	return n < 0 ? -errno : n;
}

static int pt_removexattr(void *fs, const FsCtx *ctx, uint64_t nodeid,
			  const char *name)
{
	Passthrough *pt = fs;
	_cleanup_fd_ int fd = -1;
	int r;

	if (pt->cfg.readonly)
		return pt->cfg.xattr ? -EROFS : -ENOSYS;
	r = xattr_fd(pt, nodeid, &fd);
	if (r < 0)
		return r;
	return fremovexattr(fd, name) < 0 ? -errno : 0;
}

static int pt_access(void *fs, const FsCtx *ctx, uint64_t nodeid, uint32_t mask)
{
	Passthrough *pt = fs;
	struct stat st;
	GET_INODE(ino, nodeid);
	int r = stat_fd(ino->fd, &st);
	unsigned bits;

	pt_inode_put(pt->table, ino);
	if (r < 0)
		return r;
	if ((mask & W_OK) && pt->cfg.readonly)
		return -EROFS;
	mask &= R_OK | W_OK | X_OK;
	if (ctx->uid == 0) {
		/* root may execute only what somebody may execute */
		if ((mask & X_OK) && !S_ISDIR(st.st_mode) && !(st.st_mode & 0111))
			return -EACCES;
		return 0;
	}
	if (ctx->uid == st.st_uid)
		bits = (st.st_mode >> 6) & 7;
	else if (ctx->gid == st.st_gid)
		bits = (st.st_mode >> 3) & 7;
	else
		bits = st.st_mode & 7;
	return (bits & mask) == mask ? 0 : -EACCES;
}

static int to_flock(const struct fuse_file_lock *lk, struct flock *fl)
{
	memset(fl, 0, sizeof(*fl));
	if (lk->type != F_RDLCK && lk->type != F_WRLCK && lk->type != F_UNLCK)
		return -EINVAL;
	if (lk->start > INT64_MAX || lk->end < lk->start)
		return -EINVAL;
	fl->l_type = (short)lk->type;
	fl->l_whence = SEEK_SET;
	fl->l_start = (off_t)lk->start;
	fl->l_len = lk->end >= (uint64_t)INT64_MAX ? 0 : (off_t)(lk->end - lk->start + 1);
	return 0;
}

static int pt_getlk(void *fs, const FsCtx *ctx, uint64_t nodeid, uint64_t fh,
		    uint64_t owner, const struct fuse_file_lock *lk,
		    struct fuse_file_lock *out)
{
	Passthrough *pt = fs;
	struct flock fl;
	PtHandle *h;
	int r;

	if (!pt->cfg.posix_lock)
		return -ENOSYS;
	r = to_flock(lk, &fl);
	if (r < 0)
		return r;
	h = pt_handle_get(pt->table, fh, nodeid);
	if (!h)
		return -EBADF;
	r = fcntl(h->fd, F_OFD_GETLK, &fl) < 0 ? -errno : 0;
	pt_handle_put(pt->table, h);
	if (r < 0)
		return r;
	memset(out, 0, sizeof(*out));
	out->type = fl.l_type;
	if (fl.l_type != F_UNLCK) {
		out->start = fl.l_start;
		out->end = fl.l_len == 0 ? (uint64_t)INT64_MAX : (uint64_t)(fl.l_start + fl.l_len - 1);
		out->pid = 0;
	}
	return 0;
}

static int pt_setlk(void *fs, const FsCtx *ctx, uint64_t nodeid, uint64_t fh,
		    uint64_t owner, const struct fuse_file_lock *lk,
		    uint32_t lk_flags, bool sleep)
{
	Passthrough *pt = fs;
	struct flock fl;
	PtHandle *h;
	int r;

	if (lk_flags & FUSE_LK_FLOCK) {
		int op;

		if (!pt->cfg.flock)
			return -ENOSYS;
		switch (lk->type) {
		case F_RDLCK: op = LOCK_SH; break;
		case F_WRLCK: op = LOCK_EX; break;
		case F_UNLCK: op = LOCK_UN; break;
		default: return -EINVAL;
		}
		if (!sleep)
			op |= LOCK_NB;
		h = pt_handle_get(pt->table, fh, nodeid);
		if (!h)
			return -EBADF;
		r = flock(h->fd, op) < 0 ? -errno : 0;
		pt_handle_put(pt->table, h);
		return r == -EWOULDBLOCK ? -EAGAIN : r;
	}
	if (!pt->cfg.posix_lock)
		return -ENOSYS;
	r = to_flock(lk, &fl);
	if (r < 0)
		return r;
	h = pt_handle_get(pt->table, fh, nodeid);
	if (!h)
		return -EBADF;
	r = fcntl(h->fd, sleep ? F_OFD_SETLKW : F_OFD_SETLK, &fl) < 0 ? -errno : 0;
	pt_handle_put(pt->table, h);
	return r;
}

static int pt_fallocate(void *fs, const FsCtx *ctx, uint64_t nodeid, uint64_t fh,
			uint64_t offset, uint64_t length, uint32_t mode)
{
	Passthrough *pt = fs;
	PtHandle *h;
	int r;

	RO_CHECK();
	if (offset > INT64_MAX || length > INT64_MAX)
		return -EINVAL;
	h = pt_handle_get(pt->table, fh, nodeid);
	if (!h)
		return -EBADF;
	r = fallocate(h->fd, (int)mode, (off_t)offset, (off_t)length) < 0 ? -errno : 0;
	pt_handle_put(pt->table, h);
	return r;
}

static int pt_lseek(void *fs, const FsCtx *ctx, uint64_t nodeid, uint64_t fh,
		    uint64_t offset, uint32_t whence, uint64_t *ret_offset)
{
	Passthrough *pt = fs;
	PtHandle *h;
	off_t o;

	if (whence != SEEK_DATA && whence != SEEK_HOLE && whence != SEEK_SET &&
	    whence != SEEK_CUR && whence != SEEK_END)
		return -EINVAL;
	if (offset > INT64_MAX)
		return -EINVAL;
	h = pt_handle_get(pt->table, fh, nodeid);
	if (!h)
		return -EBADF;
	o = lseek(h->fd, (off_t)offset, (int)whence);
	pt_handle_put(pt->table, h);
	if (o < 0)
		return -errno;
	*ret_offset = (uint64_t)o;
	return 0;
}

static ssize_t pt_copy_file_range(void *fs, const FsCtx *ctx, uint64_t nodeid_in,
				  uint64_t fh_in, uint64_t off_in,
				  uint64_t nodeid_out, uint64_t fh_out,
				  uint64_t off_out, uint64_t len, uint64_t flags)
{
	Passthrough *pt = fs;
	PtHandle *hi, *ho;
	loff_t oi = (loff_t)off_in, oo = (loff_t)off_out;
	ssize_t n;

	RO_CHECK();
	if (off_in > INT64_MAX || off_out > INT64_MAX || flags != 0)
		return -EINVAL;
	hi = pt_handle_get(pt->table, fh_in, nodeid_in);
	if (!hi)
		return -EBADF;
	ho = pt_handle_get(pt->table, fh_out, nodeid_out);
	if (!ho) {
		pt_handle_put(pt->table, hi);
		return -EBADF;
	}
	n = copy_file_range(hi->fd, &oi, ho->fd, &oo, len, 0);
	if (n < 0)
		n = -errno;
	pt_handle_put(pt->table, ho);
	pt_handle_put(pt->table, hi);
	return n;
}

static int pt_syncfs(void *fs, const FsCtx *ctx, uint64_t nodeid)
{
	Passthrough *pt = fs;
	int fd, r;
	GET_INODE(ino, nodeid);

	fd = S_ISDIR(ino->mode) || S_ISREG(ino->mode)
		     ? reopen(pt, ino, O_RDONLY | O_NONBLOCK)
		     : -EINVAL;
	pt_inode_put(pt->table, ino);
	if (fd < 0)
		return fd;
	r = syncfs(fd) < 0 ? -errno : 0;
	close(fd);
	return r;
}

const FsOps pt_ops = {
	.init = pt_init,
	.destroy = pt_destroy,
	.lookup = pt_lookup,
	.forget = pt_forget,
	.getattr = pt_getattr,
	.setattr = pt_setattr,
	.readlink = pt_readlink,
	.symlink = pt_symlink,
	.mknod = pt_mknod,
	.mkdir = pt_mkdir,
	.unlink = pt_unlink,
	.rmdir = pt_rmdir,
	.rename = pt_rename,
	.link = pt_link,
	.open = pt_open,
	.create = pt_create,
	.tmpfile = pt_tmpfile,
	.read = pt_read,
	.write = pt_write,
	.flush = pt_flush,
	.release = pt_release,
	.fsync = pt_fsync,
	.opendir = pt_opendir,
	.readdir = pt_readdir,
	.releasedir = pt_releasedir,
	.fsyncdir = pt_fsyncdir,
	.statfs = pt_statfs,
	.setxattr = pt_setxattr,
	.getxattr = pt_getxattr,
	.listxattr = pt_listxattr,
	.removexattr = pt_removexattr,
	.access = pt_access,
	.getlk = pt_getlk,
	.setlk = pt_setlk,
	.fallocate = pt_fallocate,
	.lseek = pt_lseek,
	.copy_file_range = pt_copy_file_range,
	.syncfs = pt_syncfs,
};

int pt_new(const FsConfig *cfg, Passthrough **ret_pt)
{
	_cleanup_fd_ int root = -1;
	_cleanup_fd_ int proc = -1;
	Passthrough *pt;
	PtInodeKey key;
	struct stat st;
	int r;

	root = open(cfg->shared_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return -errno;
	r = stat_fd(root, &st);
	if (r < 0)
		return r;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	proc = open("/proc/self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (proc < 0)
		return -errno;
	key.dev = st.st_dev;
	key.ino = st.st_ino;
	r = mount_id(root, &key.mnt_id);
	if (r < 0)
		return r;
	pt = g_new0(Passthrough, 1);
	pt->cfg = *cfg;
	pt->shared_dir = g_strdup(cfg->shared_dir);
	pt->cfg.shared_dir = pt->shared_dir;
	pt->proc_self_fd = vfsd_steal_fd(&proc);
	pt->timeout = fs_cache_timeout(cfg->cache);
	pt->table = pt_table_new(vfsd_steal_fd(&root), &key);
	*ret_pt = pt;
	return 0;
}

void pt_free(Passthrough *pt)
{
	if (!pt)
		return;
	pt_table_free(pt->table);
	close(pt->proc_self_fd);
	g_free(pt->shared_dir);
	g_free(pt);
}
