/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuse-iov.h - a bounded cursor over an iovec array.  The FUSE layer uses it
 * to copy request headers out of (and replies into) guest buffers that may be
 * split at any byte boundary, and to hand bulk data to the backend as a
 * sub-array of iovecs without copying.  No allocation; knows nothing of FUSE.
 */
#pragma once

#include <stddef.h>
#include <sys/uio.h>

/* Most iovecs one request direction may span (matches the transport's
 * chain limit; slices into caller arrays are bounded by this). */
#define FUSE_IOV_MAX 1024

/*
 * FuseIov - read/write position in an iovec array.  The array is owned by
 * the caller and must outlive the cursor; the buffers it points to are guest
 * memory and may change under us, so everything is copied before use.
 */
typedef struct {
	const struct iovec *iov;	/* the array (caller's) */
	unsigned cnt;			/* entries in @iov */
	unsigned idx;			/* current entry */
	size_t off;			/* offset inside iov[idx] */
	size_t remaining;		/* bytes left, never more than present */
} FuseIov;

void fuse_iov_init(FuseIov *c, const struct iovec *iov, unsigned cnt);
/* Cap the bytes left to @n (no-op if fewer remain). */
void fuse_iov_limit(FuseIov *c, size_t n);

static inline size_t fuse_iov_remaining(const FuseIov *c)
{
	return c->remaining;
}

int fuse_iov_read(FuseIov *c, void *dst, size_t n);
int fuse_iov_skip(FuseIov *c, size_t n);
int fuse_iov_write(FuseIov *c, const void *src, size_t n);
int fuse_iov_zero(FuseIov *c, size_t n);
int fuse_iov_slice(FuseIov *c, size_t n, struct iovec *dst, unsigned dst_max);
int fuse_iov_read_str(FuseIov *c, char *dst, size_t dst_size);
