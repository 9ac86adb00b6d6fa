/*
 * request.c - one request: its frames, its envelope, who sends it, its route,
 * its handler, its reply (skel.h)
 *
 * The envelope is read strictly ({v, type, id, party}); over CURVE the key
 * says who is speaking and "party" may only repeat it, over ipc the declared
 * party stands (DESIGN.md Security); the route's roles decide whether the
 * party may send this type. A handler writes its reply fields after "ok":
 * true; a refusal replaces them with the error, keeping v, type and id.
 * Every reply sent is counted (metrics.h) under its route's type, or
 * METRICS_UNKNOWN, and its result.
 */
#include "skel.h"
#include "clock.h"
#include "proto.h"
#include "util/log.h"
#include "util/str.h"
#include "util/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

/* ---- replies ---- */

/* route_index - the metrics label of a type: its route, or METRICS_UNKNOWN (never the client's string) */
static int route_index(const jrp_daemon *d, const char *type)
{
	const jrp_route *r = request_route(d, type);
	return r ? (int)(r - d->routes) : (int)d->nroutes;
}

/* type_of - the metrics label of a request that never reached request_run (its batch failed first) */
static int type_of(const jrp_daemon *d, job *j)
{
	const msgpack_object *t;
	char type[40];
	if (j->frame_bad || request_parse(j) < 0 || !(t = obj_get(j->in.root, "type")) || t->type != MSGPACK_OBJECT_STR ||
	    t->via.str.size >= sizeof type)
		return (int)d->nroutes;
	memcpy(type, t->via.str.ptr, t->via.str.size);
	type[t->via.str.size] = 0;
	return route_index(d, type);
}

void request_send(jrp_daemon *d, job *j, uint64_t now)
{
	void *router = d->router;
	zmq_send(router, j->rid, j->rid_len, ZMQ_SNDMORE | ZMQ_DONTWAIT);
	if (j->delim)
		zmq_send(router, "", 0, ZMQ_SNDMORE | ZMQ_DONTWAIT);
	if (zmq_send(router, mw_data(&j->reply), mw_len(&j->reply), ZMQ_DONTWAIT) < 0)
		log_warn("event=reply_dropped error=\"%s\"", zmq_strerror(zmq_errno()));
	if (j->mtype < 0)
		j->mtype = type_of(d, j);
	metrics_count(d->metrics, (unsigned)j->mtype, j->mresult, now > j->t_recv ? now - j->t_recv : 0);
}

/* write_error - the error into j's reply; the reply is counted under its code */
static void write_error(job *j, const jrp_error *e)
{
	mw *w = &j->reply;
	j->mresult = metrics_result(e->code);
	mw_kbool(w, "ok", false);
	mw_str(w, "error");
	mw_map(w);
	mw_kstr(w, "code", e->code[0] ? e->code : "internal");
	mw_kstr(w, "field", e->field);
	mw_kstr(w, "message", e->message[0] ? e->message : "internal error");
	mw_end(w);
}

/* ---- running one request ---- */

/* request_run - parse, authorise and handle one request inside the batch txn;
 * returns JRP_EFULL if the whole batch must be redone after growing the map */
int request_parse(job *j)
{
	if (!j->parsed)
		j->parsed = msg_parse_ref(j->body, j->len, JRP_MAX_MESSAGE, &j->in, &j->perr) < 0 ? -1 : 1;
	return j->parsed;
}

/* gateway_speaks_for - over CURVE, jrp-gateway's key (a party with role gateway) may name the party its HTTP
 * client authenticated as (a bearer token, README "The HTTP gateway"), any party but a daemon; every other key
 * speaks only for its own party */
static bool gateway_speaks_for(jrp_daemon *d, const char *key_party, const char *party)
{
	const jrp_party *k = parties_find(daemon_parties(d), key_party);
	const jrp_party *p = parties_find(daemon_parties(d), party);

	return k && (k->roles & ROLE_GATEWAY) && p && !(p->roles & ROLE_DAEMON);
}

int request_run(jrp_daemon *d, MDB_txn *txn, job *j)
{
	jrp_error e;
	jrp_req r;
	mr top;
	uint64_t v = 0;
	char type[40] = "", party[40] = "";
	const msgpack_object *id = NULL;
	const jrp_route *route;
	size_t hdr_len;
	uint32_t hdr_cnt;
	MDB_txn *child = NULL;
	int rc;

	memset(&r, 0, sizeof r);
	jrp_error_clear(&e);
	j->ok = j->park = j->refused = false;
	j->mtype = (int)d->nroutes;   /* until its type is read: a request too broken to have one */
	mw_reset(&j->reply);
	mw_map(&j->reply);
	mw_ku64(&j->reply, "v", JRP_PROTO_VERSION);
	if (j->frame_bad) {
		write_error(j, &j->frame_err);
		mw_end(&j->reply);
		j->refused = true;
		return 0;
	}
	if (request_parse(j) < 0) {
		write_error(j, &j->perr);
		mw_end(&j->reply);
		j->refused = true;
		return 0;
	}
	rc = mr_init(&top, j->in.root, "", &e);
	if (rc == 0) {
		/* type and id first, both echoed whenever they can be read, so that a client can match even a
		 * refusal of its request; the first problem is the one reported */
		jrp_error te;
		int trc = mr_cstr(&top, "type", MR_REQ, 32, type), irc;
		te = e;
		if (trc > 0) {
			mw_kstr(&j->reply, "type", type);
			j->mtype = route_index(d, type);
		}
		if ((irc = mr_any(&top, "id", MR_REQ, &id)) > 0) {
			if (!((id->type == MSGPACK_OBJECT_STR && id->via.str.size <= 64) ||
			      id->type == MSGPACK_OBJECT_POSITIVE_INTEGER)) {
				irc = mr_fail(&top, JRP_ERR_WRONG_TYPE, "id", "must be an unsigned integer or a string of at most 64 bytes");
				id = NULL;
			} else {
				mw_kobj(&j->reply, "id", id);
			}
		}
		if (trc < 0) {
			e = te;
			rc = trc;
		} else {
			rc = irc;
		}
	}
	if (rc >= 0 && (rc = mr_u64(&top, "v", MR_REQ, &v)) > 0 && v != JRP_PROTO_VERSION)
		rc = mr_fail(&top, JRP_ERR_BAD_VERSION, "v", "protocol version %llu is not served; this daemon speaks %d",
			     (unsigned long long)v, JRP_PROTO_VERSION);
	if (rc < 0)
		goto error;
	if (!(route = j->mtype < (int)d->nroutes ? &d->routes[j->mtype] : NULL)) {
		jrp_fail(&e, JRP_ERR_UNKNOWN_TYPE, "type", "\"%s\" is not served by jrp-%s", type, d->svc->name);
		goto error;
	}
	/* over CURVE the key says who is speaking: "party" may only repeat it
	 * (DESIGN.md Security); over ipc the declared party stands */
	if (d->curve && !j->user[0]) {
		jrp_fail(&e, JRP_ERR_FORBIDDEN, "party", "this connection has no authenticated key");
		goto error;
	}
	if ((rc = mr_cstr(&top, "party", route->roles && !j->user[0] ? MR_REQ : MR_OPT, 32, party)) < 0)
		goto error;
	if (j->user[0]) {
		if (!party[0]) {
			snprintf(party, sizeof party, "%s", j->user);
		} else if (strcmp(party, j->user) != 0 && !gateway_speaks_for(d, j->user, party)) {
			jrp_fail(&e, JRP_ERR_FORBIDDEN, "party", "this connection's key belongs to party \"%s\"; "
				 "it may not speak as \"%s\"", j->user, party);
			log_warn("event=forbidden key_party=%s party=%s type=%s", j->user, party, type);
			goto error;
		}
	}
	if (party[0]) {
		if (!(r.party = parties_find(daemon_parties(d), party))) {
			jrp_fail(&e, JRP_ERR_UNKNOWN_PARTY, "party", "\"%s\" is not in the parties registry", party);
			goto error;
		}
		if (route->roles && !(r.party->roles & route->roles)) {
			jrp_fail(&e, JRP_ERR_FORBIDDEN, "party", "party \"%s\" may not send %s", party, type);
			log_warn("event=forbidden party=%s type=%s", party, type);
			goto error;
		}
	}
	r.type = type;
	r.body = top;
	r.final = j->final;
	r.wait_until = j->until;
	hdr_len = mw_len(&j->reply);
	hdr_cnt = j->reply.cnt[0];
	mw_kbool(&j->reply, "ok", true);
	if (route->flags & ROUTE_ATOMIC) {
		if ((rc = mdb_txn_begin(store_env(d->st), txn, 0, &child)) != 0) {
			rc = store_rc(rc);
			goto handler_error;
		}
		rc = route->fn(d, &r, child, &j->reply, &e);
	} else {
		rc = route->fn(d, &r, txn, &j->reply, &e);
		/* a storage failure after writes: the batch cannot commit as it is */
		if (rc == JRP_EFULL || rc == JRP_ESTORE) {
			return rc;
		}
	}
	if (rc == 0)
		rc = mr_end(&r.body);
	if (rc == DAEMON_PARK) {
		if (child)
			mdb_txn_abort(child);
		j->park = true;
		j->until = r.wait_until ? r.wait_until : clock_real_ms() + 1000;
		return 0;
	}
	if (rc == 0) {
		if (child) {
			rc = store_rc(mdb_txn_commit(child));
			child = NULL;
		}
		if (rc == 0) {
			mw_end(&j->reply);
			j->ok = true;
			j->mresult = 0;   /* "ok" */
			return 0;
		}
	}
handler_error:
	if (child)
		mdb_txn_abort(child);
	if (rc == JRP_EFULL)
		return JRP_EFULL;
	if (!e.code[0])
		jrp_fail(&e, rc == JRP_EBUSY ? JRP_ERR_BUSY : JRP_ERR_STORAGE, "", "%s", jrp_strerror(rc));
	/* drop what the handler wrote, keep v/type/id */
	j->reply.sb.size = hdr_len;
	j->reply.cnt[0] = hdr_cnt;
	j->reply.depth = 1;
	write_error(j, &e);
	mw_end(&j->reply);
	j->refused = true;
	return 0;
error:
	write_error(j, &e);
	mw_end(&j->reply);
	j->refused = true;
	return 0;
}

void request_free(job *j)
{
	if (j->parsed)
		msg_in_free(&j->in);
	mw_free(&j->reply);
	free(j->body);
	free(j);
}

/* request_fail - the reply of a request whose batch did not commit: its type and id (so
 * the client can match it) and the error */
void request_fail(job *j, const jrp_error *e)
{
	msg_in in;
	jrp_error pe;
	mw_reset(&j->reply);
	mw_map(&j->reply);
	mw_ku64(&j->reply, "v", JRP_PROTO_VERSION);
	if (msg_parse(j->body, j->len, JRP_MAX_MESSAGE, &in, &pe) == 0) {
		const msgpack_object *t = obj_get(in.root, "type"), *id = obj_get(in.root, "id");
		if (t && t->type == MSGPACK_OBJECT_STR)
			mw_kobj(&j->reply, "type", t);
		if (id && (id->type == MSGPACK_OBJECT_POSITIVE_INTEGER || id->type == MSGPACK_OBJECT_STR))
			mw_kobj(&j->reply, "id", id);
	}
	msg_in_free(&in);
	write_error(j, e);
	mw_end(&j->reply);
}

/* ---- receiving ---- */

job *request_recv(void *router, uint64_t now)
{
	zmq_msg_t m;
	job *j;
	int frames = 0, more;
	size_t sz = sizeof more;

	zmq_msg_init(&m);
	if (zmq_msg_recv(&m, router, ZMQ_DONTWAIT) < 0) {
		zmq_msg_close(&m);
		return NULL;
	}
	j = xcalloc(1, sizeof *j);
	mw_init(&j->reply);
	j->t_recv = now;
	j->mtype = -1;
	j->rid_len = zmq_msg_size(&m) < sizeof j->rid ? zmq_msg_size(&m) : sizeof j->rid;
	memcpy(j->rid, zmq_msg_data(&m), j->rid_len);
	for (;;) {
		zmq_getsockopt(router, ZMQ_RCVMORE, &more, &sz);
		if (!more)
			break;
		zmq_msg_close(&m);
		zmq_msg_init(&m);
		if (zmq_msg_recv(&m, router, 0) < 0)
			break;
		frames++;
		if (frames == 1 && zmq_msg_size(&m) == 0) {
			j->delim = true;
		} else if (!j->body && !j->frame_bad) {
			if (zmq_msg_size(&m) > JRP_MAX_MESSAGE) {
				j->frame_bad = true;
				jrp_fail(&j->frame_err, JRP_ERR_TOO_LARGE, "", "message of %zu bytes is over the limit of %d",
					 zmq_msg_size(&m), JRP_MAX_MESSAGE);
			} else {
				const char *uid = zmq_msg_gets(&m, "User-Id");
				if (uid)
					str_copy(j->user, sizeof j->user, uid);
				j->len = zmq_msg_size(&m);
				j->body = xmalloc(j->len ? j->len : 1);
				memcpy(j->body, zmq_msg_data(&m), j->len);
			}
		} else if (!j->frame_bad) {
			j->frame_bad = true;
			jrp_fail(&j->frame_err, JRP_ERR_BAD_MESSAGE, "", "a request is one frame (after an optional empty delimiter); got more");
		}
	}
	zmq_msg_close(&m);
	if (!j->body && !j->frame_bad) {
		j->frame_bad = true;
		jrp_fail(&j->frame_err, JRP_ERR_BAD_MESSAGE, "", "no message body frame");
	}
	return j;
}

/* request_route - the route for type: the service's, then the built-in ones (d->routes, made at start) */
const jrp_route *request_route(const jrp_daemon *d, const char *type)
{
	for (size_t i = 0; i < d->nroutes; i++)
		if (strcmp(d->routes[i].type, type) == 0)
			return &d->routes[i];
	return NULL;
}
