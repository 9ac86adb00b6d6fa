/*
 * domain.h - what the unit tests of the daemons' rules share (test_adjudicate.c,
 * test_dispatch.c, test_feedback.c): a real LMDB store in a temporary
 * directory with a write transaction open, the real catalogue (rules/) and
 * parties (deploy/parties.yaml), and times written the way people write them.
 * No daemon, no socket: the rules take their context (transaction, databases,
 * catalogue, now) and the tests read back what they wrote.
 */
#ifndef JRP_TEST_DOMAIN_H
#define JRP_TEST_DOMAIN_H
#include <stdbool.h>
#include <stdint.h>
#include "catalog.h"
#include "parties.h"
#include "records.h"
#include "store.h"

typedef struct dom {
	char dir[64];
	store *st;
	MDB_txn *txn;            /* a write transaction, open between dom_open and dom_close */
	jrp_catalog *cat;
	jrp_parties *parties;
} dom;

/* dom_open - a new store with these databases (db 0 is meta), the real catalogue and parties */
int dom_open(dom *d, const char *const *dbs, int ndbs);
/* dom_commit - commit what the rules wrote and open the next transaction */
void dom_commit(dom *d);
void dom_close(dom *d);
MDB_dbi dom_dbi(dom *d, int idx);

/* dom_ms - "YYYY-MM-DD" (00:00 in Beijing) or "YYYY-MM-DDTHH:MM:SS+08:00" as ms; dom_date - a date */
int64_t dom_ms(const char *t);
jrp_date dom_date(const char *ymd);
/* dom_party - a party of deploy/parties.yaml */
const jrp_party *dom_party(dom *d, const char *id);

/* dom_log_decode - record seq of log db idx, decoded (mask of kinds; copy: dispatch's copies) */
int dom_log_decode(dom *d, int idx, uint64_t seq, unsigned mask, bool copy, jrp_rec *r);
/* dom_log_last - the last seq of log db idx */
uint64_t dom_log_last(dom *d, int idx);

#endif
