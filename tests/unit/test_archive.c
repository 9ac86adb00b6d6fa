/*
 * test_archive.c - archive files of log records on real files (common/archive.h)
 *
 * DESIGN.md "Operations": logs are trimmed below every consumer's cursor after a retention period
 * into compressed archives that audit and history still read (issue 12 item 2). Proven here: a
 * block gives back exactly the bytes of the records put in, in order, with its seqs and times; a
 * second block appended at the end of the first reads too, and the index's idea of a block must
 * match the file's; `zstd -dc` (the format is zstd frames, the header a skippable one) gives the
 * length-prefixed records of the whole file; a block damaged on disk fails its CRC-32C; a file
 * cut inside a block or missing says so (not found, naming the file); walking the headers finds
 * where a torn tail begins, and a write at the committed size cuts what lay beyond.
 */
#include "../tap.h"
#include "archive.h"
#include "util/crc32c.h"
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];

/* rec - a record of n bytes for seq (its text varies, so that it does not compress to nothing) */
static size_t rec(char *buf, uint64_t seq)
{
	return (size_t)snprintf(buf, 256, "{seq:%llu, at:%llu, kind:check, subject:91350100MA%07llu, listed:%s}",
				(unsigned long long)seq, (unsigned long long)(1700000000000ull + seq * 1000),
				(unsigned long long)(seq * 7919 % 10000000), seq % 3 ? "false" : "true");
}

/* block - records first..last into out (header + frame) */
static void block(uint64_t first, uint64_t last, abuf *out, archive_block *m)
{
	archive_builder b;
	char buf[256];
	jrp_error e;
	memset(&b, 0, sizeof b);
	archive_builder_reset(&b);
	for (uint64_t s = first; s <= last; s++) {
		size_t n = rec(buf, s);
		archive_builder_add(&b, s, (int64_t)(1700000000000ull + s * 1000), buf, n);
	}
	CHECK_INT(archive_builder_finish(&b, 3, out, m, &e), 0);
	archive_builder_free(&b);
}

/* same - the records of raw are exactly first..last */
static bool same(const abuf *raw, uint64_t first, uint64_t last)
{
	size_t pos = 0, n;
	const unsigned char *p;
	uint64_t s = first;
	char buf[256];
	while (archive_next(raw, &pos, &p, &n) == 1) {
		size_t want = rec(buf, s);
		if (s > last || n != want || memcmp(p, buf, n) != 0)
			return false;
		s++;
	}
	return s == last + 1 && pos == raw->n;
}

static void round_trip(void)
{
	abuf b1 = { 0 }, b2 = { 0 }, raw = { 0 };
	archive_block m1, m2, got;
	jrp_error e;
	uint64_t size;
	block(1, 1000, &b1, &m1);
	CHECK_INT(m1.count, 1000);
	CHECK_INT(m1.first_seq, 1);
	CHECK_INT(m1.last_seq, 1000);
	CHECK_INT(m1.min_at, 1700000001000ll);
	CHECK_INT(m1.max_at, 1700001000000ll);
	CHECK(m1.zlen < m1.raw_len / 3);   /* compressed */
	CHECK_INT(archive_write(dir, "out", 1, 0, b1.p, b1.n, &e), 0);
	block(1001, 1500, &b2, &m2);
	CHECK_INT(archive_write(dir, "out", 1, b1.n, b2.p, b2.n, &e), 0);
	CHECK(archive_size(dir, "out", 1, &size));
	CHECK_INT(size, b1.n + b2.n);
	m1.file = m2.file = 1;
	m1.offset = 0;
	m2.offset = b1.n;
	CHECK_INT(archive_read(dir, "out", 1, 0, &m1, &got, &raw, &e), 0);
	CHECK(same(&raw, 1, 1000));
	CHECK_INT(got.raw_len, raw.n);
	CHECK_INT(archive_read(dir, "out", 1, b1.n, &m2, &got, &raw, &e), 0);
	CHECK(same(&raw, 1001, 1500));
	/* what the index says must be what the file holds */
	CHECK_INT(archive_read(dir, "out", 1, b1.n, &m1, &got, &raw, &e), JRP_EIO);
	CHECK(strstr(e.message, "index says") != NULL);
	abuf_free(&b1);
	abuf_free(&b2);
	abuf_free(&raw);
}

/* the format is zstd's: `zstd -dc` skips the headers and prints every record, length-prefixed */
static void zstd_reads_it(void)
{
	char cmd[300], path[200], buf[256];
	unsigned char len[4];
	FILE *p;
	uint64_t s = 1;
	bool ok = true;
	if (system("command -v zstd >/dev/null 2>&1") != 0) {
		printf("# zstd(1) not installed: skipped\n");
		return;
	}
	archive_path(path, sizeof path, dir, "out", 1);
	snprintf(cmd, sizeof cmd, "zstd -dcq '%s'", path);
	CHECK((p = popen(cmd, "r")) != NULL);
	if (!p)
		return;
	while (fread(len, 1, 4, p) == 4) {
		uint32_t n = len[0] | len[1] << 8 | len[2] << 16 | (uint32_t)len[3] << 24;
		char got[256];
		size_t want = rec(buf, s);
		if (n != want || n > sizeof got || fread(got, 1, n, p) != n || memcmp(got, buf, n) != 0) {
			ok = false;
			break;
		}
		s++;
	}
	CHECK_INT(pclose(p), 0);
	CHECK(ok);
	CHECK_INT(s, 1501);
}

typedef struct walked {
	int n;
	uint64_t first[8];
} walked;

static int walk_one(void *arg, const archive_block *b)
{
	walked *w = arg;
	if (w->n < 8)
		w->first[w->n] = b->first_seq;
	w->n++;
	return 0;
}

static void damage_and_tails(void)
{
	char path[200];
	abuf b3 = { 0 }, raw = { 0 };
	archive_block m3, got;
	jrp_error e;
	uint64_t size, end;
	walked w = { 0 };
	int fd;
	unsigned char x;
	archive_path(path, sizeof path, dir, "out", 1);
	CHECK(archive_size(dir, "out", 1, &size));
	/* a torn block after the committed ones: the walk stops before it */
	block(1501, 1600, &b3, &m3);
	fd = open(path, O_WRONLY | O_APPEND);
	CHECK(write(fd, b3.p, b3.n / 2) == (ssize_t)(b3.n / 2));
	close(fd);
	CHECK_INT(archive_walk(path, walk_one, &w, &end), 0);
	CHECK_INT(w.n, 2);
	CHECK_INT(w.first[0], 1);
	CHECK_INT(w.first[1], 1001);
	CHECK_INT(end, size);
	/* reading the torn block: the file ends inside it (not found: an incomplete copy) */
	m3.file = 1;
	m3.offset = size;
	CHECK_INT(archive_read(dir, "out", 1, size, &m3, &got, &raw, &e), JRP_ENOTFOUND);
	CHECK_STR(e.code, "not_found");
	CHECK_STR(e.field, path);
	/* the next write at the committed size cuts the torn bytes off first */
	CHECK_INT(archive_write(dir, "out", 1, size, b3.p, b3.n, &e), 0);
	CHECK(archive_size(dir, "out", 1, &end));
	CHECK_INT(end, size + b3.n);
	CHECK_INT(archive_read(dir, "out", 1, size, &m3, &got, &raw, &e), 0);
	CHECK(same(&raw, 1501, 1600));
	/* one byte changed in a frame: its CRC-32C fails */
	fd = open(path, O_RDWR);
	CHECK(pread(fd, &x, 1, ARCHIVE_HEADER + 100) == 1);
	x ^= 0x40;
	CHECK(pwrite(fd, &x, 1, ARCHIVE_HEADER + 100) == 1);
	close(fd);
	CHECK_INT(archive_read(dir, "out", 1, 0, NULL, &got, &raw, &e), JRP_EIO);
	CHECK(strstr(e.message, "CRC-32C") != NULL);
	/* cut: a committed size */
	CHECK_INT(archive_cut(dir, "out", 1, size), 0);
	CHECK(archive_size(dir, "out", 1, &end));
	CHECK_INT(end, size);
	/* a missing file: not found, naming it */
	CHECK_INT(archive_read(dir, "out", 99, 0, NULL, &got, &raw, &e), JRP_ENOTFOUND);
	CHECK(strstr(e.message, "put the archive file back") != NULL);
	abuf_free(&b3);
	abuf_free(&raw);
}

static void file_names(void)
{
	abuf b = { 0 };
	archive_block m;
	jrp_error e;
	uint64_t *v;
	size_t n;
	char p[200];
	block(5000, 5001, &b, &m);
	CHECK_INT(archive_write(dir, "out", 5000, 0, b.p, b.n, &e), 0);
	CHECK_INT(archive_write(dir, "events", 7, 0, b.p, b.n, &e), 0);
	snprintf(p, sizeof p, "%s/out.123.zst", dir);   /* not a name of ours */
	close(open(p, O_CREAT | O_WRONLY, 0600));
	CHECK_INT(archive_files(dir, "out", &v, &n), 0);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_INT(v[0], 1);
		CHECK_INT(v[1], 5000);
	}
	free(v);
	archive_path(p, sizeof p, "/d", "out", 5000);
	CHECK_STR(p, "/d/out.00000000000000005000.zst");
	CHECK_INT(archive_remove(dir, "out", 5000), 0);
	CHECK_INT(archive_files(dir, "out", &v, &n), 0);
	CHECK_INT(n, 1);
	free(v);
	abuf_free(&b);
}

int main(void)
{
	char cmd[128];
	snprintf(dir, sizeof dir, "/tmp/jrp-test-archive-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	RUN(round_trip);
	RUN(zstd_reads_it);
	RUN(damage_and_tails);
	RUN(file_names);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# %s not removed\n", dir);
	TAP_DONE();
}
