/*
 * entry.c - list entries: encoding, history, the store and its indexes (see entry.h)
 */
#include "entry.h"
#include "clock.h"
#include "store.h"
#include "util/str.h"
#include "util/vec.h"
#include <stdio.h>
#include <string.h>

const char *const adj_db_names[ADB__N] = { "meta", "changes", "entries", "by_subject", "due", "by_standard", "links",
					   "publication", "awaiting_final", "history", "published_records", "esnap", "foreign" };

void adj_set_now(adj *a, int64_t now_ms)
{
	a->now = now_ms;
	a->today = date_of_ms(now_ms);
}

bool entry_active(const entry *en)
{
	return en->state == ENTRY_PROPOSED || en->state == ENTRY_EFFECTIVE;
}

static void hist_key(unsigned char k[12], uint64_t id, uint32_t n)
{
	be64_put(k, id);
	k[8] = (unsigned char)(n >> 24);
	k[9] = (unsigned char)(n >> 16);
	k[10] = (unsigned char)(n >> 8);
	k[11] = (unsigned char)n;
}

int entry_history(adj *a, entry *en, const char *event, const char *by, uint64_t record_seq, const char *note)
{
	unsigned char k[12];
	mw w;
	int rc;
	mw_init(&w);
	mw_map(&w);
	mw_ki64(&w, "at", a->now);
	mw_kstr(&w, "event", event);
	mw_kstr(&w, "by", by);
	if (record_seq)
		mw_ku64(&w, "record_seq", record_seq);
	if (note && note[0])
		mw_kstr(&w, "note", note);
	mw_end(&w);
	hist_key(k, en->id, en->nhist++);
	rc = kv_put(a->txn, a->db[ADB_HISTORY], k, 12, mw_data(&w), mw_len(&w), 0);
	mw_free(&w);
	return rc;
}

int entry_history_page(adj *a, uint64_t id, int64_t after, size_t max, mw *out)
{
	unsigned char k[12];
	MDB_cursor *c;
	MDB_val key, val;
	size_t n = 0;
	int rc;
	hist_key(k, id, after < 0 ? 0 : (uint32_t)after + 1);
	if (after >= (int64_t)UINT32_MAX)
		return 0;
	if ((rc = mdb_cursor_open(a->txn, a->db[ADB_HISTORY], &c)) != 0)
		return store_rc(rc);
	key.mv_data = k;
	key.mv_size = 12;
	for (rc = mdb_cursor_get(c, &key, &val, MDB_SET_RANGE); rc == 0 && n < max;
	     rc = mdb_cursor_get(c, &key, &val, MDB_NEXT)) {
		const unsigned char *p = key.mv_data;
		msg_in in;
		jrp_error e;
		if (key.mv_size != 12 || memcmp(p, k, 8) != 0)
			break;
		/* the item as stored, with its number first */
		if (msg_parse_ref(val.mv_data, val.mv_size, 1 << 16, &in, &e) == 0 && in.root->type == MSGPACK_OBJECT_MAP) {
			mw_map(out);
			mw_ku64(out, "n", ((uint32_t)p[8] << 24) | ((uint32_t)p[9] << 16) | ((uint32_t)p[10] << 8) | p[11]);
			for (uint32_t i = 0; i < in.root->via.map.size; i++) {
				mw_obj(out, &in.root->via.map.ptr[i].key);
				mw_obj(out, &in.root->via.map.ptr[i].val);
			}
			mw_end(out);
			n++;
		}
		msg_in_free(&in);
	}
	mdb_cursor_close(c);
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : store_rc(rc);
}

static void kopt(mw *w, const char *k, const char *v)
{
	if (v[0])
		mw_kstr(w, k, v);
}

/* entry_fields - the stored fields of en into an open map */
static void entry_fields(const entry *en, mw *w)
{
	mw_ku64(w, "id", en->id);
	mw_kenum(w, "state", &entry_state_names, en->state);
	mw_kenum(w, "list", &list_names, en->list);
	kopt(w, "standard", en->standard);
	kopt(w, "domain", en->domain);
	mw_kstr(w, "party", en->party);
	subject_write(w, "subject", &en->subject);
	mw_ku64(w, "record_seq", en->record_seq);
	kopt(w, "record_id", en->record_id);
	mw_kdate(w, "decision_date", en->decision_date);
	mw_kdate(w, "identified_on", en->identified_on);
	if (en->objection_end)
		mw_kdate(w, "objection_end", en->objection_end);
	if (en->valid_from)
		mw_kdate(w, "valid_from", en->valid_from);
	mw_kdate(w, "valid_until", en->valid_until);
	mw_kstr(w, "catalog_version", en->catalog_version);
	if (en->exit_reason)
		mw_kenum(w, "exit_reason", &exit_reason_names, en->exit_reason);
	if (en->notice_required)
		mw_kbool(w, "notice_required", true);
	if (en->notice_date)
		mw_kdate(w, "notice_date", en->notice_date);
	if (en->notice_by)
		mw_kdate(w, "notice_by", en->notice_by);
	if (en->objection_pending) {
		mw_kstr(w, "objection", "pending");
		mw_kstr(w, "objection_by", en->objection_by);
	}
	if (en->suspended)
		mw_kbool(w, "suspended", true);
	if (en->repair) {
		mw_kenum(w, "repair", &repair_state_names, en->repair);
		mw_kdate(w, "repair_decide_by", en->repair_decide_by);
		if (en->repair_applied)
			mw_kdate(w, "repair_applied", en->repair_applied);
	}
	if (en->rectify_by) {
		mw_kdate(w, "rectify_by", en->rectify_by);
		mw_kbool(w, "rectified", en->rectified);
		if (en->rectified_on)
			mw_kdate(w, "rectified_on", en->rectified_on);
	}
	if (en->interview)
		mw_kenum(w, "interview", &interview_state_names, en->interview);
	if (en->linked_to) {
		mw_ku64(w, "linked_to", en->linked_to);
		mw_kenum(w, "link_role", &link_role_names, en->link_role);
	}
	if (en->derived) {
		mw_kenum(w, "derived", &derived_names, en->derived);
		if (en->derived_from)
			mw_ku64(w, "derived_from", en->derived_from);
	}
	if (en->published)
		mw_kbool(w, "published", true);
	mw_ku64(w, "history_total", en->nhist);
	origin_write(w, "origin", &en->origin);
}

void entry_encode(const entry *en, mw *w)
{
	mw_map(w);
	entry_fields(en, w);
	mw_end(w);
}

int entry_view(adj *a, const entry *en, mw *w)
{
	int64_t from = en->nhist > ENTRY_VIEW_HIST ? (int64_t)en->nhist - ENTRY_VIEW_HIST : 0;
	int rc;
	mw_map(w);
	entry_fields(en, w);
	mw_ku64(w, "history_from", (uint64_t)from);
	mw_str(w, "history");
	mw_arr(w);
	/* the items up to en->nhist: the entry as it was (a snapshot, entries.get as of a past instant) shows none
	 * of the later ones */
	rc = en->nhist > (uint64_t)from ? entry_history_page(a, en->id, from - 1, (size_t)(en->nhist - (uint64_t)from), w) : 0;
	mw_end(w);
	mw_end(w);
	return rc;
}

static int ostr(mr *r, const char *key, size_t max, char *buf)
{
	int rc = mr_cstr(r, key, MR_OPT, max, buf);
	if (rc == 0)
		buf[0] = 0;
	return rc;
}

static int odate(mr *r, const char *key, jrp_date *d)
{
	*d = 0;
	return mr_date(r, key, MR_OPT, d);
}

static int obool(mr *r, const char *key, bool *b)
{
	*b = false;
	return mr_bool(r, key, MR_OPT, b);
}

static int oenum(mr *r, const char *key, const jrp_names *t, int *v)
{
	*v = 0;
	return mr_enum(r, key, MR_OPT, t, v);
}

int entry_decode(const void *buf, size_t len, entry *en, jrp_error *e)
{
	msg_in in;
	mr r;
	int v, rc;
	uint64_t ht = 0;
	char objection[16];

	if ((rc = msg_parse_ref(buf, len, SIZE_MAX, &in, e)) < 0)
		goto out;
	if ((rc = mr_init(&r, in.root, "entry", e)) < 0 || (rc = mr_u64(&r, "id", MR_REQ, &en->id)) < 0 ||
	    (rc = mr_enum(&r, "state", MR_REQ, &entry_state_names, &v)) < 0)
		goto out;
	en->state = (jrp_entry_state)v;
	if ((rc = mr_enum(&r, "list", MR_REQ, &list_names, &v)) < 0)
		goto out;
	en->list = (jrp_list)v;
	if ((rc = ostr(&r, "standard", JRP_STANDARD_MAX, en->standard)) < 0 ||
	    (rc = ostr(&r, "domain", JRP_ID_MAX, en->domain)) < 0 ||
	    (rc = mr_cstr(&r, "party", MR_REQ, JRP_ID_MAX, en->party)) < 0 ||
	    (rc = subject_read(&r, "subject", &en->subject)) < 0 ||
	    (rc = mr_u64(&r, "record_seq", MR_REQ, &en->record_seq)) < 0 ||
	    (rc = ostr(&r, "record_id", JRP_RECORD_ID_MAX, en->record_id)) < 0 ||
	    (rc = mr_date(&r, "decision_date", MR_REQ, &en->decision_date)) < 0 ||
	    (rc = mr_date(&r, "identified_on", MR_REQ, &en->identified_on)) < 0 ||
	    (rc = odate(&r, "objection_end", &en->objection_end)) < 0 ||
	    (rc = odate(&r, "valid_from", &en->valid_from)) < 0 ||
	    (rc = mr_date(&r, "valid_until", MR_REQ, &en->valid_until)) < 0 ||
	    (rc = mr_cstr(&r, "catalog_version", MR_REQ, JRP_VERSION_MAX, en->catalog_version)) < 0 ||
	    (rc = oenum(&r, "exit_reason", &exit_reason_names, &v)) < 0)
		goto out;
	en->exit_reason = (jrp_exit_reason)v;
	if ((rc = obool(&r, "notice_required", &en->notice_required)) < 0 ||
	    (rc = odate(&r, "notice_date", &en->notice_date)) < 0 ||
	    (rc = odate(&r, "notice_by", &en->notice_by)) < 0 ||
	    (rc = ostr(&r, "objection", sizeof objection - 1, objection)) < 0 ||
	    (rc = ostr(&r, "objection_by", JRP_ID_MAX, en->objection_by)) < 0)
		goto out;
	en->objection_pending = objection[0] != 0;
	if (en->objection_pending && (strcmp(objection, "pending") != 0 || !en->objection_by[0])) {
		rc = mr_fail_value(&r, "objection", "a pending objection says \"pending\" and who filed it");
		goto out;
	}
	if ((rc = obool(&r, "suspended", &en->suspended)) < 0 || (rc = oenum(&r, "repair", &repair_state_names, &v)) < 0)
		goto out;
	en->repair = (jrp_repair_state)v;
	if ((rc = odate(&r, "repair_decide_by", &en->repair_decide_by)) < 0 ||
	    (rc = odate(&r, "repair_applied", &en->repair_applied)) < 0 ||
	    (rc = odate(&r, "rectify_by", &en->rectify_by)) < 0 || (rc = obool(&r, "rectified", &en->rectified)) < 0 || (rc = odate(&r, "rectified_on", &en->rectified_on)) < 0 ||
	    (rc = oenum(&r, "interview", &interview_state_names, &v)) < 0)
		goto out;
	en->interview = (jrp_interview_state)v;
	en->linked_to = en->derived_from = 0;
	if ((rc = mr_u64(&r, "linked_to", MR_OPT, &en->linked_to)) < 0 ||
	    (rc = oenum(&r, "link_role", &link_role_names, &v)) < 0)
		goto out;
	en->link_role = (jrp_link_role)v;
	if ((rc = oenum(&r, "derived", &derived_names, &v)) < 0)
		goto out;
	en->derived = (jrp_derived)v;
	if ((rc = mr_u64(&r, "derived_from", MR_OPT, &en->derived_from)) < 0 ||
	    (rc = obool(&r, "published", &en->published)) < 0 ||
	    (rc = mr_u64(&r, "history_total", MR_REQ, &ht)) < 0 || (rc = origin_read(&r, "origin", &en->origin)) < 0)
		goto out;
	if (ht > UINT32_MAX) {
		rc = mr_fail_value(&r, "history_total", "is out of range");
		goto out;
	}
	en->nhist = (uint32_t)ht;
	rc = mr_end(&r);
out:
	msg_in_free(&in);
	return rc < 0 ? rc : 0;
}

/* ---- the store ---- */

int entry_store(adj *a, const entry *en)
{
	unsigned char k[8];
	mw w;
	int rc;
	be64_put(k, en->id);
	mw_init(&w);
	entry_encode(en, &w);
	rc = kv_put(a->txn, a->db[ADB_ENTRIES], k, 8, mw_data(&w), mw_len(&w), 0);
	if (rc == 0) {
		/* the entry as it is from now on, for entries.get as of a past instant (its history items are
		 * append-only: the snapshot's nhist says how many there were then) */
		unsigned char sk[16];
		be64_put(sk, en->id);
		be64_put(sk + 8, (uint64_t)a->now);
		rc = kv_put(a->txn, a->db[ADB_ESNAP], sk, 16, mw_data(&w), mw_len(&w), 0);
	}
	mw_free(&w);
	return rc;
}

int entry_load(adj *a, uint64_t id, entry *en)
{
	unsigned char k[8];
	MDB_val v;
	jrp_error e;
	int rc;
	be64_put(k, id);
	if ((rc = kv_get(a->txn, a->db[ADB_ENTRIES], k, 8, &v)) != 0)
		return rc;
	/* a stored entry that does not read back is damage, not input: the transaction stops */
	return entry_decode(v.mv_data, v.mv_size, en, &e) < 0 ? JRP_ESTORE : 0;
}

int entry_new_id(adj *a, uint64_t *id)
{
	return meta_add(a->txn, a->db[ADB_META], "next_entry", 1, id);
}

/* str_id_key - "text NUL id" keys of the subject and standard indexes */
static size_t str_id_key(unsigned char *k, const char *s, uint64_t id)
{
	size_t n = strlen(s);
	memcpy(k, s, n);
	k[n] = 0;
	be64_put(k + n + 1, id);
	return n + 9;
}

int entry_index(adj *a, const entry *en)
{
	unsigned char k[80];
	int rc;
	if ((rc = kv_put(a->txn, a->db[ADB_BY_SUBJECT], k, str_id_key(k, en->subject.code, en->id), "", 0, 0)) != 0)
		return rc;
	if (en->standard[0] &&
	    (rc = kv_put(a->txn, a->db[ADB_BY_STANDARD], k, str_id_key(k, en->standard, en->id), "", 0, 0)) != 0)
		return rc;
	if (en->linked_to) {
		be64_put(k, en->linked_to);
		be64_put(k + 8, en->id);
		rc = kv_put(a->txn, a->db[ADB_LINKS], k, 16, "", 0, 0);
	}
	return rc;
}

int entry_due(adj *a, int64_t at, uint64_t id, int action)
{
	unsigned char k[17];
	be64_put(k, (uint64_t)at);
	be64_put(k + 8, id);
	k[16] = (unsigned char)action;
	a->retick = true;
	return kv_put(a->txn, a->db[ADB_DUE], k, 17, "", 0, 0);
}

static int collect(void *arg, const unsigned char *rest, size_t n, const MDB_val *val)
{
	if (n == 8)
		u64vec_push(arg, be64_get(rest));
	return 0;
}

/* each_in - fn for every entry whose id follows prefix in index dbi; the ids are collected
 * first, because fn may write to the index being walked */
static int each_in(adj *a, int db, const void *prefix, size_t plen, entry_fn fn, void *arg)
{
	u64vec x = { 0 };
	int rc = kv_prefix_each(a->txn, a->db[db], prefix, plen, SIZE_MAX, collect, &x);
	for (size_t i = 0; rc == 0 && i < x.n; i++) {
		entry en;
		if ((rc = entry_load(a, x.v[i], &en)) == 0)
			rc = fn(a, &en, arg);
	}
	u64vec_free(&x);
	return rc < 0 ? rc : 0;
}

int entry_each_subject(adj *a, const char *code, entry_fn fn, void *arg)
{
	return each_in(a, ADB_BY_SUBJECT, code, strlen(code) + 1, fn, arg);
}

int entry_each_subject_asof(adj *a, const char *code, int64_t at, entry_fn fn, void *arg)
{
	u64vec x = { 0 };
	int rc = kv_prefix_each(a->txn, a->db[ADB_BY_SUBJECT], code, strlen(code) + 1, SIZE_MAX, collect, &x);
	for (size_t i = 0; rc == 0 && i < x.n; i++) {
		entry en;
		if ((rc = entry_load_asof(a, x.v[i], at, &en)) == 0)
			rc = fn(a, &en, arg);
		else if (rc == JRP_ENOTFOUND)
			rc = 0;   /* identified after that instant */
	}
	u64vec_free(&x);
	return rc < 0 ? rc : 0;
}

int entry_each_linked(adj *a, uint64_t id, entry_fn fn, void *arg)
{
	unsigned char k[8];
	be64_put(k, id);
	return each_in(a, ADB_LINKS, k, 8, fn, arg);
}

int entry_each_standard(adj *a, const char *standard, entry_fn fn, void *arg)
{
	return each_in(a, ADB_BY_STANDARD, standard, strlen(standard) + 1, fn, arg);
}

int entry_load_asof(adj *a, uint64_t id, int64_t at, entry *en)
{
	unsigned char k[16];
	MDB_val key, val;
	jrp_error e;
	int rc;
	be64_put(k, id);
	be64_put(k + 8, (uint64_t)at);
	if ((rc = kv_floor(a->txn, a->db[ADB_ESNAP], k, 16, 8, &key, &val)) != 0)
		return rc;
	return entry_decode(val.mv_data, val.mv_size, en, &e) < 0 ? JRP_ESTORE : 0;
}
