/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-fuse-fake.h - a recording FsOps backend and a request builder for
 * the FUSE protocol unit tests.  The backend records which op ran and with
 * what arguments in fake_rec, and answers with canned values.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "fs/fs-ops.h"

typedef struct {
	char op[32];		/* last op called, "" if none */
	int calls;		/* ops called since fake_reset() */
	uint64_t nodeid, nodeid2, fh, fh2, off, off2, len, owner;
	uint32_t a, b, c, d;	/* op-specific 32-bit arguments */
	char name[512], name2[4200];
	unsigned char data[1 << 16];	/* WRITE / SETXATTR payload */
	size_t data_len;
	int iovcnt;
	FsInitInfo init;
	int forgets;
	uint64_t forget_sum;	/* sum of nodeid * 1000 + nlookup */
	bool destroyed;
	/* canned answers */
	int ret;		/* < 0: every op fails with it */
	ssize_t io_ret;		/* READ/WRITE result (-1: full size) */
	int dir_entries;	/* entries READDIR offers */
} FakeRec;

extern FakeRec fake_rec;
extern const FsOps fake_ops;
void fake_reset(void);

/* Request builder: a flat buffer, later split into iovecs. */
typedef struct {
	unsigned char buf[1 << 17];
	size_t len;
} ReqBuf;

void req_begin(ReqBuf *b, uint32_t opcode, uint64_t nodeid);
void req_put(ReqBuf *b, const void *p, size_t n);
void req_str(ReqBuf *b, const char *s);
void req_end(ReqBuf *b);

/* Split @len bytes at @buf into iovecs of @chunk bytes (0: one iovec),
 * with an empty iovec between chunks when @empties.  Return: count. */
unsigned split_iov(void *buf, size_t len, size_t chunk, bool empties,
		   struct iovec *iov, unsigned max);
