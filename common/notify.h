/*
 * notify.h - tell the service manager how the daemon is doing (systemd's
 * notify protocol, sd_notify(3), without libsystemd)
 *
 * The protocol is one datagram of "KEY=VALUE" lines to the AF_UNIX socket
 * named by $NOTIFY_SOCKET: a filesystem path, or an abstract name when it
 * starts with '@'. The daemon skeleton (daemon.c) says READY=1 once its
 * socket is bound and its store is open, STOPPING=1 when it is told to stop,
 * and WATCHDOG=1 every half $WATCHDOG_USEC while its loop turns. Without
 * $NOTIFY_SOCKET (not started by systemd, or Type= is not notify) every call
 * is a no-op, so the same binary runs under jrpctl up, the tests and systemd.
 */
#ifndef JRP_NOTIFY_H
#define JRP_NOTIFY_H
#include <stdint.h>
#include <uv.h>

/* notify_send - one datagram to $NOTIFY_SOCKET; 0 when it was sent or there is no socket to send
 * to, -1 with errno otherwise (the caller may log it: the daemon runs on either way) */
int notify_send(const char *msg);
int notify_sendf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* notify_watchdog_usec - the watchdog interval the manager asks of this process ($WATCHDOG_USEC,
 * when $WATCHDOG_PID is unset or this process's pid), 0 when it asks none */
uint64_t notify_watchdog_usec(void);

/* notify_watchdog - WATCHDOG=1 every half interval from a timer on the daemon's loop: if the loop
 * stops turning (a handler stuck), the pings stop and the manager restarts the daemon */
typedef struct notify_watchdog notify_watchdog;
/* notify_watchdog_start - NULL when no watchdog is asked for; the timer does not keep loop alive */
notify_watchdog *notify_watchdog_start(uv_loop_t *loop);
/* notify_watchdog_stop - close the timer (freed by the loop's close callback); *w becomes NULL */
void notify_watchdog_stop(notify_watchdog **w);

#endif
