/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * main.c - the daemon's start-up sequence, and nothing else:
 *
 *   parse options -> logging -> listening socket -> limits -> sandbox
 *   (fork into namespaces, prepare mounts) -> open the shared directory ->
 *   enter the sandbox -> wait for one frontend -> serve it -> exit
 *
 * The listening socket and the shared directory are opened before the
 * sandbox is entered: afterwards no path outside the share can be named.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <libintl.h>
#include <locale.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "cli/options.h"
#include "fs/passthrough.h"
#include "platform/activation.h"
#include "platform/harden.h"
#include "platform/limits.h"
#include "platform/sandbox.h"
#include "protocol/fuse-server.h"
#include "shared/log.h"
#include "shared/util.h"
#include "transport/listener.h"
#include "transport/vu-dev.h"

/* The socket file we created, removed again at exit. */
typedef struct {
	int dir_fd;		/* O_PATH fd of its directory, or -1 */
	char *name;		/* base name */
	dev_t dev;
	ino_t ino;
} OwnedSocket;

static void owned_socket_init(OwnedSocket *s, const char *path)
{
	g_autofree char *dir = g_path_get_dirname(path);
	struct stat st;

	s->dir_fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	s->name = g_path_get_basename(path);
	if (stat(path, &st) == 0) {
		s->dev = st.st_dev;
		s->ino = st.st_ino;
	}
}

/* Remove the socket unless somebody replaced it meanwhile. */
static void owned_socket_remove(OwnedSocket *s)
{
	struct stat st;

	if (s->dir_fd < 0)
		return;
	if (fstatat(s->dir_fd, s->name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    st.st_dev == s->dev && st.st_ino == s->ino) {
		g_autofree char *pid = g_strdup_printf("%s.pid", s->name);

		unlinkat(s->dir_fd, s->name, 0);
		unlinkat(s->dir_fd, pid, 0);
	}
	close(s->dir_fd);
	s->dir_fd = -1;
	g_clear_pointer(&s->name, g_free);
}

/* The journal's VIRTIOFSD_INSTANCE is the socket's name without ".sock":
 * "vm1" for /run/virtiofsd/vm1.sock, whoever created the socket. */
static void set_log_instance(int lfd)
{
	struct sockaddr_un sa;
	socklen_t len = sizeof(sa);
	g_autofree char *base = NULL;

	memset(&sa, 0, sizeof(sa));
	if (getsockname(lfd, (struct sockaddr *)&sa, &len) < 0 || !sa.sun_path[0])
		return;
	sa.sun_path[sizeof(sa.sun_path) - 1] = '\0';
	base = g_path_get_basename(sa.sun_path);
	if (g_str_has_suffix(base, ".sock"))
		base[strlen(base) - 5] = '\0';
	vlog_set_fields(base, NULL);
}

static int stop_signals_fd(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	/* Blocked before any thread starts, so every thread inherits it. */
	if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0)
		return -1;
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

static int serve(const VfsdConfig *cfg, const VfsdOptions *o, int lfd,
		 int stop_fd)
{
	VuDevConfig dev_cfg = {
		.num_request_queues = 1,
		.thread_pool_size = cfg->thread_pool_size,
		.tag = o->tag,
	};
	FuseServerConfig srv_cfg;
	Passthrough *pt = NULL;
	FuseServer *srv;
	VuDev *dev;
	int conn;
	int r;

	r = sandbox_prepare(cfg->sandbox, cfg->fs.shared_dir);
	if (r < 0) {
		vlog_error(_("cannot set up the sandbox mounts: %s"), strerror(-r));
		return 1;
	}
	r = pt_new(&cfg->fs, &pt);
	if (r < 0) {
		vlog_error(_("cannot open shared directory %s: %s"),
			   cfg->fs.shared_dir, strerror(-r));
		return 1;
	}
	r = sandbox_enter(cfg->sandbox, cfg->fs.shared_dir);
	if (r < 0) {
		vlog_error(_("cannot enter the %s sandbox: %s"), o->sandbox,
			   strerror(-r));
		pt_free(pt);
		return 1;
	}
	/* Confined: now give up what serving does not need, before any
	 * thread starts. */
	r = harden_drop_caps(&cfg->caps);
	if (r < 0) {
		vlog_error(_("cannot drop capabilities: %s"), strerror(-r));
		pt_free(pt);
		return 1;
	}
	r = harden_seccomp(cfg->seccomp);
	if (r < 0) {
		vlog_error(_("cannot install the seccomp filter (--seccomp=%s): %s"),
			   o->seccomp, strerror(-r));
		pt_free(pt);
		return 1;
	}

	srv_cfg = (FuseServerConfig){ .ops = &pt_ops, .fs = pt, .cfg = &cfg->fs };
	srv = fuse_server_new(&srv_cfg);
	dev = vu_dev_new(&dev_cfg, fuse_server_vu_handler, srv);

	vlog_info(_("waiting for a vhost-user frontend (sharing %s, cache=%s, sandbox=%s)"),
		  o->shared_dir, o->cache, o->sandbox);
	notify_ready("Waiting for a vhost-user frontend");
	notify_watchdog_start(NULL, NULL);
	conn = listener_accept(lfd, stop_fd);
	close(lfd);
	if (conn == -ECANCELED) {
		vlog_info(_("stopped by a signal before a frontend connected"));
		notify_stopping("Shutting down");
		r = 0;
		goto out;
	}
	if (conn < 0) {
		vlog_error(_("cannot accept a frontend connection: %s"),
			   strerror(-conn));
		r = 1;
		goto out;
	}
	vlog_info(_("frontend connected"));
	notify_status("Serving %s", o->shared_dir);
	r = vu_dev_serve(dev, conn, stop_fd);
	notify_stopping("Shutting down");
	if (r == 0) {
		vlog_info(_("frontend disconnected, exiting"));
	} else if (r == -EPROTO) {
		vlog_error(_("disconnected a frontend that broke the vhost-user protocol"));
		r = 1;
	} else {
		vlog_error(_("vhost-user connection failed: %s"), strerror(-r));
		r = 1;
	}
out:
	vu_dev_free(dev);
	fuse_server_free(srv);
	pt_free(pt);
	return r;
}

int main(int argc, char **argv)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *shared_dir = NULL;
	OwnedSocket sock = { .dir_fd = -1 };
	VfsdOptions o __attribute__((cleanup(opt_clear)));
	VfsdConfig cfg;
	struct stat st;
	int status = 0;
	int act_fd;
	int stop_fd;
	int lfd;
	int r;

	setlocale(LC_ALL, "");
	/* VIRTIOFSD_LOCALEDIR lets the test suite use uninstalled catalogs. */
	bindtextdomain(GETTEXT_PACKAGE, getenv("VIRTIOFSD_LOCALEDIR") ?
					getenv("VIRTIOFSD_LOCALEDIR") : LOCALEDIR);
	bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
	textdomain(GETTEXT_PACKAGE);

	opt_init(&o);
	if (!opt_parse(&o, &argc, &argv, &err)) {
		fprintf(stderr, _("virtiofsd: %s (see --help)\n"), err->message);
		return 1;
	}
	if (o.version) {
		printf("virtiofsd %s\n", PACKAGE_VERSION);
		return 0;
	}
	if (o.print_capabilities) {
		fputs(opt_capabilities_json(), stdout);
		return 0;
	}
	/* A socket from systemd's socket activation stands for --fd.  An
	 * explicit --socket-path or --fd as well would leave systemd's socket
	 * unserved, so that is refused rather than guessed. */
	r = activation_get_fd(&act_fd);
	if (r == -E2BIG) {
		fputs(_("virtiofsd: systemd passed more than one socket; exactly one listening socket is supported\n"),
		      stderr);
		return 1;
	}
	if (r == -ENOTSOCK) {
		fputs(_("virtiofsd: the socket systemd passed is not a listening AF_UNIX stream socket\n"),
		      stderr);
		return 1;
	}
	if (r < 0) {
		fprintf(stderr, _("virtiofsd: cannot use the sockets passed by systemd: %s\n"),
			strerror(-r));
		return 1;
	}
	if (act_fd >= 0) {
		if (o.socket_path || o.fd >= 0) {
			fputs(_("virtiofsd: systemd passed a listening socket; do not give --socket-path or --fd as well\n"),
			      stderr);
			return 1;
		}
		o.fd = act_fd;
	}
	if (!opt_validate(&o, &cfg, &err)) {
		fprintf(stderr, _("virtiofsd: %s (see --help)\n"), err->message);
		return 1;
	}
	vlog_setup(cfg.log_level, cfg.log_target, cfg.log_fallback);
	signal(SIGPIPE, SIG_IGN);

	shared_dir = realpath(o.shared_dir, NULL);
	if (!shared_dir || stat(shared_dir, &st) < 0) {
		vlog_error(_("shared directory %s: %s"), o.shared_dir, strerror(errno));
		return 1;
	}
	if (!S_ISDIR(st.st_mode)) {
		vlog_error(_("shared directory %s: not a directory"), o.shared_dir);
		return 1;
	}
	cfg.fs.shared_dir = shared_dir;
	vlog_set_fields(NULL, shared_dir);

	if (o.socket_path && o.fd < 0) {
		r = listener_open_path(o.socket_path, o.socket_group, &lfd);
		if (r == -EADDRINUSE) {
			vlog_error(_("socket %s is in use by another running daemon"),
				   o.socket_path);
			return 1;
		}
		if (r == -EEXIST) {
			vlog_error(_("%s exists and is not a socket"), o.socket_path);
			return 1;
		}
		if (r < 0) {
			vlog_error(_("cannot listen on %s: %s"), o.socket_path,
				   strerror(-r));
			return 1;
		}
		owned_socket_init(&sock, o.socket_path);
	} else {
		r = listener_check_fd(o.fd);
		if (r < 0) {
			vlog_error(_("--fd=%d is not a listening UNIX socket: %s"),
				   o.fd, strerror(-r));
			return 1;
		}
		lfd = o.fd;
		fcntl(lfd, F_SETFD, FD_CLOEXEC);
	}

	set_log_instance(lfd);

	r = notify_open();
	if (r < 0)
		vlog_warn(_("cannot connect to $NOTIFY_SOCKET: %s, ignoring"),
			  strerror(-r));

	r = limits_raise_nofile(cfg.rlimit_nofile);
	if (r < 0)
		vlog_warn(_("cannot raise the open file limit: %s, ignoring"),
			  strerror(-r));

	r = sandbox_fork(cfg.sandbox, &status);
	if (r < 0) {
		vlog_error(_("cannot create the sandbox namespaces: %s "
			   "(--sandbox=chroot or --sandbox=none work without them)"),
			   strerror(-r));
		owned_socket_remove(&sock);
		return 1;
	}
	if (r > 0) {
		/* Parent of the sandboxed daemon: it did the work. */
		close(lfd);
		owned_socket_remove(&sock);
		/* Our pid namespace died with its init (the child): this
		 * process can fork no more, and exit-time checkers that need
		 * a thread of their own (LeakSanitizer) would fail. */
		fflush(NULL);
		_exit(status);
	}

	stop_fd = stop_signals_fd();
	if (stop_fd < 0) {
		vlog_error(_("cannot set up signal handling: %s"), strerror(errno));
		return 1;
	}
	status = serve(&cfg, &o, lfd, stop_fd);
	/* In the namespace sandbox the parent removes the socket. */
	if (cfg.sandbox != SANDBOX_NAMESPACE)
		owned_socket_remove(&sock);
	close(stop_fd);
	if (cfg.sandbox != SANDBOX_NONE) {
		/* Inside the sandbox /proc is out of reach, and with it what
		 * exit-time checkers (LeakSanitizer) need; all is closed and
		 * flushed, so leave without them. */
		fflush(NULL);
		_exit(status);
	}
	return status;
}
