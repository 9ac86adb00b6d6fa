/*
 * service.c - jrp-adjudicate as a daemon: the context of each call, the
 * requests, and the hooks the skeleton runs (pulled events, deadlines,
 * catalogue reload)
 *
 * Each request is read strictly here and handed to the rules (adj.h) with a
 * context built from the daemon; what the rules refuse comes back as an error
 * naming the field. Actions on one entry run ROUTE_ATOMIC: a refusal after a
 * write changes nothing.
 */
#include "adj.h"
#include "clock.h"
#include "daemon.h"
#include "proto.h"

#define REEVALUATE_LISTED 1000   /* entries a reload names in its reply; all of them exit */

/* ctx - the rules' context for this daemon and transaction */
static adj ctx(jrp_daemon *d, MDB_txn *txn)
{
	adj a = { .txn = txn, .cat = daemon_catalog(d) };
	daemon_dbis(d, a.db, ADB__N);
	adj_set_now(&a, clock_now_ms());
	return a;
}

/* done - after the rules ran: a new deadline re-arms the timer */
static int done(jrp_daemon *d, const adj *a, int rc)
{
	if (a->retick)
		daemon_retick(d);
	return rc;
}

#define ESNAP_SINCE "esnap_since"   /* meta: since when every store of an entry is kept (entry.c esnap) */

/* init - at start: when the entries' snapshots began (0 for a new store; now for one made before them) */
static int init(jrp_daemon *d, MDB_txn *txn, jrp_error *e)
{
	adj a = ctx(d, txn);
	MDB_val v;
	int rc = kv_get(txn, a.db[ADB_META], ESNAP_SINCE, strlen(ESNAP_SINCE), &v);
	if (rc != JRP_ENOTFOUND)
		return rc;
	MDB_stat st;
	unsigned char b[8];
	if ((rc = mdb_stat(txn, a.db[ADB_ENTRIES], &st)) != 0)
		return store_rc(rc);
	be64_put(b, st.ms_entries ? (uint64_t)clock_now_ms() : 0);
	return kv_put(txn, a.db[ADB_META], ESNAP_SINCE, strlen(ESNAP_SINCE), b, 8, 0);
}

static int h_entries_get(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	adj a = ctx(d, txn);
	char code[JRP_CODE_MAX + 1];
	int rc;
	int id_type = ID_NONE;
	const msgpack_object *asof = NULL;
	if ((rc = mr_cstr(&r->body, "subject", MR_REQ, JRP_CODE_MAX, code)) < 0 ||
	    (rc = mr_enum(&r->body, "id_type", MR_OPT, &id_type_names, &id_type)) < 0 ||
	    (rc = mr_any(&r->body, "as_of_time", MR_OPT, &asof)) < 0)
		return rc;
	/* a mistyped code is refused, never answered "no entry" (DOMAIN.md "Subjects and codes") */
	if ((rc = codes_check_subject(code, (jrp_id_type)id_type, e)) < 0)
		return rc;
	if (asof) {
		/* issue 14: the entries as they were at a past instant, each with its history up to then */
		int64_t at, since;
		MDB_val v;
		if ((rc = req_instant(asof, "as_of_time", a.now, &at, e)) < 0)
			return rc;
		if ((rc = kv_get(txn, a.db[ADB_META], ESNAP_SINCE, strlen(ESNAP_SINCE), &v)) != 0 || v.mv_size != 8)
			return rc ? rc : JRP_ESTORE;
		since = (int64_t)be64_get(v.mv_data);
		if (at < since)
			return jrp_fail(e, JRP_ERR_NOT_FOUND, "as_of_time", "entries are kept as they were since %lld (ms); "
					"this adjudicate cannot answer for an earlier instant", (long long)since);
		mw_kstr(out, "subject", code);
		mw_ki64(out, "as_of_time", at);
		mw_str(out, "entries");
		return lists_subject_asof(&a, code, at, out);
	}
	mw_kstr(out, "subject", code);
	mw_str(out, "entries");
	if ((rc = lists_subject(&a, code, out)) != 0)
		return rc;
	mw_str(out, "awaiting_final");
	return lists_awaiting(&a, code, out);
}

/* h_entry_history - DOMAIN.md "Lists" [001 §(二)3]: an entry's record is complete: every item of
 * its history, page by page ({entry, after?: n, max?: 1..1000 (100)}) */
static int h_entry_history(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	adj a = ctx(d, txn);
	uint64_t id, after = 0, max = 100;
	int has_after, rc;
	entry en;
	if ((rc = mr_u64(&r->body, "entry", MR_REQ, &id)) < 0 || (rc = mr_u64(&r->body, "after", MR_OPT, &after)) < 0)
		return rc;
	has_after = rc > 0;
	if ((rc = mr_u64(&r->body, "max", MR_OPT, &max)) < 0)
		return rc;
	if (max < 1 || max > ENTRY_HIST_PAGE)
		return jrp_fail(e, JRP_ERR_BAD_VALUE, "max", "must be 1..%d", ENTRY_HIST_PAGE);
	if ((rc = entry_load(&a, id, &en)) == JRP_ENOTFOUND)
		return jrp_fail(e, JRP_ERR_NOT_FOUND, "entry", "there is no entry %llu", (unsigned long long)id);
	if (rc)
		return rc;
	mw_ku64(out, "entry", id);
	mw_ku64(out, "history_total", en.nhist);
	mw_str(out, "history");
	mw_arr(out);
	rc = entry_history_page(&a, id, has_after ? (int64_t)(after > UINT32_MAX ? UINT32_MAX : after) : -1, max, out);
	mw_end(out);
	return rc;
}

/* entry_id - the request's "entry" */
static int entry_id(jrp_req *r, uint64_t *id)
{
	return mr_u64(&r->body, "entry", MR_REQ, id);
}

static int opt_note(jrp_req *r, char *note, size_t n)
{
	int rc = mr_text(&r->body, "note", MR_OPT, (n - 1) / 4, note);
	if (rc == 0)
		note[0] = 0;
	return rc;
}

static void reply_entry(mw *out, const entry *en)
{
	mw_ku64(out, "entry", en->id);
	mw_kenum(out, "state", &entry_state_names, en->state);
}

static int h_notice(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	adj a = ctx(d, txn);
	entry en;
	uint64_t id;
	jrp_date nd;
	bool linked = false;
	mw covered;
	int rc;
	if ((rc = entry_id(r, &id)) < 0 || (rc = mr_date(&r->body, "notice_date", MR_REQ, &nd)) < 0 ||
	    (rc = mr_bool(&r->body, "linked", MR_OPT, &linked)) < 0)
		return done(d, &a, rc);
	mw_init(&covered);
	mw_arr(&covered);
	if ((rc = act_notice(&a, id, r->party, nd, linked, &en, &covered, e)) != 0) {
		mw_free(&covered);
		return done(d, &a, rc);
	}
	mw_end(&covered);
	reply_entry(out, &en);
	mw_kdate(out, "objection_end", en.objection_end);
	if (linked) {
		mw_str(out, "linked");
		mw_raw(out, mw_data(&covered), mw_len(&covered));
	}
	mw_free(&covered);
	return done(d, &a, 0);
}

static int h_objection_file(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	adj a = ctx(d, txn);
	entry en;
	uint64_t id;
	char reason[JRP_NOTE_BUF];
	jrp_date by;
	int rc;
	if ((rc = entry_id(r, &id)) < 0 || (rc = mr_text(&r->body, "reason", MR_REQ, JRP_NOTE_MAX, reason)) < 0 ||
	    (rc = act_objection_file(&a, id, r->party, reason, &en, &by, e)) != 0)
		return done(d, &a, rc);
	reply_entry(out, &en);
	mw_kbool(out, "suspended", en.suspended);
	mw_kdate(out, "decide_by", by);
	return done(d, &a, 0);
}

static int h_objection_decide(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	adj a = ctx(d, txn);
	entry en;
	uint64_t id;
	char note[TEXT_BUF(400)];
	int outcome, rc;
	if ((rc = entry_id(r, &id)) < 0 || (rc = mr_enum(&r->body, "outcome", MR_REQ, &outcome_names, &outcome)) < 0 ||
	    (rc = opt_note(r, note, sizeof note)) < 0 ||
	    (rc = act_objection_decide(&a, id, r->party, (jrp_outcome)outcome, note, &en, e)) != 0)
		return done(d, &a, rc);
	reply_entry(out, &en);
	mw_kenum(out, "outcome", &outcome_names, outcome);
	return done(d, &a, 0);
}

static int h_repair_apply(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	adj a = ctx(d, txn);
	const msgpack_object_array *ms;
	entry en;
	uint64_t id;
	unsigned given = 0;
	char note[TEXT_BUF(400)];
	int rc;
	if ((rc = entry_id(r, &id)) < 0 || (rc = mr_arr(&r->body, "methods", MR_REQ, 8, &ms)) < 0 ||
	    (rc = opt_note(r, note, sizeof note)) < 0)
		return rc;
	for (uint32_t i = 0; i < ms->size; i++) {
		char allowed[80];
		int m;
		if (ms->ptr[i].type != MSGPACK_OBJECT_STR)
			return mr_fail(&r->body, JRP_ERR_WRONG_TYPE, "methods", "must be an array of method names");
		if ((m = names_find(&repair_method_names, ms->ptr[i].via.str.ptr, ms->ptr[i].via.str.size)) < 0)
			return mr_fail_value(&r->body, "methods", "\"%.*s\" is not a repair method (%s)",
					     (int)(ms->ptr[i].via.str.size > 32 ? 32 : ms->ptr[i].via.str.size),
					     ms->ptr[i].via.str.ptr, names_list(&repair_method_names, allowed, sizeof allowed));
		given |= 1u << m;
	}
	if ((rc = act_repair_apply(&a, id, r->party, given, note, &en, e)) != 0)
		return done(d, &a, rc);
	reply_entry(out, &en);
	mw_kdate(out, "decide_by", en.repair_decide_by);
	return done(d, &a, 0);
}

static int h_repair_decide(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	adj a = ctx(d, txn);
	entry en;
	uint64_t id;
	bool approved;
	char note[TEXT_BUF(400)];
	int rc;
	if ((rc = entry_id(r, &id)) < 0 || (rc = mr_bool(&r->body, "approved", MR_REQ, &approved)) < 0 ||
	    (rc = opt_note(r, note, sizeof note)) < 0 || (rc = act_repair_decide(&a, id, r->party, approved, note, &en, e)) != 0)
		return done(d, &a, rc);
	reply_entry(out, &en);
	mw_kbool(out, "approved", approved);
	return done(d, &a, 0);
}

static int h_reward_abuse(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	adj a = ctx(d, txn);
	entry en;
	uint64_t id;
	char note[TEXT_BUF(400)];
	int rc;
	if ((rc = entry_id(r, &id)) < 0 || (rc = mr_text(&r->body, "note", MR_REQ, 400, note)) < 0 ||
	    (rc = act_reward_abuse(&a, id, r->party, note, &en, e)) != 0)
		return done(d, &a, rc);
	reply_entry(out, &en);
	return done(d, &a, 0);
}

/* publication.fetch {after?, max?, wait_ms?}: open to every party */
static int h_publication_fetch(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	return daemon_fetch_log(d, r, txn, daemon_dbi(d, ADB_PUBLICATION), MR_OPT, out, e);
}

/* ---- hooks ---- */

static int apply(jrp_daemon *d, MDB_txn *txn, jrp_rec *rec, const msgpack_object *raw, jrp_error *e)
{
	adj a = ctx(d, txn);
	return done(d, &a, lists_apply_event(&a, &rec->u.event, e));
}

static int tick(jrp_daemon *d, MDB_txn *txn, int64_t now, int64_t *next_due)
{
	adj a = ctx(d, txn);
	adj_set_now(&a, now);
	return lists_tick(&a, next_due);   /* the skeleton re-arms from next_due */
}

typedef struct reload_arg {
	mw *out;
	size_t n;
} reload_arg;

static void reload_one(void *arg, const entry *en, const char *why)
{
	reload_arg *ra = arg;
	if (++ra->n > REEVALUATE_LISTED)   /* the reply names the first ones; all exit */
		return;
	mw_map(ra->out);
	mw_ku64(ra->out, "entry", en->id);
	mw_kstr(ra->out, "standard", en->standard);
	mw_kstr(ra->out, "subject", en->subject.code);
	mw_kstr(ra->out, "reason", why);
	mw_end(ra->out);
}

static void moved_one(void *arg, const entry *en, const char *deadline, jrp_date from, jrp_date to)
{
	reload_arg *ra = arg;
	if (++ra->n > REEVALUATE_LISTED)
		return;
	mw_map(ra->out);
	mw_ku64(ra->out, "entry", en->id);
	mw_kstr(ra->out, "subject", en->subject.code);
	mw_kstr(ra->out, "deadline", deadline);
	mw_kdate(ra->out, "from", from);
	mw_kdate(ra->out, "to", to);
	mw_end(ra->out);
}

/* reload - DOMAIN.md Life 8 [001 §(五)6]: entries whose standard changed so that they no longer
 * fit exit; DOMAIN.md "Working days": deadlines counted while a year was provisional are counted
 * again when its official schedule comes; the reply says which */
static int reload(jrp_daemon *d, MDB_txn *txn, const jrp_catalog *old, mw *out, jrp_error *e)
{
	adj a = ctx(d, txn);
	reload_arg ra = { out, 0 }, rm = { out, 0 };
	size_t n = 0, moved = 0;
	int rc;
	mw_str(out, "changed");
	mw_arr(out);
	rc = lists_reevaluate(&a, old, reload_one, &ra, &n);
	mw_end(out);
	mw_ku64(out, "changed_total", n);
	if (rc == 0) {
		mw_str(out, "moved");
		mw_arr(out);
		rc = lists_recalendar(&a, old, moved_one, &rm, &moved);
		mw_end(out);
		mw_ku64(out, "moved_total", moved);
	}
	return done(d, &a, rc);
}

/* h_catalog_diff - the office asks what the catalogue in dir would change: the entries a reload
 * would exit (and why), the first ones named; nothing changes (dispatch answers for the tasks) */
static int h_catalog_diff(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	char dir[4096];
	jrp_catalog *cand = NULL;
	adj a = ctx(d, txn);
	reload_arg ra = { out, 0 };
	size_t n = 0;
	int rc;
	if ((rc = mr_cstr(&r->body, "dir", MR_REQ, sizeof dir - 1, dir)) < 0)
		return rc;
	if ((rc = catalog_load(dir, daemon_parties(d), &cand, e)) < 0)
		return rc;
	a.cat = cand;
	mw_kstr(out, "catalog_version", daemon_catalog(d)->version);
	mw_kstr(out, "candidate_version", cand->version);
	mw_str(out, "exits");
	mw_arr(out);
	rc = lists_would_exit(&a, daemon_catalog(d), reload_one, &ra, &n);
	mw_end(out);
	mw_ku64(out, "exits_total", n);
	catalog_free(&cand);
	return rc;
}

#define ANYONE (ROLE_DEPARTMENT | ROLE_OFFICE | ROLE_AGENCY)

static const jrp_route routes[] = {
	{ T_ENTRIES_GET, h_entries_get, ANYONE, 0 },
	{ T_ENTRY_HISTORY, h_entry_history, ANYONE, 0 },
	{ T_ENTRY_NOTICE, h_notice, ROLE_DEPARTMENT, ROUTE_ATOMIC },
	{ T_OBJECTION_FILE, h_objection_file, ANYONE, ROUTE_ATOMIC },
	{ T_OBJECTION_DECIDE, h_objection_decide, ROLE_DEPARTMENT | ROLE_OFFICE, ROUTE_ATOMIC },
	{ T_REPAIR_APPLY, h_repair_apply, ROLE_DEPARTMENT | ROLE_OFFICE, ROUTE_ATOMIC },
	{ T_REPAIR_DECIDE, h_repair_decide, ROLE_DEPARTMENT, ROUTE_ATOMIC },
	{ T_REWARD_ABUSE, h_reward_abuse, ANYONE, ROUTE_ATOMIC },
	{ T_PUBLICATION_FETCH, h_publication_fetch, 0, 0 },
	{ T_CATALOG_DIFF, h_catalog_diff, ROLE_OFFICE, 0 },
	{ NULL, NULL, 0, 0 },
};

const jrp_service adjudicate_service = {
	.name = "adjudicate",
	.svc = SVC_ADJUDICATE,
	.dbs = adj_db_names,
	.ndbs = ADB__N,
	.outlog = ADB_CHANGES,
	.routes = routes,
	.upstream = SVC_INGEST,
	.pull_kinds = 1u << REC_EVENT,
	.apply = apply,
	.warnings = catalog_calendar_warnings,
	.tick = tick,
	.reload = reload,
	.init = init,
	.public_log = ADB_PUBLICATION,   /* 双公示 and the lists: kept log_retention_days, then archived */
};
