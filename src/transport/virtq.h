/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtq.h - the split virtqueue in guest memory: popping descriptor chains
 * (direct and indirect) into iovec arrays, pushing used elements and
 * deciding when the driver wants a notification (EVENT_IDX).  Knows nothing
 * of vhost-user messages, threads or FUSE.
 *
 * All ring contents are written by the guest concurrently and are untrusted:
 * every field is read once into a local copy and validated there.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "transport/gmem.h"

#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2
#define VIRTQ_DESC_F_INDIRECT 4

#define VIRTQ_USED_F_NO_NOTIFY 1
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1

typedef struct {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
} VirtqDesc;

typedef struct {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[]; /* num entries, then used_event */
} VirtqAvail;

typedef struct {
	uint32_t id;
	uint32_t len;
} VirtqUsedElem;

typedef struct {
	uint16_t flags;
	uint16_t idx;
	VirtqUsedElem ring[]; /* num entries, then avail_event */
} VirtqUsed;

/* One popped chain.  @iov is provided by the caller (preallocated). */
typedef struct {
	uint16_t head;	     /* id to push back */
	unsigned out_num;    /* iov[0 .. out_num): device-readable */
	unsigned in_num;     /* iov[out_num .. out_num + in_num): writable */
	struct iovec *iov;   /* room for VirtqElem.iov_max entries */
	unsigned iov_max;
} VirtqElem;

typedef struct {
	const Gmem *mem;	 /* the device's table; stable while in use */
	unsigned num;		 /* queue size, 1..32768 */
	VirtqDesc *desc;	 /* guest memory */
	VirtqAvail *avail;	 /* guest memory */
	VirtqUsed *used;	 /* guest memory */
	uint16_t last_avail_idx; /* next avail entry to pop */
	uint16_t used_idx;	 /* our copy of used->idx */
	uint16_t signalled_used; /* used idx at the last notification */
	bool signalled_used_valid;
	bool event_idx;		 /* VIRTIO_RING_F_EVENT_IDX negotiated */
	bool broken;		 /* the guest broke the ring; stop using it */
	const char *broken_reason; /* static string, set with broken */
} Virtq;

/**
 * virtq_init() - set up a queue over rings the frontend placed in guest
 * memory.
 * @q: the queue
 * @mem: the memory table (must stay valid while @q is used)
 * @num: queue size
 * @desc_uaddr, @avail_uaddr, @used_uaddr: ring addresses in the frontend's
 *	address space
 * @event_idx: whether VIRTIO_RING_F_EVENT_IDX was negotiated
 * @last_avail_idx: where to start popping (SET_VRING_BASE); the used index
 *	starts at the same value
 *
 * Return: 0; -EINVAL for a bad size or misaligned ring; -EFAULT if a ring
 * is not inside guest memory.
 */
int virtq_init(Virtq *q, const Gmem *mem, unsigned num, uint64_t desc_uaddr,
	       uint64_t avail_uaddr, uint64_t used_uaddr, bool event_idx,
	       uint16_t last_avail_idx);

/**
 * virtq_pop() - take the next available chain.
 * @q: the queue
 * @elem: filled in; @elem->iov and @elem->iov_max must be set
 *
 * Return: 1 if a chain was popped; 0 if the ring is empty; -EPROTO if the
 * guest broke the ring (the queue is then marked broken; the reason is
 * logged at debug level).
 */
int virtq_pop(Virtq *q, VirtqElem *elem);

/**
 * virtq_push() - return a chain to the driver through the used ring.
 * @q: the queue
 * @head: the chain's head id
 * @len: bytes written into the chain's writable buffers
 *
 * The element is written before the used index is published (release).
 */
void virtq_push(Virtq *q, uint16_t head, uint32_t len);

/**
 * virtq_should_notify() - after a batch of pushes: does the driver want an
 * interrupt?  With EVENT_IDX this consumes the decision (later calls say no
 * until more elements are pushed past used_event).
 * Return: true if the call eventfd should be signalled.
 */
bool virtq_should_notify(Virtq *q);

/**
 * virtq_enable_notify() - before sleeping on the kick eventfd: tell the
 * driver how far we have read (avail_event) and check the ring once more.
 * Return: true if more chains are available (do not sleep).
 */
bool virtq_enable_notify(Virtq *q);

/**
 * virtq_need_event() - the virtio ring's vring_need_event(): has the
 * index moved past @event_idx in the step from @old to @new_idx?
 */
static inline bool virtq_need_event(uint16_t event_idx, uint16_t new_idx,
				    uint16_t old)
{
	return (uint16_t)(new_idx - event_idx - 1) < (uint16_t)(new_idx - old);
}
