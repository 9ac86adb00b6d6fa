/*
 * jrp-gateway - the HTTP door of jrp (gw.h; README "The HTTP gateway")
 *
 *   jrp-gateway [-c CONFIG] [-n]
 *
 * Reads the deployment's configuration (its `gateway:` keys) and parties registry, connects to the
 * four daemons and listens for HTTP. The parties file is read again when it changes (a token added
 * or revoked takes effect within a second, as `jrpctl parties reload` does for the daemons); a file
 * that fails validation changes nothing and is logged. The port it listens on is written to
 * RUN_DIR/gateway.port (useful with port 0, and for jrpctl).
 */
#include "gw.h"
#include "clock.h"
#include "notify.h"
#include "util/fsutil.h"
#include "util/log.h"
#include "util/xalloc.h"
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef JRP_VERSION
#define JRP_VERSION "0"
#endif

/* hex_hash - "sha256:" and the 64 lowercase hex digits of d */
static void hex_hash(const unsigned char d[32], char out[7 + 65])
{
	static const char hex[] = "0123456789abcdef";
	memcpy(out, "sha256:", 7);
	for (int i = 0; i < 32; i++) {
		out[7 + 2 * i] = hex[d[i] >> 4];
		out[8 + 2 * i] = hex[d[i] & 15];
	}
	out[7 + 64] = '\0';
}

const jrp_party *gw_token_party(gw *g, const char *token)
{
	unsigned char d[32];
	char hashed[7 + 65];
	size_t n = strlen(token);
	while (n && (token[n - 1] == ' ' || token[n - 1] == '\t'))
		n--;
	if (n < 16 || n > 256)
		return NULL;
	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, token, n, d) < 0)
		return NULL;
	hex_hash(d, hashed);
	return parties_by_token(g->parties, hashed);
}

const jrp_party *gw_cert_party(gw *g, struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci;
	const gnutls_datum_t *peers;
	unsigned status = 0, n = 0;
	unsigned char d[32];
	char hashed[7 + 65];

	if (!g->cfg->gw.client_ca || !(ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION)) ||
	    !ci->tls_session)
		return NULL;
	gnutls_session_t s = (gnutls_session_t)ci->tls_session;
	/* signed by the configured CA, in its validity period: else it names no one */
	if (gnutls_certificate_verify_peers2(s, &status) < 0 || status != 0)
		return NULL;
	if (!(peers = gnutls_certificate_get_peers(s, &n)) || n == 0 ||
	    gnutls_hash_fast(GNUTLS_DIG_SHA256, peers[0].data, peers[0].size, d) < 0)
		return NULL;
	hex_hash(d, hashed);
	return parties_by_cert(g->parties, hashed);
}

static void mtime_of(const char *path, char *out, size_t n)
{
	struct stat st;
	if (stat(path, &st) < 0)
		snprintf(out, n, "-");
	else
		snprintf(out, n, "%lld.%09ld/%lld/%llu", (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
			 (long long)st.st_size, (unsigned long long)st.st_ino);
}

void gw_parties_refresh(gw *g)
{
	char now[64];
	jrp_parties *p = NULL;
	jrp_error e;
	mtime_of(g->cfg->parties_path, now, sizeof now);
	if (strcmp(now, g->parties_mtime) == 0)
		return;
	snprintf(g->parties_mtime, sizeof g->parties_mtime, "%s", now);
	jrp_error_clear(&e);
	if (parties_load(g->cfg->parties_path, &p, &e) < 0) {
		log_error("event=parties_reload_failed file=%s error=\"%s\" hint=\"the tokens in force stay as they "
			  "were\"", e.field, e.message);
		return;
	}
	size_t tokens = 0;
	for (size_t i = 0; i < p->n; i++)
		tokens += p->v[i].ntokens;
	/* HTTP requests in flight keep pointers to parties: only their ids, copied (hreq.party_id) are used
	 * after routing, and h->party only during routes_handle, so the old registry may go now */
	parties_free(&g->parties);
	g->parties = p;
	log_info("event=parties_loaded parties=%zu tokens=%zu", p->n, tokens);
}

static void on_tick(uv_timer_t *t)
{
	gw *g = t->data;
	up_tick(g);
	gw_parties_refresh(g);
}

static void on_signal(uv_signal_t *s, int sig)
{
	gw *g = s->data;
	if (sig == SIGHUP) {
		g->parties_mtime[0] = '\0';
		gw_parties_refresh(g);
		return;
	}
	if (g->stopping)
		return;
	g->stopping = true;
	log_info("event=stopping signal=%d", sig);
	notify_send("STOPPING=1");
	http_stop(g);
	uv_timer_stop(&g->tick);
	uv_close((uv_handle_t *)&g->tick, NULL);
	uv_close((uv_handle_t *)&g->sigterm, NULL);
	uv_close((uv_handle_t *)&g->sigint, NULL);
	uv_close((uv_handle_t *)&g->sighup, NULL);
	up_close(g);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: jrp-gateway [-c CONFIG] [-n]\n"
		"  the HTTP door of jrp: HTTP/1.1 + JSON for agencies, departments and the office, /metrics,\n"
		"  /healthz, /readyz and the office's dashboard, in front of the four daemons\n"
		"  -c CONFIG  deployment configuration (default $JRP_CONFIG, else %s); its gateway: keys\n"
		"  -n         check the configuration and the parties registry, print the result and exit\n"
		"  -h, --help this text;  --version  the version\n", JRP_CONFIG_DEFAULT);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = { { "help", 0, 0, 'h' }, { "version", 0, 0, 'V' }, { 0, 0, 0, 0 } };
	gw gg, *g = &gg;
	const char *cfgpath = config_default_path();
	bool check_only = false;
	jrp_error e;
	int opt, rc = 1, lockfd = -1;
	char path[4096];

	memset(g, 0, sizeof *g);
	log_init("gateway", LOG_INFO);
	while ((opt = getopt_long(argc, argv, "c:nh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c': cfgpath = optarg; break;
		case 'n': check_only = true; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("jrp-gateway (jrp) %s\n", JRP_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	jrp_error_clear(&e);
	if (config_load(cfgpath, &g->cfg, &e) < 0 || parties_load(g->cfg->parties_path, &g->parties, &e) < 0) {
		fprintf(stderr, "jrp-gateway: %s: %s\n", e.field, e.message);
		goto out;
	}
	mtime_of(g->cfg->parties_path, g->parties_mtime, sizeof g->parties_mtime);
	{
		const jrp_party *me = parties_find(g->parties, g->cfg->gw.party);
		bool tcp = false;
		for (int i = 0; i < SVC__N; i++)
			tcp |= config_is_tcp(g->cfg->endpoint[i]);
		if (tcp) {
			if (!me || !(me->roles & ROLE_GATEWAY)) {
				fprintf(stderr, "jrp-gateway: %s: the daemons listen on tcp:// (CURVE): party '%s' must be in "
					"the parties registry with role gateway and its pubkey\n", g->cfg->parties_path,
					g->cfg->gw.party);
				goto out;
			}
			snprintf(path, sizeof path, "%s/%s.key", g->cfg->keys_dir, g->cfg->gw.party);
			if (config_key_read(path, true, g->key_pub, g->key_sec, &e) < 0) {
				fprintf(stderr, "jrp-gateway: %s: %s\n", e.field, e.message);
				goto out;
			}
			g->have_key = true;
		}
	}
	if (check_only) {
		printf("configuration OK: %s (gateway on %s:%d, %s, %zu parties)\n", cfgpath, g->cfg->gw.host,
		       g->cfg->gw.port, g->cfg->gw.tls_cert ? "HTTPS" : "HTTP", g->parties->n);
		rc = 0;
		goto out;
	}
	log_level = g->cfg->log_level;
	signal(SIGPIPE, SIG_IGN);
	if (mkdir_p(g->cfg->run_dir, 0700) < 0) {
		log_error("event=mkdir_failed run_dir=%s error=\"%s\"", g->cfg->run_dir, strerror(errno));
		goto out;
	}
	snprintf(path, sizeof path, "%s/gateway.pid", g->cfg->run_dir);
	lockfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lockfd < 0 || flock(lockfd, LOCK_EX | LOCK_NB) < 0) {
		log_error("event=already_running pidfile=%s", path);
		goto out;
	}
	if (ftruncate(lockfd, 0) == 0) {
		char pid[24];
		int n = snprintf(pid, sizeof pid, "%d\n", (int)getpid());
		if (write(lockfd, pid, (size_t)n) != n)
			log_warn("event=pidfile_write_failed");
	}
	g->loop = uv_default_loop();
	g->started_ms = clock_real_ms();
	g->started_unix = (int64_t)time(NULL);
	g->st = gwstats_new();
	if (up_open(g, &e) < 0 || http_start(g, &e) < 0) {
		log_error("event=start_failed field=%s error=\"%s\"", e.field, e.message);
		fprintf(stderr, "jrp-gateway: %s: %s\n", e.field, e.message);
		http_stop(g);
		up_close(g);
		uv_run(g->loop, UV_RUN_NOWAIT);
		goto out;
	}
	snprintf(path, sizeof path, "%s/gateway.port", g->cfg->run_dir);
	{
		char tmp[4200];
		snprintf(tmp, sizeof tmp, "%s.tmp", path);
		FILE *f = fopen(tmp, "w");
		if (f) {
			fprintf(f, "%u\n", (unsigned)g->port);
			fclose(f);
			rename(tmp, path);
		}
	}
	uv_timer_init(g->loop, &g->tick);
	g->tick.data = g;
	uv_timer_start(&g->tick, on_tick, 1000, 1000);
	uv_signal_init(g->loop, &g->sigterm);
	uv_signal_init(g->loop, &g->sigint);
	uv_signal_init(g->loop, &g->sighup);
	g->sigterm.data = g->sigint.data = g->sighup.data = g;
	uv_signal_start(&g->sigterm, on_signal, SIGTERM);
	uv_signal_start(&g->sigint, on_signal, SIGINT);
	uv_signal_start(&g->sighup, on_signal, SIGHUP);
	log_info("event=listening url=%s://%s%s%s:%u/ dashboard=/dashboard/ pid=%d",
		 g->cfg->gw.tls_cert ? "https" : "http", strchr(g->cfg->gw.host, ':') ? "[" : "", g->cfg->gw.host,
		 strchr(g->cfg->gw.host, ':') ? "]" : "", (unsigned)g->port, (int)getpid());
	if (notify_sendf("READY=1\nSTATUS=serving %s://%s:%u/", g->cfg->gw.tls_cert ? "https" : "http", g->cfg->gw.host,
			 (unsigned)g->port) < 0)
		log_warn("event=notify_failed error=\"%s\"", strerror(errno));
	notify_watchdog *wd = notify_watchdog_start(g->loop);
	uv_run(g->loop, UV_RUN_DEFAULT);
	notify_watchdog_stop(&wd);
	uv_run(g->loop, UV_RUN_DEFAULT);
	uv_loop_close(g->loop);
	unlink(path);
	log_info("event=stopped");
	rc = 0;
out:
	gwstats_free(&g->st);
	parties_free(&g->parties);
	config_free(&g->cfg);
	if (lockfd >= 0)
		close(lockfd);
	return rc;
}
