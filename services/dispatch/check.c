/*
 * check.c - the check before every handling (逢办必查, 应查必查)
 *
 * DOMAIN.md "Trigger, response, feedback" [001 §(五)1-2] [003 §五]: before
 * approving a matter, an agency asks which lists a subject is on and which
 * measures apply to that kind of matter, mandatory first. One read of the
 * subject's entries in force (a prefix scan of "active", where each holds the
 * latest copy of its change). The check's record (rec) is the caller's to
 * keep: every check is recorded (service.c journals it).
 */
#include "dispatch.h"
#include "store.h"
#include <ctype.h>
#include <string.h>

static void write_measures(const jrp_catalog *cat, const jrp_standard *s, const jrp_change *ch, const char *matter,
			   const char *agency, mw *out)
{
	mw_str(out, "measures");
	mw_arr(out);
	for (int pass = 0; pass < 2; pass++)   /* mandatory first, then recommended */
		for (size_t i = 0; i < cat->nmeasures; i++) {
			const jrp_measure *m = &cat->measures[i];
			bool yours = false;
			if (m->mandatory != (pass == 0) || !measure_applies(m, ch->list, s, 1u << ch->subject.type) ||
			    !measure_has_matter(m, matter) || (ch->linked_to && !measure_reaches(m, ch->link_role)))
				continue;
			for (size_t a = 0; a < m->nagencies; a++)
				if (strcmp(m->agencies[a], agency) == 0)
					yours = true;
			mw_map(out);
			mw_kstr(out, "id", m->id);
			mw_kstr(out, "name", m->name);
			mw_kenum(out, "class", &task_class_names, m->mandatory ? CLASS_MANDATORY : CLASS_RECOMMENDED);
			mw_kenum(out, "type", &measure_type_names, m->reward ? MT_REWARD : MT_PUNISHMENT);
			mw_kstr(out, "basis_law", m->basis_law ? m->basis_law : "");
			mw_kstr(out, "basis_articles", m->basis_articles ? m->basis_articles : "");
			mw_kbool(out, "yours", yours);
			mw_end(out);
		}
	mw_end(out);
}

void check_write_entry(const jrp_catalog *cat, const jrp_change *ch, const char *matter, const char *agency, mw *out,
		       int64_t since, uint64_t change_seq)
{
	const jrp_standard *s = ch->standard[0] ? catalog_standard(cat, ch->standard) : NULL;
	mw_map(out);
	mw_ku64(out, "entry", ch->entry);
	mw_kenum(out, "list", &list_names, ch->list);
	mw_kstr(out, "list_name", list_name_zh(ch->list));
	mw_kstr(out, "standard", ch->standard);
	if (s)
		mw_kstr(out, "standard_name", s->name);
	mw_kstr(out, "domain", ch->domain);
	mw_kstr(out, "party", ch->party);
	if (ch->valid_from)
		mw_kdate(out, "valid_from", ch->valid_from);
	mw_kdate(out, "valid_until", ch->valid_until);
	mw_kstr(out, "catalog_version", ch->catalog_version);
	if (ch->suspended) {
		/* DOMAIN.md Life 6: punishments are suspended while an objection is verified [001 §(五)7] */
		mw_kbool(out, "suspended", true);
		mw_str(out, "measures");
		mw_arr(out);
		mw_end(out);
	} else if (s || ch->list == LIST_WARNING) {
		write_measures(cat, s, ch, matter, agency, out);
	}
	if (ch->linked_to) {
		mw_ku64(out, "linked_to", ch->linked_to);
		mw_kenum(out, "link_role", &link_role_names, ch->link_role);
	}
	if (ch->derived)
		mw_kenum(out, "derived", &derived_names, ch->derived);
	if (ch->origin.region[0]) {
		/* another region's entry (federation): whose decision the agency applies, under this region's
		 * standard and measures */
		mw_str(out, "origin");
		mw_map(out);
		mw_kstr(out, "region", ch->origin.region);
		mw_ku64(out, "entry", ch->origin.entry);
		mw_kstr(out, "department", ch->origin.party);
		mw_kstr(out, "standard", ch->origin.standard);
		mw_kstr(out, "standard_name", ch->origin.standard_name);
		mw_kstr(out, "domain", ch->origin.domain);
		mw_end(out);
	}
	if (change_seq) {   /* as of a past instant: which change of the entry put it in that state, and when */
		mw_ki64(out, "since", since);
		mw_ku64(out, "change_seq", change_seq);
	}
	mw_end(out);
}


int check_answer(dsp *x, const char *code, const char *matter, const char *agency, mw *out, jrp_check *rec,
		 jrp_error *e)
{
	unsigned char k[48];
	size_t plen = strlen(code) + 1;
	MDB_cursor *c;
	MDB_val key, val;
	jrp_change ch;
	int rc;

	if (!catalog_matter(x->cat, matter))
		return jrp_fail(e, JRP_ERR_UNKNOWN_MATTER, "matter", "\"%s\" is not a matter kind of catalogue %s", matter,
				x->cat->version);
	mw_kstr(out, "subject", code);
	mw_kstr(out, "matter", matter);
	mw_kstr(out, "catalog_version", x->cat->version);
	mw_str(out, "entries");
	mw_arr(out);
	rec->lists = 0;
	memcpy(k, code, plen);
	key.mv_data = k;
	key.mv_size = plen;
	if ((rc = mdb_cursor_open(x->txn, x->db[DDB_ACTIVE], &c)) != 0)
		return store_rc(rc);
	for (rc = mdb_cursor_get(c, &key, &val, MDB_SET_RANGE); rc == 0; rc = mdb_cursor_get(c, &key, &val, MDB_NEXT)) {
		jrp_error de;
		msg_in in;
		int bad;
		if (key.mv_size != plen + 8 || memcmp(key.mv_data, k, plen) != 0)
			break;
		bad = msg_parse_ref(val.mv_data, val.mv_size, SIZE_MAX, &in, &de) < 0 || change_decode(in.root, true, &ch, &de) < 0;
		msg_in_free(&in);
		if (bad) {
			/* damage, not input: an answer that leaves out an entry would be wrong */
			mdb_cursor_close(c);
			return JRP_ESTORE;
		}
		check_write_entry(x->cat, &ch, matter, agency, out, 0, 0);
		rec->lists |= 1u << ch.list;
	}
	mdb_cursor_close(c);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return store_rc(rc);
	mw_end(out);
	rec->listed = rec->lists != 0;
	mw_kbool(out, "listed", rec->listed);
	return store_log_last(x->txn, x->db[DDB_OUT], &rec->as_of);
}
