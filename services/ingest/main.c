/*
 * jrp-ingest - the front door for departments
 *
 * record.submit: authenticate the department (party), validate the record
 * (record.c), drop duplicates (department + its record id is the idempotency
 * key), append the event to the event log and answer with its seq, after the
 * commit. adjudicate pulls the event log with log.fetch. A record that refers
 * to an earlier one (a finality record, a commitment's result) is checked
 * against it here; credit commitments are kept in the same transaction
 * (commitments.c) and listed by commitment.list.
 */
#include "util/str.h"
#include "daemon.h"
#include "clock.h"
#include "proto.h"
#include "ingest.h"
#include "record.h"
#include "store.h"
#include "util/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const dbs[] = { "meta", "events", "dedupe", "by_subject", "stats", "commitments", "commitment_due",
				    "commitment_list" };
#define COMMITMENT_BATCH 1024   /* commitments turned overdue per tick transaction */

#define LATE_WORKDAYS 7   /* DOMAIN.md Credit records: report within 7 working days [001 §(一)1] */

static uint64_t fnv1a(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
	return h;
}

/* cm_ctx - the commitments module's view of this transaction */
static commitments cm_ctx(jrp_daemon *d, MDB_txn *txn)
{
	commitments c = { .txn = txn, .today = clock_today() };
	daemon_dbis(d, c.db, DB__N);
	return c;
}

/* check_refers_to - a record that reports on another reports on one the same department reported
 * before, about the same subject, and not before it was decided: a finality record on a decision
 * that is not itself a finality record (DOMAIN.md Life 1; 国家税务总局令第54号 第七条); a commitment's
 * result (commitment_kept, commitment_broken) on a commitment that is still open, one result each
 * (DOMAIN.md "Commitments and 双公示" [001 §(三)2]) */
static int check_refers_to(jrp_daemon *d, MDB_txn *txn, const char *party, const jrp_record *rec, jrp_error *e)
{
	static jrp_rec ref;   /* large; the daemon's one thread */
	char key[JRP_ID_MAX + 1 + JRP_RECORD_ID_MAX], df[11];
	size_t klen = str_copy(key, sizeof key, party) + 1, n = strlen(rec->refers_to);
	MDB_val v, evv;
	jrp_error de;
	void *owned = NULL;
	int rc;
	memcpy(key + klen, rec->refers_to, n);
	klen += n;
	if ((rc = kv_get(txn, daemon_dbi(d, DB_DEDUPE), key, klen, &v)) == JRP_ENOTFOUND || (rc == 0 && v.mv_size != 16))
		return jrp_fail(e, JRP_ERR_BAD_VALUE, "record.refers_to", "department \"%s\" reported no record \"%s\"%s",
				party, rec->refers_to, rec->kind == RK_FINALITY ? "" :
				" (a commitment's result comes from the department that accepted the commitment)");
	if (rc)
		return rc;
	/* the earlier record may be older than the retention: then it is read from its archive */
	jrp_error_clear(&de);
	if ((rc = daemon_log_read(d, txn, daemon_dbi(d, DB_EVENTS), be64_get(v.mv_data), &evv, &owned, &de)) != 0) {
		if (de.code[0])
			return jrp_fail(e, de.code, "record.refers_to", "record \"%s\" cannot be read back: %s", rec->refers_to,
					de.message);
		return rc;
	}
	rc = rec_decode_bytes(evv.mv_data, evv.mv_size, 1u << REC_EVENT, false, &ref, &de);
	free(owned);
	if (rc != 0)
		return jrp_fail(e, JRP_ERR_BAD_VALUE, "record.refers_to", "record \"%s\" cannot be read back: %s",
				rec->refers_to, de.message);
	if (rec->kind == RK_FINALITY && ref.u.event.record.kind == RK_FINALITY)
		return jrp_fail(e, JRP_ERR_BAD_VALUE, "record.refers_to", "record \"%s\" is itself a finality record",
				rec->refers_to);
	if (rec->kind != RK_FINALITY && ref.u.event.record.kind != RK_COMMITMENT)
		return jrp_fail(e, JRP_ERR_BAD_VALUE, "record.refers_to", "record \"%s\" is a %s record, not a commitment",
				rec->refers_to, names_get(&credit_kind_names, ref.u.event.record.kind));
	if (strcmp(ref.u.event.record.subject.code, rec->subject.code) != 0)
		return jrp_fail(e, JRP_ERR_BAD_VALUE, "record.subject.code",
				"record \"%s\" is about %s, not %s", rec->refers_to, ref.u.event.record.subject.code,
				rec->subject.code);
	if (rec->decision_date < ref.u.event.record.decision_date) {
		date_format(ref.u.event.record.decision_date, df);
		return jrp_fail(e, JRP_ERR_BAD_VALUE, "record.decision_date",
				rec->kind == RK_FINALITY ? "a decision becomes final (or is annulled) no earlier than it was made (%s)"
							 : "a commitment is kept or broken no earlier than it was made (%s)", df);
	}
	if (rec->kind != RK_FINALITY) {
		commitments c = cm_ctx(d, txn);
		return commitments_check_result(&c, party, rec, e);
	}
	return 0;
}

/* ---- departments' reporting (DOMAIN.md "Credit records": within 7 working days; lateness in
 * working days, reported) ---- */

/* figure - a counter of party, in all or over from..to (sum, or max) */
static uint64_t figure(jrp_daemon *d, MDB_txn *txn, const char *fmt, const char *party, jrp_date from, jrp_date to,
		       bool max)
{
	return counters_figure(txn, daemon_dbi(d, DB_STATS), fmt, party, from, to, max);
}

static int count(jrp_daemon *d, MDB_txn *txn, const char *key, jrp_date day, uint64_t delta, bool max)
{
	return counters_add(txn, daemon_dbi(d, DB_STATS), key, day, delta, max);
}

static int count_report(jrp_daemon *d, MDB_txn *txn, const jrp_event *ev, jrp_date today)
{
	char k[96];
	int rc;
	snprintf(k, sizeof k, "records.%s", ev->party);
	if ((rc = count(d, txn, k, today, 1, false)) != 0 || !ev->late)
		return rc;
	snprintf(k, sizeof k, "late.%s", ev->party);
	if ((rc = count(d, txn, k, today, 1, false)) != 0)
		return rc;
	snprintf(k, sizeof k, "late_workdays.%s", ev->party);
	if ((rc = count(d, txn, k, today, (uint64_t)(ev->reported_workdays - LATE_WORKDAYS), false)) != 0)
		return rc;
	snprintf(k, sizeof k, "late_max.%s", ev->party);
	return count(d, txn, k, today, (uint64_t)(ev->reported_workdays - LATE_WORKDAYS), true);
}

/* commitment_stats - stats.get's `commitments`: made, kept, broken (in all or over the period) and
 * open, overdue (now), in all and per department that ever made one (DOMAIN.md "Commitments and 双公示":
 * the office sees commitments due and broken) */
static void commitment_stats(jrp_daemon *d, MDB_txn *txn, jrp_date from, jrp_date to, mw *out)
{
	static const struct { const char *name; int st; } f[] = {
		{ "made", -1 }, { "kept", CS_KEPT }, { "broken", CS_BROKEN }, { "open", CS_OPEN }, { "overdue", CS_OVERDUE } };
	const jrp_parties *ps = daemon_parties(d);
	commitments c = cm_ctx(d, txn);
	mw_str(out, "commitments");
	mw_map(out);
	for (size_t k = 0; k < sizeof f / sizeof f[0]; k++)
		mw_ku64(out, f[k].name, commitments_count(&c, ps, NULL, f[k].st, from, to));
	mw_str(out, "parties");
	mw_arr(out);
	for (size_t i = 0; i < ps->n; i++) {
		const jrp_party *p = &ps->v[i];
		if (!(p->roles & ROLE_DEPARTMENT) || !commitments_count(&c, ps, p->id, -1, 0, 0))
			continue;
		mw_map(out);
		mw_kstr(out, "party", p->id);
		mw_kstr(out, "name", p->name);
		for (size_t k = 0; k < sizeof f / sizeof f[0]; k++)
			mw_ku64(out, f[k].name, commitments_count(&c, ps, p->id, f[k].st, from, to));
		mw_end(out);
	}
	mw_end(out);
	mw_end(out);
}

/* h_stats - the office: records reported per department, how many late and how late (working
 * days beyond the 7 allowed), in all or over {from, to}; the departments that lag, most late first */
static int h_stats(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	const jrp_parties *ps = daemon_parties(d);
	jrp_date from, to;
	int rc;
	size_t *lag, nlag = 0;
	if ((rc = req_period(r, &from, &to, e)) < 0)
		return rc;
	if (from) {
		mw_str(out, "period");
		mw_map(out);
		mw_kdate(out, "from", from);
		mw_kdate(out, "to", to);
		mw_end(out);
	}
	mw_ku64(out, "late_after_workdays", LATE_WORKDAYS);
	mw_str(out, "departments");
	mw_arr(out);
	lag = xmalloc((ps->n + 1) * sizeof *lag);
	for (size_t i = 0; i < ps->n; i++) {
		const jrp_party *p = &ps->v[i];
		uint64_t late;
		if (!(p->roles & ROLE_DEPARTMENT))
			continue;
		late = figure(d, txn, "late.%s", p->id, from, to, false);
		mw_map(out);
		mw_kstr(out, "department", p->id);
		mw_kstr(out, "name", p->name);
		mw_ku64(out, "records", figure(d, txn, "records.%s", p->id, from, to, false));
		mw_ku64(out, "late", late);
		mw_ku64(out, "late_workdays", figure(d, txn, "late_workdays.%s", p->id, from, to, false));
		mw_ku64(out, "late_workdays_max", figure(d, txn, "late_max.%s", p->id, from, to, true));
		mw_end(out);
		if (late) {
			size_t j = nlag++;
			lag[j] = i;
			for (; j > 0 && figure(d, txn, "late.%s", ps->v[lag[j - 1]].id, from, to, false) < late; j--) {
				size_t t = lag[j];
				lag[j] = lag[j - 1];
				lag[j - 1] = t;
			}
		}
	}
	mw_end(out);
	/* who lags: every department that reported late, most late reports first */
	mw_str(out, "lagging");
	mw_arr(out);
	for (size_t i = 0; i < nlag; i++) {
		const jrp_party *p = &ps->v[lag[i]];
		mw_map(out);
		mw_kstr(out, "department", p->id);
		mw_kstr(out, "name", p->name);
		mw_ku64(out, "late", figure(d, txn, "late.%s", p->id, from, to, false));
		mw_ku64(out, "late_workdays", figure(d, txn, "late_workdays.%s", p->id, from, to, false));
		mw_end(out);
	}
	mw_end(out);
	free(lag);
	commitment_stats(d, txn, from, to, out);
	return 0;
}

/* submit - record.submit (store) or record.check (the same checks, nothing stored) */
static int submit(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e, bool keep)
{
	const jrp_catalog *cat = daemon_catalog(d);
	jrp_date today = clock_today();
	jrp_event ev;
	mr rm;
	mw enc, w;
	char key[32 + 1 + 64];
	size_t klen;
	MDB_val v;
	unsigned char val[16];
	uint64_t seq, hash;
	int rc;

	if ((rc = mr_map(&r->body, "record", MR_REQ, &rm)) < 0 ||
	    (rc = record_parse(&rm, cat, r->party, today, &ev.record)) < 0 || (rc = mr_end(&r->body)) < 0)
		return rc;
	mw_init(&enc);
	record_write(&enc, &ev.record);
	hash = fnv1a(mw_data(&enc), mw_len(&enc));
	klen = str_copy(key, sizeof key, r->party->id) + 1;
	memcpy(key + klen, ev.record.record_id, strlen(ev.record.record_id));
	klen += strlen(ev.record.record_id);
	rc = kv_get(txn, daemon_dbi(d, DB_DEDUPE), key, klen, &v);
	if (rc == 0 && v.mv_size == 16) {
		seq = be64_get(v.mv_data);
		mw_free(&enc);
		if (be64_get((unsigned char *)v.mv_data + 8) != hash)
			return jrp_fail(e, JRP_ERR_CONFLICT, "record.record_id",
					"record id \"%s\" was already used for a different record (seq %llu); a correction needs a new record id",
					ev.record.record_id, (unsigned long long)seq);
		mw_ku64(out, "seq", seq);
		mw_kbool(out, "duplicate", true);
		return 0;
	}
	if (rc != JRP_ENOTFOUND && rc != 0)
		goto fail;
	if (record_kind_refers(ev.record.kind) && (rc = check_refers_to(d, txn, r->party->id, &ev.record, e)) != 0)
		goto fail;
	ev.reported_workdays = calendar_workdays_between(cat->cal, ev.record.decision_date, today);
	/* the 7 working days bind this region's departments; a foreign entry was reported at home */
	ev.late = ev.record.kind != RK_FOREIGN && ev.reported_workdays > LATE_WORKDAYS;
	if (!keep) {
		/* record.check: it would be accepted as a new record; nothing is written */
		mw_free(&enc);
		mw_kbool(out, "duplicate", false);
		if (ev.late)
			mw_ki64(out, "late_workdays", ev.reported_workdays);
		return 0;
	}
	ev.at = clock_now_ms();
	str_copy(ev.party, sizeof ev.party, r->party->id);
	if ((rc = daemon_next_seq(d, txn, &ev.seq)) != 0)
		goto fail;
	mw_init(&w);
	event_encode(&w, &ev, &enc);
	rc = daemon_append(d, txn, &w, &seq);
	mw_free(&w);
	if (rc != 0)
		goto fail;
	be64_put(val, seq);
	be64_put(val + 8, hash);
	if ((rc = kv_put(txn, daemon_dbi(d, DB_DEDUPE), key, klen, val, 16, 0)) != 0 ||
	    (rc = count_report(d, txn, &ev, today)) != 0)
		goto fail;
	{
		/* the subject's credit record: its records by seq (records.get) */
		unsigned char sk[48];
		size_t n = strlen(ev.record.subject.code);
		memcpy(sk, ev.record.subject.code, n);
		sk[n] = 0;
		be64_put(sk + n + 1, seq);
		if ((rc = kv_put(txn, daemon_dbi(d, DB_BY_SUBJECT), sk, n + 9, "", 0, 0)) != 0)
			goto fail;
	}
	{
		/* a commitment opens, or its result closes it, with the event */
		commitments c = cm_ctx(d, txn);
		ev.seq = seq;
		if ((rc = commitments_record(&c, &ev)) != 0)
			goto fail;
	}
	mw_free(&enc);
	mw_ku64(out, "seq", seq);
	mw_kbool(out, "duplicate", false);
	if (ev.late)
		mw_ki64(out, "late_workdays", ev.reported_workdays);
	return 0;
fail:
	mw_free(&enc);
	return rc;
}

static int h_submit(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	return submit(d, r, txn, out, e, true);
}

/* h_record_check - a dry run of record.submit (a clerk's --check, an agency system's validation): every check
 * record.submit makes before storing, the duplicate and conflict by record id included; nothing is stored */
static int h_record_check(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	return submit(d, r, txn, out, e, false);
}

typedef struct records_arg {
	jrp_daemon *d;
	MDB_txn *txn;
	mw *out;
	jrp_error *e;
	int rc;
	int64_t until;     /* as_of_time: only the records that had come by then (INT64_MAX: all) */
} records_arg;

/* record_one - one of the subject's events: from the log, or from its archive once it is older
 * than the retention (the same bytes); an archive that cannot be read refuses the request, naming
 * the file */
static int record_one(void *arg, const unsigned char *seq, size_t n, const MDB_val *v)
{
	records_arg *a = arg;
	MDB_val ev;
	void *owned = NULL;
	int rc;
	if (n != 8)
		return 0;
	rc = daemon_log_read(a->d, a->txn, daemon_dbi(a->d, DB_EVENTS), be64_get(seq), &ev, &owned, a->e);
	if (rc == 0 && a->until != INT64_MAX) {
		/* as of a past instant: a record that came after it is left out (each looked at: a test clock may
		 * have moved back, so `at` need not grow with seq) */
		msg_in in;
		jrp_error pe;
		int64_t at = INT64_MAX;
		if (msg_parse_ref(ev.mv_data, ev.mv_size, SIZE_MAX, &in, &pe) == 0)
			at = obj_i64(in.root, "at");
		msg_in_free(&in);
		if (at > a->until) {
			free(owned);
			return 0;
		}
	}
	if (rc == 0)
		mw_raw(a->out, ev.mv_data, ev.mv_size);
	free(owned);
	if (rc != 0 && (rc != JRP_ENOTFOUND || a->e->code[0])) {
		a->rc = rc;
		return 1;
	}
	return 0;
}

/* h_records_get - the records about a subject, oldest first (DOMAIN.md Credit records) */
static int h_records_get(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	char code[34];
	records_arg a = { d, txn, out, e, 0, INT64_MAX };
	const msgpack_object *asof = NULL;
	int rc;
	int id_type = ID_NONE;
	if ((rc = mr_cstr(&r->body, "subject", MR_REQ, 32, code)) < 0 ||
	    (rc = mr_enum(&r->body, "id_type", MR_OPT, &id_type_names, &id_type)) < 0 ||
	    (rc = mr_any(&r->body, "as_of_time", MR_OPT, &asof)) < 0)
		return rc;
	/* a mistyped code is refused, never answered "no record" (DOMAIN.md "Subjects and codes") */
	if ((rc = codes_check_subject(code, (jrp_id_type)id_type, e)) < 0)
		return rc;
	if (asof) {   /* issue 14: the records that had come by a past instant */
		if ((rc = req_instant(asof, "as_of_time", clock_now_ms(), &a.until, e)) < 0)
			return rc;
		mw_ki64(out, "as_of_time", a.until);
	}
	mw_kstr(out, "subject", code);
	mw_str(out, "records");
	mw_arr(out);
	rc = kv_prefix_each(txn, daemon_dbi(d, DB_BY_SUBJECT), code, strlen(code) + 1, 1000, record_one, &a);
	mw_end(out);
	return a.rc ? a.rc : rc;
}

/* h_commitment_list - DOMAIN.md "Commitments and 双公示": the commitments a department accepted, by
 * state: the office sees every party's (or one party's), a department its own.
 * {state?: open|overdue|kept|broken, of?: party, after?: cursor, max?: 1..1000 (100)} (`of`, as in
 * overdue.list: `party` is the envelope's, who asks) ->
 * {today, counts: {open, overdue, kept, broken}, items: [commitment], next?} */
static int h_commitment_list(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	commitments c = cm_ctx(d, txn);
	char party[JRP_ID_MAX + 1] = "", after[160] = "", next[160];
	int st = CS__N, rc;
	uint64_t max = 100;
	if ((rc = mr_enum(&r->body, "state", MR_OPT, &commitment_state_names, &st)) < 0 ||
	    (rc = mr_cstr(&r->body, "of", MR_OPT, JRP_ID_MAX, party)) < 0 ||
	    (rc = mr_cstr(&r->body, "after", MR_OPT, sizeof after - 1, after)) < 0 ||
	    (rc = mr_u64(&r->body, "max", MR_OPT, &max)) < 0 || (rc = mr_end(&r->body)) < 0)
		return rc;
	if (max < 1 || max > 1000)
		return jrp_fail(e, JRP_ERR_BAD_VALUE, "max", "must be 1..1000");
	if (!(r->party->roles & ROLE_OFFICE)) {
		if (party[0] && strcmp(party, r->party->id) != 0)
			return req_fail_forbidden(r, e, "a department reads its own commitments; the office reads everyone's");
		str_copy(party, sizeof party, r->party->id);
	} else if (party[0] && !parties_find(daemon_parties(d), party)) {
		return jrp_fail(e, JRP_ERR_UNKNOWN_PARTY, "of", "\"%s\" is not in the parties registry", party);
	}
	mw_kdate(out, "today", c.today);
	mw_str(out, "counts");
	mw_map(out);
	for (int s = 0; s < CS__N; s++)
		mw_ku64(out, names_get(&commitment_state_names, s),
			commitments_count(&c, daemon_parties(d), party[0] ? party : NULL, s, 0, 0));
	mw_end(out);
	mw_str(out, "items");
	mw_arr(out);
	rc = commitments_list(&c, party[0] ? party : NULL, st, after, max, JRP_MAX_MESSAGE * 4, out, next);
	mw_end(out);
	if (rc == JRP_EINVAL)
		return jrp_fail(e, JRP_ERR_BAD_VALUE, "after",
				"not a cursor of this commitment.list (state/party/YYYY-MM-DD/record_id, of the same state and party)");
	if (rc == 0 && next[0])
		mw_kstr(out, "next", next);
	return rc;
}

/* tick - open commitments whose due date passed become overdue, a bounded batch at a time */
static int tick(jrp_daemon *d, MDB_txn *txn, int64_t now, int64_t *next_due)
{
	commitments c = cm_ctx(d, txn);
	return commitments_tick(&c, now, COMMITMENT_BATCH, next_due);
}

static const jrp_route routes[] = {
	{ T_RECORD_SUBMIT, h_submit, ROLE_DEPARTMENT | ROLE_EXCHANGE, 0 },
	{ T_RECORD_CHECK, h_record_check, ROLE_DEPARTMENT | ROLE_EXCHANGE, 0 },
	{ T_RECORDS_GET, h_records_get, ROLE_DEPARTMENT | ROLE_OFFICE | ROLE_AGENCY, 0 },
	{ T_STATS_GET, h_stats, ROLE_OFFICE, 0 },
	{ T_COMMITMENT_LIST, h_commitment_list, ROLE_OFFICE | ROLE_DEPARTMENT, 0 },
	{ NULL, NULL, 0, 0 },
};

static const jrp_service ingest = {
	.name = "ingest",
	.svc = SVC_INGEST,
	.dbs = dbs,
	.ndbs = DB__N,
	.outlog = DB_EVENTS,
	.routes = routes,
	.upstream = -1,
	.tick = tick,
	.warnings = catalog_calendar_warnings,
};

int main(int argc, char **argv)
{
	return daemon_main(argc, argv, &ingest);
}
