/*
 * jrp-exchange - this region's door to the other regions (xc.h; README "Between regions")
 *
 * Sends: pulls its own dispatch's log; each change of an entry whose standard shares it with other
 * regions (share: in standards.yaml) becomes a "shared" record in the stream it keeps for each of
 * them, and the office's initiations, its replies to theirs and the feedback report go the same way.
 * Receives: peers.c pulls each peer's stream for this region.
 */
#include "xc.h"
#include "clock.h"
#include "proto.h"
#include "store.h"
#include "util/log.h"
#include "util/str.h"
#include "util/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

xc X;

static const char *const xdb_names[XDB__N] = { "meta", "xlog", "xidx", "shared", "recv", "fwd", "fwdref", "init", "report" };

size_t xc_key(unsigned char *k, const char *region, uint64_t n)
{
	size_t l = strlen(region);
	memcpy(k, region, l);
	k[l] = 0;
	be64_put(k + l + 1, n);
	return l + 9;
}

static MDB_dbi db(int i)
{
	return daemon_dbi(X.d, i);
}

/* xc_send - the next record of x->to's stream */
int xc_send(MDB_txn *txn, x_rec *x)
{
	char mk[64];
	unsigned char k[48], v[8];
	uint64_t n, seq;
	mw w;
	int rc;
	snprintf(mk, sizeof mk, "xnext.%s", x->to);
	if ((rc = meta_add(txn, db(XDB_META), mk, 1, &n)) != 0)
		return rc;
	x->seq = n;
	x->at = clock_now_ms();
	mw_init(&w);
	x_encode(&w, x);
	rc = daemon_append(X.d, txn, &w, &seq);
	mw_free(&w);
	if (rc)
		return rc;
	be64_put(v, seq);
	return kv_put(txn, db(XDB_IDX), k, xc_key(k, x->to, n), v, 8, 0);
}

int xc_queue(MDB_txn *txn, const mw *record_map)
{
	unsigned char k[8];
	uint64_t q;
	int rc;
	if ((rc = meta_add(txn, db(XDB_META), "fwd_next", 1, &q)) != 0)
		return rc;
	be64_put(k, q);
	if ((rc = kv_put(txn, db(XDB_FWD), k, 8, mw_data(record_map), mw_len(record_map), 0)) == 0)
		link_kick();
	return rc;
}

/* ---- what this region shares: its own dispatch's changes ---- */

static int apply(jrp_daemon *d, MDB_txn *txn, jrp_rec *rec, const msgpack_object *raw, jrp_error *e)
{
	const jrp_change *c;
	const jrp_standard *s;
	unsigned char k[8];
	MDB_val v;
	bool exits, known;
	int rc;
	(void)raw;
	(void)e;
	if (rec->kind != REC_CHANGE)
		return 0;   /* tasks and checks are this region's own business */
	c = &rec->u.change;
	if (c->origin.region[0])
		return 0;   /* a foreign entry: only its home region offers it */
	switch (c->action) {
	case CH_EFFECTIVE: case CH_SUSPENDED: case CH_RESUMED: case CH_EXTENDED: case CH_EXITED: case CH_REVOKED:
		break;
	default:
		return 0;   /* before it takes effect an entry is the home region's matter alone */
	}
	s = catalog_standard(daemon_catalog(d), c->standard);
	be64_put(k, c->entry);
	rc = kv_get(txn, db(XDB_SHARED), k, 8, &v);
	if (rc && rc != JRP_ENOTFOUND)
		return rc;
	known = rc == 0;
	if (!known && (c->action != CH_EFFECTIVE || !s || s->nshare == 0))
		return 0;   /* never offered: its later changes concern no one else */
	exits = c->action == CH_EXITED || c->action == CH_REVOKED;
	{
		x_rec x = { .kind = XK_SHARED };
		x_shared *sh = &x.u.shared;
		sh->entry = c->entry;
		sh->change_seq = c->change_seq;
		sh->action = c->action;
		sh->list = c->list;
		sh->exited = exits;
		sh->suspended = c->suspended;
		sh->reason = exits ? c->exit_reason : EXIT_NONE;
		sh->subject = c->subject;
		sh->linked_to = c->linked_to;
		str_copy(sh->party, sizeof sh->party, c->party);
		str_copy(sh->standard, sizeof sh->standard, c->standard);
		if (s)
			str_copy(sh->standard_name, sizeof sh->standard_name, s->name);
		str_copy(sh->domain, sizeof sh->domain, c->domain);
		str_copy(sh->catalog_version, sizeof sh->catalog_version, c->catalog_version);
		sh->decision_date = c->decision_date;
		sh->valid_from = c->valid_from;
		sh->valid_until = c->valid_until;
		/* the regions: those the standard names now; an entry offered before keeps going to those it
		 * went to (the shared db keeps them), so that a catalogue change cannot strand a foreign entry */
		if (known) {
			const char *p = v.mv_data, *end = p + v.mv_size;
			char regions[CONFIG_PEERS_MAX][JRP_ID_MAX + 1];
			size_t nr = 0;
			while (p < end && nr < CONFIG_PEERS_MAX) {
				size_t l = strnlen(p, (size_t)(end - p));
				if (l == 0 || l > JRP_ID_MAX)
					break;
				memcpy(regions[nr], p, l);
				regions[nr++][l] = 0;
				p += l + 1;
			}
			for (size_t i = 0; i < nr; i++) {
				str_copy(x.to, sizeof x.to, regions[i]);
				if ((rc = xc_send(txn, &x)) != 0)
					return rc;
			}
		} else {
			char buf[CONFIG_PEERS_MAX * (JRP_ID_MAX + 1)];
			size_t bl = 0;
			for (size_t i = 0; i < s->nshare && i < CONFIG_PEERS_MAX; i++) {
				size_t l = strlen(s->share[i]);
				str_copy(x.to, sizeof x.to, s->share[i]);
				if ((rc = xc_send(txn, &x)) != 0)
					return rc;
				memcpy(buf + bl, s->share[i], l + 1);
				bl += l + 1;
			}
			if ((rc = kv_put(txn, db(XDB_SHARED), k, 8, buf, bl, 0)) != 0)
				return rc;
		}
	}
	return 0;
}

/* ---- exchange.fetch: a peer's stream ---- */

typedef struct fetch_ctx {
	jrp_daemon *d;
	MDB_txn *txn;
	mw *out;
	size_t n, bytes;
	uint64_t last_n;
	uint32_t end_crc;
	jrp_error *e;
	int rc;
} fetch_ctx;

static int fetch_one(void *arg, const unsigned char *rest, size_t restlen, const MDB_val *val)
{
	fetch_ctx *f = arg;
	MDB_val v;
	void *owned = NULL;
	int rc;
	if (restlen != 8 || val->mv_size != 8)
		return 0;
	rc = daemon_log_read(f->d, f->txn, daemon_dbi(f->d, XDB_LOG), be64_get(val->mv_data), &v, &owned, f->e);
	if (rc) {
		f->rc = rc;
		return 1;
	}
	mw_raw(f->out, v.mv_data, v.mv_size);
	f->end_crc = crc32c(0, v.mv_data, v.mv_size);
	f->bytes += v.mv_size;
	f->n++;
	f->last_n = be64_get(rest);
	free(owned);
	return f->bytes > JRP_MAX_MESSAGE / 2 ? 1 : 0;
}

static xpeer *peer_of(const char *region)
{
	for (size_t i = 0; i < X.npeers; i++)
		if (strcmp(X.peers[i].region, region) == 0)
			return &X.peers[i];
	return NULL;
}

static int h_fetch(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	uint64_t after = 0, max = 256, wait = 0, last = 0;
	const char *to = r->party->id;
	unsigned char k[48];
	char mk[64];
	MDB_val v;
	xpeer *p;
	int rc;
	if ((rc = mr_u64(&r->body, "after", MR_REQ, &after)) < 0 || (rc = mr_u64(&r->body, "max", MR_OPT, &max)) < 0 ||
	    (rc = mr_u64(&r->body, "wait_ms", MR_OPT, &wait)) < 0 || (rc = mr_end(&r->body)) < 0)
		return rc;
	if (max < 1 || max > JRP_MAX_FETCH)
		return mr_fail_value(&r->body, "max", "must be 1..%d", JRP_MAX_FETCH);
	if (wait > JRP_MAX_WAIT_MS)
		return mr_fail_value(&r->body, "wait_ms", "must be at most %d", JRP_MAX_WAIT_MS);
	snprintf(mk, sizeof mk, "xnext.%s", to);
	if ((rc = meta_get_u64(txn, db(XDB_META), mk, &last)) != 0)
		return rc;
	if ((p = peer_of(to))) {
		p->fetched = after;
		p->fetched_at = clock_now_ms();
	}
	if (last <= after && wait > 0 && !r->final) {
		if (!r->wait_until)
			r->wait_until = clock_real_ms() + (int64_t)wait;
		return DAEMON_PARK;
	}
	{
		fetch_ctx f = { .d = d, .txn = txn, .out = out, .e = e };
		size_t kl = xc_key(k, to, after + 1);
		mw_str(out, "records");
		mw_arr(out);
		if (after < last) {
			/* the stream's keys from after + 1: the prefix is the region and its NUL */
			MDB_cursor *c;
			MDB_val key = { kl, k }, val;
			size_t plen = strlen(to) + 1;
			if ((rc = mdb_cursor_open(txn, db(XDB_IDX), &c)) != 0)
				return store_rc(rc);
			rc = mdb_cursor_get(c, &key, &val, MDB_SET_RANGE);
			while (rc == 0 && f.n < max && key.mv_size == plen + 8 && memcmp(key.mv_data, k, plen) == 0) {
				if (fetch_one(&f, (const unsigned char *)key.mv_data + plen, 8, &val))
					break;
				rc = mdb_cursor_get(c, &key, &val, MDB_NEXT);
			}
			mdb_cursor_close(c);
			if (f.rc)
				return f.rc;
		}
		mw_end(out);
		mw_ku64(out, "last", last);
		mw_kstr(out, "log_id", daemon_log_id(d));
		mw_ku64(out, "format", X_FORMAT);
		if (after && after <= last) {
			unsigned char ak[48];
			void *owned = NULL;
			MDB_val lv;
			if ((rc = kv_get(txn, db(XDB_IDX), ak, xc_key(ak, to, after), &v)) == 0 && v.mv_size == 8 &&
			    (rc = daemon_log_read(d, txn, db(XDB_LOG), be64_get(v.mv_data), &lv, &owned, e)) == 0)
				mw_ku64(out, "after_crc", crc32c(0, lv.mv_data, lv.mv_size));
			free(owned);
			if (rc && rc != JRP_ENOTFOUND)
				return rc;
		}
		if (f.n)
			mw_ku64(out, "end_crc", f.end_crc);
	}
	return 0;
}

/* ---- the office ---- */

static int need_peer(const char *key, const char *region, jrp_error *e)
{
	const jrp_party *p = parties_find(daemon_parties(X.d), region);
	if (!p || !(p->roles & ROLE_PEER))
		return jrp_fail(e, JRP_ERR_UNKNOWN_PARTY, key, "region '%s' is not a peer of this engine (a party with "
				"role peer in parties.yaml)", region);
	return 0;
}

static size_t init_key(unsigned char *k, char dir, const char *region, uint64_t id)
{
	k[0] = (unsigned char)dir;
	return 1 + xc_key(k + 1, region, id);
}

/* the stored initiation: the record as sent or received, then its decision */
static void init_write(mw *w, const x_rec *x, const char *region, x_decision dec, const char *by, const char *reason,
		       const char *standard, const char *record_id, int64_t decided_at)
{
	const x_initiation *i = &x->u.init;
	mw_map(w);
	mw_ku64(w, "id", i->id);
	mw_kstr(w, "region", region);
	mw_ki64(w, "at", x->at);
	mw_kstr(w, "by", i->by);
	subject_write(w, "subject", &i->subject);
	mw_kstr(w, "list", names_get(&list_names, i->list));
	mw_kstr(w, "domain", i->domain);
	mw_kstr(w, "reason", i->reason);
	mw_kstr(w, "facts", i->facts);
	if (i->basis[0])
		mw_kstr(w, "basis", i->basis);
	mw_kstr(w, "decision", names_get(&x_decision_names, dec));
	if (dec != XD_PENDING) {
		mw_kstr(w, "decided_by", by);
		mw_kstr(w, "decision_reason", reason);
		mw_ki64(w, "decided_at", decided_at);
		if (standard && standard[0])
			mw_kstr(w, "standard", standard);
		if (record_id && record_id[0])
			mw_kstr(w, "record_id", record_id);
	}
	mw_end(w);
}

int xc_init_store(MDB_txn *txn, char dir, const char *region, const x_rec *x, x_decision dec, const char *by,
		  const char *reason, const char *standard, const char *record_id, int64_t decided_at)
{
	unsigned char k[64];
	mw w;
	int rc;
	mw_init(&w);
	init_write(&w, x, region, dec, by, reason, standard, record_id, decided_at);
	rc = kv_put(txn, db(XDB_INIT), k, init_key(k, dir, region, x->u.init.id), mw_data(&w), mw_len(&w), 0);
	mw_free(&w);
	return rc;
}

int xc_init_load(MDB_txn *txn, char dir, const char *region, uint64_t id, x_rec *x, x_decision *dec, jrp_error *e)
{
	x_initiation *i = &x->u.init;
	unsigned char k[64];
	char buf[16];
	MDB_val v;
	msg_in in;
	mr wrap;
	jrp_error se;
	int rc, n;
	if ((rc = kv_get(txn, db(XDB_INIT), k, init_key(k, dir, region, id), &v)) != 0)
		return rc;
	if (msg_parse_ref(v.mv_data, v.mv_size, SIZE_MAX, &in, &se) < 0)
		return jrp_fail(e, JRP_ERR_STORAGE, "initiation", "the stored initiation %llu of region '%s' cannot be read",
				(unsigned long long)id, region);
	memset(x, 0, sizeof *x);
	x->kind = XK_INITIATION;
	str_copy(x->to, sizeof x->to, region);
	x->at = obj_i64(in.root, "at");
	i->id = id;
	obj_cstr(in.root, "by", i->by, sizeof i->by);
	obj_cstr(in.root, "list", buf, sizeof buf);   /* read first: an argument's order of evaluation is not fixed */
	n = names_find(&list_names, buf, strlen(buf));
	i->list = (jrp_list)n;
	obj_cstr(in.root, "domain", i->domain, sizeof i->domain);
	obj_cstr(in.root, "reason", i->reason, sizeof i->reason);
	obj_cstr(in.root, "facts", i->facts, sizeof i->facts);
	obj_cstr(in.root, "basis", i->basis, sizeof i->basis);
	rc = n < 0;   /* the list: written by this daemon from a decoded record, so a damaged store only */
	obj_cstr(in.root, "decision", buf, sizeof buf);
	n = names_find(&x_decision_names, buf, strlen(buf));
	rc = rc || n < 0 || mr_init(&wrap, in.root, "", &se) < 0 || subject_read(&wrap, "subject", &i->subject) < 0;
	msg_in_free(&in);
	if (rc)
		return jrp_fail(e, JRP_ERR_STORAGE, "initiation", "the stored initiation %llu of region '%s' cannot be read",
				(unsigned long long)id, region);
	*dec = (x_decision)n;
	return 0;
}

/* exchange.initiate {to, subject, list, domain, reason, facts, basis?} -> {to, initiation, seq} */
static int h_initiate(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	x_rec x = { .kind = XK_INITIATION };
	x_initiation *i = &x.u.init;
	char mk[64];
	int v, rc;
	if ((rc = mr_cstr(&r->body, "to", MR_REQ, JRP_ID_MAX, x.to)) < 0 || (rc = need_peer("to", x.to, e)) < 0 ||
	    (rc = subject_read(&r->body, "subject", &i->subject)) < 0 ||
	    (rc = mr_enum(&r->body, "list", MR_REQ, &list_names, &v)) < 0)
		return rc;
	i->list = (jrp_list)v;
	if (i->list != LIST_BLACK && i->list != LIST_FOCUS)
		return mr_fail_value(&r->body, "list", "an initiation asks for joint punishment: black or focus");
	if ((rc = mr_cstr(&r->body, "domain", MR_REQ, JRP_ID_MAX, i->domain)) < 0)
		return rc;
	if (!catalog_domain(daemon_catalog(d), i->domain))
		return jrp_fail(e, JRP_ERR_UNKNOWN_DOMAIN, "domain", "domain '%s' is not in this region's catalogue", i->domain);
	if ((rc = mr_text(&r->body, "reason", MR_REQ, JRP_NOTE_MAX, i->reason)) < 0 ||
	    (rc = mr_text(&r->body, "facts", MR_REQ, JRP_FACTS_MAX, i->facts)) < 0 ||
	    (rc = mr_text(&r->body, "basis", MR_OPT, JRP_BASISTEXT_MAX, i->basis)) < 0 || (rc = mr_end(&r->body)) < 0)
		return rc;
	str_copy(i->by, sizeof i->by, r->party->id);
	snprintf(mk, sizeof mk, "init_next.%s", x.to);
	if ((rc = meta_add(txn, db(XDB_META), mk, 1, &i->id)) != 0 || (rc = xc_send(txn, &x)) != 0 ||
	    (rc = xc_init_store(txn, 's', x.to, &x, XD_PENDING, NULL, NULL, NULL, NULL, 0)) != 0)
		return rc;
	mw_kstr(out, "to", x.to);
	mw_ku64(out, "initiation", i->id);
	mw_ku64(out, "seq", x.seq);
	return 0;
}

/* exchange.decide {region, id, decision, reason, standard?}: the office answers a peer's initiation.
 * Accepted: the subject is identified here under `standard` (a determination record to this region's
 * ingest: notice, objection and effect follow this region's rules); the reply goes home either way */
static int h_decide(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	char region[JRP_ID_MAX + 1], reason[JRP_NOTE_BUF], standard[JRP_STANDARD_MAX + 1] = "";
	uint64_t id;
	int dec, rc;
	if ((rc = mr_cstr(&r->body, "region", MR_REQ, JRP_ID_MAX, region)) < 0 || (rc = mr_u64(&r->body, "initiation", MR_REQ, &id)) < 0 ||
	    (rc = mr_enum(&r->body, "decision", MR_REQ, &x_decision_names, &dec)) < 0)
		return rc;
	if (dec == XD_PENDING)
		return mr_fail_value(&r->body, "decision", "must be accepted or refused");
	if ((rc = mr_text(&r->body, "reason", MR_REQ, JRP_NOTE_MAX, reason)) < 0 ||
	    (rc = mr_cstr(&r->body, "standard", dec == XD_ACCEPTED ? MR_REQ : MR_OPT, JRP_STANDARD_MAX, standard)) < 0)
		return rc;
	if (dec == XD_REFUSED && standard[0])
		return mr_fail_value(&r->body, "standard", "only an accepted initiation names the standard it is identified under");
	{
		x_rec x, rep = { .kind = XK_REPLY };
		x_initiation *i = &x.u.init;
		x_decision cur;
		char rid[JRP_RECORD_ID_MAX + 1] = "";
		const jrp_standard *s = NULL;
		if ((rc = xc_init_load(txn, 'r', region, id, &x, &cur, e)) == JRP_ENOTFOUND)
			return jrp_fail(e, JRP_ERR_NOT_FOUND, "initiation", "no initiation %llu from region '%s' was received "
					"here", (unsigned long long)id, region);
		if (rc)
			return rc;
		if (cur != XD_PENDING)
			return jrp_fail(e, JRP_ERR_CONFLICT, "initiation", "initiation %llu from region '%s' was already %s",
					(unsigned long long)id, region, names_get(&x_decision_names, cur));
		if (dec == XD_ACCEPTED && !(s = catalog_standard(daemon_catalog(d), standard)))
			return jrp_fail(e, JRP_ERR_UNKNOWN_STANDARD, "standard", "standard '%s' is not in this region's catalogue",
					standard);
		if ((rc = mr_end(&r->body)) < 0)
			return rc;
		if (dec == XD_ACCEPTED) {
			/* the determination this region's own process starts from */
			jrp_record rec;
			mw w;
			char facts[sizeof i->facts + sizeof i->reason + 200];
			memset(&rec, 0, sizeof rec);
			snprintf(rid, sizeof rid, "x-%s-%llu", region, (unsigned long long)id);
			str_copy(rec.record_id, sizeof rec.record_id, rid);
			rec.kind = RK_DETERMINATION;
			str_copy(rec.domain, sizeof rec.domain, s->domain);
			rec.subject = i->subject;
			rec.decision_date = clock_today();
			rec.amount = rec.base_amount = rec.quantity = -1;
			str_copy(rec.standard, sizeof rec.standard, standard);
			snprintf(facts, sizeof facts, "%s (initiated by region %s, initiation %llu: %s)", i->facts, region,
				 (unsigned long long)id, i->reason);
			if (utf8_chars(facts, strlen(facts)) > JRP_FACTS_MAX)
				str_copy(facts, sizeof facts, i->facts);
			str_copy(rec.facts, sizeof rec.facts, facts);
			str_copy(rec.basis, sizeof rec.basis, i->basis);
			mw_init(&w);
			record_write(&w, &rec);
			rc = xc_queue(txn, &w);
			mw_free(&w);
			if (rc)
				return rc;
		}
		str_copy(rep.to, sizeof rep.to, region);
		rep.u.reply.id = id;
		rep.u.reply.decision = (x_decision)dec;
		str_copy(rep.u.reply.by, sizeof rep.u.reply.by, r->party->id);
		str_copy(rep.u.reply.reason, sizeof rep.u.reply.reason, reason);
		str_copy(rep.u.reply.standard, sizeof rep.u.reply.standard, standard);
		str_copy(rep.u.reply.record_id, sizeof rep.u.reply.record_id, rid);
		if ((rc = xc_send(txn, &rep)) != 0 ||
		    (rc = xc_init_store(txn, 'r', region, &x, (x_decision)dec, r->party->id, reason, standard, rid,
					rep.at)) != 0)
			return rc;
		mw_kstr(out, "region", region);
		mw_ku64(out, "initiation", id);
		mw_kstr(out, "decision", names_get(&x_decision_names, dec));
		if (rid[0])
			mw_kstr(out, "record_id", rid);
	}
	return 0;
}

/* exchange.initiations {dir: sent|received, region?} -> {initiations: [...]} */
typedef struct list_ctx {
	mw *out;
	size_t n, max;
	const char *region;
} list_ctx;

static int init_one(void *arg, const unsigned char *rest, size_t restlen, const MDB_val *v)
{
	list_ctx *l = arg;
	(void)rest;
	(void)restlen;
	mw_raw(l->out, v->mv_data, v->mv_size);
	return ++l->n >= l->max;
}

static int read_dir(jrp_req *r, char *dir)
{
	const char *s;
	size_t n;
	int rc = mr_str(&r->body, "dir", MR_REQ, 16, &s, &n);
	if (rc < 0)
		return rc;
	if (n == 4 && memcmp(s, "sent", 4) == 0)
		*dir = 's';
	else if (n == 8 && memcmp(s, "received", 8) == 0)
		*dir = 'r';
	else
		return mr_fail_value(&r->body, "dir", "must be sent or received");
	return 0;
}

static int h_initiations(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	char dir, region[JRP_ID_MAX + 1] = "";
	unsigned char p[48];
	size_t pl = 1;
	int rc;
	(void)d;
	(void)e;
	if ((rc = read_dir(r, &dir)) < 0 || (rc = mr_cstr(&r->body, "region", MR_OPT, JRP_ID_MAX, region)) < 0 ||
	    (rc = mr_end(&r->body)) < 0)
		return rc;
	p[0] = (unsigned char)dir;
	if (region[0]) {
		size_t l = strlen(region);
		memcpy(p + 1, region, l + 1);
		pl += l + 1;
	}
	list_ctx l = { .out = out, .max = 1000 };
	mw_str(out, "initiations");
	mw_arr(out);
	rc = kv_prefix_each(txn, db(XDB_INIT), p, pl, 1000, init_one, &l);
	mw_end(out);
	return rc < 0 ? rc : 0;
}

/* exchange.list {dir: sent|received, region?, after?, max?} -> {records: [{n, record}], last}: the records
 * themselves. With a region, n is the record's seq in the stream to or from that region; without, n is the
 * place in the outbound log (sent) or among all received (received: by region, then seq). Page with
 * after: last. */
static int list_stream(jrp_daemon *d, MDB_txn *txn, MDB_dbi dbi, bool via_log, const char *region, uint64_t after,
		       uint64_t max, mw *out, uint64_t *last, jrp_error *e)
{
	/* one region's stream: the keys region \0 be64 n from after + 1 */
	unsigned char k[48];
	size_t plen = strlen(region) + 1;
	MDB_cursor *c;
	MDB_val key, val;
	uint64_t n = 0;
	int rc;
	key.mv_size = xc_key(k, region, after + 1);
	key.mv_data = k;
	*last = after;
	if ((rc = mdb_cursor_open(txn, dbi, &c)) != 0)
		return store_rc(rc);
	rc = mdb_cursor_get(c, &key, &val, MDB_SET_RANGE);
	while (rc == 0 && n < max && key.mv_size == plen + 8 && memcmp(key.mv_data, k, plen) == 0) {
		MDB_val v = val;
		void *owned = NULL;
		if (via_log) {
			int r2 = val.mv_size == 8 ? daemon_log_read(d, txn, daemon_dbi(d, XDB_LOG), be64_get(val.mv_data), &v,
								      &owned, e) : JRP_ENOTFOUND;
			if (r2 && !(r2 == JRP_ENOTFOUND && !e->code[0])) {
				mdb_cursor_close(c);
				return r2;
			}
			if (r2) {
				rc = mdb_cursor_get(c, &key, &val, MDB_NEXT);
				continue;
			}
		}
		*last = be64_get((const unsigned char *)key.mv_data + plen);
		mw_map(out);
		mw_ku64(out, "n", *last);
		mw_str(out, "record");
		mw_raw(out, v.mv_data, v.mv_size);
		mw_end(out);
		free(owned);
		n++;
		rc = mdb_cursor_get(c, &key, &val, MDB_NEXT);
	}
	mdb_cursor_close(c);
	return 0;
}

static int h_list(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	char dir, region[JRP_ID_MAX + 1] = "";
	uint64_t after = 0, max = 100, last = 0;
	int rc;
	if ((rc = read_dir(r, &dir)) < 0 || (rc = mr_cstr(&r->body, "region", MR_OPT, JRP_ID_MAX, region)) < 0 ||
	    (rc = mr_u64(&r->body, "after", MR_OPT, &after)) < 0 || (rc = mr_u64(&r->body, "max", MR_OPT, &max)) < 0 ||
	    (rc = mr_end(&r->body)) < 0)
		return rc;
	if (max < 1 || max > 1000)
		return mr_fail_value(&r->body, "max", "must be 1..1000");
	mw_str(out, "records");
	mw_arr(out);
	if (region[0]) {
		if ((rc = list_stream(d, txn, db(dir == 's' ? XDB_IDX : XDB_RECV), dir == 's', region, after, max, out, &last,
				      e)) != 0)
			return rc;
	} else if (dir == 's') {
		/* the outbound log in order */
		uint64_t seq, n = 0, end = 0;
		store_log_last(txn, db(XDB_LOG), &end);
		last = after;
		for (seq = after + 1; seq <= end && n < max; seq++) {
			MDB_val v;
			void *owned = NULL;
			last = seq;
			if ((rc = daemon_log_read(d, txn, db(XDB_LOG), seq, &v, &owned, e)) != 0) {
				if (rc == JRP_ENOTFOUND && !e->code[0])
					continue;
				return rc;
			}
			mw_map(out);
			mw_ku64(out, "n", seq);
			mw_str(out, "record");
			mw_raw(out, v.mv_data, v.mv_size);
			mw_end(out);
			free(owned);
			n++;
		}
	} else {
		/* what came from every peer, by peer and its seq */
		MDB_cursor *c;
		MDB_val k, v;
		uint64_t n = 0, i = 0;
		if ((rc = mdb_cursor_open(txn, db(XDB_RECV), &c)) != 0)
			return store_rc(rc);
		for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0 && n < max; rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
			if (++i <= after)
				continue;
			mw_map(out);
			mw_ku64(out, "n", i);
			mw_str(out, "record");
			mw_raw(out, v.mv_data, v.mv_size);
			mw_end(out);
			n++;
		}
		mdb_cursor_close(c);
		last = after + n;
	}
	mw_end(out);
	mw_ku64(out, "last", last);
	return 0;
}

/* exchange.reports {region?} -> {reports: [{region, report}]}: what other regions' agencies did about
 * this region's entries, as they last reported it */
static int report_one(void *arg, const unsigned char *rest, size_t restlen, const MDB_val *v)
{
	list_ctx *l = arg;
	mw_map(l->out);
	mw_kstrn(l->out, "region", (const char *)rest, restlen);
	mw_str(l->out, "report");
	mw_raw(l->out, v->mv_data, v->mv_size);
	mw_end(l->out);
	return ++l->n >= l->max;
}

static int h_reports(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	char region[JRP_ID_MAX + 1] = "";
	int rc;
	(void)d;
	(void)e;
	if ((rc = mr_cstr(&r->body, "region", MR_OPT, JRP_ID_MAX, region)) < 0 || (rc = mr_end(&r->body)) < 0)
		return rc;
	list_ctx l = { .out = out, .max = CONFIG_PEERS_MAX };
	mw_str(out, "reports");
	mw_arr(out);
	if (region[0]) {   /* exactly that region's (a prefix would match longer ids too) */
		MDB_val v;
		rc = kv_get(txn, db(XDB_REPORT), region, strlen(region), &v);
		if (rc == 0)
			report_one(&l, (const unsigned char *)region, strlen(region), &v);
		else if (rc != JRP_ENOTFOUND)
			return rc;
	} else {
		MDB_cursor *c;
		MDB_val k, v;
		if ((rc = mdb_cursor_open(txn, db(XDB_REPORT), &c)) != 0)
			return store_rc(rc);
		for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0 && l.n < l.max; rc = mdb_cursor_get(c, &k, &v, MDB_NEXT))
			report_one(&l, k.mv_data, k.mv_size, &v);
		mdb_cursor_close(c);
	}
	mw_end(out);
	return 0;
}

/* exchange.status -> {region, upstream, peers: [...], forward: {...}, offered: {region: last}} */
static int h_status(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	int rc;
	(void)e;
	if ((rc = mr_end(&r->body)) < 0)
		return rc;
	mw_kstr(out, "region", X.region);
	mw_str(out, "upstream");
	mw_map(out);
	daemon_puller_status(d, txn, out);
	mw_end(out);
	mw_str(out, "peers");
	mw_arr(out);
	peers_status(txn, out);
	mw_end(out);
	link_status(txn, out);
	return 0;
}

/* exchange.rejected {region, all?, after?, max?} -> {region, records, pending}: the records of that peer's stream
 * this region could not apply (puller.h), kept in order with the reason; exchange.retry {region, seq}: apply one
 * again after a fix (exactly once; the records held behind it follow) */
static int peer_arg(jrp_req *r, char *region, xpeer **out, jrp_error *e)
{
	int rc = mr_cstr(&r->body, "region", MR_REQ, JRP_ID_MAX, region);
	if (rc < 0)
		return rc;
	if (!(*out = peer_of(region)) || !(*out)->pull)
		return jrp_fail(e, JRP_ERR_UNKNOWN_PARTY, "region", "region '%s' is not a peer this jrp-exchange pulls "
				"from (exchange.peers in the configuration)", region);
	return 0;
}

static int h_rejected(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	char region[JRP_ID_MAX + 1];
	bool all = false;
	uint64_t after = 0, max = 100;
	xpeer *p;
	int rc;
	(void)d;
	if ((rc = peer_arg(r, region, &p, e)) < 0)
		return rc;
	if ((rc = mr_bool(&r->body, "all", MR_OPT, &all)) < 0 || (rc = mr_u64(&r->body, "after", MR_OPT, &after)) < 0 ||
	    (rc = mr_u64(&r->body, "max", MR_OPT, &max)) < 0 || (rc = mr_end(&r->body)) < 0)
		return rc;
	if (max < 1 || max > 1000)
		return mr_fail_value(&r->body, "max", "must be 1..1000");
	mw_kstr(out, "region", region);
	return puller_rejected_list(p->pull, txn, all, after, max, out);
}

static int h_retry(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	char region[JRP_ID_MAX + 1];
	uint64_t seq;
	xpeer *p;
	int rc;
	(void)d;
	if ((rc = peer_arg(r, region, &p, e)) < 0)
		return rc;
	if ((rc = mr_u64(&r->body, "seq", MR_REQ, &seq)) < 0 || (rc = mr_end(&r->body)) < 0)
		return rc;
	mw_kstr(out, "region", region);
	return puller_retry(p->pull, txn, seq, r->party->id, clock_now_ms(), out, e);
}

static const jrp_route routes[] = {
	{ T_EXCHANGE_FETCH, h_fetch, ROLE_PEER, 0 },
	{ T_EXCHANGE_STATUS, h_status, ROLE_OFFICE, 0 },
	{ T_EXCHANGE_LIST, h_list, ROLE_OFFICE, 0 },
	{ T_EXCHANGE_INITIATE, h_initiate, ROLE_OFFICE, ROUTE_ATOMIC },
	{ T_EXCHANGE_DECIDE, h_decide, ROLE_OFFICE, ROUTE_ATOMIC },
	{ T_EXCHANGE_INITIATIONS, h_initiations, ROLE_OFFICE, 0 },
	{ T_EXCHANGE_REPORTS, h_reports, ROLE_OFFICE, 0 },
	{ T_EXCHANGE_REJECTED, h_rejected, ROLE_OFFICE, 0 },
	{ T_EXCHANGE_RETRY, h_retry, ROLE_OFFICE, ROUTE_ATOMIC },
	{ NULL, NULL, 0, 0 },
};

static int init(jrp_daemon *d, MDB_txn *txn, jrp_error *e)
{
	const jrp_config *c = daemon_config(d);
	X.d = d;
	if (!c->xc.enabled)
		return jrp_fail(e, JRP_ERR_CONFIG, "exchange", "the configuration has no exchange: section (region, "
				"endpoint, peers); jrp-exchange has nothing to do without it");
	X.region = c->xc.region;
	return peers_init(txn, e);
}

static void start(jrp_daemon *d)
{
	(void)d;
	peers_start();
	link_start();
}

static void stop(jrp_daemon *d)
{
	(void)d;
	peers_stop();
	link_stop();
}

static const jrp_service exchange_service = {
	.name = "exchange",
	.svc = SVC_EXCHANGE,
	.dbs = xdb_names,
	.ndbs = XDB__N,
	.outlog = XDB_LOG,
	.routes = routes,
	.upstream = SVC_DISPATCH,
	/* no coalescing: another region's agencies wait on what it takes from dispatch's log (bench_federation:
	 * 20 ms made one entry's way between regions p50 28 ms instead of 8, for 12-19 % more throughput) */
	.pull_coalesce_ms = 0,
	.pull_kinds = 1u << REC_CHANGE | 1u << REC_TASK | 1u << REC_CHECK,
	.apply = apply,
	.init = init,
	.start = start,
	.stop = stop,
};

int main(int argc, char **argv)
{
	return daemon_main(argc, argv, &exchange_service);
}
