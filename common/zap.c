/*
 * zap.c - CURVE keys and the ZAP handler (DESIGN.md Security; DOMAIN.md
 * Publication and privacy [004 ch.3], access control; skel.h)
 *
 * A tcp:// endpoint is a CURVE server with the daemon's key pair
 * (KEYS_DIR/<daemon>.key). The ZAP handler (inproc, in this daemon's zmq
 * context, polled from the loop) maps a client's public key to its party of
 * the registry and refuses unknown keys; the party is the User-Id of every
 * message of that connection, and a request may speak only as that party.
 * ipc:// sockets (NULL mechanism) are trusted by file permission (0600 socket
 * in a 0700 run dir): the declared party stands.
 */
#include "skel.h"
#include "clock.h"
#include "util/log.h"
#include "util/str.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#define ZAP_FRAMES 8                 /* version, id, domain, address, identity, mechanism, credentials */
#define ZAP_LOG_QUIET_MS 60000       /* the same refused key is logged once a minute (clients retry every 100 ms) */

/* zap_keys - load the keys a tcp:// deployment needs: the own key pair (the
 * server key of a tcp endpoint, the client key towards a tcp upstream) and the
 * upstream's public key; nothing for ipc:// */
int zap_keys(jrp_daemon *d, jrp_error *e)
{
	const jrp_config *c = d->cfg;
	bool up = d->svc->upstream >= 0 && config_is_tcp(c->endpoint[d->svc->upstream]);
	char *path = NULL;
	int rc;

	d->curve = config_is_tcp(c->endpoint[d->svc->svc]);
	if (d->svc->svc == SVC_EXCHANGE)   /* its own key pair is also its identity towards tcp:// peers */
		for (size_t i = 0; i < c->xc.npeers; i++)
			up = up || config_is_tcp(c->xc.peers[i].endpoint);
	if (!d->curve && !up)
		return 0;
	if (!zmq_has("curve"))
		return jrp_fail(e, JRP_ERR_CONFIG, "endpoints", "tcp:// endpoints need CURVE, and this libzmq has no CURVE support");
	path = config_key_path(c, d->svc->name, ".key");
	if ((rc = config_key_read(path, true, d->pub, d->sec, e)) < 0)
		goto out;
	if (up && config_is_tcp(c->endpoint[d->svc->upstream]) &&
	    (rc = config_peer_key(c, svc_names[d->svc->upstream], d->up_pub, e)) < 0)
		goto out;
	if (up) {
		const jrp_party *me = parties_find(d->parties, d->svc->name);
		if (!me || !me->pubkey || strcmp(me->pubkey, d->pub) != 0)
			log_warn("event=key_not_registered party=%s pubkey=%s hint=\"the upstream refuses this daemon "
				 "unless parties.yaml gives party %s this pubkey\"", d->svc->name, d->pub, d->svc->name);
	}
out:
	free(path);
	return rc;
}

void daemon_upstream_curve(jrp_daemon *d, void *sock)
{
	if (!d->up_pub[0])
		return;
	zmq_setsockopt(sock, ZMQ_CURVE_SERVERKEY, d->up_pub, CONFIG_KEY_Z85);
	zmq_setsockopt(sock, ZMQ_CURVE_PUBLICKEY, d->pub, CONFIG_KEY_Z85);
	zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, d->sec, CONFIG_KEY_Z85);
}

/* zap_party - the party whose registered pubkey is this 32-byte key, or NULL; z85 gets the key */
static const jrp_party *zap_party(jrp_daemon *d, const zmq_msg_t *key, char z85[CONFIG_KEY_Z85])
{
	z85[0] = 0;
	if (zmq_msg_size(key) != 32 || !zmq_z85_encode(z85, zmq_msg_data((zmq_msg_t *)key), 32))
		return NULL;
	for (size_t i = 0; i < d->parties->n; i++)
		if (d->parties->v[i].pubkey && strcmp(d->parties->v[i].pubkey, z85) == 0)
			return &d->parties->v[i];
	return NULL;
}

static bool frame_is(zmq_msg_t *m, const char *s)
{
	return zmq_msg_size(m) == strlen(s) && memcmp(zmq_msg_data(m), s, zmq_msg_size(m)) == 0;
}

/* zap_refused_log - one line per refused key and address, then quiet for a while */
static void zap_refused_log(jrp_daemon *d, const char *z85, zmq_msg_t *addr)
{
	int64_t now = clock_real_ms();
	char a[64];
	size_t n = zmq_msg_size(addr) < sizeof a - 1 ? zmq_msg_size(addr) : sizeof a - 1;

	if (strcmp(z85, d->refused) == 0 && now - d->refused_ms < ZAP_LOG_QUIET_MS) {
		d->refused_repeats++;
		return;
	}
	memcpy(a, zmq_msg_data(addr), n);
	a[n] = 0;
	for (size_t i = 0; i < n; i++)
		if (a[i] <= ' ' || a[i] == '"' || a[i] > '~')
			a[i] = '?';
	if (strcmp(z85, d->refused) == 0 && d->refused_repeats)
		log_warn("event=zap_refused key=%s address=%s repeats=%u", z85[0] ? z85 : "-", a, d->refused_repeats);
	else
		log_warn("event=zap_refused key=%s address=%s", z85[0] ? z85 : "-", a);
	snprintf(d->refused, sizeof d->refused, "%s", z85);
	d->refused_ms = now;
	d->refused_repeats = 0;
}

/* zap_on_request - one ZAP request (RFC 27): CURVE key of a registered party -> 200 with
 * the party id as User-Id; NULL (ipc://) -> 200 with an empty User-Id; else 400 */
void zap_on_request(zwatch *w, void *sock, void *arg)
{
	jrp_daemon *d = arg;
	zmq_msg_t f[ZAP_FRAMES];
	int n = 0, more = 1;
	const char *status = "400", *text = "unknown key", *user = "";
	const jrp_party *p;
	char z85[CONFIG_KEY_Z85] = "";

	while (more) {
		zmq_msg_t m;
		zmq_msg_init(&m);
		if (zmq_msg_recv(&m, sock, n == 0 ? ZMQ_DONTWAIT : 0) < 0) {
			zmq_msg_close(&m);
			if (n == 0)
				return;
			break;
		}
		more = zmq_msg_more(&m);
		if (n < ZAP_FRAMES)
			f[n++] = m;
		else
			zmq_msg_close(&m);
	}
	if (n < 6 || !frame_is(&f[0], "1.0")) {
		text = "malformed ZAP request";
		log_warn("event=zap_malformed frames=%d", n);
	} else if (frame_is(&f[5], "NULL")) {
		status = "200";
		text = "OK";
	} else if (frame_is(&f[5], "CURVE") && n >= 7 && (p = zap_party(d, &f[6], z85))) {
		status = "200";
		text = "OK";
		user = p->id;
		log_debug("event=zap_accepted party=%s", p->id);
	} else {
		zap_refused_log(d, z85, &f[3]);
	}
	zmq_send(sock, "1.0", 3, ZMQ_SNDMORE);
	if (n >= 2)
		zmq_send(sock, zmq_msg_data(&f[1]), zmq_msg_size(&f[1]), ZMQ_SNDMORE);
	else
		zmq_send(sock, "", 0, ZMQ_SNDMORE);
	zmq_send(sock, status, strlen(status), ZMQ_SNDMORE);
	zmq_send(sock, text, strlen(text), ZMQ_SNDMORE);
	zmq_send(sock, user, strlen(user), ZMQ_SNDMORE);
	zmq_send(sock, "", 0, 0);
	for (int i = 0; i < n; i++)
		zmq_msg_close(&f[i]);
}

