/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vu-dev.c - the vhost-user virtio-fs device: the message loop on the
 * connected socket, device and vring state, queue threads and the optional
 * worker pool.  Hands every chain to the VuReqHandler; knows nothing of FUSE.
 *
 * Threads and locking:
 * - The thread in vu_dev_serve() owns all device state (features, memory
 *   table, vring configuration).  It changes the memory table or a ring
 *   only while that ring's thread is stopped: every memory table change
 *   (SET_MEM_TABLE, ADD_MEM_REG, REM_MEM_REG) stops all running queues,
 *   waits for their in-flight chains, changes the table, translates the ring
 *   addresses again and restarts them.  So queue threads and workers read
 *   the table without a lock.
 * - Each started and enabled ring has one thread: it polls the kick eventfd
 *   and its stop eventfd, pops chains (only it touches the avail side) and
 *   either serves them inline or queues them to the worker pool.
 * - VuQueue.lock protects the used side of the ring, the call fd (which the
 *   frontend may replace while the ring runs) and the slot free list.
 * - Slots (a VirtqElem with VU_CHAIN_IOV_MAX iovecs) are allocated when a
 *   queue starts; no allocation per request.  In-flight chains per queue are
 *   bounded by the number of slots.
 *
 * A ring is started by SET_VRING_KICK (with an fd) and stopped by
 * GET_VRING_BASE.  It is enabled from the start unless
 * VHOST_USER_F_PROTOCOL_FEATURES was negotiated, in which case it waits for
 * SET_VRING_ENABLE.  It is processed while started and enabled.
 *
 * Unsupported requests (logging, postcopy, inflight, ...) are answered with
 * a failure if the frontend asked for a reply, logged, and the connection
 * continues: we never offer the features that would make them legitimate.
 * A kick with VHOST_USER_VRING_NOFD_MASK (polling) is refused likewise.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib.h>

#include "shared/log.h"
#include "shared/util.h"
#include "transport/gmem.h"
#include "transport/virtq.h"
#include "transport/vu-dev.h"
#include "transport/vu-msg.h"

/* In-flight chains per queue when a worker pool serves requests */
#define VU_POOL_SLOTS_PER_QUEUE 64u

#define VU_OFFERED_FEATURES                                                    \
	((1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_RING_F_INDIRECT_DESC) | \
	 (1ull << VIRTIO_RING_F_EVENT_IDX) |                                   \
	 (1ull << VHOST_USER_F_PROTOCOL_FEATURES))

typedef struct VuQueue VuQueue;

typedef struct {
	VuQueue *q;
	VirtqElem elem;
	struct iovec iov[VU_CHAIN_IOV_MAX];
} VuSlot;

struct VuQueue {
	VuDev *dev;
	unsigned idx;

	/* Frontend configuration; serve thread only. */
	unsigned num;		   /* 0 = not set */
	uint64_t desc_uaddr, avail_uaddr, used_uaddr;
	bool addr_set;
	uint16_t base;		   /* last avail idx while stopped */
	int kick_fd;		   /* owned; -1 = none (not started) */
	int err_fd;		   /* owned; never written */
	bool enabled;		   /* SET_VRING_ENABLE */

	/* Runtime. */
	bool running;		   /* thread exists; serve thread only */
	pthread_t thread;
	int stop_efd;		   /* owned; wakes the thread to stop */
	Virtq vq;		   /* avail side: queue thread; used: lock */

	pthread_mutex_t lock;
	pthread_cond_t slot_cond;  /* a slot was freed */
	int call_fd;		   /* owned; lock; -1 = no notifications */
	VuSlot *slots;		   /* nslots, allocated at start */
	unsigned nslots;
	VuSlot **free_slots;	   /* stack of nfree; lock */
	unsigned nfree;
};

struct VuDev {
	VuReqHandler handler;
	void *opaque;
	unsigned num_request_queues;
	unsigned pool_size;
	bool has_tag;
	uint8_t tag[VIRTIO_FS_TAG_LEN];

	/* Serve thread only. */
	uint64_t features;
	uint64_t pfeatures;
	Gmem mem;
	unsigned nq;
	VuQueue q[VU_FS_NUM_QUEUES_MAX];
	int backend_fd;		   /* owned; kept, never written */
	int broken_efd;		   /* a queue thread found a broken ring */

	VuDevStats stats;	   /* relaxed atomics */

	/* Worker pool (pool_size > 0), running during vu_dev_serve(). */
	pthread_t *workers;
	unsigned nworkers;
	pthread_mutex_t pool_lock;
	pthread_cond_t pool_cond;
	VuSlot **work;		   /* ring of work_cap; pool_lock */
	unsigned work_cap, work_head, work_count;
	bool pool_stop;		   /* pool_lock */
};

static void stat_inc(uint64_t *c)
{
	__atomic_fetch_add(c, 1, __ATOMIC_RELAXED);
}

static const char *req_name(uint32_t req)
{
	static const char *const names[VHOST_USER_MAX] = {
#define N(x) [VHOST_USER_##x] = #x
		N(NONE), N(GET_FEATURES), N(SET_FEATURES), N(SET_OWNER),
		N(RESET_OWNER), N(SET_MEM_TABLE), N(SET_LOG_BASE),
		N(SET_LOG_FD), N(SET_VRING_NUM), N(SET_VRING_ADDR),
		N(SET_VRING_BASE), N(GET_VRING_BASE), N(SET_VRING_KICK),
		N(SET_VRING_CALL), N(SET_VRING_ERR), N(GET_PROTOCOL_FEATURES),
		N(SET_PROTOCOL_FEATURES), N(GET_QUEUE_NUM),
		N(SET_VRING_ENABLE), N(SEND_RARP), N(NET_SET_MTU),
		N(SET_BACKEND_REQ_FD), N(IOTLB_MSG), N(SET_VRING_ENDIAN),
		N(GET_CONFIG), N(SET_CONFIG), N(CREATE_CRYPTO_SESSION),
		N(CLOSE_CRYPTO_SESSION), N(POSTCOPY_ADVISE),
		N(POSTCOPY_LISTEN), N(POSTCOPY_END), N(GET_INFLIGHT_FD),
		N(SET_INFLIGHT_FD), N(GPU_SET_SOCKET), N(RESET_DEVICE),
		N(VRING_KICK), N(GET_MAX_MEM_SLOTS), N(ADD_MEM_REG),
		N(REM_MEM_REG), N(SET_STATUS), N(GET_STATUS),
#undef N
	};
	G_STATIC_ASSERT(G_N_ELEMENTS(names) == VHOST_USER_MAX);
	if (req < VHOST_USER_MAX && names[req])
		return names[req];
	return "UNKNOWN";
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void eventfd_signal(int fd)
{
	uint64_t one = 1;
	ssize_t r;

	do
		r = write(fd, &one, sizeof(one));
	while (r < 0 && errno == EINTR);
}

static void eventfd_drain(int fd)
{
	uint64_t v;
	ssize_t r;

	do
		r = read(fd, &v, sizeof(v));
	while (r < 0 && errno == EINTR);
}

/* ---- queue threads and workers ---- */

/* Push a served chain and notify if the driver wants it; q->lock held. */
static void queue_complete_locked(VuQueue *q, VuSlot *s, uint32_t len,
				  bool notify)
{
	virtq_push(&q->vq, s->elem.head, len);
	stat_inc(&q->dev->stats.requests);
	if (notify && q->call_fd >= 0 && virtq_should_notify(&q->vq)) {
		eventfd_signal(q->call_fd);
		stat_inc(&q->dev->stats.notifications);
	}
}

/* Limit the reply length to what the chain can hold. */
static uint32_t clamp_len(const VirtqElem *e, uint32_t len)
{
	uint64_t room = 0;

	for (unsigned i = 0; i < e->in_num; i++)
		room += e->iov[e->out_num + i].iov_len;
	return len > room ? (uint32_t)room : len;
}

static uint32_t serve_slot(VuQueue *q, VuSlot *s)
{
	VirtqElem *e = &s->elem;
	uint32_t len = q->dev->handler(q->dev->opaque, q->idx, e->iov,
				       e->out_num, e->iov + e->out_num,
				       e->in_num);
	return clamp_len(e, len);
}

static void *pool_worker(void *arg)
{
	VuDev *dev = arg;

	for (;;) {
		VuSlot *s;
		VuQueue *q;
		uint32_t len;

		pthread_mutex_lock(&dev->pool_lock);
		while (!dev->work_count && !dev->pool_stop)
			pthread_cond_wait(&dev->pool_cond, &dev->pool_lock);
		if (!dev->work_count) {
			pthread_mutex_unlock(&dev->pool_lock);
			return NULL;
		}
		s = dev->work[dev->work_head];
		dev->work_head = (dev->work_head + 1) % dev->work_cap;
		dev->work_count--;
		pthread_mutex_unlock(&dev->pool_lock);

		q = s->q;
		len = serve_slot(q, s);
		pthread_mutex_lock(&q->lock);
		queue_complete_locked(q, s, len, true);
		q->free_slots[q->nfree++] = s;
		pthread_cond_signal(&q->slot_cond);
		pthread_mutex_unlock(&q->lock);
	}
}

static void pool_submit(VuDev *dev, VuSlot *s)
{
	pthread_mutex_lock(&dev->pool_lock);
	/* cannot overflow: work_cap is the total number of slots */
	dev->work[(dev->work_head + dev->work_count) % dev->work_cap] = s;
	dev->work_count++;
	pthread_cond_signal(&dev->pool_cond);
	pthread_mutex_unlock(&dev->pool_lock);
}

static bool stop_requested(VuQueue *q)
{
	struct pollfd p = { .fd = q->stop_efd, .events = POLLIN };
	return poll(&p, 1, 0) > 0;
}

/* Take a free slot, waiting for a worker; NULL if the queue must stop. */
static VuSlot *get_slot(VuQueue *q)
{
	VuSlot *s = NULL;

	pthread_mutex_lock(&q->lock);
	while (!q->nfree) {
		/* workers signal slot_cond; poll for stop between waits */
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 50 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&q->slot_cond, &q->lock, &ts);
		if (!q->nfree && stop_requested(q))
			goto out;
	}
	s = q->free_slots[--q->nfree];
out:
	pthread_mutex_unlock(&q->lock);
	return s;
}

/* Pop and serve everything available.  Return: 0, or -EPROTO. */
static int queue_drain(VuQueue *q)
{
	bool pooled = q->dev->pool_size > 0;
	unsigned done = 0;

	for (;;) {
		VuSlot *s = pooled ? get_slot(q) : &q->slots[0];
		int r;

		if (!s)
			return 0;
		r = virtq_pop(&q->vq, &s->elem);
		if (r <= 0) {
			if (pooled) {
				pthread_mutex_lock(&q->lock);
				q->free_slots[q->nfree++] = s;
				pthread_mutex_unlock(&q->lock);
			}
			if (!pooled && done) {
				pthread_mutex_lock(&q->lock);
				if (q->call_fd >= 0 &&
				    virtq_should_notify(&q->vq)) {
					eventfd_signal(q->call_fd);
					stat_inc(&q->dev->stats.notifications);
				}
				pthread_mutex_unlock(&q->lock);
			}
			return r;
		}
		if (pooled) {
			pool_submit(q->dev, s);
		} else {
			uint32_t len = serve_slot(q, s);
			pthread_mutex_lock(&q->lock);
			queue_complete_locked(q, s, len, false);
			pthread_mutex_unlock(&q->lock);
			done++;
		}
	}
}

static void *queue_thread(void *arg)
{
	VuQueue *q = arg;
	struct pollfd p[2] = {
		{ .fd = q->kick_fd, .events = POLLIN },
		{ .fd = q->stop_efd, .events = POLLIN },
	};

	for (;;) {
		int r = queue_drain(q);

		if (r < 0) {
			eventfd_signal(q->dev->broken_efd);
			break;
		}
		if (stop_requested(q))
			break;
		if (virtq_enable_notify(&q->vq))
			continue;
		r = poll(p, 2, -1);
		if (r < 0 && errno != EINTR)
			break;
		if (p[1].revents)
			break;
		if (p[0].revents & POLLIN) {
			eventfd_drain(q->kick_fd);
			stat_inc(&q->dev->stats.kicks);
		} else if (p[0].revents) {
			break; /* POLLERR/POLLNVAL on the kick fd */
		}
	}
	/* wait for the workers to give back every slot */
	if (q->dev->pool_size > 0) {
		pthread_mutex_lock(&q->lock);
		while (q->nfree < q->nslots)
			pthread_cond_wait(&q->slot_cond, &q->lock);
		pthread_mutex_unlock(&q->lock);
	}
	return NULL;
}

static bool queue_ready(VuDev *dev, VuQueue *q)
{
	bool enabled = q->enabled ||
		       !(dev->features & (1ull << VHOST_USER_F_PROTOCOL_FEATURES));
	return q->kick_fd >= 0 && q->num && q->addr_set && enabled &&
	       dev->mem.nregions;
}

static void queue_free_slots(VuQueue *q)
{
	g_free(q->slots);
	g_free(q->free_slots);
	q->slots = NULL;
	q->free_slots = NULL;
	q->nslots = q->nfree = 0;
}

/* Start the ring's thread if it is started, enabled and configured. */
static void queue_maybe_start(VuDev *dev, VuQueue *q)
{
	bool event_idx = dev->features & (1ull << VIRTIO_RING_F_EVENT_IDX);
	int r;

	if (q->running || !queue_ready(dev, q))
		return;
	r = virtq_init(&q->vq, &dev->mem, q->num, q->desc_uaddr, q->avail_uaddr,
		       q->used_uaddr, event_idx, q->base);
	if (r < 0) {
		vlog_warn("queue %u: rings not in guest memory, not starting",
			  q->idx);
		return;
	}
	q->nslots = dev->pool_size ? VFSD_MIN(q->num, VU_POOL_SLOTS_PER_QUEUE) : 1;
	q->slots = g_new0(VuSlot, q->nslots);
	q->free_slots = g_new0(VuSlot *, q->nslots);
	for (unsigned i = 0; i < q->nslots; i++) {
		q->slots[i].q = q;
		q->slots[i].elem.iov = q->slots[i].iov;
		q->slots[i].elem.iov_max = VU_CHAIN_IOV_MAX;
		q->free_slots[i] = &q->slots[i];
	}
	q->nfree = q->nslots;
	r = pthread_create(&q->thread, NULL, queue_thread, q);
	if (r) {
		vlog_error("queue %u: cannot start thread: %s", q->idx,
			   g_strerror(r));
		queue_free_slots(q);
		return;
	}
	q->running = true;
	vlog_debug("queue %u started (size %u, base %u)", q->idx, q->num,
		   q->base);
}

static void queue_stop(VuQueue *q)
{
	if (!q->running)
		return;
	eventfd_signal(q->stop_efd);
	pthread_join(q->thread, NULL);
	eventfd_drain(q->stop_efd);
	q->running = false;
	q->base = q->vq.last_avail_idx;
	queue_free_slots(q);
	vlog_debug("queue %u stopped at %u", q->idx, q->base);
}

static void queue_reset(VuQueue *q)
{
	queue_stop(q);
	q->num = 0;
	q->addr_set = false;
	q->base = 0;
	q->enabled = false;
	close_fd(&q->kick_fd);
	close_fd(&q->err_fd);
	pthread_mutex_lock(&q->lock);
	close_fd(&q->call_fd);
	pthread_mutex_unlock(&q->lock);
}

static void stop_all(VuDev *dev)
{
	for (unsigned i = 0; i < dev->nq; i++)
		queue_stop(&dev->q[i]);
}

static void start_all(VuDev *dev)
{
	for (unsigned i = 0; i < dev->nq; i++)
		queue_maybe_start(dev, &dev->q[i]);
}

/* ---- message handlers ---- */

/* What a handler tells the loop. */
typedef struct {
	VhostUserMsg *msg;
	int *fds;	/* received fds; a handler takes one by setting -1 */
	unsigned nfds;
	bool reply;	/* msg holds a reply to send */
} VuCtx;

static void reply_u64(VuCtx *c, uint64_t v)
{
	c->msg->hdr.size = sizeof(uint64_t);
	c->msg->payload.u64 = v;
	c->reply = true;
}

static int take_fd(VuCtx *c)
{
	int fd;

	if (c->nfds != 1)
		return -1;
	fd = c->fds[0];
	c->fds[0] = -1;
	return fd;
}

static VuQueue *get_queue(VuDev *dev, uint32_t idx)
{
	return idx < dev->nq ? &dev->q[idx] : NULL;
}

static int vu_handle_get_features(VuDev *dev, VuCtx *c)
{
	(void)dev;
	reply_u64(c, VU_OFFERED_FEATURES);
	return 0;
}

static int vu_handle_set_features(VuDev *dev, VuCtx *c)
{
	uint64_t f = c->msg->payload.u64;

	if (f & ~VU_OFFERED_FEATURES) {
		vlog_warn("frontend set features %#" PRIx64
			  " that were not offered", f);
		return -EINVAL;
	}
	dev->features = f;
	vlog_debug("features %#" PRIx64, f);
	return 0;
}

static uint64_t offered_pfeatures(VuDev *dev)
{
	uint64_t pf = (1ull << VHOST_USER_PROTOCOL_F_MQ) |
		      (1ull << VHOST_USER_PROTOCOL_F_REPLY_ACK) |
		      (1ull << VHOST_USER_PROTOCOL_F_BACKEND_REQ) |
		      (1ull << VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS) |
		      (1ull << VHOST_USER_PROTOCOL_F_RESET_DEVICE);
	if (dev->has_tag)
		pf |= 1ull << VHOST_USER_PROTOCOL_F_CONFIG;
	return pf;
}

static int vu_handle_get_protocol_features(VuDev *dev, VuCtx *c)
{
	reply_u64(c, offered_pfeatures(dev));
	return 0;
}

static int vu_handle_set_protocol_features(VuDev *dev, VuCtx *c)
{
	/* bits we don't know are ignored, like other backends do */
	dev->pfeatures = c->msg->payload.u64 & offered_pfeatures(dev);
	vlog_debug("protocol features %#" PRIx64, dev->pfeatures);
	return 0;
}

static int vu_handle_set_owner(VuDev *dev, VuCtx *c)
{
	(void)dev;
	(void)c;
	return 0;
}

static void reset_rings(VuDev *dev)
{
	for (unsigned i = 0; i < dev->nq; i++)
		queue_reset(&dev->q[i]);
}

static int vu_handle_reset_owner(VuDev *dev, VuCtx *c)
{
	(void)c;
	reset_rings(dev);
	close_fd(&dev->backend_fd);
	dev->features = 0;
	return 0;
}

static int vu_handle_reset_device(VuDev *dev, VuCtx *c)
{
	(void)c;
	reset_rings(dev);
	return 0;
}

static int vu_handle_get_queue_num(VuDev *dev, VuCtx *c)
{
	reply_u64(c, dev->nq);
	return 0;
}

static int vu_handle_get_max_mem_slots(VuDev *dev, VuCtx *c)
{
	(void)dev;
	reply_u64(c, VHOST_USER_MAX_RAM_SLOTS);
	return 0;
}

static void log_region(const char *what, const VhostUserMemRegion *r)
{
	vlog_debug("%s gpa %#" PRIx64 " size %#" PRIx64 " uaddr %#" PRIx64
		   " offset %#" PRIx64, what, r->guest_phys_addr, r->memory_size,
		   r->userspace_addr, r->mmap_offset);
}

static int vu_handle_set_mem_table(VuDev *dev, VuCtx *c)
{
	const VhostUserMemory *m = &c->msg->payload.memory;
	uint32_t n;
	int r = 0;

	if (c->msg->hdr.size < VHOST_USER_MEM_HDR_SIZE)
		return -EPROTO;
	n = m->nregions;
	if (n == 0 || n > VHOST_MEMORY_BASELINE_NREGIONS ||
	    c->msg->hdr.size != VHOST_USER_MEM_HDR_SIZE + n * sizeof(VhostUserMemRegion) ||
	    c->nfds != n)
		return -EPROTO;
	stop_all(dev);
	gmem_clear(&dev->mem);
	for (uint32_t i = 0; i < n; i++) {
		const VhostUserMemRegion *reg = &m->regions[i];
		int fd = c->fds[i];

		c->fds[i] = -1;
		log_region("region", reg);
		if (r == 0)
			r = gmem_add_region(&dev->mem, reg->guest_phys_addr,
					    reg->memory_size, reg->userspace_addr,
					    reg->mmap_offset, fd);
		else
			close(fd);
	}
	if (r < 0) {
		vlog_warn("cannot map guest memory: %s", g_strerror(-r));
		gmem_clear(&dev->mem);
	}
	start_all(dev);
	return r;
}

static int vu_handle_add_mem_reg(VuDev *dev, VuCtx *c)
{
	const VhostUserMemRegion *reg = &c->msg->payload.memreg.region;
	int fd = take_fd(c);
	int r;

	if (fd < 0)
		return -EPROTO;
	log_region("add region", reg);
	stop_all(dev);
	r = gmem_add_region(&dev->mem, reg->guest_phys_addr, reg->memory_size,
			    reg->userspace_addr, reg->mmap_offset, fd);
	if (r < 0)
		vlog_warn("cannot add guest memory region: %s", g_strerror(-r));
	start_all(dev);
	return r;
}

static int vu_handle_rem_mem_reg(VuDev *dev, VuCtx *c)
{
	const VhostUserMemRegion *reg = &c->msg->payload.memreg.region;
	int r;

	/* the frontend may send the region's fd along; it is closed */
	log_region("remove region", reg);
	stop_all(dev);
	r = gmem_remove_region(&dev->mem, reg->guest_phys_addr,
			       reg->memory_size);
	start_all(dev);
	return r;
}

static int vu_handle_set_vring_num(VuDev *dev, VuCtx *c)
{
	const VhostUserVringState *st = &c->msg->payload.state;
	VuQueue *q = get_queue(dev, st->index);

	/* Split virtqueues come in powers of two (virtio 1.x, 2.7). */
	if (!q || st->num == 0 || st->num > VU_QUEUE_SIZE_MAX ||
	    (st->num & (st->num - 1)))
		return -EINVAL;
	queue_stop(q);
	q->num = st->num;
	queue_maybe_start(dev, q);
	return 0;
}

static int vu_handle_set_vring_addr(VuDev *dev, VuCtx *c)
{
	const VhostUserVringAddr *a = &c->msg->payload.addr;
	VuQueue *q = get_queue(dev, a->index);

	if (!q)
		return -EINVAL;
	if (a->flags & (1u << VHOST_VRING_F_LOG))
		return -EINVAL; /* dirty logging is not offered */
	if (dev->mem.nregions && q->num) {
		Virtq probe;
		if (virtq_init(&probe, &dev->mem, q->num, a->desc_user_addr,
			       a->avail_user_addr, a->used_user_addr, false,
			       0) < 0)
			return -EINVAL;
	}
	queue_stop(q);
	q->desc_uaddr = a->desc_user_addr;
	q->avail_uaddr = a->avail_user_addr;
	q->used_uaddr = a->used_user_addr;
	q->addr_set = true;
	queue_maybe_start(dev, q);
	return 0;
}

static int vu_handle_set_vring_base(VuDev *dev, VuCtx *c)
{
	const VhostUserVringState *st = &c->msg->payload.state;
	VuQueue *q = get_queue(dev, st->index);

	if (!q || st->num > UINT16_MAX)
		return -EINVAL;
	queue_stop(q);
	q->base = (uint16_t)st->num;
	queue_maybe_start(dev, q);
	return 0;
}

static int vu_handle_get_vring_base(VuDev *dev, VuCtx *c)
{
	VhostUserVringState *st = &c->msg->payload.state;
	VuQueue *q = get_queue(dev, st->index);

	if (!q)
		return -EPROTO; /* the frontend waits for a reply we can't give */
	queue_stop(q);
	/* the ring is stopped: a new SET_VRING_KICK starts it again */
	close_fd(&q->kick_fd);
	st->num = q->base;
	c->msg->hdr.size = sizeof(*st);
	c->reply = true;
	return 0;
}

/* Common part of SET_VRING_KICK/CALL/ERR: the queue and the new fd. */
static int vring_fd_msg(VuDev *dev, VuCtx *c, VuQueue **ret_q, int *ret_fd)
{
	uint64_t v = c->msg->payload.u64;
	VuQueue *q = get_queue(dev, (uint32_t)(v & VHOST_USER_VRING_IDX_MASK));
	int fd = -1;

	if (!q || (v & ~(VHOST_USER_VRING_IDX_MASK | VHOST_USER_VRING_NOFD_MASK)))
		return -EINVAL;
	if (!(v & VHOST_USER_VRING_NOFD_MASK)) {
		fd = take_fd(c);
		if (fd < 0)
			return -EPROTO;
	} else if (c->nfds) {
		return -EPROTO;
	}
	*ret_q = q;
	*ret_fd = fd;
	return 0;
}

static int vu_handle_set_vring_kick(VuDev *dev, VuCtx *c)
{
	VuQueue *q;
	int fd, r = vring_fd_msg(dev, c, &q, &fd);

	if (r < 0)
		return r;
	queue_stop(q);
	close_fd(&q->kick_fd);
	if (fd < 0) {
		vlog_warn("queue %u: polling mode (no kick fd) is not supported",
			  q->idx);
		return -EINVAL;
	}
	q->kick_fd = fd;
	queue_maybe_start(dev, q);
	return 0;
}

static int vu_handle_set_vring_call(VuDev *dev, VuCtx *c)
{
	VuQueue *q;
	int old, fd, r = vring_fd_msg(dev, c, &q, &fd);

	if (r < 0)
		return r;
	pthread_mutex_lock(&q->lock);
	old = q->call_fd;
	q->call_fd = fd;
	pthread_mutex_unlock(&q->lock);
	close_fd(&old);
	return 0;
}

static int vu_handle_set_vring_err(VuDev *dev, VuCtx *c)
{
	VuQueue *q;
	int fd, r = vring_fd_msg(dev, c, &q, &fd);

	if (r < 0)
		return r;
	close_fd(&q->err_fd);
	q->err_fd = fd;
	return 0;
}

static int vu_handle_set_vring_enable(VuDev *dev, VuCtx *c)
{
	const VhostUserVringState *st = &c->msg->payload.state;
	VuQueue *q = get_queue(dev, st->index);

	if (!q || st->num > 1)
		return -EINVAL;
	q->enabled = st->num;
	if (q->enabled)
		queue_maybe_start(dev, q);
	else if (dev->features & (1ull << VHOST_USER_F_PROTOCOL_FEATURES))
		queue_stop(q);
	return 0;
}

static int vu_handle_set_backend_req_fd(VuDev *dev, VuCtx *c)
{
	int fd = take_fd(c);

	if (fd < 0)
		return -EPROTO;
	close_fd(&dev->backend_fd);
	dev->backend_fd = fd;
	return 0;
}

static void fs_config(VuDev *dev, VirtioFsConfig *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	memcpy(cfg->tag, dev->tag, sizeof(cfg->tag));
	cfg->num_request_queues = GUINT32_TO_LE(dev->num_request_queues);
}

static int vu_handle_get_config(VuDev *dev, VuCtx *c)
{
	VhostUserConfig *cf = &c->msg->payload.config;
	VirtioFsConfig fc;

	c->reply = true;
	if (!dev->has_tag || cf->size > sizeof(fc) ||
	    cf->offset > sizeof(fc) - cf->size ||
	    c->msg->hdr.size != VHOST_USER_CONFIG_HDR_SIZE + cf->size) {
		/* failure: a config header with size 0 */
		cf->size = 0;
		c->msg->hdr.size = VHOST_USER_CONFIG_HDR_SIZE;
		return 0;
	}
	fs_config(dev, &fc);
	memcpy(cf->region, (uint8_t *)&fc + cf->offset, cf->size);
	return 0;
}

static int vu_handle_set_config(VuDev *dev, VuCtx *c)
{
	(void)dev;
	(void)c;
	return -EPERM; /* the virtio-fs config space is read-only */
}

typedef int (*VuHandler)(VuDev *dev, VuCtx *c);

/* Payload size rules: exact size, or -1 for "checked by the handler"
 * (within the union's size). */
typedef struct {
	VuHandler fn;
	int size;
	bool has_reply; /* always replies (GET_*) */
} VuMsgRule;

static const VuMsgRule rules[VHOST_USER_MAX] = {
	[VHOST_USER_GET_FEATURES] = { vu_handle_get_features, 0, true },
	[VHOST_USER_SET_FEATURES] = { vu_handle_set_features, 8, false },
	[VHOST_USER_SET_OWNER] = { vu_handle_set_owner, 0, false },
	[VHOST_USER_RESET_OWNER] = { vu_handle_reset_owner, -1, false },
	[VHOST_USER_GET_PROTOCOL_FEATURES] = { vu_handle_get_protocol_features, 0, true },
	[VHOST_USER_SET_PROTOCOL_FEATURES] = { vu_handle_set_protocol_features, 8, false },
	[VHOST_USER_GET_QUEUE_NUM] = { vu_handle_get_queue_num, 0, true },
	[VHOST_USER_SET_MEM_TABLE] = { vu_handle_set_mem_table, -1, false },
	[VHOST_USER_GET_MAX_MEM_SLOTS] = { vu_handle_get_max_mem_slots, 0, true },
	[VHOST_USER_ADD_MEM_REG] = { vu_handle_add_mem_reg, sizeof(VhostUserMemRegMsg), false },
	[VHOST_USER_REM_MEM_REG] = { vu_handle_rem_mem_reg, sizeof(VhostUserMemRegMsg), false },
	[VHOST_USER_SET_VRING_NUM] = { vu_handle_set_vring_num, 8, false },
	[VHOST_USER_SET_VRING_ADDR] = { vu_handle_set_vring_addr, sizeof(VhostUserVringAddr), false },
	[VHOST_USER_SET_VRING_BASE] = { vu_handle_set_vring_base, 8, false },
	[VHOST_USER_GET_VRING_BASE] = { vu_handle_get_vring_base, 8, true },
	[VHOST_USER_SET_VRING_KICK] = { vu_handle_set_vring_kick, 8, false },
	[VHOST_USER_SET_VRING_CALL] = { vu_handle_set_vring_call, 8, false },
	[VHOST_USER_SET_VRING_ERR] = { vu_handle_set_vring_err, 8, false },
	[VHOST_USER_SET_VRING_ENABLE] = { vu_handle_set_vring_enable, 8, false },
	[VHOST_USER_SET_BACKEND_REQ_FD] = { vu_handle_set_backend_req_fd, -1, false },
	[VHOST_USER_GET_CONFIG] = { vu_handle_get_config, -1, true },
	[VHOST_USER_SET_CONFIG] = { vu_handle_set_config, -1, false },
	[VHOST_USER_RESET_DEVICE] = { vu_handle_reset_device, 0, false },
};

/* ---- socket I/O ---- */

/* Receive one message.  Return: 1, 0 on hangup, -errno. */
static int recv_msg(int sock, VhostUserMsg *msg, int *fds, unsigned *ret_nfds)
{
	union {
		char buf[CMSG_SPACE(VHOST_USER_MAX_FDS * sizeof(int))];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = { msg, sizeof(msg->hdr) };
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf.buf,
		.msg_controllen = sizeof(cbuf.buf),
	};
	unsigned nfds = 0;
	size_t got = 0;
	ssize_t r;

	do
		r = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return errno == ECONNRESET ? 0 : -errno;
	if (r == 0)
		return 0;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		unsigned n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (unsigned i = 0; i < n; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
			if (nfds < VHOST_USER_MAX_FDS)
				fds[nfds++] = fd;
			else
				close(fd);
		}
	}
	*ret_nfds = nfds;
	if (mh.msg_flags & MSG_CTRUNC) {
		vlog_error("vhost-user: too many fds in one message");
		return -EPROTO;
	}
	got = (size_t)r;
	while (got < sizeof(msg->hdr)) {
		r = recv(sock, (char *)msg + got, sizeof(msg->hdr) - got, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			goto truncated;
		got += (size_t)r;
	}
	if (msg->hdr.size > sizeof(msg->payload)) {
		vlog_error("vhost-user: %s payload of %u bytes is too large",
			   req_name(msg->hdr.request), msg->hdr.size);
		return -EPROTO;
	}
	got = 0;
	while (got < msg->hdr.size) {
		r = recv(sock, (char *)&msg->payload + got, msg->hdr.size - got, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			goto truncated;
		got += (size_t)r;
	}
	return 1;
truncated:
	vlog_error("vhost-user: truncated message");
	return -EPROTO;
}

static int send_reply(int sock, VhostUserMsg *msg)
{
	size_t len = sizeof(msg->hdr) + msg->hdr.size, off = 0;

	msg->hdr.flags = VHOST_USER_VERSION | VHOST_USER_REPLY_MASK;
	while (off < len) {
		ssize_t r = send(sock, (char *)msg + off, len - off, MSG_NOSIGNAL);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		off += (size_t)r;
	}
	return 0;
}

/* Handle one message.  Return: 0 to go on, -EPROTO to disconnect. */
static int dispatch(VuDev *dev, int sock, VhostUserMsg *msg, int *fds,
		    unsigned nfds)
{
	uint32_t req = msg->hdr.request;
	const VuMsgRule *rule = req < VHOST_USER_MAX ? &rules[req] : NULL;
	bool need_reply = msg->hdr.flags & VHOST_USER_NEED_REPLY_MASK;
	VuCtx c = { .msg = msg, .fds = fds, .nfds = nfds };
	int r;

	vlog_debug("vhost-user: %s (%u) flags %#x size %u fds %u",
		   req_name(req), req, msg->hdr.flags, msg->hdr.size, nfds);
	if ((msg->hdr.flags & VHOST_USER_VERSION_MASK) != VHOST_USER_VERSION) {
		vlog_error("vhost-user: unsupported version in flags %#x",
			   msg->hdr.flags);
		return -EPROTO;
	}
	if (!rule || !rule->fn) {
		vlog_warn("vhost-user: unsupported request %s (%u), ignoring",
			  req_name(req), req);
		r = -EOPNOTSUPP;
	} else if (rule->size >= 0 && msg->hdr.size != (uint32_t)rule->size) {
		vlog_error("vhost-user: %s with a payload of %u bytes",
			   req_name(req), msg->hdr.size);
		return -EPROTO;
	} else {
		r = rule->fn(dev, &c);
	}
	if (r == -EPROTO) {
		vlog_error("vhost-user: malformed %s", req_name(req));
		return r;
	}
	if (r < 0)
		vlog_debug("vhost-user: %s failed: %s", req_name(req),
			   g_strerror(-r));
	if (c.reply || (rule && rule->fn && rule->has_reply)) {
		if (!c.reply) /* a GET that failed: nothing sensible to say */
			return -EPROTO;
	} else if (need_reply) {
		reply_u64(&c, r < 0 ? 1 : 0);
	}
	if (c.reply) {
		int w = send_reply(sock, msg);
		if (w < 0)
			return w;
	}
	return 0;
}

/* ---- lifecycle ---- */

VuDev *vu_dev_new(const VuDevConfig *cfg, VuReqHandler handler, void *opaque)
{
	VuDev *dev = g_new0(VuDev, 1);

	dev->handler = handler;
	dev->opaque = opaque;
	dev->num_request_queues = VFSD_MAX(cfg->num_request_queues, 1u);
	dev->num_request_queues = VFSD_MIN(dev->num_request_queues,
					   (unsigned)VU_FS_NUM_QUEUES_MAX - 1);
	dev->nq = 1 + dev->num_request_queues;
	dev->pool_size = cfg->thread_pool_size;
	if (cfg->tag) {
		dev->has_tag = true;
		memcpy(dev->tag, cfg->tag,
		       VFSD_MIN(strlen(cfg->tag), sizeof(dev->tag)));
	}
	dev->backend_fd = -1;
	dev->broken_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	g_assert(dev->broken_efd >= 0);
	gmem_init(&dev->mem);
	pthread_mutex_init(&dev->pool_lock, NULL);
	pthread_cond_init(&dev->pool_cond, NULL);
	for (unsigned i = 0; i < dev->nq; i++) {
		VuQueue *q = &dev->q[i];
		q->dev = dev;
		q->idx = i;
		q->kick_fd = q->call_fd = q->err_fd = -1;
		q->stop_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		g_assert(q->stop_efd >= 0);
		pthread_mutex_init(&q->lock, NULL);
		pthread_cond_init(&q->slot_cond, NULL);
	}
	return dev;
}

static int pool_start(VuDev *dev)
{
	if (!dev->pool_size)
		return 0;
	dev->work_cap = dev->nq * VU_POOL_SLOTS_PER_QUEUE;
	dev->work = g_new0(VuSlot *, dev->work_cap);
	dev->work_head = dev->work_count = 0;
	dev->pool_stop = false;
	dev->workers = g_new0(pthread_t, dev->pool_size);
	for (dev->nworkers = 0; dev->nworkers < dev->pool_size; dev->nworkers++) {
		int r = pthread_create(&dev->workers[dev->nworkers], NULL,
				       pool_worker, dev);
		if (r)
			return -r;
	}
	return 0;
}

static void pool_stop(VuDev *dev)
{
	pthread_mutex_lock(&dev->pool_lock);
	dev->pool_stop = true;
	pthread_cond_broadcast(&dev->pool_cond);
	pthread_mutex_unlock(&dev->pool_lock);
	for (unsigned i = 0; i < dev->nworkers; i++)
		pthread_join(dev->workers[i], NULL);
	dev->nworkers = 0;
	g_clear_pointer(&dev->workers, g_free);
	g_clear_pointer(&dev->work, g_free);
}

/* Name the broken ring when a queue thread gave up. */
static void report_broken(VuDev *dev)
{
	for (unsigned i = 0; i < dev->nq; i++) {
		VuQueue *q = &dev->q[i];
		if (q->running && q->vq.broken)
			vlog_error("queue %u: the guest broke the virtqueue: %s",
				   i, q->vq.broken_reason);
	}
}

int vu_dev_serve(VuDev *dev, int conn_fd, int stop_fd)
{
	_cleanup_fd_ int sock = conn_fd;
	VhostUserMsg *msg = g_new0(VhostUserMsg, 1);
	int r;

	r = pool_start(dev);
	if (r < 0) {
		vlog_error("cannot start worker threads: %s", g_strerror(-r));
		goto out;
	}
	for (;;) {
		struct pollfd p[3] = {
			{ .fd = sock, .events = POLLIN },
			{ .fd = dev->broken_efd, .events = POLLIN },
			{ .fd = stop_fd, .events = POLLIN },
		};
		int fds[VHOST_USER_MAX_FDS];
		unsigned nfds = 0;

		r = poll(p, stop_fd >= 0 ? 3 : 2, -1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		if (p[2].revents) {
			vlog_debug("stop requested");
			r = 0;
			break;
		}
		if (p[1].revents) {
			report_broken(dev);
			r = -EPROTO;
			break;
		}
		memset(&msg->hdr, 0, sizeof(msg->hdr));
		r = recv_msg(sock, msg, fds, &nfds);
		if (r > 0)
			r = dispatch(dev, sock, msg, fds, nfds) ?: 1;
		for (unsigned i = 0; i < nfds; i++)
			if (fds[i] >= 0)
				close(fds[i]);
		if (r <= 0)
			break; /* 0: hangup */
	}
	if (r == 0)
		vlog_info("vhost-user frontend disconnected");
out:
	reset_rings(dev);
	pool_stop(dev);
	gmem_clear(&dev->mem);
	close_fd(&dev->backend_fd);
	eventfd_drain(dev->broken_efd);
	dev->features = dev->pfeatures = 0;
	g_free(msg);
	return r;
}

void vu_dev_get_stats(VuDev *dev, VuDevStats *ret_stats)
{
	ret_stats->requests = __atomic_load_n(&dev->stats.requests, __ATOMIC_RELAXED);
	ret_stats->notifications =
		__atomic_load_n(&dev->stats.notifications, __ATOMIC_RELAXED);
	ret_stats->kicks = __atomic_load_n(&dev->stats.kicks, __ATOMIC_RELAXED);
}

void vu_dev_free(VuDev *dev)
{
	if (!dev)
		return;
	reset_rings(dev);
	gmem_clear(&dev->mem);
	close_fd(&dev->backend_fd);
	close_fd(&dev->broken_efd);
	for (unsigned i = 0; i < dev->nq; i++) {
		VuQueue *q = &dev->q[i];
		close_fd(&q->stop_efd);
		pthread_mutex_destroy(&q->lock);
		pthread_cond_destroy(&q->slot_cond);
	}
	pthread_mutex_destroy(&dev->pool_lock);
	pthread_cond_destroy(&dev->pool_cond);
	g_free(dev);
}
