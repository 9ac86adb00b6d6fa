/*
 * metrics.c - GET /metrics (Prometheus text exposition format 0.0.4), /readyz, the gateway's counters
 *
 * Nothing is cached: a scrape asks every daemon for `status` and `metrics` and feedback for
 * `stats.get` (as the scraper's party, which must be the office), and renders what came back.
 * A daemon that does not answer is `jrp_up{daemon} 0` and its other series are absent for that
 * scrape (Prometheus marks them stale), never made up. Names follow Prometheus' conventions:
 * base units (seconds, bytes), `_total` for counters, one family's lines together.
 */
#include "gw.h"
#include "clock.h"
#include "util/xalloc.h"
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double buckets[] = { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30 };
#define NB (sizeof buckets / sizeof buckets[0])
#define NROUTE 48

typedef struct rstat {
	char route[64];
	uint64_t by_class[6];     /* 1xx..5xx by first digit; [0]: no answer */
	uint64_t bucket[NB + 1];  /* non-cumulative; the last is +Inf */
	double sum;
	uint64_t count;
} rstat;

struct gwstats {
	rstat r[NROUTE];
	size_t n;
};

gwstats *gwstats_new(void) { return xcalloc(1, sizeof(gwstats)); }

void gwstats_free(gwstats **s)
{
	free(*s);
	*s = NULL;
}

void gwstats_count(gw *g, const char *route, unsigned status, double seconds)
{
	gwstats *s = g->st;
	rstat *r = NULL;
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->r[i].route, route) == 0)
			r = &s->r[i];
	if (!r) {
		if (s->n == NROUTE)
			return;
		r = &s->r[s->n++];
		snprintf(r->route, sizeof r->route, "%s", route);
	}
	r->by_class[status / 100 <= 5 ? status / 100 : 0]++;
	size_t b = 0;
	while (b < NB && seconds > buckets[b])
		b++;
	r->bucket[b]++;
	r->sum += seconds;
	r->count++;
}

/* ---- rendering ---- */

/* lv - a label value escaped as the format wants (backslash, double quote, newline) */
static void lv(FILE *f, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' || s[i] == '"')
			fputc('\\', f);
		if (s[i] == '\n') {
			fputs("\\n", f);
			continue;
		}
		fputc(s[i], f);
	}
}

static void lvo(FILE *f, const msgpack_object *o)
{
	if (o && o->type == MSGPACK_OBJECT_STR)
		lv(f, o->via.str.ptr, o->via.str.size);
}

static void family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

enum { S_STATUS, S_METRICS };
#define SLOT(svc, what) ((size_t)(svc) * 2 + (what))
#define SLOT_STATS (SVC__N * 2)

static const msgpack_object *ok_reply(hreq *h, size_t s)
{
	if (s >= h->nslots || !h->slots[s].have_reply || !obj_bool(h->slots[s].reply.root, "ok"))
		return NULL;
	return h->slots[s].reply.root;
}

static void send_plain(hreq *h, size_t s, int svc, const char *type, const char *party, int timeout)
{
	mw w;
	mw_init(&w);
	uint64_t id = routes_begin(&w, type, party);
	mw_end(&w);
	h->slots[s].svc = svc;
	up_send(h->g, h, s, mw_data(&w), mw_len(&w), id, timeout);
	mw_free(&w);
}

void metrics_start(hreq *h)
{
	h->slots = xcalloc(SLOT_STATS + 1, sizeof *h->slots);
	h->nslots = SLOT_STATS + 1;
	for (int i = 0; i < SVC__N; i++) {
		send_plain(h, SLOT(i, S_STATUS), i, "status", NULL, 5000);
		send_plain(h, SLOT(i, S_METRICS), i, "metrics", NULL, 5000);
	}
	send_plain(h, SLOT_STATS, SVC_FEEDBACK, "stats.get", h->party_id, 5000);
	if (!h->waiting)
		metrics_render(h);
}

/* gauge_of - one field of each daemon's status as a gauge {daemon} */
static void status_gauge(FILE *f, hreq *h, const char *name, const char *type, const char *help, const char *field)
{
	bool any = false;
	for (int i = 0; i < SVC__N; i++) {
		const msgpack_object *st = ok_reply(h, SLOT(i, S_STATUS));
		if (!st || !obj_get(st, field))
			continue;
		if (!any)
			family(f, name, type, help);
		any = true;
		fprintf(f, "%s{daemon=\"%s\"} %llu\n", name, svc_names[i], (unsigned long long)obj_u64(st, field));
	}
}

static void render_daemon_requests(FILE *f, hreq *h)
{
	family(f, "jrp_requests_total", "counter", "Requests a daemon answered, by type and result (ok or the error code).");
	for (int i = 0; i < SVC__N; i++) {
		const msgpack_object *m = ok_reply(h, SLOT(i, S_METRICS)), *rq = m ? obj_get(m, "requests") : NULL;
		if (!rq || rq->type != MSGPACK_OBJECT_ARRAY)
			continue;
		for (uint32_t k = 0; k < rq->via.array.size; k++) {
			const msgpack_object *r = &rq->via.array.ptr[k];
			fprintf(f, "jrp_requests_total{daemon=\"%s\",type=\"", svc_names[i]);
			lvo(f, obj_get(r, "type"));
			fputs("\",result=\"", f);
			lvo(f, obj_get(r, "result"));
			fprintf(f, "\"} %llu\n", (unsigned long long)obj_u64(r, "count"));
		}
	}
	family(f, "jrp_request_duration_seconds", "histogram", "Time from a request's arrival to its reply, by daemon and type (long-polls include their wait).");
	for (int i = 0; i < SVC__N; i++) {
		const msgpack_object *m = ok_reply(h, SLOT(i, S_METRICS)), *lat = m ? obj_get(m, "latency") : NULL;
		if (!lat || lat->type != MSGPACK_OBJECT_ARRAY)
			continue;
		for (uint32_t k = 0; k < lat->via.array.size; k++) {
			const msgpack_object *r = &lat->via.array.ptr[k], *le = obj_get(r, "le"), *b = obj_get(r, "buckets");
			if (!le || !b || le->type != MSGPACK_OBJECT_ARRAY || b->type != MSGPACK_OBJECT_ARRAY)
				continue;
			/* the daemon's buckets are cumulative, its last bound +Inf (README "metrics"): that one is
			 * written below from count */
			for (uint32_t j = 0; j < b->via.array.size && j < le->via.array.size; j++) {
				double bound = le->via.array.ptr[j].via.f64;
				if ((le->via.array.ptr[j].type != MSGPACK_OBJECT_FLOAT64 && le->via.array.ptr[j].type != MSGPACK_OBJECT_FLOAT32) || isinf(bound))
					continue;
				fprintf(f, "jrp_request_duration_seconds_bucket{daemon=\"%s\",type=\"", svc_names[i]);
				lvo(f, obj_get(r, "type"));
				fprintf(f, "\",le=\"%g\"} %llu\n", bound, (unsigned long long)b->via.array.ptr[j].via.u64);
			}
			fprintf(f, "jrp_request_duration_seconds_bucket{daemon=\"%s\",type=\"", svc_names[i]);
			lvo(f, obj_get(r, "type"));
			fprintf(f, "\",le=\"+Inf\"} %llu\n", (unsigned long long)obj_u64(r, "count"));
			const msgpack_object *sum = obj_get(r, "sum_seconds");
			fprintf(f, "jrp_request_duration_seconds_sum{daemon=\"%s\",type=\"", svc_names[i]);
			lvo(f, obj_get(r, "type"));
			fprintf(f, "\"} %.6f\n", sum && sum->type == MSGPACK_OBJECT_FLOAT64 ? sum->via.f64 : 0.0);
			fprintf(f, "jrp_request_duration_seconds_count{daemon=\"%s\",type=\"", svc_names[i]);
			lvo(f, obj_get(r, "type"));
			fprintf(f, "\"} %llu\n", (unsigned long long)obj_u64(r, "count"));
		}
	}
}

static void render_status(FILE *f, hreq *h)
{
	family(f, "jrp_up", "gauge", "1 when the daemon answered this scrape's status request.");
	for (int i = 0; i < SVC__N; i++) {
		const slot *sl = &h->slots[SLOT(i, S_STATUS)];
		if (!sl->have_reply)   /* a comment line: Prometheus ignores it, a person reading the page sees why */
			fprintf(f, "# jrp-%s: %s\n", svc_names[i], sl->err[0] ? sl->err : "no reply");
		fprintf(f, "jrp_up{daemon=\"%s\"} %d\n", svc_names[i], ok_reply(h, SLOT(i, S_STATUS)) != NULL);
	}
	status_gauge(f, h, "jrp_log_last_seq", "gauge", "The newest seq of the daemon's outbound log.", "log_last");
	status_gauge(f, h, "jrp_log_first_seq", "gauge", "The oldest seq of the outbound log still in LMDB (older ones are archived).", "log_first");
	status_gauge(f, h, "jrp_consumer_cursor_seq", "gauge", "The seq of the upstream log the daemon has applied up to.", "cursor");
	/* lag: the upstream's last seq minus this daemon's cursor (ingest <- adjudicate <- dispatch <- feedback) */
	family(f, "jrp_consumer_lag_records", "gauge", "Records of the upstream log the daemon has not applied yet.");
	for (int i = SVC_ADJUDICATE; i < SVC__N; i++) {
		const msgpack_object *st = ok_reply(h, SLOT(i, S_STATUS)), *upst = ok_reply(h, SLOT(i - 1, S_STATUS));
		if (!st || !upst)
			continue;
		uint64_t last = obj_u64(upst, "log_last"), cur = obj_u64(st, "cursor");
		fprintf(f, "jrp_consumer_lag_records{daemon=\"%s\",upstream=\"%s\"} %llu\n", svc_names[i], svc_names[i - 1],
			(unsigned long long)(last > cur ? last - cur : 0));
	}
	status_gauge(f, h, "jrp_rejected_records", "gauge", "Records of the upstream log the daemon kept unapplied (rejected.list).", "rejected");
	status_gauge(f, h, "jrp_store_used_bytes", "gauge", "LMDB space in use.", "used_bytes");
	status_gauge(f, h, "jrp_store_max_bytes", "gauge", "The most the LMDB map may grow to (map_max_mb).", "map_max_bytes");
	status_gauge(f, h, "jrp_store_disk_free_bytes", "gauge", "Free space of the file system holding the daemon's data.", "disk_free_bytes");
	status_gauge(f, h, "jrp_journal_behind_bytes", "gauge", "Checks answered whose records are not in dispatch's log yet.", "journal_behind_bytes");
	family(f, "jrp_consumer_stopped", "gauge", "1 when the daemon takes no records from its upstream now (status stopped).");
	for (int i = SVC_ADJUDICATE; i < SVC__N; i++) {
		const msgpack_object *st = ok_reply(h, SLOT(i, S_STATUS));
		if (st)
			fprintf(f, "jrp_consumer_stopped{daemon=\"%s\"} %d\n", svc_names[i], obj_get(st, "stopped") != NULL);
	}
	family(f, "jrp_catalog_info", "gauge", "The catalogue version in force in each daemon (value 1).");
	for (int i = 0; i < SVC__N; i++) {
		const msgpack_object *st = ok_reply(h, SLOT(i, S_STATUS));
		if (!st)
			continue;
		fprintf(f, "jrp_catalog_info{daemon=\"%s\",version=\"", svc_names[i]);
		lvo(f, obj_get(st, "catalog_version"));
		fputs("\"} 1\n", f);
	}
	family(f, "jrp_calendar_year_provisional", "gauge", "1 for this year and next when the working-day calendar is provisional or missing (deadlines may be off).");
	for (int i = 0; i < SVC__N; i++) {
		const msgpack_object *st = ok_reply(h, SLOT(i, S_STATUS)), *w = st ? obj_get(st, "warnings") : NULL;
		if (!w || w->type != MSGPACK_OBJECT_ARRAY)
			continue;
		for (uint32_t k = 0; k < w->via.array.size; k++) {
			const msgpack_object *s = &w->via.array.ptr[k];
			char buf[64], status[16];
			int year;
			if (s->type != MSGPACK_OBJECT_STR)
				continue;
			snprintf(buf, sizeof buf, "%.*s", (int)(s->via.str.size < 63 ? s->via.str.size : 63), s->via.str.ptr);
			if (sscanf(buf, "calendar %d is %15[a-z]", &year, status) == 2)
				fprintf(f, "jrp_calendar_year_provisional{daemon=\"%s\",year=\"%d\",status=\"%s\"} 1\n",
					svc_names[i], year, status);
		}
	}
}

static void party_gauge(FILE *f, const msgpack_object *arr, const char *idkey, const char *name, const char *label,
			const char *field)
{
	if (!arr || arr->type != MSGPACK_OBJECT_ARRAY)
		return;
	for (uint32_t k = 0; k < arr->via.array.size; k++) {
		const msgpack_object *a = &arr->via.array.ptr[k];
		fprintf(f, "%s{%s=\"", name, label);
		lvo(f, obj_get(a, idkey));
		fprintf(f, "\"} %llu\n", (unsigned long long)obj_u64(a, field));
	}
}

static void render_stats(FILE *f, hreq *h)
{
	const msgpack_object *s = ok_reply(h, SLOT_STATS);
	if (!s)
		return;
	const msgpack_object *en = obj_get(s, "entries");
	static const char *const lists[] = { "red", "black", "focus", "warning" };
	family(f, "jrp_entries_in_force", "gauge", "Entries in force now, by list.");
	for (size_t i = 0; i < 4; i++)
		fprintf(f, "jrp_entries_in_force{list=\"%s\"} %llu\n", lists[i], (unsigned long long)obj_u64(en, lists[i]));
	family(f, "jrp_tasks_overdue", "gauge", "Mandatory tasks past their feedback deadline, by executing agency.");
	party_gauge(f, obj_get(s, "agencies"), "agency", "jrp_tasks_overdue", "agency", "overdue");
	family(f, "jrp_tasks_awaiting_feedback", "gauge", "Tasks pushed and not yet fed back, by executing agency.");
	party_gauge(f, obj_get(s, "agencies"), "agency", "jrp_tasks_awaiting_feedback", "agency", "awaiting");
	family(f, "jrp_duties_overdue", "gauge", "Duties (notice, objection, repair, interview) past their deadline, by identifying department.");
	party_gauge(f, obj_get(s, "departments"), "department", "jrp_duties_overdue", "department", "overdue");
	family(f, "jrp_checks_total", "counter", "Checks answered (逢办必查), by agency.");
	party_gauge(f, obj_get(s, "agencies"), "agency", "jrp_checks_total", "agency", "checks");
	family(f, "jrp_feedback_rejected_records", "gauge", "Records feedback kept unapplied, as stats.get says.");
	fprintf(f, "jrp_feedback_rejected_records %llu\n", (unsigned long long)obj_u64(s, "rejected"));
}

static void render_gateway(FILE *f, gw *g)
{
	gwstats *s = g->st;
	family(f, "jrp_gateway_http_requests_total", "counter", "HTTP requests the gateway answered, by route and status class (code=\"0\": the client went away first).");
	for (size_t i = 0; i < s->n; i++)
		for (int c = 0; c < 6; c++)
			if (s->r[i].by_class[c]) {
				fprintf(f, "jrp_gateway_http_requests_total{route=\"");
				lv(f, s->r[i].route, strlen(s->r[i].route));
				fprintf(f, "\",code=\"%s\"} %llu\n", c ? (const char *[]){ "", "1xx", "2xx", "3xx", "4xx", "5xx" }[c] : "0",
					(unsigned long long)s->r[i].by_class[c]);
			}
	family(f, "jrp_gateway_http_request_duration_seconds", "histogram", "Time from an HTTP request's arrival to its answer, by route.");
	for (size_t i = 0; i < s->n; i++) {
		uint64_t acc = 0;
		for (size_t b = 0; b <= NB; b++) {
			acc += s->r[i].bucket[b];
			fputs("jrp_gateway_http_request_duration_seconds_bucket{route=\"", f);
			lv(f, s->r[i].route, strlen(s->r[i].route));
			if (b < NB)
				fprintf(f, "\",le=\"%g\"} %llu\n", buckets[b], (unsigned long long)acc);
			else
				fprintf(f, "\",le=\"+Inf\"} %llu\n", (unsigned long long)acc);
		}
		fputs("jrp_gateway_http_request_duration_seconds_sum{route=\"", f);
		lv(f, s->r[i].route, strlen(s->r[i].route));
		fprintf(f, "\"} %.6f\n", s->r[i].sum);
		fputs("jrp_gateway_http_request_duration_seconds_count{route=\"", f);
		lv(f, s->r[i].route, strlen(s->r[i].route));
		fprintf(f, "\"} %llu\n", (unsigned long long)s->r[i].count);
	}
	family(f, "jrp_gateway_start_time_seconds", "gauge", "When the gateway started (Unix time).");
	fprintf(f, "jrp_gateway_start_time_seconds %lld\n", (long long)g->started_unix);
}

void metrics_render(hreq *h)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	render_status(f, h);
	render_daemon_requests(f, h);
	render_stats(f, h);
	render_gateway(f, h->g);
	fclose(f);
	free(h->resp);
	h->resp = buf;
	h->resp_len = n;
	h->status = 200;
	h->ctype = "text/plain; version=0.0.4; charset=utf-8";
	http_finish(h);
}

/* ---- /readyz: every daemon answers, and none has stopped taking its upstream's records ---- */

void health_ready_start(hreq *h)
{
	h->slots = xcalloc(SVC__N, sizeof *h->slots);
	h->nslots = SVC__N;
	for (int i = 0; i < SVC__N; i++)
		send_plain(h, (size_t)i, i, "status", NULL, 2000);
	if (!h->waiting)
		health_ready_render(h);
}

void health_ready_render(hreq *h)
{
	char *buf = NULL;
	size_t n = 0;
	bool ready = true;
	FILE *f = open_memstream(&buf, &n);
	fputs("{\"daemons\":[", f);
	for (int i = 0; i < SVC__N; i++) {
		const msgpack_object *st = ok_reply(h, (size_t)i), *stopped = st ? obj_get(st, "stopped") : NULL;
		bool ok = st && !stopped;
		ready &= ok;
		fprintf(f, "%s{\"daemon\":\"%s\",\"ready\":%s", i ? "," : "", svc_names[i], ok ? "true" : "false");
		if (!st)
			fprintf(f, ",\"reason\":\"%s\"", h->slots[i].err[0] ? h->slots[i].err : "no status");
		else if (stopped && stopped->type == MSGPACK_OBJECT_STR) {
			fputs(",\"reason\":\"stopped: ", f);
			for (uint32_t k = 0; k < stopped->via.str.size; k++) {
				char c = stopped->via.str.ptr[k];
				if (c == '"' || c == '\\')
					fputc('\\', f);
				fputc((unsigned char)c < 0x20 ? ' ' : c, f);
			}
			fputc('"', f);
		}
		fputc('}', f);
	}
	fprintf(f, "],\"ok\":%s,\"ready\":%s}\n", ready ? "true" : "false", ready ? "true" : "false");
	fclose(f);
	http_set_json(h, ready ? 200 : 503, buf, n);
}
