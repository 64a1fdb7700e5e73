/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * inode-table.h - the passthrough backend's inodes and open handles.  Ids
 * handed to the guest (nodeids, fhs) are a slot index plus a generation,
 * checked on every use; never pointers.  Knows nothing of FUSE.
 */
#pragma once

#include <dirent.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct {
	uint64_t dev;
	uint64_t ino;
	uint64_t mnt_id;
} PtInodeKey;

typedef struct PtInode {
	PtInodeKey key;		/* immutable */
	int fd;			/* O_PATH; owned */
	uint32_t mode;		/* file type bits; immutable */
	uint32_t slot;
	uint32_t gen;
	/* protected by the table lock: */
	uint64_t nlookup;	/* guest references (LOOKUP minus FORGET) */
	uint32_t refs;		/* in-flight operations */
} PtInode;

typedef struct PtHandle {
	int fd;			/* owned */
	uint64_t nodeid;	/* the inode it was opened from */
	DIR *dir;		/* directories: stream over a dup of fd */
	pthread_mutex_t dir_lock;
	/* dir_lock: where the stream stands, so that a listing continued
	 * from where the last reply ended needs no seekdir() (which makes
	 * the filesystem re-read the directory), and the entry that did not
	 * fit into the last reply */
	uint64_t dir_off;	/* the guest's offset the stream is at */
	bool dir_off_valid;
	bool pending;
	struct dirent pending_ent;
	uint32_t slot;
	uint32_t gen;
	uint32_t refs;		/* table lock */
	bool closing;		/* table lock: released, free when refs drop */
} PtHandle;

typedef struct PtTable PtTable;

/* @root_fd: O_PATH fd of the shared directory, owned from now on. */
PtTable *pt_table_new(int root_fd, const PtInodeKey *root_key);
void pt_table_free(PtTable *t);

/* Take an in-flight reference.  Return: the inode, or NULL for a bad id. */
PtInode *pt_inode_get(PtTable *t, uint64_t nodeid);
void pt_inode_put(PtTable *t, PtInode *ino);
uint64_t pt_inode_nodeid(const PtInode *ino);

/**
 * pt_inode_insert() - find the inode for @key or add one holding @fd.
 * Takes one lookup reference.  @fd is consumed (closed when the inode
 * already existed).
 * Return: the nodeid, or -ENOMEM/-ENFILE as a negative value.
 */
int64_t pt_inode_insert(PtTable *t, int fd, const PtInodeKey *key,
			uint32_t mode);
/* Drop @n lookup references (clamped to what is held). */
void pt_inode_forget(PtTable *t, uint64_t nodeid, uint64_t n);
/* Forget every inode but the root, and close every handle. */
void pt_table_reset(PtTable *t);

/* Return: the fh, or -ENOMEM.  @fd and @dir are consumed. */
int64_t pt_handle_add(PtTable *t, int fd, DIR *dir, uint64_t nodeid);
/* Return: the handle (referenced) if @fh is valid and belongs to @nodeid. */
PtHandle *pt_handle_get(PtTable *t, uint64_t fh, uint64_t nodeid);
void pt_handle_put(PtTable *t, PtHandle *h);
/* Return: 0 or -EBADF. */
int pt_handle_release(PtTable *t, uint64_t fh, uint64_t nodeid);

/* Counts for tests. */
unsigned pt_table_inode_count(PtTable *t);
unsigned pt_table_handle_count(PtTable *t);
