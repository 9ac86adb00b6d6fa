/*
 * records.c - the records between the daemons: names, encoders, strict decoders
 * (see records.h)
 *
 * Writers: ingest (events), adjudicate (changes), dispatch (copies, tasks,
 * checks). Readers: the puller of each consumer (rec_decode), dispatch's
 * journal, jrpctl. An encoder writes every required field and an optional one
 * only when it has a value; the decoder refuses anything else, so a record that
 * decodes is exactly one that an encoder of this format could have written.
 */
#include "records.h"
#include "exchange.h"
#include "util/str.h"
#include <stdio.h>
#include <string.h>

/* ---- the tables ---- */

NAMES_TABLE(rec_kind_names, "log record kind", RECORD_KINDS);
NAMES_TABLE(credit_kind_names, "record kind", CREDIT_KINDS);
NAMES_TABLE(subject_type_names, "subject type", SUBJECT_TYPES);
NAMES_TABLE(list_names, "list", LISTS);
NAMES_TABLE(entry_state_names, "entry state", ENTRY_STATES);
NAMES_TABLE(change_action_names, "change action", CHANGE_ACTIONS);
NAMES_TABLE(exit_reason_names, "exit reason", EXIT_REASONS);
NAMES_TABLE(outcome_names, "objection outcome", OUTCOMES);
NAMES_TABLE(repair_state_names, "repair state", REPAIR_STATES);
NAMES_TABLE(repair_method_names, "repair method", REPAIR_METHODS);
NAMES_TABLE(interview_kind_names, "interview kind", INTERVIEW_KINDS);
NAMES_TABLE(interview_state_names, "interview state", INTERVIEW_STATES);
NAMES_TABLE(link_role_names, "link role", LINK_ROLES);
NAMES_TABLE(derived_names, "derivation", DERIVATIONS);
NAMES_TABLE(task_action_names, "task action", TASK_ACTIONS);
NAMES_TABLE(duty_names, "duty", DUTIES);
NAMES_TABLE(task_class_names, "task class", TASK_CLASSES);
NAMES_TABLE(measure_type_names, "measure type", MEASURE_TYPES);
NAMES_TABLE(task_state_names, "task state", TASK_STATES);
NAMES_TABLE(publication_kind_names, "publication kind", PUBLICATION_KINDS);
NAMES_TABLE(commitment_type_names, "commitment type", COMMITMENT_TYPES);
NAMES_TABLE(commitment_state_names, "commitment state", COMMITMENT_STATES);

const jrp_names *const names_tables[] = {
	&rec_kind_names, &credit_kind_names, &subject_type_names, &id_type_names, &list_names, &entry_state_names,
	&change_action_names, &exit_reason_names, &outcome_names, &repair_state_names, &repair_method_names,
	&interview_kind_names, &interview_state_names, &link_role_names, &derived_names, &task_action_names,
	&duty_names, &task_class_names, &measure_type_names, &task_state_names, &publication_kind_names,
	&commitment_type_names, &commitment_state_names, &x_kind_names, &x_decision_names, NULL,
};

static const char *const list_zh[LIST__N] = { "红名单", "黑名单", "重点关注名单", "信用预警名单" };

const char *list_name(jrp_list l)
{
	return (unsigned)l < LIST__N ? list_names.name[l] : "?";
}

const char *list_name_zh(jrp_list l)
{
	return (unsigned)l < LIST__N ? list_zh[l] : "?";
}

/* ---- small readers ---- */

/* ocstr - an optional string: "" when absent */
static int ocstr(mr *r, const char *key, size_t max, char *buf)
{
	int rc = mr_cstr(r, key, MR_OPT, max, buf);
	if (rc == 0)
		buf[0] = 0;
	return rc;
}

/* otext - optional people's text of at most max characters: "" when absent */
static int otext(mr *r, const char *key, size_t max, char *buf)
{
	int rc = mr_text(r, key, MR_OPT, max, buf);
	if (rc == 0)
		buf[0] = 0;
	return rc;
}

/* oenum - an optional name: none (0) when absent */
static int oenum(mr *r, const char *key, const jrp_names *t, int *v)
{
	*v = 0;
	return mr_enum(r, key, MR_OPT, t, v);
}

static int odate(mr *r, const char *key, jrp_date *d)
{
	*d = 0;
	return mr_date(r, key, MR_OPT, d);
}

static int ou64(mr *r, const char *key, uint64_t *v)
{
	*v = 0;
	return mr_u64(r, key, MR_OPT, v);
}

static int obool(mr *r, const char *key, bool *v)
{
	*v = false;
	return mr_bool(r, key, MR_OPT, v);
}

/* kind_is - the record's "kind" must be k */
static int kind_is(mr *r, jrp_rec_kind k)
{
	int v, rc = mr_enum(r, "kind", MR_REQ, &rec_kind_names, &v);
	if (rc < 0)
		return rc;
	if (v != (int)k)
		return mr_fail_value(r, "kind", "is \"%s\"; expected \"%s\"", names_get(&rec_kind_names, v),
				     names_get(&rec_kind_names, k));
	return 0;
}

/* not_here - a field that this record's action does not have: unknown_field */
static int not_here(mr *r, const char *key, const char *what)
{
	return mr_fail(r, JRP_ERR_UNKNOWN_FIELD, key, "is not a field of %s", what);
}

static void kopt(mw *w, const char *k, const char *v)
{
	if (v[0])
		mw_kstr(w, k, v);
}

static void kdate_opt(mw *w, const char *k, jrp_date d)
{
	if (d)
		mw_kdate(w, k, d);
}

/* ---- subjects and persons ---- */

static int check_code(mr *r, const char *key, jrp_id_type t, const char *code)
{
	char field[128];
	return codes_check(t, code, strlen(code), mr_field(r, key, field, sizeof field), r->e);
}

/* person_read - {name, id_type? (citizen), id_no}: a natural person's identity */
static int person_read(mr *ps, jrp_person *p)
{
	mr s = *ps;
	int t = ID_CITIZEN, rc;
	if ((rc = mr_text(&s, "name", MR_REQ, JRP_NAME_MAX, p->name)) < 0 ||
	    (rc = mr_enum(&s, "id_type", MR_OPT, &id_type_names, &t)) < 0)
		return rc;
	if (t != ID_CITIZEN && t != ID_HMT && t != ID_FOREIGN)
		return mr_fail_value(&s, "id_type", "must be citizen, hmt or foreign");
	p->id_type = (jrp_id_type)t;
	if ((rc = mr_cstr(&s, "id_no", MR_REQ, JRP_CODE_MAX, p->id_no)) < 0 ||
	    (rc = check_code(&s, "id_no", p->id_type, p->id_no)) < 0)
		return rc;
	return mr_end(&s);
}

static void person_write(mw *w, const jrp_person *p)
{
	mw_map(w);
	mw_kstr(w, "name", p->name);
	mw_kenum(w, "id_type", &id_type_names, p->id_type);
	mw_kstr(w, "id_no", p->id_no);
	mw_end(w);
}

/* subject_fields - type, id_type (defaulted), code (checked), name: the fields every subject has */
static int subject_fields(mr *s, jrp_subject *o)
{
	int t, id = 0, rc;
	if ((rc = mr_enum(s, "type", MR_REQ, &subject_type_names, &t)) < 0 ||
	    (rc = mr_enum(s, "id_type", MR_OPT, &id_type_names, &id)) < 0)
		return rc;
	o->type = (jrp_subject_type)t;
	if (!id)
		id = o->type == SUBJECT_ORG ? ID_USCC : ID_CITIZEN;
	if (o->type == SUBJECT_ORG ? id != ID_USCC : (id != ID_CITIZEN && id != ID_HMT && id != ID_FOREIGN))
		return mr_fail_value(s, "id_type", "\"%s\" is not an identifier for a subject of type %s (org: uscc; person: citizen, hmt, foreign)",
				     names_get(&id_type_names, id), names_get(&subject_type_names, t));
	o->id_type = (jrp_id_type)id;
	if ((rc = mr_cstr(s, "code", MR_REQ, JRP_CODE_MAX, o->code)) < 0 ||
	    (rc = check_code(s, "code", o->id_type, o->code)) < 0 ||
	    (rc = mr_text(s, "name", MR_REQ, JRP_NAME_MAX, o->name)) < 0)
		return rc;
	return 0;
}

int subject_read(mr *r, const char *key, jrp_subject *o)
{
	mr s;
	int rc;
	if ((rc = mr_map(r, key, MR_REQ, &s)) < 0 || (rc = subject_fields(&s, o)) < 0)
		return rc;
	return mr_end(&s);
}

static void subject_body(mw *w, const jrp_subject *s)
{
	mw_kenum(w, "type", &subject_type_names, s->type);
	mw_kenum(w, "id_type", &id_type_names, s->id_type);
	mw_kstr(w, "code", s->code);
	mw_kstr(w, "name", s->name);
}

void subject_write(mw *w, const char *key, const jrp_subject *s)
{
	mw_str(w, key);
	mw_map(w);
	subject_body(w, s);
	mw_end(w);
}

/* ---- what a change or a task is about: the entry's standard, domain, department, subject and link ---- */

static int about_read(mr *r, char *standard, char *domain, char *party, jrp_subject *subject, uint64_t *linked_to,
		      jrp_link_role *link_role)
{
	int v, rc;
	if ((rc = ocstr(r, "standard", JRP_STANDARD_MAX, standard)) < 0 || (rc = ocstr(r, "domain", JRP_ID_MAX, domain)) < 0 ||
	    (rc = mr_cstr(r, "party", MR_REQ, JRP_ID_MAX, party)) < 0 || (rc = subject_read(r, "subject", subject)) < 0 ||
	    (rc = ou64(r, "linked_to", linked_to)) < 0 || (rc = oenum(r, "link_role", &link_role_names, &v)) < 0)
		return rc;
	*link_role = (jrp_link_role)v;
	if (!*linked_to != !*link_role)
		return mr_fail(r, JRP_ERR_MISSING_FIELD, *linked_to ? "link_role" : "linked_to",
			       "linked_to and link_role come together");
	return 0;
}

static void about_write(mw *w, const char *standard, const char *domain, const char *party, const jrp_subject *subject,
			uint64_t linked_to, jrp_link_role link_role)
{
	kopt(w, "standard", standard);
	kopt(w, "domain", domain);
	mw_kstr(w, "party", party);
	subject_write(w, "subject", subject);
	if (linked_to) {
		mw_ku64(w, "linked_to", linked_to);
		mw_kenum(w, "link_role", &link_role_names, link_role);
	}
}

/* ---- a foreign entry's home (federation) ---- */

/* region_ok - a region is its exchange party's id: [a-z0-9_]{1,32} */
static bool region_ok(const char *s)
{
	size_t n = strlen(s);
	return n >= 1 && n <= JRP_ID_MAX && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

int origin_read(mr *r, const char *key, jrp_origin *o)
{
	mr m;
	int rc;
	/* absent: region "" is all a reader tests (no copy of the rest on the path of this region's own) */
	o->region[0] = 0;
	if ((rc = mr_map(r, key, MR_OPT, &m)) <= 0)
		return rc;
	if ((rc = mr_cstr(&m, "region", MR_REQ, JRP_ID_MAX, o->region)) < 0)
		return rc;
	if (!region_ok(o->region))
		return mr_fail_value(&m, "region", "\"%s\" is not a region id ([a-z0-9_]{1,32})", o->region);
	if ((rc = mr_u64(&m, "entry", MR_REQ, &o->entry)) < 0 || (rc = mr_u64(&m, "seq", MR_REQ, &o->seq)) < 0)
		return rc;
	if (!o->entry)
		return mr_fail_value(&m, "entry", "must be an entry id (1 or more)");
	if (!o->seq)
		return mr_fail_value(&m, "seq", "must be a change seq of the home region (1 or more)");
	if ((rc = mr_cstr(&m, "party", MR_REQ, JRP_ID_MAX, o->party)) < 0 ||
	    (rc = mr_cstr(&m, "standard", MR_REQ, JRP_STANDARD_MAX, o->standard)) < 0 ||
	    (rc = mr_cstr(&m, "standard_name", MR_REQ, JRP_TITLE_MAX, o->standard_name)) < 0 ||
	    (rc = mr_cstr(&m, "domain", MR_REQ, JRP_ID_MAX, o->domain)) < 0 ||
	    (rc = mr_cstr(&m, "catalog_version", MR_REQ, JRP_VERSION_MAX, o->catalog_version)) < 0)
		return rc;
	if ((rc = mr_end(&m)) < 0)
		return rc;
	return 1;
}

void origin_write(mw *w, const char *key, const jrp_origin *o)
{
	if (!o->region[0])
		return;
	mw_str(w, key);
	mw_map(w);
	mw_kstr(w, "region", o->region);
	mw_ku64(w, "entry", o->entry);
	mw_ku64(w, "seq", o->seq);
	mw_kstr(w, "party", o->party);
	mw_kstr(w, "standard", o->standard);
	mw_kstr(w, "standard_name", o->standard_name);
	mw_kstr(w, "domain", o->domain);
	mw_kstr(w, "catalog_version", o->catalog_version);
	mw_end(w);
}

/* the fields of the other kinds, refused on a foreign record by name (it is another region's entry, not a
 * department's record). A foreign record's fields on another kind are refused by the caller's mr_end
 * (unknown_field, naming them): no lookup more on the path of this region's own records */
static const char *const department_only[] = { "domain", "notice", "decision_no", "violation", "basis", "amount",
	"base_amount", "quantity", "extension", "publish_until", "order", "rating", "standard", "authority",
	"authority_code", "outcome", "final", "refers_to", "commitment", NULL };

/* refuse_fields - the first of keys r has: unknown_field, saying why */
static int refuse_fields(mr *r, const char *const *keys, const char *why)
{
	for (size_t i = 0; keys[i]; i++) {
		const msgpack_object *o = NULL;
		int rc = mr_any(r, keys[i], MR_OPT, &o);
		if (rc < 0)
			return rc;
		if (rc > 0)
			return mr_fail(r, JRP_ERR_UNKNOWN_FIELD, keys[i], "%s", why);
	}
	return 0;
}

/* foreign_read - the rest of a foreign record (record_id and kind are read): the home entry's subject,
 * decision, list, state, suspension, exit reason, validity and origin. The subject is the entry's
 * {type, id_type, code, name} (codes checked as ever): the home sends its linked persons' own entries */
static int foreign_read(mr *r, jrp_record *o)
{
	int v, rc;
	if ((rc = refuse_fields(r, department_only, "is not a field of a foreign record (another region's list entry: "
				"record_id, kind, subject, decision_date, list, state, suspended, reason, valid_from, "
				"valid_until, origin, facts)")) < 0)
		return rc;
	if ((rc = subject_read(r, "subject", &o->subject)) < 0 ||
	    (rc = mr_date(r, "decision_date", MR_REQ, &o->decision_date)) < 0 ||
	    (rc = mr_enum(r, "list", MR_REQ, &list_names, &v)) < 0)
		return rc;
	o->list = (jrp_list)v;
	if (o->list == LIST_WARNING)
		return mr_fail_value(r, "list", "a warning entry is derived by each region itself; it is not shared");
	if ((rc = mr_enum(r, "state", MR_REQ, &entry_state_names, &v)) < 0)
		return rc;
	o->origin_state = (jrp_entry_state)v;
	if (v != ENTRY_EFFECTIVE && v != ENTRY_EXITED)
		return mr_fail_value(r, "state", "a foreign entry is effective or exited (the home shares an entry once "
				     "it took effect)");
	if ((rc = mr_bool(r, "suspended", MR_REQ, &o->suspended)) < 0 || (rc = oenum(r, "reason", &exit_reason_names, &v)) < 0)
		return rc;
	o->exit_reason = (jrp_exit_reason)v;
	if (o->origin_state == ENTRY_EXITED && !o->exit_reason)
		return mr_fail(r, JRP_ERR_MISSING_FIELD, "reason", "an exited foreign entry says why it exited");
	if (o->origin_state != ENTRY_EXITED && o->exit_reason)
		return mr_fail_value(r, "reason", "only an exited foreign entry has a reason");
	if (o->suspended && o->origin_state == ENTRY_EXITED)
		return mr_fail_value(r, "suspended", "an exited entry is not suspended");
	if ((rc = mr_date(r, "valid_from", MR_REQ, &o->valid_from)) < 0 ||
	    (rc = mr_date(r, "valid_until", MR_REQ, &o->valid_until)) < 0)
		return rc;
	if (o->valid_until < o->valid_from)
		return mr_fail_value(r, "valid_until", "is before valid_from");
	if ((rc = origin_read(r, "origin", &o->origin)) < 0)
		return rc;
	if (rc == 0)
		return mr_fail(r, JRP_ERR_MISSING_FIELD, "origin", "a foreign record names its home: {region, entry, seq, "
			       "party, standard, standard_name, domain, catalog_version}");
	return otext(r, "facts", JRP_FACTS_MAX, o->facts);
}

/* ---- a department's record ---- */

/* org_person - an optional person of an organisation (subject.key): *has says if it is there */
static int org_person(mr *s, const jrp_record *o, const char *key, const char *what, bool *has, jrp_person *p)
{
	mr m;
	int rc;
	if ((rc = mr_map(s, key, MR_OPT, &m)) < 0)
		return rc;
	*has = rc > 0;
	if (*has && (rc = person_read(&m, p)) < 0)
		return rc;
	if (*has && o->subject.type != SUBJECT_ORG)
		return mr_fail_value(s, key, "only an organisation has %s", what);
	return 0;
}

/* record_subject - record.subject: the subject, its LEI, legal representative, actual controller and
 * responsible persons */
static int record_subject(mr *r, jrp_record *o)
{
	const msgpack_object_array *a;
	mr s;
	int rc;
	if ((rc = mr_map(r, "subject", MR_REQ, &s)) < 0 || (rc = subject_fields(&s, &o->subject)) < 0 ||
	    (rc = ocstr(&s, "lei", 20, o->lei)) < 0)
		return rc;
	if (o->lei[0] && (rc = check_code(&s, "lei", ID_LEI, o->lei)) < 0)
		return rc;
	if ((rc = org_person(&s, o, "legal_rep", "a legal representative", &o->has_legal_rep, &o->legal_rep)) < 0 ||
	    (rc = org_person(&s, o, "actual_controller", "an actual controller", &o->has_controller, &o->controller)) < 0)
		return rc;
	o->nresponsible = 0;
	if ((rc = mr_arr(&s, "responsible", MR_OPT, JRP_RESPONSIBLE_MAX, &a)) < 0)
		return rc;
	for (uint32_t i = 0; rc > 0 && i < a->size; i++) {
		char path[128], f[120];
		mr p;
		snprintf(path, sizeof path, "%s[%u]", mr_field(&s, "responsible", f, sizeof f), i);
		if ((rc = mr_init(&p, &a->ptr[i], path, s.e)) < 0 || (rc = person_read(&p, &o->responsible[i])) < 0)
			return rc;
		o->nresponsible++;
	}
	if (o->nresponsible && o->subject.type != SUBJECT_ORG)
		return mr_fail_value(&s, "responsible", "only an organisation has responsible persons");
	return mr_end(&s);
}

/* record_figures - base_amount, quantity, extension, publish_until: what some standards and 双公示
 * need beyond the amount */
static int record_figures(mr *r, jrp_record *o)
{
	char ext[16];
	int rc;
	o->base_amount = o->quantity = -1;
	memset(&o->extension, 0, sizeof o->extension);
	o->publish_until = 0;
	if ((rc = mr_i64(r, "base_amount", MR_OPT, &o->base_amount)) < 0)
		return rc;
	if (rc > 0 && o->base_amount <= 0)
		return mr_fail_value(r, "base_amount", "must be more than 0 (the amount is a share of it)");
	if (rc > 0 && o->amount < 0)
		return mr_fail(r, JRP_ERR_MISSING_FIELD, "amount", "base_amount is what the amount is a share of: "
			       "give the amount too");
	if ((rc = mr_i64(r, "quantity", MR_OPT, &o->quantity)) < 0)
		return rc;
	if (rc > 0 && o->quantity < 0)
		return mr_fail_value(r, "quantity", "must not be negative");
	if ((rc = ocstr(r, "extension", sizeof ext - 1, ext)) < 0)
		return rc;
	if (ext[0] && (period_parse(ext, &o->extension) != 0 || period_is_zero(o->extension)))
		return mr_fail_value(r, "extension", "\"%s\" is not a period such as 1y, 18m or 2y", ext);
	if ((rc = mr_date(r, "publish_until", MR_OPT, &o->publish_until)) < 0)
		return rc;
	{
		/* order: {date, due} - the order to correct or pay that came before the decision */
		mr m;
		o->order_date = o->order_due = 0;
		if ((rc = mr_map(r, "order", MR_OPT, &m)) < 0)
			return rc;
		if (rc > 0 && ((rc = mr_date(&m, "date", MR_REQ, &o->order_date)) < 0 ||
			       (rc = mr_date(&m, "due", MR_REQ, &o->order_due)) < 0 || (rc = mr_end(&m)) < 0))
			return rc;
		if (o->order_date && o->order_due < o->order_date)
			return mr_fail_value(r, "order.due", "is before the order's date");
		if (o->order_date > o->decision_date)
			return mr_fail_value(r, "order.date", "is after the decision date: the order comes first");
	}
	if (rc > 0 && o->publish_until < o->decision_date)
		return mr_fail_value(r, "publish_until", "ends before the decision date");
	return 0;
}

/* commitment_read - a commitment record's `commitment` {type, matter, due, content}, required there
 * and nowhere else (DOMAIN.md "Commitments and 双公示" [001 §(三)2]: 签订书面信用承诺在规定期限内提供).
 * The due date is after the decision and at most JRP_PROMISE_YEARS later: papers missing at 容缺受理
 * are supplied within days or months; a later date is a typing error, not a promise */
static int commitment_read(mr *r, jrp_record *o)
{
	mr c;
	int t, rc;
	char df[11];
	o->commitment.type = CT_NONE;
	o->commitment.matter[0] = o->commitment.content[0] = 0;
	o->commitment.due = 0;
	if ((rc = mr_map(r, "commitment", MR_OPT, &c)) < 0)
		return rc;
	if (rc == 0) {
		if (o->kind == RK_COMMITMENT)
			return mr_fail(r, JRP_ERR_MISSING_FIELD, "commitment",
				       "a commitment record says what was promised: {type, matter, due, content}");
		return 0;
	}
	if (o->kind != RK_COMMITMENT)
		return mr_fail_value(r, "commitment", "only a commitment record carries a commitment (this is a %s record)",
				     names_get(&credit_kind_names, o->kind));
	if ((rc = mr_enum(&c, "type", MR_REQ, &commitment_type_names, &t)) < 0 ||
	    (rc = mr_cstr(&c, "matter", MR_REQ, JRP_ID_MAX, o->commitment.matter)) < 0 ||
	    (rc = mr_date(&c, "due", MR_REQ, &o->commitment.due)) < 0 ||
	    (rc = mr_text(&c, "content", MR_REQ, JRP_PROMISE_MAX, o->commitment.content)) < 0 || (rc = mr_end(&c)) < 0)
		return rc;
	o->commitment.type = (jrp_commitment_type)t;
	if (o->commitment.due <= o->decision_date) {
		date_format(o->decision_date, df);
		return mr_fail_value(&c, "due", "must be after the decision date (%s)", df);
	}
	if (o->commitment.due > date_add_period(o->decision_date, (jrp_period){ .years = JRP_PROMISE_YEARS })) {
		date_format(date_add_period(o->decision_date, (jrp_period){ .years = JRP_PROMISE_YEARS }), df);
		return mr_fail_value(&c, "due", "is more than %d years after the decision date (at most %s)",
				     JRP_PROMISE_YEARS, df);
	}
	return 0;
}

int record_read(mr *r, jrp_record *o)
{
	int k, outcome = 0, has_final, rc;

	/* the foreign fields are zero on every other kind (region "" is what readers test), and the
	 * department's on a foreign record */
	o->list = LIST_RED;
	o->origin_state = ENTRY_PROPOSED;
	o->suspended = false;
	o->exit_reason = EXIT_NONE;
	o->valid_from = o->valid_until = 0;
	o->origin.region[0] = 0;
	if ((rc = mr_cstr(r, "record_id", MR_REQ, JRP_RECORD_ID_MAX, o->record_id)) < 0 ||
	    (rc = mr_enum(r, "kind", MR_REQ, &credit_kind_names, &k)) < 0)
		return rc;
	o->kind = (jrp_credit_kind)k;
	if (o->kind == RK_FOREIGN) {
		o->domain[0] = o->lei[0] = 0;
		o->has_legal_rep = o->has_controller = o->notice_linked = o->final = false;
		o->nresponsible = 0;
		o->notice_date = o->order_date = o->order_due = o->publish_until = 0;
		o->refers_to[0] = 0;
		memset(&o->commitment, 0, sizeof o->commitment);
		o->amount = o->base_amount = o->quantity = -1;
		memset(&o->extension, 0, sizeof o->extension);
		o->outcome = IVS_NONE;
		o->decision_no[0] = o->violation[0] = o->rating[0] = o->standard[0] = 0;
		o->authority[0] = o->authority_code[0] = o->basis[0] = o->facts[0] = 0;
		return foreign_read(r, o);
	}
	if ((rc = mr_cstr(r, "domain", MR_REQ, JRP_ID_MAX, o->domain)) < 0 ||
	    (rc = record_subject(r, o)) < 0 ||
	    (rc = mr_date(r, "decision_date", MR_REQ, &o->decision_date)) < 0)
		return rc;
	o->kind = (jrp_credit_kind)k;
	if ((rc = otext(r, "decision_no", JRP_DECISION_NO_MAX, o->decision_no)) < 0 ||
	    (rc = ocstr(r, "violation", 64, o->violation)) < 0 ||
	    (rc = otext(r, "facts", JRP_FACTS_MAX, o->facts)) < 0 ||
	    (rc = otext(r, "basis", JRP_BASISTEXT_MAX, o->basis)) < 0 ||
	    (rc = ocstr(r, "rating", 8, o->rating)) < 0 ||
	    (rc = ocstr(r, "standard", JRP_STANDARD_MAX, o->standard)) < 0 ||
	    (rc = otext(r, "authority", JRP_AUTHORITY_MAX, o->authority)) < 0 ||
	    (rc = ocstr(r, "authority_code", 18, o->authority_code)) < 0 ||
	    (rc = mr_enum(r, "outcome", MR_OPT, &interview_state_names, &outcome)) < 0)
		return rc;
	o->outcome = (jrp_interview_state)outcome;
	if (rc > 0 && (o->kind != RK_INTERVIEW || (outcome != IVS_HELD && outcome != IVS_REFUSED)))
		return mr_fail_value(r, "outcome", "only an interview record has an outcome: held or refused");
	{
		/* notice: {date, linked?} - the department told the subject before identification
		 * (DOMAIN.md Life 1 [001 §(二)2] 国办发〔2020〕49号 (八)) */
		mr n;
		o->notice_date = 0;
		o->notice_linked = false;
		if ((rc = mr_map(r, "notice", MR_OPT, &n)) < 0)
			return rc;
		if (rc > 0 && ((rc = mr_date(&n, "date", MR_REQ, &o->notice_date)) < 0 ||
			       (rc = mr_bool(&n, "linked", MR_OPT, &o->notice_linked)) < 0 || (rc = mr_end(&n)) < 0))
			return rc;
		if (o->notice_linked && !o->has_legal_rep && !o->nresponsible && !o->has_controller)
			return mr_fail_value(r, "notice.linked", "is true, but the record names no legal representative "
					     "or responsible person");
	}
	o->amount = -1;
	if ((rc = mr_i64(r, "amount", MR_OPT, &o->amount)) < 0)
		return rc;
	if (rc > 0 && o->amount < 0)
		return mr_fail_value(r, "amount", "must not be negative");
	if ((rc = record_figures(r, o)) < 0)
		return rc;
	if (o->authority_code[0] && (rc = check_code(r, "authority_code", ID_USCC, o->authority_code)) < 0)
		return rc;
	if (o->kind == RK_DETERMINATION && !o->standard[0])
		return mr_fail(r, JRP_ERR_MISSING_FIELD, "standard", "a determination names the standard it applies");
	/* finality (DOMAIN.md Life 1; 国家税务总局令第54号 第七条): a decision may be listed only once it is
	 * final; a record says so (final: true), or a later finality record reports it */
	o->final = false;
	if ((rc = mr_bool(r, "final", MR_OPT, &o->final)) < 0 ||
	    (has_final = rc, rc = ocstr(r, "refers_to", JRP_RECORD_ID_MAX, o->refers_to)) < 0)
		return rc;
	if (o->kind == RK_FINALITY) {
		if (!o->refers_to[0])
			return mr_fail(r, JRP_ERR_MISSING_FIELD, "refers_to",
				       "a finality record names the record (record_id) whose decision it reports on");
		if (!has_final)
			return mr_fail(r, JRP_ERR_MISSING_FIELD, "final",
				       "a finality record says final: true (the decision became final on decision_date) or "
				       "false (it was annulled on decision_date)");
	} else if (record_kind_refers(o->kind)) {
		if (!o->refers_to[0])
			return mr_fail(r, JRP_ERR_MISSING_FIELD, "refers_to",
				       "a commitment's result names the commitment record (record_id) it reports on");
	} else if (o->refers_to[0]) {
		return mr_fail_value(r, "refers_to", "only a finality record or a commitment's result (commitment_kept, "
				     "commitment_broken) refers to another record");
	}
	return commitment_read(r, o);
}

/* foreign_write - a foreign record's fields (record_write) */
static void foreign_write(mw *w, const jrp_record *o)
{
	subject_write(w, "subject", &o->subject);
	mw_kdate(w, "decision_date", o->decision_date);
	mw_kenum(w, "list", &list_names, o->list);
	mw_kenum(w, "state", &entry_state_names, o->origin_state);
	mw_kbool(w, "suspended", o->suspended);
	if (o->exit_reason)
		mw_kenum(w, "reason", &exit_reason_names, o->exit_reason);
	mw_kdate(w, "valid_from", o->valid_from);
	mw_kdate(w, "valid_until", o->valid_until);
	origin_write(w, "origin", &o->origin);
	kopt(w, "facts", o->facts);
	mw_end(w);
}

void record_write(mw *w, const jrp_record *o)
{
	mw_map(w);
	mw_kstr(w, "record_id", o->record_id);
	mw_kenum(w, "kind", &credit_kind_names, o->kind);
	if (o->kind == RK_FOREIGN) {
		foreign_write(w, o);
		return;
	}
	mw_kstr(w, "domain", o->domain);
	mw_str(w, "subject");
	mw_map(w);
	subject_body(w, &o->subject);
	kopt(w, "lei", o->lei);
	if (o->has_legal_rep) {
		mw_str(w, "legal_rep");
		person_write(w, &o->legal_rep);
	}
	if (o->nresponsible) {
		mw_str(w, "responsible");
		mw_arr(w);
		for (int i = 0; i < o->nresponsible; i++)
			person_write(w, &o->responsible[i]);
		mw_end(w);
	}
	if (o->has_controller) {
		mw_str(w, "actual_controller");
		person_write(w, &o->controller);
	}
	mw_end(w);
	mw_kdate(w, "decision_date", o->decision_date);
	if (o->notice_date) {
		mw_str(w, "notice");
		mw_map(w);
		mw_kdate(w, "date", o->notice_date);
		if (o->notice_linked)
			mw_kbool(w, "linked", true);
		mw_end(w);
	}
	kopt(w, "decision_no", o->decision_no);
	kopt(w, "violation", o->violation);
	kopt(w, "facts", o->facts);
	kopt(w, "basis", o->basis);
	if (o->amount >= 0)
		mw_ki64(w, "amount", o->amount);
	if (o->base_amount >= 0)
		mw_ki64(w, "base_amount", o->base_amount);
	if (o->quantity >= 0)
		mw_ki64(w, "quantity", o->quantity);
	if (!period_is_zero(o->extension)) {
		char ext[32];
		period_format(o->extension, ext, sizeof ext);
		mw_kstr(w, "extension", ext);
	}
	if (o->publish_until)
		mw_kdate(w, "publish_until", o->publish_until);
	kopt(w, "rating", o->rating);
	kopt(w, "standard", o->standard);
	kopt(w, "authority", o->authority);
	kopt(w, "authority_code", o->authority_code);
	if (o->outcome)
		mw_kenum(w, "outcome", &interview_state_names, o->outcome);
	if (o->final || o->kind == RK_FINALITY)
		mw_kbool(w, "final", o->final);
	kopt(w, "refers_to", o->refers_to);
	if (o->order_date) {
		mw_str(w, "order");
		mw_map(w);
		mw_kdate(w, "date", o->order_date);
		mw_kdate(w, "due", o->order_due);
		mw_end(w);
	}
	if (o->commitment.type) {
		mw_str(w, "commitment");
		mw_map(w);
		mw_kenum(w, "type", &commitment_type_names, o->commitment.type);
		mw_kstr(w, "matter", o->commitment.matter);
		mw_kdate(w, "due", o->commitment.due);
		mw_kstr(w, "content", o->commitment.content);
		mw_end(w);
	}
	mw_end(w);
}

/* ---- event ---- */

void event_encode(mw *w, const jrp_event *ev, const mw *rec)
{
	mw_map(w);
	mw_ku64(w, "seq", ev->seq);
	mw_kenum(w, "kind", &rec_kind_names, REC_EVENT);
	mw_ki64(w, "at", ev->at);
	mw_kstr(w, "party", ev->party);
	mw_ki64(w, "reported_workdays", ev->reported_workdays);
	mw_kbool(w, "late", ev->late);
	mw_str(w, "record");
	mw_raw(w, mw_data(rec), mw_len(rec));
	mw_end(w);
}

int event_decode(const msgpack_object *o, jrp_event *ev, jrp_error *e)
{
	mr r, rr;
	int64_t wd;
	int rc;
	if ((rc = mr_init(&r, o, "", e)) < 0 || (rc = mr_u64(&r, "seq", MR_REQ, &ev->seq)) < 0 ||
	    (rc = kind_is(&r, REC_EVENT)) < 0 || (rc = mr_i64(&r, "at", MR_REQ, &ev->at)) < 0 ||
	    (rc = mr_cstr(&r, "party", MR_REQ, JRP_ID_MAX, ev->party)) < 0 ||
	    (rc = mr_i64(&r, "reported_workdays", MR_REQ, &wd)) < 0 || (rc = mr_bool(&r, "late", MR_REQ, &ev->late)) < 0)
		return rc;
	if (wd < -100000 || wd > 100000)
		return mr_fail_value(&r, "reported_workdays", "is out of range");
	ev->reported_workdays = (int32_t)wd;
	if ((rc = mr_map(&r, "record", MR_REQ, &rr)) < 0 || (rc = record_read(&rr, &ev->record)) < 0 ||
	    (rc = mr_end(&rr)) < 0)
		return rc;
	return mr_end(&r);
}

/* ---- change ---- */

/* the wire's "reason" of a change, by action */
static const jrp_names *change_reason_table(jrp_change_action a)
{
	switch (a) {
	case CH_EXITED: case CH_REVOKED: case CH_REFUSED: return &exit_reason_names;
	case CH_OBJECTION_DECIDED: return &outcome_names;
	case CH_REPAIR_DECIDED: return &repair_state_names;
	default: return NULL;
	}
}

static int change_reason(const jrp_change *c)
{
	switch (c->action) {
	case CH_EXITED: case CH_REVOKED: case CH_REFUSED: return (int)c->exit_reason;
	case CH_OBJECTION_DECIDED: return (int)c->outcome;
	case CH_REPAIR_DECIDED: return (int)c->repair;
	default: return 0;
	}
}

void change_encode(mw *w, const jrp_change *c)
{
	const jrp_names *rt = change_reason_table(c->action);
	mw_map(w);
	mw_ku64(w, "seq", c->seq);
	if (c->change_seq)
		mw_ku64(w, "change_seq", c->change_seq);
	mw_kenum(w, "kind", &rec_kind_names, REC_CHANGE);
	mw_kenum(w, "action", &change_action_names, c->action);
	mw_ki64(w, "at", c->at);
	mw_kstr(w, "by", c->by);
	if (rt)
		mw_kenum(w, "reason", rt, change_reason(c));
	if (c->action == CH_INTERVIEW_DUE)
		mw_kenum(w, "interview", &interview_kind_names, c->interview);
	else if (c->action == CH_INTERVIEW_RECORDED)
		mw_kenum(w, "interview", &interview_state_names, c->interview_outcome);
	kdate_opt(w, "decide_by", c->decide_by);
	if (c->restoration)
		mw_kbool(w, "restoration", true);
	kopt(w, "note", c->note);
	mw_ku64(w, "entry", c->entry);
	mw_kenum(w, "list", &list_names, c->list);
	about_write(w, c->standard, c->domain, c->party, &c->subject, c->linked_to, c->link_role);
	if (c->derived)
		mw_kenum(w, "derived", &derived_names, c->derived);
	if (c->suspended)
		mw_kbool(w, "suspended", true);
	mw_ku64(w, "record_seq", c->record_seq);
	kopt(w, "record_id", c->record_id);
	mw_kdate(w, "decision_date", c->decision_date);
	kdate_opt(w, "valid_from", c->valid_from);
	mw_kdate(w, "valid_until", c->valid_until);
	kdate_opt(w, "objection_end", c->objection_end);
	mw_kstr(w, "catalog_version", c->catalog_version);
	origin_write(w, "origin", &c->origin);
	mw_end(w);
}

int change_decode(const msgpack_object *o, bool copy, jrp_change *c, jrp_error *e)
{
	const jrp_names *rt;
	mr r;
	int a, v, rc;

	if ((rc = mr_init(&r, o, "", e)) < 0 || (rc = mr_u64(&r, "seq", MR_REQ, &c->seq)) < 0 ||
	    (rc = mr_u64(&r, "change_seq", copy ? MR_REQ : MR_OPT, &c->change_seq)) < 0)
		return rc;
	if (!copy && rc > 0)
		return not_here(&r, "change_seq", "a change in adjudicate's log");
	if (!copy)
		c->change_seq = 0;
	if ((rc = kind_is(&r, REC_CHANGE)) < 0 || (rc = mr_enum(&r, "action", MR_REQ, &change_action_names, &a)) < 0 ||
	    (rc = mr_i64(&r, "at", MR_REQ, &c->at)) < 0 || (rc = mr_cstr(&r, "by", MR_REQ, JRP_ID_MAX, c->by)) < 0)
		return rc;
	c->action = (jrp_change_action)a;
	c->exit_reason = EXIT_NONE;
	c->outcome = OUTCOME_NONE;
	c->repair = RP_NONE;
	c->interview = IV_NONE;
	c->interview_outcome = IVS_NONE;
	rt = change_reason_table(c->action);
	v = 0;
	if (rt && (rc = mr_enum(&r, "reason", MR_REQ, rt, &v)) < 0)
		return rc;
	if (!rt && (rc = mr_any(&r, "reason", MR_OPT, &(const msgpack_object *){ NULL })) != 0)
		return rc < 0 ? rc : not_here(&r, "reason", "this change action");
	if (rt == &exit_reason_names)
		c->exit_reason = (jrp_exit_reason)v;
	else if (rt == &outcome_names)
		c->outcome = (jrp_outcome)v;
	else if (rt == &repair_state_names) {
		if (v != RP_APPROVED && v != RP_REJECTED)
			return mr_fail_value(&r, "reason", "a repair decision is approved or rejected");
		c->repair = (jrp_repair_state)v;
	}
	if (c->action == CH_INTERVIEW_DUE) {
		if ((rc = mr_enum(&r, "interview", MR_REQ, &interview_kind_names, &v)) < 0)
			return rc;
		c->interview = (jrp_interview_kind)v;
	} else if (c->action == CH_INTERVIEW_RECORDED) {
		if ((rc = mr_enum(&r, "interview", MR_REQ, &interview_state_names, &v)) < 0)
			return rc;
		if (v != IVS_HELD && v != IVS_REFUSED)
			return mr_fail_value(&r, "interview", "an interview record says held or refused");
		c->interview_outcome = (jrp_interview_state)v;
	} else if ((rc = mr_any(&r, "interview", MR_OPT, &(const msgpack_object *){ NULL })) != 0) {
		return rc < 0 ? rc : not_here(&r, "interview", "this change action");
	}
	if ((rc = odate(&r, "decide_by", &c->decide_by)) < 0)
		return rc;
	if ((c->action == CH_NOTICE_DUE || c->action == CH_OBJECTION_FILED || c->action == CH_REPAIR_APPLIED) &&
	    !c->decide_by)
		return mr_fail(&r, JRP_ERR_MISSING_FIELD, "decide_by", "is required for %s", names_get(&change_action_names, a));
	if ((rc = obool(&r, "restoration", &c->restoration)) < 0 || (rc = otext(&r, "note", JRP_NOTE_MAX, c->note)) < 0 ||
	    (rc = mr_u64(&r, "entry", MR_REQ, &c->entry)) < 0 || (rc = mr_enum(&r, "list", MR_REQ, &list_names, &v)) < 0)
		return rc;
	c->list = (jrp_list)v;
	if ((rc = about_read(&r, c->standard, c->domain, c->party, &c->subject, &c->linked_to, &c->link_role)) < 0)
		return rc;
	if ((rc = oenum(&r, "derived", &derived_names, &v)) < 0)
		return rc;
	c->derived = (jrp_derived)v;
	if ((rc = obool(&r, "suspended", &c->suspended)) < 0 || (rc = mr_u64(&r, "record_seq", MR_REQ, &c->record_seq)) < 0 ||
	    (rc = ocstr(&r, "record_id", JRP_RECORD_ID_MAX, c->record_id)) < 0 ||
	    (rc = mr_date(&r, "decision_date", MR_REQ, &c->decision_date)) < 0 ||
	    (rc = odate(&r, "valid_from", &c->valid_from)) < 0 ||
	    (rc = mr_date(&r, "valid_until", MR_REQ, &c->valid_until)) < 0 ||
	    (rc = odate(&r, "objection_end", &c->objection_end)) < 0 ||
	    (rc = mr_cstr(&r, "catalog_version", MR_REQ, JRP_VERSION_MAX, c->catalog_version)) < 0 ||
	    (rc = origin_read(&r, "origin", &c->origin)) < 0)
		return rc;
	/* a foreign entry that no receiving standard took (refused, no_standard) has none either */
	if (!c->standard[0] && c->list != LIST_WARNING && !(c->origin.region[0] && c->action == CH_REFUSED))
		return mr_fail(&r, JRP_ERR_MISSING_FIELD, "standard", "only a derived warning entry (or a foreign entry "
			       "refused for want of a receiving standard) has no standard");
	return mr_end(&r);
}

/* ---- task ---- */

const char *task_what(const jrp_task *t)
{
	return t->cls == CLASS_DUTY ? names_get(&duty_names, t->duty) : names_get(&task_action_names, t->action);
}

void task_encode(mw *w, const jrp_task *t)
{
	mw_map(w);
	mw_ku64(w, "seq", t->seq);
	mw_kenum(w, "kind", &rec_kind_names, REC_TASK);
	mw_ku64(w, "task", t->seq);
	mw_kstr(w, "action", task_what(t));
	if (t->reason)
		mw_kenum(w, "reason", &exit_reason_names, t->reason);
	mw_kstr(w, "agency", t->agency);
	mw_ki64(w, "at", t->at);
	mw_kenum(w, "class", &task_class_names, t->cls);
	if (t->cls != CLASS_DUTY) {
		mw_kstr(w, "measure", t->measure);
		mw_kstr(w, "measure_name", t->measure_name);
		mw_kenum(w, "measure_type", &measure_type_names, t->measure_type);
		mw_kstr(w, "basis", t->basis);
		mw_str(w, "matters");
		mw_arr(w);
		for (int i = 0; i < t->nmatters; i++)
			mw_str(w, t->matters[i]);
		mw_end(w);
	}
	mw_ku64(w, "entry", t->entry);
	mw_kenum(w, "list", &list_names, t->list);
	kopt(w, "standard_name", t->standard_name);
	about_write(w, t->standard, t->domain, t->party, &t->subject, t->linked_to, t->link_role);
	kdate_opt(w, "valid_from", t->valid_from);
	mw_kdate(w, "valid_until", t->valid_until);
	if (t->interview)
		mw_kenum(w, "interview", &interview_kind_names, t->interview);
	kopt(w, "note", t->note);
	mw_kstr(w, "catalog_version", t->catalog_version);
	kdate_opt(w, "feedback_due", t->feedback_due);
	origin_write(w, "origin", &t->origin);
	mw_end(w);
}

int task_decode(const msgpack_object *o, jrp_task *t, jrp_error *e)
{
	mr r;
	uint64_t task;
	int v, rc;

	if ((rc = mr_init(&r, o, "", e)) < 0 || (rc = mr_u64(&r, "seq", MR_REQ, &t->seq)) < 0 ||
	    (rc = kind_is(&r, REC_TASK)) < 0 || (rc = mr_u64(&r, "task", MR_REQ, &task)) < 0)
		return rc;
	if (task != t->seq)
		return mr_fail_value(&r, "task", "is %llu; a task's id is its seq (%llu)", (unsigned long long)task,
				     (unsigned long long)t->seq);
	if ((rc = mr_enum(&r, "class", MR_REQ, &task_class_names, &v)) < 0)
		return rc;
	t->cls = (jrp_task_class)v;
	t->action = TA_APPLY;
	t->duty = DUTY_NOTICE;
	if ((rc = mr_enum(&r, "action", MR_REQ, t->cls == CLASS_DUTY ? &duty_names : &task_action_names, &v)) < 0)
		return rc;
	if (t->cls == CLASS_DUTY)
		t->duty = (jrp_duty)v;
	else
		t->action = (jrp_task_action)v;
	if ((rc = oenum(&r, "reason", &exit_reason_names, &v)) < 0 ||
	    (rc = mr_cstr(&r, "agency", MR_REQ, JRP_ID_MAX, t->agency)) < 0 || (rc = mr_i64(&r, "at", MR_REQ, &t->at)) < 0)
		return rc;
	t->reason = (jrp_exit_reason)v;
	t->measure[0] = t->measure_name[0] = t->basis[0] = 0;
	t->measure_type = MT_PUNISHMENT;
	t->nmatters = 0;
	if (t->cls != CLASS_DUTY) {
		const msgpack_object_array *ms;
		if ((rc = mr_cstr(&r, "measure", MR_REQ, JRP_MEASURE_MAX, t->measure)) < 0 ||
		    (rc = mr_cstr(&r, "measure_name", MR_REQ, JRP_TITLE_MAX, t->measure_name)) < 0 ||
		    (rc = mr_enum(&r, "measure_type", MR_REQ, &measure_type_names, &v)) < 0)
			return rc;
		t->measure_type = (jrp_measure_type)v;
		{
			const char *s;
			size_t n;
			if ((rc = mr_str(&r, "basis", MR_REQ, JRP_BASIS_MAX, &s, &n)) < 0)
				return rc;
			memcpy(t->basis, s, n);
			t->basis[n] = 0;
		}
		if ((rc = mr_arr(&r, "matters", MR_REQ, JRP_MATTERS_MAX, &ms)) < 0)
			return rc;
		for (uint32_t i = 0; i < ms->size; i++) {
			const msgpack_object *m = &ms->ptr[i];
			if (m->type != MSGPACK_OBJECT_STR || m->via.str.size == 0 || m->via.str.size > JRP_ID_MAX ||
			    !utf8_valid(m->via.str.ptr, m->via.str.size))
				return mr_fail_value(&r, "matters", "item %u must be a matter kind id of at most %d bytes", i,
						     JRP_ID_MAX);
			memcpy(t->matters[i], m->via.str.ptr, m->via.str.size);
			t->matters[i][m->via.str.size] = 0;
			t->nmatters++;
		}
	}
	if ((rc = mr_u64(&r, "entry", MR_REQ, &t->entry)) < 0 || (rc = mr_enum(&r, "list", MR_REQ, &list_names, &v)) < 0)
		return rc;
	t->list = (jrp_list)v;
	if ((rc = about_read(&r, t->standard, t->domain, t->party, &t->subject, &t->linked_to, &t->link_role)) < 0 ||
	    (rc = ocstr(&r, "standard_name", JRP_TITLE_MAX, t->standard_name)) < 0)
		return rc;
	if ((rc = odate(&r, "valid_from", &t->valid_from)) < 0 || (rc = mr_date(&r, "valid_until", MR_REQ, &t->valid_until)) < 0 ||
	    (rc = oenum(&r, "interview", &interview_kind_names, &v)) < 0)
		return rc;
	t->interview = (jrp_interview_kind)v;
	if ((rc = otext(&r, "note", JRP_NOTE_MAX, t->note)) < 0 ||
	    (rc = mr_cstr(&r, "catalog_version", MR_REQ, JRP_VERSION_MAX, t->catalog_version)) < 0 ||
	    (rc = odate(&r, "feedback_due", &t->feedback_due)) < 0 || (rc = origin_read(&r, "origin", &t->origin)) < 0)
		return rc;
	return mr_end(&r);
}

/* ---- check ---- */

void check_encode(mw *w, const jrp_check *c)
{
	mw_map(w);
	if (c->seq)
		mw_ku64(w, "seq", c->seq);
	mw_kenum(w, "kind", &rec_kind_names, REC_CHECK);
	mw_kstr(w, "check_id", c->check_id);
	mw_ki64(w, "at", c->at);
	mw_kstr(w, "party", c->party);
	mw_kstr(w, "subject", c->subject);
	mw_kstr(w, "matter", c->matter);
	mw_kbool(w, "listed", c->listed);
	mw_str(w, "lists");
	mw_arr(w);
	for (int l = 0; l < LIST__N; l++)
		if (c->lists & (1u << l))
			mw_str(w, list_name((jrp_list)l));
	mw_end(w);
	mw_ku64(w, "as_of", c->as_of);
	mw_end(w);
}

int check_decode(const msgpack_object *o, jrp_check *c, jrp_error *e)
{
	const msgpack_object_array *ls;
	mr r;
	int rc;

	if ((rc = mr_init(&r, o, "", e)) < 0 || (rc = ou64(&r, "seq", &c->seq)) < 0 || (rc = kind_is(&r, REC_CHECK)) < 0 ||
	    (rc = mr_cstr(&r, "check_id", MR_REQ, JRP_CHECK_ID_MAX, c->check_id)) < 0 ||
	    (rc = mr_i64(&r, "at", MR_REQ, &c->at)) < 0 || (rc = mr_cstr(&r, "party", MR_REQ, JRP_ID_MAX, c->party)) < 0 ||
	    (rc = mr_cstr(&r, "subject", MR_REQ, JRP_CODE_MAX, c->subject)) < 0 ||
	    (rc = mr_cstr(&r, "matter", MR_REQ, JRP_ID_MAX, c->matter)) < 0 ||
	    (rc = mr_bool(&r, "listed", MR_REQ, &c->listed)) < 0 || (rc = mr_arr(&r, "lists", MR_REQ, LIST__N, &ls)) < 0)
		return rc;
	c->lists = 0;
	for (uint32_t i = 0; i < ls->size; i++) {
		const msgpack_object *l = &ls->ptr[i];
		int v = l->type == MSGPACK_OBJECT_STR ? names_find(&list_names, l->via.str.ptr, l->via.str.size) : -1;
		if (v < 0)
			return mr_fail_value(&r, "lists", "item %u is not a list (red, black, focus, warning)", i);
		c->lists |= 1u << v;
	}
	if (c->listed != (c->lists != 0))
		return mr_fail_value(&r, "listed", "says %s, but lists has %u item(s)", c->listed ? "true" : "false", ls->size);
	if ((rc = mr_u64(&r, "as_of", MR_REQ, &c->as_of)) < 0)
		return rc;
	return mr_end(&r);
}

/* ---- any record ---- */

int rec_kind(const msgpack_object *o, jrp_rec_kind *k, jrp_error *e)
{
	const msgpack_object *v = o->type == MSGPACK_OBJECT_MAP ? obj_get(o, "kind") : NULL;
	int i;
	if (!v || v->type != MSGPACK_OBJECT_STR)
		return jrp_fail(e, JRP_ERR_BAD_MESSAGE, "kind", "a log record is a map with a string \"kind\"");
	if ((i = names_find(&rec_kind_names, v->via.str.ptr, v->via.str.size)) < 0) {
		jrp_fail(e, JRP_ERR_BAD_VALUE, "kind", "record kind \"%.*s\" is not one this build knows",
			 (int)(v->via.str.size > 40 ? 40 : v->via.str.size), v->via.str.ptr);
		return JRP_EUNKNOWN;
	}
	*k = (jrp_rec_kind)i;
	return 0;
}

int rec_decode(const msgpack_object *o, unsigned mask, bool copy, jrp_rec *r, jrp_error *e)
{
	int rc;
	if ((rc = rec_kind(o, &r->kind, e)) < 0)
		return rc;
	if (!(mask & (1u << r->kind))) {
		jrp_fail(e, JRP_ERR_BAD_VALUE, "kind", "a record of kind \"%s\" is not expected in this log",
			 names_get(&rec_kind_names, r->kind));
		return JRP_EUNKNOWN;
	}
	switch (r->kind) {
	case REC_EVENT: return event_decode(o, &r->u.event, e);
	case REC_CHANGE: return change_decode(o, copy, &r->u.change, e);
	case REC_TASK: return task_decode(o, &r->u.task, e);
	case REC_CHECK: return check_decode(o, &r->u.check, e);
	case REC__N: break;
	}
	return JRP_EUNKNOWN;
}

int rec_decode_bytes(const void *buf, size_t len, unsigned mask, bool copy, jrp_rec *r, jrp_error *e)
{
	msg_in in;
	int rc = msg_parse_ref(buf, len, SIZE_MAX, &in, e);
	if (rc == 0)
		rc = rec_decode(in.root, mask, copy, r, e);
	msg_in_free(&in);
	return rc;
}

void rec_key(const msgpack_object *o, char *buf, size_t n)
{
	const msgpack_object *k = o->type == MSGPACK_OBJECT_MAP ? obj_get(o, "kind") : NULL;
	char code[JRP_CODE_MAX + 1];
	buf[0] = 0;
	if (!k || k->type != MSGPACK_OBJECT_STR)
		return;
	if (obj_str_eq(k, "record")) {
		obj_cstr(obj_get(obj_get(o, "record"), "subject"), "code", code, sizeof code);
		if (code[0])
			snprintf(buf, n, "subject:%s", code);
	} else if (obj_str_eq(k, "change") || obj_str_eq(k, "task") || obj_str_eq(k, "shared")) {
		/* "shared" (exchange.h): another region's entry, its states applied in order like a change's */
		const msgpack_object *e = obj_get(o, "entry");
		if (e && e->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
			snprintf(buf, n, "entry:%llu", (unsigned long long)e->via.u64);
	}
}
