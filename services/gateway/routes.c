/*
 * routes.c - the HTTP API: one table from (method, path) to a daemon and a protocol type
 *
 * Every /v1 route is the same mechanism: the path's parameters, the query's parameters (typed by
 * the table) and the JSON body's fields become the fields of one protocol request, sent as the
 * party the bearer token names; the reply's fields (without v, type, id) are the JSON answer and
 * its error code chooses the HTTP status (routes_status). The table, docs/openapi.yaml and the
 * README's "The HTTP gateway" say the same; tests/gateway checks the answers against the document.
 * Five routes do more than one request: a batch of checks, an upload of many records (NDJSON),
 * a subject's whole credit record (three daemons), /metrics and /readyz (metrics.c), and the
 * exports of the dashboard's tables (export.c).
 */
#include "gw.h"
#include "clock.h"
#include "conv.h"
#include "csvrec.h"
#include "proto.h"
#include "util/log.h"
#include "util/xalloc.h"
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <dirent.h>
#include <string.h>
#include <unistd.h>

enum { K_ONE, K_BATCH, K_BULK, K_SUBJECT, K_METRICS, K_READY, K_HEALTH, K_STATIC, K_EXPORT };
enum { R_OPEN = 1, R_BODY = 2, R_OFFICE = 4 };

typedef struct route {
	const char *method;
	const char *path;        /* "{x}" matches one segment; the parameter's field is x */
	int svc;
	const char *type;
	int kind;
	unsigned flags;
	const char *params;      /* path parameters' types in order: "u" uint, "s" string */
	const char *query;       /* "after:u max:u wait_ms:u from:s": the query parameters it takes (t: an instant,
	                          * milliseconds if all digits, else a time string) */
} route;

static const route routes[] = {
	{ "POST", "/v1/check", SVC_DISPATCH, "check", K_ONE, R_BODY, "", "" },
	{ "POST", "/v1/checks", SVC_DISPATCH, "check", K_BATCH, R_BODY, "", "" },
	{ "GET", "/v1/tasks", SVC_DISPATCH, "tasks.fetch", K_ONE, 0, "", "after:u max:u wait_ms:u" },
	{ "POST", "/v1/tasks/ack", SVC_DISPATCH, "tasks.ack", K_ONE, R_BODY, "", "" },
	{ "POST", "/v1/feedback", SVC_FEEDBACK, "feedback.submit", K_ONE, R_BODY, "", "" },
	{ "POST", "/v1/records", SVC_INGEST, "record.submit", K_ONE, R_BODY, "", "" },
	{ "POST", "/v1/records/check", SVC_INGEST, "record.check", K_ONE, R_BODY, "", "" },
	{ "GET", "/v1/subjects/{subject}", SVC__N, "", K_SUBJECT, 0, "s", "id_type:s as_of_time:t" },
	{ "GET", "/v1/subjects/{subject}/records", SVC_INGEST, "records.get", K_ONE, 0, "s", "id_type:s as_of_time:t" },
	{ "GET", "/v1/subjects/{subject}/entries", SVC_ADJUDICATE, "entries.get", K_ONE, 0, "s", "id_type:s as_of_time:t" },
	{ "GET", "/v1/subjects/{subject}/tasks", SVC_FEEDBACK, "tasks.get", K_ONE, 0, "s", "id_type:s as_of_time:t" },
	{ "GET", "/v1/entries/{entry}/history", SVC_ADJUDICATE, "entry.history", K_ONE, 0, "u", "after:u max:u" },
	{ "POST", "/v1/entries/{entry}/notice", SVC_ADJUDICATE, "entry.notice", K_ONE, R_BODY, "u", "" },
	{ "POST", "/v1/entries/{entry}/objection", SVC_ADJUDICATE, "objection.file", K_ONE, R_BODY, "u", "" },
	{ "POST", "/v1/entries/{entry}/objection/decision", SVC_ADJUDICATE, "objection.decide", K_ONE, R_BODY, "u", "" },
	{ "POST", "/v1/entries/{entry}/repair", SVC_ADJUDICATE, "repair.apply", K_ONE, R_BODY, "u", "" },
	{ "POST", "/v1/entries/{entry}/repair/decision", SVC_ADJUDICATE, "repair.decide", K_ONE, R_BODY, "u", "" },
	{ "POST", "/v1/entries/{entry}/reward-abuse", SVC_ADJUDICATE, "reward.abuse", K_ONE, R_BODY, "u", "" },
	{ "GET", "/v1/publication", SVC_ADJUDICATE, "publication.fetch", K_ONE, R_OPEN, "", "after:u max:u wait_ms:u" },
	{ "GET", "/v1/stats", SVC_FEEDBACK, "stats.get", K_ONE, 0, "", "from:s to:s" },
	{ "GET", "/v1/stats/daily", SVC_FEEDBACK, "stats.daily", K_ONE, 0, "", "from:s to:s" },
	{ "GET", "/v1/stats/records", SVC_INGEST, "stats.get", K_ONE, 0, "", "from:s to:s" },
	{ "GET", "/v1/overdue", SVC_FEEDBACK, "overdue.list", K_ONE, 0, "", "of:s after:s max:u" },
	{ "GET", "/v1/commitments", SVC_INGEST, "commitment.list", K_ONE, 0, "", "state:s of:s after:s max:u" },
	{ "GET", "/v1/export/{table}", SVC__N, "", K_EXPORT, R_OFFICE, "s", "format:s from:s to:s agency:s" },
	{ "GET", "/metrics", SVC__N, "", K_METRICS, R_OFFICE, "", "" },
	{ "GET", "/healthz", SVC__N, "", K_HEALTH, R_OPEN, "", "" },
	{ "GET", "/readyz", SVC__N, "", K_READY, R_OPEN, "", "" },
};
#define NROUTES (sizeof routes / sizeof routes[0])

/* the error codes of the protocol (README "Envelope") and the gateway's own, as HTTP statuses */
static const struct {
	const char *code;
	unsigned status;
} statuses[] = {
	{ "bad_message", 400 }, { "missing_field", 400 }, { "wrong_type", 400 }, { "unknown_field", 400 },
	{ "bad_version", 400 }, { "unknown_type", 400 }, { "too_large", 413 }, { "bad_value", 422 },
	{ "bad_code", 422 }, { "unknown_domain", 422 }, { "unknown_standard", 422 }, { "unknown_matter", 422 },
	{ "config", 422 }, { "unknown_party", 403 }, { "forbidden", 403 }, { "not_test_mode", 403 },
	{ "not_found", 404 }, { "conflict", 409 }, { "storage", 503 }, { "timeout", 504 },
	{ "unavailable", 503 }, { "unauthorized", 401 }, { "method_not_allowed", 405 },
	{ "unsupported_media_type", 415 },
};

unsigned routes_status(const char *code)
{
	for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
		if (strcmp(statuses[i].code, code) == 0)
			return statuses[i].status;
	return 500;
}

uint64_t routes_begin(mw *w, const char *type, const char *party)
{
	uint64_t id = up_next_id();
	mw_reset(w);
	mw_map(w);
	mw_ku64(w, "v", JRP_PROTO_VERSION);
	mw_kstr(w, "type", type);
	mw_ku64(w, "id", id);
	if (party && party[0])
		mw_kstr(w, "party", party);
	return id;
}

/* json_of - one msgpack object as compact JSON (malloc'd) */
static char *json_of(const msgpack_object *o, size_t *len)
{
	return conv_msgpack_to_json_mem(o, 0, len);
}

char *routes_json_reply(const msgpack_object *reply, size_t *len)
{
	msgpack_object_kv kv[64];
	msgpack_object o = *reply;
	uint32_t n = 0;

	if (reply->type != MSGPACK_OBJECT_MAP)
		return json_of(reply, len);
	for (uint32_t i = 0; i < reply->via.map.size && n < 64; i++) {
		const msgpack_object *k = &reply->via.map.ptr[i].key;
		if (obj_str_eq(k, "v") || obj_str_eq(k, "type") || obj_str_eq(k, "id"))
			continue;
		kv[n++] = reply->via.map.ptr[i];
	}
	o.via.map.ptr = kv;
	o.via.map.size = n;
	return json_of(&o, len);
}

const char *routes_name(const hreq *h)
{
	return h->rt ? h->rt->path : "other";
}

/* ---- matching ---- */

/* match - does url (without the query) fit the route's path? path parameters into h->param */
static bool match(const route *r, const char *url, hreq *h)
{
	const char *p = r->path, *u = url;
	int np = 0;
	while (*p && *u) {
		if (*p == '{') {
			const char *end = strchr(u, '/');
			size_t n = end ? (size_t)(end - u) : strlen(u);
			if (n == 0 || n >= sizeof h->param[0] || np >= 2)
				return false;
			memcpy(h->param[np], u, n);
			h->param[np++][n] = '\0';
			u += n;
			p = strchr(p, '}') + 1;
			continue;
		}
		if (*p != *u)
			return false;
		p++;
		u++;
	}
	return !*p && !*u;
}

/* ---- building requests ---- */

typedef struct qarg {
	gw *g;
	hreq *h;
	mw *w;
	int bad;          /* 0, or set with the error answered */
	int timeout_ms;
} qarg;

/* query_field - add one query parameter to the request as the route types it */
static enum MHD_Result query_each(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	qarg *a = cls;
	const route *r = a->h->rt;
	const char *q = r->query;
	size_t kl = strlen(key);
	(void)kind;
	if (a->bad)
		return MHD_NO;
	while ((q = strstr(q, key))) {
		if ((q == r->query || q[-1] == ' ') && q[kl] == ':')
			break;
		q += kl;
	}
	if (!q) {
		http_error(a->h, 400, "unknown_field", key, "%s takes no query parameter \"%s\"%s%s", r->path, key,
			   r->query[0] ? "; it takes: " : "", r->query);
		a->bad = 1;
		return MHD_NO;
	}
	if (!value || !value[0]) {
		http_error(a->h, 400, "bad_value", key, "the query parameter \"%s\" is empty", key);
		a->bad = 1;
		return MHD_NO;
	}
	mw_str(a->w, key);
	if (q[kl + 1] == 'u') {
		char *end;
		errno = 0;
		unsigned long long v = strtoull(value, &end, 10);
		if (!isdigit((unsigned char)value[0]) || *end || errno) {
			http_error(a->h, 400, "wrong_type", key, "the query parameter \"%s\" must be an unsigned "
				   "integer; \"%s\" is not", key, value);
			a->bad = 1;
			return MHD_NO;
		}
		mw_u64(a->w, v);
		if (strcmp(key, "wait_ms") == 0 && v <= 30000)
			a->timeout_ms = (int)v + GW_TIMEOUT_MS;
	} else if (q[kl + 1] == 't' && strspn(value, "0123456789") == strlen(value) && strlen(value) < 19) {
		mw_u64(a->w, strtoull(value, NULL, 10));
	} else {
		mw_str(a->w, value);
	}
	return MHD_YES;
}

/* add_params - path parameters, then query parameters; 0, or -1 answered */
static int add_params(hreq *h, mw *w, int *timeout_ms)
{
	const route *r = h->rt;
	const char *p = r->path;
	qarg a = { h->g, h, w, 0, GW_TIMEOUT_MS };
	for (int i = 0; (p = strchr(p, '{')); i++) {
		const char *end = strchr(p, '}');
		char name[32];
		snprintf(name, sizeof name, "%.*s", (int)(end - p - 1), p + 1);
		p = end;
		mw_str(w, name);
		if (r->params[i] == 'u') {
			char *e;
			errno = 0;
			unsigned long long v = strtoull(h->param[i], &e, 10);
			if (!isdigit((unsigned char)h->param[i][0]) || *e || errno) {
				http_error(h, 400, "wrong_type", name, "\"%s\" in the path must be an unsigned integer; "
					   "\"%s\" is not", name, h->param[i]);
				return -1;
			}
			mw_u64(w, v);
		} else {
			mw_str(w, h->param[i]);
		}
	}
	MHD_get_connection_values(h->conn, MHD_GET_ARGUMENT_KIND, query_each, &a);
	if (a.bad)
		return -1;
	*timeout_ms = a.timeout_ms;
	return 0;
}

/* body_map - the JSON body as a msgpack map (in sb); an empty body is {} when allowed; -1 answered */
static int body_map(hreq *h, msgpack_sbuffer *sb, msg_in *in)
{
	jrp_error e;
	jrp_error_clear(&e);
	msgpack_sbuffer_init(sb);
	memset(in, 0, sizeof *in);
	if (h->len == 0) {
		static const char empty = (char)0x80;
		msgpack_sbuffer_write(sb, &empty, 1);
	} else if (conv_text_to_msgpack(h->body, h->len, sb, &e) < 0) {
		http_error(h, 400, "bad_message", "", "the body is not JSON: %s: %s", e.field, e.message);
		return -1;
	}
	if (msg_parse_ref(sb->data, sb->size, 64u << 20, in, &e) < 0 || in->root->type != MSGPACK_OBJECT_MAP) {
		http_error(h, 400, "bad_message", "", "the body must be one JSON object");
		return -1;
	}
	return 0;
}

/* add_body - the body's fields; refuses one the path, the query or the token already gives */
static int add_body(hreq *h, mw *w, const msgpack_object *m)
{
	static const char *const reserved[] = { "v", "type", "id", "party" };
	for (uint32_t i = 0; i < m->via.map.size; i++) {
		const msgpack_object *k = &m->via.map.ptr[i].key;
		char key[64];
		if (k->type != MSGPACK_OBJECT_STR || k->via.str.size >= sizeof key) {
			http_error(h, 400, "bad_message", "", "a key of the body is not a short string");
			return -1;
		}
		snprintf(key, sizeof key, "%.*s", (int)k->via.str.size, k->via.str.ptr);
		for (size_t j = 0; j < sizeof reserved / sizeof reserved[0]; j++)
			if (strcmp(key, reserved[j]) == 0) {
				http_error(h, 400, "unknown_field", key, "\"%s\" is not a field of the body: the gateway "
					   "sets it (the party is the bearer token's)", key);
				return -1;
			}
		char brace[72];
		snprintf(brace, sizeof brace, "{%s}", key);
		if (strstr(h->rt->path, brace)) {
			http_error(h, 400, "unknown_field", key, "\"%s\" is given by the path, not the body", key);
			return -1;
		}
		if (MHD_lookup_connection_value(h->conn, MHD_GET_ARGUMENT_KIND, key)) {
			http_error(h, 400, "unknown_field", key, "\"%s\" is given twice: in the query and the body", key);
			return -1;
		}
		mw_kobj(w, key, &m->via.map.ptr[i].val);
	}
	return 0;
}

static void slots_alloc(hreq *h, size_t n)
{
	h->slots = xcalloc(n, sizeof *h->slots);
	h->nslots = n;
}

/* send_one - build and send the route's request into slot 0 */
static void send_one(hreq *h)
{
	const route *r = h->rt;
	msgpack_sbuffer sb;
	msg_in in;
	mw w;
	int timeout = GW_TIMEOUT_MS;
	uint64_t id;

	mw_init(&w);
	msgpack_sbuffer_init(&sb);
	memset(&in, 0, sizeof in);
	if (!(r->flags & R_BODY) && h->len) {
		http_error(h, 400, "bad_message", "", "%s %s takes no body (its fields are in the path and the query)",
			   r->method, r->path);
		goto out;
	}
	id = routes_begin(&w, r->type, h->party_id);
	if (add_params(h, &w, &timeout) < 0)
		goto out;
	if (r->flags & R_BODY) {
		if (body_map(h, &sb, &in) < 0 || add_body(h, &w, in.root) < 0)
			goto out;
	}
	mw_end(&w);
	slots_alloc(h, 1);
	h->slots[0].svc = r->svc;
	if (up_send(h->g, h, 0, mw_data(&w), mw_len(&w), id, timeout) < 0)
		routes_reply(h, 0);
out:
	if (in.root)
		msg_in_free(&in);
	msgpack_sbuffer_destroy(&sb);
	mw_free(&w);
}

/* answer_slot - the JSON answer of one reply (or of its absence) */
static void answer_slot(hreq *h, size_t s)
{
	slot *sl = &h->slots[s];
	if (!sl->have_reply) {
		http_error(h, sl->timed_out ? 504 : 503, sl->timed_out ? "timeout" : "unavailable", "", "%s", sl->err);
		return;
	}
	const msgpack_object *err = obj_get(sl->reply.root, "error");
	size_t len;
	char *json = routes_json_reply(sl->reply.root, &len);
	unsigned st = 200;
	if (!obj_bool(sl->reply.root, "ok")) {
		char code[40];
		st = routes_status(err ? obj_cstr(err, "code", code, sizeof code) : "bad_message");
	}
	http_set_json(h, st, json, len);
}

/* ---- a batch of checks ---- */

static void send_batch(hreq *h)
{
	msgpack_sbuffer sb;
	msg_in in;
	const msgpack_object *checks;
	mw w;

	mw_init(&w);
	if (body_map(h, &sb, &in) < 0)
		goto out;
	checks = obj_get(in.root, "checks");
	if (in.root->via.map.size != 1 || !checks) {
		http_error(h, 400, checks ? "unknown_field" : "missing_field", checks ? "" : "checks",
			   "the body is {\"checks\": [{\"subject\", \"matter\", \"id_type\"?}, ...]} and nothing else");
		goto out;
	}
	if (checks->type != MSGPACK_OBJECT_ARRAY || checks->via.array.size == 0 ||
	    checks->via.array.size > GW_MAX_BATCH) {
		http_error(h, checks->type != MSGPACK_OBJECT_ARRAY ? 400 : 422,
			   checks->type != MSGPACK_OBJECT_ARRAY ? "wrong_type" : "bad_value", "checks",
			   "checks must be an array of 1 to %d checks", GW_MAX_BATCH);
		goto out;
	}
	for (uint32_t i = 0; i < checks->via.array.size; i++)
		if (checks->via.array.ptr[i].type != MSGPACK_OBJECT_MAP) {
			char f[32];
			snprintf(f, sizeof f, "checks.%u", i);
			http_error(h, 400, "wrong_type", f, "each check is an object {subject, matter, id_type?}");
			goto out;
		}
	slots_alloc(h, checks->via.array.size);
	for (uint32_t i = 0; i < checks->via.array.size; i++) {
		const msgpack_object *m = &checks->via.array.ptr[i];
		uint64_t id = routes_begin(&w, "check", h->party_id);
		for (uint32_t k = 0; k < m->via.map.size; k++) {
			const msgpack_object *key = &m->via.map.ptr[k].key;
			if (obj_str_eq(key, "v") || obj_str_eq(key, "type") || obj_str_eq(key, "id") ||
			    obj_str_eq(key, "party"))
				continue;   /* the daemon's own error would be clearer, but these are ours */
			mw_obj(&w, key);
			mw_obj(&w, &m->via.map.ptr[k].val);
		}
		mw_end(&w);
		h->slots[i].svc = SVC_DISPATCH;
		if (up_send(h->g, h, i, mw_data(&w), mw_len(&w), id, GW_TIMEOUT_MS) < 0)
			h->slots[i].have_reply = false;
	}
	if (!h->waiting)
		routes_reply(h, 0);
out:
	if (in.root)
		msg_in_free(&in);
	msgpack_sbuffer_destroy(&sb);
	mw_free(&w);
}

static void render_batch(hreq *h)
{
	char *buf = NULL;
	size_t n = 0, len;
	FILE *f = open_memstream(&buf, &n);
	size_t ok = 0;
	fputs("{\"ok\":true,\"results\":[", f);
	for (size_t i = 0; i < h->nslots; i++) {
		slot *sl = &h->slots[i];
		if (i)
			fputc(',', f);
		if (!sl->have_reply) {
			fprintf(f, "{\"ok\":false,\"error\":{\"code\":\"%s\",\"field\":\"\",\"message\":\"%s\"}}",
				sl->timed_out ? "timeout" : "unavailable", sl->err);
			continue;
		}
		ok += obj_bool(sl->reply.root, "ok");
		char *j = routes_json_reply(sl->reply.root, &len);
		fwrite(j, 1, len - 1, f);   /* without its newline */
		free(j);
	}
	fprintf(f, "],\"answered\":%zu,\"refused\":%zu}\n", ok, h->nslots - ok);
	fclose(f);
	http_set_json(h, 200, buf, n);
}

/* ---- an upload of many records (NDJSON: one record map a line, as jrpctl submit --lines) ---- */

typedef struct bulk {
	csvrec_file *csv;         /* a CSV upload: rows instead of lines (slot_line holds the row's index) */
	csvrec_map *map;
	bool csv_answer;          /* ?format=csv: answer the refused rows as a CSV */
	size_t row;               /* the next data row */
	size_t pos;               /* where the next line starts */
	size_t line;              /* its number */
	size_t slot_line[GW_BULK_WINDOW];
	size_t lines, accepted, duplicates, refused;
	char *errs;               /* JSON array items, the first 1,000 refusals */
	size_t errs_len, nerrs;
	FILE *ef;
} bulk;

static void bulk_refuse(hreq *h, size_t line, const char *code, const char *field, const char *message)
{
	bulk *b = h->bulk;
	b->refused++;
	if (b->nerrs++ >= 1000)
		return;
	msgpack_sbuffer sb;
	msgpack_packer pk;
	msgpack_unpacked up;
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 4);
	msgpack_pack_str_with_body(&pk, "line", 4);
	msgpack_pack_uint64(&pk, line);
	msgpack_pack_str_with_body(&pk, "code", 4);
	msgpack_pack_str_with_body(&pk, code, strlen(code));
	msgpack_pack_str_with_body(&pk, "field", 5);
	msgpack_pack_str_with_body(&pk, field, strlen(field));
	msgpack_pack_str_with_body(&pk, "message", 7);
	msgpack_pack_str_with_body(&pk, message, strlen(message));
	msgpack_unpacked_init(&up);
	if (msgpack_unpack_next(&up, sb.data, sb.size, NULL) == MSGPACK_UNPACK_SUCCESS) {
		if (b->nerrs > 1)
			fputc(',', b->ef);
		conv_msgpack_to_json(&up.data, 0, b->ef);
	}
	msgpack_unpacked_destroy(&up);
	msgpack_sbuffer_destroy(&sb);
}

/* bulk_next - send the next non-empty line into slot s; false at the end */
static bool bulk_next(hreq *h, size_t s)
{
	bulk *b = h->bulk;
	while (b->csv && b->row < csvrec_nrows(b->csv)) {
		size_t i = b->row++;
		msgpack_sbuffer sb;
		msgpack_sbuffer_init(&sb);
		b->lines++;
		if (csvrec_convert(b->csv, i, &sb) < 0) {
			const csvrec_refusal *r = csvrec_refusal_of(b->csv, i);
			bulk_refuse(h, r ? r->row : csvrec_row_no(b->csv, i), r ? r->code : "bad_value", r ? r->field : "",
				    r ? r->reason : "");
			msgpack_sbuffer_destroy(&sb);
			continue;
		}
		mw w;
		mw_init(&w);
		uint64_t id = routes_begin(&w, "record.submit", h->party_id);
		mw_str(&w, "record");
		mw_raw(&w, sb.data, sb.size);
		mw_end(&w);
		msgpack_sbuffer_destroy(&sb);
		b->slot_line[s] = i;
		int rc = up_send(h->g, h, s, mw_data(&w), mw_len(&w), id, GW_TIMEOUT_MS);
		mw_free(&w);
		if (rc < 0) {
			csvrec_refuse(b->csv, i, "unavailable", "", h->slots[s].err);
			bulk_refuse(h, csvrec_row_no(b->csv, i), "unavailable", "", h->slots[s].err);
			continue;
		}
		return true;
	}
	while (!b->csv && b->pos < h->len) {
		const char *p = h->body + b->pos, *nl = memchr(p, '\n', h->len - b->pos);
		size_t n = nl ? (size_t)(nl - p) : h->len - b->pos;
		b->pos += n + (nl != NULL);
		b->line++;
		while (n && (p[n - 1] == '\r' || p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n == 0)
			continue;
		b->lines++;
		msgpack_sbuffer sb;
		jrp_error e;
		jrp_error_clear(&e);
		msgpack_sbuffer_init(&sb);
		if (conv_text_to_msgpack(p, n, &sb, &e) < 0 || sb.size == 0 ||
		    (((unsigned char)sb.data[0] & 0xf0) != 0x80 && (unsigned char)sb.data[0] != 0xde &&
		     (unsigned char)sb.data[0] != 0xdf)) {
			char m[sizeof e.field + sizeof e.message + 40];
			snprintf(m, sizeof m, "not one JSON object%s%s%s", e.message[0] ? ": " : "", e.field,
				 e.message[0] ? e.message : "");
			bulk_refuse(h, b->line, "bad_message", "", m);
			msgpack_sbuffer_destroy(&sb);
			continue;
		}
		mw w;
		mw_init(&w);
		uint64_t id = routes_begin(&w, "record.submit", h->party_id);
		mw_str(&w, "record");
		mw_raw(&w, sb.data, sb.size);
		mw_end(&w);
		msgpack_sbuffer_destroy(&sb);
		b->slot_line[s] = b->line;
		int rc = up_send(h->g, h, s, mw_data(&w), mw_len(&w), id, GW_TIMEOUT_MS);
		mw_free(&w);
		if (rc < 0) {
			bulk_refuse(h, b->line, "unavailable", "", h->slots[s].err);
			continue;
		}
		return true;
	}
	return false;
}

static void json_str(FILE *f, const char *s)
{
	msgpack_object o = { .type = MSGPACK_OBJECT_STR };
	o.via.str.ptr = s;
	o.via.str.size = (uint32_t)strlen(s);
	conv_msgpack_to_json(&o, 0, f);
}

static void render_bulk(hreq *h)
{
	bulk *b = h->bulk;
	char *buf = NULL;
	size_t n = 0;
	fclose(b->ef);
	b->ef = NULL;
	if (b->csv && b->csv_answer) {   /* the refused rows as the clerk's own spreadsheet, 行号 and 原因 added */
		char *csv = NULL;
		size_t len = 0;
		csvrec_refused_csv(b->csv, &csv, &len);
		free(b->errs);
		b->errs = NULL;
		free(h->resp);
		h->resp = csv ? csv : xstrdup("");
		h->resp_len = len;
		h->status = 200;
		h->ctype = "text/csv; charset=utf-8";
		if (csvrec_encoding_of(b->csv) == CSVREC_GB18030)
			h->ctype = "text/csv; charset=gb18030";
		h->disposition = xstrdup("attachment; filename=\"refused.csv\"");
		http_finish(h);
		return;
	}
	FILE *f = open_memstream(&buf, &n);
	fprintf(f, "{\"ok\":true,\"lines\":%zu,\"accepted\":%zu,\"duplicates\":%zu,\"refused\":%zu,"
		"\"refusals\":[%.*s],\"refusals_total\":%zu", b->lines, b->accepted, b->duplicates, b->refused,
		(int)b->errs_len, b->errs ? b->errs : "", b->nerrs);
	if (b->csv) {
		const char *const *w = NULL;
		size_t nw = csvrec_warnings(b->csv, &w);
		const char *mp = csvrec_map_path(b->map), *slash = strrchr(mp, '/');
		fprintf(f, ",\"encoding\":\"%s\",\"mapping\":", csvrec_encoding_name(csvrec_encoding_of(b->csv)));
		json_str(f, slash ? slash + 1 : mp);
		fputs(",\"warnings\":[", f);
		for (size_t i = 0; i < nw; i++) {
			if (i)
				fputc(',', f);
			json_str(f, w[i]);
		}
		fputc(']', f);
	}
	fputs("}\n", f);
	fclose(f);
	free(b->errs);
	b->errs = NULL;
	http_set_json(h, 200, buf, n);
}

/* csv_query - one query parameter of a CSV upload: mapping, domain, format */
typedef struct csvq {
	hreq *h;
	char mapping[64], domain[40], format[8];
	bool bad;
} csvq;

static enum MHD_Result csv_query(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	csvq *q = cls;
	char *dst = NULL;
	size_t cap = 0;
	(void)kind;
	if (q->bad)
		return MHD_NO;
	if (strcmp(key, "mapping") == 0)
		dst = q->mapping, cap = sizeof q->mapping;
	else if (strcmp(key, "domain") == 0)
		dst = q->domain, cap = sizeof q->domain;
	else if (strcmp(key, "format") == 0)
		dst = q->format, cap = sizeof q->format;
	if (!dst) {
		http_error(q->h, 400, "unknown_field", key, "a CSV upload takes the query parameters mapping, domain and "
			   "format; not \"%s\"", key);
		q->bad = true;
		return MHD_NO;
	}
	if (!value || !value[0] || strlen(value) >= cap || strspn(value, "abcdefghijklmnopqrstuvwxyz0123456789_-") !=
	    strlen(value)) {
		http_error(q->h, 422, "bad_value", key, "\"%s\" must be a short name of [a-z0-9_-]", key);
		q->bad = true;
		return MHD_NO;
	}
	snprintf(dst, cap, "%s", value);
	return MHD_YES;
}

/* send_csv - POST /v1/records with text/csv: a clerk's spreadsheet (common/csvrec.h), as jrpctl submit --csv
 * does it: the mapping named (RULES/csv/NAME.yaml) or the one whose required columns the file has */
static void send_csv(hreq *h)
{
	csvq q = { .h = h };
	csvrec_file *f = NULL;
	csvrec_map *m = NULL;
	jrp_error e;
	char path[600];

	MHD_get_connection_values(h->conn, MHD_GET_ARGUMENT_KIND, csv_query, &q);
	if (q.bad)
		return;
	if (q.format[0] && strcmp(q.format, "csv") != 0 && strcmp(q.format, "json") != 0) {
		http_error(h, 422, "bad_value", "format", "format is json (the default: a summary) or csv (the refused "
			   "rows, with 行号 and 原因)");
		return;
	}
	jrp_error_clear(&e);
	if (csvrec_read(h->body ? h->body : "", h->len, &f, &e) < 0) {
		http_error(h, 422, e.code[0] ? e.code : "bad_value", e.field, "%s", e.message);
		return;
	}
	const char *domain = q.domain[0] ? q.domain : NULL;
	if (!domain && h->party->ndomains == 1)
		domain = h->party->domains[0];
	csvrec_opts o = { .domain = domain ? domain : "-" };
	if (q.mapping[0]) {
		snprintf(path, sizeof path, "%s/csv/%s.yaml", h->g->cfg->rules_dir, q.mapping);
		if (csvrec_map_load(path, &m, &e) < 0) {
			http_error(h, access(path, R_OK) == 0 ? 422 : 404, access(path, R_OK) == 0 ? "config" : "not_found",
				   "mapping", "mapping \"%s\": %s", q.mapping, access(path, R_OK) == 0 ? e.message :
				   "no such file in the rules' csv directory");
			csvrec_free(&f);
			return;
		}
		if (csvrec_bind(f, m, &o, &e) < 0) {
			http_error(h, 422, "bad_value", "csv", "%s", e.message);
			goto fail;
		}
	} else {
		/* every RULES/csv/NAME.yaml, as jrpctl submit --csv looks for the one that fits */
		char dir[520];
		size_t fits = 0;
		snprintf(dir, sizeof dir, "%s/csv", h->g->cfg->rules_dir);
		DIR *dd = opendir(dir);
		struct dirent *de;
		while (dd && (de = readdir(dd))) {
			size_t l = strlen(de->d_name);
			csvrec_map *c = NULL;
			if (de->d_name[0] == '.' || l < 6 || strcmp(de->d_name + l - 5, ".yaml") != 0)
				continue;
			char *mp = xasprintf("%s/%s", dir, de->d_name);
			int lrc = csvrec_map_load(mp, &c, &e);
			free(mp);
			if (lrc == 0 && csvrec_bind(f, c, &o, &e) == 0) {
				fits++;
				csvrec_map_free(&m);
				m = c;
			} else {
				csvrec_map_free(&c);
			}
		}
		if (dd)
			closedir(dd);
		if (fits != 1) {
			http_error(h, 422, "bad_value", "mapping", fits ? "the file fits more than one mapping: name one with "
				   "?mapping=" : "the file's columns fit no mapping of the rules' csv directory: name one "
				   "with ?mapping= (the templates beside them show the columns)");
			goto fail;
		}
		csvrec_bind(f, m, &o, &e);   /* bound to the last tried: bind the one that fits again */
	}
	if (!csvrec_map_domain(m) && !domain) {
		http_error(h, 422, "missing_field", "domain", "the mapping names no domain and party \"%s\" has %zu: "
			   "give ?domain=", h->party_id, h->party->ndomains);
		goto fail;
	}
	h->bulk = xcalloc(1, sizeof *h->bulk);
	h->bulk->ef = open_memstream(&h->bulk->errs, &h->bulk->errs_len);
	h->bulk->csv = f;
	h->bulk->map = m;
	h->bulk->csv_answer = strcmp(q.format, "csv") == 0;
	slots_alloc(h, GW_BULK_WINDOW);
	for (size_t s = 0; s < GW_BULK_WINDOW; s++) {
		h->slots[s].svc = SVC_INGEST;
		if (!bulk_next(h, s))
			break;
	}
	if (!h->waiting)
		render_bulk(h);
	return;
fail:
	csvrec_free(&f);
	csvrec_map_free(&m);
}

void routes_free(hreq *h)
{
	export_free(h);
	if (!h->bulk)
		return;
	if (h->bulk->ef)
		fclose(h->bulk->ef);
	free(h->bulk->errs);
	csvrec_free(&h->bulk->csv);
	csvrec_map_free(&h->bulk->map);
	free(h->bulk);
	h->bulk = NULL;
}

static void send_bulk(hreq *h)
{
	h->bulk = xcalloc(1, sizeof *h->bulk);
	h->bulk->ef = open_memstream(&h->bulk->errs, &h->bulk->errs_len);
	slots_alloc(h, GW_BULK_WINDOW);
	for (size_t s = 0; s < GW_BULK_WINDOW; s++) {
		h->slots[s].svc = SVC_INGEST;
		if (!bulk_next(h, s))
			break;
	}
	if (!h->waiting)
		render_bulk(h);
}

static void bulk_reply(hreq *h, size_t s)
{
	bulk *b = h->bulk;
	slot *sl = &h->slots[s];
	if (!sl->have_reply) {
		size_t line = b->slot_line[s];
		if (b->csv) {
			csvrec_refuse(b->csv, line, sl->timed_out ? "timeout" : "unavailable", "", sl->err);
			line = csvrec_row_no(b->csv, line);
		}
		bulk_refuse(h, line, sl->timed_out ? "timeout" : "unavailable", "", sl->err);
	} else {
		if (obj_bool(sl->reply.root, "ok")) {
			if (obj_bool(sl->reply.root, "duplicate"))
				b->duplicates++;
			else
				b->accepted++;
		} else {
			const msgpack_object *err = obj_get(sl->reply.root, "error");
			char code[40], field[128], msg[600];
			obj_cstr(err, "code", code, sizeof code);
			obj_cstr(err, "field", field, sizeof field);
			obj_cstr(err, "message", msg, sizeof msg);
			if (b->csv) {   /* the row's refusal, in Chinese, kept for the refused CSV too */
				size_t i = b->slot_line[s];
				csvrec_refuse(b->csv, i, code, field, msg);
				const csvrec_refusal *r = csvrec_refusal_of(b->csv, i);
				bulk_refuse(h, csvrec_row_no(b->csv, i), code, field, r ? r->reason : msg);
			} else {
				bulk_refuse(h, b->slot_line[s], code, field, msg);
			}
		}
		msg_in_free(&sl->reply);
		sl->have_reply = false;
	}
	sl->timed_out = false;
	if (!bulk_next(h, s) && !h->waiting)
		render_bulk(h);
}

/* ---- a subject's whole credit record: records (ingest), entries (adjudicate), tasks (feedback) ---- */

static const struct { int svc; const char *type; } subject_parts[] = {
	{ SVC_INGEST, "records.get" }, { SVC_ADJUDICATE, "entries.get" }, { SVC_FEEDBACK, "tasks.get" },
};

static enum MHD_Result only_id_type(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	hreq *h = cls;
	(void)kind;
	(void)value;
	if (strcmp(key, "id_type") == 0 || strcmp(key, "as_of_time") == 0 || h->answered)
		return MHD_YES;
	http_error(h, 400, "unknown_field", key, "%s takes no query parameter \"%s\"; it takes: id_type, as_of_time",
		   h->rt->path, key);
	return MHD_NO;
}

static void send_subject(hreq *h)
{
	mw w;
	if (h->len) {
		http_error(h, 400, "bad_message", "", "GET %s takes no body", h->rt->path);
		return;
	}
	MHD_get_connection_values(h->conn, MHD_GET_ARGUMENT_KIND, only_id_type, h);
	if (h->answered)
		return;
	/* as of a past instant (as_of_time): the records, entries and tasks as they were then */
	const char *asof = MHD_lookup_connection_value(h->conn, MHD_GET_ARGUMENT_KIND, "as_of_time");
	size_t parts = 3;
	mw_init(&w);
	slots_alloc(h, parts);
	for (size_t i = 0; i < parts; i++) {
		uint64_t id = routes_begin(&w, subject_parts[i].type, h->party_id);
		mw_kstr(&w, "subject", h->param[0]);
		const char *idt = MHD_lookup_connection_value(h->conn, MHD_GET_ARGUMENT_KIND, "id_type");
		if (idt)
			mw_kstr(&w, "id_type", idt);
		if (asof && strspn(asof, "0123456789") == strlen(asof) && asof[0] && strlen(asof) < 19)
			mw_ku64(&w, "as_of_time", strtoull(asof, NULL, 10));
		else if (asof)
			mw_kstr(&w, "as_of_time", asof);
		mw_end(&w);
		h->slots[i].svc = subject_parts[i].svc;
		if (up_send(h->g, h, i, mw_data(&w), mw_len(&w), id, GW_TIMEOUT_MS) < 0)
			break;
	}
	mw_free(&w);
	if (!h->waiting)
		routes_reply(h, 0);
}

static void render_subject(hreq *h)
{
	/* the first that failed answers for all: the three are one question */
	for (size_t i = 0; i < h->nslots; i++)
		if (!h->slots[i].have_reply || !obj_bool(h->slots[i].reply.root, "ok")) {
			answer_slot(h, i);
			return;
		}
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	fputs("{\"ok\":true", f);
	for (size_t i = 0; i < h->nslots; i++) {
		const msgpack_object *r = h->slots[i].reply.root;
		for (uint32_t k = 0; k < r->via.map.size; k++) {
			const msgpack_object *key = &r->via.map.ptr[k].key;
			if (obj_str_eq(key, "v") || obj_str_eq(key, "type") || obj_str_eq(key, "id") ||
			    obj_str_eq(key, "ok") || (i && (obj_str_eq(key, "subject") || obj_str_eq(key, "as_of_time"))))
				continue;
			fputc(',', f);
			conv_msgpack_to_json(key, 0, f);
			fputc(':', f);
			conv_msgpack_to_json(&r->via.map.ptr[k].val, 0, f);
		}
	}
	fputs("}\n", f);
	fclose(f);
	http_set_json(h, 200, buf, n);
}

/* ---- dispatching ---- */

void routes_handle(hreq *h, const char *url)
{
	const route *r = NULL;
	bool path_known = false;
	for (size_t i = 0; i < NROUTES; i++)
		if (match(&routes[i], url, h)) {
			path_known = true;
			if (strcmp(routes[i].method, h->method) == 0) {
				r = &routes[i];
				break;
			}
		}
	if (!r) {
		const gw_file *f = strcmp(h->method, "GET") == 0 ? static_find(url) : NULL;
		if (f) {
			h->status = 200;
			h->resp = xmalloc(f->len ? f->len : 1);
			memcpy(h->resp, f->data, f->len);
			h->resp_len = f->len;
			h->ctype = f->ctype;
			h->answered = true;
			return;
		}
		if (path_known)
			http_error(h, 405, "method_not_allowed", "", "%s is not served on %s", h->method, url);
		else
			http_error(h, 404, "not_found", "", "no such path: %s (the API is described in /openapi.yaml)",
				   url);
		return;
	}
	h->rt = r;
	if (!(r->flags & R_OPEN)) {
		const char *auth = MHD_lookup_connection_value(h->conn, MHD_HEADER_KIND, "Authorization");
		if (!auth && (h->party = gw_cert_party(h->g, h->conn))) {
			/* a client certificate named the party (HTTPS with gateway.client_ca) */
		} else if (!auth || strncasecmp(auth, "Bearer ", 7) != 0) {
			http_error(h, 401, "unauthorized", "Authorization", "this path needs \"Authorization: Bearer "
				   "TOKEN\", a token of your party (jrpctl tokens new PARTY)%s",
				   h->g->cfg->gw.client_ca ? ", or a client certificate of the configured CA whose fingerprint "
				   "is under your party's certs" : "");
			return;
		} else if (!(h->party = gw_token_party(h->g, auth + 7))) {
			http_error(h, 401, "unauthorized", "Authorization", "this token is not a party's in the registry "
				   "(a token is stored hashed: parties.yaml tokens)");
			return;
		}
		snprintf(h->party_id, sizeof h->party_id, "%s", h->party->id);
		if ((r->flags & R_OFFICE) && !(h->party->roles & ROLE_OFFICE)) {
			http_error(h, 403, "forbidden", "Authorization", "party \"%s\" may not read %s (the office's)",
				   h->party_id, r->path);
			return;
		}
	}
	switch (r->kind) {
	case K_ONE:
		if (strcmp(r->type, "record.submit") == 0) {
			const char *ct = MHD_lookup_connection_value(h->conn, MHD_HEADER_KIND, "Content-Type");
			if (ct && strncasecmp(ct, "application/x-ndjson", 20) == 0) {
				send_bulk(h);
				return;
			}
			if (ct && strncasecmp(ct, "text/csv", 8) == 0) {
				send_csv(h);
				return;
			}
			if (ct && strncasecmp(ct, "application/json", 16) != 0) {
				http_error(h, 415, "unsupported_media_type", "Content-Type", "POST /v1/records takes "
					   "application/json (one record: {\"record\": {...}}), application/x-ndjson "
					   "(one record object a line) or text/csv (a spreadsheet, ?mapping=); not %s", ct);
				return;
			}
		}
		if (h->len > GW_MAX_BODY) {
			http_error(h, 413, "too_large", "", "the body is over %u bytes", GW_MAX_BODY);
			return;
		}
		send_one(h);
		return;
	case K_BATCH:
		if (h->len > GW_MAX_BULK / 16) {
			http_error(h, 413, "too_large", "", "the body is over %u bytes", GW_MAX_BULK / 16);
			return;
		}
		send_batch(h);
		return;
	case K_SUBJECT:
		send_subject(h);
		return;
	case K_METRICS:
		metrics_start(h);
		return;
	case K_EXPORT:
		export_start(h);
		return;
	case K_READY:
		health_ready_start(h);
		return;
	case K_HEALTH: {
		char *j = xasprintf("{\"ok\":true,\"alive\":true,\"uptime_seconds\":%lld}\n",
				    (long long)((clock_real_ms() - h->g->started_ms) / 1000));
		http_set_json(h, 200, j, strlen(j));
		return;
	}
	}
}

void routes_reply(hreq *h, size_t s)
{
	if (h->answered)
		return;
	if (h->bulk) {
		bulk_reply(h, s);
		return;
	}
	if (h->waiting)
		return;
	switch (h->rt->kind) {
	case K_ONE: answer_slot(h, 0); break;
	case K_BATCH: render_batch(h); break;
	case K_SUBJECT: render_subject(h); break;
	case K_METRICS: metrics_render(h); break;
	case K_EXPORT: export_render(h); break;
	case K_READY: health_ready_render(h); break;
	}
}
