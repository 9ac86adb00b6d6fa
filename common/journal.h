/*
 * journal.h - records answered off the write path, kept safe until the write loop commits them
 *
 * A daemon's front thread answers read-only requests (dispatch's check) from
 * an LMDB read transaction, without waiting for the write loop's fsync. What
 * such an answer must leave behind (the check's record, DOMAIN.md "every check
 * is recorded") goes first to a journal: frames appended to a segment file with
 * one write(2) per batch, before the replies are sent. The kernel holds the
 * bytes once write(2) returns, so a killed process loses nothing; the write
 * loop then moves the frames into the outbound log in its own transactions and
 * keeps its position (segment, offset) in the same transaction, so a record is
 * moved exactly once. A power loss can take the frames not yet moved (the
 * journal is not fsynced: that is the point), at most a few tens of
 * milliseconds of checks; the README says so.
 *
 * Files: DIR/journal.<segment> (20 decimal digits). A frame is
 *   u32 length (little-endian) | u32 CRC-32C of the payload | payload (msgpack)
 * A frame that is short or fails its CRC ends the readable part of a segment:
 * while the writer runs it is a write in progress; at start-up it is a torn tail.
 */
#ifndef JRP_JOURNAL_H
#define JRP_JOURNAL_H
#include "util/crc32c.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "err.h"

#define JOURNAL_SEGMENT_MAX (64u << 20)   /* the writer starts a new segment past this size */
#define JOURNAL_FRAME_MAX (1u << 20)
#define JOURNAL_REF_MAX 48

typedef struct journal journal;

/* journal_open - the writer, appending to segment seg of dir (created if missing) */
int journal_open(const char *dir, uint64_t seg, journal **j, jrp_error *e);
void journal_close(journal **j);
/* journal_ref - "SEG-OFFSET", the name of the next frame journal_add will add */
void journal_ref(const journal *j, char ref[JOURNAL_REF_MAX]);
/* journal_add - a frame, pending until journal_flush */
void journal_add(journal *j, const void *payload, size_t n);
size_t journal_pending(const journal *j);
/* journal_flush - write the pending frames with one write(2); on failure nothing of them
 * stays in the file (it is truncated back) and the code says why; a full segment is
 * followed by a new one */
int journal_flush(journal *j, jrp_error *e);
uint64_t journal_segment(const journal *j);

/* reading (the write loop): fn gets each valid frame of segment seg from offset off, at
 * most max; *next is the offset after the last frame given; *clean says the segment's
 * readable part ended exactly there (no partial or bad frame after it). fn returns 0 to
 * go on, < 0 to stop with that error. A missing segment is empty. */
int journal_read(const char *dir, uint64_t seg, uint64_t off, size_t max,
		 int (*fn)(void *arg, const void *payload, size_t n, uint64_t at), void *arg,
		 uint64_t *next, bool *clean);
bool journal_exists(const char *dir, uint64_t seg);
/* journal_size - bytes in segment seg (0 if missing) */
uint64_t journal_size(const char *dir, uint64_t seg);
void journal_remove(const char *dir, uint64_t seg);
/* journal_segments - the lowest and highest segment numbers in dir; false if there are none */
bool journal_segments(const char *dir, uint64_t *lo, uint64_t *hi);

#endif
