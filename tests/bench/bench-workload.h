/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench-workload.h - the benchmark's workloads: keep a number of FUSE
 * requests in flight on one request queue, check every reply, and count
 * requests, workload units and the daemon's CPU time.  Knows the frontend
 * and FUSE, not how the daemon was started.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "tests/lib/fuse-client.h"

typedef enum {
	BENCH_GETATTR,
	BENCH_LOOKUP,
	BENCH_READ_4K,
	BENCH_WRITE_4K,
	BENCH_READ_128K,
	BENCH_CREATE_UNLINK,
	BENCH_READDIRPLUS,
	BENCH_WORKLOAD_MAX
} BenchWorkloadId;

/* What the workloads work on: nodes the caller looked up and opened. */
typedef struct {
	FuseClient *fc;
	uint64_t file_node;	/* data file, open read-write as file_fh */
	uint64_t file_fh;
	uint64_t file_size;	/* multiple of 128 KiB */
	uint64_t lookup_parent; /* LOOKUP of lookup_name in it */
	const char *lookup_name;
	uint64_t create_dir;	/* CREATE+UNLINK happens here */
	uint64_t list_dir;	/* READDIRPLUS lists this directory... */
	unsigned list_entries;	/* ...which holds this many entries */
} BenchTarget;

typedef struct {
	unsigned depth;		/* requests in flight */
	double seconds;		/* stop submitting after this long... */
	uint64_t max_requests;	/* ...or this many requests (0: no cap) */
	bool page_descs;	/* kernel-like: one descriptor per data page, indirect */
	uint32_t readdir_size;	/* READDIRPLUS buffer (the kernel uses a page) */
} BenchRunConfig;

typedef struct {
	uint64_t requests;	/* replies received (FORGETs not counted) */
	double ops;		/* workload units (see bench_workload_unit()) */
	double seconds;		/* wall clock, first submit to last reply */
	uint64_t cpu_ns;	/* daemon process tree, user + system */
	uint64_t client_cpu_ns; /* this process */
	uint64_t forgets;	/* FORGET entries sent on the hiprio queue */
	int error;		/* first failure (-errno), 0 if none */
	char msg[160];		/* what failed */
} BenchResult;

const char *bench_workload_name(BenchWorkloadId w);
/* The unit of BenchResult.ops: "req", "pair", "listing". */
const char *bench_workload_unit(BenchWorkloadId w);
/* Look a workload up by (case-insensitive) name.  Return: id or -EINVAL. */
int bench_workload_parse(const char *name);

/**
 * bench_workload_run() - run one workload against a connected, initialised
 * daemon.
 * @t: the prepared nodes
 * @w: which workload
 * @cfg: depth and duration
 * @daemon: the daemon's pid, for its CPU time
 * @ret: the result; ret->error set when a reply carried an error or failed a
 *	check (the numbers must not be reported then)
 * Return: 0 when the workload ran (check ret->error), -ENOMEM when guest RAM
 * is too small, or a transport error (-ECONNRESET when the daemon went away,
 * -ETIMEDOUT, -EPROTO) after which the connection is unusable.
 */
int bench_workload_run(BenchTarget *t, BenchWorkloadId w,
		       const BenchRunConfig *cfg, pid_t daemon,
		       BenchResult *ret);
