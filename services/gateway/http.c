/*
 * http.c - libmicrohttpd inside the libuv loop
 *
 * libmicrohttpd runs in external-epoll mode: it keeps its listening socket and connections in one
 * epoll fd, which the loop watches (uv_poll); MHD_run() does the work that is ready and
 * MHD_get_timeout() says when to look again (uv_timer). A request is read whole; then either it is
 * answered at once, or its connection is suspended (MHD_suspend_connection) until its replies are
 * in, and resumed (MHD_resume_connection) to send the answer: the loop never blocks on a daemon.
 */
#include "gw.h"
#include "clock.h"
#include "util/log.h"
#include "util/xalloc.h"
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void rearm(gw *g);

void http_run(gw *g)
{
	if (!g->mhd)
		return;
	MHD_run(g->mhd);
	rearm(g);
}

static void on_timer(uv_timer_t *t)
{
	http_run(t->data);
}

static void on_poll(uv_poll_t *p, int status, int events)
{
	(void)status;
	(void)events;
	http_run(p->data);
}

static void rearm(gw *g)
{
	MHD_UNSIGNED_LONG_LONG ms;
	if (MHD_get_timeout(g->mhd, &ms) == MHD_YES)
		uv_timer_start(&g->mhd_timer, on_timer, ms > 60000 ? 60000 : ms, 0);
	else
		uv_timer_stop(&g->mhd_timer);
}

void http_set_json(hreq *h, unsigned status, char *json, size_t len)
{
	free(h->resp);
	h->resp = json;
	h->resp_len = len;
	h->status = status;
	h->ctype = "application/json; charset=utf-8";
	http_finish(h);
}

void http_error(hreq *h, unsigned status, const char *code, const char *field, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* the same shape as a daemon's error reply: {"ok": false, "error": {code, field, message}} */
	mw w;
	mw_init(&w);
	mw_map(&w);
	mw_kbool(&w, "ok", false);
	mw_str(&w, "error");
	mw_map(&w);
	mw_kstr(&w, "code", code);
	mw_kstr(&w, "field", field);
	mw_kstr(&w, "message", msg);
	mw_end(&w);
	mw_end(&w);
	msg_in in;
	jrp_error e;
	size_t len = 0;
	char *json = NULL;
	if (msg_parse(mw_data(&w), mw_len(&w), 1u << 20, &in, &e) == 0)
		json = routes_json_reply(in.root, &len);
	msg_in_free(&in);
	mw_free(&w);
	http_set_json(h, status, json ? json : xstrdup("{}\n"), json ? len : 3);
}

static void unlink_live(hreq *h)
{
	gw *g = h->g;
	if (h->prev_live)
		h->prev_live->next_live = h->next_live;
	else if (g->live == h)
		g->live = h->next_live;
	if (h->next_live)
		h->next_live->prev_live = h->prev_live;
	h->next_live = h->prev_live = NULL;
}

void http_finish(hreq *h)
{
	h->answered = true;
	if (h->suspended) {
		h->suspended = false;
		unlink_live(h);
		MHD_resume_connection(h->conn);
	}
}

static enum MHD_Result queue(hreq *h)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(h->resp_len, h->resp, MHD_RESPMEM_MUST_FREE);
	enum MHD_Result rc;
	h->resp = NULL;
	MHD_add_response_header(r, "Content-Type", h->ctype ? h->ctype : "application/json; charset=utf-8");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	/* the dashboard loads nothing from elsewhere, and no page may frame it */
	MHD_add_response_header(r, "Content-Security-Policy",
				"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
				"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
	if (h->status == 401)
		MHD_add_response_header(r, "WWW-Authenticate", "Bearer realm=\"jrp\"");
	if (h->status == 503)
		MHD_add_response_header(r, "Retry-After", "5");
	if (h->disposition)
		MHD_add_response_header(r, "Content-Disposition", h->disposition);
	rc = MHD_queue_response(h->conn, h->status, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				 const char *version, const char *data, size_t *data_size, void **con_cls)
{
	gw *g = cls;
	hreq *h = *con_cls;
	(void)version;
	if (!h) {
		h = xcalloc(1, sizeof *h);
		h->g = g;
		h->conn = conn;
		h->t0 = clock_real_ms();
		snprintf(h->method, sizeof h->method, "%s", method);
		*con_cls = h;
		return MHD_YES;
	}
	if (*data_size) {
		/* uploads (POST /v1/records as NDJSON) may be large; everything else is one frame's worth */
		size_t max = strcmp(url, "/v1/records") == 0 || strcmp(url, "/v1/checks") == 0 ? GW_MAX_BULK
											       : GW_MAX_BODY;
		if (h->len + *data_size > max) {
			h->body_too_large = true;
		} else {
			if (h->len + *data_size + 1 > h->cap) {
				h->cap = (h->len + *data_size + 1) * 2;
				h->body = xrealloc(h->body, h->cap);
			}
			memcpy(h->body + h->len, data, *data_size);
			h->len += *data_size;
			h->body[h->len] = '\0';
		}
		*data_size = 0;
		return MHD_YES;
	}
	if (h->answered)
		return queue(h);
	if (h->body_too_large)
		http_error(h, 413, "too_large", "", "the body is too large (one request: %u bytes; an upload to "
			   "/v1/records: %u)", GW_MAX_BODY, GW_MAX_BULK);
	else
		routes_handle(h, url);
	if (h->answered)
		return queue(h);
	MHD_suspend_connection(conn);
	h->suspended = true;
	h->next_live = g->live;
	if (g->live)
		g->live->prev_live = h;
	g->live = h;
	return MHD_YES;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	gw *g = cls;
	hreq *h = *con_cls;
	(void)conn;
	if (!h)
		return;
	gwstats_count(g, routes_name(h), h->answered ? h->status : 0, (double)(clock_real_ms() - h->t0) / 1000.0);
	if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK)
		log_debug("event=http_aborted path=%s code=%d", routes_name(h), (int)toe);
	if (h->suspended)
		unlink_live(h);
	up_forget(g, h);
	for (size_t i = 0; i < h->nslots; i++)
		if (h->slots[i].have_reply)
			msg_in_free(&h->slots[i].reply);
	free(h->slots);
	routes_free(h);
	free(h->body);
	free(h->resp);
	free(h->disposition);
	free(h);
	*con_cls = NULL;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	(void)cls;
	vsnprintf(msg, sizeof msg, fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	for (char *p = msg; *p; p++)
		if (*p == '"')
			*p = '\'';
	log_warn("event=http_library message=\"%s\"", msg);
}

static char *read_all(const char *path, jrp_error *e)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0;
	if (!f) {
		jrp_fail(e, "config", path, "cannot read: %s", strerror(errno));
		return NULL;
	}
	FILE *m = open_memstream(&buf, &n);
	char chunk[4096];
	size_t r;
	while ((r = fread(chunk, 1, sizeof chunk, f)) > 0)
		fwrite(chunk, 1, r, m);
	fclose(f);
	fclose(m);
	return buf;
}

int http_start(gw *g, jrp_error *e)
{
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST | AI_PASSIVE, .ai_socktype = SOCK_STREAM }, *ai;
	char port[8];
	unsigned flags = MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
	char *cert = NULL, *key = NULL, *ca = NULL;
	int rc;

	snprintf(port, sizeof port, "%d", g->cfg->gw.port);
	if ((rc = getaddrinfo(g->cfg->gw.host, port, &hints, &ai)) != 0) {
		jrp_fail(e, "config", "gateway.listen", "'%s' is not a numeric IPv4 or IPv6 address: %s",
			 g->cfg->gw.host, gai_strerror(rc));
		return -1;
	}
	if (ai->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (g->cfg->gw.tls_cert) {
		if (!(cert = read_all(g->cfg->gw.tls_cert, e)) || !(key = read_all(g->cfg->gw.tls_key, e)) ||
		    (g->cfg->gw.client_ca && !(ca = read_all(g->cfg->gw.client_ca, e)))) {
			free(cert);
			free(key);
			freeaddrinfo(ai);
			return -1;
		}
		flags |= MHD_USE_TLS;
	}
	struct MHD_OptionItem tls[] = {
		{ cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, cert },
		{ key ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0, key },
		{ ca ? MHD_OPTION_HTTPS_MEM_TRUST : MHD_OPTION_END, 0, ca },
		{ MHD_OPTION_END, 0, NULL },
	};
	/* keep only the items that are set, in order */
	struct MHD_OptionItem opts[4];
	size_t no = 0;
	for (size_t i = 0; i < 3; i++)
		if (tls[i].option != MHD_OPTION_END)
			opts[no++] = tls[i];
	opts[no] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
	g->mhd = MHD_start_daemon(flags, 0, NULL, NULL, on_access, g,
				  MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,   /* first: it logs about the others */
				  MHD_OPTION_SOCK_ADDR, ai->ai_addr,
				  MHD_OPTION_NOTIFY_COMPLETED, on_completed, g,
				  MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
				  MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)200,
				  MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
				  MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(32u << 10),   /* headers only: bodies are ours; the pool is zeroed per request */
				  MHD_OPTION_ARRAY, opts,
				  MHD_OPTION_END);
	freeaddrinfo(ai);
	free(cert);
	free(key);
	free(ca);
	if (!g->mhd) {
		jrp_fail(e, "config", "gateway.listen", "cannot listen on %s:%d (in use? a TLS file wrong?)",
			 g->cfg->gw.host, g->cfg->gw.port);
		return -1;
	}
	const union MHD_DaemonInfo *pi = MHD_get_daemon_info(g->mhd, MHD_DAEMON_INFO_BIND_PORT);
	g->port = pi ? pi->port : (uint16_t)g->cfg->gw.port;
	const union MHD_DaemonInfo *ei = MHD_get_daemon_info(g->mhd, MHD_DAEMON_INFO_EPOLL_FD);
	uv_poll_init(g->loop, &g->mhd_poll, ei->epoll_fd);
	g->mhd_poll.data = g;
	uv_poll_start(&g->mhd_poll, UV_READABLE, on_poll);
	uv_timer_init(g->loop, &g->mhd_timer);
	g->mhd_timer.data = g;
	http_run(g);
	return 0;
}

void http_stop(gw *g)
{
	if (!g->mhd)
		return;
	/* answer what waits on the daemons, so that no connection stays suspended */
	while (g->live) {
		hreq *h = g->live;
		http_error(h, 503, "unavailable", "", "jrp-gateway is stopping; ask again");
	}
	MHD_run(g->mhd);
	uv_poll_stop(&g->mhd_poll);
	uv_timer_stop(&g->mhd_timer);
	MHD_stop_daemon(g->mhd);
	g->mhd = NULL;
	uv_close((uv_handle_t *)&g->mhd_poll, NULL);
	uv_close((uv_handle_t *)&g->mhd_timer, NULL);
}
