/*
 * check.c - the check before every handling (逢办必查, 应查必查)
 *
 * DOMAIN.md "Trigger, response, feedback" [001 §(五)1-2] [003 §五]: before
 * approving a matter, an agency asks which lists a subject is on and which
 * measures apply to that kind of matter, mandatory first. One read of the
 * subject's active entries (prefix scan of "active"); the check itself is
 * recorded in the outbound log, so feedback counts queries per agency.
 *
 * A ROUTE_READ route: it runs on dispatch's front thread from a read
 * transaction and never waits for a commit (daemon.c). The record is
 * journaled before the answer leaves (journal.h) and reaches the outbound log
 * a few milliseconds later; the answer names it (check_id) and says which
 * state it read (as_of: the last seq of the outbound log it saw).
 */
#include "dispatch.h"
#include "clock.h"
#include <string.h>

static void write_measures(const jrp_catalog *cat, const jrp_standard *s, jrp_list l, unsigned st, bool linked,
			   const char *matter, const char *agency, mw *out)
{
	mw_str(out, "measures");
	mw_arr(out);
	for (int pass = 0; pass < 2; pass++)   /* mandatory first, then recommended */
		for (size_t i = 0; i < cat->nmeasures; i++) {
			const jrp_measure *m = &cat->measures[i];
			bool yours = false;
			if (m->mandatory != (pass == 0) || !measure_applies(m, l, s, st) || !measure_has_matter(m, matter) ||
			    (linked && !m->persons))
				continue;
			for (size_t a = 0; a < m->nagencies; a++)
				if (strcmp(m->agencies[a], agency) == 0)
					yours = true;
			mw_map(out);
			mw_kstr(out, "id", m->id);
			mw_kstr(out, "name", m->name);
			mw_kstr(out, "class", m->mandatory ? "mandatory" : "recommended");
			mw_kstr(out, "type", m->reward ? "reward" : "punishment");
			mw_kstr(out, "basis_law", m->basis_law ? m->basis_law : "");
			mw_kstr(out, "basis_articles", m->basis_articles ? m->basis_articles : "");
			mw_kbool(out, "yours", yours);
			mw_end(out);
		}
	mw_end(out);
}

int check_h_check(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	const jrp_catalog *cat = daemon_catalog(d);
	char code[33], matter[33], lists[64] = "";
	unsigned char k[48];
	size_t plen;
	MDB_cursor *c;
	MDB_val key, val;
	mw rec;
	uint64_t as_of = 0;
	char ref[JOURNAL_REF_MAX];
	int rc, n = 0;

	if ((rc = mr_cstr(&r->body, "subject", MR_REQ, 32, code)) < 0 ||
	    (rc = mr_cstr(&r->body, "matter", MR_REQ, 32, matter)) < 0)
		return rc;
	if ((rc = mr_end(&r->body)) < 0)
		return rc;
	if (!catalog_matter(cat, matter))
		return mr_fail(&r->body, JRP_ERR_UNKNOWN_MATTER, "matter", "\"%s\" is not a matter kind of catalogue %s",
			       matter, cat->version);
	mw_kstr(out, "subject", code);
	mw_kstr(out, "matter", matter);
	mw_kstr(out, "catalog_version", cat->version);
	mw_str(out, "entries");
	mw_arr(out);
	plen = strlen(code) + 1;
	memcpy(k, code, plen);
	key.mv_data = k;
	key.mv_size = plen;
	if ((rc = mdb_cursor_open(txn, daemon_dbi(d, DB_ACTIVE), &c)) != 0)
		return store_rc(rc);
	for (rc = mdb_cursor_get(c, &key, &val, MDB_SET_RANGE); rc == 0; rc = mdb_cursor_get(c, &key, &val, MDB_NEXT)) {
		msg_in in;
		jrp_error pe;
		char standard[65], list[16], stype[8];
		const jrp_standard *s;
		int l;
		if (key.mv_size != plen + 8 || memcmp(key.mv_data, k, plen) != 0)
			break;
		if (msg_parse_ref(val.mv_data, val.mv_size, SIZE_MAX, &in, &pe) < 0) {
			msg_in_free(&in);
			continue;
		}
		s = catalog_standard(cat, obj_cstr(in.root, "standard", standard, sizeof standard));
		l = list_parse(obj_cstr(in.root, "list", list, sizeof list));
		obj_cstr(obj_get(in.root, "subject"), "type", stype, sizeof stype);
		mw_map(out);
		mw_kobj(out, "entry", obj_get(in.root, "entry"));
		mw_kstr(out, "list", list);
		if (l >= 0)
			mw_kstr(out, "list_name", list_name_zh((jrp_list)l));
		mw_kstr(out, "standard", standard);
		if (s)
			mw_kstr(out, "standard_name", s->name);
		mw_kobj(out, "domain", obj_get(in.root, "domain"));
		mw_kobj(out, "party", obj_get(in.root, "party"));
		mw_kobj(out, "valid_from", obj_get(in.root, "valid_from"));
		mw_kobj(out, "valid_until", obj_get(in.root, "valid_until"));
		mw_kobj(out, "catalog_version", obj_get(in.root, "catalog_version"));
		if (obj_bool(in.root, "suspended")) {
			/* DOMAIN.md Life 6: punishments are suspended while an objection is verified [001 §(五)7] */
			mw_kbool(out, "suspended", true);
			mw_str(out, "measures");
			mw_arr(out);
			mw_end(out);
		} else if (l >= 0 && (s || l == LIST_WARNING)) {
			write_measures(cat, s, (jrp_list)l, subject_type_parse(stype), obj_get(in.root, "linked_to") != NULL,
				       matter, r->party->id, out);
		}
		if (obj_get(in.root, "linked_to")) {
			mw_kobj(out, "linked_to", obj_get(in.root, "linked_to"));
			mw_kobj(out, "link_role", obj_get(in.root, "link_role"));
		}
		if (obj_get(in.root, "derived"))
			mw_kobj(out, "derived", obj_get(in.root, "derived"));
		mw_end(out);
		if (!strstr(lists, list) && strlen(lists) + strlen(list) + 2 < sizeof lists) {
			if (lists[0])
				strcat(lists, ",");
			strcat(lists, list);
		}
		n++;
		msg_in_free(&in);
	}
	mdb_cursor_close(c);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return store_rc(rc);
	mw_end(out);
	mw_kbool(out, "listed", n > 0);
	if ((rc = log_last(txn, daemon_dbi(d, DB_OUT), &as_of)) != 0)
		return rc;
	/* every check is recorded [003 §五] */
	daemon_journal_ref(d, ref);
	mw_init(&rec);
	mw_map(&rec);
	mw_kstr(&rec, "kind", "check");
	mw_kstr(&rec, "check_id", ref);
	mw_ki64(&rec, "at", clock_now_ms());
	mw_kstr(&rec, "party", r->party->id);
	mw_kstr(&rec, "subject", code);
	mw_kstr(&rec, "matter", matter);
	mw_kbool(&rec, "listed", n > 0);
	mw_kstr(&rec, "lists", lists);
	mw_ku64(&rec, "as_of", as_of);
	mw_end(&rec);
	rc = daemon_journal(d, &rec);
	mw_free(&rec);
	if (rc == 0) {
		mw_kstr(out, "check_id", ref);
		mw_ku64(out, "as_of", as_of);
	}
	return rc;
}
