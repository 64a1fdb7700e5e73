/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench-proc.h - the benchmark's view of a daemon as a process: start it
 * with an inherited listening socket (--fd=N), add up the CPU time of its
 * whole process tree, and stop it.  Knows nothing of vhost-user or FUSE.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct {
	pid_t pid;
	int pidfd;	/* readable once the daemon exited */
	int sock;	/* our connected end of the vhost-user socket */
	char *log_path; /* the daemon's stdout and stderr */
	int status;	/* waitpid() status once reaped */
	int reaped;
} BenchProc;

/**
 * bench_proc_start() - start `ARGV... --fd=N` with a listening socket
 * created (and connected to) in @workdir.
 * @argv: NULL-terminated; the daemon binary first (or a wrapper such as
 *	`perf record --`, which passes the inherited socket on)
 * @workdir: where the socket and the log file go
 * @ret: filled on success
 * Return: 0, or -errno (socket, fork, or exec set-up failure).
 */
int bench_proc_start(char **argv, const char *workdir, BenchProc *ret);

/**
 * bench_proc_stop() - wait up to @timeout_ms for the daemon to exit by
 * itself, then SIGKILL it, reap it and close what we hold.
 * Return: 0 when it exited by itself, -ETIMEDOUT when it had to be killed.
 */
int bench_proc_stop(BenchProc *p, int timeout_ms);

/* Describe how the daemon ended ("exit 0", "signal 11"). */
const char *bench_proc_status(const BenchProc *p, char *buf, size_t len);

/* Print the last @lines lines of the daemon's log to stderr. */
void bench_proc_log_tail(const BenchProc *p, unsigned lines);

/**
 * bench_cpu_tree() - user+system CPU time of @root and all its descendants
 * (a sandboxing daemon forks; its child does the work), exited threads of a
 * live process included.
 * @ret_ns: nanoseconds (clock tick resolution)
 * @ret_nproc: processes found in the tree, may be NULL
 * Return: 0, or -ESRCH when @root is gone.
 */
int bench_cpu_tree(pid_t root, uint64_t *ret_ns, unsigned *ret_nproc);
