/*
 * fuzz_journal.c - libFuzzer target for common/journal.c's reader
 *
 * A journal segment is the daemon's own file, but a disk or an operator can damage it:
 * whatever its bytes, reading it (at start-up, or while the front writes) must give only
 * whole frames that lie inside the file, stop at the first bad one, and never crash. Each
 * input is written as a segment and read from offset 0 and from a few offsets inside it;
 * every frame given is parsed as the write loop parses it. Seeds: tests/fuzz/corpus/journal/.
 */
#include "journal.h"
#include "msg.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];

typedef struct seen {
	uint64_t size, last_end;
	size_t n;
} seen;

static int on_frame(void *arg, const void *p, size_t n, uint64_t at)
{
	seen *s = arg;
	msg_in in;
	jrp_error e;
	if (at < s->last_end || at + 8 + n > s->size)
		abort();   /* a frame out of order or beyond the file */
	s->last_end = at + 8 + n;
	s->n++;
	msg_parse_ref(p, n, JOURNAL_FRAME_MAX, &in, &e);
	msg_in_free(&in);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[128];
	FILE *f;
	uint64_t offs[3] = { 0, size / 2, size > 8 ? 8 : 0 };
	if (!dir[0]) {
		snprintf(dir, sizeof dir, "/tmp/jrp-fuzz-journal-XXXXXX");
		if (!mkdtemp(dir))
			abort();
	}
	snprintf(path, sizeof path, "%s/journal.%020d", dir, 1);
	if (!(f = fopen(path, "wb")) || (size && fwrite(data, 1, size, f) != size))
		abort();
	fclose(f);
	for (int i = 0; i < 3; i++) {
		seen s = { size, offs[i], 0 };
		uint64_t next;
		bool clean;
		if (journal_read(dir, 1, offs[i], 1000, on_frame, &s, &next, &clean) != 0)
			abort();
		if (next > size || next < offs[i] || (clean && next != size && s.n < 1000))
			abort();   /* clean means the readable part ended exactly at the file's end */
	}
	return 0;
}
