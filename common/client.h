/*
 * client.h - a synchronous request/reply client over a ZeroMQ DEALER socket
 *
 * Used by jrpctl, the integration tests and benchmarks. client_begin() opens
 * the request map with v, type, a fresh id and the party; the caller adds its
 * fields and calls client_call(), which sends, waits for the reply carrying the
 * same id (stale replies of earlier timed-out requests are skipped), and
 * returns 0 for ok:true or JRP_EREPLY with the error reply in *e (its wire code in
 * e->code). The reply is always the caller's to free (msg_in_free), whatever the return.
 *
 * client_new() is for ipc:// (trusted by file permission); a tcp:// daemon
 * takes only CURVE clients whose public key is a party's in parties.yaml:
 * client_new_curve() with the daemon's public key and the party's key pair
 * (keys as 40-character Z85 strings). The daemon then knows the party from
 * the key: "party" may be left out, and any other party is refused.
 */
#ifndef JRP_CLIENT_H
#define JRP_CLIENT_H
#include <stdint.h>
#include "msg.h"

typedef struct jrp_client jrp_client;

jrp_client *client_new(const char *endpoint);
/* client_new_curve - a CURVE client; NULL if a key is not 40 Z85 characters */
jrp_client *client_new_curve(const char *endpoint, const char *server_pub_z85, const char *client_pub_z85,
			     const char *client_sec_z85);
void client_free(jrp_client **c);
/* client_begin - mw_map + v/type/id/party (party may be NULL); caller adds
 * fields. c may be NULL; the next client_call sends the request last begun. */
void client_begin(jrp_client *c, mw *w, const char *type, const char *party);
/* client_call - close the map opened by client_begin, send, await the reply: 0 (ok), JRP_EREPLY
 * (an error reply: *e), JRP_ETIMEOUT, JRP_EIO. reply is always the caller's to msg_in_free */
int client_call(jrp_client *c, mw *w, int timeout_ms, msg_in *reply, jrp_error *e);
/* client_send_raw - send arbitrary bytes as one frame (tests of bad input) and wait for any reply */
int client_send_raw(jrp_client *c, const void *buf, size_t len, int timeout_ms, msg_in *reply, jrp_error *e);
void *client_socket(jrp_client *c);

/* pipelining (many requests in flight on one socket; replies come in commit order):
 * client_send closes the map begun by client_begin, sends it, and returns its id (0 on failure);
 * client_recv takes the next reply, whatever its id: 0 (reply filled: look at "ok" and "id"),
 * or JRP_ETIMEOUT (the socket stays as it is) */
uint64_t client_send(jrp_client *c, mw *w);
int client_recv(jrp_client *c, int timeout_ms, msg_in *reply);

#endif
