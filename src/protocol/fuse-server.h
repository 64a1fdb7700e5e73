/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuse-server.h - the FUSE protocol layer: decodes one request found in a
 * pair of iovec arrays, validates it, calls the filesystem backend and
 * writes the reply.  It knows nothing of vhost-user; a test can drive it with
 * plain buffers.
 */
#pragma once

#include <stdint.h>
#include <sys/uio.h>

#include "fs/fs-ops.h"

typedef struct FuseServer FuseServer;

typedef struct {
	const FsOps *ops;
	void *fs;		/* backend instance passed to every op */
	const FsConfig *cfg;	/* what to offer at INIT; outlives the server */
} FuseServerConfig;

/* Per-opcode counters for the benchmark and debug output. */
typedef struct {
	uint64_t requests;
	uint64_t errors;
} FuseServerStats;

FuseServer *fuse_server_new(const FuseServerConfig *cfg);
void fuse_server_free(FuseServer *srv);

/**
 * fuse_server_handle() - serve one request.
 * @out: device-readable buffers holding the request
 * @in: device-writable buffers for the reply
 *
 * Thread-safe: may be called concurrently from several threads.  Never
 * allocates on the READ/WRITE/GETATTR/LOOKUP paths.
 * Return: bytes of reply written into @in (0 if the opcode has no reply or
 * the request was too malformed to answer).
 */
uint32_t fuse_server_handle(FuseServer *srv, const struct iovec *out,
			    unsigned out_num, const struct iovec *in,
			    unsigned in_num);

/* Matches VuReqHandler; @opaque is the FuseServer. */
uint32_t fuse_server_vu_handler(void *opaque, unsigned qidx,
				const struct iovec *out, unsigned out_num,
				const struct iovec *in, unsigned in_num);

/* Called when the frontend disconnects: drop everything INIT set up, so a
 * new connection starts from scratch. */
void fuse_server_reset(FuseServer *srv);

void fuse_server_get_stats(FuseServer *srv, FuseServerStats *ret);

/* Counters of one opcode; FUSE_SERVER_OP_UNKNOWN counts opcodes we do not
 * know.  Return: 0, or -EINVAL if @opcode is out of range. */
#define FUSE_SERVER_OP_UNKNOWN (FUSE_TMPFILE + 1)
int fuse_server_get_op_stats(FuseServer *srv, uint32_t opcode,
			     FuseServerStats *ret);

/* "LOOKUP", "READ", ...; NULL for an opcode the server does not know. */
const char *fuse_server_opcode_name(uint32_t opcode);
