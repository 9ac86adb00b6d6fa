/*
 * journal.c - frames in segment files, written by the front thread, read by the write loop
 * (see journal.h)
 */
#include "journal.h"
#include "util/log.h"
#include "util/xalloc.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HDR 8

struct journal {
	char dir[4096];
	uint64_t seg;
	int fd;
	uint64_t size;       /* bytes in the file (written) */
	uint64_t seg_max;    /* a new segment past this size */
	unsigned char *buf;  /* pending frames */
	size_t len, cap;
};

static void seg_path(const char *dir, uint64_t seg, char *out, size_t n)
{
	snprintf(out, n, "%s/journal.%020" PRIu64, dir, seg);
}

static int open_seg(journal *j, jrp_error *e)
{
	char path[4200];
	struct stat st;
	seg_path(j->dir, j->seg, path, sizeof path);
	j->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (j->fd < 0 || fstat(j->fd, &st) < 0) {
		jrp_fail(e, JRP_ERR_STORAGE, "", "journal %s: %s", path, strerror(errno));
		if (j->fd >= 0)
			close(j->fd);
		j->fd = -1;
		return JRP_ESTORE;
	}
	j->size = (uint64_t)st.st_size;
	return 0;
}

int journal_open(const char *dir, uint64_t seg, journal **jp, jrp_error *e)
{
	journal *j = xcalloc(1, sizeof *j);
	snprintf(j->dir, sizeof j->dir, "%s", dir);
	j->seg = seg;
	j->seg_max = JOURNAL_SEGMENT_MAX;
	{
		/* tests make segments small to roll over often */
		const char *v = getenv("JRP_JOURNAL_SEGMENT_BYTES");
		if (v && atoll(v) >= 4096)
			j->seg_max = (uint64_t)atoll(v);
	}
	if (open_seg(j, e) < 0) {
		free(j);
		return JRP_ESTORE;
	}
	*jp = j;
	return 0;
}

void journal_close(journal **jp)
{
	journal *j = *jp;
	if (!j)
		return;
	if (j->fd >= 0)
		close(j->fd);
	free(j->buf);
	free(j);
	*jp = NULL;
}

uint64_t journal_segment(const journal *j) { return j->seg; }
size_t journal_pending(const journal *j) { return j->len; }

void journal_ref(const journal *j, char ref[JOURNAL_REF_MAX])
{
	snprintf(ref, JOURNAL_REF_MAX, "%" PRIu64 "-%" PRIu64, j->seg, j->size + j->len);
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void journal_add(journal *j, const void *payload, size_t n)
{
	if (j->len + HDR + n > j->cap) {
		j->cap = (j->len + HDR + n) * 2;
		j->buf = xrealloc(j->buf, j->cap);
	}
	put32(j->buf + j->len, (uint32_t)n);
	put32(j->buf + j->len + 4, crc32c(0, payload, n));
	memcpy(j->buf + j->len + HDR, payload, n);
	j->len += HDR + n;
}

int journal_flush(journal *j, jrp_error *e)
{
	size_t done = 0;
	if (!j->len)
		return 0;
	if (j->fd < 0 && open_seg(j, e) < 0) {
		j->len = 0;
		return JRP_ESTORE;
	}
	while (done < j->len) {
		ssize_t w = write(j->fd, j->buf + done, j->len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int err = w < 0 ? errno : ENOSPC;
			/* nothing of this batch may stay: a partial frame would end the readable part */
			if (ftruncate(j->fd, (off_t)j->size) < 0) {
				log_error("event=journal_truncate_failed seg=%" PRIu64 " error=\"%s\"", j->seg, strerror(errno));
				close(j->fd);
				j->fd = -1;
				j->seg++;   /* never append after a partial frame: a new segment next time */
			}
			jrp_fail(e, JRP_ERR_STORAGE, "", "%sthe journal could not be written: %s",
				 err == ENOSPC || err == EDQUOT ? "the disk is full: " : "", strerror(err));
			j->len = 0;
			return JRP_ESTORE;
		}
		done += (size_t)w;
	}
	j->size += j->len;
	j->len = 0;
	if (j->size >= j->seg_max) {
		close(j->fd);
		j->seg++;
		if (open_seg(j, e) < 0)
			log_error("event=journal_segment_failed seg=%" PRIu64 " error=\"%s\"", j->seg, e->message);
	}
	return 0;
}

int journal_read(const char *dir, uint64_t seg, uint64_t off, size_t max,
		 int (*fn)(void *arg, const void *payload, size_t n, uint64_t at), void *arg,
		 uint64_t *next, bool *clean)
{
	char path[4200];
	unsigned char *buf = NULL;
	size_t cap = 0, got = 0, pos = 0, count = 0;
	uint64_t base = off;
	int fd, rc = 0;

	*next = off;
	*clean = true;
	seg_path(dir, seg, path, sizeof path);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return errno == ENOENT ? 0 : JRP_ESTORE;
	cap = 1 << 20;
	buf = xmalloc(cap);
	while (count < max) {
		uint32_t n;
		if (got - pos < HDR || got - pos < HDR + (size_t)get32(buf + pos)) {
			/* refill: keep the partial frame, read more after it */
			ssize_t r;
			size_t need = got - pos >= HDR ? HDR + (size_t)get32(buf + pos) : HDR;
			memmove(buf, buf + pos, got - pos);
			base += pos;
			got -= pos;
			pos = 0;
			if (need > JOURNAL_FRAME_MAX + HDR) {
				*clean = false;   /* a length no writer writes: a bad frame */
				break;
			}
			if (need > cap) {
				cap = need;
				buf = xrealloc(buf, cap);
			}
			r = pread(fd, buf + got, cap - got, (off_t)(base + got));
			if (r < 0) {
				rc = JRP_ESTORE;
				break;
			}
			if (r == 0) {
				*clean = got == 0;
				break;
			}
			got += (size_t)r;
			continue;
		}
		n = get32(buf + pos);
		if (crc32c(0, buf + pos + HDR, n) != get32(buf + pos + 4)) {
			*clean = false;
			break;
		}
		if ((rc = fn(arg, buf + pos + HDR, n, base + pos)) < 0)
			break;
		pos += HDR + n;
		count++;
		*next = base + pos;
	}
	if (count == max && rc == 0) {
		/* stopped by max: clean only if nothing follows */
		struct stat st;
		*clean = fstat(fd, &st) == 0 && (uint64_t)st.st_size == *next;
	}
	free(buf);
	close(fd);
	return rc;
}

bool journal_exists(const char *dir, uint64_t seg)
{
	char path[4200];
	seg_path(dir, seg, path, sizeof path);
	return access(path, F_OK) == 0;
}

uint64_t journal_size(const char *dir, uint64_t seg)
{
	char path[4200];
	struct stat st;
	seg_path(dir, seg, path, sizeof path);
	return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

void journal_remove(const char *dir, uint64_t seg)
{
	char path[4200];
	seg_path(dir, seg, path, sizeof path);
	if (unlink(path) < 0 && errno != ENOENT)
		log_warn("event=journal_remove_failed path=%s error=\"%s\"", path, strerror(errno));
}

bool journal_segments(const char *dir, uint64_t *lo, uint64_t *hi)
{
	DIR *dp = opendir(dir);
	struct dirent *de;
	bool any = false;
	if (!dp)
		return false;
	while ((de = readdir(dp))) {
		char *end;
		uint64_t s;
		if (strncmp(de->d_name, "journal.", 8) != 0 || strlen(de->d_name) != 28)
			continue;
		s = strtoull(de->d_name + 8, &end, 10);
		if (*end)
			continue;
		if (!any || s < *lo)
			*lo = s;
		if (!any || s > *hi)
			*hi = s;
		any = true;
	}
	closedir(dp);
	return any;
}
