/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * harden.c - capability dropping and the seccomp filter.
 *
 * The allow-list is every system call the serving daemon makes after
 * entering its sandbox: vhost-user and virtqueue handling, the passthrough
 * file operations, thread pools, logging (stderr, journal, syslog) and
 * sd_notify, and what glibc does underneath them.  Nothing that changes
 * namespaces, mounts, privileges (beyond setfsuid/setfsgid), other processes
 * or executes programs is on it.
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cap-ng.h>
#include <linux/capability.h>
#include <seccomp.h>

#include "platform/harden.h"
#include "shared/log.h"

int harden_seccomp_parse(const char *s, HardenSeccomp *ret)
{
	static const char *const names[] = { "none", "kill", "log", "trap" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(s, names[i]) == 0) {
			*ret = (HardenSeccomp)i;
			return 0;
		}
	}
	return -EINVAL;
}

/* What the daemon needs to act as any guest user on any file. */
static const int default_caps[] = {
	CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FOWNER, CAP_FSETID,
	CAP_SETGID, CAP_SETUID, CAP_MKNOD, CAP_SETFCAP,
};

uint64_t harden_default_caps(void)
{
	uint64_t m = 0;

	for (size_t i = 0; i < sizeof(default_caps) / sizeof(default_caps[0]); i++)
		m |= 1ULL << default_caps[i];
	return m;
}

int harden_modcaps_parse(const char *s, HardenCaps *ret, const char **bad,
			 int *bad_len)
{
	HardenCaps m = { 0, 0 };
	const char *p = s;

	for (;;) {
		const char *end = strchr(p, ':');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char name[64];
		int cap;

		*bad = p;
		*bad_len = (int)len;
		if (len < 2 || len >= sizeof(name) || (p[0] != '+' && p[0] != '-'))
			return -EINVAL;
		for (size_t i = 1; i < len; i++)
			name[i - 1] = (char)tolower((unsigned char)p[i]);
		name[len - 1] = '\0';
		cap = capng_name_to_capability(strncmp(name, "cap_", 4) == 0 ? name + 4 : name);
		if (cap < 0 || cap > 63)
			return -EINVAL;
		if (p[0] == '+') {
			m.add |= 1ULL << cap;
			m.drop &= ~(1ULL << cap);
		} else {
			m.drop |= 1ULL << cap;
			m.add &= ~(1ULL << cap);
		}
		if (!end)
			break;
		p = end + 1;
	}
	*ret = m;
	return 0;
}

int harden_drop_caps(const HardenCaps *mod)
{
	uint64_t keep = (harden_default_caps() | mod->add) & ~mod->drop;
	uint64_t had = 0;
	bool bounding;
	char *text;

	if (capng_get_caps_process() != 0)
		return errno ? -errno : -EIO;
	if (capng_have_capabilities(CAPNG_SELECT_CAPS) == CAPNG_NONE)
		return 0;
	for (int cap = 0; cap <= CAP_LAST_CAP && cap < 64; cap++) {
		if (capng_have_capability(CAPNG_PERMITTED, (unsigned)cap))
			had |= 1ULL << cap;
	}
	/* Dropping from the bounding set needs CAP_SETPCAP, which we may
	 * not have (or may be about to drop: libcap-ng orders it). */
	bounding = capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP);
	capng_clear(bounding ? CAPNG_SELECT_ALL : CAPNG_SELECT_CAPS);
	for (int cap = 0; cap <= CAP_LAST_CAP && cap < 64; cap++) {
		if (!(keep & had & (1ULL << cap)))
			continue;
		capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED |
			     (bounding ? CAPNG_BOUNDING_SET : 0), (unsigned)cap);
	}
	if (capng_apply(bounding ? CAPNG_SELECT_ALL : CAPNG_SELECT_CAPS) < 0)
		return -EPERM;
	for (int cap = 0; cap < 64; cap++) {
		if (mod->add & ~had & (1ULL << cap))
			vlog_warn("--modcaps: capability %s is not held, so it cannot be kept",
				  capng_capability_to_name((unsigned)cap));
	}
	text = capng_print_caps_text(CAPNG_PRINT_BUFFER, CAPNG_EFFECTIVE);
	vlog_debug("capabilities kept: %s", text ? text : "none");
	free(text);
	return 0;
}

static const char *const allowed_syscalls[] = {
	/* vhost-user socket, eventfds, polling */
	"accept4", "recvmsg", "recvfrom", "sendmsg", "sendto", "shutdown",
	"getsockname", "getsockopt", "eventfd2", "poll", "ppoll",
	"epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait",
	/* log targets: syslog(3) may reconnect its AF_UNIX socket */
	"connect",
	/* memory, threads, signals, time */
	"brk", "mmap", "munmap", "mprotect", "mremap", "madvise", "membarrier",
	"clone", "clone3", "set_robust_list", "rseq", "futex", "exit",
	"exit_group", "gettid", "getpid", "tgkill", "sched_yield",
	"sched_getaffinity", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn",
	"sigaltstack", "restart_syscall", "clock_gettime", "clock_nanosleep",
	"nanosleep", "gettimeofday", "getrandom", "prctl", "uname",
	"getuid", "geteuid", "getgid", "getegid",
	/* credentials of each request (per thread) */
	"setfsuid", "setfsgid", "umask", "capget",
	/* file descriptors */
	"close", "close_range", "dup", "dup2", "dup3", "fcntl", "pipe2",
	"ioctl", "lseek",
	/* the passthrough file system */
	"openat", "open_by_handle_at", "name_to_handle_at", "newfstatat",
	"fstat", "statx", "fstatfs", "statfs", "getdents64", "readlinkat",
	"read", "readv", "pread64", "preadv", "preadv2",
	"write", "writev", "pwrite64", "pwritev", "pwritev2",
	"fsync", "fdatasync", "syncfs", "ftruncate", "fallocate",
	"copy_file_range", "flock", "faccessat", "faccessat2",
	"mkdirat", "mknodat", "symlinkat", "linkat", "unlinkat", "renameat",
	"renameat2", "fchmod", "fchmodat", "fchown", "fchownat", "utimensat",
	"fgetxattr", "fsetxattr", "flistxattr", "fremovexattr",
	"getxattr", "setxattr", "listxattr", "removexattr",
	"lgetxattr", "lsetxattr", "llistxattr", "lremovexattr",
	"fchdir",
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
	/* sanitizer builds only: the leak checker stops the threads with
	 * ptrace from a helper it clones, and reads /proc */
	"ptrace", "wait4", "waitid", "getppid", "sched_getparam",
	"readlink", "open", "stat", "lstat", "access", "kill", "pipe",
	"getdents",
#endif
};

static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	char msg[96] = "virtiofsd: seccomp: forbidden system call ";
	char num[16];
	size_t len = strlen(msg), n = 0;
	unsigned v = (unsigned)si->si_syscall;

	(void)sig;
	(void)uc;
	do
		num[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0 && n < sizeof(num));
	while (n > 0 && len < sizeof(msg) - 2)
		msg[len++] = num[--n];
	msg[len++] = '\n';
	if (write(STDERR_FILENO, msg, len) < 0) {
		/* nothing left to tell */
	}
	_exit(EXIT_FAILURE);
}

int harden_seccomp(HardenSeccomp action)
{
	uint32_t def;
	scmp_filter_ctx ctx;
	int r = 0;

	switch (action) {
	case HARDEN_SECCOMP_NONE:
		return 0;
	case HARDEN_SECCOMP_KILL:
		def = SCMP_ACT_KILL_PROCESS;
		break;
	case HARDEN_SECCOMP_LOG:
		def = SCMP_ACT_LOG;
		break;
	case HARDEN_SECCOMP_TRAP: {
		struct sigaction sa = { .sa_sigaction = on_sigsys,
					.sa_flags = SA_SIGINFO };

		sigemptyset(&sa.sa_mask);
		if (sigaction(SIGSYS, &sa, NULL) < 0)
			return -errno;
		def = SCMP_ACT_TRAP;
		break;
	}
	default:
		return -EINVAL;
	}
	ctx = seccomp_init(def);
	if (!ctx)
		return -ENOMEM;
	/* every thread, also those already running */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
#if SCMP_VER_MAJOR > 2 || (SCMP_VER_MAJOR == 2 && SCMP_VER_MINOR >= 5)
	/* A binary search over the allow-list instead of a linear scan: every
	 * system call of the hot path goes through the filter.  Older
	 * kernels or libraries without it keep the linear filter. */
	if (r == 0)
		(void)seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
#endif
	for (size_t i = 0; r == 0 && i < sizeof(allowed_syscalls) / sizeof(allowed_syscalls[0]); i++) {
		int nr = seccomp_syscall_resolve_name(allowed_syscalls[i]);

		/* a name this architecture does not have */
		if (nr < 0)
			continue;
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
	}
	/* sockets: AF_UNIX only (syslog(3) reconnecting) */
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
				     SCMP_A0(SCMP_CMP_EQ, AF_UNIX));
	if (r == 0)
		r = seccomp_load(ctx);
	seccomp_release(ctx);
	return r;
}
