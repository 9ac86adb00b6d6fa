/*
 * exchange.c - the records between engines (exchange.h): names, encoder, strict decoder
 */
#include "exchange.h"
#include "util/xalloc.h"
#include <stdlib.h>
#include <string.h>

NAMES_TABLE(x_kind_names, "exchange record kind", X_KINDS);
NAMES_TABLE(x_decision_names, "initiation decision", X_DECISIONS);

static void item_write(mw *w, const x_report_item *it, bool with_entry)
{
	mw_map(w);
	if (with_entry)
		mw_ku64(w, "entry", it->entry);
	if (with_entry)
		mw_kbool(w, "in_force", it->in_force);
	mw_ku64(w, "tasks", it->tasks);
	mw_ku64(w, "done", it->done);
	mw_ku64(w, "awaiting", it->awaiting);
	mw_ku64(w, "overdue", it->overdue);
	mw_end(w);
}

void x_encode(mw *w, const x_rec *x)
{
	mw_map(w);
	mw_ku64(w, "seq", x->seq);
	mw_kstr(w, "kind", names_get(&x_kind_names, x->kind));
	mw_kstr(w, "to", x->to);
	mw_ki64(w, "at", x->at);
	switch (x->kind) {
	case XK_SHARED: {
		const x_shared *s = &x->u.shared;
		mw_ku64(w, "entry", s->entry);
		mw_ku64(w, "change_seq", s->change_seq);
		mw_kstr(w, "action", names_get(&change_action_names, s->action));
		mw_kstr(w, "list", names_get(&list_names, s->list));
		mw_kstr(w, "state", s->exited ? "exited" : "effective");
		mw_kbool(w, "suspended", s->suspended);
		if (s->exited)
			mw_kstr(w, "reason", names_get(&exit_reason_names, s->reason));
		subject_write(w, "subject", &s->subject);
		if (s->linked_to)
			mw_ku64(w, "linked_to", s->linked_to);
		mw_kstr(w, "party", s->party);
		mw_kstr(w, "standard", s->standard);
		if (s->standard_name[0])
			mw_kstr(w, "standard_name", s->standard_name);
		mw_kstr(w, "domain", s->domain);
		mw_kstr(w, "catalog_version", s->catalog_version);
		mw_kdate(w, "decision_date", s->decision_date);
		mw_kdate(w, "valid_from", s->valid_from);
		mw_kdate(w, "valid_until", s->valid_until);
		break;
	}
	case XK_INITIATION: {
		const x_initiation *i = &x->u.init;
		mw_ku64(w, "id", i->id);
		mw_kstr(w, "by", i->by);
		subject_write(w, "subject", &i->subject);
		mw_kstr(w, "list", names_get(&list_names, i->list));
		mw_kstr(w, "domain", i->domain);
		mw_kstr(w, "reason", i->reason);
		mw_kstr(w, "facts", i->facts);
		if (i->basis[0])
			mw_kstr(w, "basis", i->basis);
		break;
	}
	case XK_REPLY: {
		const x_reply *r = &x->u.reply;
		mw_ku64(w, "id", r->id);
		mw_kstr(w, "decision", names_get(&x_decision_names, r->decision));
		mw_kstr(w, "by", r->by);
		mw_kstr(w, "reason", r->reason);
		if (r->standard[0])
			mw_kstr(w, "standard", r->standard);
		if (r->record_id[0])
			mw_kstr(w, "record_id", r->record_id);
		break;
	}
	case XK_REPORT: {
		const x_report *r = &x->u.report;
		mw_str(w, "totals");
		item_write(w, &r->totals, false);
		mw_str(w, "entries");
		mw_arr(w);
		for (size_t k = 0; k < r->n; k++)
			item_write(w, &r->entries[k], true);
		mw_end(w);
		if (r->truncated)
			mw_kbool(w, "truncated", true);
		break;
	}
	default:
		break;
	}
	mw_end(w);
}

static int item_read(const msgpack_object *o, const char *path, bool with_entry, x_report_item *it, jrp_error *e)
{
	mr r;
	int rc;
	memset(it, 0, sizeof *it);
	if ((rc = mr_init(&r, o, path, e)) < 0)
		return rc;
	if (with_entry && ((rc = mr_u64(&r, "entry", MR_REQ, &it->entry)) < 0 ||
			   (rc = mr_bool(&r, "in_force", MR_REQ, &it->in_force)) < 0))
		return rc;
	if ((rc = mr_u64(&r, "tasks", MR_REQ, &it->tasks)) < 0 || (rc = mr_u64(&r, "done", MR_REQ, &it->done)) < 0 ||
	    (rc = mr_u64(&r, "awaiting", MR_REQ, &it->awaiting)) < 0 ||
	    (rc = mr_u64(&r, "overdue", MR_REQ, &it->overdue)) < 0)
		return rc;
	return mr_end(&r);
}

static int shared_read(mr *r, x_shared *s)
{
	const char *st;
	size_t n;
	int v, rc;
	if ((rc = mr_u64(r, "entry", MR_REQ, &s->entry)) < 0 || (rc = mr_u64(r, "change_seq", MR_REQ, &s->change_seq)) < 0 ||
	    (rc = mr_enum(r, "action", MR_REQ, &change_action_names, &v)) < 0)
		return rc;
	s->action = (jrp_change_action)v;
	if ((rc = mr_enum(r, "list", MR_REQ, &list_names, &v)) < 0)
		return rc;
	s->list = (jrp_list)v;
	if ((rc = mr_str(r, "state", MR_REQ, 16, &st, &n)) < 0)
		return rc;
	if (n == 9 && memcmp(st, "effective", 9) == 0)
		s->exited = false;
	else if (n == 6 && memcmp(st, "exited", 6) == 0)
		s->exited = true;
	else
		return mr_fail_value(r, "state", "must be effective or exited");
	if ((rc = mr_bool(r, "suspended", MR_REQ, &s->suspended)) < 0)
		return rc;
	v = 0;
	if ((rc = mr_enum(r, "reason", s->exited ? MR_REQ : MR_OPT, &exit_reason_names, &v)) < 0)
		return rc;
	if (!s->exited && rc > 0)
		return mr_fail_value(r, "reason", "only an exited entry has a reason");
	s->reason = (jrp_exit_reason)v;
	if ((rc = subject_read(r, "subject", &s->subject)) < 0 || (rc = mr_u64(r, "linked_to", MR_OPT, &s->linked_to)) < 0 ||
	    (rc = mr_cstr(r, "party", MR_REQ, JRP_ID_MAX, s->party)) < 0 ||
	    (rc = mr_cstr(r, "standard", MR_REQ, JRP_STANDARD_MAX, s->standard)) < 0 ||
	    (rc = mr_cstr(r, "standard_name", MR_OPT, JRP_TITLE_MAX, s->standard_name)) < 0 ||
	    (rc = mr_cstr(r, "domain", MR_REQ, JRP_ID_MAX, s->domain)) < 0 ||
	    (rc = mr_cstr(r, "catalog_version", MR_REQ, JRP_VERSION_MAX, s->catalog_version)) < 0 ||
	    (rc = mr_date(r, "decision_date", MR_REQ, &s->decision_date)) < 0 ||
	    (rc = mr_date(r, "valid_from", MR_REQ, &s->valid_from)) < 0 ||
	    (rc = mr_date(r, "valid_until", MR_REQ, &s->valid_until)) < 0)
		return rc;
	if (s->valid_until < s->valid_from)
		return mr_fail_value(r, "valid_until", "is before valid_from");
	return 0;
}

int x_decode(const msgpack_object *o, x_rec *x, jrp_error *e)
{
	mr r;
	int v, rc;
	memset(x, 0, sizeof *x);
	if ((rc = mr_init(&r, o, "", e)) < 0 || (rc = mr_u64(&r, "seq", MR_REQ, &x->seq)) < 0)
		return rc;
	{
		const char *k;
		size_t n;
		if ((rc = mr_str(&r, "kind", MR_REQ, 32, &k, &n)) < 0)
			return rc;
		if ((v = names_find(&x_kind_names, k, n)) < 0) {
			jrp_fail(e, JRP_ERR_BAD_VALUE, "kind", "exchange record kind \"%.*s\" is not one this build knows "
				 "(shared, initiation, reply, report)", (int)(n > 40 ? 40 : n), k);
			return JRP_EUNKNOWN;
		}
		x->kind = (x_kind)v;
	}
	if ((rc = mr_cstr(&r, "to", MR_REQ, JRP_ID_MAX, x->to)) < 0 || (rc = mr_i64(&r, "at", MR_REQ, &x->at)) < 0)
		return rc;
	switch (x->kind) {
	case XK_SHARED:
		rc = shared_read(&r, &x->u.shared);
		break;
	case XK_INITIATION: {
		x_initiation *i = &x->u.init;
		if ((rc = mr_u64(&r, "id", MR_REQ, &i->id)) < 0 || (rc = mr_cstr(&r, "by", MR_REQ, JRP_ID_MAX, i->by)) < 0 ||
		    (rc = subject_read(&r, "subject", &i->subject)) < 0 || (rc = mr_enum(&r, "list", MR_REQ, &list_names, &v)) < 0)
			break;
		i->list = (jrp_list)v;
		if (i->list != LIST_BLACK && i->list != LIST_FOCUS) {
			rc = mr_fail_value(&r, "list", "an initiation asks for black or focus");
			break;
		}
		if ((rc = mr_cstr(&r, "domain", MR_REQ, JRP_ID_MAX, i->domain)) < 0 ||
		    (rc = mr_text(&r, "reason", MR_REQ, JRP_NOTE_MAX, i->reason)) < 0 ||
		    (rc = mr_text(&r, "facts", MR_REQ, JRP_FACTS_MAX, i->facts)) < 0 ||
		    (rc = mr_text(&r, "basis", MR_OPT, JRP_BASISTEXT_MAX, i->basis)) < 0)
			break;
		rc = 0;
		break;
	}
	case XK_REPLY: {
		x_reply *p = &x->u.reply;
		if ((rc = mr_u64(&r, "id", MR_REQ, &p->id)) < 0 || (rc = mr_enum(&r, "decision", MR_REQ, &x_decision_names, &v)) < 0)
			break;
		p->decision = (x_decision)v;
		if (p->decision == XD_PENDING) {
			rc = mr_fail_value(&r, "decision", "a reply is accepted or refused");
			break;
		}
		if ((rc = mr_cstr(&r, "by", MR_REQ, JRP_ID_MAX, p->by)) < 0 ||
		    (rc = mr_text(&r, "reason", MR_REQ, JRP_NOTE_MAX, p->reason)) < 0 ||
		    (rc = mr_cstr(&r, "standard", p->decision == XD_ACCEPTED ? MR_REQ : MR_OPT, JRP_STANDARD_MAX, p->standard)) < 0 ||
		    (rc = mr_cstr(&r, "record_id", p->decision == XD_ACCEPTED ? MR_REQ : MR_OPT, JRP_RECORD_ID_MAX, p->record_id)) < 0)
			break;
		rc = 0;
		break;
	}
	case XK_REPORT: {
		x_report *p = &x->u.report;
		const msgpack_object *t;
		const msgpack_object_array *a;
		if ((rc = mr_any(&r, "totals", MR_REQ, &t)) < 0 || (rc = item_read(t, "totals", false, &p->totals, e)) < 0 ||
		    (rc = mr_arr(&r, "entries", MR_REQ, X_REPORT_MAX, &a)) < 0 ||
		    (rc = mr_bool(&r, "truncated", MR_OPT, &p->truncated)) < 0)
			break;
		p->n = a->size;
		p->entries = p->n ? xcalloc(p->n, sizeof *p->entries) : NULL;
		for (size_t k = 0; k < p->n && rc >= 0; k++)
			rc = item_read(&a->ptr[k], "entries[]", true, &p->entries[k], e);
		if (rc >= 0)
			rc = 0;
		break;
	}
	default:
		break;
	}
	if (rc < 0) {
		x_free(x);
		return rc;
	}
	if ((rc = mr_end(&r)) < 0)
		x_free(x);
	return rc < 0 ? rc : 0;
}

void x_free(x_rec *x)
{
	if (x->kind == XK_REPORT) {
		free(x->u.report.entries);
		x->u.report.entries = NULL;
		x->u.report.n = 0;
	}
}
