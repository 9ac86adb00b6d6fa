/*
 * lists.h - adjudication: records against standards, entries through their life
 */
#ifndef JRP_ADJ_LISTS_H
#define JRP_ADJ_LISTS_H
#include "daemon.h"
#include "entry.h"

enum { DB_CHANGES = 1, DB_ENTRIES, DB_BY_SUBJECT, DB_DUE, DB__N };

/* lists_apply_event - one event of ingest's log */
int lists_apply_event(jrp_daemon *d, MDB_txn *txn, uint64_t seq, const msgpack_object *ev, jrp_error *e);
/* lists_tick - run due deadlines (bounded batch) */
int lists_tick(jrp_daemon *d, MDB_txn *txn, int64_t now, int64_t *next_due);
/* lists_subject - write the entries of a subject code as an array */
int lists_subject(jrp_daemon *d, MDB_txn *txn, const char *code, mw *out);

#endif
