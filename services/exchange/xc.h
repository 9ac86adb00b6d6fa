/*
 * xc.h - jrp-exchange: this region's door to the other regions (README "Between regions")
 *
 *   main.c     the service: databases, routes, the stream it keeps for each peer (exchange.fetch),
 *              what its own dispatch's log shares (the skeleton's puller), the office's requests
 *   peers.c    a puller per peer region on that region's stream; what each record does here
 *   link.c     calls to this region's own daemons from the loop: the forward queue to ingest
 *              (foreign entries, accepted initiations) and the feedback report home
 *
 * Exactly once, both ways: a record leaves for a peer in the transaction that takes the change from
 * dispatch's log with the cursor; a peer's record is taken with that peer's cursor in one
 * transaction and queued; the queue is sent to ingest in order, each record idempotent by its
 * record id (a resend after a kill is answered "duplicate"), and leaves the queue only when ingest
 * said so.
 */
#ifndef JRP_XC_H
#define JRP_XC_H
#include "daemon.h"
#include "exchange.h"
#include "puller.h"

enum {
	XDB_META,
	XDB_LOG,        /* the outbound log: every record sent to any peer (its seq: its place in its `to` stream) */
	XDB_IDX,        /* to \0 be64 n -> be64 seq of XDB_LOG: each peer's stream */
	XDB_SHARED,     /* be64 entry -> 1: this region's entries offered to peers (their later changes follow) */
	XDB_RECV,       /* from \0 be64 n -> the record as the peer sent it: what this region received */
	XDB_FWD,        /* be64 q -> record: records for this region's ingest, in order */
	XDB_FWDREF,     /* be64 q -> {record, code, field, message}: what ingest refused (status shows it) */
	XDB_INIT,       /* 's'|'r' region \0 be64 id -> the initiation and its decision (sent / received) */
	XDB_REPORT,     /* region -> the last report that region sent about this region's entries */
	XDB__N
};

typedef struct xpeer {
	jrp_daemon *d;
	char region[JRP_ID_MAX + 1];
	const char *endpoint;
	char pub[41];                     /* the peer's key (parties.yaml), "" over ipc:// */
	char prefix[48];                  /* "peer.<region>." in meta */
	MDB_dbi rejected, rejected_keys;
	puller *pull;
	uint64_t fetched;                 /* the last `after` it asked its stream from (since start) */
	int64_t fetched_at;
} xpeer;

typedef struct xc {
	jrp_daemon *d;
	const char *region;
	xpeer *peers;
	size_t npeers;
} xc;

extern xc X;

/* keys */
size_t xc_key(unsigned char *k, const char *region, uint64_t n);          /* region \0 be64 n */
/* xc_send - append x (seq filled: the next of its `to` stream; at: now) to the outbound log */
int xc_send(MDB_txn *txn, x_rec *x);
/* xc_queue - a record (record.submit's `record` map) to the forward queue for this region's ingest */
int xc_queue(MDB_txn *txn, const mw *record_map);

/* the initiations sent ('s') and received ('r'), by region and id: xc_init_store writes the initiation x and its
 * decision (XD_PENDING: none yet); xc_init_load reads them back (JRP_ENOTFOUND; JRP_ESTORE with e if damaged) */
int xc_init_store(MDB_txn *txn, char dir, const char *region, const x_rec *x, x_decision dec, const char *by,
		  const char *reason, const char *standard, const char *record_id, int64_t decided_at);
int xc_init_load(MDB_txn *txn, char dir, const char *region, uint64_t id, x_rec *x, x_decision *dec, jrp_error *e);

/* peers.c */
int peers_init(MDB_txn *txn, jrp_error *e);   /* open the peers' databases (init hook) */
void peers_start(void);
void peers_stop(void);
void peers_status(MDB_txn *txn, mw *out);     /* the open array: one map per peer */

/* link.c */
void link_start(void);
void link_stop(void);
void link_kick(void);                         /* the forward queue grew */
void link_status(MDB_txn *txn, mw *out);      /* fields into the open map */

#endif
