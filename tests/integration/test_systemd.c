/*
 * test_systemd.c - what a daemon tells systemd, on the real daemons: the
 * notify protocol (READY=1 only once it serves, STOPPING=1 on SIGTERM,
 * WATCHDOG=1 every half WATCHDOG_USEC, nothing from a daemon that failed to
 * start) against a datagram socket the test binds, as a path and as an
 * abstract name; and log lines with their syslog priority when stderr is the
 * journal ($JOURNAL_STREAM), as journald wants them (issue 12, item 1).
 *
 * Each test takes one daemon of a running deployment down and starts it again
 * itself with the environment systemd would give it.
 */
#include "../tap.h"
#include "harness.h"
#include "notify.h"
#include "proto.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *const bins[SVC__N] = { JRP_BIN_INGEST, JRP_BIN_ADJUDICATE, JRP_BIN_DISPATCH, JRP_BIN_FEEDBACK };

static int64_t now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* listen_notify - a datagram socket at addr ("/path" or "@abstract"), as systemd binds one */
static int listen_notify(const char *addr)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t n = strlen(addr);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	memcpy(sa.sun_path, addr, n);
	if (addr[0] == '@')
		sa.sun_path[0] = 0;
	else
		unlink(addr);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n)) < 0) {
		printf("# bind %s: %s\n", addr, strerror(errno));
		return -1;
	}
	return fd;
}

/* next - the next datagram within ms (its text in buf), or 0 when none came */
static int next(int fd, char *buf, size_t n, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t r;
	if (poll(&p, 1, ms) <= 0)
		return 0;
	r = recv(fd, buf, n - 1, 0);
	buf[r > 0 ? r : 0] = 0;
	return r > 0;
}

/* spawn - svc's daemon on h's config with NOTIFY_SOCKET=notify (unless NULL), WATCHDOG_USEC=wd_usec
 * (unless NULL) and WATCHDOG_PID (its own pid if wd_pid is "self"); output to its log, as h_start does */
static pid_t spawn(harness *h, int svc, const char *notify, const char *wd_usec, const char *wd_pid)
{
	char logp[400];
	pid_t pid;
	snprintf(logp, sizeof logp, "%s/%s.log", h->dir, svc_names[svc]);
	if ((pid = fork()) == 0) {
		int fd = open(logp, O_WRONLY | O_CREAT | O_APPEND, 0600);
		char me[24];
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		if (notify)
			setenv("NOTIFY_SOCKET", notify, 1);
		if (wd_usec)
			setenv("WATCHDOG_USEC", wd_usec, 1);
		if (wd_pid && strcmp(wd_pid, "self") == 0) {
			snprintf(me, sizeof me, "%d", (int)getpid());
			setenv("WATCHDOG_PID", me, 1);
		} else if (wd_pid) {
			setenv("WATCHDOG_PID", wd_pid, 1);
		}
		execl(bins[svc], bins[svc], "-c", h->config, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* answers - svc answers a status request now (1 s at most), with its store open (a log or cursor) */
static bool answers(harness *h, int svc)
{
	jrp_client *c = client_new(h->cfg->endpoint[svc]);
	mw w;
	msg_in in;
	jrp_error e;
	bool ok = false;
	int rc;
	mw_init(&w);
	client_begin(c, &w, T_STATUS, NULL);
	rc = client_call(c, &w, 1000, &in, &e);
	if (rc == 0)
		ok = obj_get(in.root, "cursor") || obj_get(in.root, "log_last");
	if (rc == 0 || rc == JRP_EREPLY)
		msg_in_free(&in);
	mw_free(&w);
	client_free(&c);
	return ok;
}

/* stop_clean - SIGTERM pid: STOPPING=1 on fd (if fd >= 0) before it exits, and it exits 0 */
static void stop_clean(int fd, pid_t pid)
{
	char buf[512];
	int st = -1;
	bool stopping = false;
	kill(pid, SIGTERM);
	if (fd >= 0) {
		while (next(fd, buf, sizeof buf, 5000))
			if (strstr(buf, "STOPPING=1")) {
				stopping = true;
				break;
			}
		CHECK(stopping);
	}
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* ready - the daemon's first datagram, within 10 s, is READY=1 with its STATUS, and the daemon
 * answers at that instant: it was bound and its store open when it said so */
static void ready(harness *h, int svc, int fd, pid_t pid)
{
	char buf[512];
	int64_t until = now_ms() + 10000;
	bool got = false;
	while (!got && now_ms() < until) {
		if (!next(fd, buf, sizeof buf, 100))
			continue;   /* still starting */
		CHECK(strstr(buf, "READY=1") != NULL);
		if (strstr(buf, "READY=1")) {
			got = true;
			CHECK(answers(h, svc));
			CHECK(strstr(buf, "STATUS=serving ipc://") != NULL);
		}
	}
	CHECK(got);
	CHECK(waitpid(pid, NULL, WNOHANG) == 0);
}

static void test_ready_and_stopping(void)
{
	harness h;
	char sock[300];
	int fd;
	pid_t pid;
	CHECK(h_start(&h) == 0);
	/* feedback, the end of the pipeline; its socket named by a path */
	CHECK(WEXITSTATUS(h_kill(&h, SVC_FEEDBACK, SIGTERM)) == 0);
	snprintf(sock, sizeof sock, "%s/notify.sock", h.dir);
	CHECK((fd = listen_notify(sock)) >= 0);
	pid = spawn(&h, SVC_FEEDBACK, sock, NULL, NULL);
	ready(&h, SVC_FEEDBACK, fd, pid);
	stop_clean(fd, pid);
	close(fd);
	/* ingest, with an abstract name */
	CHECK(WEXITSTATUS(h_kill(&h, SVC_INGEST, SIGTERM)) == 0);
	snprintf(sock, sizeof sock, "@jrp-test-notify-%d", (int)getpid());
	CHECK((fd = listen_notify(sock)) >= 0);
	pid = spawn(&h, SVC_INGEST, sock, NULL, NULL);
	ready(&h, SVC_INGEST, fd, pid);
	stop_clean(fd, pid);
	close(fd);
	CHECK(h_start_daemon(&h, SVC_INGEST) == 0);
	CHECK(h_start_daemon(&h, SVC_FEEDBACK) == 0);
	CHECK(h_stop(&h) == 0);
}

static void test_no_ready_when_start_fails(void)
{
	harness h;
	char sock[300], buf[512];
	int fd, st = 0, n = 0;
	pid_t pid;
	CHECK(h_start(&h) == 0);
	/* a second dispatch on the same run directory refuses to start (its pid file is locked) */
	snprintf(sock, sizeof sock, "@jrp-test-notify-fail-%d", (int)getpid());
	CHECK((fd = listen_notify(sock)) >= 0);
	pid = spawn(&h, SVC_DISPATCH, sock, NULL, NULL);
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) != 0);
	while (next(fd, buf, sizeof buf, 300))
		if (strstr(buf, "READY=1"))
			n++;
	CHECK_INT(n, 0);
	close(fd);
	CHECK(h_stop(&h) == 0);
}

static void test_watchdog(void)
{
	harness h;
	char sock[300], buf[512];
	int fd, pings = 0;
	int64_t until;
	pid_t pid;
	CHECK(h_start(&h) == 0);
	CHECK(WEXITSTATUS(h_kill(&h, SVC_ADJUDICATE, SIGTERM)) == 0);
	snprintf(sock, sizeof sock, "@jrp-test-watchdog-%d", (int)getpid());
	CHECK((fd = listen_notify(sock)) >= 0);
	/* 200 ms asked for this very process: a ping every 100 ms while the loop turns */
	pid = spawn(&h, SVC_ADJUDICATE, sock, "200000", "self");
	ready(&h, SVC_ADJUDICATE, fd, pid);
	until = now_ms() + 1000;
	while (now_ms() < until && next(fd, buf, sizeof buf, 300))
		if (strcmp(buf, "WATCHDOG=1") == 0)
			pings++;
	CHECK(pings >= 5 && pings <= 15);
	if (tap_cur_failed)
		printf("# %d pings in 1 s\n", pings);
	stop_clean(fd, pid);
	/* the variables meant for another process (WATCHDOG_PID is not ours): no pings */
	pid = spawn(&h, SVC_ADJUDICATE, sock, "200000", "1");
	ready(&h, SVC_ADJUDICATE, fd, pid);
	pings = 0;
	while (next(fd, buf, sizeof buf, 500))
		if (strstr(buf, "WATCHDOG=1"))
			pings++;
	CHECK_INT(pings, 0);
	stop_clean(fd, pid);
	close(fd);
	CHECK(h_start_daemon(&h, SVC_ADJUDICATE) == 0);
	CHECK(h_stop(&h) == 0);
}

/* test_notify_send - the calls themselves: no socket, no-op; a name that is neither a path nor
 * abstract, refused; a socket nobody listens on, an error the daemon only logs */
static void test_notify_send(void)
{
	unsetenv("NOTIFY_SOCKET");
	CHECK_INT(notify_send("READY=1"), 0);
	setenv("NOTIFY_SOCKET", "relative/path", 1);
	CHECK_INT(notify_send("READY=1"), -1);
	CHECK_INT(errno, EINVAL);
	setenv("NOTIFY_SOCKET", "/nonexistent/notify.sock", 1);
	CHECK_INT(notify_send("READY=1"), -1);
	unsetenv("NOTIFY_SOCKET");
	setenv("WATCHDOG_USEC", "3000000", 1);
	CHECK_INT(notify_watchdog_usec(), 3000000);
	setenv("WATCHDOG_PID", "1", 1);
	CHECK_INT(notify_watchdog_usec(), 0);
	unsetenv("WATCHDOG_PID");
	setenv("WATCHDOG_USEC", "3s", 1);
	CHECK_INT(notify_watchdog_usec(), 0);
	unsetenv("WATCHDOG_USEC");
}

/* log_lines - the lines of path from byte off on */
static char *log_from(const char *path, off_t off)
{
	static char buf[65536];
	int fd = open(path, O_RDONLY);
	ssize_t r = fd >= 0 ? pread(fd, buf, sizeof buf - 1, off) : -1;
	buf[r > 0 ? r : 0] = 0;
	if (fd >= 0)
		close(fd);
	return buf;
}

static void test_journal_priorities(void)
{
	harness h;
	char logp[400], js[64], *text, *line;
	struct stat st;
	int info = 0, warn = 0, plain = 0;
	pid_t pid;
	mw w;
	msg_in in;
	jrp_error e;
	CHECK(h_start(&h) == 0);
	CHECK(WEXITSTATUS(h_kill(&h, SVC_FEEDBACK, SIGTERM)) == 0);
	/* the log file as journald's stream: $JOURNAL_STREAM names its device and inode */
	snprintf(logp, sizeof logp, "%s/feedback.log", h.dir);
	CHECK(stat(logp, &st) == 0);
	snprintf(js, sizeof js, "%llu:%llu", (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
	setenv("JOURNAL_STREAM", js, 1);
	pid = spawn(&h, SVC_FEEDBACK, NULL, NULL, NULL);
	unsetenv("JOURNAL_STREAM");
	h.pid[SVC_FEEDBACK] = pid;
	for (int64_t until = now_ms() + 10000; !answers(&h, SVC_FEEDBACK) && now_ms() < until;)
		usleep(20000);
	/* a warning: a department asks for the office's statistics */
	mw_init(&w);
	h_req(&w, T_STATS_GET, "tax_bureau");
	CHECK_INT(h_call(&h, SVC_FEEDBACK, &w, &in, &e), JRP_EREPLY);
	CHECK_STR(e.code, "forbidden");
	msg_in_free(&in);
	mw_free(&w);
	stop_clean(-1, pid);
	h.pid[SVC_FEEDBACK] = 0;
	text = log_from(logp, st.st_size);
	for (line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (strncmp(line, "<6>", 3) == 0 && strstr(line, "Z info feedback event="))
			info++;
		else if (strncmp(line, "<4>", 3) == 0 && strstr(line, "Z warn feedback event=forbidden"))
			warn++;
		else
			plain++;
	}
	CHECK(info >= 2);   /* started, stopping, stopped */
	CHECK_INT(warn, 1);
	CHECK_INT(plain, 0);
	/* the lines written before, without the variable, have no prefix */
	text = log_from(logp, 0);
	CHECK(text[0] >= '0' && text[0] <= '9');
	CHECK(h_start_daemon(&h, SVC_FEEDBACK) == 0);
	CHECK(h_stop(&h) == 0);
}

/* test_default_config - without -c: $JRP_CONFIG, else the installed configuration (jrp_paths.h), which
 * a build tree's binaries do not find and say so */
static void test_default_config(void)
{
	harness h;
	char cmd[1200], out[2048];
	FILE *p;
	size_t n;
	CHECK(h_start(&h) == 0);
	snprintf(cmd, sizeof cmd, "env JRP_CONFIG='%s' '%s' status 2>&1", h.config, JRP_BIN_JRPCTL);
	p = popen(cmd, "r");
	n = p ? fread(out, 1, sizeof out - 1, p) : 0;
	out[n] = 0;
	CHECK(p && pclose(p) == 0);
	CHECK(strstr(out, "jrp-feedback   up") != NULL);
	if (access(JRP_CONFIG_DEFAULT, F_OK) != 0) {
		snprintf(cmd, sizeof cmd, "env -u JRP_CONFIG '%s' -n 2>&1; env -u JRP_CONFIG '%s' status 2>&1", JRP_BIN_INGEST,
			 JRP_BIN_JRPCTL);
		p = popen(cmd, "r");
		n = p ? fread(out, 1, sizeof out - 1, p) : 0;
		out[n] = 0;
		CHECK(p && pclose(p) != 0);
		/* both name the default and say what to do */
		{
			char want[600];
			snprintf(want, sizeof want, "%s: no such file: jrp is not installed here (give -c CONFIG or set JRP_CONFIG",
				 JRP_CONFIG_DEFAULT);
			char *first = strstr(out, want);
			CHECK(first && strstr(first + 1, want));
			if (tap_cur_failed)
				printf("# %s\n", out);
		}
	} else {
		printf("# %s exists here: the not-installed message is not checked\n", JRP_CONFIG_DEFAULT);
	}
	CHECK(h_stop(&h) == 0);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	RUN(test_default_config);
	RUN(test_notify_send);
	RUN(test_ready_and_stopping);
	RUN(test_no_ready_when_start_fails);
	RUN(test_watchdog);
	RUN(test_journal_priorities);
	TAP_DONE();
}
