/*
 * builtin.c - the routes every daemon serves (skel.h): ping, status,
 * metrics (metrics.h), clock.set (test mode), log.fetch (the outbound log, long-polled),
 * catalog.reload (the office), rejected.list and rejected.retry (puller.h)
 */
#include "skel.h"
#include "clock.h"
#include "retain.h"
#include "proto.h"
#include "util/log.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int h_ping(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	mw_kstr(out, "daemon", d->svc->name);
	return 0;
}

static int h_status(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	char now[32];
	uint64_t last = 0;

	ms_format(clock_now_ms(), now, sizeof now);
	mw_kstr(out, "daemon", d->svc->name);
	mw_ku64(out, "pid", (uint64_t)getpid());
	mw_kstr(out, "catalog_version", d->cat->version);
	mw_kbool(out, "test_clock", clock_is_test());
	mw_kstr(out, "now", now);
	mw_ku64(out, "map_size_mb", store_map_size(d->st) >> 20);
	/* space: what the store uses against the map's maximum (when it reaches it, writes are refused) */
	mw_ku64(out, "used_bytes", store_used(d->st, txn));
	mw_ku64(out, "map_max_bytes", (uint64_t)store_map_max(d->st));
	if (store_disk_free(d->st) != UINT64_MAX)
		mw_ku64(out, "disk_free_bytes", store_disk_free(d->st));   /* the map grows into it */
	mw_ku64(out, "format", JRP_LOG_FORMAT);
	if (d->svc->outlog >= 0 && store_log_last(txn, store_dbi(d->st, d->svc->outlog), &last) == 0) {
		uint64_t first = 0;
		mw_ku64(out, "log_last", last);
		if (store_log_first(txn, store_dbi(d->st, d->svc->outlog), &first) == 0)
			mw_ku64(out, "log_first", first);
		mw_kstr(out, "log_id", d->log_id);
	}
	if (d->pull)
		puller_status(d->pull, txn, out);
	if (d->front)
		mw_ku64(out, "journal_behind_bytes", front_journal_behind(d, txn));
	retain_status(d, txn, out);
	mw_str(out, "warnings");
	mw_arr(out);
	if (d->svc->warnings)
		d->svc->warnings(d->cat, clock_now_ms(), out);
	mw_end(out);
	if (d->svc->status)
		d->svc->status(d, txn, out);
	return 0;
}

/* h_metrics - {} -> {daemon, started_at, requests, latency}: every reply this daemon sent since it
 * started, by type and result, and how long each type took (metrics.h). Like status, no party: it
 * says how the daemon serves, nothing about subjects or parties, and a scraper polls it */
static int h_metrics(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	int rc;
	if ((rc = mr_end(&r->body)) < 0)
		return rc;
	mw_kstr(out, "daemon", d->svc->name);
	metrics_write(d->metrics, out);
	return 0;
}

static int h_clock_set(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	char s[40];
	int64_t ms;
	int rc;
	if (!clock_is_test())
		return jrp_fail(e, JRP_ERR_NOT_TEST_MODE, "type", "clock.set is only served when the daemon runs with test_clock: true");
	if ((rc = mr_cstr(&r->body, "now", MR_REQ, 32, s)) < 0 || (rc = mr_end(&r->body)) < 0)
		return rc;
	if (ms_parse(s, &ms) < 0)
		return mr_fail_value(&r->body, "now", "must be YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS+08:00");
	if ((rc = meta_put_u64(txn, store_dbi(d->st, DB_META), "test_clock_ms", (uint64_t)ms)) != 0)
		return rc;
	clock_set_ms(ms);
	daemon_retick(d);
	retain_kick(d);
	ms_format(ms, s, sizeof s);
	mw_kstr(out, "now", s);
	return 0;
}

typedef struct fetch_ctx {
	mw *out;
	size_t n;
	uint32_t end_crc;    /* of the last record written */
	bool crc;
} fetch_ctx;

static int fetch_one(void *arg, uint64_t seq, const MDB_val *v)
{
	fetch_ctx *f = arg;
	mw_raw(f->out, v->mv_data, v->mv_size);
	f->n++;
	if (f->crc)
		f->end_crc = crc32c(0, v->mv_data, v->mv_size);
	return 0;
}

/* fetch - {after, max?, wait_ms?} on the log dbi: {records, last}, long-polling when wait_ms is given
 * and nothing is new; ident (the outbound log): also its id and format, and the CRC-32C of the
 * record at `after` and of the last record returned, so that a consumer knows it is reading the
 * log its cursor belongs to (puller.h). Records that left LMDB are read from the archives, the
 * same bytes (retain.h); the registered consumer's `after` is its cursor, which retention heeds. */
static int fetch(jrp_daemon *d, jrp_req *r, MDB_txn *txn, MDB_dbi dbi, int after_opt, bool ident, mw *out,
		 jrp_error *e)
{
	uint64_t after = 0, max = 256, wait = 0, last = 0;
	fetch_ctx f = { .out = out, .crc = ident };
	int rc;

	if ((rc = mr_u64(&r->body, "after", after_opt, &after)) < 0 ||
	    (rc = mr_u64(&r->body, "max", MR_OPT, &max)) < 0 ||
	    (rc = mr_u64(&r->body, "wait_ms", MR_OPT, &wait)) < 0)
		return rc;
	if (max < 1 || max > JRP_MAX_FETCH)
		return mr_fail_value(&r->body, "max", "must be 1..%d", JRP_MAX_FETCH);
	if (wait > JRP_MAX_WAIT_MS)
		return mr_fail_value(&r->body, "wait_ms", "must be at most %d", JRP_MAX_WAIT_MS);
	if ((rc = store_log_last(txn, dbi, &last)) != 0)
		return rc;
	if (ident && r->party)
		retain_fetched(d, r->party->id, after, last);
	if (last <= after && wait > 0 && !r->final) {
		if (!r->wait_until)
			r->wait_until = clock_real_ms() + (int64_t)wait;
		return DAEMON_PARK;
	}
	mw_str(out, "records");
	mw_arr(out);
	if ((rc = retain_scan(d, txn, dbi, after, max, JRP_MAX_MESSAGE * 4, fetch_one, &f, e)) != 0)
		return rc;
	mw_end(out);
	mw_ku64(out, "last", last);
	if (ident) {
		MDB_val v;
		void *owned = NULL;
		mw_kstr(out, "log_id", d->log_id);
		mw_ku64(out, "format", JRP_LOG_FORMAT);
		if (after && after <= last) {
			rc = daemon_log_read(d, txn, dbi, after, &v, &owned, e);
			if (rc == 0)
				mw_ku64(out, "after_crc", crc32c(0, v.mv_data, v.mv_size));
			free(owned);
			if (rc != 0 && rc != JRP_ENOTFOUND)
				return rc;
			if (rc == JRP_ENOTFOUND && e->code[0])
				return rc;   /* in an archive file that is not there: say which */
		}
		if (f.n)
			mw_ku64(out, "end_crc", f.end_crc);
	}
	return 0;
}

int daemon_fetch_log(jrp_daemon *d, jrp_req *r, MDB_txn *txn, MDB_dbi dbi, int after_opt, mw *out, jrp_error *e)
{
	return fetch(d, r, txn, dbi, after_opt, false, out, e);
}

static int h_log_fetch(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	return fetch(d, r, txn, store_dbi(d->st, d->svc->outlog), MR_REQ, true, out, e);
}

/* h_log_seek - {at: ms} -> {after, log_id}: where to start a log.fetch to see every record of the
 * outbound log appended at or after `at` (earlier ones may follow it: the archive index by time
 * skips only blocks that are wholly older; jrpctl audit --from uses it) */
static int h_log_seek(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	int64_t at;
	uint64_t after = 0;
	int rc;
	if ((rc = mr_i64(&r->body, "at", MR_REQ, &at)) < 0 || (rc = mr_end(&r->body)) < 0)
		return rc;
	if ((rc = retain_seek(d, txn, store_dbi(d->st, d->svc->outlog), at, &after)) != 0)
		return rc;
	mw_ku64(out, "after", after);
	mw_kstr(out, "log_id", d->log_id);
	return 0;
}

/* h_rejected_list - the records this daemon could not apply (puller.h): the operator's view */
static int h_rejected_list(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	bool all = false;
	uint64_t after = 0, max = 100;
	int rc;
	if ((rc = mr_bool(&r->body, "all", MR_OPT, &all)) < 0 || (rc = mr_u64(&r->body, "after", MR_OPT, &after)) < 0 ||
	    (rc = mr_u64(&r->body, "max", MR_OPT, &max)) < 0 || (rc = mr_end(&r->body)) < 0)
		return rc;
	if (max < 1 || max > 1000)
		return mr_fail_value(&r->body, "max", "must be 1..1000");
	mw_kstr(out, "daemon", d->svc->name);
	return puller_rejected_list(d->pull, txn, all, after, max, out);
}

/* h_rejected_retry - apply a rejected record again, after a fix: exactly once */
static int h_rejected_retry(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	uint64_t seq;
	int rc;
	if ((rc = mr_u64(&r->body, "seq", MR_REQ, &seq)) < 0 || (rc = mr_end(&r->body)) < 0)
		return rc;
	mw_kstr(out, "daemon", d->svc->name);
	return puller_retry(d->pull, txn, seq, r->party->id, clock_now_ms(), out, e);
}

/* h_catalog_reload - the office puts the catalogue of the rules directory in force without a
 * restart (DESIGN.md "Rules as data"): validated completely first (a bad one changes nothing and
 * the error names file:line:col), a new version required, then the service re-evaluates */
static int h_catalog_reload(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	jrp_catalog *next = NULL, *old = d->cat;
	int rc;
	if (d->prev_cat)
		return jrp_fail(e, JRP_ERR_BUSY, "", "a reload is already in this batch; try again");
	if ((rc = catalog_load(d->cfg->rules_dir, d->parties, &next, e)) < 0)
		return rc;
	if ((rc = catalog_check_parties(next, d->parties, e)) < 0) {   /* a department's domain dropped */
		catalog_free(&next);
		return rc;
	}
	if (strcmp(next->version, old->version) == 0) {
		jrp_fail(e, JRP_ERR_CONFLICT, "version", "catalogue version %s is already in force; give the changed catalogue a new version in catalog.yaml",
			 old->version);
		catalog_free(&next);
		return JRP_ECONFLICT;
	}
	d->cat = next;
	mw_kstr(out, "previous_version", old->version);
	mw_kstr(out, "catalog_version", next->version);
	if (d->svc->reload && (rc = d->svc->reload(d, txn, old, out, e)) < 0) {
		d->cat = old;
		catalog_free(&next);
		return rc;
	}
	d->prev_cat = old;
	return 0;
}

/* party_same - do a and b say the same (name, roles, domains, key, tokens, certs)? */
static bool party_same(const jrp_party *a, const jrp_party *b)
{
	if (strcmp(a->name, b->name) != 0 || a->roles != b->roles || a->ndomains != b->ndomains ||
	    (a->pubkey == NULL) != (b->pubkey == NULL) || (a->pubkey && strcmp(a->pubkey, b->pubkey) != 0))
		return false;
	for (size_t i = 0; i < a->ndomains; i++)
		if (strcmp(a->domains[i], b->domains[i]) != 0)
			return false;
	if (a->ntokens != b->ntokens)
		return false;
	for (size_t i = 0; i < a->ntokens; i++)
		if (strcmp(a->tokens[i], b->tokens[i]) != 0)
			return false;
	if (a->ncerts != b->ncerts)
		return false;
	for (size_t i = 0; i < a->ncerts; i++)
		if (strcmp(a->certs[i], b->certs[i]) != 0)
			return false;
	return true;
}

/* diff_ids - ids of a's parties that are not in b (changed: in both but different) into out */
static size_t diff_ids(const jrp_parties *a, const jrp_parties *b, bool changed, mw *out)
{
	size_t n = 0;
	mw_arr(out);
	for (size_t i = 0; i < a->n; i++) {
		const jrp_party *o = parties_find(b, a->v[i].id);
		if (changed ? (o && !party_same(&a->v[i], o)) : !o) {
			mw_str(out, a->v[i].id);
			n++;
		}
	}
	mw_end(out);
	return n;
}

/* h_parties_reload - the office puts the parties registry file in force without a restart (a new
 * agency, a department's new domain, a rotated key): validated completely first, like the catalogue
 * (a bad file changes nothing, the error names file:line:col), and it must fit what runs: the four
 * daemons are still daemon parties, every measure of the catalogue in force still has its agency,
 * every department's domain is in it. Requests after the commit are authorised with it and CURVE
 * keys are mapped to parties with it; what the old registry authorised stands. */
static int h_parties_reload(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	jrp_parties *next = NULL, *old = d->parties;
	const jrp_party *me;
	size_t added, removed, changed;
	int rc;
	if (d->prev_parties)
		return jrp_fail(e, JRP_ERR_BUSY, "", "a parties reload is already in this batch; try again");
	if ((rc = parties_load(d->cfg->parties_path, &next, e)) < 0)
		return rc;
	/* every daemon of the deployment stays a daemon party: a registry one of them could not use is
	 * refused by all of them alike */
	for (int k = 0; k < SVC__N; k++)
		if (!(me = parties_find(next, svc_names[k])) || !(me->roles & ROLE_DAEMON)) {
			jrp_fail(e, JRP_ERR_CONFLICT, "parties", "%s has no party %s with the daemon role: jrp-%s would not "
				 "be known", next->path, svc_names[k], svc_names[k]);
			parties_free(&next);
			return JRP_ECONFLICT;
		}
	if ((rc = catalog_check_parties(d->cat, next, e)) < 0) {
		parties_free(&next);
		return rc;
	}
	mw_kstr(out, "daemon", d->svc->name);
	mw_ku64(out, "parties", next->n);
	mw_str(out, "added");
	added = diff_ids(next, old, false, out);
	mw_str(out, "removed");
	removed = diff_ids(old, next, false, out);
	mw_str(out, "changed");
	changed = diff_ids(next, old, true, out);
	log_info("event=parties_reload added=%zu removed=%zu changed=%zu by=%s", added, removed, changed, r->party->id);
	d->parties = next;
	d->prev_parties = old;
	return 0;
}

static const jrp_route builtin_routes[] = {
	{ T_PING, h_ping, 0, 0 },
	{ T_STATUS, h_status, 0, 0 },
	{ T_METRICS, h_metrics, 0, 0 },
	{ T_CLOCK_SET, h_clock_set, 0, 0 },
	{ T_CATALOG_RELOAD, h_catalog_reload, ROLE_OFFICE, ROUTE_ATOMIC },
	{ T_PARTIES_RELOAD, h_parties_reload, ROLE_OFFICE, ROUTE_ATOMIC },
	{ T_LOG_FETCH, h_log_fetch, ROLE_DAEMON | ROLE_OFFICE | ROLE_EXCHANGE, 0 },
	{ T_LOG_SEEK, h_log_seek, ROLE_DAEMON | ROLE_OFFICE, 0 },
	{ T_REJECTED_LIST, h_rejected_list, ROLE_DAEMON | ROLE_OFFICE, 0 },
	{ T_REJECTED_RETRY, h_rejected_retry, ROLE_OFFICE, ROUTE_ATOMIC },
	{ NULL, NULL, 0, 0 },
};

size_t builtin_routes_of(const jrp_daemon *d, jrp_route *out)
{
	size_t n = 0;
	for (const jrp_route *r = builtin_routes; r->type; r++) {
		if ((r->fn == h_log_fetch || r->fn == h_log_seek) && d->svc->outlog < 0)
			continue;   /* no outbound log */
		if ((r->fn == h_rejected_list || r->fn == h_rejected_retry) && d->svc->upstream < 0)
			continue;   /* pulls nothing, rejects nothing */
		out[n++] = *r;
	}
	return n;
}
