/*
 * archive.c - archive files of log records (format in archive.h)
 *
 * Written by retain.c on the daemon's write loop: one block per archiving transaction, synced
 * before the transaction that indexes it commits. Read by retain.c (log.fetch from an old cursor,
 * a subject's old records, an old task) and by anyone with `zstd -dc`.
 */
#include "archive.h"
#include "util/crc32c.h"
#include "util/xalloc.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#define PAYLOAD 56

void abuf_free(abuf *b)
{
	free(b->p);
	b->p = NULL;
	b->n = b->cap = 0;
}

static void abuf_reserve(abuf *b, size_t more)
{
	if (b->n + more <= b->cap)
		return;
	while (b->n + more > b->cap)
		b->cap = b->cap ? b->cap * 2 : 64 * 1024;
	b->p = xrealloc(b->p, b->cap);
}

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++, v >>= 8)
		p[i] = (unsigned char)v;
}
static void put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++, v >>= 8)
		p[i] = (unsigned char)v;
}
static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t get64(const unsigned char *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

void archive_path(char *buf, size_t n, const char *dir, const char *log, uint64_t file)
{
	snprintf(buf, n, "%s/%s.%020" PRIu64 ".zst", dir, log, file);
}

/* ---- building ---- */

void archive_builder_reset(archive_builder *b)
{
	b->raw.n = 0;
	b->first_seq = b->last_seq = 0;
	b->count = 0;
	b->min_at = INT64_MAX;
	b->max_at = INT64_MIN;
}

void archive_builder_add(archive_builder *b, uint64_t seq, int64_t at, const void *rec, size_t n)
{
	abuf_reserve(&b->raw, 4 + n);
	put32(b->raw.p + b->raw.n, (uint32_t)n);
	memcpy(b->raw.p + b->raw.n + 4, rec, n);
	b->raw.n += 4 + n;
	if (!b->count)
		b->first_seq = seq;
	b->last_seq = seq;
	b->count++;
	if (at < b->min_at)
		b->min_at = at;
	if (at > b->max_at)
		b->max_at = at;
}

void archive_builder_free(archive_builder *b)
{
	abuf_free(&b->raw);
}

static void header(unsigned char *h, const archive_block *m)
{
	put32(h, ARCHIVE_MAGIC);
	put32(h + 4, PAYLOAD);
	memcpy(h + 8, "JRPA", 4);
	h[12] = ARCHIVE_VERSION;
	h[13] = 0;
	h[14] = h[15] = 0;   /* flags */
	put64(h + 16, m->first_seq);
	put64(h + 24, m->last_seq);
	put32(h + 32, m->count);
	put32(h + 36, m->zlen);
	put64(h + 40, (uint64_t)m->min_at);
	put64(h + 48, (uint64_t)m->max_at);
	put32(h + 56, m->crc);
	put32(h + 60, m->raw_len);
}

/* parse_header - h (ARCHIVE_HEADER bytes) into m; false if it is not a block header of this version */
static bool parse_header(const unsigned char *h, archive_block *m)
{
	if (get32(h) != ARCHIVE_MAGIC || get32(h + 4) != PAYLOAD || memcmp(h + 8, "JRPA", 4) != 0 ||
	    (h[12] | h[13] << 8) != ARCHIVE_VERSION)
		return false;
	m->first_seq = get64(h + 16);
	m->last_seq = get64(h + 24);
	m->count = get32(h + 32);
	m->zlen = get32(h + 36);
	m->min_at = (int64_t)get64(h + 40);
	m->max_at = (int64_t)get64(h + 48);
	m->crc = get32(h + 56);
	m->raw_len = get32(h + 60);
	return m->first_seq > 0 && m->last_seq >= m->first_seq && m->last_seq - m->first_seq + 1 == m->count &&
	       m->raw_len <= ARCHIVE_BLOCK_RAW_MAX && m->zlen > 0 && m->zlen <= ZSTD_compressBound(ARCHIVE_BLOCK_RAW_MAX);
}

int archive_builder_finish(archive_builder *b, int level, abuf *out, archive_block *meta, jrp_error *e)
{
	size_t bound = ZSTD_compressBound(b->raw.n), z;
	ZSTD_CCtx *cx;
	if (!b->count || b->raw.n > ARCHIVE_BLOCK_RAW_MAX)
		return jrp_fail(e, JRP_ERR_STORAGE, "archive", "a block of %u records and %zu bytes cannot be archived",
				b->count, b->raw.n), JRP_EIO;
	out->n = 0;
	abuf_reserve(out, ARCHIVE_HEADER + bound);
	cx = ZSTD_createCCtx();
	ZSTD_CCtx_setParameter(cx, ZSTD_c_compressionLevel, level);
	ZSTD_CCtx_setParameter(cx, ZSTD_c_checksumFlag, 1);
	ZSTD_CCtx_setParameter(cx, ZSTD_c_contentSizeFlag, 1);
	z = ZSTD_compress2(cx, out->p + ARCHIVE_HEADER, bound, b->raw.p, b->raw.n);
	ZSTD_freeCCtx(cx);
	if (ZSTD_isError(z))
		return jrp_fail(e, JRP_ERR_STORAGE, "archive", "zstd: %s", ZSTD_getErrorName(z)), JRP_EIO;
	memset(meta, 0, sizeof *meta);
	meta->first_seq = b->first_seq;
	meta->last_seq = b->last_seq;
	meta->count = b->count;
	meta->zlen = (uint32_t)z;
	meta->crc = crc32c(0, out->p + ARCHIVE_HEADER, z);
	meta->raw_len = (uint32_t)b->raw.n;
	meta->min_at = b->min_at;
	meta->max_at = b->max_at;
	header(out->p, meta);
	out->n = ARCHIVE_HEADER + z;
	return 0;
}

/* ---- writing ---- */

static int io_fail(jrp_error *e, const char *path, const char *what, int err)
{
	if (err == ENOSPC || err == EDQUOT)
		jrp_fail(e, JRP_ERR_STORAGE, path, "cannot %s: the disk is full (%s)", what, strerror(err));
	else
		jrp_fail(e, JRP_ERR_STORAGE, path, "cannot %s: %s", what, strerror(err));
	return JRP_EIO;
}

int archive_write(const char *dir, const char *log, uint64_t file, uint64_t off, const void *p, size_t n,
		  jrp_error *e)
{
	char path[4200];
	const unsigned char *q = p;
	size_t done = 0;
	int fd, err;

	archive_path(path, sizeof path, dir, log, file);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) < 0)
		return io_fail(e, path, "open", errno);
	if (ftruncate(fd, (off_t)off) < 0)
		goto fail;
	while (done < n) {
		ssize_t w = pwrite(fd, q + done, n - done, (off_t)(off + done));
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			goto fail;
		done += (size_t)w;
	}
	if (fdatasync(fd) < 0)
		goto fail;
	if (close(fd) < 0)
		return io_fail(e, path, "write", errno);
	if (off == 0) {
		/* a new file: its name must survive a power loss as much as its bytes */
		int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0 || fsync(dfd) < 0) {
			err = errno;
			if (dfd >= 0)
				close(dfd);
			return io_fail(e, dir, "sync the directory", err);
		}
		close(dfd);
	}
	return 0;
fail:
	err = errno;
	/* nothing of a failed write may look like a block: cut it back (a torn tail is cut at start too) */
	if (ftruncate(fd, (off_t)off) < 0) {
		/* nothing more to do: the committed size is what counts */
	}
	close(fd);
	return io_fail(e, path, "write", err);
}

/* ---- reading ---- */

static int pread_all(int fd, void *p, size_t n, uint64_t off)
{
	size_t done = 0;
	while (done < n) {
		ssize_t r = pread(fd, (char *)p + done, n - done, (off_t)(off + done));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			return 1;   /* short */
		done += (size_t)r;
	}
	return 0;
}

int archive_read(const char *dir, const char *log, uint64_t file, uint64_t off, const archive_block *expect,
		 archive_block *meta, abuf *raw, jrp_error *e)
{
	char path[4200];
	unsigned char h[ARCHIVE_HEADER], *z = NULL;
	unsigned long long csize;
	size_t got;
	int fd, r, rc = JRP_EIO;

	archive_path(path, sizeof path, dir, log, file);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		int err = errno;
		jrp_fail(e, JRP_ERR_NOT_FOUND, path, "cannot be opened (%s): put the archive file back there to read "
			 "what it holds", strerror(err));
		return err == ENOENT ? JRP_ENOTFOUND : JRP_EIO;
	}
	if ((r = pread_all(fd, h, sizeof h, off)) != 0) {
		if (r > 0) {
			jrp_fail(e, JRP_ERR_NOT_FOUND, path, "ends before offset %llu: it is shorter than when it was "
				 "written (an incomplete copy?)", (unsigned long long)off);
			rc = JRP_ENOTFOUND;
		} else {
			jrp_fail(e, JRP_ERR_STORAGE, path, "cannot be read: %s", strerror(errno));
		}
		goto out;
	}
	memset(meta, 0, sizeof *meta);
	if (!parse_header(h, meta)) {
		jrp_fail(e, JRP_ERR_STORAGE, path, "holds no archive block header at offset %llu: the file is damaged",
			 (unsigned long long)off);
		goto out;
	}
	meta->file = file;
	meta->offset = off;
	if (expect && (expect->first_seq != meta->first_seq || expect->last_seq != meta->last_seq ||
		       expect->zlen != meta->zlen || expect->crc != meta->crc)) {
		jrp_fail(e, JRP_ERR_STORAGE, path, "holds seqs %llu..%llu at offset %llu, but the index says %llu..%llu "
			 "there: it is not the file archived", (unsigned long long)meta->first_seq,
			 (unsigned long long)meta->last_seq, (unsigned long long)off,
			 (unsigned long long)expect->first_seq, (unsigned long long)expect->last_seq);
		goto out;
	}
	z = xmalloc(meta->zlen);
	if ((r = pread_all(fd, z, meta->zlen, off + ARCHIVE_HEADER)) != 0) {
		if (r > 0) {
			jrp_fail(e, JRP_ERR_NOT_FOUND, path, "ends inside the block at offset %llu: it is shorter than when "
				 "it was written (an incomplete copy?)", (unsigned long long)off);
			rc = JRP_ENOTFOUND;
		} else {
			jrp_fail(e, JRP_ERR_STORAGE, path, "cannot be read: %s", strerror(errno));
		}
		goto out;
	}
	if (crc32c(0, z, meta->zlen) != meta->crc) {
		jrp_fail(e, JRP_ERR_STORAGE, path, "has a block at offset %llu (seqs %llu..%llu) that fails its CRC-32C: "
			 "it is damaged; restore it from a backup", (unsigned long long)off,
			 (unsigned long long)meta->first_seq, (unsigned long long)meta->last_seq);
		goto out;
	}
	csize = ZSTD_getFrameContentSize(z, meta->zlen);
	if (csize != meta->raw_len) {
		jrp_fail(e, JRP_ERR_STORAGE, path, "has a block at offset %llu that does not say its size: it is damaged",
			 (unsigned long long)off);
		goto out;
	}
	raw->n = 0;
	abuf_reserve(raw, meta->raw_len ? meta->raw_len : 1);
	got = ZSTD_decompress(raw->p, meta->raw_len, z, meta->zlen);
	if (ZSTD_isError(got) || got != meta->raw_len) {
		jrp_fail(e, JRP_ERR_STORAGE, path, "has a block at offset %llu that does not decompress (%s): it is damaged",
			 (unsigned long long)off, ZSTD_isError(got) ? ZSTD_getErrorName(got) : "short");
		goto out;
	}
	raw->n = got;
	rc = 0;
out:
	free(z);
	close(fd);
	return rc;
}

int archive_next(const abuf *raw, size_t *pos, const unsigned char **rec, size_t *n)
{
	uint32_t len;
	if (*pos == raw->n)
		return 0;
	if (raw->n - *pos < 4)
		return -1;
	len = get32(raw->p + *pos);
	if (raw->n - *pos - 4 < len)
		return -1;
	*rec = raw->p + *pos + 4;
	*n = len;
	*pos += 4 + (size_t)len;
	return 1;
}

int archive_walk(const char *path, int (*fn)(void *arg, const archive_block *b), void *arg, uint64_t *end)
{
	unsigned char h[ARCHIVE_HEADER];
	struct stat st;
	uint64_t off = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 0;
	*end = 0;
	if (fd < 0)
		return errno == ENOENT ? JRP_ENOTFOUND : JRP_EIO;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return JRP_EIO;
	}
	while (off + ARCHIVE_HEADER <= (uint64_t)st.st_size) {
		archive_block b;
		if (pread_all(fd, h, sizeof h, off) != 0 || !parse_header(h, &b) ||
		    off + ARCHIVE_HEADER + b.zlen > (uint64_t)st.st_size)
			break;
		b.offset = off;
		b.file = 0;
		off += ARCHIVE_HEADER + b.zlen;
		*end = off;
		if (fn && fn(arg, &b))
			break;
	}
	close(fd);
	return rc;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

int archive_files(const char *dir, const char *log, uint64_t **out, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t ln = strlen(log), cap = 0;
	*out = NULL;
	*n = 0;
	if (!d)
		return errno == ENOENT ? 0 : JRP_EIO;
	while ((de = readdir(d)) != NULL) {
		const char *s = de->d_name;
		char *endp;
		uint64_t v;
		if (strncmp(s, log, ln) != 0 || s[ln] != '.' || strlen(s) != ln + 1 + 20 + 4 || strcmp(s + ln + 21, ".zst") != 0)
			continue;
		v = strtoull(s + ln + 1, &endp, 10);
		if (endp != s + ln + 21)
			continue;
		if (*n == cap)
			*out = xrealloc(*out, (cap = cap ? cap * 2 : 16) * sizeof **out);
		(*out)[(*n)++] = v;
	}
	closedir(d);
	if (*n)
		qsort(*out, *n, sizeof **out, cmp_u64);
	return 0;
}

bool archive_size(const char *dir, const char *log, uint64_t file, uint64_t *size)
{
	char path[4200];
	struct stat st;
	archive_path(path, sizeof path, dir, log, file);
	*size = 0;
	if (stat(path, &st) < 0)
		return false;
	*size = (uint64_t)st.st_size;
	return true;
}

int archive_cut(const char *dir, const char *log, uint64_t file, uint64_t size)
{
	char path[4200];
	int fd, rc = 0;
	archive_path(path, sizeof path, dir, log, file);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0)
		return JRP_EIO;
	if (ftruncate(fd, (off_t)size) < 0 || fsync(fd) < 0)
		rc = JRP_EIO;
	close(fd);
	return rc;
}

int archive_remove(const char *dir, const char *log, uint64_t file)
{
	char path[4200];
	archive_path(path, sizeof path, dir, log, file);
	return unlink(path) == 0 || errno == ENOENT ? 0 : JRP_EIO;
}
