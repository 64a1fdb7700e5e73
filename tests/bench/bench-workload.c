/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench-workload.c - the request loop and the workloads.
 *
 * Theory of operation: each of the cfg->depth slots owns request and reply
 * buffers in guest RAM and cycles through submit -> completion -> check ->
 * next request, so exactly depth requests are in flight until the time (or
 * request count) is up; then the loop drains.  A chain is laid out the way
 * the Linux virtiofs driver lays it out: in-header, all arguments in one
 * descriptor, data pages; reply: out-header, body (or data pages).  With
 * page_descs every data page is its own descriptor and chains go through
 * indirect tables, as the driver does.
 *
 * Nodes gained from LOOKUP and CREATE are given back with BATCH_FORGET on
 * the hiprio queue (one batch in flight at a time), so the daemons' inode
 * tables stay bounded; READDIRPLUS lookups of the listed entries are not
 * forgotten: they pile onto the same list_entries inodes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>

#include <glib.h>

#include "bench-workload.h"
#include "bench-proc.h"

#define PAGE 4096u
#define MAX_DATA 131072u
#define MAX_SEGS (2 + MAX_DATA / PAGE)
#define FORGET_BATCH_MAX 256u
#define LOOKUP_FORGET_EVERY 1024u

static const struct {
	const char *name;
	const char *unit;
} workloads[] = {
	[BENCH_GETATTR] = { "getattr", "req" },
	[BENCH_LOOKUP] = { "lookup", "req" },
	[BENCH_READ_4K] = { "read-4k", "req" },
	[BENCH_WRITE_4K] = { "write-4k", "req" },
	[BENCH_READ_128K] = { "read-128k", "req" },
	[BENCH_CREATE_UNLINK] = { "create-unlink", "pair" },
	[BENCH_READDIRPLUS] = { "readdirplus", "listing" },
};
G_STATIC_ASSERT(G_N_ELEMENTS(workloads) == BENCH_WORKLOAD_MAX);

const char *bench_workload_name(BenchWorkloadId w)
{
	return w < BENCH_WORKLOAD_MAX ? workloads[w].name : "?";
}

const char *bench_workload_unit(BenchWorkloadId w)
{
	return w < BENCH_WORKLOAD_MAX ? workloads[w].unit : "?";
}

int bench_workload_parse(const char *name)
{
	for (unsigned i = 0; i < BENCH_WORKLOAD_MAX; i++)
		if (g_ascii_strcasecmp(name, workloads[i].name) == 0)
			return (int)i;
	return -EINVAL;
}

typedef struct {
	unsigned idx;
	uint8_t *req;			/* in-header + args (one page) */
	struct fuse_out_header *oh;	/* reply header */
	uint8_t *body;			/* reply body / READ data */
	uint8_t *wdata;			/* WRITE data */
	uint64_t unique;
	uint32_t opcode;
	uint32_t body_room;		/* reply bytes offered */
	struct iovec out[MAX_SEGS], in[MAX_SEGS];
	unsigned nout, nin;
	/* per-workload state */
	int step;
	uint64_t node, fh, off;
	unsigned listed;
	uint64_t list_reqs;
} Slot;

typedef struct {
	BenchTarget *t;
	const BenchRunConfig *cfg;
	BenchWorkloadId w;
	VuFront *vu;
	Slot *slots;
	uint64_t seq;			/* READ/WRITE position counter */
	/* LOOKUP: completed lookups of lookup_node not yet forgotten */
	uint64_t lookup_node, lookup_count;
	/* CREATE+UNLINK: a fresh directory for each run (a directory that
	 * held many entries stays slower), named cu_name in create_dir */
	uint64_t cu_dir;
	char cu_name[32];
	/* READDIRPLUS: completed listings and the requests they took */
	uint64_t listings, listing_reqs;
	/* forgets */
	GArray *pending;		/* struct fuse_forget_one */
	uint8_t *fbuf;			/* BATCH_FORGET request buffer */
	bool forget_busy;
	uint64_t forgets;
} Run;

static const char *opname(uint32_t opcode)
{
	switch (opcode) {
	case FUSE_LOOKUP: return "LOOKUP";
	case FUSE_GETATTR: return "GETATTR";
	case FUSE_READ: return "READ";
	case FUSE_WRITE: return "WRITE";
	case FUSE_CREATE: return "CREATE";
	case FUSE_RELEASE: return "RELEASE";
	case FUSE_UNLINK: return "UNLINK";
	case FUSE_READDIRPLUS: return "READDIRPLUS";
	default: return "?";
	}
}

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Split [p, p+len) into page-sized segments (or one) appended to @v. */
static void add_data(Run *r, struct iovec *v, unsigned *n, uint8_t *p, size_t len)
{
	if (!r->cfg->page_descs) {
		v[(*n)++] = (struct iovec){ p, len };
		return;
	}
	for (size_t o = 0; o < len; o += PAGE)
		v[(*n)++] = (struct iovec){ p + o, MIN(PAGE, len - o) };
}

/*
 * Build a request in @s: header, @arg and NUL-terminated @name in one
 * descriptor, @wlen bytes of s->wdata after it; @reply bytes of reply body.
 */
static void build(Run *r, Slot *s, uint32_t opcode, uint64_t nodeid,
		  const void *arg, size_t arglen, const char *name,
		  uint32_t wlen, uint32_t reply)
{
	struct fuse_in_header *h = (struct fuse_in_header *)s->req;
	size_t namelen = name ? strlen(name) + 1 : 0;
	uint8_t *a = s->req + sizeof(*h);

	g_assert(sizeof(*h) + arglen + namelen <= PAGE);
	memset(h, 0, sizeof(*h));
	h->len = (uint32_t)(sizeof(*h) + arglen + namelen + wlen);
	h->opcode = opcode;
	h->unique = ++r->t->fc->unique;
	h->nodeid = nodeid;
	if (arglen)
		memcpy(a, arg, arglen);
	if (namelen)
		memcpy(a + arglen, name, namelen);
	s->unique = h->unique;
	s->opcode = opcode;
	s->nout = 0;
	s->out[s->nout++] = (struct iovec){ h, sizeof(*h) };
	if (arglen + namelen)
		s->out[s->nout++] = (struct iovec){ a, arglen + namelen };
	if (wlen)
		add_data(r, s->out, &s->nout, s->wdata, wlen);
	memset(s->oh, 0, sizeof(*s->oh));
	s->nin = 0;
	s->in[s->nin++] = (struct iovec){ s->oh, sizeof(*s->oh) };
	s->body_room = reply;
	if (reply) {
		if (opcode == FUSE_READ)
			add_data(r, s->in, &s->nin, s->body, reply);
		else
			s->in[s->nin++] = (struct iovec){ s->body, reply };
	}
}

/* ---- the workloads: prepare the slot's next request ---- */

static void prepare(Run *r, Slot *s)
{
	BenchTarget *t = r->t;
	char name[32];

	switch (r->w) {
	case BENCH_GETATTR: {
		struct fuse_getattr_in in = { 0 };

		build(r, s, FUSE_GETATTR, FUSE_ROOT_ID, &in, sizeof(in), NULL,
		      0, sizeof(struct fuse_attr_out));
		break;
	}
	case BENCH_LOOKUP:
		build(r, s, FUSE_LOOKUP, t->lookup_parent, NULL, 0,
		      t->lookup_name, 0, sizeof(struct fuse_entry_out));
		break;
	case BENCH_READ_4K:
	case BENCH_READ_128K: {
		uint32_t size = r->w == BENCH_READ_4K ? 4096 : MAX_DATA;
		struct fuse_read_in in = {
			.fh = t->file_fh,
			.offset = (r->seq++ * size) % t->file_size,
			.size = size,
		};

		build(r, s, FUSE_READ, t->file_node, &in, sizeof(in), NULL, 0,
		      size);
		break;
	}
	case BENCH_WRITE_4K: {
		struct fuse_write_in in = {
			.fh = t->file_fh,
			.offset = (r->seq++ * 4096) % t->file_size,
			.size = 4096,
		};

		build(r, s, FUSE_WRITE, t->file_node, &in, sizeof(in), NULL,
		      4096, sizeof(struct fuse_write_out));
		break;
	}
	case BENCH_CREATE_UNLINK:
		snprintf(name, sizeof(name), "c%u", s->idx);
		if (s->step == 0) {
			struct fuse_create_in in = {
				.flags = O_CREAT | O_EXCL | O_RDWR,
				.mode = S_IFREG | 0644,
				.umask = 022,
			};

			build(r, s, FUSE_CREATE, r->cu_dir, &in, sizeof(in),
			      name, 0, sizeof(struct fuse_entry_out) +
					       sizeof(struct fuse_open_out));
		} else if (s->step == 1) {
			struct fuse_release_in in = {
				.fh = s->fh,
				.flags = O_RDWR,
			};

			build(r, s, FUSE_RELEASE, s->node, &in, sizeof(in),
			      NULL, 0, 0);
		} else {
			build(r, s, FUSE_UNLINK, r->cu_dir, NULL, 0, name, 0, 0);
		}
		break;
	case BENCH_READDIRPLUS: {
		struct fuse_read_in in = {
			.fh = s->fh,
			.offset = s->off,
			.size = r->cfg->readdir_size,
		};

		build(r, s, FUSE_READDIRPLUS, t->list_dir, &in, sizeof(in),
		      NULL, 0, r->cfg->readdir_size);
		break;
	}
	default:
		g_assert_not_reached();
	}
}

static void forget_add(Run *r, uint64_t node, uint64_t n)
{
	struct fuse_forget_one f = { .nodeid = node, .nlookup = n };

	g_array_append_val(r->pending, f);
}

/* Send pending forgets if no batch is in flight (or @wait for it). */
static int forget_flush(Run *r, bool wait)
{
	struct fuse_in_header *h = (struct fuse_in_header *)r->fbuf;
	struct fuse_batch_forget_in *bi = (void *)(h + 1);
	struct iovec out[2];
	VuCompletion c;
	unsigned n;
	int k;

	while (r->forget_busy) {
		k = wait ? vu_front_wait(r->vu, FUSE_HIPRIO_QUEUE, &c) :
			   vu_front_poll(r->vu, FUSE_HIPRIO_QUEUE, &c);
		if (k < 0)
			return k;
		if (!wait && k == 0)
			return 0;
		r->forget_busy = false;
	}
	if (!r->pending->len)
		return 0;
	n = MIN(r->pending->len, FORGET_BATCH_MAX);
	memset(h, 0, sizeof(*h));
	h->opcode = FUSE_BATCH_FORGET;
	h->unique = ++r->t->fc->unique;
	h->len = (uint32_t)(sizeof(*h) + sizeof(*bi) +
			    n * sizeof(struct fuse_forget_one));
	bi->count = n;
	bi->dummy = 0;
	memcpy(bi + 1, r->pending->data, n * sizeof(struct fuse_forget_one));
	g_array_remove_range(r->pending, 0, n);
	out[0] = (struct iovec){ h, sizeof(*h) };
	out[1] = (struct iovec){ bi, h->len - sizeof(*h) };
	k = vu_front_submit(r->vu, FUSE_HIPRIO_QUEUE, out, 2, NULL, 0, false, r);
	if (k < 0)
		return k;
	r->forget_busy = true;
	r->forgets += n;
	return 0;
}

/*
 * Check a listing's chunk: every record well formed, count the entries of
 * ours ("f" + digits); remember where to go on.
 * Return: 1 when the listing ended, 0 to go on, -EBADMSG on a bad record.
 */
static int listed(Run *r, Slot *s, const uint8_t *buf, size_t len)
{
	const struct fuse_entry_out *e;
	const struct fuse_dirent *d;
	size_t pos = 0;

	if (len == 0)
		return 1;
	while ((d = fuse_dirent_next(buf, len, &pos, true, &e))) {
		if (d->namelen >= 2 && d->name[0] == 'f' &&
		    g_ascii_isdigit(d->name[1])) {
			if (!e->nodeid)
				return -EBADMSG;
			s->listed++;
		}
		s->off = d->off;
	}
	return pos == len ? 0 : -EBADMSG;
}

/*
 * A reply arrived for @s with @body_len body bytes.
 * Return: 0, or -errno with r's result message set by the caller.
 */
static int complete(Run *r, Slot *s, size_t body_len, char *msg, size_t msglen)
{
	BenchTarget *t = r->t;
	int k;

	switch (r->w) {
	case BENCH_GETATTR:
		if (body_len != sizeof(struct fuse_attr_out))
			goto bad_len;
		return 0;
	case BENCH_LOOKUP: {
		const struct fuse_entry_out *e = (const void *)s->body;

		if (body_len != sizeof(*e))
			goto bad_len;
		if (!e->nodeid) {
			snprintf(msg, msglen, "LOOKUP returned nodeid 0");
			return -EBADMSG;
		}
		if (e->nodeid != r->lookup_node) {
			if (r->lookup_count)
				forget_add(r, r->lookup_node, r->lookup_count);
			r->lookup_node = e->nodeid;
			r->lookup_count = 0;
		}
		if (++r->lookup_count >= LOOKUP_FORGET_EVERY) {
			forget_add(r, r->lookup_node, r->lookup_count);
			r->lookup_count = 0;
		}
		return 0;
	}
	case BENCH_READ_4K:
	case BENCH_READ_128K:
		if (body_len != s->body_room)
			goto bad_len;
		return 0;
	case BENCH_WRITE_4K: {
		const struct fuse_write_out *o = (const void *)s->body;

		if (body_len != sizeof(*o))
			goto bad_len;
		if (o->size != 4096) {
			snprintf(msg, msglen, "WRITE wrote %u of 4096 bytes",
				 o->size);
			return -EIO;
		}
		return 0;
	}
	case BENCH_CREATE_UNLINK:
		if (s->step == 0) {
			const struct fuse_entry_out *e = (const void *)s->body;
			const struct fuse_open_out *o = (const void *)(e + 1);

			if (body_len != sizeof(*e) + sizeof(*o))
				goto bad_len;
			if (!e->nodeid) {
				snprintf(msg, msglen, "CREATE returned nodeid 0");
				return -EBADMSG;
			}
			s->node = e->nodeid;
			s->fh = o->fh;
			s->step = 1;
		} else if (s->step == 1) {
			if (body_len)
				goto bad_len;
			s->step = 2;
		} else {
			if (body_len)
				goto bad_len;
			forget_add(r, s->node, 1);
			s->step = 0;
		}
		return 0;
	case BENCH_READDIRPLUS:
		s->list_reqs++;
		k = listed(r, s, s->body, body_len);
		if (k < 0) {
			snprintf(msg, msglen, "READDIRPLUS: malformed entries");
			return k;
		}
		if (k == 1) {
			if (s->listed != t->list_entries) {
				snprintf(msg, msglen,
					 "READDIRPLUS listing saw %u of %u entries",
					 s->listed, t->list_entries);
				return -EIO;
			}
			r->listings++;
			r->listing_reqs += s->list_reqs;
			s->list_reqs = 0;
			s->listed = 0;
			s->off = 0;
		}
		return 0;
	default:
		g_assert_not_reached();
	}
bad_len:
	snprintf(msg, msglen, "%s: reply body of %zu bytes, expected %s%u",
		 opname(s->opcode), body_len, r->w == BENCH_READDIRPLUS ? "<= " : "",
		 s->body_room);
	return -EBADMSG;
}

/* Per-run set-up and tear-down done with plain synchronous calls. */
static int slots_setup(Run *r)
{
	if (r->w == BENCH_CREATE_UNLINK) {
		struct fuse_entry_out e;
		int k;

		snprintf(r->cu_name, sizeof(r->cu_name), "run%llu",
			 (unsigned long long)r->t->fc->unique);
		k = fuse_mkdir(r->t->fc, r->t->create_dir, r->cu_name, 0755, 0, &e);
		if (k < 0)
			return k;
		r->cu_dir = e.nodeid;
	}
	for (unsigned i = 0; i < r->cfg->depth; i++) {
		Slot *s = &r->slots[i];

		if (r->w == BENCH_READDIRPLUS) {
			struct fuse_open_out o;
			int k = fuse_opendir(r->t->fc, r->t->list_dir, &o);

			if (k < 0)
				return k;
			s->fh = o.fh;
		}
	}
	return 0;
}

static void slots_teardown(Run *r)
{
	for (unsigned i = 0; i < r->cfg->depth; i++) {
		Slot *s = &r->slots[i];
		char name[32];

		if (r->w == BENCH_READDIRPLUS) {
			fuse_releasedir(r->t->fc, r->t->list_dir, s->fh);
		} else if (r->w == BENCH_CREATE_UNLINK && s->step) {
			snprintf(name, sizeof(name), "c%u", i);
			if (s->step == 1)
				fuse_release(r->t->fc, s->node, s->fh, O_RDWR);
			fuse_unlink(r->t->fc, r->cu_dir, name);
			forget_add(r, s->node, 1);
		}
	}
	if (r->cu_dir) {
		fuse_rmdir(r->t->fc, r->t->create_dir, r->cu_name);
		forget_add(r, r->cu_dir, 1);
	}
}

static void run_free(Run *r)
{
	if (r->slots) {
		for (unsigned i = 0; i < r->cfg->depth; i++) {
			vu_front_release(r->vu, r->slots[i].req);
			vu_front_release(r->vu, r->slots[i].oh);
			vu_front_release(r->vu, r->slots[i].body);
			vu_front_release(r->vu, r->slots[i].wdata);
		}
		g_free(r->slots);
	}
	vu_front_release(r->vu, r->fbuf);
	if (r->pending)
		g_array_free(r->pending, TRUE);
}

static int run_alloc(Run *r)
{
	uint32_t body = PAGE;

	if (r->w == BENCH_READ_128K)
		body = MAX_DATA;
	else if (r->w == BENCH_READDIRPLUS)
		body = r->cfg->readdir_size;
	r->pending = g_array_new(FALSE, FALSE, sizeof(struct fuse_forget_one));
	r->fbuf = vu_front_alloc(r->vu, sizeof(struct fuse_in_header) +
				 sizeof(struct fuse_batch_forget_in) +
				 FORGET_BATCH_MAX * sizeof(struct fuse_forget_one));
	r->slots = g_new0(Slot, r->cfg->depth);
	if (!r->fbuf)
		return -ENOMEM;
	for (unsigned i = 0; i < r->cfg->depth; i++) {
		Slot *s = &r->slots[i];

		s->idx = i;
		s->req = vu_front_alloc(r->vu, PAGE);
		s->oh = vu_front_alloc(r->vu, sizeof(*s->oh));
		s->body = vu_front_alloc(r->vu, body);
		if (r->w == BENCH_WRITE_4K) {
			s->wdata = vu_front_alloc(r->vu, PAGE);
			if (s->wdata)
				memset(s->wdata, 'w' + (int)i, PAGE);
		}
		if (!s->req || !s->oh || !s->body ||
		    (r->w == BENCH_WRITE_4K && !s->wdata))
			return -ENOMEM;
	}
	return 0;
}

/* Check a reply's header; Return: body length, or -errno (message set). */
static int reply_check(Slot *s, uint32_t used, char *msg, size_t msglen)
{
	const struct fuse_out_header *oh = s->oh;

	if (used < sizeof(*oh) || oh->len < sizeof(*oh) || oh->len > used ||
	    oh->len > sizeof(*oh) + s->body_room || oh->unique != s->unique ||
	    oh->error > 0 || oh->error < -4095) {
		snprintf(msg, msglen,
			 "%s: malformed reply (used %u, len %u, unique %llu of %llu, error %d)",
			 opname(s->opcode), used, oh->len, (unsigned long long)oh->unique,
			 (unsigned long long)s->unique, oh->error);
		return -EBADMSG;
	}
	if (oh->error) {
		snprintf(msg, msglen, "%s failed: %s", opname(s->opcode),
			 g_strerror(-oh->error));
		return oh->error;
	}
	return (int)(oh->len - sizeof(*oh));
}

int bench_workload_run(BenchTarget *t, BenchWorkloadId w,
		       const BenchRunConfig *cfg, pid_t daemon,
		       BenchResult *ret)
{
	Run r = { .t = t, .cfg = cfg, .w = w, .vu = t->fc->vu };
	uint64_t t0, t1, c0, c1, cpu0, cpu1, deadline, submitted = 0;
	bool indirect = cfg->page_descs;
	unsigned inflight = 0;
	int k;

	memset(ret, 0, sizeof(*ret));
	if (w >= BENCH_WORKLOAD_MAX || !cfg->depth)
		return -EINVAL;
	k = run_alloc(&r);
	if (k < 0)
		goto out;
	k = slots_setup(&r);
	if (k < 0) {
		snprintf(ret->msg, sizeof(ret->msg), "set-up failed: %s",
			 g_strerror(-k));
		ret->error = k;
		k = t->fc->transport_error ? t->fc->transport_error : 0;
		goto out;
	}

	k = bench_cpu_tree(daemon, &cpu0, NULL);
	if (k < 0)
		goto out;
	c0 = now_ns(CLOCK_PROCESS_CPUTIME_ID);
	t0 = now_ns(CLOCK_MONOTONIC);
	deadline = t0 + (uint64_t)(cfg->seconds * 1e9);

	for (unsigned i = 0; i < cfg->depth; i++) {
		prepare(&r, &r.slots[i]);
		k = vu_front_submit(r.vu, t->fc->queue, r.slots[i].out,
				    r.slots[i].nout, r.slots[i].in,
				    r.slots[i].nin, indirect, &r.slots[i]);
		if (k < 0)
			goto out;
		inflight++;
		submitted++;
	}
	while (inflight) {
		VuCompletion c;
		Slot *s;
		int len;

		k = vu_front_wait(r.vu, t->fc->queue, &c);
		if (k < 0)
			goto out;
		inflight--;
		s = c.token;
		ret->requests++;
		len = reply_check(s, c.len, ret->msg, sizeof(ret->msg));
		if (len >= 0)
			len = complete(&r, s, (size_t)len, ret->msg,
				       sizeof(ret->msg));
		if (len < 0 && !ret->error)
			ret->error = len;
		if (ret->error)
			continue; /* drain */
		/* a READDIRPLUS run goes on until a listing finished */
		if (((cfg->max_requests && submitted >= cfg->max_requests) ||
		     now_ns(CLOCK_MONOTONIC) >= deadline) &&
		    (w != BENCH_READDIRPLUS || r.listings))
			continue;
		prepare(&r, s);
		k = vu_front_submit(r.vu, t->fc->queue, s->out, s->nout, s->in,
				    s->nin, indirect, s);
		if (k < 0)
			goto out;
		inflight++;
		submitted++;
		if (r.pending->len >= 64) {
			k = forget_flush(&r, r.pending->len >= FORGET_BATCH_MAX * 4);
			if (k < 0)
				goto out;
		}
	}
	t1 = now_ns(CLOCK_MONOTONIC);
	c1 = now_ns(CLOCK_PROCESS_CPUTIME_ID);
	k = bench_cpu_tree(daemon, &cpu1, NULL);
	if (k < 0)
		goto out;

	ret->seconds = (double)(t1 - t0) / 1e9;
	ret->cpu_ns = cpu1 - cpu0;
	ret->client_cpu_ns = c1 - c0;
	switch (w) {
	case BENCH_CREATE_UNLINK:
		ret->ops = (double)ret->requests / 3.0;
		break;
	case BENCH_READDIRPLUS:
		/* unfinished listings are cut off at the end: count the work
		 * done in listings of the measured request count */
		ret->ops = r.listings ? (double)ret->requests *
						(double)r.listings /
						(double)r.listing_reqs :
					0;
		if (!r.listings && !ret->error) {
			snprintf(ret->msg, sizeof(ret->msg),
				 "no listing finished (run longer)");
			ret->error = -EAGAIN;
		}
		break;
	default:
		ret->ops = (double)ret->requests;
	}

	slots_teardown(&r);
	if (r.lookup_count)
		forget_add(&r, r.lookup_node, r.lookup_count);
	while (r.pending->len || r.forget_busy) {
		k = forget_flush(&r, true);
		if (k < 0)
			goto out;
	}
	ret->forgets = r.forgets;
	k = t->fc->transport_error;
out:
	run_free(&r);
	return k;
}
