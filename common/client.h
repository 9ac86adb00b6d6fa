/*
 * client.h - a synchronous request/reply client over a ZeroMQ DEALER socket
 *
 * Used by jrpctl, the integration tests and benchmarks. client_begin() opens
 * the request map with v, type, a fresh id and the party; the caller adds its
 * fields and calls client_call(), which sends, waits for the reply carrying the
 * same id (stale replies of earlier timed-out requests are skipped), and
 * returns 0 for ok:true or JRP_EINVAL with the error reply in *e.
 */
#ifndef JRP_CLIENT_H
#define JRP_CLIENT_H
#include <stdint.h>
#include "msg.h"

typedef struct jrp_client jrp_client;

jrp_client *client_new(const char *endpoint);
void client_free(jrp_client **c);
/* client_begin - mw_map + v/type/id/party (party may be NULL); caller adds
 * fields. c may be NULL; the next client_call sends the request last begun. */
void client_begin(jrp_client *c, mw *w, const char *type, const char *party);
/* client_call - close the map opened by client_begin, send, await the reply.
 * reply must be msg_in_free'd by the caller whenever the return is 0 or JRP_EINVAL */
int client_call(jrp_client *c, mw *w, int timeout_ms, msg_in *reply, jrp_error *e);
/* client_send_raw - send arbitrary bytes as one frame (tests of bad input) and wait for any reply */
int client_send_raw(jrp_client *c, const void *buf, size_t len, int timeout_ms, msg_in *reply, jrp_error *e);
void *client_socket(jrp_client *c);

#endif
