/*
 * record.c - validate a department's record and encode it for the event log
 *
 * Everything a record says is checked here, once, at the front door: field
 * types and lengths, the subject's code by its check algorithm, the kind and
 * domain against the catalogue, the department's right to report in that
 * domain (DOMAIN.md "Who uses it"), dates. Adjudicate trusts the event log.
 */
#include "record.h"
#include <stddef.h>
#include <string.h>

static int opt_str(mr *r, const char *key, size_t max, char *buf)
{
	int rc = mr_cstr(r, key, MR_OPT, max, buf);
	if (rc == 0)
		buf[0] = 0;
	return rc;
}

static int parse_date(mr *r, const char *key, int opt, jrp_date *out)
{
	char s[16];
	int rc = mr_cstr(r, key, opt, 10, s);
	if (rc <= 0)
		return rc;
	if (date_parse(s, strlen(s), out) < 0)
		return mr_fail_value(r, key, "\"%s\" is not a valid date (YYYY-MM-DD)", s);
	return 1;
}

static int check_code(mr *r, const char *key, const char *id_type, const char *code)
{
	jrp_id_type t = codes_id_type_parse(id_type);
	char field[128];
	return codes_check(t, code, strlen(code), mr_field(r, key, field, sizeof field), r->e);
}

static int person_fields(mr *s, person_ref *p);

static int parse_person(mr *parent, const char *key, person_ref *p, bool *has)
{
	mr s;
	int rc = mr_map(parent, key, MR_OPT, &s);
	*has = false;
	if (rc <= 0)
		return rc;
	if ((rc = person_fields(&s, p)) < 0)
		return rc;
	*has = true;
	return 1;
}

/* parse_responsible - subject.responsible: the responsible persons of an organisation */
static int parse_responsible(mr *parent, record *o)
{
	const msgpack_object_array *a;
	int rc = mr_arr(parent, "responsible", MR_OPT, RECORD_MAX_RESPONSIBLE, &a);
	if (rc <= 0)
		return rc;
	for (uint32_t i = 0; i < a->size; i++) {
		char path[128], f[120];
		mr s;
		snprintf(path, sizeof path, "%s[%u]", mr_field(parent, "responsible", f, sizeof f), i);
		if ((rc = mr_init(&s, &a->ptr[i], path, parent->e)) < 0 ||
		    (rc = person_fields(&s, &o->responsible[o->nresponsible])) < 0)
			return rc;
		o->nresponsible++;
	}
	return 1;
}

static int person_fields(mr *ps, person_ref *p)
{
	mr s = *ps;
	int rc;
	if ((rc = mr_cstr(&s, "name", MR_REQ, 200, p->name)) < 0 ||
	    (rc = opt_str(&s, "id_type", 15, p->id_type)) < 0 ||
	    (rc = mr_cstr(&s, "id_no", MR_REQ, 32, p->id_no)) < 0)
		return rc;
	if (!p->id_type[0])
		strcpy(p->id_type, "citizen");
	if (!codes_id_type_parse(p->id_type) || strcmp(p->id_type, "uscc") == 0 || strcmp(p->id_type, "lei") == 0)
		return mr_fail_value(&s, "id_type", "must be citizen, hmt or foreign");
	if ((rc = check_code(&s, "id_no", p->id_type, p->id_no)) < 0)
		return rc;
	return mr_end(&s);
}

static int parse_subject(mr *r, record *o)
{
	mr s;
	int rc;
	if ((rc = mr_map(r, "subject", MR_REQ, &s)) < 0)
		return rc;
	if ((rc = mr_cstr(&s, "type", MR_REQ, 7, o->subject_type)) < 0)
		return rc;
	if (!subject_type_parse(o->subject_type))
		return mr_fail_value(&s, "type", "must be \"org\" or \"person\", got \"%s\"", o->subject_type);
	if ((rc = opt_str(&s, "id_type", 15, o->id_type)) < 0)
		return rc;
	if (!o->id_type[0])
		strcpy(o->id_type, strcmp(o->subject_type, "org") == 0 ? "uscc" : "citizen");
	if (strcmp(o->subject_type, "org") == 0 ? strcmp(o->id_type, "uscc") != 0 :
	    (strcmp(o->id_type, "citizen") != 0 && strcmp(o->id_type, "hmt") != 0 && strcmp(o->id_type, "foreign") != 0))
		return mr_fail_value(&s, "id_type", "\"%s\" is not an identifier for a subject of type %s (org: uscc; person: citizen, hmt, foreign)",
				     o->id_type, o->subject_type);
	if ((rc = mr_cstr(&s, "code", MR_REQ, 32, o->code)) < 0 ||
	    (rc = check_code(&s, "code", o->id_type, o->code)) < 0 ||
	    (rc = mr_cstr(&s, "name", MR_REQ, 200, o->name)) < 0 ||
	    (rc = opt_str(&s, "lei", 20, o->lei)) < 0)
		return rc;
	if (o->lei[0] && (rc = check_code(&s, "lei", "lei", o->lei)) < 0)
		return rc;
	if ((rc = parse_person(&s, "legal_rep", &o->legal_rep, &o->has_legal_rep)) < 0)
		return rc;
	if (o->has_legal_rep && strcmp(o->subject_type, "org") != 0)
		return mr_fail_value(&s, "legal_rep", "only an organisation has a legal representative");
	if ((rc = parse_responsible(&s, o)) < 0)
		return rc;
	if (o->nresponsible && strcmp(o->subject_type, "org") != 0)
		return mr_fail_value(&s, "responsible", "only an organisation has responsible persons");
	return mr_end(&s);
}

int record_parse(mr *r, const jrp_catalog *cat, const jrp_party *dept, jrp_date today, record *o, jrp_error *e)
{
	int rc;
	char df[11];

	/* zero everything but the large text buffers (8.7 KB of the struct: zeroing them was 15%
	 * of ingest's instructions); those are always written, NUL-terminated, when parsed */
	memset(o, 0, offsetof(record, responsible));
	o->nresponsible = 0;
	memset(o->decision_no, 0, offsetof(record, facts) - offsetof(record, decision_no));
	o->facts[0] = 0;
	o->basis[0] = 0;
	memset(&o->amount, 0, sizeof *o - offsetof(record, amount));
	o->amount = -1;
	if ((rc = mr_cstr(r, "record_id", MR_REQ, 64, o->record_id)) < 0 ||
	    (rc = mr_cstr(r, "kind", MR_REQ, 32, o->kind)) < 0)
		return rc;
	if (!catalog_kind(cat, o->kind))
		return mr_fail_value(r, "kind", "\"%s\" is not a record kind of catalogue %s", o->kind, cat->version);
	if ((rc = mr_cstr(r, "domain", MR_REQ, 32, o->domain)) < 0)
		return rc;
	if (!catalog_domain(cat, o->domain))
		return mr_fail(r, JRP_ERR_UNKNOWN_DOMAIN, "domain", "\"%s\" is not a domain of catalogue %s", o->domain,
			       cat->version);
	if (!party_has_domain(dept, o->domain))
		return mr_fail(r, JRP_ERR_FORBIDDEN, "domain", "department \"%s\" does not identify in domain \"%s\"",
			       dept->id, o->domain);
	if ((rc = parse_subject(r, o)) < 0)
		return rc;
	if ((rc = parse_date(r, "decision_date", MR_REQ, &o->decision_date)) < 0)
		return rc;
	if (o->decision_date > today) {
		date_format(today, df);
		return mr_fail_value(r, "decision_date", "is in the future (today is %s)", df);
	}
	if ((rc = opt_str(r, "decision_no", 100, o->decision_no)) < 0 ||
	    (rc = opt_str(r, "violation", 64, o->violation)) < 0 ||
	    (rc = opt_str(r, "facts", 4000, o->facts)) < 0 ||
	    (rc = opt_str(r, "basis", 1000, o->basis)) < 0 ||
	    (rc = opt_str(r, "rating", 8, o->rating)) < 0 ||
	    (rc = opt_str(r, "standard", 64, o->standard)) < 0 ||
	    (rc = opt_str(r, "authority", 200, o->authority)) < 0 ||
	    (rc = opt_str(r, "authority_code", 18, o->authority_code)) < 0 ||
	    (rc = opt_str(r, "outcome", 8, o->outcome)) < 0)
		return rc;
	if (o->outcome[0] && (strcmp(o->kind, "interview") != 0 ||
			      (strcmp(o->outcome, "held") != 0 && strcmp(o->outcome, "refused") != 0)))
		return mr_fail_value(r, "outcome", "only an interview record has an outcome: held or refused");
	if ((rc = mr_i64(r, "amount", MR_OPT, &o->amount)) < 0)
		return rc;
	if (rc > 0 && o->amount < 0)
		return mr_fail_value(r, "amount", "must not be negative");
	if (o->authority_code[0] && (rc = check_code(r, "authority_code", "uscc", o->authority_code)) < 0)
		return rc;
	if (strcmp(o->kind, "determination") == 0 && !o->standard[0])
		return mr_fail(r, JRP_ERR_MISSING_FIELD, "standard", "a determination names the standard it applies");
	if (o->standard[0]) {
		const jrp_standard *s = catalog_standard(cat, o->standard);
		if (!s)
			return mr_fail(r, JRP_ERR_UNKNOWN_STANDARD, "standard", "\"%s\" is not a standard of catalogue %s",
				       o->standard, cat->version);
		if (strcmp(s->domain, o->domain) != 0)
			return mr_fail_value(r, "standard", "standard \"%s\" belongs to domain \"%s\", not \"%s\"",
					     o->standard, s->domain, o->domain);
		if (!(s->subject_types & subject_type_parse(o->subject_type)))
			return mr_fail_value(r, "standard", "standard \"%s\" does not apply to subjects of type %s",
					     o->standard, o->subject_type);
	}
	(void)e;
	return mr_end(r);
}

static void kopt(mw *w, const char *k, const char *v)
{
	if (v[0])
		mw_kstr(w, k, v);
}

static void person_encode(mw *w, const person_ref *p)
{
	mw_map(w);
	mw_kstr(w, "name", p->name);
	mw_kstr(w, "id_type", p->id_type);
	mw_kstr(w, "id_no", p->id_no);
	mw_end(w);
}

void record_encode(const record *o, mw *w)
{
	mw_map(w);
	mw_kstr(w, "record_id", o->record_id);
	mw_kstr(w, "kind", o->kind);
	mw_kstr(w, "domain", o->domain);
	mw_str(w, "subject");
	mw_map(w);
	mw_kstr(w, "type", o->subject_type);
	mw_kstr(w, "id_type", o->id_type);
	mw_kstr(w, "code", o->code);
	mw_kstr(w, "name", o->name);
	kopt(w, "lei", o->lei);
	if (o->has_legal_rep) {
		mw_str(w, "legal_rep");
		person_encode(w, &o->legal_rep);
	}
	if (o->nresponsible) {
		mw_str(w, "responsible");
		mw_arr(w);
		for (int i = 0; i < o->nresponsible; i++)
			person_encode(w, &o->responsible[i]);
		mw_end(w);
	}
	mw_end(w);
	mw_kdate(w, "decision_date", o->decision_date);
	kopt(w, "decision_no", o->decision_no);
	kopt(w, "violation", o->violation);
	kopt(w, "facts", o->facts);
	kopt(w, "basis", o->basis);
	if (o->amount >= 0)
		mw_ki64(w, "amount", o->amount);
	kopt(w, "rating", o->rating);
	kopt(w, "standard", o->standard);
	kopt(w, "authority", o->authority);
	kopt(w, "authority_code", o->authority_code);
	kopt(w, "outcome", o->outcome);
	mw_end(w);
}
