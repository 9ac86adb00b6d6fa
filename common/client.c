/*
 * client.c - synchronous DEALER client (see client.h)
 *
 * Over tcp:// the socket is a CURVE client (client_new_curve): the daemon's
 * ZAP handler knows the party by its key (DESIGN.md Security).
 */
#include "client.h"
#include "proto.h"
#include "clock.h"
#include "util/xalloc.h"
#include <stdbool.h>
#include <string.h>
#include <zmq.h>

#define KEY_Z85 41     /* a Z85 CURVE key with its NUL */

struct jrp_client {
	void *zctx, *sock;
	char *endpoint;
	bool curve;
	char server_pub[KEY_Z85], pub[KEY_Z85], sec[KEY_Z85];
};

/* request ids are unique in the process, so a request may be built before
 * the client that sends it (client_begin with c == NULL) */
static uint64_t next_id = 1, last_id;

static void open_socket(jrp_client *c)
{
	int lin = 0;
	c->sock = zmq_socket(c->zctx, ZMQ_DEALER);
	zmq_setsockopt(c->sock, ZMQ_LINGER, &lin, sizeof lin);
	if (c->curve) {
		zmq_setsockopt(c->sock, ZMQ_CURVE_SERVERKEY, c->server_pub, KEY_Z85);
		zmq_setsockopt(c->sock, ZMQ_CURVE_PUBLICKEY, c->pub, KEY_Z85);
		zmq_setsockopt(c->sock, ZMQ_CURVE_SECRETKEY, c->sec, KEY_Z85);
	}
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

/* client_key_ok - 40 Z85 characters */
static bool client_key_ok(const char *z85)
{
	uint8_t bin[32];
	return z85 && strlen(z85) == KEY_Z85 - 1 && zmq_z85_decode(bin, z85) != NULL;
}

jrp_client *client_new_curve(const char *endpoint, const char *server_pub_z85, const char *client_pub_z85,
			     const char *client_sec_z85)
{
	jrp_client *c;
	if (!client_key_ok(server_pub_z85) || !client_key_ok(client_pub_z85) || !client_key_ok(client_sec_z85))
		return NULL;
	c = xcalloc(1, sizeof *c);
	c->zctx = zmq_ctx_new();
	c->endpoint = xstrdup(endpoint);
	c->curve = true;
	memcpy(c->server_pub, server_pub_z85, KEY_Z85);
	memcpy(c->pub, client_pub_z85, KEY_Z85);
	memcpy(c->sec, client_sec_z85, KEY_Z85);
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
	memset(c->sec, 0, sizeof c->sec);
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

/* next_reply - the next reply that parses, or JRP_ETIMEOUT at `until` (reply then empty, freeable) */
static int next_reply(jrp_client *c, int64_t until, msg_in *reply)
{
	for (;;) {
		zmq_pollitem_t pi = { c->sock, 0, ZMQ_POLLIN, 0 };
		int64_t left = until - clock_real_ms();
		zmq_msg_t m;
		jrp_error e;
		int rc;
		if (left <= 0 || zmq_poll(&pi, 1, (long)left) <= 0) {
			msgpack_unpacked_init(&reply->up);
			reply->root = NULL;
			reply->own = NULL;
			return JRP_ETIMEOUT;
		}
		zmq_msg_init(&m);
		if (zmq_msg_recv(&m, c->sock, 0) < 0) {
			zmq_msg_close(&m);
			continue;
		}
		rc = msg_parse(zmq_msg_data(&m), zmq_msg_size(&m), 64u << 20, reply, &e);
		zmq_msg_close(&m);
		if (rc == 0)
			return 0;
		msg_in_free(reply);
	}
}

/* await - receive until a reply with id `want` (0 = any) or the timeout */
static int await(jrp_client *c, uint64_t want, int timeout_ms, msg_in *reply, jrp_error *e)
{
	int64_t until = clock_real_ms() + timeout_ms;
	for (;;) {
		if (next_reply(c, until, reply) != 0) {
			/* a fresh socket, so that a late reply cannot be taken for the next request's */
			zmq_close(c->sock);
			open_socket(c);
			jrp_fail(e, "timeout", "", "no reply from %s within %d ms (is the daemon running?)", c->endpoint,
				 timeout_ms);
			return JRP_ETIMEOUT;
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
		return JRP_EREPLY;
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

uint64_t client_send(jrp_client *c, mw *w)
{
	uint64_t id = last_id;
	mw_end(w);
	return zmq_send(c->sock, mw_data(w), mw_len(w), 0) < 0 ? 0 : id;
}

int client_recv(jrp_client *c, int timeout_ms, msg_in *reply)
{
	return next_reply(c, clock_real_ms() + timeout_ms, reply);
}
