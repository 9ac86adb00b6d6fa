/*
 * fuzz_archive.c - libFuzzer target for common/archive.c's reader
 *
 * An archive file is the daemon's own, but a disk, a copy or an operator can damage it (or hand
 * over another file under its name): whatever its bytes, walking its block headers and reading its
 * blocks must give only blocks that lie inside the file, with records that lie inside their block,
 * or an error - never a crash, never an allocation beyond a block's bounded size. Each input is
 * written as an archive file; every header the walk finds is read (with the header as the index's
 * expectation) and its records walked, and a few offsets that are not block starts are read too.
 * Seeds: tests/fuzz/corpus/archive/ (a file of two blocks made by the daemon's writer).
 */
#include "archive.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];

typedef struct walked {
	uint64_t size;
	abuf raw;
	size_t n;
} walked;

static void read_records(const abuf *raw, const archive_block *m)
{
	size_t pos = 0, n, count = 0;
	const unsigned char *rec;
	int rc;
	while ((rc = archive_next(raw, &pos, &rec, &n)) == 1) {
		if (rec < raw->p || rec + n > raw->p + raw->n)
			abort();   /* a record outside its block */
		count++;
	}
	(void)m;
	(void)count;
}

static int on_block(void *arg, const archive_block *b)
{
	walked *w = arg;
	archive_block m;
	jrp_error e;
	if (b->offset + ARCHIVE_HEADER + b->zlen > w->size)
		abort();   /* a block beyond the file */
	if (archive_read(dir, "out", 1, b->offset, b, &m, &w->raw, &e) == 0) {
		if (w->raw.n != m.raw_len || m.raw_len > ARCHIVE_BLOCK_RAW_MAX)
			abort();
		read_records(&w->raw, &m);
	}
	w->n++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[128];
	FILE *f;
	walked w;
	uint64_t end;
	jrp_error e;
	uint64_t offs[3] = { 1, size / 2, size > 64 ? 64 : 0 };
	if (!dir[0]) {
		snprintf(dir, sizeof dir, "/tmp/jrp-fuzz-archive-XXXXXX");
		if (!mkdtemp(dir))
			abort();
	}
	archive_path(path, sizeof path, dir, "out", 1);
	if (!(f = fopen(path, "wb")) || (size && fwrite(data, 1, size, f) != size))
		abort();
	fclose(f);
	memset(&w, 0, sizeof w);
	w.size = size;
	archive_walk(path, on_block, &w, &end);
	if (end > size)
		abort();
	for (int i = 0; i < 3; i++) {
		archive_block m;
		if (archive_read(dir, "out", 1, offs[i], NULL, &m, &w.raw, &e) == 0)
			read_records(&w.raw, &m);
	}
	abuf_free(&w.raw);
	return 0;
}
