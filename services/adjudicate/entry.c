/*
 * entry.c - encoding and history of list entries (see entry.h)
 */
#include "entry.h"
#include <stdio.h>
#include <string.h>

bool entry_active(const entry *en)
{
	return strcmp(en->state, "proposed") == 0 || strcmp(en->state, "effective") == 0;
}

void entry_history(entry *en, int64_t at, const char *event, const char *by, uint64_t record_seq, const char *note)
{
	entry_hist *h;
	if (en->nhist == ENTRY_HIST_MAX) {
		/* keep the first (identification) and drop the oldest after it */
		memmove(&en->hist[1], &en->hist[2], sizeof en->hist[0] * (ENTRY_HIST_MAX - 2));
		en->nhist--;
	}
	h = &en->hist[en->nhist++];
	memset(h, 0, sizeof *h);
	h->at = at;
	snprintf(h->event, sizeof h->event, "%s", event);
	snprintf(h->by, sizeof h->by, "%s", by);
	h->record_seq = record_seq;
	snprintf(h->note, sizeof h->note, "%s", note ? note : "");
}

void entry_encode(const entry *en, mw *w)
{
	mw_map(w);
	mw_ku64(w, "id", en->id);
	mw_kstr(w, "state", en->state);
	mw_kstr(w, "list", list_name(en->list));
	mw_kstr(w, "standard", en->standard);
	mw_kstr(w, "domain", en->domain);
	mw_kstr(w, "party", en->party);
	mw_str(w, "subject");
	mw_map(w);
	mw_kstr(w, "type", en->subject_type);
	mw_kstr(w, "id_type", en->id_type);
	mw_kstr(w, "code", en->code);
	mw_kstr(w, "name", en->name);
	mw_end(w);
	mw_ku64(w, "record_seq", en->record_seq);
	mw_kstr(w, "record_id", en->record_id);
	mw_kdate(w, "decision_date", en->decision_date);
	mw_kdate(w, "identified_on", en->identified_on);
	mw_kdate(w, "objection_end", en->objection_end);
	if (en->valid_from)
		mw_kdate(w, "valid_from", en->valid_from);
	mw_kdate(w, "valid_until", en->valid_until);
	mw_kstr(w, "catalog_version", en->catalog_version);
	if (en->exit_reason[0])
		mw_kstr(w, "exit_reason", en->exit_reason);
	if (en->notice_required)
		mw_kbool(w, "notice_required", true);
	if (en->notice_date)
		mw_kdate(w, "notice_date", en->notice_date);
	if (en->objection[0]) {
		mw_kstr(w, "objection", en->objection);
		mw_kstr(w, "objection_by", en->objection_by);
	}
	if (en->suspended)
		mw_kbool(w, "suspended", true);
	if (en->repair[0]) {
		mw_kstr(w, "repair", en->repair);
		mw_kdate(w, "repair_decide_by", en->repair_decide_by);
	}
	if (en->rectify_by) {
		mw_kdate(w, "rectify_by", en->rectify_by);
		mw_kbool(w, "rectified", en->rectified);
	}
	if (en->interview[0])
		mw_kstr(w, "interview", en->interview);
	if (en->linked_to) {
		mw_ku64(w, "linked_to", en->linked_to);
		mw_kstr(w, "link_role", en->link_role);
	}
	if (en->derived[0]) {
		mw_kstr(w, "derived", en->derived);
		if (en->derived_from)
			mw_ku64(w, "derived_from", en->derived_from);
	}
	if (en->published)
		mw_kbool(w, "published", true);
	mw_str(w, "history");
	mw_arr(w);
	for (int i = 0; i < en->nhist; i++) {
		const entry_hist *h = &en->hist[i];
		mw_map(w);
		mw_ki64(w, "at", h->at);
		mw_kstr(w, "event", h->event);
		mw_kstr(w, "by", h->by);
		if (h->record_seq)
			mw_ku64(w, "record_seq", h->record_seq);
		if (h->note[0])
			mw_kstr(w, "note", h->note);
		mw_end(w);
	}
	mw_end(w);
	mw_end(w);
}

static jrp_date get_date(const msgpack_object *o, const char *key)
{
	char buf[16];
	jrp_date d = 0;
	obj_cstr(o, key, buf, sizeof buf);
	if (buf[0])
		date_parse(buf, strlen(buf), &d);
	return d;
}

int entry_decode(const void *buf, size_t len, entry *en)
{
	msg_in in;
	jrp_error e;
	const msgpack_object *o, *s, *h;
	char l[16];
	memset(en, 0, sizeof *en);
	if (msg_parse_ref(buf, len, SIZE_MAX, &in, &e) < 0) {
		msg_in_free(&in);
		return JRP_EINVAL;
	}
	o = in.root;
	en->id = obj_u64(o, "id");
	obj_cstr(o, "state", en->state, sizeof en->state);
	en->list = (jrp_list)list_parse(obj_cstr(o, "list", l, sizeof l));
	obj_cstr(o, "standard", en->standard, sizeof en->standard);
	obj_cstr(o, "domain", en->domain, sizeof en->domain);
	obj_cstr(o, "party", en->party, sizeof en->party);
	s = obj_get(o, "subject");
	obj_cstr(s, "type", en->subject_type, sizeof en->subject_type);
	obj_cstr(s, "id_type", en->id_type, sizeof en->id_type);
	obj_cstr(s, "code", en->code, sizeof en->code);
	obj_cstr(s, "name", en->name, sizeof en->name);
	en->record_seq = obj_u64(o, "record_seq");
	obj_cstr(o, "record_id", en->record_id, sizeof en->record_id);
	en->decision_date = get_date(o, "decision_date");
	en->identified_on = get_date(o, "identified_on");
	en->objection_end = get_date(o, "objection_end");
	en->valid_from = get_date(o, "valid_from");
	en->valid_until = get_date(o, "valid_until");
	obj_cstr(o, "catalog_version", en->catalog_version, sizeof en->catalog_version);
	obj_cstr(o, "exit_reason", en->exit_reason, sizeof en->exit_reason);
	en->notice_required = obj_bool(o, "notice_required");
	en->notice_date = get_date(o, "notice_date");
	obj_cstr(o, "objection", en->objection, sizeof en->objection);
	obj_cstr(o, "objection_by", en->objection_by, sizeof en->objection_by);
	en->suspended = obj_bool(o, "suspended");
	obj_cstr(o, "repair", en->repair, sizeof en->repair);
	en->repair_decide_by = get_date(o, "repair_decide_by");
	en->rectify_by = get_date(o, "rectify_by");
	en->rectified = obj_bool(o, "rectified");
	obj_cstr(o, "interview", en->interview, sizeof en->interview);
	en->linked_to = obj_u64(o, "linked_to");
	obj_cstr(o, "link_role", en->link_role, sizeof en->link_role);
	en->derived_from = obj_u64(o, "derived_from");
	obj_cstr(o, "derived", en->derived, sizeof en->derived);
	en->published = obj_bool(o, "published");
	h = obj_get(o, "history");
	if (h && h->type == MSGPACK_OBJECT_ARRAY)
		for (uint32_t i = 0; i < h->via.array.size && en->nhist < ENTRY_HIST_MAX; i++) {
			const msgpack_object *x = &h->via.array.ptr[i];
			entry_hist *eh = &en->hist[en->nhist++];
			eh->at = obj_i64(x, "at");
			obj_cstr(x, "event", eh->event, sizeof eh->event);
			obj_cstr(x, "by", eh->by, sizeof eh->by);
			eh->record_seq = obj_u64(x, "record_seq");
			obj_cstr(x, "note", eh->note, sizeof eh->note);
		}
	msg_in_free(&in);
	return 0;
}
