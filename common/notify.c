/*
 * notify.c - systemd's notify protocol in a few lines (see notify.h)
 */
#include "notify.h"
#include "util/xalloc.h"
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

struct notify_watchdog {
	uv_timer_t timer;
};

int notify_send(const char *msg)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t n;
	socklen_t len;
	ssize_t w;
	int fd, err;

	if (!path || !*path)
		return 0;
	n = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || n >= sizeof sa.sun_path) {
		errno = EINVAL;
		return -1;
	}
	memcpy(sa.sun_path, path, n);
	if (path[0] == '@')
		sa.sun_path[0] = 0;   /* abstract: the name is every byte given, no terminating NUL */
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	do
		w = sendto(fd, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&sa, len);
	while (w < 0 && errno == EINTR);
	err = errno;
	close(fd);
	errno = err;
	return w < 0 ? -1 : 0;
}

int notify_sendf(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (!getenv("NOTIFY_SOCKET"))
		return 0;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return notify_send(buf);
}

uint64_t notify_watchdog_usec(void)
{
	const char *us = getenv("WATCHDOG_USEC"), *pid = getenv("WATCHDOG_PID");
	unsigned long long v;
	char *end;

	if (!us || !*us)
		return 0;
	if (pid && *pid) {
		errno = 0;
		v = strtoull(pid, &end, 10);
		if (errno || *end || v != (unsigned long long)getpid())
			return 0;   /* meant for another process (a parent that exec'd us, say) */
	}
	errno = 0;
	v = strtoull(us, &end, 10);
	return errno || *end ? 0 : (uint64_t)v;
}

static void on_watchdog(uv_timer_t *t)
{
	notify_send("WATCHDOG=1");
}

notify_watchdog *notify_watchdog_start(uv_loop_t *loop)
{
	uint64_t us = notify_watchdog_usec(), ms;
	notify_watchdog *w;

	if (!us)
		return NULL;
	ms = us / 2000;
	if (ms == 0)
		ms = 1;
	w = xcalloc(1, sizeof *w);
	uv_timer_init(loop, &w->timer);
	uv_timer_start(&w->timer, on_watchdog, 0, ms);
	uv_unref((uv_handle_t *)&w->timer);
	return w;
}

static void on_closed(uv_handle_t *h)
{
	free(h);   /* the timer is the struct's first member */
}

void notify_watchdog_stop(notify_watchdog **wp)
{
	notify_watchdog *w = *wp;

	if (!w)
		return;
	uv_timer_stop(&w->timer);
	uv_close((uv_handle_t *)&w->timer, on_closed);
	*wp = NULL;
}
