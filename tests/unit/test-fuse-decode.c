// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-fuse-decode.c - unit tests of the FUSE protocol layer: the iovec
 * cursor, INIT negotiation, per-opcode argument decoding against a
 * recording backend, malformed requests, reply sizing, READDIR packing and
 * zero-copy READ/WRITE slicing.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "protocol/fuse-iov.h"
#include "protocol/fuse-server.h"
#include "shared/log.h"
#include "test-fuse-fake.h"

#define UNIQUE 0x1122334455ULL

static FsConfig cfg;
static FuseServer *srv;
static ReqBuf rb;
static unsigned char reply[1 << 21];
static struct iovec out_iov[1 << 18], in_iov[1 << 15];

typedef struct {
	size_t out_chunk;	/* split the request every N bytes (0: don't) */
	size_t in_chunk;	/* split the reply buffer every N bytes */
	size_t in_size;		/* reply buffer size (0: 64 KiB) */
	size_t out_len;		/* bytes of the request present (0: all) */
	bool empties;		/* empty iovecs between chunks */
} SendOpts;

/* Send rb to the server. Return: reply bytes. */
static uint32_t send_opts(const SendOpts *o)
{
	size_t in_size = o->in_size ? o->in_size : 65536;
	size_t out_len = o->out_len ? o->out_len : rb.len;
	unsigned on, inn;

	memset(reply, 0x5a, in_size + 64);
	on = split_iov(rb.buf, out_len, o->out_chunk, o->empties, out_iov,
		       G_N_ELEMENTS(out_iov));
	inn = split_iov(reply, in_size, o->in_chunk, o->empties, in_iov,
			G_N_ELEMENTS(in_iov));
	return fuse_server_handle(srv, out_iov, on, in_iov, inn);
}

static uint32_t send_req(void)
{
	SendOpts o = { 0 };

	return send_opts(&o);
}

static const struct fuse_out_header *reply_hdr(void)
{
	return (const void *)reply;
}

/* Check a reply: length @n, header consistent, error @err. */
static void check_reply(uint32_t n, int err, size_t body)
{
	const struct fuse_out_header *oh = reply_hdr();

	g_assert_cmpuint(n, ==, sizeof(*oh) + body);
	g_assert_cmpuint(oh->len, ==, n);
	g_assert_cmpint(oh->error, ==, err);
	g_assert_cmphex(oh->unique, ==, UNIQUE);
}

static void check_err(uint32_t n, int err)
{
	check_reply(n, err, 0);
}

static uint32_t send_init(uint32_t major, uint32_t minor, uint64_t flags)
{
	struct fuse_init_in in = {
		.major = major,
		.minor = minor,
		.max_readahead = 128 * 1024,
		.flags = (uint32_t)flags,
		.flags2 = (uint32_t)(flags >> 32),
	};

	req_begin(&rb, FUSE_INIT, 0);
	req_put(&rb, &in, sizeof(in));
	req_end(&rb);
	return send_req();
}

static void setup(uint32_t minor)
{
	fuse_server_free(srv);
	memset(&cfg, 0, sizeof(cfg));
	cfg.xattr = true;
	cfg.readdirplus = true;
	cfg.posix_lock = true;
	cfg.flock = true;
	srv = fuse_server_new(&(FuseServerConfig){ &fake_ops, NULL, &cfg });
	fake_reset();
	if (minor)
		check_reply(send_init(7, minor, ~0ULL), 0,
			    minor < 23 ? 24 : sizeof(struct fuse_init_out));
	fake_reset();
}

/* ---------------------------------------------------------------- cursor */

static void test_iov_read_split(void)
{
	unsigned char src[64], dst[64];
	struct iovec iov[140];

	for (unsigned i = 0; i < sizeof(src); i++)
		src[i] = (unsigned char)i;
	for (size_t chunk = 1; chunk <= 9; chunk++) {
		FuseIov c;
		unsigned n = split_iov(src, sizeof(src), chunk, chunk & 1, iov,
				       G_N_ELEMENTS(iov));

		fuse_iov_init(&c, iov, n);
		g_assert_cmpuint(fuse_iov_remaining(&c), ==, 64);
		g_assert_cmpint(fuse_iov_read(&c, dst, 5), ==, 0);
		g_assert_cmpint(fuse_iov_skip(&c, 3), ==, 0);
		g_assert_cmpint(fuse_iov_read(&c, dst + 5, 50), ==, 0);
		g_assert_cmpmem(dst, 5, src, 5);
		g_assert_cmpmem(dst + 5, 50, src + 8, 50);
		/* asking for more than is left consumes nothing */
		g_assert_cmpint(fuse_iov_read(&c, dst, 7), ==, -EINVAL);
		g_assert_cmpuint(fuse_iov_remaining(&c), ==, 6);
		g_assert_cmpint(fuse_iov_read(&c, dst, 6), ==, 0);
		g_assert_cmpmem(dst, 6, src + 58, 6);
		g_assert_cmpint(fuse_iov_skip(&c, 1), ==, -EINVAL);
	}
}

static void test_iov_limit_write(void)
{
	unsigned char buf[32] = { 0 };
	struct iovec iov[70];
	unsigned n = split_iov(buf, sizeof(buf), 3, true, iov, 70);
	FuseIov c;

	fuse_iov_init(&c, iov, n);
	fuse_iov_limit(&c, 10);
	fuse_iov_limit(&c, 100);	/* never raises */
	g_assert_cmpuint(fuse_iov_remaining(&c), ==, 10);
	g_assert_cmpint(fuse_iov_write(&c, "abcdefghijk", 11), ==, -ENOSPC);
	g_assert_cmpint(fuse_iov_write(&c, "abcdefg", 7), ==, 0);
	g_assert_cmpint(fuse_iov_zero(&c, 3), ==, 0);
	g_assert_cmpint(fuse_iov_zero(&c, 1), ==, -ENOSPC);
	g_assert_cmpmem(buf, 8, "abcdefg\0", 8);
	g_assert_cmpuint(buf[10], ==, 0);
}

static void test_iov_slice(void)
{
	unsigned char buf[100];
	struct iovec iov[100], sl[100];
	unsigned n = split_iov(buf, sizeof(buf), 7, false, iov, 100);
	FuseIov c;
	size_t total = 0;
	int k;

	fuse_iov_init(&c, iov, n);
	fuse_iov_skip(&c, 10);
	k = fuse_iov_slice(&c, 20, sl, 100);
	/* bytes 10..29: [10,14) [14,21) [21,28) [28,30) */
	g_assert_cmpint(k, ==, 4);
	g_assert_true(sl[0].iov_base == buf + 10);
	g_assert_cmpuint(sl[0].iov_len, ==, 4);
	g_assert_cmpuint(sl[3].iov_len, ==, 2);
	for (int i = 0; i < k; i++)
		total += sl[i].iov_len;
	g_assert_cmpuint(total, ==, 20);
	g_assert_cmpuint(fuse_iov_remaining(&c), ==, 70);
	/* too few destination entries: nothing consumed */
	g_assert_cmpint(fuse_iov_slice(&c, 30, sl, 2), ==, -E2BIG);
	g_assert_cmpint(fuse_iov_slice(&c, 71, sl, 100), ==, -EINVAL);
	g_assert_cmpuint(fuse_iov_remaining(&c), ==, 70);
	g_assert_cmpint(fuse_iov_slice(&c, 0, sl, 100), ==, 0);
}

static void test_iov_read_str(void)
{
	static const struct {
		const char *data;
		size_t len;
		size_t dst;
		int expect;
	} rows[] = {
		{ "abc\0def", 8, 16, 3 },
		{ "\0", 1, 16, 0 },
		{ "abc", 3, 16, -EINVAL },		/* no NUL at all */
		{ "abcdef\0", 7, 6, -ENAMETOOLONG },	/* longer than dst */
		{ "abcde\0", 6, 6, 5 },			/* exactly fits */
	};

	for (unsigned i = 0; i < G_N_ELEMENTS(rows); i++) {
		for (size_t chunk = 1; chunk <= 3; chunk++) {
			struct iovec iov[40];
			char dst[16], copy[16];
			unsigned n;
			FuseIov c;

			memcpy(copy, rows[i].data, rows[i].len);
			n = split_iov(copy, rows[i].len, chunk, true, iov, 40);
			fuse_iov_init(&c, iov, n);
			g_assert_cmpint(fuse_iov_read_str(&c, dst, rows[i].dst),
					==, rows[i].expect);
			if (rows[i].expect >= 0) {
				g_assert_cmpstr(dst, ==, rows[i].data);
				g_assert_cmpuint(fuse_iov_remaining(&c), ==,
						 rows[i].len - 1 -
							 (size_t)rows[i].expect);
			} else {
				g_assert_cmpuint(fuse_iov_remaining(&c), ==,
						 rows[i].len);
			}
		}
	}
}

/* ---------------------------------------------------------------- session */

static void test_before_init(void)
{
	struct fuse_getattr_in ga = { 0 };
	struct fuse_forget_in fg = { .nlookup = 1 };

	setup(0);
	req_begin(&rb, FUSE_GETATTR, 1);
	req_put(&rb, &ga, sizeof(ga));
	req_end(&rb);
	check_err(send_req(), -EIO);
	g_assert_cmpint(fake_rec.calls, ==, 0);

	req_begin(&rb, FUSE_FORGET, 5);
	req_put(&rb, &fg, sizeof(fg));
	req_end(&rb);
	g_assert_cmpuint(send_req(), ==, 0);
	g_assert_cmpint(fake_rec.calls, ==, 0);

	check_reply(send_init(7, 38, 0), 0, sizeof(struct fuse_init_out));
	req_begin(&rb, FUSE_GETATTR, 1);
	req_put(&rb, &ga, sizeof(ga));
	req_end(&rb);
	check_reply(send_req(), 0, sizeof(struct fuse_attr_out));
	g_assert_cmpstr(fake_rec.op, ==, "getattr");

	/* second INIT refused, session stays up */
	check_err(send_init(7, 38, 0), -EIO);
	/* DESTROY: backend told, back to before INIT */
	req_begin(&rb, FUSE_DESTROY, 0);
	req_end(&rb);
	check_err(send_req(), 0);
	g_assert_true(fake_rec.destroyed);
	req_begin(&rb, FUSE_GETATTR, 1);
	req_put(&rb, &ga, sizeof(ga));
	req_end(&rb);
	check_err(send_req(), -EIO);
	check_reply(send_init(7, 38, 0), 0, sizeof(struct fuse_init_out));
}

static const uint64_t base_offer = FUSE_ASYNC_READ | FUSE_ATOMIC_O_TRUNC |
	FUSE_EXPORT_SUPPORT | FUSE_BIG_WRITES | FUSE_DONT_MASK |
	FUSE_AUTO_INVAL_DATA | FUSE_ASYNC_DIO | FUSE_PARALLEL_DIROPS |
	FUSE_MAX_PAGES | FUSE_CACHE_SYMLINKS | FUSE_INIT_EXT;

static void test_init_negotiate(void)
{
	static const struct {
		const char *what;
		FsConfig cfg;
		uint32_t major, minor;
		uint64_t guest;
		int err;
		size_t body;
		uint32_t out_minor;
		uint64_t flags;
		bool ready;
	} rows[] = {
		{ "all-off", { 0 }, 7, 38, ~0ULL, 0, 64, 38, base_offer, true },
		{ "all-on",
		  { .posix_lock = true, .flock = true, .readdirplus = true,
		    .writeback = true, .announce_submounts = true,
		    .xattr = true, .killpriv_v2 = true },
		  7, 38, ~0ULL, 0, 64, 38,
		  base_offer | FUSE_POSIX_LOCKS | FUSE_FLOCK_LOCKS |
			  FUSE_DO_READDIRPLUS | FUSE_READDIRPLUS_AUTO |
			  FUSE_WRITEBACK_CACHE | FUSE_SUBMOUNTS |
			  FUSE_SETXATTR_EXT | FUSE_HANDLE_KILLPRIV_V2,
		  true },
		{ "intersect", { .writeback = true }, 7, 38,
		  FUSE_ASYNC_READ | FUSE_POSIX_LOCKS | FUSE_WRITEBACK_CACHE |
			  FUSE_SPLICE_READ,
		  0, 64, 38, FUSE_ASYNC_READ | FUSE_WRITEBACK_CACHE, true },
		{ "flags2-without-ext", { .xattr = true }, 7, 38,
		  FUSE_ASYNC_READ | FUSE_SECURITY_CTX, 0, 64, 38,
		  FUSE_ASYNC_READ, true },
		{ "newer-minor", { 0 }, 7, 99, FUSE_ASYNC_READ, 0, 64, 38,
		  FUSE_ASYNC_READ, true },
		{ "older-minor", { 0 }, 7, 31, FUSE_ASYNC_READ, 0, 64, 31,
		  FUSE_ASYNC_READ, true },
		{ "minor-22", { 0 }, 7, 22, FUSE_ASYNC_READ, 0, 24, 22,
		  FUSE_ASYNC_READ, true },
		{ "minor-4", { 0 }, 7, 4, FUSE_ASYNC_READ, 0, 8, 4, 0, true },
		{ "major-8", { 0 }, 8, 0, ~0ULL, 0, 64, 38, 0, false },
		{ "major-6", { 0 }, 6, 30, ~0ULL, -EPROTO, 0, 0, 0, false },
	};

	for (unsigned i = 0; i < G_N_ELEMENTS(rows); i++) {
		const struct fuse_init_out *io = (const void *)(reply + 16);
		uint64_t got;
		uint32_t n;

		g_test_message("row %s", rows[i].what);
		fuse_server_free(srv);
		cfg = rows[i].cfg;
		srv = fuse_server_new(
			&(FuseServerConfig){ &fake_ops, NULL, &cfg });
		fake_reset();
		n = send_init(rows[i].major, rows[i].minor, rows[i].guest);
		check_reply(n, rows[i].err, rows[i].body);
		if (rows[i].err)
			continue;
		g_assert_cmpuint(io->major, ==, 7);
		g_assert_cmpuint(io->minor, ==, rows[i].out_minor);
		got = rows[i].body > 8 ? io->flags : 0;
		if (rows[i].body > 24 && (got & FUSE_INIT_EXT))
			got |= (uint64_t)io->flags2 << 32;
		g_assert_cmphex(got, ==, rows[i].flags);
		if (!rows[i].ready) {
			g_assert_cmpint(fake_rec.calls, ==, 0);
			continue;
		}
		g_assert_cmpstr(fake_rec.op, ==, "init");
		g_assert_cmphex(fake_rec.init.flags, ==, rows[i].flags);
		if (rows[i].body >= 24) {
			g_assert_cmpuint(io->max_write, ==, 1024 * 1024);
			g_assert_cmpuint(fake_rec.init.max_write, ==,
					 1024 * 1024);
			g_assert_cmpuint(io->max_readahead, ==, 128 * 1024);
		}
		if (rows[i].body == 64) {
			g_assert_cmpuint(io->max_pages, ==,
					 (rows[i].flags & FUSE_MAX_PAGES) ? 256
									  : 0);
			g_assert_cmpuint(io->time_gran, ==, 1);
			g_assert_cmpuint(io->max_background, >, 0);
		}
	}

	/* a failing backend init leaves the session uninitialised */
	fuse_server_free(srv);
	memset(&cfg, 0, sizeof(cfg));
	srv = fuse_server_new(&(FuseServerConfig){ &fake_ops, NULL, &cfg });
	fake_reset();
	fake_rec.ret = -ENOMEM;
	check_err(send_init(7, 38, 0), -ENOMEM);
	fake_rec.ret = 0;
	check_reply(send_init(7, 38, 0), 0, 64);
}

/* ---------------------------------------------------------------- opcodes */

typedef struct {
	const char *what;
	uint32_t opcode;
	const void *arg;
	size_t arg_size;
	const char *name, *name2;	/* appended NUL-terminated if set */
	const char *op;			/* backend op expected ("" none) */
	int err;
	size_t body;
	uint64_t nodeid, nodeid2, fh, off, len, owner;
	uint32_t a, b, c;
	const char *rname, *rname2;	/* recorded names expected */
} OpRow;

#define ARG(...) &(__VA_ARGS__), sizeof(__VA_ARGS__)

static void test_opcodes(void)
{
	const size_t E = sizeof(struct fuse_entry_out);
	const size_t A = sizeof(struct fuse_attr_out);
	const size_t O = sizeof(struct fuse_open_out);
	const OpRow rows[] = {
		{ "lookup", FUSE_LOOKUP, NULL, 0, "foo", NULL, "lookup", 0, E,
		  .nodeid = 9, .a = 1001, .b = 1002, .c = 1003,
		  .rname = "foo" },
		{ "lookup-dotdot", FUSE_LOOKUP, NULL, 0, "..", NULL, "lookup",
		  0, E, .nodeid = 9, .a = 1001, .b = 1002, .c = 1003,
		  .rname = ".." },
		{ "getattr", FUSE_GETATTR,
		  ARG((struct fuse_getattr_in){ FUSE_GETATTR_FH, 0, 44 }),
		  NULL, NULL, "getattr", 0, A, .nodeid = 9, .fh = 44,
		  .a = FUSE_GETATTR_FH },
		{ "setattr", FUSE_SETATTR,
		  ARG((struct fuse_setattr_in){ .valid = FATTR_MODE | FATTR_SIZE,
						.fh = 3, .size = 4096,
						.mode = 0640 }),
		  NULL, NULL, "setattr", 0, A, .nodeid = 9, .fh = 3,
		  .len = 4096, .a = FATTR_MODE | FATTR_SIZE, .b = 0640 },
		{ "readlink", FUSE_READLINK, NULL, 0, NULL, NULL, "readlink", 0,
		  11, .nodeid = 9 },
		{ "symlink", FUSE_SYMLINK, NULL, 0, "ln", "../a/b", "symlink",
		  0, E, .nodeid = 9, .rname = "ln", .rname2 = "../a/b" },
		{ "symlink-empty-target", FUSE_SYMLINK, NULL, 0, "ln", "", "",
		  -ENOENT, 0 },
		{ "mknod", FUSE_MKNOD,
		  ARG((struct fuse_mknod_in){ 020644, 0x0801, 022, 0 }), "dev",
		  NULL, "mknod", 0, E, .nodeid = 9, .a = 020644, .b = 0x0801,
		  .c = 022, .rname = "dev" },
		{ "mkdir", FUSE_MKDIR, ARG((struct fuse_mkdir_in){ 0755, 077 }),
		  "d", NULL, "mkdir", 0, E, .nodeid = 9, .a = 0755, .c = 077,
		  .rname = "d" },
		{ "unlink", FUSE_UNLINK, NULL, 0, "f", NULL, "unlink", 0, 0,
		  .nodeid = 9, .rname = "f" },
		{ "rmdir", FUSE_RMDIR, NULL, 0, "d", NULL, "rmdir", 0, 0,
		  .nodeid = 9, .rname = "d" },
		{ "rename", FUSE_RENAME, ARG((struct fuse_rename_in){ 12 }), "a",
		  "b", "rename", 0, 0, .nodeid = 9, .nodeid2 = 12, .a = 0,
		  .rname = "a", .rname2 = "b" },
		{ "rename2", FUSE_RENAME2,
		  ARG((struct fuse_rename2_in){ 12, RENAME_EXCHANGE, 0 }), "a",
		  "b", "rename", 0, 0, .nodeid = 9, .nodeid2 = 12,
		  .a = RENAME_EXCHANGE, .rname = "a", .rname2 = "b" },
		{ "rename2-whiteout", FUSE_RENAME2,
		  ARG((struct fuse_rename2_in){ 12, RENAME_WHITEOUT, 0 }), "a",
		  "b", "", -EINVAL, 0 },
		{ "link", FUSE_LINK, ARG((struct fuse_link_in){ 33 }), "hard",
		  NULL, "link", 0, E, .nodeid = 33, .nodeid2 = 9,
		  .rname = "hard" },
		{ "open", FUSE_OPEN, ARG((struct fuse_open_in){ 02, 0 }), NULL,
		  NULL, "open", 0, O, .nodeid = 9, .a = 02 },
		{ "create", FUSE_CREATE,
		  ARG((struct fuse_create_in){ 0101, 0600, 022, 0 }), "new",
		  NULL, "create", 0, E + O, .nodeid = 9, .a = 0600, .b = 0101,
		  .c = 022, .rname = "new" },
		{ "tmpfile", FUSE_TMPFILE,
		  ARG((struct fuse_create_in){ 02, 0600, 022, 0 }), "/", NULL,
		  "tmpfile", 0, E + O, .nodeid = 9, .a = 0600, .b = 02,
		  .c = 022 },
		{ "flush", FUSE_FLUSH,
		  ARG((struct fuse_flush_in){ 5, 0, 0, 66 }), NULL, NULL,
		  "flush", 0, 0, .nodeid = 9, .fh = 5, .owner = 66 },
		{ "release", FUSE_RELEASE,
		  ARG((struct fuse_release_in){ 5, 02, FUSE_RELEASE_FLUSH,
						67 }),
		  NULL, NULL, "release", 0, 0, .nodeid = 9, .fh = 5, .a = 02,
		  .b = FUSE_RELEASE_FLUSH, .owner = 67 },
		{ "fsync", FUSE_FSYNC, ARG((struct fuse_fsync_in){ 5, 1, 0 }),
		  NULL, NULL, "fsync", 0, 0, .nodeid = 9, .fh = 5, .a = 1 },
		{ "opendir", FUSE_OPENDIR, ARG((struct fuse_open_in){ 0, 0 }),
		  NULL, NULL, "opendir", 0, O, .nodeid = 9 },
		{ "releasedir", FUSE_RELEASEDIR,
		  ARG((struct fuse_release_in){ 600, 0, 0, 0 }), NULL, NULL,
		  "releasedir", 0, 0, .nodeid = 9, .fh = 600 },
		{ "fsyncdir", FUSE_FSYNCDIR,
		  ARG((struct fuse_fsync_in){ 600, 0, 0 }), NULL, NULL,
		  "fsyncdir", 0, 0, .nodeid = 9, .fh = 600, .a = 0 },
		{ "statfs", FUSE_STATFS, NULL, 0, NULL, NULL, "statfs", 0,
		  sizeof(struct fuse_statfs_out), .nodeid = 9 },
		{ "getxattr-size", FUSE_GETXATTR,
		  ARG((struct fuse_getxattr_in){ 0, 0 }), "user.x", NULL,
		  "getxattr", 0, sizeof(struct fuse_getxattr_out), .nodeid = 9,
		  .len = 0, .rname = "user.x" },
		{ "getxattr-data", FUSE_GETXATTR,
		  ARG((struct fuse_getxattr_in){ 100, 0 }), "user.x", NULL,
		  "getxattr", 0, 5, .nodeid = 9, .len = 100, .rname = "user.x" },
		{ "getxattr-erange", FUSE_GETXATTR,
		  ARG((struct fuse_getxattr_in){ 3, 0 }), "user.x", NULL,
		  "getxattr", -ERANGE, 0, .nodeid = 9, .len = 3,
		  .rname = "user.x" },
		{ "listxattr-size", FUSE_LISTXATTR,
		  ARG((struct fuse_getxattr_in){ 0, 0 }), NULL, NULL,
		  "listxattr", 0, sizeof(struct fuse_getxattr_out),
		  .nodeid = 9 },
		{ "listxattr-data", FUSE_LISTXATTR,
		  ARG((struct fuse_getxattr_in){ 4096, 0 }), NULL, NULL,
		  "listxattr", 0, 8, .nodeid = 9, .len = 4096 },
		{ "removexattr", FUSE_REMOVEXATTR, NULL, 0, "user.x", NULL,
		  "removexattr", 0, 0, .nodeid = 9, .rname = "user.x" },
		{ "access", FUSE_ACCESS, ARG((struct fuse_access_in){ 4, 0 }),
		  NULL, NULL, "access", 0, 0, .nodeid = 9, .a = 4 },
		{ "getlk", FUSE_GETLK,
		  ARG((struct fuse_lk_in){ 5, 70, { 10, 20, 1, 0 }, 0, 0 }),
		  NULL, NULL, "getlk", 0, sizeof(struct fuse_lk_out),
		  .nodeid = 9, .fh = 5, .owner = 70, .off = 10, .len = 20,
		  .a = 1 },
		{ "setlk", FUSE_SETLK,
		  ARG((struct fuse_lk_in){ 5, 70, { 10, 20, 1, 0 },
					   FUSE_LK_FLOCK, 0 }),
		  NULL, NULL, "setlk", 0, 0, .nodeid = 9, .fh = 5, .owner = 70,
		  .off = 10, .a = 1, .b = FUSE_LK_FLOCK, .c = 0 },
		{ "setlkw", FUSE_SETLKW,
		  ARG((struct fuse_lk_in){ 5, 70, { 10, 20, 1, 0 }, 0, 0 }),
		  NULL, NULL, "setlk", 0, 0, .nodeid = 9, .fh = 5, .owner = 70,
		  .off = 10, .a = 1, .b = 0, .c = 1 },
		{ "fallocate", FUSE_FALLOCATE,
		  ARG((struct fuse_fallocate_in){ 5, 100, 200, 1, 0 }), NULL,
		  NULL, "fallocate", 0, 0, .nodeid = 9, .fh = 5, .off = 100,
		  .len = 200, .a = 1 },
		{ "lseek", FUSE_LSEEK,
		  ARG((struct fuse_lseek_in){ 5, 100, SEEK_DATA, 0 }), NULL,
		  NULL, "lseek", 0, sizeof(struct fuse_lseek_out), .nodeid = 9,
		  .fh = 5, .off = 100, .a = SEEK_DATA },
		{ "copy_file_range", FUSE_COPY_FILE_RANGE,
		  ARG((struct fuse_copy_file_range_in){ 5, 100, 10, 6, 200,
							1000, 0 }),
		  NULL, NULL, "copy_file_range", 0,
		  sizeof(struct fuse_write_out), .nodeid = 9, .nodeid2 = 10,
		  .fh = 5, .off = 100, .len = 1000 },
		{ "syncfs", FUSE_SYNCFS, ARG((struct fuse_syncfs_in){ 0 }), NULL,
		  NULL, "syncfs", 0, 0, .nodeid = 9 },
		{ "ioctl", FUSE_IOCTL, ARG((struct fuse_ioctl_in){ 0 }), NULL,
		  NULL, "", -ENOTTY, 0 },
		{ "poll", FUSE_POLL, ARG((struct fuse_poll_in){ 0 }), NULL, NULL,
		  "", -ENOSYS, 0 },
		{ "bmap", FUSE_BMAP, ARG((struct fuse_bmap_in){ 0 }), NULL, NULL,
		  "", -ENOSYS, 0 },
		{ "unknown-7", 7, NULL, 0, NULL, NULL, "", -ENOSYS, 0 },
		{ "unknown-big", 4096, NULL, 0, NULL, NULL, "", -ENOSYS, 0 },
		{ "unknown-huge", 0xffffffffu, NULL, 0, NULL, NULL, "", -ENOSYS,
		  0 },
	};

	setup(38);
	for (unsigned i = 0; i < G_N_ELEMENTS(rows); i++) {
		const OpRow *r = &rows[i];

		g_test_message("row %s", r->what);
		fake_reset();
		req_begin(&rb, r->opcode, 9);
		if (r->arg)
			req_put(&rb, r->arg, r->arg_size);
		if (r->name)
			req_str(&rb, r->name);
		if (r->name2)
			req_str(&rb, r->name2);
		req_end(&rb);
		check_reply(send_req(), r->err, r->body);
		g_assert_cmpstr(fake_rec.op, ==, r->op);
		if (!*r->op)
			continue;
		g_assert_cmpuint(fake_rec.nodeid, ==, r->nodeid);
		g_assert_cmpuint(fake_rec.nodeid2, ==, r->nodeid2);
		g_assert_cmpuint(fake_rec.fh, ==, r->fh);
		g_assert_cmpuint(fake_rec.off, ==, r->off);
		g_assert_cmpuint(fake_rec.len, ==, r->len);
		g_assert_cmpuint(fake_rec.owner, ==, r->owner);
		g_assert_cmpuint(fake_rec.a, ==, r->a);
		g_assert_cmpuint(fake_rec.b, ==, r->b);
		g_assert_cmpuint(fake_rec.c, ==, r->c);
		g_assert_cmpstr(fake_rec.name, ==, r->rname ? r->rname : "");
		g_assert_cmpstr(fake_rec.name2, ==, r->rname2 ? r->rname2 : "");
	}
}

/* Specific reply contents of a few opcodes. */
static void test_reply_bodies(void)
{
	const struct fuse_entry_out *e = (const void *)(reply + 16);
	const struct fuse_open_out *o;
	struct fuse_create_in ci = { 0 };
	struct fuse_copy_file_range_in cfr = { .len = 1000 };
	const struct fuse_write_out *wo = (const void *)(reply + 16);

	setup(38);
	req_begin(&rb, FUSE_CREATE, 1);
	req_put(&rb, &ci, sizeof(ci));
	req_str(&rb, "x");
	req_end(&rb);
	check_reply(send_req(), 0, sizeof(*e) + sizeof(*o));
	o = (const void *)(reply + 16 + sizeof(*e));
	g_assert_cmpuint(e->nodeid, ==, 81);
	g_assert_cmpuint(o->fh, ==, 556);

	req_begin(&rb, FUSE_READLINK, 1);
	req_end(&rb);
	check_reply(send_req(), 0, 11);
	g_assert_cmpmem(reply + 16, 11, "target/path", 11);

	req_begin(&rb, FUSE_COPY_FILE_RANGE, 1);
	req_put(&rb, &cfr, sizeof(cfr));
	req_end(&rb);
	check_reply(send_req(), 0, sizeof(*wo));
	g_assert_cmpuint(wo->size, ==, 500);

	/* backend errors pass through as the reply's error */
	fake_rec.ret = -EACCES;
	req_begin(&rb, FUSE_LOOKUP, 1);
	req_str(&rb, "x");
	req_end(&rb);
	check_err(send_req(), -EACCES);
	fake_rec.ret = -100000;		/* nonsense errno */
	check_err(send_req(), -EIO);
}

/* Guests before 7.9 / 7.12 get shorter structures. */
static void test_compat_sizes(void)
{
	struct fuse_mknod_in mk = { 020644, 5, 077, 0 };
	struct fuse_open_in ci = { 0101, 0600 };

	setup(8);
	req_begin(&rb, FUSE_GETATTR, 1);	/* no getattr_in before 7.9 */
	req_end(&rb);
	check_reply(send_req(), 0, FUSE_COMPAT_ATTR_OUT_SIZE);
	req_begin(&rb, FUSE_MKNOD, 1);		/* 8-byte mknod_in */
	req_put(&rb, &mk, FUSE_COMPAT_MKNOD_IN_SIZE);
	req_str(&rb, "n");
	req_end(&rb);
	check_reply(send_req(), 0, FUSE_COMPAT_ENTRY_OUT_SIZE);
	g_assert_cmpuint(fake_rec.b, ==, 5);
	g_assert_cmpuint(fake_rec.c, ==, 0);	/* no umask */
	g_assert_cmpstr(fake_rec.name, ==, "n");
	req_begin(&rb, FUSE_CREATE, 1);		/* open_in-sized create_in */
	req_put(&rb, &ci, sizeof(ci));
	req_str(&rb, "c");
	req_end(&rb);
	check_reply(send_req(), 0,
		    FUSE_COMPAT_ENTRY_OUT_SIZE + sizeof(struct fuse_open_out));
	g_assert_cmpuint(fake_rec.a, ==, 0600);
	g_assert_cmpuint(fake_rec.b, ==, 0101);
	g_assert_cmpstr(fake_rec.name, ==, "c");
}

/* SETXATTR's argument is 16 bytes only with FUSE_SETXATTR_EXT. */
static void test_setxattr(void)
{
	struct fuse_setxattr_in ext = { 3, 1, 1, 0 };

	setup(38);	/* setup() offers xattr, guest takes all flags */
	req_begin(&rb, FUSE_SETXATTR, 4);
	req_put(&rb, &ext, sizeof(ext));
	req_str(&rb, "user.k");
	req_put(&rb, "v\0w", 3);
	req_end(&rb);
	check_err(send_req(), 0);
	g_assert_cmpstr(fake_rec.op, ==, "setxattr");
	g_assert_cmpstr(fake_rec.name, ==, "user.k");
	g_assert_cmpmem(fake_rec.data, fake_rec.data_len, "v\0w", 3);
	g_assert_cmpuint(fake_rec.a, ==, 1);
	g_assert_cmpuint(fake_rec.b, ==, 1);

	/* value shorter than its size */
	fake_reset();
	ext.size = 10;
	req_begin(&rb, FUSE_SETXATTR, 4);
	req_put(&rb, &ext, sizeof(ext));
	req_str(&rb, "user.k");
	req_put(&rb, "v\0w", 3);
	req_end(&rb);
	check_err(send_req(), -EINVAL);
	g_assert_cmpint(fake_rec.calls, ==, 0);

	/* without the extension: 8-byte argument */
	fuse_server_free(srv);
	cfg.xattr = false;
	srv = fuse_server_new(&(FuseServerConfig){ &fake_ops, NULL, &cfg });
	check_reply(send_init(7, 38, ~0ULL), 0, 64);
	fake_reset();
	ext.size = 2;
	req_begin(&rb, FUSE_SETXATTR, 4);
	req_put(&rb, &ext, FUSE_COMPAT_SETXATTR_IN_SIZE);
	req_str(&rb, "user.k");
	req_put(&rb, "ab", 2);
	req_end(&rb);
	check_err(send_req(), 0);
	g_assert_cmpstr(fake_rec.name, ==, "user.k");
	g_assert_cmpmem(fake_rec.data, fake_rec.data_len, "ab", 2);
	g_assert_cmpuint(fake_rec.b, ==, 0);
}

/* ---------------------------------------------------------------- malformed */

static void test_split_headers(void)
{
	struct fuse_setattr_in sa = { .valid = FATTR_SIZE, .size = 777 };
	static const size_t chunks[] = { 1, 2, 3, 5, 7, 13, 39, 41 };

	setup(38);
	for (unsigned i = 0; i < G_N_ELEMENTS(chunks); i++) {
		for (int empties = 0; empties < 2; empties++) {
			SendOpts o = { chunks[i], chunks[i], 200, 0, empties };
			const struct fuse_attr_out *ao;

			fake_reset();
			req_begin(&rb, FUSE_SETATTR, 21);
			req_put(&rb, &sa, sizeof(sa));
			req_end(&rb);
			check_reply(send_opts(&o), 0,
				    sizeof(struct fuse_attr_out));
			ao = (const void *)(reply + 16);
			g_assert_cmpuint(ao->attr_valid, ==,
					 0xaaaaaaaaaaaaaaaaULL);
			g_assert_cmpuint(fake_rec.nodeid, ==, 21);
			g_assert_cmpuint(fake_rec.len, ==, 777);

			fake_reset();
			req_begin(&rb, FUSE_RENAME, 21);
			req_put(&rb, &(struct fuse_rename_in){ 22 }, 8);
			req_str(&rb, "from-name");
			req_str(&rb, "to-name");
			req_end(&rb);
			check_err(send_opts(&o), 0);
			g_assert_cmpstr(fake_rec.name, ==, "from-name");
			g_assert_cmpstr(fake_rec.name2, ==, "to-name");
			g_assert_cmpuint(fake_rec.nodeid2, ==, 22);
		}
	}
}

static void test_bad_lengths(void)
{
	struct fuse_setattr_in sa = { 0 };
	struct fuse_in_header *h = (void *)rb.buf;
	SendOpts o = { 0 };

	setup(38);
	req_begin(&rb, FUSE_SETATTR, 1);
	req_put(&rb, &sa, sizeof(sa));
	req_end(&rb);

	h->len = (uint32_t)rb.len + 1;		/* claims more than present */
	check_err(send_req(), -EINVAL);
	h->len = sizeof(*h) - 1;		/* shorter than the header */
	check_err(send_req(), -EINVAL);
	h->len = sizeof(*h) + 10;		/* truncated argument */
	check_err(send_req(), -EINVAL);
	g_assert_cmpint(fake_rec.calls, ==, 0);

	/* extensions longer than the payload */
	h->len = (uint32_t)rb.len;
	h->total_extlen = (uint16_t)(sizeof(sa) / 8 + 1);
	check_err(send_req(), -EINVAL);
	/* extensions eat the argument */
	h->total_extlen = 1;
	check_err(send_req(), -EINVAL);
	h->total_extlen = 0;

	/* trailing bytes after len are ignored */
	req_put(&rb, "junkjunk", 8);
	check_reply(send_req(), 0, sizeof(struct fuse_attr_out));
	g_assert_cmpstr(fake_rec.op, ==, "setattr");

	/* fewer bytes than a header: nothing to answer */
	fake_reset();
	o.out_len = sizeof(*h) - 1;
	g_assert_cmpuint(send_opts(&o), ==, 0);
	g_assert_cmpint(fake_rec.calls, ==, 0);
}

static void test_names(void)
{
	static const struct {
		uint32_t opcode;
		const char *name;	/* NULL: 256 'a's; "" after arg */
		size_t len;		/* bytes of name to send */
		int err;
	} rows[] = {
		{ FUSE_LOOKUP, "ok", 3, 0 },
		{ FUSE_LOOKUP, "noterm", 6, -EINVAL },
		{ FUSE_LOOKUP, "a/b", 4, -EINVAL },
		{ FUSE_LOOKUP, "", 1, -EINVAL },
		{ FUSE_LOOKUP, ".", 2, 0 },
		{ FUSE_LOOKUP, "..", 3, 0 },
		{ FUSE_LOOKUP, NULL, 257, -ENAMETOOLONG },
		{ FUSE_LOOKUP, NULL, 256, 0 },		/* 255 + NUL */
		{ FUSE_MKDIR, ".", 2, -EINVAL },
		{ FUSE_MKDIR, "..", 3, -EINVAL },
		{ FUSE_MKNOD, "..", 3, -EINVAL },
		{ FUSE_CREATE, ".", 2, -EINVAL },
		{ FUSE_SYMLINK, "..", 3, -EINVAL },
		{ FUSE_LINK, ".", 2, -EINVAL },
		{ FUSE_UNLINK, "..", 3, -EINVAL },
		{ FUSE_RMDIR, ".", 2, -EINVAL },
		{ FUSE_UNLINK, "x/..", 5, -EINVAL },
		{ FUSE_UNLINK, "...", 4, 0 },
		{ FUSE_RENAME, ".", 2, -EINVAL },
		{ FUSE_GETXATTR, "noterm", 6, -EINVAL },
		{ FUSE_GETXATTR, "", 1, -EINVAL },
		{ FUSE_GETXATTR, "user/slash", 11, 0 },
		{ FUSE_GETXATTR, NULL, 257, -ERANGE },
		{ FUSE_REMOVEXATTR, NULL, 257, -ERANGE },
	};
	char longname[300];

	memset(longname, 'a', sizeof(longname));
	setup(38);
	for (unsigned i = 0; i < G_N_ELEMENTS(rows); i++) {
		uint64_t arg[8] = { 0 };
		size_t arg_size = 0;
		const char *name = rows[i].name;
		uint32_t n;

		g_test_message("row %u", i);
		fake_reset();
		switch (rows[i].opcode) {
		case FUSE_MKDIR:
		case FUSE_RENAME:
		case FUSE_LINK:
		case FUSE_GETXATTR:
			arg_size = 8;
			break;
		case FUSE_MKNOD:
		case FUSE_CREATE:
			arg_size = 16;
			break;
		default:
			break;
		}
		if (!name) {
			longname[rows[i].len - 1] = '\0';
			name = longname;
		}
		req_begin(&rb, rows[i].opcode, 1);
		req_put(&rb, arg, arg_size);
		req_put(&rb, name, rows[i].len);
		if (rows[i].opcode == FUSE_SYMLINK)
			req_str(&rb, "target");
		if (rows[i].opcode == FUSE_RENAME)
			req_str(&rb, "b");
		req_end(&rb);
		longname[rows[i].len - 1] = 'a';
		n = send_req();
		if (rows[i].err) {
			check_err(n, rows[i].err);
		} else {
			g_assert_cmpuint(n, >=, 16);
			g_assert_cmpint(reply_hdr()->error, ==, 0);
		}
		g_assert_cmpint(fake_rec.calls, ==, rows[i].err ? 0 : 1);
	}

	/* RENAME: the second name is checked too */
	fake_reset();
	req_begin(&rb, FUSE_RENAME, 1);
	req_put(&rb, &(struct fuse_rename_in){ 2 }, 8);
	req_str(&rb, "a");
	req_str(&rb, "..");
	req_end(&rb);
	check_err(send_req(), -EINVAL);
	req_begin(&rb, FUSE_RENAME, 1);
	req_put(&rb, &(struct fuse_rename_in){ 2 }, 8);
	req_str(&rb, "a");
	req_put(&rb, "b", 1);		/* unterminated */
	req_end(&rb);
	check_err(send_req(), -EINVAL);
	g_assert_cmpint(fake_rec.calls, ==, 0);
}

static void test_batch_forget(void)
{
	struct fuse_batch_forget_in bf = { .count = 5 };
	struct fuse_forget_one one[2] = { { 3, 1 }, { 4, 2 } };

	setup(38);
	req_begin(&rb, FUSE_BATCH_FORGET, 0);
	req_put(&rb, &bf, sizeof(bf));
	req_put(&rb, one, sizeof(one));
	req_put(&rb, "partial", 7);	/* not a whole fuse_forget_one */
	req_end(&rb);
	g_assert_cmpuint(send_req(), ==, 0);
	g_assert_cmpint(fake_rec.forgets, ==, 2);
	g_assert_cmpuint(fake_rec.forget_sum, ==, 3001 + 4002);

	fake_reset();
	bf.count = 1;
	req_begin(&rb, FUSE_BATCH_FORGET, 0);
	req_put(&rb, &bf, sizeof(bf));
	req_put(&rb, one, sizeof(one));
	req_end(&rb);
	g_assert_cmpuint(send_req(), ==, 0);
	g_assert_cmpint(fake_rec.forgets, ==, 1);
	g_assert_cmpuint(fake_rec.forget_sum, ==, 3001);

	/* FORGET and INTERRUPT never answer, even when malformed */
	fake_reset();
	req_begin(&rb, FUSE_FORGET, 8);
	req_put(&rb, &(struct fuse_forget_in){ 3 }, 8);
	req_end(&rb);
	g_assert_cmpuint(send_req(), ==, 0);
	g_assert_cmpuint(fake_rec.forget_sum, ==, 8003);
	req_begin(&rb, FUSE_FORGET, 8);
	req_put(&rb, "abc", 3);
	req_end(&rb);
	g_assert_cmpuint(send_req(), ==, 0);
	g_assert_cmpint(fake_rec.forgets, ==, 1);
	req_begin(&rb, FUSE_INTERRUPT, 0);
	req_put(&rb, &(struct fuse_interrupt_in){ 1 }, 8);
	req_end(&rb);
	g_assert_cmpuint(send_req(), ==, 0);
}

static void test_reply_too_small(void)
{
	static const struct {
		size_t in_size;
		uint32_t expect;	/* reply bytes */
	} rows[] = {
		{ 16 + sizeof(struct fuse_entry_out), 16 + 128 },
		{ 16 + sizeof(struct fuse_entry_out) - 1, 16 },
		{ 16, 16 },
		{ 15, 0 },
		{ 1, 0 },
	};

	setup(38);
	for (unsigned i = 0; i < G_N_ELEMENTS(rows); i++) {
		SendOpts o = { .in_size = rows[i].in_size, .in_chunk = 5 };
		uint32_t n;

		fake_reset();
		req_begin(&rb, FUSE_LOOKUP, 1);
		req_str(&rb, "x");
		req_end(&rb);
		n = send_opts(&o);
		g_assert_cmpuint(n, ==, rows[i].expect);
		if (n == 16)
			check_err(n, -EIO);
		/* the backend only runs when its reply can be delivered */
		g_assert_cmpint(fake_rec.calls, ==, n > 16);
		/* nothing written past the buffer */
		g_assert_cmpuint(reply[rows[i].in_size], ==, 0x5a);
	}
}

/* ---------------------------------------------------------------- data */

static void check_dirents(size_t len, int first, int count, bool plus)
{
	size_t off = 16;

	for (int i = first; i < first + count; i++) {
		const struct fuse_dirent *d;
		size_t head = 0, reclen;

		if (plus) {
			const struct fuse_entry_out *e =
				(const void *)(reply + off);
			g_assert_cmpuint(e->nodeid, ==, 1000 + (uint64_t)i);
			head = sizeof(*e);
		}
		d = (const void *)(reply + off + head);
		g_assert_cmpuint(d->ino, ==, 100 + (uint64_t)i);
		g_assert_cmpuint(d->off, ==, (uint64_t)i + 1);
		g_assert_cmpuint(d->namelen, ==, (uint32_t)i + 1);
		g_assert_cmpuint(d->type, ==, 4);
		g_assert_cmpint(d->name[0], ==, 'e');
		reclen = FUSE_DIRENT_ALIGN(head + FUSE_NAME_OFFSET +
					   d->namelen);
		/* padding is zeroed */
		for (size_t p = head + FUSE_NAME_OFFSET + d->namelen;
		     p < reclen; p++)
			g_assert_cmpuint(reply[off + p], ==, 0);
		off += reclen;
		g_assert_cmpuint(off % 8, ==, 0);
	}
	g_assert_cmpuint(off, ==, len);
}

static void test_readdir(void)
{
	static const struct {
		bool plus;
		uint32_t size;
		size_t in_size;
		uint64_t offset;
		int entries;		/* backend offers */
		int expect;		/* entries in the reply */
	} rows[] = {
		{ false, 4096, 0, 0, 10, 10 },
		{ false, 4096, 0, 3, 10, 7 },
		/* 24+1..24+8 -> 32 bytes each for names of 1..8 */
		{ false, 32 * 3, 0, 0, 10, 3 },
		{ false, 32 * 3 - 1, 0, 0, 10, 2 },
		/* capped by the reply buffer rather than the request */
		{ false, 4096, 16 + 32 * 2 + 5, 0, 10, 2 },
		{ false, 10, 0, 0, 10, 0 },
		{ true, 65536, 0, 0, 10, 10 },
		{ true, 65536, 0, 8, 10, 2 },
		/* direntplus: 128 + 24 + 1..8 -> 160 */
		{ true, 160 * 2, 0, 0, 10, 2 },
	};

	setup(38);
	for (unsigned i = 0; i < G_N_ELEMENTS(rows); i++) {
		struct fuse_read_in in = { .fh = 600, .offset = rows[i].offset,
					   .size = rows[i].size };
		SendOpts o = { .in_size = rows[i].in_size ? rows[i].in_size
							  : 16 + rows[i].size,
			       .in_chunk = 7 };
		uint32_t n;

		g_test_message("row %u", i);
		fake_reset();
		fake_rec.dir_entries = rows[i].entries;
		req_begin(&rb, rows[i].plus ? FUSE_READDIRPLUS : FUSE_READDIR,
			  9);
		req_put(&rb, &in, sizeof(in));
		req_end(&rb);
		n = send_opts(&o);
		g_assert_cmpint(reply_hdr()->error, ==, 0);
		g_assert_cmpuint(reply_hdr()->len, ==, n);
		g_assert_cmpuint(fake_rec.a, ==, rows[i].plus);
		g_assert_cmpuint(fake_rec.fh, ==, 600);
		g_assert_cmpuint(fake_rec.off, ==, rows[i].offset);
		g_assert_cmpint((int)fake_rec.b, ==, rows[i].expect);
		check_dirents(n, (int)rows[i].offset, rows[i].expect,
			      rows[i].plus);
		g_assert_cmpuint(n, <=, 16 + rows[i].size);
	}

	/* an error after some entries still delivers them */
	fake_reset();
	fake_rec.dir_entries = 3;
	fake_rec.ret = -EIO;
	req_begin(&rb, FUSE_READDIR, 9);
	req_put(&rb, &(struct fuse_read_in){ .size = 4096 },
		sizeof(struct fuse_read_in));
	req_end(&rb);
	check_dirents(send_req(), 0, 3, false);
	fake_rec.dir_entries = 0;
	check_err(send_req(), -EIO);
}

static void test_read_zero_copy(void)
{
	static const struct {
		uint32_t size;
		size_t in_size, in_chunk;
		size_t expect_len;
		int expect_iovcnt;
	} rows[] = {
		{ 4096, 16 + 4096, 0, 4096, 1 },
		/* header straddles: 16-byte header + data split every 10 */
		{ 100, 16 + 100, 10, 100, 11 },
		{ 100, 16 + 100, 16, 100, 7 },
		/* the guest asks for more than its buffer holds */
		{ 1000, 16 + 300, 100, 300, 4 },
		{ 5, 16, 0, 0, 0 },
	};

	setup(38);
	for (unsigned i = 0; i < G_N_ELEMENTS(rows); i++) {
		struct fuse_read_in in = { .fh = 7, .offset = 12345,
					   .size = rows[i].size };
		SendOpts o = { .in_size = rows[i].in_size,
			       .in_chunk = rows[i].in_chunk };

		g_test_message("row %u", i);
		fake_reset();
		req_begin(&rb, FUSE_READ, 9);
		req_put(&rb, &in, sizeof(in));
		req_end(&rb);
		check_reply(send_opts(&o), 0, rows[i].expect_len);
		g_assert_cmpstr(fake_rec.op, ==, "read");
		g_assert_cmpuint(fake_rec.fh, ==, 7);
		g_assert_cmpuint(fake_rec.off, ==, 12345);
		g_assert_cmpuint(fake_rec.len, ==, rows[i].expect_len);
		g_assert_cmpint(fake_rec.iovcnt, ==, rows[i].expect_iovcnt);
		for (size_t j = 0; j < rows[i].expect_len; j++)
			g_assert_cmpuint(reply[16 + j], ==, (unsigned char)j);
	}

	/* short read */
	fake_reset();
	req_begin(&rb, FUSE_READ, 9);
	req_put(&rb, &(struct fuse_read_in){ .size = 100 },
		sizeof(struct fuse_read_in));
	req_end(&rb);
	fake_rec.io_ret = 10;
	check_reply(send_req(), 0, 10);
	/* a backend claiming more than asked is not believed */
	fake_rec.io_ret = 100000;
	check_err(send_req(), -EIO);
	fake_rec.io_ret = -1;
	fake_rec.ret = -EBADF;
	check_err(send_req(), -EBADF);
}

static void test_write_zero_copy(void)
{
	static const struct {
		uint32_t size;		/* claimed */
		size_t data;		/* present */
		size_t chunk;
		int err;
		int iovcnt;
	} rows[] = {
		{ 1000, 1000, 0, 0, 1 },
		/* 40 hdr + 40 arg = 80; chunks of 30: data at 80..1080 */
		{ 1000, 1000, 30, 0, 34 },
		{ 1, 1, 3, 0, 1 },
		{ 0, 0, 0, 0, 0 },
		/* more data buffers than FUSE_IOV_MAX */
		{ 2000, 2000, 1, -EINVAL, 0 },
		{ 1000, 999, 0, -EINVAL, 0 },
		{ 1000, 1001, 0, -EINVAL, 0 },
		{ 2 * 1024 * 1024, 2 * 1024 * 1024, 0, -EINVAL, 0 },
	};
	static unsigned char data[2 * 1024 * 1024];

	for (size_t j = 0; j < sizeof(data); j++)
		data[j] = (unsigned char)(j * 7);
	setup(38);
	for (unsigned i = 0; i < G_N_ELEMENTS(rows); i++) {
		struct fuse_write_in in = { .fh = 8, .offset = 4096,
					    .size = rows[i].size,
					    .write_flags = FUSE_WRITE_CACHE };
		SendOpts o = { .out_chunk = rows[i].chunk };
		static ReqBuf big;	/* larger than rb for the 2 MiB row */
		const struct fuse_write_out *wo = (const void *)(reply + 16);
		uint32_t n;

		g_test_message("row %u", i);
		fake_reset();
		req_begin(&rb, FUSE_WRITE, 9);
		req_put(&rb, &in, sizeof(in));
		if (rows[i].data > sizeof(rb.buf) - rb.len) {
			/* the 2 MiB row only checks the size limit: the
			 * header claims the data, the buffer is short */
			struct fuse_in_header *h = (void *)rb.buf;

			(void)big;
			req_end(&rb);
			h->len += (uint32_t)rows[i].data;
			check_err(send_req(), rows[i].err);
			continue;
		}
		req_put(&rb, data, rows[i].data);
		req_end(&rb);
		n = send_opts(&o);
		if (rows[i].err) {
			check_err(n, rows[i].err);
			g_assert_cmpint(fake_rec.calls, ==, 0);
			continue;
		}
		check_reply(n, 0, sizeof(*wo));
		g_assert_cmpuint(wo->size, ==, rows[i].size);
		g_assert_cmpuint(fake_rec.fh, ==, 8);
		g_assert_cmpuint(fake_rec.off, ==, 4096);
		g_assert_cmpuint(fake_rec.a, ==, FUSE_WRITE_CACHE);
		g_assert_cmpint(fake_rec.iovcnt, ==, rows[i].iovcnt);
		g_assert_cmpmem(fake_rec.data, fake_rec.data_len, data,
				rows[i].data);
	}
}

static void test_stats(void)
{
	FuseServerStats st;

	setup(38);
	req_begin(&rb, FUSE_LOOKUP, 1);
	req_str(&rb, "x");
	req_end(&rb);
	send_req();
	fake_rec.ret = -ENOENT;
	send_req();
	req_begin(&rb, 999, 1);
	req_end(&rb);
	send_req();
	g_assert_cmpint(fuse_server_get_op_stats(srv, FUSE_LOOKUP, &st), ==, 0);
	g_assert_cmpuint(st.requests, ==, 2);
	g_assert_cmpuint(st.errors, ==, 1);
	g_assert_cmpint(fuse_server_get_op_stats(srv, FUSE_SERVER_OP_UNKNOWN,
						 &st), ==, 0);
	g_assert_cmpuint(st.requests, ==, 1);
	g_assert_cmpint(fuse_server_get_op_stats(srv, 100000, &st), ==,
			-EINVAL);
	fuse_server_get_stats(srv, &st);
	g_assert_cmpuint(st.requests, ==, 4);	/* with INIT */
	g_assert_cmpuint(st.errors, ==, 2);
	g_assert_cmpstr(fuse_server_opcode_name(FUSE_READDIRPLUS), ==,
			"READDIRPLUS");
	g_assert_null(fuse_server_opcode_name(7));
}

/* Random requests: whatever the guest sends, the reply stays inside the
 * reply buffer and, when there is one, carries a consistent header. */
static void test_random(void)
{
	GRand *rnd = g_rand_new_with_seed(12345);

	setup(38);
	for (unsigned iter = 0; iter < 20000; iter++) {
		struct fuse_in_header *h = (void *)rb.buf;
		SendOpts o = { 0 };
		size_t extra = (size_t)g_rand_int_range(rnd, 0, 600);
		uint32_t n;

		fake_reset();
		fake_rec.dir_entries = g_rand_int_range(rnd, 0, 4);
		req_begin(&rb, (uint32_t)g_rand_int_range(rnd, 0, 56),
			  (uint64_t)g_rand_int_range(rnd, 0, 4));
		for (size_t i = 0; i < extra; i++) {
			/* mostly printable, some NULs and slashes */
			unsigned char c = (unsigned char)g_rand_int_range(
				rnd, 0, 70);
			rb.buf[rb.len++] = c < 4 ? 0 : c < 6 ? '/' : c + 40;
		}
		req_end(&rb);
		if (g_rand_int_range(rnd, 0, 8) == 0)
			h->len = (uint32_t)g_rand_int_range(rnd, 0, 700);
		if (g_rand_int_range(rnd, 0, 16) == 0)
			h->total_extlen = (uint16_t)g_rand_int_range(rnd, 0, 80);
		if (h->opcode == FUSE_DESTROY || h->opcode == FUSE_INIT)
			h->opcode = FUSE_GETATTR;
		o.out_chunk = (size_t)g_rand_int_range(rnd, 0, 50);
		o.in_chunk = (size_t)g_rand_int_range(rnd, 0, 50);
		o.in_size = (size_t)g_rand_int_range(rnd, 1, 400);
		o.empties = g_rand_boolean(rnd);
		n = send_opts(&o);
		g_assert_cmpuint(n, <=, o.in_size);
		g_assert_cmpuint(reply[o.in_size], ==, 0x5a);
		if (n) {
			g_assert_cmpuint(n, >=, 16);
			g_assert_cmpuint(reply_hdr()->len, ==, n);
			g_assert_cmphex(reply_hdr()->unique, ==, UNIQUE);
			g_assert_cmpint(reply_hdr()->error, <=, 0);
		}
	}
	g_rand_free(rnd);
}

/* ---------------------------------------------------------------- threads */

static gint mt_calls;

static int mt_getattr(void *fs, const FsCtx *ctx, uint64_t nodeid,
		      uint32_t flags, uint64_t fh, struct fuse_attr_out *out)
{
	g_atomic_int_inc(&mt_calls);
	out->attr.ino = nodeid;
	return 0;
}

static int mt_init(void *fs, const FsInitInfo *info)
{
	return 0;
}

static const FsOps mt_ops = { .init = mt_init, .getattr = mt_getattr };

#define MT_THREADS 4
#define MT_REQS 2000

static gpointer mt_worker(gpointer data)
{
	FuseServer *s = data;
	struct {
		struct fuse_in_header h;
		struct fuse_getattr_in ga;
	} req = { { .len = sizeof(req), .opcode = FUSE_GETATTR } };
	unsigned char out[16 + sizeof(struct fuse_attr_out)];
	struct iovec ov = { &req, sizeof(req) }, iv = { out, sizeof(out) };

	for (unsigned i = 0; i < MT_REQS; i++) {
		const struct fuse_out_header *oh = (const void *)out;
		const struct fuse_attr_out *ao = (const void *)(out + 16);

		req.h.unique = i;
		req.h.nodeid = (uint64_t)g_thread_self() + i;
		if (fuse_server_handle(s, &ov, 1, &iv, 1) != sizeof(out) ||
		    oh->error || oh->unique != i ||
		    ao->attr.ino != req.h.nodeid)
			return GINT_TO_POINTER(1);
	}
	return NULL;
}

/* Several queue threads serving at once: every reply matches its request
 * and no counter update is lost. */
static void test_threads(void)
{
	FuseServer *s = fuse_server_new(
		&(FuseServerConfig){ &mt_ops, NULL, NULL });
	FuseServer *saved = srv;
	GThread *t[MT_THREADS];
	FuseServerStats st;

	srv = s;
	check_reply(send_init(7, 38, 0), 0, 64);
	srv = saved;
	for (int i = 0; i < MT_THREADS; i++)
		t[i] = g_thread_new("fuse-test", mt_worker, s);
	for (int i = 0; i < MT_THREADS; i++)
		g_assert_null(g_thread_join(t[i]));
	g_assert_cmpint(g_atomic_int_get(&mt_calls), ==, MT_THREADS * MT_REQS);
	g_assert_cmpint(fuse_server_get_op_stats(s, FUSE_GETATTR, &st), ==, 0);
	g_assert_cmpuint(st.requests, ==, MT_THREADS * MT_REQS);
	g_assert_cmpuint(st.errors, ==, 0);
	fuse_server_free(s);
}

int main(int argc, char **argv)
{
	int r;

	g_test_init(&argc, &argv, NULL);
	/* TEST_LOG=trace exercises every log statement */
	vlog_setup(g_strcmp0(g_getenv("TEST_LOG"), "trace") == 0 ? VLOG_TRACE
								  : VLOG_ERROR,
		   VLOG_TARGET_STDERR, VLOG_TARGET_STDERR);
	g_test_add_func("/protocol/iov/read-split", test_iov_read_split);
	g_test_add_func("/protocol/iov/limit-write", test_iov_limit_write);
	g_test_add_func("/protocol/iov/slice", test_iov_slice);
	g_test_add_func("/protocol/iov/read-str", test_iov_read_str);
	g_test_add_func("/protocol/session/before-init", test_before_init);
	g_test_add_func("/protocol/session/init-negotiate",
			test_init_negotiate);
	g_test_add_func("/protocol/decode/opcodes", test_opcodes);
	g_test_add_func("/protocol/decode/reply-bodies", test_reply_bodies);
	g_test_add_func("/protocol/decode/compat-sizes", test_compat_sizes);
	g_test_add_func("/protocol/decode/setxattr", test_setxattr);
	g_test_add_func("/protocol/decode/split-headers", test_split_headers);
	g_test_add_func("/protocol/decode/bad-lengths", test_bad_lengths);
	g_test_add_func("/protocol/decode/names", test_names);
	g_test_add_func("/protocol/decode/batch-forget", test_batch_forget);
	g_test_add_func("/protocol/decode/random", test_random);
	g_test_add_func("/protocol/reply/too-small", test_reply_too_small);
	g_test_add_func("/protocol/data/readdir", test_readdir);
	g_test_add_func("/protocol/data/read-zero-copy", test_read_zero_copy);
	g_test_add_func("/protocol/data/write-zero-copy",
			test_write_zero_copy);
	g_test_add_func("/protocol/stats", test_stats);
	g_test_add_func("/protocol/threads", test_threads);
	r = g_test_run();
	fuse_server_free(srv);
	return r;
}
