// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuse-iov.c - bounded cursor over an iovec array: copy out, copy in, skip,
 * slice.  Every operation either completes or leaves the cursor unchanged.
 * Must not know about FUSE or the transport.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "protocol/fuse-iov.h"

/**
 * fuse_iov_init() - start a cursor at the beginning of @iov.
 * @c: the cursor
 * @iov: buffers; must stay valid while @c is used
 * @cnt: number of entries in @iov
 *
 * The byte count saturates at SIZE_MAX, so a forged length sum cannot wrap.
 */
void fuse_iov_init(FuseIov *c, const struct iovec *iov, unsigned cnt)
{
	size_t total = 0;

	for (unsigned i = 0; i < cnt; i++) {
		if (__builtin_add_overflow(total, iov[i].iov_len, &total))
			total = SIZE_MAX;
	}
	c->iov = iov;
	c->cnt = cnt;
	c->idx = 0;
	c->off = 0;
	c->remaining = total;
}

/**
 * fuse_iov_limit() - never let @c go more than @n bytes further.
 * @c: the cursor
 * @n: new upper bound on the bytes left
 */
void fuse_iov_limit(FuseIov *c, size_t n)
{
	if (n < c->remaining)
		c->remaining = n;
}

enum {
	FUSE_IOV_OP_READ,
	FUSE_IOV_OP_WRITE,
	FUSE_IOV_OP_ZERO,
	FUSE_IOV_OP_SKIP,
};

/* Move @n bytes (already checked against remaining), doing @op on them. */
static void fuse_iov_walk(FuseIov *c, void *buf, size_t n, int op)
{
	char *p = buf;

	c->remaining -= n;
	while (n > 0) {
		const struct iovec *v = &c->iov[c->idx];
		size_t avail = v->iov_len - c->off;
		size_t k = avail < n ? avail : n;
		char *base = (char *)v->iov_base + c->off;

		switch (k ? op : FUSE_IOV_OP_SKIP) {
		case FUSE_IOV_OP_READ:
			memcpy(p, base, k);
			p += k;
			break;
		case FUSE_IOV_OP_WRITE:
			memcpy(base, p, k);
			p += k;
			break;
		case FUSE_IOV_OP_ZERO:
			memset(base, 0, k);
			break;
		default:
			break;
		}
		n -= k;
		c->off += k;
		if (c->off == v->iov_len) {
			c->idx++;
			c->off = 0;
		}
	}
}

/**
 * fuse_iov_read() - copy the next @n bytes out of the buffers.
 * @c: the cursor
 * @dst: where to copy to
 * @n: bytes to copy
 * Return: 0, or -EINVAL if fewer than @n bytes remain (nothing consumed).
 */
int fuse_iov_read(FuseIov *c, void *dst, size_t n)
{
	if (n > c->remaining)
		return -EINVAL;
	fuse_iov_walk(c, dst, n, FUSE_IOV_OP_READ);
	return 0;
}

/**
 * fuse_iov_skip() - step over the next @n bytes.
 * @c: the cursor
 * @n: bytes to skip
 * Return: 0, or -EINVAL if fewer than @n bytes remain.
 */
int fuse_iov_skip(FuseIov *c, size_t n)
{
	if (n > c->remaining)
		return -EINVAL;
	fuse_iov_walk(c, NULL, n, FUSE_IOV_OP_SKIP);
	return 0;
}

/**
 * fuse_iov_write() - copy @n bytes into the buffers.
 * @c: the cursor
 * @src: bytes to copy
 * @n: how many
 * Return: 0, or -ENOSPC if fewer than @n bytes of room remain.
 */
int fuse_iov_write(FuseIov *c, const void *src, size_t n)
{
	if (n > c->remaining)
		return -ENOSPC;
	fuse_iov_walk(c, (void *)src, n, FUSE_IOV_OP_WRITE);
	return 0;
}

/**
 * fuse_iov_zero() - write @n zero bytes.
 * @c: the cursor
 * @n: how many
 * Return: 0, or -ENOSPC if fewer than @n bytes of room remain.
 */
int fuse_iov_zero(FuseIov *c, size_t n)
{
	if (n > c->remaining)
		return -ENOSPC;
	fuse_iov_walk(c, NULL, n, FUSE_IOV_OP_ZERO);
	return 0;
}

/**
 * fuse_iov_slice() - describe the next @n bytes as an iovec array, then
 * step over them.  The buffers are not copied.
 * @c: the cursor
 * @n: bytes the slice covers
 * @dst: array to fill; the first and last entries may be partial buffers
 * @dst_max: entries available in @dst
 * Return: number of entries written (0 when @n is 0), -EINVAL if fewer than
 * @n bytes remain, -E2BIG if the slice needs more than @dst_max entries.
 * On error the cursor is unchanged.
 */
int fuse_iov_slice(FuseIov *c, size_t n, struct iovec *dst, unsigned dst_max)
{
	unsigned idx = c->idx;
	size_t off = c->off;
	size_t left = n;
	unsigned k = 0;

	if (n > c->remaining)
		return -EINVAL;
	while (left > 0) {
		const struct iovec *v = &c->iov[idx];
		size_t avail = v->iov_len - off;
		size_t take = avail < left ? avail : left;

		if (take > 0) {
			if (k == dst_max)
				return -E2BIG;
			dst[k].iov_base = (char *)v->iov_base + off;
			dst[k].iov_len = take;
			k++;
		}
		left -= take;
		off += take;
		if (off == v->iov_len) {
			idx++;
			off = 0;
		}
	}
	fuse_iov_walk(c, NULL, n, FUSE_IOV_OP_SKIP);
	return (int)k;
}

/**
 * fuse_iov_read_str() - copy a NUL-terminated string out of the buffers.
 * @c: the cursor
 * @dst: destination, gets the string and its NUL
 * @dst_size: size of @dst; the longest accepted string is @dst_size - 1
 *
 * Consumes the string and its terminator.
 * Return: the string's length, -ENAMETOOLONG if no NUL shows up within
 * @dst_size bytes, -EINVAL if the data ends before a NUL.  On error the
 * cursor is unchanged.
 */
int fuse_iov_read_str(FuseIov *c, char *dst, size_t dst_size)
{
	unsigned idx = c->idx;
	size_t off = c->off;
	size_t left = c->remaining;
	size_t len = 0;

	while (left > 0) {
		const struct iovec *v = &c->iov[idx];
		size_t avail = v->iov_len - off;
		const char *base = (const char *)v->iov_base + off;
		size_t room = dst_size - len;
		size_t k = avail < left ? avail : left;
		const char *nul;

		if (k > room)
			k = room;
		nul = k ? memchr(base, '\0', k) : NULL;
		if (nul) {
			size_t part = (size_t)(nul - base);

			memcpy(dst + len, base, part);
			len += part;
			dst[len] = '\0';
			fuse_iov_walk(c, NULL, len + 1, FUSE_IOV_OP_SKIP);
			/* the guest may have changed the bytes since memchr():
			 * report what was actually copied */
			len = strnlen(dst, len);
			return len > INT32_MAX ? -ENAMETOOLONG : (int)len;
		}
		if (k)
			memcpy(dst + len, base, k);
		len += k;
		left -= k;
		if (len == dst_size)
			return -ENAMETOOLONG;
		off += k;
		if (off == v->iov_len) {
			idx++;
			off = 0;
		}
	}
	return -EINVAL;
}
