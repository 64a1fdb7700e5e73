// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-virtq.c - unit tests of the transport layer's guest memory table
 * (gmem) and split virtqueue (virtq).
 *
 * Guest memory is a set of memfds.  Each is mapped twice: once by gmem (the
 * device's view) and once here (the driver's view).  The tests lay out the
 * descriptor table, avail ring, used ring, indirect tables and buffers
 * through the driver's view, as a guest driver would, and call the virtq API
 * directly.  Every malformed ring must mark the queue broken with the
 * expected reason and must not hang.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <glib.h>

#include "shared/log.h"
#include "transport/gmem.h"
#include "transport/virtq.h"

/*
 * Guest memory layout:
 *   A: GPA 0x10000..0x20000   rings and buffers
 *   B: GPA 0x20000..0x30000   adjacent to A (buffers may span A and B)
 *   (gap)
 *   C: GPA 0x100000..0x110000 mapped at offset 0x3000 of its fd
 * Each region has its own, unrelated range in the frontend's address space.
 */
#define NREG 3
#define GPA_A 0x10000ULL
#define GPA_B 0x20000ULL
#define GPA_C 0x100000ULL
#define REG_SIZE 0x10000ULL
#define UA_A 0x7f0000010000ULL
#define UA_B 0x7f0000400000ULL
#define UA_C 0x7f0000800000ULL
#define OFF_C 0x3000ULL
#define GAP 0x40000ULL /* not guest memory */

static const struct {
	uint64_t gpa, uaddr, offset;
} layout[NREG] = {
	{ GPA_A, UA_A, 0 },
	{ GPA_B, UA_B, 0 },
	{ GPA_C, UA_C, OFF_C },
};

/* rings in region A */
#define DESC (GPA_A + 0x0000)
#define AVAIL (GPA_A + 0x1000)
#define USED (GPA_A + 0x2000)
#define UA(gpa) (UA_A + ((gpa) - GPA_A))
/* buffers */
#define BUF (GPA_A + 0x4000)
/* indirect tables live in region C */
#define ITAB (GPA_C + 0x100)

#define QNUM 8
#define NIOV 64

#define R 0
#define W VIRTQ_DESC_F_WRITE
#define N VIRTQ_DESC_F_NEXT
#define I VIRTQ_DESC_F_INDIRECT

typedef struct {
	Gmem mem;
	uint8_t *drv_map[NREG];	 /* driver's view of each fd */
	size_t drv_len[NREG];
	Virtq q;
	VirtqElem elem;
	struct iovec iov[NIOV];
	uint16_t avail_idx;	 /* driver's shadow of avail->idx */
} Fx;

/* Create a memfd of @len bytes, map it for the driver and return the fd. */
static int make_memfd(size_t len, uint8_t **map)
{
	int fd = memfd_create("guest-ram", MFD_CLOEXEC);

	g_assert_cmpint(fd, >=, 0);
	g_assert_cmpint(ftruncate(fd, (off_t)len), ==, 0);
	*map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	g_assert_true(*map != MAP_FAILED);
	return fd;
}

static bool fd_is_closed(int fd)
{
	return fcntl(fd, F_GETFD) == -1 && errno == EBADF;
}

/* The driver's pointer for @gpa. */
static void *drv(Fx *f, uint64_t gpa)
{
	for (unsigned i = 0; i < NREG; i++)
		if (gpa >= layout[i].gpa && gpa - layout[i].gpa < REG_SIZE)
			return f->drv_map[i] + layout[i].offset +
			       (gpa - layout[i].gpa);
	g_assert_not_reached();
}

/* The device's pointer for @gpa, from the region table (not via lookup). */
static void *dev(Fx *f, uint64_t gpa)
{
	for (unsigned i = 0; i < NREG; i++)
		if (gpa >= layout[i].gpa && gpa - layout[i].gpa < REG_SIZE)
			return f->mem.regions[i].host + (gpa - layout[i].gpa);
	g_assert_not_reached();
}

static VirtqAvail *avail(Fx *f)
{
	return drv(f, AVAIL);
}

static VirtqUsed *used(Fx *f)
{
	return drv(f, USED);
}

static uint16_t *used_event(Fx *f)
{
	return (uint16_t *)((uint8_t *)drv(f, AVAIL) + 4 + 2 * f->q.num);
}

static uint16_t *avail_event(Fx *f)
{
	return (uint16_t *)((uint8_t *)drv(f, USED) + 4 + 8 * f->q.num);
}

/* (Re)create the queue over the rings in region A. */
static void qsetup(Fx *f, unsigned num, bool event_idx, uint16_t base)
{
	memset(drv(f, DESC), 0, 0x1000);
	memset(drv(f, AVAIL), 0, 0x1000);
	memset(drv(f, USED), 0, 0x1000);
	avail(f)->idx = base;
	used(f)->idx = base;
	f->avail_idx = base;
	g_assert_cmpint(virtq_init(&f->q, &f->mem, num, UA(DESC), UA(AVAIL),
				   UA(USED), event_idx, base),
			==, 0);
	g_assert_false(f->q.broken);
}

static void fx_setup(Fx *f, gconstpointer data)
{
	memset(f, 0, sizeof(*f));
	gmem_init(&f->mem);
	for (unsigned i = 0; i < NREG; i++) {
		int fd;

		f->drv_len[i] = layout[i].offset + REG_SIZE;
		fd = make_memfd(f->drv_len[i], &f->drv_map[i]);
		g_assert_cmpint(gmem_add_region(&f->mem, layout[i].gpa,
						REG_SIZE, layout[i].uaddr,
						layout[i].offset, fd),
				==, 0);
		g_assert_true(fd_is_closed(fd));
	}
	g_assert_cmpuint(f->mem.nregions, ==, NREG);
	qsetup(f, QNUM, false, 0);
}

static void fx_teardown(Fx *f, gconstpointer data)
{
	gmem_clear(&f->mem);
	for (unsigned i = 0; i < NREG; i++)
		munmap(f->drv_map[i], f->drv_len[i]);
}

/* Write descriptor @i of the table at @table (unaligned is fine). */
static void set_desc(Fx *f, uint64_t table, unsigned i, uint64_t addr,
		     uint32_t len, uint16_t flags, uint16_t next)
{
	VirtqDesc d = { .addr = addr, .len = len, .flags = flags, .next = next };

	memcpy((uint8_t *)drv(f, table) + 16 * i, &d, sizeof(d));
}

/* Make chain @head available. */
static void kick(Fx *f, uint16_t head)
{
	avail(f)->ring[f->avail_idx % f->q.num] = head;
	f->avail_idx++;
	__atomic_store_n(&avail(f)->idx, f->avail_idx, __ATOMIC_RELEASE);
}

static int pop_max(Fx *f, unsigned iov_max)
{
	f->elem.iov = f->iov;
	f->elem.iov_max = iov_max;
	return virtq_pop(&f->q, &f->elem);
}

static int pop(Fx *f)
{
	return pop_max(f, NIOV);
}

static void check_iov(Fx *f, unsigned k, uint64_t gpa, size_t len)
{
	g_assert_true(f->iov[k].iov_base == dev(f, gpa));
	g_assert_cmpuint(f->iov[k].iov_len, ==, len);
}

/* A pop result @r for a broken ring: -EPROTO with @why, and it sticks. */
static void check_broken(Fx *f, int r, const char *why)
{
	g_assert_cmpint(r, ==, -EPROTO);
	g_assert_true(f->q.broken);
	g_assert_cmpstr(f->q.broken_reason, ==, why);
	/* a broken queue stays broken, even if the ring becomes valid */
	set_desc(f, DESC, 0, BUF, 16, R, 0);
	kick(f, 0);
	g_assert_cmpint(pop(f), ==, -EPROTO);
	g_assert_false(virtq_enable_notify(&f->q));
}

/* Make @head available and expect a broken ring with @why. */
static void expect_broken(Fx *f, uint16_t head, const char *why)
{
	kick(f, head);
	check_broken(f, pop(f), why);
}

/* ---- gmem ---------------------------------------------------------- */

static void test_gmem_add(void)
{
	Gmem mem;
	uint8_t *map, *m2;
	int fd;

	gmem_init(&mem);
	g_assert_cmpuint(mem.nregions, ==, 0);

	fd = make_memfd(0x3000, &map);
	g_assert_cmpint(gmem_add_region(&mem, 0x100000, 0x2000, 0x5000000,
					0x1000, fd),
			==, 0);
	g_assert_true(fd_is_closed(fd));
	g_assert_cmpuint(mem.nregions, ==, 1);
	g_assert_cmphex(mem.regions[0].gpa, ==, 0x100000);
	g_assert_cmphex(mem.regions[0].size, ==, 0x2000);
	g_assert_cmphex(mem.regions[0].uaddr, ==, 0x5000000);
	g_assert_cmphex(mem.regions[0].mmap_offset, ==, 0x1000);
	g_assert_cmpuint(mem.regions[0].mmap_size, ==, 0x3000);
	g_assert_true(mem.regions[0].host ==
		      (uint8_t *)mem.regions[0].mmap_addr + 0x1000);
	/* the device sees the fd's bytes from mmap_offset on */
	map[0x1000] = 0xa5;
	map[0x2fff] = 0x5a;
	g_assert_cmpuint(*(uint8_t *)gmem_gpa_to_host(&mem, 0x100000, 1), ==,
			 0xa5);
	g_assert_cmpuint(*(uint8_t *)gmem_uaddr_to_host(&mem, 0x5001fff, 1),
			 ==, 0x5a);

	/* invalid arguments: the fd is closed in every case */
#define ADD_FAILS(err, gpa, size, uaddr, off)                                 \
	do {                                                                   \
		int _fd = make_memfd(0x4000, &m2);                            \
		g_assert_cmpint(gmem_add_region(&mem, gpa, size, uaddr, off,  \
						_fd),                         \
				==, err);                                      \
		g_assert_true(fd_is_closed(_fd));                              \
		munmap(m2, 0x4000);                                            \
	} while (0)
	ADD_FAILS(-EINVAL, 0x200000, 0, 0x6000000, 0);
	ADD_FAILS(-EINVAL, 0x200000, 0, 0x6000000, 0x1000);
	/* ranges must end at or below 2^64 - 1 */
	ADD_FAILS(-EINVAL, UINT64_MAX - 0xfff, 0x1000, 0x6000000, 0);
	ADD_FAILS(-EINVAL, UINT64_MAX - 0xfff, 0x2000, 0x6000000, 0);
	ADD_FAILS(-EINVAL, 0x200000, 0x2000, UINT64_MAX - 0xfff, 0);
	ADD_FAILS(-EINVAL, 0x200000, 0x2000, 0x6000000, UINT64_MAX - 0xfff);
	/* overlaps the first region in GPA space, in uaddr space */
	ADD_FAILS(-EINVAL, 0x101fff, 0x1000, 0x6000000, 0);
	ADD_FAILS(-EINVAL, 0x0ff001, 0x1000, 0x6000000, 0);
	ADD_FAILS(-EINVAL, 0x200000, 0x1000, 0x5001000, 0);
	ADD_FAILS(-EINVAL, 0x0f0000, 0x100000, 0x6000000, 0);
	/* the fd is smaller than mmap_offset + size */
	ADD_FAILS(-EINVAL, 0x200000, 0x4000, 0x6000000, 1);
	ADD_FAILS(-EINVAL, 0x200000, 0x4001, 0x6000000, 0);
#undef ADD_FAILS
	g_assert_cmpuint(mem.nregions, ==, 1);
	g_assert_cmpint(gmem_add_region(&mem, 0x200000, 0x1000, 0x6000000, 0,
					-1),
			==, -EBADF);

	/* touching ranges do not overlap */
	fd = make_memfd(0x1000, &m2);
	g_assert_cmpint(gmem_add_region(&mem, 0x102000, 0x1000, 0x4fff000, 0,
					fd),
			==, 0);
	munmap(m2, 0x1000);
	g_assert_cmpuint(mem.nregions, ==, 2);
	/* a buffer spanning both is split at the region boundary */
	{
		struct iovec iov[2];
		unsigned n = 99;

		g_assert_cmpint(gmem_gpa_to_iov(&mem, 0x101ff0, 0x20, iov, 2,
						&n),
				==, 0);
		g_assert_cmpuint(n, ==, 2);
		g_assert_true(iov[0].iov_base ==
			      mem.regions[0].host + 0x1ff0);
		g_assert_cmpuint(iov[0].iov_len, ==, 0x10);
		g_assert_true(iov[1].iov_base == mem.regions[1].host);
		g_assert_cmpuint(iov[1].iov_len, ==, 0x10);
	}

	/* remove: exact (gpa, size) match only */
	g_assert_cmpint(gmem_remove_region(&mem, 0x100000, 0x1000), ==,
			-ENOENT);
	g_assert_cmpint(gmem_remove_region(&mem, 0x100001, 0x2000), ==,
			-ENOENT);
	g_assert_cmpint(gmem_remove_region(&mem, 0x100000, 0x2000), ==, 0);
	g_assert_cmpuint(mem.nregions, ==, 1);
	g_assert_null(gmem_gpa_to_host(&mem, 0x100000, 1));
	g_assert_true(gmem_gpa_to_host(&mem, 0x102000, 0x1000) ==
		      mem.regions[0].host);
	g_assert_cmpint(gmem_remove_region(&mem, 0x100000, 0x2000), ==,
			-ENOENT);
	/* the freed range can be reused */
	fd = make_memfd(0x2000, &m2);
	munmap(m2, 0x2000);
	g_assert_cmpint(gmem_add_region(&mem, 0x100000, 0x2000, 0x5000000, 0,
					fd),
			==, 0);
	g_assert_cmpuint(mem.nregions, ==, 2);

	/* a region at the very top of the GPA space */
	fd = make_memfd(0x1000, &m2);
	munmap(m2, 0x1000);
	g_assert_cmpint(gmem_add_region(&mem, UINT64_MAX - 0x1000, 0x1000,
					0x7000000, 0, fd),
			==, 0);
	g_assert_nonnull(gmem_gpa_to_host(&mem, UINT64_MAX - 1, 1));
	g_assert_null(gmem_gpa_to_host(&mem, UINT64_MAX - 1, 2));
	g_assert_null(gmem_gpa_to_host(&mem, UINT64_MAX, 0));
	{
		struct iovec iov[2];
		unsigned n = 99;

		g_assert_cmpint(gmem_gpa_to_iov(&mem, UINT64_MAX - 0x10, 0x10,
						iov, 2, &n),
				==, 0);
		g_assert_cmpuint(n, ==, 1);
		g_assert_cmpuint(iov[0].iov_len, ==, 0x10);
		g_assert_cmpint(gmem_gpa_to_iov(&mem, UINT64_MAX - 0x10, 0x11,
						iov, 2, &n),
				==, -EFAULT);
		g_assert_cmpint(gmem_gpa_to_iov(&mem, UINT64_MAX - 0x10,
						UINT64_MAX, iov, 2, &n),
				==, -EFAULT);
	}

	gmem_clear(&mem);
	g_assert_cmpuint(mem.nregions, ==, 0);
	g_assert_null(gmem_gpa_to_host(&mem, 0x102000, 0));
	munmap(map, 0x3000);
}

static void test_gmem_full(void)
{
	Gmem mem;
	uint8_t *map;
	int fd;

	gmem_init(&mem);
	for (unsigned i = 0; i < GMEM_MAX_REGIONS; i++) {
		fd = make_memfd(0x1000, &map);
		munmap(map, 0x1000);
		g_assert_cmpint(gmem_add_region(&mem, 0x10000 * (i + 1),
						0x1000, 0x100000 * (i + 1), 0,
						fd),
				==, 0);
	}
	fd = make_memfd(0x1000, &map);
	munmap(map, 0x1000);
	g_assert_cmpint(gmem_add_region(&mem, 0x10000000, 0x1000, 0x10000000,
					0, fd),
			==, -ENOSPC);
	g_assert_true(fd_is_closed(fd));
	g_assert_cmpuint(mem.nregions, ==, GMEM_MAX_REGIONS);
	for (unsigned i = 0; i < GMEM_MAX_REGIONS; i++)
		g_assert_nonnull(gmem_gpa_to_host(&mem, 0x10000 * (i + 1) + 5,
						  0x1000 - 5));
	gmem_clear(&mem);
	g_assert_cmpuint(mem.nregions, ==, 0);
}

static void test_gmem_translate(Fx *f, gconstpointer data)
{
	Gmem *m = &f->mem;
	struct iovec iov[4];
	unsigned n;

	/* inside one region */
	g_assert_true(gmem_gpa_to_host(m, GPA_A, REG_SIZE) == dev(f, GPA_A));
	g_assert_true(gmem_gpa_to_host(m, GPA_C + 0x10, 0x20) ==
		      dev(f, GPA_C + 0x10));
	g_assert_true(gmem_gpa_to_host(m, GPA_C + REG_SIZE - 1, 1) ==
		      dev(f, GPA_C + REG_SIZE - 1));
	g_assert_true(gmem_gpa_to_host(m, GPA_C + REG_SIZE - 1, 0) ==
		      dev(f, GPA_C + REG_SIZE - 1));
	/* region C is mapped at an offset of its fd */
	g_assert_true(dev(f, GPA_C) ==
		      (uint8_t *)m->regions[2].mmap_addr + OFF_C);
	*(uint32_t *)drv(f, GPA_C + 0x40) = 0xfeedf00d;
	g_assert_cmphex(*(uint32_t *)gmem_gpa_to_host(m, GPA_C + 0x40, 4), ==,
			0xfeedf00d);
	/* outside, past the end, across two regions, wrapping */
	g_assert_null(gmem_gpa_to_host(m, 0, 1));
	g_assert_null(gmem_gpa_to_host(m, GPA_A - 1, 1));
	g_assert_null(gmem_gpa_to_host(m, GPA_A - 1, 0));
	g_assert_null(gmem_gpa_to_host(m, GAP, 0));
	g_assert_null(gmem_gpa_to_host(m, GPA_C + REG_SIZE, 0));
	g_assert_null(gmem_gpa_to_host(m, GPA_C + REG_SIZE - 1, 2));
	g_assert_null(gmem_gpa_to_host(m, GPA_B - 8, 16));
	g_assert_null(gmem_gpa_to_host(m, GPA_A + 8, UINT64_MAX));
	g_assert_null(gmem_gpa_to_host(m, UINT64_MAX, 1));
	/* GPA and uaddr are separate address spaces */
	g_assert_true(gmem_uaddr_to_host(m, UA_B + 0x10, 0x10) ==
		      dev(f, GPA_B + 0x10));
	g_assert_null(gmem_uaddr_to_host(m, GPA_B + 0x10, 0x10));
	g_assert_null(gmem_gpa_to_host(m, UA_B + 0x10, 0x10));
	g_assert_null(gmem_uaddr_to_host(m, UA_B + REG_SIZE - 4, 8));
	g_assert_null(gmem_uaddr_to_host(m, UA_B + 4, UINT64_MAX - 2));

	/* to iovecs: one per region crossed */
	n = 99;
	g_assert_cmpint(gmem_gpa_to_iov(m, GPA_A + 0x100, 0x80, iov, 4, &n),
			==, 0);
	g_assert_cmpuint(n, ==, 1);
	g_assert_true(iov[0].iov_base == dev(f, GPA_A + 0x100));
	g_assert_cmpuint(iov[0].iov_len, ==, 0x80);
	g_assert_cmpint(gmem_gpa_to_iov(m, GPA_A, 2 * REG_SIZE, iov, 4, &n),
			==, 0);
	g_assert_cmpuint(n, ==, 2);
	g_assert_true(iov[0].iov_base == dev(f, GPA_A));
	g_assert_cmpuint(iov[0].iov_len, ==, REG_SIZE);
	g_assert_true(iov[1].iov_base == dev(f, GPA_B));
	g_assert_cmpuint(iov[1].iov_len, ==, REG_SIZE);
	n = 99;
	g_assert_cmpint(gmem_gpa_to_iov(m, GPA_B, 0, iov, 4, &n), ==, 0);
	g_assert_cmpuint(n, ==, 0);
	g_assert_cmpint(gmem_gpa_to_iov(m, GPA_B - 1, 2, iov, 1, &n), ==,
			-E2BIG);
	g_assert_cmpint(gmem_gpa_to_iov(m, GPA_B - 1, 2, iov, 0, &n), ==,
			-E2BIG);
	g_assert_cmpint(gmem_gpa_to_iov(m, GPA_B + REG_SIZE - 1, 2, iov, 4,
					&n),
			==, -EFAULT);
	g_assert_cmpint(gmem_gpa_to_iov(m, GAP, 1, iov, 4, &n), ==, -EFAULT);
	g_assert_cmpint(gmem_gpa_to_iov(m, GPA_A - 1, 2, iov, 4, &n), ==,
			-EFAULT);
	g_assert_cmpint(gmem_gpa_to_iov(m, GPA_A, UINT64_MAX, iov, 4, &n), ==,
			-EFAULT);
	g_assert_cmpint(gmem_gpa_to_iov(m, UINT64_MAX - 0xf, 0x20, iov, 4,
					&n),
			==, -EFAULT);
}

/* ---- virtq_init ---------------------------------------------------- */

static void test_init(Fx *f, gconstpointer data)
{
	Virtq q;

	memset(&q, 0x77, sizeof(q));
	g_assert_cmpint(virtq_init(&q, &f->mem, 0, UA(DESC), UA(AVAIL),
				   UA(USED), false, 0),
			==, -EINVAL);
	g_assert_cmpint(virtq_init(&q, &f->mem, 32769, UA(DESC), UA(AVAIL),
				   UA(USED), false, 0),
			==, -EINVAL);
	/* alignment: desc 16, avail 2, used 4 */
	g_assert_cmpint(virtq_init(&q, &f->mem, 8, UA(DESC) + 8, UA(AVAIL),
				   UA(USED), false, 0),
			==, -EINVAL);
	g_assert_cmpint(virtq_init(&q, &f->mem, 8, UA(DESC), UA(AVAIL) + 1,
				   UA(USED), false, 0),
			==, -EINVAL);
	g_assert_cmpint(virtq_init(&q, &f->mem, 8, UA(DESC), UA(AVAIL),
				   UA(USED) + 2, false, 0),
			==, -EINVAL);
	/* ring addresses are frontend virtual addresses, not GPAs */
	g_assert_cmpint(virtq_init(&q, &f->mem, 8, DESC, AVAIL, USED, false,
				   0),
			==, -EFAULT);
	/* a ring that runs past the end of its region */
	g_assert_cmpint(virtq_init(&q, &f->mem, 8, UA_A + REG_SIZE - 0x70,
				   UA(AVAIL), UA(USED), false, 0),
			==, -EFAULT);
	g_assert_cmpint(virtq_init(&q, &f->mem, 8, UA(DESC),
				   UA_A + REG_SIZE - 20, UA(USED), false, 0),
			==, -EFAULT);
	g_assert_cmpint(virtq_init(&q, &f->mem, 8, UA(DESC), UA(AVAIL),
				   UA_A + REG_SIZE - 68, false, 0),
			==, -EFAULT);
	g_assert_cmpint(virtq_init(&q, &f->mem, 8, UA(DESC), UA(AVAIL),
				   UINT64_MAX - 3, false, 0),
			==, -EFAULT);
	/* failures leave the queue alone */
	g_assert_cmphex(q.num, ==, 0x77777777);

	/* rings that end exactly at the end of the region are fine */
	g_assert_cmpint(virtq_init(&q, &f->mem, 8, UA_A + REG_SIZE - 0x80,
				   UA_A + REG_SIZE - 0x80 - 22,
				   UA_A + REG_SIZE - 0x100, true, 1234),
			==, 0);
	g_assert_true(q.mem == &f->mem);
	g_assert_cmpuint(q.num, ==, 8);
	g_assert_true((void *)q.desc == dev(f, GPA_A + REG_SIZE - 0x80));
	g_assert_true((void *)q.avail == dev(f, GPA_A + REG_SIZE - 0x80 - 22));
	g_assert_true((void *)q.used == dev(f, GPA_A + REG_SIZE - 0x100));
	g_assert_true(q.event_idx);
	g_assert_false(q.broken);
	g_assert_false(q.signalled_used_valid);
	g_assert_cmpuint(q.last_avail_idx, ==, 1234);
	g_assert_cmpuint(q.used_idx, ==, 1234);

	/* the largest queue, in a dedicated 1 MiB region */
	{
		Gmem big;
		uint8_t *map;
		int fd = make_memfd(1 << 20, &map);

		gmem_init(&big);
		g_assert_cmpint(gmem_add_region(&big, 0, 1 << 20, 0x10000000,
						0, fd),
				==, 0);
		g_assert_cmpint(virtq_init(&q, &big, 32768, 0x10000000,
					   0x10080000, 0x100a0000, false, 0),
				==, 0);
		g_assert_cmpuint(q.num, ==, 32768);
		/* the used ring would end 2 bytes past the region */
		g_assert_cmpint(virtq_init(&q, &big, 32768, 0x10000000,
					   0x10080000, 0x10100000 - 0x40004,
					   false, 0),
				==, -EFAULT);
		gmem_clear(&big);
		munmap(map, 1 << 20);
	}
}

/* ---- popping chains ------------------------------------------------- */

static void test_pop_empty(Fx *f, gconstpointer data)
{
	f->elem.head = 0xbeef;
	f->elem.out_num = 77;
	g_assert_cmpint(pop(f), ==, 0);
	g_assert_cmpuint(f->q.last_avail_idx, ==, 0);
	g_assert_cmpuint(f->elem.head, ==, 0xbeef);
	g_assert_cmpuint(f->elem.out_num, ==, 77);
	g_assert_false(f->q.broken);
	g_assert_false(virtq_enable_notify(&f->q));

	/* also empty after consuming everything, at any base */
	qsetup(f, QNUM, false, 40000);
	set_desc(f, DESC, 3, BUF, 8, R, 0);
	kick(f, 3);
	g_assert_true(virtq_enable_notify(&f->q));
	g_assert_cmpint(pop(f), ==, 1);
	g_assert_cmpint(pop(f), ==, 0);
	g_assert_cmpint(pop(f), ==, 0);
	g_assert_cmpuint(f->q.last_avail_idx, ==, 40001);
	g_assert_false(f->q.broken);
}

static void test_pop_direct(Fx *f, gconstpointer data)
{
	/* head 2: R(0x40) -> R in B(0x100) -> W(0x200) -> W across A/B */
	set_desc(f, DESC, 2, BUF, 0x40, R | N, 5);
	set_desc(f, DESC, 5, GPA_B + 0x800, 0x100, R | N, 0);
	set_desc(f, DESC, 0, BUF + 0x1000, 0x200, W | N, 7);
	set_desc(f, DESC, 7, GPA_B - 0x30, 0x50, W, 1 /* ignored */);
	/* head 4: a single writable buffer in region C */
	set_desc(f, DESC, 4, GPA_C + 0x2000, 0x1000, W, 0);
	kick(f, 2);
	kick(f, 4);

	*(uint8_t *)drv(f, BUF) = 0x11;
	*(uint8_t *)drv(f, GPA_B + 0x800) = 0x22;

	g_assert_cmpint(pop(f), ==, 1);
	g_assert_cmpuint(f->elem.head, ==, 2);
	g_assert_cmpuint(f->elem.out_num, ==, 2);
	g_assert_cmpuint(f->elem.in_num, ==, 3);
	g_assert_true(f->elem.iov == f->iov);
	check_iov(f, 0, BUF, 0x40);
	check_iov(f, 1, GPA_B + 0x800, 0x100);
	check_iov(f, 2, BUF + 0x1000, 0x200);
	check_iov(f, 3, GPA_B - 0x30, 0x30);
	check_iov(f, 4, GPA_B, 0x20);
	/* the device's view shows what the driver wrote, and vice versa */
	g_assert_cmpuint(*(uint8_t *)f->iov[0].iov_base, ==, 0x11);
	g_assert_cmpuint(*(uint8_t *)f->iov[1].iov_base, ==, 0x22);
	memset(f->iov[4].iov_base, 0x33, f->iov[4].iov_len);
	g_assert_cmpuint(*(uint8_t *)drv(f, GPA_B + 0x1f), ==, 0x33);
	g_assert_cmpuint(f->q.last_avail_idx, ==, 1);

	g_assert_cmpint(pop(f), ==, 1);
	g_assert_cmpuint(f->elem.head, ==, 4);
	g_assert_cmpuint(f->elem.out_num, ==, 0);
	g_assert_cmpuint(f->elem.in_num, ==, 1);
	check_iov(f, 0, GPA_C + 0x2000, 0x1000);
	g_assert_cmpuint(f->q.last_avail_idx, ==, 2);

	g_assert_cmpint(pop(f), ==, 0);
	g_assert_false(f->q.broken);

	/* the same descriptors may be made available again */
	kick(f, 4);
	g_assert_cmpint(pop(f), ==, 1);
	g_assert_cmpuint(f->elem.head, ==, 4);
	g_assert_cmpuint(f->elem.in_num, ==, 1);
}

/* A chain using every descriptor of the table is fine. */
static void test_pop_full_length(Fx *f, gconstpointer data)
{
	for (unsigned i = 0; i < QNUM; i++)
		set_desc(f, DESC, i, BUF + 0x100 * i, 0x10,
			 (i < 3 ? R : W) | (i + 1 < QNUM ? N : 0),
			 (uint16_t)(i + 1));
	kick(f, 0);
	g_assert_cmpint(pop(f), ==, 1);
	g_assert_cmpuint(f->elem.out_num, ==, 3);
	g_assert_cmpuint(f->elem.in_num, ==, QNUM - 3);
	for (unsigned i = 0; i < QNUM; i++)
		check_iov(f, i, BUF + 0x100 * i, 0x10);

	/* exactly iov_max iovecs is fine too */
	kick(f, 0);
	g_assert_cmpint(pop_max(f, QNUM), ==, 1);
	g_assert_cmpuint(f->elem.out_num + f->elem.in_num, ==, QNUM);
}

static void test_pop_indirect(Fx *f, gconstpointer data)
{
	/* table order 0 -> 2 -> 1 -> 3: R, R, W, W (one W spans A/B) */
	set_desc(f, ITAB, 0, BUF, 0x30, R | N, 2);
	set_desc(f, ITAB, 2, GPA_C + 0x4000, 0x10, R | N, 1);
	set_desc(f, ITAB, 1, GPA_B - 8, 0x18, W | N, 3);
	set_desc(f, ITAB, 3, BUF + 0x800, 0x400, W, 0);
	/* the WRITE flag of the indirect descriptor itself is ignored */
	set_desc(f, DESC, 6, ITAB, 4 * 16, I | W, 0);
	kick(f, 6);
	g_assert_cmpint(pop(f), ==, 1);
	g_assert_cmpuint(f->elem.head, ==, 6);
	g_assert_cmpuint(f->elem.out_num, ==, 2);
	g_assert_cmpuint(f->elem.in_num, ==, 3);
	check_iov(f, 0, BUF, 0x30);
	check_iov(f, 1, GPA_C + 0x4000, 0x10);
	check_iov(f, 2, GPA_B - 8, 8);
	check_iov(f, 3, GPA_B, 0x10);
	check_iov(f, 4, BUF + 0x800, 0x400);

	/* an unaligned table of one descriptor, using its whole table */
	set_desc(f, ITAB + 0x203, 0, GPA_C + 0x10, 0x20, W, 0);
	set_desc(f, DESC, 1, ITAB + 0x203, 16, I, 0);
	kick(f, 1);
	g_assert_cmpint(pop(f), ==, 1);
	g_assert_cmpuint(f->elem.head, ==, 1);
	g_assert_cmpuint(f->elem.out_num, ==, 0);
	g_assert_cmpuint(f->elem.in_num, ==, 1);
	check_iov(f, 0, GPA_C + 0x10, 0x20);

	/* a table as long as the queue, chained through every entry */
	for (unsigned i = 0; i < QNUM; i++)
		set_desc(f, ITAB + 0x400, i, BUF + 0x40 * i, 0x40,
			 R | (i + 1 < QNUM ? N : 0), (uint16_t)(i + 1));
	set_desc(f, DESC, 7, ITAB + 0x400, QNUM * 16, I, 0);
	kick(f, 7);
	g_assert_cmpint(pop(f), ==, 1);
	g_assert_cmpuint(f->elem.out_num, ==, QNUM);
	g_assert_cmpuint(f->elem.in_num, ==, 0);
	check_iov(f, QNUM - 1, BUF + 0x40 * (QNUM - 1), 0x40);
	g_assert_false(f->q.broken);
}

static void test_bad_nested_indirect(Fx *f, gconstpointer data)
{
	set_desc(f, ITAB + 0x100, 0, BUF, 0x10, R, 0);
	set_desc(f, ITAB, 0, BUF, 0x10, R | N, 1);
	set_desc(f, ITAB, 1, ITAB + 0x100, 16, I, 0);
	set_desc(f, DESC, 3, ITAB, 32, I, 0);
	expect_broken(f, 3, "nested indirect table");
}

static void test_bad_nested_indirect_first(Fx *f, gconstpointer data)
{
	set_desc(f, ITAB + 0x100, 0, BUF, 0x10, R, 0);
	set_desc(f, ITAB, 0, ITAB + 0x100, 16, I, 0);
	set_desc(f, DESC, 3, ITAB, 16, I, 0);
	expect_broken(f, 3, "nested indirect table");
}

static void test_bad_indirect_with_next(Fx *f, gconstpointer data)
{
	set_desc(f, ITAB, 0, BUF, 0x10, R, 0);
	set_desc(f, DESC, 1, BUF, 0x10, R, 0);
	set_desc(f, DESC, 0, ITAB, 16, I | N, 1);
	expect_broken(f, 0, "indirect descriptor inside a chain");
}

static void test_bad_indirect_in_chain(Fx *f, gconstpointer data)
{
	set_desc(f, ITAB, 0, BUF, 0x10, R, 0);
	set_desc(f, DESC, 0, BUF, 0x10, R | N, 1);
	set_desc(f, DESC, 1, ITAB, 16, I, 0);
	expect_broken(f, 0, "indirect descriptor inside a chain");
}

static void test_bad_loop(Fx *f, gconstpointer data)
{
	/* 0 -> 1 -> 2 -> 0 ... */
	set_desc(f, DESC, 0, BUF, 0x10, R | N, 1);
	set_desc(f, DESC, 1, BUF, 0x10, R | N, 2);
	set_desc(f, DESC, 2, BUF, 0x10, R | N, 0);
	expect_broken(f, 0, "descriptor chain too long or looping");
}

static void test_bad_self_loop(Fx *f, gconstpointer data)
{
	/* a zero-length self-loop adds no iovecs: only the count stops it */
	set_desc(f, DESC, 5, BUF, 0, W | N, 5);
	expect_broken(f, 5, "descriptor chain too long or looping");
}

static void test_bad_indirect_loop(Fx *f, gconstpointer data)
{
	/* 0 -> 1 -> 2 -> 3 -> 1 ... in a four-entry table */
	set_desc(f, ITAB, 0, BUF, 0x10, R | N, 1);
	set_desc(f, ITAB, 1, BUF, 0x10, R | N, 2);
	set_desc(f, ITAB, 2, BUF, 0x10, R | N, 3);
	set_desc(f, ITAB, 3, BUF, 0x10, R | N, 1);
	set_desc(f, DESC, 0, ITAB, 64, I, 0);
	expect_broken(f, 0, "descriptor chain too long or looping");
}

static void test_bad_too_many_iovs(Fx *f, gconstpointer data)
{
	for (unsigned i = 0; i < 4; i++)
		set_desc(f, DESC, i, BUF + 0x100 * i, 0x10, R | (i < 3 ? N : 0),
			 (uint16_t)(i + 1));
	kick(f, 0);
	check_broken(f, pop_max(f, 3), "chain has too many buffers");
}

static void test_bad_too_many_iovs_split(Fx *f, gconstpointer data)
{
	/* one descriptor, but it spans two regions */
	set_desc(f, DESC, 0, GPA_B - 1, 2, W, 0);
	kick(f, 0);
	check_broken(f, pop_max(f, 1), "chain has too many buffers");
}

static void test_bad_indirect_too_long(Fx *f, gconstpointer data)
{
	for (unsigned i = 0; i <= QNUM; i++)
		set_desc(f, ITAB, i, BUF, 0x10, R | (i < QNUM ? N : 0),
			 (uint16_t)(i + 1));
	set_desc(f, DESC, 0, ITAB, (QNUM + 1) * 16, I, 0);
	expect_broken(f, 0, "bad indirect table size");
}

static void test_bad_read_after_write(Fx *f, gconstpointer data)
{
	set_desc(f, DESC, 0, BUF, 0x10, R | N, 1);
	set_desc(f, DESC, 1, BUF + 0x100, 0x10, W | N, 2);
	set_desc(f, DESC, 2, BUF + 0x200, 0x10, R, 0);
	expect_broken(f, 0, "readable descriptor after a writable one");
}

static void test_bad_read_after_write_indirect(Fx *f, gconstpointer data)
{
	set_desc(f, ITAB, 0, BUF + 0x100, 0x10, W | N, 1);
	set_desc(f, ITAB, 1, BUF + 0x200, 0x10, R, 0);
	set_desc(f, DESC, 0, ITAB, 32, I, 0);
	expect_broken(f, 0, "readable descriptor after a writable one");
}

/*
 * "No device-readable descriptor follows a writable one" holds even when the
 * writable one is empty and so adds no iovec.
 */
static void test_bad_read_after_empty_write(Fx *f, gconstpointer data)
{
	int r;

	set_desc(f, DESC, 0, BUF, 0x10, R | N, 1);
	set_desc(f, DESC, 1, BUF + 0x100, 0, W | N, 2);
	set_desc(f, DESC, 2, BUF + 0x200, 0x10, R, 0);
	kick(f, 0);
	r = pop(f);
	check_broken(f, r, "readable descriptor after a writable one");
}

/*
 * "Every buffer lies in guest memory" holds for an empty buffer too, though
 * it produces no iovec.
 */
static void test_bad_empty_buffer_outside(Fx *f, gconstpointer data)
{
	int r;

	set_desc(f, DESC, 0, GAP, 0, R, 0);
	kick(f, 0);
	r = pop(f);
	check_broken(f, r, "descriptor outside guest memory");
}

typedef struct {
	uint64_t addr;
	uint32_t len;
} BadBuf;

static const BadBuf bad_bufs[] = {
	{ 0, 0x10 },			      /* below all regions */
	{ GAP, 0x10 },			      /* in the gap */
	{ GPA_A - 0x8, 0x10 },		      /* starts before A */
	{ GPA_B + REG_SIZE - 0x8, 0x10 },     /* runs off B into the gap */
	{ GPA_C + REG_SIZE - 1, 2 },	      /* runs off the last region */
	{ GPA_A + 0x10, UINT32_MAX },	      /* huge, through A, B, gap */
	{ UINT64_MAX - 0xf, 0x20 },	      /* addr + len wraps */
	{ UINT64_MAX, 1 },		      /* addr + len wraps to 0 */
	{ UINT64_MAX - 0xf, 0x10 },	      /* ends at 2^64 */
};

static void test_bad_buffer_addr(Fx *f, gconstpointer data)
{
	for (unsigned k = 0; k < G_N_ELEMENTS(bad_bufs); k++) {
		for (unsigned w = 0; w < 2; w++) {
			/* as the first descriptor, and after a good one */
			for (unsigned second = 0; second < 2; second++) {
				uint16_t fl = w ? W : R;

				qsetup(f, QNUM, false, 0);
				if (second) {
					set_desc(f, DESC, 4, BUF, 0x10, R | N,
						 6);
					set_desc(f, DESC, 6, bad_bufs[k].addr,
						 bad_bufs[k].len, fl, 0);
				} else {
					set_desc(f, DESC, 4, bad_bufs[k].addr,
						 bad_bufs[k].len, fl, 0);
				}
				expect_broken(f, 4,
					      "descriptor outside guest memory");
			}
		}
	}
}

static void test_bad_head(Fx *f, gconstpointer data)
{
	set_desc(f, DESC, 0, BUF, 0x10, R, 0);
	kick(f, QNUM);
	g_assert_cmpint(pop(f), ==, -EPROTO);
	g_assert_cmpstr(f->q.broken_reason, ==, "head index out of range");
	g_assert_cmpuint(f->q.last_avail_idx, ==, 0);
	check_broken(f, -EPROTO, "head index out of range");

	qsetup(f, QNUM, false, 0);
	expect_broken(f, UINT16_MAX, "head index out of range");
}

static void test_bad_next(Fx *f, gconstpointer data)
{
	set_desc(f, DESC, 0, BUF, 0x10, R | N, QNUM);
	expect_broken(f, 0, "next index out of range");

	qsetup(f, QNUM, false, 0);
	set_desc(f, DESC, 0, BUF, 0x10, R | N, UINT16_MAX);
	expect_broken(f, 0, "next index out of range");

	/* in an indirect table the bound is the table's length */
	qsetup(f, QNUM, false, 0);
	set_desc(f, ITAB, 0, BUF, 0x10, R | N, 1);
	set_desc(f, ITAB, 1, BUF, 0x10, R | N, 2);
	set_desc(f, ITAB, 2, BUF, 0x10, R, 0);
	set_desc(f, DESC, 0, ITAB, 32, I, 0);
	expect_broken(f, 0, "next index out of range");
}

static void test_bad_avail_idx(Fx *f, gconstpointer data)
{
	/* exactly a full ring is fine */
	for (unsigned i = 0; i < QNUM; i++) {
		set_desc(f, DESC, i, BUF + 0x10 * i, 0x10, R, 0);
		kick(f, (uint16_t)i);
	}
	for (unsigned i = 0; i < QNUM; i++) {
		g_assert_cmpint(pop(f), ==, 1);
		g_assert_cmpuint(f->elem.head, ==, i);
	}
	g_assert_cmpint(pop(f), ==, 0);

	/* one more than the ring holds */
	qsetup(f, QNUM, false, 0);
	avail(f)->idx = QNUM + 1;
	g_assert_cmpint(pop(f), ==, -EPROTO);
	g_assert_cmpuint(f->q.last_avail_idx, ==, 0);
	check_broken(f, -EPROTO,
		     "avail index ran ahead by more than the queue size");

	/* the index going backwards looks like a jump of almost 2^16 */
	qsetup(f, QNUM, false, 100);
	avail(f)->idx = 99;
	check_broken(f, pop(f),
		     "avail index ran ahead by more than the queue size");

	/* far ahead across the 16-bit wrap */
	qsetup(f, QNUM, false, 65530);
	avail(f)->idx = (uint16_t)(65530 + QNUM + 1); /* 3 */
	check_broken(f, pop(f),
		     "avail index ran ahead by more than the queue size");
}

static void test_bad_indirect_len(Fx *f, gconstpointer data)
{
	static const uint32_t lens[] = { 0, 1, 8, 15, 17, 20, 24, 31, 33 };

	for (unsigned k = 0; k < G_N_ELEMENTS(lens); k++) {
		qsetup(f, QNUM, false, 0);
		set_desc(f, ITAB, 0, BUF, 0x10, R, 0);
		set_desc(f, ITAB, 1, BUF, 0x10, R, 0);
		set_desc(f, DESC, 2, ITAB, lens[k], I, 0);
		expect_broken(f, 2, "bad indirect table size");
	}
	/* far too long: must not be taken for a small one */
	qsetup(f, QNUM, false, 0);
	set_desc(f, DESC, 2, ITAB, UINT32_MAX & ~15u, I, 0);
	expect_broken(f, 2, "bad indirect table size");
}

static void test_bad_indirect_addr(Fx *f, gconstpointer data)
{
	static const uint64_t addrs[] = {
		0,			/* below all regions */
		GAP,			/* in the gap */
		GPA_B - 16,		/* spans the A/B boundary */
		GPA_C + REG_SIZE - 16,	/* runs off the last region */
		UINT64_MAX - 15,	/* wraps */
	};

	for (unsigned k = 0; k < G_N_ELEMENTS(addrs); k++) {
		qsetup(f, QNUM, false, 0);
		set_desc(f, DESC, 2, addrs[k], 32, I, 0);
		expect_broken(f, 2, "indirect table outside guest memory");
	}
}

/* ---- used ring --------------------------------------------------------- */

static void test_push(Fx *f, gconstpointer data)
{
	VirtqUsed *u = used(f);

	virtq_push(&f->q, 5, 100);
	g_assert_cmpuint(u->idx, ==, 1);
	g_assert_cmpuint(u->ring[0].id, ==, 5);
	g_assert_cmpuint(u->ring[0].len, ==, 100);
	virtq_push(&f->q, 0, 0);
	virtq_push(&f->q, QNUM - 1, UINT32_MAX);
	g_assert_cmpuint(u->idx, ==, 3);
	g_assert_cmpuint(u->ring[1].id, ==, 0);
	g_assert_cmpuint(u->ring[1].len, ==, 0);
	g_assert_cmpuint(u->ring[2].id, ==, QNUM - 1);
	g_assert_cmpuint(u->ring[2].len, ==, UINT32_MAX);
	g_assert_cmpuint(f->q.used_idx, ==, 3);
	/* wraps around the ring */
	for (unsigned i = 3; i < QNUM + 2; i++)
		virtq_push(&f->q, (uint16_t)i % QNUM, 1000 + i);
	g_assert_cmpuint(u->idx, ==, QNUM + 2);
	g_assert_cmpuint(u->ring[0].id, ==, 0);
	g_assert_cmpuint(u->ring[0].len, ==, 1000 + QNUM);
	g_assert_cmpuint(u->ring[1].id, ==, 1);
	g_assert_cmpuint(u->ring[1].len, ==, 1001 + QNUM);
	g_assert_cmpuint(u->ring[2].len, ==, UINT32_MAX);
}

/* Pop and push across the 16-bit index wrap, base 65534, queue of 4. */
static void test_wrap(Fx *f, gconstpointer data)
{
	VirtqUsed *u;
	static const uint16_t heads[] = { 3, 1, 0, 2, 1 };

	qsetup(f, 4, false, 65534);
	u = used(f);
	for (unsigned i = 0; i < 4; i++)
		set_desc(f, DESC, i, BUF + 0x100 * i, 0x10 + i, W, 0);
	for (unsigned k = 0; k < G_N_ELEMENTS(heads); k++) {
		uint16_t idx = (uint16_t)(65534 + k);

		kick(f, heads[k]);
		g_assert_cmpuint(avail(f)->ring[idx % 4], ==, heads[k]);
		g_assert_cmpint(pop(f), ==, 1);
		g_assert_cmpuint(f->elem.head, ==, heads[k]);
		g_assert_cmpuint(f->elem.in_num, ==, 1);
		check_iov(f, 0, BUF + 0x100 * heads[k], 0x10 + heads[k]);
		g_assert_cmpuint(f->q.last_avail_idx, ==, (uint16_t)(idx + 1));
		g_assert_cmpint(pop(f), ==, 0);

		virtq_push(&f->q, f->elem.head, 7 * k);
		g_assert_cmpuint(u->idx, ==, (uint16_t)(idx + 1));
		g_assert_cmpuint(u->ring[idx % 4].id, ==, heads[k]);
		g_assert_cmpuint(u->ring[idx % 4].len, ==, 7 * k);
	}
	g_assert_cmpuint(u->idx, ==, 3);

	/* a full ring spanning the wrap */
	qsetup(f, 4, false, 65533);
	for (unsigned i = 0; i < 4; i++)
		set_desc(f, DESC, i, BUF + 0x100 * i, 0x10, R, 0);
	for (unsigned k = 0; k < 4; k++)
		kick(f, (uint16_t)k);
	g_assert_cmpuint(avail(f)->idx, ==, 1);
	for (unsigned k = 0; k < 4; k++) {
		g_assert_cmpint(pop(f), ==, 1);
		g_assert_cmpuint(f->elem.head, ==, k);
	}
	g_assert_cmpint(pop(f), ==, 0);
	g_assert_false(f->q.broken);
}

/* ---- notifications ------------------------------------------------------ */

static void test_need_event(void)
{
	static const struct {
		uint16_t event, new_idx, old;
		bool want;
	} cases[] = {
		{ 0, 1, 0, true },	      { 0, 0, 0, false },
		{ 1, 1, 0, false },	      { 4, 5, 2, true },
		{ 2, 5, 2, true },	      { 1, 5, 2, false },
		{ 5, 5, 2, false },	      { 6, 5, 2, false },
		{ 65535, 0, 65535, true },    { 65535, 1, 65534, true },
		{ 0, 1, 65534, true },	      { 1, 1, 65534, false },
		{ 65533, 1, 65534, false },   { 100, 101, 100, true },
		{ 99, 101, 100, false },      { 0, 65535, 0, true },
		{ 65534, 65535, 0, true },    { 65535, 65535, 0, false },
	};

	for (unsigned k = 0; k < G_N_ELEMENTS(cases); k++) {
		if (g_test_verbose())
			g_test_message("event %u new %u old %u",
				       cases[k].event, cases[k].new_idx,
				       cases[k].old);
		g_assert_cmpint(virtq_need_event(cases[k].event,
						 cases[k].new_idx,
						 cases[k].old),
				==, cases[k].want);
	}
}

static void test_notify_no_event_idx(Fx *f, gconstpointer data)
{
	/* the driver's flag decides, every time */
	g_assert_true(virtq_should_notify(&f->q));
	g_assert_true(virtq_should_notify(&f->q));
	virtq_push(&f->q, 0, 1);
	g_assert_true(virtq_should_notify(&f->q));
	avail(f)->flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
	virtq_push(&f->q, 1, 1);
	g_assert_false(virtq_should_notify(&f->q));
	g_assert_false(virtq_should_notify(&f->q));
	avail(f)->flags = 0xfffe;
	g_assert_true(virtq_should_notify(&f->q));
	/* used_event is ignored without EVENT_IDX */
	avail(f)->flags = 0;
	*used_event(f) = 0x1234;
	g_assert_true(virtq_should_notify(&f->q));

	/* enable_notify clears NO_NOTIFY only, and leaves avail_event */
	used(f)->flags = 0x8000 | VIRTQ_USED_F_NO_NOTIFY;
	*avail_event(f) = 0x4242;
	g_assert_false(virtq_enable_notify(&f->q));
	g_assert_cmphex(used(f)->flags, ==, 0x8000);
	g_assert_cmphex(*avail_event(f), ==, 0x4242);
	set_desc(f, DESC, 0, BUF, 1, R, 0);
	kick(f, 0);
	used(f)->flags = VIRTQ_USED_F_NO_NOTIFY;
	g_assert_true(virtq_enable_notify(&f->q));
	g_assert_cmphex(used(f)->flags, ==, 0);
	g_assert_cmpint(pop(f), ==, 1);
	g_assert_false(virtq_enable_notify(&f->q));
}

static void test_notify_event_idx(Fx *f, gconstpointer data)
{
	qsetup(f, QNUM, true, 0);
	/* NO_INTERRUPT is ignored with EVENT_IDX */
	avail(f)->flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
	*used_event(f) = 1000;

	/* the first decision is always yes */
	g_assert_true(virtq_should_notify(&f->q));
	g_assert_true(f->q.signalled_used_valid);
	g_assert_cmpuint(f->q.signalled_used, ==, 0);
	/* nothing pushed since: no */
	*used_event(f) = 0;
	g_assert_false(virtq_should_notify(&f->q));

	/* push 0 -> 1 with used_event 0: crossed */
	virtq_push(&f->q, 0, 1);
	g_assert_true(virtq_should_notify(&f->q));
	/* consumed */
	g_assert_false(virtq_should_notify(&f->q));

	/* 1 -> 3: notify iff used_event is 1 or 2 */
	for (unsigned ev = 0; ev < 5; ev++) {
		qsetup(f, QNUM, true, 0);
		virtq_push(&f->q, 0, 1);
		g_assert_true(virtq_should_notify(&f->q)); /* first */
		virtq_push(&f->q, 1, 1);
		virtq_push(&f->q, 2, 1);
		*used_event(f) = (uint16_t)ev;
		g_assert_cmpint(virtq_should_notify(&f->q), ==,
				ev == 1 || ev == 2);
		g_assert_cmpuint(f->q.signalled_used, ==, 3);
	}

	/* across the 16-bit wrap: 65535 -> 1 */
	for (unsigned ev = 65533; ev < 65536 + 3; ev++) {
		qsetup(f, QNUM, true, 65534);
		virtq_push(&f->q, 0, 1);
		g_assert_true(virtq_should_notify(&f->q));
		virtq_push(&f->q, 1, 1);
		virtq_push(&f->q, 2, 1);
		g_assert_cmpuint(used(f)->idx, ==, 1);
		*used_event(f) = (uint16_t)ev;
		g_assert_cmpint(virtq_should_notify(&f->q), ==,
				ev == 65535 || ev == 65536);
	}

	/* the driver keeps asking for every element */
	qsetup(f, QNUM, true, 0);
	g_assert_true(virtq_should_notify(&f->q));
	for (unsigned i = 0; i < 3 * QNUM; i++) {
		*used_event(f) = (uint16_t)i;
		virtq_push(&f->q, (uint16_t)(i % QNUM), 1);
		g_assert_true(virtq_should_notify(&f->q));
		g_assert_false(virtq_should_notify(&f->q));
	}
}

static void test_enable_notify_event_idx(Fx *f, gconstpointer data)
{
	qsetup(f, QNUM, true, 500);
	used(f)->flags = VIRTQ_USED_F_NO_NOTIFY;
	*avail_event(f) = 0;
	g_assert_false(virtq_enable_notify(&f->q));
	g_assert_cmpuint(*avail_event(f), ==, 500);
	/* flags are not touched with EVENT_IDX */
	g_assert_cmphex(used(f)->flags, ==, VIRTQ_USED_F_NO_NOTIFY);

	set_desc(f, DESC, 0, BUF, 1, R, 0);
	kick(f, 0);
	kick(f, 0);
	g_assert_true(virtq_enable_notify(&f->q));
	g_assert_cmpuint(*avail_event(f), ==, 500);
	g_assert_cmpint(pop(f), ==, 1);
	g_assert_true(virtq_enable_notify(&f->q));
	g_assert_cmpuint(*avail_event(f), ==, 501);
	g_assert_cmpint(pop(f), ==, 1);
	g_assert_false(virtq_enable_notify(&f->q));
	g_assert_cmpuint(*avail_event(f), ==, 502);

	/* a broken queue writes nothing */
	kick(f, QNUM);
	g_assert_cmpint(pop(f), ==, -EPROTO);
	*avail_event(f) = 7;
	g_assert_false(virtq_enable_notify(&f->q));
	g_assert_cmpuint(*avail_event(f), ==, 7);
}

#define FX_TEST(path, fn)                                                    \
	g_test_add("/" path, Fx, NULL, fx_setup, fn, fx_teardown)

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	/* TEST_LOG=trace exercises every log statement */
	vlog_setup(g_strcmp0(g_getenv("TEST_LOG"), "trace") == 0 ? VLOG_TRACE
								  : VLOG_ERROR,
		   VLOG_TARGET_STDERR, VLOG_TARGET_STDERR);
	/* a looping chain must be caught, not spin forever */
	alarm(120);

	g_test_add_func("/transport/gmem/add-remove", test_gmem_add);
	g_test_add_func("/transport/gmem/full", test_gmem_full);
	FX_TEST("transport/gmem/translate", test_gmem_translate);
	FX_TEST("transport/virtq/init", test_init);
	FX_TEST("transport/virtq/pop/empty", test_pop_empty);
	FX_TEST("transport/virtq/pop/direct", test_pop_direct);
	FX_TEST("transport/virtq/pop/full-length", test_pop_full_length);
	FX_TEST("transport/virtq/pop/indirect", test_pop_indirect);
	FX_TEST("transport/virtq/bad/nested-indirect",
		test_bad_nested_indirect);
	FX_TEST("transport/virtq/bad/nested-indirect-first",
		test_bad_nested_indirect_first);
	FX_TEST("transport/virtq/bad/indirect-with-next",
		test_bad_indirect_with_next);
	FX_TEST("transport/virtq/bad/indirect-in-chain",
		test_bad_indirect_in_chain);
	FX_TEST("transport/virtq/bad/loop", test_bad_loop);
	FX_TEST("transport/virtq/bad/self-loop", test_bad_self_loop);
	FX_TEST("transport/virtq/bad/indirect-loop", test_bad_indirect_loop);
	FX_TEST("transport/virtq/bad/too-many-iovs", test_bad_too_many_iovs);
	FX_TEST("transport/virtq/bad/too-many-iovs-split",
		test_bad_too_many_iovs_split);
	FX_TEST("transport/virtq/bad/indirect-too-long",
		test_bad_indirect_too_long);
	FX_TEST("transport/virtq/bad/read-after-write",
		test_bad_read_after_write);
	FX_TEST("transport/virtq/bad/read-after-write-indirect",
		test_bad_read_after_write_indirect);
	FX_TEST("transport/virtq/bad/read-after-empty-write",
		test_bad_read_after_empty_write);
	FX_TEST("transport/virtq/bad/empty-buffer-outside",
		test_bad_empty_buffer_outside);
	FX_TEST("transport/virtq/bad/buffer-addr", test_bad_buffer_addr);
	FX_TEST("transport/virtq/bad/head", test_bad_head);
	FX_TEST("transport/virtq/bad/next", test_bad_next);
	FX_TEST("transport/virtq/bad/avail-idx", test_bad_avail_idx);
	FX_TEST("transport/virtq/bad/indirect-len", test_bad_indirect_len);
	FX_TEST("transport/virtq/bad/indirect-addr", test_bad_indirect_addr);
	FX_TEST("transport/virtq/used/push", test_push);
	FX_TEST("transport/virtq/used/wrap", test_wrap);
	g_test_add_func("/transport/virtq/notify/need-event", test_need_event);
	FX_TEST("transport/virtq/notify/no-event-idx",
		test_notify_no_event_idx);
	FX_TEST("transport/virtq/notify/event-idx", test_notify_event_idx);
	FX_TEST("transport/virtq/notify/enable-event-idx",
		test_enable_notify_event_idx);
	return g_test_run();
}
