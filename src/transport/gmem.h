/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gmem.h - the guest memory region table: regions the frontend shares with
 * SET_MEM_TABLE / ADD_MEM_REG, mapped here, and the translation of guest
 * physical addresses (GPAs) and frontend virtual addresses (uaddrs) into
 * host pointers.  Knows nothing of rings or vhost-user messages.
 *
 * The table is not locked: the device changes it only while no queue thread
 * runs (see vu-dev.c).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#define GMEM_MAX_REGIONS 32

typedef struct {
	uint64_t gpa;	       /* guest physical start (frontend-controlled) */
	uint64_t size;	       /* bytes */
	uint64_t uaddr;	       /* start in the frontend's address space */
	uint64_t mmap_offset;  /* offset of the region in its fd */
	void *mmap_addr;       /* what mmap() returned; owned */
	size_t mmap_size;      /* mmap_offset + size */
	uint8_t *host;	       /* mmap_addr + mmap_offset */
} GmemRegion;

typedef struct {
	unsigned nregions;
	GmemRegion regions[GMEM_MAX_REGIONS];
} Gmem;

/**
 * gmem_init() - start with an empty table.
 * @mem: the table
 */
void gmem_init(Gmem *mem);

/**
 * gmem_clear() - unmap every region.
 * @mem: the table; empty afterwards
 */
void gmem_clear(Gmem *mem);

/**
 * gmem_add_region() - map a region from @fd and add it to the table.
 * @mem: the table
 * @gpa: guest physical start
 * @size: length (> 0)
 * @uaddr: start in the frontend's address space
 * @mmap_offset: where the region starts in @fd
 * @fd: the memory fd; always closed by this function
 *
 * Return: 0; -EINVAL for a zero size, an overflowing range or one that
 * overlaps an existing region (in GPA or uaddr space); -ENOSPC if the table
 * is full; -errno from mmap().
 */
int gmem_add_region(Gmem *mem, uint64_t gpa, uint64_t size, uint64_t uaddr,
		    uint64_t mmap_offset, int fd);

/**
 * gmem_remove_region() - unmap the region that starts at @gpa with @size.
 * Return: 0; -ENOENT if there is no such region.
 */
int gmem_remove_region(Gmem *mem, uint64_t gpa, uint64_t size);

/**
 * gmem_gpa_to_host() - translate a GPA range that must lie in one region.
 * @len: range length; 0 is allowed and needs @gpa inside a region
 * Return: the host pointer, or NULL if the range is not inside one region.
 */
void *gmem_gpa_to_host(const Gmem *mem, uint64_t gpa, uint64_t len);

/**
 * gmem_uaddr_to_host() - translate a frontend virtual address range (vring
 * addresses) that must lie in one region.
 * Return: the host pointer, or NULL.
 */
void *gmem_uaddr_to_host(const Gmem *mem, uint64_t uaddr, uint64_t len);

/**
 * gmem_gpa_to_iov() - translate a GPA range into iovecs, one per region it
 * crosses (a buffer may span adjacent regions).  An empty range yields no
 * iovec but its address must still lie in guest memory.
 * @iov: where to store them
 * @max: room in @iov
 * @ret_n: number stored
 *
 * Return: 0; -EFAULT if part of the range is not guest memory or the range
 * overflows; -E2BIG if more than @max iovecs would be needed.
 */
int gmem_gpa_to_iov(const Gmem *mem, uint64_t gpa, uint64_t len,
		    struct iovec *iov, unsigned max, unsigned *ret_n);
