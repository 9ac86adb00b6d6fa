/*
 * peers.c - a puller per peer region on the stream that region keeps for this one (xc.h)
 *
 * Each peer's cursor, log identity and rejected records are its own ("peer.<region>." in meta, its
 * own two databases), so that one peer's damaged record or replaced data directory stops only that
 * peer. What a record does here:
 *   shared      a foreign record (kind foreign) queued for this region's ingest: adjudicate keeps
 *               the foreign entry in the home's state and this region's catalogue picks the measures
 *   initiation  kept for the office's decision (exchange.decide)
 *   reply       the peer's decision on one of this region's initiations
 *   report      kept as that peer's latest report on this region's entries
 * and every record is kept as received (exchange.list).
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

static MDB_dbi db(int i)
{
	return daemon_dbi(X.d, i);
}

int peers_init(MDB_txn *txn, jrp_error *e)
{
	const jrp_config *c = daemon_config(X.d);
	X.npeers = c->xc.npeers;
	X.peers = xcalloc(X.npeers ? X.npeers : 1, sizeof *X.peers);
	for (size_t i = 0; i < X.npeers; i++) {
		xpeer *p = &X.peers[i];
		char name[64];
		const jrp_party *pp = parties_find(daemon_parties(X.d), c->xc.peers[i].region);
		int rc;
		p->d = X.d;
		str_copy(p->region, sizeof p->region, c->xc.peers[i].region);
		p->endpoint = c->xc.peers[i].endpoint;
		snprintf(p->prefix, sizeof p->prefix, "peer.%s.", p->region);
		if (!pp || !(pp->roles & ROLE_PEER))
			return jrp_fail(e, JRP_ERR_CONFIG, "exchange.peers", "peer region '%s' is not a party with role peer in "
					"%s (its id is the region's, its key that region's jrp-exchange key)", p->region,
					daemon_parties(X.d)->path);
		if (config_is_tcp(p->endpoint)) {
			if (!pp->pubkey)
				return jrp_fail(e, JRP_ERR_CONFIG, "exchange.peers", "peer region '%s' is reached over tcp:// "
						"and needs its jrp-exchange public key (pubkey:) in %s", p->region,
						daemon_parties(X.d)->path);
			str_copy(p->pub, sizeof p->pub, pp->pubkey);
		}
		snprintf(name, sizeof name, "rejected.%s", p->region);
		if ((rc = mdb_dbi_open(txn, name, MDB_CREATE, &p->rejected)) != 0)
			return jrp_fail(e, JRP_ERR_STORAGE, "exchange.peers", "cannot open %s: %s", name, mdb_strerror(rc));
		snprintf(name, sizeof name, "rejected_keys.%s", p->region);
		if ((rc = mdb_dbi_open(txn, name, MDB_CREATE, &p->rejected_keys)) != 0)
			return jrp_fail(e, JRP_ERR_STORAGE, "exchange.peers", "cannot open %s: %s", name, mdb_strerror(rc));
	}
	return 0;
}

/* ---- one record from a peer ---- */

/* foreign_record - the record (record.submit's `record`) that tells this region's ingest the state of a foreign
 * entry; its id "<region>-<entry>-<change_seq>" must fit a record id (else rc < 0 with e: the record is kept
 * rejected, never sent under a cut id that could collide with another) */
static int foreign_record(mw *w, const char *from, const x_shared *s, jrp_error *e)
{
	char rid[JRP_RECORD_ID_MAX + 1];
	if (snprintf(rid, sizeof rid, "%s-%llu-%llu", from, (unsigned long long)s->entry,
		     (unsigned long long)s->change_seq) >= (int)sizeof rid)
		return jrp_fail(e, JRP_ERR_BAD_VALUE, "entry", "the record id %s-%llu-%llu would be longer than %d bytes",
				from, (unsigned long long)s->entry, (unsigned long long)s->change_seq, JRP_RECORD_ID_MAX);
	mw_map(w);
	mw_kstr(w, "record_id", rid);
	mw_kstr(w, "kind", "foreign");
	subject_write(w, "subject", &s->subject);
	mw_kdate(w, "decision_date", s->decision_date);
	mw_kstr(w, "list", names_get(&list_names, s->list));
	mw_kstr(w, "state", s->exited ? "exited" : "effective");
	mw_kbool(w, "suspended", s->suspended);
	if (s->exited)
		mw_kstr(w, "reason", names_get(&exit_reason_names, s->reason));
	mw_kdate(w, "valid_from", s->valid_from);
	mw_kdate(w, "valid_until", s->valid_until);
	mw_str(w, "origin");
	mw_map(w);
	mw_kstr(w, "region", from);
	mw_ku64(w, "entry", s->entry);
	mw_ku64(w, "seq", s->change_seq);
	mw_kstr(w, "party", s->party);
	mw_kstr(w, "standard", s->standard);
	if (s->standard_name[0])
		mw_kstr(w, "standard_name", s->standard_name);
	mw_kstr(w, "domain", s->domain);
	mw_kstr(w, "catalog_version", s->catalog_version);
	mw_end(w);
	mw_end(w);
	return 0;
}

static int apply_peer(void *arg, MDB_txn *txn, jrp_rec *unused, const msgpack_object *raw, jrp_error *e)
{
	xpeer *p = arg;
	x_rec x;
	unsigned char k[64];
	int rc;
	(void)unused;
	if ((rc = x_decode(raw, &x, e)) < 0)
		return rc;   /* JRP_EUNKNOWN stops this peer's puller; other errors keep the record rejected */
	if (strcmp(x.to, X.region) != 0) {
		x_free(&x);
		return jrp_fail(e, JRP_ERR_BAD_VALUE, "to", "the record is addressed to region '%s', not to this region "
				"'%s'", x.to, X.region);
	}
	switch (x.kind) {
	case XK_SHARED: {
		mw w;
		mw_init(&w);
		if ((rc = foreign_record(&w, p->region, &x.u.shared, e)) == 0)
			rc = xc_queue(txn, &w);
		mw_free(&w);
		break;
	}
	case XK_INITIATION: {
		MDB_val v;
		k[0] = 'r';
		rc = kv_get(txn, db(XDB_INIT), k, 1 + xc_key(k + 1, p->region, x.u.init.id), &v);
		if (rc == 0)
			rc = jrp_fail(e, JRP_ERR_CONFLICT, "id", "initiation %llu from region '%s' was received before",
				      (unsigned long long)x.u.init.id, p->region);
		else if (rc == JRP_ENOTFOUND)
			rc = xc_init_store(txn, 'r', p->region, &x, XD_PENDING, NULL, NULL, NULL, NULL, 0);
		break;
	}
	case XK_REPLY: {
		/* the initiation as sent, then the peer's decision: once (a second reply is kept rejected) */
		x_rec sent;
		x_decision cur;
		rc = xc_init_load(txn, 's', p->region, x.u.reply.id, &sent, &cur, e);
		if (rc == JRP_ENOTFOUND)
			rc = jrp_fail(e, JRP_ERR_NOT_FOUND, "id", "region '%s' replied to initiation %llu, which this region "
				      "never sent it", p->region, (unsigned long long)x.u.reply.id);
		else if (rc == 0 && cur != XD_PENDING)
			rc = jrp_fail(e, JRP_ERR_CONFLICT, "id", "region '%s' replied to initiation %llu again; it was %s "
				      "already", p->region, (unsigned long long)x.u.reply.id, names_get(&x_decision_names, cur));
		else if (rc == 0)
			rc = xc_init_store(txn, 's', p->region, &sent, x.u.reply.decision, x.u.reply.by, x.u.reply.reason,
					   x.u.reply.standard, x.u.reply.record_id, x.at);
		break;
	}
	case XK_REPORT:
	default:
		rc = 0;
		break;
	}
	if (rc == 0) {
		/* kept as received, by peer and seq; a report also as that peer's latest */
		mw w;
		mw_init(&w);
		mw_obj(&w, raw);
		rc = kv_put(txn, db(XDB_RECV), k, xc_key(k, p->region, x.seq), mw_data(&w), mw_len(&w), 0);
		if (rc == 0 && x.kind == XK_REPORT)
			rc = kv_put(txn, db(XDB_REPORT), p->region, strlen(p->region), mw_data(&w), mw_len(&w), 0);
		mw_free(&w);
	}
	x_free(&x);
	return rc;
}

/* ---- the pullers ---- */

static void host_curve(void *arg, void *sock)
{
	xpeer *p = arg;
	daemon_curve_client(p->d, sock, p->pub);
}

static int host_write(void *arg, int (*fn)(void *fnarg, MDB_txn *txn), void *fnarg)
{
	xpeer *p = arg;
	return daemon_write(p->d, fn, fnarg);
}

void peers_start(void)
{
	for (size_t i = 0; i < X.npeers; i++) {
		xpeer *p = &X.peers[i];
		puller_host h = {
			.arg = p,
			.party = X.region,            /* the peer knows this region by its region id */
			.endpoint = p->endpoint,
			.loop = daemon_loop(p->d),
			.zctx = daemon_zctx(p->d),
			.env = daemon_env(p->d),
			.meta = db(XDB_META),
			.rejected = p->rejected,
			.rejected_keys = p->rejected_keys,
			.raw = true,
			.prefix = p->prefix,
			.request = T_EXCHANGE_FETCH,
			.format_min = X_FORMAT,
			.format_max = X_FORMAT,
			.curve = host_curve,
			.write = host_write,
			.apply = apply_peer,
		};
		p->pull = puller_new(&h);
	}
}

void peers_stop(void)
{
	for (size_t i = 0; i < X.npeers; i++)
		puller_free(&X.peers[i].pull);
}

void peers_status(MDB_txn *txn, mw *out)
{
	for (size_t i = 0; i < X.npeers; i++) {
		xpeer *p = &X.peers[i];
		char mk[64];
		uint64_t offered = 0;
		snprintf(mk, sizeof mk, "xnext.%s", p->region);
		meta_get_u64(txn, db(XDB_META), mk, &offered);
		mw_map(out);
		mw_kstr(out, "region", p->region);
		mw_kstr(out, "endpoint", p->endpoint);
		mw_str(out, "pulling");          /* its stream for this region: cursor, its log, rejected, stopped? */
		mw_map(out);
		if (p->pull)
			puller_status(p->pull, txn, out);
		mw_end(out);
		mw_ku64(out, "offered", offered);   /* records in this region's stream for it */
		if (p->fetched_at) {                /* how far it has taken them (since this daemon started) */
			mw_ku64(out, "taken", p->fetched);
			mw_ki64(out, "taken_at", p->fetched_at);
		}
		mw_end(out);
	}
}
