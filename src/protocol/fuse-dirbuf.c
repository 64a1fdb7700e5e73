// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuse-dirbuf.c - the directory listing sink the backend fills during
 * READDIR/READDIRPLUS: packs fuse_dirent / fuse_direntplus records, 8-byte
 * aligned, into the reply buffers.  Knows the wire format, not the backend.
 */
#include <limits.h>
#include <string.h>

#include "protocol/fuse-server-int.h"
#include "shared/log.h"

/**
 * fuse_dirbuf_init() - prepare a listing of at most @size bytes.
 * @buf: the buffer
 * @reply: cursor placed where the first entry goes; copied
 * @size: the guest's requested size; capped to the room in @reply
 * @plus: READDIRPLUS
 */
void fuse_dirbuf_init(FsDirBuf *buf, const FuseIov *reply, size_t size,
		      bool plus)
{
	buf->cur = *reply;
	buf->size = size < fuse_iov_remaining(reply) ? size
						     : fuse_iov_remaining(reply);
	buf->used = 0;
	buf->plus = plus;
}

/**
 * fs_dirbuf_add() - append one directory entry; see fs-ops.h.
 * @buf: the listing
 * @name: entry name, @namelen bytes, need not be terminated
 * @namelen: name length, 1..NAME_MAX
 * @ino: inode number
 * @type: DT_* type
 * @next_off: offset of the following entry
 * @entry: READDIRPLUS lookup result (NULL writes a zeroed one)
 *
 * A name the guest could not use (empty or over NAME_MAX; no Linux
 * filesystem produces one) is skipped and reported as added, so the
 * listing goes on.
 * Return: true if the entry was added (or skipped), false if it did not fit.
 */
bool fs_dirbuf_add(FsDirBuf *buf, const char *name, size_t namelen,
		   uint64_t ino, uint32_t type, uint64_t next_off,
		   const struct fuse_entry_out *entry)
{
	struct fuse_dirent d = {
		.ino = ino,
		.off = next_off,
		.namelen = (uint32_t)namelen,
		.type = type,
	};
	size_t head = buf->plus ? FUSE_NAME_OFFSET_DIRENTPLUS : FUSE_NAME_OFFSET;
	size_t reclen;

	if (namelen == 0 || namelen > NAME_MAX) {
		vlog_debug("directory entry with %zu-byte name, skipping",
			   namelen);
		return true;
	}
	reclen = FUSE_DIRENT_ALIGN(head + namelen);
	if (reclen > buf->size - buf->used)
		return false;
	if (buf->plus) {
		struct fuse_entry_out zero = { 0 };

		fuse_iov_write(&buf->cur, entry ? entry : &zero, sizeof(zero));
	}
	fuse_iov_write(&buf->cur, &d, FUSE_NAME_OFFSET);
	fuse_iov_write(&buf->cur, name, namelen);
	fuse_iov_zero(&buf->cur, reclen - head - namelen);
	buf->used += reclen;
	return true;
}

/**
 * fs_dirbuf_is_plus() - does the backend have to supply entries?
 * @buf: the listing
 * Return: true for READDIRPLUS.
 */
bool fs_dirbuf_is_plus(const FsDirBuf *buf)
{
	return buf->plus;
}
