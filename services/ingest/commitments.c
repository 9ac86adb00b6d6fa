/*
 * commitments.c - credit commitments (信用承诺, 告知承诺, 容缺受理) at ingest
 *
 * DOMAIN.md "Commitments and 双公示" [001 §(一)6, §(三)2] [004 ch.5 §1]: a matter
 * handled on a subject's written promise (a licence granted on it, papers accepted
 * missing to be supplied by a date) has a deadline; the department reports whether
 * the promise was kept; a broken promise is a credit record of the subject, which
 * the catalogue's standards act on like any other (adjudicate matches its kind);
 * the office sees what is due and what was broken.
 *
 * ingest keeps every commitment it accepted, written in the transaction of its event
 * (so nothing is lost and a resubmission, answered by the dedupe path, counts
 * nothing twice):
 *   commitments      party NUL record_id -> the commitment, a msgpack map: what
 *                    commitment.list answers, item by item (cm_write)
 *   commitment_due   due date, party NUL record_id: open commitments by when they
 *                    fall due; the tick moves those whose date has passed to overdue
 *                    (a bounded batch at a time), so that nothing is ever scanned
 *   commitment_list  state, party NUL date, record_id: each commitment under its
 *                    state (open, overdue: by due date; kept, broken: by the date of
 *                    the result), read page by page by commitment.list
 * and counters in the stats database (counters.c): made, kept, broken per party and
 * by day; open and overdue per party as of now (moved by +1/-1, never recounted).
 */
#include "ingest.h"
#include "clock.h"
#include "store.h"
#include "util/log.h"
#include "util/str.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* a commitment as ingest keeps it */
typedef struct cm {
	char party[JRP_ID_MAX + 1];
	char record_id[JRP_RECORD_ID_MAX + 1];
	uint64_t seq;                     /* the commitment record's event */
	int64_t at;                       /* when ingest took it */
	char domain[JRP_ID_MAX + 1];
	jrp_subject subject;
	jrp_commitment_type type;
	char matter[JRP_ID_MAX + 1];
	jrp_date decision_date;
	jrp_date due;
	char content[TEXT_BUF(JRP_PROMISE_MAX)];
	jrp_commitment_state state;
	/* kept or broken: the result record */
	char result_id[JRP_RECORD_ID_MAX + 1];
	jrp_date result_date;
	uint64_t result_seq;
} cm;

#define KEY_MAX (1 + JRP_ID_MAX + 1 + 4 + JRP_RECORD_ID_MAX)

/* ---- keys ---- */

static void date_put(unsigned char *p, jrp_date d)
{
	uint32_t u = (uint32_t)d + 0x80000000u;   /* ordered as unsigned bytes */
	p[0] = (unsigned char)(u >> 24);
	p[1] = (unsigned char)(u >> 16);
	p[2] = (unsigned char)(u >> 8);
	p[3] = (unsigned char)u;
}

static jrp_date date_get(const unsigned char *p)
{
	uint32_t u = ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
	return (jrp_date)(int32_t)(u - 0x80000000u);
}

/* cm_key - party NUL record_id: the commitment's own key (as ingest's dedupe key) */
static size_t cm_key(unsigned char *k, const char *party, const char *rid)
{
	size_t n = strlen(party), m = strlen(rid);
	memcpy(k, party, n);
	k[n] = 0;
	memcpy(k + n + 1, rid, m);
	return n + 1 + m;
}

/* due_key - due date, party NUL record_id */
static size_t due_key(unsigned char *k, jrp_date due, const char *party, const char *rid)
{
	date_put(k, due);
	return 4 + cm_key(k + 4, party, rid);
}

/* list_key - state, party NUL date record_id */
static size_t list_key(unsigned char *k, jrp_commitment_state st, const char *party, jrp_date d, const char *rid)
{
	size_t n = strlen(party), m = strlen(rid);
	k[0] = (unsigned char)st;
	memcpy(k + 1, party, n);
	k[1 + n] = 0;
	date_put(k + 2 + n, d);
	memcpy(k + 6 + n, rid, m);
	return 6 + n + m;
}

/* the date a commitment is listed under in its state */
static jrp_date list_date(const cm *x)
{
	return x->state == CS_KEPT || x->state == CS_BROKEN ? x->result_date : x->due;
}

/* ---- the stored map ---- */

static void cm_write(mw *w, const cm *x)
{
	mw_map(w);
	mw_kstr(w, "record_id", x->record_id);
	mw_kstr(w, "party", x->party);
	mw_ku64(w, "seq", x->seq);
	mw_ki64(w, "at", x->at);
	mw_kstr(w, "domain", x->domain);
	subject_write(w, "subject", &x->subject);
	mw_kenum(w, "type", &commitment_type_names, x->type);
	mw_kstr(w, "matter", x->matter);
	mw_kdate(w, "decision_date", x->decision_date);
	mw_kdate(w, "due", x->due);
	mw_kstr(w, "content", x->content);
	mw_kenum(w, "state", &commitment_state_names, x->state);
	if (x->state == CS_KEPT || x->state == CS_BROKEN) {
		mw_str(w, "result");
		mw_map(w);
		mw_kstr(w, "record_id", x->result_id);
		mw_kdate(w, "decision_date", x->result_date);
		mw_ku64(w, "seq", x->result_seq);
		mw_end(w);
	}
	mw_end(w);
}

/* cm_read - a stored commitment, strictly: what cm_write wrote, nothing else */
static int cm_read(const MDB_val *v, cm *x, jrp_error *e)
{
	msg_in in;
	mr r, res;
	int t, s, rc;
	if ((rc = msg_parse_ref(v->mv_data, v->mv_size, SIZE_MAX, &in, e)) < 0)
		goto done;
	if ((rc = mr_init(&r, in.root, "", e)) < 0 || (rc = mr_cstr(&r, "record_id", MR_REQ, JRP_RECORD_ID_MAX, x->record_id)) < 0 ||
	    (rc = mr_cstr(&r, "party", MR_REQ, JRP_ID_MAX, x->party)) < 0 || (rc = mr_u64(&r, "seq", MR_REQ, &x->seq)) < 0 ||
	    (rc = mr_i64(&r, "at", MR_REQ, &x->at)) < 0 || (rc = mr_cstr(&r, "domain", MR_REQ, JRP_ID_MAX, x->domain)) < 0 ||
	    (rc = subject_read(&r, "subject", &x->subject)) < 0 ||
	    (rc = mr_enum(&r, "type", MR_REQ, &commitment_type_names, &t)) < 0 ||
	    (rc = mr_cstr(&r, "matter", MR_REQ, JRP_ID_MAX, x->matter)) < 0 ||
	    (rc = mr_date(&r, "decision_date", MR_REQ, &x->decision_date)) < 0 ||
	    (rc = mr_date(&r, "due", MR_REQ, &x->due)) < 0 ||
	    (rc = mr_text(&r, "content", MR_REQ, JRP_PROMISE_MAX, x->content)) < 0 ||
	    (rc = mr_enum(&r, "state", MR_REQ, &commitment_state_names, &s)) < 0)
		goto done;
	x->type = (jrp_commitment_type)t;
	x->state = (jrp_commitment_state)s;
	x->result_id[0] = 0;
	x->result_date = 0;
	x->result_seq = 0;
	if ((rc = mr_map(&r, "result", x->state == CS_KEPT || x->state == CS_BROKEN ? MR_REQ : MR_OPT, &res)) < 0)
		goto done;
	if (rc > 0 && x->state != CS_KEPT && x->state != CS_BROKEN) {
		rc = mr_fail(&r, JRP_ERR_UNKNOWN_FIELD, "result", "only a kept or broken commitment has a result");
		goto done;
	}
	if (rc > 0 && ((rc = mr_cstr(&res, "record_id", MR_REQ, JRP_RECORD_ID_MAX, x->result_id)) < 0 ||
		       (rc = mr_date(&res, "decision_date", MR_REQ, &x->result_date)) < 0 ||
		       (rc = mr_u64(&res, "seq", MR_REQ, &x->result_seq)) < 0 || (rc = mr_end(&res)) < 0))
		goto done;
	rc = mr_end(&r);
done:
	msg_in_free(&in);
	return rc < 0 ? rc : 0;
}

/* cm_load - the commitment (party, record id): 0, JRP_ENOTFOUND, or JRP_EBADMSG when it does not read
 * back (e says why) */
static int cm_load(commitments *c, const char *party, const char *rid, cm *x, jrp_error *e)
{
	unsigned char k[KEY_MAX];
	MDB_val v;
	int rc = kv_get(c->txn, c->db[DB_COMMITMENTS], k, cm_key(k, party, rid), &v);
	if (rc)
		return rc;
	return cm_read(&v, x, e) < 0 ? JRP_EBADMSG : 0;
}

static int cm_store(commitments *c, const cm *x)
{
	unsigned char k[KEY_MAX];
	mw w;
	int rc;
	mw_init(&w);
	cm_write(&w, x);
	rc = kv_put(c->txn, c->db[DB_COMMITMENTS], k, cm_key(k, x->party, x->record_id), mw_data(&w), mw_len(&w), 0);
	mw_free(&w);
	return rc;
}

/* ---- counters: made, kept, broken (by day); open and overdue (now) ---- */

static const char *const made_key = "commitments.%s";
static const char *const state_keys[CS__N] = {
	[CS_OPEN] = "commitments_open.%s", [CS_OVERDUE] = "commitments_overdue.%s",
	[CS_KEPT] = "commitments_kept.%s", [CS_BROKEN] = "commitments_broken.%s",
};

/* gauge - open or overdue commitments of party now, += delta */
static int gauge(commitments *c, jrp_commitment_state st, const char *party, int64_t delta)
{
	char k[96];
	snprintf(k, sizeof k, state_keys[st], party);
	return meta_add(c->txn, c->db[DB_STATS], k, delta, NULL);
}

static int counted(commitments *c, const char *fmt, const char *party)
{
	char k[96];
	snprintf(k, sizeof k, fmt, party);
	return counters_add(c->txn, c->db[DB_STATS], k, c->today, 1, false);
}

uint64_t commitments_count(commitments *c, const jrp_parties *ps, const char *party, int st, jrp_date from, jrp_date to)
{
	const char *fmt = st < 0 ? made_key : state_keys[st];
	uint64_t n = 0;
	bool now = st == CS_OPEN || st == CS_OVERDUE;
	if (party)
		return counters_figure(c->txn, c->db[DB_STATS], fmt, party, now ? 0 : from, to, false);
	for (size_t i = 0; i < ps->n; i++)
		if (ps->v[i].roles & ROLE_DEPARTMENT)
			n += counters_figure(c->txn, c->db[DB_STATS], fmt, ps->v[i].id, now ? 0 : from, to, false);
	return n;
}

/* ---- state changes ---- */

/* move - the commitment leaves its state's list (and the due index when open) for state `to` */
static int move(commitments *c, cm *x, jrp_commitment_state to)
{
	unsigned char k[KEY_MAX];
	int rc;
	if ((rc = kv_del(c->txn, c->db[DB_COMMITMENT_LIST], k, list_key(k, x->state, x->party, list_date(x), x->record_id))) != 0 &&
	    rc != JRP_ENOTFOUND)
		return rc;
	if (x->state == CS_OPEN &&
	    (rc = kv_del(c->txn, c->db[DB_COMMITMENT_DUE], k, due_key(k, x->due, x->party, x->record_id))) != 0 &&
	    rc != JRP_ENOTFOUND)
		return rc;
	if ((rc = gauge(c, x->state, x->party, -1)) != 0)
		return rc;
	x->state = to;
	if ((rc = kv_put(c->txn, c->db[DB_COMMITMENT_LIST], k, list_key(k, to, x->party, list_date(x), x->record_id), "", 0, 0)) != 0)
		return rc;
	if (to == CS_OPEN || to == CS_OVERDUE)
		rc = gauge(c, to, x->party, 1);
	else
		rc = counted(c, state_keys[to], x->party);
	return rc ? rc : cm_store(c, x);
}

/* open - a commitment accepted: open until its due date, or overdue at once when it was reported
 * after its due date had passed */
static int open_one(commitments *c, const jrp_event *ev)
{
	const jrp_record *r = &ev->record;
	unsigned char k[KEY_MAX];
	cm *x = calloc(1, sizeof *x);
	int rc;
	str_copy(x->party, sizeof x->party, ev->party);
	str_copy(x->record_id, sizeof x->record_id, r->record_id);
	x->seq = ev->seq;
	x->at = ev->at;
	str_copy(x->domain, sizeof x->domain, r->domain);
	x->subject = r->subject;
	x->type = r->commitment.type;
	str_copy(x->matter, sizeof x->matter, r->commitment.matter);
	x->decision_date = r->decision_date;
	x->due = r->commitment.due;
	str_copy(x->content, sizeof x->content, r->commitment.content);
	x->state = x->due < c->today ? CS_OVERDUE : CS_OPEN;
	if ((x->state == CS_OPEN &&
	     (rc = kv_put(c->txn, c->db[DB_COMMITMENT_DUE], k, due_key(k, x->due, x->party, x->record_id), "", 0, 0)) != 0) ||
	    (rc = kv_put(c->txn, c->db[DB_COMMITMENT_LIST], k, list_key(k, x->state, x->party, x->due, x->record_id), "", 0, 0)) != 0 ||
	    (rc = gauge(c, x->state, x->party, 1)) != 0 || (rc = counted(c, made_key, x->party)) != 0)
		goto done;
	rc = cm_store(c, x);
done:
	free(x);
	return rc;
}

int commitments_check_result(commitments *c, const char *party, const jrp_record *rec, jrp_error *e)
{
	cm *x = malloc(sizeof *x);
	jrp_error de;
	char df[11];
	int rc = cm_load(c, party, rec->refers_to, x, &de);
	if (rc == JRP_ENOTFOUND)
		rc = jrp_fail(e, JRP_ERR_BAD_VALUE, "record.refers_to", "commitment \"%s\" of department \"%s\" is not kept here",
			      rec->refers_to, party);
	else if (rc == JRP_EBADMSG)
		rc = jrp_fail(e, JRP_ERR_BAD_VALUE, "record.refers_to", "commitment \"%s\" cannot be read back: %s",
			      rec->refers_to, de.message);
	else if (rc == 0 && (x->state == CS_KEPT || x->state == CS_BROKEN)) {
		date_format(x->result_date, df);
		rc = jrp_fail(e, JRP_ERR_CONFLICT, "record.refers_to",
			      "commitment \"%s\" was already closed: %s on %s by record \"%s\" (event #%llu); a commitment has one result",
			      rec->refers_to, names_get(&commitment_state_names, x->state), df, x->result_id,
			      (unsigned long long)x->result_seq);
	}
	free(x);
	return rc;
}

/* close_one - the department's result closes the commitment it refers to (checked open before) */
static int close_one(commitments *c, const jrp_event *ev)
{
	cm *x = malloc(sizeof *x);
	jrp_error e;
	int rc = cm_load(c, ev->party, ev->record.refers_to, x, &e);   /* read and found open before */
	if (rc == 0 && (x->state == CS_OPEN || x->state == CS_OVERDUE)) {
		str_copy(x->result_id, sizeof x->result_id, ev->record.record_id);
		x->result_date = ev->record.decision_date;
		x->result_seq = ev->seq;
		rc = move(c, x, ev->record.kind == RK_COMMITMENT_KEPT ? CS_KEPT : CS_BROKEN);
	}
	free(x);
	return rc;
}

int commitments_record(commitments *c, const jrp_event *ev)
{
	switch (ev->record.kind) {
	case RK_COMMITMENT: return open_one(c, ev);
	case RK_COMMITMENT_KEPT:
	case RK_COMMITMENT_BROKEN: return close_one(c, ev);
	default: return 0;
	}
}

int commitments_tick(commitments *c, int64_t now, size_t max, int64_t *next)
{
	jrp_date today = date_of_ms(now);
	cm *x = malloc(sizeof *x);
	MDB_cursor *cur;
	MDB_val k, v;
	size_t n = 0;
	int rc;

	*next = INT64_MAX;
	if ((rc = mdb_cursor_open(c->txn, c->db[DB_COMMITMENT_DUE], &cur)) != 0) {
		free(x);
		return store_rc(rc);
	}
	while ((rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST)) == 0) {
		const unsigned char *p = k.mv_data;
		size_t plen = k.mv_size > 4 ? strnlen((const char *)p + 4, k.mv_size - 4) : 0;
		char party[JRP_ID_MAX + 1], rid[JRP_RECORD_ID_MAX + 1];
		jrp_date due;
		jrp_error e;
		if (k.mv_size < 6 || plen == 0 || plen > JRP_ID_MAX || k.mv_size - 5 - plen == 0 ||
		    k.mv_size - 5 - plen > JRP_RECORD_ID_MAX) {
			mdb_cursor_del(cur, 0);   /* not a key this module wrote */
			continue;
		}
		due = date_get(p);
		if (due >= today) {
			*next = ms_of_date(due + 1);   /* overdue from the start of the day after */
			break;
		}
		if (n == max) {
			*next = now;
			mdb_cursor_close(cur);
			free(x);
			return 1;
		}
		memcpy(party, p + 4, plen);
		party[plen] = 0;
		memcpy(rid, p + 5 + plen, k.mv_size - 5 - plen);
		rid[k.mv_size - 5 - plen] = 0;
		/* out of the due index first (the cursor starts again from the first), then overdue */
		if ((rc = mdb_cursor_del(cur, 0)) != 0) {
			rc = store_rc(rc);
			break;
		}
		rc = cm_load(c, party, rid, x, &e);
		if (rc == JRP_EBADMSG)
			log_warn("event=commitment_unreadable party=%s record_id=%s error=\"%s\"", party, rid, e.message);
		else if (rc == 0 && x->state == CS_OPEN && (rc = move(c, x, CS_OVERDUE)) != 0)
			break;
		else if (rc != 0 && rc != JRP_ENOTFOUND)
			break;
		rc = 0;
		n++;
	}
	mdb_cursor_close(cur);
	free(x);
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : rc;
}

/* ---- commitment.list ---- */

/* cursor_parse - "state/party/YYYY-MM-DD/record_id" into the list key it names */
static int cursor_parse(const char *s, unsigned char *k, size_t *kn, int *st)
{
	const char *a = strchr(s, '/'), *b = a ? strchr(a + 1, '/') : NULL;
	char party[JRP_ID_MAX + 1];
	jrp_date d;
	int v;
	if (!a || !b || (v = names_find(&commitment_state_names, s, (size_t)(a - s))) < 0 || b - a - 1 < 1 ||
	    b - a - 1 > JRP_ID_MAX || strlen(b + 1) < 12 || b[11] != '/' || date_parse(b + 1, 10, &d) != 0 ||
	    strlen(b + 12) < 1 || strlen(b + 12) > JRP_RECORD_ID_MAX)
		return JRP_EINVAL;
	memcpy(party, a + 1, (size_t)(b - a - 1));
	party[b - a - 1] = 0;
	*st = v;
	*kn = list_key(k, (jrp_commitment_state)v, party, d, b + 12);
	return 0;
}

int commitments_list(commitments *c, const char *party, int st, const char *after, size_t max, size_t max_bytes,
		     mw *out, char next[160])
{
	unsigned char ak[KEY_MAX], pre[KEY_MAX];
	size_t akn = 0, n = 0, plen = party ? strlen(party) : 0;
	int from = st == CS__N ? 0 : st, ast = -1, rc = 0;
	bool more = false;
	MDB_cursor *cur;

	next[0] = 0;
	if (after && after[0]) {
		if (cursor_parse(after, ak, &akn, &ast) != 0 || (st != CS__N && ast != st) ||
		    (party && (akn < plen + 2 || memcmp(ak + 1, party, plen) != 0 || ak[1 + plen] != 0)))
			return JRP_EINVAL;
		from = ast;
	}
	if ((rc = mdb_cursor_open(c->txn, c->db[DB_COMMITMENT_LIST], &cur)) != 0)
		return store_rc(rc);
	for (int s = from; s < (st == CS__N ? CS__N : st + 1) && !more; s++) {
		MDB_val k, v;
		size_t pn = 1;
		pre[0] = (unsigned char)s;
		if (party) {
			memcpy(pre + 1, party, plen);
			pre[1 + plen] = 0;
			pn += plen + 1;
		}
		if (s == ast) {
			k.mv_data = ak;
			k.mv_size = akn;
		} else {
			k.mv_data = pre;
			k.mv_size = pn;
		}
		rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
		if (rc == 0 && s == ast && k.mv_size == akn && memcmp(k.mv_data, ak, akn) == 0)
			rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
		for (; rc == 0; rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
			const unsigned char *p = k.mv_data;
			size_t kpl;
			unsigned char rk[KEY_MAX];
			char kp[JRP_ID_MAX + 1], rid[JRP_RECORD_ID_MAX + 1], ds[11];
			MDB_val item;
			if (k.mv_size < pn || memcmp(p, pre, pn) != 0)
				break;
			kpl = strnlen((const char *)p + 1, k.mv_size - 1);
			if (kpl == 0 || kpl > JRP_ID_MAX || k.mv_size < kpl + 7 || k.mv_size - 6 - kpl > JRP_RECORD_ID_MAX)
				continue;   /* not a key this module wrote */
			if (n == max || mw_len(out) > max_bytes) {
				more = true;
				break;
			}
			memcpy(kp, p + 1, kpl);
			kp[kpl] = 0;
			memcpy(rid, p + 6 + kpl, k.mv_size - 6 - kpl);
			rid[k.mv_size - 6 - kpl] = 0;
			if (kv_get(c->txn, c->db[DB_COMMITMENTS], rk, cm_key(rk, kp, rid), &item) != 0)
				continue;
			mw_raw(out, item.mv_data, item.mv_size);
			n++;
			date_format(date_get(p + 2 + kpl), ds);
			snprintf(next, 160, "%s/%s/%s/%s", names_get(&commitment_state_names, s), kp, ds, rid);
		}
		if (rc != 0 && rc != MDB_NOTFOUND)
			break;
		rc = 0;
	}
	mdb_cursor_close(cur);
	if (!more)
		next[0] = 0;
	return rc == 0 ? 0 : store_rc(rc);
}
