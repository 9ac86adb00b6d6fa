/*
 * service.c - jrp-dispatch as a daemon: the context of each call, the
 * parties' streams, the check on the front thread, the pulled changes
 *
 * tasks.fetch / tasks.ack: each agency (and each department, for its duties)
 * reads its own stream from its own cursor, kept here, and long-polls like
 * log.fetch. check: a ROUTE_READ route, answered on dispatch's front thread
 * from a read transaction without waiting for any commit (daemon.h); its
 * record is journaled before the answer leaves (journal.h) and reaches the
 * outbound log a few milliseconds later; the answer names it (check_id) and
 * says which state it read (as_of: the last seq of the outbound log it saw).
 */
#include "dispatch.h"
#include "clock.h"
#include "daemon.h"
#include "proto.h"
#include "store.h"
#include "util/log.h"
#include "util/str.h"
#include "util/xalloc.h"
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define RECON_BATCH 256        /* entries in force reconciled per transaction after a reload */
#define DIFF_FIRST 100         /* items a catalog.diff names; the counts cover all */
#define RECON_KEY "reconcile"  /* meta: a reconciliation under way (recon_state) */
#define ARCHIVED_PER_FETCH 64  /* tasks.fetch: a page ends after this many tasks read from archives
                                * (each may cost a block's decompression on the write loop) */

static int log_read(void *arg, MDB_txn *txn, uint64_t seq, MDB_val *v, void **owned, jrp_error *e)
{
	return daemon_log_read(arg, txn, daemon_dbi(arg, DDB_OUT), seq, v, owned, e);
}

static dsp ctx(jrp_daemon *d, MDB_txn *txn)
{
	dsp x = { .txn = txn, .cat = daemon_catalog(d), .parties = daemon_parties(d), .log_read = log_read, .log_arg = d };
	daemon_dbis(d, x.db, DDB__N);
	dsp_set_now(&x, clock_now_ms());
	return x;
}

static int apply(jrp_daemon *d, MDB_txn *txn, jrp_rec *rec, const msgpack_object *raw, jrp_error *e)
{
	dsp x = ctx(d, txn);
	return tasks_apply_change(&x, &rec->u.change, e);
}

/* ---- the parties' streams ---- */

static int acked(jrp_daemon *d, MDB_txn *txn, const char *party, uint64_t *v)
{
	MDB_val val;
	int rc = kv_get(txn, daemon_dbi(d, DDB_ACKS), party, strlen(party), &val);
	*v = 0;
	if (rc == JRP_ENOTFOUND)
		return 0;
	if (rc == 0 && val.mv_size == 8)
		*v = be64_get(val.mv_data);
	return rc;
}

static int h_tasks_fetch(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	const char *agency = r->party->id;
	uint64_t after = 0, max = 100, wait = 0, ack, cursor, archived;
	unsigned char k[48];
	size_t plen = strlen(agency) + 1, n = 0;
	MDB_cursor *c;
	MDB_val key, val;
	int rc, has_after;
	bool any;

	if ((has_after = mr_u64(&r->body, "after", MR_OPT, &after)) < 0 ||
	    (rc = mr_u64(&r->body, "max", MR_OPT, &max)) < 0 || (rc = mr_u64(&r->body, "wait_ms", MR_OPT, &wait)) < 0)
		return has_after < 0 ? has_after : rc;
	if (max < 1 || max > JRP_MAX_FETCH)
		return mr_fail_value(&r->body, "max", "must be 1..%d", JRP_MAX_FETCH);
	if (wait > JRP_MAX_WAIT_MS)
		return mr_fail_value(&r->body, "wait_ms", "must be at most %d", JRP_MAX_WAIT_MS);
	if ((rc = acked(d, txn, agency, &ack)) != 0)
		return rc;
	if (!has_after)
		after = ack;   /* from the agency's own stored cursor */
	cursor = after;
	if ((rc = mdb_cursor_open(txn, daemon_dbi(d, DDB_ASTREAM), &c)) != 0)
		return store_rc(rc);
	key.mv_data = k;
	key.mv_size = astream_key(k, agency, after == UINT64_MAX ? after : after + 1);
	rc = mdb_cursor_get(c, &key, &val, MDB_SET_RANGE);
	any = rc == 0 && key.mv_size == plen + 8 && memcmp(key.mv_data, agency, plen) == 0;
	if (!any && wait > 0 && !r->final) {
		mdb_cursor_close(c);
		if (!r->wait_until)
			r->wait_until = clock_real_ms() + (int64_t)wait;
		return DAEMON_PARK;
	}
	mw_kstr(out, "agency", agency);
	mw_str(out, "tasks");
	mw_arr(out);
	archived = daemon_archived_through(d, txn, daemon_dbi(d, DDB_OUT));
	for (size_t from_archive = 0; rc == 0 && n < max && from_archive < ARCHIVED_PER_FETCH;
	     rc = mdb_cursor_get(c, &key, &val, MDB_NEXT), n++) {
		MDB_val t;
		void *owned;
		if (key.mv_size != plen + 8 || memcmp(key.mv_data, agency, plen) != 0)
			break;
		cursor = be64_get((unsigned char *)key.mv_data + plen);
		from_archive += cursor <= archived;
		/* the stream indexes the out log; a task older than the retention is read from its archive */
		if ((rc = daemon_log_read(d, txn, daemon_dbi(d, DDB_OUT), cursor, &t, &owned, e)) != 0) {
			mdb_cursor_close(c);
			return rc;
		}
		mw_raw(out, t.mv_data, t.mv_size);
		free(owned);
	}
	mdb_cursor_close(c);
	mw_end(out);
	mw_ku64(out, "cursor", cursor);
	mw_ku64(out, "acked", ack);
	/* the stream's identity: it changes when the deployment is restored from a backup, and then the
	 * seqs after the set are given to new tasks (README, Operations: after a restore) */
	mw_kstr(out, "stream", daemon_log_id(d));
	return 0;
}

static int h_tasks_ack(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	const char *agency = r->party->id;
	uint64_t upto, ack;
	unsigned char k[48], v[8];
	MDB_val val;
	int rc;

	if ((rc = mr_u64(&r->body, "upto", MR_REQ, &upto)) < 0 || (rc = mr_end(&r->body)) < 0 ||
	    (rc = acked(d, txn, agency, &ack)) != 0)
		return rc;
	if (upto > ack) {
		rc = kv_get(txn, daemon_dbi(d, DDB_ASTREAM), k, astream_key(k, agency, upto), &val);
		if (rc == JRP_ENOTFOUND)
			return mr_fail_value(&r->body, "upto", "%llu is not a task of %s's stream",
					     (unsigned long long)upto, agency);
		if (rc)
			return rc;
		be64_put(v, upto);
		if ((rc = kv_put(txn, daemon_dbi(d, DDB_ACKS), agency, strlen(agency), v, 8, 0)) != 0)
			return rc;
		ack = upto;
	}
	mw_kstr(out, "agency", agency);
	mw_ku64(out, "acked", ack);
	return 0;
}

/* ---- the check ---- */

static int h_check(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	dsp x = ctx(d, txn);
	jrp_check rec;
	mw w;
	int rc;

	int id_type = ID_NONE;
	const msgpack_object *asof = NULL;
	if ((rc = mr_cstr(&r->body, "subject", MR_REQ, JRP_CODE_MAX, rec.subject)) < 0 ||
	    (rc = mr_enum(&r->body, "id_type", MR_OPT, &id_type_names, &id_type)) < 0 ||
	    (rc = mr_cstr(&r->body, "matter", MR_REQ, JRP_ID_MAX, rec.matter)) < 0 ||
	    (rc = mr_any(&r->body, "as_of_time", MR_OPT, &asof)) < 0 || (rc = mr_end(&r->body)) < 0)
		return rc;
	/* a malformed code is refused, and nothing is recorded: the answer would be "not listed" */
	if ((rc = codes_check_subject(rec.subject, (jrp_id_type)id_type, e)) < 0)
		return rc;
	if (asof) {
		/* issue 14: what was in force at a past instant (a dispute, not a handling: not recorded as a check) */
		int64_t at;
		if ((rc = req_instant(asof, "as_of_time", x.now, &at, e)) < 0)
			return rc;
		return check_answer_asof(&x, rec.subject, rec.matter, r->party->id, at, daemon_run_dir(d), out, e);
	}
	if ((rc = check_answer(&x, rec.subject, rec.matter, r->party->id, out, &rec, e)) != 0)
		return rc;
	/* every check is recorded [003 §五] */
	rec.seq = 0;
	daemon_journal_ref(d, rec.check_id);
	rec.at = x.now;
	str_copy(rec.party, sizeof rec.party, r->party->id);
	mw_init(&w);
	check_encode(&w, &rec);
	rc = daemon_journal(d, &w);
	mw_free(&w);
	if (rc == 0) {
		mw_kstr(out, "check_id", rec.check_id);
		mw_ku64(out, "as_of", rec.as_of);
	}
	return rc;
}

/* ---- catalogue changes reach entries in force (reconcile.c) ---- */

/* the reconciliation's place, kept in meta so that a restart carries on: counters, then the last
 * "active" key done */
typedef struct recon_state {
	uint64_t entries, apply, stop;
	unsigned char after[64];
	size_t alen;
} recon_state;

static int recon_load(jrp_daemon *d, MDB_txn *txn, recon_state *st)
{
	MDB_val v;
	int rc = kv_get(txn, daemon_dbi(d, DDB_META), RECON_KEY, strlen(RECON_KEY), &v);
	memset(st, 0, sizeof *st);
	if (rc)
		return rc;
	if (v.mv_size < 24 || v.mv_size > 24 + sizeof st->after)
		return JRP_ESTORE;
	st->entries = be64_get(v.mv_data);
	st->apply = be64_get((unsigned char *)v.mv_data + 8);
	st->stop = be64_get((unsigned char *)v.mv_data + 16);
	st->alen = v.mv_size - 24;
	memcpy(st->after, (unsigned char *)v.mv_data + 24, st->alen);
	return 0;
}

static int recon_store(jrp_daemon *d, MDB_txn *txn, const recon_state *st)
{
	unsigned char v[24 + sizeof st->after];
	be64_put(v, st->entries);
	be64_put(v + 8, st->apply);
	be64_put(v + 16, st->stop);
	memcpy(v + 24, st->after, st->alen);
	return kv_put(txn, daemon_dbi(d, DDB_META), RECON_KEY, strlen(RECON_KEY), v, 24 + st->alen, 0);
}

/* init - at start: the as-of index's beginning and the catalogue in force, kept if it is new (asof.c) */
static int init(jrp_daemon *d, MDB_txn *txn, jrp_error *e)
{
	dsp x = ctx(d, txn);
	return asof_init(&x, clock_now_ms());
}

/* reload - a new catalogue is in force: reconcile every entry in force with it, from the start,
 * in the tick's bounded batches (a reconciliation under way starts over) */
static int reload(jrp_daemon *d, MDB_txn *txn, const jrp_catalog *old, mw *out, jrp_error *e)
{
	recon_state st;
	dsp x = ctx(d, txn);
	int rc;
	/* every catalogue that was ever in force is kept, with when it came into force (asof.c) */
	if ((rc = asof_catalog_in_force(&x, daemon_catalog(d), clock_now_ms())) != 0)
		return rc;
	memset(&st, 0, sizeof st);
	if ((rc = recon_store(d, txn, &st)) != 0)
		return rc;
	mw_kstr(out, "reconcile", "started");
	daemon_retick(d);
	return 0;
}

static int tick(jrp_daemon *d, MDB_txn *txn, int64_t now, int64_t *next_due)
{
	dsp x = ctx(d, txn);
	recon_state st;
	recon r;
	int rc, more;
	*next_due = INT64_MAX;
	if ((rc = recon_load(d, txn, &st)) == JRP_ENOTFOUND)
		return 0;
	if (rc)
		return rc;
	memset(&r, 0, sizeof r);
	dsp_set_now(&x, now);
	if ((more = recon_batch(&x, &r, st.after, &st.alen, RECON_BATCH)) < 0)
		return more;
	st.entries += r.entries;
	st.apply += r.apply;
	st.stop += r.stop;
	if (more)
		return (rc = recon_store(d, txn, &st)) != 0 ? rc : 1;
	log_info("event=reconcile_done catalog_version=%s entries=%llu apply=%llu stop=%llu", x.cat->version,
		 (unsigned long long)st.entries, (unsigned long long)st.apply, (unsigned long long)st.stop);
	return kv_del(txn, daemon_dbi(d, DDB_META), RECON_KEY, strlen(RECON_KEY));
}

#define STREAMS_LISTED 100   /* status: streams behind named, at most */

/* streams_behind - the parties whose stream waits unacknowledged since before the retention period:
 * the out log does not keep their tasks in LMDB for them (an agency that never acknowledges must not
 * make the store grow); tasks.fetch reads them from the archives, the same bytes. Named here so that
 * the office knows who lags: {party, acked, next (the first task not acknowledged), since, archived} */
static void streams_behind(jrp_daemon *d, MDB_txn *txn, mw *out)
{
	MDB_dbi as = daemon_dbi(d, DDB_ASTREAM), outlog = daemon_dbi(d, DDB_OUT);
	uint64_t through = daemon_archived_through(d, txn, outlog), total = 0;
	int64_t cutoff = clock_now_ms() - daemon_retention_ms(d);
	unsigned char k[64];
	MDB_cursor *c;
	MDB_val key, val;
	int rc;
	if (mdb_cursor_open(txn, as, &c) != 0)
		return;
	mw_str(out, "streams_behind");
	mw_arr(out);
	key.mv_size = 0;
	key.mv_data = k;
	rc = mdb_cursor_get(c, &key, &val, MDB_FIRST);
	while (rc == 0 && key.mv_size > 9) {
		char party[JRP_ID_MAX + 1];
		size_t plen = key.mv_size - 9;
		uint64_t ack, next;
		if (plen > JRP_ID_MAX)
			break;
		memcpy(party, key.mv_data, plen);
		party[plen] = 0;
		if (acked(d, txn, party, &ack) != 0)
			break;
		/* the party's first task after its acknowledged cursor */
		key.mv_data = k;
		key.mv_size = astream_key(k, party, ack + 1);
		rc = mdb_cursor_get(c, &key, &val, MDB_SET_RANGE);
		if (rc == 0 && key.mv_size == plen + 9 && memcmp(key.mv_data, party, plen + 1) == 0) {
			MDB_val t;
			int64_t at = 0;
			bool archived;
			next = be64_get((unsigned char *)key.mv_data + plen + 1);
			archived = next <= through;
			if (!archived && store_log_get(txn, outlog, next, &t) == 0) {
				msg_in in;
				jrp_error e;
				if (msg_parse_ref(t.mv_data, t.mv_size, t.mv_size, &in, &e) == 0)
					at = obj_i64(in.root, "at");
				msg_in_free(&in);
			}
			if (archived || at <= cutoff) {
				if (++total <= STREAMS_LISTED) {
					char ts[40];
					mw_map(out);
					mw_kstr(out, "party", party);
					mw_ku64(out, "acked", ack);
					mw_ku64(out, "next", next);
					if (at) {
						ms_format(at, ts, sizeof ts);
						mw_kstr(out, "since", ts);
					}
					mw_kbool(out, "archived", archived);
					mw_end(out);
				}
			}
		}
		/* on to the next party: the first key after every key of this one */
		memcpy(k, party, plen);
		k[plen] = 1;
		key.mv_data = k;
		key.mv_size = plen + 1;
		rc = mdb_cursor_get(c, &key, &val, MDB_SET_RANGE);
	}
	mdb_cursor_close(c);
	mw_end(out);
	mw_ku64(out, "streams_behind_total", total);
}

static void status(jrp_daemon *d, MDB_txn *txn, mw *out)
{
	recon_state st;
	streams_behind(d, txn, out);
	if (recon_load(d, txn, &st) != 0)
		return;
	/* a reconciliation under way: how far */
	mw_str(out, "reconcile");
	mw_map(out);
	mw_ku64(out, "entries", st.entries);
	mw_ku64(out, "apply", st.apply);
	mw_ku64(out, "stop", st.stop);
	mw_end(out);
}

/* h_catalog_diff - the office asks what the catalogue in dir would change for the agencies: the
 * tasks a reload would push (apply) and stop, per agency, and the first ones; changes nothing */
static int h_catalog_diff(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	char dir[PATH_MAX];
	jrp_catalog *cand = NULL;
	dsp x = ctx(d, txn);
	recon rc_;
	mw first;
	unsigned char after[64];
	size_t alen = 0;
	int rc;
	if ((rc = mr_cstr(&r->body, "dir", MR_REQ, sizeof dir - 1, dir)) < 0)
		return rc;
	if ((rc = catalog_load(dir, daemon_parties(d), &cand, e)) < 0)
		return rc;
	x.cat = cand;
	memset(&rc_, 0, sizeof rc_);
	rc_.dry = true;
	mw_init(&first);
	mw_arr(&first);
	rc_.first = &first;
	rc_.max_first = DIFF_FIRST;
	while ((rc = recon_batch(&x, &rc_, after, &alen, 4096)) == 1)
		;
	mw_end(&first);
	if (rc == 0) {
		mw_kstr(out, "catalog_version", daemon_catalog(d)->version);
		mw_kstr(out, "candidate_version", cand->version);
		mw_ku64(out, "entries_in_force", rc_.entries);
		mw_ku64(out, "apply_total", rc_.apply);
		mw_ku64(out, "stop_total", rc_.stop);
		mw_str(out, "agencies");
		mw_arr(out);
		for (size_t i = 0; i < rc_.nagencies; i++) {
			mw_map(out);
			mw_kstr(out, "agency", rc_.agencies[i].agency);
			mw_ku64(out, "apply", rc_.agencies[i].apply);
			mw_ku64(out, "stop", rc_.agencies[i].stop);
			mw_end(out);
		}
		mw_end(out);
		mw_str(out, "first");
		mw_raw(out, mw_data(&first), mw_len(&first));
	}
	mw_free(&first);
	recon_free(&rc_);
	catalog_free(&cand);
	return rc;
}

static const jrp_route routes[] = {
	/* the office: what a candidate catalogue would change (a read transaction, off the writer) */
	{ T_CATALOG_DIFF, h_catalog_diff, ROLE_OFFICE, ROUTE_READ },
	/* agencies read their measures; departments their duties (notice, objection, repair, interview) */
	{ T_TASKS_FETCH, h_tasks_fetch, ROLE_AGENCY | ROLE_DEPARTMENT, 0 },
	{ T_TASKS_ACK, h_tasks_ack, ROLE_AGENCY | ROLE_DEPARTMENT, 0 },
	{ T_CHECK, h_check, ROLE_AGENCY | ROLE_DEPARTMENT | ROLE_OFFICE, ROUTE_READ },
	{ NULL, NULL, 0, 0 },
};

const jrp_service dispatch_service = {
	.name = "dispatch",
	.svc = SVC_DISPATCH,
	.dbs = dsp_db_names,
	.ndbs = DDB__N,
	.outlog = DDB_OUT,
	.routes = routes,
	.upstream = SVC_ADJUDICATE,
	.pull_kinds = 1u << REC_CHANGE,
	.apply = apply,
	.tick = tick,
	.status = status,
	.reload = reload,
	.init = init,
	.warnings = catalog_calendar_warnings,
};
