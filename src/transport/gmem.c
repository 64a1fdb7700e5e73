/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gmem.c - guest memory region table: mapping the frontend's memory fds and
 * translating guest addresses into host pointers with overflow-safe bounds
 * checks.  Knows nothing of rings or vhost-user messages.
 *
 * A buffer that spans two adjacent regions is split into one iovec per
 * region by gmem_gpa_to_iov(); ring structures and indirect tables must lie
 * within one region (gmem_gpa_to_host() / gmem_uaddr_to_host()).
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/util.h"
#include "transport/gmem.h"

void gmem_init(Gmem *mem)
{
	memset(mem, 0, sizeof(*mem));
}

static void region_unmap(GmemRegion *r)
{
	if (r->mmap_addr)
		munmap(r->mmap_addr, r->mmap_size);
	memset(r, 0, sizeof(*r));
}

void gmem_clear(Gmem *mem)
{
	for (unsigned i = 0; i < mem->nregions; i++)
		region_unmap(&mem->regions[i]);
	mem->nregions = 0;
}

/* true if [a, a + alen) and [b, b + blen) overlap; no sums overflow here */
static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

int gmem_add_region(Gmem *mem, uint64_t gpa, uint64_t size, uint64_t uaddr,
		    uint64_t mmap_offset, int fd)
{
	_cleanup_fd_ int cfd = fd;
	uint64_t map_size;
	GmemRegion *r;
	void *p;

	if (size == 0 || vfsd_range_bad(gpa, size, UINT64_MAX) ||
	    vfsd_range_bad(uaddr, size, UINT64_MAX) ||
	    __builtin_add_overflow(mmap_offset, size, &map_size) ||
	    map_size > SIZE_MAX)
		return -EINVAL;
	if (mem->nregions >= GMEM_MAX_REGIONS)
		return -ENOSPC;
	for (unsigned i = 0; i < mem->nregions; i++) {
		const GmemRegion *o = &mem->regions[i];
		if (ranges_overlap(gpa, size, o->gpa, o->size) ||
		    ranges_overlap(uaddr, size, o->uaddr, o->size))
			return -EINVAL;
	}
	{
		struct stat st;
		if (fstat(cfd, &st) < 0)
			return -errno;
		if (S_ISREG(st.st_mode) && (uint64_t)st.st_size < map_size)
			return -EINVAL;
	}
	p = mmap(NULL, (size_t)map_size, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_NORESERVE, cfd, 0);
	if (p == MAP_FAILED)
		return -errno;
	r = &mem->regions[mem->nregions++];
	r->gpa = gpa;
	r->size = size;
	r->uaddr = uaddr;
	r->mmap_offset = mmap_offset;
	r->mmap_addr = p;
	r->mmap_size = (size_t)map_size;
	r->host = (uint8_t *)p + mmap_offset;
	return 0;
}

int gmem_remove_region(Gmem *mem, uint64_t gpa, uint64_t size)
{
	for (unsigned i = 0; i < mem->nregions; i++) {
		GmemRegion *r = &mem->regions[i];
		if (r->gpa != gpa || r->size != size)
			continue;
		region_unmap(r);
		mem->regions[i] = mem->regions[mem->nregions - 1];
		memset(&mem->regions[mem->nregions - 1], 0, sizeof(*r));
		mem->nregions--;
		return 0;
	}
	return -ENOENT;
}

/* The region holding @addr (GPA or uaddr space), or NULL. */
static const GmemRegion *find_region(const Gmem *mem, uint64_t addr, bool user)
{
	for (unsigned i = 0; i < mem->nregions; i++) {
		const GmemRegion *r = &mem->regions[i];
		uint64_t start = user ? r->uaddr : r->gpa;
		if (addr >= start && addr - start < r->size)
			return r;
	}
	return NULL;
}

static void *translate(const Gmem *mem, uint64_t addr, uint64_t len, bool user)
{
	const GmemRegion *r = find_region(mem, addr, user);
	uint64_t off;

	if (!r)
		return NULL;
	off = addr - (user ? r->uaddr : r->gpa);
	/* off < r->size, so r->size - off cannot wrap */
	if (len > r->size - off)
		return NULL;
	return r->host + off;
}

void *gmem_gpa_to_host(const Gmem *mem, uint64_t gpa, uint64_t len)
{
	return translate(mem, gpa, len, false);
}

void *gmem_uaddr_to_host(const Gmem *mem, uint64_t uaddr, uint64_t len)
{
	return translate(mem, uaddr, len, true);
}

int gmem_gpa_to_iov(const Gmem *mem, uint64_t gpa, uint64_t len,
		    struct iovec *iov, unsigned max, unsigned *ret_n)
{
	unsigned n = 0;

	if (vfsd_range_bad(gpa, len, UINT64_MAX))
		return -EFAULT;
	/* an empty buffer maps to nothing, but must still be guest memory */
	if (len == 0 && !find_region(mem, gpa, false))
		return -EFAULT;
	while (len > 0) {
		const GmemRegion *r = find_region(mem, gpa, false);
		uint64_t off, chunk;

		if (!r)
			return -EFAULT;
		if (n >= max)
			return -E2BIG;
		off = gpa - r->gpa;
		chunk = VFSD_MIN(len, r->size - off);
		iov[n].iov_base = r->host + off;
		iov[n].iov_len = (size_t)chunk;
		n++;
		gpa += chunk;
		len -= chunk;
	}
	*ret_n = n;
	return 0;
}
