/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * inode-table.c - slot tables for inodes and handles, and the (dev, ino,
 * mount id) index.  One mutex guards both tables; it is held only for table
 * bookkeeping, never across a syscall other than close().
 */
#include <errno.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs/inode-table.h"
#include "shared/log.h"

#define SLOT_BITS 32
#define SLOT_MASK 0xffffffffull
/* The root is slot 1 with generation 0, so its id is FUSE_ROOT_ID (1). */
#define ROOT_SLOT 1

struct PtTable {
	pthread_mutex_t lock;
	GHashTable *index;	/* PtInodeKey* -> PtInode* */
	PtInode **inodes;	/* by slot; NULL = free */
	uint32_t *inode_gens;	/* generation of the next use of each slot */
	uint32_t n_inodes;	/* slots allocated */
	GArray *free_inodes;	/* uint32_t slots */
	unsigned live_inodes;
	PtHandle **handles;
	uint32_t *handle_gens;
	uint32_t n_handles;
	GArray *free_handles;
	unsigned live_handles;
};

static guint key_hash(gconstpointer p)
{
	const PtInodeKey *k = p;
	uint64_t h = k->ino * 0x9e3779b97f4a7c15ull ^ k->dev ^ (k->mnt_id << 17);
	return (guint)(h ^ (h >> 32));
}

static gboolean key_equal(gconstpointer a, gconstpointer b)
{
	return memcmp(a, b, sizeof(PtInodeKey)) == 0;
}

static bool grow(void **arr, uint32_t **gens, uint32_t *n)
{
	uint32_t nn = *n ? *n * 2 : 64;
	void *a = realloc(*arr, nn * sizeof(void *));
	uint32_t *g;

	if (!a)
		return false;
	*arr = a;
	g = realloc(*gens, nn * sizeof(uint32_t));
	if (!g)
		return false;
	*gens = g;
	memset((void **)a + *n, 0, (nn - *n) * sizeof(void *));
	for (uint32_t i = *n; i < nn; i++)
		g[i] = 1;
	*n = nn;
	return true;
}

PtTable *pt_table_new(int root_fd, const PtInodeKey *root_key)
{
	PtTable *t = g_new0(PtTable, 1);
	PtInode *root = g_new0(PtInode, 1);

	pthread_mutex_init(&t->lock, NULL);
	t->index = g_hash_table_new(key_hash, key_equal);
	t->free_inodes = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	t->free_handles = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	if (!grow((void **)&t->inodes, &t->inode_gens, &t->n_inodes) ||
	    !grow((void **)&t->handles, &t->handle_gens, &t->n_handles))
		g_error("out of memory");
	/* Slot 0 is never used, so that id 0 is always invalid. */
	for (uint32_t i = t->n_inodes; i-- > 2;)
		g_array_append_val(t->free_inodes, i);
	for (uint32_t i = t->n_handles; i-- > 1;)
		g_array_append_val(t->free_handles, i);
	root->key = *root_key;
	root->fd = root_fd;
	root->mode = 0040000;
	root->slot = ROOT_SLOT;
	root->gen = 0;
	root->nlookup = 1;
	t->inodes[ROOT_SLOT] = root;
	t->inode_gens[ROOT_SLOT] = 0;
	g_hash_table_insert(t->index, &root->key, root);
	t->live_inodes = 1;
	return t;
}

static void inode_free(PtTable *t, PtInode *ino)
{
	g_hash_table_remove(t->index, &ino->key);
	t->inodes[ino->slot] = NULL;
	t->inode_gens[ino->slot]++;
	if (t->inode_gens[ino->slot] == 0)
		t->inode_gens[ino->slot] = 1;
	g_array_append_val(t->free_inodes, ino->slot);
	t->live_inodes--;
	close(ino->fd);
	g_free(ino);
}

static void handle_free(PtTable *t, PtHandle *h)
{
	t->handles[h->slot] = NULL;
	if (++t->handle_gens[h->slot] == 0)
		t->handle_gens[h->slot] = 1;
	g_array_append_val(t->free_handles, h->slot);
	t->live_handles--;
	if (h->dir)
		closedir(h->dir);
	close(h->fd);
	pthread_mutex_destroy(&h->dir_lock);
	g_free(h);
}

void pt_table_free(PtTable *t)
{
	if (!t)
		return;
	for (uint32_t i = 0; i < t->n_handles; i++)
		if (t->handles[i])
			handle_free(t, t->handles[i]);
	for (uint32_t i = 0; i < t->n_inodes; i++)
		if (t->inodes[i])
			inode_free(t, t->inodes[i]);
	g_hash_table_destroy(t->index);
	g_array_free(t->free_inodes, TRUE);
	g_array_free(t->free_handles, TRUE);
	free(t->inodes);
	free(t->inode_gens);
	free(t->handles);
	free(t->handle_gens);
	pthread_mutex_destroy(&t->lock);
	g_free(t);
}

uint64_t pt_inode_nodeid(const PtInode *ino)
{
	return ((uint64_t)ino->gen << SLOT_BITS) | ino->slot;
}

PtInode *pt_inode_get(PtTable *t, uint64_t nodeid)
{
	uint64_t slot = nodeid & SLOT_MASK;
	uint32_t gen = nodeid >> SLOT_BITS;
	PtInode *ino = NULL;

	pthread_mutex_lock(&t->lock);
	if (slot < t->n_inodes && t->inodes[slot] && t->inodes[slot]->gen == gen &&
	    t->inodes[slot]->nlookup > 0) {
		ino = t->inodes[slot];
		ino->refs++;
	}
	pthread_mutex_unlock(&t->lock);
	return ino;
}

void pt_inode_put(PtTable *t, PtInode *ino)
{
	if (!ino)
		return;
	pthread_mutex_lock(&t->lock);
	if (--ino->refs == 0 && ino->nlookup == 0)
		inode_free(t, ino);
	pthread_mutex_unlock(&t->lock);
}

int64_t pt_inode_insert(PtTable *t, int fd, const PtInodeKey *key, uint32_t mode)
{
	PtInode *ino;
	uint32_t slot;
	int64_t id;

	pthread_mutex_lock(&t->lock);
	ino = g_hash_table_lookup(t->index, key);
	if (ino) {
		ino->nlookup++;
		id = pt_inode_nodeid(ino);
		pthread_mutex_unlock(&t->lock);
		close(fd);
		return id;
	}
	if (t->free_inodes->len == 0) {
		uint32_t old = t->n_inodes;
		if (old >= (1u << 30) ||
		    !grow((void **)&t->inodes, &t->inode_gens, &t->n_inodes)) {
			pthread_mutex_unlock(&t->lock);
			close(fd);
			return -ENOMEM;
		}
		for (uint32_t i = t->n_inodes; i-- > old;)
			g_array_append_val(t->free_inodes, i);
	}
	slot = g_array_index(t->free_inodes, uint32_t, t->free_inodes->len - 1);
	g_array_set_size(t->free_inodes, t->free_inodes->len - 1);
	ino = g_new0(PtInode, 1);
	ino->key = *key;
	ino->fd = fd;
	ino->mode = mode & 0170000;
	ino->slot = slot;
	ino->gen = t->inode_gens[slot];
	ino->nlookup = 1;
	t->inodes[slot] = ino;
	g_hash_table_insert(t->index, &ino->key, ino);
	t->live_inodes++;
	id = pt_inode_nodeid(ino);
	pthread_mutex_unlock(&t->lock);
	return id;
}

void pt_inode_forget(PtTable *t, uint64_t nodeid, uint64_t n)
{
	uint64_t slot = nodeid & SLOT_MASK;
	uint32_t gen = nodeid >> SLOT_BITS;
	PtInode *ino;

	if (slot == ROOT_SLOT)
		return; /* the root lives as long as the backend */
	pthread_mutex_lock(&t->lock);
	if (slot < t->n_inodes && (ino = t->inodes[slot]) && ino->gen == gen &&
	    ino->nlookup > 0) {
		if (n > ino->nlookup) {
			vlog_warn_ratelimited("FORGET of %" G_GUINT64_FORMAT
					      " lookups, only %" G_GUINT64_FORMAT " held, clamping",
					      n, ino->nlookup);
			n = ino->nlookup;
		}
		ino->nlookup -= n;
		if (ino->nlookup == 0 && ino->refs == 0)
			inode_free(t, ino);
	}
	pthread_mutex_unlock(&t->lock);
}

void pt_table_reset(PtTable *t)
{
	pthread_mutex_lock(&t->lock);
	for (uint32_t i = 0; i < t->n_handles; i++) {
		PtHandle *h = t->handles[i];
		if (!h || h->closing)
			continue;
		h->closing = true;
		if (h->refs == 0)
			handle_free(t, h);
	}
	for (uint32_t i = 0; i < t->n_inodes; i++) {
		PtInode *ino = t->inodes[i];
		if (!ino || i == ROOT_SLOT)
			continue;
		ino->nlookup = 0;
		if (ino->refs == 0)
			inode_free(t, ino);
	}
	pthread_mutex_unlock(&t->lock);
}

int64_t pt_handle_add(PtTable *t, int fd, DIR *dir, uint64_t nodeid)
{
	PtHandle *h;
	uint32_t slot;
	int64_t id;

	pthread_mutex_lock(&t->lock);
	if (t->free_handles->len == 0) {
		uint32_t old = t->n_handles;
		if (old >= (1u << 30) ||
		    !grow((void **)&t->handles, &t->handle_gens, &t->n_handles)) {
			pthread_mutex_unlock(&t->lock);
			if (dir)
				closedir(dir);
			close(fd);
			return -ENOMEM;
		}
		for (uint32_t i = t->n_handles; i-- > old;)
			g_array_append_val(t->free_handles, i);
	}
	slot = g_array_index(t->free_handles, uint32_t, t->free_handles->len - 1);
	g_array_set_size(t->free_handles, t->free_handles->len - 1);
	h = g_new0(PtHandle, 1);
	h->fd = fd;
	h->dir = dir;
	h->nodeid = nodeid;
	h->slot = slot;
	h->gen = t->handle_gens[slot];
	pthread_mutex_init(&h->dir_lock, NULL);
	t->handles[slot] = h;
	t->live_handles++;
	id = ((int64_t)h->gen << SLOT_BITS) | slot;
	pthread_mutex_unlock(&t->lock);
	return id;
}

static PtHandle *handle_find(PtTable *t, uint64_t fh, uint64_t nodeid)
{
	uint64_t slot = fh & SLOT_MASK;
	uint32_t gen = fh >> SLOT_BITS;
	PtHandle *h;

	if (slot >= t->n_handles || !(h = t->handles[slot]) || h->gen != gen ||
	    h->closing || h->nodeid != nodeid)
		return NULL;
	return h;
}

PtHandle *pt_handle_get(PtTable *t, uint64_t fh, uint64_t nodeid)
{
	PtHandle *h;

	pthread_mutex_lock(&t->lock);
	h = handle_find(t, fh, nodeid);
	if (h)
		h->refs++;
	pthread_mutex_unlock(&t->lock);
	return h;
}

void pt_handle_put(PtTable *t, PtHandle *h)
{
	if (!h)
		return;
	pthread_mutex_lock(&t->lock);
	if (--h->refs == 0 && h->closing)
		handle_free(t, h);
	pthread_mutex_unlock(&t->lock);
}

int pt_handle_release(PtTable *t, uint64_t fh, uint64_t nodeid)
{
	PtHandle *h;

	pthread_mutex_lock(&t->lock);
	h = handle_find(t, fh, nodeid);
	if (!h) {
		pthread_mutex_unlock(&t->lock);
		return -EBADF;
	}
	h->closing = true;
	if (h->refs == 0)
		handle_free(t, h);
	pthread_mutex_unlock(&t->lock);
	return 0;
}

unsigned pt_table_inode_count(PtTable *t)
{
	unsigned n;

	pthread_mutex_lock(&t->lock);
	n = t->live_inodes;
	pthread_mutex_unlock(&t->lock);
	return n;
}

unsigned pt_table_handle_count(PtTable *t)
{
	unsigned n;

	pthread_mutex_lock(&t->lock);
	n = t->live_handles;
	pthread_mutex_unlock(&t->lock);
	return n;
}
