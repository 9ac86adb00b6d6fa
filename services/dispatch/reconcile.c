/*
 * reconcile.c - catalogue changes reach the entries in force (issue 10 item 6)
 *
 * DOMAIN.md "Measures" [001 §(五)3] and "Trigger, response, feedback" [001 §(五)1-2]: the
 * measures an agency applies follow the measure catalogue in force. When a reload adds a measure
 * for a list, every entry already on it gets it (apply), and when a reload withdraws one (or
 * narrows its lists, domains, subject types or agencies), every agency applying it for an entry it
 * no longer targets is told to stop; so the check, which reads the catalogue in force, and the
 * agencies' streams agree. An entry whose standard no longer fits is adjudicate's: it exits, and
 * its exit stops everything.
 *
 * Entries in force are the "active" index (subject NUL entry -> its latest change); what was
 * applied is "etasks" (entry, agency NUL measure -> apply task seq). service.c runs recon_batch
 * from its tick, a bounded batch per transaction, with its place kept in meta so that a restart
 * carries on; catalog.diff runs the same dry against a candidate catalogue on a read transaction.
 */
#include "dispatch.h"
#include "store.h"
#include "util/str.h"
#include "util/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct had {
	char agency[JRP_ID_MAX + 1], measure[JRP_MEASURE_MAX + 1];
	uint64_t seq;       /* its apply task */
	bool wanted;
} had;

/* applied_of - what was applied for entry, from the etasks index */
static int applied_of(dsp *x, uint64_t entry, had **v, size_t *n)
{
	unsigned char k[8];
	MDB_cursor *c;
	MDB_val key, val;
	size_t cap = 0;
	int rc;
	*v = NULL;
	*n = 0;
	be64_put(k, entry);
	if ((rc = mdb_cursor_open(x->txn, x->db[DDB_ETASKS], &c)) != 0)
		return store_rc(rc);
	key.mv_data = k;
	key.mv_size = 8;
	for (rc = mdb_cursor_get(c, &key, &val, MDB_SET_RANGE); rc == 0; rc = mdb_cursor_get(c, &key, &val, MDB_NEXT)) {
		const char *agency;
		size_t alen;
		if (key.mv_size <= 9 || memcmp(key.mv_data, k, 8) != 0)
			break;
		if (*n == cap)
			*v = xrealloc(*v, (cap = cap ? cap * 2 : 16) * sizeof **v);
		agency = (const char *)key.mv_data + 8;
		alen = strnlen(agency, key.mv_size - 8);
		snprintf((*v)[*n].agency, sizeof (*v)[*n].agency, "%.*s", (int)alen, agency);
		snprintf((*v)[*n].measure, sizeof (*v)[*n].measure, "%.*s", (int)(key.mv_size - 9 - alen), agency + alen + 1);
		(*v)[*n].seq = val.mv_size == 8 ? be64_get(val.mv_data) : 0;
		(*v)[*n].wanted = false;
		++*n;
	}
	mdb_cursor_close(c);
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : store_rc(rc);
}

/* note - a dry run's count and first items */
static void note(recon *r, const jrp_change *ch, const char *agency, const char *measure, jrp_task_action action,
		 const char *reason)
{
	recon_agency *a = NULL;
	for (size_t i = 0; i < r->nagencies; i++)
		if (strcmp(r->agencies[i].agency, agency) == 0)
			a = &r->agencies[i];
	if (!a) {
		r->agencies = xrealloc(r->agencies, (r->nagencies + 1) * sizeof *r->agencies);
		a = &r->agencies[r->nagencies++];
		memset(a, 0, sizeof *a);
		str_copy(a->agency, sizeof a->agency, agency);
	}
	if (action == TA_APPLY)
		a->apply++;
	else
		a->stop++;
	if (!r->first || r->nfirst >= r->max_first)
		return;
	r->nfirst++;
	mw_map(r->first);
	mw_ku64(r->first, "entry", ch->entry);
	mw_kstr(r->first, "subject", ch->subject.code);
	mw_kenum(r->first, "list", &list_names, ch->list);
	mw_kstr(r->first, "agency", agency);
	mw_kstr(r->first, "measure", measure);
	mw_kenum(r->first, "action", &task_action_names, action);
	if (reason)
		mw_kstr(r->first, "reason", reason);
	mw_end(r->first);
}

/* apply_new - apply task for (agency, m), indexed; a suspended entry's punishment is suspended at once */
static int apply_new(dsp *x, const jrp_change *ch, const jrp_measure *m, const char *agency, jrp_task *t)
{
	unsigned char k[160], v[8];
	int rc;
	task_of(x, ch, agency, t);
	t->action = TA_APPLY;
	measure_of(x, m, t);
	snprintf(t->note, sizeof t->note, "measure %s added to the catalogue (version %s)", m->id, x->cat->version);
	if ((rc = push(x, t)) != 0)
		return rc;
	be64_put(v, t->seq);
	if ((rc = kv_put(x->txn, x->db[DDB_ETASKS], k, etask_key(k, ch->entry, agency, m->id), v, 8, 0)) != 0)
		return rc;
	if (ch->suspended && !m->reward) {
		/* [001 §(五)7]: while an objection is verified the punishments wait */
		t->action = TA_SUSPEND;
		return push(x, t);
	}
	return 0;
}

/* stop_old - stop task for what was applied under a measure the catalogue no longer targets */
static int stop_old(dsp *x, const jrp_change *ch, const had *h, jrp_task *t)
{
	const jrp_measure *m = catalog_measure(x->cat, h->measure);
	unsigned char k[160];
	int rc;
	task_of(x, ch, h->agency, t);
	t->action = TA_STOP;
	if (m)
		measure_of(x, m, t);
	else if ((rc = applied_measure(x, h->seq, t)) != 0)
		return rc;
	snprintf(t->note, sizeof t->note, "measure %s %s in catalogue %s", h->measure,
		 m ? "no longer targets this entry" : "withdrawn", x->cat->version);
	if ((rc = push(x, t)) != 0)
		return rc;
	return kv_del(x->txn, x->db[DDB_ETASKS], k, etask_key(k, ch->entry, h->agency, h->measure));
}

int recon_entry(dsp *x, const jrp_change *ch, recon *r)
{
	const jrp_standard *s = ch->standard[0] ? catalog_standard(x->cat, ch->standard) : NULL;
	const char *misfit = catalog_entry_fits(x->cat, ch->standard, ch->list, ch->derived != 0, ch->subject.type,
						ch->decision_date, x->today);
	jrp_task *t = NULL;
	had *v;
	size_t n;
	int rc;

	r->entries++;
	if ((rc = applied_of(x, ch->entry, &v, &n)) != 0)
		return rc;
	if (misfit) {
		/* adjudicate exits it; its exit stops what it had */
		if (r->dry)
			for (size_t i = 0; i < n; i++) {
				r->stop++;
				note(r, ch, v[i].agency, v[i].measure, TA_STOP, "standard_changed");
			}
		free(v);
		return 0;
	}
	if (!r->dry)
		t = xmalloc(sizeof *t);
	for (size_t i = 0; rc == 0 && i < x->cat->nmeasures; i++) {
		const jrp_measure *m = &x->cat->measures[i];
		if (!measure_applies(m, ch->list, s, 1u << ch->subject.type) || (ch->linked_to && !measure_reaches(m, ch->link_role)))
			continue;
		for (size_t a = 0; rc == 0 && a < m->nagencies; a++) {
			size_t j;
			for (j = 0; j < n; j++)
				if (strcmp(v[j].agency, m->agencies[a]) == 0 && strcmp(v[j].measure, m->id) == 0)
					break;
			if (j < n) {
				v[j].wanted = true;
				continue;
			}
			r->apply++;
			if (r->dry)
				note(r, ch, m->agencies[a], m->id, TA_APPLY, NULL);
			else
				rc = apply_new(x, ch, m, m->agencies[a], t);
		}
	}
	for (size_t j = 0; rc == 0 && j < n; j++) {
		if (v[j].wanted)
			continue;
		r->stop++;
		if (r->dry)
			note(r, ch, v[j].agency, v[j].measure, TA_STOP, NULL);
		else
			rc = stop_old(x, ch, &v[j], t);
	}
	free(t);
	free(v);
	return rc;
}

int recon_batch(dsp *x, recon *r, unsigned char *after, size_t *alen, size_t max)
{
	MDB_cursor *c;
	MDB_val key, val;
	jrp_rec *rec = xmalloc(sizeof *rec);
	unsigned char (*keys)[64] = xmalloc(max * sizeof *keys);
	size_t *klen = xmalloc(max * sizeof *klen), n = 0;
	bool more = false;
	jrp_error e;
	int rc;

	/* the keys first (recon_entry writes into other databases, never into "active") */
	if ((rc = mdb_cursor_open(x->txn, x->db[DDB_ACTIVE], &c)) != 0) {
		rc = store_rc(rc);
		goto out;
	}
	key.mv_data = after;
	key.mv_size = *alen;
	rc = *alen ? mdb_cursor_get(c, &key, &val, MDB_SET_RANGE) : mdb_cursor_get(c, &key, &val, MDB_FIRST);
	if (rc == 0 && *alen && key.mv_size == *alen && memcmp(key.mv_data, after, *alen) == 0)
		rc = mdb_cursor_get(c, &key, &val, MDB_NEXT);
	for (; rc == 0; rc = mdb_cursor_get(c, &key, &val, MDB_NEXT)) {
		if (n == max) {
			more = true;
			break;
		}
		if (key.mv_size > sizeof keys[0])
			continue;
		memcpy(keys[n], key.mv_data, key.mv_size);
		klen[n++] = key.mv_size;
	}
	mdb_cursor_close(c);
	if (rc != 0 && rc != MDB_NOTFOUND) {
		rc = store_rc(rc);
		goto out;
	}
	rc = 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if ((rc = kv_get(x->txn, x->db[DDB_ACTIVE], keys[i], klen[i], &val)) != 0)
			break;
		/* the change as dispatch copied it: a record that does not read back is left alone (the
		 * check and the exit would not read it either) */
		if (rec_decode_bytes(val.mv_data, val.mv_size, 1u << REC_CHANGE, true, rec, &e) == 0)
			rc = recon_entry(x, &rec->u.change, r);
		memcpy(after, keys[i], klen[i]);
		*alen = klen[i];
	}
out:
	free(rec);
	free(keys);
	free(klen);
	return rc < 0 ? rc : more ? 1 : 0;
}

void recon_free(recon *r)
{
	free(r->agencies);
	r->agencies = NULL;
	r->nagencies = 0;
}
