/*
 * zloop.h - ZeroMQ sockets polled from the libuv loop
 *
 * A ZeroMQ socket's ZMQ_FD is edge-triggered and only says "look at
 * ZMQ_EVENTS": the watcher drains while ZMQ_EVENTS has POLLIN, a bounded
 * number of rounds per wakeup (so one busy socket cannot starve the loop),
 * and zwatch_kick() schedules another look after the socket was used
 * elsewhere (a send can consume the edge).
 */
#ifndef JRP_ZLOOP_H
#define JRP_ZLOOP_H
#include <uv.h>

typedef struct zwatch zwatch;
/* cb - called while the socket has input; must receive at least one message */
typedef void (*zwatch_cb)(zwatch *w, void *zsock, void *arg);

zwatch *zwatch_new(uv_loop_t *loop, void *zsock, zwatch_cb cb, void *arg);
void zwatch_kick(zwatch *w);
/* zwatch_free - stop watching (the uv handles close on the next loop turn); the socket stays open */
void zwatch_free(zwatch **w);

#endif
