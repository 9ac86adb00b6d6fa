/*
 * upstream.c - the gateway's side of the jrp protocol: one DEALER per daemon, requests in flight
 *
 * Requests of every HTTP client share the daemon's socket and are told apart by their id (a
 * counter of this process). ZMQ_IMMEDIATE: a request is never queued for a daemon that is not
 * connected; the HTTP client gets 503 at once instead of a request that might run much later.
 * A request not answered by its deadline (GW_TIMEOUT_MS beyond a long-poll's wait) is answered
 * 504; a reply that comes after that finds no request in flight and is dropped (logged).
 */
#include "gw.h"
#include "clock.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "zloop.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#define NBUCKET 1024

typedef struct pend {
	uint64_t id;
	hreq *h;
	size_t slot;
	int64_t deadline;
	struct pend *next;      /* in its bucket */
} pend;

typedef struct up {
	int svc;
	void *sock;
	zwatch *w;
	pend *bucket[NBUCKET];
	size_t inflight;
} up;

static uint64_t next_id = 1;

uint64_t up_next_id(void) { return next_id++; }

static void on_reply(zwatch *w, void *sock, void *arg)
{
	up *u = arg;
	gw *g = NULL;
	zmq_msg_t m;
	msg_in in;
	jrp_error e;
	(void)w;
	zmq_msg_init(&m);
	if (zmq_msg_recv(&m, sock, ZMQ_DONTWAIT) < 0) {
		zmq_msg_close(&m);
		return;
	}
	if (msg_parse(zmq_msg_data(&m), zmq_msg_size(&m), 64u << 20, &in, &e) < 0) {
		log_warn("event=bad_reply daemon=%s error=\"%s\"", svc_names[u->svc], e.message);
		msg_in_free(&in);
		zmq_msg_close(&m);
		return;
	}
	zmq_msg_close(&m);
	uint64_t id = obj_u64(in.root, "id");
	pend **pp = &u->bucket[id % NBUCKET], *p;
	for (; (p = *pp); pp = &p->next)
		if (p->id == id)
			break;
	if (!p) {
		log_info("event=late_reply daemon=%s id=%llu", svc_names[u->svc], (unsigned long long)id);
		msg_in_free(&in);
		return;
	}
	*pp = p->next;
	u->inflight--;
	hreq *h = p->h;
	size_t s = p->slot;
	free(p);
	g = h->g;
	h->slots[s].reply = in;   /* msg_in points into itself: root follows the copy */
	h->slots[s].reply.root = &h->slots[s].reply.up.data;
	h->slots[s].have_reply = true;
	h->slots[s].id = 0;
	h->waiting--;
	routes_reply(h, s);
	http_run(g);
}

static void *open_sock(gw *g, int svc, jrp_error *e)
{
	const char *ep = g->cfg->endpoint[svc];
	int one = 1, zero = 0, hwm = 100000;
	void *s = zmq_socket(g->zctx, ZMQ_DEALER);

	zmq_setsockopt(s, ZMQ_LINGER, &zero, sizeof zero);
	zmq_setsockopt(s, ZMQ_IMMEDIATE, &one, sizeof one);
	zmq_setsockopt(s, ZMQ_SNDHWM, &hwm, sizeof hwm);
	zmq_setsockopt(s, ZMQ_RCVHWM, &hwm, sizeof hwm);
	if (config_is_tcp(ep)) {
		char server_pub[CONFIG_KEY_Z85];
		if (!g->have_key) {
			jrp_fail(e, "config", "gateway.party", "jrp-%s listens on %s, which takes only CURVE clients: the "
				 "gateway needs its key pair %s/%s.key (jrpctl keys new %s) and that party in parties.yaml "
				 "with role gateway and its pubkey", svc_names[svc], ep, g->cfg->keys_dir, g->cfg->gw.party,
				 g->cfg->gw.party);
			zmq_close(s);
			return NULL;
		}
		if (config_peer_key(g->cfg, svc_names[svc], server_pub, e) < 0) {
			zmq_close(s);
			return NULL;
		}
		zmq_setsockopt(s, ZMQ_CURVE_SERVERKEY, server_pub, 40);
		zmq_setsockopt(s, ZMQ_CURVE_PUBLICKEY, g->key_pub, 40);
		zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, g->key_sec, 40);
	}
	if (zmq_connect(s, ep) < 0) {
		jrp_fail(e, "config", svc_names[svc], "cannot connect to %s: %s", ep, zmq_strerror(errno));
		zmq_close(s);
		return NULL;
	}
	return s;
}

int up_open(gw *g, jrp_error *e)
{
	g->zctx = zmq_ctx_new();
	for (int i = 0; i < SVC__N; i++) {
		up *u = xcalloc(1, sizeof *u);
		u->svc = i;
		g->up[i] = u;
		if (!(u->sock = open_sock(g, i, e)))
			return -1;
		u->w = zwatch_new(g->loop, u->sock, on_reply, u);
	}
	return 0;
}

void up_close(gw *g)
{
	for (int i = 0; i < SVC__N; i++) {
		up *u = g->up[i];
		if (!u)
			continue;
		for (size_t b = 0; b < NBUCKET; b++)
			while (u->bucket[b]) {
				pend *p = u->bucket[b];
				u->bucket[b] = p->next;
				free(p);
			}
		zwatch_free(&u->w);
		if (u->sock)
			zmq_close(u->sock);
		free(u);
		g->up[i] = NULL;
	}
	if (g->zctx)
		zmq_ctx_term(g->zctx);
	g->zctx = NULL;
}

int up_send(gw *g, hreq *h, size_t s, const char *data, size_t len, uint64_t id, int timeout_ms)
{
	up *u = g->up[h->slots[s].svc];
	if (zmq_send(u->sock, data, len, ZMQ_DONTWAIT) < 0) {
		snprintf(h->slots[s].err, sizeof h->slots[s].err, "jrp-%s is not answering (%s)",
			 svc_names[u->svc], errno == EAGAIN ? "not connected" : zmq_strerror(errno));
		return -1;
	}
	zwatch_kick(u->w);
	pend *p = xcalloc(1, sizeof *p);
	p->id = id;
	p->h = h;
	p->slot = s;
	p->deadline = clock_real_ms() + timeout_ms;
	p->next = u->bucket[id % NBUCKET];
	u->bucket[id % NBUCKET] = p;
	u->inflight++;
	h->slots[s].id = id;
	h->waiting++;
	return 0;
}

/* take - remove the requests matching (h, or every expired one when h is NULL) */
static void sweep(gw *g, hreq *h, int64_t now)
{
	for (int i = 0; i < SVC__N; i++) {
		up *u = g->up[i];
		if (!u || !u->inflight)
			continue;
		for (size_t b = 0; b < NBUCKET; b++) {
			pend **pp = &u->bucket[b], *p;
			while ((p = *pp)) {
				if (h ? p->h != h : p->deadline > now) {
					pp = &p->next;
					continue;
				}
				*pp = p->next;
				u->inflight--;
				hreq *ph = p->h;
				size_t s = p->slot;
				free(p);
				ph->slots[s].id = 0;
				ph->waiting--;
				if (!h) {
					ph->slots[s].timed_out = true;
					snprintf(ph->slots[s].err, sizeof ph->slots[s].err,
						 "no reply from jrp-%s in time", svc_names[i]);
					log_warn("event=upstream_timeout daemon=%s", svc_names[i]);
					routes_reply(ph, s);
				}
			}
		}
	}
}

void up_tick(gw *g)
{
	sweep(g, NULL, clock_real_ms());
	http_run(g);
}

void up_forget(gw *g, hreq *h)
{
	if (h->waiting)
		sweep(g, h, 0);
}
