/*
 * local.c - jrpctl up / down / status: the local deployment
 *
 * up starts the four daemons (binaries beside jrpctl, or in the build tree's
 * services/<name>/ directories), each writing its log to RUN_DIR/<name>.log,
 * and waits until each answers ping. down sends SIGTERM (each daemon finishes
 * its batch in flight, commits and exits) and waits for the pid-file locks to
 * be released. status asks each daemon for its status.
 */
#include "ctl.h"
#include "clock.h"
#include "proto.h"
#include "util/fsutil.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int find_binary(const char *name, char *out, size_t n)
{
	char self[PATH_MAX], *slash;
	ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
	if (len <= 0)
		return -1;
	self[len] = 0;
	if ((slash = strrchr(self, '/')))
		*slash = 0;
	if ((size_t)snprintf(out, n, "%s/jrp-%s", self, name) < n && access(out, X_OK) == 0)
		return 0;
	if ((size_t)snprintf(out, n, "%s/../%s/jrp-%s", self, name, name) < n && access(out, X_OK) == 0)
		return 0;
	return -1;
}

/* running_pid - the pid holding RUN_DIR/name.pid's lock, or 0 */
static pid_t running_pid(ctl *c, const char *name)
{
	char path[PATH_MAX], buf[32] = "";
	int fd;
	pid_t pid = 0;
	snprintf(path, sizeof path, "%s/%s.pid", c->cfg->run_dir, name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	if (flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK) {
		ssize_t r = read(fd, buf, sizeof buf - 1);
		if (r > 0) {
			buf[r] = 0;
			pid = (pid_t)atoi(buf);
		}
	}
	close(fd);
	return pid;
}

static int ping(ctl *c, int svc, int timeout_ms)
{
	jrp_client *cl = ctl_client(c, svc);   /* CURVE on tcp endpoints */
	mw w;
	msg_in in;
	jrp_error e;
	int rc;
	mw_init(&w);
	client_begin(cl, &w, T_PING, NULL);
	rc = client_call(cl, &w, timeout_ms, &in, &e);
	if (rc == 0 || rc == JRP_EREPLY)
		msg_in_free(&in);
	mw_free(&w);
	client_free(&cl);
	return rc;
}

/* spawn - start jrp-NAME -c CONFIG in its own session, its output appended to RUN_DIR/NAME.log; its pid or -1 */
static pid_t spawn(ctl *c, const char *name)
{
	char bin[PATH_MAX], logp[PATH_MAX];
	pid_t pid;
	if (find_binary(name, bin, sizeof bin) < 0) {
		fprintf(stderr, tr("jrpctl: cannot find jrp-%s beside jrpctl\n"), name);
		return -1;
	}
	snprintf(logp, sizeof logp, "%s/%s.log", c->cfg->run_dir, name);
	if ((pid = fork()) < 0) {
		perror("fork");
		return -1;
	}
	if (pid == 0) {
		int fd = open(logp, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		int nul = open("/dev/null", O_RDONLY);
		setsid();
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		if (nul >= 0)
			dup2(nul, 0);
		execl(bin, bin, "-c", c->cfg->path, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* gateway_up - jrp-gateway, when the configuration has a gateway: section; ready once it wrote its port */
static int gateway_up(ctl *c, int *started, pid_t *pidp, bool *was)
{
	char path[PATH_MAX];
	pid_t pid = running_pid(c, "gateway");
	if ((*was = pid != 0)) {
		*pidp = pid;
		if (!c->json)
			printf(tr("jrp-%s already running (pid %d)\n"), "gateway", (int)pid);
		return 0;
	}
	snprintf(path, sizeof path, "%s/gateway.port", c->cfg->run_dir);
	unlink(path);
	if ((*pidp = spawn(c, "gateway")) < 0)
		return -1;
	int64_t until = clock_real_ms() + 10000;
	while (!running_pid(c, "gateway") || access(path, R_OK) != 0) {
		int st;
		while (waitpid(-1, &st, WNOHANG) > 0)
			;
		if (clock_real_ms() > until) {
			fprintf(stderr, tr("jrpctl: jrp-%s did not answer within 10 s; see %s/%s.log\n"), "gateway",
				c->cfg->run_dir, "gateway");
			return -1;
		}
		usleep(20000);
	}
	(*started)++;
	return 0;
}

int ctl_up(ctl *c, int argc, char **argv)
{
	char logp[PATH_MAX];
	int started = 0;
	pid_t pids[SVC__ALL] = { 0 }, gw_pid = 0;
	bool was[SVC__ALL] = { false }, gw_was = false;

	if (mkdir_p(c->cfg->run_dir, 0700) < 0) {
		fprintf(stderr, "jrpctl: cannot create %s: %s\n", c->cfg->run_dir, strerror(errno));
		return 1;
	}
	for (int s = 0; s < SVC__ALL; s++) {
		const char *name = svc_names[s];
		pid_t pid;
		if (s == SVC_EXCHANGE && !c->cfg->xc.enabled)
			continue;   /* jrp-exchange runs where the configuration has an exchange: section */
		if ((pid = running_pid(c, name))) {
			if (!c->json)
				printf(tr("jrp-%s already running (pid %d)\n"), name, (int)pid);
			pids[s] = pid;
			was[s] = true;
			continue;
		}
		if ((pid = spawn(c, name)) < 0)
			return 1;
		pids[s] = pid;
		started++;
	}
	for (int s = 0; s < SVC__ALL; s++) {
		int64_t until = clock_real_ms() + 10000;
		if (s == SVC_EXCHANGE && !c->cfg->xc.enabled)
			continue;
		while (ping(c, s, 300) != 0) {
			int st;
			while (waitpid(-1, &st, WNOHANG) > 0)
				;
			if (clock_real_ms() > until) {
				fprintf(stderr, tr("jrpctl: jrp-%s did not answer within 10 s; see %s/%s.log\n"), svc_names[s],
					c->cfg->run_dir, svc_names[s]);
				return 1;
			}
		}
	}
	if (c->cfg->gw.enabled && gateway_up(c, &started, &gw_pid, &gw_was) < 0)
		return 1;
	char gw_url[300] = "";
	if (c->cfg->gw.enabled) {
		char port[16] = "";
		snprintf(logp, sizeof logp, "%s/gateway.port", c->cfg->run_dir);
		FILE *f = fopen(logp, "r");
		if (f && fgets(port, sizeof port, f))
			port[strcspn(port, "\n")] = '\0';
		if (f)
			fclose(f);
		snprintf(gw_url, sizeof gw_url, "%s://%s%s%s:%s/", c->cfg->gw.tls_cert ? "https" : "http",
			 strchr(c->cfg->gw.host, ':') ? "[" : "",
			 strcmp(c->cfg->gw.host, "0.0.0.0") == 0 ? "127.0.0.1" : c->cfg->gw.host,
			 strchr(c->cfg->gw.host, ':') ? "]" : "", port);
	}
	if (c->json) {
		mw w;
		mw_init(&w);
		mw_map(&w);
		mw_kbool(&w, "ok", true);
		mw_ku64(&w, "started", (uint64_t)started);
		mw_kstr(&w, "data_dir", c->cfg->data_dir);
		mw_kstr(&w, "run_dir", c->cfg->run_dir);
		mw_str(&w, "daemons");
		mw_map(&w);
		for (int s = 0; s < SVC__ALL; s++) {
			if (s == SVC_EXCHANGE && !c->cfg->xc.enabled)
				continue;
			mw_str(&w, svc_names[s]);
			mw_map(&w);
			mw_ku64(&w, "pid", (uint64_t)pids[s]);
			mw_kbool(&w, "started", !was[s]);
			mw_end(&w);
		}
		if (c->cfg->gw.enabled) {
			mw_str(&w, "gateway");
			mw_map(&w);
			mw_ku64(&w, "pid", (uint64_t)gw_pid);
			mw_kbool(&w, "started", !gw_was);
			mw_kstr(&w, "url", gw_url);
			mw_end(&w);
		}
		mw_end(&w);
		mw_end(&w);
		ctl_print_mw(&w);
		mw_free(&w);
	} else {
		printf(started == 1 ? tr("jrp is up: %d daemon started; data in %s, sockets and logs in %s\n")
				    : tr("jrp is up: %d daemons started; data in %s, sockets and logs in %s\n"),
		       started, c->cfg->data_dir, c->cfg->run_dir);
		if (c->cfg->gw.enabled)
			printf(tr("the office's dashboard: %sdashboard/   (HTTP API: %sv1, described in %sopenapi.yaml)\n"),
			       gw_url, gw_url, gw_url);
	}
	return 0;
}

int ctl_down(ctl *c, int argc, char **argv)
{
	int rc = 0;
	mw json;
	mw_init(&json);   /* --json: {daemons: {NAME: {pid, stopped}}} for those that were running */
	mw_map(&json);
	mw_str(&json, "daemons");
	mw_map(&json);
	/* the gateway first (it answers nothing without the daemons), then downstream to upstream */
	for (int s = SVC__ALL; s >= 0; s--) {
		const char *name = s == SVC__ALL ? "gateway" : svc_names[s];
		pid_t pid = running_pid(c, name);
		int64_t until;
		if (!pid)
			continue;
		kill(pid, SIGTERM);
		until = clock_real_ms() + 15000;
		while (running_pid(c, name)) {
			if (clock_real_ms() > until) {
				fprintf(stderr, tr("jrpctl: jrp-%s (pid %d) did not stop within 15 s\n"), name, (int)pid);
				rc = 1;
				break;
			}
			usleep(20000);
		}
		if (c->json) {
			mw_str(&json, name);
			mw_map(&json);
			mw_ku64(&json, "pid", (uint64_t)pid);
			mw_kbool(&json, "stopped", !running_pid(c, name));
			mw_end(&json);
		} else if (!running_pid(c, name)) {
			printf(tr("jrp-%s stopped\n"), name);
		}
	}
	mw_end(&json);
	mw_kbool(&json, "ok", rc == 0);
	mw_end(&json);
	if (c->json)
		ctl_print_mw(&json);
	mw_free(&json);
	return rc;
}

/* status_retention - each retained log: what LMDB keeps, what the archives hold, who holds it back;
 * dispatch: the streams whose tasks wait unacknowledged since before the retention (README Operations) */
static void status_retention(const msgpack_object *st)
{
	const msgpack_object *ls = obj_get(st, "logs"), *sb = obj_get(st, "streams_behind");
	char b1[64], b2[64], b3[500], red[600];
	for (uint32_t i = 0; ls && ls->type == MSGPACK_OBJECT_ARRAY && i < ls->via.array.size; i++) {
		const msgpack_object *l = &ls->via.array.ptr[i];
		uint64_t through = obj_u64(l, "archived_through");
		printf(tr("  log %s: %llu..%llu in the store"), obj_cstr(l, "log", b1, sizeof b1),
		       (unsigned long long)obj_u64(l, "first"), (unsigned long long)obj_u64(l, "last"));
		if (obj_get(l, "oldest_at"))
			printf(tr(" (the oldest %llu days old)"), (unsigned long long)obj_u64(l, "oldest_age_days"));
		if (through) {
			double ab = (double)obj_u64(l, "archive_bytes");
			printf(tr(", 1..%llu archived: %llu files, %.1f %s"), (unsigned long long)through,
			       (unsigned long long)obj_u64(l, "archive_files"), ab < 1048576 ? ab / 1024 : ab / 1048576,
			       ab < 1048576 ? "KiB" : "MiB");
		}
		if (obj_get(l, "consumer"))
			printf(tr("; jrp-%s has taken it up to %llu"), obj_cstr(l, "consumer", b2, sizeof b2),
			       (unsigned long long)obj_u64(l, "consumer_cursor"));
		printf(tr("; kept %llu days\n"), (unsigned long long)obj_u64(st, "retention_days"));
		if (obj_get(l, "archive_stopped")) {
			char why[400];
			snprintf(b3, sizeof b3, tr("  ARCHIVING STOPPED for log %s: %s"), b1, obj_cstr(l, "archive_stopped", why, sizeof why));
			printf("%s\n", ctl_red(b3, red, sizeof red));
		}
	}
	for (uint32_t i = 0; sb && sb->type == MSGPACK_OBJECT_ARRAY && i < sb->via.array.size; i++) {
		const msgpack_object *x = &sb->via.array.ptr[i];
		printf(tr("  %s has not acknowledged its stream since task %llu%s%s%s: %s\n"), obj_cstr(x, "party", b1, sizeof b1),
		       (unsigned long long)obj_u64(x, "next"), obj_get(x, "since") ? " (" : "",
		       obj_get(x, "since") ? obj_cstr(x, "since", b2, sizeof b2) : "", obj_get(x, "since") ? ")" : "",
		       obj_bool(x, "archived") ? tr("it reads those tasks from the archives") : tr("older than the retention period"));
	}
	if (obj_u64(st, "streams_behind_total") > (sb ? sb->via.array.size : 0))
		printf(tr("  ... %llu streams in all wait since before the retention period\n"),
		       (unsigned long long)obj_u64(st, "streams_behind_total"));
}

int ctl_status(ctl *c, int argc, char **argv)
{
	int rc = 0;
	mw json;
	mw_init(&json);   /* --json: one object, each daemon's status reply (or its error) by name */
	mw_map(&json);
	for (int s = 0; s < SVC__ALL; s++) {
		if (s == SVC_EXCHANGE && !c->cfg->xc.enabled)
			continue;
		jrp_client *cl = ctl_client(c, s);
		mw w;
		msg_in in;
		jrp_error e;
		int r;
		mw_init(&w);
		client_begin(cl, &w, T_STATUS, NULL);
		r = client_call(cl, &w, c->timeout_ms < 2000 ? c->timeout_ms : 2000, &in, &e);
		if (r == 0) {
			const msgpack_object *ws = obj_get(in.root, "warnings");
			char b1[64], b2[64];
			if (c->json) {
				mw_kobj(&json, svc_names[s], in.root);
			} else {
				printf(tr("jrp-%-10s up   pid %-7llu catalogue %s  now %s%s"), svc_names[s],
				       (unsigned long long)obj_u64(in.root, "pid"), obj_cstr(in.root, "catalog_version", b1, sizeof b1),
				       obj_cstr(in.root, "now", b2, sizeof b2), obj_bool(in.root, "test_clock") ? tr(" (test clock)") : "");
				if (obj_get(in.root, "log_last"))
					printf(tr("  log %llu..%llu"), (unsigned long long)obj_u64(in.root, "log_first"),
					       (unsigned long long)obj_u64(in.root, "log_last"));
				if (obj_get(in.root, "cursor"))
					printf(tr("  cursor %llu"), (unsigned long long)obj_u64(in.root, "cursor"));
				if (obj_u64(in.root, "journal_behind_bytes"))
					printf(tr("  checks journaled, not yet logged: %llu bytes"),
					       (unsigned long long)obj_u64(in.root, "journal_behind_bytes"));
				printf("\n");
				if (obj_u64(in.root, "map_max_bytes")) {
					double used = (double)obj_u64(in.root, "used_bytes"), max = (double)obj_u64(in.root, "map_max_bytes");
					printf(tr("  space: %.1f MiB used of %.0f MiB at most (%.1f%%)%s\n"), used / 1048576, max / 1048576,
					       100 * used / max, used > 0.8 * max ? tr(" - raise map_max_mb or free space before it is full") : "");
					if (obj_get(in.root, "disk_free_bytes")) {
						double dfree = (double)obj_u64(in.root, "disk_free_bytes");
						printf(tr("  disk: %.0f MiB free for its data%s\n"), dfree / 1048576,
						       dfree < max - used ? tr(" - less than the map may still grow: the disk fills first") : "");
					}
				}
				status_retention(in.root);
				for (uint32_t i = 0; ws && ws->type == MSGPACK_OBJECT_ARRAY && i < ws->via.array.size; i++)
					printf(tr("  warning: %.*s\n"), (int)ws->via.array.ptr[i].via.str.size, ws->via.array.ptr[i].via.str.ptr);
				if (obj_get(in.root, "reconcile")) {
					const msgpack_object *rc_ = obj_get(in.root, "reconcile");
					printf(tr("  the entries in force are following the new catalogue: %llu done, %llu apply and %llu stop "
						  "tasks pushed so far\n"), (unsigned long long)obj_u64(rc_, "entries"),
					       (unsigned long long)obj_u64(rc_, "apply"), (unsigned long long)obj_u64(rc_, "stop"));
				}
				if (obj_u64(in.root, "rejected")) {
					char b[160], red[200];
					snprintf(b, sizeof b, obj_u64(in.root, "rejected") == 1
						 ? tr("  %llu record of the upstream log kept unapplied (jrpctl rejected list)")
						 : tr("  %llu records of the upstream log kept unapplied (jrpctl rejected list)"),
						 (unsigned long long)obj_u64(in.root, "rejected"));
					printf("%s\n", ctl_red(b, red, sizeof red));
				}
				if (obj_get(in.root, "stopped")) {
					char b[600], red[640];
					snprintf(b, sizeof b, tr("  STOPPED taking records: %s"), obj_cstr(in.root, "stopped", (char[500]){ 0 }, 500));
					printf("%s\n", ctl_red(b, red, sizeof red));
				}
			}
		} else if (c->json) {
			ctl_mw_reply(&json, svc_names[s], r, &in, &e);
			rc = 1;
		} else {
			printf(tr("jrp-%-10s DOWN (%s)\n"), svc_names[s], e.message);
			rc = 1;
		}
		if (r == 0 || r == JRP_EREPLY)
			msg_in_free(&in);
		mw_free(&w);
		client_free(&cl);
	}
	if (c->cfg->gw.enabled) {
		/* the gateway: running (its pid file's lock held) and listening (the port it wrote) */
		char path[PATH_MAX], port[16] = "", url[300];
		pid_t pid = running_pid(c, "gateway");
		snprintf(path, sizeof path, "%s/gateway.port", c->cfg->run_dir);
		FILE *f = pid ? fopen(path, "r") : NULL;
		if (f && fgets(port, sizeof port, f))
			port[strcspn(port, "\n")] = '\0';
		if (f)
			fclose(f);
		snprintf(url, sizeof url, "%s://%s%s%s:%s/", c->cfg->gw.tls_cert ? "https" : "http",
			 strchr(c->cfg->gw.host, ':') ? "[" : "",
			 strcmp(c->cfg->gw.host, "0.0.0.0") == 0 ? "127.0.0.1" : c->cfg->gw.host,
			 strchr(c->cfg->gw.host, ':') ? "]" : "", port);
		if (c->json) {
			mw_str(&json, "gateway");
			mw_map(&json);
			mw_kbool(&json, "ok", pid && port[0]);
			if (pid && port[0]) {
				mw_ku64(&json, "pid", (uint64_t)pid);
				mw_kstr(&json, "url", url);
			}
			mw_end(&json);
		} else if (pid && port[0]) {
			printf(tr("jrp-%-10s up   pid %-7llu %s  (dashboard %sdashboard/, metrics %smetrics)\n"), "gateway",
			       (unsigned long long)pid, url, url, url);
		} else {
			printf(tr("jrp-%-10s DOWN (%s)\n"), "gateway", pid ? "not listening yet" : "not running");
		}
		if (!pid || !port[0])
			rc = 1;
	}
	mw_end(&json);
	if (c->json)
		ctl_print_mw(&json);
	mw_free(&json);
	return rc;
}

int64_t ctl_status_u64(ctl *c, int svc, const char *key)
{
	jrp_client *cl = ctl_client(c, svc);
	mw w;
	msg_in in;
	jrp_error e;
	int64_t v = -1;
	int rc;
	mw_init(&w);
	client_begin(cl, &w, T_STATUS, NULL);
	rc = client_call(cl, &w, 2000, &in, &e);
	if (rc == 0)
		v = (int64_t)obj_u64(in.root, key);
	if (rc == 0 || rc == JRP_EREPLY)
		msg_in_free(&in);
	mw_free(&w);
	client_free(&cl);
	return v;
}

int ctl_sync(ctl *c, int argc, char **argv)
{
	int64_t until = clock_real_ms() + c->timeout_ms;
	for (;;) {
		/* checks answered by dispatch's front reach its log a few ms later */
		bool done = ctl_status_u64(c, SVC_DISPATCH, "journal_behind_bytes") == 0;
		for (int s = SVC_ADJUDICATE; s < SVC__N; s++) {
			int64_t cur = ctl_status_u64(c, s, "cursor"), last = ctl_status_u64(c, s - 1, "log_last");
			if (cur < 0 || last < 0 || cur != last)
				done = false;
		}
		if (done || clock_real_ms() > until) {
			if (c->json) {
				mw w;
				mw_init(&w);
				mw_map(&w);
				mw_kbool(&w, "ok", done);
				mw_kbool(&w, "synced", done);
				mw_str(&w, "log_last");   /* each daemon's log, as far as its downstream has applied it */
				mw_map(&w);
				for (int s = 0; s < SVC__N; s++) {
					int64_t v = ctl_status_u64(c, s, "log_last");
					mw_str(&w, svc_names[s]);
					v < 0 ? mw_nil(&w) : mw_u64(&w, (uint64_t)v);
				}
				mw_end(&w);
				mw_end(&w);
				ctl_print_mw(&w);
				mw_free(&w);
			}
			if (done) {
				if (!c->json)
					printf("%s", tr("every daemon has applied everything its upstream logged\n"));
				return 0;
			}
			fprintf(stderr, tr("jrpctl: the pipeline did not drain within %d ms (see jrpctl status)\n"), c->timeout_ms);
			return 1;
		}
		usleep(5000);
	}
}
