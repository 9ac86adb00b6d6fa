/*
 * skel.h - the daemon skeleton's own header: its state and the calls between
 * its files. Services include daemon.h, never this.
 *
 *   daemon.c    daemon_main: options, config, stores, sockets, the loop, signals,
 *               deadlines, start and stop
 *   request.c   one request: frames, envelope, authorisation, route, handler, reply
 *   batch.c     the write loop: a batch of requests in one transaction, one commit,
 *               map growth, long-polls parked and woken, writes outside requests
 *   front.c     the front thread of a service with ROUTE_READ routes, and its journal
 *   zap.c       CURVE keys and the ZAP handler (DESIGN.md Security)
 *   builtin.c   the routes every daemon serves: ping, status, metrics, clock.set, log.fetch,
 *               log.seek, catalog.reload, rejected.list, rejected.retry
 *   retain.c    log retention: what leaves LMDB for the archives (archive.c), and reading
 *               it back
 * The puller (puller.h) reaches the skeleton only through its puller_host.
 */
#ifndef JRP_SKEL_H
#define JRP_SKEL_H
#include <pthread.h>
#include "daemon.h"
#include "journal.h"
#include "metrics.h"
#include "notify.h"
#include "proto.h"
#include "puller.h"
#include "zloop.h"

#define MAX_PARKED 4096     /* long-polls waiting at once; more get "busy" */

/* one request from its frames to its reply */
typedef struct job {
	unsigned char rid[256];
	size_t rid_len;
	bool delim;
	char user[40];          /* ZAP User-Id of the connection: its party over CURVE, "" over ipc */
	char *body;
	size_t len;
	jrp_error frame_err;    /* set when the frames themselves are wrong */
	bool frame_bad;
	int parsed;             /* request_parse: 0 not yet, 1 in is the body, -1 perr says why not */
	msg_in in;              /* the body, parsed once (points into body) */
	jrp_error perr;
	int64_t until;          /* long-poll deadline, 0 = not parked */
	bool final;
	bool park;              /* result: keep it */
	bool ok;                /* result: the handler succeeded (needs the commit) */
	bool refused;           /* result: the reply is already a complete error reply */
	mw reply;
	/* metrics.h: when it came in, and the type and result its reply is counted under */
	uint64_t t_recv;        /* metrics_now() when it was taken off the socket */
	int mtype;              /* index into routes, nroutes for METRICS_UNKNOWN; -1 not known yet */
	unsigned mresult;       /* metrics_result of the reply */
} job;

typedef struct parked {
	struct parked *next;
	job *j;
} parked;

struct jrp_daemon {
	const jrp_service *svc;
	jrp_config *cfg;
	jrp_parties *parties;
	jrp_catalog *cat;
	jrp_catalog *prev_cat;   /* replaced by catalog.reload in the batch being run; freed after its commit */
	jrp_parties *prev_parties;   /* replaced by parties.reload in the batch being run; freed after its commit */
	jrp_parties *front_parties;  /* the front thread's: the committed registry */
	store *st;
	jrp_route *routes;       /* the service's routes, then the built-in ones that apply */
	size_t nroutes;
	uv_loop_t *loop;
	void *zctx, *router, *zap;
	zwatch *rw, *zw;
	bool curve;                       /* the endpoint is tcp://: CURVE server */
	char pub[CONFIG_KEY_Z85], sec[CONFIG_KEY_Z85];   /* own key pair (tcp endpoint or tcp upstream) */
	char up_pub[CONFIG_KEY_Z85];      /* the upstream's public key, "" unless it is tcp:// */
	char refused[CONFIG_KEY_Z85];     /* the last key refused by ZAP, for quiet logs */
	int64_t refused_ms;
	unsigned refused_repeats;
	uv_signal_t sigterm, sigint;
	uv_timer_t tick_timer, park_timer;
	puller *pull;
	parked *parked;
	size_t nparked;
	bool woke;           /* the outbound log grew in the transaction just run */
	bool stopping;
	notify_watchdog *wd;     /* WATCHDOG=1 to systemd while the loop turns (notify.h), NULL if not asked */
	int lockfd;
	char log_id[33];         /* the outbound log's identity: 32 hex digits, random at creation */
	job *batch[JRP_MAX_BATCH];
	/* the front thread: services with ROUTE_READ routes (front.c). It owns the ROUTER socket,
	 * answers ROUTE_READ requests from a read transaction and passes every other request (a job
	 * pointer) to the write loop over an inproc PAIR. */
	bool front;
	pthread_t front_tid;
	void *inner, *outer;              /* the PAIR: write loop's end, front's end */
	pthread_rwlock_t front_lock;      /* front: read (its transaction, front_cat); loop: write
	                                   * (growing the map, replacing front_cat) */
	jrp_catalog *front_cat;           /* the catalogue the front answers with: the committed one */
	MDB_txn *rtxn;                    /* front's read transaction, reset between batches */
	journal *jw;                      /* front's journal writer */
	char jdir[4096];
	uv_async_t jasync;                /* front -> loop: the journal grew */
	bool jsignalled;                  /* (atomic) the front has said so since the loop last looked */
	uv_timer_t jtimer;
	struct retain *ret;               /* the retained logs and their archives (retain.h) */
	metrics *metrics;                 /* every reply counted (metrics.h), served by `metrics` */
	const char **route_names;         /* the routes' types, for metrics */
};

/* the skeleton's own databases, after the service's: what a consumer could not apply */
enum { SKEL_DB_REJECTED, SKEL_DB_REJECTED_KEYS, SKEL_DB_ARCHIVE /* retain.h */, SKEL_DB__N };
extern const char *const skel_db_names[SKEL_DB__N];
MDB_dbi skel_dbi(jrp_daemon *d, int skel_db);

extern __thread bool front_thread;   /* this thread is the front (front.c) */

/* request.c */
/* request_recv - the next request on router, taken off the socket at now (metrics_now) */
job *request_recv(void *router, uint64_t now);
int request_parse(job *j);
/* request_run - parse, authorise and handle j inside txn; JRP_EFULL/JRP_ESTORE: the batch must
 * be redone (or refused); 0 otherwise, with j's reply and result flags set */
int request_run(jrp_daemon *d, MDB_txn *txn, job *j);
/* request_fail - j's reply becomes an error reply (type and id kept when readable) */
void request_fail(job *j, const jrp_error *e);
/* request_send - send j's reply on d's ROUTER, counting it (metrics.h) as sent at now */
void request_send(jrp_daemon *d, job *j, uint64_t now);
void request_free(job *j);
const jrp_route *request_route(const jrp_daemon *d, const char *type);

/* batch.c */
void batch_run(jrp_daemon *d, job **jobs, size_t n);
void batch_wake(jrp_daemon *d, bool only_expired);
void batch_on_router(zwatch *w, void *sock, void *arg);
void batch_on_park_timer(uv_timer_t *t);
/* batch_grow - double the map; the front's read transaction is held off meanwhile */
int batch_grow(jrp_daemon *d);
/* batch_write - run fn in a write transaction outside requests (pulled records, deadlines, the
 * journal), growing the map and redoing on map full; commits if fn returns >= 0; returns fn's
 * result or the failure; parked long-polls are woken after a commit that moved the outbound log */
int batch_write(jrp_daemon *d, int (*fn)(void *arg, MDB_txn *txn), void *arg);

/* front.c */
int front_recover(jrp_daemon *d, jrp_error *e);
int front_start(jrp_daemon *d, jrp_error *e);
void front_stop(jrp_daemon *d);
/* front_journal_behind - bytes journaled and not yet in the outbound log */
uint64_t front_journal_behind(jrp_daemon *d, MDB_txn *txn);

/* zap.c */
int zap_keys(jrp_daemon *d, jrp_error *e);
void zap_on_request(zwatch *w, void *sock, void *arg);

/* builtin.c: the built-in routes that apply to d's service into out (at most BUILTIN_ROUTES_MAX) */
#define BUILTIN_ROUTES_MAX 12
size_t builtin_routes_of(const jrp_daemon *d, jrp_route *out);

#endif
