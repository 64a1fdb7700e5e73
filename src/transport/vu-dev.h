/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vu-dev.h - the vhost-user virtio-fs device: the public face of the transport
 * layer.  It speaks vhost-user on one connected socket, maps guest memory,
 * runs one thread per started virtqueue and hands every descriptor chain to a
 * request handler as two iovec arrays.  It knows nothing of FUSE.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

/* Largest queue size accepted from the frontend. */
#define VU_QUEUE_SIZE_MAX 32768
/* Most iovecs one chain may produce (direct + indirect, both directions).
 * FUSE requests need at most max_pages (256) data segments plus headers. */
#define VU_CHAIN_IOV_MAX 1024
/* hiprio queue + request queues */
#define VU_FS_NUM_QUEUES_MAX 9

/*
 * VuReqHandler - serve one request.
 * @opaque: the handler's data given to vu_dev_new()
 * @qidx: the queue the chain came from (0 = hiprio)
 * @out: device-readable buffers (the request), already translated and
 *       bounds-checked; they point into guest memory
 * @in: device-writable buffers (room for the reply), likewise
 *
 * Called on a queue thread or a pool worker, possibly concurrently for
 * different chains.  Must not keep the iovec pointers after it returns.
 * Return: the number of bytes written into @in (0 for requests with no reply).
 */
typedef uint32_t (*VuReqHandler)(void *opaque, unsigned qidx,
				 const struct iovec *out, unsigned out_num,
				 const struct iovec *in, unsigned in_num);

typedef struct {
	unsigned num_request_queues; /* >= 1; the device has 1 + this many */
	unsigned thread_pool_size;   /* 0: serve inline on the queue thread */
	const char *tag;	     /* NULL: don't offer PROTOCOL_F_CONFIG */
} VuDevConfig;

typedef struct VuDev VuDev;

/* Counters for the benchmark and debug logs; read with relaxed atomics. */
typedef struct {
	uint64_t requests;	/* chains handled */
	uint64_t notifications; /* call eventfd signals */
	uint64_t kicks;		/* kick eventfd wake-ups */
} VuDevStats;

/**
 * vu_dev_new() - create a device that will call @handler for each request.
 * Return: the device; never NULL.
 */
VuDev *vu_dev_new(const VuDevConfig *cfg, VuReqHandler handler, void *opaque);

/**
 * vu_dev_serve() - serve one connected frontend until it disconnects.
 * @dev: the device
 * @conn_fd: the connected vhost-user socket (the device owns it from now on)
 * @stop_fd: fd that becomes readable when the daemon must stop (e.g. a
 *           signalfd), or -1
 *
 * Runs the vhost-user message loop on the calling thread.  On return all
 * queue threads are stopped and guest memory is unmapped.
 * Return: 0 when the frontend hung up or @stop_fd fired; -EPROTO when the
 * frontend broke the protocol (already logged), other -errno on I/O errors.
 */
int vu_dev_serve(VuDev *dev, int conn_fd, int stop_fd);

void vu_dev_get_stats(VuDev *dev, VuDevStats *ret_stats);

void vu_dev_free(VuDev *dev);
