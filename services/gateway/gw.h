/*
 * gw.h - jrp-gateway: HTTP/1.1 + JSON outside, the jrp protocol inside (README "The HTTP gateway")
 *
 * One libuv loop runs everything: libmicrohttpd in external-epoll mode (its epoll fd is a uv_poll
 * handle, its timeout a uv_timer), and one ZeroMQ DEALER per daemon (zloop.h). An HTTP request is
 * read whole, authenticated (a bearer token whose SHA-256 is a party's in parties.yaml), turned
 * into one or more protocol requests (the route table, routes.c), and its connection suspended
 * until the replies are in; the JSON answer is the reply's fields, the HTTP status its error code.
 * The gateway holds no state of its own but counters: what it answers comes from the daemons.
 *
 *   main.c      configuration, parties, the loop, signals, service manager
 *   http.c      libmicrohttpd in the loop; reading requests, answering them
 *   upstream.c  the DEALER sockets, requests in flight, timeouts
 *   routes.c    the route table: paths to protocol types, JSON to msgpack and back
 *   metrics.c   GET /metrics (Prometheus text format), /healthz, /readyz
 *   export.c    GET /v1/export/{table}: the dashboard's tables as CSV or XLSX
 *   static.c    the dashboard's files and the OpenAPI document, compiled in
 */
#ifndef JRP_GW_H
#define JRP_GW_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <microhttpd.h>
#include <msgpack.h>
#include <uv.h>
#include "config.h"
#include "err.h"
#include "msg.h"
#include "parties.h"

#define GW_MAX_BODY (256u << 10)        /* one JSON request: the protocol's frame limit */
#define GW_MAX_BULK (64u << 20)         /* an NDJSON or CSV upload */
#define GW_BULK_WINDOW 64               /* records of an upload in flight at once */
#define GW_MAX_BATCH 1000               /* checks in one POST /v1/checks */
#define GW_TIMEOUT_MS 10000             /* a daemon's reply, beyond a long-poll's own wait */

typedef struct gw gw;
typedef struct hreq hreq;
struct route;

/* one protocol request of an HTTP request (most have one; a batch check, /metrics many) */
typedef struct slot {
	int svc;                 /* SVC_* */
	uint64_t id;             /* 0: not sent yet / answered */
	msg_in reply;            /* kept until the HTTP request is answered (multi routes) */
	bool have_reply;
	bool timed_out;
	char err[160];           /* why there is no reply (unavailable, timeout) */
} slot;

struct hreq {
	gw *g;
	struct MHD_Connection *conn;
	const struct route *rt;
	char method[8];
	char *body;
	size_t len, cap;
	bool body_too_large;
	bool suspended;
	bool answered;           /* the response is ready (status, resp) */
	int64_t t0;              /* ms */
	const jrp_party *party;  /* from the token; NULL for open routes */
	char party_id[40];
	char param[2][128];      /* path parameters, in the route's order */
	/* the response */
	unsigned status;
	char *resp;
	size_t resp_len;
	const char *ctype;
	char *disposition;       /* Content-Disposition of an export */
	/* the protocol requests */
	slot *slots;
	size_t nslots, waiting;
	/* an upload: lines or rows sent GW_BULK_WINDOW at a time */
	struct bulk *bulk;
	struct export *exp;      /* an export: the table being laid out (export.c) */
	hreq *next_live;         /* every hreq waiting on the daemons (shutdown resumes them) */
	hreq *prev_live;
};

struct gw {
	uv_loop_t *loop;
	jrp_config *cfg;
	jrp_parties *parties;
	char parties_mtime[64];
	struct MHD_Daemon *mhd;
	uv_poll_t mhd_poll;
	uv_timer_t mhd_timer;
	uv_timer_t tick;          /* timeouts of requests in flight, once a second */
	uv_signal_t sigterm, sigint, sighup;
	void *zctx;
	struct up *up[SVC__N];
	hreq *live;
	uint16_t port;
	bool stopping;
	int64_t started_ms;       /* clock_real_ms() (monotonic) at the start: uptime */
	int64_t started_unix;     /* time(NULL) at the start: jrp_gateway_start_time_seconds */
	char key_pub[41], key_sec[41];
	bool have_key;
	/* the gateway's own counters (metrics.c) */
	struct gwstats *st;
};

/* upstream.c */
int up_open(gw *g, jrp_error *e);
void up_close(gw *g);
/* up_send - send the request in w (a closed map: v, type, id, party, fields; its id is *id) for slot s
 * of h; 0, or -1 with s->err set (the daemon's queue is full or it is not connected) */
int up_send(gw *g, hreq *h, size_t s, const char *data, size_t len, uint64_t id, int timeout_ms);
uint64_t up_next_id(void);
void up_tick(gw *g);
void up_forget(gw *g, hreq *h);     /* the HTTP request went away: drop its requests in flight */

/* http.c */
int http_start(gw *g, jrp_error *e);
void http_stop(gw *g);
void http_finish(hreq *h);          /* the response is set: resume the connection */
void http_run(gw *g);               /* let libmicrohttpd do what it can now */
void http_set_json(hreq *h, unsigned status, char *json, size_t len);   /* takes json */
void http_error(hreq *h, unsigned status, const char *code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* routes.c */
/* routes_handle - route h (method, url, body read whole): answers at once (http_error...) or sends its
 * protocol requests (the answer comes from routes_reply) */
void routes_handle(hreq *h, const char *url);
/* routes_reply - slot s of h has its reply (or s->err) */
void routes_reply(hreq *h, size_t s);
unsigned routes_status(const char *code);
void routes_free(hreq *h);          /* what routes_handle kept (an upload's state) */
/* routes_json_reply - a reply map as the JSON answer's body: its fields without v, type, id */
char *routes_json_reply(const msgpack_object *reply, size_t *len);
/* routes_begin - a protocol request: {v, type, id, party?}; the caller adds fields and mw_end()s */
uint64_t routes_begin(mw *w, const char *type, const char *party);
/* routes_open - the route table's entry for the static and metrics paths, for http.c's accounting */
const char *routes_name(const hreq *h);

/* metrics.c */
typedef struct gwstats gwstats;
gwstats *gwstats_new(void);
void gwstats_free(gwstats **s);
void gwstats_count(gw *g, const char *route, unsigned status, double seconds);
void metrics_start(hreq *h);        /* GET /metrics: ask every daemon, then render */
void metrics_render(hreq *h);
void health_ready_start(hreq *h);   /* GET /readyz */
void health_ready_render(hreq *h);

/* export.c */
void export_start(hreq *h);         /* GET /v1/export/{table}: ask the daemons what the table lays out */
void export_render(hreq *h);        /* every reply in: the next page of overdue.list, or the file */
void export_free(hreq *h);          /* what export_start kept */

/* static.c */
typedef struct gw_file {
	const char *path;        /* "/dashboard/index.html" */
	const char *ctype;
	const unsigned char *data;
	size_t len;
} gw_file;
const gw_file *static_find(const char *path);

/* party_by_token - the party whose stored hash is SHA-256(token), or NULL */
const jrp_party *gw_token_party(gw *g, const char *token);
void gw_parties_refresh(gw *g);
/* gw_cert_party - over HTTPS with client_ca: the party whose certs hold the fingerprint of the client's
 * certificate, verified against the CA; NULL otherwise */
const jrp_party *gw_cert_party(gw *g, struct MHD_Connection *conn);

#endif
