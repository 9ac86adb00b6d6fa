/*
 * puller.h - a consumer of an upstream daemon's outbound log
 *
 * Asks the upstream for "records after my cursor" (log.fetch, long-poll),
 * decodes each record strictly (records.h), applies it with the host's apply
 * hook and stores the new cursor in the same transaction, then asks again.
 * Nothing depends on the upstream being up: a request that gets no answer in
 * time is sent again on a fresh socket, a reconnection (the upstream
 * restarted) sends it again at once, and a restarted consumer starts from its
 * stored cursor.
 *
 * Nothing is skipped silently (DESIGN.md "Records between daemons"):
 *   - a record that does not decode, or that the apply hook refuses, goes to
 *     the "rejected" database with the reason, in the same transaction as the
 *     cursor move; later records about the same key (the subject of an event,
 *     the entry of a change or a task) are held behind it there, so that they
 *     never apply out of order. An operator lists them (rejected.list) and
 *     applies one again after a fix (rejected.retry): exactly once, and the
 *     records held behind it follow in order.
 *   - a record of a kind this build does not know, a log format it does not
 *     know, a log with another identity than the one its cursor belongs to, or
 *     a log that ends below the cursor, or whose record at the cursor is not
 *     the one applied (a restored copy, a wiped data dir, a wrong path): the
 *     puller stops taking records, logs an error naming both sides, says so in
 *     status ("stopped"), and asks again every few seconds in case the cause
 *     goes away.
 */
#ifndef JRP_PULLER_H
#define JRP_PULLER_H
#include <lmdb.h>
#include <stdbool.h>
#include <stdint.h>
#include <uv.h>
#include "msg.h"
#include "records.h"

typedef struct puller puller;

/* what the puller needs of the daemon it runs in */
typedef struct puller_host {
	void *arg;                        /* passed to every call below */
	const char *party;                /* who it pulls as (the daemon's party) */
	const char *endpoint;             /* the upstream */
	uv_loop_t *loop;
	void *zctx;
	MDB_env *env;
	MDB_dbi meta, rejected, rejected_keys;
	unsigned kinds;                   /* record kinds applied (1 << jrp_rec_kind) */
	bool copies;                      /* changes in the upstream log are dispatch's copies */
	bool raw;                         /* records are not records.h kinds (another engine's exchange
	                                   * stream): apply gets rec NULL and decodes raw itself; its
	                                   * JRP_EUNKNOWN stops the puller at that record */
	const char *prefix;               /* before its keys in meta (NULL: ""): one daemon, several pullers */
	const char *request;              /* the fetch request's type (NULL: log.fetch); its reply has
	                                   * log.fetch's shape */
	unsigned format_min, format_max;  /* the formats of that log this build reads (0: JRP_LOG_FORMAT_MIN
	                                   * to JRP_LOG_FORMAT; an exchange stream: X_FORMAT) */
	int coalesce_ms;                  /* > 0: after a batch shorter than a full fetch, wait this long
	                                   * before asking again (fewer, larger commits off the latency path) */
	/* curve - make sock (before its connect) a CURVE client of the upstream, if it is tcp:// */
	void (*curve)(void *arg, void *sock);
	/* write - run fn in a write transaction (growing the map as needed), commit if fn >= 0 */
	int (*write)(void *arg, int (*fn)(void *fnarg, MDB_txn *txn), void *fnarg);
	/* apply - one decoded record inside txn; < 0 with e: refused (JRP_EFULL, JRP_ESTORE: storage) */
	int (*apply)(void *arg, MDB_txn *txn, jrp_rec *rec, const msgpack_object *raw, jrp_error *e);
} puller_host;

puller *puller_new(const puller_host *host);
void puller_free(puller **p);

/* puller_status - {cursor, upstream_log, rejected, stopped?} into the open status map */
void puller_status(puller *p, MDB_txn *txn, mw *out);
/* puller_rejected_list - rejected.list: {records: [...], pending}; all: also those applied since */
int puller_rejected_list(puller *p, MDB_txn *txn, bool all, uint64_t after, uint64_t max, mw *out);
/* puller_retry - rejected.retry {seq}: apply it again (txn is the request's own nested
 * transaction), then what was held behind it; reply fields into out; by: who asked */
int puller_retry(puller *p, MDB_txn *txn, uint64_t seq, const char *by, int64_t now, mw *out, jrp_error *e);

#define PULLER_CURSOR_KEY "cursor"
#define PULLER_PENDING_KEY "rejected_pending"   /* meta: records kept unapplied, pending */

#endif
