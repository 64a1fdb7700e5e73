/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuse-server-int.h - what the FUSE server's source files share: the
 * per-request state and the directory buffer.  Not for other layers.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "fs/fs-ops.h"
#include "protocol/fuse-iov.h"

/* Largest WRITE/READ payload and READDIR buffer we accept (256 pages). */
#define FUSE_SRV_MAX_PAGES 256
#define FUSE_SRV_MAX_WRITE (FUSE_SRV_MAX_PAGES * 4096u)

/*
 * struct FsDirBuf - READDIR(PLUS) output: entries are written straight into
 * the guest's reply buffers after the out header.  Lives on the stack of
 * the request being served.
 */
struct FsDirBuf {
	FuseIov cur;		/* write position in the reply buffers */
	size_t size;		/* most bytes the guest accepts (and we allow) */
	size_t used;		/* bytes written so far */
	bool plus;		/* READDIRPLUS: write fuse_direntplus */
};

void fuse_dirbuf_init(FsDirBuf *buf, const FuseIov *reply, size_t size,
		      bool plus);

#include <stdatomic.h>
#include <stdint.h>

#include "protocol/fuse-server.h"

/* One past the highest opcode in the table. */
#define FUSE_OP_MAX (FUSE_TMPFILE + 1)

/* Session state; see fuse-server.c for the transitions. */
enum {
	FUSE_SRV_UNINIT = 0,
	FUSE_SRV_INITIALISING,
	FUSE_SRV_READY,
};

typedef struct {
	atomic_uint_fast64_t requests;
	atomic_uint_fast64_t errors;
} FuseOpCounters;

/*
 * struct FuseServer - one FUSE session.  Immutable after fuse_server_new()
 * except for the atomics: @state moves UNINIT -> INITIALISING -> READY on
 * INIT and back to UNINIT on DESTROY or reset; @minor and @flags are
 * written before @state becomes READY (release) and read after seeing READY
 * (acquire).  Counters are relaxed.
 */
struct FuseServer {
	const FsOps *ops;
	void *fs;
	const FsConfig *cfg;
	atomic_int state;
	atomic_uint minor;			/* negotiated minor version */
	atomic_uint_fast64_t flags;		/* negotiated FUSE_* flags */
	FuseOpCounters stats[FUSE_OP_MAX + 1];	/* last: unknown opcodes */
};

/*
 * FuseReq - one request being served, on the serving thread's stack.  The
 * fixed reply body is collected in @body; variable data (READ, READDIR,
 * READLINK, xattr values) is written straight into the reply buffers after
 * the header and counted in @tail_len.
 */
typedef struct {
	FuseServer *srv;
	struct fuse_in_header hdr;	/* copied out; guest-controlled */
	FsCtx ctx;
	FuseIov args;			/* request bytes after the fixed in-arg */
	const struct iovec *in;		/* reply buffers (guest memory) */
	unsigned in_num;
	size_t in_space;		/* total bytes in @in */
	uint32_t minor;			/* negotiated minor (0 before INIT) */
	uint64_t flags;			/* negotiated flags */
	uint64_t body[32];		/* fixed reply body */
	size_t body_len;
	size_t tail_len;		/* bytes already written after body */
} FuseReq;

/*
 * FuseHandler - serve one opcode (fuse_do_<opcode>() in fuse-do.c).
 * @req: the request; @req->args is positioned after the fixed in-arg
 * @arg: the fixed in-arg, copied out and zero-padded to the full struct
 *       for guests that send the shorter compat form
 *
 * A handler validates what follows the fixed part, checks with
 * fuse_req_reserve() that its reply fits before calling the backend, and
 * stages the reply with fuse_req_body() or by writing after the header and
 * setting @req->tail_len.
 * Return: 0 to send the staged reply, or -errno to reply with that error
 * (ignored for opcodes that have no reply).
 */
typedef int (*FuseHandler)(FuseReq *req, const void *arg);

int fuse_req_reserve(FuseReq *req, size_t n);
void fuse_req_body(FuseReq *req, const void *p, size_t n);
void fuse_req_tail(FuseReq *req, FuseIov *ret_cursor);
size_t fuse_req_entry_size(const FuseReq *req);
size_t fuse_req_attr_size(const FuseReq *req);

/* Name checks for fuse_req_name(). */
typedef enum {
	FUSE_NAME_LOOKUP = 0,	/* "." and ".." allowed */
	FUSE_NAME_NEW,		/* names an entry to create/remove: no dots */
	FUSE_NAME_XATTR,	/* extended attribute name; '/' allowed */
	FUSE_NAME_KIND_MAX
} FuseNameKind;

int fuse_req_name(FuseReq *req, char *buf, size_t size, FuseNameKind kind);
void *fuse_thread_scratch(void);
#define FUSE_SCRATCH_SIZE 65536u	/* XATTR_SIZE_MAX and XATTR_LIST_MAX */

/* Opcode handlers (fuse-do.c) */
int fuse_do_lookup(FuseReq *req, const void *arg);
int fuse_do_forget(FuseReq *req, const void *arg);
int fuse_do_batch_forget(FuseReq *req, const void *arg);
int fuse_do_getattr(FuseReq *req, const void *arg);
int fuse_do_setattr(FuseReq *req, const void *arg);
int fuse_do_readlink(FuseReq *req, const void *arg);
int fuse_do_symlink(FuseReq *req, const void *arg);
int fuse_do_mknod(FuseReq *req, const void *arg);
int fuse_do_mkdir(FuseReq *req, const void *arg);
int fuse_do_unlink(FuseReq *req, const void *arg);
int fuse_do_rmdir(FuseReq *req, const void *arg);
int fuse_do_rename(FuseReq *req, const void *arg);
int fuse_do_rename2(FuseReq *req, const void *arg);
int fuse_do_link(FuseReq *req, const void *arg);
int fuse_do_open(FuseReq *req, const void *arg);
int fuse_do_create(FuseReq *req, const void *arg);
int fuse_do_tmpfile(FuseReq *req, const void *arg);
int fuse_do_read(FuseReq *req, const void *arg);
int fuse_do_write(FuseReq *req, const void *arg);
int fuse_do_flush(FuseReq *req, const void *arg);
int fuse_do_release(FuseReq *req, const void *arg);
int fuse_do_fsync(FuseReq *req, const void *arg);
int fuse_do_opendir(FuseReq *req, const void *arg);
int fuse_do_readdir(FuseReq *req, const void *arg);
int fuse_do_readdirplus(FuseReq *req, const void *arg);
int fuse_do_releasedir(FuseReq *req, const void *arg);
int fuse_do_fsyncdir(FuseReq *req, const void *arg);
int fuse_do_statfs(FuseReq *req, const void *arg);
int fuse_do_setxattr(FuseReq *req, const void *arg);
int fuse_do_getxattr(FuseReq *req, const void *arg);
int fuse_do_listxattr(FuseReq *req, const void *arg);
int fuse_do_removexattr(FuseReq *req, const void *arg);
int fuse_do_access(FuseReq *req, const void *arg);
int fuse_do_getlk(FuseReq *req, const void *arg);
int fuse_do_setlk(FuseReq *req, const void *arg);
int fuse_do_setlkw(FuseReq *req, const void *arg);
int fuse_do_fallocate(FuseReq *req, const void *arg);
int fuse_do_lseek(FuseReq *req, const void *arg);
int fuse_do_copy_file_range(FuseReq *req, const void *arg);
int fuse_do_syncfs(FuseReq *req, const void *arg);
int fuse_do_interrupt(FuseReq *req, const void *arg);
int fuse_do_ioctl(FuseReq *req, const void *arg);
int fuse_do_notify_reply(FuseReq *req, const void *arg);
