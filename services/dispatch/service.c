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
#include "util/str.h"
#include <string.h>

static dsp ctx(jrp_daemon *d, MDB_txn *txn)
{
	dsp x = { .txn = txn, .cat = daemon_catalog(d), .parties = daemon_parties(d) };
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
	uint64_t after = 0, max = 100, wait = 0, ack, cursor;
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
	for (; rc == 0 && n < max; rc = mdb_cursor_get(c, &key, &val, MDB_NEXT), n++) {
		MDB_val t;
		if (key.mv_size != plen + 8 || memcmp(key.mv_data, agency, plen) != 0)
			break;
		cursor = be64_get((unsigned char *)key.mv_data + plen);
		if ((rc = store_log_get(txn, daemon_dbi(d, DDB_OUT), cursor, &t)) != 0) {
			mdb_cursor_close(c);
			return rc;
		}
		mw_raw(out, t.mv_data, t.mv_size);
	}
	mdb_cursor_close(c);
	mw_end(out);
	mw_ku64(out, "cursor", cursor);
	mw_ku64(out, "acked", ack);
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
	if ((rc = mr_cstr(&r->body, "subject", MR_REQ, JRP_CODE_MAX, rec.subject)) < 0 ||
	    (rc = mr_enum(&r->body, "id_type", MR_OPT, &id_type_names, &id_type)) < 0 ||
	    (rc = mr_cstr(&r->body, "matter", MR_REQ, JRP_ID_MAX, rec.matter)) < 0 || (rc = mr_end(&r->body)) < 0)
		return rc;
	/* a malformed code is refused, and nothing is recorded: the answer would be "not listed" */
	if ((rc = check_code(rec.subject, (jrp_id_type)id_type, e)) < 0)
		return rc;
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

static const jrp_route routes[] = {
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
	.warnings = catalog_calendar_warnings,
};
