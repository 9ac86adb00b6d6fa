/*
 * retain.h - how long a log keeps its records in LMDB, and the archives that take them after
 * (DESIGN.md "Data flow: logs and cursors", "Operations"; issue 12 item 2)
 *
 * A daemon retains its outbound log and, if the service has one, its public log (adjudicate's
 * publications). A record leaves LMDB when all of these hold:
 *   - the log's registered consumer (the daemon that pulls it: adjudicate for ingest's events,
 *     dispatch for adjudicate's changes, feedback for dispatch's out log) has passed it: its
 *     log.fetch asked `after` >= the record's seq (a consumer asks after the cursor it committed,
 *     so everything up to `after` is applied). The public log has no registered consumer;
 *   - it was appended (its `at`) at least log_retention_days ago (configuration);
 *   - it is not the log's last record (the next seq is always last + 1 in LMDB).
 * Such records are taken a bounded batch at a time (RETAIN_BATCH records, about 1 MiB) by a pass
 * on the write loop: written as one block of an archive file (archive.h) in
 * DATA_DIR/<daemon>/archive/, synced, then in one LMDB transaction indexed (the "archive"
 * database: the block's file, offset, seqs and times), deleted from the log, and the log's
 * archive state moved (archived through which seq, which file, its committed size). A daemon
 * killed at any point restarts with the two agreeing: a file longer than its committed size is
 * cut back, a file never committed is removed; a record is in LMDB or in a committed block, never
 * both, never neither.
 *
 * Reads are transparent: retain_scan and retain_get (daemon_log_read for the services) read
 * LMDB, and for a seq at or below "archived through" the block that holds it (one block is kept
 * decompressed: readers going forward pay once per block). An archive file that is missing or
 * damaged is an error that names the file and the seqs it holds; nothing else is affected.
 */
#ifndef JRP_RETAIN_H
#define JRP_RETAIN_H
#include <lmdb.h>
#include <stdbool.h>
#include <stdint.h>
#include "daemon.h"

#define RETAIN_BATCH 1000                 /* records archived per transaction, at most */
#define RETAIN_BATCH_BYTES (1u << 20)     /* ... and about this many bytes */
#define RETAIN_FILE_MAX (64ull << 20)     /* an archive file takes no new block past this size */
#define RETAIN_POLL_MS 1000               /* how often the pass looks when there is nothing to do */

typedef struct retain retain;

/* A log's archive state, the value of key "NAME \0 s" in the skeleton's "archive" database (six
 * big-endian u64): archived through seq, the current file (its first seq), the file's committed
 * size, archive bytes in all, files, records archived. jrpctl backup reads it from a copy. */
#define RETAIN_STATE_VAL 48
typedef struct retain_state {
	uint64_t through, file, size, bytes, files, records;
} retain_state;

static inline bool retain_state_decode(const void *v, size_t n, retain_state *st)
{
	const unsigned char *p = v;
	uint64_t *f[6] = { &st->through, &st->file, &st->size, &st->bytes, &st->files, &st->records };
	if (n != RETAIN_STATE_VAL)
		return false;
	for (int i = 0; i < 6; i++)
		*f[i] = be64_get(p + 8 * i);
	return true;
}

/* retain_open - after the store's init: the retained logs, their archive directory checked
 * against the committed state (torn tails cut, uncommitted files removed) */
int retain_open(jrp_daemon *d, jrp_error *e);
/* retain_start / retain_stop - the background pass on the daemon's loop */
void retain_start(jrp_daemon *d);
void retain_stop(jrp_daemon *d);
/* retain_kick - run the pass soon (the test clock moved: records may have come of age) */
void retain_kick(jrp_daemon *d);
void retain_free(jrp_daemon *d);

/* retain_fetched - a log.fetch of the outbound log by party asked after `after` (last: the log's
 * last seq): if party is the registered consumer, its cursor is at least after */
void retain_fetched(jrp_daemon *d, const char *party, uint64_t after, uint64_t last);

/* retain_scan - store_log_scan over LMDB and the archives: fn for each record with seq > after,
 * at most max records and about max_bytes (at least one); fn returns 0 to go on, 1 to stop.
 * An archive that cannot be read: JRP_ENOTFOUND or JRP_EIO with e */
int retain_scan(jrp_daemon *d, MDB_txn *txn, MDB_dbi dbi, uint64_t after, size_t max, size_t max_bytes,
		int (*fn)(void *arg, uint64_t seq, const MDB_val *val), void *arg, jrp_error *e);

/* retain_seek - the greatest seq `after` such that no record of the log with at >= at_ms has a
 * seq <= after (from the archive index by time; records still in LMDB are not skipped) */
int retain_seek(jrp_daemon *d, MDB_txn *txn, MDB_dbi dbi, int64_t at_ms, uint64_t *after);

/* retain_status - "retention_days" and "logs": [...] into the open status map */
void retain_status(jrp_daemon *d, MDB_txn *txn, mw *out);

#endif
