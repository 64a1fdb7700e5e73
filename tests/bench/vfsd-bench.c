/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vfsd-bench.c - benchmark one or more virtio-fs daemons through the test
 * vhost-user frontend: requests per second and daemon CPU per request for a
 * set of FUSE workloads, and a ratio line per workload comparing the first
 * daemon with each other one.  Owns the command line, the shared directory
 * it prepares, and the report; the workloads live in bench-workload.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>

#include "bench-proc.h"
#include "bench-workload.h"
#include "tests/lib/vu-daemon.h"

#define MAX_DEPTH 256
/* descriptors of the longest direct chain (WRITE: header, args, data,
 * out-header, body); the ring holds at most 1024 */
#define FLAT_DESCS 5u

typedef struct {
	char *label;	/* short name for the table */
	char **argv;	/* binary and its extra arguments */
} DaemonSpec;

typedef struct {
	unsigned daemon;
	int pool;	/* -1: daemon's default */
	unsigned depth;
	BenchWorkloadId w;
	BenchResult res;
	bool ran, ok;
} Row;

static struct {
	char **daemons;
	char *pools;
	char *depths;
	char *workloads;
	char *opts;
	double seconds;
	gint64 requests;
	int repeat;
	int entries;
	int file_mib;
	int readdir_size;
	gboolean flat;
	gboolean event_idx;
	gboolean quick;
	gboolean keep;
	char *workdir;
	char *wrap;
} opt = {
	.pools = NULL,
	.opts = NULL,
	.seconds = 2.0,
	.repeat = 1,
	.entries = 10000,
	.file_mib = 64,
	.readdir_size = 4096,
};

static GOptionEntry option_entries[] = {
	{ "daemon", 'd', 0, G_OPTION_ARG_STRING_ARRAY, &opt.daemons,
	  "Daemon to run, with extra arguments (\"PATH [ARG...]\"); repeat to compare, the first is compared with the others",
	  "CMD" },
	{ "thread-pool-size", 't', 0, G_OPTION_ARG_STRING, &opt.pools,
	  "Comma list of --thread-pool-size values passed to every daemon; \"default\" passes none (default: default)",
	  "N,..." },
	{ "depth", 'q', 0, G_OPTION_ARG_STRING, &opt.depths,
	  "Comma list of queue depths (requests in flight) (default: 64)", "N,..." },
	{ "workload", 'w', 0, G_OPTION_ARG_STRING, &opt.workloads,
	  "Comma list of workloads (default: all): getattr, lookup, read-4k, write-4k, read-128k, create-unlink, readdirplus",
	  "NAME,..." },
	{ "options", 'o', 0, G_OPTION_ARG_STRING, &opt.opts,
	  "-o options after source=DIR (default: cache=auto)", "OPTS" },
	{ "seconds", 's', 0, G_OPTION_ARG_DOUBLE, &opt.seconds,
	  "Run each workload this long (default: 2)", "S" },
	{ "requests", 'n', 0, G_OPTION_ARG_INT64, &opt.requests,
	  "Run each workload for this many requests instead of a time", "N" },
	{ "repeat", 'r', 0, G_OPTION_ARG_INT, &opt.repeat,
	  "Run each workload N times, daemons taking turns, and report each daemon's fastest run (default: 1)",
	  "N" },
	{ "entries", 0, 0, G_OPTION_ARG_INT, &opt.entries,
	  "Entries in the READDIRPLUS directory (default: 10000)", "N" },
	{ "file-size", 0, 0, G_OPTION_ARG_INT, &opt.file_mib,
	  "Size of the READ/WRITE file in MiB (default: 64)", "MIB" },
	{ "readdir-size", 0, 0, G_OPTION_ARG_INT, &opt.readdir_size,
	  "READDIRPLUS reply buffer in bytes (default: 4096, as the kernel)", "N" },
	{ "flat", 0, 0, G_OPTION_ARG_NONE, &opt.flat,
	  "One descriptor per buffer in direct chains, instead of the kernel's page-sized descriptors in indirect tables",
	  NULL },
	{ "event-idx", 0, 0, G_OPTION_ARG_NONE, &opt.event_idx,
	  "Negotiate VIRTIO_RING_F_EVENT_IDX, as guests do: replies are notified only while the bench waits",
	  NULL },
	{ "quick", 0, 0, G_OPTION_ARG_NONE, &opt.quick,
	  "Smoke run: 300 requests per workload, 300 directory entries, 8 MiB file",
	  NULL },
	{ "workdir", 0, 0, G_OPTION_ARG_FILENAME, &opt.workdir,
	  "Put the shared directory and sockets here (default: a new temporary directory)",
	  "DIR" },
	{ "wrap", 0, 0, G_OPTION_ARG_STRING, &opt.wrap,
	  "Run every daemon under this command, e.g. \"perf record -g -o FILE --\" (its CPU is counted too)",
	  "CMD" },
	{ "keep", 0, 0, G_OPTION_ARG_NONE, &opt.keep,
	  "Keep the work directory (daemon logs) afterwards", NULL },
	{ NULL }
};

/* Parse "a,b,c" into non-negative ints; "default" gives -1 if allowed. */
static GArray *parse_list(const char *s, const char *dflt, bool allow_default,
			  int max, GError **error)
{
	g_auto(GStrv) v = g_strsplit(s ? s : dflt, ",", -1);
	GArray *a = g_array_new(FALSE, FALSE, sizeof(int));

	for (char **p = v; *p; p++) {
		guint64 n;
		int x;

		if (allow_default && strcmp(*p, "default") == 0) {
			x = -1;
		} else if (!g_ascii_string_to_unsigned(*p, 10, 0, (guint64)max,
						       &n, NULL)) {
			g_set_error(error, G_OPTION_ERROR,
				    G_OPTION_ERROR_BAD_VALUE,
				    "bad value \"%s\" (0..%d%s)", *p, max,
				    allow_default ? " or default" : "");
			g_array_free(a, TRUE);
			return NULL;
		} else {
			x = (int)n;
		}
		g_array_append_val(a, x);
	}
	return a;
}

static char *short_label(const char *path)
{
	g_autofree char *dir = g_path_get_dirname(path);
	g_autofree char *base = g_path_get_basename(path);
	g_autofree char *dbase = g_path_get_basename(dir);

	return g_strdup_printf("%s/%s", dbase, base);
}

static int write_file(const char *path, size_t size)
{
	g_autofree uint8_t *buf = g_malloc(1 << 20);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return -errno;
	for (size_t i = 0; i < (1u << 20); i++)
		buf[i] = (uint8_t)(i * 7 + 1);
	for (size_t done = 0; done < size; done += 1u << 20) {
		size_t n = MIN(size - done, (size_t)1 << 20);

		if (write(fd, buf, n) != (ssize_t)n) {
			int r = errno ? -errno : -EIO;
			close(fd);
			return r;
		}
	}
	close(fd);
	return 0;
}

/* The shared directory: data (file), list/ (entries), create/, lookme. */
static int prepare_shared(const char *dir)
{
	g_autofree char *data = g_build_filename(dir, "data", NULL);
	g_autofree char *list = g_build_filename(dir, "list", NULL);
	g_autofree char *create = g_build_filename(dir, "create", NULL);
	g_autofree char *lookme = g_build_filename(dir, "lookme", NULL);
	int r, dfd;

	if (mkdir(dir, 0755) < 0 || mkdir(list, 0755) < 0 ||
	    mkdir(create, 0755) < 0)
		return -errno;
	r = write_file(data, (size_t)opt.file_mib << 20);
	if (r < 0)
		return r;
	r = write_file(lookme, 0);
	if (r < 0)
		return r;
	dfd = open(list, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	for (int i = 0; i < opt.entries; i++) {
		char name[32];
		int fd;

		snprintf(name, sizeof(name), "f%05d", i);
		fd = openat(dfd, name, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0) {
			r = -errno;
			close(dfd);
			return r;
		}
		close(fd);
	}
	close(dfd);
	return 0;
}

static void print_header(void)
{
	printf("%-16s %4s %5s  %-13s %12s %12s %10s %12s %9s\n", "daemon",
	       "pool", "depth", "workload", "units/s", "requests/s",
	       "cpu us/req", "cpu us/unit", "bench/req");
}

static void print_row(const DaemonSpec *d, const Row *row)
{
	const BenchResult *r = &row->res;
	char pool[16];

	if (row->pool < 0)
		snprintf(pool, sizeof(pool), "dflt");
	else
		snprintf(pool, sizeof(pool), "%d", row->pool);
	printf("%-16s %4s %5u  %-13s ", d->label, pool, row->depth,
	       bench_workload_name(row->w));
	if (!row->ok) {
		printf("FAILED: %s\n", r->msg[0] ? r->msg : g_strerror(-r->error));
		fflush(stdout);
		return;
	}
	printf("%12.0f %12.0f %10.2f %12.2f %9.2f   (%s)\n",
	       r->ops / r->seconds, (double)r->requests / r->seconds,
	       (double)r->cpu_ns / 1e3 / (double)r->requests,
	       r->ops > 0 ? (double)r->cpu_ns / 1e3 / r->ops : 0.0,
	       (double)r->client_cpu_ns / 1e3 / (double)r->requests,
	       bench_workload_unit(row->w));
	fflush(stdout);
}

typedef struct {
	VuFront *vu;
	FuseClient fc;
	BenchTarget t;
} Conn;

/* INIT, then look up and open what the workloads need. */
static int conn_setup(Conn *c, unsigned entries, uint64_t file_size)
{
	struct fuse_entry_out e;
	struct fuse_open_out o;
	int r;

	r = fuse_init(&c->fc, FUSE_ASYNC_READ | FUSE_POSIX_LOCKS |
				      FUSE_ATOMIC_O_TRUNC | FUSE_EXPORT_SUPPORT |
				      FUSE_BIG_WRITES | FUSE_DONT_MASK |
				      FUSE_DO_READDIRPLUS | FUSE_READDIRPLUS_AUTO |
				      FUSE_ASYNC_DIO | FUSE_PARALLEL_DIROPS |
				      FUSE_MAX_PAGES,
		      NULL);
	if (r < 0) {
		fprintf(stderr, "INIT failed: %s\n", g_strerror(-r));
		return r;
	}
	c->t.fc = &c->fc;
	c->t.lookup_parent = FUSE_ROOT_ID;
	c->t.lookup_name = "lookme";
	c->t.list_entries = entries;
	c->t.file_size = file_size;
	if ((r = fuse_lookup(&c->fc, FUSE_ROOT_ID, "data", &e)) < 0)
		goto fail;
	c->t.file_node = e.nodeid;
	if ((r = fuse_open(&c->fc, e.nodeid, O_RDWR, &o)) < 0)
		goto fail;
	c->t.file_fh = o.fh;
	if ((r = fuse_lookup(&c->fc, FUSE_ROOT_ID, "list", &e)) < 0)
		goto fail;
	c->t.list_dir = e.nodeid;
	if ((r = fuse_lookup(&c->fc, FUSE_ROOT_ID, "create", &e)) < 0)
		goto fail;
	c->t.create_dir = e.nodeid;
	return 0;
fail:
	fprintf(stderr, "set-up requests failed: %s\n", g_strerror(-r));
	return r;
}

static unsigned pow2_at_least(unsigned n)
{
	unsigned p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

typedef struct {
	const DaemonSpec *spec;
	unsigned di;
	int pool;	/* -1: daemon's default */
	BenchProc p;
	Conn c;
	bool broken;
} Instance;

/* Start the daemon, connect, INIT and look up the workloads' nodes. */
static void instance_start(Instance *in, const char *shared,
			   const char *workdir, unsigned maxdepth,
			   const BenchRunConfig *base)
{
	g_autoptr(GPtrArray) av = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *cmdline = NULL;
	g_autofree char *rundir = g_strdup_printf("%s/run-%u-%d", workdir,
						  in->di, in->pool);
	const char *label = in->spec->label;
	VuFrontConfig fcfg = { 0 };
	unsigned nproc = 0;
	uint64_t ns;
	int r;

	if (opt.wrap) {
		g_auto(GStrv) wv = NULL;

		if (!g_shell_parse_argv(opt.wrap, NULL, &wv, NULL)) {
			fprintf(stderr, "%s: cannot parse --wrap\n", label);
			in->broken = true;
			return;
		}
		for (char **a = wv; *a; a++)
			g_ptr_array_add(av, g_strdup(*a));
	}
	g_ptr_array_add(av, g_strdup(in->spec->argv[0]));
	g_ptr_array_add(av, g_strdup("-o"));
	g_ptr_array_add(av, g_strdup_printf("source=%s,%s", shared,
					    opt.opts ? opt.opts : "cache=auto"));
	if (in->pool >= 0)
		g_ptr_array_add(av, g_strdup_printf("--thread-pool-size=%d",
						    in->pool));
	for (char **a = in->spec->argv + 1; *a; a++)
		g_ptr_array_add(av, g_strdup(*a));
	g_ptr_array_add(av, NULL);
	cmdline = g_strjoinv(" ", (char **)av->pdata);
	printf("# %s: %s --fd=N\n", label, cmdline);
	fflush(stdout);

	in->broken = true;
	g_mkdir_with_parents(rundir, 0755);
	r = bench_proc_start((char **)av->pdata, rundir, &in->p);
	if (r < 0) {
		fprintf(stderr, "%s: cannot start: %s\n", label, g_strerror(-r));
		in->p.pid = -1;
		return;
	}
	fcfg.queue_size = MIN(1024u, pow2_at_least(MAX(128u, maxdepth *
						       (base->page_descs ? 1u : FLAT_DESCS))));
	fcfg.ram_size = (32u << 20) + (size_t)maxdepth * (256u << 10);
	fcfg.timeout_ms = 30000;
	fcfg.want_event_idx = opt.event_idx;
	r = vu_front_new(in->p.sock, in->p.pidfd, &fcfg, &in->c.vu);
	if (r < 0) {
		fprintf(stderr, "%s: vhost-user handshake failed: %s\n", label,
			g_strerror(-r));
		return;
	}
	in->p.sock = -1; /* the frontend owns it now */
	fuse_client_init(&in->c.fc, in->c.vu);
	if (conn_setup(&in->c, (unsigned)opt.entries,
		       (uint64_t)opt.file_mib << 20) < 0)
		return;
	if (base->page_descs &&
	    !(vu_front_features(in->c.vu) & (1ull << VU_F_INDIRECT_DESC))) {
		fprintf(stderr, "%s: no indirect descriptors offered (try --flat)\n",
			label);
		return;
	}
	if (bench_cpu_tree(in->p.pid, &ns, &nproc) == 0)
		printf("# %s: pid %d, %u process(es) in its tree, max_write %u, queue size %u, %s, %s\n",
		       label, (int)in->p.pid, nproc, in->c.fc.init.max_write,
		       vu_front_queue_size(in->c.vu),
		       base->page_descs ? "indirect, page-sized data descriptors" :
					  "direct chains, one descriptor per buffer",
		       vu_front_features(in->c.vu) & (1ull << VU_F_EVENT_IDX) ?
			       "event idx" : "no event idx");
	fflush(stdout);
	in->broken = false;
}

/* Disconnect; the daemon must exit 0.  Return: 1 if it did not, else 0. */
static unsigned instance_stop(Instance *in)
{
	unsigned failed = 0;
	char st[32];
	int r;

	if (in->c.vu) {
		if (!in->broken && in->c.t.file_fh)
			fuse_release(&in->c.fc, in->c.t.file_node,
				     in->c.t.file_fh, O_RDWR);
		vu_front_free(in->c.vu); /* closes the socket: the daemon exits */
		in->c.vu = NULL;
	}
	if (in->p.pid > 0) {
		r = bench_proc_stop(&in->p, 5000);
		bench_proc_status(&in->p, st, sizeof(st));
		if (r < 0 || !WIFEXITED(in->p.status) ||
		    WEXITSTATUS(in->p.status) || in->broken) {
			fprintf(stderr, "%s (pool %d): daemon %s%s\n",
				in->spec->label, in->pool, st,
				r < 0 ? " (killed: did not exit on disconnect)" : "");
			bench_proc_log_tail(&in->p, 30);
			if (!in->broken)
				failed++;
		}
		g_free(in->p.log_path);
	}
	return failed;
}

/*
 * Run one (depth, workload) on every instance, @repeat times round-robin so
 * that drift (page cache, directory growth) hits all daemons alike; keep
 * each instance's fastest run.  Return: number of failed rows.
 */
static unsigned run_round(Instance *ins, unsigned nins, unsigned depth,
			  BenchWorkloadId w, const BenchRunConfig *base,
			  unsigned repeat, GArray *rows)
{
	g_autofree Row *best = g_new0(Row, nins);
	BenchRunConfig cfg = *base;
	unsigned failed = 0;

	cfg.depth = depth;
	for (unsigned i = 0; i < nins; i++) {
		best[i].daemon = ins[i].di;
		best[i].pool = ins[i].pool;
		best[i].depth = depth;
		best[i].w = w;
		best[i].ok = true;
	}
	for (unsigned rep = 0; rep < repeat; rep++) {
		for (unsigned i = 0; i < nins; i++) {
			Row *b = &best[i];
			BenchResult res;
			int r;

			if (!b->ok)
				continue;
			if (ins[i].broken) {
				snprintf(b->res.msg, sizeof(b->res.msg),
					 "daemon not usable (see above)");
				b->ok = false;
				continue;
			}
			r = bench_workload_run(&ins[i].c.t, w, &cfg,
					       ins[i].p.pid, &res);
			if (r < 0) {
				snprintf(res.msg, sizeof(res.msg),
					 "transport failure: %s", g_strerror(-r));
				ins[i].broken = true;
			}
			if (r < 0 || res.error) {
				b->res = res;
				b->ok = false;
				continue;
			}
			if (!b->ran || res.ops / res.seconds >
					       b->res.ops / b->res.seconds)
				b->res = res;
			b->ran = true;
		}
	}
	for (unsigned i = 0; i < nins; i++) {
		if (!best[i].ok)
			failed++;
		print_row(ins[i].spec, &best[i]);
		g_array_append_val(rows, best[i]);
	}
	return failed;
}

static const Row *find_row(GArray *rows, unsigned daemon, int pool,
			   unsigned depth, BenchWorkloadId w)
{
	for (guint i = 0; i < rows->len; i++) {
		const Row *r = &g_array_index(rows, Row, i);

		if (r->daemon == daemon && r->pool == pool && r->depth == depth &&
		    r->w == w)
			return r;
	}
	return NULL;
}

static void print_comparison(const DaemonSpec *ds, unsigned nd, GArray *rows,
			     GArray *pools, GArray *depths, GArray *wls)
{
	for (unsigned d = 1; d < nd; d++) {
		printf("\n# %s / %s, same pool size and depth: units/s ratio > 1 means %s is faster, cpu ratio < 1 means it is cheaper\n",
		       ds[0].label, ds[d].label, ds[0].label);
		printf("%-13s %4s %5s %12s %14s\n", "workload", "pool", "depth",
		       "units/s", "cpu per unit");
		for (guint p = 0; p < pools->len; p++)
			for (guint q = 0; q < depths->len; q++)
				for (guint w = 0; w < wls->len; w++) {
					int pool = g_array_index(pools, int, p);
					unsigned depth = (unsigned)g_array_index(depths, int, q);
					BenchWorkloadId wl = (BenchWorkloadId)g_array_index(wls, int, w);
					const Row *a = find_row(rows, 0, pool, depth, wl);
					const Row *b = find_row(rows, d, pool, depth, wl);
					char ps[16];

					if (pool < 0)
						snprintf(ps, sizeof(ps), "dflt");
					else
						snprintf(ps, sizeof(ps), "%d", pool);
					printf("%-13s %4s %5u ", bench_workload_name(wl),
					       ps, depth);
					if (!a || !b || !a->ok || !b->ok ||
					    a->res.ops <= 0 || b->res.ops <= 0) {
						printf("%12s %14s\n", "n/a", "n/a");
						continue;
					}
					printf("%11.2fx %13.2fx\n",
					       (a->res.ops / a->res.seconds) /
						       (b->res.ops / b->res.seconds),
					       ((double)a->res.cpu_ns / a->res.ops) /
						       ((double)b->res.cpu_ns / b->res.ops));
				}
	}
}

int main(int argc, char **argv)
{
	g_autoptr(GOptionContext) ctx = g_option_context_new("- virtio-fs daemon benchmark");
	g_autoptr(GError) error = NULL;
	g_autoptr(GArray) pools = NULL;
	g_autoptr(GArray) depths = NULL;
	g_autoptr(GArray) wls = NULL;
	g_autoptr(GArray) rows = g_array_new(FALSE, FALSE, sizeof(Row));
	g_autofree char *workdir = NULL;
	g_autofree char *shared = NULL;
	BenchRunConfig base = { 0 };
	DaemonSpec *ds;
	unsigned nd, nins, maxdepth = 0, failed = 0;
	Instance *ins;
	char per[64];
	int r;

	g_option_context_add_main_entries(ctx, option_entries, NULL);
	g_option_context_set_summary(ctx,
		"Starts each daemon with --fd=N -o source=DIR,OPTS [--thread-pool-size=N] ARGS,\n"
		"connects as a vhost-user frontend and keeps DEPTH FUSE requests in flight.\n"
		"CPU is user+system time of the daemon's whole process tree.");
	if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
		fprintf(stderr, "vfsd-bench: %s\n", error->message);
		return 2;
	}
	if (!opt.daemons || !opt.daemons[0]) {
		fprintf(stderr, "vfsd-bench: give at least one --daemon=PATH\n");
		return 2;
	}
	if (opt.quick) {
		opt.requests = 300;
		opt.entries = MIN(opt.entries, 300);
		opt.file_mib = MIN(opt.file_mib, 8);
	}
	pools = parse_list(opt.pools, "default", true, 1024, &error);
	if (pools)
		depths = parse_list(opt.depths, "64", false, MAX_DEPTH, &error);
	if (!pools || !depths) {
		fprintf(stderr, "vfsd-bench: %s\n", error->message);
		return 2;
	}
	for (guint i = 0; i < depths->len; i++) {
		if (g_array_index(depths, int, i) < 1) {
			fprintf(stderr, "vfsd-bench: depth must be 1..%d\n", MAX_DEPTH);
			return 2;
		}
		maxdepth = MAX(maxdepth, (unsigned)g_array_index(depths, int, i));
	}
	if (opt.flat && maxdepth * FLAT_DESCS > 1024) {
		fprintf(stderr, "vfsd-bench: --flat allows a depth of at most %u\n",
			1024 / FLAT_DESCS);
		return 2;
	}
	wls = g_array_new(FALSE, FALSE, sizeof(int));
	if (opt.workloads) {
		g_auto(GStrv) v = g_strsplit(opt.workloads, ",", -1);

		for (char **p = v; *p; p++) {
			int w = bench_workload_parse(*p);

			if (w < 0) {
				fprintf(stderr, "vfsd-bench: unknown workload %s\n", *p);
				return 2;
			}
			g_array_append_val(wls, w);
		}
	} else {
		for (int w = 0; w < BENCH_WORKLOAD_MAX; w++)
			g_array_append_val(wls, w);
	}
	if (opt.repeat < 1 || opt.entries < 1 || opt.file_mib < 1 || opt.readdir_size < 256 ||
	    opt.readdir_size > 131072 || opt.seconds <= 0 || opt.requests < 0) {
		fprintf(stderr, "vfsd-bench: bad --entries, --file-size, --readdir-size, --seconds, --requests or --repeat\n");
		return 2;
	}

	nd = g_strv_length(opt.daemons);
	ds = g_new0(DaemonSpec, nd);
	for (unsigned i = 0; i < nd; i++) {
		if (!g_shell_parse_argv(opt.daemons[i], NULL, &ds[i].argv, &error)) {
			fprintf(stderr, "vfsd-bench: --daemon=%s: %s\n",
				opt.daemons[i], error->message);
			return 2;
		}
		if (access(ds[i].argv[0], X_OK) < 0) {
			fprintf(stderr, "vfsd-bench: %s: %s\n", ds[i].argv[0],
				g_strerror(errno));
			return 2;
		}
		ds[i].label = short_label(ds[i].argv[0]);
		for (unsigned j = 0; j < i; j++)
			if (strcmp(ds[i].label, ds[j].label) == 0) {
				g_free(ds[i].label);
				ds[i].label = g_strdup_printf("%u:%s", i + 1,
							      short_label(ds[i].argv[0]));
			}
	}

	workdir = opt.workdir ? g_strdup(opt.workdir) :
				g_dir_make_tmp("vfsd-bench-XXXXXX", &error);
	if (!workdir) {
		fprintf(stderr, "vfsd-bench: %s\n", error->message);
		return 1;
	}
	shared = g_build_filename(workdir, "shared", NULL);
	r = prepare_shared(shared);
	if (r < 0) {
		fprintf(stderr, "vfsd-bench: preparing %s: %s\n", shared,
			g_strerror(-r));
		return 1;
	}

	base.seconds = opt.requests ? 1e9 : opt.seconds;
	base.max_requests = (uint64_t)opt.requests;
	base.page_descs = !opt.flat;
	base.readdir_size = (uint32_t)opt.readdir_size;
	if (opt.requests)
		snprintf(per, sizeof(per), "%" G_GINT64_FORMAT " requests", opt.requests);
	else
		snprintf(per, sizeof(per), "%.1f s", opt.seconds);
	printf("# vfsd-bench: %s per workload; readdirplus of %d entries with %d-byte buffers; %d MiB data file\n",
	       per, opt.entries, opt.readdir_size, opt.file_mib);
	printf("# thread pool: %s (\"dflt\" passes no --thread-pool-size: each daemon's own default; QEMU 7.2's C virtiofsd says 0 in --help, 64 in its man page)\n",
	       opt.pools ? opt.pools : "default");
	printf("# cpu = user+system time of the daemon's process tree (clock ticks) per request/unit; bench/req = this program's CPU\n");
	printf("# units: pair = CREATE+RELEASE+UNLINK (3 requests); listing = one full READDIRPLUS pass over the directory\n");
	fflush(stdout);

	nins = pools->len * nd;
	ins = g_new0(Instance, nins);
	for (guint p = 0; p < pools->len; p++)
		for (unsigned d = 0; d < nd; d++) {
			Instance *in = &ins[p * nd + d];

			in->spec = &ds[d];
			in->di = d;
			in->pool = g_array_index(pools, int, p);
			instance_start(in, shared, workdir, maxdepth, &base);
		}
	print_header();
	for (guint q = 0; q < depths->len; q++)
		for (guint w = 0; w < wls->len; w++)
			failed += run_round(ins, nins,
					    (unsigned)g_array_index(depths, int, q),
					    (BenchWorkloadId)g_array_index(wls, int, w),
					    &base, (unsigned)opt.repeat, rows);
	for (unsigned i = 0; i < nins; i++)
		failed += instance_stop(&ins[i]);
	g_free(ins);
	if (nd > 1)
		print_comparison(ds, nd, rows, pools, depths, wls);

	if (!opt.keep && !opt.workdir)
		vu_rm_rf(workdir);
	else
		printf("# work directory kept: %s\n", workdir);
	if (failed)
		printf("\nvfsd-bench: %u row(s) FAILED\n", failed);
	return failed ? 1 : 0;
}
