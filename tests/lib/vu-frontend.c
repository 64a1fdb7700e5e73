/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vu-frontend.c - the vhost-user frontend used by tests and the benchmark.
 * Owns guest RAM (a memfd mapped here at guest physical address 0), the
 * split virtqueue layout in it, the request-buffer page allocator, the
 * handshake and the message/descriptor plumbing.  Must not know FUSE.
 *
 * Guest RAM layout: [rings of all queues][request buffer pages].  Everything
 * in the buffer area that is not allocated holds VU_CANARY, so a test can
 * detect a device that wrote outside the buffers it was given.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vu-frontend.h"

#define PAGE 4096u
#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~((size_t)(a) - 1))
#define MAX_QUEUES 16

typedef struct __attribute__((packed)) {
	uint32_t id;
	uint32_t len;
} UsedElem;

typedef struct {
	unsigned num;
	VuDesc *desc;
	uint16_t *avail; /* flags, idx, ring[num], used_event */
	uint8_t *used;	 /* flags, idx, ring[num] (UsedElem), avail_event */
	int kick_fd;
	int call_fd;
	uint16_t avail_idx;
	uint16_t last_used;
	/* our own bookkeeping, never read back from guest RAM */
	uint16_t *next_free; /* free descriptor list */
	uint16_t free_head;
	unsigned num_free;
	uint16_t *chain_len; /* per head: descriptors used by the chain */
	uint16_t *chain_next; /* per descriptor: next in our chain */
	void **token;
	bool *busy;
	void **indirect; /* per head: indirect table buffer or NULL */
	bool *raw;	 /* per head: published by vu_front_push_raw() */
	unsigned inflight;
	unsigned raw_done; /* raw chains seen in the used ring */
	uint32_t raw_last_len;
} Vq;

struct VuFront {
	int sock;
	int pidfd;
	int memfd;
	uint8_t *ram;
	size_t ram_size;
	size_t data_off; /* start of the request buffer area */
	size_t npages;
	uint32_t *page_run; /* per page: 0 free, else run length at its start */
	uint8_t *page_used;
	size_t alloc_hint;
	unsigned nq;
	unsigned qsize;
	int timeout_ms;
	bool want_event_idx;
	bool hung_up;
	uint64_t features;
	uint64_t pfeatures;
	Vq q[MAX_QUEUES];
};

static size_t ring_bytes(unsigned n)
{
	return ALIGN_UP(16u * n, PAGE) + ALIGN_UP(6u + 2u * n, PAGE) +
	       ALIGN_UP(6u + 8u * n, PAGE);
}

uint8_t *vu_front_ram(VuFront *f) { return f->ram; }
size_t vu_front_ram_size(VuFront *f) { return f->ram_size; }
int vu_front_memfd(VuFront *f) { return f->memfd; }
int vu_front_sock(VuFront *f) { return f->sock; }
unsigned vu_front_queue_size(VuFront *f) { return f->qsize; }
uint64_t vu_front_features(VuFront *f) { return f->features; }
uint64_t vu_front_protocol_features(VuFront *f) { return f->pfeatures; }

uint64_t vu_front_gpa(VuFront *f, const void *p)
{
	return (uint64_t)((const uint8_t *)p - f->ram);
}

static bool in_ram(VuFront *f, const void *p, size_t len)
{
	const uint8_t *b = p;
	return b >= f->ram && len <= f->ram_size &&
	       (size_t)(b - f->ram) <= f->ram_size - len;
}

/* ---- allocator ---- */

void *vu_front_alloc(VuFront *f, size_t size)
{
	size_t n = ALIGN_UP(size ? size : 1, PAGE) / PAGE;
	size_t tries = 0, i = f->alloc_hint;

	if (n > f->npages)
		return NULL;
	while (tries < f->npages) {
		size_t run = 0;
		if (i + n > f->npages) {
			tries += f->npages - i;
			i = 0;
			continue;
		}
		while (run < n && !f->page_used[i + run])
			run++;
		if (run == n) {
			memset(f->page_used + i, 1, n);
			f->page_run[i] = n;
			f->alloc_hint = i + n;
			return f->ram + f->data_off + i * PAGE;
		}
		tries += run + 1;
		i += run + 1;
	}
	return NULL;
}

void vu_front_release(VuFront *f, void *p)
{
	size_t off, i, n;

	if (!p)
		return;
	off = (size_t)((uint8_t *)p - f->ram);
	if (off < f->data_off || (off - f->data_off) % PAGE)
		abort();
	i = (off - f->data_off) / PAGE;
	n = f->page_run[i];
	if (!n)
		abort();
	memset(p, VU_CANARY, n * PAGE);
	memset(f->page_used + i, 0, n);
	f->page_run[i] = 0;
	if (i < f->alloc_hint)
		f->alloc_hint = i;
}

long vu_front_canary_check(VuFront *f)
{
	for (size_t i = 0; i < f->npages; i++) {
		const uint8_t *pg;
		if (f->page_used[i])
			continue;
		pg = f->ram + f->data_off + i * PAGE;
		for (size_t j = 0; j < PAGE; j++)
			if (pg[j] != VU_CANARY)
				return (long)(f->data_off + i * PAGE + j);
	}
	return -1;
}

/* ---- socket ---- */

int vu_front_send_bytes(VuFront *f, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t r = send(f->sock, p, len, MSG_NOSIGNAL);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EPIPE || errno == ECONNRESET)
				f->hung_up = true;
			return errno == EPIPE ? -ECONNRESET : -errno;
		}
		p += r;
		len -= (size_t)r;
	}
	return 0;
}

int vu_front_send_msg(VuFront *f, uint32_t request, uint32_t flags,
		      uint32_t size_field, const void *payload, size_t len,
		      const int *fds, unsigned nfds)
{
	uint32_t hdr[3] = { request, flags, size_field };
	struct iovec iov[2] = {
		{ hdr, sizeof(hdr) },
		{ (void *)payload, len },
	};
	union {
		char buf[CMSG_SPACE(sizeof(int) * 16)];
		struct cmsghdr align;
	} u;
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = len ? 2 : 1 };
	ssize_t r;

	if (nfds > 16)
		return -EINVAL;
	if (nfds) {
		struct cmsghdr *c;
		memset(&u, 0, sizeof(u));
		msg.msg_control = u.buf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	do {
		r = sendmsg(f->sock, &msg, MSG_NOSIGNAL);
	} while (r < 0 && errno == EINTR);
	if (r < 0) {
		if (errno == EPIPE || errno == ECONNRESET) {
			f->hung_up = true;
			return -ECONNRESET;
		}
		return -errno;
	}
	if ((size_t)r < sizeof(hdr) + len) {
		const uint8_t *rest = (const uint8_t *)payload;
		size_t done = (size_t)r - sizeof(hdr);
		if ((size_t)r < sizeof(hdr))
			return -EIO;
		return vu_front_send_bytes(f, rest + done, len - done);
	}
	return 0;
}

/* Wait until @fd is readable, watching the daemon too.  Return: 0, -ETIMEDOUT. */
static int wait_readable(VuFront *f, int fd, int timeout_ms)
{
	struct pollfd p[2] = { { fd, POLLIN, 0 }, { f->pidfd, POLLIN, 0 } };
	int r;

	do {
		r = poll(p, f->pidfd >= 0 ? 2 : 1, timeout_ms);
	} while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	if (r == 0)
		return -ETIMEDOUT;
	if (p[0].revents)
		return 0;
	/* the daemon exited: its socket end is closed too, so reading gives EOF */
	return 0;
}

static int recv_all(VuFront *f, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t r;
		int w = wait_readable(f, f->sock, f->timeout_ms);
		if (w < 0)
			return w;
		r = recv(f->sock, p, len, MSG_DONTWAIT);
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			if (errno == ECONNRESET) {
				f->hung_up = true;
				return -ECONNRESET;
			}
			return -errno;
		}
		if (r == 0) {
			f->hung_up = true;
			return -ECONNRESET;
		}
		p += r;
		len -= (size_t)r;
	}
	return 0;
}

int vu_front_recv_reply(VuFront *f, uint32_t *ret_request, void *payload,
			size_t max)
{
	uint32_t hdr[3];
	uint8_t junk[256];
	int r = recv_all(f, hdr, sizeof(hdr));

	if (r < 0)
		return r;
	if ((hdr[1] & 3) != VHOST_USER_VERSION || !(hdr[1] & VHOST_USER_FLAG_REPLY))
		return -EPROTO;
	if (hdr[2] > max) {
		size_t left = hdr[2];
		while (left) {
			size_t n = left < sizeof(junk) ? left : sizeof(junk);
			r = recv_all(f, junk, n);
			if (r < 0)
				return r;
			left -= n;
		}
		return -EPROTO;
	}
	r = recv_all(f, payload, hdr[2]);
	if (r < 0)
		return r;
	if (ret_request)
		*ret_request = hdr[0];
	return (int)hdr[2];
}

static bool reply_ack(VuFront *f)
{
	return f->pfeatures & (1ull << VU_PF_REPLY_ACK);
}

/* Send a SET-type message and collect the REPLY_ACK if negotiated. */
static int send_set(VuFront *f, uint32_t request, const void *payload,
		    size_t len, const int *fds, unsigned nfds)
{
	uint32_t flags = VHOST_USER_VERSION;
	uint64_t ack;
	uint32_t req;
	int r;

	if (reply_ack(f))
		flags |= VHOST_USER_FLAG_NEED_REPLY;
	r = vu_front_send_msg(f, request, flags, (uint32_t)len, payload, len,
			      fds, nfds);
	if (r < 0 || !reply_ack(f))
		return r;
	r = vu_front_recv_reply(f, &req, &ack, sizeof(ack));
	if (r < 0)
		return r;
	if (r != sizeof(ack) || req != request)
		return -EPROTO;
	return ack ? -EIO : 0;
}

int vu_front_msg_u64(VuFront *f, uint32_t request, bool has_payload,
		     uint64_t value, bool reply, uint64_t *ret_value)
{
	uint64_t v;
	uint32_t req;
	int r;

	if (!reply)
		return send_set(f, request, has_payload ? &value : NULL,
				has_payload ? sizeof(value) : 0, NULL, 0);
	r = vu_front_send_msg(f, request, VHOST_USER_VERSION,
			      has_payload ? sizeof(value) : 0,
			      has_payload ? &value : NULL,
			      has_payload ? sizeof(value) : 0, NULL, 0);
	if (r < 0)
		return r;
	r = vu_front_recv_reply(f, &req, &v, sizeof(v));
	if (r < 0)
		return r;
	if (r != sizeof(v) || req != request)
		return -EPROTO;
	if (ret_value)
		*ret_value = v;
	return 0;
}

int vu_front_wait_hangup(VuFront *f, int timeout_ms)
{
	for (;;) {
		uint8_t buf[256];
		ssize_t r;
		int w;

		if (f->hung_up)
			return 0;
		w = wait_readable(f, f->sock, timeout_ms);
		if (w < 0)
			return w;
		r = recv(f->sock, buf, sizeof(buf), MSG_DONTWAIT);
		if (r == 0 || (r < 0 && errno == ECONNRESET)) {
			f->hung_up = true;
			return 0;
		}
		/* replies to earlier messages: skip them */
	}
}

/* ---- handshake ---- */

int vu_front_handshake(VuFront *f)
{
	uint64_t feat, want, qnum = 0;

	int r;

	r = vu_front_msg_u64(f, VHOST_USER_GET_FEATURES, false, 0, true, &feat);
	if (r < 0)
		return r;
	want = (1ull << VU_F_VERSION_1) | (1ull << VU_F_INDIRECT_DESC) |
	       (1ull << VU_F_PROTOCOL_FEATURES);
	if (f->want_event_idx)
		want |= 1ull << VU_F_EVENT_IDX;
	f->features = feat & want;
	if (!(feat & (1ull << VU_F_VERSION_1)))
		return -EPROTO;
	if (f->features & (1ull << VU_F_PROTOCOL_FEATURES)) {
		uint64_t pf;
		r = vu_front_msg_u64(f, VHOST_USER_GET_PROTOCOL_FEATURES, false,
				     0, true, &pf);
		if (r < 0)
			return r;
		pf &= (1ull << VU_PF_MQ) | (1ull << VU_PF_REPLY_ACK);
		r = vu_front_msg_u64(f, VHOST_USER_SET_PROTOCOL_FEATURES, true,
				     pf, false, NULL);
		if (r < 0)
			return r;
		f->pfeatures = pf;
		if (pf & (1ull << VU_PF_MQ)) {
			r = vu_front_msg_u64(f, VHOST_USER_GET_QUEUE_NUM, false,
					     0, true, &qnum);
			if (r < 0)
				return r;
			if (qnum < f->nq)
				return -EPROTO;
		}
	}
	r = send_set(f, VHOST_USER_SET_OWNER, NULL, 0, NULL, 0);
	if (r < 0)
		return r;
	r = send_set(f, VHOST_USER_SET_FEATURES, &f->features,
		     sizeof(f->features), NULL, 0);
	if (r < 0)
		return r;

	{
		struct {
			uint32_t n, pad;
			VuMemRegion reg[1];
		} __attribute__((packed)) mt = { 1, 0, { { 0, f->ram_size, (uint64_t)(uintptr_t)f->ram, 0 } } };
		r = send_set(f, VHOST_USER_SET_MEM_TABLE, &mt, sizeof(mt),
			     &f->memfd, 1);
		if (r < 0)
			return r;
	}

	for (unsigned i = 0; i < f->nq; i++) {
		Vq *q = &f->q[i];
		uint32_t st[2] = { i, q->num };
		VuVringAddr a = {
			.index = i,
			.desc_uaddr = (uint64_t)(uintptr_t)q->desc,
			.used_uaddr = (uint64_t)(uintptr_t)q->used,
			.avail_uaddr = (uint64_t)(uintptr_t)q->avail,
		};
		uint64_t idx = i;

		r = send_set(f, VHOST_USER_SET_VRING_NUM, st, sizeof(st), NULL, 0);
		if (r < 0)
			return r;
		st[1] = 0;
		r = send_set(f, VHOST_USER_SET_VRING_BASE, st, sizeof(st), NULL, 0);
		if (r < 0)
			return r;
		r = send_set(f, VHOST_USER_SET_VRING_ADDR, &a, sizeof(a), NULL, 0);
		if (r < 0)
			return r;
		r = send_set(f, VHOST_USER_SET_VRING_CALL, &idx, sizeof(idx),
			     &q->call_fd, 1);
		if (r < 0)
			return r;
		r = send_set(f, VHOST_USER_SET_VRING_KICK, &idx, sizeof(idx),
			     &q->kick_fd, 1);
		if (r < 0)
			return r;
	}
	if (f->features & (1ull << VU_F_PROTOCOL_FEATURES)) {
		for (unsigned i = 0; i < f->nq; i++) {
			uint32_t st[2] = { i, 1 };
			r = send_set(f, VHOST_USER_SET_VRING_ENABLE, st,
				     sizeof(st), NULL, 0);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* ---- construction ---- */

static int vq_init(VuFront *f, unsigned i, size_t off)
{
	Vq *q = &f->q[i];
	unsigned n = f->qsize;

	q->num = n;
	q->desc = (VuDesc *)(f->ram + off);
	off += ALIGN_UP(16u * n, PAGE);
	q->avail = (uint16_t *)(f->ram + off);
	off += ALIGN_UP(6u + 2u * n, PAGE);
	q->used = f->ram + off;
	q->kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	q->call_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (q->kick_fd < 0 || q->call_fd < 0)
		return -errno;
	q->next_free = calloc(n, sizeof(uint16_t));
	q->chain_len = calloc(n, sizeof(uint16_t));
	q->chain_next = calloc(n, sizeof(uint16_t));
	q->token = calloc(n, sizeof(void *));
	q->busy = calloc(n, sizeof(bool));
	q->indirect = calloc(n, sizeof(void *));
	q->raw = calloc(n, sizeof(bool));
	if (!q->raw || !q->next_free || !q->chain_len || !q->chain_next || !q->token ||
	    !q->busy || !q->indirect)
		return -ENOMEM;
	for (unsigned d = 0; d < n; d++)
		q->next_free[d] = (uint16_t)(d + 1);
	q->free_head = 0;
	q->num_free = n;
	return 0;
}

int vu_front_new(int sock, int pidfd, const VuFrontConfig *cfg, VuFront **ret)
{
	VuFrontConfig c = cfg ? *cfg : (VuFrontConfig){ 0 };
	VuFront *f;
	size_t rings;
	int r;

	if (!c.ram_size)
		c.ram_size = 64u << 20;
	if (!c.queue_size)
		c.queue_size = 128;
	if (!c.num_queues)
		c.num_queues = 2;
	if (!c.timeout_ms)
		c.timeout_ms = 10000;
	if (c.num_queues > MAX_QUEUES || c.queue_size > 32768 ||
	    (c.queue_size & (c.queue_size - 1)))
		return -EINVAL;
	rings = (size_t)c.num_queues * ring_bytes(c.queue_size);
	if (rings + PAGE * 16 > c.ram_size)
		return -EINVAL;

	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	for (unsigned i = 0; i < MAX_QUEUES; i++)
		f->q[i].kick_fd = f->q[i].call_fd = -1;
	f->sock = sock;
	f->pidfd = pidfd;
	f->nq = c.num_queues;
	f->qsize = c.queue_size;
	f->timeout_ms = c.timeout_ms;
	f->want_event_idx = c.want_event_idx;
	f->ram_size = ALIGN_UP(c.ram_size, PAGE);
	f->memfd = memfd_create("guest-ram", MFD_CLOEXEC);
	if (f->memfd < 0 || ftruncate(f->memfd, (off_t)f->ram_size) < 0) {
		r = -errno;
		goto fail;
	}
	f->ram = mmap(NULL, f->ram_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      f->memfd, 0);
	if (f->ram == MAP_FAILED) {
		f->ram = NULL;
		r = -errno;
		goto fail;
	}
	f->data_off = rings;
	f->npages = (f->ram_size - rings) / PAGE;
	f->page_run = calloc(f->npages, sizeof(uint32_t));
	f->page_used = calloc(f->npages, 1);
	if (!f->page_run || !f->page_used) {
		r = -ENOMEM;
		goto fail;
	}
	memset(f->ram + f->data_off, VU_CANARY, f->ram_size - f->data_off);
	for (unsigned i = 0; i < f->nq; i++) {
		r = vq_init(f, i, i * ring_bytes(f->qsize));
		if (r < 0)
			goto fail;
	}
	if (!c.no_handshake) {
		r = vu_front_handshake(f);
		if (r < 0)
			goto fail;
	}
	*ret = f;
	return 0;
fail:
	f->sock = -1; /* the caller keeps it on failure */
	vu_front_free(f);
	return r;
}

void vu_front_free(VuFront *f)
{
	if (!f)
		return;
	for (unsigned i = 0; i < MAX_QUEUES; i++) {
		Vq *q = &f->q[i];
		if (q->kick_fd >= 0)
			close(q->kick_fd);
		if (q->call_fd >= 0)
			close(q->call_fd);
		free(q->next_free);
		free(q->chain_len);
		free(q->chain_next);
		free(q->token);
		free(q->busy);
		free(q->indirect);
		free(q->raw);
	}
	if (f->sock >= 0)
		close(f->sock);
	if (f->ram)
		munmap(f->ram, f->ram_size);
	if (f->memfd >= 0)
		close(f->memfd);
	free(f->page_run);
	free(f->page_used);
	free(f);
}

/* ---- rings ---- */

static inline uint16_t *avail_idx_p(Vq *q) { return &q->avail[1]; }
static inline uint16_t *avail_ring(Vq *q) { return &q->avail[2]; }
static inline uint16_t *used_idx_p(Vq *q) { return (uint16_t *)(q->used + 2); }
static inline UsedElem *used_ring(Vq *q) { return (UsedElem *)(q->used + 4); }

void vu_front_kick(VuFront *f, unsigned q)
{
	uint64_t one = 1;
	if (write(f->q[q].kick_fd, &one, sizeof(one)) < 0) {
		/* an eventfd write only fails on counter overflow */
	}
}

static void publish(VuFront *f, unsigned qi, uint16_t head)
{
	Vq *q = &f->q[qi];

	avail_ring(q)[q->avail_idx % q->num] = head;
	q->avail_idx++;
	__atomic_store_n(avail_idx_p(q), q->avail_idx, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	vu_front_kick(f, qi);
}

static uint16_t desc_get(Vq *q)
{
	uint16_t d = q->free_head;
	q->free_head = q->next_free[d];
	q->num_free--;
	return d;
}

int vu_front_submit(VuFront *f, unsigned qi, const struct iovec *out,
		    unsigned out_num, const struct iovec *in, unsigned in_num,
		    bool indirect, void *token)
{
	Vq *q;
	unsigned total = out_num + in_num;
	uint16_t head, prev = 0;
	VuDesc *tbl = NULL;

	if (qi >= f->nq || !total)
		return -EINVAL;
	q = &f->q[qi];
	for (unsigned i = 0; i < total; i++) {
		const struct iovec *v = i < out_num ? &out[i] : &in[i - out_num];
		if (!in_ram(f, v->iov_base, v->iov_len) || v->iov_len > UINT32_MAX)
			return -EINVAL;
	}
	if (indirect) {
		if (!q->num_free)
			return -ENOSPC;
		tbl = vu_front_alloc(f, total * sizeof(VuDesc));
		if (!tbl)
			return -ENOMEM;
		for (unsigned i = 0; i < total; i++) {
			const struct iovec *v = i < out_num ? &out[i] : &in[i - out_num];
			tbl[i].addr = vu_front_gpa(f, v->iov_base);
			tbl[i].len = (uint32_t)v->iov_len;
			tbl[i].flags = (uint16_t)((i >= out_num ? VU_DESC_F_WRITE : 0) |
						  (i + 1 < total ? VU_DESC_F_NEXT : 0));
			tbl[i].next = (uint16_t)(i + 1 < total ? i + 1 : 0);
		}
		head = desc_get(q);
		q->desc[head].addr = vu_front_gpa(f, tbl);
		q->desc[head].len = (uint32_t)(total * sizeof(VuDesc));
		q->desc[head].flags = VU_DESC_F_INDIRECT;
		q->desc[head].next = 0;
		q->chain_len[head] = 1;
		q->indirect[head] = tbl;
	} else {
		if (q->num_free < total)
			return -ENOSPC;
		head = desc_get(q);
		prev = head;
		for (unsigned i = 0; i < total; i++) {
			const struct iovec *v = i < out_num ? &out[i] : &in[i - out_num];
			uint16_t d = i ? desc_get(q) : head;
			if (i) {
				q->desc[prev].next = d;
				q->desc[prev].flags |= VU_DESC_F_NEXT;
				q->chain_next[prev] = d;
			}
			q->desc[d].addr = vu_front_gpa(f, v->iov_base);
			q->desc[d].len = (uint32_t)v->iov_len;
			q->desc[d].flags = i >= out_num ? VU_DESC_F_WRITE : 0;
			q->desc[d].next = 0;
			prev = d;
		}
		q->chain_len[head] = (uint16_t)total;
		q->indirect[head] = NULL;
	}
	q->token[head] = token;
	q->busy[head] = true;
	q->inflight++;
	publish(f, qi, head);
	return head;
}

static void chain_free(VuFront *f, Vq *q, uint16_t head)
{
	uint16_t d = head;

	for (unsigned i = 0; i < q->chain_len[head]; i++) {
		uint16_t nx = q->chain_next[d];
		q->next_free[d] = q->free_head;
		q->free_head = d;
		q->num_free++;
		d = nx;
	}
	if (q->indirect[head]) {
		vu_front_release(f, q->indirect[head]);
		q->indirect[head] = NULL;
	}
	q->busy[head] = false;
	q->inflight--;
}

int vu_front_poll(VuFront *f, unsigned qi, VuCompletion *ret)
{
	Vq *q = &f->q[qi];
	uint16_t used = __atomic_load_n(used_idx_p(q), __ATOMIC_ACQUIRE);
	UsedElem e;

	for (;;) {
		if (used == q->last_used)
			return 0;
		e = used_ring(q)[q->last_used % q->num];
		q->last_used++;
		if (e.id < q->num && q->raw[e.id] && !q->busy[e.id]) {
			q->raw[e.id] = false;
			q->raw_done++;
			q->raw_last_len = e.len;
			continue;
		}
		break;
	}
	if (e.id >= q->num || !q->busy[e.id])
		return -EPROTO;
	ret->token = q->token[e.id];
	ret->len = e.len;
	ret->head = (uint16_t)e.id;
	chain_free(f, q, (uint16_t)e.id);
	return 1;
}

unsigned vu_front_inflight(VuFront *f, unsigned q)
{
	return f->q[q].inflight;
}

/* Wait for a call notification or the daemon going away. */
static int wait_call(VuFront *f, Vq *q)
{
	struct pollfd p[3] = {
		{ q->call_fd, POLLIN, 0 },
		{ f->sock, POLLIN | POLLRDHUP, 0 },
		{ f->pidfd, POLLIN, 0 },
	};
	nfds_t n = f->pidfd >= 0 ? 3 : 2;
	uint64_t v;
	int r;

	if (f->hung_up)
		return -ECONNRESET;
	if (f->features & (1ull << VU_F_EVENT_IDX)) {
		/* ask for a notification once anything past last_used is used;
		 * then look again, the device may have raced past us */
		__atomic_store_n(&q->avail[2 + q->num], q->last_used, __ATOMIC_RELEASE);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (__atomic_load_n(used_idx_p(q), __ATOMIC_ACQUIRE) != q->last_used)
			return 0;
	}
	do {
		r = poll(p, n, f->timeout_ms);
	} while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	if (r == 0)
		return -ETIMEDOUT;
	if (p[0].revents & POLLIN) {
		if (read(q->call_fd, &v, sizeof(v)) < 0) {
			/* already drained */
		}
		return 0;
	}
	if (p[1].revents & (POLLHUP | POLLRDHUP | POLLERR)) {
		f->hung_up = true;
		return -ECONNRESET;
	}
	if (p[1].revents & POLLIN) {
		char c;
		ssize_t k = recv(f->sock, &c, 1, MSG_PEEK | MSG_DONTWAIT);
		if (k <= 0) {
			f->hung_up = true;
			return -ECONNRESET;
		}
		/* unexpected message on the control socket */
		return -EPROTO;
	}
	if (n == 3 && p[2].revents) {
		f->hung_up = true;
		return -ECONNRESET;
	}
	return 0;
}

int vu_front_wait(VuFront *f, unsigned qi, VuCompletion *ret)
{
	if (qi >= f->nq)
		return -EINVAL;
	for (;;) {
		int r = vu_front_poll(f, qi, ret);
		if (r != 0)
			return r < 0 ? r : 0;
		r = wait_call(f, &f->q[qi]);
		if (r < 0) {
			/* a last look: the reply may have landed before the hang-up */
			int p = vu_front_poll(f, qi, ret);
			if (p != 0)
				return p < 0 ? p : 0;
			return r;
		}
	}
}

int vu_front_call(VuFront *f, unsigned qi, const struct iovec *out,
		  unsigned out_num, const struct iovec *in, unsigned in_num,
		  bool indirect)
{
	VuCompletion c;
	int token_mark;
	int r = vu_front_submit(f, qi, out, out_num, in, in_num, indirect,
				&token_mark);

	if (r < 0)
		return r;
	for (;;) {
		r = vu_front_wait(f, qi, &c);
		if (r < 0)
			return r;
		if (c.token == &token_mark)
			return (int)c.len;
	}
}

VuDesc *vu_front_desc_table(VuFront *f, unsigned q)
{
	return f->q[q].desc;
}

void vu_front_push_raw(VuFront *f, unsigned q, uint16_t head)
{
	if (head < f->q[q].num)
		f->q[q].raw[head] = true;
	publish(f, q, head);
}

unsigned vu_front_raw_done(VuFront *f, unsigned q, uint32_t *ret_last_len)
{
	if (ret_last_len)
		*ret_last_len = f->q[q].raw_last_len;
	return f->q[q].raw_done;
}

long vu_front_check_slack(VuFront *f, const void *p, size_t len)
{
	const uint8_t *b = p;
	size_t off = (size_t)(b - f->ram);
	size_t end = ALIGN_UP(off + len, PAGE);

	for (size_t i = off + len; i < end; i++)
		if (f->ram[i] != VU_CANARY)
			return (long)i;
	return -1;
}

void vu_front_set_avail_idx(VuFront *f, unsigned qi, uint16_t idx)
{
	Vq *q = &f->q[qi];
	q->avail_idx = idx;
	__atomic_store_n(avail_idx_p(q), idx, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	vu_front_kick(f, qi);
}

uint16_t vu_front_used_idx(VuFront *f, unsigned qi)
{
	return __atomic_load_n(used_idx_p(&f->q[qi]), __ATOMIC_ACQUIRE);
}

int vu_front_wait_used_raw(VuFront *f, unsigned qi)
{
	Vq *q = &f->q[qi];
	for (;;) {
		uint16_t u = vu_front_used_idx(f, qi);
		int r;
		if (u != q->last_used) {
			q->last_used = u;
			return u;
		}
		r = wait_call(f, q);
		if (r < 0)
			return r;
	}
}
