/*
 * ingest.h - jrp-ingest's databases and the modules main.c calls: the
 * counters of departments' reporting (counters.c) and credit commitments
 * (commitments.c)
 */
#ifndef JRP_INGEST_H
#define JRP_INGEST_H
#include <stdbool.h>
#include <stdint.h>
#include <lmdb.h>
#include "msg.h"
#include "parties.h"
#include "records.h"

/* the databases of ingest's environment (main.c names them) */
enum {
	DB_EVENTS = 1,           /* the event log: seq -> event */
	DB_DEDUPE,               /* party NUL record_id -> seq, hash of the record */
	DB_BY_SUBJECT,           /* code NUL seq: a subject's records */
	DB_STATS,                /* counters: name[.party][@YYYY-MM-DD] -> u64 */
	DB_COMMITMENTS,          /* party NUL record_id -> a commitment (commitments.c) */
	DB_COMMITMENT_DUE,       /* due date, party NUL record_id: open commitments, by when they fall due */
	DB_COMMITMENT_LIST,      /* state, party NUL date record_id: commitments by state, for commitment.list */
	DB__N
};

/* ---- counters.c: counters kept as records arrive, by day for the period figures ---- */

/* counters_add - counter key += delta, in all and in its day bucket (key@YYYY-MM-DD); max: keep the
 * larger value instead of adding */
int counters_add(MDB_txn *txn, MDB_dbi dbi, const char *key, jrp_date day, uint64_t delta, bool max);
/* counters_figure - the counter fmt (with %s = party), in all (from == 0) or over the days from..to
 * (their sum, or the largest with max) */
uint64_t counters_figure(MDB_txn *txn, MDB_dbi dbi, const char *fmt, const char *party, jrp_date from, jrp_date to,
			 bool max);

/* ---- commitments.c: credit commitments (信用承诺, 告知承诺, 容缺受理) ---- */

typedef struct commitments {
	MDB_txn *txn;
	MDB_dbi db[DB__N];
	jrp_date today;
} commitments;

/* commitments_check_result - before a commitment_kept / commitment_broken record is committed: the
 * commitment it refers to (ref, the department's commitment record, already read back) is still
 * open; else conflict saying when and how it was closed */
int commitments_check_result(commitments *c, const char *party, const jrp_record *rec, jrp_error *e);
/* commitments_record - after event ev is appended: a commitment opens (kind commitment), or its
 * result closes it (commitment_kept, commitment_broken), in the same transaction; other kinds:
 * nothing */
int commitments_record(commitments *c, const jrp_event *ev);
/* commitments_tick - open commitments whose due date has passed become overdue, at most max;
 * *next = when the next one falls due (ms, INT64_MAX if none); 1 if more are due now */
int commitments_tick(commitments *c, int64_t now, size_t max, int64_t *next);
/* commitments_list - commitment.list: items of party (NULL: every party's) in state st (CS__N: every
 * state, in the order open, overdue, kept, broken) after cursor `after` ("" = from the first), at
 * most max and about max_bytes; next = the cursor of the last item when more follow, else "".
 * JRP_EINVAL: `after` is not a cursor */
int commitments_list(commitments *c, const char *party, int st, const char *after, size_t max, size_t max_bytes,
		     mw *out, char next[160]);
/* commitments_count - how many commitments of party (NULL: all departments of ps) are in state st
 * now (open and overdue), or were made (st = -1), kept or broken, in all or over from..to */
uint64_t commitments_count(commitments *c, const jrp_parties *ps, const char *party, int st, jrp_date from,
			   jrp_date to);

#endif
