/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * util.h - small helpers with no project logic: fd cleanup, array sizes,
 * overflow-checked arithmetic.  Must not know about vhost-user, FUSE or files.
 */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#define VFSD_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define VFSD_MIN(a, b) ((a) < (b) ? (a) : (b))
#define VFSD_MAX(a, b) ((a) > (b) ? (a) : (b))
#define VFSD_LIKELY(x) __builtin_expect(!!(x), 1)
#define VFSD_UNLIKELY(x) __builtin_expect(!!(x), 0)

/* Close an fd kept in a variable when it goes out of scope (-1 = none). */
static inline void vfsd_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}
#define _cleanup_fd_ __attribute__((cleanup(vfsd_closep)))

/* Hand an fd out of a _cleanup_fd_ variable. */
static inline int vfsd_steal_fd(int *fd)
{
	int r = *fd;
	*fd = -1;
	return r;
}

/* true if a + b overflows or exceeds limit */
static inline bool vfsd_range_bad(uint64_t a, uint64_t b, uint64_t limit)
{
	uint64_t end;
	return __builtin_add_overflow(a, b, &end) || end > limit;
}
