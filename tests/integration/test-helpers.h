/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-helpers.h - the fixture every integration test uses: a fresh daemon
 * on a fresh shared directory, the frontend connected to it, FUSE INIT done
 * (unless asked not to), and on teardown a check that the daemon ended with
 * an exit status and not a signal.  Header-only so each test program stays
 * one file.
 */
#pragma once

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include <glib.h>

#include "tests/lib/fuse-client.h"
#include "tests/lib/vu-daemon.h"
#include "tests/lib/vu-frontend.h"

typedef struct {
	VuDaemon *d;
	VuFront *vu;
	FuseClient c;
	const char *dir; /* host path of the shared directory */
	bool expect_hangup; /* the test made the daemon drop the connection */
} Fx;

typedef struct {
	const char *opts;  /* -o options after source=, NULL for the default */
	bool no_init;	   /* skip FUSE_INIT */
	bool no_handshake; /* skip the vhost-user handshake */
	unsigned queue_size;
	bool event_idx;	   /* negotiate VIRTIO_RING_F_EVENT_IDX if offered */
} FxCfg;

#define INIT_FLAGS                                                             \
	(FUSE_ASYNC_READ | FUSE_POSIX_LOCKS | FUSE_ATOMIC_O_TRUNC |            \
	 FUSE_EXPORT_SUPPORT | FUSE_BIG_WRITES | FUSE_DONT_MASK |              \
	 FUSE_FLOCK_LOCKS | FUSE_DO_READDIRPLUS | FUSE_READDIRPLUS_AUTO |      \
	 FUSE_ASYNC_DIO | FUSE_PARALLEL_DIROPS | FUSE_MAX_PAGES)

/* per-wait timeout for the frontend; 0: the library default */
static int fx_timeout_ms;

static inline void fx_dump_log(Fx *fx)
{
	g_autofree char *log = vu_daemon_log(fx->d);
	g_test_message("daemon log:\n%s", log);
}

static inline void fx_setup(Fx *fx, gconstpointer data)
{
	const FxCfg *cfg = data;
	VuFrontConfig vc = { 0 };
	int r;

	memset(fx, 0, sizeof(*fx));
	r = vu_daemon_start(cfg ? cfg->opts : NULL, &fx->d);
	if (r == -ENOENT) {
		g_test_skip("VFSD_BINARY not set or not executable");
		return;
	}
	g_assert_cmpint(r, ==, 0);
	fx->dir = fx->d->shared_dir;
	vc.no_handshake = cfg && cfg->no_handshake;
	vc.queue_size = cfg ? cfg->queue_size : 0;
	vc.timeout_ms = fx_timeout_ms;
	vc.want_event_idx = cfg && cfg->event_idx;
	r = vu_front_new(fx->d->sock, fx->d->pidfd, &vc, &fx->vu);
	if (r < 0) {
		fx_dump_log(fx);
		g_assert_cmpint(r, ==, 0);
	}
	fx->d->sock = -1; /* owned by the frontend now */
	fuse_client_init(&fx->c, fx->vu);
	if (!cfg || !cfg->no_init) {
		r = fuse_init(&fx->c, INIT_FLAGS, NULL);
		if (r < 0)
			fx_dump_log(fx);
		g_assert_cmpint(r, ==, 0);
	}
}

/* Close the connection and check how the daemon ended. */
static inline void fx_teardown(Fx *fx, gconstpointer data)
{
	char st[64];
	int r;

	(void)data;
	if (!fx->d)
		return;
	if (fx->vu) {
		/* nothing outside the reply buffers was written */
		g_assert_cmpint(fx->c.overflow, ==, -1);
		g_assert_cmpint(vu_front_canary_check(fx->vu), ==, -1);
	}
	vu_front_free(fx->vu);
	fx->vu = NULL;
	r = vu_daemon_wait(fx->d, 10000);
	vu_daemon_status_str(fx->d, st, sizeof(st));
	if (r < 0 || !WIFEXITED(fx->d->status) || g_test_failed() ||
	    g_getenv("VFSD_TEST_LOG"))
		fx_dump_log(fx);
	g_assert_cmpint(r, ==, 0);
	if (!WIFEXITED(fx->d->status))
		g_error("daemon ended with %s", st);
	/* spec (DESIGN: lifetime): a frontend hang-up is an orderly exit 0 */
	if (!fx->expect_hangup && WEXITSTATUS(fx->d->status) != 0 &&
	    !vu_daemon_is_qemu())
		g_error("daemon ended with %s after a normal hang-up", st);
	vu_daemon_free(fx->d);
	fx->d = NULL;
}

#define FX_SKIP_IF_NO_DAEMON(fx)                                               \
	do {                                                                   \
		if (!(fx)->d)                                                  \
			return;                                                \
	} while (0)

static inline char *fx_path(Fx *fx, const char *name)
{
	return g_build_filename(fx->dir, name, NULL);
}

#define FX_ADD(path, fn, cfgp)                                                 \
	g_test_add(path, Fx, cfgp, fx_setup, fn, fx_teardown)
