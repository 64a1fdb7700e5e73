/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-malformed.c - hostile input at every layer: malformed vhost-user
 * messages, malformed virtqueues, malformed FUSE requests.  For each, the
 * daemon must refuse (an error reply or a NACK) or drop the connection and
 * exit with a status, never die of a signal; and it must never write guest
 * RAM outside the reply buffers it was given (guest RAM is painted with a
 * canary; the fixture checks it at teardown).
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test-helpers.h"

/* ---------------------------------------------------------------- helpers */

static gboolean host_put(Fx *fx, const char *name, const char *data, gssize len)
{
	g_autofree char *p = fx_path(fx, name);
	return g_file_set_contents(p, data, len, NULL);
}

/* The daemon dropped the connection: fine for malformed input, but it must
 * have said why. */
static void note_hangup(Fx *fx)
{
	fx->expect_hangup = true;
}

/* Probe that the daemon still serves vhost-user; Return: true if alive. */
static bool vu_alive(Fx *fx)
{
	uint64_t feat;
	int r = vu_front_msg_u64(fx->vu, VHOST_USER_GET_FEATURES, false, 0, true, &feat);
	if (r == -ECONNRESET) {
		note_hangup(fx);
		return false;
	}
	g_assert_cmpint(r, ==, 0);
	return true;
}

/*
 * Send a vhost-user message the daemon must refuse.  With REPLY_ACK it must
 * answer non-zero or hang up; without REPLY_ACK it must hang up or keep
 * answering.
 */
static void expect_refused(Fx *fx, uint32_t req, uint32_t size_field,
			   const void *payload, size_t len, const int *fds,
			   unsigned nfds)
{
	bool ack = vu_front_protocol_features(fx->vu) & (1ull << VU_PF_REPLY_ACK);
	uint32_t flags = VHOST_USER_VERSION | (ack ? VHOST_USER_FLAG_NEED_REPLY : 0);
	uint64_t v = 0;
	uint32_t rq = 0;
	int r;

	r = vu_front_send_msg(fx->vu, req, flags, size_field, payload, len, fds, nfds);
	if (r == -ECONNRESET) {
		note_hangup(fx);
		return;
	}
	g_assert_cmpint(r, ==, 0);
	if (!ack) {
		vu_alive(fx);
		return;
	}
	r = vu_front_recv_reply(fx->vu, &rq, &v, sizeof(v));
	if (r == -ECONNRESET) {
		note_hangup(fx);
		return;
	}
	g_assert_cmpint(r, ==, sizeof(v));
	g_assert_cmpuint(rq, ==, req);
	/* spec: a refused message is NACKed with a non-zero status (QEMU's
	 * libvhost-user accepts many of these; noted, not failed, for it) */
	if (v == 0 && vu_daemon_is_qemu())
		g_test_message("QEMU accepted malformed request %u", req);
	else if (v == 0)
		g_test_fail_printf("request %u was accepted", req);
}

/* The daemon must hang up within a few seconds (a message it cannot parse
 * leaves the stream out of sync). */
static void expect_hangup_soon(Fx *fx)
{
	int r = vu_front_wait_hangup(fx->vu, 5000);
	if (r == -ETIMEDOUT && vu_daemon_is_qemu())
		g_test_message("QEMU kept the connection after a broken message");
	else if (r == -ETIMEDOUT)
		g_test_fail_printf("daemon kept the connection after a broken message");
	else
		note_hangup(fx);
}

static const FxCfg cfg_raw = { .no_init = true, .no_handshake = true };
static const FxCfg cfg_nofuse = { .no_init = true };

/* ----------------------------------------------- vhost-user: the stream */

static void test_vu_short_header(Fx *fx, gconstpointer data)
{
	uint8_t half[6] = { VHOST_USER_GET_FEATURES, 0, 0, 0, 1, 0 };
	FX_SKIP_IF_NO_DAEMON(fx);
	g_assert_cmpint(vu_front_send_bytes(fx->vu, half, sizeof(half)), ==, 0);
	/* the frontend goes away mid-header: an orderly exit */
	shutdown(vu_front_sock(fx->vu), SHUT_WR);
	expect_hangup_soon(fx);
}

static void test_vu_short_payload(Fx *fx, gconstpointer data)
{
	uint32_t four = 0;
	FX_SKIP_IF_NO_DAEMON(fx);
	/* header promises 8 bytes, 4 arrive, then EOF */
	g_assert_cmpint(vu_front_send_msg(fx->vu, VHOST_USER_SET_FEATURES,
					  VHOST_USER_VERSION, 8, &four, 4, NULL, 0), ==, 0);
	shutdown(vu_front_sock(fx->vu), SHUT_WR);
	expect_hangup_soon(fx);
}

static void test_vu_oversized(Fx *fx, gconstpointer data)
{
	uint64_t v = 0;
	FX_SKIP_IF_NO_DAEMON(fx);
	/* a size no message has: refuse before trying to read it */
	g_assert_cmpint(vu_front_send_msg(fx->vu, VHOST_USER_SET_FEATURES,
					  VHOST_USER_VERSION, 0xfffffff0u, &v, 8, NULL, 0), ==, 0);
	expect_hangup_soon(fx);
}

static void test_vu_bad_version(Fx *fx, gconstpointer data)
{
	FX_SKIP_IF_NO_DAEMON(fx);
	g_assert_cmpint(vu_front_send_msg(fx->vu, VHOST_USER_GET_FEATURES, 0x2, 0,
					  NULL, 0, NULL, 0), ==, 0);
	expect_hangup_soon(fx);
}

static void test_vu_size_mismatch(Fx *fx, gconstpointer data)
{
	uint32_t st[2] = { 0, 128 };
	FX_SKIP_IF_NO_DAEMON(fx);
	/* SET_VRING_NUM carries 8 bytes; 4 is wrong */
	expect_refused(fx, VHOST_USER_SET_VRING_NUM, 4, st, 4, NULL, 0);
	if (!fx->expect_hangup)
		vu_alive(fx);
}

static void test_vu_size_mismatch_u64(Fx *fx, gconstpointer data)
{
	uint8_t b[2] = { 0 };
	FX_SKIP_IF_NO_DAEMON(fx);
	/* SET_FEATURES with a 2-byte payload */
	expect_refused(fx, VHOST_USER_SET_FEATURES, 2, b, 2, NULL, 0);
}

static void test_vu_unknown(Fx *fx, gconstpointer data)
{
	uint64_t v = 0;
	FX_SKIP_IF_NO_DAEMON(fx);
	expect_refused(fx, 999, 8, &v, 8, NULL, 0);
}

static void test_vu_fds_on_wrong_message(Fx *fx, gconstpointer data)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	uint64_t feat;
	FX_SKIP_IF_NO_DAEMON(fx);
	/* an fd nobody asked for is closed, not leaked nor trusted */
	g_assert_cmpint(vu_front_send_msg(fx->vu, VHOST_USER_GET_FEATURES,
					  VHOST_USER_VERSION, 0, NULL, 0, &fd, 1), ==, 0);
	close(fd);
	if (vu_front_recv_reply(fx->vu, NULL, &feat, sizeof(feat)) == -ECONNRESET)
		note_hangup(fx);
}

/* ------------------------------------------ vhost-user: SET_MEM_TABLE */

typedef struct __attribute__((packed)) {
	uint32_t n, pad;
	VuMemRegion r[9];
} MemTable;

static void mem_table(Fx *fx, const MemTable *mt, size_t nreg, uint32_t n_field,
		      int nfds)
{
	int fds[9];
	int memfd = vu_front_memfd(fx->vu);
	MemTable t = *mt;

	t.n = n_field;
	for (int i = 0; i < nfds; i++)
		fds[i] = memfd;
	expect_refused(fx, VHOST_USER_SET_MEM_TABLE, (uint32_t)(8 + nreg * sizeof(VuMemRegion)),
		       &t, 8 + nreg * sizeof(VuMemRegion), fds, (unsigned)nfds);
}

static VuMemRegion whole(Fx *fx)
{
	return (VuMemRegion){ 0, vu_front_ram_size(fx->vu),
			      (uint64_t)(uintptr_t)vu_front_ram(fx->vu), 0 };
}

static void test_mem_zero_regions(Fx *fx, gconstpointer data)
{
	MemTable t = { 0 };
	FX_SKIP_IF_NO_DAEMON(fx);
	mem_table(fx, &t, 0, 0, 0);
}

static void test_mem_too_many_regions(Fx *fx, gconstpointer data)
{
	MemTable t = { 0 };
	FX_SKIP_IF_NO_DAEMON(fx);
	t.r[0] = whole(fx);
	/* a count beyond the 8 the protocol allows, with one region sent */
	mem_table(fx, &t, 1, 9, 1);
}

static void test_mem_count_mismatch(Fx *fx, gconstpointer data)
{
	MemTable t = { 0 };
	FX_SKIP_IF_NO_DAEMON(fx);
	t.r[0] = whole(fx);
	t.r[1] = whole(fx);
	t.r[1].gpa = 1ull << 40;
	/* says 2 regions, carries 1 */
	mem_table(fx, &t, 1, 2, 1);
}

static void test_mem_fd_missing(Fx *fx, gconstpointer data)
{
	MemTable t = { 0 };
	FX_SKIP_IF_NO_DAEMON(fx);
	t.r[0] = whole(fx);
	mem_table(fx, &t, 1, 1, 0);
}

static void test_mem_zero_size(Fx *fx, gconstpointer data)
{
	MemTable t = { 0 };
	FX_SKIP_IF_NO_DAEMON(fx);
	t.r[0] = whole(fx);
	t.r[0].size = 0;
	mem_table(fx, &t, 1, 1, 1);
}

static void test_mem_overlap(Fx *fx, gconstpointer data)
{
	MemTable t = { 0 };
	FX_SKIP_IF_NO_DAEMON(fx);
	t.r[0] = whole(fx);
	t.r[1] = whole(fx);
	t.r[1].gpa = 4096; /* overlaps region 0 in guest physical space */
	t.r[1].uaddr += 1ull << 40;
	mem_table(fx, &t, 2, 2, 2);
}

static void test_mem_beyond_file(Fx *fx, gconstpointer data)
{
	MemTable t = { 0 };
	FX_SKIP_IF_NO_DAEMON(fx);
	/* larger than the memfd: mapping it would SIGBUS on access */
	t.r[0] = whole(fx);
	t.r[0].size = vu_front_ram_size(fx->vu) * 4;
	mem_table(fx, &t, 1, 1, 1);
}

static void test_mem_offset_overflow(Fx *fx, gconstpointer data)
{
	MemTable t = { 0 };
	FX_SKIP_IF_NO_DAEMON(fx);
	t.r[0] = whole(fx);
	t.r[0].mmap_offset = UINT64_MAX - 4095;
	mem_table(fx, &t, 1, 1, 1);
}

static void test_mem_gpa_wrap(Fx *fx, gconstpointer data)
{
	MemTable t = { 0 };
	FX_SKIP_IF_NO_DAEMON(fx);
	t.r[0] = whole(fx);
	t.r[0].gpa = UINT64_MAX - 4095; /* gpa + size wraps */
	mem_table(fx, &t, 1, 1, 1);
}

static void test_mem_not_memfd(Fx *fx, gconstpointer data)
{
	MemTable t = { 0 };
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	FX_SKIP_IF_NO_DAEMON(fx);
	t.r[0] = whole(fx);
	t.n = 1;
	expect_refused(fx, VHOST_USER_SET_MEM_TABLE, 8 + sizeof(VuMemRegion), &t,
		       8 + sizeof(VuMemRegion), &fd, 1);
	close(fd);
}

/* ------------------------------------------------ vhost-user: vrings */

static void vring_state(Fx *fx, uint32_t req, uint32_t idx, uint32_t num)
{
	uint32_t st[2] = { idx, num };
	expect_refused(fx, req, sizeof(st), st, sizeof(st), NULL, 0);
}

static void test_vring_num_zero(Fx *fx, gconstpointer data)
{
	FX_SKIP_IF_NO_DAEMON(fx);
	vring_state(fx, VHOST_USER_SET_VRING_NUM, 1, 0);
}

static void test_vring_num_huge(Fx *fx, gconstpointer data)
{
	FX_SKIP_IF_NO_DAEMON(fx);
	vring_state(fx, VHOST_USER_SET_VRING_NUM, 1, 65536);
}

static void test_vring_num_odd(Fx *fx, gconstpointer data)
{
	FX_SKIP_IF_NO_DAEMON(fx);
	/* split rings must be a power of two */
	vring_state(fx, VHOST_USER_SET_VRING_NUM, 1, 100);
}

static void test_vring_index(Fx *fx, gconstpointer data)
{
	uint64_t idx = 200;
	int efd = vu_front_memfd(fx->vu);
	VuVringAddr a = { .index = 200 };
	FX_SKIP_IF_NO_DAEMON(fx);
	vring_state(fx, VHOST_USER_SET_VRING_NUM, 200, 128);
	if (fx->expect_hangup)
		return;
	vring_state(fx, VHOST_USER_SET_VRING_BASE, 0x10000, 0);
	if (fx->expect_hangup)
		return;
	expect_refused(fx, VHOST_USER_SET_VRING_ADDR, sizeof(a), &a, sizeof(a), NULL, 0);
	if (fx->expect_hangup)
		return;
	expect_refused(fx, VHOST_USER_SET_VRING_KICK, 8, &idx, 8, &efd, 1);
	if (fx->expect_hangup)
		return;
	vring_state(fx, VHOST_USER_SET_VRING_ENABLE, 200, 1);
}

static void test_vring_addr_outside(Fx *fx, gconstpointer data)
{
	VuVringAddr a = {
		.index = 1,
		.desc_uaddr = 0x10,	/* in no region */
		.used_uaddr = 0x1000,
		.avail_uaddr = 0x2000,
	};
	FX_SKIP_IF_NO_DAEMON(fx);
	expect_refused(fx, VHOST_USER_SET_VRING_ADDR, sizeof(a), &a, sizeof(a), NULL, 0);
}

static void test_vring_addr_straddle(Fx *fx, gconstpointer data)
{
	uint64_t end = (uint64_t)(uintptr_t)vu_front_ram(fx->vu) + vu_front_ram_size(fx->vu);
	VuVringAddr a = {
		.index = 1,
		.desc_uaddr = (uint64_t)(uintptr_t)vu_front_ram(fx->vu),
		.avail_uaddr = (uint64_t)(uintptr_t)vu_front_ram(fx->vu) + 65536,
		.used_uaddr = end - 64, /* the used ring runs off the end */
	};
	FX_SKIP_IF_NO_DAEMON(fx);
	expect_refused(fx, VHOST_USER_SET_VRING_ADDR, sizeof(a), &a, sizeof(a), NULL, 0);
}

static void test_vring_kick_no_fd(Fx *fx, gconstpointer data)
{
	uint64_t idx = 1; /* no NOFD flag, but no fd either */
	FX_SKIP_IF_NO_DAEMON(fx);
	expect_refused(fx, VHOST_USER_SET_VRING_KICK, 8, &idx, 8, NULL, 0);
}

/* ------------------------------------------------------ malformed rings */

/* A GETATTR(root) request and a reply buffer in guest RAM for raw chains. */
typedef struct {
	uint8_t *req;
	uint8_t *reply;
	uint64_t req_gpa, reply_gpa;
	uint32_t req_len;
	VuDesc *t;   /* the request queue's descriptor table */
	uint16_t b;  /* first raw descriptor index */
	unsigned num;
} Raw;

static void raw_init(Fx *fx, Raw *r)
{
	struct fuse_in_header *h;
	r->req = vu_front_alloc(fx->vu, 4096);
	r->reply = vu_front_alloc(fx->vu, 4096);
	memset(r->req, 0, sizeof(*h) + sizeof(struct fuse_getattr_in));
	h = (struct fuse_in_header *)r->req;
	h->len = sizeof(*h) + sizeof(struct fuse_getattr_in);
	h->opcode = FUSE_GETATTR;
	h->unique = 0x7777;
	h->nodeid = FUSE_ROOT_NODEID;
	r->req_len = h->len;
	r->req_gpa = vu_front_gpa(fx->vu, r->req);
	r->reply_gpa = vu_front_gpa(fx->vu, r->reply);
	r->t = vu_front_desc_table(fx->vu, FUSE_REQUEST_QUEUE);
	r->num = vu_front_queue_size(fx->vu);
	r->b = (uint16_t)(r->num - 16);
}

/* After a raw chain: a valid request must still be served, or the daemon
 * hung up.  Either way nothing outside the buffers was written. */
static void raw_finish(Fx *fx, Raw *r)
{
	struct fuse_attr_out a;
	uint32_t len = 0;
	int e = fuse_getattr(&fx->c, FUSE_ROOT_NODEID, 0, false, &a);

	if (e == -ECONNRESET) {
		note_hangup(fx);
		fx->c.transport_error = 0;
	} else if (e == -ETIMEDOUT) {
		/* a device that marked the queue broken may stop serving it;
		 * it must still go away cleanly when we hang up */
		fx->c.transport_error = 0;
		fx->expect_hangup = true;
	} else {
		g_assert_cmpint(e, ==, 0);
	}
	if (vu_front_raw_done(fx->vu, FUSE_REQUEST_QUEUE, &len))
		g_assert_cmpuint(len, <=, 4096);
	/* the request was device-readable: it must be unchanged */
	g_assert_cmpuint(((struct fuse_in_header *)r->req)->unique, ==, 0x7777);
	g_assert_cmpint(vu_front_check_slack(fx->vu, r->req, r->req_len), ==, -1);
	if (!fx->expect_hangup) {
		vu_front_release(fx->vu, r->req);
		vu_front_release(fx->vu, r->reply);
	}
}

static void ring_two(Fx *fx, Raw *r, uint64_t a0, uint32_t l0, uint64_t a1, uint32_t l1)
{
	r->t[r->b] = (VuDesc){ a0, l0, VU_DESC_F_NEXT, (uint16_t)(r->b + 1) };
	r->t[r->b + 1] = (VuDesc){ a1, l1, VU_DESC_F_WRITE, 0 };
	vu_front_push_raw(fx->vu, FUSE_REQUEST_QUEUE, r->b);
	raw_finish(fx, r);
}

static void test_ring_addr_outside(Fx *fx, gconstpointer data)
{
	Raw r;
	FX_SKIP_IF_NO_DAEMON(fx);
	raw_init(fx, &r);
	ring_two(fx, &r, vu_front_ram_size(fx->vu) + 4096, r.req_len, r.reply_gpa, 4096);
}

static void test_ring_reply_outside(Fx *fx, gconstpointer data)
{
	Raw r;
	FX_SKIP_IF_NO_DAEMON(fx);
	raw_init(fx, &r);
	ring_two(fx, &r, r.req_gpa, r.req_len, vu_front_ram_size(fx->vu) + 4096, 4096);
}

static void test_ring_addr_wrap(Fx *fx, gconstpointer data)
{
	Raw r;
	FX_SKIP_IF_NO_DAEMON(fx);
	raw_init(fx, &r);
	ring_two(fx, &r, r.req_gpa, r.req_len, UINT64_MAX - 100, 4096);
}

static void test_ring_straddle_end(Fx *fx, gconstpointer data)
{
	Raw r;
	FX_SKIP_IF_NO_DAEMON(fx);
	raw_init(fx, &r);
	/* the reply buffer starts inside guest RAM and runs past its end */
	ring_two(fx, &r, r.req_gpa, r.req_len, vu_front_ram_size(fx->vu) - 8, 4096);
}

static void test_ring_loop(Fx *fx, gconstpointer data)
{
	Raw r;
	FX_SKIP_IF_NO_DAEMON(fx);
	raw_init(fx, &r);
	r.t[r.b] = (VuDesc){ r.req_gpa, r.req_len, VU_DESC_F_NEXT, (uint16_t)(r.b + 1) };
	r.t[r.b + 1] = (VuDesc){ r.reply_gpa, 16, VU_DESC_F_WRITE | VU_DESC_F_NEXT,
				 (uint16_t)(r.b + 2) };
	r.t[r.b + 2] = (VuDesc){ r.reply_gpa + 16, 16, VU_DESC_F_WRITE | VU_DESC_F_NEXT,
				 (uint16_t)(r.b + 1) };
	vu_front_push_raw(fx->vu, FUSE_REQUEST_QUEUE, r.b);
	raw_finish(fx, &r);
}

static void test_ring_next_range(Fx *fx, gconstpointer data)
{
	Raw r;
	FX_SKIP_IF_NO_DAEMON(fx);
	raw_init(fx, &r);
	r.t[r.b] = (VuDesc){ r.req_gpa, r.req_len, VU_DESC_F_NEXT, (uint16_t)(r.num + 7) };
	vu_front_push_raw(fx->vu, FUSE_REQUEST_QUEUE, r.b);
	raw_finish(fx, &r);
}

static void test_ring_head_range(Fx *fx, gconstpointer data)
{
	Raw r;
	FX_SKIP_IF_NO_DAEMON(fx);
	raw_init(fx, &r);
	vu_front_push_raw(fx->vu, FUSE_REQUEST_QUEUE, (uint16_t)(r.num + 3));
	raw_finish(fx, &r);
}

static void test_ring_write_before_read(Fx *fx, gconstpointer data)
{
	Raw r;
	FX_SKIP_IF_NO_DAEMON(fx);
	raw_init(fx, &r);
	r.t[r.b] = (VuDesc){ r.reply_gpa, 4096, VU_DESC_F_WRITE | VU_DESC_F_NEXT,
			     (uint16_t)(r.b + 1) };
	r.t[r.b + 1] = (VuDesc){ r.req_gpa, r.req_len, 0, 0 };
	vu_front_push_raw(fx->vu, FUSE_REQUEST_QUEUE, r.b);
	raw_finish(fx, &r);
}

static void test_ring_zero_len(Fx *fx, gconstpointer data)
{
	Raw r;
	FX_SKIP_IF_NO_DAEMON(fx);
	raw_init(fx, &r);
	ring_two(fx, &r, r.req_gpa, 0, r.reply_gpa, 0);
}

static void test_ring_huge_lens(Fx *fx, gconstpointer data)
{
	Raw r;
	FX_SKIP_IF_NO_DAEMON(fx);
	raw_init(fx, &r);
	ring_two(fx, &r, 0, UINT32_MAX, 0, UINT32_MAX);
}

/* Put @n descriptors in an indirect table and publish it. */
static void ring_indirect(Fx *fx, Raw *r, const VuDesc *tbl, unsigned n,
			  uint32_t len_field)
{
	VuDesc *it = vu_front_alloc(fx->vu, n * sizeof(VuDesc) + 16);
	memcpy(it, tbl, n * sizeof(VuDesc));
	r->t[r->b] = (VuDesc){ vu_front_gpa(fx->vu, it), len_field, VU_DESC_F_INDIRECT, 0 };
	vu_front_push_raw(fx->vu, FUSE_REQUEST_QUEUE, r->b);
	raw_finish(fx, r);
}

static void test_ring_indirect_nested(Fx *fx, gconstpointer data)
{
	Raw r;
	VuDesc t[2];
	FX_SKIP_IF_NO_DAEMON(fx);
	raw_init(fx, &r);
	t[0] = (VuDesc){ r.req_gpa, r.req_len, VU_DESC_F_NEXT, 1 };
	t[1] = (VuDesc){ r.req_gpa, 32, VU_DESC_F_INDIRECT, 0 };
	ring_indirect(fx, &r, t, 2, sizeof(t));
}

static void test_ring_indirect_loop(Fx *fx, gconstpointer data)
{
	Raw r;
	VuDesc t[2];
	FX_SKIP_IF_NO_DAEMON(fx);
	raw_init(fx, &r);
	t[0] = (VuDesc){ r.req_gpa, r.req_len, VU_DESC_F_NEXT, 1 };
	t[1] = (VuDesc){ r.reply_gpa, 64, VU_DESC_F_WRITE | VU_DESC_F_NEXT, 0 };
	ring_indirect(fx, &r, t, 2, sizeof(t));
}

static void test_ring_indirect_next_range(Fx *fx, gconstpointer data)
{
	Raw r;
	VuDesc t[2];
	FX_SKIP_IF_NO_DAEMON(fx);
	raw_init(fx, &r);
	t[0] = (VuDesc){ r.req_gpa, r.req_len, VU_DESC_F_NEXT, 5 };
	t[1] = (VuDesc){ r.reply_gpa, 64, VU_DESC_F_WRITE, 0 };
	ring_indirect(fx, &r, t, 2, sizeof(t));
}

static void test_ring_indirect_bad_len(Fx *fx, gconstpointer data)
{
	Raw r;
	VuDesc t[2];
	FX_SKIP_IF_NO_DAEMON(fx);
	raw_init(fx, &r);
	t[0] = (VuDesc){ r.req_gpa, r.req_len, VU_DESC_F_NEXT, 1 };
	t[1] = (VuDesc){ r.reply_gpa, 64, VU_DESC_F_WRITE, 0 };
	ring_indirect(fx, &r, t, 2, 20); /* not a multiple of 16 */
}

static void test_ring_indirect_empty(Fx *fx, gconstpointer data)
{
	Raw r;
	VuDesc t[1];
	FX_SKIP_IF_NO_DAEMON(fx);
	raw_init(fx, &r);
	t[0] = (VuDesc){ r.req_gpa, r.req_len, 0, 0 };
	ring_indirect(fx, &r, t, 1, 0);
}

static void test_ring_indirect_outside(Fx *fx, gconstpointer data)
{
	Raw r;
	FX_SKIP_IF_NO_DAEMON(fx);
	raw_init(fx, &r);
	r.t[r.b] = (VuDesc){ vu_front_ram_size(fx->vu) - 16, 64, VU_DESC_F_INDIRECT, 0 };
	vu_front_push_raw(fx->vu, FUSE_REQUEST_QUEUE, r.b);
	raw_finish(fx, &r);
}

static void test_ring_indirect_too_long(Fx *fx, gconstpointer data)
{
	Raw r;
	unsigned n;
	VuDesc *t;
	FX_SKIP_IF_NO_DAEMON(fx);
	raw_init(fx, &r);
	/* a chain longer than the queue through an indirect table */
	n = r.num * 2 + 1;
	t = g_new0(VuDesc, n);
	t[0] = (VuDesc){ r.req_gpa, r.req_len, VU_DESC_F_NEXT, 1 };
	for (unsigned i = 1; i < n; i++)
		t[i] = (VuDesc){ r.reply_gpa, 1, (uint16_t)(VU_DESC_F_WRITE |
				 (i + 1 < n ? VU_DESC_F_NEXT : 0)), (uint16_t)(i + 1) };
	ring_indirect(fx, &r, t, n, n * sizeof(VuDesc));
	g_free(t);
}

static void test_ring_avail_idx(Fx *fx, gconstpointer data)
{
	struct fuse_attr_out a;
	uint16_t used;
	int e;
	FX_SKIP_IF_NO_DAEMON(fx);
	used = vu_front_used_idx(fx->vu, FUSE_REQUEST_QUEUE);
	/* more chains "available" than the queue holds */
	vu_front_set_avail_idx(fx->vu, FUSE_REQUEST_QUEUE,
			       (uint16_t)(used + vu_front_queue_size(fx->vu) + 10));
	/* the queue is broken now; the daemon may hang up or ignore it.  The
	 * hiprio queue is a different ring and may still work. */
	e = fuse_forget(&fx->c, 12345, 1);
	if (e == -ECONNRESET || e == -ETIMEDOUT)
		note_hangup(fx);
	fx->expect_hangup = true;
	g_assert_cmpuint((uint16_t)(vu_front_used_idx(fx->vu, FUSE_REQUEST_QUEUE) - used),
			 <=, vu_front_queue_size(fx->vu));
	(void)a;
}

/* ------------------------------------------------------- malformed FUSE */

typedef struct {
	struct fuse_out_header oh;
	uint8_t body[4096];
} RawReply;

/* Send @body after an in-header whose len field is the true length + @delta.
 * Return: the reply's error (<= 0), 1 for an empty reply, or a transport
 * error (which is recorded as a hang-up). */
static int fuse_raw(Fx *fx, unsigned queue, uint32_t opcode, uint64_t nodeid,
		    const void *body, size_t blen, int delta, size_t hdr_room,
		    size_t body_room, RawReply *ret)
{
	g_autofree uint8_t *req = g_malloc0(sizeof(struct fuse_in_header) + blen);
	struct fuse_in_header *h = (struct fuse_in_header *)req;
	RawReply rep;
	int used;

	h->len = (uint32_t)((int64_t)(sizeof(*h) + blen) + delta);
	h->opcode = opcode;
	h->unique = ++fx->c.unique;
	h->nodeid = nodeid;
	if (blen)
		memcpy(req + sizeof(*h), body, blen);
	memset(&rep, 0, sizeof(rep));
	used = fuse_call_raw(&fx->c, queue, req, sizeof(*h) + blen, sizeof(*h),
			     hdr_room, body_room, &rep, sizeof(rep));
	if (used < 0) {
		fx->c.transport_error = 0;
		note_hangup(fx);
		return used;
	}
	g_assert_cmpuint((size_t)used, <=, hdr_room + body_room);
	if (ret)
		*ret = rep;
	if (used == 0)
		return 1;
	g_assert_cmpuint((size_t)used, >=, sizeof(rep.oh));
	g_assert_cmpuint(rep.oh.unique, ==, h->unique);
	g_assert_cmpint(rep.oh.error, <=, 0);
	g_assert_cmpuint(rep.oh.len, ==, (uint32_t)used);
	return rep.oh.error;
}

/* An error reply (any errno) or no reply; never success. */
#define ASSERT_REFUSED(expr)                                                   \
	do {                                                                   \
		int e_ = (expr);                                               \
		if (e_ == 0 && vu_daemon_is_qemu())                            \
			g_test_message("QEMU accepted %s", #expr);             \
		else if (e_ == 0)                                              \
			g_test_fail_printf("%s succeeded", #expr);             \
	} while (0)

/* The daemon still answers a good request (unless it hung up). */
static void fuse_alive(Fx *fx)
{
	struct fuse_attr_out a;
	int e;

	if (fx->expect_hangup)
		return;
	e = fuse_getattr(&fx->c, FUSE_ROOT_NODEID, 0, false, &a);
	if (e == -ECONNRESET) {
		note_hangup(fx);
		fx->c.transport_error = 0;
		return;
	}
	g_assert_cmpint(e, ==, 0);
}

static void test_fuse_len_mismatch(Fx *fx, gconstpointer data)
{
	struct fuse_getattr_in gi = { 0 };
	FX_SKIP_IF_NO_DAEMON(fx);
	/* header claims more than was sent */
	ASSERT_REFUSED(fuse_raw(fx, 1, FUSE_GETATTR, 1, &gi, sizeof(gi), 100, 16, 4096, NULL));
	fuse_alive(fx);
	/* header claims less than its own size */
	ASSERT_REFUSED(fuse_raw(fx, 1, FUSE_GETATTR, 1, &gi, sizeof(gi),
				-(int)(sizeof(struct fuse_in_header) + sizeof(gi)) + 4, 16, 4096, NULL));
	fuse_alive(fx);
	/* a zero length */
	ASSERT_REFUSED(fuse_raw(fx, 1, FUSE_GETATTR, 1, &gi, sizeof(gi),
				-(int)(sizeof(struct fuse_in_header) + sizeof(gi)), 16, 4096, NULL));
	fuse_alive(fx);
	/* a huge length */
	ASSERT_REFUSED(fuse_raw(fx, 1, FUSE_GETATTR, 1, &gi, sizeof(gi), 0x7fffff00, 16, 4096, NULL));
	fuse_alive(fx);
}

static void test_fuse_short_header(Fx *fx, gconstpointer data)
{
	uint8_t junk[20] = { 20, 0, 0, 0, FUSE_GETATTR };
	RawReply rep;
	int used;
	FX_SKIP_IF_NO_DAEMON(fx);
	/* fewer bytes than an in-header */
	used = fuse_call_raw(&fx->c, 1, junk, sizeof(junk), 0, 16, 4096, &rep, sizeof(rep));
	if (used < 0) {
		note_hangup(fx);
		fx->c.transport_error = 0;
	} else if (used > 0) {
		g_assert_cmpint(rep.oh.error, <, 0);
	}
	fuse_alive(fx);
	/* and nothing at all */
	used = fuse_call_raw(&fx->c, 1, junk, 0, 0, 16, 4096, &rep, sizeof(rep));
	if (used < 0) {
		note_hangup(fx);
		fx->c.transport_error = 0;
	}
	fuse_alive(fx);
}

static void test_fuse_truncated_args(Fx *fx, gconstpointer data)
{
	uint8_t small[10] = { 0 };
	FX_SKIP_IF_NO_DAEMON(fx);
	ASSERT_REFUSED(fuse_raw(fx, 1, FUSE_SETATTR, 1, small, sizeof(small), 0, 16, 4096, NULL));
	ASSERT_REFUSED(fuse_raw(fx, 1, FUSE_LOOKUP, 1, NULL, 0, 0, 16, 4096, NULL));
	ASSERT_REFUSED(fuse_raw(fx, 1, FUSE_MKDIR, 1, small, 4, 0, 16, 4096, NULL));
	ASSERT_REFUSED(fuse_raw(fx, 1, FUSE_RENAME2, 1, small, sizeof(small), 0, 16, 4096, NULL));
	ASSERT_REFUSED(fuse_raw(fx, 1, FUSE_CREATE, 1, small, sizeof(small), 0, 16, 4096, NULL));
	ASSERT_REFUSED(fuse_raw(fx, 1, FUSE_SETLK, 1, small, sizeof(small), 0, 16, 4096, NULL));
	ASSERT_REFUSED(fuse_raw(fx, 1, FUSE_COPY_FILE_RANGE, 1, small, sizeof(small), 0, 16, 4096, NULL));
	fuse_alive(fx);
}

static void test_fuse_names(Fx *fx, gconstpointer data)
{
	char big[4200];
	struct {
		struct fuse_mkdir_in in;
		char name[3];
	} mk = { { 0755, 0 }, { 'a', 'b', 'c' } };
	g_autofree char *p = fx_path(fx, "sub");
	g_autofree char *q = fx_path(fx, "sub/file");
	FX_SKIP_IF_NO_DAEMON(fx);
	g_assert_cmpint(mkdir(p, 0755), ==, 0);
	g_assert_true(g_file_set_contents(q, "x", 1, NULL));
	/* no NUL terminator */
	ASSERT_REFUSED(fuse_raw(fx, 1, FUSE_LOOKUP, 1, "sub", 3, 0, 16, 4096, NULL));
	ASSERT_REFUSED(fuse_raw(fx, 1, FUSE_MKDIR, 1, &mk, sizeof(mk), 0, 16, 4096, NULL));
	g_free(p);
	p = fx_path(fx, "abc");
	g_assert_false(g_file_test(p, G_FILE_TEST_EXISTS));
	/* a slash is never a path separator for the guest */
	ASSERT_REFUSED(fuse_lookup(&fx->c, FUSE_ROOT_NODEID, "sub/file", NULL));
	ASSERT_REFUSED(fuse_mkdir(&fx->c, FUSE_ROOT_NODEID, "sub/new", 0755, 0, NULL));
	g_free(p);
	p = fx_path(fx, "sub/new");
	g_assert_false(g_file_test(p, G_FILE_TEST_EXISTS));
	/* empty names */
	ASSERT_REFUSED(fuse_lookup(&fx->c, FUSE_ROOT_NODEID, "", NULL));
	ASSERT_REFUSED(fuse_mkdir(&fx->c, FUSE_ROOT_NODEID, "", 0755, 0, NULL));
	/* "." and ".." may not be created or removed */
	ASSERT_REFUSED(fuse_mkdir(&fx->c, FUSE_ROOT_NODEID, "..", 0755, 0, NULL));
	ASSERT_REFUSED(fuse_rmdir(&fx->c, FUSE_ROOT_NODEID, ".."));
	ASSERT_REFUSED(fuse_unlink(&fx->c, FUSE_ROOT_NODEID, "."));
	/* too long */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	g_assert_cmpint(fuse_lookup(&fx->c, FUSE_ROOT_NODEID, big, NULL), ==, -ENAMETOOLONG);
	ASSERT_REFUSED(fuse_mkdir(&fx->c, FUSE_ROOT_NODEID, big, 0755, 0, NULL));
	/* the NUL inside the argument, trailing bytes after it */
	ASSERT_REFUSED(fuse_raw(fx, 1, FUSE_LOOKUP, 1, "su\0b", 5, 0, 16, 4096, NULL));
	fuse_alive(fx);
}

static void test_fuse_symlink_escape(Fx *fx, gconstpointer data)
{
	struct fuse_entry_out e;
	struct fuse_open_out o;
	g_autofree char *p = fx_path(fx, "esc");
	g_autofree char *buf = g_malloc0(4096);
	uint64_t n;
	int r;
	FX_SKIP_IF_NO_DAEMON(fx);
	g_assert_cmpint(symlink("/etc", p), ==, 0);
	g_assert_cmpint(fuse_lookup(&fx->c, FUSE_ROOT_NODEID, "esc", &e), ==, 0);
	n = e.nodeid;
	g_assert_true(S_ISLNK(e.attr.mode));
	/* a symlink node is not a directory to look names up in */
	ASSERT_REFUSED(fuse_lookup(&fx->c, n, "passwd", NULL));
	ASSERT_REFUSED(fuse_opendir(&fx->c, n, &o));
	ASSERT_REFUSED(fuse_mknod(&fx->c, n, "x", S_IFREG | 0644, 0, 0, NULL));
	/* opening it must not follow it out of the share */
	r = fuse_open(&fx->c, n, O_RDONLY, &o);
	if (r == 0) {
		r = fuse_read(&fx->c, n, o.fh, 0, 4096, buf);
		g_assert_cmpint(r, <=, 0);
	}
	fuse_alive(fx);
}

static void test_fuse_forged_nodeid(Fx *fx, gconstpointer data)
{
	static const uint64_t bad[] = {
		0, 0xdeadbeef, UINT64_MAX, 1ull << 40 | 1, 0x1000, 2, 3, 1000,
	};
	struct fuse_entry_out e;
	FX_SKIP_IF_NO_DAEMON(fx);
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		struct fuse_attr_out a;
		ASSERT_REFUSED(fuse_getattr(&fx->c, bad[i], 0, false, &a));
		ASSERT_REFUSED(fuse_lookup(&fx->c, bad[i], "x", NULL));
		ASSERT_REFUSED(fuse_mkdir(&fx->c, bad[i], "x", 0755, 0, NULL));
		fuse_forget(&fx->c, bad[i], 1);
	}
	/* a nodeid that was valid, after its last FORGET */
	g_assert_true(host_put(fx, "f", "x", 1));
	g_assert_cmpint(fuse_lookup(&fx->c, FUSE_ROOT_NODEID, "f", &e), ==, 0);
	g_assert_cmpint(fuse_forget(&fx->c, e.nodeid, 1), ==, 0);
	{
		struct fuse_attr_out a;
		int r = fuse_getattr(&fx->c, e.nodeid, 0, false, &a);
		/* spec: a stale id is refused (QEMU 7.2 reuses map slots) */
		if (!vu_daemon_is_qemu())
			ASSERT_REFUSED(r);
	}
	fuse_alive(fx);
}

static void test_fuse_forged_fh(Fx *fx, gconstpointer data)
{
	static const uint64_t bad[] = { 0xdeadbeef, UINT64_MAX, 1ull << 40, 77 };
	char buf[64];
	struct fuse_entry_out e;
	struct fuse_open_out o;
	FX_SKIP_IF_NO_DAEMON(fx);
	g_assert_cmpint(fuse_create(&fx->c, FUSE_ROOT_NODEID, "f", O_RDWR | O_CREAT,
				    S_IFREG | 0644, 0, &e, &o), ==, 0);
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		ASSERT_REFUSED(fuse_read(&fx->c, e.nodeid, bad[i], 0, sizeof(buf), buf));
		ASSERT_REFUSED(fuse_write(&fx->c, e.nodeid, bad[i], 0, "x", 1, 0));
		ASSERT_REFUSED(fuse_readdir(&fx->c, FUSE_ROOT_NODEID, bad[i], 0, sizeof(buf), buf));
		ASSERT_REFUSED(fuse_fsync(&fx->c, e.nodeid, bad[i], false));
		fuse_release(&fx->c, e.nodeid, bad[i], 0);
		fuse_releasedir(&fx->c, FUSE_ROOT_NODEID, bad[i]);
	}
	/* a file handle is not a directory handle */
	if (!vu_daemon_is_qemu())
		ASSERT_REFUSED(fuse_readdir(&fx->c, FUSE_ROOT_NODEID, o.fh, 0, sizeof(buf), buf));
	/* a released handle is gone */
	g_assert_cmpint(fuse_release(&fx->c, e.nodeid, o.fh, O_RDWR), ==, 0);
	if (!vu_daemon_is_qemu())
		ASSERT_REFUSED(fuse_read(&fx->c, e.nodeid, o.fh, 0, sizeof(buf), buf));
	fuse_alive(fx);
}

static void test_fuse_forget_too_much(Fx *fx, gconstpointer data)
{
	struct fuse_entry_out e;
	struct fuse_forget_one items[4];
	struct {
		struct fuse_batch_forget_in in;
		struct fuse_forget_one one;
	} bf;
	FX_SKIP_IF_NO_DAEMON(fx);
	if (vu_daemon_is_qemu()) {
		g_test_skip("QEMU 7.2 virtiofsd aborts on an oversized FORGET");
		return;
	}
	g_assert_true(host_put(fx, "f", "x", 1));
	g_assert_cmpint(fuse_lookup(&fx->c, FUSE_ROOT_NODEID, "f", &e), ==, 0);
	g_assert_cmpint(fuse_forget(&fx->c, e.nodeid, 1000000), ==, 0);
	g_assert_cmpint(fuse_forget(&fx->c, FUSE_ROOT_NODEID, UINT64_MAX), ==, 0);
	items[0] = (struct fuse_forget_one){ e.nodeid, UINT64_MAX };
	items[1] = (struct fuse_forget_one){ 0xdeadbeef, 1 };
	items[2] = (struct fuse_forget_one){ FUSE_ROOT_NODEID, 5 };
	items[3] = (struct fuse_forget_one){ 0, 0 };
	g_assert_cmpint(fuse_batch_forget(&fx->c, items, 4), ==, 0);
	/* a count larger than the items sent */
	memset(&bf, 0, sizeof(bf));
	bf.in.count = 100000;
	bf.one = (struct fuse_forget_one){ 0xdeadbeef, 1 };
	fuse_raw(fx, 0, FUSE_BATCH_FORGET, 0, &bf, sizeof(bf), 0, 0, 0, NULL);
	/* the root survives and names resolve again */
	fuse_alive(fx);
	if (!fx->expect_hangup)
		g_assert_cmpint(fuse_lookup(&fx->c, FUSE_ROOT_NODEID, "f", &e), ==, 0);
}

static void test_fuse_write_size(Fx *fx, gconstpointer data)
{
	struct fuse_entry_out e;
	struct fuse_open_out o;
	struct stat st;
	struct {
		struct fuse_write_in in;
		char data[10];
	} w;
	FX_SKIP_IF_NO_DAEMON(fx);
	g_assert_cmpint(fuse_create(&fx->c, FUSE_ROOT_NODEID, "f", O_RDWR | O_CREAT,
				    S_IFREG | 0644, 0, &e, &o), ==, 0);
	memset(&w, 'z', sizeof(w));
	memset(&w.in, 0, sizeof(w.in));
	w.in.fh = o.fh;
	w.in.size = 1 << 20; /* claims 1 MiB, carries 10 bytes */
	ASSERT_REFUSED(fuse_raw(fx, 1, FUSE_WRITE, e.nodeid, &w, sizeof(w), 0, 16, 4096, NULL));
	{
		g_autofree char *p = fx_path(fx, "f");
		g_assert_cmpint(stat(p, &st), ==, 0);
	}
	g_assert_cmpint(st.st_size, <=, 10);
	fuse_alive(fx);
}

static void test_fuse_read_too_big(Fx *fx, gconstpointer data)
{
	struct fuse_entry_out e;
	struct fuse_open_out o;
	struct fuse_read_in rd;
	g_autofree uint8_t *big = g_malloc(1 << 20);
	RawReply rep;
	int r;
	FX_SKIP_IF_NO_DAEMON(fx);
	memset(big, 'q', 1 << 20);
	g_assert_true(host_put(fx, "f", (char *)big, 1 << 20));
	g_assert_cmpint(fuse_lookup(&fx->c, FUSE_ROOT_NODEID, "f", &e), ==, 0);
	g_assert_cmpint(fuse_open(&fx->c, e.nodeid, O_RDONLY, &o), ==, 0);
	memset(&rd, 0, sizeof(rd));
	rd.fh = o.fh;
	rd.size = 1 << 20; /* more than the 4 KiB reply buffer */
	r = fuse_raw(fx, 1, FUSE_READ, e.nodeid, &rd, sizeof(rd), 0, 16, 4096, &rep);
	/* an error, or at most what fits; fuse_raw checked the lengths and the
	 * slack behind the buffers */
	(void)r;
	/* READDIR likewise */
	rd.fh = 0;
	fuse_raw(fx, 1, FUSE_READDIR, FUSE_ROOT_NODEID, &rd, sizeof(rd), 0, 16, 64, NULL);
	fuse_alive(fx);
}

static void test_fuse_tiny_reply(Fx *fx, gconstpointer data)
{
	struct fuse_getattr_in gi = { 0 };
	struct fuse_init_in ii = { 7, 38, 0, 0, 0, { 0 } };
	FX_SKIP_IF_NO_DAEMON(fx);
	/* no room for even the out-header */
	fuse_raw(fx, 1, FUSE_GETATTR, 1, &gi, sizeof(gi), 0, 8, 0, NULL);
	fuse_alive(fx);
	/* room for the header only: an error reply at most */
	{
		int r = fuse_raw(fx, 1, FUSE_GETATTR, 1, &gi, sizeof(gi), 0, 16, 0, NULL);
		if (r == 0)
			g_test_fail_printf("GETATTR succeeded without room for its reply");
	}
	fuse_alive(fx);
	/* header + 8 bytes: split oddly */
	fuse_raw(fx, 1, FUSE_GETATTR, 1, &gi, sizeof(gi), 0, 4, 20, NULL);
	fuse_alive(fx);
	/* no writable buffer at all */
	fuse_raw(fx, 1, FUSE_GETATTR, 1, &gi, sizeof(gi), 0, 0, 0, NULL);
	fuse_alive(fx);
	/* INIT again with a tiny buffer */
	fuse_raw(fx, 1, FUSE_INIT, 0, &ii, sizeof(ii), 0, 16, 8, NULL);
	fuse_alive(fx);
}

static void test_fuse_opcodes(Fx *fx, gconstpointer data)
{
	uint8_t zeros[128] = { 0 };
	FX_SKIP_IF_NO_DAEMON(fx);
	/* every opcode number with an all-zero body: no crash, no success
	 * that would need a real argument */
	for (uint32_t op = 0; op < 60; op++) {
		if (op == FUSE_INIT || op == FUSE_DESTROY || op == FUSE_FORGET ||
		    op == FUSE_BATCH_FORGET || op == FUSE_INTERRUPT)
			continue;
		fuse_raw(fx, 1, op, 0, zeros, sizeof(zeros), 0, 16, 4096, NULL);
		if (fx->expect_hangup)
			return;
	}
	if (vu_daemon_is_qemu())
		return; /* QEMU 7.2: opcodes past its table break the session */
	g_assert_cmpint(fuse_raw(fx, 1, 4096, 1, zeros, 8, 0, 16, 4096, NULL), ==, -ENOSYS);
	g_assert_cmpint(fuse_raw(fx, 1, UINT32_MAX, 1, zeros, 8, 0, 16, 4096, NULL), ==, -ENOSYS);
	fuse_alive(fx);
}

static void test_fuse_hiprio_misuse(Fx *fx, gconstpointer data)
{
	struct fuse_getattr_in gi = { 0 };
	FX_SKIP_IF_NO_DAEMON(fx);
	if (vu_daemon_is_qemu()) {
		g_test_skip("QEMU 7.2 virtiofsd serves any opcode on hiprio");
		return;
	}
	/* a normal request on the hiprio queue: answered or dropped */
	fuse_raw(fx, 0, FUSE_GETATTR, 1, &gi, sizeof(gi), 0, 16, 4096, NULL);
	fuse_alive(fx);
}

static void test_fuse_setxattr_size(Fx *fx, gconstpointer data)
{
	struct {
		struct fuse_setxattr_in in; /* compat 8-byte form used below */
		char rest[16];
	} s;
	FX_SKIP_IF_NO_DAEMON(fx);
	memset(&s, 0, sizeof(s));
	s.in.size = 1 << 20; /* value claims 1 MiB */
	memcpy((char *)&s + 8, "user.x\0vv", 9);
	ASSERT_REFUSED(fuse_raw(fx, 1, FUSE_SETXATTR, 1, &s, 8 + 9, 0, 16, 4096, NULL));
	fuse_alive(fx);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	/* a device may stop serving a queue it found broken: don't wait long */
	fx_timeout_ms = 3000;
	FX_ADD("/malformed/vu/short-header", test_vu_short_header, &cfg_raw);
	FX_ADD("/malformed/vu/short-payload", test_vu_short_payload, &cfg_raw);
	FX_ADD("/malformed/vu/oversized-size", test_vu_oversized, &cfg_raw);
	FX_ADD("/malformed/vu/bad-version", test_vu_bad_version, &cfg_raw);
	FX_ADD("/malformed/vu/size-mismatch", test_vu_size_mismatch, &cfg_nofuse);
	FX_ADD("/malformed/vu/size-mismatch-u64", test_vu_size_mismatch_u64, &cfg_nofuse);
	FX_ADD("/malformed/vu/unknown-request", test_vu_unknown, &cfg_nofuse);
	FX_ADD("/malformed/vu/stray-fd", test_vu_fds_on_wrong_message, &cfg_nofuse);
	FX_ADD("/malformed/mem/zero-regions", test_mem_zero_regions, &cfg_nofuse);
	FX_ADD("/malformed/mem/too-many-regions", test_mem_too_many_regions, &cfg_nofuse);
	FX_ADD("/malformed/mem/count-mismatch", test_mem_count_mismatch, &cfg_nofuse);
	FX_ADD("/malformed/mem/fd-missing", test_mem_fd_missing, &cfg_nofuse);
	FX_ADD("/malformed/mem/zero-size", test_mem_zero_size, &cfg_nofuse);
	FX_ADD("/malformed/mem/overlap", test_mem_overlap, &cfg_nofuse);
	FX_ADD("/malformed/mem/beyond-file", test_mem_beyond_file, &cfg_nofuse);
	FX_ADD("/malformed/mem/offset-overflow", test_mem_offset_overflow, &cfg_nofuse);
	FX_ADD("/malformed/mem/gpa-wrap", test_mem_gpa_wrap, &cfg_nofuse);
	FX_ADD("/malformed/mem/not-memfd", test_mem_not_memfd, &cfg_nofuse);
	FX_ADD("/malformed/vring/num-zero", test_vring_num_zero, &cfg_nofuse);
	FX_ADD("/malformed/vring/num-huge", test_vring_num_huge, &cfg_nofuse);
	FX_ADD("/malformed/vring/num-not-pow2", test_vring_num_odd, &cfg_nofuse);
	FX_ADD("/malformed/vring/index-range", test_vring_index, &cfg_nofuse);
	FX_ADD("/malformed/vring/addr-outside", test_vring_addr_outside, &cfg_nofuse);
	FX_ADD("/malformed/vring/addr-straddle", test_vring_addr_straddle, &cfg_nofuse);
	FX_ADD("/malformed/vring/kick-no-fd", test_vring_kick_no_fd, &cfg_nofuse);
	FX_ADD("/malformed/ring/addr-outside", test_ring_addr_outside, NULL);
	FX_ADD("/malformed/ring/reply-outside", test_ring_reply_outside, NULL);
	FX_ADD("/malformed/ring/addr-wrap", test_ring_addr_wrap, NULL);
	FX_ADD("/malformed/ring/straddle-end", test_ring_straddle_end, NULL);
	FX_ADD("/malformed/ring/loop", test_ring_loop, NULL);
	FX_ADD("/malformed/ring/next-range", test_ring_next_range, NULL);
	FX_ADD("/malformed/ring/head-range", test_ring_head_range, NULL);
	FX_ADD("/malformed/ring/write-before-read", test_ring_write_before_read, NULL);
	FX_ADD("/malformed/ring/zero-len", test_ring_zero_len, NULL);
	FX_ADD("/malformed/ring/huge-lens", test_ring_huge_lens, NULL);
	FX_ADD("/malformed/ring/indirect-nested", test_ring_indirect_nested, NULL);
	FX_ADD("/malformed/ring/indirect-loop", test_ring_indirect_loop, NULL);
	FX_ADD("/malformed/ring/indirect-next-range", test_ring_indirect_next_range, NULL);
	FX_ADD("/malformed/ring/indirect-bad-len", test_ring_indirect_bad_len, NULL);
	FX_ADD("/malformed/ring/indirect-empty", test_ring_indirect_empty, NULL);
	FX_ADD("/malformed/ring/indirect-outside", test_ring_indirect_outside, NULL);
	FX_ADD("/malformed/ring/indirect-too-long", test_ring_indirect_too_long, NULL);
	FX_ADD("/malformed/ring/avail-idx", test_ring_avail_idx, NULL);
	FX_ADD("/malformed/fuse/len-mismatch", test_fuse_len_mismatch, NULL);
	FX_ADD("/malformed/fuse/short-header", test_fuse_short_header, NULL);
	FX_ADD("/malformed/fuse/truncated-args", test_fuse_truncated_args, NULL);
	FX_ADD("/malformed/fuse/names", test_fuse_names, NULL);
	FX_ADD("/malformed/fuse/symlink-escape", test_fuse_symlink_escape, NULL);
	FX_ADD("/malformed/fuse/forged-nodeid", test_fuse_forged_nodeid, NULL);
	FX_ADD("/malformed/fuse/forged-fh", test_fuse_forged_fh, NULL);
	FX_ADD("/malformed/fuse/forget-too-much", test_fuse_forget_too_much, NULL);
	FX_ADD("/malformed/fuse/write-size", test_fuse_write_size, NULL);
	FX_ADD("/malformed/fuse/read-too-big", test_fuse_read_too_big, NULL);
	FX_ADD("/malformed/fuse/tiny-reply", test_fuse_tiny_reply, NULL);
	FX_ADD("/malformed/fuse/all-opcodes", test_fuse_opcodes, NULL);
	FX_ADD("/malformed/fuse/hiprio-misuse", test_fuse_hiprio_misuse, NULL);
	FX_ADD("/malformed/fuse/setxattr-size", test_fuse_setxattr_size, NULL);
	return g_test_run();
}
