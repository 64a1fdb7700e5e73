/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vu-msg.h - the vhost-user wire format: message header, payload layouts,
 * request codes and feature bits, as in the vhost-user specification.
 * Holds no logic and knows nothing of virtio-fs beyond its config layout.
 */
#pragma once

#include <stdint.h>

/* Request codes (frontend -> backend). */
typedef enum {
	VHOST_USER_NONE = 0,
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
	VHOST_USER_SEND_RARP = 19,
	VHOST_USER_NET_SET_MTU = 20,
	VHOST_USER_SET_BACKEND_REQ_FD = 21,
	VHOST_USER_IOTLB_MSG = 22,
	VHOST_USER_SET_VRING_ENDIAN = 23,
	VHOST_USER_GET_CONFIG = 24,
	VHOST_USER_SET_CONFIG = 25,
	VHOST_USER_CREATE_CRYPTO_SESSION = 26,
	VHOST_USER_CLOSE_CRYPTO_SESSION = 27,
	VHOST_USER_POSTCOPY_ADVISE = 28,
	VHOST_USER_POSTCOPY_LISTEN = 29,
	VHOST_USER_POSTCOPY_END = 30,
	VHOST_USER_GET_INFLIGHT_FD = 31,
	VHOST_USER_SET_INFLIGHT_FD = 32,
	VHOST_USER_GPU_SET_SOCKET = 33,
	VHOST_USER_RESET_DEVICE = 34,
	VHOST_USER_VRING_KICK = 35,
	VHOST_USER_GET_MAX_MEM_SLOTS = 36,
	VHOST_USER_ADD_MEM_REG = 37,
	VHOST_USER_REM_MEM_REG = 38,
	VHOST_USER_SET_STATUS = 39,
	VHOST_USER_GET_STATUS = 40,
	VHOST_USER_MAX
} VhostUserRequest;

/* Header flags */
#define VHOST_USER_VERSION_MASK 0x3u
#define VHOST_USER_VERSION 0x1u
#define VHOST_USER_REPLY_MASK (1u << 2)
#define VHOST_USER_NEED_REPLY_MASK (1u << 3)

/* u64 payload of SET_VRING_KICK/CALL/ERR: queue index and "no fd" bit */
#define VHOST_USER_VRING_IDX_MASK 0xffull
#define VHOST_USER_VRING_NOFD_MASK (1ull << 8)

/* Virtio feature bits offered by the device */
#define VIRTIO_RING_F_INDIRECT_DESC 28
#define VIRTIO_RING_F_EVENT_IDX 29
#define VHOST_USER_F_PROTOCOL_FEATURES 30
#define VIRTIO_F_VERSION_1 32

/* Protocol feature bit numbers */
enum {
	VHOST_USER_PROTOCOL_F_MQ = 0,
	VHOST_USER_PROTOCOL_F_LOG_SHMFD = 1,
	VHOST_USER_PROTOCOL_F_RARP = 2,
	VHOST_USER_PROTOCOL_F_REPLY_ACK = 3,
	VHOST_USER_PROTOCOL_F_NET_MTU = 4,
	VHOST_USER_PROTOCOL_F_BACKEND_REQ = 5,
	VHOST_USER_PROTOCOL_F_CROSS_ENDIAN = 6,
	VHOST_USER_PROTOCOL_F_CRYPTO_SESSION = 7,
	VHOST_USER_PROTOCOL_F_PAGEFAULT = 8,
	VHOST_USER_PROTOCOL_F_CONFIG = 9,
	VHOST_USER_PROTOCOL_F_BACKEND_SEND_FD = 10,
	VHOST_USER_PROTOCOL_F_HOST_NOTIFIER = 11,
	VHOST_USER_PROTOCOL_F_INFLIGHT_SHMFD = 12,
	VHOST_USER_PROTOCOL_F_RESET_DEVICE = 13,
	VHOST_USER_PROTOCOL_F_INBAND_NOTIFICATIONS = 14,
	VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS = 15,
	VHOST_USER_PROTOCOL_F_STATUS = 16,
};

/* Regions in one SET_MEM_TABLE message; slots reachable with ADD_MEM_REG */
#define VHOST_MEMORY_BASELINE_NREGIONS 8
#define VHOST_USER_MAX_RAM_SLOTS 32
/* Most fds one message may carry */
#define VHOST_USER_MAX_FDS VHOST_MEMORY_BASELINE_NREGIONS

typedef struct {
	uint32_t request;
	uint32_t flags;
	uint32_t size; /* payload bytes that follow */
} __attribute__((packed)) VhostUserHeader;

typedef struct {
	uint32_t index;
	uint32_t num;
} __attribute__((packed)) VhostUserVringState;

#define VHOST_VRING_F_LOG 0
typedef struct {
	uint32_t index;
	uint32_t flags;
	uint64_t desc_user_addr;
	uint64_t used_user_addr;
	uint64_t avail_user_addr;
	uint64_t log_guest_addr;
} __attribute__((packed)) VhostUserVringAddr;

typedef struct {
	uint64_t guest_phys_addr;
	uint64_t memory_size;
	uint64_t userspace_addr;
	uint64_t mmap_offset;
} __attribute__((packed)) VhostUserMemRegion;

typedef struct {
	uint32_t nregions;
	uint32_t padding;
	VhostUserMemRegion regions[VHOST_MEMORY_BASELINE_NREGIONS];
} __attribute__((packed)) VhostUserMemory;
#define VHOST_USER_MEM_HDR_SIZE 8u

/* ADD_MEM_REG / REM_MEM_REG */
typedef struct {
	uint64_t padding;
	VhostUserMemRegion region;
} __attribute__((packed)) VhostUserMemRegMsg;

#define VHOST_USER_CONFIG_HDR_SIZE 12u
#define VHOST_USER_MAX_CONFIG_SIZE 256u
typedef struct {
	uint32_t offset;
	uint32_t size;
	uint32_t flags;
	uint8_t region[VHOST_USER_MAX_CONFIG_SIZE];
} __attribute__((packed)) VhostUserConfig;

/* The virtio-fs device configuration space (virtio spec 5.11.4) */
#define VIRTIO_FS_TAG_LEN 36
typedef struct {
	uint8_t tag[VIRTIO_FS_TAG_LEN];
	uint32_t num_request_queues; /* little endian */
} __attribute__((packed)) VirtioFsConfig;

typedef union {
	uint64_t u64;
	VhostUserVringState state;
	VhostUserVringAddr addr;
	VhostUserMemory memory;
	VhostUserMemRegMsg memreg;
	VhostUserConfig config;
} __attribute__((packed)) VhostUserPayload;

typedef struct {
	VhostUserHeader hdr;
	VhostUserPayload payload;
} __attribute__((packed)) VhostUserMsg;
