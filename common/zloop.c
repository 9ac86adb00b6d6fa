/*
 * zloop.c - ZeroMQ sockets in the libuv loop (see zloop.h)
 */
#include "zloop.h"
#include "util/log.h"
#include "util/xalloc.h"
#include <stdlib.h>
#include <zmq.h>

struct zwatch {
	uv_poll_t poll;
	uv_idle_t idle;
	void *zsock;
	zwatch_cb cb;
	void *arg;
	int closing;
};

static void drain(zwatch *w)
{
	for (int round = 0; round < 16; round++) {
		int ev = 0;
		size_t sz = sizeof ev;
		if (w->closing || zmq_getsockopt(w->zsock, ZMQ_EVENTS, &ev, &sz) != 0 || !(ev & ZMQ_POLLIN))
			return;
		w->cb(w, w->zsock, w->arg);
	}
	zwatch_kick(w); /* more may be waiting: come back after other handles had a turn */
}

static void on_poll(uv_poll_t *h, int status, int events)
{
	drain(h->data);
}

static void on_idle(uv_idle_t *h)
{
	uv_idle_stop(h);
	drain(h->data);
}

zwatch *zwatch_new(uv_loop_t *loop, void *zsock, zwatch_cb cb, void *arg)
{
	zwatch *w = xcalloc(1, sizeof *w);
	int fd;
	size_t sz = sizeof fd;
	w->zsock = zsock;
	w->cb = cb;
	w->arg = arg;
	if (zmq_getsockopt(zsock, ZMQ_FD, &fd, &sz) != 0) {
		log_error("event=zmq_fd_failed error=\"%s\"", zmq_strerror(zmq_errno()));
		abort();
	}
	uv_poll_init(loop, &w->poll, fd);
	uv_idle_init(loop, &w->idle);
	w->poll.data = w->idle.data = w;
	uv_poll_start(&w->poll, UV_READABLE, on_poll);
	zwatch_kick(w);
	return w;
}

void zwatch_kick(zwatch *w)
{
	if (!w->closing)
		uv_idle_start(&w->idle, on_idle);
}

static void on_closed(uv_handle_t *h)
{
	zwatch *w = h->data;
	if (++w->closing == 3)
		free(w);
}

void zwatch_free(zwatch **wp)
{
	zwatch *w = *wp;
	if (!w)
		return;
	w->closing = 1;
	uv_poll_stop(&w->poll);
	uv_idle_stop(&w->idle);
	uv_close((uv_handle_t *)&w->poll, on_closed);
	uv_close((uv_handle_t *)&w->idle, on_closed);
	*wp = NULL;
}
