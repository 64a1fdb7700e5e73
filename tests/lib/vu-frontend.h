/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vu-frontend.h - a small vhost-user frontend (the VMM side) for tests and
 * the benchmark: guest RAM in a memfd, split virtqueues laid out in it, the
 * vhost-user handshake QEMU performs, request submission and completion, and
 * a raw API for sending malformed messages and descriptors.  It knows nothing
 * of FUSE; see fuse-client.h for that.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

/* vhost-user requests (QEMU docs/interop/vhost-user.rst) */
enum {
	VHOST_USER_GET_FEATURES = 1,
	VHOST_USER_SET_FEATURES = 2,
	VHOST_USER_SET_OWNER = 3,
	VHOST_USER_RESET_OWNER = 4,
	VHOST_USER_SET_MEM_TABLE = 5,
	VHOST_USER_SET_LOG_BASE = 6,
	VHOST_USER_SET_LOG_FD = 7,
	VHOST_USER_SET_VRING_NUM = 8,
	VHOST_USER_SET_VRING_ADDR = 9,
	VHOST_USER_SET_VRING_BASE = 10,
	VHOST_USER_GET_VRING_BASE = 11,
	VHOST_USER_SET_VRING_KICK = 12,
	VHOST_USER_SET_VRING_CALL = 13,
	VHOST_USER_SET_VRING_ERR = 14,
	VHOST_USER_GET_PROTOCOL_FEATURES = 15,
	VHOST_USER_SET_PROTOCOL_FEATURES = 16,
	VHOST_USER_GET_QUEUE_NUM = 17,
	VHOST_USER_SET_VRING_ENABLE = 18,
	VHOST_USER_GET_CONFIG = 24,
	VHOST_USER_GET_MAX_MEM_SLOTS = 36,
	VHOST_USER_ADD_MEM_REG = 37,
	VHOST_USER_REM_MEM_REG = 38,
};

#define VHOST_USER_VERSION 0x1
#define VHOST_USER_FLAG_REPLY (1u << 2)
#define VHOST_USER_FLAG_NEED_REPLY (1u << 3)
#define VHOST_USER_HDR_SIZE 12
#define VHOST_USER_VRING_NOFD (1ull << 8)

#define VU_F_INDIRECT_DESC 28
#define VU_F_EVENT_IDX 29
#define VU_F_PROTOCOL_FEATURES 30
#define VU_F_VERSION_1 32
#define VU_PF_MQ 0
#define VU_PF_REPLY_ACK 3
#define VU_PF_CONFIG 9

#define VU_DESC_F_NEXT 1
#define VU_DESC_F_WRITE 2
#define VU_DESC_F_INDIRECT 4

typedef struct __attribute__((packed)) {
	uint64_t gpa;
	uint64_t size;
	uint64_t uaddr;
	uint64_t mmap_offset;
} VuMemRegion;

typedef struct __attribute__((packed)) {
	uint32_t index;
	uint32_t flags;
	uint64_t desc_uaddr;
	uint64_t used_uaddr;
	uint64_t avail_uaddr;
	uint64_t log_gpa;
} VuVringAddr;

typedef struct __attribute__((packed)) {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
} VuDesc;

typedef struct VuFront VuFront;

typedef struct {
	size_t ram_size;	 /* guest RAM bytes; 0: 64 MiB */
	unsigned queue_size;	 /* per queue, power of 2; 0: 128 */
	unsigned num_queues;	 /* 0: 2 (hiprio + one request queue) */
	bool no_handshake;	 /* leave the protocol to the caller (raw tests) */
	bool want_event_idx;	 /* negotiate VIRTIO_RING_F_EVENT_IDX if offered */
	int timeout_ms;		 /* per wait; 0: 10000 */
} VuFrontConfig;

/* One finished chain from the used ring. */
typedef struct {
	void *token;  /* what vu_front_submit() was given */
	uint32_t len; /* bytes the device says it wrote */
	uint16_t head;
} VuCompletion;

/**
 * vu_front_new() - allocate guest RAM and rings and, unless
 * @cfg->no_handshake, run the vhost-user handshake on @sock.
 * @sock: a connected vhost-user socket; the frontend owns it from now on
 * @pidfd: pidfd of the daemon (wakes waits when it exits), or -1; borrowed
 * @cfg: sizes, may be NULL
 * @ret: the frontend
 *
 * Return: 0, -ENOMEM, -EPROTO when the backend misbehaves, -ECONNRESET when it
 * hung up, or another -errno from the socket.
 */
int vu_front_new(int sock, int pidfd, const VuFrontConfig *cfg, VuFront **ret);
void vu_front_free(VuFront *f);

/* Guest RAM view */
uint8_t *vu_front_ram(VuFront *f);
size_t vu_front_ram_size(VuFront *f);
int vu_front_memfd(VuFront *f);
int vu_front_sock(VuFront *f);
unsigned vu_front_queue_size(VuFront *f);
uint64_t vu_front_features(VuFront *f);
uint64_t vu_front_protocol_features(VuFront *f);
/* Guest physical address of a pointer into guest RAM. */
uint64_t vu_front_gpa(VuFront *f, const void *p);

/**
 * vu_front_alloc() - allocate @size bytes of guest RAM for request buffers
 * (page granular, contents left as they are: the canary pattern).
 * Return: the host pointer, or NULL when guest RAM is exhausted.
 */
void *vu_front_alloc(VuFront *f, size_t size);
/* Give a buffer back; its pages are repainted with the canary byte. */
void vu_front_release(VuFront *f, void *p);

#define VU_CANARY 0xa5
/**
 * vu_front_canary_check() - check that all unallocated request-buffer pages
 * still hold the canary byte.
 * Return: -1 if intact, else the offset in guest RAM of the first bad byte.
 */
long vu_front_canary_check(VuFront *f);

/* Run the standard handshake (used when no_handshake was set and the test
 * wants to continue normally after its raw messages).  Return: 0 or -errno. */
int vu_front_handshake(VuFront *f);

/**
 * vu_front_submit() - put one chain on queue @q and kick.
 * @out: device-readable buffers; must lie in guest RAM
 * @in: device-writable buffers; must lie in guest RAM
 * @indirect: place the chain in an indirect table
 * @token: returned with the completion
 *
 * Return: the head descriptor index, -ENOSPC when the queue is full, -EINVAL
 * for buffers outside guest RAM.
 */
int vu_front_submit(VuFront *f, unsigned q, const struct iovec *out,
		    unsigned out_num, const struct iovec *in, unsigned in_num,
		    bool indirect, void *token);

/**
 * vu_front_wait() - wait for the next completion on queue @q.
 * Return: 0, -ETIMEDOUT, -ECONNRESET when the backend hung up or exited,
 * -EPROTO when the used ring names a chain we did not submit.
 */
int vu_front_wait(VuFront *f, unsigned q, VuCompletion *ret);

/* Non-blocking: 1 and *ret filled if a completion is ready, else 0. */
int vu_front_poll(VuFront *f, unsigned q, VuCompletion *ret);

/* Number of chains in flight on @q. */
unsigned vu_front_inflight(VuFront *f, unsigned q);

/**
 * vu_front_call() - submit one chain, wait for it.
 * Return: bytes the device wrote (used len) or -errno as for vu_front_wait().
 */
int vu_front_call(VuFront *f, unsigned q, const struct iovec *out,
		  unsigned out_num, const struct iovec *in, unsigned in_num,
		  bool indirect);

/* ---- raw API for malformed-input tests ---- */

/**
 * vu_front_send_msg() - send one vhost-user message as given.
 * @size_field: the header's size field (may differ from @len for tests)
 * @payload, @len: the bytes after the header
 * @fds, @nfds: fds to pass with SCM_RIGHTS
 * Return: 0 or -errno (-ECONNRESET/-EPIPE once the backend hung up).
 */
int vu_front_send_msg(VuFront *f, uint32_t request, uint32_t flags,
		      uint32_t size_field, const void *payload, size_t len,
		      const int *fds, unsigned nfds);
/* Send arbitrary bytes on the socket. */
int vu_front_send_bytes(VuFront *f, const void *buf, size_t len);

/**
 * vu_front_recv_reply() - read one reply message.
 * @payload: room for @max bytes
 * Return: payload size, -ECONNRESET on hang-up, -ETIMEDOUT, -EPROTO.
 */
int vu_front_recv_reply(VuFront *f, uint32_t *ret_request, void *payload,
			size_t max);

/* Convenience: send a message carrying a u64 (or nothing) and, if @reply,
 * read back a u64.  Return: 0 or -errno. */
int vu_front_msg_u64(VuFront *f, uint32_t request, bool has_payload,
		     uint64_t value, bool reply, uint64_t *ret_value);

/**
 * vu_front_wait_hangup() - wait until the backend closes the socket.
 * Return: 0 when it did, -ETIMEDOUT otherwise.
 */
int vu_front_wait_hangup(VuFront *f, int timeout_ms);

/* Ring internals for raw descriptor tests. */
VuDesc *vu_front_desc_table(VuFront *f, unsigned q);
/* Publish @head on the avail ring (no descriptor bookkeeping) and kick.
 * Use descriptor indices from the top of the table: vu_front_submit() takes
 * them from the bottom.  Its completion is counted, not returned, by
 * vu_front_wait(). */
void vu_front_push_raw(VuFront *f, unsigned q, uint16_t head);
/* How many raw chains came back on @q; the last one's used length. */
unsigned vu_front_raw_done(VuFront *f, unsigned q, uint32_t *ret_last_len);
/**
 * vu_front_check_slack() - check the rest of the last page of an allocated
 * buffer [@p, @p + @len) still holds the canary.
 * Return: -1 if intact, else the offset in guest RAM of the first bad byte.
 */
long vu_front_check_slack(VuFront *f, const void *p, size_t len);
/* Set the avail index to @idx (e.g. far ahead of what was filled) and kick. */
void vu_front_set_avail_idx(VuFront *f, unsigned q, uint16_t idx);
/* Wait for the used index to move; Return: new used idx or -errno. */
int vu_front_wait_used_raw(VuFront *f, unsigned q);
uint16_t vu_front_used_idx(VuFront *f, unsigned q);
void vu_front_kick(VuFront *f, unsigned q);
