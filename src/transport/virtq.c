/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtq.c - split virtqueue: chain walking, used ring, EVENT_IDX.  Knows
 * nothing of vhost-user messages, threads or FUSE.
 *
 * Memory ordering (the guest runs on other CPUs):
 * - avail->idx is loaded with acquire semantics, so the ring entries and
 *   descriptors read after it are at least as new as the index;
 * - a used element is stored before used->idx is published with release
 *   semantics;
 * - before reading used_event (or avail->flags) to decide on a
 *   notification, and before re-reading avail->idx after publishing
 *   avail_event, a full barrier orders our store against the guest's.
 *
 * Rules enforced on guest input (any violation marks the queue broken):
 * head index < queue size; avail->idx never runs more than the queue size
 * ahead of us; a chain has at most as many descriptors as its table (which
 * also catches loops); an indirect descriptor is only the head of a chain,
 * never combined with NEXT, its table is a multiple of 16 bytes, no longer
 * than the queue size, inside one guest memory region, and does not nest;
 * no device-readable descriptor follows a writable one; every buffer lies in
 * guest memory; at most elem->iov_max iovecs per chain.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "shared/log.h"
#include "shared/util.h"
#include "transport/virtq.h"

#define load_acquire(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define load_relaxed(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define store_release(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define store_relaxed(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define smp_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)

static size_t desc_size(unsigned num)
{
	return 16u * (size_t)num;
}

static size_t avail_size(unsigned num)
{
	return 4 + 2 * (size_t)num + 2;
}

static size_t used_size(unsigned num)
{
	return 4 + 8 * (size_t)num + 2;
}

int virtq_init(Virtq *q, const Gmem *mem, unsigned num, uint64_t desc_uaddr,
	       uint64_t avail_uaddr, uint64_t used_uaddr, bool event_idx,
	       uint16_t last_avail_idx)
{
	void *d, *a, *u;

	if (num == 0 || num > 32768)
		return -EINVAL;
	if ((desc_uaddr & 15) || (avail_uaddr & 1) || (used_uaddr & 3))
		return -EINVAL;
	d = gmem_uaddr_to_host(mem, desc_uaddr, desc_size(num));
	a = gmem_uaddr_to_host(mem, avail_uaddr, avail_size(num));
	u = gmem_uaddr_to_host(mem, used_uaddr, used_size(num));
	if (!d || !a || !u)
		return -EFAULT;
	memset(q, 0, sizeof(*q));
	q->mem = mem;
	q->num = num;
	q->desc = d;
	q->avail = a;
	q->used = u;
	q->event_idx = event_idx;
	q->last_avail_idx = last_avail_idx;
	/* vhost-user gives one base for both rings; in-flight chains from a
	 * previous backend are not tracked (no INFLIGHT_SHMFD). */
	q->used_idx = last_avail_idx;
	return 0;
}

static int broken(Virtq *q, const char *why)
{
	q->broken = true;
	q->broken_reason = why;
	vlog_debug("virtqueue broken: %s", why);
	return -EPROTO;
}

/* Add one descriptor's buffer to @elem.  @seen_write tracks writable
 * descriptors, which a zero-length one does not show in @elem->in_num. */
static int map_desc(Virtq *q, VirtqElem *elem, const VirtqDesc *d,
		    bool *seen_write)
{
	unsigned used = elem->out_num + elem->in_num;
	bool writable = d->flags & VIRTQ_DESC_F_WRITE;
	unsigned n = 0;
	int r;

	if (!writable && *seen_write)
		return broken(q, "readable descriptor after a writable one");
	*seen_write |= writable;
	r = gmem_gpa_to_iov(q->mem, d->addr, d->len, elem->iov + used,
			    elem->iov_max - used, &n);
	if (r == -E2BIG)
		return broken(q, "chain has too many buffers");
	if (r < 0)
		return broken(q, "descriptor outside guest memory");
	if (writable)
		elem->in_num += n;
	else
		elem->out_num += n;
	return 0;
}

static void read_desc(VirtqDesc *dst, const VirtqDesc *src)
{
	/* one copy, then only the copy is validated and used; the indirect
	 * table may be unaligned, hence memcpy */
	memcpy(dst, src, sizeof(*dst));
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
}

int virtq_pop(Virtq *q, VirtqElem *elem)
{
	const VirtqDesc *table = q->desc;
	unsigned max = q->num, count = 0, i;
	bool indirect = false, seen_write = false;
	uint16_t avail_idx, head;

	if (q->broken)
		return -EPROTO;
	avail_idx = load_acquire(&q->avail->idx);
	if ((uint16_t)(avail_idx - q->last_avail_idx) > q->num)
		return broken(q, "avail index ran ahead by more than the queue size");
	if (avail_idx == q->last_avail_idx)
		return 0;
	head = load_relaxed(&q->avail->ring[q->last_avail_idx % q->num]);
	if (head >= q->num)
		return broken(q, "head index out of range");
	q->last_avail_idx++;

	elem->head = head;
	elem->out_num = 0;
	elem->in_num = 0;
	i = head;
	for (;;) {
		VirtqDesc d;
		int r;

		if (++count > max)
			return broken(q, "descriptor chain too long or looping");
		read_desc(&d, &table[i]);
		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			if (indirect)
				return broken(q, "nested indirect table");
			if (count != 1 || (d.flags & VIRTQ_DESC_F_NEXT))
				return broken(q, "indirect descriptor inside a chain");
			if (d.len == 0 || d.len % sizeof(VirtqDesc) ||
			    d.len / sizeof(VirtqDesc) > q->num)
				return broken(q, "bad indirect table size");
			table = gmem_gpa_to_host(q->mem, d.addr, d.len);
			if (!table)
				return broken(q, "indirect table outside guest memory");
			indirect = true;
			max = d.len / sizeof(VirtqDesc);
			count = 0;
			i = 0;
			continue;
		}
		r = map_desc(q, elem, &d, &seen_write);
		if (r < 0)
			return r;
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			break;
		i = d.next;
		if (i >= max)
			return broken(q, "next index out of range");
	}
	return 1;
}

void virtq_push(Virtq *q, uint16_t head, uint32_t len)
{
	VirtqUsedElem *e = &q->used->ring[q->used_idx % q->num];

	store_relaxed(&e->id, (uint32_t)head);
	store_relaxed(&e->len, len);
	q->used_idx++;
	/* the element must be visible before the index */
	store_release(&q->used->idx, q->used_idx);
}

bool virtq_should_notify(Virtq *q)
{
	uint16_t old, new_idx, event;
	bool valid;

	/* our used->idx store must be ordered before the load of the
	 * driver's used_event / flags */
	smp_mb();
	if (!q->event_idx)
		return !(load_relaxed(&q->avail->flags) &
			 VIRTQ_AVAIL_F_NO_INTERRUPT);
	old = q->signalled_used;
	valid = q->signalled_used_valid;
	new_idx = q->used_idx;
	q->signalled_used = new_idx;
	q->signalled_used_valid = true;
	if (!valid)
		return true;
	if (old == new_idx)
		return false;
	event = load_relaxed(&q->avail->ring[q->num]); /* used_event */
	return virtq_need_event(event, new_idx, old);
}

bool virtq_enable_notify(Virtq *q)
{
	if (q->broken)
		return false;
	if (q->event_idx) {
		/* avail_event lives after the used ring */
		uint16_t *avail_event = (uint16_t *)&q->used->ring[q->num];
		store_relaxed(avail_event, q->last_avail_idx);
	} else {
		uint16_t f = load_relaxed(&q->used->flags);
		store_relaxed(&q->used->flags,
			      (uint16_t)(f & ~VIRTQ_USED_F_NO_NOTIFY));
	}
	/* publish before re-reading the driver's index */
	smp_mb();
	return load_acquire(&q->avail->idx) != q->last_avail_idx;
}
