/*
 * client.c - synchronous DEALER client (see client.h)
 */
#include "client.h"
#include "proto.h"
#include "clock.h"
#include "util/xalloc.h"
#include <string.h>
#include <zmq.h>

struct jrp_client {
	void *zctx, *sock;
	char *endpoint;
};

/* request ids are unique in the process, so a request may be built before
 * the client that sends it (client_begin with c == NULL) */
static uint64_t next_id = 1, last_id;

static void open_socket(jrp_client *c)
{
	int lin = 0;
	c->sock = zmq_socket(c->zctx, ZMQ_DEALER);
	zmq_setsockopt(c->sock, ZMQ_LINGER, &lin, sizeof lin);
	zmq_connect(c->sock, c->endpoint);
}

jrp_client *client_new(const char *endpoint)
{
	jrp_client *c = xcalloc(1, sizeof *c);
	c->zctx = zmq_ctx_new();
	c->endpoint = xstrdup(endpoint);
	open_socket(c);
	return c;
}

void client_free(jrp_client **cp)
{
	jrp_client *c = *cp;
	if (!c)
		return;
	zmq_close(c->sock);
	zmq_ctx_term(c->zctx);
	free(c->endpoint);
	free(c);
	*cp = NULL;
}

void *client_socket(jrp_client *c) { return c->sock; }

void client_begin(jrp_client *c, mw *w, const char *type, const char *party)
{
	mw_reset(w);
	mw_map(w);
	mw_ku64(w, "v", JRP_PROTO_VERSION);
	mw_kstr(w, "type", type);
	(void)c;
	last_id = next_id++;
	mw_ku64(w, "id", last_id);
	if (party)
		mw_kstr(w, "party", party);
}

/* await - receive until a reply with id `want` (0 = any) or the timeout */
static int await(jrp_client *c, uint64_t want, int timeout_ms, msg_in *reply, jrp_error *e)
{
	int64_t until = clock_real_ms() + timeout_ms;
	for (;;) {
		zmq_pollitem_t pi = { c->sock, 0, ZMQ_POLLIN, 0 };
		int64_t left = until - clock_real_ms();
		zmq_msg_t m;
		int rc;
		if (left <= 0 || zmq_poll(&pi, 1, (long)left) <= 0) {
			/* a fresh socket, so that a late reply cannot be taken for the next request's */
			zmq_close(c->sock);
			open_socket(c);
			msgpack_unpacked_init(&reply->up);
			reply->root = NULL;
			reply->own = NULL;
			jrp_fail(e, "timeout", "", "no reply from %s within %d ms (is the daemon running?)", c->endpoint,
				 timeout_ms);
			return JRP_ETIMEOUT;
		}
		zmq_msg_init(&m);
		if (zmq_msg_recv(&m, c->sock, 0) < 0) {
			zmq_msg_close(&m);
			continue;
		}
		rc = msg_parse(zmq_msg_data(&m), zmq_msg_size(&m), 64u << 20, reply, e);
		zmq_msg_close(&m);
		if (rc < 0) {
			msg_in_free(reply);
			continue;
		}
		if (want && obj_u64(reply->root, "id") != want) {
			msg_in_free(reply);
			continue;
		}
		if (obj_bool(reply->root, "ok"))
			return 0;
		{
			const msgpack_object *err = obj_get(reply->root, "error");
			char code[32], field[128], msg[384];
			jrp_fail(e, obj_cstr(err, "code", code, sizeof code), obj_cstr(err, "field", field, sizeof field),
				 "%s", obj_cstr(err, "message", msg, sizeof msg));
		}
		return JRP_EINVAL;
	}
}

int client_call(jrp_client *c, mw *w, int timeout_ms, msg_in *reply, jrp_error *e)
{
	uint64_t id = last_id;
	mw_end(w);
	if (zmq_send(c->sock, mw_data(w), mw_len(w), 0) < 0) {
		msgpack_unpacked_init(&reply->up);
		reply->root = NULL;
		reply->own = NULL;
		jrp_fail(e, "io", "", "send failed: %s", zmq_strerror(zmq_errno()));
		return JRP_EIO;
	}
	return await(c, id, timeout_ms, reply, e);
}

int client_send_raw(jrp_client *c, const void *buf, size_t len, int timeout_ms, msg_in *reply, jrp_error *e)
{
	zmq_send(c->sock, buf, len, 0);
	return await(c, 0, timeout_ms, reply, e);
}
