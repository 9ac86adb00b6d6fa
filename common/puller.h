/*
 * puller.h - a consumer of an upstream daemon's outbound log
 *
 * Asks the upstream for "records after my cursor" (log.fetch, long-poll),
 * applies each batch with the service's apply hook and stores the new cursor
 * in the same transaction (daemon_write), then asks again. Nothing depends on
 * the upstream being up: a request that gets no answer in time is sent again
 * on a fresh socket, and a restarted consumer starts from its stored cursor.
 */
#ifndef JRP_PULLER_H
#define JRP_PULLER_H
#include <stdbool.h>
#include <stdint.h>

typedef struct jrp_daemon jrp_daemon;
typedef struct puller puller;

#define PULLER_CURSOR_KEY "cursor"

/* puller_new - coalesce_ms > 0: after a batch shorter than a full fetch, wait that long before
 * asking again (fewer, larger commits for a consumer that is off the latency path) */
puller *puller_new(jrp_daemon *d, const char *endpoint, int coalesce_ms, unsigned kinds, bool copies);
void puller_free(puller **p);
/* puller_cursor - the cursor as of the last commit */
uint64_t puller_cursor(const puller *p);

#endif
