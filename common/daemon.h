/*
 * daemon.h - the one daemon skeleton every jrp service runs on
 *
 * A service declares its name, its LMDB databases, its handler table, its
 * upstream log (if it consumes one) and its hooks; daemon_main() does the
 * rest: options (-c CONFIG, -n to check the configuration), config, parties,
 * catalogue, LMDB, the ZeroMQ ROUTER socket polled from the libuv loop,
 * signals, the puller, the deadline timer and clean shutdown; on tcp://
 * endpoints CURVE with a ZAP handler that maps keys to parties (daemon.c).
 *
 * Requests are taken in batches: everything waiting on the socket (up to
 * JRP_MAX_BATCH) runs in one LMDB write transaction, then one commit (one
 * fsync) and only then the replies: a reply that says ok is durable. A handler
 * refuses before it writes (or runs ROUTE_ATOMIC, in its own nested
 * transaction), so a refused request changes nothing. If the map is full the
 * whole batch is redone after growing the map. The files of the skeleton are
 * listed in skel.h.
 *
 * Long-poll: a handler with nothing to return yet answers DAEMON_PARK; the
 * request is kept and run again whenever the outbound log grows, and a last
 * time (r->final) when its wait_ms runs out.
 *
 * A service with ROUTE_READ routes (dispatch's check) also gets a front
 * thread: it owns the socket, answers those routes from a read transaction
 * without waiting for any commit, journals what they leave behind (journal.h),
 * and passes every other request to the loop above, unchanged.
 */
#ifndef JRP_DAEMON_H
#define JRP_DAEMON_H
#include <stdbool.h>
#include <stdint.h>
#include <lmdb.h>
#include <uv.h>
#include "catalog.h"
#include "config.h"
#include "err.h"
#include "msg.h"
#include "parties.h"
#include "records.h"
#include "store.h"
#include "journal.h"

#define DAEMON_PARK 1
#define DB_META 0               /* every service's db 0 is "meta" */

typedef struct jrp_daemon jrp_daemon;

typedef struct jrp_req {
	const char *type;
	const jrp_party *party;  /* NULL only for routes with roles == 0 */
	mr body;                 /* the request map; envelope keys already read */
	bool final;              /* long-poll: the wait is over, answer now */
	int64_t wait_until;      /* long-poll deadline (ms, real time) */
} jrp_req;

/* a handler writes its reply fields into the open map `out`; returns 0,
 * DAEMON_PARK, or a negative code with e filled */
typedef int (*jrp_handler)(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e);

/* A handler's contract: refuse (e filled, return < 0) before it writes anything; once it
 * writes, only storage failures may stop it (the whole batch is then redone or refused), and it
 * calls mr_end(&r->body) before its first write so that an unknown field changes nothing.
 * ROUTE_ATOMIC runs the handler in its own nested transaction instead, for handlers whose
 * refusals may come after writes (a nested transaction costs an LMDB page-list copy). */
/* ROUTE_READ runs the handler on the service's front thread (daemon.c) with a read-only
 * transaction that sees every commit so far, without waiting for the write loop; it may not
 * write, may not park, and leaves records behind with daemon_journal. */
enum { ROUTE_ATOMIC = 1, ROUTE_READ = 2 };

typedef struct jrp_route {
	const char *type;
	jrp_handler fn;
	unsigned roles;          /* ROLE_* any of which may call; 0 = anyone, no party needed */
	unsigned flags;          /* ROUTE_* */
} jrp_route;

typedef struct jrp_service {
	const char *name;                 /* "ingest" ...: data dir, log name, party of this daemon */
	int svc;                          /* SVC_* (endpoint in the config) */
	const char *const *dbs;           /* dbs[0] must be "meta" */
	int ndbs;
	int outlog;                       /* db index of the outbound log, -1 if none */
	const jrp_route *routes;          /* terminated by { NULL } */
	int upstream;                     /* SVC_* whose log this daemon consumes, -1 if none */
	int pull_coalesce_ms;             /* off the latency path: after a short batch, wait this long
	                                   * before pulling again, to commit (fsync) less often */
	unsigned pull_kinds;              /* record kinds of the upstream log this service applies
	                                   * (1 << jrp_rec_kind); changes there are dispatch's copies when
	                                   * the upstream is dispatch */
	/* apply one upstream record, decoded strictly (records.h), inside txn; raw is the record as
	 * the upstream sent it; rec is the hook's to change (scratch, decoded anew for each record) */
	int (*apply)(jrp_daemon *d, MDB_txn *txn, jrp_rec *rec, const msgpack_object *raw, jrp_error *e);
	int (*init)(jrp_daemon *d, MDB_txn *txn, jrp_error *e);
	/* due work at `now`: at most a bounded batch; set *next_due (ms) to the next
	 * due time (INT64_MAX if none); return 1 if more is due now, 0, or < 0 */
	int (*tick)(jrp_daemon *d, MDB_txn *txn, int64_t now, int64_t *next_due);
	void (*status)(jrp_daemon *d, MDB_txn *txn, mw *out);   /* extra status fields */
	/* what status warns about (strings into the open array out): e.g. catalog_calendar_warnings */
	void (*warnings)(const jrp_catalog *cat, int64_t now_ms, mw *out);
	void (*fini)(jrp_daemon *d);
	/* start: the loop is there and the puller started (more sockets and timers of the service's own);
	 * stop: before the loop's last turn (close them) */
	void (*start)(jrp_daemon *d);
	void (*stop)(jrp_daemon *d);
	/* after catalog.reload put a new catalogue in force: re-evaluate what depends on the
	 * old one (old is still valid during the call); write reply fields into out */
	int (*reload)(jrp_daemon *d, MDB_txn *txn, const jrp_catalog *old, mw *out, jrp_error *e);
	/* another log database (> 0) the service serves to anyone (adjudicate's publications): kept
	 * for log_retention_days, then archived like the outbound log (it has no registered consumer);
	 * 0: none (retain.h) */
	int public_log;
} jrp_service;

int daemon_main(int argc, char **argv, const jrp_service *svc);

/* the catalogue in force (on the front thread: the committed one), the parties registry, the
 * service's database idx */
const jrp_catalog *daemon_catalog(jrp_daemon *d);
const jrp_parties *daemon_parties(jrp_daemon *d);
/* daemon_run_dir - run_dir of the configuration (0700, the daemon's own): scratch files go there */
const char *daemon_run_dir(jrp_daemon *d);
MDB_dbi daemon_dbi(jrp_daemon *d, int idx);
/* daemon_log_id - the identity of this daemon's data (32 hex digits): a restore gives a new one (jrp-exchange's
 * is kept: other regions' cursors are on its streams; README "Between regions") */
const char *daemon_log_id(jrp_daemon *d);
/* daemon_dbis - the service's first n databases into out (a rules context's db[]) */
void daemon_dbis(jrp_daemon *d, MDB_dbi *out, int n);

/* daemon_append - append a record to the outbound log at the next seq (returned);
 * parked fetches are woken after the commit */
int daemon_append(jrp_daemon *d, MDB_txn *txn, const mw *rec, uint64_t *seq);
/* daemon_journal - from a ROUTE_READ handler: rec (a map without "seq") goes to the outbound
 * log at the next seq soon after; journaled before the reply is sent, so a killed daemon
 * loses none (journal.h). ref names it ("SEG-OFFSET"); put it in rec and the reply. Call
 * daemon_journal_ref first to learn the ref, then daemon_journal, with no other call between. */
void daemon_journal_ref(jrp_daemon *d, char ref[JOURNAL_REF_MAX]);
int daemon_journal(jrp_daemon *d, const mw *rec);
/* daemon_next_seq - the seq the next daemon_append will use (records embed their own seq) */
int daemon_next_seq(jrp_daemon *d, MDB_txn *txn, uint64_t *seq);

/* daemon_fetch_log - a log.fetch-shaped request ({after, max?, wait_ms?}) on any log db of the
 * service: {records, last}, long-polling when wait_ms is given and nothing is new; archived
 * records are read from their archive (e: one that cannot be read) */
int daemon_fetch_log(jrp_daemon *d, jrp_req *r, MDB_txn *txn, MDB_dbi dbi, int after_opt, mw *out, jrp_error *e);

/* daemon_log_read - the record at seq of a log database (the outbound log, or the public log), from
 * LMDB or, once archived, from its archive file (retain.h): *v points into LMDB, or into *owned
 * (malloc'ed: the caller frees it; NULL when the record came from LMDB). JRP_ENOTFOUND without e:
 * no such record; with e (code not_found): its archive file is missing; JRP_EIO with e: the
 * archive is damaged. Safe on the front thread too. */
int daemon_log_read(jrp_daemon *d, MDB_txn *txn, MDB_dbi dbi, uint64_t seq, MDB_val *v, void **owned, jrp_error *e);
/* daemon_archived_through - the highest seq of log dbi that has left LMDB for the archives (0: none) */
uint64_t daemon_archived_through(jrp_daemon *d, MDB_txn *txn, MDB_dbi dbi);
/* daemon_retention_ms - log_retention_days in ms */
int64_t daemon_retention_ms(jrp_daemon *d);

/* what a service that runs more than the one puller needs of the skeleton (jrp-exchange: a puller per
 * peer region, calls to its own region's daemons) */
uv_loop_t *daemon_loop(jrp_daemon *d);
void *daemon_zctx(jrp_daemon *d);
MDB_env *daemon_env(jrp_daemon *d);
const jrp_config *daemon_config(jrp_daemon *d);
/* daemon_write - run fn in a write transaction outside requests, growing the map as needed; commits
 * if fn returns >= 0; parked long-polls are woken after a commit that moved the outbound log */
int daemon_write(jrp_daemon *d, int (*fn)(void *arg, MDB_txn *txn), void *arg);
/* daemon_curve_client - make sock (before its connect) a CURVE client of a server whose public key is
 * server_pub (Z85), with this daemon's key pair; nothing if the daemon has no key pair (ipc:// only) */
void daemon_curve_client(jrp_daemon *d, void *sock, const char *server_pub);
/* daemon_puller_status - the skeleton's puller's status fields into the open map out */
void daemon_puller_status(jrp_daemon *d, MDB_txn *txn, mw *out);

/* daemon_retick - ask for the tick hook to run soon (e.g. a new deadline was indexed) */
void daemon_retick(jrp_daemon *d);

/* daemon_upstream_curve - make sock (before its connect) a CURVE client of the
 * upstream: this daemon's key pair and KEYS_DIR/<upstream>.pub; nothing when
 * the upstream is ipc:// (DESIGN.md Security) */
void daemon_upstream_curve(jrp_daemon *d, void *sock);

/* handler helpers shared by services */
int req_fail_forbidden(jrp_req *r, jrp_error *e, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* req_period - the request's {from?, to?} (statistics over a period): both or neither, from not after
 * to; *from = *to = 0 when neither. Ends the body (no other field). */
int req_period(jrp_req *r, jrp_date *from, jrp_date *to, jrp_error *e);

#endif
